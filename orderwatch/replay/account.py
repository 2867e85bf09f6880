"""The demo account's data (recordings/demo-jp/account.toml), with dates made relative to an as-of date."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

# The recordings ship inside the package (orderwatch/recordings, a link to the top-level recordings/ in the
# source tree): found as package data, never by a path relative to the checkout. An installed package is a folder.
RECORDINGS = Path(str(resources.files("orderwatch").joinpath("recordings")))
DEMO_DIR = RECORDINGS / "demo-jp"
MAILS = RECORDINGS / "mails"  # the sample mails of `verify-email --demo`


@dataclass(frozen=True)
class DemoItem:
    title: str
    asin: str
    seller: str
    format: str | None


@dataclass(frozen=True)
class DemoPayment:
    method: str
    amount: int


@dataclass(frozen=True)
class DemoOrder:
    id: str
    date: dt.date
    total: int | None
    digital: bool
    cancelled: bool
    one_click: bool
    items: tuple[DemoItem, ...]
    payments: tuple[DemoPayment, ...]
    summary_template: str = "legacy"  # digital orders: "legacy" summary page, or "unified" order details

    @property
    def delivered(self) -> dt.date:
        return self.date + timedelta(days=1)

    @property
    def cancellable(self) -> bool:
        return not self.digital and not self.cancelled

    @property
    def deductions(self) -> tuple[DemoPayment, ...]:
        """Points and gift cards: deduction lines on the order's summary page."""
        return tuple(p for p in self.payments if "ポイント" in p.method or "ギフトカード" in p.method)

    @property
    def cards(self) -> tuple[DemoPayment, ...]:
        """Every other payment: a card instrument on the summary page."""
        return tuple(p for p in self.payments if p not in self.deductions)


# --- account settings (issue 11): Login & Security, 2-step verification, memberships, devices, Kindle content
@dataclass(frozen=True)
class DemoTwoStepMethod:
    kind: str  # "authenticator_app" | "phone" | "passkey"
    label: str  # as the page names it ("認証アプリ", "末尾が78の電話番号 (SMS)")
    preferred: bool = False


@dataclass(frozen=True)
class DemoSubscription:
    id: str
    name: str
    status: str  # "active" | "free_trial" | "cancelled"
    plan: str
    amount: int  # yen per period; for a free trial, the first charge when it ends
    started: dt.date
    next_charge: dt.date | None  # for a free trial: its end; for a cancelled one: when it ends (no charge)


@dataclass(frozen=True)
class DemoDevice:
    name: str
    family: str  # the console's deviceFamily: KINDLE, FIRE_TABLET, IOS_APP, ANDROID_APP, …
    type_id: str
    serial: str
    category: str  # displayCategoryFriendlyName
    registered: dt.date
    default: bool = False


@dataclass(frozen=True)
class DemoContent:
    asin: str
    title: str
    authors: str
    origin: str  # PURCHASE | FREE | KINDLE_UNLIMITED | PRIME_READING | RENTAL (reconstruction)
    acquired: dt.datetime  # aware, Asia/Tokyo

    @property
    def loan(self) -> bool:
        """Shown with レンタル日 (a rental or a Kindle Unlimited / Prime Reading loan), not 取得日."""
        return self.origin in ("KINDLE_UNLIMITED", "PRIME_READING", "RENTAL")


# --- Message Center (issue 11, verify-email): the mails the site sent ------------------------------------
@dataclass(frozen=True)
class DemoMessage:
    subject: str
    date: dt.date
    category: str  # "purchase" | "shipping" | "account": the page's tabs 購入関連 / 配送関連 / アカウント関連
    order_id: str | None = None  # shown in the preview as 注文番号: …
    preview: str = ""


@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str
    totp_secret: str
    name: str
    one_click_enabled: bool
    one_click_payment: str
    orders: tuple[DemoOrder, ...]  # newest first
    # --- account settings (issue 11); tests change them with dataclasses.replace(site.account, …)
    phone: str | None = None  # None: no mobile number registered
    passkeys: int = 0
    two_step_enabled: bool = False
    two_step_methods: tuple[DemoTwoStepMethod, ...] = ()
    subscriptions: tuple[DemoSubscription, ...] = ()
    devices: tuple[DemoDevice, ...] = ()
    content: tuple[DemoContent, ...] = ()  # newest first
    messages: tuple[DemoMessage, ...] = ()  # Message Center (issue 11), newest first


def load_account(as_of: date, path: Path = DEMO_DIR / "account.toml") -> DemoAccount:
    if not path.exists():
        raise FileNotFoundError(f"demo account not found at {path} (is orderwatch installed from its source tree?)")
    data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    acct = data["account"]
    orders = [
        DemoOrder(
            id=o["id"],
            date=as_of - timedelta(days=int(o["days_ago"])),
            total=o.get("total"),
            digital=bool(o.get("digital", False)),
            cancelled=bool(o.get("cancelled", False)),
            one_click=bool(o.get("one_click", False)),
            items=tuple(
                DemoItem(i["title"], i["asin"], i.get("seller", "Amazon.co.jp"), i.get("format")) for i in o["items"]
            ),
            payments=tuple(DemoPayment(p["method"], int(p["amount"])) for p in o.get("payments", [])),
            summary_template=str(o.get("summary", "legacy")),
        )
        for o in data.get("orders", [])
    ]
    orders.sort(key=lambda o: o.date, reverse=True)
    return DemoAccount(
        email=acct["email"],
        password=acct["password"],
        totp_secret=acct["totp_secret"],
        name=acct["name"],
        one_click_enabled=bool(acct.get("one_click_enabled", True)),
        one_click_payment=acct.get("one_click_payment", ""),
        orders=tuple(orders),
        messages=_messages(data, as_of),  # issue 11: Message Center
        **_settings(data, as_of),  # issue 11: account settings
    )


# --- account settings (issue 11) ------------------------------------------------------------------------
def _settings(data: dict[str, Any], as_of: date) -> dict[str, Any]:
    """The [login_security], [two_step], [[subscriptions]], [[devices]] and [[content]] tables of
    account.toml as DemoAccount's settings fields, with dates relative to ``as_of``."""
    login = data.get("login_security", {})
    two_step = data.get("two_step", {})
    tokyo = ZoneInfo("Asia/Tokyo")

    def acquired(c: dict[str, Any]) -> dt.datetime:
        day = as_of - timedelta(days=int(c["days_ago"]))
        return dt.datetime.combine(day, dt.time.fromisoformat(str(c.get("time", "12:00"))), tzinfo=tokyo)

    def later(n: Any) -> dt.date | None:
        return None if n is None else as_of + timedelta(days=int(n))

    content = [
        DemoContent(c["asin"], c["title"], c.get("authors", ""), c["origin"], acquired(c))
        for c in data.get("content", [])
    ]
    content.sort(key=lambda c: c.acquired, reverse=True)
    return {
        "phone": login.get("phone") or None,
        "passkeys": int(login.get("passkeys", 0)),
        "two_step_enabled": bool(two_step.get("enabled", False)),
        "two_step_methods": tuple(
            DemoTwoStepMethod(m["kind"], m["label"], bool(m.get("preferred", False)))
            for m in two_step.get("methods", [])
        ),
        "subscriptions": tuple(
            DemoSubscription(
                id=s["id"],
                name=s["name"],
                status=s["status"],
                plan=s.get("plan", ""),
                amount=int(s["amount"]),
                started=as_of - timedelta(days=int(s.get("started_days_ago", 0))),
                next_charge=later(s.get("next_charge_in_days")),
            )
            for s in data.get("subscriptions", [])
        ),
        "devices": tuple(
            DemoDevice(
                name=d["name"],
                family=d["family"],
                type_id=d["type_id"],
                serial=d["serial"],
                category=d["category"],
                registered=as_of - timedelta(days=int(d["registered_days_ago"])),
                default=bool(d.get("default", False)),
            )
            for d in data.get("devices", [])
        ),
        "content": tuple(content),
    }


# --- Message Center (issue 11) -----------------------------------------------------------------------------
def _messages(data: dict[str, Any], as_of: date) -> tuple[DemoMessage, ...]:
    """The [[messages]] of account.toml, newest first, dated ``days_ago`` before ``as_of``."""
    messages = [
        DemoMessage(
            subject=m["subject"],
            date=as_of - timedelta(days=int(m["days_ago"])),
            category=m.get("category", "purchase"),
            order_id=m.get("order_id"),
            preview=m.get("preview", ""),
        )
        for m in data.get("messages", [])
    ]
    messages.sort(key=lambda m: m.date, reverse=True)
    return tuple(messages)
