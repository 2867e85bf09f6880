"""Commands for living with orderwatch: init, doctor, login, ack, history, schedule, notify, record."""

from __future__ import annotations

import json
import shutil
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from orderwatch.cli_base import account_target, demo_target, main, run_options
from orderwatch.errors import ExitCode, UsageError
from orderwatch.i18n import _
from orderwatch.runner import with_browser
from orderwatch.words import findings_count, history_moment, orders_count, pad, run_status, width


@main.command()
@click.option(
    "--keyring",
    "use_keyring",
    is_flag=True,
    help="Also ask for your e-mail, password and TOTP secret and keep them in the OS keyring.",
)
def init(use_keyring: bool) -> None:
    """Create the config folder with a commented config.toml and an allowlist template, and say what next.

    Existing files are never overwritten. Credentials are never written to the config file.
    """
    from orderwatch.config import config_dir, private_dir, write_private
    from orderwatch.credentials import to_keyring, usable_totp_secret

    folder = private_dir(config_dir())
    for name in ("config.toml", "allowlist.toml"):
        path = folder / name
        if path.exists():
            click.echo(_("kept     {path} (already there)").format(path=path))
        else:
            write_private(path, template(name))
            click.echo(_("created  {path}").format(path=path))
    if use_keyring:
        email = click.prompt(_("Amazon e-mail"))
        password = click.prompt(_("Amazon password"), hide_input=True)
        secret = click.prompt(_("TOTP secret (base32, from adding an authenticator app)"), hide_input=True)
        secret = usable_totp_secret(secret)
        for field, value in (("email", email), ("password", password), ("totp_secret", secret)):
            to_keyring(field, value)
        click.echo(_("stored   e-mail, password and TOTP secret in the OS keyring"))
    click.echo(
        "\n"
        + _(
            "Next:\n"
            "  1. Edit {allowlist}: what you buy on purpose, and 1-Click expected off.\n"
            "  2. Credentials: ORDERWATCH_EMAIL / _PASSWORD / _TOTP_SECRET in .env (see .env.example),\n"
            "     or `orderwatch init --keyring`.\n"
            "  3. Sign in once by hand: `orderwatch login --headed` (solves CAPTCHA and approval prompts).\n"
            "  4. `orderwatch doctor`, then `orderwatch check`.\n"
            "  5. Every night: `orderwatch schedule --print systemd` (or cron)."
        ).format(allowlist=folder / "allowlist.toml")
    )


@main.command("setup-browser")
@click.option("--force", is_flag=True, help="Download Playwright's Chromium even when a usable browser is found.")
def setup_browser(force: bool) -> None:
    """Get the browser orderwatch drives, once after `pipx install` / `pip install`: Playwright's Chromium
    (a download of about 150 MB into Playwright's cache), unless an installed Chromium is found already.

    On Debian or Ubuntu without Playwright's download, `apt-get install chromium-headless-shell` instead.
    """
    import subprocess

    from orderwatch.bots.browser import find_browser

    if not force:
        try:
            found = find_browser()
        except UsageError:
            found = None
        else:
            where = str(found) if found is not None else _("Playwright's own Chromium")
            click.echo(
                _("a browser is there already: {browser} (--force downloads Playwright's)").format(browser=where)
            )
            return
    click.echo(_("downloading Playwright's Chromium (python -m playwright install chromium) …"))
    code = subprocess.call([sys.executable, "-m", "playwright", "install", "chromium"])
    if code != 0:
        raise UsageError(
            _(
                "Playwright's download failed (exit {code}): install Chromium yourself (Debian: apt-get install "
                "chromium-headless-shell) or set ORDERWATCH_BROWSER to one"
            ).format(code=code)
        )
    click.echo(_("done: `orderwatch doctor` checks it"))


def template(name: str) -> str:
    """A file ``init`` writes, with its comments in the language in force (English where none is written)."""
    from importlib import resources

    from orderwatch.i18n import language

    folder = resources.files("orderwatch").joinpath("templates")
    localized = folder.joinpath(language(), name)
    return (localized if localized.is_file() else folder.joinpath(name)).read_text(encoding="utf-8")


@main.command()
@click.option("--launch/--no-launch", default=True, show_default=True, help="Also start the browser once.")
@click.option("--json", "as_json", is_flag=True, help="Print the checks as JSON ([{check, status, detail}]).")
def doctor(launch: bool, as_json: bool) -> None:
    """Check the set-up: browser, config, allowlist, credentials (never printed), session, last run.

    Each line says OK or what to fix. Exit 0 when everything is OK, 1 otherwise.
    """
    from orderwatch.doctor import CHECK_NAMES, STATUS_WORDS, checks

    lines = []
    prefix_width = max(4, *(width(_(word)) for word in STATUS_WORDS.values()))
    for check in checks(launch):
        lines.append(check)
        if not as_json:
            prefix = pad(_(STATUS_WORDS[check.status]), prefix_width)
            click.echo(f"{prefix} {pad(_(CHECK_NAMES.get(check.name, check.name)), 12)} {check.detail}")
    if as_json:
        click.echo(json.dumps([c.to_json() for c in lines], ensure_ascii=False, indent=2))
    sys.exit(ExitCode.OK if all(c.status != "fix" for c in lines) else ExitCode.FINDINGS)


@main.command()
@click.option(
    "--headed/--headless",
    default=True,
    show_default=True,
    help="--headed: a visible browser where you sign in yourself. --headless: sign in automatically now "
    "with the stored credentials (also during the cool-down: you asked for it).",
)
@click.option("--base-url", help="The site (default the marketplace's own host, or a loopback replay).")
@click.option("--marketplace", type=click.Choice(["co.jp", "com"]), help="Which Amazon.")
@click.option(
    "--wait-minutes",
    type=click.IntRange(1, 60),
    default=10,
    show_default=True,
    help="How long to wait for you to finish signing in (--headed).",
)
def login(headed: bool, base_url: str | None, marketplace: str | None, wait_minutes: int) -> None:
    """Sign in once and save the session for the nightly checks.

    With --headed a browser window opens on the sign-in page; solve the CAPTCHA or approve the prompt
    as the site asks. orderwatch only watches (the read-only guard stays on) and saves the session once
    the account pages show.
    """
    from orderwatch.config import load_settings
    from orderwatch.flows.login import wait_for_person
    from orderwatch.flows.session import AccountSession
    from orderwatch.state import RunLock

    settings = load_settings(base_url=base_url, marketplace=marketplace)
    if headed:
        target, loopback = _login_target(settings)
        with RunLock(target.session_file.parent):
            with_browser(
                lambda b: wait_for_person(b, target, timeout_s=wait_minutes * 60),
                settings.browser,
                True,
                loopback,
                target.market.host,
            )
        click.echo(_("Signed in; the session is saved ({path}).").format(path=target.session_file))
        return
    target, loopback = account_target(settings, force_sign_in=True)

    def automatic(browser: Any) -> str:
        with AccountSession(browser, target) as session:
            session.get(session.pages.order_history_url("last30"))
            session.save_session()
            return session.signed_in

    with RunLock(target.session_file.parent):
        how = with_browser(automatic, settings.browser, False, loopback, target.market.host)
    if how == "signed_in":
        click.echo(_("Signed in; session saved ({path}).").format(path=target.session_file))
    else:
        click.echo(_("The saved session is still valid; session saved ({path}).").format(path=target.session_file))


def _login_target(settings: Any) -> tuple[Any, bool]:
    """Like account_target, but a person signs in: no stored credentials are needed or used."""
    import dataclasses

    from orderwatch.flows.signin import Credentials

    target, loopback = account_target(settings, need_credentials=False)
    return dataclasses.replace(target, creds=Credentials(None, None, None)), loopback


@main.command()
@click.argument("order_id", required=False)
@click.option("--note", help="Why this order is fine (kept in the history).")
@click.option("--list", "list_acks", is_flag=True, help="List the acknowledged orders.")
@click.option("--undo", is_flag=True, help="Take the acknowledgement of ORDER_ID back: it is judged again.")
@click.option("--demo", is_flag=True, help="The demo account's history.")
def ack(order_id: str | None, note: str | None, list_acks: bool, undo: bool, demo: bool) -> None:
    """Mark ORDER_ID as intended: it is not reported again (kept in the run history).

    Ids are read as people paste them: lower case and full-width characters (ｄ０１－…) are fine.
    """
    from orderwatch.config import load_settings
    from orderwatch.history import History

    settings = load_settings()
    folder = settings.data_dir / "demo" if demo else settings.data_dir
    if list_acks:
        if order_id or undo:
            raise UsageError(_("--list takes no order id and no --undo"))
        with History.open(folder) as history:
            rows = history.acks()
        for oid, why, at in rows:
            click.echo(f"{oid}  {_day(at)}  {why or ''}".rstrip())
        if not rows:
            click.echo(_("No order is acknowledged."))
        return
    if not order_id:
        raise UsageError(_("give an ORDER_ID (or --list)"))
    oid = normalize_order_id(order_id)
    with History.open(folder) as history:
        if undo:
            if not history.unack(oid):
                listing = (
                    _("{order_id} is not acknowledged (see `orderwatch ack --list --demo`)")
                    if demo
                    else _("{order_id} is not acknowledged (see `orderwatch ack --list`)")
                )
                raise UsageError(listing.format(order_id=oid))
            click.echo(
                _("{order_id}: acknowledgement taken back — the next check judges it again.").format(order_id=oid)
            )
            return
        known = history.ack(oid, note)
    click.echo(_("{order_id} acknowledged: it will not be reported again.").format(order_id=oid))
    if not known:
        if demo:
            warning = _("Warning: no check has seen {order_id} in this account's history — check the id.")
        else:
            warning = _(
                "Warning: no check has seen {order_id} in this account's history — check the id "
                "(for the demo account add --demo)."
            )
        click.echo(warning.format(order_id=oid), err=True)


def _day(at: str) -> str:
    """The date of an ISO timestamp from the history, as the reader writes it (English: 2026-11-28)."""
    from datetime import date

    from orderwatch.i18n import day

    try:
        return day(date.fromisoformat(at[:10]))
    except ValueError:
        return at[:10]


def normalize_order_id(text: str) -> str:
    """An order id as people paste it — full-width (ｄ０１－…), lower case, with spaces — in the site's form;
    UsageError when it is not one."""
    import unicodedata

    from orderwatch.models import is_order_id

    oid = "".join(unicodedata.normalize("NFKC", text).split()).upper().replace("‐", "-").replace("−", "-")
    if not is_order_id(oid):
        raise UsageError(
            _("{text!r} is not an order id like 249-1234567-1234567 or D01-1234567-1234567").format(text=text)
        )
    return oid


@main.group()
def baseline() -> None:
    """Show or accept the settings baseline: what Login & Security, 2-step verification, memberships,
    devices and Kindle content looked like when you last agreed with them.

    The first complete read of each settings page becomes its baseline; later reads are compared with it,
    and a difference is a finding in every report until you accept it here.
    """


def _baseline_of(demo: bool, base_url: str | None = None, marketplace: str | None = None) -> Any:
    """The baseline of the demo account, or of the account `check` reads with these options (a replay on
    a loopback address has a baseline of its own, like its saved session)."""
    from orderwatch.baseline import Baseline, baseline_path
    from orderwatch.config import load_settings

    settings = load_settings(base_url=base_url, marketplace=marketplace)
    if demo:
        return Baseline.load(baseline_path(settings.state_dir / "demo" / "session.json"))
    target, _loopback = account_target(settings, need_credentials=False)
    return Baseline.load(baseline_path(target.session_file))


def _baseline_options(f: Any) -> Any:
    f = click.option("--marketplace", type=click.Choice(["co.jp", "com"]), help="Which Amazon (as for check).")(f)
    f = click.option("--base-url", help="The site, as given to check (a loopback replay has its own baseline).")(f)
    return click.option("--demo", is_flag=True, help="The demo account's baseline (the one `orderwatch demo` uses).")(f)


@baseline.command("show")
@_baseline_options
def baseline_show(demo: bool, base_url: str | None, marketplace: str | None) -> None:
    """Print the baseline of each settings section and what the latest read changed (- gone, + new)."""
    from orderwatch.baseline import render

    base = _baseline_of(demo, base_url, marketplace)
    click.echo(render(base), nl=False)
    if not demo and not base.latest:
        click.echo(_("(Nothing read yet for this account. For the demo account: `orderwatch baseline show --demo`.)"))


@baseline.command("accept")
@click.argument("kinds", nargs=-1, metavar="[KIND]...")
@click.option("--all", "accept_all", is_flag=True, help="Accept every section's latest read.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask; accept after showing (for scripts).")
@_baseline_options
def baseline_accept(
    kinds: tuple[str, ...], accept_all: bool, yes: bool, demo: bool, base_url: str | None, marketplace: str | None
) -> None:
    """Make the latest read of KIND the baseline, after showing what changes.

    KIND is a section — login_security, two_step, subscriptions, devices, content — or a finding kind
    from a report (device_added, trial_started, two_step_method_added, ...), which accepts its section.
    A subscription or device your allowlist does not list stays a finding: list it there instead.
    """
    from orderwatch.baseline import FINDING_SECTION, SECTIONS, changes, render, section_label

    if accept_all and kinds:
        raise UsageError(_("give either what to accept (KIND ...) or --all, not both"))
    if not accept_all and not kinds:
        raise UsageError(_("name what to accept (a section or a finding kind, see --help), or pass --all"))
    sections: list[str] = []
    for kind in SECTIONS if accept_all else kinds:
        section = kind if kind in SECTIONS else FINDING_SECTION.get(kind)
        if section is None:
            if kind in ("unexpected_order", "one_click_enabled", "one_click_disabled"):
                raise UsageError(
                    _(
                        "{kind} is not a settings finding: acknowledge an order with `orderwatch ack ORDER_ID`, "
                        "set one_click.expected in the allowlist"
                    ).format(kind=kind)
                )
            known = ", ".join([*SECTIONS, *sorted(FINDING_SECTION)])
            raise UsageError(
                _("{kind!r} is neither a settings section nor a settings finding kind ({known})").format(
                    kind=kind, known=known
                )
            )
        if section not in sections:
            sections.append(section)
    base = _baseline_of(demo, base_url, marketplace)
    readable = [name for name in sections if name in base.latest]
    for name in sections:
        if name not in readable:
            if demo:
                never = _("{section}: never read yet — nothing to accept (the next settings read starts its baseline)")
            else:
                never = _(
                    "{section}: never read yet — nothing to accept (the next settings read starts its baseline)"
                    " — for the demo account add --demo"
                )
            click.echo(never.format(section=section_label(name)))
    pending = [name for name in readable if any(changes(base, name))]
    for name in readable:
        if name not in pending:
            click.echo(
                _("{section}: the latest read is the baseline already — nothing to accept").format(
                    section=section_label(name)
                )
            )
    if not pending:
        return
    click.echo(render(base, tuple(pending)), nl=False)
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError(_("not asking without a terminal: run again with --yes to accept what is shown above"))
        if not click.confirm(_("Accept these as the new baseline?")):
            click.echo(_("nothing accepted"))
            return
    done = base.accept(pending, datetime.now().astimezone())
    base.save()
    click.echo(
        _("accepted: {sections} — the next report compares with these.").format(
            sections=_(", ").join(section_label(n) for n in done)
        )
    )


@main.command()
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True, help="How many runs.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--demo", is_flag=True, help="The demo account's history.")
def history(limit: int, as_json: bool, demo: bool) -> None:
    """List the last runs: when, status, orders, findings and the report."""
    from orderwatch.config import load_settings
    from orderwatch.history import History

    settings = load_settings()
    folder = settings.data_dir / "demo" if demo else settings.data_dir
    if not (folder / "history.sqlite3").exists():
        click.echo("[]" if as_json else _("No runs yet."))
        return
    with History.open(folder) as h:
        runs = h.runs(limit)
    if as_json:
        click.echo(json.dumps([r.__dict__ for r in runs], indent=2))
        return
    if not runs:
        click.echo(_("No runs yet."))
        return
    rows = [
        (
            history_moment(r.started_at),
            run_status(r.status, r.error_reason),
            orders_count(r.orders),
            findings_count(r.findings),
            r.report_path or "-",
        )
        for r in runs
    ]
    # TRANSLATORS: the five column headings of `orderwatch history`, separated by | (keep four |)
    header = tuple(_("started|status|orders|findings|report").split("|"))
    if len(header) != 5:
        header = ("started", "status", "orders", "findings", "report")
    widths = [max(width(row[i]) for row in [header, *rows]) for i in range(4)]
    for row in [header, *rows]:
        click.echo("  ".join(pad(cell, w) for cell, w in zip(row[:4], widths, strict=True)) + "  " + row[4])


@main.command()
@click.option(
    "--print",
    "kind",
    type=click.Choice(["systemd", "cron"]),
    required=True,
    help="Print a systemd user timer/service pair or a crontab line.",
)
@click.option("--at", "at", default="03:30", show_default=True, help="Time of day (HH:MM, local).")
def schedule(kind: str, at: str) -> None:
    """Print what runs the check every night, with this installation's paths. Nothing is installed."""
    import re

    if not re.match(r"^([01]\d|2[0-3]):[0-5]\d$", at):
        raise UsageError(_("--at {at!r} is not a time like 03:30").format(at=at))
    exe = Path(shutil.which("orderwatch") or Path(sys.executable).with_name("orderwatch")).resolve()
    workdir = Path.cwd()
    hour, minute = at.split(":")
    if kind == "cron":
        click.echo(
            _("# crontab -e, then add (runs every night at {at}; quiet unless something needs you):").format(at=at)
            + "\n"
            + cron_line(int(minute), int(hour), workdir, exe)
        )
        return
    service, timer = systemd_units(workdir, exe, at)
    click.echo(
        "# ~/.config/systemd/user/orderwatch.service\n"
        + service
        + "\n# ~/.config/systemd/user/orderwatch.timer\n"
        + timer
        + "\n"
        + _(
            "# then: systemctl --user daemon-reload && systemctl --user enable --now orderwatch.timer\n"
            "# (and `loginctl enable-linger $USER` so it runs while you are logged out)"
        )
    )


def cron_line(minute: int, hour: int, workdir: Path, exe: Path) -> str:
    """The crontab line: paths quoted for the shell, and % escaped (cron turns a bare % into a newline)."""
    import shlex

    command = f"cd {shlex.quote(str(workdir))} && {shlex.quote(str(exe))} --quiet check"
    return f"{minute} {hour} * * * " + command.replace("%", "\\%")


def systemd_units(workdir: Path, exe: Path, at: str) -> tuple[str, str]:
    """The user service and timer: paths quoted as systemd reads them, % written %% (a specifier otherwise)."""

    def path(p: Path) -> str:
        return str(p).replace("%", "%%")

    def arg(p: Path) -> str:
        text = path(p).replace("\\", "\\\\").replace('"', '\\"')
        return f'"{text}"' if any(c.isspace() for c in text) or '"' in str(p) else text

    service_description = _("orderwatch: check the Amazon account for purchases you did not intend")
    timer_description = _("Run orderwatch every night")
    service = f"""[Unit]
Description={service_description}

[Service]
Type=oneshot
WorkingDirectory={path(workdir)}
ExecStart={arg(exe)} --quiet check
"""
    timer = f"""[Unit]
Description={timer_description}

[Timer]
OnCalendar=*-*-* {at}:00
RandomizedDelaySec=20min
Persistent=true

[Install]
WantedBy=timers.target
"""
    return service, timer


@main.command()
@click.option("--test", "test", is_flag=True, required=True, help="Send a test message to every configured target.")
def notify(test: bool) -> None:
    """Send a test notification to the apprise URLs in config.toml (notify = [...]).

    Exit 0 when every target accepted it, 1 when one failed, 2 when none is configured.
    """
    from orderwatch.config import load_settings
    from orderwatch.logs import register_secret
    from orderwatch.notify import send

    settings = load_settings()
    for secret in settings.secrets():
        register_secret(secret)
    if not settings.notify:
        raise UsageError(_('no notification targets: add notify = ["..."] (apprise URLs) to config.toml'))
    failed = {
        f.index: f.why
        for f in send(list(settings.notify), _("orderwatch test"), _("This is a test notification from orderwatch."))
    }
    for index in range(1, len(settings.notify) + 1):
        if index in failed:
            click.echo(_("FAILED  notification target #{index}: {why}").format(index=index, why=failed[index]))
        else:
            click.echo(_("sent    notification target #{index}").format(index=index))
    sys.exit(ExitCode.FINDINGS if failed else ExitCode.OK)


@main.command()
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the scrubbed pages, manifest.json and scrub-report.json.",
)
@click.option("--demo", is_flag=True, help="Record the demo account's replay site.")
@click.option(
    "--scrub",
    "extra",
    multiple=True,
    help="A value to remove wherever it appears (your name, an address line); repeatable.",
)
@click.option("--base-url", help="The site (default the marketplace's own host, or a loopback replay).")
@click.option("--marketplace", type=click.Choice(["co.jp", "com"]), help="Which Amazon.")
@click.option("--allowlist", type=click.Path(dir_okay=False, path_type=Path), help="Allowlist TOML.")
@click.pass_context
def record(
    ctx: click.Context,
    out: Path,
    demo: bool,
    extra: tuple[str, ...],
    base_url: str | None,
    marketplace: str | None,
    allowlist: Path | None,
) -> None:
    """Run a check and save every page it read — rendered HTML, scrubbed of personal data — with a
    manifest (URL, page kind, marketplace, capture time) and a scrub report of what each rule replaced.

    Names, addresses, e-mail addresses, phone numbers, card digits, gift-card codes, CSRF and session
    tokens and ids in URLs are replaced by explicit rules (orderwatch/recording.py); order ids, dates,
    totals, titles and ASINs stay, so the pages still parse to the same orders. Read the pages before
    sharing them: rules cannot know every place a site prints your data.
    """
    from orderwatch.allowlist import Allowlist, load_allowlist
    from orderwatch.config import load_settings, private_dir, write_private
    from orderwatch.recording import make_recording
    from orderwatch.runner import execute_check

    settings = load_settings(
        base_url=None if demo else base_url, marketplace="co.jp" if demo else marketplace, allowlist=allowlist
    )
    if out.exists() and not out.is_dir():
        raise UsageError(_("{path} is a file: choose a new folder for the recording").format(path=out))
    if out.exists() and any(out.iterdir()):
        raise UsageError(_("{path} is not empty: choose a new folder for the recording").format(path=out))
    try:  # before the run: a folder that cannot be made is found now, not after every page was read
        private_dir(out)
    except OSError as exc:
        raise UsageError(_("cannot create {path}: {why}").format(path=out, why=exc.strerror)) from None
    if demo:
        from orderwatch.replay import ReplaySite
        from orderwatch.replay.account import DEMO_DIR

        with ReplaySite() as site:
            target = demo_target(settings, site)
            opts = run_options(settings, ctx, demo=True, loopback=True, keep_html=True, notify=())
            report, _status = execute_check(target, load_allowlist(DEMO_DIR / "allowlist.toml"), opts)
        known = (target.creds.email or "",)
    else:
        rules = load_allowlist(settings.allowlist_path) if settings.allowlist_path.exists() else Allowlist()
        target, loopback = account_target(settings)
        opts = run_options(settings, ctx, demo=False, loopback=loopback, keep_html=True, notify=())
        report, _status = execute_check(target, rules, opts)
        known = (target.creds.email or "",)
    folder = private_dir(out)
    captured_at = (report.finished_at or datetime.now().astimezone()).isoformat(timespec="seconds")
    recording = make_recording(report.captures, report.marketplace, captured_at, known + extra)
    for name, text in recording.pages.items():
        write_private(folder / name, text)
    for name, content in (("manifest.json", recording.manifest), ("scrub-report.json", recording.scrub_report)):
        write_private(folder / name, json.dumps(content, ensure_ascii=False, indent=2) + "\n")
    totals = recording.replaced
    replaced = ", ".join(f"{k} {v}" for k, v in sorted(totals.items())) or _("nothing")
    click.echo(
        _("Recorded {n} page(s) into {folder} (check status: {status}); replaced: {replaced}.").format(
            n=len(recording.manifest), folder=folder, status=run_status(report.status), replaced=replaced
        )
    )
    click.echo(_("Read the pages before you share them."))
    # findings are not record's business; pages it could not read, or a Ctrl-C, are
    sys.exit(report.exit_code if report.status == "incomplete" or report.interrupted else ExitCode.OK)
