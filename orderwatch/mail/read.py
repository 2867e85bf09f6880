"""Read a saved mail (.eml or pasted raw text) into plain facts. No network, no link is opened.

Handles multipart messages, text/plain and text/html bodies, base64 and quoted-printable,
ISO-2022-JP, Shift_JIS and UTF-8 charsets, and RFC 2047 encoded headers (the standard library's
``email`` package with ``policy.default`` does the decoding).
"""

from __future__ import annotations

import email
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import getaddresses, parsedate_to_datetime

from selectolax.lexbor import LexborHTMLParser

from orderwatch.errors import UsageError
from orderwatch.i18n import _
from orderwatch.models import ORDER_ID_PATTERN

MAX_BYTES = 10 * 1024 * 1024
_HEADER_LINE = re.compile(rb"^[!-9;-~]+:[ \t]?", re.M)  # "Name: value" as RFC 5322 writes it
_ORDER_ID = re.compile(rf"(?<![\w-])({ORDER_ID_PATTERN.pattern})(?![\w-])")  # not part of a longer token
_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−ーｰ－"), "-")
_TEXT_URL = re.compile(r"""(?i)\b(?:https?://|www\.)[^\s<>"'「」（）()\u3000]+""")


@dataclass(frozen=True)
class Address:
    display_name: str
    address: str

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2].lower().rstrip(".")


@dataclass(frozen=True)
class RawLink:
    url: str
    text: str  # the anchor text ("" for links found in plain text)
    source: str  # "html" | "text" | "form"


@dataclass(frozen=True)
class MailFacts:
    subject: str
    date: datetime | None
    from_: Address | None
    reply_to: tuple[Address, ...]
    return_path: str | None
    auth_results: tuple[str, ...]  # Authentication-Results headers, topmost first
    text: str  # all readable text (subject, plain parts, HTML parts as text)
    links: tuple[RawLink, ...]
    order_ids: tuple[str, ...]


def read_mail(raw: bytes, name: str | None = None) -> MailFacts:
    """Parse a saved mail (``name``: the file as the user named it, for messages). Raises UsageError (exit 2)
    for empty, binary, oversized or non-mail input."""
    name = name or _("the input")
    if not raw.strip():
        raise UsageError(
            _("{name} is empty: save the whole message (.eml, or the raw source) and try again").format(name=name)
        )
    if len(raw) > MAX_BYTES:
        raise UsageError(
            _("{name} is {size} MiB; a mail to check is at most 10 MiB").format(
                name=name, size=len(raw) // 1024 // 1024
            )
        )
    if b"\x00" in raw or raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UsageError(
            _("{name} is a binary file, not a mail (an Outlook .msg? save the message as .eml instead)").format(
                name=name
            )
        )
    head = raw.lstrip()[:4096]
    if not _HEADER_LINE.match(head):
        raise UsageError(
            _("{name} is not a mail: it does not start with mail headers (From:, Subject:, ...)").format(name=name)
        )
    msg = email.message_from_bytes(raw.lstrip(), policy=default_policy)
    assert isinstance(msg, EmailMessage)
    if msg["From"] is None and msg["Subject"] is None and msg["Received"] is None:
        raise UsageError(_("{name} is not a mail: no From, Subject or Received header").format(name=name))

    texts: list[str] = []
    links: list[RawLink] = []
    for part in msg.walk():
        if part.is_multipart() or part.get_content_maintype() != "text":
            continue
        if part.get_content_disposition() == "attachment":
            continue
        body = _content(part)
        if part.get_content_subtype() == "html":
            text, html_links = _read_html(body)
            texts.append(text)
            links += html_links
        else:
            texts.append(body)
            links += [RawLink(_trim(u), "", "text") for u in _TEXT_URL.findall(body)]
    subject = str(msg["Subject"] or "")
    text = "\n".join([subject, *texts])
    return MailFacts(
        subject=subject,
        date=_date(msg),
        from_=_first_address(msg, "From"),
        reply_to=tuple(_addresses(msg, "Reply-To")),
        return_path=_return_path(msg),
        auth_results=tuple(str(v) for v in msg.get_all("Authentication-Results") or []),
        text=text,
        links=tuple(_unique(links)),
        order_ids=tuple(find_order_ids(text)),
    )


def find_order_ids(text: str) -> list[str]:
    """Order numbers in physical (249-1234567-1234567) and digital (D01-...) form, also written in
    full-width digits and dashes (注文番号：Ｄ０１－２０４６１７５－３３９１８４２); first-seen order."""
    normal = unicodedata.normalize("NFKC", text).translate(_DASHES)
    seen: dict[str, None] = {}
    for m in _ORDER_ID.finditer(normal):
        seen.setdefault(m[1], None)
    return list(seen)


def _content(part: EmailMessage) -> str:
    try:
        content = part.get_content()
    except (LookupError, UnicodeDecodeError, ValueError):  # unknown or lying charset: decode leniently
        payload = part.get_payload(decode=True)
        raw = payload if isinstance(payload, bytes) else b""
        charset = part.get_content_charset() or "utf-8"
        try:
            return raw.decode(charset, errors="replace")
        except LookupError:
            return raw.decode("utf-8", errors="replace")
    return content if isinstance(content, str) else ""


def _read_html(body: str) -> tuple[str, list[RawLink]]:
    tree = LexborHTMLParser(body)
    links = []
    for a in tree.css("a[href], area[href]"):
        links.append(RawLink((a.attributes.get("href") or "").strip(), " ".join(a.text().split()), "html"))
    for form in tree.css("form[action]"):
        links.append(RawLink((form.attributes.get("action") or "").strip(), "(form)", "form"))
    for node in tree.css("script, style, head"):
        node.decompose()
    text = tree.body.text(separator=" ") if tree.body is not None else ""
    for u in _TEXT_URL.findall(text):  # URLs written as text in the HTML, not linked
        links.append(RawLink(_trim(u), "", "text"))
    return text, links


def _trim(url: str) -> str:
    return url.rstrip(".,;:!?)]}>、。")


def _unique(links: list[RawLink]) -> list[RawLink]:
    """Each (url, anchor text) once; a URL written as plain text once, and not again when it is also
    linked (HTML parts are read after plain-text parts, so the linked form with its text is kept)."""
    linked = {link.url for link in links if link.source != "text"}
    seen: set[tuple[str, str]] = set()
    out = []
    for link in links:
        if not link.url or (link.source == "text" and link.url in linked) or (link.url, link.text) in seen:
            continue
        seen.add((link.url, link.text))
        out.append(link)
    return out


def _addresses(msg: EmailMessage, header: str) -> list[Address]:
    values = [str(v) for v in msg.get_all(header) or []]
    return [Address(name.strip(), addr.strip()) for name, addr in getaddresses(values) if addr]


def _first_address(msg: EmailMessage, header: str) -> Address | None:
    found = _addresses(msg, header)
    return found[0] if found else None


def _return_path(msg: EmailMessage) -> str | None:
    value = msg["Return-Path"]
    return str(value).strip().strip("<>") or None if value is not None else None


def _date(msg: EmailMessage) -> datetime | None:
    value = msg["Date"]
    if value is None:
        return None
    try:
        return parsedate_to_datetime(str(value))
    except (TypeError, ValueError):
        return None
