"""The Message Center (/gp/message, issue 11): the replay page and its route, the parser (co.jp and English,
refusals), the matching rule and what it does to a mail's verdict, and verify-email reading it in the demo
account. No public recording of the page exists: the replay page and the English fixture are reconstructions."""

from __future__ import annotations

import base64
import dataclasses
import http.client
import json
import subprocess
import sys
from datetime import date, datetime, timedelta
from decimal import Decimal
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser

from orderwatch.errors import PageChangedError
from orderwatch.mail.links import judge_links
from orderwatch.mail.read import MailFacts, read_mail
from orderwatch.mail.sender import judge_sender
from orderwatch.mail.verdict import (
    MessageCenterRead,
    OrderLookup,
    find_message,
    judge_mail,
    render_terminal,
)
from orderwatch.marketplace import MARKETPLACES
from orderwatch.models import Item, MessageEntry, Money, Order
from orderwatch.parsers import parse_message_center
from orderwatch.replay import ReplaySite
from orderwatch.replay.account import MAILS

from .conftest import cli_env

JP = MARKETPLACES["co.jp"]
AS_OF = date(2026, 11, 28)  # the day after the sample mails' Kindle order (Date: 27 Nov 2026)
KINDLE_ID = "D01-2046175-3391842"
KINDLE_SUBJECT = "Amazon.co.jpでのご注文 霧の館の密室 (ミステリー文庫) Kindle版"
GENUINE = ("genuine-digital-ja.eml", "genuine-physical-ja-sjis.eml")  # the samples about the demo's orders
PHISHING = (
    "spoofed-dmarc-fail.eml",
    "lookalike-domain.eml",
    "link-text-mismatch.eml",
    "translate-proxy.eml",
    "forged-lower-ar.eml",  # names the real Kindle order, under another subject
    "display-name-impersonation.eml",
    "raw-ip-and-punycode.eml",
    "phishing-unknown-order.eml",
)

# An amazon.com Message Center as this project imagines it (a reconstruction like the demo page: no
# recording exists), in English, with a date format of the US site.
ENGLISH = """<!doctype html><html lang="en-us"><head><title>Message Center</title></head><body>
<div id="message-center"><h1>Message Center</h1>
<span class="mc-message-count">2 messages</span>
<ul class="mc-message-list">
 <li class="mc-message-row"><span class="mc-message-date">November 27, 2026</span>
  <a class="mc-message-subject" href="/gp/message#!/detail/1">Your Amazon.com order #112-0069846-3887437</a>
  <div class="mc-message-preview">Order #112-0069846-3887437. Thanks for your order.</div></li>
 <li class="mc-message-row"><span class="mc-message-date">Nov 3, 2026</span>
  <a class="mc-message-subject" href="/gp/message#!/detail/2">Your Prime membership</a>
  <div class="mc-message-preview">Your membership renews soon.</div></li>
</ul></div></body></html>"""
ENGLISH_EMPTY = """<!doctype html><html lang="en-us"><body><div id="message-center"><h1>Message Center</h1>
<p>You have no messages.</p></div></body></html>"""


@pytest.fixture(scope="module")
def site() -> ReplaySite:
    return ReplaySite(as_of=AS_OF)


def _facts(mail: str) -> MailFacts:
    return read_mail((MAILS / mail).read_bytes())


def _mail_day(mail: str) -> date:
    facts = _facts(mail)
    assert facts.date is not None
    return facts.date.astimezone(ZoneInfo("Asia/Tokyo")).date()


# --- the parser on the replay page ----------------------------------------------------------------------------


def test_the_replay_page_lists_every_message_newest_first_with_its_order_numbers(site: ReplaySite) -> None:
    entries = parse_message_center(site.message_center_html())
    assert len(entries) == len(site.account.messages) >= 5
    assert entries[0] == MessageEntry(KINDLE_SUBJECT, date(2026, 11, 27), (KINDLE_ID,))
    assert [e.sent for e in entries] == sorted((e.sent for e in entries), reverse=True)
    by_subject = {e.subject: e for e in entries}
    python = by_subject["Amazon.co.jpでのご注文 はじめてのPython 第3版 Kindle版"]
    assert python.order_ids == ("D01-8830512-4461970",) and python.sent == AS_OF - timedelta(days=9)
    assert any(e.order_ids == () for e in entries), "an account mail names no order"
    assert any(s.startswith("発送済み") for s in by_subject), "shipping mails are listed too"


def test_a_tab_lists_only_its_kind_of_message(site: ReplaySite) -> None:
    account = parse_message_center(site.message_center_html("account"))
    assert len(account) == 1 and account[0].order_ids == ()
    shipping = parse_message_center(site.message_center_html("shipping"))
    assert shipping and all(e.subject.startswith("発送済み") for e in shipping)


@pytest.mark.parametrize("mail", GENUINE)
def test_each_genuine_sample_about_a_demo_order_has_its_entry(site: ReplaySite, mail: str) -> None:
    facts = _facts(mail)
    entries = parse_message_center(site.message_center_html())
    entry = find_message(facts.subject, _mail_day(mail), facts.order_ids, entries)
    assert entry is not None and set(facts.order_ids) <= set(entry.order_ids)


@pytest.mark.parametrize("mail", PHISHING)
def test_no_phishing_sample_has_an_entry(site: ReplaySite, mail: str) -> None:
    facts = _facts(mail)
    entries = parse_message_center(site.message_center_html())
    assert find_message(facts.subject, _mail_day(mail), facts.order_ids, entries) is None


def test_an_english_message_center_is_read_too() -> None:
    entries = parse_message_center(ENGLISH)
    assert entries == (
        MessageEntry("Your Amazon.com order #112-0069846-3887437", date(2026, 11, 27), ("112-0069846-3887437",)),
        MessageEntry("Your Prime membership", date(2026, 11, 3), ()),
    )


def test_a_page_that_says_it_has_no_messages_is_an_empty_list() -> None:
    assert parse_message_center(ENGLISH_EMPTY) == ()


def test_the_replay_page_without_messages_says_so_and_reads_as_empty() -> None:
    site = ReplaySite(as_of=AS_OF)
    site.account = dataclasses.replace(site.account, messages=())
    html = site.message_center_html()
    assert "メッセージはありません" in html and parse_message_center(html) == ()


# --- refusals: never "no messages" for a page the parser cannot read ------------------------------------------


def _refused(html: str) -> str:
    with pytest.raises(PageChangedError) as err:
        parse_message_center(html)
    assert err.value.page == "message-center"
    return err.value.missing


def test_another_page_is_refused(site: ReplaySite) -> None:
    assert "not on the page" in _refused(site.render("one-click.html", signed_in=True, one_click_enabled=True))
    assert "not on the page" in _refused(site.render("signin-email.html", error=None, action_token="t", return_to="/"))


def test_a_renamed_layout_is_refused() -> None:
    html = ReplaySite(as_of=AS_OF, faults=frozenset({"messages-unreadable"})).message_center_html()
    _refused(html)
    renamed_rows = ReplaySite(as_of=AS_OF).message_center_html().replace("mc-message-row", "mc-row-v2")
    assert "no message rows" in _refused(renamed_rows)
    renamed_list = ReplaySite(as_of=AS_OF).message_center_html().replace("mc-message-list", "mc-list-v2")
    assert "message list" in _refused(renamed_list)
    no_heading = ReplaySite(as_of=AS_OF).message_center_html().replace("<h1 class", "<h2 class")
    assert "heading" in _refused(no_heading)


def test_a_truncated_page_is_refused(site: ReplaySite) -> None:
    html = site.message_center_html()
    assert "truncated" in _refused(html[: len(html) // 2])
    first_row = html.index('<li class="a-spacing-small mc-message-row"')
    end = html.index("</li>", first_row) + len("</li>")
    n = len(site.account.messages)
    assert f"says {n} messages but lists {n - 1}" in _refused(html[:first_row] + html[end:])


def test_a_row_without_a_date_or_subject_is_refused(site: ReplaySite) -> None:
    html = site.message_center_html()
    assert "readable date" in _refused(html.replace("2026/11/27", "昨日", 1))
    assert "no subject" in _refused(html.replace("mc-message-subject", "mc-subject-v2", 1))


def test_orderwatch_parse_reads_a_saved_message_center_and_names_an_unreadable_one(
    site: ReplaySite, tmp_path: Path
) -> None:
    good, bad = tmp_path / "mc.html", tmp_path / "mc-v2.html"
    good.write_text(site.message_center_html("account"), encoding="utf-8")
    bad.write_text(ReplaySite(as_of=AS_OF, faults=frozenset({"messages-unreadable"})).message_center_html())
    out = subprocess.run(
        [sys.executable, "-m", "orderwatch", "parse", "--page", "message-center", str(good), str(bad)],
        capture_output=True,
        env=cli_env(),
        check=False,
        timeout=60,
    )
    assert out.returncode == 3
    (line,) = out.stdout.decode().splitlines()
    data = json.loads(line)
    assert data["page"] == "message-center" and data["marketplace"] == "co.jp"
    subject = "Amazon Music Unlimited 無料体験のご登録ありがとうございます"
    assert data["messages"] == [{"subject": subject, "sent": "2026-11-25", "order_ids": []}]
    assert "mc-v2.html: cannot read the message-center page" in out.stderr.decode()


# --- the replay route ----------------------------------------------------------------------------------------------


def _get(site: ReplaySite, path: str, session: str | None = None) -> tuple[int, str, str]:
    host, port = site.base_url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.request("GET", path, headers={"Cookie": f"x-acbjp={session}"} if session else {})
    answer = conn.getresponse()
    body = answer.read().decode("utf-8")
    conn.close()
    return answer.status, answer.getheader("Location") or "", body


def test_the_route_sends_a_signed_out_browser_to_sign_in_and_serves_the_signed_in_one() -> None:
    with ReplaySite() as site:
        status, location, _ = _get(site, "/gp/message")
        assert status == 302 and location.startswith("/ap/signin?") and "%2Fgp%2Fmessage" in location
        status, _, body = _get(site, "/gp/message", site.issue_session())
        assert status == 200 and parse_message_center(body)[0].order_ids == (KINDLE_ID,)
    assert site.ledger == []


def test_the_unreadable_fault_serves_a_page_no_parser_knows() -> None:
    with ReplaySite(faults=frozenset({"messages-unreadable"})) as site:
        status, _, body = _get(site, "/gp/message", site.issue_session())
    assert status == 200
    _refused(body)


# --- the matching rule -------------------------------------------------------------------------------------------

KINDLE_ENTRY = MessageEntry(KINDLE_SUBJECT, date(2026, 11, 27), (KINDLE_ID,))


def test_same_subject_and_a_near_date_match() -> None:
    assert find_message(KINDLE_SUBJECT, date(2026, 11, 29), (), (KINDLE_ENTRY,)) == KINDLE_ENTRY
    assert find_message(KINDLE_SUBJECT, date(2026, 11, 30), (), (KINDLE_ENTRY,)) is None  # 3 days apart


def test_same_subject_and_the_same_order_match_whatever_the_dates() -> None:
    assert find_message(KINDLE_SUBJECT, date(2025, 1, 1), (KINDLE_ID,), (KINDLE_ENTRY,)) == KINDLE_ENTRY
    assert find_message(KINDLE_SUBJECT, None, (KINDLE_ID,), (KINDLE_ENTRY,)) == KINDLE_ENTRY
    assert find_message(KINDLE_SUBJECT, None, (), (KINDLE_ENTRY,)) is None


def test_another_subject_never_matches_even_with_the_same_order_and_day() -> None:
    assert find_message(f"Your order {KINDLE_ID}", date(2026, 11, 27), (KINDLE_ID,), (KINDLE_ENTRY,)) is None
    assert find_message("Amazon.co.jpでのご注文", date(2026, 11, 27), (KINDLE_ID,), (KINDLE_ENTRY,)) is None


def test_subjects_compare_after_width_space_case_and_forward_prefixes() -> None:
    forwarded = "Fwd: 転送： Amazon.co.jpでのご注文  霧の館の密室 （ミステリー文庫） Kindle版"
    assert find_message(forwarded, date(2026, 11, 27), (), (KINDLE_ENTRY,)) == KINDLE_ENTRY


# --- the verdict (pure) -------------------------------------------------------------------------------------------

KINDLE = Order(KINDLE_ID, date(2026, 11, 27), Money(Decimal(880), "JPY"), True, (Item("霧の館の密室", "B0DMYST001"),))
TISSUE = Order(
    "249-3318462-7720615", date(2026, 11, 25), Money(Decimal(1280), "JPY"), False, (Item("ティッシュ", "B07TISSUE5"),)
)


def _judge(mail: str, lookups: list[OrderLookup], mc: MessageCenterRead | None, offline: bool = False):  # type: ignore[no-untyped-def]
    from orderwatch.allowlist import parse_allowlist

    facts = _facts(mail)
    allow = parse_allowlist("", Path("a.toml"))
    sender, links = judge_sender(facts), judge_links(facts.links)
    return judge_mail(facts, sender, links, lookups, allow, JP, offline=offline, message_center=mc)


def test_a_genuine_mail_that_is_in_the_message_center_stays_genuine_and_says_so() -> None:
    v = _judge("genuine-digital-ja.eml", [OrderLookup(KINDLE_ID, True, KINDLE)], MessageCenterRead((KINDLE_ENTRY,)))
    assert v.verdict == "genuine" and any("same message is in your Message Center" in r for r in v.reasons)
    assert v.to_json()["message_center"] == {
        "checked": True,
        "found": True,
        "entry": {"subject": KINDLE_SUBJECT, "sent": "2026-11-27", "order_ids": [KINDLE_ID]},
        "reason": None,
    }
    assert "Message Center: the same message is there (2026-11-27: Amazon.co.jpでのご注文" in render_terminal(v, "m")


def test_an_authenticated_order_mail_missing_from_the_message_center_is_lowered_to_suspicious() -> None:
    other = MessageEntry("Amazon.co.jpでのご注文 (249-3318462-7720615)", date(2026, 11, 25), ("249-3318462-7720615",))
    v = _judge("genuine-digital-ja.eml", [OrderLookup(KINDLE_ID, True, KINDLE)], MessageCenterRead((other,)))
    assert (v.verdict, v.exit_code) == ("suspicious", 1)
    assert any("not in your Message Center" in r for r in v.reasons)
    assert v.to_json()["message_center"] == {"checked": True, "found": False, "entry": None, "reason": None}
    assert "メッセージセンター" in v.advice[0] and "not in your Message Center" in v.advice[0]
    line = "Message Center: not there — Amazon lists its order mails there (メッセージセンター); "
    line += "treat this mail as suspicious"
    assert line in render_terminal(v, "m")


def test_an_empty_message_center_lowers_an_order_mail_too() -> None:
    v = _judge("genuine-digital-ja.eml", [OrderLookup(KINDLE_ID, True, KINDLE)], MessageCenterRead(()))
    assert v.verdict == "suspicious" and v.message_center.found is False


def test_a_phishing_mail_stays_phishing_found_or_not() -> None:
    forged_entry = MessageEntry(f"Your order {KINDLE_ID}", date(2026, 11, 27), (KINDLE_ID,))
    for entries in ((), (forged_entry,)):
        v = _judge("forged-lower-ar.eml", [OrderLookup(KINDLE_ID, True, KINDLE)], MessageCenterRead(entries))
        assert v.verdict == "phishing" and v.exit_code == 1
    assert v.message_center.found is True and any("fails the checks above" in r for r in v.reasons)


def test_an_unverified_sender_whose_message_is_there_is_genuine() -> None:
    # no Authentication-Results header, links only to Amazon, the order found, the same message listed
    entry = MessageEntry("Amazon.co.jpでのご注文", date(2026, 11, 27), ("249-3318462-7720615",))
    v = _judge("no-auth-results.eml", [OrderLookup(TISSUE.order_id, True, TISSUE)], MessageCenterRead((entry,)))
    assert v.verdict == "genuine" and v.sender.authenticated is None
    v = _judge("no-auth-results.eml", [OrderLookup(TISSUE.order_id, True, TISSUE)], MessageCenterRead(()))
    assert v.verdict == "suspicious"


def test_a_message_center_that_was_not_read_changes_nothing_and_says_why() -> None:
    reason = "the page could not be read (page_changed: cannot read the message-center page: …)"
    v = _judge("genuine-digital-ja.eml", [OrderLookup(KINDLE_ID, True, KINDLE)], MessageCenterRead(None, reason))
    assert (v.verdict, v.exit_code) == ("genuine", 1)  # 1: the Kindle order is not one the empty allowlist expects
    assert v.to_json()["message_center"] == {"checked": False, "found": None, "entry": None, "reason": reason}
    assert f"Message Center: not checked: {reason}" in render_terminal(v, "m")


def test_offline_says_the_message_center_was_not_checked_and_how_to_check_it() -> None:
    v = _judge("genuine-digital-ja.eml", [OrderLookup(KINDLE_ID, None)], None, offline=True)
    mc = v.to_json()["message_center"]
    assert mc["checked"] is False and mc["found"] is None and "--offline" in mc["reason"]
    assert any("Message Center (メッセージセンター)" in a and "--offline" in a for a in v.advice)


def test_a_mail_without_order_numbers_is_not_looked_up_and_says_where_to_look() -> None:
    v = _judge("link-text-mismatch.eml", [], None)
    assert v.message_center.checked is False and "メッセージセンター" in (v.message_center.reason or "")


# --- verify-email against the demo account (a browser, the loopback replay site) ----------------------------------


def _verify(*args: str, stdin: bytes | None = None) -> tuple[int, dict]:  # type: ignore[type-arg]
    out = subprocess.run(
        [sys.executable, "-m", "orderwatch", "verify-email", *args],
        input=stdin,
        capture_output=True,
        env=cli_env(),
        check=False,
        timeout=120,
    )
    assert out.stdout, out.stderr.decode()
    return out.returncode, json.loads(out.stdout)


def _order_mail(order_id: str, subject: str, days_ago: int) -> bytes:
    """An authenticated amazon.co.jp mail (the sample corpus' headers) about ``order_id``, links only to Amazon."""
    raw = (MAILS / "genuine-physical-ja-sjis.eml").read_bytes()
    headers = raw[: raw.index(b"Date: ")].decode("ascii")
    when = datetime.now(ZoneInfo("Asia/Tokyo")) - timedelta(days=days_ago)
    body = f"ご注文について\r\n注文番号 {order_id}\r\nhttps://www.amazon.co.jp/gp/css/order-history\r\n"
    return (
        headers
        + f"Date: {format_datetime(when)}\r\n"
        + f"Subject: =?UTF-8?B?{base64.b64encode(subject.encode()).decode()}?=\r\n"
        + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        + body
    ).encode()


@pytest.mark.browser
def test_verify_email_finds_the_genuine_kindle_mail_in_the_demo_message_center() -> None:
    code, data = _verify(str(MAILS / "genuine-digital-ja.eml"), "--demo", "--json")
    assert code == 1  # as before: genuine, about an order the demo allowlist does not expect
    assert data["verdict"] == "genuine" and data["orders"][0]["found"] is True
    mc = data["message_center"]
    assert mc["checked"] is True and mc["found"] is True and mc["reason"] is None
    assert mc["entry"]["subject"] == KINDLE_SUBJECT and mc["entry"]["order_ids"] == [KINDLE_ID]


@pytest.mark.browser
def test_verify_email_lowers_an_order_mail_the_demo_message_center_does_not_have() -> None:
    # The batteries order is in the account (11 days ago); its Message Center lists its confirmation, not this.
    mail = _order_mail("249-1184520-5568923", "Amazon.co.jp: ご注文の配送に問題があります (249-1184520-5568923)", 11)
    code, data = _verify("-", "--demo", "--json", stdin=mail)
    assert data["sender"]["authenticated"] is True and all(link["is_amazon"] for link in data["links"])
    assert data["orders"][0]["order_id"] == "249-1184520-5568923" and data["orders"][0]["found"] is True
    assert data["message_center"] == {"checked": True, "found": False, "entry": None, "reason": None}
    assert (data["verdict"], code) == ("suspicious", 1)
    assert any("not in your Message Center" in r for r in data["reasons"])


@pytest.mark.browser
def test_an_unreadable_message_center_keeps_the_order_lookups(browser: Browser, tmp_path: Path) -> None:
    from orderwatch.flows.lookup import look_up_orders
    from orderwatch.flows.session import CheckTarget
    from orderwatch.flows.signin import Credentials
    from orderwatch.replay import DEMO_EMAIL, DEMO_PASSWORD, DEMO_TOTP_SECRET

    with ReplaySite(faults=frozenset({"messages-unreadable"})) as site:
        creds = Credentials(DEMO_EMAIL, DEMO_PASSWORD, DEMO_TOTP_SECRET)
        target = CheckTarget(JP, site.base_url, tmp_path / "session.json", creds, timeout_s=5, retry_backoff_s=0.05)
        outcome = look_up_orders(browser, target, [KINDLE_ID], None)
    assert site.ledger == []
    assert outcome.error is None
    assert outcome.lookups[0].found is True and outcome.lookups[0].order is not None
    assert outcome.message_center.entries is None
    assert "page_changed" in (outcome.message_center.reason or "")
    assert ("GET", "/gp/message") in site.requests
