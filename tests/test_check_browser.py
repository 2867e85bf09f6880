"""The check end to end in a real headless browser against the loopback replay site."""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from orderwatch.allowlist import load_allowlist, parse_allowlist
from orderwatch.flows.check import run_check
from orderwatch.flows.session import CheckTarget
from orderwatch.flows.signin import Credentials
from orderwatch.marketplace import MARKETPLACES
from orderwatch.replay import DEMO_EMAIL, DEMO_PASSWORD, DEMO_TOTP_SECRET, ReplaySite
from orderwatch.replay.account import DEMO_DIR
from orderwatch.report import Report

pytestmark = pytest.mark.browser

DEMO_CREDS = Credentials(DEMO_EMAIL, DEMO_PASSWORD, DEMO_TOTP_SECRET)
WRONG_TOTP_SECRET = "KRSXG5CTMVRXEZLUKRSXG5CT"


def _check(
    browser: Browser,
    site: ReplaySite,
    tmp_path: Path,
    creds: Credentials = DEMO_CREDS,
    allowlist_text: str | None = None,
    **target: Any,
) -> Report:
    allowlist = (
        parse_allowlist(allowlist_text, Path("allow.toml"))
        if allowlist_text is not None
        else load_allowlist(DEMO_DIR / "allowlist.toml")
    )
    options: dict[str, Any] = {"window_days": 30, "timeout_s": 10, "today": site.as_of, "retry_backoff_s": 0.05}
    check_target = CheckTarget(
        MARKETPLACES["co.jp"], site.base_url, tmp_path / "state" / "session.json", creds, **(options | target)
    )
    return run_check(browser, check_target, allowlist, run_dir=tmp_path / "run")


def test_demo_check_signs_in_with_totp_and_reports_the_kindle_order_and_one_click(
    browser: Browser, replay: ReplaySite, tmp_path: Path
) -> None:
    report = _check(browser, replay, tmp_path)
    assert report.signed_in == "signed_in"
    assert [(f.kind, f.severity, f.subject) for f in report.findings] == [
        ("unexpected_order", "high", "D01-2046175-3391842"),
        ("one_click_enabled", "medium", "one_click"),
    ]
    assert (report.status, report.exit_code) == ("findings", 1)
    # the window's 11 orders over two history pages, nothing older than 30 days
    assert len(report.orders) == 11
    assert "249-3067781-4420953" not in {o.order_id for o in report.orders}
    assert sum("/your-orders/orders" in p for p in report.pages_read) == 2
    # both digital orders' summaries were read; the story's one was paid with points and a gift card
    assert set(report.summaries) == {"D01-2046175-3391842", "D01-8830512-4461970"}
    assert [p.method for p in report.summaries["D01-2046175-3391842"].payments] == [
        "Amazonポイント",
        "Amazonギフトカード",
    ]
    assert report.guard_blocked == [] or all(e.reason != "state_changing_method" for e in report.guard_blocked)


def test_a_second_run_with_a_valid_session_sends_no_sign_in_request(
    browser: Browser, replay: ReplaySite, tmp_path: Path
) -> None:
    first = _check(browser, replay, tmp_path)
    assert first.signed_in == "signed_in" and replay.signin_requests()
    session = tmp_path / "state" / "session.json"
    assert stat.S_IMODE(session.stat().st_mode) == 0o600
    assert stat.S_IMODE(session.parent.stat().st_mode) == 0o700
    replay.requests.clear()
    second = _check(browser, replay, tmp_path)
    assert second.signed_in == "reused_session"
    assert replay.signin_requests() == []
    assert second.exit_code == 1


def test_an_expired_session_signs_in_once_and_continues(browser: Browser, replay: ReplaySite, tmp_path: Path) -> None:
    _check(browser, replay, tmp_path)
    replay.expire_sessions()  # the saved cookie no longer validates; new sessions do
    report = _check(browser, replay, tmp_path)
    assert report.signed_in == "signed_in" and report.exit_code == 1


def test_a_wrong_totp_code_stops_with_its_reason_and_exit_3(
    browser: Browser, replay: ReplaySite, tmp_path: Path
) -> None:
    report = _check(browser, replay, tmp_path, Credentials(DEMO_EMAIL, DEMO_PASSWORD, WRONG_TOTP_SECRET))
    assert (report.status, report.exit_code) == ("incomplete", 3)
    assert report.error is not None and report.error.reason == "wrong_totp_code"
    assert sum(1 for m, p in replay.requests if m == "POST" and p.startswith("/ap/mfa")) == 1  # no second try
    assert not (tmp_path / "state" / "session.json").exists()


def test_a_wrong_password_stops_without_retrying(browser: Browser, replay: ReplaySite, tmp_path: Path) -> None:
    report = _check(browser, replay, tmp_path, Credentials(DEMO_EMAIL, "not-the-password", DEMO_TOTP_SECRET))
    assert report.exit_code == 3 and report.error is not None and report.error.reason == "wrong_password"
    assert sum(1 for m, _ in replay.requests if m == "POST") == 2  # email step, one password attempt


@pytest.mark.parametrize(
    ("outcome", "reason"),
    [
        ("captcha", "captcha"),
        ("approval", "approval_prompt"),
        ("otp-sms", "code_by_sms_or_email"),
        ("password-reset", "password_reset_required"),
        ("locked", "account_locked_or_on_hold"),
    ],
)
def test_each_human_only_sign_in_state_stops_with_its_reason(
    browser: Browser, replay: ReplaySite, tmp_path: Path, outcome: str, reason: str
) -> None:
    replay.signin_outcome = outcome
    report = _check(browser, replay, tmp_path)
    assert (report.status, report.exit_code) == ("incomplete", 3)
    assert report.error is not None and report.error.reason == reason
    assert report.orders == [] and report.findings == []
    assert sum(1 for m, _ in replay.requests if m == "POST") == 2  # no retry after the stop state


def test_a_clean_account_is_quiet_and_exit_0(browser: Browser, replay: ReplaySite, tmp_path: Path) -> None:
    allow_everything = '[one_click]\nexpected = "on"\n[[allow]]\ntitle_pattern = "."\n'
    report = _check(browser, replay, tmp_path, allowlist_text=allow_everything)
    assert (report.status, report.exit_code, report.findings) == ("clean", 0, [])


def _variant(tmp_path: Path, name: str, change: Callable[[str], str]) -> Path:
    """A copy of the demo templates with one page changed (layout drift, a missing button...)."""
    templates = tmp_path / "templates"
    templates.mkdir()
    for f in DEMO_DIR.glob("*.html"):
        text = f.read_text(encoding="utf-8")
        (templates / f.name).write_text(change(text) if f.name == name else text, encoding="utf-8")
    return templates


def test_a_page_the_parser_cannot_read_is_incomplete_never_clean(browser: Browser, tmp_path: Path) -> None:
    # Given: a replay whose order cards lost their id element and links (layout drift)
    templates = _variant(
        tmp_path,
        "_order_card.html",
        lambda t: t.replace("yohtmlc-order-id", "renamed-id").replace("orderID=", "x=").replace("{{ o.id }}", ""),
    )
    with ReplaySite(templates=templates) as site:
        allow_everything = '[one_click]\nexpected = "any"\n[[allow]]\ntitle_pattern = "."\n'
        report = _check(browser, site, tmp_path, allowlist_text=allow_everything)
        assert site.ledger == []
    assert (report.status, report.exit_code) == ("incomplete", 3)
    assert report.error is not None and report.error.reason == "page_changed"
    assert "order id" in report.error.message
    assert (tmp_path / "run" / "snapshots" / "order-history.html").exists()


def test_a_sign_in_page_without_its_button_ends_incomplete_not_hanging(browser: Browser, tmp_path: Path) -> None:
    templates = _variant(tmp_path, "signin-email.html", lambda t: t.replace('type="submit"', 'type="hidden"'))
    with ReplaySite(templates=templates) as site:
        target = CheckTarget(
            MARKETPLACES["co.jp"],
            site.base_url,
            tmp_path / "s.json",
            DEMO_CREDS,
            timeout_s=2,
            today=site.as_of,
            retry_backoff_s=0.05,
        )
        report = run_check(browser, target, load_allowlist(DEMO_DIR / "allowlist.toml"))
    assert report.exit_code == 3 and report.error is not None
    assert report.error.reason in ("site_unreachable", "browser_error")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_site_that_cannot_be_reached_is_incomplete_with_exit_3(browser: Browser, tmp_path: Path) -> None:
    target = CheckTarget(
        MARKETPLACES["co.jp"],
        f"http://127.0.0.1:{_free_port()}",
        tmp_path / "s.json",
        DEMO_CREDS,
        timeout_s=5,
        retry_backoff_s=0.05,
    )
    report = run_check(browser, target, load_allowlist(DEMO_DIR / "allowlist.toml"))
    assert (report.status, report.exit_code) == ("incomplete", 3)
    assert report.error is not None and report.error.reason == "site_unreachable"


def test_an_http_500_from_the_site_is_incomplete_with_exit_3(browser: Browser, tmp_path: Path) -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Broken(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Broken)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        report = run_check(
            browser,
            CheckTarget(MARKETPLACES["co.jp"], url, tmp_path / "s.json", DEMO_CREDS, retry_backoff_s=0.05),
            load_allowlist(DEMO_DIR / "allowlist.toml"),
        )
    finally:
        server.shutdown()
        server.server_close()
    assert report.exit_code == 3 and report.error is not None
    assert report.error.reason == "site_unreachable" and "HTTP 500" in report.error.message


def test_a_signed_out_page_instead_of_a_redirect_leads_to_one_sign_in(browser: Browser, tmp_path: Path) -> None:
    with ReplaySite(signed_out_page=True) as site:
        report = _check(browser, site, tmp_path)
        assert site.ledger == []
    assert report.signed_in == "signed_in" and report.exit_code == 1
    assert len(report.orders) == 11
