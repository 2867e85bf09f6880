"""Where links really go, judged without opening them."""

from __future__ import annotations

import pytest

from orderwatch.mail.links import judge_link
from orderwatch.mail.read import RawLink


def _j(url: str, text: str = ""):  # type: ignore[no-untyped-def]
    return judge_link(RawLink(url, text, "html"))


@pytest.mark.parametrize(
    "url",
    [
        "https://www.amazon.co.jp/gp/css/order-history",
        "https://amazon.co.jp/",
        "https://www.amazon.com/gp/your-account/order-details?orderID=112-0069846-3887437",
        "https://a.co/d/1AbCdEf",
        "https://amzn.asia/d/1AbCdEf",
        "https://www.amazon.co.jp/gp/r.html?C=1&U=https%3A%2F%2Fwww.amazon.co.jp%2Fdp%2FB0DMYST001",
    ],
)
def test_links_to_amazon_are_amazon(url: str) -> None:
    v = _j(url)
    assert v is not None and v.is_amazon and v.reason is None


@pytest.mark.parametrize(
    ("url", "domain", "words"),
    [
        ("https://amazon.co.jp.example.com/login", "example.com", "belongs to example.com"),
        ("https://amazon-co-jp.example/login", "amazon-co-jp.example", "look-alike"),
        ("https://www.arnazon.co.jp/pay", "arnazon.co.jp", "look-alike"),
        ("https://amazom.com/", "amazom.com", "look-alike"),
        ("https://amaz0n-security.example/", "amaz0n-security.example", "look-alike"),
        ("http://203.0.113.7/login", "203.0.113.7", "raw IP"),
        ("http://[2001:db8::1]/login", "2001:db8::1", "raw IP"),
        ("https://xn--amzon-yqa.com/verify", "xn--amzon-yqa.com", "punycode"),
        ("https://bit.ly/3xAmzn", "bit.ly", "shortener"),
        ("https://www.amazon.co.jp/gp/r.html?U=https%3A%2F%2Fevil.example%2Fx", "evil.example", "not an Amazon"),
        ("https://s3.amazonaws.com/bucket/login.html", "s3.amazonaws.com", "not an Amazon"),
        ("https://news-letter.example/amazon", "news-letter.example", "not an Amazon"),
    ],
)
def test_links_off_amazon_are_named_with_their_domain_and_reason(url: str, domain: str, words: str) -> None:
    v = _j(url)
    assert v is not None and v.is_amazon is False
    assert v.domain == domain
    assert v.reason is not None and words in v.reason


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("https://www.google.com/url?q=https://evil.example/a&sa=D", "https://evil.example/a"),
        (
            "https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.amazon.co.jp%2F&data=x",
            "https://www.amazon.co.jp/",
        ),
        ("https://urldefense.com/v3/__https://www.amazon.com/orders__;!!abc$", "https://www.amazon.com/orders"),
    ],
)
def test_redirect_wrappers_are_unwrapped_before_judging(url: str, target: str) -> None:
    v = _j(url)
    assert v is not None and v.target == target


def test_the_translate_proxy_is_unwrapped_and_never_counts_as_amazon() -> None:
    v = _j("https://www-amazon-co-jp.translate.goog/gp/css/order-history?_x_tr_sl=auto")
    assert v is not None and v.target.startswith("https://www.amazon.co.jp/")
    assert v.is_amazon is False and "Google Translate proxy" in (v.reason or "")
    evil = _j("https://amazon--co--jp-verify-example.translate.goog/prime")
    assert evil is not None and evil.domain == "verify.example"


def test_link_text_showing_amazon_over_a_foreign_href_is_named() -> None:
    v = _j("https://amazon.co.jp.order-check.example/login", "https://www.amazon.co.jp/gp/css/order-history")
    assert v is not None and not v.is_amazon
    assert "the link text shows www.amazon.co.jp but it leads to order-check.example" in (v.reason or "")


def test_link_text_naming_another_amazon_domain_is_fine() -> None:
    v = _j("https://www.amazon.co.jp/gp/css/order-history", "amazon.com")
    assert v is not None and v.is_amazon


def test_mail_and_phone_links_are_not_web_links_but_script_links_are_flagged() -> None:
    assert _j("mailto:cs@amazon.co.jp") is None and _j("tel:0120-999-373") is None
    v = _j("javascript:document.forms[0].submit()")
    assert v is not None and not v.is_amazon


def test_plain_http_to_amazon_is_amazon_with_a_note() -> None:
    v = judge_link(RawLink("www.amazon.co.jp/gp/css/order-history", "", "text"))
    assert v is not None and v.is_amazon and v.reason == "plain http, not https"
