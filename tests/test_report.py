"""Report status, exit codes and the JSON contract other tools rely on."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

from orderwatch.diff import Finding
from orderwatch.models import Item, Money, OneClickSettings, Order
from orderwatch.report import Report, dumps, render_markdown, render_terminal


def _report(**kw: object) -> Report:
    r = Report(
        "co.jp",
        "https://www.amazon.co.jp",
        date(2026, 11, 28),
        date(2026, 10, 29),
        datetime(2026, 11, 28, 3, 0, tzinfo=UTC),
    )
    for k, v in kw.items():
        setattr(r, k, v)
    return r


ORDER = Order("D01-2046175-3391842", date(2026, 11, 27), Money(Decimal(880), "JPY"), True, (Item("本", "B0DMYST001"),))
FINDING = Finding("unexpected_order", "high", ORDER.order_id, "A digital order …", "Ask for a refund.")


def test_all_read_and_nothing_found_is_clean_and_exit_0() -> None:
    r = _report(orders=[ORDER], one_click=OneClickSettings("co.jp", False))
    assert (r.status, r.exit_code) == ("clean", 0)


def test_findings_exit_1() -> None:
    r = _report(orders=[ORDER], one_click=OneClickSettings("co.jp", True), findings=[FINDING])
    assert (r.status, r.exit_code) == ("findings", 1)


def test_an_error_or_an_unread_one_click_page_is_incomplete_never_clean() -> None:
    assert _report(one_click=None).status == "incomplete"
    r = _report(one_click=OneClickSettings("co.jp", False), error={"reason": "captcha", "message": "…"})
    assert (r.status, r.exit_code) == ("incomplete", 3)
    assert "NOT an all-clear" in render_terminal(r)


def test_json_follows_the_contract() -> None:
    r = _report(orders=[ORDER], one_click=OneClickSettings("co.jp", True), findings=[FINDING])
    data = json.loads(dumps(r))
    assert data["status"] == "findings"
    finding = data["findings"][0]
    assert {k: finding[k] for k in ("kind", "severity", "subject", "message")} == {
        "kind": "unexpected_order",
        "severity": "high",
        "subject": ORDER.order_id,
        "message": "A digital order …",
    }
    assert data["orders"] == [
        {
            "order_id": "D01-2046175-3391842",
            "order_date": "2026-11-27",
            "total": {"amount": "880", "currency": "JPY"},
            "is_digital": True,
            "items": [{"title": "本", "asin": "B0DMYST001"}],
        }
    ]
    assert data["one_click"] == {"enabled": True}


def test_markdown_report_lists_findings_orders_and_one_click() -> None:
    md = render_markdown(_report(orders=[ORDER], one_click=OneClickSettings("co.jp", True), findings=[FINDING]))
    assert "HIGH — unexpected_order — `D01-2046175-3391842`" in md
    assert "| 2026-11-27 | `D01-2046175-3391842` | ￥880 | yes | 本 |" in md
    assert "1-Click for this browser: **on**" in md


def test_requests_the_guard_blocked_are_shown_to_the_person() -> None:
    blocked = [
        {
            "kind": "guard_blocked",
            "method": "POST",
            "url": "https://www.amazon.co.jp/checkout/entry/buynow",
            "resource_type": "document",
            "reason": "state_changing_method",
        }
    ]
    r = _report(one_click=OneClickSettings("co.jp", False), guard_blocked=blocked)
    assert "POST https://www.amazon.co.jp/checkout/entry/buynow (state_changing_method)" in render_terminal(r)
    assert "Blocked by the read-only guard" in render_markdown(r)
