"""Where a finding is decided: what was read from the account vs. the allowlist. Pure functions.

A finding's ``message`` and ``advice`` are written in the language in force when it is decided (the CLI puts
it in force before any command runs): what happened, then what to press first, in the site's own words."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Literal
from urllib.parse import urlsplit

from orderwatch import site
from orderwatch.allowlist import Allowlist
from orderwatch.baseline import LoginState, Masked, SettingsRead, device_family, how_acquired, method_kind
from orderwatch.i18n import _, day, ngettext
from orderwatch.marketplace import Marketplace
from orderwatch.models import (
    ContentItem,
    Device,
    DigitalOrderSummary,
    GuardEvent,
    Item,
    Money,
    OneClickSettings,
    Order,
    Subscription,
    TwoStepSettings,
)
from orderwatch.vocabulary import FindingKind, GuardReason

Severity = Literal["high", "medium", "low"]


@dataclass(frozen=True, slots=True)
class Finding:
    kind: FindingKind
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


def _titles(titles: list[str]) -> str:
    return _(", ").join(f"「{t}」" for t in titles)


def why_unexpected(order: Order, allowlist: Allowlist) -> str | None:
    """The reason an order is not expected (a clause, in the language in force), or None when the allowlist
    expects it."""
    if order.cancelled or order.order_id in allowlist.acknowledged:
        return None
    not_allowed = [i.title for i in order.items if not allowlist.allows_item(i)]
    if not order.items:
        return _("its items could not be matched (none listed)")
    if not_allowed and len(not_allowed) == len(order.items):
        return _("not in your allowlist")
    if not_allowed:
        return _("not in your allowlist: {titles}").format(titles=_titles(not_allowed))
    if order.more_items:
        n = order.more_items
        return ngettext(
            "{n} more item is only counted on the order page, so it could not be checked",
            "{n} more items are only counted on the order page, so they could not be checked",
            n,
        ).format(n=n)
    if order.total is not None:
        ceiling = allowlist.ceiling(order.total.currency)
        if ceiling is not None and order.total.amount > ceiling:
            return _("its total is above your ceiling of {ceiling}").format(
                ceiling=Money(ceiling, order.total.currency).display()
            )
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
        message = _order_sentence(order, summaries.get(order.order_id), today, reason)
        if order.order_id in unread_summaries and order.order_id not in summaries:
            message = _(
                "{message} Payment details could not be read (its order summary page could not be read)."
            ).format(message=message)
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
    page = site.page_url(market, site.ONE_CLICK)
    if settings.enabled and allowlist.one_click == "off":
        return [
            Finding(
                kind="one_click_enabled",
                severity="medium",
                subject="one_click",
                message=_(
                    "1-Click is ON for the browser orderwatch signs in with, but your allowlist expects it off: "
                    "a single stray tap on 「1-Clickで今すぐ買う」 buys without a confirmation page."
                ),
                advice=_(
                    "Sign in yourself (type the address, do not follow links in mails) and open {page}; "
                    'press 「すべての1-Clickを無効化」 / "Turn off 1-Click everywhere" — the switch is per '
                    "browser and device, so check your phone too. Kindle store purchases stay one-click even "
                    "when 1-Click is off."
                ).format(page=page),
            )
        ]
    if not settings.enabled and allowlist.one_click == "on":
        return [
            Finding(
                kind="one_click_disabled",
                severity="low",
                subject="one_click",
                message=_("1-Click is off for the browser orderwatch signs in with, but your allowlist expects it on."),
                advice=_(
                    "If you want it on, switch it on yourself at {page}; otherwise set one_click.expected."
                ).format(page=page),
            )
        ]
    return []


def _placed(order_date: date, today: date) -> str:
    """When an order was placed: the date and how long ago."""
    days = (today - order_date).days
    if days == 0:
        return _("{date} (today)").format(date=day(order_date))
    if days == 1:
        return _("{date} (yesterday)").format(date=day(order_date))
    if days > 1:
        return ngettext("{date} ({n} day ago)", "{date} ({n} days ago)", days).format(date=day(order_date), n=days)
    return day(order_date)


def _order_sentence(order: Order, summary: DigitalOrderSummary | None, today: date, reason: str) -> str:
    titles = _titles([i.title for i in order.items]) or _("(no items listed)")
    details = ""
    if order.total is not None:
        details += _(", total {total}").format(total=order.total.display())
    if summary is not None and summary.payments:
        details += _(", paid with {payments}").format(payments=" + ".join(p.display() for p in summary.payments))
    sentence = (
        _("A digital order you did not list as expected: {titles}, {order_id}, placed {when}{details} — {reason}.")
        if order.is_digital
        else _("An order you did not list as expected: {titles}, {order_id}, placed {when}{details} — {reason}.")
    )
    return sentence.format(
        titles=titles, order_id=order.order_id, when=_placed(order.order_date, today), details=details, reason=reason
    )


# The commands an advice names that act on one account's history or baseline: in the demo they take --demo, or
# they would act on the user's own account (an ack stored there, a baseline never accepted).
ACCOUNT_COMMANDS = ("`orderwatch ack ", "`orderwatch baseline accept ")


def for_the_demo(text: str) -> str:
    """``text`` (a finding's message or advice, in any language: commands stay as written) for the demo account."""
    for command in ACCOUNT_COMMANDS:
        text = text.replace(command, f"{command}--demo ")
    return text


def demo_findings(findings: list[Finding]) -> list[Finding]:
    return [replace(f, message=for_the_demo(f.message), advice=for_the_demo(f.advice)) for f in findings]


def order_advice(order: Order, market: Marketplace) -> str:
    orders_url = site.order_history_url(market)
    if order.is_digital:
        return _(
            "If nobody in your household meant to buy it: a Kindle book not yet read can be returned for a refund "
            "within about 7 days. Open Your Orders ({orders_url}) yourself and the order's digital order summary, "
            'or Content & Devices ({content_url}), and press 「返品をリクエスト」 / "Return for refund" for the '
            "title; past that window, or if you cannot find the button, contact customer service. Then switch off "
            "1-Click (「すべての1-Clickを無効化」 on the 1-Click settings page, {one_click_url}), and check Login & "
            "Security for changes you did not make. If it was intended, add it to the allowlist or run "
            "`orderwatch ack {order_id}`."
        ).format(
            orders_url=orders_url,
            content_url=site.page_url(market, site.CONTENT),
            one_click_url=site.page_url(market, site.ONE_CLICK),
            order_id=order.order_id,
        )
    return _(
        "If nobody in your household meant to buy it: open {orders_url} yourself and cancel it "
        "(「商品をキャンセル」) before it ships, or return it; check Login & Security and your addresses for "
        "changes you did not make. If it was intended, add it to the allowlist or run "
        "`orderwatch ack {order_id}`."
    ).format(orders_url=orders_url, order_id=order.order_id)


# Refused requests that a page made to act: change something, reach a path the bot never reads, carry a
# secret, open a channel, or take the browser elsewhere. Refused third-party sub-resources (telemetry) and
# the sign-in page's own telemetry beacons are only logged.
_ATTEMPTS: frozenset[GuardReason] = frozenset(
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


def attempted_actions(guard_blocked: list[GuardEvent]) -> list[Finding]:
    """One finding per method and address the guard refused because a page tried to act (``guard_blocked``
    as in the report). An attacked run is never an all-clear."""
    findings: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for event in guard_blocked:
        method, url, rtype, reason = event.method, event.url, event.resource_type, event.reason
        navigation = rtype in ("document", "popup", "websocket")
        sign_in = urlsplit(url).path.startswith(site.SIGN_IN_PREFIX)
        telemetry = not navigation and reason == "state_changing_method" and sign_in
        if telemetry or not (reason in _ATTEMPTS or (navigation and reason.endswith("off_site"))):
            continue
        if event.detail:  # a refused console request: which activity it asked for
            url = f"{url} activity={event.detail}"
        if (method, url) in seen:
            continue
        seen.add((method, url))
        secret = reason == "carries_secret"
        message = (
            _(
                "A page the check read tried {method} {url} ({reason}); the read-only guard refused it and nothing "
                "was sent. It would have carried your sign-in details."
            )
            if secret
            else _(
                "A page the check read tried {method} {url} ({reason}); the read-only guard refused it and nothing "
                "was sent."
            )
        )
        findings.append(
            Finding(
                kind="page_attempted_action",
                severity="high" if secret else "medium",
                subject=f"{method} {url}",
                message=message.format(method=method, url=url, reason=reason),
                advice=_(
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
            message=_(
                "A page asked for your sign-in details outside the site's own sign-in form; orderwatch typed "
                "nothing and stopped."
            ),
            advice=_(
                "Do not sign in from links. Open the site yourself, check your orders and Login & Security, and "
                "sign in once with `orderwatch login --headed`."
            ),
        )
    ]


# --- account settings (issue 11) --------------------------------------------------------------------------
# Compared: the latest read of each settings page (this run's, or an earlier run's between settings reads)
# with the baseline the user agreed with, and with the allowlist's expectations, which hold from the first read.


def _sign_out_everywhere() -> str:
    """The sentence every settings advice for a change the user did not make carries."""
    return _(
        'Then, under Login & Security (ログインとセキュリティ), open 「アカウントを保護する」 / "Secure your '
        'account", use 「すべてのデバイスからサインアウト」 / "Sign out of all devices", and change the password.'
    )


def _when(read: SettingsRead, section: str, today: date) -> str:
    """ " (as read on 2026-11-25; …)" for a section not read by this run; "" for one it read."""
    if section in read.fresh or section not in read.read_at:
        return ""
    return _(" (as read on {date}; settings pages are read on their own schedule)").format(
        date=day(read.read_at[section].date())
    )


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
    when, url = _when(read, "login_security", today), site.page_url(market, site.LOGIN_SECURITY)
    found = []
    changed: tuple[tuple[FindingKind, Masked | None, Masked | None, str, str], ...] = (
        (
            "email_changed",
            base.email,
            now.email,
            _("The account's e-mail address changed: {was} → {now}{same_look}{when}."),
            _(
                "If you did not change it: sign in yourself (type the address) and open {url} — ログインとセキュリティ "
                "/ Login & Security — and set your own Eメール back. {sign_out} If you cannot sign in any more, "
                "contact Amazon customer service by phone. If it was you, run "
                "`orderwatch baseline accept login_security`."
            ),
        ),
        (
            "phone_changed",
            base.phone,
            now.phone,
            _("The account's mobile phone number changed: {was} → {now}{same_look}{when}."),
            _(
                "If you did not change it: sign in yourself (type the address) and open {url} — ログインとセキュリティ "
                "/ Login & Security — and set your own 携帯電話番号 back. {sign_out} If you cannot sign in any more, "
                "contact Amazon customer service by phone. If it was you, run "
                "`orderwatch baseline accept login_security`."
            ),
        ),
    )
    for kind, old, new, message, advice in changed:
        if old == new:
            continue
        same_look = (
            _(" (the digits that differ are among those the mask hides)")
            if old and new and old.shown == new.shown
            else ""
        )
        found.append(
            Finding(
                kind=kind,
                severity="high",
                subject=f"login_security.{kind.split('_')[0]}",
                message=message.format(
                    was=old.shown if old else _("none"),
                    now=new.shown if new else _("none"),
                    same_look=same_look,
                    when=when,
                ),
                advice=advice.format(url=url, sign_out=_sign_out_everywhere()),
            )
        )
    if now.passkeys > base.passkeys:
        found.append(
            Finding(
                kind="passkey_added",
                severity="high",
                subject="login_security.passkeys",
                message=_("A passkey was added to the account: {before} → {after}{when}.").format(
                    before=base.passkeys, after=now.passkeys, when=when
                ),
                advice=_(
                    "A passkey signs in without the password. If you did not add it: open {url}, パスキー / "
                    "Passkey, and remove the one you do not know. {sign_out} If it was you, run "
                    "`orderwatch baseline accept login_security`."
                ).format(url=url, sign_out=_sign_out_everywhere()),
            )
        )
    return found


def _two_step_findings(
    read: SettingsRead, base: TwoStepSettings | None, allowlist: Allowlist, market: Marketplace, today: date
) -> list[Finding]:
    url, found = site.page_url(market, site.TWO_STEP), []
    enabled = read.two_step.enabled if read.two_step is not None else None
    section = "two_step"
    if enabled is None and read.login_security is not None:  # Login & Security's row says it too
        enabled, section = read.login_security.two_step, "login_security"
    was_on = base.enabled if base is not None else None
    if enabled is False and (allowlist.two_step == "on" or was_on):
        expected = allowlist.two_step == "on"
        message = (
            _("2-step verification (2段階認証) is OFF — your allowlist expects it on{when}.")
            if expected
            else _("2-step verification (2段階認証) is OFF — it was on in your baseline{when}.")
        )
        advice = (
            _(
                "Without it the password alone signs in. Sign in yourself and turn it on again at {url} "
                "(2段階認証の設定 / 2-Step Verification Settings). If you did not turn it off yourself, someone "
                "else may have your password. {sign_out} If you "
                "meant to turn it off, run `orderwatch baseline accept two_step` and set [settings] two_step in "
                "your allowlist."
            )
            if expected
            else _(
                "Without it the password alone signs in. Sign in yourself and turn it on again at {url} "
                "(2段階認証の設定 / 2-Step Verification Settings). If you did not turn it off yourself, someone "
                "else may have your password. {sign_out} If you "
                "meant to turn it off, run `orderwatch baseline accept two_step`."
            )
        )
        found.append(
            Finding(
                kind="two_step_disabled",
                severity="high",
                subject="two_step",
                message=message.format(when=_when(read, section, today)),
                advice=advice.format(url=url, sign_out=_sign_out_everywhere()),
            )
        )
    now = read.two_step
    if now is None or base is None:
        return found
    old_methods = {(m.kind, m.label) for m in base.methods}
    new_methods = {(m.kind, m.label) for m in now.methods}
    when = _when(read, "two_step", today)
    changes: tuple[tuple[FindingKind, set[tuple[str, str]], str, str], ...] = (
        (
            "two_step_method_added",
            new_methods - old_methods,
            _("A 2-step verification method was added: {label} ({kind}){when}."),
            _(
                "Whoever holds that method can pass the code step. If you did not add it: sign in yourself, open "
                "{url} (2段階認証の設定 / 2-Step Verification Settings) and remove the method you do not know. "
                "{sign_out} If it was you, run `orderwatch baseline accept two_step`."
            ),
        ),
        (
            "two_step_method_removed",
            old_methods - new_methods,
            _("A 2-step verification method was removed: {label} ({kind}){when}."),
            _(
                "If you did not remove it: sign in yourself, open {url} (2段階認証の設定 / 2-Step Verification "
                "Settings), check which methods are left and add yours back. {sign_out} If it was you, run "
                "`orderwatch baseline accept two_step`."
            ),
        ),
    )
    for finding_kind, methods, message, advice in changes:
        for kind, label in sorted(methods):
            found.append(
                Finding(
                    kind=finding_kind,
                    severity="high",
                    subject=f"two_step:{kind}:{label}",
                    message=message.format(label=label, kind=method_kind(kind), when=when),
                    advice=advice.format(url=url, sign_out=_sign_out_everywhere()),
                )
            )
    return found


def _first_charge(sub: Subscription) -> str:
    """ "; the first charge, ￥1,080, falls on 2026-12-25" (a trial) / "; next charge ￥600 on …" / ""."""
    amount = sub.amount.display() if sub.amount else None
    when = day(sub.next_charge) if sub.next_charge else None
    if sub.status == "free_trial":
        if amount and when:
            text = _("; the first charge, {amount}, falls on {date}")
        elif amount:
            text = _("; the first charge will be {amount}")
        elif when:
            text = _("; the first charge falls on {date}")
        else:
            return ""
    elif amount and when:
        text = _("; next charge {amount} on {date}")
    elif amount:
        text = _("; next charge {amount}")
    elif when:
        text = _("; next charge on {date}")
    else:
        return ""
    return text.format(amount=amount, date=when)


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
    url = site.page_url(market, site.MEMBERSHIPS)
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
        listed = expected is False  # the allowlist lists subscriptions, and not this one
        if trial:
            message = (
                _(
                    "A free trial is running on the account: 「{name}」{charge} — not among the subscriptions your "
                    "allowlist expects{when}."
                )
                if listed
                else _("A free trial is running on the account: 「{name}」{charge} — not in your baseline{when}.")
            )
        else:
            message = (
                _(
                    "A subscription is running on the account: 「{name}」{charge} — not among the subscriptions your "
                    "allowlist expects{when}."
                )
                if listed
                else _("A subscription is running on the account: 「{name}」{charge} — not in your baseline{when}.")
            )
        if_wanted = (
            _("If it is wanted, add a [[subscription]] name_pattern for it to your allowlist.")
            if listed
            else _("If it is wanted, run `orderwatch baseline accept subscriptions`.")
        )
        advice = (
            _(
                "If nobody in your household started it: open {url} (メンバーシップおよび購読 / Memberships & "
                'Subscriptions) yourself and press 「会員登録をキャンセル」 / "Cancel subscription" before the '
                "first charge: a trial started by a stray tap is charged all the same. {if_wanted}"
            )
            if trial
            else _(
                "If nobody in your household started it: open {url} (メンバーシップおよび購読 / Memberships & "
                'Subscriptions) yourself and press 「会員登録をキャンセル」 / "Cancel subscription" before the '
                "next charge. {if_wanted}"
            )
        )
        found.append(
            Finding(
                kind="trial_started" if trial else "subscription_started",
                severity="medium",
                subject=f"subscription:{sub.name}",
                message=message.format(
                    name=sub.name, charge=_first_charge(sub), when=_when(read, "subscriptions", today)
                ),
                advice=advice.format(url=url, if_wanted=if_wanted),
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
    url = site.page_url(market, site.DEVICES)
    found = []
    for dev in now:
        expected = allowlist.expects_device(dev.name, dev.family)
        new = base is not None and (dev.name, dev.family) not in known
        if expected is True or not (new or expected is False):
            continue
        registered = _(", registered {date}").format(date=day(dev.registered)) if dev.registered else ""
        listed = expected is False
        message = (
            _(
                "A device is registered to the account: 「{name}」 ({family}{registered}) — not among the devices "
                "your allowlist expects{when}."
            )
            if listed
            else _(
                "A device is registered to the account: 「{name}」 ({family}{registered}) — not in your baseline{when}."
            )
        )
        if_yours = (
            _("If it is yours, add a [[device]] name_pattern for it to your allowlist.")
            if listed
            else _("If it is yours, run `orderwatch baseline accept devices`.")
        )
        found.append(
            Finding(
                kind="device_added",
                severity="medium",
                subject=f"device:{dev.name}",
                message=message.format(
                    name=dev.name,
                    family=device_family(dev.family),
                    registered=registered,
                    when=_when(read, "devices", today),
                ),
                advice=_(
                    "A registered device can buy Kindle books with one tap. If you do not know it: open {url} "
                    "(コンテンツと端末の管理 → 端末 / Content & Devices → Devices) yourself and deregister it "
                    '(「登録の解除」 / "Deregister"). {sign_out} {if_yours}'
                ).format(url=url, sign_out=_sign_out_everywhere(), if_yours=if_yours),
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
    url = site.page_url(market, site.CONTENT)
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
                message=_(
                    "A Kindle title arrived on {date} with no order for it in the history: 「{title}」 ({asin}, {how})."
                ).format(date=day(item.acquired), title=item.title, asin=item.asin, how=how_acquired(item.how)),
                advice=_(
                    "Open {url} (コンテンツと端末の管理 / Content & Devices) yourself and look at the title: a gift, "
                    "a family library share or a free book are harmless; otherwise ask for a refund "
                    '(「返品をリクエスト」 / "Return for refund"; past the return window, contact customer service) '
                    "and check Login & Security. If it is expected, run `orderwatch baseline accept content` or "
                    "allow its ASIN in your allowlist."
                ).format(url=url),
            )
        )
    return found
