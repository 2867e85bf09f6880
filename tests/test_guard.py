"""The request guard: read-only toward the site, whatever a page does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import Error as PlaywrightError

from orderwatch.bots.browser import new_context
from orderwatch.bots.guard import RequestGuard
from orderwatch.marketplace import MARKETPLACES
from orderwatch.replay import ReplaySite

from .conftest import cli_env

GUARD = RequestGuard(site_origin=("https", "www.amazon.co.jp"))


@pytest.mark.parametrize(
    ("method", "url", "rtype"),
    [
        ("GET", "https://www.amazon.co.jp/your-orders/orders?timeFilter=last30", "document"),
        ("HEAD", "https://www.amazon.co.jp/", "document"),
        ("GET", "https://m.media-amazon.com/images/G/09/x.js", "script"),
        ("GET", "data:text/plain,hello", "other"),
    ],
)
def test_reads_of_the_site_pass(method: str, url: str, rtype: str) -> None:
    assert GUARD.verdict(method, url, rtype) is None


@pytest.mark.parametrize(
    ("method", "url", "rtype", "reason"),
    [
        ("POST", "https://www.amazon.co.jp/checkout/entry/buynow", "document", "state_changing_method"),
        (
            "POST",
            "https://www.amazon.co.jp/cpe/yourpayments/settings/manageoneclick/update",
            "fetch",
            "state_changing_method",
        ),
        ("POST", "https://www.amazon.co.jp/ap/signin", "document", "state_changing_method"),  # not signing in
        ("PUT", "https://www.amazon.co.jp/your-orders/orders", "xhr", "state_changing_method"),
        ("GET", "https://evil.example/steal", "document", "off_site"),
        ("GET", "http://www.amazon.co.jp/", "document", "off_site"),  # not https
        ("GET", "https://m.media-amazon.com/page.html", "document", "off_site"),  # static host: scripts only
        ("GET", "https://www.amazon.co.jp/logo.png", "image", "not_loaded"),
        ("GET", "https://www.amazon.co.jp/font.woff2", "font", "not_loaded"),
    ],
)
def test_everything_else_is_blocked_with_a_reason(method: str, url: str, rtype: str, reason: str) -> None:
    assert GUARD.verdict(method, url, rtype) == reason


def test_sign_in_posts_pass_only_while_signing_in() -> None:
    guard = RequestGuard(site_origin=("https", "www.amazon.co.jp"), signing_in=True)
    assert guard.verdict("POST", "https://www.amazon.co.jp/ap/signin", "document") is None
    assert guard.verdict("POST", "https://www.amazon.co.jp/ap/mfa", "document") is None
    assert (
        guard.verdict("POST", "https://www.amazon.co.jp/checkout/entry/buynow", "document") == "state_changing_method"
    )
    assert guard.verdict("POST", "https://evil.example/ap/signin", "document") == "off_site"
    # the same sign-in posts outside sign-in (a reading context) are refused
    for path in ("/ap/signin", "/ap/mfa"):
        assert GUARD.verdict("POST", f"https://www.amazon.co.jp{path}", "document") == "state_changing_method"


@pytest.mark.browser
def test_flipping_the_one_click_switch_and_pressing_buy_now_reach_nothing(browser: Browser, replay: ReplaySite) -> None:
    # Given: a signed-in context with the guard (signed in by hand through the replay's own pages)
    context, guard = new_context(browser, MARKETPLACES["co.jp"], replay.base_url, scripts=True)  # as in sign-in
    context.add_cookies([{"name": "x-acbjp", "value": replay.issue_session(), "url": replay.base_url}])
    page = context.new_page()
    # When: the page's own switch is flipped (its script POSTs the change) and the buy buttons are pressed
    page.goto(f"{replay.base_url}/cpe/yourpayments/settings/manageoneclick")
    page.locator("#pmts-toggle-this-browser").click()
    page.wait_for_timeout(300)
    page.get_by_role("button", name="すべての1-Clickを無効化").click()
    page.wait_for_timeout(300)  # the blocked form post ends on an error page; let it settle
    with pytest.raises(PlaywrightError):  # a product page is no page the bot reads: refused
        page.goto(f"{replay.base_url}/dp/B0DMYST001")
    assert "buy-now-button" not in page.content()
    page.evaluate(  # the buy-now form as the product page has it, pressed from a page the bot does read
        """() => { const f = document.createElement('form'); f.method = 'post'; f.action = '/checkout/entry/buynow';
        document.body.appendChild(f); f.submit(); }"""
    )
    page.wait_for_timeout(300)
    context.close()
    # Then: nothing reached the site's state-changing endpoints; each attempt was recorded
    assert replay.ledger == []
    assert replay.one_click_enabled is True
    blocked = [(e.method, e.url.split("/", 3)[3], e.reason) for e in guard.blocked]
    assert ("POST", "cpe/yourpayments/settings/manageoneclick/update", "state_changing_method") in blocked
    assert ("GET", "dp/B0DMYST001", "not_read_path") in blocked
    assert ("POST", "checkout/entry/buynow", "state_changing_method") in blocked
    assert all("?" not in e.url for e in guard.blocked)  # no query strings (they may carry tokens)


@pytest.mark.browser
def test_the_same_clicks_without_the_guard_do_reach_the_ledger(browser: Browser, replay: ReplaySite) -> None:
    # The control: proves the test above could fail.
    context = browser.new_context()
    context.add_cookies([{"name": "x-acbjp", "value": replay.issue_session(), "url": replay.base_url}])
    page = context.new_page()
    page.goto(f"{replay.base_url}/dp/B0DMYST001")
    page.locator("#buy-now-button").click()
    page.wait_for_load_state()
    context.close()
    assert [e.path for e in replay.ledger] == ["/checkout/entry/buynow"]
    replay.ledger.clear()  # the fixture asserts an empty ledger for every other test


@pytest.mark.browser
def test_check_against_any_loopback_imitation_keeps_the_guard_on(tmp_path: Path) -> None:
    """The contract: whatever a loopback server answers, only GET/HEAD leave the browser (and POST to
    the sign-in endpoints while signing in)."""
    import subprocess
    import sys
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    seen: list[tuple[str, str]] = []
    page = (
        b"<html><head><meta http-equiv='refresh' content='1;url=/refreshed'></head><body>"
        b"<form id='f' method='post' action='/buy'><input name='a' value='1'></form>"
        b"<script>fetch('/api/cancel', {method: 'POST', body: 'x'}); navigator.sendBeacon('/beacon', 'y');"
        b"fetch('/api/put', {method: 'PUT'}); setTimeout(() => document.getElementById('f').submit(), 50);"
        b"</script><a href='/redirect-307'>go</a></body></html>"
    )

    class Imitation(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _any(self) -> None:
            seen.append((self.command, self.path))
            if self.path.startswith("/redirect-307"):
                self.send_response(307)
                self.send_header("Location", "/buy")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _any

    server = ThreadingHTTPServer(("127.0.0.1", 0), Imitation)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Path("allow.toml").write_text("")
    env = cli_env(ORDERWATCH_EMAIL="a@b.c", ORDERWATCH_PASSWORD="pw-123456", ORDERWATCH_TOTP_SECRET="JBSWY3DPEHPK3PXP")
    try:
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "orderwatch",
                "check",
                "--base-url",
                f"http://127.0.0.1:{server.server_address[1]}",
                "--allowlist",
                "allow.toml",
                "--report-json",
                "r.json",
            ],
            capture_output=True,
            text=True,
            env=env,
            check=False,
            timeout=120,
        )
    finally:
        server.shutdown()
        server.server_close()
    assert out.returncode == 3  # an imitation is no readable account: incomplete, never clean
    assert seen and {m for m, _ in seen} <= {"GET", "HEAD"}, seen
    # its scripts (the fetch POST and PUT, the beacon, the self-submitting form) never ran: account pages are
    # read with JavaScript off, so the imitation could not even try
    blocked = json.loads(Path("r.json").read_text())["guard_blocked"]
    assert {e["method"] for e in blocked} <= {"GET"}
