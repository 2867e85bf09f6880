"""Who really sent the mail: the topmost Authentication-Results header (RFC 8601), added by the
receiving provider, decides. A From line proves nothing by itself; lower Authentication-Results
headers may have been written by the sender and are never trusted."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from orderwatch.i18n import _, ngettext
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
        ev.append(_("the mail has no From address"))
    if name_says_amazon and domain and not amazon_from:
        verdict.impersonation = True
        ev.append(
            _("the display name says {name!r} but the address is {address} ({domain} is not Amazon)").format(
                name=name, address=address, domain=registrable(domain)
            )
        )
    for header, addrs in (
        ("Reply-To", [a.address for a in facts.reply_to]),
        ("Return-Path", [facts.return_path] if facts.return_path else []),
    ):
        for a in addrs:
            d = a.rpartition("@")[2]
            if amazon_from and d and not is_amazon_mail_domain(d) and registrable(d) not in AMAZON_DKIM:
                ev.append(_("{header} {address} is not an Amazon address").format(header=header, address=a))

    if not facts.auth_results:
        ev.append(
            _(
                "no Authentication-Results header: the sender cannot be verified (save the full original "
                "message, e.g. 'Show original' / 'Save as .eml', so the header is kept)"
            )
        )
        return verdict
    top = parse_auth_results(facts.auth_results[0])
    if len(facts.auth_results) > 1:
        n = len(facts.auth_results) - 1
        ev.append(
            ngettext(
                "{n} lower Authentication-Results header ignored: anyone on the way, the sender included, "
                "can write those",
                "{n} lower Authentication-Results headers ignored: anyone on the way, the sender included, "
                "can write those",
                n,
            ).format(n=n)
        )
    if authserv_ids and top.authserv_id not in authserv_ids:
        ev.append(
            _(
                "the topmost Authentication-Results is from {server}, not your provider ({providers}): not trusted"
            ).format(server=repr(top.authserv_id), providers=", ".join(authserv_ids))
        )
        return verdict
    results = ", ".join(f"{r.method}={r.result}" for r in top.results)
    if top.authserv_id:
        ev.append(
            _("verdicts of {server} (topmost Authentication-Results): {results}").format(
                server=top.authserv_id, results=results
            )
        )
    else:
        ev.append(
            _("verdicts of an unnamed server (topmost Authentication-Results): {results}").format(results=results)
        )
    if not amazon_from:
        verdict.authenticated = False
        if domain:
            ev.append(_("the From address {address} is not an Amazon address").format(address=address))
        return verdict
    from_org = registrable(domain)
    for r in top.of("dmarc"):
        header_from = r.props.get("header.from", domain)
        if r.result == "pass" and registrable(header_from) == from_org:
            verdict.authenticated = True
            ev.append(_("DMARC pass for {domain}").format(domain=header_from))
            return verdict
    for r in top.of("dkim"):
        d = r.props.get("header.d") or r.props.get("header.i", "").rpartition("@")[2]
        if r.result == "pass" and d and registrable(d) == from_org:
            verdict.authenticated = True
            ev.append(_("DKIM pass with d={domain}, aligned with From").format(domain=d))
            return verdict
    verdict.authenticated = False
    failed = [f"{r.method}={r.result}" for r in top.results if r.method in ("dmarc", "dkim") and r.result != "pass"]
    if failed:
        ev.append(
            _("no DMARC pass and no aligned DKIM pass for {domain} ({failed})").format(
                domain=from_org, failed=", ".join(failed)
            )
        )
    else:
        ev.append(_("no DMARC pass and no aligned DKIM pass for {domain}").format(domain=from_org))
    return verdict
