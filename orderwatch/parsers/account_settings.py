"""Account settings (issue 11) → typed models: Login & Security, 2-step verification, memberships and
subscriptions (HTML), and the digital console's answers for devices and Kindle content (JSON).

No public recording of any of these pages exists: every selector and label comes from
``selectors.py`` (section "account settings"), which names what each one rests on. Things are found by
meaning — the row ids and labels public tools use, headings, the JSON keys the console is known to send —
never by class names. A page that is not what it should be raises PageChangedError: a page we cannot read
is an error, never "nothing there".
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from selectolax.lexbor import LexborHTMLParser, LexborNode

from orderwatch.errors import PageChangedError
from orderwatch.i18n import _
from orderwatch.marketplace import MARKETPLACES
from orderwatch.models import (
    ContentItem,
    ContentPage,
    Device,
    LoginSecurity,
    Money,
    Subscription,
    TwoStepMethod,
    TwoStepSettings,
)
from orderwatch.parsers import selectors as S
from orderwatch.parsers.detect import detect_marketplace, dollar_currency
from orderwatch.parsers.values import all_of_first, first, fold, node_text, parse_date, parse_money
from orderwatch.vocabulary import PageKind

PAGE_LOGIN: PageKind = "login-security"
PAGE_TWO_STEP: PageKind = "two-step"
PAGE_MEMBERSHIPS: PageKind = "memberships"
PAGE_CONSOLE: PageKind = "digital console"
PAGE_DEVICES: PageKind = "devices"
PAGE_CONTENT: PageKind = "content"

_NOT_TEXT = ("script", "style", "noscript", "template")
# Time zones of marketplaces orderwatch does not check but whose pages it parses (acquiredTime → a date).
_EXTRA_TIMEZONES = {"ca": "America/Toronto", "de": "Europe/Berlin", "co.uk": "Europe/London"}
_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


# --- shared helpers ------------------------------------------------------------------------------------------
def _root(html: str, page: PageKind) -> tuple[LexborHTMLParser, LexborNode]:
    tree = LexborHTMLParser(html)
    if tree.root is None or tree.body is None:
        raise PageChangedError(page, _("the document is empty"))
    return tree, tree.root


def _market(tree: LexborHTMLParser, html: str, marketplace: str) -> str:
    return detect_marketplace(tree, html) if marketplace == "auto" else marketplace


def _chunks(node: LexborNode) -> list[str]:
    """The node's text nodes, each folded, in document order (scripts and styles left out)."""
    out = []
    for n in node.traverse(include_text=True):
        if n.tag == "-text" and n.parent is not None and n.parent.tag not in _NOT_TEXT:
            text = fold(n.text_content)
            if text:
                out.append(text)
    return out


def _key(text: str) -> str:
    return fold(text).rstrip(":： ").casefold()


def _is_one_of(text: str, words: tuple[str, ...]) -> bool:
    return _key(text) in {w.casefold() for w in words}


def _labelled(chunks: list[str], labels: tuple[str, ...], skip: tuple[str, ...] = ()) -> tuple[bool, str | None]:
    """Find a label among ``chunks``: (found, its value). The value is the rest of the label's own text after a
    colon ("Name: Taro"), else the next chunk that is not one of the ``skip`` words (an edit control)."""
    keys = sorted((label.casefold() for label in labels), key=len, reverse=True)
    for i, chunk in enumerate(chunks):
        folded = chunk.casefold()
        for key in keys:
            if _key(chunk) == key:
                rest = next((c for c in chunks[i + 1 :] if not _is_one_of(c, skip)), None)
                return True, rest
            if folded.startswith(key) and folded[len(key) : len(key) + 1] in (":", "："):
                value = chunk[len(key) + 1 :].strip()
                if value:
                    return True, value
                return True, next((c for c in chunks[i + 1 :] if not _is_one_of(c, skip)), None)
    return False, None


def _text_after(chunks: list[str], labels: tuple[str, ...], span: int = 3) -> str | None:
    """The text following a label (the rest of its chunk and the next ``span`` chunks); None without the label."""
    keys = [label.casefold() for label in labels]
    for i, chunk in enumerate(chunks):
        folded = chunk.casefold()
        for key in keys:
            if folded.startswith(key):
                return " ".join([chunk[len(key) :], *chunks[i + 1 : i + 1 + span]]).lstrip(":： ")
    return None


# --- Login & Security ----------------------------------------------------------------------------------------
_LS_LABELS = {
    "name": S.LABEL_LS_NAME,
    "email": S.LABEL_LS_EMAIL,
    "phone": S.LABEL_LS_PHONE,
    "passkeys": S.LABEL_LS_PASSKEY,
    "password": S.LABEL_LS_PASSWORD,
    "two_step": S.LABEL_LS_TWO_STEP,
}
_MISSING = object()  # a row that is not on the page (unlike a row that shows no value)


def parse_login_security(html: str, marketplace: str = "auto") -> LoginSecurity:
    """Read Login & Security: the current layout (/ax/account/manage: rows are buttons with ids such as
    ``EMAIL_BUTTON``, each carrying its label) or the older one (/ap/cnep: ``ul.a-box-list > li`` rows of a bold
    label and the value after it). A row is read only when it carries its label.

    Refuses (PageChangedError): neither layout; a row id whose row has no label we know; no e-mail row, or an
    e-mail without "@"; no name row; no mobile-number row (its absence must not read as "no phone"); a passkey
    value that is neither a count nor a known "none" text. A page without a passkey row (/ap/cnep predates
    passkeys) reads as 0 passkeys; a 2-step row that does not say on or off reads as None (unknown).
    """
    tree, root = _root(html, PAGE_LOGIN)
    market = _market(tree, html, marketplace)
    email_id = f"#{S.LS_ROW_IDS['email']}"
    scopes = [s for sel in S.LS_SCOPE for s in root.css(sel)]
    scope = next((s for s in scopes if s.css_first(email_id) is not None), root)
    values: dict[str, object] = {}
    if any(scope.css_first(f"#{row_id}") is not None for row_id in S.LS_ROW_IDS.values()):
        for name, row_id in S.LS_ROW_IDS.items():
            row = scope.css_first(f"#{row_id}")
            if row is None:
                values[name] = _MISSING
                continue
            found, value = _labelled(_chunks(row), _LS_LABELS[name], S.LS_ACTION_WORDS)
            if not found:
                raise PageChangedError(PAGE_LOGIN, f"the row #{row_id} has no label we know ({_LS_LABELS[name][0]})")
            values[name] = value
    elif first(root, S.CNEP_MARKERS) is not None:
        rows = [_chunks(li) for li in all_of_first(root, S.CNEP_ROWS)]
        for name, labels in _LS_LABELS.items():
            values[name] = _MISSING
            for chunks in rows:
                found, value = _labelled(chunks, labels, S.LS_ACTION_WORDS)
                if found:
                    values[name] = value
                    break
        if values["phone"] is _MISSING and first(root, S.CNEP_ADD_PHONE) is not None:
            values["phone"] = None
    else:
        raise PageChangedError(PAGE_LOGIN, "neither layout: no row ids (#EMAIL_BUTTON …) and no #ap_cnep_header")

    for name in ("email", "name", "phone"):
        if values[name] is _MISSING:
            raise PageChangedError(PAGE_LOGIN, f"no {name} row ({_LS_LABELS[name][0]} / {_LS_LABELS[name][-1]})")
    email = values["email"]
    if not isinstance(email, str) or "@" not in email:
        raise PageChangedError(PAGE_LOGIN, "the e-mail row shows no e-mail address")
    return LoginSecurity(
        marketplace=market,
        name=values["name"] if isinstance(values["name"], str) else None,
        email=email,
        phone=_phone(values["phone"]),
        passkeys=_passkeys(values["passkeys"]),
        two_step=_on_off(values["two_step"]),
    )


def _phone(value: object) -> str | None:
    if value is None or (isinstance(value, str) and any(w.casefold() in value.casefold() for w in S.LS_NO_PHONE)):
        return None
    if not isinstance(value, str) or not re.search(r"\d{2}", value):
        raise PageChangedError(PAGE_LOGIN, "the mobile-number row shows neither a number nor that there is none")
    return value


def _passkeys(value: object) -> int:
    if value is _MISSING:
        return 0
    text = value if isinstance(value, str) else ""
    m = re.search(S.PASSKEY_COUNT, text, re.IGNORECASE)
    if m:
        return int(m[1])
    if text.strip().isdigit():
        return int(text)
    if text and any(w.casefold() in text.casefold() for w in S.LS_NO_PASSKEY):
        return 0
    raise PageChangedError(PAGE_LOGIN, "the passkey row shows neither a count nor that there is none")


def _on_off(value: object) -> bool | None:
    if not isinstance(value, str):
        return None
    if _is_one_of(value, S.LS_TWO_STEP_OFF):
        return False
    if _is_one_of(value, S.LS_TWO_STEP_ON):
        return True
    return None


# --- 2-step verification -------------------------------------------------------------------------------------
def parse_two_step(html: str, marketplace: str = "auto") -> TwoStepSettings:
    """Read the 2-step verification settings (/a/settings/approval): on when ``#ch-settings-otp-change-preferred``
    is there (with the preferred method and each backup method, found next to its remove button
    ``#ch-settings-otp-remove-backup-N``), off when ``#sia-settings-enable-mfa`` is.

    Refuses (PageChangedError): neither marker, or both; on, but no method can be read next to the
    change-preferred control, or next to a remove button.
    """
    tree, root = _root(html, PAGE_TWO_STEP)
    market = _market(tree, html, marketplace)
    on, off = first(root, S.TWO_STEP_ENABLED), first(root, S.TWO_STEP_DISABLED)
    if on is not None and off is not None:
        raise PageChangedError(PAGE_TWO_STEP, _("both the 'on' and the 'off' controls are on the page"))
    if on is None and off is None:
        raise PageChangedError(
            PAGE_TWO_STEP, "neither #ch-settings-otp-change-preferred (on) nor #sia-settings-enable-mfa"
        )
    if on is None:
        return TwoStepSettings(market, False, ())
    removes = all_of_first(root, S.TWO_STEP_REMOVE_BACKUP)
    preferred = _method_near(on, removes)
    if preferred is None:
        raise PageChangedError(PAGE_TWO_STEP, "no preferred method next to #ch-settings-otp-change-preferred")
    methods = [TwoStepMethod(_kind(preferred), preferred, True)]
    seen: set[str] = set()
    for button in removes:
        ident = button.attributes.get("id") or ""
        if ident in seen:
            continue
        seen.add(ident)
        label = _method_near(button, [b for b in removes if b.attributes.get("id") != ident])
        if label is None:
            raise PageChangedError(PAGE_TWO_STEP, f"no method next to #{ident}")
        methods.append(TwoStepMethod(_kind(label), label, False))
    return TwoStepSettings(market, True, tuple(methods))


def _method_near(control: LexborNode, others: list[LexborNode]) -> str | None:
    """The method a control belongs to: the nearest enclosing block with a text that is not a control word, a
    heading or a marker — never a block that also holds another method's control."""
    other_ids = {o.attributes.get("id") for o in others}
    node: LexborNode | None = control
    for _level in range(8):
        node = node.parent if node is not None else None
        if node is None or node.tag in ("body", "html"):
            return None
        if any(n.attributes.get("id") in other_ids for n in node.css("[id]")):
            return None
        candidates = [_method_label(c) for c in _chunks(node)]
        labels = [c for c in candidates if c]
        if labels:
            return next((c for c in labels if _kind(c) != "other"), labels[0])
    return None


def _method_label(chunk: str) -> str | None:
    if _is_one_of(chunk, S.TWO_STEP_ACTION_WORDS + S.TWO_STEP_PREFERRED_MARKERS + S.LABEL_2SV_PREFERRED):
        return None
    for label in S.LABEL_2SV_PREFERRED:
        if chunk.casefold().startswith(label.casefold()):
            chunk = chunk[len(label) :].lstrip(":： ")
    for marker in S.TWO_STEP_PREFERRED_MARKERS:
        if marker.startswith(("(", "（")):
            chunk = chunk.replace(marker, "")
    chunk = fold(chunk)
    return chunk or None


def _kind(label: str) -> str:
    folded = label.casefold()
    for kind, words in S.TWO_STEP_KINDS:
        if any(w.casefold() in folded for w in words):
            return kind
    return "other"


# --- memberships & subscriptions -----------------------------------------------------------------------------
def parse_subscriptions(html: str, marketplace: str = "auto") -> tuple[Subscription, ...]:
    """Read Memberships & subscriptions (/hz5/yourmembershipsandsubscriptions) by its labels: a card is the
    nearest block around a next-payment label, a cancel control or a "cancelled" status that holds exactly one
    heading (the card's name). Status: cancelled when it says so, free_trial when the card mentions a free
    trial, else active; next_charge and amount from the labels (None when the card shows none).

    Refuses (PageChangedError): a page without the memberships heading (h1 or title) — an order history with
    its 「キャンセル済み」 is not a memberships page; a label outside any card with one heading; no card and no
    "you have none" text; a next-payment label without a readable date.
    """
    tree, root = _root(html, PAGE_MEMBERSHIPS)
    market = _market(tree, html, marketplace)
    headings = [node_text(n) for sel in S.MEMBERSHIPS_HEADING_NODES for n in root.css(sel)]
    if not any(label.casefold() in h.casefold() for h in headings for label in S.LABEL_MEMBERSHIPS_HEADING):
        raise PageChangedError(PAGE_MEMBERSHIPS, f"no heading {S.LABEL_MEMBERSHIPS_HEADING[0]!r} (not this page)")
    anchors = S.LABEL_SUB_NEXT_PAYMENT + S.LABEL_SUB_CANCEL + S.LABEL_SUB_CANCELLED
    cards: dict[int, LexborNode] = {}
    assert tree.body is not None
    for n in tree.body.traverse(include_text=True):
        if n.tag != "-text" or n.parent is None or n.parent.tag in _NOT_TEXT:
            continue
        text = fold(n.text_content).casefold()
        if not any(text.startswith(a.casefold()) for a in anchors):
            continue
        card = _card_of(n.parent)
        if card is None:
            raise PageChangedError(PAGE_MEMBERSHIPS, f"the label {fold(n.text_content)!r} is in no card with a name")
        cards.setdefault(card.mem_id, card)
    if not cards:
        body = node_text(tree.body).casefold()
        if any(t.casefold() in body for t in S.TEXT_NO_SUBSCRIPTIONS):
            return ()
        raise PageChangedError(
            PAGE_MEMBERSHIPS, "no subscription card (次回のお支払い日 / 会員登録をキャンセル) and no 'none' text"
        )
    dollar = dollar_currency(market)
    out: list[Subscription] = []
    for card in cards.values():
        sub = _subscription(card, dollar)
        if sub not in out:  # a card repeated (a hidden narrow layout) is one subscription
            out.append(sub)
    return tuple(out)


def _card_of(node: LexborNode) -> LexborNode | None:
    current: LexborNode | None = node
    while current is not None and current.tag not in ("body", "html"):
        found = [h for sel in S.SUBSCRIPTION_HEADINGS for h in current.css(sel)]
        if len(found) == 1:
            return current
        if len(found) > 1:
            return None
        current = current.parent
    return None


def _subscription(card: LexborNode, dollar: str) -> Subscription:
    heading = next(h for sel in S.SUBSCRIPTION_HEADINGS for h in card.css(sel))
    name = node_text(heading)
    if not name:
        raise PageChangedError(PAGE_MEMBERSHIPS, "a subscription card with an empty name")
    chunks = _chunks(card)
    if any(_key(c).startswith(tuple(w.casefold() for w in S.LABEL_SUB_CANCELLED)) for c in chunks):
        status = "cancelled"
    elif any(w.casefold() in c.casefold() for c in chunks for w in S.LABEL_SUB_FREE_TRIAL):
        status = "free_trial"
    else:
        status = "active"
    next_charge: date | None = None
    after_next = _text_after(chunks, S.LABEL_SUB_NEXT_PAYMENT) if status != "cancelled" else None
    if after_next is not None:
        next_charge = parse_date(after_next)
        if next_charge is None:
            raise PageChangedError(PAGE_MEMBERSHIPS, f"the next payment date of {name}")
    amount = None
    for text in (_text_after(chunks, S.LABEL_SUB_AMOUNT), after_next, " ".join(chunks)):
        money = parse_money(text, dollar) if text else None
        if money is not None:
            amount = Money(*money)
            break
    return Subscription(name=name, status=status, next_charge=next_charge, amount=amount)


# --- the digital console: devices and Kindle content -------------------------------------------------------
def console_csrf_token(html: str) -> str:
    """The console page's csrfToken (a hidden ``input[name=csrfToken]`` or a ``csrfToken = "…"`` in a script),
    which its data requests carry. PageChangedError when the page has none."""
    tree = LexborHTMLParser(html)
    node = first(tree.root, S.CONSOLE_CSRF_INPUT) if tree.root is not None else None
    value = (node.attributes.get("value") or "").strip() if node is not None else ""
    if re.fullmatch(r"[A-Za-z0-9+/=_.:-]{8,}", value):
        return value
    m = re.search(S.CONSOLE_CSRF_SCRIPT, html)
    if m:
        return m[1]
    raise PageChangedError(PAGE_CONSOLE, "no csrfToken on the page")


def _json(text: str, page: PageKind) -> Any:
    try:
        data = json.loads(text)
    except ValueError:
        start = fold(text[:60])
        raise PageChangedError(page, f"the console's answer is not JSON ({start!r}…)") from None
    if not isinstance(data, dict | list):
        raise PageChangedError(page, "the console's answer is not a JSON object")
    return data


def _objects(data: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object in ``data``, depth first, in order."""
    if isinstance(data, dict):
        yield data
        for v in data.values():
            yield from _objects(v)
    elif isinstance(data, list):
        for v in data:
            yield from _objects(v)


def _check_success(data: Any, page: PageKind) -> None:
    """An answer that says it failed (``"success": false`` at the top or one level down, or an ``error``)."""
    if not isinstance(data, dict):
        return
    levels = [data, *(v for v in data.values() if isinstance(v, dict))]
    if any(level.get("success") is False for level in levels) or data.get("error"):
        raise PageChangedError(page, f"the console answered with a failure ({data.get('error') or 'success: false'!s})")


def _explicit_empty(data: Any, keys: tuple[str, ...]) -> bool:
    return any(isinstance(o.get(k), list) and not o[k] for o in _objects(data) for k in keys)


def parse_devices(text: str, marketplace: str = "auto") -> tuple[Device, ...]:
    """Read the console's GetDevicesOverview answer: every JSON object carrying ``deviceName``, wherever it is
    (steadier than one envelope), once per serial number; registered from ``formattedLastRegisteredDate``
    (2026年11月26日 / November 26, 2026). ``marketplace`` is accepted for symmetry; the dates name themselves.

    An empty tuple only when the answer holds an explicitly empty device list (``deviceList: []``). Refuses
    (PageChangedError): not JSON (HTML, truncated); a failure answer; no device object and no empty list; a
    device without a name or a family; a registration date that is there but unreadable.
    """
    data = _json(text, PAGE_DEVICES)
    _check_success(data, PAGE_DEVICES)
    objects = [o for o in _objects(data) if isinstance(o.get(S.DEVICE_NAME_KEY), str)]
    if not objects:
        if _explicit_empty(data, S.DEVICE_LIST_KEYS):
            return ()
        raise PageChangedError(PAGE_DEVICES, f"no device ({S.DEVICE_NAME_KEY}) and no empty device list in the answer")
    out: list[Device] = []
    seen: set[object] = set()
    for o in objects:
        name = fold(o[S.DEVICE_NAME_KEY])
        family = o.get(S.DEVICE_FAMILY_KEY) or o.get(S.DEVICE_CATEGORY_KEY)
        if not name or not isinstance(family, str) or not family.strip():
            raise PageChangedError(PAGE_DEVICES, f"a device without a name or a family ({name!r})")
        key = o.get(S.DEVICE_SERIAL_KEY) or (name, family)
        if key in seen:
            continue
        seen.add(key)
        raw = o.get(S.DEVICE_REGISTERED_KEY)
        registered = parse_date(str(raw)) if raw not in (None, "") else None
        if raw not in (None, "") and registered is None:
            raise PageChangedError(PAGE_DEVICES, f"the registration date of {name!r} ({raw!r})")
        out.append(Device(name=name, family=family.strip(), registered=registered))
    return tuple(out)


def parse_content(text: str, marketplace: str = "auto") -> ContentPage:
    """Read one batch of the console's GetContentOwnershipData answer: every JSON object with ``asin`` and
    ``title``, once per ASIN, in the answer's order (newest first); acquired from ``acquiredTime`` (epoch ms)
    as a date in the marketplace's time zone (``auto``: co.jp when the answer is in Japanese, else com), else
    from the ``acquiredDate`` text; how from ``originType`` (purchase / free / rental — a Kindle Unlimited or
    Prime Reading loan or a rental — / other); has_more from ``hasMoreItems``.

    Refuses (PageChangedError): not JSON; a failure answer; no title and no explicitly empty list; a title
    without an acquisition date or an ``originType``; a non-empty batch without ``hasMoreItems``.
    """
    data = _json(text, PAGE_CONTENT)
    _check_success(data, PAGE_CONTENT)
    market = marketplace if marketplace != "auto" else ("co.jp" if _JAPANESE.search(text) else "com")
    tz_name = MARKETPLACES[market].timezone if market in MARKETPLACES else _EXTRA_TIMEZONES.get(market)
    tz = ZoneInfo(tz_name) if tz_name else None
    objects = [
        o
        for o in _objects(data)
        if isinstance(o.get(S.CONTENT_ASIN_KEY), str) and isinstance(o.get(S.CONTENT_TITLE_KEY), str)
    ]
    if not objects and not _explicit_empty(data, S.CONTENT_LIST_KEYS):
        raise PageChangedError(PAGE_CONTENT, "no title (asin, title) and no empty list in the answer")
    items: list[ContentItem] = []
    for o in objects:
        asin, title = o[S.CONTENT_ASIN_KEY].strip(), fold(o[S.CONTENT_TITLE_KEY])
        if not asin or not title:
            raise PageChangedError(PAGE_CONTENT, "a title without its ASIN or name")
        if any(i.asin == asin for i in items):
            continue
        origin = o.get(S.CONTENT_ORIGIN_KEY)
        if not isinstance(origin, str) or not origin.strip():
            raise PageChangedError(PAGE_CONTENT, f"how {asin} was acquired ({S.CONTENT_ORIGIN_KEY})")
        items.append(ContentItem(title=title, asin=asin, acquired=_acquired(o, tz, asin), how=_how(origin)))
    more = next((o[S.CONTENT_HAS_MORE_KEY] for o in _objects(data) if S.CONTENT_HAS_MORE_KEY in o), None)
    if not isinstance(more, bool):
        if items:
            raise PageChangedError(PAGE_CONTENT, f"whether more titles follow ({S.CONTENT_HAS_MORE_KEY})")
        more = False
    return ContentPage(items=tuple(items), has_more=more)


def _acquired(o: dict[str, Any], tz: ZoneInfo | None, asin: str) -> date:
    ms = o.get(S.CONTENT_TIME_KEY)
    if isinstance(ms, str) and ms.strip().isdigit():
        ms = int(ms)
    if tz is not None and isinstance(ms, int | float) and not isinstance(ms, bool) and ms > 0:
        return datetime.fromtimestamp(ms / 1000, tz).date()
    raw = o.get(S.CONTENT_DATE_KEY)
    day = parse_date(str(raw)) if isinstance(raw, str) else None
    if day is None:
        raise PageChangedError(PAGE_CONTENT, f"when {asin} was acquired ({S.CONTENT_TIME_KEY} / {S.CONTENT_DATE_KEY})")
    return day


def _how(origin: str) -> str:
    folded = re.sub(r"[^A-Z0-9]+", "_", origin.upper())
    for how, words in S.CONTENT_ORIGINS:
        if any(w in folded for w in words):
            return how
    return "other"
