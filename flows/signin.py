"""Sign-in as an explicit state machine: classify the page, then act. Each step is taken at most once
per run; every human-only or unknown state ends the run with a named reason. Never a retry loop."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import pyotp
from loguru import logger
from playwright.sync_api import Page

from orderwatch.bots.guard import SIGNIN_POST_PATHS, RequestGuard
from orderwatch.bots.pages import SignInPage
from orderwatch.errors import (
    CheckIncomplete,
    GuardBlockedError,
    HumanNeededError,
    PageChangedError,
    SignInFailedError,
    SiteUnreachableError,
)
from orderwatch.i18n import N_, _
from orderwatch.parsers.signin_state import HUMAN_ONLY, SignInState, classify_signin
from orderwatch.site import SIGN_IN_PREFIX

HEADED_ADVICE = N_("Sign in once by hand with `orderwatch login --headed`, then run the check again.")
# Each advice is one whole message (the Japanese says it in another order); translated where it is raised.
ADVICE = {
    SignInState.CAPTCHA: N_(
        "The site shows a CAPTCHA. Sign in once by hand with `orderwatch login --headed`, then run the check again."
    ),
    SignInState.BOT_CHALLENGE: N_(
        "The site shows a robot check. Sign in once by hand with `orderwatch login --headed`, then run the check again."
    ),
    SignInState.APPROVAL: N_(
        "The site waits for you to approve a sign-in notification on your phone. Sign in once by hand with "
        "`orderwatch login --headed`, then run the check again."
    ),
    SignInState.OTP_BY_SMS_OR_EMAIL: N_(
        "The site sent a code by SMS or e-mail. Sign in once by hand with `orderwatch login --headed`, then run "
        "the check again."
    ),
    SignInState.DEVICE_SELECT: N_(
        "The site asks where to send a code. Sign in once by hand with `orderwatch login --headed`, then run the "
        "check again."
    ),
    SignInState.PASSWORD_RESET_REQUIRED: N_(
        "The site requires a password reset (its fraud checks may have "
        "invalidated the password). Reset it yourself on the site or by calling customer service, update "
        "ORDERWATCH_PASSWORD, then run again. orderwatch will not try again on its own."
    ),
    SignInState.ACCOUNT_LOCKED: N_(
        "The account is locked or on hold. Contact customer service; orderwatch "
        "will not try to sign in again on its own."
    ),
    SignInState.INTERSTITIAL: N_(
        "The site shows an interstitial page after sign-in. Sign in once by hand with `orderwatch login --headed`, "
        "then run the check again."
    ),
    SignInState.ACCOUNT_SELECT: N_(
        "The site asks which of several accounts to use. Sign in once by hand with `orderwatch login --headed`, "
        "then run the check again."
    ),
    SignInState.EXTRA_VERIFICATION: N_(
        "The site asks a security question (or a ZIP code). Sign in once by hand with `orderwatch login --headed`, "
        "then run the check again."
    ),
    SignInState.ACCOUNT_ACTION_REQUIRED: N_(
        "The site requires an action on the account (billing or card "
        "verification, documents, a policy notice). Sign in yourself in a browser and follow the site's "
        "instructions; orderwatch will not try again on its own."
    ),
}
MAX_STEPS = 6


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
        for _step in range(MAX_STEPS):
            state = classify_signin(page.url, page.content())
            logger.info("sign-in: {}", state.value)
            if state in done:
                raise SignInFailedError(state.value, _("The site asked for the same step twice; stopping."))
            done.add(state)
            if state is SignInState.SIGNED_IN:
                return
            if state in HUMAN_ONLY:
                raise HumanNeededError(state.value, _(ADVICE[state]))
            if state is SignInState.TOTP_INVALID:
                raise SignInFailedError(
                    state.value,
                    _(
                        "The one-time code was refused. Check ORDERWATCH_TOTP_SECRET and the computer's clock; "
                        "orderwatch does not try another code."
                    ),
                )
            if state is SignInState.PASSWORD_INVALID:
                raise SignInFailedError(
                    state.value, _("The password was refused. Check ORDERWATCH_PASSWORD; no retry was made.")
                )
            if state is SignInState.EMAIL_INVALID:
                raise SignInFailedError(
                    state.value,
                    _("The site knows no account with that e-mail. Check ORDERWATCH_EMAIL and the marketplace."),
                )
            if state is SignInState.SITE_ERROR:
                raise SiteUnreachableError(_("the site showed an error page during sign-in; try again later"))
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
                    raise PageChangedError(
                        "sign-in",
                        _("unrecognised sign-in page at {url}").format(url=page.url.split("?")[0]),
                    )
            except SiteUnreachableError:
                guard_stopped(guard, blocked_before, None, failed=True)
                raise
            guard_stopped(guard, blocked_before, None, failed=False)
        raise CheckIncomplete(_("sign-in did not finish within {n} steps").format(n=MAX_STEPS))
    finally:
        guard.signing_in = False


CREDENTIALS_FORM_ADVICE = N_(
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
        and page.path.startswith(SIGN_IN_PREFIX)  # credentials are typed on no other page
        and method == "post"
        and (target.scheme, target.netloc) == origin
        and target.path in SIGNIN_POST_PATHS
    )
    if not fine:
        logger.error("credentials form refused: page {} form {} {}", page.path, method or "-", target.path or "-")
        raise HumanNeededError("credentials_form_unexpected", _(CREDENTIALS_FORM_ADVICE))


def guard_stopped(guard: RequestGuard, since: int, path: str | None, *, failed: bool) -> None:
    """Raise GuardBlockedError when the guard refused a redirect during the sign-in (``path`` None) or the load
    of the page at ``path``, or when that failed while the guard refused a page load (a form the page submitted
    itself, a refresh off the site)."""
    new = guard.blocked[since:]
    refused = [e for e in new if e.reason.startswith("redirect_") or (failed and e.resource_type == "document")]
    if refused:
        event = refused[-1]
        what = {"method": event.method, "url": event.url, "reason": event.reason}
        if path is None:
            message = _(
                "the sign-in was answered with {method} {url} ({reason}); the read-only guard refused it, and the "
                "page could not be read"
            ).format(**what)
        else:
            message = _(
                "loading {path} was answered with {method} {url} ({reason}); the read-only guard refused it, and "
                "the page could not be read"
            ).format(path=path, **what)
        raise GuardBlockedError(message)


def _need(value: str | None, name: str) -> str:
    if not value:
        raise HumanNeededError(
            "credentials_missing",
            _(
                "The session has expired and {name} is not set (environment or .env). Set it, or sign in "
                "by hand with `orderwatch login --headed`."
            ).format(name=name),
        )
    return value
