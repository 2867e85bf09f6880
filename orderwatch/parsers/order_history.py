"""Order history page (/your-orders/orders) → OrderHistoryPage. Physical and digital orders.

Markup seen 2010-2026: cards ``div.order-card.js-order-card`` (older ``div.a-box-group.order``,
``div.order``); header columns of a label (``span.label`` / ``.a-text-caps``) and its value; the order
id in ``.yohtmlc-order-id``; items in ``.yohtmlc-item`` (list layout) or ``.item-box`` (2024+, also
image grids whose only title is the image's alt text, ended by "and N more"). The 2026 layout (amazon.de)
declares its count as ``<b>229 Bestellungen</b>`` in the time-filter label instead of ``span.num-orders``
and pages with ``page=N`` links: the next page is the page's own next link, as written.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from orderwatch.errors import PageChangedError
from orderwatch.i18n import _
from orderwatch.models import ORDER_ID_PATTERN, Item, Money, Order, OrderHistoryPage
from orderwatch.parsers import selectors as S
from orderwatch.parsers.detect import detect_marketplace, dollar_currency
from orderwatch.parsers.values import all_of_first, first, fold, node_text, parse_date, parse_money, without_scripts
from orderwatch.vocabulary import PageKind

PAGE: PageKind = "order-history"
ORDER_ID_RE = re.compile(rf"\b({ORDER_ID_PATTERN.pattern})\b")  # an id on a page; the id itself in group 1
_ASIN_RE = re.compile(r"/(?:gp/product|dp)/([A-Z0-9]{10})(?:[/?#]|$)")
_COUNT_RE = re.compile(r"(\d[\d,]*)")
_DECLARED_RE = re.compile(r"(\d[\d,.]*\d|\d)")  # "1,234 orders" / "1.234 Bestellungen" / "12件の注文"
_MORE_RES = tuple(re.compile(p) for p in S.MORE_ITEMS_TEXT)
UNTITLED = "(no title shown)"


def parse_order_history(html: str, marketplace: str = "auto") -> OrderHistoryPage:
    """Read every order card of an order-history page.

    Raises PageChangedError (naming the page and what is missing) when the document is truncated,
    is not an order history, shows cards but not its own count, shows fewer cards than its count and
    pagination promise, or a card
    lacks its id, date or total (a cancelled order may lack a total). A card shown twice (a hidden
    second layout) is one order.
    """
    if "</html>" not in html[-4096:].lower():
        raise PageChangedError(PAGE, "the document is truncated (no closing </html>)")
    tree = LexborHTMLParser(without_scripts(html))
    root = tree.body
    if root is None or first(root, S.ORDER_HISTORY_MARKERS) is None:
        raise PageChangedError(PAGE, "order list header (span.num-orders / time filter) not found")
    market = detect_marketplace(tree, html) if marketplace == "auto" else marketplace
    dollar = dollar_currency(market)
    declared = _declared_count(root)
    cards = all_of_first(root, S.ORDER_CARDS)
    if not cards:
        if declared == 0 or (declared is None and any(t in node_text(root) for t in S.NO_ORDERS_TEXT)):
            return OrderHistoryPage(market, (), declared)
        raise PageChangedError(
            PAGE, _("no order cards found (the page declares {declared} orders)").format(declared=declared)
        )
    if declared is None:  # every real page and layout states it; without it a missing card would go unseen
        raise PageChangedError(PAGE, "the page's order count (span.num-orders / the time filter's label) not found")
    orders: dict[str, Order] = {}
    for index, card in enumerate(cards):
        order = _parse_card(card, index, dollar)
        orders.setdefault(order.order_id, order)
    if len(orders) > S.PAGE_SIZE:  # a page holds 10: more is a page made up by something else than the site
        raise PageChangedError(
            PAGE,
            _("{n} order cards on one page, more than a page holds ({size})").format(n=len(orders), size=S.PAGE_SIZE),
        )
    expected = _expected_cards(root, declared)
    if expected is not None and len(orders) < expected:
        raise PageChangedError(
            PAGE,
            _(
                "only {n} order cards found where the page's count promises {expected} (the page declares "
                "{declared} orders)"
            ).format(n=len(orders), expected=expected, declared=declared),
        )
    next_link = first(root, S.NEXT_PAGE)
    next_url = (next_link.attributes.get("href") or None) if next_link is not None else None
    return OrderHistoryPage(market, tuple(orders.values()), declared, next_page_url=next_url)


def _declared_count(root: LexborNode) -> int | None:
    """The page's own count: "266 orders" / "304件の注文" / "229 Bestellungen" / "12件の注文"."""
    for sel in S.NUM_ORDERS:
        node = root.css_first(sel)
        m = _DECLARED_RE.search(node_text(node)) if node is not None else None
        if m:
            return int(m[1].replace(",", "").replace(".", ""))
    return None


def _expected_cards(root: LexborNode, declared: int | None) -> int | None:
    """How many cards this page must show: ``min(10, declared - start)``, with the start taken from
    the selected page of the pagination (the first page when there is none)."""
    if declared is None:
        return None
    current = first(root, S.CURRENT_PAGE)
    number = int(m[1]) if current is not None and (m := _COUNT_RE.search(node_text(current))) else 1
    return max(0, min(S.PAGE_SIZE, declared - (number - 1) * S.PAGE_SIZE))


def _parse_card(card: LexborNode, index: int, dollar: str) -> Order:
    where = f"order card #{index + 1}"
    fields = _header_fields(card)
    order_id = _order_id(card)
    if order_id is None:
        raise PageChangedError(PAGE, f"{where}: order id")
    where = f"order {order_id}"
    date_text = _field(fields, S.LABEL_ORDER_DATE)
    order_date = parse_date(date_text) if date_text else None
    if order_date is None:
        raise PageChangedError(PAGE, f"{where}: order date ({date_text or 'label not found'})", order_id=order_id)
    card_text = node_text(card)
    cancelled = any(m in card_text for m in S.CANCELLED_MARKERS)
    total_text = _field(fields, S.LABEL_TOTAL)
    if total_text is None:
        node = first(card, S.ORDER_TOTAL)
        total_text = node_text(node) if node else None
    total: Money | None = None
    if total_text:
        parsed = parse_money(total_text, dollar)
        if parsed is None:
            raise PageChangedError(PAGE, f"{where}: total ({total_text!r})", order_id=order_id)
        total = Money(*parsed)
    elif not cancelled:
        raise PageChangedError(PAGE, f"{where}: total", order_id=order_id)
    items, more = _items(card)
    is_digital = order_id.startswith("D") or any(m in card_text for m in S.DIGITAL_MARKERS)
    return Order(order_id, order_date, total, is_digital, items, cancelled, more_items=more)


def _header_fields(card: LexborNode) -> dict[str, str]:
    """Label → value for the card's header columns (注文日 / 合計 / ...).

    Climbs from each label to the first ancestor holding more than the label; the rest of that
    ancestor's text is the value. Works for the 2010-2023 ``a-column`` layout and the 2024+ layout.
    """
    out: dict[str, str] = {}
    for sel in S.HEADER_LABELS:
        for label in card.css(sel):
            label_text = node_text(label)
            if not label_text or label_text in out:
                continue
            holder = label.parent
            holder_text = node_text(holder)
            while holder is not None and holder_text == label_text:
                holder = holder.parent
                holder_text = node_text(holder)
            if holder is None:
                continue
            out[label_text] = fold(holder_text.replace(label_text, "", 1))
    return out


def _field(fields: dict[str, str], labels: tuple[str, ...]) -> str | None:
    for label in labels:
        if label in fields:
            return fields[label]
    return None


def _order_id(card: LexborNode) -> str | None:
    for sel in (*S.ORDER_ID, *S.ORDER_ID_BLOCK):
        node = card.css_first(sel)
        if node is not None:
            m = ORDER_ID_RE.search(node_text(node))
            if m:
                return m[1]
    link = first(card, S.DETAILS_LINK)
    if link is not None:
        m = ORDER_ID_RE.search(link.attributes.get("href") or "")
        if m:
            return m[1]
    return None


def _seller(box: LexborNode) -> str | None:
    for line in (node_text(n) for n in box.css("span, div")):
        for prefix in S.SELLER_PREFIXES:
            if line.lower().startswith(prefix.lower()):
                return line[len(prefix) :].strip() or None
    return None


def _items(card: LexborNode) -> tuple[tuple[Item, ...], int]:
    """The items a card lists, and how many more it only counts ("and 5 more" / "他5点")."""
    items: list[Item] = []
    seen: set[tuple[str, str | None]] = set()
    more = 0
    for box in all_of_first(card, S.ITEMS):
        box_text = node_text(box)
        if first(box, S.MORE_ITEMS) is not None or any(r.match(box_text) for r in _MORE_RES):
            m = next((m for r in _MORE_RES if (m := r.search(box_text))), None) or _COUNT_RE.search(box_text)
            more += int(m[1]) if m else 1
            continue
        links = [link for sel in S.ITEM_LINKS for link in box.css(sel)]
        asin = next((m[1] for link in links if (m := _ASIN_RE.search(link.attributes.get("href") or ""))), None)
        title = node_text(first(box, S.ITEM_TITLE))
        if not title:
            title = next((t for link in links if (t := node_text(link)) and not t.isdigit()), "")
        if not title:
            title = next(
                (
                    fold(img.attributes.get("alt"))
                    for link in links
                    for img in link.css("img")
                    if fold(img.attributes.get("alt"))
                ),
                "",
            )
        if not title:
            if not links:
                continue  # a box without a product: layout filler
            title = UNTITLED  # real pages show such items (grocery grids, "/dp/_ASINLESS_", empty alt)
        seller = _seller(box) if any(p.lower() in box_text.lower() for p in S.SELLER_PREFIXES) else None
        if (title, asin) not in seen:
            seen.add((title, asin))
            items.append(Item(title, asin, seller))
    return tuple(items), more
