"""Where a finding is decided: what was read from the account vs. the allowlist. Pure functions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal
from urllib.parse import urlsplit

from orderwatch.allowlist import Allowlist
from orderwatch.baseline import LoginState, SettingsRead
from orderwatch.marketplace import Marketplace
from orderwatch.models import (
    ContentItem,
    Device,
    DigitalOrderSummary,
    Item,
    OneClickSettings,
    Order,
    Subscription,
    TwoStepSettings,
)

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


# --- account settings (issue 11) --------------------------------------------------------------------------
# Compared: the latest read of each settings page (this run's, or an earlier run's between settings reads)
# with the baseline the user agreed with, and with the allowlist's expectations, which hold from the first read.

_SIGN_OUT_EVERYWHERE = (
    "then, under Login & Security (ログインとセキュリティ), use 「すべてのデバイスからサインアウト」 / "
    '"Sign out of all devices" (「アカウントを保護」 / "Secure your account"), and change the password.'
)


def _login_url(market: Marketplace) -> str:
    return f"{market.base_url}/ax/account/manage"


def _two_step_url(market: Marketplace) -> str:
    return f"{market.base_url}/a/settings/approval"


def _when(read: SettingsRead, section: str, today: date) -> str:
    """ " (read on 2026-11-25)" for a section not read by this run; "" for one it read."""
    if section in read.fresh or section not in read.read_at:
        return ""
    return f" (as read on {read.read_at[section].date().isoformat()}; settings pages are read on their own schedule)"


def check_settings(
    read: SettingsRead,
    accepted: dict[str, Any],
    allowlist: Allowlist,
    market: Marketplace,
    today: date,
    *,
    since: date,
    orders: list[Order],
    summaries: dict[str, DigitalOrderSummary],
    history_complete: bool,
) -> list[Finding]:
    """Every settings finding: ``read`` (what is known now) against ``accepted`` (section → the baseline
    value; a section without one has had no first read yet) and the allowlist's expectations."""
    findings = _login_findings(read, accepted.get("login_security"), market, today)
    findings += _two_step_findings(read, accepted.get("two_step"), allowlist, market, today)
    findings += _subscription_findings(read, accepted.get("subscriptions"), allowlist, market, today)
    findings += _device_findings(read, accepted.get("devices"), allowlist, market, today)
    if history_complete:  # with orders missing, "no order for this title" could not be told
        findings += _content_findings(read, accepted.get("content") or (), allowlist, market, since, orders, summaries)
    return findings


def first_baseline(read: SettingsRead, allowlist: Allowlist) -> dict[str, Any]:
    """What a section's first baseline holds when the allowlist already says what is expected: only the
    expected subscriptions and devices (the others stay findings until accepted). Other sections: as read."""
    initial: dict[str, Any] = {}
    if read.subscriptions is not None and allowlist.subscriptions:
        initial["subscriptions"] = tuple(s for s in read.subscriptions if allowlist.expects_subscription(s.name))
    if read.devices is not None and allowlist.devices:
        initial["devices"] = tuple(d for d in read.devices if allowlist.expects_device(d.name, d.family))
    return initial


def _login_findings(read: SettingsRead, base: LoginState | None, market: Marketplace, today: date) -> list[Finding]:
    now = read.login_security
    if now is None or base is None:
        return []
    when, url = _when(read, "login_security", today), _login_url(market)
    found = []
    for kind, label, old, new in (
        ("email_changed", "e-mail address", base.email, now.email),
        ("phone_changed", "mobile phone number", base.phone, now.phone),
    ):
        if old == new:
            continue
        was = old.shown if old else "none"
        same_look = (
            " (the digits that differ are among those the mask hides)" if old and new and old.shown == new.shown else ""
        )
        found.append(
            Finding(
                kind=kind,
                severity="high",
                subject=f"login_security.{kind.split('_')[0]}",
                message=f"The account's {label} changed: {was} → {new.shown if new else 'none'}{same_look}{when}.",
                advice=(
                    f"If you did not change it: sign in yourself (type the address) and open {url} — "
                    "ログインとセキュリティ / Login & Security — set your own "
                    f"{'Eメール' if kind == 'email_changed' else '携帯電話番号'} back; "
                    + _SIGN_OUT_EVERYWHERE
                    + " If you cannot sign in any more, contact Amazon customer service by phone. If it was you, "
                    "run `orderwatch baseline accept login_security`."
                ),
            )
        )
    if now.passkeys > base.passkeys:
        found.append(
            Finding(
                kind="passkey_added",
                severity="high",
                subject="login_security.passkeys",
                message=f"A passkey was added to the account: {base.passkeys} → {now.passkeys}{when}.",
                advice=(
                    f"A passkey signs in without the password. If you did not add it: open {url}, "
                    "パスキー / Passkey, and remove the one you do not know; "
                    + _SIGN_OUT_EVERYWHERE
                    + " If it was you, run `orderwatch baseline accept login_security`."
                ),
            )
        )
    return found


def _two_step_findings(
    read: SettingsRead, base: TwoStepSettings | None, allowlist: Allowlist, market: Marketplace, today: date
) -> list[Finding]:
    url, found = _two_step_url(market), []
    enabled = read.two_step.enabled if read.two_step is not None else None
    section = "two_step"
    if enabled is None and read.login_security is not None:  # Login & Security's row says it too
        enabled, section = read.login_security.two_step, "login_security"
    was_on = base.enabled if base is not None else None
    if enabled is False and (allowlist.two_step == "on" or was_on):
        why = "your allowlist expects it on" if allowlist.two_step == "on" else "it was on in your baseline"
        found.append(
            Finding(
                kind="two_step_disabled",
                severity="high",
                subject="two_step",
                message=f"2-step verification (2段階認証) is OFF — {why}{_when(read, section, today)}.",
                advice=(
                    f"Without it the password alone signs in. Sign in yourself and turn it on again at {url} "
                    "(2段階認証の設定 / 2-Step Verification Settings); if you did not turn it off, "
                    + _SIGN_OUT_EVERYWHERE
                    + " If you meant to turn it off, run `orderwatch baseline accept two_step`"
                    + (" and set [settings] two_step in your allowlist." if allowlist.two_step == "on" else ".")
                ),
            )
        )
    now = read.two_step
    if now is None or base is None:
        return found
    old_methods = {(m.kind, m.label) for m in base.methods}
    new_methods = {(m.kind, m.label) for m in now.methods}
    when = _when(read, "two_step", today)
    changes = (
        (
            "added",
            new_methods - old_methods,
            "Whoever holds that method can pass the code step. If you did not add it: sign in yourself, open "
            f"{url} (2段階認証の設定 / 2-Step Verification Settings) and remove the method you do not know; ",
        ),
        (
            "removed",
            old_methods - new_methods,
            f"If you did not remove it: sign in yourself, open {url}, check which methods are left and add yours "
            "back; ",
        ),
    )
    for verb, methods, first_steps in changes:
        for kind, label in sorted(methods):
            found.append(
                Finding(
                    kind=f"two_step_method_{verb}",
                    severity="high",
                    subject=f"two_step:{kind}:{label}",
                    message=f"A 2-step verification method was {verb}: {label} ({kind.replace('_', ' ')}){when}.",
                    advice=first_steps
                    + _SIGN_OUT_EVERYWHERE
                    + " If it was you, run `orderwatch baseline accept two_step`.",
                )
            )
    return found


def _subscription_findings(
    read: SettingsRead,
    base: tuple[Subscription, ...] | None,
    allowlist: Allowlist,
    market: Marketplace,
    today: date,
) -> list[Finding]:
    now = read.subscriptions
    if now is None:
        return []
    running = {s.name for s in (base or ()) if s.status != "cancelled"}
    url = f"{market.base_url}/hz5/yourmembershipsandsubscriptions"
    found = []
    for sub in now:
        if sub.status == "cancelled":
            continue
        expected = allowlist.expects_subscription(sub.name)
        new = base is not None and sub.name not in running
        # the allowlist's list holds on every run (accepting does not silence it: list it there); without
        # one, the baseline decides
        if expected is True or not (new or expected is False):
            continue
        trial = sub.status == "free_trial"
        charge = ""
        if sub.next_charge or sub.amount:
            amount = f" {sub.amount.display()}" if sub.amount else ""
            on = f" on {sub.next_charge.isoformat()}" if sub.next_charge else ""
            charge = f"; the first charge{amount} falls{on}" if trial else f"; next charge{amount}{on}"
        why = "not among the subscriptions your allowlist expects" if expected is False else "not in your baseline"
        found.append(
            Finding(
                kind="trial_started" if trial else "subscription_started",
                severity="medium",
                subject=f"subscription:{sub.name}",
                message=(
                    f"{'A free trial' if trial else 'A subscription'} is running on the account: 「{sub.name}」"
                    f"{charge} — {why}{_when(read, 'subscriptions', today)}."
                ),
                advice=(
                    f"If nobody in your household started it: open {url} (メンバーシップおよび購読 / Memberships & "
                    'Subscriptions) yourself and press 「会員登録をキャンセル」 / "Cancel subscription" before '
                    "the first charge; a trial started by a stray tap is exactly how the story began. If it is "
                    + (
                        "wanted, add a [[subscription]] name_pattern for it to your allowlist."
                        if expected is False
                        else "wanted, run `orderwatch baseline accept subscriptions`."
                    )
                ),
            )
        )
    return found


def _device_findings(
    read: SettingsRead, base: tuple[Device, ...] | None, allowlist: Allowlist, market: Marketplace, today: date
) -> list[Finding]:
    now = read.devices
    if now is None:
        return []
    known = {(d.name, d.family) for d in (base or ())}
    url = f"{market.base_url}/hz/mycd/digital-console/alldevices"
    found = []
    for dev in now:
        expected = allowlist.expects_device(dev.name, dev.family)
        new = base is not None and (dev.name, dev.family) not in known
        if expected is True or not (new or expected is False):
            continue
        registered = f", registered {dev.registered.isoformat()}" if dev.registered else ""
        why = "not among the devices your allowlist expects" if expected is False else "not in your baseline"
        found.append(
            Finding(
                kind="device_added",
                severity="medium",
                subject=f"device:{dev.name}",
                message=(
                    f"A device is registered to the account: 「{dev.name}」 ({dev.family}{registered}) — "
                    f"{why}{_when(read, 'devices', today)}."
                ),
                advice=(
                    f"A registered device can buy Kindle books with one tap. If you do not know it: open {url} "
                    "(コンテンツと端末の管理 → 端末 / Content & Devices → Devices) yourself and deregister it "
                    '(「登録の解除」 / "Deregister"); '
                    + _SIGN_OUT_EVERYWHERE
                    + (
                        " If it is yours, add a [[device]] name_pattern for it to your allowlist."
                        if expected is False
                        else " If it is yours, run `orderwatch baseline accept devices`."
                    )
                ),
            )
        )
    return found


def _content_findings(
    read: SettingsRead,
    accepted: tuple[ContentItem, ...],
    allowlist: Allowlist,
    market: Marketplace,
    since: date,
    orders: list[Order],
    summaries: dict[str, DigitalOrderSummary],
) -> list[Finding]:
    """A Kindle title bought (or taken free, which also makes an order) in the window with no order for it.
    Loans (Kindle Unlimited, Prime Reading, rentals) come without orders and are not findings."""
    now = read.content
    if now is None:
        return []
    ordered = {i.asin for o in orders for i in o.items if i.asin}
    ordered |= {i.asin for s in summaries.values() for i in s.items if i.asin}
    done = {c.asin for c in accepted}
    url = f"{market.base_url}/hz/mycd/digital-console/contentlist/booksAll/dateDsc/"
    found = []
    for item in now:
        if item.acquired < since or item.how not in ("purchase", "free") or item.asin in ordered | done:
            continue
        if allowlist.allows_item(Item(item.title, item.asin)):
            continue
        found.append(
            Finding(
                kind="content_without_order",
                severity="medium",
                subject=f"content:{item.asin}",
                message=(
                    f"A Kindle title arrived on {item.acquired.isoformat()} with no order for it in the history: "
                    f"「{item.title}」 ({item.asin}, {item.how})."
                ),
                advice=(
                    f"Open {url} (コンテンツと端末の管理 / Content & Devices) yourself and look at the title: a gift, "
                    "a family library share or a free book are harmless; otherwise ask for a refund "
                    '(「返品をリクエスト」 / "Return for refund") and check Login & Security. If it is expected, '
                    "run `orderwatch baseline accept content` or allow its ASIN in your allowlist."
                ),
            )
        )
    return found
