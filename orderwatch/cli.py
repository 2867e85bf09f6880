"""The `orderwatch` command line. Exit codes: 0 clean, 1 findings, 2 bad input or config,
3 the check could not be completed (sign-in needs a person, a page changed, the network failed)."""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from orderwatch import (
    cli_admin,  # noqa: F401 — registers the other commands on `main`
    i18n,
)
from orderwatch.cli_base import (
    account_target,
    demo_target,
    main,
    report_options,
    run_flags,
    run_options,
    seed_demo_baseline,
)
from orderwatch.errors import CheckIncomplete, ExitCode, OrderwatchError, PageChangedError, UsageError, reason_of
from orderwatch.i18n import _
from orderwatch.runner import RunOptions, execute_check, with_acknowledged, with_browser

__all__ = ["main"]  # the entry point (pyproject's [project.scripts]); the commands register on it

if TYPE_CHECKING:
    from orderwatch.config import Settings
    from orderwatch.flows.session import CheckTarget


@main.command()
@report_options
@run_flags
@click.option(
    "--as-of", type=click.DateTime(["%Y-%m-%d"]), help="Pretend today is this date (default: today in Tokyo)."
)
@click.option("--fresh-session", is_flag=True, help="Forget the demo's saved session and sign in again.")
@click.option(
    "--settings",
    "force_settings",
    is_flag=True,
    help="Read the settings pages this run (the demo reads them on its first run, then every settings_every).",
)
@click.option("--headed", is_flag=True, help="Show the browser window.")
@click.pass_context
def demo(
    ctx: click.Context,
    as_json: bool,
    report_json: Path | None,
    report_md: Path | None,
    report_html: Path | None,
    trace: bool,
    force_sign_in: bool,
    as_of: datetime | None,
    fresh_session: bool,
    force_settings: bool,
    headed: bool,
) -> None:
    """Run the full check against a local replay of a demo amazon.co.jp account.

    Starts the replay site on 127.0.0.1, signs in with the demo credentials (e-mail, password, TOTP),
    reads the order history, the digital order summaries and the 1-Click page, and — on the first run
    and then every settings_every — Login & Security, 2-step verification, memberships, devices and
    Kindle content; it compares them with the demo allowlist (recordings/demo-jp/allowlist.toml) and a
    settings baseline from a week ago. The demo account holds a Kindle novel bought yesterday with
    1-Click, which the allowlist does not expect, 1-Click is on, an Amazon Music Unlimited free trial
    started three days ago and a new Android app was registered two days ago: exit code 1.
    Nothing leaves this computer.
    """
    from orderwatch.allowlist import load_allowlist
    from orderwatch.config import load_settings
    from orderwatch.replay import ReplaySite
    from orderwatch.replay.account import DEMO_DIR

    settings = load_settings(headed=headed or None)
    i18n.configure(settings.lang, "co.jp")  # the demo account is on amazon.co.jp, whatever config.toml says
    if fresh_session:
        (settings.state_dir / "demo" / "session.json").unlink(missing_ok=True)
    allowlist = load_allowlist(DEMO_DIR / "allowlist.toml")
    today = as_of.date() if as_of else None
    with ReplaySite(as_of=today) as site:
        target = demo_target(settings, site, force_sign_in)
        assert site.as_of is not None
        seed_demo_baseline(target.session_file, site.account, site.as_of)
        opts = run_options(
            settings,
            ctx,
            demo=True,
            loopback=True,
            report_json=Path("-") if as_json else report_json,
            report_md=report_md,
            report_html=report_html,
            trace=trace,
            force_settings=force_settings,
        )
        code = _run(ctx, target, allowlist, opts)
        if site.ledger:  # the bot must never reach a state-changing endpoint
            click.echo(
                _("orderwatch: the replay site recorded {n} state-changing request(s)!").format(n=len(site.ledger)),
                err=True,
            )
            code = ExitCode.INCOMPLETE
    ctx.exit(code)


@main.command()
@report_options
@run_flags
@click.option(
    "--base-url",
    help="The site to check: the marketplace's own host (default), or a replay on a loopback address.",
)
@click.option(
    "--marketplace", type=click.Choice(["co.jp", "com"]), help="Which Amazon (default co.jp, or from config)."
)
@click.option(
    "--allowlist",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Allowlist TOML (default: allowlist.toml in the config folder).",
)
@click.option("--window-days", type=click.IntRange(1, 366), help="How many days of orders to read (default 30).")
@click.option(
    "--settings",
    "force_settings",
    is_flag=True,
    help="Read the settings pages this run, whatever settings_every says (default: every 7 days).",
)
@click.option("--headed", is_flag=True, help="Show the browser window.")
@click.option("--browser", type=click.Path(dir_okay=False, path_type=Path), help="Chromium executable to use.")
@click.pass_context
def check(
    ctx: click.Context,
    as_json: bool,
    report_json: Path | None,
    report_md: Path | None,
    report_html: Path | None,
    base_url: str | None,
    marketplace: str | None,
    allowlist: Path | None,
    window_days: int | None,
    force_settings: bool,
    headed: bool,
    browser: Path | None,
    trace: bool,
    force_sign_in: bool,
) -> None:
    """Check your account: recent orders (digital first) and the 1-Click setting every run; Login &
    Security, 2-step verification, memberships and trials, devices and Kindle content every
    settings_every (7 days by default, --settings forces them) — against your allowlist and your settings
    baseline.

    Settings pages are read less often on purpose: a nightly run stays short and looks like a person, and
    two of them ask for the password again. Between reads, a settings finding stays a finding until you
    run `orderwatch baseline accept`.

    Credentials come from ORDERWATCH_EMAIL, ORDERWATCH_PASSWORD and ORDERWATCH_TOTP_SECRET (environment
    or .env); they are needed only when the saved session has expired (or a settings page asks for the
    password again). Reports are saved under the data folder's runs/; quiet and exit 0 when all is as
    expected.
    """
    from orderwatch.allowlist import load_allowlist
    from orderwatch.config import data_dir, load_settings
    from orderwatch.heartbeat import ping

    settings: Settings | None = None
    opts: RunOptions | None = None
    try:
        settings = load_settings(
            base_url=base_url,
            marketplace=marketplace,
            allowlist=allowlist,
            window_days=window_days,
            headed=headed or None,
            browser=browser,
        )
        ping(settings.heartbeat_url, "start")
        rules = load_allowlist(settings.allowlist_path)
        target, loopback = account_target(settings, force_sign_in)
        opts = run_options(
            settings,
            ctx,
            demo=False,
            loopback=loopback,
            report_json=Path("-") if as_json else report_json,
            report_md=report_md,
            report_html=report_html,
            trace=trace,
            force_settings=force_settings,
        )
        code = _run(ctx, target, rules, opts)
    except BrokenPipeError:  # the run is recorded; only its summary found no reader
        raise
    except Exception as exc:  # every run, however it ends, is a run: a history row, the heartbeat told
        from orderwatch.logs import mask
        from orderwatch.runner import record_failed_run, stopped_report

        first = (getattr(exc, "message", None) or str(exc) or exc.__class__.__name__).splitlines()[0]
        report = stopped_report(
            settings.marketplace if settings else "co.jp", "", _failure_reason(exc), mask(first)[:300]
        )
        if opts is None:  # ended before its options: record (and notify) as configured all the same
            opts = (
                run_options(settings, ctx, demo=False, loopback=False)
                if settings is not None
                else RunOptions(runs_root=data_dir() / "runs", history_dir=data_dir())
            )
        record_failed_run(report, opts)
        ping(settings.heartbeat_url if settings else None, "fail")
        raise
    ping(settings.heartbeat_url, "success" if code in (ExitCode.OK, ExitCode.FINDINGS) else "fail")
    ctx.exit(code)


def _failure_reason(exc: Exception) -> str:
    """The history's reason for a check that ended without a report."""
    if isinstance(exc, UsageError):
        return "usage_error"
    if isinstance(exc, CheckIncomplete):
        return reason_of(exc)
    if isinstance(exc, OrderwatchError):
        return "browser_error"
    return "internal_error"


def _run(ctx: click.Context, target: CheckTarget, allowlist: Any, opts: RunOptions) -> int:
    """Run the check (runner.execute_check) and print the summary; returns the exit code."""
    from orderwatch.report import dumps, render_terminal

    report, run_dir = execute_check(target, allowlist, opts)
    if opts.report_json == STDOUT:  # machine-readable: the JSON report and nothing else on stdout
        click.echo(dumps(report), nl=False)
    elif not (opts.quiet and report.status == "clean"):
        click.echo(render_terminal(report, color=_color()), nl=False)
        click.echo(_("Report: {path}").format(path=run_dir / "report.html"))
    if report.interrupted:  # the first Ctrl-C: stopped before a page, what was read is kept
        click.echo(_("orderwatch: interrupted (Ctrl-C); nothing more was read"), err=True)
    return report.exit_code


STDOUT = Path("-")


def _color() -> bool:
    """Colours on a terminal, unless NO_COLOR is set (https://no-color.org)."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--page",
    "kind",
    required=True,
    type=click.Choice(
        [
            "order-history",
            "order-summary",
            "one-click",
            "message-center",
            *("login-security", "two-step", "memberships", "devices", "content"),  # account settings (issue 11)
        ]
    ),
    help="Which page the files are.",
)
@click.option(
    "--marketplace",
    default="auto",
    show_default=True,
    type=click.Choice(["auto", "co.jp", "com", "ca", "de"]),
    help="Marketplace of the page; auto decides from the page itself.",
)
def parse(files: tuple[Path, ...], kind: str, marketplace: str) -> None:
    """Read saved pages with the parsers and print one JSON object per file, in the order given.

    Exit 3 when a page cannot be read (a one-line reason naming the file on stderr; the other
    files are still printed), 2 when a file cannot be opened.
    """
    from orderwatch.parsers import parse_one_click, parse_order_history, parse_order_summary

    code = ExitCode.OK
    for path in files:
        try:
            html = path.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            click.echo(_("orderwatch: {path}: cannot open: {error}").format(path=path, error=exc.strerror), err=True)
            code = max(code, ExitCode.USAGE)
            continue
        try:
            out: dict[str, Any] = {"page": kind, "file": str(path)}
            if kind == "order-history":
                out |= parse_order_history(html, marketplace).to_json()
            elif kind == "order-summary":
                s = parse_order_summary(html, marketplace)
                out |= {"marketplace": s.marketplace, "template": s.template, "orders": [s.to_json()]}
                out["declared_count"] = None
            elif kind == "message-center":  # issue 11: the Message Center's messages (verify-email reads them)
                from selectolax.lexbor import LexborHTMLParser

                from orderwatch.parsers import parse_message_center
                from orderwatch.parsers.detect import detect_marketplace

                messages = parse_message_center(html, marketplace)
                auto = marketplace == "auto"
                out |= {
                    "marketplace": detect_marketplace(LexborHTMLParser(html), html) if auto else marketplace,
                    "orders": [],
                    "declared_count": None,
                    "messages": [m.to_json() for m in messages],
                }
            elif kind in ("login-security", "two-step", "memberships", "devices", "content"):  # issue 11
                out |= _parse_settings(kind, html, marketplace)
            else:
                oc = parse_one_click(html, marketplace)
                out |= {"marketplace": oc.marketplace, "orders": [], "declared_count": None, "one_click": oc.to_json()}
        except PageChangedError as exc:
            click.echo(f"orderwatch: {path}: {exc.message}", err=True)
            code = ExitCode.INCOMPLETE
            continue
        click.echo(json.dumps(out, ensure_ascii=False))
    sys.exit(code)


def _parse_settings(kind: str, text: str, marketplace: str) -> dict[str, Any]:
    """`orderwatch parse` for the account settings pages (issue 11): the parsed model as JSON under the
    section's name. devices and content are the console's JSON answers (GetDevicesOverview,
    GetContentOwnershipData), not HTML; their marketplace is the one given (null for auto)."""
    from selectolax.lexbor import LexborHTMLParser

    from orderwatch.parsers import (
        parse_content,
        parse_devices,
        parse_login_security,
        parse_subscriptions,
        parse_two_step,
    )
    from orderwatch.parsers.detect import detect_marketplace

    out: dict[str, Any] = {"orders": [], "declared_count": None}
    if kind == "login-security":
        login = parse_login_security(text, marketplace)
        return out | {"marketplace": login.marketplace, "login_security": login.to_json()}
    if kind == "two-step":
        two_step = parse_two_step(text, marketplace)
        return out | {"marketplace": two_step.marketplace, "two_step": two_step.to_json()}
    if kind == "memberships":
        subs = parse_subscriptions(text, marketplace)
        market = detect_marketplace(LexborHTMLParser(text), text) if marketplace == "auto" else marketplace
        return out | {"marketplace": market, "subscriptions": [s.to_json() for s in subs]}
    market_or_none = None if marketplace == "auto" else marketplace
    if kind == "devices":
        return out | {"marketplace": market_or_none, "devices": [d.to_json() for d in parse_devices(text, marketplace)]}
    content = parse_content(text, marketplace)
    items = [i.to_json() for i in content.items]
    return out | {"marketplace": market_or_none, "content": {"items": items, "has_more": content.has_more}}


@main.command("verify-email")
@click.argument("source", metavar="FILE|-")
@click.option("--offline", is_flag=True, help="Judge sender and links only; do not look the orders up in the account.")
@click.option(
    "--demo", is_flag=True, help="Look the orders up in the demo account (the replay site of `orderwatch demo`)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--force-sign-in", is_flag=True, help="Sign in even during the cool-down after a failed sign-in.")
@click.option(
    "--authserv-id",
    "authserv_ids",
    multiple=True,
    help="Your mail provider's authserv-id (first word of its Authentication-Results header); repeatable.",
)
@click.option("--marketplace", type=click.Choice(["co.jp", "com"]), help="Which Amazon the account is on.")
@click.option(
    "--base-url", help="The site to look orders up on (default the marketplace's own host, or a loopback replay)."
)
@click.option(
    "--allowlist", type=click.Path(dir_okay=False, path_type=Path), help="Allowlist TOML for judging found orders."
)
def verify_email(
    source: str,
    offline: bool,
    demo: bool,
    as_json: bool,
    authserv_ids: tuple[str, ...],
    marketplace: str | None,
    base_url: str | None,
    allowlist: Path | None,
    force_sign_in: bool,
) -> None:
    """Judge a saved order mail without opening its links, and look its order numbers up in your account.

    FILE is a saved message (.eml: Gmail "Download message", Thunderbird "Save as"), with --demo also the
    name of a sample mail that ships with the demo (genuine-digital-ja, phishing-unknown-order, ...), or - to read a
    pasted raw message from standard input. Checks who really sent it (the Authentication-Results your
    provider added: DMARC/DKIM for an Amazon domain), where every link really goes (redirect wrappers
    unwrapped, public-suffix domains, look-alikes, raw IPs, punycode), and whether its order numbers exist
    in your account (with the same session as `check`; never through a link from the mail), and whether
    the same message is in the account's Message Center (メッセージセンター), where Amazon lists its order mails.

    Exit codes: 0 genuine and about orders you expect; 1 phishing, suspicious, or a real but unexpected
    order; 2 bad input; 3 the account lookup could not be completed.
    """
    from orderwatch.allowlist import Allowlist, load_allowlist
    from orderwatch.config import load_settings
    from orderwatch.mail.links import judge_links
    from orderwatch.mail.read import read_mail
    from orderwatch.mail.sender import judge_sender
    from orderwatch.mail.verdict import OrderLookup, judge_mail, render_terminal
    from orderwatch.marketplace import get_marketplace

    if demo and offline:
        raise UsageError(_("--demo looks orders up in the demo account; it cannot be combined with --offline"))
    raw, name = _read_source(_demo_sample(source) if demo else source)
    facts = read_mail(raw, name)
    settings = load_settings(
        marketplace="co.jp" if demo else marketplace,
        base_url=None if demo else base_url,
        allowlist=allowlist,
        authserv_ids=authserv_ids or None,
    )
    market = get_marketplace(settings.marketplace)
    sender = judge_sender(facts, tuple(a.lower() for a in settings.authserv_ids))
    links = judge_links(facts.links)
    lookups = [OrderLookup(oid, None) for oid in facts.order_ids]
    lookup_error = None
    message_center = None  # issue 11: the Message Center's entries, read by the lookup (None: not read)
    if demo:
        from orderwatch.replay.account import DEMO_DIR

        rules = load_allowlist(DEMO_DIR / "allowlist.toml")
    elif allowlist is not None or settings.allowlist_path.exists():
        rules = load_allowlist(settings.allowlist_path)
    else:  # no allowlist yet (a first use, in a hurry): the mail is judged all the same, nothing counts as expected
        rules = Allowlist()
    # orders acknowledged with `orderwatch ack` are expected here too, as in the check
    rules = with_acknowledged(rules, settings.data_dir / "demo" if demo else settings.data_dir)
    skipped = None
    if facts.order_ids and not offline and not demo:
        skipped = _lookup_impossible(settings)
    if facts.order_ids and not offline and skipped is None:
        mail_date = facts.date.date() if facts.date else None
        outcome = _look_up(settings, list(facts.order_ids), mail_date, demo, force_sign_in)
        lookups, lookup_error = outcome.lookups, outcome.error
        message_center = outcome.message_center
    verdict = judge_mail(
        facts,
        sender,
        links,
        lookups,
        rules,
        market,
        offline=offline,
        lookup_error=lookup_error,
        message_center=message_center,
        skipped=skipped,
    )
    if demo:  # the commands it names act on the demo's history
        from orderwatch.diff import for_the_demo

        verdict.advice = [for_the_demo(a) for a in verdict.advice]
    if as_json:
        click.echo(json.dumps(verdict.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_terminal(verdict, name), nl=False)
    sys.exit(verdict.exit_code)


def _demo_sample(source: str) -> str:
    """With --demo, the name of a sample mail that ships with the demo (``genuine-digital-ja``) stands for it;
    an unknown name that is no file either is an error listing the samples."""
    from orderwatch.replay.account import MAILS

    if source == "-" or Path(source).exists():
        return source
    sample = MAILS / (source if source.endswith(".eml") else f"{source}.eml")
    if sample.parent == MAILS and sample.is_file():
        return str(sample)
    names = ", ".join(sorted(p.stem for p in MAILS.glob("*.eml")))
    raise UsageError(
        _("{path}: no such file, and no sample mail of that name (the demo's samples: {names})").format(
            path=source, names=names
        )
    )


def _read_source(source: str) -> tuple[bytes, str]:
    from orderwatch.mail.read import MAX_BYTES

    if source == "-":
        return sys.stdin.buffer.read(MAX_BYTES + 1), _("standard input")
    path = Path(source)
    try:
        with path.open("rb") as fh:
            return fh.read(MAX_BYTES + 1), str(path)
    except FileNotFoundError:
        raise UsageError(_("{path}: no such file").format(path=path)) from None
    except IsADirectoryError:
        raise UsageError(_("{path} is a folder, not a saved mail").format(path=path)) from None
    except OSError as exc:
        raise UsageError(_("{path}: cannot read: {error}").format(path=path, error=exc.strerror)) from None


def _lookup_impossible(settings: Settings) -> str | None:
    """Why the account cannot be looked up now (no saved session and no credentials to sign in), or None.
    The verdict on the mail itself is given all the same: the panicked reader needs it now."""
    try:
        account_target(settings)
    except UsageError as exc:
        if exc.meta.get("missing_credentials"):
            return _("no saved session and no credentials")
        raise
    return None


def _look_up(settings: Settings, order_ids: list[str], mail_date: Any, demo: bool, force_sign_in: bool) -> Any:
    from orderwatch.flows.lookup import look_up_orders
    from orderwatch.i18n import ngettext
    from orderwatch.state import RunLock

    if not demo:
        target, loopback = account_target(settings, force_sign_in)
        with RunLock(target.session_file.parent):
            return with_browser(
                lambda b: look_up_orders(b, target, order_ids, mail_date),
                settings.browser,
                settings.headed,
                loopback,
                target.market.host,
            )
    from orderwatch.replay import ReplaySite

    with ReplaySite() as site, RunLock(settings.state_dir / "demo"):
        target = demo_target(settings, site, force_sign_in)
        outcome = with_browser(lambda b: look_up_orders(b, target, order_ids, mail_date), settings.browser, False, True)
        if site.ledger:
            n = len(site.ledger)
            raise OrderwatchError(
                ngettext(
                    "the replay site recorded {n} state-changing request!",
                    "the replay site recorded {n} state-changing requests!",
                    n,
                ).format(n=n)
            )
        return outcome
