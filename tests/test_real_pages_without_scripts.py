"""Each page kind reads the same with scripts off (issue 10): account pages are read in a context with
JavaScript disabled, so every real page (../shared/peer-pages, skipped when absent) and every replay page is
loaded in such a context from a loopback URL (the file fulfilled by a route; every other request aborted),
and what the parser reads from ``page.content()`` is compared with what it reads from the file itself."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Route

from orderwatch.errors import PageChangedError
from orderwatch.parsers import parse_one_click, parse_order_history, parse_order_summary
from orderwatch.replay import ReplaySite

from .conftest import peer_page
from .test_real_order_pages import READABLE

pytestmark = pytest.mark.browser

URL = "http://127.0.0.1:9/page.html"  # never connected to: the route answers it
HISTORY = READABLE  # the amazon.com order-history pages the parser reads
SUMMARIES = [
    "ca-order-summary-D01-4163891-0896264.html",
    "ca-order-summary-D01-8976186-0883412.html",
    "ca-order-summary-D01-8976186-0883412_1.html",
    "ca-order-summary-D01-9338000-4893015.html",
    "ca-order-summary-D01-9338000-4893015_1.html",
    "ca-order-summary-D01-9338000-4893015_2.html",
    "de/order-details-D01-1151337-3109897.html",
]
DE_HISTORY = ["de/order-history-2026-0.html", "de/order-history-2024-0.html"]


@pytest.fixture(scope="module")
def no_scripts(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(java_script_enabled=False, service_workers="block")
    yield context
    context.close()


def _served(context: BrowserContext, html: bytes) -> str:
    """The document as a context without scripts holds it, after loading ``html`` from a loopback URL."""
    others: list[str] = []

    def answer(route: Route) -> None:
        if route.request.url == URL:
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
        else:
            others.append(route.request.url)
            route.abort("blockedbyclient")

    page = context.new_page()
    page.route("**/*", answer)
    try:
        page.goto(URL, wait_until="load")
        return page.content()
    finally:
        page.close()


def _reading(parse: Callable[[str], Any], html: str) -> Any:
    """What the parser makes of ``html``: its result, or the message it refuses the page with."""
    try:
        return parse(html)
    except PageChangedError as exc:
        return ("page_changed", exc.message)


def _same(context: BrowserContext, parse: Callable[[str], Any], raw: bytes) -> Any:
    as_read = _reading(parse, _served(context, raw))
    as_sent = _reading(parse, raw.decode("utf-8", "replace"))
    assert as_read == as_sent
    return as_read


@pytest.mark.parametrize("name", HISTORY)
def test_real_order_history_reads_the_same_without_scripts(no_scripts: BrowserContext, name: str) -> None:
    page = _same(no_scripts, parse_order_history, peer_page("amazon-com", "orders", name).read_bytes())
    assert page.orders  # read, not refused


@pytest.mark.parametrize("name", SUMMARIES)
def test_real_digital_summaries_and_order_details_read_the_same_without_scripts(
    no_scripts: BrowserContext, name: str
) -> None:
    summary = _same(no_scripts, parse_order_summary, peer_page("digital-orders", *name.split("/")).read_bytes())
    assert summary.order_id.startswith("D01-")


@pytest.mark.parametrize("name", DE_HISTORY)
def test_trimmed_de_history_is_refused_the_same_and_reads_the_same_with_its_count_rewritten(
    no_scripts: BrowserContext, name: str
) -> None:
    """Trimmed by their publisher to 3 cards (see the digital-orders README): as they are, both readings refuse
    them with the same message; with the count rewritten to the 3 cards, both read the same orders."""
    raw = peer_page("digital-orders", *name.split("/")).read_bytes()
    refused = _same(no_scripts, parse_order_history, raw)
    assert refused[0] == "page_changed"
    text = raw.decode("utf-8")
    declared = next(w for w in ("229 Bestellungen", "375 Bestellungen") if w in text)
    page = _same(no_scripts, parse_order_history, text.replace(declared, "3 Bestellungen").encode())
    assert len(page.orders) == 3


@pytest.fixture(scope="module")
def site() -> Iterator[ReplaySite]:
    with ReplaySite() as s:
        yield s


@pytest.mark.parametrize("layout", ["2025", "2026"])
@pytest.mark.parametrize("start", [0, 10])
def test_replay_history_reads_the_same_without_scripts(
    no_scripts: BrowserContext, site: ReplaySite, layout: str, start: int
) -> None:
    site.history_layout = layout
    try:
        page = _same(no_scripts, parse_order_history, site.order_history_html("last30", start).encode())
    finally:
        site.history_layout = "2025"
    assert page.orders and page.declared_count == 11


@pytest.mark.parametrize("template", ["order-summary.html", "order-details.html"])
def test_replay_summaries_in_both_templates_read_the_same_without_scripts(
    no_scripts: BrowserContext, site: ReplaySite, template: str
) -> None:
    for order in [o for o in site.account.orders if o.digital]:
        summary = _same(no_scripts, parse_order_summary, site.render(template, signed_in=True, o=order).encode())
        assert summary.order_id == order.id and summary.payments


@pytest.mark.parametrize("enabled", [True, False])
def test_replay_one_click_reads_the_same_without_scripts(
    no_scripts: BrowserContext, site: ReplaySite, enabled: bool
) -> None:
    html = site.render("one-click.html", signed_in=True, one_click_enabled=enabled)
    assert _same(no_scripts, parse_one_click, html.encode()).enabled is enabled
