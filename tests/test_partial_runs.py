"""A run that loses one page keeps everything else: the findings of what was read are reported, with
what could not be read (terminal, JSON, Markdown, HTML, notification), and the exit code is never 0."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from orderwatch.allowlist import Allowlist
from orderwatch.diff import Finding, find_unexpected_orders
from orderwatch.marketplace import MARKETPLACES
from orderwatch.models import DigitalOrderSummary, Item, Money, OneClickSettings, Order, Payment
from orderwatch.notify import decide
from orderwatch.report import Report, UnreadPage, dumps, render_html, render_markdown, render_terminal

JP = MARKETPLACES["co.jp"]
TODAY = date(2026, 11, 28)
KINDLE = Order(
    "D01-2046175-3391842", date(2026, 11, 27), Money(Decimal(880), "JPY"), True, (Item("霧の館の密室", "B0DMYST001"),)
)
FINDING = Finding("unexpected_order", "high", KINDLE.order_id, "A digital order …", "Ask for a refund.")
SNAPSHOT = Path("/runs/x/snapshots/order-summary-D01-2046175-3391842.html")
SUMMARY_UNREAD = UnreadPage(
    "order-summary",
    "/gp/digital/your-account/order-summary.html?ie=UTF8&orderID=D01-2046175-3391842",
    "page_changed",
    "cannot read the order-summary page: order id",
    KINDLE.order_id,
    SNAPSHOT,
)


def _report(**kw: object) -> Report:
    r = Report("co.jp", "https://www.amazon.co.jp", TODAY, date(2026, 10, 29), datetime(2026, 11, 28, 3, tzinfo=UTC))
    for k, v in kw.items():
        setattr(r, k, v)
    return r


def _partial() -> Report:
    r = _report(orders=[KINDLE], one_click=OneClickSettings("co.jp", False), findings=[FINDING])
    r.mark_unread(SUMMARY_UNREAD)
    return r


def test_findings_with_an_unread_page_exit_1_and_are_marked_incomplete() -> None:
    r = _partial()
    assert (r.status, r.exit_code, r.incomplete) == ("findings", 1, True)
    data = json.loads(dumps(r))
    assert data["status"] == "findings"
    assert data["incomplete"]["reason"] == "page_changed"
    assert data["incomplete"]["message"] == "cannot read the order-summary page: order id"
    [page] = data["incomplete"]["pages"]
    assert page["kind"] == "order-summary" and page["order_id"] == KINDLE.order_id
    assert page["snapshot"] == str(SNAPSHOT) and "snapshot" in page["next_step"]


def test_nothing_found_but_a_page_unread_exits_3_never_0() -> None:
    r = _report(orders=[KINDLE], one_click=OneClickSettings("co.jp", False))
    r.mark_unread(SUMMARY_UNREAD)
    assert (r.status, r.exit_code) == ("incomplete", 3)
    assert "NOT an all-clear" in render_terminal(r)


def test_a_complete_run_has_no_incomplete_block() -> None:
    r = _report(orders=[KINDLE], one_click=OneClickSettings("co.jp", False))
    assert r.status == "clean" and json.loads(dumps(r))["incomplete"] is None


def test_every_rendering_shows_the_finding_and_what_was_not_read() -> None:
    r = _partial()
    terminal = render_terminal(r)
    assert "Something needs your attention" in terminal and "NOT an all-clear for the rest" in terminal
    assert "[HIGH] unexpected_order: D01-2046175-3391842" in terminal
    assert "Could not be read (1):" in terminal
    assert "order-summary D01-2046175-3391842 (page_changed)" in terminal
    assert f"Snapshot: {SNAPSHOT}" in terminal and "Next step:" in terminal
    md = render_markdown(r)
    assert "**Status: findings (incomplete)**" in md and "## What could not be read" in md
    assert "HIGH — unexpected_order" in md and str(SNAPSHOT) in md
    html = render_html(r, {})
    assert 'id="unread"' in html and "D01-2046175-3391842" in html and str(SNAPSHOT) in html
    assert 'id="findings"' in html and "A digital order …" in html


def test_an_unexpected_order_whose_summary_was_not_read_is_reported_from_its_card() -> None:
    [finding] = find_unexpected_orders([KINDLE], {}, Allowlist(), JP, TODAY, frozenset({KINDLE.order_id}))
    assert finding.subject == KINDLE.order_id
    assert "「霧の館の密室」" in finding.message and "￥880" in finding.message and "2026-11-27" in finding.message
    assert "Payment details could not be read" in finding.message


def test_a_read_summary_names_how_it_was_paid_instead() -> None:
    summary = DigitalOrderSummary(
        "co.jp",
        KINDLE.order_id,
        KINDLE.order_date,
        KINDLE.items,
        Money(Decimal(880), "JPY"),
        (Payment("Amazonポイント", Money(Decimal(500), "JPY")), Payment("VISA 末尾 0000")),
    )
    [finding] = find_unexpected_orders([KINDLE], {KINDLE.order_id: summary}, Allowlist(), JP, TODAY)
    assert "paid with Amazonポイント ￥500 + VISA 末尾 0000" in finding.message
    assert "could not be read" not in finding.message


def test_the_notification_of_a_new_finding_says_what_was_not_read() -> None:
    notice = decide(_partial(), previous=[], states={})
    assert notice is not None and "1 new finding" in notice.title
    assert "Not read in this run" in notice.body and "order-summary D01-2046175-3391842" in notice.body


def test_the_next_page_link_is_followed_only_within_the_sites_order_history() -> None:
    from orderwatch.site import history_link

    base = "https://www.amazon.co.jp"
    href = "/your-orders/orders?timeFilter=year-2026&page=1&ref_=ppx_yo2ov_dt_b_pagination_1_2"
    assert history_link(base, href) == base + href
    assert history_link(base, base + "/your-orders/orders?page=2") == base + "/your-orders/orders?page=2"
    assert history_link(base, "https://phish.example/your-orders/orders?page=1") is None
    assert history_link(base, "//phish.example/your-orders/orders") is None
    assert history_link(base, "/checkout/entry/buynow?page=1") is None
    assert history_link("http://127.0.0.1:8080", "?timeFilter=last30&startIndex=10") == (
        "http://127.0.0.1:8080/your-orders/orders?timeFilter=last30&startIndex=10"
    )


def test_every_test_the_fault_matrix_names_exists() -> None:
    import re

    root = Path(__file__).resolve().parents[1]
    doc = (root / "docs" / "fault-matrix.md").read_text(encoding="utf-8")
    named = set(re.findall(r"::(test_\w+)|`(test_\w+)`", doc))
    names = {a or b for a, b in named} | set(re.findall(r"\b(test_\w+)(?=`|,|\s)", doc))
    defined = {m for f in (root / "tests").glob("test_*.py") for m in re.findall(r"def (test_\w+)", f.read_text())}
    files = {f.stem for f in (root / "tests").glob("test_*.py")}
    missing = sorted(n for n in names if n not in defined and n not in files)
    assert len(names) >= 20 and missing == []


HISTORY_UNREAD = UnreadPage(
    "order-history",
    "https://www.amazon.co.jp/your-orders/orders?timeFilter=last30",
    "site_unreachable",
    "the site answered HTTP 500 for https://www.amazon.co.jp/your-orders/orders?timeFilter=last30",
)
ONE_CLICK_ON = Finding("one_click_enabled", "medium", "one_click", "1-Click is ON …", "Turn it off.")


def test_an_unread_history_says_no_order_was_checked_everywhere() -> None:
    """Only the 1-Click finding, no orders: the reader must not take "no unexpected order" from it."""
    r = _report(orders=[], one_click=OneClickSettings("co.jp", True), findings=[ONE_CLICK_ON])
    r.mark_unread(HISTORY_UNREAD)
    assert r.exit_code == 1
    note = "The order history could not be read: no order was checked."
    terminal = render_terminal(r)
    assert note in terminal.splitlines()[2]  # right under the headline
    assert "Orders read: 0 (0 digital) — not the whole window" in terminal
    assert f"Address: {HISTORY_UNREAD.url}" in terminal
    assert note in render_markdown(r)
    html = render_html(r, {})
    assert html.count(note) == 2 and "No orders in the window" not in html  # status box and orders section
    notice = decide(r, previous=[], states={})
    assert notice is not None and note in notice.body


def test_a_history_read_only_in_part_says_which_orders_were_checked() -> None:
    r = _report(orders=[KINDLE], one_click=OneClickSettings("co.jp", False), findings=[FINDING])
    r.mark_unread(HISTORY_UNREAD)
    assert "only the 1 order listed was checked; later pages were not" in render_terminal(r)


def test_the_next_step_for_an_error_page_does_not_blame_the_network_first() -> None:
    step = HISTORY_UNREAD.next_step
    assert "answered with an error page" in step and "Nothing to fix on your side" in step


def test_the_html_report_shows_the_snapshot_saved_of_an_unread_page(tmp_path: Path) -> None:
    snapshot = tmp_path / "snapshots" / "order-summary-D01.html"
    r = _report(orders=[KINDLE], one_click=OneClickSettings("co.jp", False))
    r.mark_unread(
        UnreadPage("order-summary", "https://www.amazon.co.jp/x", "page_changed", "cannot read", None, snapshot)
    )
    html = render_html(r, {snapshot.with_suffix(".png"): b"\x89PNG fake"})
    assert "Screenshot of the page as orderwatch saw it" in html and "orderwatch record" in html
    assert '<a href="https://www.amazon.co.jp/x" rel="noreferrer">' in html
