"""The fault matrix (docs/fault-matrix.md): every row served by the replay site, the check run against
it, and the exit code, reason and state checked. A failed check is never reported as complete."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from orderwatch.allowlist import load_allowlist
from orderwatch.errors import CheckIncomplete
from orderwatch.flows.check import run_check
from orderwatch.flows.session import CheckTarget
from orderwatch.flows.signin import Credentials
from orderwatch.marketplace import MARKETPLACES
from orderwatch.replay import DEMO_EMAIL, DEMO_PASSWORD, DEMO_TOTP_SECRET, ReplaySite
from orderwatch.replay.account import DEMO_DIR
from orderwatch.report import Report, dumps, render_terminal
from orderwatch.state import RunLock, SignInCooldown

pytestmark = pytest.mark.browser

CREDS = Credentials(DEMO_EMAIL, DEMO_PASSWORD, DEMO_TOTP_SECRET)
WRONG = Credentials(DEMO_EMAIL, DEMO_PASSWORD, "KRSXG5CTMVRXEZLUKRSXG5CT")


@pytest.fixture(scope="module")
def saved_session(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A valid demo session, so the faults hit the pages after sign-in."""
    path = tmp_path_factory.mktemp("session") / "session.json"
    with ReplaySite() as site:
        report = run_check(browser, _target(site, path), load_allowlist(DEMO_DIR / "allowlist.toml"))
    assert report.signed_in == "signed_in" and path.exists()
    return path


def _target(site: ReplaySite, session: Path, creds: Credentials = CREDS, **kw: Any) -> CheckTarget:
    options: dict[str, Any] = {"timeout_s": 3, "today": site.as_of, "retry_backoff_s": 0.05} | kw
    return CheckTarget(MARKETPLACES["co.jp"], site.base_url, session, creds, **options)


def _run(
    browser: Browser, tmp_path: Path, saved: Path | None, faults: set[str], creds: Credentials = CREDS, **kw: Any
) -> tuple[Report, ReplaySite]:
    session = tmp_path / "state" / "session.json"
    session.parent.mkdir(parents=True, exist_ok=True)
    if saved is not None:
        shutil.copy(saved, session)
    site = ReplaySite(faults=frozenset(faults), slow_s=kw.pop("slow_s", 3.0), signin_outcome=kw.pop("outcome", "ok"))
    with site:
        report = run_check(
            browser,
            _target(site, session, creds, **kw),
            load_allowlist(DEMO_DIR / "allowlist.toml"),
            run_dir=tmp_path / "run",
        )
    assert site.ledger == [], "nothing may reach a state-changing endpoint"
    return report, site


def _incomplete(report: Report, reason: str) -> None:
    assert (report.status, report.exit_code) == ("incomplete", 3)
    assert report.error is not None and report.error.reason == reason, report.error
    assert json.loads(dumps(report))["status"] == "incomplete"  # never presented as complete


def _kept(report: Report, reason: str, unread: list[str]) -> None:
    """Findings were made from the pages that were read (exit 1); the report also marks the run
    incomplete and names the pages it could not read."""
    assert (report.status, report.exit_code, report.incomplete) == ("findings", 1, True)
    assert report.error is not None and report.error.reason == reason, report.error
    assert [u.label() for u in report.unread] == unread
    data = json.loads(dumps(report))
    assert data["incomplete"]["reason"] == reason
    assert [p["kind"] for p in data["incomplete"]["pages"]] == [u.kind for u in report.unread]


def _history_requests(site: ReplaySite) -> int:
    return sum(1 for _, p in site.requests if p.startswith("/your-orders/orders"))


def test_http_500_on_the_order_page_is_retried_then_marked_unread_and_the_rest_is_read(
    browser: Browser, tmp_path: Path, saved_session: Path
) -> None:
    report, site = _run(browser, tmp_path, saved_session, {"orders-500"})
    _kept(report, "site_unreachable", ["order-history"])  # the 1-Click page was still read: its finding stands
    assert "HTTP 500" in report.error.message  # type: ignore[union-attr]
    assert _history_requests(site) == 3  # one try and two retries, no more
    assert [f.kind for f in report.findings] == ["one_click_enabled"]


def test_a_single_http_500_is_retried_and_the_check_completes(
    browser: Browser, tmp_path: Path, saved_session: Path
) -> None:
    report, site = _run(browser, tmp_path, saved_session, {"orders-500-once"})
    assert report.status == "findings" and len(report.orders) == 11
    assert _history_requests(site) == 3  # page 1 failed once, then pages 1 and 2


def test_a_page_slower_than_the_timeout_is_incomplete(browser: Browser, tmp_path: Path, saved_session: Path) -> None:
    report, _ = _run(browser, tmp_path, saved_session, {"orders-slow"}, timeout_s=1, slow_s=2.5)
    _kept(report, "site_unreachable", ["order-history"])
    assert "timed out" in report.error.message  # type: ignore[union-attr]


def test_a_reset_connection_is_incomplete(browser: Browser, tmp_path: Path, saved_session: Path) -> None:
    report, _ = _run(browser, tmp_path, saved_session, {"orders-reset"})
    _kept(report, "site_unreachable", ["order-history"])


def test_a_captcha_mid_run_stops_with_its_reason(browser: Browser, tmp_path: Path, saved_session: Path) -> None:
    report, site = _run(browser, tmp_path, saved_session, {"captcha-midrun"})
    # the first history page was read before the CAPTCHA: its Kindle order is still reported
    _kept(
        report,
        "captcha",
        ["order-history", "order-summary D01-2046175-3391842", "order-summary D01-8830512-4461970", "one-click"],
    )
    assert [u.reason for u in report.unread] == ["captcha", "not_reached", "not_reached", "not_reached"]
    assert [f.subject for f in report.findings] == ["D01-2046175-3391842"]
    assert "Payment details could not be read" in report.findings[0].message
    assert site.signin_requests() == []  # a CAPTCHA is not answered with a sign-in


def test_a_session_expiring_mid_run_signs_in_once_and_continues(
    browser: Browser, tmp_path: Path, saved_session: Path
) -> None:
    report, site = _run(browser, tmp_path, saved_session, {"expire-midrun"})
    assert report.status == "findings" and report.signed_in == "signed_in"
    assert len(report.orders) == 11
    assert sum(1 for m, p in site.requests if m == "POST" and p.startswith("/ap/mfa")) == 1


def test_a_wrong_totp_stops_and_starts_a_cool_down(browser: Browser, tmp_path: Path) -> None:
    report, site = _run(browser, tmp_path, None, set(), creds=WRONG)
    _incomplete(report, "wrong_totp_code")
    cooldown = SignInCooldown(tmp_path / "state" / "session.cooldown.json")
    assert cooldown.active_until() is not None
    # the next run makes no automatic sign-in attempt at all …
    again, site = _run(browser, tmp_path, None, set(), creds=CREDS)
    _incomplete(again, "sign_in_cooldown")
    assert [r for r in site.signin_requests() if r[0] == "POST"] == []  # the sign-in page was seen, not used
    # … unless the user asks for one
    forced, _ = _run(browser, tmp_path, None, set(), creds=CREDS, force_sign_in=True)
    assert forced.status == "findings" and cooldown.active_until() is None


@pytest.mark.parametrize(
    ("outcome", "reason"),
    [
        ("password-reset", "password_reset_required"),
        ("locked", "account_locked_or_on_hold"),
        ("approval", "approval_prompt"),
        ("captcha", "captcha"),
    ],
)
def test_human_only_sign_in_states_stop_and_start_a_cool_down(
    browser: Browser, tmp_path: Path, outcome: str, reason: str
) -> None:
    started = datetime.now().astimezone()
    report, _ = _run(browser, tmp_path, None, set(), outcome=outcome)
    ended = datetime.now().astimezone()
    _incomplete(report, reason)
    cooldown = SignInCooldown(tmp_path / "state" / "session.cooldown.json")
    active = cooldown.active_until()
    assert active is not None and active[1] == reason
    # twelve hours from the failed sign-in (which happened while the run ran): still held at 11:59, over at 12:01
    assert started + timedelta(hours=12) <= active[0] <= ended + timedelta(hours=12)
    assert cooldown.active_until(ended + timedelta(hours=11, minutes=59)) is not None
    assert cooldown.active_until(ended + timedelta(hours=12, minutes=1)) is None
    # the next run, against a site that would let it sign in, is refused without sending the credentials …
    again, site = _run(browser, tmp_path, None, set())
    _incomplete(again, "sign_in_cooldown")
    assert [r for r in site.signin_requests() if r[0] == "POST"] == []
    # … unless the user asks for one
    forced, site = _run(browser, tmp_path, None, set(), force_sign_in=True)
    assert forced.status == "findings" and forced.signed_in == "signed_in" and cooldown.active_until() is None


def test_layout_drift_is_incomplete_with_a_snapshot(browser: Browser, tmp_path: Path, saved_session: Path) -> None:
    report, _ = _run(browser, tmp_path, saved_session, {"orders-truncated"})
    _kept(report, "page_changed", ["order-history"])
    assert report.unread[0].snapshot == tmp_path / "run" / "snapshots" / "order-history.html"
    assert (tmp_path / "run" / "snapshots" / "order-history.html").exists()


def test_declared_zero_orders_reads_as_zero_and_completes(
    browser: Browser, tmp_path: Path, saved_session: Path
) -> None:
    report, _ = _run(browser, tmp_path, saved_session, {"no-orders"})
    assert report.error is None and report.orders == []
    assert report.status == "findings"  # only 1-Click is reported
    assert [f.kind for f in report.findings] == ["one_click_enabled"]


def test_truncated_html_is_page_changed_never_a_short_list(
    browser: Browser, tmp_path: Path, saved_session: Path
) -> None:
    report, _ = _run(browser, tmp_path, saved_session, {"orders-truncated"})
    _kept(report, "page_changed", ["order-history"])
    assert report.orders == []


def test_a_failed_run_loses_no_state(browser: Browser, tmp_path: Path, saved_session: Path) -> None:
    report, _ = _run(browser, tmp_path, saved_session, {"orders-500"})
    assert report.incomplete and report.exit_code == 1  # the 1-Click finding, and the history not read
    session = tmp_path / "state" / "session.json"
    assert json.loads(session.read_text())["cookies"]  # the saved session is intact and still valid JSON
    again, site = _run(browser, tmp_path, None, set())  # and the next run reuses it
    assert again.signed_in == "reused_session" and site.signin_requests() == []


@pytest.mark.parametrize("hostile", ["fetch-post", "beacon", "autosubmit"])
def test_scripts_of_account_pages_never_run_so_they_cannot_act(
    browser: Browser, tmp_path: Path, saved_session: Path, hostile: str
) -> None:
    """Account pages are read with JavaScript off: a fetch POST, a beacon, a self-submitting purchase form
    never even start (the ledger stays empty, checked in _run), and the pages read as they are."""
    report, _ = _run(browser, tmp_path, saved_session, {hostile})
    assert (report.status, report.incomplete, len(report.orders)) == ("findings", False, 11)
    assert report.guard_blocked == []  # nothing was attempted at all


def test_a_page_that_meta_refreshes_off_site_is_blocked_and_reported_and_the_check_completes(
    browser: Browser, tmp_path: Path, saved_session: Path
) -> None:
    report, _ = _run(browser, tmp_path, saved_session, {"meta-refresh"})
    assert report.status == "findings" and len(report.orders) == 11
    assert any(e.url.endswith("/amazon/signin") for e in report.guard_blocked)


def test_a_sign_in_answered_with_a_307_to_the_buy_endpoint_is_refused(browser: Browser, tmp_path: Path) -> None:
    report, _ = _run(browser, tmp_path, None, {"signin-307"})
    # nothing read, and the attempt itself is reported: an attacked run is never an all-clear
    assert (report.status, report.exit_code, report.incomplete) == ("findings", 1, True)
    assert report.error is not None and report.error.reason == "guard_blocked"
    assert [(f.kind, f.subject) for f in report.findings] == [
        ("page_attempted_action", f"POST {report.base_url}/checkout/entry/buynow")
    ]
    assert [e.reason for e in report.guard_blocked] == ["redirect_resends_post"]  # one sign-in, never two
    assert [(u.kind, u.reason) for u in report.unread] == [
        ("order-history", "guard_blocked"),
        ("one-click", "not_reached"),
    ]


def test_a_second_run_while_one_runs_is_refused(tmp_path: Path) -> None:
    first = RunLock(tmp_path / "state").__enter__()
    try:
        with pytest.raises(CheckIncomplete, match="another orderwatch run"), RunLock(tmp_path / "state"):
            pass
    finally:
        first.__exit__(None, None, None)
    with RunLock(tmp_path / "state"):  # released: the next run goes ahead
        pass


def test_an_unreadable_summary_still_reports_the_order_from_its_history_card(
    browser: Browser, tmp_path: Path, saved_session: Path
) -> None:
    report, _ = _run(browser, tmp_path, saved_session, {"summary-unreadable"})
    _kept(report, "page_changed", ["order-summary D01-2046175-3391842"])
    kindle = next(f for f in report.findings if f.subject == "D01-2046175-3391842")
    assert "霧の館の密室" in kindle.message and "￥880" in kindle.message
    assert "Payment details could not be read" in kindle.message
    assert len(report.orders) == 11 and report.one_click is not None  # everything else was read
    assert "D01-8830512-4461970" in report.summaries  # the other digital order (unified template)
    snapshot = tmp_path / "run" / "snapshots" / "order-summary-D01-2046175-3391842.html"
    assert report.unread[0].snapshot == snapshot and snapshot.exists()


def test_an_unreadable_one_click_page_keeps_the_order_findings(
    browser: Browser, tmp_path: Path, saved_session: Path
) -> None:
    report, _ = _run(browser, tmp_path, saved_session, {"one-click-unreadable"})
    _kept(report, "page_changed", ["one-click"])
    assert report.one_click is None
    assert [f.subject for f in report.findings] == ["D01-2046175-3391842"]


def test_a_second_history_page_that_fails_keeps_the_first_pages_orders(
    browser: Browser, tmp_path: Path, saved_session: Path
) -> None:
    report, _ = _run(browser, tmp_path, saved_session, {"orders-page2-500"})
    _kept(report, "site_unreachable", ["order-history"])
    assert "startIndex=10" in report.unread[0].url  # the page's own next link, as the site wrote it
    assert len(report.orders) == 10 and report.one_click is not None
    assert {f.subject for f in report.findings} == {"D01-2046175-3391842", "one_click"}


def test_nothing_found_in_what_was_read_with_one_page_unread_exits_3(
    browser: Browser, tmp_path: Path, saved_session: Path
) -> None:
    """A user who allows the Kindle order and expects 1-Click on: no finding at all, but one summary was not
    read — never an all-clear."""
    allow = tmp_path / "allow.toml"
    allow.write_text(
        (DEMO_DIR / "allowlist.toml")
        .read_text(encoding="utf-8")
        .replace('expected = "off"', 'expected = "on"')
        .replace("orders = []", 'orders = ["D01-2046175-3391842"]'),
        encoding="utf-8",
    )
    session = tmp_path / "state" / "session.json"
    session.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(saved_session, session)
    with ReplaySite(faults=frozenset({"summary-unreadable"})) as site:
        report = run_check(browser, _target(site, session), load_allowlist(allow), run_dir=tmp_path / "run")
    assert report.findings == []
    _incomplete(report, "page_changed")
    assert [u.label() for u in report.unread] == ["order-summary D01-2046175-3391842"]


@pytest.mark.parametrize("layout", ["2025", "2026"])
@pytest.mark.parametrize("template", ["legacy", "unified"])
def test_both_history_layouts_and_both_summary_templates_are_read(
    browser: Browser, tmp_path: Path, saved_session: Path, layout: str, template: str
) -> None:
    session = tmp_path / "state" / "session.json"
    session.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(saved_session, session)
    with ReplaySite(history_layout=layout, summary_template=template) as site:
        report = run_check(browser, _target(site, session), load_allowlist(DEMO_DIR / "allowlist.toml"))
        history = [p for _, p in site.requests if p.startswith("/your-orders/orders")]
    assert (report.status, report.incomplete) == ("findings", False)
    assert len(report.orders) == 11 and set(report.summaries) == {"D01-2046175-3391842", "D01-8830512-4461970"}
    assert all(s.template == template for s in report.summaries.values())
    story = report.summaries["D01-2046175-3391842"]
    assert [p.display() for p in story.payments] == ["Amazonポイント ￥500", "Amazonギフトカード ￥380"]
    assert history[1].endswith("page=1") if layout == "2026" else history[1].endswith("startIndex=10")


def test_a_page_over_the_size_limit_is_not_loaded_and_named(
    browser: Browser, tmp_path: Path, saved_session: Path
) -> None:
    """A 21 MB history (the driver once crashed on 300 MB): refused by the guard, named, the rest read."""
    report, _ = _run(browser, tmp_path, saved_session, {"huge-page"})
    _kept(report, "page_too_large", ["order-history"])
    assert report.one_click is not None and "no order was checked" in render_terminal(report)


def test_summaries_over_the_per_run_limit_are_named_as_not_checked(
    browser: Browser, tmp_path: Path, saved_session: Path
) -> None:
    report, site = _run(browser, tmp_path, saved_session, set(), max_summaries=1)
    _kept(report, "over_limit", ["order-summary D01-8830512-4461970"])
    assert list(report.summaries) == ["D01-2046175-3391842"]
    assert sum(1 for _, p in site.requests if "orderID=D01-8830512" in p) == 0  # never opened
    assert "1 more digital order summaries were not checked" in render_terminal(report)
