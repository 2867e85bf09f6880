"""Where a finding is decided: what was read from the account vs. the allowlist. Pure functions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal
from urllib.parse import urlsplit

from orderwatch.allowlist import Allowlist
from orderwatch.marketplace import Marketplace
from orderwatch.models import DigitalOrderSummary, OneClickSettings, Order

Severity = Literal["high", "medium", "low"]


@dataclass(frozen=True, slots=True)
class Finding:
    # unexpected_order | one_click_enabled | one_click_disabled | page_attempted_action | credentials_form_unexpected
    kind: str
    severity: Severity
    subject: str  # an order's id for order findings; "one_click" for the setting
    message: str  # one sentence a person understands
    advice: str  # what to do next

    def to_json(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "severity": self.severity,
            "subject": self.subject,
            "message": self.message,
            "advice": self.advice,
        }


def why_unexpected(order: Order, allowlist: Allowlist) -> str | None:
    """The reason an order is not expected, or None when the allowlist expects it."""
    if order.cancelled or order.order_id in allowlist.acknowledged:
        return None
    not_allowed = [i.title for i in order.items if not allowlist.allows_item(i)]
    if not order.items:
        return "its items could not be matched (none listed)"
    if not_allowed and len(not_allowed) == len(order.items):
        return "not in your allowlist"
    if not_allowed:
        return "not in your allowlist: " + ", ".join(f"「{t}」" for t in not_allowed)
    if order.more_items:
        return f"{order.more_items} more item(s) are only counted on the order page, so they could not be checked"
    if order.total is not None:
        ceiling = allowlist.ceiling(order.total.currency)
        if ceiling is not None and order.total.amount > ceiling:
            return f"its total is above your ceiling of {ceiling} {order.total.currency}"
    return None


def find_unexpected_orders(
    orders: list[Order],
    summaries: dict[str, DigitalOrderSummary],
    allowlist: Allowlist,
    market: Marketplace,
    today: date,
    unread_summaries: frozenset[str] = frozenset(),
) -> list[Finding]:
    """One finding per unexpected order. An order is judged from its history card; its summary, when
    it was read, adds how it was paid. ``unread_summaries``: digital orders whose summary page could not
    be read — they are still reported, and the message says the payment details are missing."""
    findings = []
    for order in orders:
        reason = why_unexpected(order, allowlist)
        if reason is None:
            continue
        message = _order_sentence(order, summaries.get(order.order_id), today) + f" — {reason}."
        if order.order_id in unread_summaries and order.order_id not in summaries:
            message += " Payment details could not be read (its order summary page could not be read)."
        findings.append(
            Finding(
                kind="unexpected_order",
                severity="high",
                subject=order.order_id,
                message=message,
                advice=order_advice(order, market),
            )
        )
    return findings


def check_one_click(settings: OneClickSettings, allowlist: Allowlist, market: Marketplace) -> list[Finding]:
    page = f"{market.base_url}/cpe/yourpayments/settings/manageoneclick"
    if settings.enabled and allowlist.one_click == "off":
        return [
            Finding(
                kind="one_click_enabled",
                severity="medium",
                subject="one_click",
                message=(
                    "1-Click is ON for the browser orderwatch signs in with, but your allowlist expects it off: "
                    "a single stray tap on 「1-Clickで今すぐ買う」 buys without a confirmation page."
                ),
                advice=(
                    f"Sign in yourself (type the address, do not follow links in mails) and open {page}; "
                    'press 「すべての1-Clickを無効化」 / "Turn off 1-Click everywhere" — the switch is per '
                    "browser and device, so check your phone too. Kindle store purchases stay one-click even "
                    "when 1-Click is off."
                ),
            )
        ]
    if not settings.enabled and allowlist.one_click == "on":
        return [
            Finding(
                kind="one_click_disabled",
                severity="low",
                subject="one_click",
                message="1-Click is off for the browser orderwatch signs in with, but your allowlist expects it on.",
                advice=f"If you want it on, switch it on yourself at {page}; otherwise set one_click.expected.",
            )
        ]
    return []


def _order_sentence(order: Order, summary: DigitalOrderSummary | None, today: date) -> str:
    titles = ", ".join(f"「{i.title}」" for i in order.items) or "(no items listed)"
    kind = "A digital order" if order.is_digital else "An order"
    when = order.order_date.isoformat()
    days = (today - order.order_date).days
    if days == 0:
        when += " (today)"
    elif days == 1:
        when += " (yesterday)"
    elif days > 1:
        when += f" ({days} days ago)"
    text = f"{kind} you did not list as expected: {titles}, {order.order_id}, placed {when}"
    if order.total is not None:
        text += f", total {order.total.display()}"
    if summary is not None and summary.payments:
        text += ", paid with " + " + ".join(p.display() for p in summary.payments)
    return text


def order_advice(order: Order, market: Marketplace) -> str:
    orders_url = f"{market.base_url}/your-orders/orders"
    if order.is_digital:
        return (
            "If nobody in your household meant to buy it: Kindle books can be returned for a refund within "
            "about 7 days if not read — open "
            f"{market.base_url}/hz/mycd/digital-console/contentlist/booksAll/dateDsc/ "
            '(Content & Devices), choose the title and 「返品をリクエスト」 / "Return for refund", or contact '
            "customer service. Then switch off 1-Click, and check Login & Security for changes you did not "
            f"make. If it was intended, add it to the allowlist or run `orderwatch ack {order.order_id}`."
        )
    return (
        f"If nobody in your household meant to buy it: open {orders_url} yourself and cancel it "
        "(「商品をキャンセル」) before it ships, or return it; check Login & Security and your addresses for "
        "changes you did not make. If it was intended, add it to the allowlist or run "
        f"`orderwatch ack {order.order_id}`."
    )


# Refused requests that a page made to act: change something, reach a path the bot never reads, carry a
# secret, open a channel, or take the browser elsewhere. Refused third-party sub-resources (telemetry) and
# the sign-in page's own telemetry beacons are only logged.
_ATTEMPTS = frozenset(
    {
        "state_changing_method",
        "console_activity_refused",
        "not_read_path",
        "carries_secret",
        "websocket",
        "popup",
        "redirect_resends_post",
        "redirect_state_changing_method",
        "redirect_not_read_path",
    }
)


def attempted_actions(guard_blocked: list[dict[str, str]]) -> list[Finding]:
    """One finding per method and address the guard refused because a page tried to act (``guard_blocked``
    as in the report). An attacked run is never an all-clear."""
    findings: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for event in guard_blocked:
        method, url, rtype, reason = event["method"], event["url"], event["resource_type"], event["reason"]
        navigation = rtype in ("document", "popup", "websocket")
        telemetry = not navigation and reason == "state_changing_method" and urlsplit(url).path.startswith("/ap/")
        if telemetry or not (reason in _ATTEMPTS or (navigation and reason.endswith("off_site"))):
            continue
        if event.get("detail"):  # a refused console request: which activity it asked for
            url = f"{url} activity={event['detail']}"
        if (method, url) in seen:
            continue
        seen.add((method, url))
        secret = reason == "carries_secret"
        findings.append(
            Finding(
                kind="page_attempted_action",
                severity="high" if secret else "medium",
                subject=f"{method} {url}",
                message=(
                    f"A page the check read tried {method} {url} ({reason}); the read-only guard refused it and "
                    "nothing was sent." + (" It would have carried your sign-in details." if secret else "")
                ),
                advice=(
                    "Nothing happened to the account. If it repeats, a page or a browser extension-like script on "
                    "the site is misbehaving: look at your orders and settings yourself (type the address), and "
                    "keep the run folder for a bug report."
                ),
            )
        )
    return findings


def credentials_form_finding(stop_reason: str | None) -> list[Finding]:
    """The run stopped because a page asked for credentials outside the site's own sign-in form."""
    if stop_reason != "credentials_form_unexpected":
        return []
    return [
        Finding(
            kind="credentials_form_unexpected",
            severity="high",
            subject="sign-in",
            message=(
                "A page asked for your sign-in details outside the site's own sign-in form; orderwatch typed "
                "nothing and stopped."
            ),
            advice=(
                "Do not sign in from links. Open the site yourself, check your orders and Login & Security, and "
                "sign in once with `orderwatch login --headed`."
            ),
        )
    ]
