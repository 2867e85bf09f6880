"""Sign-in state from (URL, HTML): the replay pages and real recorded sign-in pages."""

from __future__ import annotations

import pytest

from orderwatch.parsers import SignInState, classify_signin
from orderwatch.replay import ReplaySite

from .conftest import peer_page

SITE = ReplaySite()
URL = "https://www.amazon.co.jp/ap/signin?openid.assoc_handle=jpflex"


@pytest.mark.parametrize(
    ("template", "ctx", "state"),
    [
        ("signin-email.html", {"error": None}, SignInState.EMAIL),
        ("signin-password.html", {"error": None, "email": "a@b.c"}, SignInState.PASSWORD),
        (
            "signin-password.html",
            {"error": "パスワードが正しくありません", "email": "a@b.c"},
            SignInState.PASSWORD_INVALID,
        ),
        ("mfa.html", {"error": None}, SignInState.TOTP),
        ("mfa.html", {"error": "無効なコード"}, SignInState.TOTP_INVALID),
        ("captcha.html", {}, SignInState.CAPTCHA),
        ("approval.html", {}, SignInState.APPROVAL),
        ("cvf-code.html", {}, SignInState.OTP_BY_SMS_OR_EMAIL),
        ("password-reset.html", {}, SignInState.PASSWORD_RESET_REQUIRED),
        ("account-on-hold.html", {}, SignInState.ACCOUNT_LOCKED),
    ],
)
def test_replay_sign_in_pages_are_classified(template: str, ctx: dict[str, object], state: SignInState) -> None:
    html = SITE.render(template, action_token="t", return_to="/", **ctx)
    assert classify_signin(URL, html) is state


def test_an_account_page_is_signed_in() -> None:
    html = SITE.render("one-click.html", signed_in=True, one_click_enabled=True)
    assert (
        classify_signin("https://www.amazon.co.jp/cpe/yourpayments/settings/manageoneclick", html)
        is SignInState.SIGNED_IN
    )


@pytest.mark.parametrize(
    ("folder", "name", "state"),
    [
        ("amazon-com/auth", "signin.html", SignInState.EMAIL),
        ("amazon-com/auth", "signin-claim-username.html", SignInState.EMAIL),  # 2025: #ap_email_login
        ("amazon-com/auth", "signin-claim-password.html", SignInState.PASSWORD),
        ("amazon-com/auth", "post-signin-mfa.html", SignInState.TOTP),
        ("amazon-com/auth", "post-signin-mfa-invalid-otp.html", SignInState.TOTP_INVALID),
        ("amazon-com/auth", "post-signin-captcha-1.html", SignInState.CAPTCHA),
        ("amazon-com/auth", "post-signin-js-bot-challenge.html", SignInState.BOT_CHALLENGE),
        ("login-states", "amazon-password-reset-required.html", SignInState.PASSWORD_RESET_REQUIRED),
        ("login-states", "amazon-error-acc-temporary-onhold.html", SignInState.ACCOUNT_LOCKED),
        ("login-states", "amazon-approve-notification.html", SignInState.APPROVAL),
        ("login-states", "amazon-otp-phone.html", SignInState.OTP_BY_SMS_OR_EMAIL),
    ],
)
def test_real_recorded_sign_in_pages_are_classified(folder: str, name: str, state: SignInState) -> None:
    html = peer_page(*folder.split("/"), name).read_text(encoding="utf-8", errors="replace")
    assert classify_signin("https://www.amazon.com/ap/signin", html) is state
