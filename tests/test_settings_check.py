"""The settings pages in a check against the replay: every page read (two of them behind a password
request), the baseline's findings, each page unreadable on its own, and the console's activity rule
proved on both sides with the ledger empty."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from orderwatch.allowlist import load_allowlist
from orderwatch.baseline import Baseline, baseline_path
from orderwatch.bots.browser import new_context
from orderwatch.cli_base import seed_demo_baseline
from orderwatch.flows.check import run_check
from orderwatch.flows.session import CheckTarget
from orderwatch.flows.signin import Credentials
from orderwatch.marketplace import MARKETPLACES
from orderwatch.replay import DEMO_EMAIL, DEMO_PASSWORD, DEMO_TOTP_SECRET, ReplaySite
from orderwatch.replay.account import DEMO_DIR
from orderwatch.report import Report, dumps, render_markdown, render_terminal

pytestmark = pytest.mark.browser
DEMO_CREDS = Credentials(DEMO_EMAIL, DEMO_PASSWORD, DEMO_TOTP_SECRET)
SETTINGS_KINDS = ["login-security", "two-step", "memberships", "devices", "content"]


def target_of(site: ReplaySite, tmp_path: Path, **extra: Any) -> CheckTarget:
    options: dict[str, Any] = {
        "window_days": 30,
        "timeout_s": 10,
        "today": site.as_of,
        "retry_backoff_s": 0.05,
        "settings": True,
    }
    return CheckTarget(
        MARKETPLACES["co.jp"], site.base_url, tmp_path / "state" / "session.json", DEMO_CREDS, **(options | extra)
    )


def check(browser: Browser, site: ReplaySite, tmp_path: Path, **extra: Any) -> Report:
    target = target_of(site, tmp_path, **extra)
    base = Baseline.load(baseline_path(target.session_file))
    report = run_check(browser, target, load_allowlist(DEMO_DIR / "allowlist.toml"), tmp_path / "run", baseline=base)
    if report.settings is not None and report.settings.fresh:
        base.record(report.settings)
        base.save()
    return report


def settings_kinds(report: Report) -> list[str]:
    return [k for k in SETTINGS_KINDS if any(c.kind == k for c in report.captures)]


def test_a_settings_run_reads_every_settings_page_and_starts_the_baseline(
    browser: Browser, replay: ReplaySite, tmp_path: Path
) -> None:
    report = check(browser, replay, tmp_path)
    assert settings_kinds(report) == SETTINGS_KINDS
    assert report.unread == []
    settings = report.settings
    assert settings is not None and settings.fresh == {
        "login_security",
        "two_step",
        "subscriptions",
        "devices",
        "content",
    }
    assert settings.login_security is not None and settings.login_security.email is not None
    assert settings.login_security.email.shown == "d***@example.com"
    assert settings.two_step is not None and settings.two_step.enabled
    assert {s.name for s in settings.subscriptions or ()} >= {"Amazonプライム", "Amazon Music Unlimited"}
    assert len(settings.devices or ()) == 3
    assert {c.asin for c in settings.content or ()} >= {"B0DMYST001", "B0DPYTHON3"}
    # no baseline yet: nothing to compare with, so no settings finding (the orders' findings stay)
    assert {f.kind for f in report.findings} == {"unexpected_order", "one_click_enabled"}
    data = json.loads(dumps(report))["settings"]
    assert data["login_security"]["email"] == "d***@example.com"
    assert data["login_security"]["phone"] == "***-****-5678"
    assert "1234-5678" not in json.dumps(data) and "demo@example.com" not in json.dumps(data)
    assert {d["name"] for d in data["devices"]} >= {"デモ太郎のKindle"}
    assert Baseline.load(baseline_path(tmp_path / "state" / "session.json")).accepted.keys() == set(settings.fresh)
    # the bot's own console requests went through; nothing else was refused or reached the ledger
    assert [e for e in report.guard_blocked if e.reason == "console_activity_refused"] == []
    posts = [p for m, p in replay.requests if m == "POST" and p.startswith("/hz/")]
    assert posts and all(p == "/hz/mycd/digital-console/ajax" for p in posts)


def test_the_demo_baseline_from_last_week_shows_the_trial_and_the_new_device(
    browser: Browser, replay: ReplaySite, tmp_path: Path
) -> None:
    assert replay.as_of is not None
    seed_demo_baseline(tmp_path / "state" / "session.json", replay.account, replay.as_of)
    report = check(browser, replay, tmp_path)
    kinds = {f.kind: f for f in report.findings}
    assert set(kinds) == {"unexpected_order", "one_click_enabled", "trial_started", "device_added"}
    assert "Amazon Music Unlimited" in kinds["trial_started"].message
    assert "￥1,080" in kinds["trial_started"].message
    assert "Android" in kinds["device_added"].message
    assert (report.status, report.exit_code) == ("findings", 1)
    text = render_terminal(report)
    assert "Devices (端末) — read in this run" in text and "2-step verification (2段階認証)" in text
    assert "## Settings" in render_markdown(report)


def test_a_reused_session_answers_the_password_request_once_for_both_sensitive_pages(
    browser: Browser, tmp_path: Path
) -> None:
    with ReplaySite() as site:
        check(browser, site, tmp_path, settings=False)  # signs in; the session is saved
        site.requests.clear()
        _age_sessions(site)
        report = check(browser, site, tmp_path)
        assert report.signed_in == "reused_session"
        password_posts = [p for m, p in site.requests if m == "POST" and p.startswith("/ap/signin")]
        assert len(password_posts) == 1  # one re-authentication, for Login & Security; 2-step then passes
        assert settings_kinds(report) == SETTINGS_KINDS and report.unread == []
        assert site.ledger == []


def test_reauth_never_skips_the_two_sensitive_pages_and_reads_the_rest(browser: Browser, tmp_path: Path) -> None:
    with ReplaySite() as site:
        check(browser, site, tmp_path, settings=False)
        site.requests.clear()
        _age_sessions(site)
        report = check(browser, site, tmp_path, reauth="never")
        assert [(u.kind, u.reason) for u in report.unread] == [
            ("login-security", "reauth_skipped"),
            ("two-step", "reauth_skipped"),
        ]
        assert "reauth" in report.unread[0].message and "never" in report.unread[0].message
        assert settings_kinds(report) == ["memberships", "devices", "content"]
        assert not [p for m, p in site.requests if m == "POST" and p.startswith("/ap/")]
        assert report.status == "findings" and report.incomplete  # the orders' findings are kept


def test_a_captcha_at_re_authentication_stops_that_page_only_and_starts_the_cool_down(
    browser: Browser, tmp_path: Path
) -> None:
    with ReplaySite(faults=frozenset({"reauth-captcha"})) as site:
        check(browser, site, tmp_path, settings=False)
        _age_sessions(site)
        report = check(browser, site, tmp_path)
        reasons = {u.kind: u.reason for u in report.unread}
        assert reasons["login-security"] == "captcha"
        assert reasons["two-step"] in ("reauth_again", "sign_in_cooldown")  # never a second attempt
        assert settings_kinds(report) == ["memberships", "devices", "content"]
        assert (tmp_path / "state" / "session.cooldown.json").exists()
        assert site.ledger == []


@pytest.mark.parametrize(
    ("fault", "kind"),
    [
        ("login-security-unreadable", "login-security"),
        ("two-step-unreadable", "two-step"),
        ("memberships-unreadable", "memberships"),
        ("devices-unreadable", "devices"),
        ("devices-500", "devices"),
        ("content-unreadable", "content"),
    ],
)
def test_each_settings_page_unreadable_on_its_own_keeps_every_other_page(
    browser: Browser, tmp_path: Path, fault: str, kind: str
) -> None:
    with ReplaySite(faults=frozenset({fault})) as site:
        report = check(browser, site, tmp_path)
        assert [u.kind for u in report.unread] == [kind]
        assert settings_kinds(report) == [k for k in SETTINGS_KINDS if k != kind]
        assert {"unexpected_order", "one_click_enabled"} <= {f.kind for f in report.findings}
        assert report.status == "findings" and report.incomplete
        data = json.loads(dumps(report))
        section = {"login-security": "login_security", "two-step": "two_step", "memberships": "subscriptions"}
        assert data["settings"][section.get(kind, kind)] is None
        assert site.ledger == []


def test_a_finding_of_the_last_settings_read_stays_until_accepted(
    browser: Browser, replay: ReplaySite, tmp_path: Path
) -> None:
    assert replay.as_of is not None
    seed_demo_baseline(tmp_path / "state" / "session.json", replay.account, replay.as_of)
    check(browser, replay, tmp_path)
    between = check(browser, replay, tmp_path, settings=False)  # a nightly run between settings reads
    assert {"trial_started", "device_added"} <= {f.kind for f in between.findings}
    assert settings_kinds(between) == []
    base = Baseline.load(baseline_path(tmp_path / "state" / "session.json"))
    base.accept(["devices", "subscriptions"], datetime.now().astimezone())
    base.save()
    after = check(browser, replay, tmp_path, settings=False)
    assert not {"trial_started", "device_added"} & {f.kind for f in after.findings}


# --- the console's activity rule, both sides, on the replay ----------------------------------------------
DELETE = (
    "async () => { const t = (document.querySelector('input[name=csrfToken]') || {}).value || window.csrfToken;"
    " const body = new URLSearchParams({activity: 'DeleteContent', activityInput: '{\"asins\":[\"B0DMYST001\"]}',"
    " csrfToken: t || ''}); try { const r = await fetch('/hz/mycd/digital-console/ajax', {method: 'POST', body});"
    " return r.status; } catch (e) { return 'refused'; } }"
)


def test_the_guard_refuses_a_delete_activity_from_the_console_page_and_names_it(
    browser: Browser, replay: ReplaySite, tmp_path: Path
) -> None:
    check(browser, replay, tmp_path, settings=False)  # a saved session
    context, guard = new_context(
        browser, MARKETPLACES["co.jp"], replay.base_url, scripts=True, storage_state=tmp_path / "state" / "session.json"
    )
    try:
        page = context.new_page()
        page.goto(replay.base_url + "/hz/mycd/digital-console/contentlist/booksAll/dateDsc/")
        assert page.evaluate(DELETE) == "refused"
        assert [(e.reason, e.detail) for e in guard.blocked if e.reason == "console_activity_refused"] == [
            ("console_activity_refused", "DeleteContent")
        ]
    finally:
        context.close()
    assert replay.ledger == []


def test_the_same_delete_without_the_guard_reaches_the_ledger(browser: Browser, tmp_path: Path) -> None:
    """The test above can fail: unguarded, the very same request is a state change the replay records."""
    with ReplaySite() as site:
        check(browser, site, tmp_path, settings=False)
        context = browser.new_context(storage_state=str(tmp_path / "state" / "session.json"))
        try:
            page = context.new_page()
            page.goto(site.base_url + "/hz/mycd/digital-console/contentlist/booksAll/dateDsc/")
            assert page.evaluate(DELETE) == 200
        finally:
            context.close()
        assert [(e.method, e.path) for e in site.ledger] == [("POST", "/hz/mycd/digital-console/ajax")]


def _age_sessions(site: ReplaySite) -> None:
    """Make every sign-in so far older than the replay's "recent sign-in" window (re-authentication)."""
    site.age_recent_auth()


def test_no_screenshot_or_trace_of_a_run_keeps_the_email_or_phone_of_login_and_security(
    browser: Browser, replay: ReplaySite, tmp_path: Path
) -> None:
    import zipfile

    target = target_of(replay, tmp_path)
    base = Baseline.load(baseline_path(target.session_file))
    from orderwatch.flows.session import AccountSession  # noqa: F401  (the run below opens one)

    report = run_check(
        browser, target, load_allowlist(DEMO_DIR / "allowlist.toml"), tmp_path / "run", trace=True,
        screenshots=True, baseline=base,
    )  # fmt: skip
    assert settings_kinds(report) == SETTINGS_KINDS
    shots = {c.kind for c in report.captures if c.screenshot is not None}
    assert "memberships" in shots and not shots & {"login-security", "two-step", "devices", "content"}
    traces = sorted((tmp_path / "run").glob("trace-*.zip"))
    assert traces
    for trace in traces:
        with zipfile.ZipFile(trace) as z:
            for name in z.namelist():
                data = z.read(name)
                for value in ("demo@example.com", "90-1234-5678", "デモ 太郎"):
                    assert value.encode() not in data, (trace.name, name, value)
