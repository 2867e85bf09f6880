"""The story's phone, automated: random taps on every visible thing across the replay pages, following
where they lead. With the guard the replay's ledger stays empty; without it, the same taps buy,
cancel and switch 1-Click (so this test is able to fail)."""

from __future__ import annotations

import random
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext
from playwright.sync_api import Error as PlaywrightError

from orderwatch.bots.browser import new_context
from orderwatch.marketplace import MARKETPLACES
from orderwatch.replay import ReplaySite

pytestmark = pytest.mark.browser

TAPPABLE = (
    "a:visible, button:visible, input[type=submit]:visible, input[type=button]:visible, "
    "input[type=checkbox]:visible, label:visible, [role=button]:visible"
)
TAPS = 1000  # per run (issue 10)
START_PAGES = (
    "/your-orders/orders?timeFilter=last30&startIndex=0",
    "/your-orders/orders?timeFilter=last30&startIndex=10",
    "/gp/digital/your-account/order-summary.html?ie=UTF8&orderID=D01-2046175-3391842",
    "/cpe/yourpayments/settings/manageoneclick",
    "/dp/B0DMYST001",
    "/gp/product/B07TISSUE5/",
    "/gp/css/homepage.html",
    "/",
)


def ghost_taps(context: BrowserContext, site: ReplaySite, seed: int, taps: int) -> dict[str, int]:
    """Tap ``taps`` random visible elements, following where they lead; returns what was tapped."""
    rng = random.Random(seed)
    context.add_cookies([{"name": "x-acbjp", "value": site.issue_session(), "url": site.base_url}])
    page = context.new_page()
    page.set_default_timeout(600)
    tapped: dict[str, int] = {}
    page.goto(site.base_url + rng.choice(START_PAGES))
    for _ in range(taps):
        try:
            if not page.url.startswith(site.base_url) or rng.random() < 0.08:
                page.goto(site.base_url + rng.choice(START_PAGES))
            elements = page.locator(TAPPABLE)
            count = elements.count()
            if count == 0:
                page.goto(site.base_url + rng.choice(START_PAGES))
                continue
            element = elements.nth(rng.randrange(count))
            label = (element.text_content() or element.get_attribute("value") or "?").strip()[:20]
            tapped[label] = tapped.get(label, 0) + 1
            element.click(timeout=600, no_wait_after=True, force=True)  # a blind tap, like the phone's
            page.wait_for_timeout(40)
            page.wait_for_load_state("domcontentloaded", timeout=600)
        except PlaywrightError:  # a tap that led nowhere, a page mid-navigation: the phone taps on
            continue
    page.close()
    return tapped


def _options() -> dict[str, Any]:
    market = MARKETPLACES["co.jp"]
    return {
        "locale": market.locale,
        "timezone_id": market.timezone,
        "service_workers": "block",
        "accept_downloads": False,
    }


def test_a_thousand_random_taps_with_the_guard_change_nothing(browser: Browser, replay: ReplaySite) -> None:
    """1000 taps take about 65-80 s on a 2-core machine (77 s measured while other browser tests ran)."""
    context, guard = new_context(browser, MARKETPLACES["co.jp"], replay.base_url)
    tapped = ghost_taps(context, replay, seed=1, taps=TAPS)
    context.close()
    assert sum(tapped.values()) >= TAPS * 0.8  # the phone really tapped
    assert any("1-Click" in label for label in tapped)  # including the story's button and switch
    assert replay.ledger == []
    assert replay.one_click_enabled is True
    assert any(e.reason == "state_changing_method" for e in guard.blocked)  # and the guard saw it try


def test_the_same_taps_without_the_guard_do_change_things(browser: Browser, replay: ReplaySite) -> None:
    context = browser.new_context(**_options())
    ghost_taps(context, replay, seed=1, taps=120)
    context.close()
    hits = {e.path for e in replay.ledger}
    assert hits, "without the guard the ghost taps must reach the ledger, or the test above proves nothing"
    replay.ledger.clear()  # the fixture asserts an empty ledger for every test
