"""Who sent it: only the topmost Authentication-Results counts, and only DMARC pass for an Amazon From
domain or an aligned DKIM pass authenticate an Amazon sender."""

from __future__ import annotations

import pytest

from orderwatch.mail.read import read_mail
from orderwatch.mail.sender import judge_sender, parse_auth_results
from orderwatch.replay.account import MAILS


def _mail(ar: list[str], from_: str = '"Amazon.co.jp" <auto-confirm@amazon.co.jp>') -> bytes:
    head = "".join(f"Authentication-Results: {a}\n" for a in ar)
    rest = "Subject: Amazon.co.jpでのご注文\nDate: Fri, 27 Nov 2026 10:00:00 +0900\n\nbody\n"
    return f"{head}From: {from_}\n{rest}".encode()


def test_an_authentication_results_header_is_parsed_with_comments_removed() -> None:
    ar = parse_auth_results(
        "mx.google.com; dkim=pass header.i=@amazon.co.jp header.s=x header.b=y; "
        "spf=pass (google.com: domain of a@b designates 1.2.3.4 as permitted sender) smtp.mailfrom=a@b; "
        "dmarc=pass (p=QUARANTINE sp=QUARANTINE dis=NONE) header.from=amazon.co.jp"
    )
    assert ar.authserv_id == "mx.google.com"
    assert [(r.method, r.result) for r in ar.results] == [("dkim", "pass"), ("spf", "pass"), ("dmarc", "pass")]
    assert ar.of("dmarc")[0].props["header.from"] == "amazon.co.jp"


@pytest.mark.parametrize(
    ("ar", "from_", "authenticated"),
    [
        (["mx.example.net; dmarc=pass header.from=amazon.co.jp"], None, True),
        (["mx.example.net; dkim=pass header.d=amazon.co.jp; dmarc=none"], None, True),  # aligned DKIM
        (["mx.example.net; dkim=pass header.d=amazonses.com; spf=pass; dmarc=none"], None, False),  # not aligned
        (["mx.example.net; dmarc=fail header.from=amazon.co.jp"], None, False),
        (["mx.example.net; spf=pass smtp.mailfrom=amazon.co.jp"], None, False),  # SPF alone proves nothing
        (["mx.example.net; dmarc=pass header.from=amazon.com"], '"Amazon" <ship-confirm@amazon.com>', True),
        (
            ["mx.example.net; dmarc=pass header.from=email.amazon.co.jp"],
            '"Amazon.co.jp" <store-news@email.amazon.co.jp>',
            True,
        ),  # a subdomain of an Amazon domain
        (
            ["mx.example.net; dmarc=pass header.from=amazon.co.jp.evil.example"],
            '"Amazon" <a@amazon.co.jp.evil.example>',
            False,
        ),
        ([], None, None),  # no header: unverified, never genuine
    ],
)
def test_sender_authentication(ar: list[str], from_: str | None, authenticated: bool | None) -> None:
    facts = read_mail(_mail(ar, from_) if from_ else _mail(ar))
    assert judge_sender(facts).authenticated is authenticated


def test_a_forged_pass_below_the_providers_fail_is_ignored() -> None:
    facts = read_mail((MAILS / "forged-lower-ar.eml").read_bytes())
    verdict = judge_sender(facts)
    assert verdict.authenticated is False
    assert any("lower Authentication-Results" in e for e in verdict.evidence)


def test_only_the_configured_provider_is_trusted() -> None:
    facts = read_mail(_mail(["evil-relay.example; dmarc=pass header.from=amazon.co.jp"]))
    assert judge_sender(facts, ("mx.example.net",)).authenticated is None
    facts = read_mail(_mail(["mx.example.net; dmarc=pass header.from=amazon.co.jp"]))
    assert judge_sender(facts, ("mx.example.net",)).authenticated is True


def test_display_name_impersonation_is_named() -> None:
    verdict = judge_sender(read_mail((MAILS / "display-name-impersonation.eml").read_bytes()))
    assert verdict.impersonation is True and verdict.authenticated is False
    assert any("shop-notice.example is not Amazon" in e for e in verdict.evidence)


def test_a_reply_to_off_amazon_is_noted() -> None:
    raw = _mail(["mx.example.net; dmarc=pass header.from=amazon.co.jp"]).replace(
        b"Subject:", b"Reply-To: refunds@help-desk.example\nSubject:"
    )
    verdict = judge_sender(read_mail(raw))
    assert any("Reply-To refunds@help-desk.example" in e for e in verdict.evidence)
