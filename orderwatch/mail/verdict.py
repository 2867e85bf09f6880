"""Where a mail's verdict is decided: genuine, phishing or suspicious, with advice a person can follow.
Pure: takes what was read from the mail and, unless offline, what the account lookup found."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from orderwatch.allowlist import Allowlist
from orderwatch.diff import order_advice, why_unexpected
from orderwatch.mail.domains import registrable
from orderwatch.mail.links import LinkVerdict
from orderwatch.mail.read import MailFacts
from orderwatch.mail.sender import SenderVerdict
from orderwatch.marketplace import MARKETPLACES, Marketplace
from orderwatch.models import Order

Verdict = Literal["genuine", "phishing", "suspicious"]
REPORT_TO = {"co.jp": "stop-spoofing@amazon.co.jp", "com": "stop-spoofing@amazon.com"}


@dataclass(frozen=True)
class OrderLookup:
    order_id: str
    found: bool | None  # None: not looked up (--offline, or the lookup could not complete)
    order: Order | None = None


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
) -> MailVerdict:
    orders = [_order_result(lk, allowlist) for lk in lookups]
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
            "were not looked up (--offline)"
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
    result = MailVerdict(verdict, sender, links, orders, reasons, lookup_error=lookup_error)
    # phishing advice names the Amazon the mail pretends to be; advice about orders, the account's own
    advice_market = (_claimed_market(facts) or market) if verdict == "phishing" else market
    found = [lk.order for lk in lookups if lk.order is not None]
    result.advice = _advice(result, found, allowlist, advice_market, offline)
    return result


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
        out.append(f"Report it: forward it to {REPORT_TO.get(market.code, REPORT_TO['com'])}, then delete it.")
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
    out.append(
        "Do not use its links. Sign in by typing the address yourself and look for the order in Your Orders "
        "and for the message in the Message Centre (メッセージセンター): Amazon's own messages appear there too."
    )
    if offline and v.orders:
        out.append("Run without --offline to have orderwatch look the order numbers up in your account.")
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
    if v.lookup_error:
        lines += [
            "",
            f"The account lookup could not be completed ({v.lookup_error['reason']}): {v.lookup_error['message']}",
        ]
    lines += ["", "What to do:"] + [f"  - {a}" for a in v.advice]
    return "\n".join(lines) + "\n"
