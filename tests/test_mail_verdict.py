"""The mail verdict from sender, links and lookups (pure)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from orderwatch.allowlist import parse_allowlist
from orderwatch.mail.links import judge_links
from orderwatch.mail.read import read_mail
from orderwatch.mail.sender import judge_sender
from orderwatch.mail.verdict import OrderLookup, judge_mail
from orderwatch.marketplace import MARKETPLACES
from orderwatch.models import Item, Money, Order
from orderwatch.replay.account import MAILS

JP = MARKETPLACES["co.jp"]
KINDLE = Order(
    "D01-2046175-3391842", date(2026, 11, 27), Money(Decimal(880), "JPY"), True, (Item("霧の館の密室", "B0DMYST001"),)
)
ALLOW_KINDLE = parse_allowlist('[[allow]]\nasin = "B0DMYST001"\n', Path("a.toml"))
ALLOW_NOTHING = parse_allowlist("", Path("a.toml"))


def _judge(mail: str, lookups: list[OrderLookup], allow=ALLOW_NOTHING, offline=False, error=None):  # type: ignore[no-untyped-def]
    facts = read_mail((MAILS / mail).read_bytes())
    return judge_mail(
        facts, judge_sender(facts), judge_links(facts.links), lookups, allow, JP, offline=offline, lookup_error=error
    )


def test_authenticated_amazon_links_and_found_expected_order_is_genuine_exit_0() -> None:
    v = _judge("genuine-digital-ja.eml", [OrderLookup(KINDLE.order_id, True, KINDLE)], ALLOW_KINDLE)
    assert (v.verdict, v.exit_code) == ("genuine", 0)
    assert v.orders[0].expected is True
    assert v.advice == ["This mail is genuine and about an order you expect. Nothing to do."]


def test_a_genuine_mail_about_an_unexpected_order_exits_1_with_refund_advice() -> None:
    v = _judge("genuine-digital-ja.eml", [OrderLookup(KINDLE.order_id, True, KINDLE)])
    assert (v.verdict, v.exit_code) == ("genuine", 1)
    assert v.orders[0].expected is False and "refund" in v.advice[0]


def test_an_authenticated_mail_whose_order_is_missing_is_suspicious() -> None:
    v = _judge("genuine-digital-ja.eml", [OrderLookup(KINDLE.order_id, False)])
    assert v.verdict == "suspicious" and "not in your account" in " ".join(v.reasons)


def test_offline_never_says_genuine_for_a_mail_with_order_numbers() -> None:
    v = _judge("genuine-digital-ja.eml", [OrderLookup(KINDLE.order_id, None)], offline=True)
    assert v.verdict == "suspicious" and any("--offline" in a for a in v.advice)


def test_a_lookup_that_could_not_complete_exits_3() -> None:
    error = {"reason": "captcha", "message": "sign-in needs a person: captcha"}
    v = _judge("genuine-digital-ja.eml", [OrderLookup(KINDLE.order_id, None)], error=error)
    assert v.exit_code == 3 and v.verdict == "suspicious"


def test_an_unverified_sender_is_suspicious_with_advice_to_save_the_original() -> None:
    v = _judge("no-auth-results.eml", [OrderLookup("249-3318462-7720615", True, None)])
    assert v.verdict == "suspicious" and any("Authentication-Results" in a for a in v.advice)
