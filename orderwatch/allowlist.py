"""The allowlist: what the user buys on purpose and how the account should be set.

File format (TOML; every section optional; an empty file is valid and allows nothing)::

    [one_click]
    expected = "off"            # "off" (default) | "on" | "any"

    [price_ceiling]             # per ISO currency; an order above its ceiling is unexpected
    JPY = 15000                 # even when every item is allowed
    USD = 120.00

    [[allow]]                   # an item is allowed when it matches ALL keys of ONE entry
    asin = "B0DPYTHON3"         # exact ASIN
    [[allow]]
    title = "ボックスティッシュ 5箱パック"   # exact title
    [[allow]]
    title_pattern = "^コーヒー豆"         # Python regular expression, searched in the title
    seller = "Amazon.co.jp"             # exact seller name ("販売:" / "Sold by:")

    [acknowledged]
    orders = ["249-3318462-7720615"]    # order ids you have checked: never reported again

    [settings]                  # expectations that hold from the first settings read on
    two_step = "on"             # "on": 2-step verification off is a finding | "any" (default)

    [[subscription]]            # when any is listed, a subscription or trial matching none is a finding
    name_pattern = "^Amazonプライム"   # regular expression, searched in the subscription's name

    [[device]]                  # when any is listed, a registered device matching none is a finding
    name_pattern = "Kindle"     # regular expression, searched in the device's name (or its family)

An order is expected when it is acknowledged, or when every item is allowed and its total is
within the ceiling for its currency. Cancelled orders are never reported.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

from orderwatch.errors import UsageError
from orderwatch.i18n import _
from orderwatch.models import Item, is_order_id

OneClickExpectation = Literal["on", "off", "any"]
# The currencies of Amazon's marketplaces (ISO 4217): a ceiling in any other code could never apply.
CURRENCIES = frozenset(
    {"JPY", "USD", "CAD", "MXN", "BRL", "GBP", "EUR", "SEK", "PLN", "TRY", "AED", "SAR", "EGP", "INR", "SGD",
     "AUD", "CNY", "ZAR"}
)  # fmt: skip
_ALLOW_KEYS = {"asin", "title", "title_pattern", "seller", "note"}
_TOP_KEYS = {"one_click", "price_ceiling", "allow", "acknowledged", "settings", "subscription", "device"}


@dataclass(frozen=True, slots=True)
class AllowRule:
    asin: str | None = None
    title: str | None = None
    title_pattern: re.Pattern[str] | None = None
    seller: str | None = None
    note: str | None = None

    def matches(self, item: Item) -> bool:
        if self.asin is not None and item.asin != self.asin:
            return False
        if self.title is not None and item.title != self.title:
            return False
        if self.title_pattern is not None and not self.title_pattern.search(item.title):
            return False
        return not (self.seller is not None and item.seller != self.seller)


@dataclass(frozen=True, slots=True)
class Allowlist:
    rules: tuple[AllowRule, ...] = ()
    price_ceilings: dict[str, Decimal] | None = None
    acknowledged: frozenset[str] = frozenset()
    one_click: OneClickExpectation = "off"
    source: Path | None = None
    two_step: Literal["on", "any"] = "any"
    subscriptions: tuple[re.Pattern[str], ...] = ()  # [[subscription]] name_pattern: the expected ones
    devices: tuple[re.Pattern[str], ...] = ()  # [[device]] name_pattern: the expected ones

    def allows_item(self, item: Item) -> bool:
        return any(rule.matches(item) for rule in self.rules)

    def expects_subscription(self, name: str) -> bool | None:
        """True/False when the allowlist lists subscriptions; None when it says nothing about them."""
        return any(p.search(name) for p in self.subscriptions) if self.subscriptions else None

    def expects_device(self, name: str, family: str) -> bool | None:
        return any(p.search(name) or p.search(family) for p in self.devices) if self.devices else None

    def ceiling(self, currency: str) -> Decimal | None:
        return (self.price_ceilings or {}).get(currency)


def load_allowlist(path: Path) -> Allowlist:
    """Read and validate an allowlist file. Raises UsageError naming the file, line and problem."""
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")  # a BOM (Windows editors) is fine
    except FileNotFoundError:
        from orderwatch.config import config_dir

        raise UsageError(
            _(
                "{path}: allowlist file not found — `orderwatch init` writes a template to {default}; or point "
                "allowlist in config.toml (or --allowlist) at your file"
            ).format(path=path, default=config_dir() / "allowlist.toml"),
            file=str(path),
        ) from None
    except UnicodeDecodeError:
        raise UsageError(
            _("{path}: not UTF-8 (Shift_JIS? Windows editors often save so): save it as UTF-8 and run again").format(
                path=path
            ),
            file=str(path),
        ) from None
    except OSError as exc:
        raise UsageError(
            _("{path}: cannot read allowlist: {error}").format(path=path, error=exc.__class__.__name__), file=str(path)
        ) from None
    return parse_allowlist(text, path)


def parse_allowlist(text: str, path: Path) -> Allowlist:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(_("{path}: invalid TOML: {error}").format(path=path, error=exc), file=str(path)) from None
    loc = _Locator(text, path)
    for key in data:
        if key not in _TOP_KEYS:
            loc.fail(
                _("unknown section or key {key} (expected one of: {keys})").format(
                    key=repr(key), keys=", ".join(sorted(_TOP_KEYS))
                ),
                key,
            )

    one_click: Any = data.get("one_click", {})
    if not isinstance(one_click, dict):
        loc.fail(_("[one_click] must be a table"), "one_click")
    expected = one_click.get("expected", "off")
    if expected not in ("on", "off", "any"):
        loc.fail(
            _('one_click.expected must be "on", "off" or "any", not {value}').format(value=repr(expected)), "expected"
        )
    for key in one_click:
        if key != "expected":
            loc.fail(_("unknown key {key} in [one_click]").format(key=repr(key)), key)

    ceilings: dict[str, Decimal] = {}
    raw_ceilings: Any = data.get("price_ceiling", {})
    if not isinstance(raw_ceilings, dict):
        loc.fail(_("[price_ceiling] must be a table of CURRENCY = amount"), "price_ceiling")
    for currency, amount in raw_ceilings.items():
        if currency not in CURRENCIES:
            hint = {"YEN": "JPY", "円": "JPY", "DOLLAR": "USD", "EURO": "EUR"}.get(currency.upper())
            codes = ", ".join(sorted(CURRENCIES))
            loc.fail(
                _(
                    "price_ceiling key {key} is not an ISO 4217 currency code — for this one write {code} "
                    "(the codes of Amazon's marketplaces: {codes})"
                ).format(key=repr(currency), code=hint, codes=codes)
                if hint
                else _(
                    "price_ceiling key {key} is not an ISO 4217 currency code (the codes of Amazon's marketplaces: "
                    "{codes})"
                ).format(key=repr(currency), codes=codes),
                currency,
            )
        if isinstance(amount, bool) or not isinstance(amount, int | float | str):
            loc.fail(_("price_ceiling.{currency} must be a number").format(currency=currency), currency)
        try:
            value = Decimal(str(amount))
        except InvalidOperation:
            loc.fail(
                _("price_ceiling.{currency} must be a number, not {value}").format(
                    currency=currency, value=repr(amount)
                ),
                currency,
            )
        if value < 0:
            loc.fail(_("price_ceiling.{currency} must not be negative").format(currency=currency), currency)
        ceilings[currency] = value

    rules: list[AllowRule] = []
    raw_rules: Any = data.get("allow", [])
    if not isinstance(raw_rules, list):
        loc.fail(_("allow must be written as [[allow]] entries"), "allow")
    for n, entry in enumerate(raw_rules, 1):
        if not isinstance(entry, dict):
            loc.fail(_("[[allow]] entry #{n} must be a table").format(n=n), "allow")
        for key, value in entry.items():
            if key not in _ALLOW_KEYS:
                loc.fail(
                    _("[[allow]] entry #{n}: unknown key {key} (allowed: {keys})").format(
                        n=n, key=repr(key), keys=", ".join(sorted(_ALLOW_KEYS))
                    ),
                    key,
                    nth_table=n,
                )
            if not isinstance(value, str) or not value.strip():
                loc.fail(
                    _("[[allow]] entry #{n}: {key} must be a non-empty string").format(n=n, key=key), key, nth_table=n
                )
        if not (_ALLOW_KEYS - {"note"}) & set(entry):
            loc.fail(
                _("[[allow]] entry #{n} matches nothing: give asin, title, title_pattern or seller").format(n=n),
                "allow",
                nth_table=n,
            )
        pattern = None
        if "title_pattern" in entry:
            try:
                pattern = re.compile(entry["title_pattern"])
            except re.error as exc:
                loc.fail(
                    _("[[allow]] entry #{n}: title_pattern is not a valid regular expression: {error}").format(
                        n=n, error=exc
                    ),
                    "title_pattern",
                    nth_table=n,
                )
        rules.append(AllowRule(entry.get("asin"), entry.get("title"), pattern, entry.get("seller"), entry.get("note")))

    ack: Any = data.get("acknowledged", {})
    if not isinstance(ack, dict):
        loc.fail(_("[acknowledged] must be a table with orders = [...]"), "acknowledged")
    ack_orders: Any = ack.get("orders", [])
    if not isinstance(ack_orders, list):
        loc.fail(_("acknowledged.orders must be a list of order ids"), "orders")
    for oid in ack_orders:
        if not isinstance(oid, str) or not is_order_id(oid):
            loc.fail(
                _("acknowledged.orders: {value} is not an order id like 249-1234567-1234567 or D01-...").format(
                    value=repr(oid)
                ),
                str(oid),
            )
    settings: Any = data.get("settings", {})
    if not isinstance(settings, dict):
        loc.fail(_("[settings] must be a table"), "settings")
    for key in settings:
        if key != "two_step":
            loc.fail(_("unknown key {key} in [settings] (allowed: two_step)").format(key=repr(key)), key)
    two_step = settings.get("two_step", "any")
    if two_step not in ("on", "any"):
        loc.fail(_('settings.two_step must be "on" or "any", not {value}').format(value=repr(two_step)), "two_step")
    subscriptions = _patterns(data, "subscription", loc)
    devices = _patterns(data, "device", loc)
    return Allowlist(tuple(rules), ceilings, frozenset(ack_orders), expected, path, two_step, subscriptions, devices)


def _patterns(data: dict[str, Any], table: str, loc: _Locator) -> tuple[re.Pattern[str], ...]:
    """The name_pattern of every [[subscription]] / [[device]] entry, compiled."""
    raw: Any = data.get(table, [])
    if not isinstance(raw, list):
        loc.fail(_("{table} must be written as [[{table}]] entries").format(table=table), table)
    patterns = []
    for n, entry in enumerate(raw, 1):
        if not isinstance(entry, dict):
            loc.fail(_("[[{table}]] entry #{n} must be a table").format(table=table, n=n), table)
        for key in entry:
            if key not in ("name_pattern", "note"):
                loc.fail(
                    _("[[{table}]] entry #{n}: unknown key {key} (allowed: name_pattern, note)").format(
                        table=table, n=n, key=repr(key)
                    ),
                    key,
                )
        value = entry.get("name_pattern")
        if not isinstance(value, str) or not value.strip():
            loc.fail(
                _("[[{table}]] entry #{n}: name_pattern must be a non-empty string").format(table=table, n=n), table
            )
        try:
            patterns.append(re.compile(value))
        except re.error as exc:
            loc.fail(
                _("[[{table}]] entry #{n}: name_pattern is not a valid regular expression: {error}").format(
                    table=table, n=n, error=exc
                ),
                "name_pattern",
            )
    return tuple(patterns)


class _Locator:
    """Finds the line a semantic error is about (tomllib reports lines only for syntax errors)."""

    def __init__(self, text: str, path: Path) -> None:
        self.lines = text.splitlines()
        self.path = path

    def line_of(self, needle: str, nth_table: int | None = None) -> int | None:
        start = 0
        if nth_table is not None:
            seen = 0
            for i, line in enumerate(self.lines):
                if line.strip().startswith("[[allow]]"):
                    seen += 1
                    if seen == nth_table:
                        start = i
                        break
        for i in range(start, len(self.lines)):
            stripped = self.lines[i].split("#", 1)[0]
            if needle in stripped:
                return i + 1
        return start + 1 if nth_table is not None else None

    def fail(self, message: str, needle: str, nth_table: int | None = None) -> Any:
        line = self.line_of(needle, nth_table)
        text = (
            _("{path}, line {line}: {problem}").format(path=self.path, line=line, problem=message)
            if line
            else _("{path}: {problem}").format(path=self.path, problem=message)
        )
        raise UsageError(text, file=str(self.path), line=line)
