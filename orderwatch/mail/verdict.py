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
from orderwatch.errors import ExitCode
from orderwatch.i18n import N_, _, day, language, ngettext
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
    "co.jp": N_("「不審な連絡について報告する」 (カスタマーサービス → Amazon.co.jpを装ったメールについて)"),
    "com": N_('"Report something suspicious" (Customer Service → Report a phishing or suspicious e-mail)'),
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
    if read is None or read.entries is None:
        if read is not None:
            reason = read.reason or _("the Message Center (メッセージセンター) was not read")
        elif not facts.order_ids:
            reason = _(
                "the mail names no order number, so orderwatch did not open your account; look for it yourself "
                "in the Message Center (メッセージセンター): Amazon lists its mails about orders, shipping and the "
                "account there"
            )
        elif offline:
            # TRANSLATORS: shown after "Message Center: not checked:"
            reason = _(
                "--offline: run without it to have orderwatch look for this mail in the Message Center "
                "(メッセージセンター)"
            )
        else:
            reason = _("the Message Center (メッセージセンター) was not read")
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
    def exit_code(self) -> ExitCode:
        if self.lookup_error is not None:
            return ExitCode.INCOMPLETE
        ok = self.verdict == "genuine" and all(o.expected is not False for o in self.orders)
        return ExitCode.OK if ok else ExitCode.FINDINGS

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
        message_center = MessageCenterRead(None, _("the account lookup was skipped: {why}").format(why=skipped))
    mc = _message_center(facts, message_center, market, offline)
    off_amazon = [link for link in links if not link.is_amazon]
    reasons: list[str] = []
    if sender.impersonation:
        reasons.append(_("the sender's name says Amazon but the address is not Amazon's"))
    if sender.claims_amazon and sender.authenticated is False and not sender.impersonation:
        reasons.append(_("the mail claims to be from Amazon but fails authentication"))
    if off_amazon:
        n = len(off_amazon)
        reasons.append(ngettext("{n} link leads off Amazon", "{n} links lead off Amazon", n).format(n=n))
    if reasons and sender.claims_amazon:
        verdict: Verdict = "phishing"
        missing = [o.order_id for o in orders if o.found is False]
        if missing:
            reasons.append(
                _("its order number(s) do not exist in your account: {orders}").format(orders=_join(missing))
            )
    elif not sender.claims_amazon:
        verdict = "suspicious"
        reasons.append(_("this mail does not claim to come from Amazon"))
    elif sender.authenticated is None:
        verdict = "suspicious"
        reasons.append(_("the sender could not be verified (no trusted Authentication-Results header)"))
    elif offline and orders:
        verdict = "suspicious"
        if skipped:
            reasons.append(
                _(
                    "the sender is authenticated and every link goes to Amazon, but the order numbers "
                    "were not looked up (the lookup was skipped: {why})"
                ).format(why=skipped)
            )
        else:
            reasons.append(
                _(
                    "the sender is authenticated and every link goes to Amazon, but the order numbers "
                    "were not looked up (--offline)"
                )
            )
    elif any(o.found is not True for o in orders):
        verdict = "suspicious"
        missing = [o.order_id for o in orders if o.found is False]
        if missing:
            reasons.append(
                _("authenticated, but these orders are not in your account: {orders}").format(orders=_join(missing))
            )
        else:
            reasons.append(_("the order numbers could not be looked up"))
    else:
        verdict = "genuine"
        if orders:
            reasons.append(
                _("authenticated Amazon sender, links only to Amazon, every order number found in your account")
            )
        else:
            reasons.append(_("authenticated Amazon sender, links only to Amazon"))
    # The Message Center (Amazon's own advice for a suspicious mail): the same message there is strong evidence
    # for genuine; an order mail that is not there is not called genuine. A phishing verdict stays phishing.
    if mc.found is True:
        if verdict == "genuine":
            reasons.append(_("the same message is in your Message Center (メッセージセンター)"))
        elif verdict == "phishing":
            reasons.append(
                _(
                    "a message with the same subject is in your Message Center (メッセージセンター), but this copy "
                    "fails the checks above (a real mail's text with its sender or links changed looks like this)"
                )
            )
        elif _clean_but_unverified(sender, off_amazon, orders):
            verdict = "genuine"
            reasons.append(
                _(
                    "but the same message is in your Message Center (メッセージセンター), every link goes to "
                    "Amazon and every order number was found in your account"
                )
            )
    elif mc.found is False and facts.order_ids:
        if verdict == "genuine":
            verdict = "suspicious"
            reasons.append(
                _(
                    "but the same message is not in your Message Center (メッセージセンター), where Amazon lists "
                    "the mails it sends about orders"
                )
            )
        else:
            reasons.append(_("the same message is not in your Message Center (メッセージセンター) either"))
    result = MailVerdict(verdict, sender, links, orders, reasons, lookup_error=lookup_error, message_center=mc)
    # phishing advice names the Amazon the mail pretends to be; advice about orders, the account's own
    advice_market = (_claimed_market(facts) or market) if verdict == "phishing" else market
    found = [lk.order for lk in lookups if lk.order is not None]
    result.advice = _advice(result, found, allowlist, advice_market, offline and skipped is None)
    if skipped is not None and orders:
        result.advice.append(
            _(
                "The order lookup was skipped ({why}). Sign in once with `orderwatch login --headed` (the session "
                "is saved), then run verify-email again to have the order numbers and the Message Center checked; "
                "`--offline` judges the mail without the lookup."
            ).format(why=skipped)
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


def _join(items: list[str]) -> str:
    """Order numbers in a sentence: "a, b" / 「a、b」."""
    return ("、" if language() == "ja" else ", ").join(items)


def _claimed_market(facts: MailFacts) -> Marketplace | None:
    domain = registrable(facts.from_.domain) if facts.from_ else ""
    return MARKETPLACES.get({"amazon.co.jp": "co.jp", "amazon.jp": "co.jp", "amazon.com": "com"}.get(domain, ""))


def _order_result(lookup: OrderLookup, allowlist: Allowlist) -> OrderResult:
    if lookup.order is None:
        return OrderResult(lookup.order_id, lookup.found, None)
    o = lookup.order
    reason = why_unexpected(o, allowlist)
    titles = ("" if language() == "ja" else ", ").join(f"「{i.title}」" for i in o.items)
    when = day(o.order_date)
    if o.total:
        detail = _("placed {date}: {titles}, {total}").format(date=when, titles=titles, total=o.total.display())
    else:
        detail = _("placed {date}: {titles}").format(date=when, titles=titles)
    if reason:
        detail = _("{detail} — {reason}").format(detail=detail, reason=reason)
    return OrderResult(o.order_id, True, reason is None, detail)


def _advice(v: MailVerdict, found: list[Order], allowlist: Allowlist, market: Marketplace, offline: bool) -> list[str]:
    out: list[str] = []
    unexpected = [o for o in found if why_unexpected(o, allowlist) is not None]
    if v.verdict == "phishing":
        out.append(_("Do not click its links, open its attachments or reply to it."))
        for o in unexpected:  # the mail lies, but the order it names is in the account: that needs doing too
            out.append(
                _(
                    "Whatever this mail is, {order_id} is a real order in your account that you do not expect. {advice}"
                ).format(order_id=o.order_id, advice=order_advice(o, market))
            )
        form = _(REPORT_FORM.get(market.code, REPORT_FORM["com"]))
        out.append(
            _(
                "Report it: signed in (type {base_url} yourself), use {form}; or forward it to {report_to}. "
                "Then delete it."
            ).format(base_url=market.base_url, form=form, report_to=REPORT_TO)
        )
        out.append(
            _(
                "If you already clicked or typed anything into a page it opened: sign in by typing "
                "{base_url} yourself, change your password, and check Login & Security and Your Orders."
            ).format(base_url=market.base_url)
        )
        return out
    if v.verdict == "genuine":
        if not unexpected:
            out.append(_("This mail is genuine and about an order you expect. Nothing to do."))
        for o in unexpected:
            out.append(
                _("{order_id} is real but not one you expect. {advice}").format(
                    order_id=o.order_id, advice=order_advice(o, market)
                )
            )
        if any(not o.is_digital for o in unexpected):  # the digital order's advice says it already
            out.append(
                _(
                    "Switch off 1-Click (「すべての1-Clickを無効化」 on the 1-Click settings page) so a stray "
                    "tap cannot buy again. Open the site by typing its address, not from the mail."
                )
            )
        return out
    if v.message_center.found is False and v.orders:
        out.append(
            _(
                "Do not use its links: this message is not in your Message Center (メッセージセンター), where "
                "Amazon lists the mails it sends about orders. Sign in by typing the address yourself and check "
                "Your Orders (注文履歴)."
            )
        )
    else:
        out.append(
            _(
                "Do not use its links. Sign in by typing the address yourself and look for the order in Your "
                "Orders and for the message in the Message Center (メッセージセンター): Amazon's own messages "
                "appear there too."
            )
        )
    if offline and v.orders:
        out.append(
            _(
                "Run without --offline to have orderwatch look the order numbers up in your account and the "
                "message in its Message Center (メッセージセンター)."
            )
        )
    if v.sender.authenticated is None:
        out.append(
            _(
                "Your copy lacks the Authentication-Results header: save the full original message "
                "('Show original' / 'Save as .eml') to let orderwatch check who sent it."
            )
        )
    for o in unexpected:
        out.append(
            _("{order_id} is in your account but not one you expect. {advice}").format(
                order_id=o.order_id, advice=order_advice(o, market)
            )
        )
    return out


_VERDICT_LINE = {
    "genuine": N_("GENUINE — a real mail from Amazon"),
    "phishing": N_("PHISHING — not from Amazon, whatever it says"),
    "suspicious": N_("SUSPICIOUS — cannot be confirmed as genuine"),
}
_AUTH = {True: N_("authenticated"), False: N_("NOT authenticated"), None: N_("unverified")}
_FOUND = {True: N_("found in your account"), False: N_("NOT in your account"), None: N_("not looked up")}


def render_terminal(v: MailVerdict, name: str) -> str:
    s = v.sender
    auth = _(_AUTH[s.authenticated])
    lines = [
        _("orderwatch verify-email — {name}").format(name=name),
        _("Verdict: {verdict}").format(verdict=_(_VERDICT_LINE[v.verdict])),
    ]
    lines += [f"  - {r}" for r in v.reasons]
    if s.address:
        sender = _("Sender: {name!r} <{address}> — {auth}").format(name=s.display_name, address=s.address, auth=auth)
    else:
        sender = _("Sender: none — {auth}").format(auth=auth)
    lines += ["", sender]
    lines += [f"  {e}" for e in s.evidence]
    lines += ["", _("Links: {n}").format(n=len(v.links)) if v.links else _("Links: 0 (none)")]
    for link in v.links:
        mark = "ok" if link.is_amazon and not link.reason else ("!!" if not link.is_amazon else " ~")
        lines.append(f"  [{mark}] {link.url}")
        if link.target != link.url:
            lines.append("       " + _("leads to {target}").format(target=link.target))
        if link.reason:
            lines.append(f"       {link.reason}")
    if v.orders:
        lines += ["", _("Order numbers:")]
        for o in v.orders:
            found = _(_FOUND[o.found])
            if o.expected is True:
                state = _("{found}, expected").format(found=found)
            elif o.expected is False:
                state = _("{found}, NOT expected").format(found=found)
            else:
                state = found
            lines.append(f"  {o.order_id}: {state}" + (f" — {o.detail}" if o.detail else ""))
    lines += ["", _message_center_line(v)]
    if v.lookup_error:
        lines += [
            "",
            _("The account lookup could not be completed ({reason}): {message}").format(
                reason=v.lookup_error["reason"], message=v.lookup_error["message"]
            ),
        ]
    lines += ["", _("What to do:")] + [f"  - {a}" for a in v.advice]
    return "\n".join(lines) + "\n"


def _message_center_line(v: MailVerdict) -> str:
    mc = v.message_center
    if mc.entry is not None:
        return _("Message Center: the same message is there ({date}: {subject})").format(
            date=day(mc.entry.sent), subject=mc.entry.subject
        )
    if not mc.checked:
        return _("Message Center: not checked: {reason}").format(reason=mc.reason)
    if not v.orders:
        return _("Message Center: not there — not every mail appears there (sign-in codes never do)")
    if v.verdict == "phishing":
        return _(
            "Message Center: not there — Amazon lists its order mails there (メッセージセンター); another sign it "
            "is not from Amazon"
        )
    return _(
        "Message Center: not there — Amazon lists its order mails there (メッセージセンター); treat this mail as "
        "suspicious"
    )
