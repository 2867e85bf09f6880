"""`verify-email` in Japanese (issue 13): the verdict, its reasons, the Message Center line and the advice read in
Japanese with the site's own labels; English stays as it was; the JSON keeps its keys and codes in both."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner, Result

from orderwatch.allowlist import parse_allowlist
from orderwatch.cli import main
from orderwatch.i18n import use_language
from orderwatch.mail.links import judge_links
from orderwatch.mail.read import read_mail
from orderwatch.mail.sender import judge_sender
from orderwatch.mail.verdict import MessageCenterRead, OrderLookup, judge_mail, render_terminal
from orderwatch.marketplace import MARKETPLACES
from orderwatch.models import Item, MessageEntry, Money, Order
from orderwatch.replay.account import MAILS

from .japanese import english_left

ALL_MAILS = sorted(p.name for p in MAILS.glob("*.eml"))
PHISHING_CO_JP = [
    "spoofed-dmarc-fail.eml",
    "lookalike-domain.eml",
    "link-text-mismatch.eml",
    "translate-proxy.eml",
    "forged-lower-ar.eml",
    "display-name-impersonation.eml",
    "phishing-unknown-order.eml",
]
# What stays as written: the command's name, and amazon.com's own labels (its site is in English).
NAMES = ("orderwatch verify-email", "Report something suspicious", "Report a phishing or suspicious e-mail")
JA_VERDICTS = {
    "genuine": "本物 — Amazonからの正規のメールです",
    "phishing": "フィッシング詐欺 — 何と書いてあっても、Amazonからのメールではありません",
    "suspicious": "要注意 — 本物とは確認できません",
}


def verify(lang: str, mail: str, *args: str) -> Result:
    return CliRunner().invoke(main, ["--lang", lang, "verify-email", *args, str(MAILS / mail)])


def shape(data: Any) -> Any:
    """The JSON's keys (nested), without the values."""
    if isinstance(data, dict):
        return {k: shape(v) for k, v in data.items()}
    if isinstance(data, list):
        return [shape(v) for v in data]
    return None


def names_in(data: dict[str, Any]) -> tuple[str, ...]:
    """What comes from the mail itself and may be English: its sender's display name, the host names of its
    links (amazon-co-jp.verify.example)."""
    urls = {link[key] for link in data["links"] for key in ("url", "target")}  # whole, before their hosts
    hosts = {urlsplit(url).hostname or "" for url in urls}
    return (*NAMES, data["sender"]["display_name"], *urls, *hosts)


@pytest.mark.parametrize("mail", ALL_MAILS)
def test_japanese_terminal_output_gives_verdict_message_center_and_advice_in_japanese(mail: str) -> None:
    out = verify("ja", mail, "--offline")
    assert out.exit_code == 1, out.output
    text = out.stdout
    data = json.loads(verify("en", mail, "--offline", "--json").stdout)
    assert f"判定：{JA_VERDICTS[data['verdict']]}" in text
    assert "対処方法：" in text and "メッセージセンター：" in text and "「メッセージセンター」" in text
    assert "Verdict:" not in text and "What to do:" not in text and "Message Center" not in text
    assert english_left(text, names=names_in(data)) == []


@pytest.mark.parametrize("mail", ALL_MAILS)
def test_english_terminal_output_stays_english(mail: str) -> None:
    text = verify("en", mail, "--offline").stdout
    assert text.startswith(f"orderwatch verify-email — {MAILS / mail}\nVerdict: ")
    assert "\nWhat to do:\n" in text and "\nMessage Center: not checked: " in text
    assert "判定" not in text and "対処方法" not in text and "ください" not in text


@pytest.mark.parametrize("mail", PHISHING_CO_JP)
def test_japanese_phishing_advice_follows_amazons_own_advice_with_the_sites_labels(mail: str) -> None:
    data = json.loads(verify("ja", mail, "--offline", "--json").stdout)
    assert data["verdict"] == "phishing"
    advice = "\n".join(data["advice"])
    assert "リンクはクリックせず" in advice  # do not open its links
    assert "https://www.amazon.co.jp をご自身で入力してログイン" in advice  # type the address yourself
    assert "「詐欺目的の連絡を見分ける」" in advice and "「不審な連絡について報告する」から報告します" in advice
    assert "アカウントをお持ちでない場合は、このメールを reportascam@amazon.com に転送してください" in advice
    assert "「ログインとセキュリティ」と「注文履歴」" in advice
    assert english_left(advice + "\n".join(data["reasons"]), names=names_in(data)) == []


@pytest.mark.parametrize("mail", ALL_MAILS)
def test_the_json_keeps_its_keys_and_codes_in_both_languages_and_its_texts_follow_the_language(mail: str) -> None:
    en = json.loads(verify("en", mail, "--offline", "--json").stdout)
    ja = json.loads(verify("ja", mail, "--offline", "--json").stdout)
    assert shape(ja) == shape(en)
    assert ja["verdict"] == en["verdict"] and ja["orders"] == en["orders"]
    for key in ("address", "display_name", "authenticated", "impersonation"):
        assert ja["sender"][key] == en["sender"][key]
    strip = ("reason",)
    assert [{k: v for k, v in link.items() if k not in strip} for link in ja["links"]] == [
        {k: v for k, v in link.items() if k not in strip} for link in en["links"]
    ]
    assert {k: v for k, v in ja["message_center"].items() if k != "reason"} == {
        k: v for k, v in en["message_center"].items() if k != "reason"
    }
    texts = [*ja["reasons"], *ja["advice"], *ja["sender"]["evidence"], ja["message_center"]["reason"]]
    texts += [link["reason"] for link in ja["links"] if link["reason"]]
    assert english_left("\n".join(texts), names=names_in(ja)) == []
    assert all("。" in t or "：" in t for t in texts)
    assert not any("。" in t for t in [*en["reasons"], *en["advice"], en["message_center"]["reason"]])


def test_japanese_link_verdicts_say_where_a_link_really_goes() -> None:
    out = verify("ja", "translate-proxy.eml", "--offline").stdout
    assert "実際の行き先：https://amazon-co-jp.verify.example/" in out
    assert "Google翻訳のプロキシ（translate.goog）を経由して開きます" in out
    punycode = verify("ja", "raw-ip-and-punycode.eml", "--offline").stdout
    assert "IPアドレスが直接書かれています" in punycode and "「amázon.com」と表示されます" in punycode


def test_without_a_session_the_japanese_verdict_says_the_lookup_was_skipped_and_how_to_enable_it() -> None:
    out = verify("ja", "genuine-digital-ja.eml", "--json")
    assert out.exit_code == 1, out.output
    data = json.loads(out.stdout)
    assert data["verdict"] == "suspicious" and data["lookup_error"] is None
    assert any("照会を省略しました" in r and "保存されたセッション" in r for r in data["reasons"])
    assert any("`orderwatch login --headed` で一度ログイン" in a and "`--offline`" in a for a in data["advice"])
    assert english_left("\n".join(data["reasons"] + data["advice"]), names=names_in(data)) == []


def test_bad_input_is_refused_in_japanese(tmp_path: Path) -> None:
    empty = tmp_path / "saved.eml"
    empty.write_bytes(b"")
    out = CliRunner().invoke(main, ["--lang", "ja", "verify-email", str(empty)])
    assert out.exit_code == 2 and "は空です" in out.stderr and english_left(out.stderr, names=(str(empty),)) == []
    missing = CliRunner().invoke(main, ["--lang", "ja", "verify-email", "no-such-mail.eml"])
    assert missing.exit_code == 2 and "ファイルが見つかりません" in missing.stderr
    assert "no such file" in CliRunner().invoke(main, ["--lang", "en", "verify-email", "no-such-mail.eml"]).stderr


# --- after a lookup (pure: what the lookup found is given) ------------------------------------------------------

JP = MARKETPLACES["co.jp"]
KINDLE_ID = "D01-2046175-3391842"
KINDLE = Order(KINDLE_ID, date(2026, 11, 27), Money(Decimal(880), "JPY"), True, (Item("霧の館の密室", "B0DMYST001"),))
KINDLE_SUBJECT = "Amazon.co.jpでのご注文 霧の館の密室 (ミステリー文庫) Kindle版"
KINDLE_ENTRY = MessageEntry(KINDLE_SUBJECT, date(2026, 11, 27), (KINDLE_ID,))


def _judge(mc: MessageCenterRead, allowlist: str = ""):  # type: ignore[no-untyped-def]
    facts = read_mail((MAILS / "genuine-digital-ja.eml").read_bytes())
    allow = parse_allowlist(allowlist, Path("a.toml"))
    lookups = [OrderLookup(KINDLE_ID, True, KINDLE)]
    return judge_mail(
        facts, judge_sender(facts), judge_links(facts.links), lookups, allow, JP, offline=False, message_center=mc
    )


def test_a_genuine_mail_found_in_the_message_center_reads_in_japanese_with_a_japanese_date() -> None:
    with use_language("ja"):
        v = _judge(MessageCenterRead((KINDLE_ENTRY,)), '[[allow]]\nasin = "B0DMYST001"\n')
        text = render_terminal(v, "m.eml")
    assert v.verdict == "genuine" and v.exit_code == 0
    assert "同じメッセージが「メッセージセンター」にあります。" in v.reasons
    assert f"メッセージセンター：同じメッセージがあります（2026年11月27日（金）：{KINDLE_SUBJECT}）" in text
    order = "D01-2046175-3391842: アカウントにあります（想定どおりの注文） — "
    assert order + "2026年11月27日（金）の注文：「霧の館の密室」、￥880" in text
    assert v.advice == ["このメールは本物で、想定どおりの注文についてのものです。対応は不要です。"]
    assert english_left(text, names=(KINDLE_SUBJECT, "orderwatch verify-email", "Amazon.co.jp")) == []


def test_a_genuine_mail_about_an_unexpected_order_tells_in_japanese_to_switch_off_1_click() -> None:
    with use_language("ja"):
        v = _judge(MessageCenterRead((KINDLE_ENTRY,)))
    assert v.verdict == "genuine" and v.exit_code == 1
    assert v.advice[0].startswith("D01-2046175-3391842 は実在する注文ですが、想定外の注文です。")
    assert len(v.advice) == 1 and v.advice[0].count("「すべての1-Clickを無効化」") == 1
    assert english_left(v.advice[-1]) == []


def test_an_order_mail_missing_from_the_message_center_is_suspicious_and_says_so_in_japanese() -> None:
    with use_language("ja"):
        v = _judge(MessageCenterRead(()))
        text = render_terminal(v, "m.eml")
    assert v.verdict == "suspicious"
    assert any(r.startswith("ただし、同じメッセージが「メッセージセンター」にありません。") for r in v.reasons)
    assert v.advice[0].startswith(
        "このメールのリンクは使わないでください。このメッセージは「メッセージセンター」にありません。"
    )
    assert "メッセージセンター：ありません。" in text and "不審なものとして扱ってください" in text
    assert english_left("\n".join([*v.reasons, v.advice[0]])) == []
