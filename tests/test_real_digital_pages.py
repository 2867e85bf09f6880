"""The digital order parser on real pages (../shared/peer-pages/digital-orders/: amazon.ca 2024 legacy
summaries, an amazon.de 2026 digital order in the unified order-details template; amazon-com/orders/:
the unified template for physical orders), the 2026 order-history layout (amazon.de), and drift
variants of those pages that must be refused, never misread."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from orderwatch.errors import PageChangedError
from orderwatch.models import DigitalOrderSummary, Money
from orderwatch.parsers import parse_order_history, parse_order_summary

from .conftest import cli_env, peer_page

CAD, EUR, USD = "CAD", "EUR", "USD"
# file → (id, date, [(title, asin, seller)], total, [(payment method, amount or None)])
DIGITAL: dict[str, tuple[str, date, list[tuple[str, str | None, str]], Money, list[tuple[str, Money | None]]]] = {
    "ca-order-summary-D01-4163891-0896264.html": (
        "D01-4163891-0896264",
        date(2024, 5, 5),
        [("Prisoner B-3087", "B0711LDND9", "Audible")],
        Money(Decimal("0.00"), CAD),
        [("1 Audible Credit", Money(Decimal("21.20"), CAD))],  # "No current charges" is no payment
    ),
    **{
        name: (
            "D01-8976186-0883412",
            date(2024, 3, 17),
            [("Prime Membership Fee", None, "Amazon.com.ca, Inc.")],  # no product link: no ASIN
            Money(Decimal("111.87"), CAD),
            [("Mastercard ending in 0000", Money(Decimal("111.87"), CAD))],
        )
        for name in ("ca-order-summary-D01-8976186-0883412.html", "ca-order-summary-D01-8976186-0883412_1.html")
    },
    **{
        name: (
            "D01-9338000-4893015",
            date(2024, 7, 5),
            [("Audible Premium Plus", "B08GQGPC8C", "Audible")],
            Money(Decimal("15.70"), CAD),
            [("Mastercard ending in 0000", Money(Decimal("15.70"), CAD))],
        )
        for name in (
            "ca-order-summary-D01-9338000-4893015.html",
            "ca-order-summary-D01-9338000-4893015_1.html",
            "ca-order-summary-D01-9338000-4893015_2.html",
        )
    },
    "de/order-details-D01-1151337-3109897.html": (
        "D01-1151337-3109897",
        date(2026, 4, 16),
        [("Testartikel 57", None, "Amazon Digital Germany GmbH")],  # a /gp/video/detail/ link: no ASIN
        Money(Decimal("54.99"), EUR),
        [("Amazon Visa •••• 1234", Money(Decimal("54.99"), EUR))],
    ),
}


def _parse_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """`orderwatch parse ARGS` as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "orderwatch", "parse", *args],
        capture_output=True,
        text=True,
        env=cli_env(),
        check=False,
        timeout=60,
    )


def _digital(name: str) -> str:
    return peer_page("digital-orders", *name.split("/")).read_text(encoding="utf-8")


def _com(name: str) -> str:
    return peer_page("amazon-com", "orders", name).read_text(encoding="utf-8", errors="replace")


def _facts(s: DigitalOrderSummary) -> tuple[object, ...]:
    return (
        s.order_id,
        s.order_date,
        [(i.title, i.asin, i.seller) for i in s.items],
        s.total,
        [(p.method, p.amount) for p in s.payments],
    )


@pytest.mark.parametrize("name", sorted(DIGITAL))
def test_every_real_digital_page_is_read_with_its_id_date_items_total_and_payments(name: str) -> None:
    summary = parse_order_summary(_digital(name))
    assert _facts(summary) == DIGITAL[name]
    assert summary.template == ("unified" if name.startswith("de/") else "legacy")
    assert summary.marketplace == ("de" if name.startswith("de/") else "ca")


def test_every_file_of_the_digital_folder_is_covered() -> None:
    folder = peer_page("digital-orders", "README.md").parent
    pages = {str(p.relative_to(folder)) for p in folder.rglob("*.html") if "history" not in p.name}
    assert pages == set(DIGITAL)


@pytest.mark.parametrize("name", sorted(DIGITAL))
def test_parse_prints_the_summary_as_json_and_exits_0(name: str, tmp_path: Path) -> None:
    path = peer_page("digital-orders", *name.split("/"))
    out = _parse_cli(str(path), "--page", "order-summary")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    [order] = data["orders"]
    order_id, day, items, total, payments = DIGITAL[name]
    assert data["template"] == ("unified" if name.startswith("de/") else "legacy")
    assert order["order_id"] == order_id and order["order_date"] == day.isoformat()
    assert order["total"] == total.to_json()
    assert [(i["title"], i["asin"], i["seller"]) for i in order["items"]] == items
    assert [(p["method"], p["amount"]) for p in order["payments"]] == [
        (m, str(a.amount) if a else None) for m, a in payments
    ]


# --- the unified template on amazon.com's physical orders ------------------------------------------------


def test_the_unified_template_of_amazon_com_reads_items_sellers_total_and_the_older_instrument_markup() -> None:
    s = parse_order_summary(_com("order-details-111-6778632-7354601.html"))
    assert (s.template, s.marketplace, s.order_id, s.order_date) == (
        "unified",
        "com",
        "111-6778632-7354601",
        date(2024, 9, 8),
    )
    assert [(i.asin, i.seller) for i in s.items] == [
        ("B09CT2PHDW", "Wayuer"),
        ("B09MSJ3YGZ", "Amazon.com"),
        ("B00JZP8UDA", "Positively Tea LLC."),
        (s.items[3].asin, s.items[3].seller),
    ]
    assert len(s.items) == 4 and s.items[3].title.startswith("The Crucible")
    assert s.total == Money(Decimal("60.88"), USD)  # "Free Shipping: -$2.99" is no payment
    assert [(p.method, p.amount) for p in s.payments] == [("Prime Visa ending in 1111", Money(Decimal("60.88"), USD))]


def test_a_gift_card_deduction_is_a_payment_and_a_coupon_is_not() -> None:
    s = parse_order_summary(_com("order-details-coupon-savings.html"))
    assert (s.order_id, s.order_date) == ("112-2186080-1198625", date(2024, 9, 23))
    assert [i.asin for i in s.items] == ["1890348058", "1616771127", "1617271535"]
    assert s.total == Money(Decimal("0.00"), USD)  # the Refund Total of the same box is not the order's total
    assert [(p.method, p.amount) for p in s.payments] == [
        ("Prime Visa ending in 8786", Money(Decimal("0.00"), USD)),
        ("Gift Card Amount", Money(Decimal("35.53"), USD)),  # "Amazon gift card balance" is this line
    ]


@pytest.mark.parametrize("name", ["order-details-112-0399923-3070642.html", "order-details-112-9087159-1657009.html"])
def test_older_order_details_layouts_are_refused_not_misread(name: str) -> None:
    with pytest.raises(PageChangedError, match="summary container not found"):
        parse_order_summary(_com(name))


# --- drift: refused, never misread ------------------------------------------------------------------------

CA = "ca-order-summary-D01-9338000-4893015.html"
CA_CREDIT = "ca-order-summary-D01-4163891-0896264.html"  # paid with an Audible credit: "No current charges"
DE = "de/order-details-D01-1151337-3109897.html"
DRIFT: dict[str, tuple[str, str, str, str]] = {  # name → (page, old, new, words in the message)
    "legacy container removed": (CA, 'id="digitalOrderSummaryContainer"', 'id="dosV3"', "summary container"),
    "order number label renamed": (CA, " order number: </b>", " order ref: </b>", "order id"),
    "date label renamed": (CA, "<b>Digital Order: July 5 2024</b>", "<b>Ordered: July 5 2024</b>", "order date"),
    "date in an unknown format": (CA, "Digital Order: July 5 2024", "Digital Order: 05.07.24", "order date"),
    "items header gone": (CA, "<b>Items Ordered", "<b>Your items", "items header"),
    "two totals that disagree": (CA, "Total for this Order: $15.70", "Total for this Order: $16.70", "disagree"),
    "widget grand total disagrees": (
        CA,
        '<span class="a-size-medium a-color-price a-text-bold">$15.70',
        '<span class="a-size-medium a-color-price a-text-bold">$51.70',
        "disagree",
    ),
    "unified order id block renamed": (DE, 'data-component="orderId"', 'data-component="orderRef"', "order id"),
    "unified date block renamed": (DE, 'data-component="orderDate"', 'data-component="orderWhen"', "order date"),
    "unified items renamed": (DE, 'data-component="itemTitle"', 'data-component="itemName"', "ordered items"),
    "unified grand total label renamed": (DE, "Gesamtbetrag für diese Bestellung:", "Summe:", "total"),
    "unified markers removed": (DE, 'id="orderDetails"', 'id="odV2"', "summary container"),
}


def _drifted(case: str) -> str:
    page, old, new, _ = DRIFT[case]
    html = _digital(page)
    assert old in html, f"{case}: the mutation must change the page"
    return html.replace(old, new)


@pytest.mark.parametrize("case", sorted(DRIFT))
def test_a_drifted_real_summary_is_page_changed_naming_what_is_missing(case: str) -> None:
    with pytest.raises(PageChangedError) as err:
        parse_order_summary(_drifted(case))
    assert err.value.page == "order-summary"
    assert DRIFT[case][3] in err.value.message


def test_all_three_totals_renamed_is_page_changed_naming_the_labels_tried() -> None:
    html = _digital(CA).replace("Order Total:", "Amount:").replace("Total for this Order:", "Sum:")
    html = html.replace("pmts-grand-order-total", "pmts-sum")
    with pytest.raises(PageChangedError, match=r"total \(Order Total / 注文の合計 / Total for this Order"):
        parse_order_summary(html)


@pytest.mark.parametrize("page", [CA, DE])
def test_a_truncated_summary_is_page_changed(page: str) -> None:
    html = _digital(page)
    with pytest.raises(PageChangedError, match="truncated"):
        parse_order_summary(html[: len(html) * 2 // 3])


def test_a_history_page_given_as_a_summary_is_page_changed_and_says_what_it_is() -> None:
    with pytest.raises(PageChangedError, match="this is an order-history page"):
        parse_order_summary(_digital("de/order-history-2026-0.html"))


@pytest.mark.parametrize("page", [CA, CA_CREDIT])
def test_a_summary_cut_before_its_payments_but_closed_is_refused_not_read_as_paid_with_nothing(page: str) -> None:
    """A browser closes the document of a page whose loading was cut short: the closing tag proves nothing.
    Every real page says how it was paid (a card, a credit, "No current charges")."""
    html = _digital(page)
    cut = html[: html.index("Payment Methods")] + "</td></tr></table></div></body></html>"
    with pytest.raises(PageChangedError, match="payment information not found"):
        parse_order_summary(cut)


def test_an_empty_file_is_named_empty() -> None:
    with pytest.raises(PageChangedError, match="the document is empty"):
        parse_order_summary(" \n")


def test_parse_exits_3_on_a_drifted_summary_and_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "drifted.html"
    bad.write_text(_drifted("two totals that disagree"), encoding="utf-8")
    out = _parse_cli(str(bad), "--page", "order-summary")
    assert out.returncode == 3 and out.stdout == ""
    assert "drifted.html" in out.stderr and "disagree" in out.stderr


def test_sept_dot_dates_and_a_widget_naming_us_dollars_are_read() -> None:
    # Variants seen on real pages of this template (digital-orders/README.md), put into a real page.
    html = _digital(CA).replace("Digital Order: July 5 2024", "Digital Order: Sept. 20 2024")
    html = html.replace(
        '<span class="a-size-medium a-color-price a-text-bold">$15.70',
        '<span class="a-size-medium a-color-price a-text-bold">US$15.70',
    )
    s = parse_order_summary(html)
    assert s.order_date == date(2024, 9, 20)
    # The header's "$15.70" (CAD on amazon.ca) and the widget's "US$15.70" agree in amount; the total takes
    # the currency the page names.
    assert s.total == Money(Decimal("15.70"), USD)
    assert [(p.method, p.amount) for p in s.payments] == [("Mastercard ending in 0000", Money(Decimal("15.70"), USD))]


# --- order history in the 2026 layout (amazon.de) ---------------------------------------------------------

HISTORY = {
    "order-history-2026-0.html": (
        229,
        "/your-orders/orders?timeFilter=year-2026&page=1&ref_=ppx_yo2ov_dt_b_pagination_1_2",
        [
            ("305-2331968-2925732", date(2026, 9, 6), Money(Decimal("7.43"), EUR), [("Testartikel 1", "B0TEST0001")]),
            ("302-9200911-2147206", date(2026, 8, 18), Money(Decimal("7.63"), EUR), [("Testartikel 7", "B0TEST0007")]),
            ("305-4666232-2538376", date(2026, 8, 18), Money(Decimal("30.36"), EUR), [("Testartikel 8", "B0TEST0008")]),
        ],
    ),
    "order-history-2024-0.html": (
        375,
        "/your-orders/orders?timeFilter=year-2024&page=1&ref_=ppx_yo2ov_dt_b_pagination_1_2",
        [
            (
                "305-5080896-6974012",
                date(2024, 12, 14),
                Money(Decimal("25.97"), EUR),
                [("Testartikel 39", "B0TEST0038"), ("Testartikel 40", "B0TEST0039")],
            ),
            (
                "305-1560657-3179822",
                date(2024, 12, 13),
                Money(Decimal("0.00"), EUR),
                [("Testartikel 41", "B0TEST0040")],
            ),
            (
                "305-8878664-0337053",
                date(2024, 12, 12),
                Money(Decimal("9.54"), EUR),
                [("Testartikel 42", "B0TEST0041")],
            ),
        ],
    ),
}


def _history(name: str) -> str:
    return peer_page("digital-orders", "de", name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(HISTORY))
def test_a_trimmed_2026_history_page_is_refused_by_its_own_count(name: str) -> None:
    declared = HISTORY[name][0]
    with pytest.raises(PageChangedError) as err:
        parse_order_history(_history(name))
    assert f"only 3 order cards found where the page's count promises 10 (the page declares {declared} orders)" in (
        err.value.message
    )


@pytest.mark.parametrize("name", sorted(HISTORY))
def test_the_cards_of_the_2026_layout_are_read(name: str) -> None:
    declared, _, expected = HISTORY[name]
    page = parse_order_history(_history(name).replace(f"{declared} Bestellungen", "3 Bestellungen"))
    assert page.marketplace == "de" and page.declared_count == 3
    got = [(o.order_id, o.order_date, o.total, [(i.title, i.asin) for i in o.items]) for o in page.orders]
    assert got == expected
    assert not any(o.is_digital for o in page.orders)


@pytest.mark.parametrize("name", sorted(HISTORY))
def test_the_2026_count_is_the_bold_number_in_the_time_filter_label(name: str) -> None:
    declared = HISTORY[name][0]
    html = _history(name)
    assert "num-orders" not in html
    with pytest.raises(PageChangedError, match=f"declares {declared} orders"):
        parse_order_history(html)


@pytest.mark.parametrize("name", sorted(HISTORY))
def test_the_next_page_is_the_pages_own_link_as_written(name: str) -> None:
    declared, next_url, _ = HISTORY[name]
    page = parse_order_history(_history(name).replace(f"{declared} Bestellungen", "3 Bestellungen"))
    assert page.has_next_page is True and page.next_page_url == next_url  # page=1, not a computed startIndex


def test_a_disabled_next_link_is_no_next_page() -> None:
    html = _history("order-history-2026-0.html").replace("229 Bestellungen", "3 Bestellungen")
    html = html.replace('<li class="a-last"><a href=', '<li class="a-last a-disabled"><a href=')
    page = parse_order_history(html)
    assert page.has_next_page is False and page.next_page_url is None


def test_a_co_jp_count_in_the_2026_label_is_read() -> None:
    html = _history("order-history-2026-0.html").replace("<b>229 Bestellungen</b>", "<b>3件の注文</b>")
    assert parse_order_history(html).declared_count == 3


def test_the_old_layouts_next_link_keeps_its_start_index() -> None:
    page = parse_order_history(_com("order-history-2018-0.html"))
    assert (
        page.next_page_url
        == "/your-orders/orders?timeFilter=year-2018&startIndex=10&ref_=ppx_yo2ov_dt_b_pagination_1_2"
    )


def test_parse_exits_3_on_an_untouched_trimmed_history_page() -> None:
    path = peer_page("digital-orders", "de", "order-history-2026-0.html")
    out = _parse_cli(str(path), "--page", "order-history")
    assert out.returncode == 3
    assert "(the page declares 229 orders)" in out.stderr
