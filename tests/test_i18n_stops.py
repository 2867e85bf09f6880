"""Why a run stopped, in the reader's language (issue 13): every sign-in state orderwatch names and every error
of orderwatch/errors.py reads as Japanese with `use_language("ja")` — the site's own words in 「」, the command
to run in backticks, codes and ids as they are — and exactly as before in English."""

from __future__ import annotations

import inspect
import re
import threading
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

import orderwatch.flows.signin as signin_flow
from orderwatch import errors
from orderwatch.bots.browser import find_browser
from orderwatch.bots.guard import GuardEvent
from orderwatch.bots.pages import TOO_LARGE_HEADER, AccountPages, Captured
from orderwatch.errors import (
    CheckIncomplete,
    GuardBlockedError,
    HumanNeededError,
    OrderwatchError,
    OverLimitError,
    PageChangedError,
    ReauthError,
    RunInterrupted,
    SignInFailedError,
    SiteUnreachableError,
    UsageError,
)
from orderwatch.flows.session import AccountSession
from orderwatch.flows.signin import ADVICE, Credentials, guard_stopped, sign_in
from orderwatch.i18n import use_language
from orderwatch.marketplace import MARKETPLACES
from orderwatch.parsers import selectors as S
from orderwatch.parsers.signin_state import HUMAN_ONLY, SignInState, classify_signin
from orderwatch.runner import stopping_before_the_next_page
from orderwatch.state import SignInCooldown

from .japanese import english_left

SITE = "https://www.amazon.co.jp"
HEADED = "`orderwatch login --headed`"


def assert_japanese(text: str) -> None:
    assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", text), text
    assert not english_left(text), (english_left(text), text)


class FakePage:
    """What sign_in and AccountPages use of a Playwright page: the URL, the HTML, a navigation."""

    def __init__(self, url: str, html: str = "<html><body></body></html>", goto: Callable[..., Any] | None = None):
        self.url, self.html, self._goto = url, html, goto
        self.main_frame = object()

    def content(self) -> str:
        return self.html

    def on(self, event: str, handler: Callable[..., Any]) -> None:
        pass

    def goto(self, url: str, **kwargs: Any) -> Any:
        assert self._goto is not None
        return self._goto(url)


def page_for(state: SignInState) -> FakePage:
    """A sign-in page the classifier reads as ``state``."""
    texts = {
        SignInState.CAPTCHA: S.TEXT_CAPTCHA,
        SignInState.BOT_CHALLENGE: S.TEXT_BOT_CHALLENGE,
        SignInState.APPROVAL: S.TEXT_APPROVAL,
        SignInState.OTP_BY_SMS_OR_EMAIL: S.TEXT_OTP_CODE,
        SignInState.DEVICE_SELECT: S.TEXT_DEVICE_SELECT,
        SignInState.PASSWORD_RESET_REQUIRED: S.TEXT_PASSWORD_RESET,
        SignInState.ACCOUNT_LOCKED: S.TEXT_ACCOUNT_LOCKED,
        SignInState.INTERSTITIAL: S.TEXT_INTERSTITIAL,
        SignInState.ACCOUNT_SELECT: S.TEXT_ACCOUNT_SELECT,
        SignInState.EXTRA_VERIFICATION: S.TEXT_EXTRA_VERIFICATION,
        SignInState.ACCOUNT_ACTION_REQUIRED: S.TEXT_ACCOUNT_ACTION,
        SignInState.EMAIL_INVALID: S.TEXT_EMAIL_INVALID,
        SignInState.SITE_ERROR: S.TEXT_SITE_ERROR,
    }
    error_box = '<div id="auth-error-message-box">x</div>'
    forms = {
        SignInState.TOTP_INVALID: f'{error_box}<form id="auth-mfa-form"><input id="auth-mfa-otpcode"></form>',
        SignInState.PASSWORD_INVALID: f'{error_box}<form><input id="ap_password"></form>',
    }
    body = forms.get(state) or f"<p>{texts[state][0]}</p>"
    page = FakePage(f"{SITE}/ap/signin", f"<html><body>{body}</body></html>")
    assert classify_signin(page.url, page.html) is state
    return page


def stop_at(page: FakePage, **creds: str) -> CheckIncomplete:
    guard = SimpleNamespace(signing_in=False, blocked=[], secrets=())
    with pytest.raises(CheckIncomplete) as caught:
        sign_in(page, guard, Credentials(creds.get("email"), creds.get("password"), None), 5)  # type: ignore[arg-type]
    return caught.value


# --- every sign-in state orderwatch stops at ------------------------------------------------------------------

SITE_WORDS = {  # the site's own words the Japanese advice quotes (recordings/demo-jp: captcha.html, approval.html …)
    SignInState.CAPTCHA: "「文字を入力してください」",
    SignInState.APPROVAL: "承認リクエスト",
    SignInState.OTP_BY_SMS_OR_EMAIL: "「確認コードを入力してください」",
    SignInState.PASSWORD_RESET_REQUIRED: "「パスワードを再設定」",
    SignInState.ACCOUNT_LOCKED: "カスタマーサービス",
}


def test_every_human_only_state_has_advice() -> None:
    assert set(ADVICE) == set(HUMAN_ONLY)


@pytest.mark.parametrize("state", sorted(ADVICE), ids=str)
def test_a_sign_in_that_needs_a_person_says_so_in_japanese_and_what_to_do(state: SignInState) -> None:
    with use_language("ja"):
        exc = stop_at(page_for(state))
    assert isinstance(exc, HumanNeededError) and exc.state == state.value  # the code stays English
    assert exc.message.startswith(f"ログインを進めるには、ご本人の操作が必要です（{state.value}）。")
    assert_japanese(exc.message)
    if state in SITE_WORDS:
        assert SITE_WORDS[state] in exc.message
    if state not in (
        SignInState.PASSWORD_RESET_REQUIRED,
        SignInState.ACCOUNT_LOCKED,
        SignInState.ACCOUNT_ACTION_REQUIRED,
    ):
        assert HEADED in exc.message


@pytest.mark.parametrize("state", sorted(ADVICE), ids=str)
def test_in_english_a_sign_in_that_needs_a_person_reads_as_before(state: SignInState) -> None:
    exc = stop_at(page_for(state))
    assert exc.message == f"sign-in needs a person: {state.value}. {ADVICE[state]}"
    assert re.fullmatch(r"[\x20-\x7e]+", exc.message)


def test_the_approval_prompt_advice_reads_as_before_in_english() -> None:
    assert stop_at(page_for(SignInState.APPROVAL)).message == (
        "sign-in needs a person: approval_prompt. The site waits for you to approve a sign-in notification on "
        "your phone. Sign in once by hand with `orderwatch login --headed`, then run the check again."
    )


@pytest.mark.parametrize(
    ("state", "creds", "words"),
    [
        (SignInState.TOTP_INVALID, {}, "ワンタイムパスワード"),
        (SignInState.PASSWORD_INVALID, {}, "パスワードが受け付けられませんでした"),
        (SignInState.EMAIL_INVALID, {}, "Eメールアドレス"),
    ],
    ids=str,
)
def test_a_refused_sign_in_is_told_in_japanese(state: SignInState, creds: dict[str, str], words: str) -> None:
    with use_language("ja"):
        exc = stop_at(page_for(state), **creds)
    assert isinstance(exc, SignInFailedError) and exc.state == state.value
    assert exc.message.startswith(f"ログインに失敗しました（{state.value}）。") and words in exc.message
    assert_japanese(exc.message)
    english = stop_at(page_for(state), **creds).message
    assert english.startswith(f"sign-in failed: {state.value}. The ")


def test_a_wrong_password_reads_as_before_in_english() -> None:
    assert stop_at(page_for(SignInState.PASSWORD_INVALID)).message == (
        "sign-in failed: wrong_password. The password was refused. Check ORDERWATCH_PASSWORD; no retry was made."
    )


def test_missing_credentials_name_the_variable_and_the_command_in_japanese() -> None:
    page = FakePage(f"{SITE}/ap/signin", '<html><body><form method="post"><input id="ap_email"></form></body></html>')
    assert classify_signin(page.url, page.html) is SignInState.EMAIL
    with use_language("ja"), pytest.raises(HumanNeededError) as caught:
        signin_flow._need(None, "ORDERWATCH_EMAIL")
    assert caught.value.state == "credentials_missing"
    assert "ORDERWATCH_EMAIL が設定されていません" in caught.value.message and HEADED in caught.value.message
    assert_japanese(caught.value.message)


def test_a_credentials_form_off_the_site_is_told_in_japanese() -> None:
    with use_language("ja"):
        exc = HumanNeededError("credentials_form_unexpected", signin_flow._(signin_flow.CREDENTIALS_FORM_ADVICE))
    assert "何も入力していません" in exc.message and HEADED in exc.message
    assert_japanese(exc.message)


def test_the_site_error_page_during_sign_in_is_told_in_japanese() -> None:
    with use_language("ja"):
        exc = stop_at(page_for(SignInState.SITE_ERROR))
    assert isinstance(exc, SiteUnreachableError) and exc.reason == "site_unreachable"
    assert "エラーページ" in exc.message
    assert_japanese(exc.message)
    assert stop_at(page_for(SignInState.SITE_ERROR)).message == (
        "the site showed an error page during sign-in; try again later"
    )


def test_an_unknown_sign_in_page_is_a_changed_page_in_japanese() -> None:
    page = FakePage(f"{SITE}/ap/something-new?x=1")
    with use_language("ja"):
        exc = stop_at(page)
    assert isinstance(exc, PageChangedError) and exc.page == "sign-in"
    assert (
        exc.message.startswith("「ログイン」のページを読み取れませんでした")
        and f"{SITE}/ap/something-new" in exc.message
    )
    assert_japanese(exc.message)
    assert (
        stop_at(page).message == f"cannot read the sign-in page: unrecognised sign-in page at {SITE}/ap/something-new"
    )


def test_a_sign_in_that_never_ends_is_told_in_japanese(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(signin_flow, "MAX_STEPS", 0)
    with use_language("ja"):
        exc = stop_at(FakePage(f"{SITE}/ap/signin"))
    assert type(exc) is CheckIncomplete and exc.message == "0回の手順を進めても、ログインが完了しませんでした。"
    assert stop_at(FakePage(f"{SITE}/ap/signin")).message == "sign-in did not finish within 0 steps"


# --- the guard, the site, the limits ------------------------------------------------------------------------


def test_a_redirect_the_guard_refused_is_told_in_japanese() -> None:
    guard = SimpleNamespace(blocked=[GuardEvent("POST", "https://evil.example/ap/signin", "document", "redirect_307")])
    for path, words in (
        (None, "ログインの手順に対して"),
        ("/gp/css/order-history", "/gp/css/order-history の読み込み"),
    ):
        with use_language("ja"), pytest.raises(GuardBlockedError) as caught:
            guard_stopped(guard, 0, path, failed=False)  # type: ignore[arg-type]
        assert caught.value.message.startswith(words) and "読み取り専用のガード" in caught.value.message
        assert "POST https://evil.example/ap/signin（redirect_307）" in caught.value.message
        assert_japanese(caught.value.message)
    with pytest.raises(GuardBlockedError) as caught:
        guard_stopped(guard, 0, "/gp/css/order-history", failed=False)  # type: ignore[arg-type]
    assert caught.value.message == (
        "loading /gp/css/order-history was answered with POST https://evil.example/ap/signin (redirect_307); the "
        "read-only guard refused it, and the page could not be read"
    )


def open_with(goto: Callable[[str], Any]) -> CheckIncomplete:
    pages = AccountPages(FakePage(SITE, goto=goto), SITE, MARKETPLACES["co.jp"], 5, retries=0)  # type: ignore[arg-type]
    with pytest.raises(CheckIncomplete) as caught:
        pages.open(f"{SITE}/gp/css/order-history")
    return caught.value


def timeout(url: str) -> Any:
    raise PlaywrightTimeout("Timeout 5000ms exceeded")


def answer(status: int, headers: dict[str, str] | None = None) -> Callable[[str], Any]:
    return lambda url: SimpleNamespace(status=status, headers=headers or {})


@pytest.mark.parametrize(
    ("goto", "cls", "japanese", "english"),
    [
        (timeout, SiteUnreachableError, "5秒でタイムアウトしました", "timed out after 5 s loading"),
        (answer(503), SiteUnreachableError, "HTTP 503 で応答しました", "the site answered HTTP 503 for"),
        (
            answer(413, {TOO_LARGE_HEADER: "1"}),
            OverLimitError,
            "大きさの上限を超えています",
            "is larger than orderwatch reads",
        ),
    ],
    ids=["timeout", "http_error", "page_too_large"],
)
def test_a_site_that_cannot_be_read_is_told_in_japanese(
    goto: Callable[[str], Any], cls: type[CheckIncomplete], japanese: str, english: str
) -> None:
    with use_language("ja"):
        exc = open_with(goto)
    assert isinstance(exc, cls) and japanese in exc.message
    assert_japanese(exc.message)
    assert english in open_with(goto).message


def test_a_missing_browser_is_told_in_japanese(tmp_path: Path) -> None:
    with use_language("ja"), pytest.raises(UsageError) as caught:
        find_browser(tmp_path / "chrome")
    assert "実行できるファイルではありません" in caught.value.message
    assert_japanese(caught.value.message)


# --- the run's own stops: cool-down, re-authentication ------------------------------------------------------


def session_stub(tmp_path: Path, reauth: str = "once", cooling: bool = False) -> AccountSession:
    session = object.__new__(AccountSession)
    target = SimpleNamespace(session_file=tmp_path / "session.json", force_sign_in=False, reauth=reauth)
    session.target = target  # type: ignore[assignment]
    session.guard = SimpleNamespace(blocked=[])  # type: ignore[assignment]
    session.signed_in = "not_signed_in"
    session._sign_in_attempted = False
    session._reauth_attempted = False
    signin = f"{SITE}/ap/signin"
    session.pages = SimpleNamespace(open=lambda url: Captured(signin, "<html><body></body></html>", 200))  # type: ignore[assignment]
    if cooling:
        SignInCooldown(tmp_path / "session.cooldown.json").start("wrong_password")
    return session


def test_the_cool_down_after_a_failed_sign_in_is_told_in_japanese_with_the_time(tmp_path: Path) -> None:
    session = session_stub(tmp_path, cooling=True)
    with use_language("ja"), pytest.raises(HumanNeededError) as caught:
        session.get(f"{SITE}/gp/css/order-history")
    message = caught.value.message
    assert caught.value.state == "sign_in_cooldown" and "前回の自動ログインに失敗しました（wrong_password）" in message
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日（.）\d{1,2}:\d{2}まで", message)
    assert HEADED in message and "--force-sign-in" in message
    assert_japanese(message)
    with pytest.raises(HumanNeededError) as caught:
        session.get(f"{SITE}/gp/css/order-history")
    assert re.search(
        r"orderwatch waits until \d{4}-\d\d-\d\dT\d\d:\d\d[+-]\d\d:\d\d before trying again", str(caught.value)
    )


@pytest.mark.parametrize(
    ("reauth", "attempted", "cooling", "reason", "japanese"),
    [
        ("never", False, False, "reauth_skipped", 'reauth = "never" のため'),
        ("once", True, False, "reauth_again", "すでに1回入力しています"),
        ("once", False, True, "sign_in_cooldown", "前回の自動ログインに失敗したため（wrong_password）"),
    ],
)
def test_a_page_asking_for_the_password_again_is_told_in_japanese(
    tmp_path: Path, reauth: str, attempted: bool, cooling: bool, reason: str, japanese: str
) -> None:
    session = session_stub(tmp_path, reauth=reauth, cooling=cooling)
    session._reauth_attempted = attempted
    url = f"{SITE}/ax/account/manage"
    cap = Captured(f"{SITE}/ap/signin?openid.pape.max_auth_age=0", "", 200)
    with use_language("ja"), pytest.raises(ReauthError) as caught:
        session._reauth(cap, url)
    assert caught.value.reason == reason and japanese in caught.value.message
    assert caught.value.message.startswith("/ax/account/manage でパスワードの再入力を求められました。")
    assert_japanese(caught.value.message)
    with pytest.raises(ReauthError) as caught:
        session._reauth(cap, url)
    assert caught.value.message.startswith("/ax/account/manage asked for the password again")


# --- every error class --------------------------------------------------------------------------------------

JAPANESE_SAMPLES: dict[type[OrderwatchError], Callable[[], OrderwatchError]] = {
    OrderwatchError: lambda: stop_at(FakePage(f"{SITE}/ap/unknown-step")),
    UsageError: lambda: _usage_error(),
    CheckIncomplete: lambda: _never_ending(),
    PageChangedError: lambda: PageChangedError("order-history", "span.num-orders"),
    HumanNeededError: lambda: stop_at(page_for(SignInState.CAPTCHA)),
    SignInFailedError: lambda: stop_at(page_for(SignInState.TOTP_INVALID)),
    GuardBlockedError: lambda: _guard_blocked(),
    SiteUnreachableError: lambda: open_with(timeout),
    OverLimitError: lambda: open_with(answer(413, {TOO_LARGE_HEADER: "1"})),
    ReauthError: lambda: _reauth_skipped(),
    RunInterrupted: lambda: _interrupted(),
}


def _usage_error() -> OrderwatchError:
    with pytest.raises(UsageError) as caught:
        find_browser(Path("/nonexistent/chrome"))
    return caught.value


def _never_ending() -> OrderwatchError:
    before = signin_flow.MAX_STEPS
    signin_flow.MAX_STEPS = 0
    try:
        return stop_at(FakePage(f"{SITE}/ap/signin"))
    finally:
        signin_flow.MAX_STEPS = before


def _guard_blocked() -> OrderwatchError:
    guard = SimpleNamespace(blocked=[GuardEvent("GET", "https://evil.example/", "document", "redirect_off_site")])
    with pytest.raises(GuardBlockedError) as caught:
        guard_stopped(guard, 0, None, failed=True)  # type: ignore[arg-type]
    return caught.value


def _interrupted() -> OrderwatchError:
    stop = threading.Event()
    step = stopping_before_the_next_page(lambda text: None, stop)
    step("order-history")  # before Ctrl-C: the run goes on
    stop.set()
    with pytest.raises(RunInterrupted) as caught:
        step("order-summary")
    return caught.value


def _reauth_skipped() -> OrderwatchError:
    session = session_stub(Path("/nonexistent"), reauth="never")
    with pytest.raises(ReauthError) as caught:
        session._reauth(Captured(f"{SITE}/ap/signin", "", 200), f"{SITE}/ax/account/manage")
    return caught.value


def test_every_error_class_has_a_japanese_sample() -> None:
    classes = {c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, OrderwatchError)}
    assert classes == set(JAPANESE_SAMPLES)


@pytest.mark.parametrize("cls", list(JAPANESE_SAMPLES), ids=lambda c: c.__name__)
def test_every_error_a_user_reads_is_japanese_under_japanese(cls: type[OrderwatchError]) -> None:
    with use_language("ja"):
        exc = JAPANESE_SAMPLES[cls]()
    assert isinstance(exc, cls)
    assert_japanese(exc.message)
    assert str(exc) == exc.message
    english = JAPANESE_SAMPLES[cls]()
    assert not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", english.message), english.message


def test_a_changed_page_is_named_as_the_site_names_it_in_japanese_and_by_its_kind_in_english() -> None:
    with use_language("ja"):
        exc = PageChangedError("order-summary", "order id")
    assert exc.message == "「デジタル注文の概要」のページを読み取れませんでした。詳細：order id"
    assert exc.page == "order-summary"  # the kind stays a code
    assert PageChangedError("order-summary", "order id").message == "cannot read the order-summary page: order id"


def test_the_english_templates_of_the_sign_in_errors_are_unchanged() -> None:
    assert HumanNeededError("captcha", "Advice.").message == "sign-in needs a person: captcha. Advice."
    assert SignInFailedError("wrong_totp_code", "Advice.").message == "sign-in failed: wrong_totp_code. Advice."


def test_a_page_a_parser_cannot_read_says_why_in_japanese_and_keeps_selectors_as_they_are() -> None:
    from orderwatch.parsers import parse_one_click, parse_order_summary

    with use_language("ja"):
        with pytest.raises(PageChangedError) as empty:
            parse_order_summary("", "co.jp")
        with pytest.raises(PageChangedError) as no_switch:
            parse_one_click("<html><body></body></html>", "co.jp")
    assert empty.value.message == "「デジタル注文の概要」のページを読み取れませんでした。詳細：ページの中身が空です"
    assert no_switch.value.message.startswith("「1-Click設定」のページを読み取れませんでした。詳細：")
    assert "#pmts-toggle-this-browser" in no_switch.value.message  # the technical detail stays
    with pytest.raises(PageChangedError, match=r"^cannot read the order-summary page: the document is empty$"):
        parse_order_summary("", "co.jp")
