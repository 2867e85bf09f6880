"""The project's own scrubbed recording (tests/resources/recordings/demo-jp/, made by `orderwatch record --demo`)
read by the parsers of each page kind. It runs in a plain clone, without ../shared: it proves the parsers read
what the bot itself recorded from the replay site, not that the real site looks like this (the real captures in
../shared/peer-pages/ are for that). The values are the demo account's (recordings/demo-jp/account.toml) on the
day of the recording; the parsers never look at today's date, so the test does not either."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from orderwatch.flows.check import SETTINGS_PAGES
from orderwatch.models import Money
from orderwatch.parsers import (
    parse_content,
    parse_devices,
    parse_login_security,
    parse_one_click,
    parse_order_history,
    parse_order_summary,
    parse_subscriptions,
    parse_two_step,
)
from orderwatch.replay import DEMO_EMAIL, DEMO_PASSWORD, DEMO_TOTP_SECRET
from orderwatch.replay.account import load_account

from .conftest import ow

RECORDING = Path(__file__).parent / "resources" / "recordings" / "demo-jp"
MANIFEST: list[dict[str, Any]] = json.loads((RECORDING / "manifest.json").read_text(encoding="utf-8"))
OWN_FILES = {"manifest.json", "scrub-report.json"}  # what the recording writes besides the pages

# page kind → its parser, as flows/check.py and `orderwatch parse` pair them
PARSERS: dict[str, Callable[[str, str], Any]] = {
    "order-history": parse_order_history,
    "order-summary": parse_order_summary,
    "one-click": parse_one_click,
    "login-security": parse_login_security,
    "two-step": parse_two_step,
    "memberships": parse_subscriptions,
    "devices": parse_devices,
    "content": parse_content,
}
# What the check reads every run: the order pages, then each settings section's page.
CHECKED_KINDS = {"order-history", "order-summary", "one-click"} | {kind for kind, _path in SETTINGS_PAGES.values()}

KINDLE_STORY = "D01-2046175-3391842"  # the demo's story: a Kindle novel bought yesterday with 1-Click
# The demo's orders in the last 30 days, newest first: ten on the first history page, one on the second.
FIRST_PAGE_IDS = [
    KINDLE_STORY,
    "249-3318462-7720615",
    "249-6650218-1093348",
    "D01-8830512-4461970",
    "249-1184520-5568923",
    "249-9021735-3340712",
    "249-4407716-8812064",
    "249-7736190-2205581",
    "249-2290847-6639105",
    "249-5581026-9917342",
]
SECOND_PAGE_IDS = ["249-8143359-0072816"]


def _page(name: str) -> str:
    return (RECORDING / name).read_text(encoding="utf-8")


def _yen(amount: int) -> Money:
    return Money(Decimal(amount), "JPY")


def test_the_manifest_lists_every_recorded_file_and_nothing_else() -> None:
    listed = [entry["file"] for entry in MANIFEST]
    present = {p.name for p in RECORDING.iterdir()} - OWN_FILES
    assert sorted(listed) == sorted(present)
    assert len(set(listed)) == len(listed)
    assert {p.name for p in RECORDING.iterdir()} >= OWN_FILES
    report = json.loads(_page("scrub-report.json"))
    assert sorted(report["pages"]) == sorted(listed)  # the scrub report accounts for the same pages


def test_every_page_kind_the_check_reads_is_recorded_and_has_a_parser() -> None:
    recorded = {entry["page"] for entry in MANIFEST}
    assert recorded >= CHECKED_KINDS, f"never recorded: {sorted(CHECKED_KINDS - recorded)}"
    assert recorded <= set(PARSERS), f"no parser paired here: {sorted(recorded - set(PARSERS))}"


@pytest.mark.parametrize("entry", MANIFEST, ids=[e["file"] for e in MANIFEST])
def test_every_recorded_page_parses_with_the_parser_of_its_kind(entry: dict[str, Any]) -> None:
    parsed = PARSERS[entry["page"]](_page(entry["file"]), entry["marketplace"])
    assert parsed is not None and parsed != ()
    assert entry["marketplace"] == "co.jp"
    if entry["page"] == "order-history":
        assert len(parsed.orders) == entry["orders"]  # what the bot counted when it recorded the page
    if entry["page"] == "order-summary":
        assert entry["orders"] == 1 and entry["url"].endswith(f"orderID={parsed.order_id}")


def test_the_recorded_history_pages_read_as_the_demo_orders_of_the_last_30_days() -> None:
    first = parse_order_history(_page("01-order-history.html"))  # marketplace from the page itself
    second = parse_order_history(_page("02-order-history.html"))
    assert first.marketplace == second.marketplace == "co.jp"
    assert [o.order_id for o in first.orders] == FIRST_PAGE_IDS  # the hidden narrow-layout copy is not a 12th
    assert [o.order_id for o in second.orders] == SECOND_PAGE_IDS
    assert first.declared_count == second.declared_count == 11
    assert first.next_page_url == "/your-orders/orders?timeFilter=last30&startIndex=10"
    assert second.next_page_url is None
    story = first.orders[0]
    assert story.is_digital and not story.cancelled
    assert story.total == _yen(880)
    assert story.order_date == date(2026, 11, 28)  # the day before the recording
    assert [(i.title, i.asin) for i in story.items] == [("霧の館の密室 (ミステリー文庫)", "B0DMYST001")]
    assert [o.order_id for o in first.orders if o.is_digital] == [KINDLE_STORY, "D01-8830512-4461970"]
    by_id = {o.order_id: o for o in first.orders + second.orders}
    cancelled = by_id["249-4407716-8812064"]
    assert cancelled.cancelled and cancelled.total is None
    coffee = by_id["249-6650218-1093348"]
    assert [i.asin for i in coffee.items] == ["B08COFFEE1", "B08FILTER1"] and coffee.total == _yen(3980)
    assert by_id["249-8143359-0072816"].total == _yen(760)
    assert by_id["249-8143359-0072816"].order_date == date(2026, 11, 1)


def test_the_recorded_legacy_summary_reads_the_kindle_story_paid_with_points_and_a_gift_card() -> None:
    summary = parse_order_summary(_page("03-order-summary.html"))
    assert (summary.marketplace, summary.template, summary.order_id) == ("co.jp", "legacy", KINDLE_STORY)
    assert summary.order_date == date(2026, 11, 28)
    assert summary.total == _yen(880)
    assert [(i.asin, i.seller) for i in summary.items] == [("B0DMYST001", "Amazon Services International LLC")]
    assert [(p.method, p.amount) for p in summary.payments] == [
        ("Amazonポイント", _yen(500)),
        ("Amazonギフトカード", _yen(380)),
    ]


def test_the_recorded_unified_order_details_read_the_python_book() -> None:
    summary = parse_order_summary(_page("04-order-summary.html"))
    assert (summary.template, summary.order_id) == ("unified", "D01-8830512-4461970")
    assert summary.order_date == date(2026, 11, 20)
    assert summary.total == _yen(1078)
    assert [(i.title, i.asin) for i in summary.items] == [("はじめてのPython 第3版", "B0DPYTHON3")]
    assert [(p.method, p.amount) for p in summary.payments] == [("VISA 末尾 0000", _yen(1078))]


def test_the_recorded_one_click_page_reads_one_click_on_with_a_default_card_and_address() -> None:
    one_click = parse_one_click(_page("05-one-click.html"))
    assert one_click.marketplace == "co.jp"
    assert one_click.enabled is True
    assert one_click.default_payment == "VISA 末尾 0000"
    assert one_click.default_address_set is True  # the address itself is scrubbed; that one is set is not


def test_the_recorded_login_security_page_reads_one_passkey_and_two_step_on_with_scrubbed_identity() -> None:
    login = parse_login_security(_page("06-login-security.html"))
    assert login.marketplace == "co.jp"
    assert login.passkeys == 1
    assert login.two_step is True
    # name, e-mail and phone are read, as the recording's rules replaced them
    assert (login.name, login.email, login.phone) == ("REDACTED", "user@example.com", "000-0000-0000")


def test_the_recorded_two_step_page_reads_the_app_preferred_and_sms_as_backup() -> None:
    two_step = parse_two_step(_page("07-two-step.html"))
    assert two_step.enabled is True
    assert [(m.kind, m.label, m.preferred) for m in two_step.methods] == [
        ("authenticator_app", "認証アプリ", True),
        ("phone", "末尾が78の電話番号 (SMS)", False),
    ]


def test_the_recorded_memberships_page_reads_prime_and_the_music_unlimited_trial() -> None:
    subs = parse_subscriptions(_page("08-memberships.html"))
    assert [(s.name, s.status, s.next_charge, s.amount) for s in subs] == [
        ("Amazonプライム", "active", date(2026, 12, 19), _yen(600)),
        ("Amazon Music Unlimited", "free_trial", date(2026, 12, 26), _yen(1080)),  # the first charge after it
    ]


def test_the_recorded_device_list_reads_three_devices_under_scrubbed_names() -> None:
    devices = parse_devices(_page("09-devices.json"), "co.jp")
    assert [(d.name, d.family, d.registered) for d in devices] == [
        ("Device 1", "KINDLE", date(2025, 10, 25)),
        ("Device 2", "IOS_APP", date(2026, 5, 13)),
        ("Device 3", "ANDROID_APP", date(2026, 11, 27)),  # the Android app registered two days before
    ]


def test_the_recorded_content_list_reads_the_kindle_books_newest_first() -> None:
    content = parse_content(_page("10-content.json"), "co.jp")
    assert content.has_more is False
    assert [(i.asin, i.acquired, i.how) for i in content.items] == [
        ("B0DMYST001", date(2026, 11, 28), "purchase"),
        ("B0DKUCAMP1", date(2026, 11, 24), "rental"),  # Kindle Unlimited: a loan
        ("B0DPYTHON3", date(2026, 11, 20), "purchase"),
        ("B0DPRIMERD", date(2026, 11, 17), "rental"),  # Prime Reading: a loan
        ("B0DFREE001", date(2026, 10, 15), "free"),
        ("B0DOLDBK01", date(2026, 8, 1), "purchase"),
        ("B0DOLDBK02", date(2025, 10, 25), "purchase"),
    ]
    assert content.items[0].title == "霧の館の密室 (ミステリー文庫)"


def test_no_secret_or_personal_value_of_the_demo_is_in_the_recording() -> None:
    account = load_account(date(2026, 11, 29))  # the values below do not depend on the date
    assert account.phone is not None
    secrets = {
        DEMO_EMAIL,
        DEMO_PASSWORD,
        DEMO_TOTP_SECRET,
        account.name,
        *account.name.split(),  # デモ / 太郎
        account.phone,
        account.phone.removeprefix("+81 "),  # 90-1234-5678
        *(d.name for d in account.devices),
        *(d.serial for d in account.devices),
    }
    for path in sorted(RECORDING.iterdir()):
        text = path.read_text(encoding="utf-8")
        found = sorted(s for s in secrets if s in text)
        assert not found, f"{path.name} still holds {found}"
    # ids in links stay only as REDACTED (the buy-again links carried an `ats` token)
    pages = "".join(_page(e["file"]) for e in MANIFEST)
    assert "ats=REDACTED" in pages
    assert not re.findall(r"[?&;](?:ats|customerId|sessionId|token|csrf)=(?!REDACTED)", pages)


def test_orderwatch_parse_prints_what_the_parser_reads_from_a_recorded_history_page() -> None:
    path = RECORDING / "01-order-history.html"
    out = ow("parse", str(path), "--page", "order-history")
    assert out.returncode == 0, out.stderr
    [line] = out.stdout.splitlines()
    direct = parse_order_history(path.read_text(encoding="utf-8")).to_json()
    assert json.loads(line) == {"page": "order-history", "file": str(path)} | direct
    assert [o["order_id"] for o in json.loads(line)["orders"]] == FIRST_PAGE_IDS
