"""Where a mail's verdict is decided: genuine, phishing or suspicious, with advice a person can follow.
Pure: takes what was read from the mail and, unless offline, what the account lookup found (its orders,
and the Message Center: whether the site itself lists the same message)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from orderwatch.allowlist import Allowlist
from orderwatch.diff import order_advice, why_unexpected
from orderwatch.mail.domains import registrable
from orderwatch.mail.links import LinkVerdict
from orderwatch.mail.read import MailFacts
from orderwatch.mail.sender import SenderVerdict
from orderwatch.marketplace import MARKETPLACES, Marketplace
from orderwatch.models import MessageEntry, Order

Verdict = Literal["genuine", "phishing", "suspicious"]
# Where to report a phishing mail (reference/account-pages.md, "Reporting a suspicious message"): signed in,
# the site's own form; without an account, forward it to reportascam@amazon.com (the older stop-spoofing@
# addresses are no longer current).
REPORT_TO = "reportascam@amazon.com"
REPORT_FORM = {
    "co.jp": "「不審な連絡について報告する」 (カスタマーサービス → Amazon.co.jpを装ったメールについて)",
    "com": '"Report something suspicious" (Customer Service → Report a phishing or suspicious e-mail)',
}


@dataclass(frozen=True)
class OrderLookup:
    order_id: str
    found: bool | None  # None: not looked up (--offline, or the lookup could not complete)
    order: Order | None = None


# --- Message Center (issue 11) ----------------------------------------------------------------------------
# A mail is "the same message" as a Message Center entry when their subjects are equal (after Unicode NFKC,
# white space folded, case folded, "Fwd:" / "転送:" prefixes removed) AND one more thing ties them: the dates
# are at most MESSAGE_DATE_SLACK apart (time zones, a late delivery, the list's day vs the header's), or the
# entry names one of the mail's order numbers (a mail saved long ago, or whose Date header was changed on the
# way, still matches its order's message). The subject alone is not enough: 「Amazon.co.jpでのご注文」 repeats.
MESSAGE_DATE_SLACK = timedelta(days=2)
_FORWARD_PREFIX = re.compile(r"^(?:(?:fwd?|fw|re|転送|返信)\s*[:：]\s*)+", re.IGNORECASE)


@dataclass(frozen=True)
class MessageCenterRead:
    """What the lookup got from the account's Message Center: its entries, or why it was not read."""

    entries: tuple[MessageEntry, ...] | None  # None: not read
    reason: str | None = None  # why not (None when read)


@dataclass(frozen=True)
class MessageCenterResult:
    checked: bool
    found: bool | None  # None: not checked
    entry: MessageEntry | None = None  # the matching entry
    reason: str | None = None  # why it was not checked

    def to_json(self) -> dict[str, object]:
        entry = self.entry.to_json() if self.entry is not None else None
        return {"checked": self.checked, "found": self.found, "entry": entry, "reason": self.reason}


def same_subject(a: str, b: str) -> bool:
    return bool(_subject_key(a)) and _subject_key(a) == _subject_key(b)


def _subject_key(subject: str) -> str:
    folded = " ".join(unicodedata.normalize("NFKC", subject).split()).casefold()
    return _FORWARD_PREFIX.sub("", folded).strip()


def find_message(
    subject: str, sent: date | None, order_ids: tuple[str, ...], entries: tuple[MessageEntry, ...]
) -> MessageEntry | None:
    """The Message Center entry that is this mail (rule above), the closest in date when several are."""
    matches = []
    for e in entries:
        if not same_subject(subject, e.subject):
            continue
        near = sent is not None and abs(e.sent - sent) <= MESSAGE_DATE_SLACK
        if near or set(order_ids) & set(e.order_ids):
            matches.append(e)
    if not matches:
        return None
    return min(matches, key=lambda e: abs((e.sent - sent).days) if sent is not None else 0)


def _message_center(
    facts: MailFacts, read: MessageCenterRead | None, market: Marketplace, offline: bool
) -> MessageCenterResult:
    where = "the Message Center (メッセージセンター)"
    if read is None or read.entries is None:
        if read is not None:
            reason = read.reason or f"{where} was not read"
        elif not facts.order_ids:
            reason = (
                "the mail names no order number, so orderwatch did not open your account; look for it yourself "
                f"in {where}: Amazon lists its mails about orders, shipping and the account there"
            )
        elif offline:
            reason = f"--offline: run without it to have orderwatch look for this mail in {where}"
        else:
            reason = f"{where} was not read"
        return MessageCenterResult(False, None, None, reason)
    sent = None
    if facts.date is not None:  # the site lists messages by its own day
        tz = ZoneInfo(market.timezone)
        sent = (facts.date.astimezone(tz) if facts.date.tzinfo is not None else facts.date).date()
    entry = find_message(facts.subject, sent, facts.order_ids, read.entries)
    return MessageCenterResult(True, entry is not None, entry, None)


@dataclass
class OrderResult:
    order_id: str
    found: bool | None
    expected: bool | None
    detail: str | None = None

    def to_json(self) -> dict[str, object]:
        return {"order_id": self.order_id, "found": self.found, "expected": self.expected, "detail": self.detail}


@dataclass
class MailVerdict:
    verdict: Verdict
    sender: SenderVerdict
    links: list[LinkVerdict]
    orders: list[OrderResult]
    reasons: list[str]
    advice: list[str] = field(default_factory=list)
    lookup_error: dict[str, str] | None = None
    message_center: MessageCenterResult = MessageCenterResult(False, None, None, "not looked up")

    @property
    def exit_code(self) -> int:
        if self.lookup_error is not None:
            return 3
        ok = self.verdict == "genuine" and all(o.expected is not False for o in self.orders)
        return 0 if ok else 1

    def to_json(self) -> dict[str, object]:
        return {
            "verdict": self.verdict,
            "sender": self.sender.to_json(),
            "links": [link.to_json() for link in self.links],
            "orders": [o.to_json() for o in self.orders],
            "reasons": self.reasons,
            "advice": self.advice,
            "lookup_error": self.lookup_error,
            "message_center": self.message_center.to_json(),
        }


def judge_mail(
    facts: MailFacts,
    sender: SenderVerdict,
    links: list[LinkVerdict],
    lookups: list[OrderLookup],
    allowlist: Allowlist,
    market: Marketplace,
    *,
    offline: bool,
    lookup_error: dict[str, str] | None = None,
    message_center: MessageCenterRead | None = None,
    skipped: str | None = None,
) -> MailVerdict:
    """``skipped``: why the account lookup was not made although it was asked for (no saved session and no
    credentials) — the mail is then judged as with --offline, and the texts say why and how to enable it."""
    orders = [_order_result(lk, allowlist) for lk in lookups]
    offline = offline or skipped is not None
    if skipped is not None and message_center is None:
        message_center = MessageCenterRead(None, f"the account lookup was skipped: {skipped}")
    mc = _message_center(facts, message_center, market, offline)
    off_amazon = [link for link in links if not link.is_amazon]
    reasons: list[str] = []
    if sender.impersonation:
        reasons.append("the sender's name says Amazon but the address is not Amazon's")
    if sender.claims_amazon and sender.authenticated is False and not sender.impersonation:
        reasons.append("the mail claims to be from Amazon but fails authentication")
    if off_amazon:
        reasons.append(f"{len(off_amazon)} link(s) lead off Amazon")
    if reasons and sender.claims_amazon:
        verdict: Verdict = "phishing"
        missing = [o.order_id for o in orders if o.found is False]
        if missing:
            reasons.append("its order number(s) do not exist in your account: " + ", ".join(missing))
    elif not sender.claims_amazon:
        verdict = "suspicious"
        reasons.append("this mail does not claim to come from Amazon")
    elif sender.authenticated is None:
        verdict = "suspicious"
        reasons.append("the sender could not be verified (no trusted Authentication-Results header)")
    elif offline and orders:
        verdict = "suspicious"
        reasons.append(
            "the sender is authenticated and every link goes to Amazon, but the order numbers "
            f"were not looked up ({'the lookup was skipped: ' + skipped if skipped else '--offline'})"
        )
    elif any(o.found is not True for o in orders):
        verdict = "suspicious"
        missing = [o.order_id for o in orders if o.found is False]
        if missing:
            reasons.append("authenticated, but these orders are not in your account: " + ", ".join(missing))
        else:
            reasons.append("the order numbers could not be looked up")
    else:
        verdict = "genuine"
        reasons.append(
            "authenticated Amazon sender, links only to Amazon"
            + (", every order number found in your account" if orders else "")
        )
    # The Message Center (Amazon's own advice for a suspicious mail): the same message there is strong evidence
    # for genuine; an order mail that is not there is not called genuine. A phishing verdict stays phishing.
    where = "your Message Center (メッセージセンター)"
    if mc.found is True:
        if verdict == "genuine":
            reasons.append(f"the same message is in {where}")
        elif verdict == "phishing":
            reasons.append(
                f"a message with the same subject is in {where}, but this copy fails the checks above "
                "(a real mail's text with its sender or links changed looks like this)"
            )
        elif _clean_but_unverified(sender, off_amazon, orders):
            verdict = "genuine"
            reasons.append(
                f"but the same message is in {where}, every link goes to Amazon and every order number "
                "was found in your account"
            )
    elif mc.found is False and facts.order_ids:
        if verdict == "genuine":
            verdict = "suspicious"
            reasons.append(
                f"but the same message is not in {where}, where Amazon lists the mails it sends about orders"
            )
        else:
            reasons.append(f"the same message is not in {where} either")
    result = MailVerdict(verdict, sender, links, orders, reasons, lookup_error=lookup_error, message_center=mc)
    # phishing advice names the Amazon the mail pretends to be; advice about orders, the account's own
    advice_market = (_claimed_market(facts) or market) if verdict == "phishing" else market
    found = [lk.order for lk in lookups if lk.order is not None]
    result.advice = _advice(result, found, allowlist, advice_market, offline and skipped is None)
    if skipped is not None and orders:
        result.advice.append(
            f"The order lookup was skipped ({skipped}). Sign in once with `orderwatch login --headed` (the session "
            "is saved), then run verify-email again to have the order numbers and the Message Center checked; "
            "`--offline` judges the mail without the lookup."
        )
    return result


def _clean_but_unverified(sender: SenderVerdict, off_amazon: list[LinkVerdict], orders: list[OrderResult]) -> bool:
    """Suspicious only because the sender could not be verified: it claims Amazon without impersonation, no
    failed authentication, every link to Amazon, every order found."""
    return (
        sender.claims_amazon
        and sender.authenticated is None
        and not sender.impersonation
        and not off_amazon
        and bool(orders)
        and all(o.found is True for o in orders)
    )


def _claimed_market(facts: MailFacts) -> Marketplace | None:
    domain = registrable(facts.from_.domain) if facts.from_ else ""
    return MARKETPLACES.get({"amazon.co.jp": "co.jp", "amazon.jp": "co.jp", "amazon.com": "com"}.get(domain, ""))


def _order_result(lookup: OrderLookup, allowlist: Allowlist) -> OrderResult:
    if lookup.order is None:
        return OrderResult(lookup.order_id, lookup.found, None)
    o = lookup.order
    reason = why_unexpected(o, allowlist)
    titles = ", ".join(f"「{i.title}」" for i in o.items)
    total = f", {o.total.display()}" if o.total else ""
    detail = f"placed {o.order_date.isoformat()}: {titles}{total}" + (f" — {reason}" if reason else "")
    return OrderResult(o.order_id, True, reason is None, detail)


def _advice(v: MailVerdict, found: list[Order], allowlist: Allowlist, market: Marketplace, offline: bool) -> list[str]:
    out: list[str] = []
    if v.verdict == "phishing":
        out.append("Do not click its links, open its attachments or reply to it.")
        form = REPORT_FORM.get(market.code, REPORT_FORM["com"])
        out.append(
            f"Report it: signed in (type {market.base_url} yourself), use {form}; or forward it to {REPORT_TO}. "
            "Then delete it."
        )
        out.append(
            "If you already clicked or typed anything into a page it opened: sign in by typing "
            f"{market.base_url} yourself, change your password, and check Login & Security and Your Orders."
        )
        return out
    unexpected = [o for o in found if why_unexpected(o, allowlist) is not None]
    if v.verdict == "genuine":
        if not unexpected:
            out.append("This mail is genuine and about an order you expect. Nothing to do.")
        for o in unexpected:
            out.append(f"{o.order_id} is real but not one you expect. " + order_advice(o, market))
        if unexpected:
            out.append(
                "Switch off 1-Click (「すべての1-Clickを無効化」 on the 1-Click settings page) so a stray "
                "tap cannot buy again. Open the site by typing its address, not from the mail."
            )
        return out
    if v.message_center.found is False and v.orders:
        out.append(
            "Do not use its links: this message is not in your Message Center (メッセージセンター), where Amazon "
            "lists the mails it sends about orders. Sign in by typing the address yourself and check Your Orders "
            "(注文履歴)."
        )
    else:
        out.append(
            "Do not use its links. Sign in by typing the address yourself and look for the order in Your Orders "
            "and for the message in the Message Center (メッセージセンター): Amazon's own messages appear there too."
        )
    if offline and v.orders:
        out.append(
            "Run without --offline to have orderwatch look the order numbers up in your account and the message "
            "in its Message Center (メッセージセンター)."
        )
    if v.sender.authenticated is None:
        out.append(
            "Your copy lacks the Authentication-Results header: save the full original message "
            "('Show original' / 'Save as .eml') to let orderwatch check who sent it."
        )
    for o in unexpected:
        out.append(f"{o.order_id} is in your account but not one you expect. " + order_advice(o, market))
    return out


_VERDICT_LINE = {
    "genuine": "GENUINE — a real mail from Amazon",
    "phishing": "PHISHING — not from Amazon, whatever it says",
    "suspicious": "SUSPICIOUS — cannot be confirmed as genuine",
}


def render_terminal(v: MailVerdict, name: str) -> str:
    s = v.sender
    auth = {True: "authenticated", False: "NOT authenticated", None: "unverified"}[s.authenticated]
    lines = [f"orderwatch verify-email — {name}", f"Verdict: {_VERDICT_LINE[v.verdict]}"]
    lines += [f"  - {r}" for r in v.reasons]
    lines += ["", f"Sender: {s.display_name!r} <{s.address}> — {auth}" if s.address else f"Sender: none — {auth}"]
    lines += [f"  {e}" for e in s.evidence]
    lines += ["", f"Links: {len(v.links)}" + ("" if v.links else " (none)")]
    for link in v.links:
        mark = "ok" if link.is_amazon and not link.reason else ("!!" if not link.is_amazon else " ~")
        lines.append(f"  [{mark}] {link.url}")
        if link.target != link.url:
            lines.append(f"       leads to {link.target}")
        if link.reason:
            lines.append(f"       {link.reason}")
    if v.orders:
        lines += ["", "Order numbers:"]
        for o in v.orders:
            found = {True: "found in your account", False: "NOT in your account", None: "not looked up"}[o.found]
            expected = {True: ", expected", False: ", NOT expected", None: ""}[o.expected]
            lines.append(f"  {o.order_id}: {found}{expected}" + (f" — {o.detail}" if o.detail else ""))
    lines += ["", _message_center_line(v)]
    if v.lookup_error:
        lines += [
            "",
            f"The account lookup could not be completed ({v.lookup_error['reason']}): {v.lookup_error['message']}",
        ]
    lines += ["", "What to do:"] + [f"  - {a}" for a in v.advice]
    return "\n".join(lines) + "\n"


def _message_center_line(v: MailVerdict) -> str:
    mc = v.message_center
    if mc.entry is not None:
        return f"Message Center: the same message is there ({mc.entry.sent.isoformat()}: {mc.entry.subject})"
    if not mc.checked:
        return f"Message Center: not checked: {mc.reason}"
    if not v.orders:
        return "Message Center: not there — not every mail appears there (sign-in codes never do)"
    then = "another sign it is not from Amazon" if v.verdict == "phishing" else "treat this mail as suspicious"
    return f"Message Center: not there — Amazon lists its order mails there (メッセージセンター); {then}"
