"""Sign-in as an explicit state machine: classify the page, then act. Each step is taken at most once
per run; every human-only or unknown state ends the run with a named reason. Never a retry loop."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import pyotp
from loguru import logger
from playwright.sync_api import Page

from bots.browser import SIGNIN_POST_PATHS, RequestGuard
from bots.pages import SignInPage
from orderwatch.errors import (
    CheckIncomplete,
    GuardBlockedError,
    HumanNeededError,
    PageChangedError,
    SignInFailedError,
    SiteUnreachableError,
)
from orderwatch.parsers.signin_state import HUMAN_ONLY, SignInState, classify_signin

HEADED_ADVICE = "Sign in once by hand with `orderwatch login --headed`, then run the check again."
ADVICE = {
    SignInState.CAPTCHA: "The site shows a CAPTCHA. " + HEADED_ADVICE,
    SignInState.BOT_CHALLENGE: "The site shows a robot check. " + HEADED_ADVICE,
    SignInState.APPROVAL: "The site waits for you to approve a sign-in notification on your phone. " + HEADED_ADVICE,
    SignInState.OTP_BY_SMS_OR_EMAIL: "The site sent a code by SMS or e-mail. " + HEADED_ADVICE,
    SignInState.DEVICE_SELECT: "The site asks where to send a code. " + HEADED_ADVICE,
    SignInState.PASSWORD_RESET_REQUIRED: "The site requires a password reset (its fraud checks may have "
    "invalidated the password). Reset it yourself on the site or by calling customer service, update "
    "ORDERWATCH_PASSWORD, then run again. orderwatch will not try again on its own.",
    SignInState.ACCOUNT_LOCKED: "The account is locked or on hold. Contact customer service; orderwatch "
    "will not try to sign in again on its own.",
    SignInState.INTERSTITIAL: "The site shows an interstitial page after sign-in. " + HEADED_ADVICE,
    SignInState.ACCOUNT_SELECT: "The site asks which of several accounts to use. " + HEADED_ADVICE,
    SignInState.EXTRA_VERIFICATION: "The site asks a security question (or a ZIP code). " + HEADED_ADVICE,
    SignInState.ACCOUNT_ACTION_REQUIRED: "The site requires an action on the account (billing or card "
    "verification, documents, a policy notice). Sign in yourself in a browser and follow the site's "
    "instructions; orderwatch will not try again on its own.",
}
MAX_STEPS = 6
SIGN_IN_PAGE_PREFIX = "/ap/"  # the sign-in pages (/ap/signin, /ap/mfa); credentials are typed nowhere else


@dataclass(frozen=True)
class Credentials:
    email: str | None
    password: str | None
    totp_secret: str | None


def sign_in(page: Page, guard: RequestGuard, creds: Credentials, timeout_s: float) -> None:
    """Drive the sign-in pages from where the browser is now until signed in.

    Raises HumanNeededError, SignInFailedError, PageChangedError or CheckIncomplete; never loops.
    """
    form = SignInPage(page, timeout_s)
    done: set[SignInState] = set()
    guard.signing_in = True
    try:
        for _ in range(MAX_STEPS):
            state = classify_signin(page.url, page.content())
            logger.info("sign-in: {}", state.value)
            if state in done:
                raise SignInFailedError(state.value, "The site asked for the same step twice; stopping.")
            done.add(state)
            if state is SignInState.SIGNED_IN:
                return
            if state in HUMAN_ONLY:
                raise HumanNeededError(state.value, ADVICE[state])
            if state is SignInState.TOTP_INVALID:
                raise SignInFailedError(
                    state.value,
                    "The one-time code was refused. Check ORDERWATCH_TOTP_SECRET and the computer's clock; "
                    "orderwatch does not try another code.",
                )
            if state is SignInState.PASSWORD_INVALID:
                raise SignInFailedError(
                    state.value, "The password was refused. Check ORDERWATCH_PASSWORD; no retry was made."
                )
            if state is SignInState.EMAIL_INVALID:
                raise SignInFailedError(
                    state.value,
                    "The site knows no account with that e-mail. Check ORDERWATCH_EMAIL and the marketplace.",
                )
            if state is SignInState.SITE_ERROR:
                raise SiteUnreachableError("the site showed an error page during sign-in; try again later")
            blocked_before = len(guard.blocked)
            field = {SignInState.EMAIL: form.EMAIL, SignInState.PASSWORD: form.PASSWORD, SignInState.TOTP: form.OTP}
            if state in field:
                _check_credentials_form(form, field[state], guard)
            try:
                if state is SignInState.SIGNED_OUT:
                    form.open_sign_in()
                elif state is SignInState.EMAIL:
                    form.submit_email(_need(creds.email, "ORDERWATCH_EMAIL"))
                elif state is SignInState.PASSWORD:
                    form.submit_password(_need(creds.password, "ORDERWATCH_PASSWORD"), email=creds.email)
                elif state is SignInState.TOTP:
                    secret = _need(creds.totp_secret, "ORDERWATCH_TOTP_SECRET")
                    code = pyotp.TOTP(secret).now()
                    guard.secrets += (code,)  # the code too may leave only in the sign-in POST
                    form.submit_code(code)
                else:
                    raise PageChangedError("sign-in", f"unrecognised sign-in page at {page.url.split('?')[0]}")
            except SiteUnreachableError:
                guard_stopped(guard, blocked_before, "the sign-in", failed=True)
                raise
            guard_stopped(guard, blocked_before, "the sign-in", failed=False)
        raise CheckIncomplete(f"sign-in did not finish within {MAX_STEPS} steps")
    finally:
        guard.signing_in = False


CREDENTIALS_FORM_ADVICE = (
    "A page asked for your sign-in details somewhere other than the site's own sign-in form (another "
    "address, a form that would send them elsewhere or in the address line). Nothing was typed. Do not "
    "sign in from a link; open the site yourself and check your account, then run `orderwatch login --headed`."
)


def _check_credentials_form(form: SignInPage, field: str, guard: RequestGuard) -> None:
    """Credentials are typed only into the site's own sign-in form: the page is a sign-in path on the
    site, and the field's form POSTs to a sign-in path on the site. Anything else stops the run, untyped."""
    found = form.form_of(field)
    page_url, method, action = found if found is not None else (form.page.url, "", "")
    page, target = urlsplit(page_url), urlsplit(action)
    origin = guard.site_origin
    fine = (
        (page.scheme, page.netloc) == origin
        and page.path.startswith(SIGN_IN_PAGE_PREFIX)
        and method == "post"
        and (target.scheme, target.netloc) == origin
        and target.path in SIGNIN_POST_PATHS
    )
    if not fine:
        logger.error("credentials form refused: page {} form {} {}", page.path, method or "-", target.path or "-")
        raise HumanNeededError("credentials_form_unexpected", CREDENTIALS_FORM_ADVICE)


def guard_stopped(guard: RequestGuard, since: int, what: str, *, failed: bool) -> None:
    """Raise GuardBlockedError when the guard refused a redirect during ``what``, or when ``what`` failed
    while the guard refused a page load (a form the page submitted itself, a refresh off the site)."""
    new = guard.blocked[since:]
    refused = [e for e in new if e.reason.startswith("redirect_") or (failed and e.resource_type == "document")]
    if refused:
        event = refused[-1]
        raise GuardBlockedError(
            f"{what} was answered with {event.method} {event.url} ({event.reason}); the read-only guard "
            "refused it, and the page could not be read"
        )


def _need(value: str | None, name: str) -> str:
    if not value:
        raise HumanNeededError(
            "credentials_missing",
            f"The session has expired and {name} is not set (environment or .env). Set it, or sign in "
            "by hand with `orderwatch login --headed`.",
        )
    return value
