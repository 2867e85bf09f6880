"""Sign-in state from (URL, HTML): the replay's pages, every recorded sign-in page of
../shared/peer-pages/amazon-com/auth and every template of ../shared/peer-pages/login-states."""

from __future__ import annotations

import pytest

from orderwatch.parsers import SignInState, classify_signin
from orderwatch.replay import ReplaySite

from .conftest import PEER_PAGES, peer_page
from .peer_templates import materialize

SITE = ReplaySite()
SIGNIN_URL = "https://www.amazon.co.jp/ap/signin?openid.assoc_handle=jpflex"
ACCOUNT_URL = "https://www.amazon.com/gp/your-account/order-history"
St = SignInState


@pytest.mark.parametrize(
    ("template", "ctx", "state"),
    [
        ("signin-email.html", {"error": None}, St.EMAIL),
        ("signin-email.html", {"error": "このEメールアドレスを持つアカウントが見つかりません"}, St.EMAIL_INVALID),
        ("signin-password.html", {"error": None, "email": "a@b.c"}, St.PASSWORD),
        ("signin-password.html", {"error": "パスワードが正しくありません", "email": "a@b.c"}, St.PASSWORD_INVALID),
        ("mfa.html", {"error": None}, St.TOTP),
        ("mfa.html", {"error": "無効なコード"}, St.TOTP_INVALID),
        ("captcha.html", {}, St.CAPTCHA),
        ("approval.html", {}, St.APPROVAL),
        ("cvf-code.html", {}, St.OTP_BY_SMS_OR_EMAIL),
        ("password-reset.html", {}, St.PASSWORD_RESET_REQUIRED),
        ("account-on-hold.html", {}, St.ACCOUNT_LOCKED),
    ],
)
def test_replay_sign_in_pages_are_classified(template: str, ctx: dict[str, object], state: SignInState) -> None:
    html = SITE.render(template, action_token="t", return_to="/", **ctx)
    assert classify_signin(SIGNIN_URL, html) is state


def test_replay_account_pages_are_signed_in_and_a_signed_out_greeting_is_not() -> None:
    html = SITE.render("one-click.html", signed_in=True, one_click_enabled=True)
    assert classify_signin("https://www.amazon.co.jp/cpe/yourpayments/settings/manageoneclick", html) is St.SIGNED_IN
    home = SITE.render("home.html", signed_in=False, heading="Amazon.co.jp", body="")
    assert classify_signin("https://www.amazon.co.jp/", home) is St.SIGNED_OUT


# Every recorded page and template, with the state a person reading it would name.
EXPECTED: dict[str, SignInState] = {
    "amazon-com/auth/captcha-field-keywords.html": St.CAPTCHA,  # /errors/validateCaptcha gate
    "amazon-com/auth/new-otp-failed.html": St.DEVICE_SELECT,  # "too many OTPs", choose where to receive
    "amazon-com/auth/post-signin-captcha-1.html": St.CAPTCHA,
    "amazon-com/auth/post-signin-captcha-2.html": St.CAPTCHA,
    "amazon-com/auth/post-signin-captcha-3.html": St.CAPTCHA,
    "amazon-com/auth/post-signin-captcha-invalid.html": St.CAPTCHA,
    "amazon-com/auth/post-signin-captcha-otp.html": St.OTP_BY_SMS_OR_EMAIL,  # code sent to the phone
    # Named for its form#intent-confirmation-form, but it says "Looks like you're new to Amazon …
    # Proceed to create an account": the e-mail has no account.
    "amazon-com/auth/post-signin-intent.html": St.EMAIL_INVALID,
    "amazon-com/auth/post-signin-invalid-email.html": St.EMAIL_INVALID,
    "amazon-com/auth/post-signin-invalid-password.html": St.PASSWORD_INVALID,
    "amazon-com/auth/post-signin-js-bot-challenge.html": St.BOT_CHALLENGE,
    "amazon-com/auth/post-signin-mfa-invalid-otp.html": St.TOTP_INVALID,
    "amazon-com/auth/post-signin-mfa.html": St.TOTP,
    "amazon-com/auth/post-signin-new-otp.html": St.DEVICE_SELECT,
    "amazon-com/auth/signin-claim-password.html": St.PASSWORD,
    "amazon-com/auth/signin-claim-username.html": St.EMAIL,  # 2025: #ap_email_login
    "amazon-com/auth/signin.html": St.EMAIL,
    "amazon-com/auth/unauth-index.html": St.SIGNED_OUT,  # "Hello, sign in"
    # A home page stripped of its navigation: no form, greeting or challenge to go by. The parsers
    # decide whether an account page is readable; the classifier only says it is no sign-in step.
    "amazon-com/auth/unauth-bad-index.html": St.SIGNED_IN,
    "amazon-com/auth/waf-challenge.html": St.BOT_CHALLENGE,
    "login-states/amazon-account-manage.html": St.SIGNED_IN,
    "login-states/amazon-approve-notification.html": St.APPROVAL,
    "login-states/amazon-arkose-challenge.html": St.CAPTCHA,
    "login-states/amazon-browsing-history-empty.html": St.SIGNED_IN,
    "login-states/amazon-browsing-history-not-signin.html": St.SIGNED_OUT,
    "login-states/amazon-browsing-history.html": St.SIGNED_IN,
    "login-states/amazon-ca-prime-library.html": St.SIGNED_IN,
    "login-states/amazon-ca-prime-watchlist.html": St.SIGNED_IN,
    "login-states/amazon-ca-watch-history.html": St.SIGNED_IN,
    "login-states/amazon-captcha-frame.html": St.CAPTCHA,
    "login-states/amazon-captcha.html": St.CAPTCHA,
    "login-states/amazon-continue-shopping.html": St.CAPTCHA,
    "login-states/amazon-create-new-password-required.html": St.PASSWORD_RESET_REQUIRED,
    "login-states/amazon-dcq.html": St.EXTRA_VERIFICATION,
    "login-states/amazon-email-not-found.html": St.EMAIL_INVALID,
    "login-states/amazon-error-acc-temporary-onhold.html": St.ACCOUNT_LOCKED,
    "login-states/amazon-error-account-closed.html": St.ACCOUNT_LOCKED,
    "login-states/amazon-error-billing-details.html": St.ACCOUNT_ACTION_REQUIRED,
    "login-states/amazon-error-billing-verif.html": St.ACCOUNT_ACTION_REQUIRED,
    "login-states/amazon-error-card-expiration-date.html": St.ACCOUNT_ACTION_REQUIRED,
    "login-states/amazon-error-choose-payment.html": St.ACCOUNT_ACTION_REQUIRED,
    "login-states/amazon-error-document-submission.html": St.ACCOUNT_ACTION_REQUIRED,
    "login-states/amazon-error-multiple-email.html": St.ACCOUNT_ACTION_REQUIRED,
    "login-states/amazon-error-page-not-found.html": St.SITE_ERROR,
    "login-states/amazon-error-policy-violation.html": St.ACCOUNT_ACTION_REQUIRED,
    "login-states/amazon-error-security-code.html": St.ACCOUNT_ACTION_REQUIRED,
    "login-states/amazon-error-switch-country.html": St.ACCOUNT_ACTION_REQUIRED,
    "login-states/amazon-error-temporary-locked.html": St.ACCOUNT_LOCKED,
    "login-states/amazon-keep-hacker-out.html": St.INTERSTITIAL,
    "login-states/amazon-new-to-amazon.html": St.EMAIL_INVALID,
    "login-states/amazon-orders-business-account.html": St.SIGNED_IN,
    "login-states/amazon-orders.html": St.SIGNED_IN,
    "login-states/amazon-otp-app.html": St.APPROVAL,  # "Open your Amazon shopping app"
    "login-states/amazon-otp-auth.html": St.TOTP,
    "login-states/amazon-otp-email.html": St.OTP_BY_SMS_OR_EMAIL,
    "login-states/amazon-otp-general.html": St.OTP_BY_SMS_OR_EMAIL,
    "login-states/amazon-otp-phone.html": St.OTP_BY_SMS_OR_EMAIL,
    "login-states/amazon-otp-whatsapp.html": St.OTP_BY_SMS_OR_EMAIL,
    "login-states/amazon-password-reset-required.html": St.PASSWORD_RESET_REQUIRED,
    "login-states/amazon-prime-library-empty.html": St.SIGNED_IN,
    "login-states/amazon-prime-library.html": St.SIGNED_IN,
    "login-states/amazon-prime-watch-history-empty.html": St.SIGNED_IN,
    "login-states/amazon-prime-watchlist-empty.html": St.SIGNED_IN,
    "login-states/amazon-prime-watchlist.html": St.SIGNED_IN,
    "login-states/amazon-search-product.html": St.SIGNED_IN,
    "login-states/amazon-search-purchase-history.html": St.SIGNED_IN,
    "login-states/amazon-select-personal-account.html": St.ACCOUNT_SELECT,
    "login-states/amazon-send-otp.html": St.DEVICE_SELECT,
    "login-states/amazon-signin-email-not-found.html": St.EMAIL_INVALID,
    "login-states/amazon-signin-email-only-2.html": St.EMAIL,
    "login-states/amazon-signin-email-only.html": St.EMAIL,
    "login-states/amazon-signin-password-only.html": St.PASSWORD,
    "login-states/amazon-signin.html": St.PASSWORD,  # one-page form: the password step fills both fields
    "login-states/amazon-something-error.html": St.SITE_ERROR,
    "login-states/amazon-verification-01.html": St.OTP_BY_SMS_OR_EMAIL,
    "login-states/amazon-verification-02.html": St.OTP_BY_SMS_OR_EMAIL,
    "login-states/amazon-verify-with-passkey-or-whatsapp.html": St.OTP_BY_SMS_OR_EMAIL,
    "login-states/amazon-verify-with-whatsapp.html": St.OTP_BY_SMS_OR_EMAIL,
    "login-states/amazon-watch-history.html": St.SIGNED_IN,
    "login-states/amazon-zen-otp-app-approval.html": St.APPROVAL,
    "login-states/amazon-zen-otp-auth.html": St.TOTP,
    "login-states/amazon-zen-otp-email.html": St.OTP_BY_SMS_OR_EMAIL,
    "login-states/amazon-zen-otp-phone.html": St.OTP_BY_SMS_OR_EMAIL,
    "login-states/amazon-zip-code-required.html": St.EXTRA_VERIFICATION,
}
_AWAY_FROM_SIGN_IN = {St.SIGNED_IN, St.SIGNED_OUT}


@pytest.mark.parametrize(("name", "state"), sorted(EXPECTED.items()), ids=sorted(EXPECTED))
def test_every_peer_sign_in_page_is_classified(name: str, state: SignInState) -> None:
    html = peer_page(*name.split("/")).read_text(encoding="utf-8", errors="replace")
    if name.startswith("login-states/"):
        html = materialize(html)
    url = ACCOUNT_URL if state in _AWAY_FROM_SIGN_IN else SIGNIN_URL.replace("co.jp", "com")
    assert classify_signin(url, html) is state


def test_the_table_covers_every_peer_page() -> None:
    if not PEER_PAGES.exists():
        pytest.skip("shared peer pages not present")
    on_disk = {
        str(p.relative_to(PEER_PAGES))
        for folder in ("amazon-com/auth", "login-states")
        for p in (PEER_PAGES / folder).glob("*.html")
    }
    assert on_disk == set(EXPECTED)


def test_an_unknown_page_at_a_sign_in_address_is_unknown_not_signed_in() -> None:
    assert classify_signin(SIGNIN_URL, "<html><body><p>new layout</p></body></html>") is St.UNKNOWN
