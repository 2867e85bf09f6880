"""The error tree. One root, each branch maps to one exit code of the CLI.

    OrderwatchError                  root; carries ``meta`` (context for logs and reports)
    ├── UsageError          exit 2   bad input: a config or allowlist file, a refused --base-url
    └── CheckIncomplete     exit 3   the check could not be completed; never reported as clean
        ├── PageChangedError         a page could not be read (layout drift, wrong page served)
        ├── HumanNeededError         sign-in stopped at a state only a person can pass
        ├── SignInFailedError        the site refused what we sent (wrong TOTP code, wrong password)
        ├── GuardBlockedError        a sign-in step was answered with a request the guard refused
        ├── SiteUnreachableError     network error, timeout, HTTP error from the site
        ├── OverLimitError           a page larger than the size limit, a history longer than the page limit
        ├── ReauthError              a settings page asked for the password again and could not be answered
        └── RunInterrupted           Ctrl-C: the run stops before its next page, keeping what it read

Messages never contain secrets: callers pass page names, field names and reasons, not values
typed into the site. Messages are in the language in force when the error is raised (``_()`` at raise time,
the advice passed in already translated); ``state`` and ``reason`` stay codes.
"""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path
from typing import Any

from orderwatch.i18n import N_, _, language
from orderwatch.vocabulary import PageKind

# The pages a PageChangedError names, as the reader knows them (the same names as the report's). In English the
# message keeps the page's kind ("cannot read the order-history page"), as it always has.
PAGE_NAMES: dict[PageKind, str] = {
    "order-history": N_("order history"),
    "order-summary": N_("order summary"),
    "one-click": N_("1-Click settings"),
    "login-security": N_("Login & Security"),
    "two-step": N_("2-step verification settings"),
    "memberships": N_("Memberships & Subscriptions"),
    "devices": N_("devices"),
    "content": N_("Kindle content"),
    "message-center": N_("Message Center"),
    "digital console": N_("digital console"),
    "sign-in": N_("sign-in"),
}


def page_name(page: PageKind) -> str:
    """The page ``page`` (a kind) named for the reader: the kind itself in English, the site's name otherwise."""
    # (a kind the table lacks would be named by its code: tests/test_vocabulary.py keeps the table complete)
    return page if language() == "en" or page not in PAGE_NAMES else _(PAGE_NAMES[page])


# Why a run stopped, as history and doctor name it: the code in English (as report.json has it), words in Japanese.
REASON_WORDS = {
    "interrupted": N_("interrupted"),
    "usage_error": N_("usage_error"),
    "site_unreachable": N_("site_unreachable"),
    "page_changed": N_("page_changed"),
    "guard_blocked": N_("guard_blocked"),
    "browser_error": N_("browser_error"),
    "not_reached": N_("not_reached"),
    "over_limit": N_("over_limit"),
    "page_too_large": N_("page_too_large"),
    "history_too_long": N_("history_too_long"),
    "reauth_skipped": N_("reauth_skipped"),
    "reauth_again": N_("reauth_again"),
    "reauth_needed": N_("reauth_needed"),
    "sign_in_cooldown": N_("sign_in_cooldown"),
    "already_running": N_("already_running"),
    "incomplete": N_("incomplete"),
    "captcha": N_("captcha"),
    "bot_challenge": N_("bot_challenge"),
    "approval_prompt": N_("approval_prompt"),
    "code_by_sms_or_email": N_("code_by_sms_or_email"),
    "device_select": N_("device_select"),
    "wrong_totp_code": N_("wrong_totp_code"),
    "wrong_password": N_("wrong_password"),
    "unknown_email": N_("unknown_email"),
    "password_reset_required": N_("password_reset_required"),
    "account_locked_or_on_hold": N_("account_locked_or_on_hold"),
    "account_action_required": N_("account_action_required"),
    "extra_verification": N_("extra_verification"),
    "account_select": N_("account_select"),
    "interstitial": N_("interstitial"),
    "site_error": N_("site_error"),
    "signed_out": N_("signed_out"),
    "unknown": N_("unknown"),
}


def reason_words(reason: str) -> str:
    """A stop reason for the reader: the code itself in English, words otherwise (unknown codes as they are)."""
    return _(REASON_WORDS[reason]) if reason in REASON_WORDS else reason


class ExitCode(IntEnum):
    """What every command's exit status means (README: "Exit codes"). The one list of them."""

    OK = 0  # all as expected (doctor: nothing to fix)
    FINDINGS = 1  # something to look at: a finding, a phishing mail, a doctor line to fix
    USAGE = 2  # bad input nothing was run with: an option, config.toml, the allowlist, missing credentials
    INCOMPLETE = 3  # the check (or lookup) could not read everything; an internal error
    INTERRUPTED = 130  # Ctrl-C (SIGINT): 128 + 2, as shells report it
    BROKEN_PIPE = 141  # the reader of the output went away (128 + SIGPIPE, as shells report it)


class OrderwatchError(Exception):
    """Root of orderwatch's errors. ``meta`` holds context for logs and the report."""

    exit_code = ExitCode.INCOMPLETE

    def __init__(self, message: str, **meta: Any) -> None:
        super().__init__(message)
        self.message = message
        self.meta: dict[str, Any] = meta


class UsageError(OrderwatchError):
    """Raised for bad input the user can fix (config, allowlist, arguments). Exit 2, nothing is run."""

    exit_code = ExitCode.USAGE


class CheckIncomplete(OrderwatchError):
    """Raised when the check could not be completed. Exit 3; the report's status is "incomplete"."""

    exit_code = ExitCode.INCOMPLETE
    reason = "incomplete"


class PageChangedError(CheckIncomplete):
    """Raised by a parser when a required field or element is missing from a page.

    The caller must not treat the page as empty: the run ends incomplete, and the snapshot
    (when the flow saved one) is the raw material for a new recording.
    """

    reason = "page_changed"

    def __init__(self, page: PageKind, missing: str, *, snapshot: Path | None = None, **meta: Any) -> None:
        message = _("cannot read the {page} page: {missing}").format(page=page_name(page), missing=missing)
        super().__init__(message, page=page, missing=missing, **meta)
        self.page = page
        self.missing = missing
        self.snapshot = snapshot


class HumanNeededError(CheckIncomplete):
    """Raised when sign-in reaches a state only a person can pass (CAPTCHA, approval prompt,
    code by SMS or e-mail, password reset required, account locked or on hold).

    The caller stops; it never retries. ``state`` names the sign-in state.
    """

    reason = "human_needed"

    def __init__(self, state: str, advice: str, **meta: Any) -> None:
        message = _("sign-in needs a person: {state}. {advice}").format(state=state, advice=advice)
        super().__init__(message, state=state, **meta)
        self.state = state
        self.advice = advice


class SignInFailedError(CheckIncomplete):
    """Raised when the site rejected a sign-in step (wrong one-time code, wrong password).

    The caller stops; a second automatic attempt would only look more like an attack.
    """

    reason = "sign_in_failed"

    def __init__(self, state: str, advice: str, **meta: Any) -> None:
        message = _("sign-in failed: {state}. {advice}").format(state=state, advice=advice)
        super().__init__(message, state=state, **meta)
        self.state = state
        self.advice = advice


class GuardBlockedError(CheckIncomplete):
    """Raised when the site answered a sign-in step with something the read-only guard refused (a
    307 that would re-send the POST elsewhere, a redirect off the site). The run stops; the report
    names what was blocked."""

    reason = "guard_blocked"


class SiteUnreachableError(CheckIncomplete):
    """Raised on network errors, timeouts and HTTP error statuses. The run ends incomplete."""

    reason = "site_unreachable"


class OverLimitError(CheckIncomplete):
    """Raised when a page is larger than orderwatch reads (``page_too_large``) or the order history has more
    pages than it follows (``history_too_long``). The page is unread; the run goes on with the others."""

    reason = "over_limit"

    def __init__(self, reason: str, message: str, **meta: Any) -> None:
        super().__init__(message, **meta)
        self.reason = reason


def reason_of(exc: CheckIncomplete) -> str:
    """The machine reason of a stop: the sign-in state where there is one (an attribute of the sign-in errors,
    or given as ``state=`` to a plain CheckIncomplete, like the run lock's), else the error's reason."""
    state = getattr(exc, "state", None) or exc.meta.get("state")
    return state if isinstance(state, str) else exc.reason


class RunInterrupted(CheckIncomplete):
    """Raised before the next page once the user pressed Ctrl-C: the run stops there and keeps what it read
    (its report and history row say "interrupted"; the CLI exits 130)."""

    reason = "interrupted"


class ReauthError(CheckIncomplete):
    """Raised when a sensitive settings page (Login & Security, 2-step verification) asked for the password
    again and the run could not answer: ``reauth = "never"``, already answered once this run, the sign-in
    cool-down, or the re-authentication itself stopped (a CAPTCHA, a wrong password). Only that page is
    unread; the run goes on. ``reason`` names which."""

    reason = "reauth_needed"

    def __init__(self, reason: str, message: str, **meta: Any) -> None:
        super().__init__(message, **meta)
        self.reason = reason
