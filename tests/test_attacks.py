"""The attack corpus (issue 10): hostile pages and answers of the replay site (``ReplaySite(attacks=…)``,
orderwatch/replay/server.py ``ATTACKS``/``ATTACK_MODES``), each run through the real check.

Every run asserts the same three things, whatever the attack:

- the replay's ledger of state-changing endpoints stays empty (every attack aims at /gp/buy/…, the 1-Click
  switch or the cancel, so one request that got through lands there), and nothing reached the loopback TCP
  and UDP listeners the attacks aim their WebSockets and STUN/TURN at;
- no secret (the password, the TOTP secret, any code of the run's time window) is in anything the replay
  saw (request line, headers and body of every request, except the body of the sign-in POSTs themselves),
  nor in any file of the run (log at TRACE, report JSON/Markdown/HTML/terminal, snapshots, saved session);
- the run is never "clean" where the attack was attempted at all: the user's allowlist here expects every
  order and 1-Click on, so an unattacked run exits 0 (``test_the_quiet_account_is_clean_without_attacks``)
  and any exit but 0 comes from the attack.

Attacks are run in two ways: against the account pages with a valid saved session (read with JavaScript
off) and through a sign-in (whose pages run scripts)."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyotp
import pytest
from loguru import logger
from playwright.sync_api import Browser

from orderwatch.allowlist import load_allowlist
from orderwatch.flows.check import run_check
from orderwatch.flows.session import CheckTarget
from orderwatch.flows.signin import Credentials
from orderwatch.logs import add_logfile, register_secret
from orderwatch.marketplace import MARKETPLACES
from orderwatch.parsers import parse_order_history
from orderwatch.replay import ReplaySite
from orderwatch.replay.account import DEMO_DIR
from orderwatch.replay.server import ATTACK_MODES, ATTACKS
from orderwatch.report import Report, dumps, render_html, render_markdown, render_terminal

pytestmark = pytest.mark.browser

EMAIL = "attacked-user@example.com"
PASSWORD = "Atk-Pa55+w/rd-7c1e93"
TOTP_SECRET = "ATTACKATTACKATTACKATTACKATTACKAT"
CREDS = Credentials(EMAIL, PASSWORD, TOTP_SECRET)
SITE_CREDS = (EMAIL, PASSWORD, TOTP_SECRET)
STORY_ORDER = "D01-2046175-3391842"  # the Kindle order the demo allowlist does not expect
ACTING = ("/gp/buy", "/cpe/yourpayments/settings/manageoneclick/update", "/your-orders/cancel", "/checkout/")


@pytest.fixture(scope="module")
def quiet_allowlist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo household's allowlist, but expecting 1-Click on and the Kindle order: nothing to find."""
    path = tmp_path_factory.mktemp("allow") / "allow.toml"
    text = (DEMO_DIR / "allowlist.toml").read_text(encoding="utf-8")
    path.write_text(
        text.replace('expected = "off"', 'expected = "on"').replace("orders = []", f'orders = ["{STORY_ORDER}"]'),
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def attack_session(browser: Browser, tmp_path_factory: pytest.TempPathFactory, quiet_allowlist: Path) -> Path:
    """A valid session of the attacked account, made by a sign-in without attacks."""
    path = tmp_path_factory.mktemp("session") / "session.json"
    with ReplaySite(credentials=SITE_CREDS) as site:
        report = run_check(browser, _target(site, path), load_allowlist(quiet_allowlist))
    assert report.signed_in == "signed_in" and path.exists()
    return path


def _target(site: ReplaySite, session: Path) -> CheckTarget:
    return CheckTarget(
        MARKETPLACES["co.jp"], site.base_url, session, CREDS, timeout_s=4, today=site.as_of, retry_backoff_s=0.05
    )


POLL_S = 0.05  # the sinks' threads look at their sockets this often
LATE_S = 0.1  # after the run, how long a late connection or datagram still counts


@dataclass
class Sinks:
    """A loopback TCP listener (where WebSockets are aimed: it records every connection it accepts) and a
    loopback UDP socket (where STUN/TURN is aimed: it records every datagram)."""

    tcp: socket.socket = field(default_factory=lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM))
    udp: socket.socket = field(default_factory=lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
    connections: list[bytes] = field(default_factory=list)
    datagrams: list[bytes] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.tcp.bind(("127.0.0.1", 0))
        self.tcp.listen(16)
        self.tcp.settimeout(POLL_S)
        self.udp.bind(("127.0.0.1", 0))
        self.udp.settimeout(POLL_S)
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=f, daemon=True) for f in (self._accept, self._receive)]
        for t in self._threads:
            t.start()

    @property
    def tcp_port(self) -> int:
        return int(self.tcp.getsockname()[1])

    @property
    def udp_port(self) -> int:
        return int(self.udp.getsockname()[1])

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.tcp.accept()
            except OSError:
                continue
            conn.settimeout(0.5)
            try:
                self.connections.append(conn.recv(4096) or b"(connected, nothing sent)")
            except OSError:
                self.connections.append(b"(connected)")
            finally:
                conn.close()

    def _receive(self) -> None:
        while not self._stop.is_set():
            try:
                self.datagrams.append(self.udp.recv(2048))
            except OSError:
                continue

    def close(self) -> None:
        # The run has ended and closed its context: what it sent is in these sockets' queues already (loopback
        # delivers at once). A moment more for a handshake still in flight; the threads drain what came.
        time.sleep(LATE_S)
        self._stop.set()
        for t in self._threads:
            t.join()
        self.tcp.setblocking(False)  # and whatever came after the threads' last look
        self.udp.setblocking(False)
        with contextlib.suppress(OSError):
            while True:
                self.connections.append(b"(connected) " + str(self.tcp.accept()[1]).encode())
        with contextlib.suppress(OSError):
            while True:
                self.datagrams.append(self.udp.recv(2048))
        self.tcp.close()
        self.udp.close()


@pytest.fixture
def sinks() -> Iterator[Sinks]:
    s = Sinks()
    try:
        yield s
    finally:
        s.close()
    assert s.connections == [], f"a channel reached the loopback TCP listener: {s.connections[:3]}"
    assert s.datagrams == [], f"UDP reached the loopback listener: {len(s.datagrams)} datagram(s)"


@dataclass
class Attacked:
    report: Report
    site: ReplaySite
    files: dict[str, bytes]  # every file the run left (log, reports, snapshots, saved session)

    @property
    def attempts(self) -> list[str]:
        """The subjects of the page_attempted_action findings ("METHOD url")."""
        return [f.subject for f in self.report.findings if f.kind == "page_attempted_action"]

    def attempted_paths(self) -> set[str]:
        return {s.split(" ", 1)[1].split(self.report.base_url, 1)[-1] for s in self.attempts}


def attack(
    browser: Browser,
    tmp_path: Path,
    sinks: Sinks,
    allowlist: Path,
    attacks: set[str],
    session: Path | None,
) -> Attacked:
    """Run the check against the replay with ``attacks``; assert the ledger is empty and no secret is in
    anything the replay saw or in any file of the run."""
    state = tmp_path / "state"
    state.mkdir(parents=True, exist_ok=True)
    if session is not None:
        shutil.copy(session, state / "session.json")
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    for secret in (PASSWORD, TOTP_SECRET):  # as the CLI does for every run
        register_secret(secret)
    sink = add_logfile(run_dir / "run.log", level="TRACE")
    start = time.time()
    site = ReplaySite(
        credentials=SITE_CREDS, attacks=frozenset(attacks), sink_port=sinks.tcp_port, udp_port=sinks.udp_port
    )
    try:
        with site:
            report = run_check(browser, _target(site, state / "session.json"), load_allowlist(allowlist), run_dir)
    finally:
        logger.remove(sink)
    end = time.time()
    (run_dir / "report.json").write_text(dumps(report), encoding="utf-8")
    (run_dir / "report.md").write_text(render_markdown(report), encoding="utf-8")
    (run_dir / "report.html").write_text(render_html(report, {}), encoding="utf-8")
    (run_dir / "report.txt").write_text(render_terminal(report), encoding="utf-8")
    assert site.ledger == [], f"a state-changing endpoint was reached: {site.ledger}"
    files = {str(p): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    _assert_no_secret(site, files, start, end)
    return Attacked(report, site, files)


def _codes(start: float, end: float) -> set[str]:
    """Every TOTP code valid at some moment of the run (with the site's valid_window=1 either side)."""
    totp = pyotp.TOTP(TOTP_SECRET)
    return {totp.at(t) for t in range(int(start) - 60, int(end) + 61, 10)}


def _assert_no_secret(site: ReplaySite, files: dict[str, bytes], start: float, end: float) -> None:
    codes = _codes(start, end)
    # A code counts where it stands as a value (k=123456, /123456, "123456"), not inside a longer number.
    code_re = re.compile(rb"(?<![0-9A-Za-z])(" + b"|".join(c.encode() for c in codes) + rb")(?![0-9])")
    secrets = {
        "password": [PASSWORD.encode(), PASSWORD.encode().replace(b"+", b"%2B").replace(b"/", b"%2F")],
        "TOTP secret": [TOTP_SECRET.encode()],
    }
    leaks: list[str] = []
    for (method, path), raw in zip(site.requests, site.raw_requests, strict=True):
        sign_in_post = method == "POST" and path.split("?")[0] in ("/ap/signin", "/ap/mfa")
        seen = re.split(rb"\r?\n\r?\n", raw, maxsplit=1)[0] if sign_in_post else raw  # the body is where they go
        leaks += [f"{label} in {method} {path[:60]}" for label, vs in secrets.items() if any(v in seen for v in vs)]
        if code_re.search(seen):
            leaks.append(f"a code in {method} {path[:60]}")
    for name, data in files.items():
        leaks += [f"{label} in {name}" for label, vs in secrets.items() if any(v in data for v in vs)]
        if not name.endswith((".png", ".jpg")) and code_re.search(data):
            leaks.append(f"a code in {name}")
    assert leaks == [], leaks


def _clean(result: Attacked) -> None:
    """What the pages say, unattacked: 11 orders, every page read, nothing found."""
    report = result.report
    assert (report.status, report.exit_code, report.incomplete) == ("clean", 0, False), report.findings
    assert len(report.orders) == 11 and report.one_click is not None


def _attacked(result: Attacked, *paths: str) -> None:
    """Never clean; each path the attack aimed at (all refused) named by a page_attempted_action finding."""
    assert result.report.exit_code != 0 and result.report.status != "clean"
    named = result.attempted_paths()
    for path in paths:
        assert any(p.startswith(path) for p in named), (path, sorted(named))


# --- the baseline ---------------------------------------------------------------------------------------


def test_the_quiet_account_is_clean_without_attacks(
    browser: Browser, tmp_path: Path, sinks: Sinks, quiet_allowlist: Path
) -> None:
    """The control: through a sign-in and with no attack, the quiet account is an all-clear (exit 0), so the
    exit codes below come from the attacks."""
    result = attack(browser, tmp_path, sinks, quiet_allowlist, set(), None)
    _clean(result)
    assert result.report.signed_in == "signed_in" and result.report.guard_blocked == []


# --- 1. channels the route cannot see --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["unload-beacons", "websockets", "webrtc"])
def test_unrouted_channels_of_account_pages_never_open(
    browser: Browser, tmp_path: Path, sinks: Sinks, quiet_allowlist: Path, attack_session: Path, name: str
) -> None:
    """Account pages are read with JavaScript off: beacons and keepalive fetches on pagehide/unload/
    visibilitychange (also through a fresh frame's own navigator), WebSockets to the site, another loopback
    port and localhost (also from a frame and a worker), STUN/TURN to an IP literal never start — nothing
    reaches the site or the listeners (the ``sinks`` fixture), and the pages read as they are."""
    result = attack(browser, tmp_path, sinks, quiet_allowlist, {name}, attack_session)
    _clean(result)
    assert result.report.guard_blocked == []


def test_unload_beacons_and_keepalive_fetches_of_sign_in_pages_never_reach_the_site(
    browser: Browser, tmp_path: Path, sinks: Sinks, quiet_allowlist: Path
) -> None:
    """Each page change of the sign-in would fire pagehide/unload/visibilitychange handlers sending beacons
    and keepalive fetches (POST, PUT, GET) to the checkout and the cancel, from the page and from a fresh
    frame's own window — requests no route sees. Sign-in runs without scripts: none of it happens."""
    result = attack(browser, tmp_path, sinks, quiet_allowlist, {"unload-beacons"}, None)
    assert result.report.signed_in == "signed_in" and len(result.report.orders) == 11
    assert not [p for _, p in result.site.requests if p.startswith(ACTING)]
    _clean(result)  # sign-in runs without scripts too: the handlers never ran, nothing was even attempted
    assert result.report.guard_blocked == []


def test_web_sockets_of_sign_in_pages_never_connect(
    browser: Browser, tmp_path: Path, sinks: Sinks, quiet_allowlist: Path
) -> None:
    """WebSockets from the sign-in pages (to the site, to another loopback port, to localhost; from the page,
    a frame and a worker) never open: sign-in runs without scripts. The listener accepted no connection
    (``sinks``) and the site saw no upgrade. (Where scripts do run — a person's `login --headed` — every
    WebSocket is closed before it connects: tests/test_guard.py.)"""
    result = attack(browser, tmp_path, sinks, quiet_allowlist, {"websockets"}, None)
    assert result.report.signed_in == "signed_in" and len(result.report.orders) == 11
    assert not any(b"upgrade: websocket" in raw.lower() for raw in result.site.raw_requests)
    _clean(result)  # no script ran on the sign-in pages: no socket was even opened (the listener saw none)
    assert result.report.guard_blocked == []


def test_webrtc_of_sign_in_pages_sends_no_udp(
    browser: Browser, tmp_path: Path, sinks: Sinks, quiet_allowlist: Path
) -> None:
    """STUN/TURN to an IP literal from the sign-in pages (the page's RTCPeerConnection, and a fresh frame's):
    not one datagram reaches the UDP listener (``sinks``), and the sign-in goes on."""
    result = attack(browser, tmp_path, sinks, quiet_allowlist, {"webrtc"}, None)
    assert result.report.signed_in == "signed_in" and len(result.report.orders) == 11


# --- 2. credentials typed only into the site's own sign-in form --------------------------------------------


@pytest.mark.parametrize("name", ["lookalike-form", "lookalike-form-post"])
def test_a_look_alike_sign_in_form_on_an_order_page_gets_nothing_typed(
    browser: Browser, tmp_path: Path, sinks: Sinks, quiet_allowlist: Path, attack_session: Path, name: str
) -> None:
    """With a valid session, the order history shows #ap_email/#ap_password in a form that GETs a checkout
    URL (or POSTs to /ap/signin — still not a sign-in page): nothing is typed, the run stops with
    credentials_form_unexpected (high), exit 1."""
    result = attack(browser, tmp_path, sinks, quiet_allowlist, {name}, attack_session)
    report = result.report
    assert report.error is not None and report.error.reason == "credentials_form_unexpected"
    assert [(f.kind, f.severity) for f in report.findings][:1] == [("credentials_form_unexpected", "high")]
    assert report.exit_code == 1
    assert [m for m, _ in result.site.requests if m != "GET"] == []  # no form was sent at all
    assert not any(EMAIL.encode() in raw or b"email=" in raw for raw in result.site.raw_requests)


def test_a_sign_in_page_whose_form_uses_get_gets_no_password(
    browser: Browser, tmp_path: Path, sinks: Sinks, quiet_allowlist: Path
) -> None:
    """The password page's form uses GET (the password would go into the URL): the e-mail step was the site's
    own POST form, the password is never typed, credentials_form_unexpected, exit 1."""
    result = attack(browser, tmp_path, sinks, quiet_allowlist, {"signin-form-get"}, None)
    report = result.report
    assert report.error is not None and report.error.reason == "credentials_form_unexpected"
    assert report.exit_code == 1 and report.findings[0].kind == "credentials_form_unexpected"
    posts = [p for m, p in result.site.requests if m == "POST"]
    assert posts == ["/ap/signin"]  # the e-mail, in the site's own POST form; nothing after it


def test_a_sign_in_script_reading_the_typed_secrets_cannot_send_them_anywhere(
    browser: Browser, tmp_path: Path, sinks: Sinks, quiet_allowlist: Path
) -> None:
    """A sign-in page script watches every field (input/change events and polling) and sends each value by
    image, fetch (to the checkout and to a read path), XHR, WebSocket (another loopback port and the site)
    and location. Sign-in runs without scripts: the password and the code leave only in the sign-in POSTs
    (checked in ``attack``) and the listener saw nothing. (A request carrying a secret, where scripts run, is
    refused as carries_secret: tests/test_guard.py.)"""
    result = attack(browser, tmp_path, sinks, quiet_allowlist, {"password-sniffer"}, None)
    _clean(result)  # the sniffer never ran (sign-in without scripts); the secrets left only in the sign-in POSTs
    assert result.report.guard_blocked == []


def test_a_sign_in_script_putting_the_password_into_a_cookie_does_not_carry_it(
    browser: Browser, tmp_path: Path, sinks: Sinks, quiet_allowlist: Path
) -> None:
    """A sign-in page script writes the typed password and code into cookies (and localStorage). The cookie
    would ride on every later request and be saved with the session: ``attack`` checks the headers of every
    request and the saved session file."""
    result = attack(browser, tmp_path, sinks, quiet_allowlist, {"password-cookie"}, None)
    _clean(result)  # the script never ran: no cookie, no localStorage, no header carried a secret


# --- 3. same-site GETs to the checkout or the 1-Click switch ---------------------------------------------

# attack → what the account pages (JavaScript off) still ask for; the rest of each attack never starts there
MARKUP_GETS = {
    "get-frames": ("/gp/buy/spc/handlers/display.html", "/cpe/yourpayments/settings/manageoneclick/update"),
    "get-subresources": ("/gp/buy/spc/style.css",),
    "get-meta-refresh": ("/gp/buy/spc/refresh",),
    "get-hints": ("/gp/buy/spc/preload-fetch",),  # <link rel=preload as=fetch> is fetched without scripts
}
SCRIPT_ONLY = ["get-fetch-xhr", "get-eventsource", "get-workers", "get-location", "get-form", "get-window-open"]
SIGNIN_GETS = sorted({*MARKUP_GETS, *SCRIPT_ONLY, "get-anchor-ping"})  # the same attacks on sign-in pages


@pytest.mark.parametrize("name", sorted(MARKUP_GETS))
def test_markup_of_account_pages_asking_for_the_checkout_is_refused_and_named(
    browser: Browser, tmp_path: Path, sinks: Sinks, quiet_allowlist: Path, attack_session: Path, name: str
) -> None:
    """Without scripts, an iframe/object/embed, a stylesheet and @import, a meta refresh still ask for the
    checkout or the 1-Click switch: refused (not_read_path), named, never clean; the pages are still read."""
    result = attack(browser, tmp_path, sinks, quiet_allowlist, {name}, attack_session)
    _attacked(result, *MARKUP_GETS[name])
    assert len(result.report.orders) == 11 and result.report.one_click is not None
    assert all(e.reason == "not_read_path" for e in result.report.guard_blocked), result.report.guard_blocked


@pytest.mark.parametrize("name", [*SCRIPT_ONLY, "get-anchor-ping", "speculation-rules"])
def test_script_made_and_hinted_gets_of_account_pages_never_start(
    browser: Browser, tmp_path: Path, sinks: Sinks, quiet_allowlist: Path, attack_session: Path, name: str
) -> None:
    """fetch/XHR/HEAD, EventSource, workers (and a blob worker's fetch), location, a GET form submitted by
    script, window.open, a scripted click on an <a ping>, and prefetch/prerender/preload/modulepreload/
    speculation rules: on account pages (JavaScript off) none of them starts — nothing reached the site and
    the report is what the pages say (exit 0 for the quiet account)."""
    result = attack(browser, tmp_path, sinks, quiet_allowlist, {name}, attack_session)
    _clean(result)
    assert result.report.guard_blocked == []


@pytest.mark.parametrize("name", SIGNIN_GETS)
def test_gets_from_sign_in_pages_to_the_checkout_are_refused_or_never_start(
    browser: Browser, tmp_path: Path, sinks: Sinks, quiet_allowlist: Path, name: str
) -> None:
    """The same attacks on the sign-in pages, which are read without scripts too: what the markup asks for
    (frames, styles, a refresh, a preload) is refused and named, so the run is never clean; what needs a
    script never starts. Nothing reaches the ledger either way."""
    result = attack(browser, tmp_path, sinks, quiet_allowlist, {name}, None)
    if name in MARKUP_GETS:
        _attacked(result, *MARKUP_GETS[name])
    else:
        _clean(result)
        assert result.report.guard_blocked == []


def test_speculation_rules_of_sign_in_pages_fetch_nothing(
    browser: Browser, tmp_path: Path, sinks: Sinks, quiet_allowlist: Path
) -> None:
    _clean(attack(browser, tmp_path, sinks, quiet_allowlist, {"speculation-rules"}, None))


def test_a_302_after_the_sign_in_post_to_a_checkout_page_is_refused(
    browser: Browser, tmp_path: Path, sinks: Sinks, quiet_allowlist: Path
) -> None:
    """The password POST is answered with a 302 to a checkout page: the guard checks the redirect itself and
    refuses it (redirect_not_read_path); the sign-in stops there, named, exit 1."""
    result = attack(browser, tmp_path, sinks, quiet_allowlist, {"signin-302-buy"}, None)
    report = result.report
    assert [e.reason for e in report.guard_blocked] == ["redirect_not_read_path"]
    _attacked(result, "/gp/buy/spc/handlers/display.html")
    assert report.error is not None and report.error.reason == "guard_blocked"
    assert not [p for _, p in result.site.requests if p.startswith("/gp/buy")]


# --- 4. blocked is not silent ------------------------------------------------------------------------------


def test_a_run_whose_pages_tried_refused_requests_names_each_once_and_is_never_clean(
    browser: Browser, tmp_path: Path, sinks: Sinks, quiet_allowlist: Path
) -> None:
    """Every page of the run (sign-in and account pages) tries frames, a stylesheet, fetches, a form and a
    popup toward the checkout and the 1-Click switch, dozens of refused requests over the run: the account is
    otherwise quiet, yet the run exits 1, each address is named once (method and URL, no query), in every
    rendering of the report."""
    names = {"get-frames", "get-subresources", "get-fetch-xhr", "get-window-open"}
    result = attack(browser, tmp_path, sinks, quiet_allowlist, names, None)
    report = result.report
    assert (report.status, report.exit_code) == ("findings", 1)
    assert {f.kind for f in report.findings} == {"page_attempted_action"}
    assert len(report.guard_blocked) > len(result.attempts)  # many refusals, one finding per address
    assert len(result.attempts) == len(set(result.attempts))
    assert all("?" not in s for s in result.attempts)
    for path in ("/gp/buy/spc/handlers/display.html", "/cpe/yourpayments/settings/manageoneclick/update"):
        assert any(path in s for s in result.attempts)
        for rendering in (render_terminal(report), render_markdown(report), json.dumps(json.loads(dumps(report)))):
            assert path in rendering
    assert len(report.orders) == 11 and report.one_click is not None  # and everything was still read


# --- 5. scripts cannot add or hide order cards ------------------------------------------------------------


def test_a_script_swapping_order_cards_does_not_change_what_is_read(
    browser: Browser, tmp_path: Path, sinks: Sinks, quiet_allowlist: Path, attack_session: Path
) -> None:
    """The history page's script removes the first real card (and its hidden copy) and adds a fake one: the
    check reads the document as the server sent it — the real orders, not the fake."""
    with ReplaySite(attacks=frozenset({"card-swap"})) as site:
        real = parse_order_history(site.order_history_html("months-3", 0))
    result = attack(browser, tmp_path, sinks, quiet_allowlist, {"card-swap"}, attack_session)
    _clean(result)
    ids = {o.order_id for o in result.report.orders}
    assert real.orders[0].order_id in ids and "503-6660666-0000001" not in ids


def test_the_card_swap_does_work_where_scripts_run(browser: Browser, attack_session: Path) -> None:
    """The control: in a browser that runs the page's scripts, the swap happens (so the test above can fail)."""
    with ReplaySite(attacks=frozenset({"card-swap"})) as site:
        context = browser.new_context(storage_state=str(attack_session))
        page = context.new_page()
        page.goto(f"{site.base_url}/your-orders/orders?timeFilter=months-3")
        html = page.content()
        context.close()
        served = site.order_history_html("months-3", 0)
    first = parse_order_history(served).orders[0].order_id
    assert "503-6660666-0000001" in html and first not in html


def test_every_attack_of_the_replay_is_run_here() -> None:
    source = Path(__file__).read_text(encoding="utf-8")
    assert all(f'"{name}"' in source for name in [*ATTACKS, *ATTACK_MODES])
