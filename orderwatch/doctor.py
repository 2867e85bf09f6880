"""`orderwatch doctor`'s checks: the browser, config, allowlist, credentials (never shown), session, last run,
the headed browser and notification targets, each one a typed line (OK, what to fix, or information). The
command only prints them (cli_admin.doctor)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from orderwatch.credentials import usable_totp_secret
from orderwatch.errors import OrderwatchError, UsageError, reason_words
from orderwatch.i18n import N_, _
from orderwatch.runner import with_browser
from orderwatch.words import ONE_CLICK, findings_count, history_moment, join, orders_count, run_status

if TYPE_CHECKING:
    from orderwatch.config import Settings

Status = Literal["ok", "fix", "info"]

# What doctor calls each check on the terminal (the JSON keeps the English names).
CHECK_NAMES = {
    "config": N_("config"),
    "browser": N_("browser"),
    "allowlist": N_("allowlist"),
    "credentials": N_("credentials"),
    "session": N_("session"),
    "last run": N_("last run"),
    "headed": N_("headed"),
    "notify": N_("notify"),
}
STATUS_WORDS: dict[Status, str] = {"ok": N_("OK"), "fix": N_("FIX"), "info": N_("INFO")}


@dataclass(frozen=True)
class Check:
    """One line of doctor: ``name`` is the check (its English key, as in the JSON), ``detail`` says what was
    found or what to fix, in the language in force."""

    name: str
    status: Status
    detail: str

    @classmethod
    def of(cls, ok: bool, name: str, detail: str) -> Check:
        return cls(name, "ok" if ok else "fix", detail)

    def to_json(self) -> dict[str, str]:
        return {"check": self.name, "status": self.status, "detail": self.detail}


def checks(launch: bool) -> Iterator[Check]:
    """Every check, in order, each as soon as it is known (starting the browser takes a moment). Stops after
    the config line when the settings cannot be loaded: every other check needs them."""
    from orderwatch.config import config_dir, load_settings

    try:
        settings = load_settings()
    except UsageError as exc:
        yield Check.of(False, "config", exc.message)
        return
    path = config_dir() / "config.toml"
    yield Check.of(True, "config", str(path) if path.exists() else _("{path} (none: defaults)").format(path=path))
    yield _browser(settings.browser, launch)
    yield _allowlist(settings.allowlist_path)
    yield _credentials(settings)
    yield _session(settings)
    yield _last_run(settings.data_dir)
    yield _headed_browser(settings.browser)
    yield _notify(settings)


def _notify(settings: Settings) -> Check:
    if not settings.notify:
        return Check("notify", "info", _("none configured (add apprise URLs as notify = [...] in config.toml)"))
    from orderwatch.notify import invalid_targets

    bad = invalid_targets(list(settings.notify))
    n = len(settings.notify)
    if bad:
        detail = _("{n} target(s); not valid apprise URLs: {which} (check the scheme: ntfy://, mailto://, …)").format(
            n=n, which=", ".join(f"#{i}" for i in bad)
        )
    else:
        detail = _("{n} target(s); all valid (`orderwatch notify --test` sends a test)").format(n=n)
    return Check.of(not bad, "notify", detail)


def _browser(configured: Path | None, launch: bool) -> Check:
    from orderwatch.bots.browser import find_browser

    try:
        found = find_browser(configured)
    except UsageError as exc:
        return Check.of(False, "browser", exc.message)
    name = str(found or _("Playwright's Chromium"))
    if not launch:
        return Check.of(True, "browser", name)
    start = time.monotonic()
    try:
        with_browser(lambda b: b.version, configured, False, True)
    except OrderwatchError as exc:
        return Check.of(False, "browser", _("{browser} did not start: {why}").format(browser=name, why=exc.message))
    seconds = f"{time.monotonic() - start:.1f}"
    return Check.of(True, "browser", _("{browser} (started in {seconds} s)").format(browser=name, seconds=seconds))


def _headed_browser(configured: Path | None) -> Check:
    """Whether `orderwatch login --headed` can show a window (it needs full Chromium or Chrome)."""
    from orderwatch.bots.browser import find_browser

    try:
        found = find_browser(configured, headed=True)
    except UsageError:
        detail = _("no full Chromium for `login --headed` (Debian: apt-get install chromium); --headless works")
    else:
        detail = (
            _("`login --headed` will use the Chromium Playwright downloaded")
            if found is None
            else _("`login --headed` will use {browser}").format(browser=found)
        )
    return Check("headed", "info", detail)


def _allowlist(path: Path) -> Check:
    from orderwatch.allowlist import load_allowlist

    if not path.exists():
        return Check.of(False, "allowlist", _("{path} is missing: run `orderwatch init`").format(path=path))
    try:
        rules = load_allowlist(path)
    except UsageError as exc:
        return Check.of(False, "allowlist", exc.message)
    expected = _(ONE_CLICK[rules.one_click]) if rules.one_click in ONE_CLICK else rules.one_click
    return Check.of(
        True,
        "allowlist",
        _("{path} ({n} rule(s), 1-Click expected {expected})").format(path=path, n=len(rules.rules), expected=expected),
    )


def _credentials(settings: Settings) -> Check:
    from orderwatch.credentials import from_keyring

    found, missing = [], []
    for key, field, value in (
        ("email", _("e-mail"), settings.email),
        ("password", _("password"), settings.password),
        ("totp_secret", _("TOTP secret"), settings.totp_secret),
    ):
        if value:
            found.append(_("{field} (environment/.env)").format(field=field))
        elif stored := from_keyring(key):
            if key == "totp_secret":
                try:
                    usable_totp_secret(stored)
                except UsageError as exc:
                    return Check.of(
                        False, "credentials", _("the TOTP secret in the keyring: {why}").format(why=exc.message)
                    )
            found.append(_("{field} (keyring)").format(field=field))
        else:
            missing.append(field)
    if missing:
        return Check.of(
            False,
            "credentials",
            _(
                "missing: {fields} — set ORDERWATCH_* in .env or run "
                "`orderwatch init --keyring` (needed only when the session expires)"
            ).format(fields=join(missing)),
        )
    return Check.of(True, "credentials", _("present: {fields}").format(fields=join(found)))


def _session(settings: Settings) -> Check:
    from orderwatch.i18n import day
    from orderwatch.marketplace import get_marketplace
    from orderwatch.state import SignInCooldown

    market = get_marketplace(settings.marketplace)
    sessions = sorted(settings.state_dir.glob(f"session-{market.code}-*.json"))
    sessions = [s for s in sessions if not s.name.endswith(".cooldown.json")]
    if not sessions:
        return Check.of(False, "session", _("none saved: sign in once with `orderwatch login --headed`"))
    path = sessions[-1]
    cooldown = SignInCooldown(path.with_name(path.stem + ".cooldown.json")).active_until()
    if cooldown is not None:
        return Check.of(
            False,
            "session",
            _("automatic sign-in paused until {until} ({reason}): `orderwatch login --headed`").format(
                until=history_moment(cooldown[0].isoformat(timespec="minutes")), reason=cooldown[1]
            ),
        )
    try:
        cookies = json.loads(path.read_text(encoding="utf-8")).get("cookies", [])
    except (OSError, ValueError):
        return Check.of(
            False,
            "session",
            _("{path} cannot be read: sign in again with `orderwatch login --headed`").format(path=path),
        )
    names = set(market.session_cookies)
    expiry = [c.get("expires", -1) for c in cookies if c.get("name") in names]
    if not expiry:
        return Check.of(False, "session", _("the saved session has no sign-in cookie: `orderwatch login --headed`"))
    if all(e != -1 and e < time.time() for e in expiry):
        return Check.of(False, "session", _("expired: `orderwatch login --headed` (or let the next check sign in)"))
    until = max(expiry)
    if until == -1:
        return Check.of(True, "session", _("saved, valid until the browser session ends"))
    return Check.of(
        True, "session", _("saved, valid until {day}").format(day=day(datetime.fromtimestamp(until).date()))
    )


def _last_run(data_dir: Path) -> Check:
    from orderwatch.history import History

    if not (data_dir / "history.sqlite3").exists():
        return Check.of(True, "last run", _("none yet"))
    with History.open(data_dir) as history:
        runs = history.runs(limit=1)
    if not runs:
        return Check.of(True, "last run", _("none yet"))
    r = runs[0]
    text = _("{started}: {status}, {orders}, {findings}").format(
        started=history_moment(r.started_at),
        status=run_status(r.status),
        orders=orders_count(r.orders),
        findings=findings_count(r.findings),
    )
    if r.status == "incomplete":
        if r.report_path:
            why = _("{run} — could not complete ({reason}); see {path}")
        else:
            why = _("{run} — could not complete ({reason}) (it ended before writing a report)")
        return Check.of(
            False, "last run", why.format(run=text, reason=reason_words(r.error_reason or ""), path=r.report_path)
        )
    return Check.of(True, "last run", text)
