"""The first sign-in, by a person: a visible browser on the sign-in page, the guard on (only the sign-in
POSTs may leave), and orderwatch waits until the account pages show, then saves the session."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from loguru import logger
from playwright.sync_api import Browser, BrowserContext
from playwright.sync_api import Error as PlaywrightError

from orderwatch.bots.browser import new_context
from orderwatch.bots.pages import AccountPages
from orderwatch.config import write_private
from orderwatch.errors import HumanNeededError
from orderwatch.flows.session import CheckTarget
from orderwatch.i18n import ngettext
from orderwatch.parsers import classify_signin
from orderwatch.parsers.signin_state import SignInState
from orderwatch.state import SignInCooldown


def wait_for_person(
    browser: Browser,
    target: CheckTarget,
    timeout_s: float = 600,
    poll_s: float = 1.0,
    prepare: Callable[[BrowserContext], None] | None = None,
) -> None:
    """Open the order history (the site sends a signed-out browser to sign-in) and wait until a person
    has signed in — CAPTCHA, approval prompt and codes included. ``prepare`` lets tests act as the person.

    Raises HumanNeededError("login_timeout") when nobody finished in ``timeout_s``."""
    context, guard = new_context(  # a person signs in here: the site's scripts run (unrouted channels closed)
        browser,
        target.market,
        target.base_url,
        scripts=True,
        storage_state=target.session_file,
        timeout_s=target.timeout_s,
    )
    guard.signing_in = True  # the person's sign-in POSTs may leave; nothing else
    if prepare is not None:
        prepare(context)
    try:
        page = context.new_page()
        pages = AccountPages(page, target.base_url, target.market, target.timeout_s, backoff_s=target.retry_backoff_s)
        url = pages.order_history_url("last30")
        pages.open(url)
        deadline = time.monotonic() + timeout_s
        last = None
        while time.monotonic() < deadline:
            try:
                state = classify_signin(page.url, page.content())
            except PlaywrightError:  # the page is navigating: the person is busy
                state = None
            if state is not None and state != last:
                logger.info("sign-in page: {}", state.value)
                last = state
            if state is SignInState.SIGNED_IN and page.url.startswith(target.base_url):
                write_private(target.session_file, json.dumps(context.storage_state()))
                SignInCooldown(target.session_file.with_name(target.session_file.stem + ".cooldown.json")).clear()
                return
            page.wait_for_timeout(poll_s * 1000)
        minutes = round(timeout_s / 60)
        raise HumanNeededError(
            "login_timeout",
            ngettext(
                "Nobody finished signing in within {n} minute.",
                "Nobody finished signing in within {n} minutes.",
                minutes,
            ).format(n=minutes),
        )
    finally:
        context.close()
