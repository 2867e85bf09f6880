"""Turn pages a run visited into shareable recordings: explicit, tested rules replace personal data
(names, addresses, e-mail addresses, phone numbers, card digits, gift-card codes, CSRF and session
tokens, ids in URLs). Order ids, dates, totals, titles and ASINs stay, so a scrubbed page parses to the
same orders. The scrub report counts what each rule replaced — never the replaced values."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from orderwatch.models import PageCapture

RULES: dict[str, str] = {
    "known_value": "values known to be the user's (the account e-mail, names given with --scrub)",
    "greeting_name": "the name in the navigation greeting (こんにちは, NAME / Hello, NAME)",
    "name_or_address_block": "recipient, ship-to, billing-address, address and default-address blocks",
    "honorific_name": "a name before 様 (Japanese honorific)",
    "email": "e-mail addresses anywhere (text, attributes, scripts)",
    "phone": "phone numbers (Japanese 0X-XXXX-XXXX and international +N forms)",
    "card_digits": "the last digits of payment cards (末尾 1234, ending in 1234, ••••1234; also alone in a node)",
    "gift_card_code": "gift-card claim codes (XXXX-XXXXXX-XXXX)",
    "token_field": "hidden form fields and data attributes that carry tokens (CSRF, session, workflow state)",
    "token_in_script": "token-like values assigned in inline scripts",
    "url_id": "customer, session, shipment and item ids and tokens in URL query strings",
    "account_name_row": "the name on Login & Security (the value of its name row), wherever else it appears",
    "device_identity": "the digital console's device names and serial numbers (names often hold the owner's)",
}
# Login & Security's name row: the current page's #NAME_BUTTON and the older /ap/cnep form
# (reference/account-pages.md); its first text is the label, the next one the name.
NAME_ROWS = ("#NAME_BUTTON", "#cnep_1a_name_form")
DEVICE_NAME = re.compile(r"^device\w*Name$")  # deviceName, deviceAccountName (not displayCategoryFriendlyName)
DEVICE_SERIAL = re.compile(r"(?i)serial")

NAME_BLOCKS = (
    ".yohtmlc-recipient .a-size-base", ".recipient .a-size-base", "[id^=shipToInsertionNode]", ".displayAddressDiv",
    ".a-popover-preload", "#auth-email-claim",
    # the Payments Portal's billing address (name, street, phone) and the 1-Click address
    ".pmts-billing-address-details", ".pmts-one-click-address",
    # the unified order details' recipient ("Empfänger Max Mustermann")
    "[data-component=shippingAddress] ul",
)  # fmt: skip
# A bold label followed by the person's name in the same block: the legacy digital summary's
# "<b>Recipient:</b><br />Jane Doe" (digital-orders/ca-order-summary-*.html) and its co.jp 受取人.
NAME_LABELS = ("Recipient:", "受取人:")
# A card's last digits in a node of their own, apart from "末尾" / "••••" (which CARD needs beside them):
# the unified order details (digital-orders/de/order-details-D01-1151337-3109897.html, 2026)
CARD_DIGIT_NODES = ("[data-testid=payment-instrument-number]",)
GREETING = ("#nav-link-accountList-nav-line-1", "#glow-ingress-line1", "#nav-greeting-name")
TOKEN_NAME = re.compile(r"(?i)token|csrf|session|workflow|state|signature|nonce|claim|\barb\b|^ats$|cust|key")
URL_ID_KEYS = re.compile(
    r"(?i)^(customerId|customer-id|sessionId|session-id|token|csrf|ats|arb|recipientId|sellerID|sellerId|lineItemId"
    r"|shipmentId|itemId|packageId|returnSummaryId|encryptedId|clientContext|pd_rd_\w+|pf_rd_\w+|qid|sr|crid)$"
)
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
PHONE = re.compile(r"(?<![\d-])(?:0\d{1,4}-\d{1,4}-\d{3,4}|\+\d{1,3}[ -]\d{1,4}[ -]\d{2,4}[ -]\d{3,4})(?![\d-])")
CARD = re.compile(r"(末尾\s*|ending in\s*|ending with\s*|[•*]{4}\s*)(\d{4})")
GIFT = re.compile(r"\b(?=[A-Z0-9-]*[A-Z])[A-Z0-9]{4}-[A-Z0-9]{6}-[A-Z0-9]{4,5}\b")
HONORIFIC = re.compile(r"[^\s<>「」、,:：]{1,12}(?:\s[^\s<>「」、,:：]{1,12})?\s?様")
SCRIPT_TOKEN = re.compile(r"""(?i)(["']?[\w-]*(?:csrf|token|session)[\w-]*["']?\s*[:=]\s*["'])([^"']{6,})(["'])""")


def scrub_page(html: str, known: tuple[str, ...] = ()) -> tuple[str, Counter[str]]:
    """Scrub one page. Returns the scrubbed HTML and how often each rule applied."""
    counts: Counter[str] = Counter()
    for value in sorted({v for v in known if v and len(v) >= 3}, key=len, reverse=True):
        n = html.count(value)
        if n:
            counts["known_value"] += n
            html = html.replace(value, "user@example.com" if EMAIL.fullmatch(value) else "REDACTED")
    tree = LexborHTMLParser(html)
    names: set[str] = set()
    for sel in NAME_ROWS:
        for row in tree.css(sel):
            texts = [
                (n.text_content or "").strip()
                for n in row.traverse(include_text=True)
                if n.tag == "-text" and (n.text_content or "").strip()
            ]
            if len(texts) >= 2:  # the label, then the name
                names.add(texts[1])
    for name in sorted((n for n in names if len(n) >= 2), key=len, reverse=True):
        counts["account_name_row"] += html.count(name)
        html = html.replace(name, "REDACTED")
    if names:
        tree = LexborHTMLParser(html)
    for sel in GREETING:
        for node in tree.css(sel):
            text = node.text() or ""
            kept = re.match(r"\s*(こんにちは[,、]\s*|Hello,\s*|Hi,\s*)", text)
            if kept and text.strip() not in ("こんにちは, ログイン", "Hello, sign in"):
                _set_text(node, kept[1] + "Customer")
                counts["greeting_name"] += 1
    for sel in NAME_BLOCKS:
        for node in tree.css(sel):
            if (node.text() or "").strip():
                _set_text(node, "REDACTED")
                counts["name_or_address_block"] += 1
    for sel in CARD_DIGIT_NODES:
        for node in tree.css(sel):
            if re.fullmatch(r"\s*\d{2,4}\s*", node.text() or "") and (node.text() or "").strip() != "0000":
                _set_text(node, "0000")
                counts["card_digits"] += 1
    for bold in tree.css("b"):
        label = " ".join((bold.text() or "").split())
        holder = bold.parent
        if label in NAME_LABELS and holder is not None and " ".join((holder.text() or "").split()) != label:
            _set_text(holder, f"{label} REDACTED")
            counts["name_or_address_block"] += 1
    for field in tree.css("input[type=hidden], input:not([type])"):
        name = field.attributes.get("name") or field.attributes.get("id") or ""
        if TOKEN_NAME.search(name) and field.attributes.get("value"):
            field.attrs["value"] = "REDACTED"
            counts["token_field"] += 1
    for node in tree.css("*"):
        for attr, attr_value in list(node.attributes.items()):
            if attr_value is None:
                continue
            if attr.startswith("data-") and TOKEN_NAME.search(attr) and len(attr_value) >= 6:
                node.attrs[attr] = "REDACTED"
                counts["token_field"] += 1
            elif attr in ("href", "src", "action", "data-url", "formaction"):
                cleaned = _scrub_url(attr_value, counts)
                if cleaned != attr_value:
                    node.attrs[attr] = cleaned
    html = tree.html or ""
    html = _sub(SCRIPT_TOKEN, lambda m: m[1] + "REDACTED" + m[3], html, counts, "token_in_script")
    html = _sub(EMAIL, lambda m: "user@example.com" if m[0] != "user@example.com" else m[0], html, counts, "email")
    html = _sub(PHONE, lambda m: "000-0000-0000", html, counts, "phone")
    html = _sub(CARD, lambda m: m[1] + "0000", html, counts, "card_digits")
    html = _sub(GIFT, lambda m: "XXXX-XXXXXX-XXXX", html, counts, "gift_card_code")
    html = _sub(HONORIFIC, lambda m: "REDACTED 様" if m[0] != "REDACTED 様" else m[0], html, counts, "honorific_name")
    return html, counts


def scrub_json(text: str, known: tuple[str, ...] = ()) -> tuple[str, Counter[str]]:
    """Scrub a JSON answer the run kept (the digital console's device and content lists): device names and
    serial numbers, token-like keys, e-mail addresses, phone numbers and known values. Titles, ASINs and dates
    stay, so it parses to the same lists."""
    import json

    counts: Counter[str] = Counter()
    seen: dict[str, str] = {}
    serials: dict[str, str] = {}

    def clean(key: str, value: object) -> object:
        if isinstance(value, dict):
            return {k: clean(k, v) for k, v in value.items()}
        if isinstance(value, list):
            return [clean(key, v) for v in value]
        if not isinstance(value, str):
            return value
        if DEVICE_SERIAL.search(key):  # one stand-in per device: the parser tells devices apart by it
            counts["device_identity"] += 1
            return serials.setdefault(value, f"REDACTED-{len(serials) + 1}")
        if DEVICE_NAME.match(key):
            counts["device_identity"] += 1
            return seen.setdefault(value, f"Device {len(seen) + 1}")
        if TOKEN_NAME.search(key) and len(value) >= 6:
            counts["token_field"] += 1
            return "REDACTED"
        for v in known:
            if v and len(v) >= 3 and v in value:
                counts["known_value"] += 1
                value = value.replace(v, "REDACTED")
        value = _sub(EMAIL, lambda m: "user@example.com", value, counts, "email")
        return _sub(PHONE, lambda m: "000-0000-0000", value, counts, "phone")

    data = clean("", json.loads(text))
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n", counts


def _sub(
    pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str], html: str, counts: Counter[str], rule: str
) -> str:
    def count(m: re.Match[str]) -> str:
        new = repl(m)
        if new != m[0]:
            counts[rule] += 1
        return new

    return pattern.sub(count, html)


def _scrub_url(url: str, counts: Counter[str]) -> str:
    parts = urlsplit(url)
    if not parts.query:
        return url
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    changed = False
    out = []
    for key, value in pairs:
        if URL_ID_KEYS.match(key) and value and value != "REDACTED":
            out.append((key, "REDACTED"))
            counts["url_id"] += 1
            changed = True
        else:
            out.append((key, value))
    return parts._replace(query=urlencode(out, safe="/:")).geturl() if changed else url


def _set_text(node: LexborNode, text: str) -> None:
    for child in list(node.iter(include_text=True)):
        child.decompose()
    node.insert_child(text)


def scrub_url(url: str) -> str:
    """A URL for the manifest: ids in its query replaced."""
    return _scrub_url(url, Counter())


@dataclass(frozen=True)
class Recording:
    """What `orderwatch record` writes: each page scrubbed (file name → text), the manifest (URL scrubbed,
    page kind, marketplace, capture time, how many orders) and the scrub report (counts per rule, never
    the values)."""

    pages: dict[str, str]
    manifest: list[dict[str, Any]]
    scrub_report: dict[str, Any]

    @property
    def replaced(self) -> dict[str, int]:
        return dict(self.scrub_report["replaced"])


def make_recording(
    captures: Iterable[PageCapture], marketplace: str, captured_at: str, known: tuple[str, ...] = ()
) -> Recording:
    """The recording of a run's captured pages (those with their HTML kept); ``known``: values to replace
    wherever they appear (the account e-mail, names given with --scrub)."""
    pages: dict[str, str] = {}
    manifest: list[dict[str, Any]] = []
    totals: Counter[str] = Counter()
    per_page: dict[str, dict[str, int]] = {}
    for index, capture in enumerate(captures, 1):
        if capture.html is None:
            continue
        is_json = capture.html.lstrip().startswith(("{", "["))  # the console's answers (devices, content)
        name = f"{index:02d}-{capture.kind}.{'json' if is_json else 'html'}"
        scrubbed, counts = (scrub_json if is_json else scrub_page)(capture.html, known)
        pages[name] = scrubbed
        manifest.append(
            {
                "file": name,
                "url": scrub_url(capture.url),
                "page": capture.kind,
                "marketplace": marketplace,
                "captured_at": captured_at,
                "orders": len(capture.order_ids),
            }
        )
        per_page[name] = dict(counts)
        totals.update(counts)
    scrub_report = {
        "rules": RULES,
        "replaced": dict(totals),
        "pages": per_page,
        "note": "Counts only: the replaced values are not kept anywhere.",
    }
    return Recording(pages, manifest, scrub_report)
