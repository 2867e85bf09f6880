"""Digital order summary (/gp/digital/your-account/order-summary.html) → DigitalOrderSummary.

The page is a table of label/value rows: デジタル注文 (date), 注文番号, the ordered items, 注文の合計,
and under お支払い方法 the payment lines (Amazonポイント, ギフトカード, card). amazon.com uses
"Digital Order:", "Order #:", "Grand Total:", "Payment Information".
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

from orderwatch.errors import PageChangedError
from orderwatch.models import DigitalOrderSummary, Item, Money, Payment
from orderwatch.parsers import selectors as S
from orderwatch.parsers.detect import detect_marketplace
from orderwatch.parsers.order_history import ORDER_ID_RE
from orderwatch.parsers.values import first, node_text, parse_date, parse_money, starts_with_label

PAGE = "order-summary"
_ASIN_RE = re.compile(r"/(?:gp/product|dp)/([A-Z0-9]{10})\b")


def is_order_not_found(html: str) -> bool:
    """True when the summary page says the account has no such order (and shows no summary)."""
    tree = LexborHTMLParser(html)
    if first(tree.root, S.SUMMARY_CONTAINER) is not None:  # type: ignore[arg-type]
        return False
    text = node_text(tree.body) if tree.body is not None else ""
    return any(t in text for t in S.TEXT_ORDER_NOT_FOUND)


def parse_order_summary(html: str, marketplace: str = "auto") -> DigitalOrderSummary:
    """Read a digital order summary: id, date, items, grand total and how it was paid.

    Raises PageChangedError when the summary container, the order id, the date or the grand total
    is missing.
    """
    tree = LexborHTMLParser(html)
    box = first(tree.root, S.SUMMARY_CONTAINER)  # type: ignore[arg-type]
    if box is None:
        raise PageChangedError(PAGE, "summary container (#digitalOrderSummaryContainer) not found")
    market = detect_marketplace(tree, html) if marketplace == "auto" else marketplace
    order_id = order_date = total = None
    payments: list[Payment] = []
    in_payments = False
    for row in box.css("tr"):
        if row.css_first("table") is not None:
            continue  # a layout row wrapping a nested table: its own rows are visited
        cells = [node_text(c) for c in row.css("td, th")]
        text = " ".join(c for c in cells if c)
        if not text:
            continue
        if starts_with_label(text, S.LABEL_PAYMENTS_HEADING) is not None:
            in_payments = True
            continue
        if (rest := starts_with_label(text, S.LABEL_DIGITAL_ORDER)) is not None and order_date is None:
            order_date = parse_date(rest)
        elif (rest := starts_with_label(text, S.LABEL_SUMMARY_ORDER_ID)) is not None and order_id is None:
            m = ORDER_ID_RE.search(rest)
            order_id = m[1] if m else None
        elif (rest := starts_with_label(text, S.LABEL_GRAND_TOTAL)) is not None:
            parsed = parse_money(rest)
            total = Money(*parsed) if parsed else None
            in_payments = False
        elif in_payments and len(cells) >= 2:
            parsed = parse_money(cells[-1])
            if parsed:
                payments.append(Payment(cells[0].rstrip(":："), Money(abs(parsed[0]), parsed[1])))
    items: list[Item] = []
    for row in box.css(S.SUMMARY_ITEM_ROWS[0]):
        link = row.css_first("a")
        title = node_text(link) if link is not None else ""
        if not title:
            continue
        m = _ASIN_RE.search(link.attributes.get("href") or "") if link is not None else None
        seller = None
        for line in (node_text(n) for n in row.css("span, div")):
            rest = starts_with_label(line, S.SELLER_PREFIXES)
            if rest:
                seller = rest
                break
        items.append(Item(title, m[1] if m else None, seller))
    if order_id is None:
        raise PageChangedError(PAGE, "order id (注文番号 / Order #)")
    if order_date is None:
        raise PageChangedError(PAGE, "order date (デジタル注文 / Digital Order)", order_id=order_id)
    if total is None:
        raise PageChangedError(PAGE, "grand total (注文の合計 / Grand Total)", order_id=order_id)
    if not items:
        raise PageChangedError(PAGE, "ordered items", order_id=order_id)
    return DigitalOrderSummary(market, order_id, order_date, tuple(items), total, tuple(payments))
