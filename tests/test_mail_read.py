"""Reading saved mails: encodings, parts, links, order numbers; bad input refused with exit 2."""

from __future__ import annotations

import pytest

from orderwatch.errors import UsageError
from orderwatch.mail.read import MAX_BYTES, find_order_ids, read_mail
from orderwatch.replay.account import MAILS


def _read(name: str):  # type: ignore[no-untyped-def]
    return read_mail((MAILS / name).read_bytes(), name)


def test_iso_2022_jp_headers_and_parts_and_base64_html_are_decoded() -> None:
    facts = _read("genuine-digital-ja.eml")
    assert facts.subject == "Amazon.co.jpでのご注文 霧の館の密室 (ミステリー文庫) Kindle版"
    assert facts.from_ is not None and facts.from_.display_name == "Amazon.co.jp"
    assert facts.from_.address == "digital-no-reply@amazon.co.jp"
    assert "霧の館の密室" in facts.text and "ご請求額: ￥880" in facts.text  # the ISO-2022-JP text part
    assert facts.order_ids == ("D01-2046175-3391842",)
    urls = [link.url for link in facts.links]
    assert "https://www.amazon.co.jp/gp/css/order-history" in urls
    assert any("gp/r.html" in u for u in urls)  # the HTML part's hrefs
    assert not any("media-amazon.com" in u for u in urls)  # images are not links
    assert facts.date is not None and facts.date.isoformat() == "2026-11-27T10:02:10+09:00"


def test_shift_jis_base64_single_part_is_decoded() -> None:
    facts = _read("genuine-physical-ja-sjis.eml")
    assert facts.subject == "Amazon.co.jpでのご注文 (249-3318462-7720615)"
    assert "ボックスティッシュ 5箱パック" in facts.text
    assert facts.order_ids == ("249-3318462-7720615",)


def test_quoted_printable_utf8_multipart_is_decoded() -> None:
    facts = _read("genuine-physical-en.eml")
    assert "SpaGuard Spa Chlorinating Concentrate \u2013 5 Lb" in facts.text
    assert facts.reply_to[0].address == "no-reply@amazon.com"
    assert facts.order_ids == ("112-0069846-3887437",)


def test_full_width_order_numbers_are_found() -> None:
    assert _read("fullwidth-order-number.eml").order_ids == ("D01-2046175-3391842",)
    assert find_order_ids("注文番号：２４９－３３１８４６２－７７２０６１５") == ["249-3318462-7720615"]


def test_order_numbers_inside_longer_digit_runs_are_not_taken() -> None:
    assert find_order_ids("tracking 1249-3318462-77206155 and 249-3318462-7720615.") == ["249-3318462-7720615"]


def test_all_authentication_results_headers_are_kept_topmost_first() -> None:
    facts = _read("forged-lower-ar.eml")
    assert len(facts.auth_results) == 2
    assert facts.auth_results[0].startswith("mx.mail.example.net")


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"", "is empty"),
        (b"   \n\n", "is empty"),
        (b"From: a@b.c\nSubject: x\n\n\x00\x01binary", "binary"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "Outlook .msg"),
        ("ご注文ありがとうございます。注文番号 249-3318462-7720615".encode(), "not a mail"),
        (b"<html><body>Amazon</body></html>", "not a mail"),
        (b"X-Custom: only\n\nbody", "no From, Subject or Received"),
        (b"From: a@b.c\n" + b"x" * (MAX_BYTES + 1), "at most 10 MiB"),
    ],
)
def test_bad_input_is_a_usage_error_saying_what_is_wrong(raw: bytes, words: str) -> None:
    with pytest.raises(UsageError) as err:
        read_mail(raw, "saved.eml")
    assert words in err.value.message and err.value.exit_code == 2
