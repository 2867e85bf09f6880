"""The check, end to end: reuse the session (or sign in once), capture the order history over the
window, the digital order summaries and the 1-Click page, parse them, decide findings, report.

Navigation: bots/pages.py · parsing: orderwatch/parsers · findings: orderwatch/diff.py.

A page that cannot be read (layout drift, no answer, a request the guard refused) is recorded as
unread and the run goes on with the next page: what was read is never thrown away. A stop that no
later page could get past (sign-in needs a person, the browser died) ends the reading; the findings
of everything read before it are still decided and reported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from loguru import logger
from playwright.sync_api import Browser
from playwright.sync_api import Error as PlaywrightError

from orderwatch.allowlist import Allowlist
from orderwatch.baseline import PAGE_KINDS, Baseline, SettingsRead, baseline_path
from orderwatch.bots.pages import Captured
from orderwatch.diff import (
    attempted_actions,
    check_one_click,
    check_settings,
    credentials_form_finding,
    demo_findings,
    find_unexpected_orders,
    why_unexpected,
)
from orderwatch.errors import (
    CheckIncomplete,
    GuardBlockedError,
    OverLimitError,
    PageChangedError,
    ReauthError,
    RunInterrupted,
    SiteUnreachableError,
    page_name,
    reason_of,
)
from orderwatch.flows.session import AccountSession, CheckTarget
from orderwatch.i18n import _, day, language
from orderwatch.models import ContentItem, DigitalOrderSummary, Order, OrderHistoryPage
from orderwatch.parsers import (
    console_csrf_token,
    parse_content,
    parse_devices,
    parse_login_security,
    parse_one_click,
    parse_order_history,
    parse_order_summary,
    parse_subscriptions,
    parse_two_step,
)
from orderwatch.parsers.order_summary import is_order_not_found
from orderwatch.report import Report, RunError, UnreadPage
from orderwatch.site import CONTENT, DEVICES, LOGIN_SECURITY, MEMBERSHIPS, TWO_STEP
from orderwatch.vocabulary import PageKind

MAX_HISTORY_PAGES = 30
# Failures of one page: the page is recorded as unread and the run goes on with the next one.
PAGE_ERRORS = (PageChangedError, SiteUnreachableError, GuardBlockedError, OverLimitError, ReauthError)
T = TypeVar("T")


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
    baseline: Baseline | None = None,
) -> Report:
    """Run the whole check in a fresh context of ``browser``. Never raises CheckIncomplete: the
    report's ``unread`` pages and ``error`` carry it, and its status says what the exit code is.

    ``baseline``: the account's settings baseline; the settings pages are read when ``target.settings``,
    and the findings compare the latest read of each (this run's, or the last one before) with it. The
    caller records this run's reads in it (``report.settings.fresh``) and saves it."""
    today = target.today or datetime.now(ZoneInfo(target.market.timezone)).date()
    since = today - timedelta(days=target.window_days)
    report = Report(target.market.code, target.base_url, today, since, datetime.now().astimezone())
    session = AccountSession(
        browser,
        target,
        run_dir,
        trace=trace,
        progress=progress,
        screenshots=screenshots,
        keep_html=keep_html,
        worth_a_picture=partial(_worth_a_picture, report, allowlist, target),
    )
    history_read = False
    base = baseline if baseline is not None else Baseline(baseline_path(target.session_file))
    fresh = SettingsRead()
    try:
        history_read = _read_orders(session, report, since)
        digital = [o for o in report.orders if o.is_digital and not o.cancelled]
        for n, order in enumerate(digital):
            oid = order.order_id
            url = session.pages.order_summary_url(oid)
            if n >= target.max_summaries:  # bounded: a run opens at most this many summaries
                message = _("not read: at most {n} digital order summaries are read in one run").format(
                    n=target.max_summaries
                )
                report.mark_unread(UnreadPage("order-summary", url, "over_limit", message, oid))
                continue
            summary = _attempt(report, "order-summary", url, partial(_capture_summary, session, oid), order_id=oid)
            if summary is not None:
                report.summaries[oid] = summary
        url = session.pages.one_click_url()
        report.one_click = _attempt(report, "one-click", url, lambda: session.read("one-click", url, parse_one_click))
        session.save_session()
        if target.settings:
            _read_settings(session, report, fresh, base, since)
            session.save_session()
    except CheckIncomplete as exc:  # sign-in needs a person, a refused sign-in: no later page can be read
        (logger.warning if isinstance(exc, RunInterrupted) else logger.error)("check stopped: {}", exc.message)
        report.error = RunError(reason_of(exc), exc.message)
    except PlaywrightError as exc:  # an element that never came, a crashed page: still a report, never clean
        first_line = (str(exc).splitlines() or [exc.__class__.__name__])[0]
        logger.error("browser error: {}", first_line)
        message = _("the browser failed during the check: {error}").format(error=first_line)
        report.error = RunError("browser_error", message)
    finally:
        _mark_not_reached(report, session, history_read, target.settings, fresh)
        report.signed_in, report.pages_read, report.captures = session.signed_in, session.pages_read, session.captures
        report.guard_blocked = list(session.guard.blocked)
        unread_summaries = frozenset(u.order_id for u in report.unread if u.kind == "order-summary" and u.order_id)
        report.findings = credentials_form_finding(report.error.reason if report.error else None)
        report.findings += find_unexpected_orders(
            report.orders, report.summaries, allowlist, target.market, today, unread_summaries
        )
        if report.one_click is not None:
            report.findings += check_one_click(report.one_click, allowlist, target.market)
        if fresh.fresh or base.latest:
            report.settings = base.with_earlier_reads(fresh)
            report.findings += check_settings(
                report.settings,
                {name: value for name, (_at, value) in base.accepted.items()},
                allowlist,
                target.market,
                today,
                since=since,
                orders=report.orders,
                summaries=report.summaries,
                history_complete=not report.history_unread,
            )
        report.findings += attempted_actions(report.guard_blocked)
        if target.demo:
            report.findings = demo_findings(report.findings)
        report.finished_at = datetime.now().astimezone()
        session.close()
    return report


def _worth_a_picture(report: Report, allowlist: Allowlist, target: CheckTarget, kind: str, page: Any) -> bool:
    """Whether a finding may point at this page (the HTML report shows one picture per finding, of the page it
    came from: report.finding_screenshot): a history page listing an unexpected order that has no summary of its
    own to show (a physical or cancelled one — a digital order's summary is read next and pictured instead), the
    summary of an unexpected order, a 1-Click page not as expected. The settings pages (read weekly; their
    findings depend on the baseline) always."""
    if kind == "order-history":
        return any(
            why_unexpected(o, allowlist) is not None and not (o.is_digital and not o.cancelled) for o in page.orders
        )
    if kind == "order-summary":
        order = next((o for o in report.orders if o.order_id == page.order_id), None)
        return order is None or why_unexpected(order, allowlist) is not None
    if kind == "one-click":
        return bool(check_one_click(page, allowlist, target.market))
    return True


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _attempt(
    report: Report, kind: PageKind, url: str, read: Callable[[], T], *, order_id: str | None = None
) -> T | None:
    """``read()``; when the page cannot be read, record it in the report and return None. Failures that
    no later page could get past are recorded too, then raised to end the run."""
    try:
        return read()
    except CheckIncomplete as exc:
        # a failed sign-in is no page failure: every later page would need the sign-in too
        if isinstance(exc, PAGE_ERRORS) and not exc.meta.get("during_sign_in"):
            logger.error("{} not read: {}", kind, exc.message)
            snapshot = exc.snapshot if isinstance(exc, PageChangedError) else None
            where = str(exc.meta.get("url") or url)
            report.mark_unread(UnreadPage(kind, where, exc.reason, exc.message, order_id, snapshot))
            return None
        report.mark_unread(UnreadPage(kind, url, reason_of(exc), exc.message, order_id))
        raise
    except PlaywrightError as exc:
        first_line = (str(exc).splitlines() or [exc.__class__.__name__])[0]
        message = _("the browser failed reading this page: {error}").format(error=first_line)
        report.mark_unread(UnreadPage(kind, url, "browser_error", message, order_id))
        raise


def _mark_not_reached(
    report: Report, session: AccountSession, history_read: bool, settings: bool, fresh: SettingsRead
) -> None:
    """Name the pages the run meant to read but never tried because it stopped early."""
    tried = {(u.kind, u.order_id) for u in report.unread}
    message = _("not read: the run stopped before this page")
    if not history_read and not any(kind == "order-history" for kind, _id in tried):
        url = session.pages.order_history_url(_time_filter((report.today - report.since).days))
        report.mark_unread(UnreadPage("order-history", url, "not_reached", message))
    for order in report.orders:
        oid = order.order_id
        wanted = order.is_digital and not order.cancelled
        if wanted and oid not in report.summaries and ("order-summary", oid) not in tried:
            url = session.pages.order_summary_url(oid)
            report.mark_unread(UnreadPage("order-summary", url, "not_reached", message, oid))
    if report.one_click is None and ("one-click", None) not in tried:
        report.mark_unread(UnreadPage("one-click", session.pages.one_click_url(), "not_reached", message))
    for section, (kind, path) in SETTINGS_PAGES.items():
        if settings and section not in fresh.fresh and (kind, None) not in tried:
            report.mark_unread(UnreadPage(kind, session.pages.settings_url(path), "not_reached", message))


# --- settings pages (issue 11) ---------------------------------------------------------------------------
# section → (page kind, path). Login & Security and 2-step verification may ask for the password again
# (AccountSession._reauth); devices and content load their lists through the console's data request.
SETTINGS_PAGES = {
    section: (PAGE_KINDS[section], path)
    for section, path in (
        ("login_security", LOGIN_SECURITY),
        ("two_step", TWO_STEP),
        ("subscriptions", MEMBERSHIPS),
        ("devices", DEVICES),
        ("content", CONTENT),
    )
}
CONTENT_BATCH = 50  # titles per console request (newest first)
MAX_CONTENT_BATCHES = 10


def _read_settings(session: AccountSession, report: Report, read: SettingsRead, base: Baseline, since: date) -> None:
    """Read every settings page into ``read``; a page that cannot be read is recorded unread and the next
    one is tried (a page that asks for a person or the password again stops that page only)."""

    def attempt(section: str, read_page: Callable[[PageKind, str], T]) -> T | None:
        kind, path = SETTINGS_PAGES[section]
        url = session.pages.settings_url(path)
        value = _attempt(report, kind, url, lambda: read_page(kind, url))
        if value is not None:
            read.fresh.add(section)
            read.read_at[section] = datetime.now().astimezone()
        return value

    # no screenshot of the pages showing the e-mail, the phone or 2-step methods: reports mask them
    login = attempt("login_security", lambda k, u: session.read(k, u, parse_login_security, screenshot=False))
    if login is not None:  # kept out of a trace of this run
        session.private_values += [v for v in (login.email, login.phone, login.name) if v]
        read.login_security = base.login_state(login)
    read.two_step = attempt("two_step", lambda k, u: session.read(k, u, parse_two_step, screenshot=False))
    read.subscriptions = attempt("subscriptions", lambda k, u: session.read(k, u, parse_subscriptions))
    devices: dict[str, object] = {"surfaceType": "LargeDesktop"}
    read.devices = attempt(
        "devices", lambda k, u: _console(session, k, u, "GetDevicesOverview", devices, parse_devices)[0]
    )
    read.content = attempt("content", lambda k, u: _read_content(session, k, u, since))


def _console(
    session: AccountSession,
    kind: PageKind,
    url: str,
    activity: str,
    activity_input: dict[str, object],
    parse: Callable[[str, str], T],
    page: Captured | None = None,
) -> tuple[T, Captured]:
    """Open a digital-console page (scripts off: it shows no list), then ask its data endpoint for the list
    as the page itself would, and parse the answer. Returns the parsed answer and the console page."""
    if page is None:
        session.progress(f"{page_name(kind)} {urlsplit(url).path}")
        page = session.get(url)
    try:
        token = console_csrf_token(page.html)
    except PageChangedError as exc:
        exc.snapshot = session.snapshot(kind, page)
        raise
    mark = len(session.guard.blocked)
    try:
        answer = session.pages.console_request(activity, activity_input, token)
    finally:  # a request the guard refused fails like an unanswered one: name it for what it was
        if refused := session.guard.blocked[mark:]:
            message = _("the {activity} request was refused by the guard ({reason})").format(
                activity=activity, reason=refused[-1].reason
            )
            raise GuardBlockedError(message, url=url)
    # no screenshot: without its scripts the console page draws no list (the answer is what was read)
    return session.parse(kind, answer, parse, screenshot=False), page


def _read_content(session: AccountSession, kind: PageKind, url: str, since: date) -> tuple[ContentItem, ...]:
    """The Kindle titles acquired since ``since``, newest first, batch by batch until one reaches past it."""
    items: list[ContentItem] = []
    page: Captured | None = None
    for batch in range(MAX_CONTENT_BATCHES):
        activity_input: dict[str, object] = {
            "contentType": "Ebook",
            "contentCategoryReference": "booksAll",
            "itemStatusList": ["Active"],
            "sortOrder": "DESCENDING",
            "sortIndex": "DATE",
            "startIndex": batch * CONTENT_BATCH,
            "batchSize": CONTENT_BATCH,
        }
        result, page = _console(session, kind, url, "GetContentOwnershipData", activity_input, parse_content, page)
        items += [i for i in result.items if i.acquired >= since]
        if not result.has_more or not result.items or min(i.acquired for i in result.items) < since:
            return tuple(items)
    raise OverLimitError(
        "history_too_long",
        _("the Kindle content list did not reach {date} within {n} batches").format(
            date=since.isoformat() if language() == "en" else day(since), n=MAX_CONTENT_BATCHES
        ),
    )


def _time_filter(window_days: int) -> str:
    return "last30" if window_days <= 30 else "months-3" if window_days <= 90 else "year"


def _read_orders(session: AccountSession, report: Report, since: date) -> bool:
    """Read the history until the orders are older than ``since`` (or it ends), keeping every order in the
    window in ``report.orders`` as soon as its page is read. True when the whole window was read."""
    today = report.today
    filters = [_time_filter((today - since).days)]
    if filters[0] == "year":
        filters = [f"year-{y}" for y in range(today.year, since.year - 1, -1)]
    found: dict[str, Order] = {}
    for time_filter in filters:
        first_url = session.pages.order_history_url(time_filter)
        pages = history_pages(session, time_filter)
        while True:
            unread_before = len(report.unread)
            page = _attempt(report, "order-history", first_url, partial(next, pages, None))
            if len(report.unread) > unread_before:
                return False  # this page could not be read: the next link is unknown, the window not covered
            if page is None:
                break
            for order in page.orders:
                if order.order_date >= since:
                    found.setdefault(order.order_id, order)
            report.orders = sorted(found.values(), key=lambda o: (o.order_date, o.order_id), reverse=True)
            if not page.orders or min(o.order_date for o in page.orders) < since:
                break
    return True


def history_pages(session: AccountSession, time_filter: str) -> Iterator[OrderHistoryPage]:
    """The pages of the order history for ``time_filter``, first to last, each reached by the previous
    page's own next link. A page that cannot be read raises (its URL in the error's ``meta["url"]``)."""
    url = session.pages.order_history_url(time_filter)
    seen: set[str] = set()
    read = 0
    for _page in range(MAX_HISTORY_PAGES):
        try:
            page: OrderHistoryPage = session.read("order-history", url, parse_order_history)
        except CheckIncomplete as exc:
            exc.meta.setdefault("url", url)
            raise
        logger.info("order history {}: {} orders", _path(url), len(page.orders))
        yield page
        read += len(page.orders)
        if page.next_page_url is None:
            if page.declared_count is not None and page.declared_count > read:
                raise PageChangedError(
                    "order-history",
                    _("the page declares {declared} orders but offers no next page after {read}").format(
                        declared=page.declared_count, read=read
                    ),
                    url=url,
                )
            return
        seen.add(url)
        following = session.pages.history_link(page.next_page_url)
        if following is None:
            raise PageChangedError(
                "order-history",
                _("the next-page link leads outside the order history ({link})").format(link=page.next_page_url[:80]),
            )
        if following in seen:
            raise PageChangedError("order-history", _("the next-page link points back to a page already read"), url=url)
        url = following
    raise OverLimitError(
        "history_too_long",
        _("the order history did not end within {n} pages").format(n=MAX_HISTORY_PAGES),
        url=url,
    )


def _capture_summary(session: AccountSession, order_id: str) -> DigitalOrderSummary:
    summary = read_digital_summary(session, order_id)
    if summary is None:  # the history lists it, so "no such order" means the page is not what we think
        raise PageChangedError(
            "order-summary",
            _("{order_id} is in the order history, but its summary says no such order").format(order_id=order_id),
        )
    return summary


def read_digital_summary(session: AccountSession, order_id: str) -> DigitalOrderSummary | None:
    """The summary of a digital order, by id, in whichever template the site shows (the legacy digital
    summary, or the unified order details it may redirect to); None when the site says the account has no
    such order. Raises PageChangedError when the page is unreadable or shows another order."""
    session.progress(f"{page_name('order-summary')} {order_id}")
    cap = session.get(session.pages.order_summary_url(order_id))
    if is_order_not_found(cap.html):
        logger.info("{}: not in the account", order_id)
        return None
    summary = session.parse("order-summary", cap, parse_order_summary, label=order_id)
    if summary.order_id != order_id:
        exc = PageChangedError(
            "order-summary",
            _("asked for {order_id}, the page shows {shown}").format(order_id=order_id, shown=summary.order_id),
        )
        exc.snapshot = session.snapshot("order-summary", cap, label=order_id)
        raise exc
    return summary
