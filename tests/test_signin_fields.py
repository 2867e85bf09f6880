"""The fields the sign-in classifier recognises a step by are the fields the bot fills at that step (issue 15).

A page classified "e-mail step" whose field the page object cannot find would end the sign-in with a timeout
or a crash instead of signing in; so every alternative selector of a step is tried alone, in a real browser.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from orderwatch.bots.pages import SignInPage
from orderwatch.parsers import SignInState, classify_signin
from orderwatch.parsers import selectors as S

pytestmark = pytest.mark.browser

SIGNIN_URL = "https://www.amazon.co.jp/ap/signin"

# The steps the bot fills, each with the classifier's field selectors and the page object's locator.
# The other steps recognised by a field (a code sent by SMS, a device choice, a CAPTCHA) are human-only:
# the bot stops there and types nothing.
FILLED_STEPS: tuple[tuple[SignInState, tuple[str, ...], str], ...] = (
    (SignInState.EMAIL, S.SIGNIN_EMAIL, SignInPage.EMAIL),
    (SignInState.PASSWORD, S.SIGNIN_PASSWORD, SignInPage.PASSWORD),
    (SignInState.TOTP, S.SIGNIN_TOTP, SignInPage.OTP),
)
CASES = [
    pytest.param(state, alternative, bot, id=f"{state.value}:{alternative}")
    for state, alternatives, bot in FILLED_STEPS
    for alternative in alternatives
]

_COMPOUND = re.compile(r"^(?P<tag>[a-z]+)?(?P<parts>(?:#[\w-]+|\[[\w-]+=[\w-]+\])*)$")
_PART = re.compile(r"#(?P<id>[\w-]+)|\[(?P<name>[\w-]+)=(?P<value>[\w-]+)\]")


def minimal_markup(selector: str) -> str:
    """The smallest markup one CSS selector matches: one element per compound, nested for descendants
    (``form#f input[name=x]`` → ``<form id="f"><input name="x"></form>``)."""
    opening: list[str] = []
    closing: list[str] = []
    for compound in selector.split():
        match = _COMPOUND.match(compound)
        assert match is not None, f"the test cannot build a page for {selector!r}: extend minimal_markup"
        tag = match["tag"] or "div"
        attrs = [
            f'id="{part["id"]}"' if part["id"] else f'{part["name"]}="{part["value"]}"'
            for part in _PART.finditer(match["parts"])
        ]
        opening.append(f"<{' '.join([tag, *attrs])}>")
        if tag != "input":
            closing.insert(0, f"</{tag}>")
    return "".join(opening + closing)


@pytest.fixture
def blank_page(browser: Browser) -> Iterator[Page]:
    """A page of its own, loading nothing: the markup comes from set_content."""
    context = browser.new_context()
    try:
        yield context.new_page()
    finally:
        context.close()


def page_with(markup: str) -> str:
    return f"<!doctype html><html><head><title>Amazon Sign-In</title></head><body>{markup}</body></html>"


@pytest.mark.parametrize(("state", "alternative", "bot"), CASES)
def test_every_field_the_classifier_accepts_for_a_step_is_one_the_bot_fills(
    blank_page: Page, state: SignInState, alternative: str, bot: str
) -> None:
    page = blank_page
    html = page_with(minimal_markup(alternative))
    assert classify_signin(SIGNIN_URL, html) is state
    page.set_content(html)
    assert page.locator(alternative).count() == 1  # the markup is what the selector describes
    assert page.locator(bot).count() == 1
    page.locator(bot).fill("typed-by-the-bot")
    assert page.locator(alternative).input_value() == "typed-by-the-bot"


@pytest.mark.parametrize("alternative", S.SIGNIN_EMAIL)
def test_the_one_page_form_is_a_password_step_and_the_bot_finds_both_fields(blank_page: Page, alternative: str) -> None:
    page = blank_page
    html = page_with(minimal_markup(alternative) + minimal_markup(S.SIGNIN_PASSWORD[0]))
    assert classify_signin(SIGNIN_URL, html) is SignInState.PASSWORD
    page.set_content(html)
    assert page.locator(SignInPage.EMAIL).count() == 1
    assert page.locator(SignInPage.PASSWORD).count() == 1
