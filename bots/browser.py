"""Find and launch Chromium; build the browser context every run uses (locale, guard, no downloads)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote_plus, urljoin, urlsplit

from loguru import logger
from playwright.sync_api import Browser, BrowserContext, Playwright, Request, Route, WebSocketRoute
from playwright.sync_api import Error as PlaywrightError

from orderwatch.bots.pages import CONSOLE_AJAX, CONSOLE_FIELDS, CONSOLE_READ_ACTIVITIES, TOO_LARGE_HEADER, is_read_path
from orderwatch.errors import UsageError
from orderwatch.i18n import _
from orderwatch.marketplace import Marketplace

# Tried in order when no browser is configured. The headless shell first: 2-3x faster to start,
# half the memory. A headed login needs a full browser, so it is skipped then.
SYSTEM_BROWSERS = (
    "chromium-headless-shell",
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
)
MAC_BROWSERS = (
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
)
QUIET_ARGS = [
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    # Fewer processes: GPU and network service inside the browser process, no zygotes (Playwright already
    # runs Chromium with --no-sandbox). Measured by bench/check_targets.py: 674 → 495 MB summed RSS.
    "--in-process-gpu",
    "--no-zygote",
    "--enable-features=NetworkServiceInProcess2",
    # WebRTC may not send UDP anywhere (STUN/TURN to an IP literal bypasses every route): without a proxy,
    # "disable_non_proxied_udp" leaves it no way out. Reading contexts run no scripts at all.
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
]
# Loopback-only runs (tests, demo): no host name resolves except the replay site's.
LOOPBACK_ONLY_ARGS = ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"]


def find_browser(configured: Path | None = None, *, headed: bool = False, prefer_full: bool = False) -> Path | None:
    """The Chromium executable to use, or None for Playwright's own downloaded browser.

    Order: the configured path; an installed Chromium (the headless shell first, unless headed or
    ``prefer_full`` — real runs prefer full Chromium, whose user agent does not say "HeadlessChrome");
    Playwright's download. Raises UsageError when there is none.
    """
    if configured is not None:
        if not (configured.is_file() and os.access(configured, os.X_OK)):
            message = _("browser {path} is not an executable file").format(path=configured)
            raise UsageError(message, browser=str(configured))
        return configured
    names = [n for n in SYSTEM_BROWSERS if not (headed and n == "chromium-headless-shell")]
    if prefer_full:
        names.sort(key=lambda n: n == "chromium-headless-shell")
    for name in names:
        found = shutil.which(name)
        if found:
            return Path(found)
    if sys.platform == "darwin":
        for candidate in MAC_BROWSERS:
            if Path(candidate).exists():
                return Path(candidate)
    if playwright_browser_installed():
        return None
    if headed:
        raise UsageError(
            _(
                "a visible browser window needs full Chromium or Google Chrome (the headless shell cannot show one): "
                "install it (Debian: apt-get install chromium), set ORDERWATCH_BROWSER, or use --headless"
            )
        )
    raise UsageError(
        _(
            "no Chromium found: run `orderwatch setup-browser` (Playwright's Chromium), install one (Debian: "
            "apt-get install chromium-headless-shell; in a source checkout scripts/setup.sh does it), or set "
            "ORDERWATCH_BROWSER to a Chromium executable"
        )
    )


def playwright_browser_installed() -> bool:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        return Path(p.chromium.executable_path).exists()


def launch(
    pw: Playwright,
    executable: Path | None,
    *,
    headed: bool = False,
    loopback_only: bool = False,
    hosts: list[str] | None = None,
) -> Browser:
    """Launch Chromium. The resolver knows only the loopback names (``loopback_only``) or ``hosts``."""
    args = QUIET_ARGS + (LOOPBACK_ONLY_ARGS if loopback_only else [resolver_rules(hosts)] if hosts else [])
    logger.debug("launching {} (headed={})", executable or "Playwright's Chromium", headed)
    return pw.chromium.launch(executable_path=str(executable) if executable else None, headless=not headed, args=args)


@dataclass
class GuardEvent:
    method: str
    url: str
    resource_type: str
    reason: str
    detail: str = ""  # for a refused console request: the activity it asked for

    def to_json(self) -> dict[str, str]:
        out = {
            "kind": "guard_blocked",
            "method": self.method,
            "url": self.url,
            "resource_type": self.resource_type,
            "reason": self.reason,
        }
        return out | ({"detail": self.detail} if self.detail else {})


# Static hosts the real pages load their scripts and styles from.
STATIC_HOSTS = ("m.media-amazon.com", "images-na.ssl-images-amazon.com", "images-fe.ssl-images-amazon.com")
SIGNIN_POST_PATHS = ("/ap/signin", "/ap/mfa")
NOT_LOADED = ("image", "font", "media", "imageset")
MAX_PAGE_BYTES = 20_000_000  # the real pages are under 0.3 MB; a 300 MB page once crashed the driver


@dataclass
class RequestGuard:
    """Every request of the context passes here (``context.route``: pages, popups and workers alike).

    Allowed: GET/HEAD to the site's read paths (``bots.pages.READ_PATHS``: the pages the flows read and
    sign-in) and, for scripts and styles, its static hosts; POST to the sign-in endpoints while
    ``signing_in`` is set. A request carrying a secret anywhere but in the sign-in POST is refused.
    Everything else is aborted and kept in ``blocked`` (reported as guard_blocked). Images, fonts and
    media are never loaded.

    Allowed documents and XHR are fetched by the guard itself without following redirects, so every
    redirect is checked here: a 307/308 that would re-send a POST is refused, and a redirect
    elsewhere than the site is refused. (Chromium follows a redirect it was handed without routing the
    next hop; that hop is a GET to an allowed host, and the browser's resolver knows no other hosts.)
    """

    site_origin: tuple[str, str]  # (scheme, netloc) of the site or its loopback replay
    static_hosts: tuple[str, ...] = STATIC_HOSTS
    signing_in: bool = False
    timeout_ms: float = 30_000
    blocked: list[GuardEvent] = field(default_factory=list)
    secrets: tuple[str, ...] = ()  # values that may leave only in the sign-in POST body (password, TOTP, code)
    max_page_bytes: int = MAX_PAGE_BYTES  # a larger document is refused (the driver would have to hold it)

    def verdict(self, method: str, url: str, resource_type: str) -> str | None:
        """None when the request may go; otherwise the reason it is blocked."""
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            return None
        if resource_type in NOT_LOADED:
            return "not_loaded"
        same_site = (parts.scheme, parts.netloc) == self.site_origin
        static = parts.scheme == "https" and parts.hostname in self.static_hosts
        if method in ("GET", "HEAD"):
            if same_site:
                return None if is_read_path(parts.path) else "not_read_path"
            if static and resource_type in ("script", "stylesheet"):
                return None
            return "off_site"
        if method == "POST" and same_site and self.signing_in and parts.path in SIGNIN_POST_PATHS:
            return None
        return "state_changing_method" if same_site else "off_site"

    def body_verdict(self, method: str, url: str, body: bytes | None) -> str | None:
        """For the one POST a read needs besides sign-in — the digital console's data request — None when it
        asks for exactly one read activity (``CONSOLE_READ_ACTIVITIES``) with nothing but the console's own
        fields; the reason it is refused otherwise. Any other request: "state_changing_method", as before."""
        parts = urlsplit(url)
        if method != "POST" or (parts.scheme, parts.netloc) != self.site_origin or parts.path != CONSOLE_AJAX:
            return "state_changing_method" if (parts.scheme, parts.netloc) == self.site_origin else "off_site"
        if self.signing_in or parts.query:
            return "console_activity_refused"
        try:
            fields = parse_qs((body or b"").decode("utf-8"), keep_blank_values=True, strict_parsing=True)
        except (UnicodeDecodeError, ValueError):
            return "console_activity_refused"
        activities = fields.get("activity", [])
        if set(fields) - set(CONSOLE_FIELDS) or any(len(v) != 1 for v in fields.values()) or len(activities) != 1:
            return "console_activity_refused"
        if activities[0] not in CONSOLE_READ_ACTIVITIES:
            return "console_activity_refused"
        try:
            activity_input = json.loads(fields.get("activityInput", ["{}"])[0] or "{}")
        except ValueError:
            return "console_activity_refused"
        return None if isinstance(activity_input, dict) else "console_activity_refused"

    def carries_secret(self, method: str, url: str, body: bytes | None) -> bool:
        """True when a request other than the sign-in POST would carry the password, the TOTP secret or the
        code typed: the one place a secret may go is the sign-in form's POST body to the site."""
        if not self.secrets:
            return False
        parts = urlsplit(url)
        sign_in_post = method == "POST" and (parts.scheme, parts.netloc) == self.site_origin
        if sign_in_post and parts.path in SIGNIN_POST_PATHS:
            return False
        text = unquote_plus(url)
        if body:
            text += "\n" + unquote_plus(body.decode("utf-8", "replace"))
        return any(secret in text for secret in self.secrets)

    def redirect_verdict(self, method: str, status: int, target: str, resource_type: str) -> str | None:
        """None when following a redirect is allowed; otherwise why not."""
        if status in (307, 308) and method not in ("GET", "HEAD"):
            return "redirect_resends_post"
        follow = method if status in (307, 308) or method in ("GET", "HEAD") else "GET"
        reason = self.verdict(follow, target, resource_type)
        return None if reason is None else f"redirect_{reason}"

    def handle(self, route: Route, request: Request) -> None:
        try:
            self._handle(route, request)
        except (PlaywrightError, asyncio.CancelledError) as exc:  # the page went away: nothing left to guard
            logger.trace("guard: {}", str(exc).splitlines()[0] if str(exc) else exc)

    def _handle(self, route: Route, request: Request) -> None:
        method, url, rtype = request.method, request.url, request.resource_type
        # a secret outranks every other reason: a refused request carrying one is named (high), never silent
        secret = self.carries_secret(method, url, request.post_data_buffer)
        reason = "carries_secret" if secret else self.verdict(method, url, rtype)
        if reason == "state_changing_method":  # a POST: only the console's read activities may pass
            reason = self.body_verdict(method, url, request.post_data_buffer)
        if reason is not None:
            detail = _activity_named(request.post_data_buffer) if reason == "console_activity_refused" else ""
            self._block(route, method, url, rtype, reason, detail)
            return
        if rtype in ("script", "stylesheet") or urlsplit(url).scheme in ("data", "blob", "about"):
            route.continue_()
            return
        try:
            response = route.fetch(max_redirects=0, timeout=self.timeout_ms)
        except PlaywrightError as exc:
            text = str(exc).lower()
            route.abort("timedout" if "timeout" in text else "connectionreset" if "reset" in text else "failed")
            return
        if request.is_navigation_request() and self._too_large(response):
            event = GuardEvent(method, _short(url), rtype, "page_too_large")
            self.blocked.append(event)
            logger.warning("guard refused a page over {} MB: {}", self.max_page_bytes // 1_000_000, event.url)
            route.fulfill(status=413, headers={TOO_LARGE_HEADER: "1"}, body="")
            return
        location = response.headers.get("location")
        if 300 <= response.status < 400 and location:
            target = urljoin(url, location)
            why = self.redirect_verdict(method, response.status, target, rtype)
            if why is not None:
                self._block(route, method, target, rtype, why)
                return
        route.fulfill(response=response)

    def _too_large(self, response: Any) -> bool:
        declared = response.headers.get("content-length")
        if declared is not None and declared.isdigit():
            return int(declared) > self.max_page_bytes
        return len(response.body()) > self.max_page_bytes  # no length declared: measure it

    def refuse_web_socket(self, ws: WebSocketRoute) -> None:
        """No WebSocket ever connects: the handshake never leaves the browser (the page sees it close)."""
        reason = "carries_secret" if self.carries_secret("GET", ws.url, None) else "websocket"
        event = GuardEvent("GET", self._masked(_short(ws.url)), "websocket", reason)
        self.blocked.append(event)
        logger.warning("guard closed a WebSocket to {}", event.url)
        with contextlib.suppress(PlaywrightError):  # the page went away
            ws.close(code=1008, reason="blocked")

    def _masked(self, url: str) -> str:
        """What a guard event keeps of a URL: never a secret it carried in its path."""
        return _masked_url(url, self.secrets) if self.secrets else url

    def _block(self, route: Route, method: str, url: str, rtype: str, reason: str, detail: str = "") -> None:
        if reason != "not_loaded":
            event = GuardEvent(method, self._masked(_short(url)), rtype, reason, detail)
            self.blocked.append(event)
            logger.warning(
                "guard blocked {} {} ({}{})", event.method, event.url, reason, f": {detail}" if detail else ""
            )
        if route.request.is_navigation_request() and not reason.startswith("redirect_"):
            route.fulfill(status=204, body="")  # "No Content": the browser stays on the page it has
        else:
            route.abort("blockedbyclient")


def _activity_named(body: bytes | None) -> str:
    """The activity a refused console request asked for, as a short name (never more of the body)."""
    try:
        names = parse_qs((body or b"").decode("utf-8", "replace")).get("activity", [])
    except ValueError:
        return "unreadable"
    return ",".join(re.sub(r"[^A-Za-z0-9_]", "", n)[:40] for n in names[:3]) or "none named"


def _masked_url(url: str, secrets: tuple[str, ...]) -> str:
    """``url`` with every secret (as written or percent-encoded in its path) replaced by [secret]."""
    if not any(s in unquote_plus(url) for s in secrets):
        return url
    text = unquote_plus(url)
    for s in sorted(secrets, key=len, reverse=True):
        text = text.replace(s, "[secret]")
    return text


def resolver_rules(hosts: list[str]) -> str:
    """Chromium's host resolver knows these hosts and no other: a second line behind the guard."""
    return "--host-resolver-rules=MAP * ~NOTFOUND, " + ", ".join(f"EXCLUDE {h}" for h in hosts)


def _short(url: str) -> str:
    """The URL without its query: enough to say what was blocked, nothing of what it carried."""
    p = urlsplit(url)
    return f"{p.scheme}://{p.netloc}{p.path}"


# Scripts of a context that runs them (sign-in only) lose the channels no route can see: a beacon or a
# keepalive fetch sent as the page unloads, and WebRTC. Runs in every frame before the page's own scripts.
CLOSE_UNROUTED_CHANNELS = """
(() => {
  const nav = Navigator.prototype;
  Object.defineProperty(nav, "sendBeacon", {value: function () { return false; }, writable: false});
  const realFetch = window.fetch;
  const quietFetch = function (input, init) {
    if (init && init.keepalive) { init = Object.assign({}, init, {keepalive: false}); }
    return realFetch.call(this, input, init);
  };
  Object.defineProperty(window, "fetch", {value: quietFetch, writable: false});
  // Workers too: a worker's WebSocket is not the page's (routeWebSocket cannot close it) and its requests
  // outlive the page. The sign-in pages need none.
  for (const name of ["RTCPeerConnection", "webkitRTCPeerConnection", "RTCDataChannel", "RTCIceTransport",
                      "Worker", "SharedWorker"]) {
    Object.defineProperty(window, name, {value: undefined, writable: false});
  }
})();
"""


def new_context(
    browser: Browser,
    market: Marketplace,
    base_url: str,
    *,
    scripts: bool = False,
    storage_state: Path | None = None,
    timeout_s: float = 30.0,
) -> tuple[BrowserContext, RequestGuard]:
    """A context with the marketplace's locale and time zone, the saved session, and the guard.

    ``scripts=False`` (every account page is read so): the page's JavaScript never runs, so nothing can
    leave by a channel the route cannot see — unload beacons, WebSockets, WebRTC, workers, popups — and the
    DOM is the document the server sent; the automatic sign-in runs so too. ``scripts=True`` only for a
    person's own login (`orderwatch login --headed`): beacons, keepalive fetches, workers and WebRTC are
    removed before the page's scripts run, WebSockets are closed before they connect, and every request
    still passes the guard."""
    opts: dict[str, Any] = {
        "locale": market.locale,
        "timezone_id": market.timezone,
        "service_workers": "block",
        "accept_downloads": False,
        "java_script_enabled": scripts,
    }
    if storage_state is not None and storage_state.exists():
        opts["storage_state"] = str(storage_state)
    context = browser.new_context(**opts)
    context.set_default_timeout(timeout_s * 1000)  # every wait (a sign-in button that never comes, too): timeout_s
    parts = urlsplit(base_url)
    guard = RequestGuard(site_origin=(parts.scheme, parts.netloc), timeout_ms=timeout_s * 1000)
    context.route("**/*", guard.handle)
    context.route_web_socket(re.compile(".*"), guard.refuse_web_socket)
    if scripts:
        context.add_init_script(CLOSE_UNROUTED_CHANNELS)

    def _no_popups(page: Any) -> None:
        if len(context.pages) > 1:
            logger.warning("closed a popup the page opened")
            guard.blocked.append(GuardEvent("GET", _short(page.url), "popup", "popup"))
            page.close()

    context.on("page", _no_popups)
    return context, guard


if __name__ == "__main__":  # `python -m orderwatch.bots.browser`: print the browser orderwatch would use (set-up)
    try:
        found = find_browser(headed="--headed" in sys.argv)
    except UsageError as exc:
        print(exc.message, file=sys.stderr)
        sys.exit(1)
    print(found or "playwright-managed chromium")
