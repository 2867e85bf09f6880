"""Dates and money as the pages print them."""

from datetime import date
from decimal import Decimal

import pytest

from orderwatch.models import Money
from orderwatch.parsers.values import parse_date, parse_money


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025年1月7日", date(2025, 1, 7)),
        ("注文日 2024年8月23日", date(2024, 8, 23)),
        ("2025/01/07", date(2025, 1, 7)),
        ("January 7, 2025", date(2025, 1, 7)),
        ("Dec 13, 2023", date(2023, 12, 13)),
        ("7 January 2025", date(2025, 1, 7)),
        ("Sept 3, 2024", date(2024, 9, 3)),
        ("Digital Order: July 5 2024", date(2024, 7, 5)),  # digital order summaries: no comma
        ("Sept. 20 2024", date(2024, 9, 20)),
        ("May 5 2024", date(2024, 5, 5)),
        ("デジタル注文: 2024/07/05", date(2024, 7, 5)),
        ("2019/11/9", date(2019, 11, 9)),
        ("16. April 2026", date(2026, 4, 16)),  # amazon.de, day first
        ("06. September 2026", date(2026, 9, 6)),
        ("18. März 2026", date(2026, 3, 18)),
        ("3. Dez. 2025", date(2025, 12, 3)),
        ("1. Januar 2026", date(2026, 1, 1)),
        ("12. Oktober 2025", date(2025, 10, 12)),
    ],
)
def test_dates_in_each_marketplace_format_are_read_exactly(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "昨日", "13/01/2025", "2025年2月30日", "Smarch 4, 2025", "May 202024", "30. Februar 2026", "5. Mittwoch 2026"],
)
def test_unreadable_or_impossible_dates_give_none_not_a_guess(text: str) -> None:
    assert parse_date(text) is None


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("￥8,200", "8200", "JPY"),
        ("¥ 880", "880", "JPY"),
        ("1,280円", "1280", "JPY"),
        ("$28.50", "28.50", "USD"),
        ("$1,234.56", "1234.56", "USD"),
        ("€1.234,56", "1234.56", "EUR"),
        ("1.234,56 €", "1234.56", "EUR"),
        ("£7.99", "7.99", "GBP"),
        ("-￥500", "-500", "JPY"),
        ("￥ 1,234", "1234", "JPY"),
        ("￥1,234", "1234", "JPY"),
        ("54,99€", "54.99", "EUR"),
        ("7,43 €", "7.43", "EUR"),
        ("-$21.20", "-21.20", "USD"),
        ("US$14.99", "14.99", "USD"),
        ("CA$14.99", "14.99", "CAD"),
        ("CDN$ 14.99", "14.99", "CAD"),
    ],
)
def test_money_is_a_decimal_with_its_iso_currency(text: str, amount: str, currency: str) -> None:
    assert parse_money(text) == (Decimal(amount), currency)


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("$15.70", "15.70", "CAD"),
        ("-$21.20", "-21.20", "CAD"),
        ("US$14.99", "14.99", "USD"),
        ("CDN$ 1.00", "1.00", "CAD"),
    ],
)
def test_a_plain_dollar_is_the_marketplaces_dollar_but_a_named_one_is_not(
    text: str, amount: str, currency: str
) -> None:
    assert parse_money(text, "CAD") == (Decimal(amount), currency)


def test_text_without_an_amount_is_none() -> None:
    assert parse_money("合計") is None


def test_yen_is_displayed_without_decimals_and_dollars_with_two() -> None:
    assert Money(Decimal("1280"), "JPY").display() == "￥1,280"
    assert Money(Decimal("28.5"), "USD").display() == "$28.50"


def test_without_scripts_empties_every_script_and_keeps_the_rest() -> None:
    from orderwatch.parsers.values import without_scripts

    html = (
        '<p>a</p><script type="text/javascript">var s = "<div class=order>";</script>'
        "<div id=x>b</div><script>if (a < b) {}</script ><p>c</p>"
    )
    assert (
        without_scripts(html)
        == '<p>a</p><script type="text/javascript"></script><div id=x>b</div><script></script ><p>c</p>'
    )
    assert without_scripts("<p>a</p><script>never closed <p>b</p>") == "<p>a</p><script>never closed <p>b</p>"
    assert without_scripts("<p>no scripts</p>") == "<p>no scripts</p>"
    # a <script> in a comment is no script: the order cards after it stay
    commented = "<!-- <script src=x> --><div class=order>1</div><SCRIPT>x()</SCRIPT><p>d</p>"
    assert without_scripts(commented) == "<!-- <script src=x> --><div class=order>1</div><SCRIPT></SCRIPT><p>d</p>"
    assert without_scripts("<scripts-list>keep</scripts-list>") == "<scripts-list>keep</scripts-list>"
