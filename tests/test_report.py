"""Report status, exit codes and the JSON contract other tools rely on."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

from orderwatch.diff import Finding
from orderwatch.models import GuardEvent, Item, Money, OneClickSettings, Order
from orderwatch.report import Report, RunError, dumps, render_markdown, render_terminal


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
# Three findings of different kinds and severities, in the order a run makes them.
SEVERAL = [
    FINDING,
    Finding(
        "page_attempted_action",
        "medium",
        "POST https://www.amazon.co.jp/checkout/entry/buynow",
        "A page tried to buy something.",
        "Look at the order history yourself.",
    ),
    Finding("one_click_enabled", "low", "one_click", "1-Click is on for this browser.", "Turn it off."),
]


def test_all_read_and_nothing_found_is_clean_and_exit_0() -> None:
    r = _report(orders=[ORDER], one_click=OneClickSettings("co.jp", False))
    assert (r.status, r.exit_code) == ("clean", 0)


def test_findings_exit_1() -> None:
    r = _report(orders=[ORDER], one_click=OneClickSettings("co.jp", True), findings=[FINDING])
    assert (r.status, r.exit_code) == ("findings", 1)


def test_an_error_or_an_unread_one_click_page_is_incomplete_never_clean() -> None:
    assert _report(one_click=None).status == "incomplete"
    r = _report(one_click=OneClickSettings("co.jp", False), error=RunError("captcha", "…"))
    assert (r.status, r.exit_code) == ("incomplete", 3)
    assert "NOT an all-clear" in render_terminal(r)


def test_json_follows_the_contract() -> None:
    r = _report(orders=[ORDER], one_click=OneClickSettings("co.jp", True), findings=SEVERAL)
    data = json.loads(dumps(r))
    assert data["status"] == "findings"
    assert data["findings"] == [  # every finding, in the order they were made, each with all its fields
        {
            "kind": "unexpected_order",
            "severity": "high",
            "subject": ORDER.order_id,
            "message": "A digital order …",
            "advice": "Ask for a refund.",
        },
        {
            "kind": "page_attempted_action",
            "severity": "medium",
            "subject": "POST https://www.amazon.co.jp/checkout/entry/buynow",
            "message": "A page tried to buy something.",
            "advice": "Look at the order history yourself.",
        },
        {
            "kind": "one_click_enabled",
            "severity": "low",
            "subject": "one_click",
            "message": "1-Click is on for this browser.",
            "advice": "Turn it off.",
        },
    ]
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


def test_the_terminal_lists_every_finding_in_order_with_its_severity_subject_and_advice() -> None:
    text = render_terminal(_report(orders=[ORDER], one_click=OneClickSettings("co.jp", True), findings=SEVERAL))
    headings = [line for line in text.splitlines() if line.startswith("[")]
    assert headings == [
        f"[HIGH] unexpected_order: {ORDER.order_id}",
        "[MEDIUM] page_attempted_action: POST https://www.amazon.co.jp/checkout/entry/buynow",
        "[LOW] one_click_enabled: one_click",
    ]
    for f in SEVERAL:  # each finding's own message and advice follow its heading
        heading = text.index(f"] {f.kind}: {f.subject}")
        assert heading < text.index(f"  {f.message}", heading) < text.index(f"  What to do: {f.advice}", heading)
    positions = [text.index(f"  What to do: {f.advice}") for f in SEVERAL]
    assert positions == sorted(positions)


def test_markdown_report_lists_findings_orders_and_one_click() -> None:
    md = render_markdown(_report(orders=[ORDER], one_click=OneClickSettings("co.jp", True), findings=[FINDING]))
    assert "HIGH — unexpected_order — `D01-2046175-3391842`" in md
    assert "| 2026-11-27 | `D01-2046175-3391842` | ￥880 | yes | 本 |" in md
    assert "1-Click for this browser: **on**" in md


def test_requests_the_guard_blocked_are_shown_to_the_person() -> None:
    blocked = [
        GuardEvent("POST", "https://www.amazon.co.jp/checkout/entry/buynow", "document", "state_changing_method")
    ]
    r = _report(one_click=OneClickSettings("co.jp", False), guard_blocked=blocked)
    assert "POST https://www.amazon.co.jp/checkout/entry/buynow (state_changing_method)" in render_terminal(r)
    assert "Blocked by the read-only guard" in render_markdown(r)
