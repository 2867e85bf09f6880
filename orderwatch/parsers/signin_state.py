"""Sign-in state: a pure function of (URL, HTML). The flow acts on the state; it never guesses."""

from __future__ import annotations

from enum import StrEnum
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from orderwatch.parsers import selectors as S
from orderwatch.parsers.values import first, node_text


class SignInState(StrEnum):
    EMAIL = "email_step"
    PASSWORD = "password_step"
    TOTP = "totp_step"
    TOTP_INVALID = "wrong_totp_code"
    PASSWORD_INVALID = "wrong_password"
    OTP_BY_SMS_OR_EMAIL = "code_by_sms_or_email"
    DEVICE_SELECT = "device_select"
    APPROVAL = "approval_prompt"
    CAPTCHA = "captcha"
    BOT_CHALLENGE = "bot_challenge"
    INTERSTITIAL = "interstitial"
    PASSWORD_RESET_REQUIRED = "password_reset_required"
    ACCOUNT_LOCKED = "account_locked_or_on_hold"
    SIGNED_IN = "signed_in"
    UNKNOWN = "unknown"


HUMAN_ONLY = frozenset(
    {
        SignInState.OTP_BY_SMS_OR_EMAIL,
        SignInState.DEVICE_SELECT,
        SignInState.APPROVAL,
        SignInState.CAPTCHA,
        SignInState.BOT_CHALLENGE,
        SignInState.PASSWORD_RESET_REQUIRED,
        SignInState.ACCOUNT_LOCKED,
    }
)


def classify_signin(url: str, html: str) -> SignInState:
    """Classify a page met during sign-in (or any page: a signed-in page is SIGNED_IN).

    Stop states are checked before form states: a CAPTCHA page also carries a password field.
    """
    tree = LexborHTMLParser(html)
    root = tree.root
    if root is None:
        return SignInState.UNKNOWN
    text = node_text(tree.body) if tree.body is not None else ""
    title = node_text(tree.css_first("title"))
    head_and_body = f"{title} {text}"
    path = urlsplit(url).path
    if any(t in html for t in S.TEXT_BOT_CHALLENGE[:1]) or any(
        t.lower() in head_and_body.lower() for t in S.TEXT_BOT_CHALLENGE[1:]
    ):
        return SignInState.BOT_CHALLENGE
    if first(root, S.SIGNIN_CAPTCHA) is not None or any(t in head_and_body for t in S.TEXT_CAPTCHA):
        return SignInState.CAPTCHA
    if any(t in head_and_body for t in S.TEXT_PASSWORD_RESET):
        return SignInState.PASSWORD_RESET_REQUIRED
    if any(t in head_and_body for t in S.TEXT_ACCOUNT_LOCKED):
        return SignInState.ACCOUNT_LOCKED
    lowered = head_and_body.lower()
    if first(root, S.SIGNIN_APPROVAL) is not None or any(t in lowered for t in S.TEXT_APPROVAL):
        return SignInState.APPROVAL
    if first(root, S.SIGNIN_DEVICE_SELECT) is not None:
        return SignInState.DEVICE_SELECT
    error = first(root, S.SIGNIN_ERROR_BOX) is not None
    if first(root, S.SIGNIN_TOTP) is not None:
        return SignInState.TOTP_INVALID if error else SignInState.TOTP
    if first(root, S.SIGNIN_OTP_CODE) is not None or any(t in lowered for t in S.TEXT_OTP_CODE):
        return SignInState.OTP_BY_SMS_OR_EMAIL
    if first(root, S.SIGNIN_PASSWORD) is not None:
        return SignInState.PASSWORD_INVALID if error else SignInState.PASSWORD
    if first(root, S.SIGNIN_EMAIL) is not None:
        return SignInState.EMAIL
    if first(root, S.SIGNIN_INTENT) is not None or (path.startswith("/ap/") and "Keep hackers out" in text):
        return SignInState.INTERSTITIAL
    if path.startswith("/ap/"):
        return SignInState.UNKNOWN
    return SignInState.SIGNED_IN
