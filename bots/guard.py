"""The request guard: the one place that decides what a request of the browser may do.

Every request of a context (pages, popups, workers) is routed to ``RequestGuard``: it lets through reads of
the site's read paths, the sign-in POST while signing in and the digital console's read activities, and
refuses the rest — a secret leaving anywhere but the sign-in form, a redirect off the site or one that
re-sends a POST, a page too large to hold, every WebSocket — keeping each refusal as a ``GuardEvent``.
``CLOSE_UNROUTED_CHANNELS`` removes, in a context that runs scripts, the channels no route sees. It lives
apart from finding and launching the browser (bots/browser.py, whose ``new_context`` installs it) so the
safety core can be read, reviewed and tested on its own."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote_plus, urljoin, urlsplit

from loguru import logger
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Request, Route, WebSocketRoute

from orderwatch.bots.pages import CONSOLE_FIELDS, CONSOLE_READ_ACTIVITIES, TOO_LARGE_HEADER, is_read_path
from orderwatch.models import GuardEvent
from orderwatch.site import CONSOLE_AJAX, SIGN_IN_POSTS
from orderwatch.vocabulary import GuardReason, RedirectReason, VerdictReason

# A redirect to a target the guard would refuse is refused for the same reason, named as a redirect.
_REDIRECTED: dict[VerdictReason, RedirectReason] = {
    "not_loaded": "redirect_not_loaded",
    "not_read_path": "redirect_not_read_path",
    "off_site": "redirect_off_site",
    "state_changing_method": "redirect_state_changing_method",
}

# Static hosts the real pages load their scripts and styles from.
STATIC_HOSTS = ("m.media-amazon.com", "images-na.ssl-images-amazon.com", "images-fe.ssl-images-amazon.com")
SIGNIN_POST_PATHS = SIGN_IN_POSTS  # the one POST a secret may ride in (its paths: orderwatch/site.py)
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

    def verdict(self, method: str, url: str, resource_type: str) -> VerdictReason | None:
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

    def body_verdict(self, method: str, url: str, body: bytes | None) -> GuardReason | None:
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

    def redirect_verdict(self, method: str, status: int, target: str, resource_type: str) -> RedirectReason | None:
        """None when following a redirect is allowed; otherwise why not."""
        if status in (307, 308) and method not in ("GET", "HEAD"):
            return "redirect_resends_post"
        follow = method if status in (307, 308) or method in ("GET", "HEAD") else "GET"
        reason = self.verdict(follow, target, resource_type)
        return None if reason is None else _REDIRECTED[reason]

    def handle(self, route: Route, request: Request) -> None:
        try:
            self._handle(route, request)
        except (PlaywrightError, asyncio.CancelledError) as exc:  # the page went away: nothing left to guard
            logger.trace("guard: {}", str(exc).splitlines()[0] if str(exc) else exc)

    def _handle(self, route: Route, request: Request) -> None:
        method, url, rtype = request.method, request.url, request.resource_type
        # a secret outranks every other reason: a refused request carrying one is named (high), never silent
        secret = self.carries_secret(method, url, request.post_data_buffer)
        reason: GuardReason | None = "carries_secret" if secret else self.verdict(method, url, rtype)
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
        reason: GuardReason = "carries_secret" if self.carries_secret("GET", ws.url, None) else "websocket"
        event = GuardEvent("GET", self._masked(_short(ws.url)), "websocket", reason)
        self.blocked.append(event)
        logger.warning("guard closed a WebSocket to {}", event.url)
        with contextlib.suppress(PlaywrightError):  # the page went away
            ws.close(code=1008, reason="blocked")

    def refuse_popup(self, page: Any) -> None:
        """A page a page opened (window.open, target=_blank): closed, and named like any refused request."""
        event = GuardEvent("GET", self._masked(_short(page.url)), "popup", "popup")
        self.blocked.append(event)
        logger.warning("closed a popup the page opened")
        with contextlib.suppress(PlaywrightError):  # it went away by itself
            page.close()

    def _masked(self, url: str) -> str:
        """What a guard event keeps of a URL: never a secret it carried in its path."""
        return _masked_url(url, self.secrets) if self.secrets else url

    def _block(self, route: Route, method: str, url: str, rtype: str, reason: GuardReason, detail: str = "") -> None:
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
