"""Parsers on the replay site's pages (rendered from recordings/demo-jp, no server, no browser)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from orderwatch.errors import PageChangedError
from orderwatch.models import Money
from orderwatch.parsers import parse_one_click, parse_order_history, parse_order_summary
from orderwatch.parsers.order_summary import is_order_not_found
from orderwatch.replay import ReplaySite

AS_OF = date(2026, 3, 15)


@pytest.fixture(scope="module")
def site() -> ReplaySite:
    return ReplaySite(as_of=AS_OF)


def _history(site: ReplaySite, start: int = 0) -> str:
    return site.order_history_html("last30", start)


def test_order_history_reads_every_card_once_despite_the_hidden_duplicate(site: ReplaySite) -> None:
    html = _history(site)
    assert html.count("D01-2046175-3391842") >= 2  # the hidden narrow layout repeats the first card
    page = parse_order_history(html)
    ids = [o.order_id for o in page.orders]
    assert len(ids) == 10 == len(set(ids))
    assert page.declared_count == 11
    assert page.has_next_page is True
    assert page.marketplace == "co.jp"


def test_the_story_order_is_a_digital_kindle_order_of_yesterday_in_yen(site: ReplaySite) -> None:
    order = parse_order_history(_history(site)).orders[0]
    assert order.order_id == "D01-2046175-3391842"
    assert order.order_date == date(2026, 3, 14)
    assert order.is_digital is True
    assert order.total is not None and order.total.amount == Decimal("880") and order.total.currency == "JPY"
    assert order.items[0].title == "霧の館の密室 (ミステリー文庫)"
    assert order.items[0].asin == "B0DMYST001"
    assert order.items[0].seller == "Amazon Services International LLC"


def test_cancelled_orders_are_read_with_no_total(site: ReplaySite) -> None:
    orders = {o.order_id: o for o in parse_order_history(_history(site)).orders}
    cancelled = orders["249-4407716-8812064"]
    assert cancelled.cancelled is True and cancelled.total is None
    assert orders["249-6650218-1093348"].items[1].title == "ペーパーフィルター 100枚"


def test_last_page_has_no_next_page(site: ReplaySite) -> None:
    page = parse_order_history(_history(site, start=10))
    assert [o.order_id for o in page.orders] == ["249-8143359-0072816"]
    assert page.has_next_page is False


def test_digital_order_summary_says_how_it_was_paid(site: ReplaySite) -> None:
    order = site.account.orders[0]
    summary = parse_order_summary(site.render("order-summary.html", signed_in=True, o=order))
    assert summary.order_id == "D01-2046175-3391842"
    assert summary.order_date == date(2026, 3, 14)
    assert summary.total.amount == Decimal("880")
    assert [(p.method, p.amount.amount) for p in summary.payments] == [
        ("Amazonポイント", Decimal("500")),
        ("Amazonギフトカード", Decimal("380")),
    ]
    assert summary.items[0].asin == "B0DMYST001"


@pytest.mark.parametrize("page", ["order-summary.html", "order-details.html"])
def test_both_templates_of_the_demo_say_how_each_digital_order_was_paid(site: ReplaySite, page: str) -> None:
    by_id = {o.id: o for o in site.account.orders}
    story = parse_order_summary(site.render(page, signed_in=True, o=by_id["D01-2046175-3391842"]))
    assert story.template == ("legacy" if page == "order-summary.html" else "unified")
    assert (story.order_id, story.order_date, story.marketplace) == ("D01-2046175-3391842", date(2026, 3, 14), "co.jp")
    assert story.total == Money(Decimal("880"), "JPY")
    assert [(i.title, i.asin, i.seller) for i in story.items] == [
        ("霧の館の密室 (ミステリー文庫)", "B0DMYST001", "Amazon Services International LLC")
    ]
    assert [(p.method, p.amount) for p in story.payments] == [
        ("Amazonポイント", Money(Decimal("500"), "JPY")),  # deductions: points and gift card
        ("Amazonギフトカード", Money(Decimal("380"), "JPY")),
    ]
    card = parse_order_summary(site.render(page, signed_in=True, o=by_id["D01-8830512-4461970"]))
    assert card.order_date == date(2026, 3, 6) and card.items[0].asin == "B0DPYTHON3"
    # the only card instrument carries the grand total
    assert [(p.method, p.amount) for p in card.payments] == [("VISA 末尾 0000", Money(Decimal("1078"), "JPY"))]


def test_the_not_found_page_is_not_found_and_a_summary_is_not(site: ReplaySite) -> None:
    assert is_order_not_found(site.render("order-not-found.html", signed_in=True))
    order = site.account.orders[0]
    assert not is_order_not_found(site.render("order-summary.html", signed_in=True, o=order))
    assert not is_order_not_found(site.render("order-details.html", signed_in=True, o=order))


def test_an_order_summary_page_that_is_an_error_page_is_page_changed(site: ReplaySite) -> None:
    with pytest.raises(PageChangedError) as err:
        parse_order_summary(site.render("order-not-found.html", signed_in=True))
    assert err.value.page == "order-summary"


@pytest.mark.parametrize("enabled", [True, False])
def test_one_click_switch_state_is_read_from_the_checkbox(site: ReplaySite, enabled: bool) -> None:
    settings = parse_one_click(site.render("one-click.html", signed_in=True, one_click_enabled=enabled))
    assert settings.enabled is enabled
    assert settings.default_payment == "VISA 末尾 0000"


def test_one_click_page_without_the_switch_is_page_changed_not_off(site: ReplaySite) -> None:
    html = site.render("one-click.html", signed_in=True, one_click_enabled=True).replace(
        "pmts-toggle-this-browser", "pmts-renamed"
    )
    with pytest.raises(PageChangedError, match="1-Click switch"):
        parse_one_click(html)


def test_order_history_without_cards_but_declaring_orders_is_page_changed(site: ReplaySite) -> None:
    # Given: the site renamed its card classes (all three known layouts)
    html = _history(site).replace("a-box-group a-spacing-base order js-order-card", "x-group")
    html = html.replace("order-card js-order-card", "x-card")
    with pytest.raises(PageChangedError, match="no order cards"):
        parse_order_history(html)


def test_order_history_declaring_zero_orders_is_empty(site: ReplaySite) -> None:
    page = parse_order_history(site.order_history_html("year-1999"))
    assert page.orders == () and page.declared_count == 0


def test_a_card_without_a_date_names_the_order_and_the_field(site: ReplaySite) -> None:
    html = _history(site).replace("注文日", "注文した日", 1)
    with pytest.raises(PageChangedError, match=r"D01-2046175-3391842: order date"):
        parse_order_history(html)


def test_a_sign_in_page_served_instead_of_the_history_is_page_changed(site: ReplaySite) -> None:
    html = site.render("signin-email.html", error=None, action_token="t", return_to="/")
    with pytest.raises(PageChangedError, match="order list header"):
        parse_order_history(html)
