"""Typed data the parsers produce and the diff consumes. Plain frozen dataclasses, no behaviour; and the
form of an order id, the one fact about the data that pages, mails and the allowlist all check."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from orderwatch.vocabulary import GuardReason

# An Amazon order id: three digits (a physical order) or D and two digits (a digital one), then two groups of
# seven digits: 249-1234567-1234567, D01-2046175-3391842. Unanchored and without a group: a reader that finds
# ids inside text puts its own boundaries around ``ORDER_ID_PATTERN.pattern`` (a page: word boundaries; a
# mail: no letter, digit or dash beside it).
ORDER_ID_PATTERN = re.compile(r"(?:D\d{2}|\d{3})-\d{7}-\d{7}")


def is_order_id(text: str) -> bool:
    """True when ``text`` is one order id and nothing else (not even a trailing newline)."""
    return ORDER_ID_PATTERN.fullmatch(text) is not None


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in an ISO 4217 currency. Yen amounts have no decimals."""

    amount: Decimal
    currency: str

    def to_json(self) -> dict[str, str]:
        return {"amount": str(self.amount), "currency": self.currency}

    def display(self) -> str:
        symbol = {"JPY": "￥", "USD": "$", "EUR": "€", "GBP": "£"}.get(self.currency)
        text = f"{self.amount:,.0f}" if self.currency == "JPY" else f"{self.amount:,.2f}"
        return f"{symbol}{text}" if symbol else f"{text} {self.currency}"


@dataclass(frozen=True, slots=True)
class Item:
    title: str
    asin: str | None = None
    seller: str | None = None


@dataclass(frozen=True, slots=True)
class Order:
    order_id: str
    order_date: date
    total: Money | None  # None: cancelled orders show no total
    is_digital: bool
    items: tuple[Item, ...] = ()
    cancelled: bool = False
    more_items: int = 0  # items the card only counts ("and 5 more"): they cannot be checked

    def to_json(self) -> dict[str, object]:
        return {
            "order_id": self.order_id,
            "order_date": self.order_date.isoformat(),
            "total": self.total.to_json() if self.total else None,
            "is_digital": self.is_digital,
            "items": [{"title": i.title, "asin": i.asin} for i in self.items],
        }


@dataclass(frozen=True, slots=True)
class OrderHistoryPage:
    marketplace: str
    orders: tuple[Order, ...]
    declared_count: int | None  # the page's own "N件の注文" / "N orders" / "229 Bestellungen"
    next_page_url: str | None = None  # the page's own "next" link, as written (follow it; never compute it)

    @property
    def has_next_page(self) -> bool:
        return self.next_page_url is not None

    def to_json(self) -> dict[str, object]:
        return {
            "marketplace": self.marketplace,
            "orders": [o.to_json() for o in self.orders],
            "declared_count": self.declared_count,
        }


@dataclass(frozen=True, slots=True)
class Payment:
    """One line of "how it was paid" on a digital order summary: a card ("Mastercard ending in 0000"),
    points, a gift card or a credit ("1 Audible Credit"), as the page names it."""

    method: str
    amount: Money | None = None  # None when the page does not say how much went through this method

    def to_json(self) -> dict[str, str | None]:
        money = self.amount.to_json() if self.amount else {"amount": None, "currency": None}
        return {"method": self.method, **money}

    def display(self) -> str:
        return f"{self.method} {self.amount.display()}" if self.amount else self.method


@dataclass(frozen=True, slots=True)
class DigitalOrderSummary:
    marketplace: str
    order_id: str
    order_date: date
    items: tuple[Item, ...]
    total: Money
    payments: tuple[Payment, ...] = field(default=())
    template: str = "legacy"  # "legacy" (/gp/digital/your-account/order-summary.html) | "unified" (order-details)

    def to_json(self) -> dict[str, object]:
        """The order this summary shows, as an order of the history is written, with its sellers and payments."""
        return {
            "order_id": self.order_id,
            "order_date": self.order_date.isoformat(),
            "total": self.total.to_json(),
            "is_digital": True,
            "items": [{"title": i.title, "asin": i.asin, "seller": i.seller} for i in self.items],
            "payments": [p.to_json() for p in self.payments],
        }


@dataclass(frozen=True, slots=True)
class OneClickSettings:
    marketplace: str
    enabled: bool  # 1-Click for this browser
    default_payment: str | None = None
    default_address_set: bool | None = None

    def to_json(self) -> dict[str, bool]:
        return {"enabled": self.enabled}


@dataclass
class PageCapture:
    """A page the run read: what it was, where, its screenshot (for the HTML report) and, when recording,
    its rendered HTML."""

    kind: str
    url: str
    order_ids: tuple[str, ...]
    screenshot: Path | None = None
    html: str | None = None


# --- account settings (issue 11): Login & Security, 2-step verification, memberships, devices, Kindle
# content, the Message Center. Every page is a reconstruction (reference/account-pages.md): no public
# recording of any of them exists.


@dataclass(frozen=True, slots=True)
class LoginSecurity:
    """Login & Security (/ax/account/manage, older /ap/cnep), read by its row labels."""

    marketplace: str
    name: str | None
    email: str | None
    phone: str | None  # None: no mobile number on the account
    passkeys: int  # passkeys registered (0: none)
    two_step: bool | None  # None: the page does not say

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "email": self.email,
            "phone": self.phone,
            "passkeys": self.passkeys,
            "two_step": self.two_step,
        }


@dataclass(frozen=True, slots=True)
class TwoStepMethod:
    kind: str  # "authenticator_app" | "phone" | "passkey" | "other"
    label: str  # as the page names it ("認証アプリ", "末尾が34の電話番号", …)
    preferred: bool = False

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "label": self.label, "preferred": self.preferred}


@dataclass(frozen=True, slots=True)
class TwoStepSettings:
    """2-step verification settings (/a/settings/approval)."""

    marketplace: str
    enabled: bool
    methods: tuple[TwoStepMethod, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {"enabled": self.enabled, "methods": [m.to_json() for m in self.methods]}


@dataclass(frozen=True, slots=True)
class Subscription:
    """One card of Memberships & subscriptions (/hz5/yourmembershipsandsubscriptions)."""

    name: str
    status: str  # "active" | "free_trial" | "cancelled"
    next_charge: date | None = None
    amount: Money | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "status": self.status,
            "next_charge": self.next_charge.isoformat() if self.next_charge else None,
            "amount": self.amount.to_json() if self.amount else None,
        }


@dataclass(frozen=True, slots=True)
class Device:
    """One registered device or app (the digital console's GetDevicesOverview answer)."""

    name: str
    family: str  # KINDLE, FIRE_TABLET, a phone app family …, as the site names it
    registered: date | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "family": self.family,
            "registered": self.registered.isoformat() if self.registered else None,
        }


@dataclass(frozen=True, slots=True)
class ContentItem:
    """One Kindle title (the digital console's GetContentOwnershipData answer)."""

    title: str
    asin: str
    acquired: date
    how: str  # "purchase" | "free" | "rental" (a loan: Kindle Unlimited, Prime Reading, a rental) | "other"

    def to_json(self) -> dict[str, object]:
        return {"title": self.title, "asin": self.asin, "acquired": self.acquired.isoformat(), "how": self.how}


@dataclass(frozen=True, slots=True)
class ContentPage:
    """One batch of the Kindle content list, newest first."""

    items: tuple[ContentItem, ...]
    has_more: bool = False


@dataclass(frozen=True, slots=True)
class MessageEntry:
    """One mail the site itself sent, as the Message Center (/gp/message) lists it."""

    subject: str
    sent: date
    order_ids: tuple[str, ...] = ()  # order numbers the subject or preview names

    def to_json(self) -> dict[str, object]:
        return {"subject": self.subject, "sent": self.sent.isoformat(), "order_ids": list(self.order_ids)}


@dataclass(frozen=True, slots=True)
class GuardEvent:
    """A request the read-only guard refused (bots/guard.py ``RequestGuard``): kept here, among the pure data,
    so the report and the findings can hold and judge it without reaching the browser."""

    method: str
    url: str
    resource_type: str
    reason: GuardReason
    detail: str = ""  # for a refused console request: the activity it asked for

    def to_json(self) -> dict[str, str]:
        out = {
            "kind": "guard_blocked",
            "method": self.method,
            "url": self.url,
            "resource_type": self.resource_type,
            "reason": self.reason,
        }
        return out | ({"detail": self.detail} if self.detail else {})
