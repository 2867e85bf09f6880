"""Any marketplace's page language: Japanese and English pages with US and day-first dates, $, €, £,
￥/¥; and `auto` deciding the marketplace from the page itself."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from selectolax.lexbor import LexborHTMLParser

from orderwatch.parsers import parse_order_history
from orderwatch.parsers.detect import detect_marketplace
from orderwatch.replay import ReplaySite

from .conftest import peer_page

_US_DATE = re.compile(
    r"(January|February|March|April|May|June|July|August|September|October|November|December) (\d{1,2}), (\d{4})"
)


def _real_2023() -> str:
    return peer_page("amazon-com", "orders", "order-history-2023-10.html").read_text(encoding="utf-8")


def _as(html: str, host: str, symbol: str, day_first: bool, yen: bool = False) -> str:
    """The same page as another marketplace would serve it: host, currency, date order."""
    html = html.replace("www.amazon.com", f"www.amazon.{host}")
    if day_first:
        html = _US_DATE.sub(r"\2 \1 \3", html)
    if yen:  # yen has no decimals: $32.00 → ￥3200
        return re.sub(r"\$(\d+)\.(\d\d)", lambda m: f"{symbol}{int(m[1] + m[2]):,}", html)
    return html.replace("$", symbol)


@pytest.mark.parametrize(
    ("host", "symbol", "day_first", "yen", "currency", "total"),
    [
        ("co.uk", "£", True, False, "GBP", "32.00"),
        ("de", "€", True, False, "EUR", "32.00"),
        ("ca", "$", False, False, "CAD", "32.00"),
        ("co.jp", "￥", False, True, "JPY", "3200"),
        ("co.jp", "¥", False, True, "JPY", "3200"),
    ],
)
def test_english_pages_of_other_marketplaces_parse(
    host: str, symbol: str, day_first: bool, yen: bool, currency: str, total: str
) -> None:
    page = parse_order_history(_as(_real_2023(), host, symbol, day_first, yen))
    assert page.marketplace == host
    order = {o.order_id: o for o in page.orders}["113-1909885-6198667"]
    assert order.order_date == date(2023, 12, 12)
    assert order.total is not None and (order.total.amount, order.total.currency) == (Decimal(total), currency)


def test_japanese_pages_parse_with_their_labels_dates_and_yen() -> None:
    site = ReplaySite(as_of=date(2025, 1, 8))
    html = site.order_history_html("last30")
    assert "2025年1月7日" in html and "￥880" in html and "注文番号" in html
    page = parse_order_history(html)
    assert page.marketplace == "co.jp"
    first = page.orders[0]
    assert first.order_date == date(2025, 1, 7)
    assert first.total is not None and (first.total.amount, first.total.currency) == (Decimal(880), "JPY")


@pytest.mark.parametrize(
    ("html", "market"),
    [
        ("<html><head><script>ue_sn = 'www.amazon.co.uk',</script></head><body></body></html>", "co.uk"),
        ('<html><body><a href="https://www.amazon.de/gp/help">Hilfe</a></body></html>', "de"),
        ('<html lang="ja-jp"><body></body></html>', "co.jp"),
        ('<html lang="en-gb"><body></body></html>', "co.uk"),
        ("<html><body><span>注文日</span></body></html>", "co.jp"),
        ("<html><body><span>Total £7.99</span></body></html>", "co.uk"),
        ("<html><body><span>Total ¥7,999</span></body></html>", "co.jp"),
        ("<html><body><span>Total $7.99</span></body></html>", "com"),
    ],
)
def test_auto_decides_the_marketplace_from_the_page(html: str, market: str) -> None:
    assert detect_marketplace(LexborHTMLParser(html), html) == market


def test_an_explicit_marketplace_wins_over_detection() -> None:
    page = parse_order_history(_real_2023(), marketplace="com")
    assert page.marketplace == "com"
