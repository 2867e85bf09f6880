"""The demo account's data (recordings/demo-jp/account.toml), with dates made relative to an as-of date."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

RECORDINGS = Path(__file__).resolve().parents[2] / "recordings"
DEMO_DIR = RECORDINGS / "demo-jp"


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


@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str
    totp_secret: str
    name: str
    one_click_enabled: bool
    one_click_payment: str
    orders: tuple[DemoOrder, ...]  # newest first


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
    )
