"""A browser session on the account, shared by every flow: the guarded context with the saved
session, navigation that signs in at most once per run, parsing with snapshots on failure."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, TypeVar
from urllib.parse import parse_qs, urlsplit

from loguru import logger
from playwright.sync_api import Browser
from playwright.sync_api import Error as PlaywrightError

from orderwatch.bots.browser import new_context
from orderwatch.bots.guard import RequestGuard
from orderwatch.bots.pages import AccountPages, Captured
from orderwatch.config import private_dir, write_private
from orderwatch.errors import (
    CheckIncomplete,
    HumanNeededError,
    PageChangedError,
    ReauthError,
    SignInFailedError,
    SiteUnreachableError,
    page_name,
)
from orderwatch.flows.signin import ADVICE, Credentials, guard_stopped, sign_in
from orderwatch.i18n import _, language, moment
from orderwatch.marketplace import Marketplace
from orderwatch.models import GuardEvent, PageCapture
from orderwatch.parsers import classify_signin
from orderwatch.parsers.signin_state import HUMAN_ONLY, SignInState
from orderwatch.scrub import scrub_archive
from orderwatch.site import SIGN_IN_PREFIX
from orderwatch.state import SignInCooldown
from orderwatch.vocabulary import PageKind

T = TypeVar("T")
SCREENSHOT_QUALITY = 80  # JPEG quality of the pages' screenshots: the text stays sharp
SignedIn = Literal["reused_session", "signed_in", "not_signed_in"]


@dataclass(frozen=True)
class CheckTarget:
    """Which site and account, and how: everything a flow needs besides the browser."""

    market: Marketplace
    base_url: str
    session_file: Path
    creds: Credentials
    window_days: int = 30
    timeout_s: float = 30.0
    today: date | None = None  # default: today in the marketplace's time zone
    pause_s: float = 0.0  # between page loads; the CLI sets a few seconds for the real site
    retry_backoff_s: float = 2.0  # a failed page load is tried twice more, after this and twice this
    force_sign_in: bool = False  # sign in even during the cool-down after a failed sign-in
    max_summaries: int = 25  # digital order summaries read in one run, at most (the rest are named as unread)
    settings: bool = False  # read the settings pages this run (the CLI decides: settings_every, --settings)
    reauth: Literal["once", "never"] = "once"  # answer a settings page's password request once per run, or never
    demo: bool = False  # the demo account: the commands its advice names take --demo


class AccountSession:
    """Opens account pages in a fresh guarded context; signs in once when the site sends us to
    sign-in; saves the session (0600) and, when a page cannot be read, a snapshot of it."""

    def __init__(
        self,
        browser: Browser,
        target: CheckTarget,
        run_dir: Path | None = None,
        trace: bool = False,
        *,
        progress: Callable[[str], None] | None = None,
        screenshots: bool = False,
        keep_html: bool = False,
        worth_a_picture: Callable[[str, Any], bool] | None = None,
    ) -> None:
        """``trace``: record a Playwright trace of the account pages into the run folder (trace-N.zip);
        sign-in is never traced, and cookie and credential values are scrubbed from the archives.
        ``screenshots``: a screenshot of the pages read, in the run folder (for the HTML report) — of every
        page, or of those ``worth_a_picture(kind, parsed page)`` says a finding may point at (a screenshot
        costs about as much as reading the page).
        ``keep_html``: keep every page's rendered HTML in ``captures`` (for `orderwatch record`)."""
        self.browser = browser
        self.target = target
        self.run_dir = run_dir
        self.progress = progress or (lambda step: None)
        self.screenshots = screenshots and run_dir is not None
        self.keep_html = keep_html
        self.worth_a_picture = worth_a_picture or (lambda kind, page: True)
        self.captures: list[PageCapture] = []
        self._trace_chunks: list[Path] = []
        self._chunk_active = False
        self._tracing = trace and run_dir is not None
        self.context, self.guard = new_context(
            browser, target.market, target.base_url, storage_state=target.session_file, timeout_s=target.timeout_s
        )
        self.context.set_default_timeout(target.timeout_s * 1000)
        self.page = self.context.new_page()
        self.pages = AccountPages(
            self.page,
            target.base_url,
            target.market,
            target.timeout_s,
            target.pause_s,
            backoff_s=target.retry_backoff_s,
        )
        if self._tracing:
            self.context.tracing.start(screenshots=True, snapshots=True, sources=False)
            self._start_trace_chunk()
        self.signed_in: SignedIn = "not_signed_in"
        self.pages_read: list[str] = []
        self._sign_in_attempted = False  # at most one automatic sign-in per run, whatever its outcome
        self._reauth_attempted = False  # at most one re-authentication per run, whatever its outcome
        # values a page showed that a trace must not keep (the account's e-mail, phone and name, once read)
        self.private_values: list[str] = []

    def __enter__(self) -> AccountSession:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Save and scrub the trace (if any), close the context."""
        if self._tracing:
            self._save_trace_chunk()
            self.context.tracing.stop()
            secrets = [c["value"] for c in self.context.cookies()]
            creds = self.target.creds
            secrets += [s for s in (creds.password, creds.totp_secret, creds.email, *self.private_values) if s]
            for chunk in self._trace_chunks:
                scrub_archive(chunk, secrets)
            self._tracing = False
        self.context.close()

    def _start_trace_chunk(self) -> None:
        self.context.tracing.start_chunk()
        self._chunk_active = True

    def _save_trace_chunk(self) -> None:
        if not self._chunk_active or self.run_dir is None:
            return
        self._chunk_active = False
        path = self.run_dir / f"trace-{len(self._trace_chunks) + 1}.zip"
        self.context.tracing.stop_chunk(path=str(path))
        path.chmod(0o600)
        self._trace_chunks.append(path)

    def get(self, url: str) -> Captured:
        mark = len(self.guard.blocked)
        try:
            cap = self.pages.open(url)
        except SiteUnreachableError:
            guard_stopped(self.guard, mark, urlsplit(url).path, failed=True)
            raise
        state = classify_signin(cap.url, cap.html)
        if state is SignInState.SIGNED_IN:
            if self.signed_in == "not_signed_in":
                self.signed_in = "reused_session"
            return cap
        if state in HUMAN_ONLY:  # a CAPTCHA or lock mid-run: no sign-in would get past it
            raise HumanNeededError(state.value, _(ADVICE[state]))
        if is_reauth(cap.url):
            return self._reauth(cap, url)
        if self._sign_in_attempted:
            raise HumanNeededError(state.value, _("The site asked to sign in again within one run; stopping."))
        cooldown, active = self._cooldown()
        if active is not None:
            until, reason = active
            raise HumanNeededError(
                "sign_in_cooldown",
                _(
                    "The last automatic sign-in failed ({reason}); orderwatch waits until {until} before trying "
                    "again, so the site's fraud checks are not provoked. Sign in by hand with "
                    "`orderwatch login --headed`, or run with --force-sign-in."
                ).format(reason=reason, until=_when(until)),
            )
        logger.info("no valid session: signing in (once)")
        self.progress(_("signing in"))
        if self._tracing:
            self._save_trace_chunk()  # sign-in is never traced: typed values and POST bodies stay out
        self._sign_in_attempted = True
        try:
            self._sign_in(cap.url)
        except (SignInFailedError, HumanNeededError) as exc:
            if exc.state != "credentials_missing":
                until = cooldown.start(exc.state)
                logger.warning("no automatic sign-in before {} (cool-down)", until.isoformat(timespec="minutes"))
            raise
        except CheckIncomplete as exc:  # a refused or unanswered sign-in step: no account page can be read now
            exc.meta["during_sign_in"] = True
            raise
        cooldown.clear()
        if self._tracing:
            self._start_trace_chunk()
        self.signed_in = "signed_in"
        self.save_session()
        cap = self.pages.open(url)  # back in the reading context (no scripts), now with the session
        if classify_signin(cap.url, cap.html) is not SignInState.SIGNED_IN:
            raise HumanNeededError("session_not_kept", _("Signed in, but the site asked to sign in again."))
        return cap

    def _cooldown(self) -> tuple[SignInCooldown, tuple[datetime, str] | None]:
        """The account's sign-in cool-down, and (until, why) while it holds (never with --force-sign-in)."""
        cooldown = SignInCooldown(self.target.session_file.with_name(self.target.session_file.stem + ".cooldown.json"))
        return cooldown, None if self.target.force_sign_in else cooldown.active_until()

    def _reauth(self, cap: Captured, url: str) -> Captured:
        """A sensitive page asked for the password again although the session is valid. Answered at most once
        per run with the stored credentials, counted like a sign-in (a failure starts the cool-down, and the
        cool-down is respected). Whatever stops it stops this page only (ReauthError), never the run."""
        page = urlsplit(url).path
        if self.target.reauth == "never":
            raise ReauthError(
                "reauth_skipped",
                _('{page} asked for the password again; reauth = "never" in config.toml, so it is skipped').format(
                    page=page
                ),
                url=url,
            )
        if self._reauth_attempted:
            raise ReauthError(
                "reauth_again",
                _("{page} asked for the password again, after this run answered once").format(page=page),
                url=url,
            )
        cooldown, active = self._cooldown()
        if active is not None:
            until, reason = active
            raise ReauthError(
                "sign_in_cooldown",
                _(
                    "{page} asked for the password again; the last automatic sign-in failed ({reason}), so none is "
                    "tried before {until}"
                ).format(page=page, reason=reason, until=_when(until)),
                url=url,
            )
        logger.info("{} asks for the password again: re-authenticating (once)", page)
        self.progress(_("re-authenticating"))
        if self._tracing:
            self._save_trace_chunk()
        self._reauth_attempted = True
        try:
            self._sign_in(cap.url)
        except (SignInFailedError, HumanNeededError) as exc:
            if exc.state != "credentials_missing":
                cooldown.start(exc.state)
            message = _("re-authentication for {page} stopped: {message}").format(page=page, message=exc.message)
            raise ReauthError(exc.state, message, url=url) from None
        except CheckIncomplete as exc:
            message = _("re-authentication for {page} stopped: {message}").format(page=page, message=exc.message)
            raise ReauthError(exc.reason, message, url=url) from None
        finally:
            if self._tracing:
                self._start_trace_chunk()
        cooldown.clear()
        self.save_session()
        again = self.pages.open(url)
        if classify_signin(again.url, again.html) is not SignInState.SIGNED_IN:
            raise ReauthError(
                "session_not_kept",
                _("re-authenticated, but {page} asked for the password again").format(page=page),
                url=url,
            )
        return again

    def _sign_in(self, where: str) -> None:
        """Sign in, once, in a context of its own, also without scripts: a sign-in page's scripts could send
        by channels no route sees (fetches as the page unloads, speculation rules, a cookie holding what was
        typed). The forms are plain HTML forms; a site that insists on scripts shows a challenge, which stops
        the run and asks for `orderwatch login --headed`. The session cookies then go to the reading context."""
        context, guard = new_context(
            self.browser,
            self.target.market,
            self.target.base_url,
            scripts=False,
            timeout_s=self.target.timeout_s,
        )
        creds = self.target.creds
        guard.secrets = tuple(v for v in (creds.password, creds.totp_secret) if v)
        context.add_cookies(self.context.cookies())  # type: ignore[arg-type]
        page = context.new_page()
        try:
            pages = AccountPages(
                page,
                self.target.base_url,
                self.target.market,
                self.target.timeout_s,
                backoff_s=self.target.retry_backoff_s,
            )
            pages.open(where)  # the sign-in page the reading context was sent to
            sign_in(page, guard, self.target.creds, self.target.timeout_s)
            self.context.add_cookies(_without_secrets(context.cookies(), guard))
        finally:
            self.guard.blocked.extend(guard.blocked)
            context.close()

    def read(self, kind: PageKind, url: str, parse: Callable[[str, str], T], *, screenshot: bool = True) -> T:
        """Open ``url`` and parse it; a PageChangedError gets a snapshot of the page."""
        parts = urlsplit(url)
        self.progress(f"{page_name(kind)} {parts.path}" + (f"?{parts.query}" if parts.query else ""))
        return self.parse(kind, self.get(url), parse, screenshot=screenshot)

    def parse(
        self,
        kind: str,
        cap: Captured,
        parse: Callable[[str, str], T],
        *,
        label: str | None = None,
        screenshot: bool = True,
    ) -> T:
        """Parse a captured page; a PageChangedError gets a snapshot of the page (named by ``label``).
        ``screenshot=False``: no screenshot for the report (a page showing the e-mail and phone in full, or
        one whose list only its scripts would draw)."""
        try:
            result = parse(cap.html, self.target.market.code)
        except PageChangedError as exc:
            exc.snapshot = self.snapshot(kind, cap, label=label)
            raise
        parts = urlsplit(cap.url)
        self.pages_read.append(parts.path + (f"?{parts.query}" if parts.query else ""))
        ids = tuple(o.order_id for o in getattr(result, "orders", ())) or (
            (str(result.order_id),) if hasattr(result, "order_id") else ()
        )
        capture = PageCapture(kind, cap.url, ids, html=cap.html if self.keep_html else None)
        if screenshot and self.screenshots and self.run_dir is not None and self.worth_a_picture(kind, result):
            shot = self.run_dir / "pages" / f"{len(self.captures) + 1:02d}-{kind}.jpg"
            private_dir(shot.parent)
            try:  # JPEG: a third cheaper to take than PNG (bench/check_targets.py), and smaller in the report
                self.page.screenshot(path=str(shot), full_page=True, type="jpeg", quality=SCREENSHOT_QUALITY)
                shot.chmod(0o600)
                capture.screenshot = shot
            except PlaywrightError:
                logger.debug("no screenshot of {}", kind)
        self.captures.append(capture)
        return result

    def snapshot(self, kind: str, cap: Captured, *, label: str | None = None) -> Path | None:
        """Save the page (HTML and a screenshot) in the run folder: snapshots/KIND[-LABEL][-N].html. Several
        unreadable pages of one kind each keep their own file."""
        if self.run_dir is None:
            return None
        stem = f"{kind}-{label}" if label else kind
        path = self.run_dir / "snapshots" / f"{stem}.html"
        n = 1
        while path.exists():
            n += 1
            path = path.with_name(f"{stem}-{n}.html")
        write_private(path, f"<!-- {cap.url.split('?')[0]} -->\n{cap.html}")
        try:
            self.page.screenshot(path=str(path.with_suffix(".png")), full_page=True)
            path.with_suffix(".png").chmod(0o600)
        except Exception:  # a screenshot is a bonus; the HTML is what matters
            logger.debug("no screenshot for {}", kind)
        logger.warning("saved a snapshot of the {} page to {}", kind, path)
        return path

    def save_session(self) -> None:
        write_private(self.target.session_file, json.dumps(self.context.storage_state()))


def _when(until: datetime) -> str:
    """The end of the cool-down for the reader: 2026-11-28T19:02+09:00 (as before) / 2026年11月28日（土）19:02."""
    return until.isoformat(timespec="minutes") if language() == "en" else moment(until.astimezone())


def is_reauth(url: str) -> bool:
    """True for the site's "enter your password again" page: a sign-in page asked with a zero maximum
    authentication age (``openid.pape.max_auth_age=0``), which a valid session still gets on sensitive pages
    (reference/account-pages.md)."""
    query = parse_qs(urlsplit(url).query)
    return urlsplit(url).path.startswith(SIGN_IN_PREFIX) and query.get("openid.pape.max_auth_age") == ["0"]


def _without_secrets(cookies: list[Any], guard: RequestGuard) -> list[Any]:
    """The sign-in context's cookies without any a page script made to carry a secret (the password, the TOTP
    secret, the code typed): those would ride on every request and be saved with the session."""
    kept = []
    for cookie in cookies:
        if guard.carries_secret("COOKIE", "", str(cookie.get("value", "")).encode()):
            guard.blocked.append(GuardEvent("SET", f"cookie {cookie.get('name', '?')}", "cookie", "carries_secret"))
            logger.warning("dropped a cookie a sign-in page script made to carry a secret")
            continue
        kept.append(cookie)
    return kept
