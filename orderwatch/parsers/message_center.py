"""Message Center (/gp/message) → the messages the site itself sent, as MessageEntry (subject, date, order ids).

No public recording of this page exists: the markup read here is the reconstruction in
``recordings/demo-jp/message-center.html`` (selectors in ``selectors.py``, "demo recording only"). A page
this parser cannot read raises PageChangedError: it is never taken for "no messages". An empty list is
read as empty only when the page says so (「メッセージはありません」 / "You have no messages").
"""

from __future__ import annotations

import re
import unicodedata

from selectolax.lexbor import LexborHTMLParser, LexborNode

from orderwatch.errors import PageChangedError
from orderwatch.i18n import _
from orderwatch.models import MessageEntry
from orderwatch.parsers import selectors as S
from orderwatch.parsers.order_history import ORDER_ID_RE
from orderwatch.parsers.values import all_of_first, first, node_text, parse_date
from orderwatch.vocabulary import PageKind

PAGE: PageKind = "message-center"
_COUNT_RE = re.compile(r"(\d[\d,]*)\s*(?:件|messages?\b)", re.IGNORECASE)


def parse_message_center(html: str, marketplace: str = "auto") -> tuple[MessageEntry, ...]:
    """Every message the page lists, in the page's order (newest first on the site).

    ``marketplace`` is accepted for the parsers' common signature; co.jp and English labels and date
    formats are all tried. Raises PageChangedError when the document is truncated, is not a Message
    Center (another page, a sign-in page, a renamed layout), lists fewer messages than its own count
    says, or a message lacks its subject or a readable date.
    """
    del marketplace  # labels of every language are tried
    if "</html>" not in html[-4096:].lower():
        raise PageChangedError(PAGE, "the document is truncated (no closing </html>)")
    tree = LexborHTMLParser(html)
    root = tree.body
    box = first(root, S.MESSAGE_CENTER_CONTAINER) if root is not None else None
    if box is None:
        raise PageChangedError(PAGE, "the Message Center (#message-center) is not on the page")
    heading = node_text(first(box, S.MESSAGE_CENTER_HEADING))
    if not any(label.casefold() in heading.casefold() for label in S.LABEL_MESSAGE_CENTER):
        raise PageChangedError(PAGE, "the heading メッセージセンター / Message Center is not on the page")
    listing = first(box, S.MESSAGE_LIST)
    rows = all_of_first(listing, S.MESSAGE_ROWS) if listing is not None else []
    declared = _declared_count(box)
    if not rows:
        if declared in (0, None) and any(t.casefold() in node_text(box).casefold() for t in S.TEXT_NO_MESSAGES):
            return ()
        what = "the message list (ul.mc-message-list)" if listing is None else "no message rows in the list"
        raise PageChangedError(PAGE, f"{what} and no 「メッセージはありません」 / 'You have no messages'")
    entries = tuple(_entry(row, n) for n, row in enumerate(rows, 1))
    if declared is not None and len(entries) < declared:
        raise PageChangedError(
            PAGE, _("the page says {declared} messages but lists {n}").format(declared=declared, n=len(entries))
        )
    return entries


def _entry(row: LexborNode, n: int) -> MessageEntry:
    subject = node_text(first(row, S.MESSAGE_SUBJECT))
    if not subject:
        raise PageChangedError(PAGE, f"message {n} has no subject (.mc-message-subject)")
    when = node_text(first(row, S.MESSAGE_DATE))
    sent = parse_date(when)
    if sent is None:
        raise PageChangedError(PAGE, f"message {n} has no readable date (.mc-message-date: {when[:40]!r})")
    preview = node_text(first(row, S.MESSAGE_PREVIEW))
    text = unicodedata.normalize("NFKC", f"{subject} {preview}")  # full-width digits and dashes too
    order_ids = tuple(dict.fromkeys(ORDER_ID_RE.findall(text)))
    return MessageEntry(subject, sent, order_ids)


def _declared_count(box: LexborNode) -> int | None:
    m = _COUNT_RE.search(node_text(first(box, S.MESSAGE_COUNT)))
    return int(m[1].replace(",", "")) if m else None
