"""The check, end to end: reuse the session (or sign in once), capture the order history over the
window, the digital order summaries and the 1-Click page, parse them, decide findings, report.

Navigation: bots/pages.py · parsing: orderwatch/parsers · findings: orderwatch/diff.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from loguru import logger
from playwright.sync_api import Browser
from playwright.sync_api import Error as PlaywrightError

from flows.session import AccountSession, CheckTarget
from orderwatch.allowlist import Allowlist
from orderwatch.diff import check_one_click, find_unexpected_orders
from orderwatch.errors import CheckIncomplete, PageChangedError
from orderwatch.models import DigitalOrderSummary, Order, OrderHistoryPage
from orderwatch.parsers import parse_one_click, parse_order_history, parse_order_summary
from orderwatch.parsers.order_summary import is_order_not_found
from orderwatch.report import Report

MAX_HISTORY_PAGES = 30


def run_check(
    browser: Browser,
    target: CheckTarget,
    allowlist: Allowlist,
    run_dir: Path | None = None,
    trace: bool = False,
    *,
    progress: Callable[[str], None] | None = None,
    screenshots: bool = False,
    keep_html: bool = False,
) -> Report:
    """Run the whole check in a fresh context of ``browser``. Never raises CheckIncomplete: the
    report's ``error`` and status "incomplete" carry it (and its exit code 3)."""
    today = target.today or datetime.now(ZoneInfo(target.market.timezone)).date()
    since = today - timedelta(days=target.window_days)
    report = Report(target.market.code, target.base_url, today, since, datetime.now().astimezone())
    visit = AccountSession(
        browser, target, run_dir, trace=trace, progress=progress, screenshots=screenshots, keep_html=keep_html
    )
    try:
        orders = _capture_orders(visit, today, since)
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
        report.signed_in, report.pages_read, report.captures = visit.signed_in, visit.pages_read, visit.captures
        report.guard_blocked = [e.to_json() for e in visit.guard.blocked]
        report.finished_at = datetime.now().astimezone()
        visit.close()
    return report


def _time_filter(window_days: int) -> str:
    return "last30" if window_days <= 30 else "months-3" if window_days <= 90 else "year"


def _capture_orders(visit: AccountSession, today: date, since: date) -> list[Order]:
    """Page through the history until the orders are older than ``since`` (or there is no next page)."""
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


def _capture_summary(visit: AccountSession, order_id: str) -> DigitalOrderSummary:
    summary = read_digital_summary(visit, order_id)
    if summary is None:  # the history lists it, so "no such order" means the page is not what we think
        raise PageChangedError(
            "order-summary", f"{order_id} is in the order history, but its summary says no such order"
        )
    return summary


def read_digital_summary(visit: AccountSession, order_id: str) -> DigitalOrderSummary | None:
    """The summary of a digital order, by id; None when the site says the account has no such order.
    Raises PageChangedError when the page is unreadable or shows another order."""
    visit.progress(f"order-summary {order_id}")
    cap = visit.get(visit.pages.order_summary_url(order_id))
    if is_order_not_found(cap.html):
        logger.info("{}: not in the account", order_id)
        return None
    summary = visit.parse("order-summary", cap, parse_order_summary)
    if summary.order_id != order_id:
        raise PageChangedError("order-summary", f"asked for {order_id}, the page shows {summary.order_id}")
    return summary
