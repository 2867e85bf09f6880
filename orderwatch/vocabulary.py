"""The words orderwatch's modules share, each named once: the kinds of pages, the kinds of findings, the reasons
the request guard gives and the marketplace codes. Each is a ``Literal`` type (so mypy checks a call written
with a literal) with the tuple of its values beside it (so a table keyed by it can be checked against it).

Pure: this module imports the standard library only, so every layer may use it."""

from __future__ import annotations

from typing import Final, Literal, get_args

PageKind = Literal[
    "order-history",
    "order-summary",
    "one-click",
    "login-security",
    "two-step",
    "memberships",
    "devices",
    "content",
    "message-center",
    "digital console",
    "sign-in",
]
"""A page the check reads or names in a report, snapshot or unread page: the order history and summaries
(flows/check.py), the 1-Click and account settings pages (``baseline.PAGE_KINDS``), the Message Center
(flows/lookup.py), the digital console and sign-in (bots/pages.py, flows/signin.py). ``errors.PAGE_NAMES``
names each for the reader."""
ALL_PAGE_KINDS: Final[tuple[PageKind, ...]] = get_args(PageKind)  # (baseline.PAGE_KINDS: section → kind)

FindingKind = Literal[
    "unexpected_order",
    "one_click_enabled",
    "one_click_disabled",
    "page_attempted_action",
    "credentials_form_unexpected",
    "email_changed",
    "phone_changed",
    "passkey_added",
    "two_step_disabled",
    "two_step_method_added",
    "two_step_method_removed",
    "device_added",
    "subscription_started",
    "trial_started",
    "content_without_order",
]
"""What a finding is about: every ``Finding`` orderwatch/diff.py decides. ``report.FINDING_TITLES`` gives each
its title; the settings ones are accepted by ``baseline accept`` (``baseline.FINDING_SECTION``)."""
FINDING_KINDS: Final[tuple[FindingKind, ...]] = get_args(FindingKind)

VerdictReason = Literal["not_loaded", "not_read_path", "off_site", "state_changing_method"]
"""Why ``RequestGuard.verdict`` (bots/guard.py) refuses a request by its method, address and type alone."""
VERDICT_REASONS: Final[tuple[VerdictReason, ...]] = get_args(VerdictReason)

RedirectReason = Literal[
    "redirect_resends_post",
    "redirect_not_loaded",
    "redirect_not_read_path",
    "redirect_off_site",
    "redirect_state_changing_method",
]
"""Why ``RequestGuard.redirect_verdict`` refuses to follow a redirect: a 307/308 re-sending a POST, or
"redirect_" and the ``VerdictReason`` its target would get."""
REDIRECT_REASONS: Final[tuple[RedirectReason, ...]] = get_args(RedirectReason)

GuardReason = Literal[
    VerdictReason,
    RedirectReason,
    "console_activity_refused",
    "carries_secret",
    "page_too_large",
    "websocket",
    "popup",
]
"""Every reason a ``GuardEvent`` gives (bots/guard.py ``RequestGuard``; a cookie
that carries a secret from flows/session.py): the verdicts, the refused redirects, a console request asking for
an activity that is not a read, a request carrying a secret, a page too large to hold, a WebSocket, a popup."""
GUARD_REASONS: Final[tuple[GuardReason, ...]] = get_args(GuardReason)

MarketplaceCode = Literal["co.jp", "com"]
"""The Amazon sites orderwatch knows (orderwatch/marketplace.py ``MARKETPLACES``; the ``marketplace`` setting)."""
MARKETPLACE_CODES: Final[tuple[MarketplaceCode, ...]] = get_args(MarketplaceCode)
