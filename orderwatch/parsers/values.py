"""Dates, money and text as the pages print them. Explicit formats only: no fuzzy date guessing
(dateutil reads 2024年8月23日 as a wrong date without complaint)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from selectolax.lexbor import LexborNode

_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for name in names
}
# amazon.de (digital-orders/de/*.html: "16. April 2026", "06. September 2026", "18. März 2026").
_DE_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
            ("januar", "jan"),
            ("februar", "feb"),
            ("märz", "mär", "mrz"),
            ("april", "apr"),
            ("mai",),
            ("juni", "jun"),
            ("juli", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "okt"),
            ("november", "nov"),
            ("dezember", "dez"),
        ]
    )
    for name in names
}
_DAY_FIRST_MONTHS = _MONTHS | _DE_MONTHS
_JA_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_SLASH_DATE = re.compile(r"\b(\d{4})/(\d{1,2})/(\d{1,2})\b")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
# "January 7, 2025", "Dec 13, 2023"; digital order summaries print no comma: "July 5 2024", "Sept. 20 2024".
_US_DATE = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:,\s*|\s+)(\d{4})\b")
# "7 January 2025"; German "16. April 2026", "18. März 2026", "3. Dez. 2025".
_DAY_FIRST_DATE = re.compile(r"\b(\d{1,2})\.?\s+([^\W\d_]{3,9})\.?\s+(\d{4})\b")


_SCRIPT_OR_COMMENT = re.compile(r"<!--|<script(?=[\s>/])", re.IGNORECASE)
_SCRIPT_END = re.compile(r"</script(?=[\s>/])", re.IGNORECASE)


def without_scripts(html: str) -> str:
    """``html`` without the contents of its <script> elements, for the parser: two thirds of a real order
    history page are inline scripts, which no selector reads and the HTML parser would still have to
    tokenize. As the HTML tokenizer does: a ``<script`` inside a comment is no script, a script ends at the
    first ``</script``; an unclosed script or comment keeps the rest as it is (nothing is ever dropped that
    the parser would have read as markup). Measured by bench/parse_vs_peer.py."""
    parts: list[str] = []
    start = pos = 0
    while (m := _SCRIPT_OR_COMMENT.search(html, pos)) is not None:
        if m[0] == "<!--":
            pos = html.find("-->", m.end())
            if pos < 0:
                break
            continue
        body = html.find(">", m.end())
        close = _SCRIPT_END.search(html, body) if body >= 0 else None
        if close is None:
            break
        parts.append(html[start : body + 1])
        start = pos = close.start()
    parts.append(html[start:])
    return "".join(parts)


def fold(text: str | None) -> str:
    """Collapse runs of white space (incl. full-width spaces and newlines) to one space."""
    return " ".join((text or "").split())  # str.split() folds all Unicode white space, incl. U+3000


def node_text(node: LexborNode | None) -> str:
    return fold(node.text(separator=" ")) if node is not None else ""


def parse_date(text: str) -> date | None:
    """Read a date in one of the formats the order pages use; None when none matches.

    Formats: 2025年1月7日, 2025/01/07, 2025-01-07, January 7, 2025 / Jan 7, 2025, July 5 2024 /
    Sept. 20 2024, 7 January 2025, and German day-first 16. April 2026 / 18. März 2026 / 3. Dez. 2025.
    """
    text = fold(text)
    for pattern in (_JA_DATE, _SLASH_DATE, _ISO_DATE):  # all year-month-day
        m = pattern.search(text)
        if m:
            return _safe_date(int(m[1]), int(m[2]), int(m[3]))
    m = _US_DATE.search(text)
    if m and m[1].lower() in _MONTHS:
        return _safe_date(int(m[3]), _MONTHS[m[1].lower()], int(m[2]))
    m = _DAY_FIRST_DATE.search(text)
    if m and m[2].lower() in _DAY_FIRST_MONTHS:
        return _safe_date(int(m[3]), _DAY_FIRST_MONTHS[m[2].lower()], int(m[1]))
    return None


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


# "US$14.99" is USD on every marketplace (amazon.ca prints it in the payments widget, where a plain "$" is
# CAD); "CA$" / "CDN$" are CAD.
_SYMBOLS = {"￥": "JPY", "¥": "JPY", "$": "USD", "US$": "USD", "CA$": "CAD", "CDN$": "CAD", "€": "EUR", "£": "GBP"}
_MONEY = re.compile(
    r"(?P<neg>[-−])?\s*(?:(?P<sym>(?:US|CA|CDN)\$|[￥¥$€£])|(?P<code>JPY|USD|EUR|GBP|CAD|AUD)\s?)\s*"
    r"(?P<num>\d[\d,.\s]*\d|\d)"
    r"|(?P<neg2>[-−])?\s*(?P<num2>\d[\d,.\s]*\d|\d)\s*(?P<sym2>[€£]|円|EUR|JPY)"
)
_EXPLICIT_CURRENCY = re.compile(r"(?:US|CA|CDN)\$|\b(?:JPY|USD|EUR|GBP|CAD|AUD)\b|[￥¥€£円]")


def parse_money(text: str, dollar: str = "USD") -> tuple[Decimal, str] | None:
    """Read the first amount in ``text``: ``(amount, ISO currency)``; None when there is none.

    ``￥8,200`` / ``￥ 1,234`` / ``8,200円`` → JPY; ``$28.50`` → ``dollar``; ``US$14.99`` → USD and
    ``CA$``/``CDN$`` → CAD whatever ``dollar`` is; ``€1.234,56``, ``54,99€`` and ``7,43 €`` → EUR (the last
    separator followed by two digits is the decimal one); ``-$21.20`` → negative.
    ``dollar`` is what a plain "$" means on the page's marketplace (CAD on amazon.ca).
    """
    m = _MONEY.search(fold(text))
    if not m:
        return None
    if m["num"] is not None:
        currency = dollar if m["sym"] == "$" else _SYMBOLS.get(m["sym"] or "", m["code"] or "")
        raw = m["num"]
    else:
        sym2 = m["sym2"]
        currency = {"円": "JPY", "€": "EUR", "£": "GBP"}.get(sym2, sym2)
        raw = m["num2"]
    amount = _number(raw.replace(" ", ""), currency)
    if amount is None:
        return None
    if m["neg"] if m["num"] is not None else m["neg2"]:
        amount = -amount
    return amount, currency


def names_currency(text: str) -> bool:
    """True when ``text`` names its currency (``US$``, ``CA$``, ``€``, ``￥``, ``EUR``), not just "$"."""
    return _EXPLICIT_CURRENCY.search(text) is not None


def _number(raw: str, currency: str) -> Decimal | None:
    last_sep = max(raw.rfind(","), raw.rfind("."))
    if last_sep >= 0 and len(raw) - last_sep - 1 == 2 and currency != "JPY":
        whole, frac = raw[:last_sep], raw[last_sep + 1 :]
        raw = whole.replace(",", "").replace(".", "") + "." + frac
    else:
        raw = raw.replace(",", "").replace(".", "") if currency == "JPY" else raw.replace(",", "")
    try:
        return Decimal(raw)
    except InvalidOperation:
        return None


def first(root: LexborNode, selectors: tuple[str, ...]) -> LexborNode | None:
    """The first node matched by the first selector that matches anything."""
    for sel in selectors:
        node = root.css_first(sel)
        if node is not None:
            return node
    return None


def all_of_first(root: LexborNode, selectors: tuple[str, ...]) -> list[LexborNode]:
    """All nodes of the first selector that matches anything (selectors are alternatives, not a union)."""
    for sel in selectors:
        nodes = root.css(sel)
        if nodes:
            return list(nodes)
    return []


def starts_with_label(text: str, labels: tuple[str, ...]) -> str | None:
    """When ``text`` starts with one of ``labels``, the rest after an optional colon; else None."""
    for label in labels:
        if text.startswith(label):
            return text[len(label) :].lstrip(":： ").strip()
    return None
