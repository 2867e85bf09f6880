"""Where findings are decided: orders and 1-Click against the allowlist."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from orderwatch.allowlist import parse_allowlist
from orderwatch.diff import check_one_click, find_unexpected_orders
from orderwatch.marketplace import MARKETPLACES
from orderwatch.models import DigitalOrderSummary, Item, Money, OneClickSettings, Order, Payment

JP = MARKETPLACES["co.jp"]
TODAY = date(2026, 11, 28)
KINDLE = Order(
    "D01-2046175-3391842",
    date(2026, 11, 27),
    Money(Decimal(880), "JPY"),
    True,
    (Item("霧の館の密室", "B0DMYST001", "Amazon Services International LLC"),),
)
TISSUE = Order(
    "249-3318462-7720615",
    date(2026, 11, 25),
    Money(Decimal(1280), "JPY"),
    False,
    (Item("ボックスティッシュ", "B07TISSUE5", "Amazon.co.jp"),),
)
ALLOW = parse_allowlist('[[allow]]\nseller = "Amazon.co.jp"\n[price_ceiling]\nJPY = 1000\n', Path("a.toml"))


def test_an_order_with_an_item_not_allowed_is_a_high_finding_with_refund_advice() -> None:
    summary = DigitalOrderSummary(
        "co.jp",
        KINDLE.order_id,
        KINDLE.order_date,
        KINDLE.items,
        KINDLE.total,  # type: ignore[arg-type]
        (Payment("Amazonポイント", Money(Decimal(500), "JPY")),),
    )
    [finding] = find_unexpected_orders([KINDLE], {KINDLE.order_id: summary}, ALLOW, JP, TODAY)
    assert (finding.kind, finding.severity, finding.subject) == ("unexpected_order", "high", KINDLE.order_id)
    assert "yesterday" in finding.message and "Amazonポイント ￥500" in finding.message
    assert "refund" in finding.advice and "7 days" in finding.advice


def test_an_allowed_order_over_the_ceiling_is_unexpected() -> None:
    [finding] = find_unexpected_orders([TISSUE], {}, ALLOW, JP, TODAY)
    assert "ceiling" in finding.message
    assert "商品をキャンセル" in finding.advice


def test_acknowledged_and_cancelled_orders_are_not_reported() -> None:
    allow = parse_allowlist(f'[acknowledged]\norders = ["{KINDLE.order_id}"]\n', Path("a.toml"))
    cancelled = Order("249-4407716-8812064", TODAY, None, False, (Item("靴", None),), cancelled=True)
    assert find_unexpected_orders([KINDLE, cancelled], {}, allow, JP, TODAY) == []


def test_an_allowed_order_within_the_ceiling_is_expected() -> None:
    allow = parse_allowlist('[[allow]]\nseller = "Amazon.co.jp"\n', Path("a.toml"))
    assert find_unexpected_orders([TISSUE], {}, allow, JP, TODAY) == []


def test_one_click_on_when_expected_off_is_a_medium_finding() -> None:
    [finding] = check_one_click(OneClickSettings("co.jp", True), ALLOW, JP)
    assert (finding.kind, finding.severity) == ("one_click_enabled", "medium")
    assert "すべての1-Clickを無効化" in finding.advice and "Kindle" in finding.advice


def test_one_click_matching_the_expectation_is_no_finding() -> None:
    assert check_one_click(OneClickSettings("co.jp", False), ALLOW, JP) == []
    anything = parse_allowlist('[one_click]\nexpected = "any"\n', Path("a.toml"))
    assert check_one_click(OneClickSettings("co.jp", True), anything, JP) == []
