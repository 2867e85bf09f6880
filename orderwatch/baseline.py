"""The settings baseline: what the account's settings looked like when the user last agreed with them.

One JSON file per account in the state folder (0600, written atomically), next to the saved session:

- ``baseline``: per section, the first complete read of that page, or what the user accepted since
  (`orderwatch baseline accept`). Findings are the differences between the latest read and this.
- ``latest``: per section, the latest complete read and when it was made. Settings pages are read on a
  schedule of their own (``settings_every``); between those reads a finding of the latest read stays a
  finding (it is not "all clear" just because the page was not opened tonight).

E-mail and phone are never stored as they are: a masked form to show (``t***@example.com``,
``***-****-1234``) and a salted digest to compare. Pure data and file I/O; findings are decided in
``orderwatch/diff.py``.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from orderwatch.config import write_private
from orderwatch.errors import UsageError
from orderwatch.i18n import N_, _, day, language
from orderwatch.models import (
    ContentItem,
    Device,
    LoginSecurity,
    Money,
    Subscription,
    TwoStepMethod,
    TwoStepSettings,
)
from orderwatch.vocabulary import PageKind

VERSION = 1
# The sections a baseline keeps, in the order reports show them. "content" keeps the titles the user
# accepted (a title with no order, bought on purpose elsewhere); its latest read is kept for the schedule.
SECTIONS = ("login_security", "two_step", "subscriptions", "devices", "content")
PAGE_KINDS: dict[
    str, PageKind
] = {  # section → the kind of the page it is read from (in reports, snapshots, unread pages)
    "login_security": "login-security",
    "two_step": "two-step",
    "subscriptions": "memberships",
    "devices": "devices",
    "content": "content",
}
# A finding kind → the section `baseline accept KIND` accepts.
FINDING_SECTION: dict[str, str] = {  # keyed by str: `baseline accept` looks up what a person typed
    "email_changed": "login_security",
    "phone_changed": "login_security",
    "passkey_added": "login_security",
    "two_step_disabled": "two_step",
    "two_step_method_added": "two_step",
    "two_step_method_removed": "two_step",
    "subscription_started": "subscriptions",
    "trial_started": "subscriptions",
    "device_added": "devices",
    "content_without_order": "content",
}


def baseline_path(session_file: Path) -> Path:
    """The baseline of the account whose session is saved in ``session_file`` (next to it)."""
    return session_file.with_name(session_file.stem + ".baseline.json")


def mask_email(email: str) -> str:
    """``taro@example.com`` → ``t***@example.com``."""
    local, _at, domain = email.strip().partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def mask_phone(phone: str) -> str:
    """Any phone number → ``***-****-1234`` (its last four digits only)."""
    digits = re.sub(r"\D", "", phone)
    return f"***-****-{digits[-4:]}" if len(digits) >= 4 else "***"


@dataclass(frozen=True, slots=True)
class Masked:
    """A private value as it may be shown, and a salted digest to compare it by. Equal by digest."""

    shown: str = field(compare=False)
    digest: str = ""


@dataclass(frozen=True, slots=True)
class LoginState:
    """Login & Security as the baseline keeps it: no name, the e-mail and phone masked."""

    email: Masked | None
    phone: Masked | None
    passkeys: int
    two_step: bool | None

    def to_json(self) -> dict[str, object]:
        return {
            "email": self.email.shown if self.email else None,
            "phone": self.phone.shown if self.phone else None,
            "two_step": self.two_step,
            "passkeys": self.passkeys,
        }


@dataclass
class SettingsRead:
    """What a run knows of the account's settings, per section; None when it was never read. ``fresh``:
    the sections read by this run (the others come from an earlier run's read, at ``read_at``)."""

    login_security: LoginState | None = None
    two_step: TwoStepSettings | None = None
    subscriptions: tuple[Subscription, ...] | None = None
    devices: tuple[Device, ...] | None = None
    content: tuple[ContentItem, ...] | None = None
    read_at: dict[str, datetime] = field(default_factory=dict)
    fresh: set[str] = field(default_factory=set)

    def section(self, name: str) -> Any:
        return getattr(self, name)

    def to_json(self) -> dict[str, object]:
        """report.json's ``settings``: a key is null when its page was not read by this run."""
        out: dict[str, object] = {}
        for name in SECTIONS:
            value = self.section(name) if name in self.fresh else None
            out[name] = _section_json(name, value) if value is not None else None
        out["read_at"] = {k: v.isoformat(timespec="seconds") for k, v in sorted(self.read_at.items())}
        return out


def _section_json(name: str, value: Any) -> object:
    if name in ("login_security", "two_step"):
        return value.to_json()
    return [v.to_json() for v in value]


# --- encoding (the file) --------------------------------------------------------------------------------
def _masked_json(m: Masked | None) -> dict[str, str] | None:
    return {"shown": m.shown, "digest": m.digest} if m else None


def _masked_of(data: Any) -> Masked | None:
    return Masked(str(data["shown"]), str(data["digest"])) if isinstance(data, dict) else None


def encode(name: str, value: Any) -> object:
    """A section's value as the file keeps it."""
    if name == "login_security":
        return {
            "email": _masked_json(value.email),
            "phone": _masked_json(value.phone),
            "passkeys": value.passkeys,
            "two_step": value.two_step,
        }
    if name == "two_step":
        return {**value.to_json(), "marketplace": value.marketplace}
    return _section_json(name, value)


def decode(name: str, data: Any) -> Any:
    """A section's value from the file. Raises (KeyError, TypeError, ValueError) on a damaged file."""
    if name == "login_security":
        return LoginState(_masked_of(data["email"]), _masked_of(data["phone"]), int(data["passkeys"]), data["two_step"])
    if name == "two_step":
        methods = tuple(TwoStepMethod(m["kind"], m["label"], bool(m.get("preferred"))) for m in data["methods"])
        return TwoStepSettings(str(data.get("marketplace", "")), bool(data["enabled"]), methods)
    if name == "subscriptions":
        return tuple(
            Subscription(s["name"], s["status"], _date(s.get("next_charge")), _money(s.get("amount"))) for s in data
        )
    if name == "devices":
        return tuple(Device(d["name"], d["family"], _date(d.get("registered"))) for d in data)
    if name == "content":
        return tuple(ContentItem(c["title"], c["asin"], date.fromisoformat(c["acquired"]), c["how"]) for c in data)
    raise ValueError(f"unknown section {name}")


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _money(data: dict[str, str] | None) -> Money | None:
    return Money(Decimal(data["amount"]), data["currency"]) if data else None


@dataclass
class Baseline:
    """The baseline file of one account. ``load`` → compare → ``record`` the run's reads → ``save``."""

    path: Path
    salt: str = field(default_factory=lambda: secrets.token_hex(16))
    accepted: dict[str, tuple[datetime, Any]] = field(default_factory=dict)  # section → (since, value)
    latest: dict[str, tuple[datetime, Any]] = field(default_factory=dict)  # section → (read at, value)

    @classmethod
    def load(cls, path: Path) -> Baseline:
        """The baseline at ``path``; an empty one when there is none yet. A damaged file is a UsageError
        naming it (it is never silently replaced: that would accept every change)."""
        try:
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(path)
        except OSError as exc:
            raise UsageError(
                _("cannot read the settings baseline {path}: {error}").format(path=path, error=exc.strerror)
            ) from None
        try:
            data = json.loads(raw)
            if data.get("version") != VERSION:
                raise ValueError(f"version {data.get('version')!r}, expected {VERSION}")
            base = cls(path, salt=str(data["salt"]))
            for key, target in (("baseline", base.accepted), ("latest", base.latest)):
                for name, entry in data.get(key, {}).items():
                    if name in SECTIONS:
                        target[name] = (datetime.fromisoformat(entry["at"]), decode(name, entry["value"]))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise UsageError(
                _(
                    "the settings baseline {path} is damaged ({error}); move it away and the next settings read "
                    "starts a new one"
                ).format(path=path, error=f"{exc.__class__.__name__}: {exc}")
            ) from None
        return base

    def save(self) -> None:
        data = {
            "version": VERSION,
            "salt": self.salt,
            "baseline": {n: {"at": at.isoformat(), "value": encode(n, v)} for n, (at, v) in self.accepted.items()},
            "latest": {n: {"at": at.isoformat(), "value": encode(n, v)} for n, (at, v) in self.latest.items()},
        }
        write_private(self.path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")

    # --- what a run needs ---------------------------------------------------------------------------------
    def masked(self, value: str | None, how: str) -> Masked | None:
        if not value or not value.strip():
            return None
        plain = value.strip().lower() if how == "email" else re.sub(r"\D", "", value)
        digest = hashlib.sha256(f"{self.salt}:{how}:{plain}".encode()).hexdigest()[:24]
        return Masked(mask_email(value) if how == "email" else mask_phone(value), digest)

    def login_state(self, page: LoginSecurity) -> LoginState:
        return LoginState(
            self.masked(page.email, "email"), self.masked(page.phone, "phone"), page.passkeys, page.two_step
        )

    def due(self, every: timedelta, now: datetime) -> bool:
        """True when some settings page was never read, or not within ``every``."""
        return any(name not in self.latest or now - self.latest[name][0] >= every for name in SECTIONS)

    def next_due(self, every: timedelta) -> datetime | None:
        if any(name not in self.latest for name in SECTIONS):
            return None
        return min(at for at, _value in self.latest.values()) + every

    def with_earlier_reads(self, read: SettingsRead) -> SettingsRead:
        """The run's reads, completed by the latest earlier read of each section it did not read."""
        for name, (at, value) in self.latest.items():
            if name not in read.fresh:
                setattr(read, name, value)
                read.read_at[name] = at
        return read

    def record(self, read: SettingsRead, initial: dict[str, Any] | None = None) -> list[str]:
        """Keep the run's fresh reads as ``latest``; a section read for the first time also becomes the
        baseline (``initial[section]`` instead, when the allowlist says what is expected on the first run).
        Returns the sections that got their first baseline."""
        started = []
        for name in (n for n in SECTIONS if n in read.fresh):
            value = read.section(name)
            at = read.read_at[name]
            self.latest[name] = (at, value)
            if name not in self.accepted:
                first = (initial or {}).get(name, value)
                self.accepted[name] = (at, first if name != "content" else ())
                started.append(name)
        return started

    def accept(self, sections: list[str], now: datetime) -> list[str]:
        """Make the latest read of each section its baseline. ``content``: its titles are accepted as they
        are (no order expected for them). Returns the sections accepted."""
        done = []
        for name in sections:
            if name in self.latest:
                self.accepted[name] = (now, self.latest[name][1])
                done.append(name)
        return done


# --- showing it (`orderwatch baseline show`, and before `accept`) ------------------------------------------
# Every text here is finished for the reader, in the language in force: use section_title() and section_lines()
# rather than the tables.
SECTION_TITLES = {  # a section's heading, with the site's own name of the page: section_title(name)
    "login_security": N_("Login & Security (ログインとセキュリティ)"),
    "two_step": N_("2-step verification (2段階認証)"),
    "subscriptions": N_("Memberships & subscriptions (メンバーシップおよび購読)"),
    "devices": N_("Devices (端末)"),
    "content": N_("Kindle content (コンテンツ)"),
}
_SECTION_NAMES = {  # the same, short (in a list of names): section_title(name, short=True)
    "login_security": N_("Login & Security"),
    "two_step": N_("2-step verification"),
    "subscriptions": N_("Memberships & subscriptions"),
    "devices": N_("Devices"),
    "content": N_("Kindle content"),
}
_CONTENT_IN_WINDOW = N_("Kindle content in the window (コンテンツ)")  # a report: the titles of its window
_TWO_STEP_LINE = {
    True: N_("2-step verification: on"),
    False: N_("2-step verification: OFF"),
    None: N_("2-step verification: unknown"),
}
_METHOD_KINDS = {
    "authenticator_app": N_("authenticator app"),
    "phone": N_("phone"),
    "passkey": N_("passkey"),
    "other": N_("other"),
}
_SUBSCRIPTION_STATUS = {"free_trial": N_("free trial"), "active": N_("active"), "cancelled": N_("cancelled")}
_HOW = {"purchase": N_("purchase"), "free": N_("free"), "rental": N_("rental"), "other": N_("other")}


def section_title(name: str, *, window: bool = False, short: bool = False) -> str:
    """A section's heading as the reader reads it. ``window``: in a report, where "content" is the titles
    acquired in the report's window; ``short``: the name alone, for a list of names."""
    if short:
        return _(_SECTION_NAMES[name])
    if window and name == "content":
        return _(_CONTENT_IN_WINDOW)
    return _(SECTION_TITLES[name])


def method_kind(kind: str) -> str:
    """A 2-step verification method's kind ("authenticator_app") as the reader reads it."""
    return _(_METHOD_KINDS[kind]) if kind in _METHOD_KINDS else kind.replace("_", " ")


# The console's deviceFamily codes (account-pages.md: KINDLE, FIRE_TABLET, phone apps …); English shows the code.
_FAMILIES = {
    "KINDLE": N_("Kindle e-reader"),
    "FIRE_TABLET": N_("Fire tablet"),
    "FIRE_TV": N_("Fire TV"),
    "IOS_APP": N_("iPhone/iPad app"),
    "ANDROID_APP": N_("Android app"),
}


def section_label(name: str) -> str:
    """A section as a command names it: the code in English (``devices``, as typed after ``baseline accept``),
    the page's name with the code in Japanese (「端末（devices）」)."""
    return name if language() == "en" else f"{section_title(name, short=True)}（{name}）"


def device_family(family: str) -> str:
    """A device's family as the reader reads it ("Android app" / 「Androidのアプリ」; report.json keeps the code
    ANDROID_APP); unknown codes as they are."""
    return _(_FAMILIES[family]) if family in _FAMILIES else family


def how_acquired(how: str) -> str:
    """How a Kindle title came ("purchase", "free", …) as the reader reads it."""
    return _(_HOW[how]) if how in _HOW else how


def _method_line(label: str, kind: str, preferred: bool) -> str:
    """``method: 認証アプリ (authenticator app) — preferred``; the kind left out where the label says it already
    (a Japanese reader would otherwise read 「認証アプリ（認証アプリ）」)."""
    if kind.casefold() in label.casefold():
        return (_("method: {label} — preferred") if preferred else _("method: {label}")).format(label=label)
    return (_("method: {label} ({kind}) — preferred") if preferred else _("method: {label} ({kind})")).format(
        label=label, kind=kind
    )


def none_line(name: str, *, window: bool = False) -> str:
    """The line of a section that holds nothing (``window``: a report's content section)."""
    return _("(none in the window)") if window and name == "content" else _("(none)")


def section_lines(name: str, value: Any, *, window: bool = False) -> list[str]:
    """One line per fact of a section, as a person reads it (e-mail and phone masked). ``window``: in a
    report, where an empty "content" says that no title came in the report's window."""
    if value is None:
        return [_("(not read yet)")]
    if name == "login_security":
        return [
            _("e-mail: {email}").format(email=value.email.shown if value.email else "-"),
            _("mobile phone: {phone}").format(phone=value.phone.shown) if value.phone else _("mobile phone: none"),
            _("passkeys: {n}").format(n=value.passkeys),
            _(_TWO_STEP_LINE[value.two_step]),
        ]
    if name == "two_step":
        methods = [_method_line(m.label, method_kind(m.kind), m.preferred) for m in value.methods]
        return [_(_TWO_STEP_LINE[value.enabled]), *methods]
    if name == "subscriptions":
        lines = [_subscription_line(s) for s in value]
    elif name == "devices":
        lines = [
            _("{name} ({family}, registered {date})").format(
                name=d.name, family=device_family(d.family), date=day(d.registered)
            )
            if d.registered
            else _("{name} ({family})").format(name=d.name, family=device_family(d.family))
            for d in value
        ]
    else:
        lines = [
            _("{title} ({asin}, {date}, {how})").format(
                title=c.title, asin=c.asin, date=day(c.acquired), how=how_acquired(c.how)
            )
            for c in value
        ]
    return lines or [none_line(name, window=window)]


def _subscription_line(s: Subscription) -> str:
    status = _(_SUBSCRIPTION_STATUS[s.status]) if s.status in _SUBSCRIPTION_STATUS else s.status
    amount = s.amount.display() if s.amount else None
    when = day(s.next_charge) if s.next_charge else None
    if amount and when:
        text = _("{name}: {status}, next charge {amount} {date}")
    elif amount:
        text = _("{name}: {status}, next charge {amount}")
    elif when:
        text = _("{name}: {status}, next charge {date}")
    else:
        text = _("{name}: {status}")
    return text.format(name=s.name, status=status, amount=amount, date=when)


def changes(base: Baseline, name: str) -> tuple[list[str], list[str]]:
    """(lines only in the baseline, lines only in the latest read) of a section; content: the titles read
    in the window (accepting them means no order is expected for them)."""
    latest = base.latest.get(name, (None, None))[1]
    if name == "content":  # the titles bought or taken free that are not accepted yet (loans need no order)
        accepted = {c.asin for c in (base.accepted.get(name, (None, ()))[1] or ())}
        titles = [c for c in latest or () if c.asin not in accepted and c.how in ("purchase", "free")]
        return [], section_lines(name, tuple(titles)) if titles else []
    old = section_lines(name, base.accepted[name][1]) if name in base.accepted else []
    new = section_lines(name, latest) if latest is not None else []
    facts = (_("(none)"), _("(not read yet)"))  # placeholders, not items that came or went
    return [x for x in old if x not in new and x not in facts], [x for x in new if x not in old and x not in facts]


def render(base: Baseline, sections: tuple[str, ...] = SECTIONS) -> str:
    """The baseline and, under each section, what the latest read changed (``-`` gone, ``+`` new)."""
    out = [_("Settings baseline: {path}").format(path=base.path)]
    for name in sections:
        out.append("")
        out.append(section_title(name))
        if name not in base.latest and name not in base.accepted:
            out.append("  " + _("(never read: the next settings read starts it)"))
            continue
        if name in base.accepted:
            since, value = base.accepted[name]
            out.append("  " + _("baseline since {date}:").format(date=day(since.date())))
            out += [f"    {line}" for line in section_lines(name, value)]
        if name in base.latest:
            out.append("  " + _("latest read {date}").format(date=day(base.latest[name][0].date())))
        gone, new = changes(base, name)
        if not gone and not new:
            out.append("  " + _("no change"))
        out += [f"  - {line}" for line in gone] + [f"  + {line}" for line in new]
    return "\n".join(out) + "\n"
