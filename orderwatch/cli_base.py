"""What every command shares: the `orderwatch` group (exit codes, the language, logging), the run and report
options, and how a check's target is built (the demo's, an account's). cli.py (the check, demo, parse and
verify-email commands) and cli_admin.py (the rest) both import from here; neither imports the other's commands."""

from __future__ import annotations

import ipaddress
import os
import sys
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

import click
from loguru import logger

from orderwatch import __version__, i18n
from orderwatch.errors import ExitCode, OrderwatchError, UsageError
from orderwatch.i18n import _
from orderwatch.runner import RunOptions, exit_interrupted

if TYPE_CHECKING:
    from orderwatch.config import Settings
    from orderwatch.flows.session import CheckTarget

T = TypeVar("T")
REAL_SITE_PAUSE_S = 2.0  # one page at a time, a pause between pages: look like the same person every night


HELP_ASKED = "orderwatch.help_asked"
CHECK_COMMANDS = ("check", "demo")  # the commands that run the check itself


class _Group(click.Group):
    """Turns orderwatch's errors into their exit codes with a one-line message (no traceback)."""

    def invoke(self, ctx: click.Context) -> Any:
        from orderwatch.logs import mask

        ctx.meta[HELP_ASKED] = any(a in ctx.help_option_names for a in ctx.args)  # the subcommand's own arguments
        try:
            return super().invoke(ctx)
        except OrderwatchError as exc:
            click.echo(_("orderwatch: {message}").format(message=mask(exc.message)), err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:  # Ctrl-C: named as such, the shell's convention for SIGINT (128 + 2)
            exit_interrupted()
        except BrokenPipeError:  # `orderwatch … | head`: the reader is gone; end quietly, as for SIGPIPE
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # Python's final flush must not fail again
            ctx.exit(ExitCode.BROKEN_PIPE)
        except Exception as exc:  # a bug or an unforeseen failure: never exit 0 (clean) or 1 (findings)
            logger.opt(exception=exc).debug("internal error")
            first = (str(exc).splitlines() or [""])[0]
            error = f"{exc.__class__.__name__}: {mask(first)[:200]}"
            if ctx.invoked_subcommand in CHECK_COMMANDS:
                message = _("orderwatch: internal error ({error}); the check did not complete").format(error=error)
            else:  # init, parse, doctor, …: no check was running, so say which command did not complete
                command = " ".join(filter(None, ("orderwatch", ctx.invoked_subcommand)))
                message = _("orderwatch: internal error ({error}); `{command}` did not complete").format(
                    error=error, command=command
                )
            click.echo(message, err=True)
            ctx.exit(ExitCode.INCOMPLETE)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="orderwatch")
@click.option("-v", "--verbose", count=True, help="More log detail on stderr (-v steps, -vv debug, -vvv trace).")
@click.option("-q", "--quiet", is_flag=True, help="Only warnings and errors on stderr; no summary when clean (cron).")
@click.option(
    "--lang",
    type=click.Choice(["auto", "ja", "en"]),
    help="Language of reports and messages (default: ORDERWATCH_LANG, lang in config.toml, else auto: the "
    "locale's, or Japanese for amazon.co.jp where the locale is C/POSIX/unset).",
)
@click.pass_context
def main(ctx: click.Context, verbose: int, quiet: bool, lang: str | None) -> None:
    """Watch an Amazon account for purchases and setting changes you did not intend.

    \b
    orderwatch demo          the full check against a built-in replay of a demo account (no network)
    orderwatch setup-browser get the browser once after pip/pipx install (if none is found)
    orderwatch init          create the config folder, config.toml and an allowlist template
    orderwatch login         sign in once by hand (--headed) and save the session
    orderwatch doctor        check the set-up, line by line
    orderwatch check         the nightly check of your account
    orderwatch verify-email  judge a saved mail without opening its links; look its orders up
    orderwatch ack / history acknowledge an order as intended / list past runs
    orderwatch baseline      show the settings baseline, accept a settings change as yours
    orderwatch schedule      print a systemd timer or crontab line for the nightly check
    orderwatch notify        send a test notification
    orderwatch record        save the pages a check visits, personal data scrubbed (fixtures, bug reports)
    orderwatch parse         read a saved page with the parsers and print what they found

    Exit codes: 0 all as expected, 1 findings, 2 bad input or config, 3 the check could not be completed.
    """
    # A check starts Playwright's driver now, so that it starts while the settings are read (runner.early_driver;
    # bench/check_targets.py: 1.23 → 1.19 s); not for a --help.
    if ctx.invoked_subcommand in CHECK_COMMANDS and not ctx.meta.get(HELP_ASKED):
        from orderwatch.runner import early_driver

        ctx.with_resource(early_driver())
    from orderwatch.config import early_language
    from orderwatch.logs import setup_logging

    i18n.start(lang)
    early_language()
    setup_logging(verbose, quiet)
    ctx.obj = {"quiet": quiet}


def run_flags(f: Any) -> Any:
    f = click.option(
        "--force-sign-in",
        is_flag=True,
        help="Sign in even during the cool-down that follows a failed automatic sign-in.",
    )(f)
    f = click.option(
        "--trace",
        is_flag=True,
        help="Record a Playwright trace of the account pages in the run folder (sign-in is never "
        "traced; cookie and credential values are scrubbed).",
    )(f)
    return f


def report_options(f: Any) -> Any:
    f = click.option(
        "--report-html",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Also write the HTML report (one self-contained file, with screenshots) here.",
    )(f)
    f = click.option(
        "--report-md",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Also write the Markdown report here.",
    )(f)
    f = click.option(
        "--report-json",
        type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
        help="Also write the JSON report here; `-` prints it on stdout instead of the summary (as --json).",
    )(f)
    return click.option(
        "--json", "as_json", is_flag=True, help="Print the JSON report on stdout instead of the summary (scripts)."
    )(f)


def run_options(settings: Settings, ctx: click.Context, *, demo: bool, loopback: bool, **extra: Any) -> RunOptions:
    """How the CLI runs a check: the demo keeps its runs and history apart and never notifies."""
    root = settings.data_dir / "demo" if demo else settings.data_dir
    options: dict[str, Any] = {
        "runs_root": root / "runs",
        "history_dir": root,
        "browser_path": settings.browser,
        "headed": settings.headed,
        "loopback_only": loopback,
        "quiet": ctx.obj.get("quiet", False),
        "notify": () if demo else settings.notify,
        "notify_incomplete_after": settings.notify_incomplete_after,
        "keep_days": settings.history_keep_days,
        "settings_every": settings.settings_interval,
    }
    return RunOptions(**(options | extra))


def demo_target(settings: Settings, site: Any, force_sign_in: bool = False) -> CheckTarget:
    """The demo account on a started replay site, with the demo's own session file."""
    from orderwatch.flows.session import CheckTarget
    from orderwatch.flows.signin import Credentials
    from orderwatch.logs import register_secret
    from orderwatch.marketplace import get_marketplace
    from orderwatch.replay import DEMO_EMAIL, DEMO_PASSWORD, DEMO_TOTP_SECRET

    for secret in (DEMO_PASSWORD, DEMO_TOTP_SECRET):  # public demo values, masked all the same
        register_secret(secret)
    return CheckTarget(
        get_marketplace("co.jp"),
        site.base_url,
        settings.state_dir / "demo" / "session.json",
        Credentials(DEMO_EMAIL, DEMO_PASSWORD, DEMO_TOTP_SECRET),
        timeout_s=settings.timeout_s,
        today=site.as_of,
        retry_backoff_s=settings.retry_backoff_s,
        force_sign_in=force_sign_in,
        max_summaries=settings.max_summaries,
        reauth=settings.reauth,
        demo=True,
    )


def seed_demo_baseline(session_file: Path, account: Any, as_of: date) -> None:
    """The demo account's settings as they were a week ago, as its baseline (once: a baseline the demo user
    has since accepted or extended is kept): the same login and 2-step verification, the subscriptions and
    devices it had then. What started since — the Music Unlimited trial, the new Android app — is news."""
    from orderwatch.baseline import Baseline, baseline_path
    from orderwatch.models import Device, LoginSecurity, Money, Subscription, TwoStepMethod, TwoStepSettings

    path = baseline_path(session_file)
    if path.exists():
        return
    week_ago = as_of - timedelta(days=7)
    at = datetime.combine(week_ago, time(3, 30)).astimezone()
    base = Baseline(path)
    login = LoginSecurity(
        "co.jp", account.name, account.email, account.phone, account.passkeys, account.two_step_enabled
    )
    methods = tuple(TwoStepMethod(m.kind, m.label, m.preferred) for m in account.two_step_methods)
    base.accepted = {
        "login_security": (at, base.login_state(login)),
        "two_step": (at, TwoStepSettings("co.jp", account.two_step_enabled, methods)),
        "subscriptions": (
            at,
            tuple(
                Subscription(s.name, s.status, s.next_charge, Money(Decimal(s.amount), "JPY"))
                for s in account.subscriptions
                if s.started <= week_ago
            ),
        ),
        "devices": (
            at,
            tuple(Device(d.name, d.family, d.registered) for d in account.devices if d.registered <= week_ago),
        ),
        "content": (at, ()),
    }
    base.save()


def account_target(
    settings: Settings, force_sign_in: bool = False, need_credentials: bool = True
) -> tuple[CheckTarget, bool]:
    """The user's account as settings describe it: site (refusing what is neither Amazon nor loopback),
    saved session file and credentials. Returns the target and whether the site is a loopback replay.
    Raises UsageError when there is neither a saved session nor the credentials to sign in."""
    from orderwatch.credentials import from_keyring
    from orderwatch.flows.session import CheckTarget
    from orderwatch.flows.signin import Credentials
    from orderwatch.logs import register_secret
    from orderwatch.marketplace import get_marketplace

    for secret in settings.secrets():
        register_secret(secret)
    market = get_marketplace(settings.marketplace)
    url, loopback = check_base_url(settings.base_url or market.base_url, market.host)
    host = urlsplit(url).netloc.replace(":", "_").replace("[", "").replace("]", "")
    session_file = settings.state_dir / f"session-{market.code}-{host}.json"
    creds = Credentials(
        settings.email or from_keyring("email"),
        settings.password.get_secret_value() if settings.password else from_keyring("password"),
        settings.totp_secret.get_secret_value() if settings.totp_secret else keyring_totp(),
    )
    for value in (creds.password, creds.totp_secret):
        register_secret(value)
    if need_credentials and not session_file.exists():
        needed = (
            ("ORDERWATCH_EMAIL", creds.email),
            ("ORDERWATCH_PASSWORD", creds.password),
            ("ORDERWATCH_TOTP_SECRET", creds.totp_secret),
        )
        missing = [name for name, value in needed if not value]
        if missing:
            raise UsageError(
                _(
                    "no saved session and {names} not set (environment or .env; see .env.example): set them, "
                    "run `orderwatch init --keyring`, or sign in once by hand with `orderwatch login --headed`"
                ).format(names=_(", ").join(missing)),
                missing_credentials=missing,
            )
    pause = 0.0 if loopback else REAL_SITE_PAUSE_S
    target = CheckTarget(
        market,
        url,
        session_file,
        creds,
        settings.window_days,
        settings.timeout_s,
        pause_s=pause,
        retry_backoff_s=settings.retry_backoff_s,
        force_sign_in=force_sign_in,
        max_summaries=settings.max_summaries,
        reauth=settings.reauth,
    )
    return target, loopback


def keyring_totp() -> str | None:
    """The TOTP secret from the keyring, normalised; UsageError (exit 2) when it is not a secret."""
    from orderwatch.credentials import from_keyring, normalize_totp_secret

    raw = from_keyring("totp_secret")
    if raw is None:
        return None
    try:
        return normalize_totp_secret(raw)
    except ValueError as exc:
        raise UsageError(
            _("the TOTP secret in the keyring: {problem}; store it again with `orderwatch init --keyring`").format(
                problem=exc
            )
        ) from None


def check_base_url(url: str, official_host: str) -> tuple[str, bool]:
    """Accept the marketplace's own https host or a loopback address; refuse anything else (exit 2).

    Returns the URL without a trailing slash and whether it is loopback.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(_("--base-url {url} is not an http(s) URL").format(url=repr(url)))
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username or parts.password:
        raise UsageError(
            _("--base-url {url} must be a bare origin such as http://127.0.0.1:8080").format(url=repr(url))
        )
    host = parts.hostname
    if parts.scheme == "https" and host == official_host:
        return f"https://{host}", False
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        raise UsageError(
            _("--base-url {url} refused: only https://{host} or a loopback replay (127.0.0.1, ::1, localhost)").format(
                url=repr(url), host=official_host
            )
        )
    return url.rstrip("/"), True
