"""The allowlist file: what it allows, and how a bad file is reported (exit 2, file and line)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from orderwatch.allowlist import load_allowlist, parse_allowlist
from orderwatch.errors import UsageError
from orderwatch.models import Item
from orderwatch.replay.account import DEMO_DIR

P = Path("allowlist.toml")


def test_an_empty_file_is_valid_allows_nothing_and_expects_one_click_off() -> None:
    allow = parse_allowlist("", P)
    assert allow.rules == ()
    assert not allow.allows_item(Item("anything", "B000000000", "Amazon.co.jp"))
    assert allow.one_click == "off"


def test_an_entry_matches_only_when_all_its_keys_match() -> None:
    allow = parse_allowlist('[[allow]]\ntitle_pattern = "^ランニング"\nseller = "スポーツ用品ショップ"\n', P)
    assert allow.allows_item(Item("ランニングシューズ 26.5cm", None, "スポーツ用品ショップ"))
    assert not allow.allows_item(Item("ランニングシューズ 26.5cm", None, "別の店"))
    assert not allow.allows_item(Item("靴 ランニング", None, "スポーツ用品ショップ"))


def test_asin_and_exact_title_rules() -> None:
    allow = parse_allowlist('[[allow]]\nasin = "B0DPYTHON3"\n[[allow]]\ntitle = "ボールペン 黒 10本"\n', P)
    assert allow.allows_item(Item("はじめてのPython", "B0DPYTHON3"))
    assert allow.allows_item(Item("ボールペン 黒 10本", None))
    assert not allow.allows_item(Item("ボールペン 黒 10本 セット", None))


def test_ceilings_acknowledged_orders_and_one_click_are_read() -> None:
    allow = parse_allowlist(
        '[one_click]\nexpected = "any"\n[price_ceiling]\nJPY = 15000\nUSD = 99.5\n'
        '[acknowledged]\norders = ["D01-2046175-3391842"]\n',
        P,
    )
    assert allow.ceiling("JPY") == Decimal("15000") and allow.ceiling("USD") == Decimal("99.5")
    assert allow.ceiling("EUR") is None
    assert "D01-2046175-3391842" in allow.acknowledged
    assert allow.one_click == "any"


def test_the_demo_allowlist_loads() -> None:
    allow = load_allowlist(DEMO_DIR / "allowlist.toml")
    assert allow.one_click == "off" and len(allow.rules) == 3


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('[one_click]\nexpected = "maybe"\n', 2, "one_click.expected"),
        ('[[allow]]\nasin = "B0"\n[[allow]]\ncolour = "red"\n', 4, "unknown key 'colour'"),
        ('[[allow]]\ntitle_pattern = "(unclosed"\n', 2, "not a valid regular expression"),
        ("[price_ceiling]\nyen = 100\n", 2, "ISO 4217"),
        ('[price_ceiling]\nJPY = "lots"\n', 2, "must be a number"),
        ('\n\n[acknowledged]\norders = ["12345"]\n', 4, "not an order id"),
        ('[[allow]]\nnote = "only a note"\n', 1, "matches nothing"),
        ('[[allow]]\nasin = "B0"\nasin = "B1"\n', 3, "Cannot overwrite"),
        ('[allowed]\nasin = "x"\n', 1, "unknown section"),
    ],
)
def test_a_bad_file_names_the_file_the_line_and_the_problem(text: str, line: int, words: str) -> None:
    with pytest.raises(UsageError) as err:
        parse_allowlist(text, P)
    message = err.value.message
    assert message.startswith("allowlist.toml")
    assert f"line {line}" in message
    assert words in message
    assert err.value.exit_code == 2


def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not found"):
        load_allowlist(tmp_path / "nope.toml")
