"""Look order numbers from a mail up in the account, with the same session and guard as the check.

Digital orders (D01-…): the order summary by id. Physical orders: the order history around the
mail's date. Then the Message Center (/gp/message), whose entries tell whether the site itself sent the
same message; a Message Center that cannot be read is recorded with its reason and keeps the orders.
Never a URL from the mail: every address is built here from the marketplace's own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from loguru import logger
from playwright.sync_api import Browser
from playwright.sync_api import Error as PlaywrightError

from orderwatch.errors import CheckIncomplete, reason_of
from orderwatch.flows.check import PAGE_ERRORS, history_pages, read_digital_summary
from orderwatch.flows.session import AccountSession, CheckTarget
from orderwatch.i18n import _
from orderwatch.mail.verdict import MessageCenterRead, OrderLookup
from orderwatch.models import GuardEvent, Order
from orderwatch.parsers import parse_message_center
from orderwatch.site import MESSAGE_CENTER

LOOK_BACK = timedelta(days=60)  # an order mail arrives within days of the order


@dataclass
class LookupOutcome:
    lookups: list[OrderLookup]
    error: dict[str, str] | None = None
    signed_in: str = "not_signed_in"
    guard_blocked: list[GuardEvent] = field(default_factory=list)
    message_center: MessageCenterRead = field(
        default_factory=lambda: MessageCenterRead(None, _("the lookup did not reach the Message Center"))
    )


def look_up_orders(
    browser: Browser, target: CheckTarget, order_ids: list[str], mail_date: date | None
) -> LookupOutcome:
    found: dict[str, Order | None] = {}
    outcome = LookupOutcome([])
    session = AccountSession(browser, target)
    try:
        for oid in (o for o in order_ids if o.startswith("D")):
            found[oid] = _digital(session, oid)
        physical = [o for o in order_ids if not o.startswith("D")]
        if physical:
            found |= _physical(session, physical, mail_date or date.today())
        outcome.message_center = _message_center(session)
        session.save_session()
    except CheckIncomplete as exc:
        logger.error("lookup incomplete: {}", exc.message)
        outcome.error = {"reason": reason_of(exc), "message": exc.message}
        outcome.message_center = MessageCenterRead(
            None, _("the account lookup stopped first ({reason})").format(reason=reason_of(exc))
        )
    except PlaywrightError as exc:
        first_line = (str(exc).splitlines() or [exc.__class__.__name__])[0]
        message = _("the browser failed during the lookup: {error}").format(error=first_line)
        outcome.error = {"reason": "browser_error", "message": message}
        outcome.message_center = MessageCenterRead(
            None, _("the account lookup stopped first ({reason})").format(reason="browser_error")
        )
    finally:
        outcome.signed_in = session.signed_in
        outcome.guard_blocked = list(session.guard.blocked)
        session.close()
    for oid in order_ids:
        if oid in found:
            order = found[oid]
            outcome.lookups.append(OrderLookup(oid, order is not None, order))
        else:
            outcome.lookups.append(OrderLookup(oid, None))
    return outcome


def _message_center(session: AccountSession) -> MessageCenterRead:
    """The Message Center's entries, through the same session and guard, at the marketplace's own address.
    A page that cannot be read (layout drift, no answer, refused) is recorded with its reason; a stop no
    page could get past (sign-in needs a person) is raised like any other."""
    url = session.pages.settings_url(MESSAGE_CENTER)
    try:
        entries = session.read("message-center", url, parse_message_center)
    except CheckIncomplete as exc:
        if not isinstance(exc, PAGE_ERRORS) or exc.meta.get("during_sign_in"):
            raise
        logger.warning("Message Center not read: {}", exc.message)
        return MessageCenterRead(
            None, _("the page could not be read ({reason}: {message})").format(reason=exc.reason, message=exc.message)
        )
    logger.info("Message Center: {} messages", len(entries))
    return MessageCenterRead(entries)


def _digital(session: AccountSession, order_id: str) -> Order | None:
    summary = read_digital_summary(session, order_id)
    if summary is None:
        return None
    return Order(summary.order_id, summary.order_date, summary.total, True, summary.items)


def _physical(session: AccountSession, order_ids: list[str], around: date) -> dict[str, Order | None]:
    """Page through the years around ``around`` until every id is found or the orders are older than
    ``around`` minus LOOK_BACK."""
    wanted = set(order_ids)
    found: dict[str, Order | None] = {}
    years = [around.year] + ([around.year - 1] if (around - LOOK_BACK).year < around.year else [])
    for year in years:
        for page in history_pages(session, f"year-{year}"):
            for order in page.orders:
                if order.order_id in wanted:
                    found[order.order_id] = order
            if wanted <= set(found) or not page.orders:
                break
            if min(o.order_date for o in page.orders) < around - LOOK_BACK:
                break
        if wanted <= set(found):
            break
    return {oid: found.get(oid) for oid in order_ids}
