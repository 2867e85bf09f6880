"""A digital order's own page → DigitalOrderSummary, from either of the two templates the site serves.

- **legacy** (``/gp/digital/your-account/order-summary.html``; real pages: amazon.ca 2024 in
  ``../shared/peer-pages/digital-orders/``): ``#digitalOrderSummaryContainer > .orderSummary``, a header
  list (``ul.nomarker``: "Amazon.ca order number:", "Order Total:"), the bold "Digital Order: July 5 2024",
  the items table (``table.sample``, rows after "Items Ordered | Price"), a text block ending "Total for
  this Order:" with deduction lines ("1 Audible Credit Applied: -$21.20") and the payments widget
  (``.pmts-*``: card instruments, breakdown rows, grand total).
- **unified** (``/your-orders/order-details?orderID=D01-…``; real page: amazon.de 2026, and the same
  template for physical orders on amazon.com): ``data-component`` blocks ``orderDate``, ``orderId``,
  ``purchasedItems`` → ``itemTitle`` / ``orderedMerchant``, the ``#od-subtotals`` rows, and the payment
  instrument (``data-testid=payment-instrument-*``, older: the ``.pmts-*`` widget).

The template is decided by what the page is, never by its URL. Every required field that is missing
raises PageChangedError naming it and the labels tried; totals that disagree raise too (a misread risk).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from selectolax.lexbor import LexborHTMLParser, LexborNode

from orderwatch.errors import PageChangedError
from orderwatch.i18n import _
from orderwatch.models import DigitalOrderSummary, Item, Money, Payment
from orderwatch.parsers import selectors as S
from orderwatch.parsers.detect import detect_marketplace, dollar_currency
from orderwatch.parsers.order_history import ORDER_ID_RE
from orderwatch.parsers.values import first, fold, names_currency, node_text, parse_date, parse_money
from orderwatch.vocabulary import PageKind

PAGE: PageKind = "order-summary"
_ASIN_RE = re.compile(r"/(?:gp/product|dp)/([A-Z0-9]{10})(?:[/?#]|$)")
_LABELLED = re.compile(r"^(?P<label>[^:：]+?)\s*[:：]\s*(?P<value>.+)$")


def is_order_not_found(html: str) -> bool:
    """True when the page says the account has no such order (and shows neither template)."""
    tree = LexborHTMLParser(html)
    root = tree.root
    if root is None or _template(root) is not None:
        return False
    text = node_text(tree.body) if tree.body is not None else ""
    return any(t in text for t in S.TEXT_ORDER_NOT_FOUND)


def parse_order_summary(html: str, marketplace: str = "auto") -> DigitalOrderSummary:
    """Read a digital order's page (legacy summary or unified order details): id, date, items, the
    order's total and how it was paid.

    Raises PageChangedError when the document is truncated, neither template is recognised, or the
    order id, date, items (or their header) or total is missing, or when the page's totals disagree.
    """
    if not html.strip():
        raise PageChangedError(PAGE, _("the document is empty"))
    if "</html>" not in html[-4096:].lower():
        raise PageChangedError(PAGE, "the document is truncated or not HTML (no closing </html>)")
    tree = LexborHTMLParser(html)
    root = tree.root
    template = _template(root) if root is not None else None
    if root is None or template is None:
        if root is not None and first(root, (*S.NUM_ORDERS, "select#time-filter")) is not None:
            raise PageChangedError(PAGE, _("this is an order-history page, not a digital order's page"))
        raise PageChangedError(
            PAGE,
            "summary container not found: the page is neither a digital order summary "
            "(#digitalOrderSummaryContainer) nor the order details (#orderDetails with its data-component blocks)",
        )
    market = detect_marketplace(tree, html) if marketplace == "auto" else marketplace
    dollar = dollar_currency(market)
    reading = _Reading(dollar)
    if template == "legacy":
        _read_legacy(root, reading)
    else:
        _read_unified(root, reading)
    order_id, order_date = reading.order_id, reading.order_date
    if order_id is None:
        tried: tuple[str, ...] = (
            S.LABEL_SUMMARY_ORDER_ID if template == "legacy" else S.UNIFIED_ORDER_ID + S.UNIFIED_DATE_AND_ID
        )
        raise PageChangedError(PAGE, f"order id ({' / '.join(tried)})")
    if order_date is None:
        tried = S.LABEL_DIGITAL_ORDER if template == "legacy" else S.UNIFIED_ORDER_DATE + S.LABEL_UNIFIED_ORDER_DATE
        raise PageChangedError(PAGE, f"order date ({' / '.join(tried)})", order_id=order_id)
    if not reading.items:
        raise PageChangedError(PAGE, "ordered items (no item rows)", order_id=order_id)
    total = _one_total(reading, template, order_id)
    paid = reading.widget if template == "legacy" else bool(reading.cards or reading.deductions or reading.no_charge)
    if not paid:
        # Every real page says how it was paid (the legacy page always in its payments widget: a card,
        # "No current charges"); a page without it is cut or changed, and reading on would report only
        # part of the payments, or "paid with nothing".
        raise PageChangedError(
            PAGE, "payment information not found (Payment Methods / お支払い方法)", order_id=order_id
        )
    return DigitalOrderSummary(
        market, order_id, order_date, tuple(reading.items), total, _payments(reading, total), template
    )


@dataclass
class _Reading:
    dollar: str
    order_id: str | None = None
    order_date: date | None = None
    items: list[Item] = field(default_factory=list)
    totals: list[tuple[str, Money, bool]] = field(default_factory=list)  # (label, amount, names its currency)
    cards: list[str] = field(default_factory=list)
    deductions: list[Payment] = field(default_factory=list)
    no_charge: bool = False  # the page says "No current charges"
    widget: bool = False  # the payments widget was found (card instruments, "No current charges", grand total)

    def money(self, text: str) -> Money | None:
        parsed = parse_money(text, self.dollar)
        return Money(*parsed) if parsed else None

    def total(self, label: str, text: str) -> None:
        money = self.money(text)
        if money is None:
            raise PageChangedError(PAGE, f"total ({label}: {text!r} is not an amount)", order_id=self.order_id)
        self.totals.append((label, money, names_currency(text)))

    def deduction(self, label: str, text: str) -> None:
        """A negative line: a payment (credit, points, gift card) or a price reduction (ignored)."""
        money = self.money(text)
        lowered = label.lower()
        if money is None or money.amount >= 0 or any(w in lowered for w in S.PROMOTION_WORDS):
            return
        if not any(w in lowered for w in S.PAYMENT_DEDUCTION_WORDS):
            return
        for suffix in S.DEDUCTION_SUFFIXES:
            label = label.removesuffix(suffix)
        payment = Payment(label.strip(), Money(-money.amount, money.currency))
        if all(p.method != payment.method or p.amount != payment.amount for p in self.deductions):
            self.deductions.append(payment)  # the same line in the text block and in the widget: once

    def card(self, name: str) -> None:
        if name and name not in self.cards:  # pages repeat the widget in a hidden second layout
            self.cards.append(name)


def _template(root: LexborNode) -> str | None:
    if first(root, S.SUMMARY_CONTAINER) is not None:
        return "legacy"
    box = first(root, S.UNIFIED_CONTAINER)
    if box is not None and first(box, S.UNIFIED_MARKERS) is not None:
        return "unified"
    return None


def _label_rest(text: str, labels: tuple[str, ...]) -> str | None:
    """When ``text`` starts with one of ``labels`` (any case), the rest after an optional colon."""
    for label in labels:
        if text.lower().startswith(label.lower()):
            return text[len(label) :].lstrip(":： ").strip()
    return None


def _is_label(text: str, labels: tuple[str, ...]) -> bool:
    return fold(text).rstrip(":： ").lower() in {label.lower() for label in labels}


def _lines(node: LexborNode) -> list[str]:
    """The node's text lines as the page breaks them (``<br>``, blocks), folded, without empty ones."""
    return [line for raw in (node.text(separator="\n") or "").split("\n") if (line := fold(raw))]


def _seller(lines: list[str]) -> str | None:
    for line in lines:
        rest = _label_rest(line, S.SELLER_PREFIXES)
        if rest:
            return rest
    return None


def _asin(link: LexborNode | None) -> str | None:
    m = _ASIN_RE.search(link.attributes.get("href") or "") if link is not None else None
    return m[1] if m else None


# --- legacy ---------------------------------------------------------------------------------------------


def _read_legacy(root: LexborNode, r: _Reading) -> None:
    container = first(root, S.SUMMARY_CONTAINER)
    assert container is not None
    body = first(container, S.SUMMARY_BODY)
    if body is None:
        raise PageChangedError(PAGE, f"summary body ({' / '.join(S.SUMMARY_BODY)} in the container)")
    for li in body.css(S.SUMMARY_HEADER_ITEMS[0]):
        label_node = li.css_first("b")
        label = node_text(label_node).rstrip(":： ")
        rest = fold(node_text(li)[len(node_text(label_node)) :])
        if any(label.lower().endswith(s.lower()) for s in S.LABEL_SUMMARY_ORDER_ID) and r.order_id is None:
            m = ORDER_ID_RE.search(rest)
            r.order_id = m[1] if m else None
        elif _is_label(label, S.LABEL_SUMMARY_ORDER_TOTAL):
            r.total(label, rest)
    for b in body.css("b"):
        dated = _label_rest(node_text(b), S.LABEL_DIGITAL_ORDER)
        if dated is not None:
            r.order_date = parse_date(dated)
            if r.order_date is None:
                raise PageChangedError(PAGE, f"order date ({node_text(b)!r})", order_id=r.order_id)
            break
    _legacy_items(body, r)
    _legacy_text_block(body, r)
    _payments_widget(container, r)


def _legacy_items(body: LexborNode, r: _Reading) -> None:
    header = None
    for table in body.css(S.SUMMARY_ITEMS_TABLE[0]):
        for row in table.css("tr"):
            cells = [node_text(c) for c in row.iter() if c.tag == "td"]
            if any(tuple(cells) == pair for pair in S.LABEL_ITEMS_HEADER):
                header = row
                break
        if header is not None:
            break
    if header is None:
        tried = " / ".join(" | ".join(pair) for pair in S.LABEL_ITEMS_HEADER)
        raise PageChangedError(PAGE, f"items header not found ({tried})", order_id=r.order_id)
    nxt: LexborNode | None = header.next
    while nxt is not None:
        if nxt.tag == "tr":
            tds = [c for c in nxt.iter() if c.tag == "td"]
            bold = tds[0].css_first("b") if tds else None
            if bold is not None and len(tds) >= 2:
                link = bold.css_first("a[href]")
                title = node_text(link) if link is not None else node_text(bold)
                if title:
                    r.items.append(Item(title, _asin(link), _seller(_lines(tds[0]))))
        nxt = nxt.next


def _legacy_text_block(body: LexborNode, r: _Reading) -> None:
    for cell in body.css(S.SUMMARY_PRICE_CELL[0]):
        lines = _lines(cell)
        if not any(_label_rest(line, S.LABEL_TEXT_ORDER_TOTAL) is not None for line in lines):
            continue
        for line in lines:
            m = _LABELLED.match(line)
            if not m:
                continue
            if _is_label(m["label"], S.LABEL_TEXT_ORDER_TOTAL):
                r.total(m["label"], m["value"])
            else:
                r.deduction(m["label"], m["value"])
        return


def _payments_widget(scope: LexborNode, r: _Reading) -> None:
    """The Payments Portal widget: card instruments, breakdown rows (deductions), grand total."""
    for node in scope.css(S.PAYMENT_CARD[0]):
        r.card(node_text(node))
    if first(scope, S.PAYMENT_NO_CHARGE) is not None:
        r.no_charge = True
    r.widget = r.widget or bool(r.cards or r.no_charge or first(scope, S.PAYMENT_GRAND_TOTAL) is not None)
    for row in scope.css(S.PAYMENT_BREAKDOWN_ROWS[0]):
        label, amount = _two_columns(row)
        if label:
            r.deduction(label.rstrip(":： "), amount)
    grand = first(scope, S.PAYMENT_GRAND_TOTAL)
    if grand is not None:
        label, amount = _two_columns(grand)
        r.total(label.rstrip(":： ") or "Grand Total", amount)


def _two_columns(row: LexborNode) -> tuple[str, str]:
    columns = [c for c in row.iter() if "a-column" in (c.attributes.get("class") or "").split()]
    if len(columns) != 2:
        return "", ""
    return node_text(columns[0]), node_text(columns[1])


# --- unified --------------------------------------------------------------------------------------------


def _read_unified(root: LexborNode, r: _Reading) -> None:
    box = first(root, S.UNIFIED_CONTAINER)
    assert box is not None
    id_node = first(box, S.UNIFIED_ORDER_ID)
    date_node = first(box, S.UNIFIED_ORDER_DATE)
    both = first(box, S.UNIFIED_DATE_AND_ID)
    for node in (id_node, both):
        m = ORDER_ID_RE.search(node_text(node)) if node is not None else None
        if m:
            r.order_id = m[1]
            break
    if date_node is not None and node_text(date_node):
        r.order_date = parse_date(node_text(date_node))
        if r.order_date is None:
            raise PageChangedError(PAGE, f"order date ({node_text(date_node)!r})", order_id=r.order_id)
    elif both is not None:
        rest = next((x for line in _lines(both) if (x := _label_rest(line, S.LABEL_UNIFIED_ORDER_DATE))), None)
        r.order_date = parse_date(rest) if rest else None
    _unified_items(box, r)
    for row in box.css(S.UNIFIED_SUBTOTAL_ROWS[0]):
        if len(row.css(".a-row")) > 1:  # selectolax matches the node itself too
            continue  # a row holding rows (the refund popover): its own rows are visited
        label, amount = _two_columns(row)
        if not label or not amount:
            continue
        if _is_label(label, S.LABEL_UNIFIED_GRAND_TOTAL):
            r.total(label.rstrip(":： "), amount)
        else:
            r.deduction(label.rstrip(":： "), amount)
    for node in box.css(S.UNIFIED_PAYMENT_INSTRUMENT[0]):
        parts = [node_text(node.css_first(sel)) for sel in S.UNIFIED_PAYMENT_PARTS if node.css_first(sel)]
        r.card(" ".join(p for p in parts if p))
    _payments_widget(box, r)


def _unified_items(box: LexborNode, r: _Reading) -> None:
    seen: set[tuple[str, str | None]] = set()
    titles = box.css(S.UNIFIED_ITEM_TITLE[0])
    for title_node in titles:
        scope = title_node
        while scope.parent is not None and len(scope.parent.css("[data-component=itemTitle]")) == 1:
            scope = scope.parent  # the item's own block: the widest ancestor holding only this title
        link = title_node.css_first("a[href]")
        seller_node = first(scope, S.UNIFIED_ITEM_SELLER)
        _add_item(r, seen, node_text(title_node), _asin(link), _seller([node_text(seller_node)]))
    if titles:
        return
    for item in box.css(S.UNIFIED_ITEMS_FALLBACK[0]):
        link = next((a for a in item.css("a[href]") if _asin(a) and node_text(a)), None)
        if link is not None:
            _add_item(r, seen, node_text(link), _asin(link), _seller([node_text(n) for n in item.css("span")]))


def _add_item(r: _Reading, seen: set[tuple[str, str | None]], title: str, asin: str | None, seller: str | None) -> None:
    if title and (title, asin) not in seen:
        seen.add((title, asin))
        r.items.append(Item(title, asin, seller))


# --- totals and payments --------------------------------------------------------------------------------


def _one_total(r: _Reading, template: str, order_id: str) -> Money:
    if not r.totals:
        labels = (
            S.LABEL_SUMMARY_ORDER_TOTAL + S.LABEL_TEXT_ORDER_TOTAL + ("Grand Total",)
            if template == "legacy"
            else S.LABEL_UNIFIED_GRAND_TOTAL
        )
        raise PageChangedError(PAGE, f"total ({' / '.join(labels)})", order_id=order_id)
    amounts = {money.amount for _, money, _ in r.totals}
    if len(amounts) > 1:
        said = ", ".join(f"{label} {money.amount}" for label, money, _ in r.totals)
        raise PageChangedError(
            PAGE, _("total (the page's totals disagree: {amounts})").format(amounts=said), order_id=order_id
        )
    # The same amount everywhere; its currency is the one a total names ("US$14.99") over a bare "$".
    named = [money for _, money, explicit in r.totals if explicit]
    return named[0] if named else r.totals[0][1]


def _payments(r: _Reading, total: Money) -> tuple[Payment, ...]:
    cards = [c for c in r.cards if not any(w in c.lower() for w in S.PAYMENT_DEDUCTION_WORDS)]
    balances = [c for c in r.cards if c not in cards]  # "Amazon gift card balance": shown as its deduction
    out = [Payment(c, total if len(cards) == 1 else None) for c in cards]
    out += r.deductions
    if not r.deductions:
        out += [Payment(b) for b in balances]
    return tuple(out)
