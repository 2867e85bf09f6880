"""Page objects: one class per page (their addresses: orderwatch/site.py), intent-named actions, queries
that return plain values. They navigate and hand back HTML; parsing is elsewhere (orderwatch/parsers)."""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from loguru import logger
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Response
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from orderwatch import site
from orderwatch.errors import OverLimitError, SiteUnreachableError
from orderwatch.i18n import _
from orderwatch.marketplace import Marketplace
from orderwatch.parsers import selectors as S

# The site's paths and URLs live in orderwatch/site.py (one source with the findings' advice).
# The only console activities orderwatch sends, and the only ones the guard lets through: they read. Every
# other activity at that endpoint (DeleteContent, DeregisterDevice, ReturnContent, …) changes the account.
CONSOLE_READ_ACTIVITIES = ("GetDevicesOverview", "GetContentOwnershipData")
CONSOLE_FIELDS = ("activity", "activityInput", "csrfToken")  # the fields of a console request, nothing else
# The only paths of the site the browser may load, whatever asks (a link, a redirect, a refresh, a frame, a
# prefetch): the pages the flows read, the old addresses that redirect to them, and sign-in with its steps.
READ_PATHS = (
    site.ORDER_HISTORY,
    site.ORDER_DETAILS,
    site.ORDER_SUMMARY,
    site.ONE_CLICK,
    site.LOGIN_SECURITY,
    site.TWO_STEP,
    site.MEMBERSHIPS,
    site.PRIME_CENTRAL,
    site.DEVICES,
    site.CONTENT,
    site.MESSAGE_CENTER,
    site.OLD_ORDER_HISTORY,
    site.OLDER_ORDER_HISTORY,
    site.YOUR_ACCOUNT,
    site.CAPTCHA,
    site.HOME,
)
TOO_LARGE_HEADER = "x-orderwatch-too-large"  # on the guard's own 413 answer for a page over the size limit
READ_PATH_PREFIXES = (site.SIGN_IN_PREFIX,)  # sign-in and its steps


def is_read_path(path: str) -> bool:
    return path in READ_PATHS or path.rstrip("/") in READ_PATHS or path.startswith(READ_PATH_PREFIXES)


@dataclass(frozen=True, slots=True)
class Captured:
    """A page as the browser rendered it: where we ended up, and its HTML."""

    url: str
    html: str
    status: int | None


class AccountPages:
    """Navigation to the account pages. Each ``open_*`` returns the rendered page, wherever the site
    sent us (the caller classifies a sign-in page)."""

    def __init__(
        self,
        page: Page,
        base_url: str,
        market: Marketplace,
        timeout_s: float,
        pause_s: float = 0.0,
        retries: int = 2,
        backoff_s: float = 2.0,
    ) -> None:
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.market = market
        self.timeout_ms = timeout_s * 1000
        self.pause_s = pause_s  # between pages on the real site: be slow and few
        self.retries = retries  # a page load that failed (network, timeout, HTTP 5xx) is tried again …
        self.backoff_s = backoff_s  # … after backoff_s, then 2 × backoff_s: bounded, never a loop
        self._opened = 0
        self._last_status: int | None = None  # of the main frame's last document response
        page.on("response", self._on_response)

    def _on_response(self, response: Response) -> None:
        if response.request.is_navigation_request() and response.frame == self.page.main_frame:
            self._last_status = response.status

    def order_history_url(self, time_filter: str) -> str:
        """The first page of the order history for ``time_filter`` (later pages: ``history_link``)."""
        return site.order_history_url(self.base_url, time_filter)

    def history_link(self, href: str) -> str | None:
        return site.history_link(self.base_url, href)

    def order_summary_url(self, order_id: str) -> str:
        return site.order_summary_url(self.base_url, order_id)

    def one_click_url(self) -> str:
        return site.page_url(self.base_url, site.ONE_CLICK)

    def settings_url(self, path: str) -> str:
        """The address of a settings page (site.LOGIN_SECURITY, TWO_STEP, MEMBERSHIPS, DEVICES, CONTENT,
        MESSAGE_CENTER)."""
        return site.page_url(self.base_url, path)

    def console_request(self, activity: str, activity_input: dict[str, object], csrf_token: str) -> Captured:
        """Ask the digital console's data endpoint for one read activity, from the console page now open,
        as the page itself would (a same-origin POST with its csrfToken). The page's own scripts never run;
        this request is the bot's, and the guard lets it through only for CONSOLE_READ_ACTIVITIES. Returns
        the answer (JSON text) as ``html``."""
        if activity not in CONSOLE_READ_ACTIVITIES:
            raise ValueError(f"not a read activity: {activity}")
        if self.pause_s > 0:
            time.sleep(self.pause_s * random.uniform(0.5, 1.0))
        body = urlencode(
            {
                "activity": activity,
                "activityInput": json.dumps(activity_input, separators=(",", ":")),
                "csrfToken": csrf_token,
            }
        )
        url = site.page_url(self.base_url, site.CONSOLE_AJAX)
        logger.debug("POST {} activity={}", url, activity)
        try:
            answer = self.page.evaluate(_CONSOLE_FETCH, {"url": url, "body": body, "timeout": self.timeout_ms})
        except PlaywrightError as exc:
            first_line = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
            message = _("the console's {activity} request failed: {error}").format(activity=activity, error=first_line)
            raise SiteUnreachableError(message, url=url) from None
        if answer.get("error"):
            message = _("the console's {activity} request got no answer ({error})").format(
                activity=activity, error=answer["error"]
            )
            raise SiteUnreachableError(message, url=url)
        status = int(answer["status"])
        if status >= 500:
            message = _("the site answered HTTP {status} for {what}").format(status=status, what=activity)
            raise SiteUnreachableError(message, url=url, status=status)
        return Captured(url, str(answer["text"]), status)

    def open(self, url: str) -> Captured:
        """Load ``url`` (a GET); retried ``retries`` times with backoff when the site cannot be reached."""
        if self._opened and self.pause_s > 0:
            time.sleep(self.pause_s * random.uniform(0.75, 1.5))
        self._opened += 1
        for attempt in range(self.retries + 1):
            try:
                return self._open_once(url)
            except SiteUnreachableError as exc:
                if attempt == self.retries:
                    raise
                wait = self.backoff_s * 2**attempt
                logger.warning("{} (try {} of {}); again in {:.1f} s", exc.message, attempt + 1, self.retries + 1, wait)
                time.sleep(wait)
        raise AssertionError("unreachable")

    def _open_once(self, url: str) -> Captured:
        logger.debug("GET {}", url)
        try:
            response = self.page.goto(url, wait_until="domcontentloaded", timeout=self.timeout_ms)
        except PlaywrightTimeout:
            message = _("timed out after {seconds} s loading {url}").format(
                seconds=f"{self.timeout_ms / 1000:.0f}", url=url
            )
            raise SiteUnreachableError(message, url=url) from None
        except PlaywrightError as exc:
            first_line = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
            message = _("could not load {url}: {error}").format(url=url, error=first_line)
            raise SiteUnreachableError(message, url=url) from None
        status = response.status if response is not None else None
        if response is not None and status == 413 and response.headers.get(TOO_LARGE_HEADER):
            message = _("the page at {url} is larger than orderwatch reads").format(url=url)
            raise OverLimitError("page_too_large", message, url=url)
        if status is not None and status >= 500:
            message = _("the site answered HTTP {status} for {what}").format(status=status, what=url)
            raise SiteUnreachableError(message, url=url, status=status)
        return self.current(status)

    def current(self, status: int | None = None) -> Captured:
        """The page as it is now; waits out a navigation the page itself started (a refused meta refresh)."""
        for _try in range(20):
            try:
                return Captured(self.page.url, self.page.content(), status if status is not None else self._last_status)
            except PlaywrightError as exc:
                if "navigating" not in str(exc):
                    raise
                self.page.wait_for_timeout(100)
        raise SiteUnreachableError(_("the page at {url} kept navigating").format(url=self.page.url.split("?")[0]))


# Runs in the page with page.evaluate (which works while the page's own scripts are off): one fetch, its
# status and text back, or the error. Goes through the context's route like any request of the page.
_CONSOLE_FETCH = """
async ({url, body, timeout}) => {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), timeout);
  try {
    const r = await fetch(url, {method: "POST", body, credentials: "same-origin", signal: ctl.signal, redirect: "error",
                                headers: {"Content-Type": "application/x-www-form-urlencoded",
                                          "Accept": "application/json"}});
    return {status: r.status, text: await r.text()};
  } catch (e) {
    return {error: String(e && e.message || e)};
  } finally {
    clearTimeout(timer);
  }
}
"""


class SignInPage:
    """The sign-in steps. Actions only; the flow decides which one fits the page (classify_signin)."""

    # One source with the classifier (parsers/selectors.py): a step it recognises by a field is one whose
    # field these find. Each tuple becomes one CSS selector list: any of its alternatives matches.
    EMAIL = ", ".join(S.SIGNIN_EMAIL)
    CONTINUE = ", ".join(S.SIGNIN_CONTINUE)
    PASSWORD = ", ".join(S.SIGNIN_PASSWORD)
    REMEMBER_ME = ", ".join(S.SIGNIN_REMEMBER_ME)
    SIGN_IN_SUBMIT = ", ".join(S.SIGNIN_PASSWORD_SUBMIT)
    OTP = ", ".join(S.SIGNIN_TOTP)
    OTP_REMEMBER = ", ".join(S.SIGNIN_TOTP_REMEMBER)
    OTP_SUBMIT = ", ".join(S.SIGNIN_TOTP_SUBMIT)

    def __init__(self, page: Page, timeout_s: float) -> None:
        self.page = page
        self.timeout_ms = timeout_s * 1000

    # the signed-out page's own link: the one the classifier knows it by, the account menu, any link to sign-in
    SIGN_IN_LINK = ", ".join((*S.SIGNED_OUT_LINKS, *S.ACCOUNT_MENU, f"a[href*='{site.SIGN_IN}']"))

    def open_sign_in(self) -> None:
        """From a signed-out page, follow its own "sign in" link (a GET)."""
        self._submit(self.SIGN_IN_LINK)

    def form_of(self, field: str) -> tuple[str, str, str] | None:
        """(page URL, form method, form action resolved) of the form holding ``field``; None when the page
        has no such field or it sits in no form."""
        locator = self.page.locator(field).first
        if not locator.count():
            return None
        info = locator.evaluate("el => el.form ? [el.form.method || 'get', el.form.action || ''] : null")
        if not info:
            return None
        return self.page.url, str(info[0]).lower(), str(info[1])

    def submit_email(self, email: str) -> None:
        self.page.locator(self.EMAIL).first.fill(email)
        self._submit(self.CONTINUE)

    def submit_password(self, password: str, email: str | None = None, remember: bool = True) -> None:
        """Fill the password (and the e-mail, on the one-page form that asks for both) and sign in."""
        email_field = self.page.locator(self.EMAIL).first
        if email and email_field.count() and email_field.is_visible() and not email_field.input_value():
            email_field.fill(email)
        self.page.locator(self.PASSWORD).fill(password)
        if remember and self.page.locator(self.REMEMBER_ME).count():
            self.page.locator(self.REMEMBER_ME).check()
        self._submit(self.SIGN_IN_SUBMIT)

    def submit_code(self, code: str, remember_device: bool = True) -> None:
        self.page.locator(self.OTP).fill(code)
        if remember_device and self.page.locator(self.OTP_REMEMBER).count():
            self.page.locator(self.OTP_REMEMBER).check()
        self._submit(self.OTP_SUBMIT)

    def _submit(self, selector: str) -> None:
        try:
            with self.page.expect_navigation(wait_until="domcontentloaded", timeout=self.timeout_ms):
                self.page.locator(selector).first.click()
        except PlaywrightTimeout:
            raise SiteUnreachableError(_("timed out waiting for the sign-in page to answer")) from None
        except PlaywrightError as exc:
            first_line = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
            raise SiteUnreachableError(_("the sign-in page did not load: {error}").format(error=first_line)) from None
