"""Running a check as the CLI does: one run at a time, a private run folder with the log, reports
(JSON, Markdown, HTML with screenshots), the run history and, when something changed, a notification."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import queue
import signal
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from loguru import logger

from orderwatch.errors import ExitCode, OrderwatchError, RunInterrupted, UsageError
from orderwatch.i18n import _

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

    from orderwatch.allowlist import Allowlist
    from orderwatch.flows.session import CheckTarget
    from orderwatch.report import Report

T = TypeVar("T")


@dataclass(frozen=True)
class RunOptions:
    runs_root: Path  # run folders go here
    history_dir: Path  # history.sqlite3 lives here
    browser_path: Path | None = None
    headed: bool = False
    loopback_only: bool = False
    report_json: Path | None = None
    report_md: Path | None = None
    report_html: Path | None = None
    trace: bool = False
    quiet: bool = False
    notify: tuple[str, ...] = ()
    notify_incomplete_after: int = 2
    keep_days: int = 400
    keep_html: bool = False  # keep each page's HTML (orderwatch record)
    settings_every: timedelta = timedelta(days=7)  # the settings pages are read this often (0: every run)
    force_settings: bool = False  # read the settings pages this run (check --settings)


def execute_check(target: CheckTarget, allowlist: Allowlist, opts: RunOptions) -> tuple[Report, Path]:
    """Run the check and keep everything it produced. Returns the report and its run folder."""
    from orderwatch.baseline import Baseline, baseline_path
    from orderwatch.config import private_dir, write_private
    from orderwatch.diff import first_baseline
    from orderwatch.flows.check import run_check
    from orderwatch.logs import add_logfile
    from orderwatch.progress import Progress
    from orderwatch.report import dumps, render_html, render_markdown
    from orderwatch.state import RunLock

    with RunLock(target.session_file.parent):  # one run at a time per account; refused before anything is written
        allowlist = with_acknowledged(allowlist, opts.history_dir)
        baseline = Baseline.load(baseline_path(target.session_file))
        now = datetime.now().astimezone()
        due = opts.force_settings or baseline.due(opts.settings_every, now)
        target = dataclasses.replace(target, settings=due)
        run_dir = private_dir(opts.runs_root / datetime.now().strftime("%Y%m%d-%H%M%S-%f"))
        sink = add_logfile(run_dir / "run.log")
        (run_dir / "run.log").chmod(0o600)
        progress = Progress(quiet=opts.quiet)
        stop = threading.Event()  # set by the first Ctrl-C: the run stops before its next page
        try:
            report = with_browser(
                lambda browser: run_check(
                    browser,
                    target,
                    allowlist,
                    run_dir,
                    trace=opts.trace,
                    progress=stopping_before_the_next_page(progress, stop),
                    screenshots=True,
                    keep_html=opts.keep_html,
                    baseline=baseline,
                ),
                opts.browser_path,
                opts.headed,
                opts.loopback_only,
                target.market.host,
                on_interrupt=lambda: _record_interrupted(target, opts, run_dir),
                stop=stop,
            )
        finally:
            progress.done()
            logger.remove(sink)
        if not due:
            report.settings_next = baseline.next_due(opts.settings_every)
        if report.settings is not None and report.settings.fresh:
            started = baseline.record(report.settings, initial=first_baseline(report.settings, allowlist))
            report.baseline_started = started
            if started:
                logger.info("settings baseline started for: {}", ", ".join(started))
            baseline.save()
        images = {c.screenshot: c.screenshot.read_bytes() for c in report.captures if c.screenshot is not None}
        for u in report.unread:  # the screenshot saved with each snapshot, for the report
            png = u.snapshot.with_suffix(".png") if u.snapshot is not None else None
            if png is not None and png.exists():
                images[png] = png.read_bytes()
        html = render_html(report, images)
        text = dumps(report)
        write_private(run_dir / "report.json", text)
        write_private(run_dir / "report.md", render_markdown(report))
        write_private(run_dir / "report.html", html)
        for path, content in (
            (opts.report_json, text),
            (opts.report_md, render_markdown(report)),
            (opts.report_html, html),
        ):
            if path is not None and str(path) != "-":  # "-": printed on stdout by the CLI
                write_user_file(path, content)
        try:
            _record_and_notify(
                report, run_dir / "report.html", opts, notify=not report.interrupted
            )  # the user is there
        except sqlite3.Error as exc:  # the report is written; the history is a convenience
            logger.error("the run history could not be updated ({}); the report is in {}", exc, run_dir)
        if removed := prune_run_folders(opts.runs_root, opts.keep_days):
            logger.info("removed {} run folder(s) older than {} days", len(removed), opts.keep_days)
    return report, run_dir


def stopping_before_the_next_page(progress: Callable[[str], None], stop: threading.Event) -> Callable[[str], None]:
    """The check's progress callback (called before every page it opens), raising RunInterrupted once ``stop``
    is set: the run then ends there, and reports what it read."""

    def step(text: str) -> None:
        if stop.is_set():
            raise RunInterrupted(_("interrupted (Ctrl-C): the pages after this point were not read"))
        progress(text)

    return step


KEEP_LAST_RUNS = 30  # run folders kept whatever their age (the newest ones)


def prune_run_folders(runs_root: Path, keep_days: int, keep_last: int = KEEP_LAST_RUNS) -> list[Path]:
    """Remove run folders older than ``keep_days`` (as the history is pruned), keeping the newest
    ``keep_last`` whatever their age. Only folders named as runs are (YYYYmmdd-HHMMSS-ffffff). Returns the
    removed ones."""
    import re
    import shutil

    if not runs_root.is_dir():
        return []
    runs = sorted(
        (p for p in runs_root.iterdir() if p.is_dir() and re.fullmatch(r"\d{8}-\d{6}-\d{6}", p.name)),
        key=lambda p: p.name,
        reverse=True,
    )
    cutoff = (datetime.now() - timedelta(days=keep_days)).strftime("%Y%m%d-%H%M%S-%f")
    removed = [p for p in runs[keep_last:] if p.name < cutoff]
    for folder in removed:
        shutil.rmtree(folder, ignore_errors=True)
    return removed


def _record_and_notify(report: Report, report_path: Path | None, opts: RunOptions, *, notify: bool = True) -> None:
    """The run's row in the history, then a notification if it is news (``notify``). Raises sqlite3.Error."""
    from orderwatch.history import History

    with History.open(opts.history_dir) as history:
        previous = [r.status for r in history.runs(limit=60)]
        states = history.finding_states()
        history.record_run(report, report_path, keep_days=opts.keep_days)
        if notify and opts.notify:
            _notify(history, report, previous, states, opts, str(report_path) if report_path else None)


def stopped_report(marketplace: str, base_url: str, reason: str, message: str) -> Report:
    """The report of a run that ended before it read anything it could report: nothing read is claimed."""
    from orderwatch.report import Report, RunError

    now = datetime.now().astimezone()
    report = Report(marketplace, base_url, now.date(), now.date(), now, finished_at=now)
    report.error = RunError(reason, message)
    return report


def record_failed_run(report: Report, opts: RunOptions) -> None:
    """A check that ended before it had a report (bad config, missing credentials, another run going on, a
    browser that would not start, a crash) is still a run: a history row as incomplete, counted toward
    ``notify_incomplete_after``, so `doctor` and the notifications tell the truth."""
    try:
        _record_and_notify(report, None, opts)
    except (OSError, sqlite3.Error) as exc:
        logger.error("the failed run could not be recorded ({})", exc)


def with_acknowledged(allowlist: Allowlist, history_dir: Path) -> Allowlist:
    """The allowlist with every order acknowledged with `orderwatch ack` (kept in the history): the one
    place that decides "expected", for the check and for verify-email alike."""
    from orderwatch.history import History

    with History.open(history_dir) as history:
        acked = history.acknowledged()
    return dataclasses.replace(allowlist, acknowledged=allowlist.acknowledged | acked)


def _record_interrupted(target: CheckTarget, opts: RunOptions, run_dir: Path) -> None:
    """A run stopped by Ctrl-C: its report and its row in the history. No logging, no progress line and no
    notification here: Ctrl-C may have come while the logger or stderr was busy."""
    from orderwatch.config import write_private
    from orderwatch.report import dumps

    message = _("the run was interrupted (Ctrl-C) before it finished")
    report = stopped_report(target.market.code, target.base_url, "interrupted", message)
    try:
        write_private(run_dir / "report.json", dumps(report))
        _record_and_notify(report, run_dir / "report.json", opts, notify=False)  # history points at it
    except (OSError, sqlite3.Error) as exc:
        os.write(
            2, ("\n" + _("orderwatch: the interrupted run could not be recorded: {error}").format(error=exc)).encode()
        )


def _notify(
    history: object,
    report: Report,
    previous: list[str],
    states: dict[tuple[str, str], str],
    opts: RunOptions,
    report_path: str | None = None,
) -> None:
    from orderwatch.history import History
    from orderwatch.notify import decide, send

    assert isinstance(history, History)
    notice = decide(report, previous, states, opts.notify_incomplete_after, report_path)
    if notice is None:
        logger.info("nothing new to notify")
        return
    failed = send(list(opts.notify), notice.title, notice.body, notice.level)
    if not failed:
        history.mark_notified(notice.announces)


def with_browser(
    work: Callable[[Browser], T],
    browser_path: Path | None,
    headed: bool,
    loopback_only: bool,
    host: str = "",
    on_interrupt: Callable[[], None] | None = None,
    stop: threading.Event | None = None,
) -> T:
    """Launch the browser orderwatch uses, run ``work`` with it, close it. For a real site (``host``)
    the browser's resolver knows that host and its static hosts only. Inside ``early_driver()``, the work
    runs in the thread whose Playwright driver started early.

    Ctrl-C while the browser works, with ``stop``: the event is set and the work goes on to the point where it
    looks at it (a check: before its next page), so that what was read is kept; a second Ctrl-C, or the first
    without ``stop``: ``on_interrupt`` (record the run), then the process ends at once with 130. (Unwinding
    Playwright's event loop from inside a call it was waiting on prints tracebacks of futures it never finishes,
    so no KeyboardInterrupt is raised there; the driver ends the browser when this process goes.)"""
    from playwright.sync_api import Error as PlaywrightError

    from orderwatch.bots.browser import find_browser, launch
    from orderwatch.bots.guard import STATIC_HOSTS

    executable = find_browser(browser_path, headed=headed, prefer_full=not loopback_only)

    def on_sigint(signum: int, frame: object) -> None:
        # Handled here, not as a KeyboardInterrupt: raised inside Playwright's own callbacks it prints their
        # tracebacks, or turns into a "target closed" error. The run is recorded, then the process ends; the
        # driver ends the browser when this process goes. (Runs between two bytecodes of the main thread,
        # which holds no history connection while the browser works.)
        if stop is not None and not stop.is_set():
            stop.set()
            os.write(2, ("\n" + _("orderwatch: stopping before the next page (Ctrl-C again: at once)") + "\n").encode())
            return
        if on_interrupt is not None:
            on_interrupt()
        exit_interrupted()

    def launched(pw: Playwright) -> T:
        hosts = None if loopback_only else [host, *STATIC_HOSTS]
        browser = launch(pw, executable, headed=headed, loopback_only=loopback_only, hosts=hosts)
        try:
            return work(browser)
        finally:
            browser.close()

    main_thread = threading.current_thread() is threading.main_thread()  # only there can a handler be set
    previous = signal.signal(signal.SIGINT, on_sigint) if main_thread else None
    try:
        if _early is not None:
            return _early.run(launched)
        from playwright.sync_api import sync_playwright

        driver_environment()
        with sync_playwright() as pw:
            return launched(pw)
    except PlaywrightError as exc:
        first = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        raise OrderwatchError(_("the browser could not be started or failed: {error}").format(error=first)) from None
    finally:
        if main_thread:
            signal.signal(signal.SIGINT, previous)


def driver_environment() -> None:
    """Before Playwright starts its driver (Node.js), two settings measured by bench/check_targets.py:
    Node keeps the bytecode of the driver's 7 MB of JavaScript in orderwatch's cache folder (NODE_COMPILE_CACHE:
    the driver starts in 0.24 s instead of 0.30 s), unless the user chose a cache of their own; and a young
    generation of 1 MB (``--max-semi-space-size=1``: the driver holds 105 MB instead of 124, no slower)."""
    from orderwatch.config import cache_dir

    os.environ.setdefault("NODE_COMPILE_CACHE", str(cache_dir() / "node-compile-cache"))
    options = os.environ.get("NODE_OPTIONS", "")
    if "--max-semi-space-size" not in options:
        os.environ["NODE_OPTIONS"] = f"{options} {NODE_SEMI_SPACE}".strip()


NODE_SEMI_SPACE = "--max-semi-space-size=1"


class _DriverThread:
    """Playwright's driver started in a thread of its own, so that it starts (about 0.3 s, in Node.js on the
    other core) while the command loads its settings and prepares the run. Playwright's sync objects belong
    to the thread that made them, so the browser work then runs in that thread (``run``)."""

    def __init__(self) -> None:
        self._jobs: queue.Queue[Callable[[Playwright | None], None] | None] = queue.Queue()
        self._failed: BaseException | None = None
        self._thread = threading.Thread(target=self._serve, name="playwright-driver", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        stopping = False
        try:
            from playwright.sync_api import sync_playwright

            driver_environment()
            with sync_playwright() as pw:
                while (job := self._jobs.get()) is not None:
                    job(pw)
                stopping = True
        except BaseException as exc:  # the driver did not start: every job gets this error
            if stopping:  # it failed as it stopped: nobody waits for it any more
                return
            self._failed = exc
        while not stopping and (job := self._jobs.get()) is not None:
            job(None)

    def run(self, work: Callable[[Playwright], T]) -> T:
        """``work(playwright)`` in the driver's thread; its result, or its exception raised here."""
        done: Future[T] = Future()

        def job(pw: Playwright | None) -> None:
            try:
                if pw is None:
                    assert self._failed is not None
                    raise self._failed
                done.set_result(work(pw))
            except BaseException as exc:
                done.set_exception(exc)

        self._jobs.put(job)
        return done.result()

    def stop(self) -> None:
        self._jobs.put(None)
        self._thread.join(timeout=10)


_early: _DriverThread | None = None


@contextlib.contextmanager
def early_driver() -> Iterator[None]:
    """Start Playwright's driver now, for the ``with_browser`` calls inside: a check's command enters this
    first, so the driver starts while the settings load and the run is prepared (bench/check_targets.py)."""
    global _early
    if _early is not None:  # already started by an outer command
        yield
        return
    _early = _DriverThread()
    try:
        yield
    finally:
        driver, _early = _early, None
        driver.stop()


def exit_interrupted() -> None:
    """Say "interrupted" and end the process now with 130. Written with os.write: Ctrl-C may have come in
    the middle of a write to stderr (the progress line), where Python's own stream may not be used again."""
    with contextlib.suppress(Exception):
        sys.stdout.flush()
    os.write(2, ("\n" + _("orderwatch: interrupted (Ctrl-C); nothing more was read") + "\n").encode())
    os._exit(ExitCode.INTERRUPTED)


def write_user_file(path: Path, text: str) -> None:
    """An extra copy of a report (--report-json/-md/-html PATH): private like the run folder (0600)."""
    from orderwatch.config import write_private

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_private(path, text)
    except OSError as exc:
        raise UsageError(_("cannot write {path}: {error}").format(path=path, error=exc.strerror)) from None
