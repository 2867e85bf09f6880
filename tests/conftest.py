"""Shared fixtures. Every test runs with its own XDG folders and working directory (so no real
config, session or .env is ever read), and browser tests touch only the loopback replay site."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from orderwatch import i18n
from orderwatch.bots.browser import LOOPBACK_ONLY_ARGS, QUIET_ARGS, find_browser
from orderwatch.replay import ReplaySite

ROOT = Path(__file__).resolve().parents[1]
# Real pages of other projects, never copied into the repository: ../shared/peer-pages beside the checkout
# (or beside the checkout a CI clone was made from), or wherever ORDERWATCH_TEST_PEER_PAGES says. Tests that
# need them skip when they are absent — except in CI (CI=true), where a missing folder is an error
# (pytest_configure), unless ORDERWATCH_ALLOW_MISSING_SHARED=1.


def _peer_pages() -> Path:
    """ORDERWATCH_TEST_PEER_PAGES; else ../shared/peer-pages beside this checkout; else, in a clone of a local
    checkout (CI clones the team's checkout into a folder of its own), beside the checkout it was cloned from."""
    if configured := os.environ.get("ORDERWATCH_TEST_PEER_PAGES"):
        return Path(configured)
    beside = ROOT.parent / "shared" / "peer-pages"
    if beside.is_dir():
        return beside
    try:
        origin = subprocess.run(
            ["git", "-C", str(ROOT), "remote", "get-url", "origin"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        origin = ""
    if origin and os.path.isabs(origin):  # a folder, not a URL
        cloned_from = Path(origin).resolve().parent / "shared" / "peer-pages"
        if cloned_from.is_dir():
            return cloned_from
    return beside


PEER_PAGES = _peer_pages()
# Every Playwright driver the tests start (in-process and in `orderwatch` subprocesses) shares one warm Node
# compile cache, as a user's runs do (runner.driver_environment); each test's own XDG cache would start cold.
os.environ.setdefault("NODE_COMPILE_CACHE", os.path.join(tempfile.gettempdir(), "orderwatch-tests-node-cache"))


def pytest_configure(config: pytest.Config) -> None:
    """In CI the tests on real pages must run: a skip there would pass a run that never read a real page."""
    in_ci = os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")
    if in_ci and not PEER_PAGES.is_dir() and os.environ.get("ORDERWATCH_ALLOW_MISSING_SHARED") != "1":
        raise pytest.UsageError(
            f"CI=true but the shared peer pages are absent ({PEER_PAGES}): the tests on real pages would skip. "
            "Put ../shared beside the clone, set ORDERWATCH_TEST_PEER_PAGES=/path/to/shared/peer-pages, or, to "
            "run without them on purpose, set ORDERWATCH_ALLOW_MISSING_SHARED=1."
        )


def pytest_report_header() -> str:
    if PEER_PAGES.is_dir():
        return f"real peer pages: {PEER_PAGES}"
    return (
        f"real peer pages: absent ({PEER_PAGES}); the tests on real pages will SKIP — "
        "set ORDERWATCH_TEST_PEER_PAGES=/path/to/shared/peer-pages to run them"
    )


@pytest.fixture(autouse=True)
def _isolated(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if request.node.get_closest_marker("live"):
        return  # a live test runs as the user would, with the user's own settings
    for var in ("CONFIG", "DATA", "STATE", "CACHE"):
        monkeypatch.setenv(f"XDG_{var}_HOME", str(tmp_path / "xdg" / var.lower()))
    for name in list(os.environ):
        if name.startswith("ORDERWATCH_"):
            monkeypatch.delenv(name)
    # The tests written in English read English; the Japanese ones ask for it (--lang ja, use_language).
    monkeypatch.setenv("ORDERWATCH_LANG", "en")
    i18n.start(None)
    i18n.set_language("en")
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright has no flag for the executable: use the one orderwatch itself would use."""
    executable = find_browser()
    args = {**browser_type_launch_args, "args": QUIET_ARGS + LOOPBACK_ONLY_ARGS}
    if executable is not None:
        args["executable_path"] = str(executable)
    return args


@pytest.fixture
def replay() -> Iterator[ReplaySite]:
    """The demo account on 127.0.0.1. Whatever a test does, no state-changing endpoint may be hit."""
    site = ReplaySite()
    site.start()
    try:
        yield site
    finally:
        site.stop()
    assert site.ledger == [], f"the bot reached state-changing endpoints: {site.ledger}"


def cli_env(**extra: str) -> dict[str, str]:
    """The environment for running `orderwatch` as a subprocess: none of the developer's ORDERWATCH_*
    settings, short retry backoff (the retries themselves still happen), English, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORDERWATCH_")}
    return env | {"ORDERWATCH_RETRY_BACKOFF_S": "0.05", "ORDERWATCH_LANG": "en"} | extra


GLOBAL_FLAGS = {"-q", "--quiet", "-v", "-vv", "-vvv", "--verbose"}
# Commands that never start a browser, or not with these options: they run in the test's own process.
NO_BROWSER = {"init", "ack", "history", "schedule", "notify", "parse", "baseline", "--help", "--version"}


# Settings a process reads once (the keyring's backend, where modules come from): a subprocess of its own.
PER_PROCESS = {"PYTHON_KEYRING_BACKEND", "PYTHONPATH"}


def starts_a_browser(args: tuple[str, ...]) -> bool:
    rest = list(args)
    while rest and (rest[0] in GLOBAL_FLAGS or rest[0] == "--lang"):
        rest = rest[2:] if rest[0] == "--lang" else rest[1:]
    if not rest or rest[0] in NO_BROWSER:
        return False
    if rest[0] == "doctor":  # even with --no-launch: finding a headed browser may ask Playwright's driver
        return True
    if rest[0] == "verify-email":
        return "--offline" not in rest
    return True


def ow(*args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """`orderwatch ARGS` as a user runs it, with ``cli_env(**env)``. A command that starts no browser runs in this
    process through click's CliRunner (no interpreter start, no imports: a tenth of the time); one that does
    runs as a subprocess, as cron would run it (its own driver, browser and signal handling). The entry point
    itself is tested as a subprocess in test_installed.py, test_interrupt.py and test_cli.py."""
    if starts_a_browser(args) or PER_PROCESS & set(env or {}):
        return subprocess.run(
            [sys.executable, "-m", "orderwatch", *args],
            capture_output=True,
            text=True,
            env=cli_env(**(env or {})),
            input=stdin,
            check=False,
            timeout=180,
        )
    from click.testing import CliRunner
    from loguru import logger

    from orderwatch.cli import main

    wanted = cli_env(**(env or {}))
    environment: dict[str, str | None] = {k: v for k, v in wanted.items() if os.environ.get(k) != v}
    environment |= {k: None for k in os.environ if k not in wanted}
    try:
        with warnings.catch_warnings():  # as in a process of its own: Python's default filters, not pytest's "error"
            for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
                warnings.simplefilter("ignore", category)
            result = CliRunner(env=environment).invoke(main, list(args), input=stdin, prog_name="orderwatch")
    finally:  # the command pointed the log at the runner's captured stderr, closed now
        logger.remove()
        logger.add(sys.stderr, level="WARNING")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return subprocess.CompletedProcess(["orderwatch", *args], result.exit_code, result.stdout, result.stderr)


def peer_page(*parts: str) -> Path:
    path = PEER_PAGES.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared peer pages not present ({PEER_PAGES}); they live outside the repository")
    return path
