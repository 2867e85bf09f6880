"""Layout drift: mutated copies of real pages never read as "no orders" or a partial list. Each gives a
PageChangedError naming the page and what is missing (or the right sign-in state), and `orderwatch
parse` exits 3 with that message."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from orderwatch.errors import PageChangedError
from orderwatch.models import ORDER_ID_PATTERN
from orderwatch.parsers import SignInState, classify_signin, parse_one_click, parse_order_history
from orderwatch.replay import ReplaySite

from .conftest import cli_env, peer_page


def _real(name: str = "order-history-2023-10.html") -> str:
    return peer_page("amazon-com", "orders", name).read_text(encoding="utf-8")


def _cut_after_card(html: str, n: int) -> str:
    """The document cut after its n-th card, then closed properly (as a browser would serialise it)."""
    starts = [i for i in range(len(html)) if html.startswith('<div class="order-card js-order-card">', i)]
    return html[: starts[n]] + "</div></body></html>"


def _eleven_cards(html: str) -> str:
    """A page a script could have made: one more card (a copy of the first, with another id)."""
    start = html.index('<div class="order-card js-order-card">')
    end = html.index('<div class="order-card js-order-card">', start + 1)
    card = html[start:end]
    m = re.search(r"\d{3}-\d{7}-\d{7}", card)
    assert m is not None
    return html[:start] + card.replace(m[0], "999-0000000-0000001") + html[start:]


MUTATIONS: dict[str, tuple[Callable[[str], str], str]] = {
    "card classes renamed": (
        lambda h: h.replace("order-card js-order-card", "oc2").replace("a-box-group a-spacing-base order", "bg2"),
        "no order cards found",
    ),
    "order id element renamed": (
        lambda h: h.replace("yohtmlc-order-id", "x-id").replace("yohtmlc-order-details-link", "x-link"),
        "order card #1: order id",
    ),
    "date label removed": (lambda h: h.replace("Order placed", ""), "order date (label not found)"),
    "date label reworded": (lambda h: h.replace("Order placed", "Bought on"), "order date"),
    "total label and class removed": (
        lambda h: h.replace(">\n    Total\n<", "><").replace("yohtmlc-order-total", "x-total"),
        ": total",
    ),
    "date in an unknown format": (lambda h: h.replace("December 12, 2023", "12.12.2023"), "order date (12.12.2023)"),
    "truncated document": (lambda h: h[: len(h) // 2], "truncated"),
    "cut after five cards but closed": (lambda h: _cut_after_card(h, 5), "only 5 order cards found"),
    "empty body": (lambda h: "<html><head></head><body></body></html>", "order list header"),
    "an eleventh card added": (lambda h: _eleven_cards(h), "11 order cards on one page, more than a page holds"),
    "header missing": (
        lambda h: h.replace("num-orders", "x").replace("js-time-filter-form", "x").replace('id="time-filter"', ""),
        "order list header",
    ),
    # the page still an order history (its time filter), its cards there, its count gone: a card missing as
    # well could not be seen, so the page is not read
    "order count removed": (lambda h: re.sub(r'<span class="num-orders">[^<]*</span>', "", h), "order count"),
}


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_a_mutated_real_page_is_page_changed_naming_what_is_missing(mutation: str) -> None:
    _assert_page_changed(_real(), *MUTATIONS[mutation])


def _assert_page_changed(html: str, change: Callable[[str], str], words: str) -> None:
    mutated = change(html)
    assert mutated != html, "the mutation must change the page"
    with pytest.raises(PageChangedError) as err:
        parse_order_history(mutated)
    assert err.value.page == "order-history"
    assert words in err.value.message


def test_the_unmutated_page_parses() -> None:
    assert len(parse_order_history(_real()).orders) == 10


def test_a_sign_in_page_served_where_the_history_was_expected() -> None:
    signin = peer_page("amazon-com", "auth", "signin.html").read_text(encoding="utf-8")
    with pytest.raises(PageChangedError, match="order list header"):
        parse_order_history(signin)
    assert classify_signin("https://www.amazon.com/your-orders/orders", signin) is SignInState.EMAIL


def test_a_captcha_served_where_the_history_was_expected_is_the_captcha_state() -> None:
    captcha = peer_page("amazon-com", "auth", "captcha-field-keywords.html").read_text(encoding="utf-8")
    assert classify_signin("https://www.amazon.com/your-orders/orders", captcha) is SignInState.CAPTCHA


def test_one_click_page_drift_is_page_changed() -> None:
    html = ReplaySite().render("one-click.html", signed_in=True, one_click_enabled=True)
    with pytest.raises(PageChangedError, match="1-Click switch"):
        parse_one_click(html.replace("pmts-toggle-this-browser", "pmts-toggle-v2"))


def test_parse_exits_3_and_names_the_file_and_what_is_missing(tmp_path: Path) -> None:
    good = tmp_path / "good.html"
    good.write_text(_real(), encoding="utf-8")
    bad = tmp_path / "drifted.html"
    bad.write_text(MUTATIONS["date label removed"][0](_real()), encoding="utf-8")
    env = cli_env()
    out = subprocess.run(
        [sys.executable, "-m", "orderwatch", "parse", str(good), str(bad), str(good), "--page", "order-history"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert out.returncode == 3
    assert out.stderr.count("\n") == 1  # one line
    assert "drifted.html" in out.stderr and "order date" in out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == 2  # the readable files are still printed, in the order given


# --- the same drifts on the project's own recording (tests/resources/recordings/demo-jp/): no ../shared needed.
# The recorded demo history has the real page's card classes but co.jp labels, dates and digital ids (D01-…),
# and its own `#ordersContainer`, which alone marks a page as an order history: the mutations keyed on
# those take the demo page's markers; the others are the real page's mutations unchanged.
OWN_RECORDING = Path(__file__).parent / "resources" / "recordings" / "demo-jp"
OWN_FIRST_ID, OWN_FIRST_DATE = "D01-2046175-3391842", "2026年11月28日"  # the first card: the Kindle story order


def _own(name: str = "01-order-history.html") -> str:
    return (OWN_RECORDING / name).read_text(encoding="utf-8")


def _eleven_own_cards(html: str) -> str:
    """One more card, a copy of the first (a digital order: its id is D01-…) with another id."""
    start = html.index('<div class="order-card js-order-card">')
    end = html.index('<div class="order-card js-order-card">', start + 1)
    card = html[start:end]
    m = ORDER_ID_PATTERN.search(card)
    assert m is not None
    return html[:start] + card.replace(m[0], "D01-0000000-0000001") + html[start:]


OWN_MUTATIONS: dict[str, tuple[Callable[[str], str], str]] = MUTATIONS | {
    "date label removed": (lambda h: h.replace("注文日", ""), "order date (label not found)"),
    "date label reworded": (lambda h: h.replace("注文日", "購入日"), "order date"),
    "total label and class removed": (lambda h: h.replace(">合計<", "><"), ": total"),  # the demo has no class
    "date in an unknown format": (
        lambda h: h.replace(OWN_FIRST_DATE, "28.11.2026"),
        f"order {OWN_FIRST_ID}: order date (28.11.2026)",
    ),
    "an eleventh card added": (_eleven_own_cards, "11 order cards on one page, more than a page holds"),
    "header missing": (
        lambda h: MUTATIONS["header missing"][0](h).replace('id="ordersContainer"', ""),
        "order list header",
    ),
}


def test_every_drift_of_the_real_page_also_runs_on_the_own_recording() -> None:
    assert set(OWN_MUTATIONS) == set(MUTATIONS)


@pytest.mark.parametrize("mutation", sorted(OWN_MUTATIONS))
def test_a_mutated_own_recording_is_page_changed_naming_what_is_missing(mutation: str) -> None:
    _assert_page_changed(_own(), *OWN_MUTATIONS[mutation])


def test_the_unmutated_own_recording_parses() -> None:
    assert len(parse_order_history(_own()).orders) == 10


ONE_CLICK_MUTATIONS: dict[str, Callable[[str], str]] = {
    "switch id renamed": lambda h: h.replace("pmts-toggle-this-browser", "pmts-toggle-v2"),
    "switch removed": lambda h: re.sub(r"<input[^>]*pmts-toggle-this-browser[^>]*>", "", h),
    "empty body": lambda h: "<html><head></head><body></body></html>",
}


@pytest.mark.parametrize("mutation", sorted(ONE_CLICK_MUTATIONS))
def test_a_mutated_own_one_click_recording_is_page_changed_not_off(mutation: str) -> None:
    html = _own("05-one-click.html")
    assert parse_one_click(html).enabled is True
    mutated = ONE_CLICK_MUTATIONS[mutation](html)
    assert mutated != html, "the mutation must change the page"
    with pytest.raises(PageChangedError, match="1-Click switch") as err:
        parse_one_click(mutated)
    assert err.value.page == "one-click"


def test_parse_exits_3_on_a_drifted_own_recording_and_still_prints_the_good_one(tmp_path: Path) -> None:
    good = OWN_RECORDING / "01-order-history.html"
    bad = tmp_path / "drifted.html"
    bad.write_text(OWN_MUTATIONS["date label removed"][0](_own()), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "orderwatch", "parse", str(bad), str(good), "--page", "order-history"],
        capture_output=True,
        text=True,
        env=cli_env(),
        check=False,
        timeout=60,
    )
    assert out.returncode == 3
    assert out.stderr.count("\n") == 1 and "drifted.html" in out.stderr and "order date" in out.stderr
    [line] = out.stdout.splitlines()
    assert f'"{OWN_FIRST_ID}"' in line
