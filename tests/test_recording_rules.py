"""The scrub rules of `orderwatch record`, one by one, and pages that still parse to the same orders."""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborHTMLParser

from orderwatch.errors import PageChangedError
from orderwatch.parsers import parse_order_history, parse_order_summary
from orderwatch.recording import RULES, scrub_page, scrub_url
from orderwatch.replay import ReplaySite

from .conftest import peer_page


def _page(body: str) -> str:
    return f"<html><head></head><body>{body}</body></html>"


@pytest.mark.parametrize(
    ("body", "secret", "rule"),
    [
        ('<span id="nav-link-accountList-nav-line-1">こんにちは, 山田 花子</span>', "山田 花子", "greeting_name"),
        ('<span id="nav-link-accountList-nav-line-1">Hello, Alex</span>', "Alex", "greeting_name"),
        (
            '<div class="yohtmlc-recipient"><div class="a-size-base">山田 花子 様<br>東京都千代田区1-1</div></div>',
            "千代田区",
            "name_or_address_block",
        ),
        ("<p>お届け先: 鈴木 一郎 様</p>", "鈴木 一郎", "honorific_name"),
        ("<p>Contact: hanako.yamada@example.net</p>", "hanako.yamada", "email"),
        ('<a data-mail="hanako@example.co.jp">x</a>', "hanako@", "email"),
        ("<p>電話番号: 090-1234-5678</p>", "1234-5678", "phone"),
        ("<p>Phone: +1 206 555 0142</p>", "555 0142", "phone"),
        ("<p>VISA 末尾 4242</p>", "4242", "card_digits"),
        ("<p>Visa ending in 1881</p>", "1881", "card_digits"),
        # the unified order details split the prefix and the digits into nodes of their own (a real page:
        # digital-orders/de/order-details-D01-1151337-3109897.html, "••••</span><div …></div><span …>NNNN")
        (
            '<span data-testid="payment-instrument-name">VISA</span> <span data-testid="payment-instrument-prefix">'
            '末尾</span> <span data-testid="payment-instrument-number">4242</span>',
            "4242",
            "card_digits",
        ),
        (
            '<span>••••</span><div style="width:4px"></div><span data-testid="payment-instrument-number">1881</span>',
            "1881",
            "card_digits",
        ),
        ("<p>ギフトカード番号 AQ7K-9XB2LM-PQRS</p>", "9XB2LM", "gift_card_code"),
        ('<input type="hidden" name="anti-csrftoken-a2z" value="hEjq9F2kL0aQ==">', "hEjq9F2kL0aQ", "token_field"),
        ('<input type="hidden" name="appActionToken" value="pj2Bj2FTSj3D">', "pj2Bj2FTSj3D", "token_field"),
        ('<div data-session-id="133-4567890-1234567">x</div>', "133-4567890", "token_field"),
        ('<script>var csrfToken = "a8F2kLm0Qz9x";</script>', "a8F2kLm0Qz9x", "token_in_script"),
        ('<a href="/gp/buyagain?ats=eyJjdXN0b21lcklkIjoiQTI4NjBF&ref=x">again</a>', "eyJjdXN0", "url_id"),
        (
            '<a href="/hz/feedback?sellerID=A2RL5Y1PWI38L0&orderID=111-5474778-1481808">f</a>',
            "A2RL5Y1PWI38L0",
            "url_id",
        ),
    ],
)
def test_each_rule_removes_what_it_is_for(body: str, secret: str, rule: str) -> None:
    scrubbed, counts = scrub_page(_page(body))
    assert secret not in scrubbed
    assert counts[rule] >= 1
    assert rule in RULES


def test_order_ids_dates_totals_and_asins_are_kept() -> None:
    body = (
        '<a href="/gp/your-account/order-details?orderID=249-3318462-7720615">注文番号 249-3318462-7720615</a>'
        '<span>2026年11月25日</span><span>￥1,280</span><a href="/dp/B07TISSUE5">ティッシュ</a>'
    )
    scrubbed, counts = scrub_page(_page(body))
    for kept in ("249-3318462-7720615", "2026年11月25日", "￥1,280", "/dp/B07TISSUE5"):
        assert kept in scrubbed
    assert sum(counts.values()) == 0


def test_known_values_are_removed_everywhere_and_the_report_holds_only_counts() -> None:
    scrubbed, counts = scrub_page(_page("<p>Taro Demo</p><img alt='Taro Demo'>"), known=("Taro Demo",))
    assert "Taro Demo" not in scrubbed and counts["known_value"] == 2
    assert all(isinstance(v, int) for v in counts.values())


def test_manifest_urls_lose_their_ids() -> None:
    url = "https://www.amazon.com/gp/buyagain?ats=secret-token&orderID=111-5474778-1481808"
    assert scrub_url(url) == "https://www.amazon.com/gp/buyagain?ats=REDACTED&orderID=111-5474778-1481808"


def test_every_real_order_page_still_parses_to_the_same_orders_after_scrubbing() -> None:
    pages = sorted(peer_page("amazon-com", "orders").glob("order-history-*.html"))
    compared: list[str] = []
    unreadable: list[str] = []
    for path in pages:
        html = path.read_text(encoding="utf-8")
        try:
            before = parse_order_history(html)
        except PageChangedError:  # nothing to compare: the parser refuses the page as it was recorded
            unreadable.append(path.name)
            continue
        after = parse_order_history(scrub_page(html)[0])  # read before scrubbing: must be read after it too
        assert [(o.order_id, o.order_date, o.total) for o in after.orders] == [
            (o.order_id, o.order_date, o.total) for o in before.orders
        ], path.name
        assert after.orders, path.name
        compared.append(path.name)
    # only the contradictory page (ten cards, a count that says otherwise) is skipped; every other one compared
    assert unreadable == ["order-history-2023-10-ten-orders.html"]
    assert len(compared) == 10 == len(pages) - len(unreadable), compared


@pytest.mark.parametrize(
    ("name", "personal"),
    [
        ("ca-order-summary-D01-9338000-4893015.html", ("Jane Doe", "1 Example Street", "A1A 1A1", "5550100000")),
        ("ca-order-summary-D01-8976186-0883412.html", ("Jane Doe", "1 Example Street", "5550100000")),
        ("ca-order-summary-D01-4163891-0896264.html", ("Jane Doe",)),
        ("de/order-details-D01-1151337-3109897.html", ("Max Mustermann",)),
    ],
)
def test_real_digital_order_pages_lose_names_addresses_and_phones_but_parse_the_same(
    name: str, personal: tuple[str, ...]
) -> None:
    html = peer_page("digital-orders", *name.split("/")).read_text(encoding="utf-8")
    assert all(p in html for p in personal)
    scrubbed, counts = scrub_page(html)
    assert not [p for p in personal if p in scrubbed]
    assert counts["name_or_address_block"] >= 1
    before, after = parse_order_summary(html), parse_order_summary(scrubbed)
    assert (after.order_id, after.order_date, after.items, after.total) == (
        before.order_id,
        before.order_date,
        before.items,
        before.total,
    )
    assert [p.amount for p in after.payments] == [p.amount for p in before.payments]
    cards = "[data-testid=payment-instrument-number]"  # the real card's last digits, a node of their own
    assert [c.text().strip() for c in LexborHTMLParser(scrubbed).css(cards)] == [
        "0000" for _ in LexborHTMLParser(html).css(cards)
    ]


def test_the_demo_summaries_lose_the_account_holders_name() -> None:
    site = ReplaySite()
    for order in (o for o in site.account.orders if o.digital):
        for template in ("order-summary.html", "order-details.html"):
            html = site.render(template, signed_in=True, o=order)
            assert "デモ 太郎" in html
            scrubbed, _ = scrub_page(html)
            assert "デモ 太郎" not in scrubbed, template
            assert parse_order_summary(scrubbed).order_id == order.id


def test_the_login_and_security_name_row_is_scrubbed_everywhere_the_name_appears() -> None:
    from orderwatch.recording import scrub_page

    page = (
        '<div data-device="desktop"><button id="NAME_BUTTON"><span><a><div><span>名前</span></div>'
        "<div><span>山田 花子</span></div></a></span><span>編集</span></button>"
        "<p>山田 花子さんのアカウント</p></div>"
    )
    out, counts = scrub_page(page)
    assert "山田 花子" not in out and counts["account_name_row"] == 2
    assert "名前" in out and "編集" in out  # the label and the action stay


def test_console_answers_lose_device_names_and_serials_but_keep_titles_and_dates() -> None:
    import json

    from orderwatch.recording import scrub_json

    answer = json.dumps(
        {
            "GetDevicesOverview": {
                "deviceList": [
                    {"deviceName": "花子のKindle", "deviceAccountName": "花子のKindle", "deviceSerialNumber": "G0001"},
                    {
                        "deviceName": "花子のiPhone",
                        "deviceSerialNumber": "IOS02",
                        "displayCategoryFriendlyName": "Kindle",
                    },
                ],
                "csrfToken": "abcdef123456",
                "owner": "hanako@example.com",
            },
            "items": [{"title": "本", "asin": "B0TEST0001", "acquiredDate": "2026年11月27日"}],
        },
        ensure_ascii=False,
    )
    out, counts = scrub_json(answer)
    assert "花子" not in out and "G0001" not in out and "abcdef123456" not in out and "hanako@" not in out
    data = json.loads(out)["GetDevicesOverview"]["deviceList"]
    assert [d["deviceName"] for d in data] == ["Device 1", "Device 2"]
    assert data[0]["deviceAccountName"] == "Device 1"  # the same device keeps one stand-in
    assert data[0]["deviceSerialNumber"] != data[1]["deviceSerialNumber"]
    assert "B0TEST0001" in out and "2026年11月27日" in out and counts["device_identity"] == 5
