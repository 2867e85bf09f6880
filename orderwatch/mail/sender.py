"""Who really sent the mail: the topmost Authentication-Results header (RFC 8601), added by the
receiving provider, decides. A From line proves nothing by itself; lower Authentication-Results
headers may have been written by the sender and are never trusted."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from orderwatch.mail.domains import AMAZON_DKIM, is_amazon_mail_domain, registrable
from orderwatch.mail.read import MailFacts

_COMMENT = re.compile(r"\([^()]*\)")
_AMAZON_NAME = re.compile(r"(?i)amazon|アマゾン|ａｍａｚｏｎ|amaz0n")


@dataclass(frozen=True)
class AuthResult:
    method: str  # dmarc | dkim | spf | ...
    result: str  # pass | fail | none | ...
    props: dict[str, str]


@dataclass(frozen=True)
class AuthResults:
    authserv_id: str
    results: tuple[AuthResult, ...]

    def of(self, method: str) -> list[AuthResult]:
        return [r for r in self.results if r.method == method]


def parse_auth_results(value: str) -> AuthResults:
    """Parse one Authentication-Results header value: ``authserv-id; method=result ptype.prop=value; ...``."""
    text = " ".join(_COMMENT.sub(" ", value).split())
    head, _, rest = text.partition(";")
    authserv_id = head.split(" ")[0].strip().lower()
    results = []
    for clause in rest.split(";"):
        tokens = clause.strip().split()
        if not tokens or "=" not in tokens[0]:
            continue
        method, _, result = tokens[0].partition("=")
        props = {}
        for token in tokens[1:]:
            key, eq, val = token.partition("=")
            if eq:
                props[key.lower()] = val.strip('"').lower()
        results.append(AuthResult(method.lower(), result.lower(), props))
    return AuthResults(authserv_id, tuple(results))


@dataclass
class SenderVerdict:
    address: str | None
    display_name: str
    authenticated: bool | None  # None: no trusted Authentication-Results (unverified, never "genuine")
    claims_amazon: bool
    impersonation: bool
    evidence: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "address": self.address,
            "display_name": self.display_name,
            "authenticated": self.authenticated,
            "impersonation": self.impersonation,
            "evidence": self.evidence,
        }


def judge_sender(facts: MailFacts, authserv_ids: tuple[str, ...] = ()) -> SenderVerdict:
    """Authenticated only by DMARC pass for an Amazon From domain, or a DKIM pass whose ``d=`` is an
    Amazon domain aligned with From; judged from the topmost Authentication-Results (and only when its
    authserv-id is the user's provider, if one is configured)."""
    from_ = facts.from_
    address = from_.address if from_ else None
    name = from_.display_name if from_ else ""
    domain = from_.domain if from_ else ""
    amazon_from = bool(domain) and is_amazon_mail_domain(domain)
    name_says_amazon = bool(_AMAZON_NAME.search(name))
    claims = amazon_from or name_says_amazon or bool(_AMAZON_NAME.search(facts.subject)) or bool(facts.order_ids)
    verdict = SenderVerdict(address, name, None, claims, False)
    ev = verdict.evidence
    if from_ is None:
        ev.append("the mail has no From address")
    if name_says_amazon and domain and not amazon_from:
        verdict.impersonation = True
        ev.append(f"the display name says {name!r} but the address is {address} ({registrable(domain)} is not Amazon)")
    for header, addrs in (
        ("Reply-To", [a.address for a in facts.reply_to]),
        ("Return-Path", [facts.return_path] if facts.return_path else []),
    ):
        for a in addrs:
            d = a.rpartition("@")[2]
            if amazon_from and d and not is_amazon_mail_domain(d) and registrable(d) not in AMAZON_DKIM:
                ev.append(f"{header} {a} is not an Amazon address")

    if not facts.auth_results:
        ev.append(
            "no Authentication-Results header: the sender cannot be verified (save the full original "
            "message, e.g. 'Show original' / 'Save as .eml', so the header is kept)"
        )
        return verdict
    top = parse_auth_results(facts.auth_results[0])
    if len(facts.auth_results) > 1:
        ev.append(
            f"{len(facts.auth_results) - 1} lower Authentication-Results header(s) ignored: "
            "anyone on the way, the sender included, can write those"
        )
    if authserv_ids and top.authserv_id not in authserv_ids:
        ev.append(
            f"the topmost Authentication-Results is from {top.authserv_id!r}, not your provider "
            f"({', '.join(authserv_ids)}): not trusted"
        )
        return verdict
    ev.append(
        f"verdicts of {top.authserv_id or 'an unnamed server'} (topmost Authentication-Results): "
        + ", ".join(f"{r.method}={r.result}" for r in top.results)
    )
    if not amazon_from:
        verdict.authenticated = False
        if domain:
            ev.append(f"the From address {address} is not an Amazon address")
        return verdict
    from_org = registrable(domain)
    for r in top.of("dmarc"):
        header_from = r.props.get("header.from", domain)
        if r.result == "pass" and registrable(header_from) == from_org:
            verdict.authenticated = True
            ev.append(f"DMARC pass for {header_from}")
            return verdict
    for r in top.of("dkim"):
        d = r.props.get("header.d") or r.props.get("header.i", "").rpartition("@")[2]
        if r.result == "pass" and d and registrable(d) == from_org:
            verdict.authenticated = True
            ev.append(f"DKIM pass with d={d}, aligned with From")
            return verdict
    verdict.authenticated = False
    failed = [f"{r.method}={r.result}" for r in top.results if r.method in ("dmarc", "dkim") and r.result != "pass"]
    ev.append("no DMARC pass and no aligned DKIM pass for " + from_org + (f" ({', '.join(failed)})" if failed else ""))
    return verdict
