"""Sign-in state: a pure function of (URL, HTML). The flow acts on the state; it never guesses.

Stop states are recognised before form states: a CAPTCHA page may also carry a password field, an
"email not found" page still shows the e-mail field, a code page may mention the approval prompt.
"""

from __future__ import annotations

from enum import StrEnum
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from orderwatch.parsers import selectors as S
from orderwatch.parsers.values import first, node_text
from orderwatch.site import SIGN_IN_PREFIX


class SignInState(StrEnum):
    EMAIL = "email_step"
    PASSWORD = "password_step"
    TOTP = "totp_step"
    TOTP_INVALID = "wrong_totp_code"
    PASSWORD_INVALID = "wrong_password"
    EMAIL_INVALID = "unknown_email"
    OTP_BY_SMS_OR_EMAIL = "code_by_sms_or_email"
    DEVICE_SELECT = "device_select"
    APPROVAL = "approval_prompt"
    CAPTCHA = "captcha"
    BOT_CHALLENGE = "bot_challenge"
    INTERSTITIAL = "interstitial"
    ACCOUNT_SELECT = "account_select"
    EXTRA_VERIFICATION = "extra_verification"
    PASSWORD_RESET_REQUIRED = "password_reset_required"
    ACCOUNT_LOCKED = "account_locked_or_on_hold"
    ACCOUNT_ACTION_REQUIRED = "account_action_required"
    SITE_ERROR = "site_error"
    SIGNED_OUT = "signed_out"
    SIGNED_IN = "signed_in"
    UNKNOWN = "unknown"


HUMAN_ONLY = frozenset(
    {
        SignInState.OTP_BY_SMS_OR_EMAIL,
        SignInState.DEVICE_SELECT,
        SignInState.APPROVAL,
        SignInState.CAPTCHA,
        SignInState.BOT_CHALLENGE,
        SignInState.INTERSTITIAL,
        SignInState.ACCOUNT_SELECT,
        SignInState.EXTRA_VERIFICATION,
        SignInState.PASSWORD_RESET_REQUIRED,
        SignInState.ACCOUNT_LOCKED,
        SignInState.ACCOUNT_ACTION_REQUIRED,
    }
)

# (state, texts) in the order they are tested; the first match wins.
_TEXT_STATES: tuple[tuple[SignInState, tuple[str, ...]], ...] = (
    (SignInState.BOT_CHALLENGE, S.TEXT_BOT_CHALLENGE),
    (SignInState.CAPTCHA, S.TEXT_CAPTCHA),
    (SignInState.SITE_ERROR, S.TEXT_SITE_ERROR),
    (SignInState.PASSWORD_RESET_REQUIRED, S.TEXT_PASSWORD_RESET),
    (SignInState.ACCOUNT_LOCKED, S.TEXT_ACCOUNT_LOCKED),
    (SignInState.ACCOUNT_ACTION_REQUIRED, S.TEXT_ACCOUNT_ACTION),
    (SignInState.EMAIL_INVALID, S.TEXT_EMAIL_INVALID),
    (SignInState.ACCOUNT_SELECT, S.TEXT_ACCOUNT_SELECT),
    (SignInState.EXTRA_VERIFICATION, S.TEXT_EXTRA_VERIFICATION),
    (SignInState.INTERSTITIAL, S.TEXT_INTERSTITIAL),
)


def classify_signin(url: str, html: str) -> SignInState:
    """Classify a page met during sign-in (or any page: an account page is SIGNED_IN)."""
    tree = LexborHTMLParser(html)
    root = tree.root
    if root is None:
        return SignInState.UNKNOWN
    for node in tree.css("script, style, noscript, template"):
        node.decompose()
    title = node_text(tree.css_first("title"))
    text = f"{title} {node_text(tree.body) if tree.body is not None else ''}".lower()
    if any(t in html for t in S.RAW_BOT_CHALLENGE):
        return SignInState.BOT_CHALLENGE
    if first(root, S.SIGNIN_CAPTCHA) is not None:
        return SignInState.CAPTCHA
    for state, texts in _TEXT_STATES:
        if any(t in text for t in texts):
            return state
    if first(root, S.SIGNIN_EXTRA_VERIFICATION) is not None:
        return SignInState.EXTRA_VERIFICATION
    if first(root, S.SIGNIN_DEVICE_SELECT) is not None or any(t in text for t in S.TEXT_DEVICE_SELECT):
        return SignInState.DEVICE_SELECT
    if first(root, S.SIGNIN_SMS_CODE) is not None:
        return SignInState.OTP_BY_SMS_OR_EMAIL
    if first(root, S.SIGNIN_APPROVAL) is not None or any(t in text for t in S.TEXT_APPROVAL):
        return SignInState.APPROVAL
    if first(root, S.SIGNIN_OTP_CODE) is not None or any(t in text for t in S.TEXT_OTP_CODE):
        return SignInState.OTP_BY_SMS_OR_EMAIL
    error = first(root, S.SIGNIN_ERROR_BOX) is not None
    if first(root, S.SIGNIN_TOTP) is not None:
        return SignInState.TOTP_INVALID if error else SignInState.TOTP
    if first(root, S.SIGNIN_PASSWORD) is not None:  # also the one-page form with both fields
        return SignInState.PASSWORD_INVALID if error else SignInState.PASSWORD
    if first(root, S.SIGNIN_EMAIL) is not None:
        return SignInState.EMAIL
    if first(root, S.SIGNIN_INTENT) is not None:
        return SignInState.INTERSTITIAL
    greeting = node_text(first(root, S.GREETING)).lower()
    if any(t in greeting for t in S.TEXT_SIGNED_OUT_GREETING) or first(root, S.SIGNED_OUT_LINKS) is not None:
        return SignInState.SIGNED_OUT
    if urlsplit(url).path.startswith(SIGN_IN_PREFIX):
        return SignInState.UNKNOWN
    return SignInState.SIGNED_IN
