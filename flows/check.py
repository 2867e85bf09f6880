"""The check, end to end: reuse the session (or sign in once), capture the order history over the
window, the digital order summaries and the 1-Click page, parse them, decide findings, report.

Navigation: bots/pages.py · parsing: orderwatch/parsers · findings: orderwatch/diff.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from loguru import logger
from playwright.sync_api import Browser, BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError

from bots.browser import RequestGuard, new_context
from bots.pages import AccountPages, Captured
from flows.signin import Credentials, sign_in
from orderwatch.allowlist import Allowlist
from orderwatch.config import write_private
from orderwatch.diff import check_one_click, find_unexpected_orders
from orderwatch.errors import CheckIncomplete, HumanNeededError, PageChangedError
from orderwatch.marketplace import Marketplace
from orderwatch.models import DigitalOrderSummary, Order, OrderHistoryPage
from orderwatch.parsers import classify_signin, parse_one_click, parse_order_history, parse_order_summary
from orderwatch.parsers.signin_state import SignInState
from orderwatch.report import Report

MAX_HISTORY_PAGES = 30
T = TypeVar("T")


@dataclass(frozen=True)
class CheckTarget:
    market: Marketplace
    base_url: str
    session_file: Path
    creds: Credentials
    window_days: int = 30
    timeout_s: float = 30.0
    today: date | None = None  # default: today in the marketplace's time zone
    pause_s: float = 0.0  # between page loads; the CLI sets a few seconds for the real site


def run_check(browser: Browser, target: CheckTarget, allowlist: Allowlist, run_dir: Path | None = None) -> Report:
    """Run the whole check in a fresh context of ``browser``. Never raises CheckIncomplete: the
    report's ``error`` and status "incomplete" carry it (and its exit code 3)."""
    today = target.today or datetime.now(ZoneInfo(target.market.timezone)).date()
    since = today - timedelta(days=target.window_days)
    report = Report(target.market.code, target.base_url, today, since, datetime.now().astimezone())
    context, guard = new_context(browser, target.market, target.base_url, storage_state=target.session_file)
    context.set_default_timeout(target.timeout_s * 1000)
    try:
        page = context.new_page()
        visit = _Visitor(page, context, guard, target, report, run_dir)
        orders = _capture_orders(visit, since)
        report.orders = orders
        report.summaries = {
            o.order_id: _capture_summary(visit, o.order_id) for o in orders if o.is_digital and not o.cancelled
        }
        report.one_click = visit.read("one-click", visit.pages.one_click_url(), parse_one_click)
        report.findings = find_unexpected_orders(orders, report.summaries, allowlist, target.market, today)
        report.findings += check_one_click(report.one_click, allowlist, target.market)
        visit.save_session()
    except CheckIncomplete as exc:
        logger.error("check incomplete: {}", exc.message)
        report.error = {"reason": getattr(exc, "state", None) or exc.reason, "message": exc.message}
    except PlaywrightError as exc:  # an element that never came, a crashed page: still a report, never clean
        first_line = (str(exc).splitlines() or [exc.__class__.__name__])[0]
        logger.error("browser error: {}", first_line)
        report.error = {"reason": "browser_error", "message": f"the browser failed during the check: {first_line}"}
    finally:
        report.guard_blocked = [e.to_json() for e in guard.blocked]
        report.finished_at = datetime.now().astimezone()
        context.close()
    return report


class _Visitor:
    """Opens account pages; signs in once when the site sends us to sign-in; saves snapshots."""

    def __init__(
        self,
        page: Page,
        context: BrowserContext,
        guard: RequestGuard,
        target: CheckTarget,
        report: Report,
        run_dir: Path | None,
    ) -> None:
        self.page, self.context, self.guard, self.target, self.report = page, context, guard, target, report
        self.pages = AccountPages(page, target.base_url, target.market, target.timeout_s, target.pause_s)
        self.run_dir = run_dir
        self.signed_in_this_run = False

    def get(self, url: str) -> Captured:
        cap = self.pages.open(url)
        state = classify_signin(cap.url, cap.html)
        if state is SignInState.SIGNED_IN:
            if self.report.signed_in == "not_signed_in":
                self.report.signed_in = "reused_session"
            return cap
        if self.signed_in_this_run:
            raise HumanNeededError(state.value, "The site asked to sign in again within one run; stopping.")
        logger.info("no valid session: signing in (once)")
        sign_in(self.page, self.guard, self.target.creds, self.target.timeout_s)
        self.signed_in_this_run = True
        self.report.signed_in = "signed_in"
        self.save_session()
        cap = self.pages.current()
        if _path_query(cap.url) != _path_query(url):
            cap = self.pages.open(url)
        if classify_signin(cap.url, cap.html) is not SignInState.SIGNED_IN:
            raise HumanNeededError("session_not_kept", "Signed in, but the site asked to sign in again.")
        return cap

    def read(self, kind: str, url: str, parse: Callable[[str, str], T]) -> T:
        cap = self.get(url)
        try:
            result = parse(cap.html, self.target.market.code)
        except PageChangedError as exc:
            exc.snapshot = self.snapshot(kind, cap)
            raise
        parts = urlsplit(cap.url)
        self.report.pages_read.append(parts.path + (f"?{parts.query}" if parts.query else ""))
        return result

    def snapshot(self, kind: str, cap: Captured) -> Path | None:
        if self.run_dir is None:
            return None
        path = self.run_dir / "snapshots" / f"{kind}.html"
        write_private(path, f"<!-- {cap.url.split('?')[0]} -->\n{cap.html}")
        try:
            self.page.screenshot(path=str(path.with_suffix(".png")), full_page=True)
            path.with_suffix(".png").chmod(0o600)
        except Exception:  # a screenshot is a bonus; the HTML is what matters
            logger.debug("no screenshot for {}", kind)
        logger.warning("saved a snapshot of the {} page to {}", kind, path)
        return path

    def save_session(self) -> None:
        state = self.context.storage_state()
        write_private(self.target.session_file, json.dumps(state))


def _path_query(url: str) -> tuple[str, str]:
    p = urlsplit(url)
    return p.path, p.query


def _time_filter(window_days: int) -> str:
    return "last30" if window_days <= 30 else "months-3" if window_days <= 90 else "year"


def _capture_orders(visit: _Visitor, since: date) -> list[Order]:
    """Page through the history until the orders are older than ``since`` (or there is no next page)."""
    today = visit.report.today
    filters = [_time_filter((today - since).days)]
    if filters[0] == "year":
        filters = [f"year-{y}" for y in range(today.year, since.year - 1, -1)]
    found: dict[str, Order] = {}
    for time_filter in filters:
        start = 0
        for _ in range(MAX_HISTORY_PAGES):
            url = visit.pages.order_history_url(time_filter, start)
            page: OrderHistoryPage = visit.read("order-history", url, parse_order_history)
            for order in page.orders:
                if order.order_date >= since:
                    found.setdefault(order.order_id, order)
            logger.info("order history {} from {}: {} orders", time_filter, start, len(page.orders))
            if not page.orders:
                break
            oldest = min(o.order_date for o in page.orders)
            if oldest < since:
                break
            if not page.has_next_page:
                if page.declared_count is not None and page.declared_count > start + len(page.orders):
                    raise PageChangedError(
                        "order-history",
                        f"the page declares {page.declared_count} orders but offers no next page "
                        f"after {start + len(page.orders)}",
                    )
                break
            start += len(page.orders)
        else:
            raise CheckIncomplete(f"order history did not end within {MAX_HISTORY_PAGES} pages")
    return sorted(found.values(), key=lambda o: (o.order_date, o.order_id), reverse=True)


def _capture_summary(visit: _Visitor, order_id: str) -> DigitalOrderSummary:
    summary = visit.read("order-summary", visit.pages.order_summary_url(order_id), parse_order_summary)
    if summary.order_id != order_id:
        raise PageChangedError("order-summary", f"asked for {order_id}, the page shows {summary.order_id}")
    return summary
