"""Settings findings: the latest read against the baseline the user agreed with and the allowlist's
expectations; the baseline file (masked, private, accept)."""

from __future__ import annotations

import json
import stat
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from orderwatch.allowlist import Allowlist, parse_allowlist
from orderwatch.baseline import Baseline, SettingsRead, mask_email, mask_phone
from orderwatch.diff import Finding, check_settings
from orderwatch.errors import UsageError
from orderwatch.marketplace import MARKETPLACES
from orderwatch.models import (
    ContentItem,
    Device,
    Item,
    LoginSecurity,
    Money,
    Order,
    Subscription,
    TwoStepMethod,
    TwoStepSettings,
)

JP = MARKETPLACES["co.jp"]
TODAY = date(2026, 11, 28)
NOW = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
LOGIN = LoginSecurity("co.jp", "デモ 太郎", "taro@example.com", "090-1234-5678", 1, True)
TWO_STEP = TwoStepSettings(
    "co.jp",
    True,
    (TwoStepMethod("authenticator_app", "認証アプリ", True), TwoStepMethod("phone", "末尾が78の電話番号")),
)
PRIME = Subscription("Amazonプライム", "active", date(2026, 12, 18), Money(Decimal(600), "JPY"))
MUSIC = Subscription("Amazon Music Unlimited", "free_trial", date(2026, 12, 25), Money(Decimal(1080), "JPY"))
KINDLE = Device("デモ太郎のKindle", "KINDLE", date(2025, 10, 1))
STRANGER = Device("知らないAndroid", "ANDROID_APP", date(2026, 11, 26))


def read_of(base: Baseline, **changes: object) -> SettingsRead:
    values: dict[str, object] = {
        "login_security": base.login_state(LOGIN),
        "two_step": TWO_STEP,
        "subscriptions": (PRIME,),
        "devices": (KINDLE,),
        "content": (),
    }
    values.update(changes)
    if isinstance(values["login_security"], LoginSecurity):
        values["login_security"] = base.login_state(values["login_security"])
    read = SettingsRead(**values)  # type: ignore[arg-type]
    read.fresh = set(values)
    read.read_at = dict.fromkeys(values, NOW)
    return read


def findings(
    read: SettingsRead, base: Baseline, allowlist: Allowlist | None = None, orders: list[Order] | None = None
) -> list[Finding]:
    accepted = {k: v for k, (_, v) in base.accepted.items()}
    return check_settings(
        read,
        accepted,
        allowlist or Allowlist(),
        JP,
        TODAY,
        since=TODAY - timedelta(days=30),
        orders=orders or [],
        summaries={},
        history_complete=True,
    )


@pytest.fixture
def base(tmp_path: Path) -> Baseline:
    b = Baseline(tmp_path / "state" / "baseline.json")
    b.record(read_of(b))
    return b


def test_the_first_read_becomes_the_baseline_and_raises_nothing(tmp_path: Path) -> None:
    b = Baseline(tmp_path / "baseline.json")
    first = read_of(b, subscriptions=(PRIME, MUSIC), devices=(KINDLE, STRANGER))
    assert findings(first, b) == []
    assert b.record(first) == ["login_security", "two_step", "subscriptions", "devices", "content"]
    assert findings(first, b) == []


def test_nothing_changed_is_no_finding(base: Baseline) -> None:
    assert findings(read_of(base), base) == []


@pytest.mark.parametrize(
    ("change", "kind", "severity"),
    [
        ({"login_security": replace(LOGIN, email="evil@example.net")}, "email_changed", "high"),
        ({"login_security": replace(LOGIN, phone="080-9999-0000")}, "phone_changed", "high"),
        ({"login_security": replace(LOGIN, phone=None)}, "phone_changed", "high"),
        ({"login_security": replace(LOGIN, passkeys=2)}, "passkey_added", "high"),
        ({"two_step": replace(TWO_STEP, enabled=False, methods=())}, "two_step_disabled", "high"),
        (
            {
                "two_step": replace(
                    TWO_STEP, methods=(*TWO_STEP.methods, TwoStepMethod("authenticator_app", "認証アプリ 2"))
                )
            },
            "two_step_method_added",
            "high",
        ),
        ({"two_step": replace(TWO_STEP, methods=TWO_STEP.methods[:1])}, "two_step_method_removed", "high"),
        ({"devices": (KINDLE, STRANGER)}, "device_added", "medium"),
        ({"subscriptions": (PRIME, MUSIC)}, "trial_started", "medium"),
        ({"subscriptions": (PRIME, replace(MUSIC, status="active"))}, "subscription_started", "medium"),
    ],
)
def test_each_change_against_the_baseline_is_a_finding(
    base: Baseline, change: dict[str, object], kind: str, severity: str
) -> None:
    found = findings(read_of(base, **change), base)
    assert [(f.kind, f.severity) for f in found if f.kind == kind] == [(kind, severity)]
    assert all(f.advice for f in found)


def test_a_changed_email_is_shown_masked_only(base: Baseline) -> None:
    (found,) = findings(read_of(base, login_security=replace(LOGIN, email="evil.person@example.net")), base)
    assert "t***@example.com → e***@example.net" in found.message
    assert "evil.person" not in found.message + found.advice
    assert "taro@" not in json.dumps(found.to_json())


def test_a_trial_names_its_first_charge_and_the_cancel_button(base: Baseline) -> None:
    (found,) = findings(read_of(base, subscriptions=(PRIME, MUSIC)), base)
    assert "Amazon Music Unlimited" in found.message and "￥1,080" in found.message and "2026-12-25" in found.message
    assert "会員登録をキャンセル" in found.advice


def test_a_method_added_advises_removing_it_and_signing_out_everywhere(base: Baseline) -> None:
    extra = TwoStepMethod("phone", "末尾が00の電話番号")
    (found,) = findings(read_of(base, two_step=replace(TWO_STEP, methods=(*TWO_STEP.methods, extra))), base)
    assert "すべてのデバイスからサインアウト" in found.advice and "Sign out of all devices" in found.advice
    assert "/a/settings/approval" in found.advice


def test_a_cancelled_subscription_is_no_finding(base: Baseline) -> None:
    assert findings(read_of(base, subscriptions=(PRIME, replace(MUSIC, status="cancelled"))), base) == []


def test_accepting_a_change_silences_it_and_only_that_section(base: Baseline) -> None:
    changed = read_of(base, subscriptions=(PRIME, MUSIC), devices=(KINDLE, STRANGER))
    base.record(changed)
    assert {f.kind for f in findings(changed, base)} == {"trial_started", "device_added"}
    assert base.accept(["subscriptions"], NOW) == ["subscriptions"]
    assert {f.kind for f in findings(changed, base)} == {"device_added"}


def test_the_allowlist_expects_two_step_on_from_the_first_read(tmp_path: Path) -> None:
    b = Baseline(tmp_path / "baseline.json")
    allow = parse_allowlist('[settings]\ntwo_step = "on"\n', tmp_path / "a.toml")
    off = read_of(b, two_step=replace(TWO_STEP, enabled=False, methods=()))
    assert [f.kind for f in findings(off, b, allow)] == ["two_step_disabled"]
    assert findings(read_of(b), b, allow) == []


def test_listed_subscriptions_and_devices_are_expected_and_others_are_found_on_the_first_read(tmp_path: Path) -> None:
    b = Baseline(tmp_path / "baseline.json")
    allow = parse_allowlist(
        '[[subscription]]\nname_pattern = "^Amazonプライム"\n[[device]]\nname_pattern = "KINDLE"\n', tmp_path / "a.toml"
    )
    first = read_of(b, subscriptions=(PRIME, MUSIC), devices=(KINDLE, STRANGER))
    assert sorted(f.kind for f in findings(first, b, allow)) == ["device_added", "trial_started"]
    assert "allowlist" in findings(first, b, allow)[0].message


def test_a_kindle_title_with_no_order_is_found_and_one_with_an_order_or_a_loan_is_not(base: Baseline) -> None:
    bought = ContentItem("霧の館の密室", "B0DMYST001", TODAY - timedelta(days=1), "purchase")
    stray = ContentItem("知らない本", "B0STRAY001", TODAY - timedelta(days=2), "purchase")
    loan = ContentItem("読み放題の本", "B0KULOAN01", TODAY - timedelta(days=2), "rental")
    old = ContentItem("昔の本", "B0OLDBOOK1", TODAY - timedelta(days=40), "purchase")
    order = Order("D01-2046175-3391842", TODAY - timedelta(days=1), None, True, (Item("霧の館の密室", "B0DMYST001"),))
    read = read_of(base, content=(bought, stray, loan, old))
    found = findings(read, base, orders=[order])
    assert [(f.kind, f.subject) for f in found] == [("content_without_order", "content:B0STRAY001")]
    assert "返品をリクエスト" in found[0].advice


def test_without_the_whole_history_no_title_is_called_orderless(base: Baseline) -> None:
    stray = ContentItem("知らない本", "B0STRAY001", TODAY - timedelta(days=2), "purchase")
    accepted = {k: v for k, (_, v) in base.accepted.items()}
    found = check_settings(
        read_of(base, content=(stray,)), accepted, Allowlist(), JP, TODAY,
        since=TODAY - timedelta(days=30), orders=[], summaries={}, history_complete=False,
    )  # fmt: skip
    assert found == []


def test_a_finding_of_an_earlier_read_stays_between_settings_reads(base: Baseline) -> None:
    earlier = read_of(base, devices=(KINDLE, STRANGER))
    earlier.read_at = dict.fromkeys(earlier.read_at, NOW - timedelta(days=3))
    base.record(earlier)
    tonight = base.with_earlier_reads(SettingsRead())
    (found,) = findings(tonight, base)
    assert found.kind == "device_added" and "as read on 2026-11-25" in found.message
    assert tonight.to_json()["devices"] is None  # not read by this run: null in report.json


def test_the_baseline_file_is_private_masked_and_round_trips(base: Baseline) -> None:
    base.save()
    mode = stat.S_IMODE(base.path.stat().st_mode)
    assert mode == 0o600
    text = base.path.read_text(encoding="utf-8")
    assert "taro@example.com" not in text and "1234-5678" not in text and "t***@example.com" in text
    again = Baseline.load(base.path)
    assert again.accepted == base.accepted and again.latest == base.latest
    assert findings(read_of(again), again) == []


def test_a_damaged_baseline_is_an_error_not_a_new_baseline(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    path.write_text('{"version": 1, "salt": "x", "baseline": {"devices": {"at": "never"}}}', encoding="utf-8")
    with pytest.raises(UsageError, match="damaged"):
        Baseline.load(path)


def test_settings_are_due_on_their_own_schedule(base: Baseline) -> None:
    week = timedelta(days=7)
    assert not base.due(week, NOW + timedelta(days=6))
    assert base.due(week, NOW + timedelta(days=7))
    assert Baseline(base.path).due(week, NOW)  # never read


def test_masks() -> None:
    assert mask_email("taro@example.com") == "t***@example.com"
    assert mask_phone("+81 90-1234-5678") == "***-****-5678"


def test_a_subscription_the_allowlist_does_not_list_stays_a_finding_even_when_accepted(tmp_path: Path) -> None:
    from orderwatch.diff import first_baseline

    b = Baseline(tmp_path / "baseline.json")
    allow = parse_allowlist('[[subscription]]\nname_pattern = "^Amazonプライム"\n', tmp_path / "a.toml")
    first = read_of(b, subscriptions=(PRIME, MUSIC))
    b.record(first, initial=first_baseline(first, allow))
    assert [f.kind for f in findings(read_of(b, subscriptions=(PRIME, MUSIC)), b, allow)] == ["trial_started"]
    b.accept(["subscriptions"], NOW)
    (still,) = findings(read_of(b, subscriptions=(PRIME, MUSIC)), b, allow)
    assert still.kind == "trial_started" and "[[subscription]]" in still.advice
    listed = parse_allowlist('[[subscription]]\nname_pattern = "^Amazon"\n', tmp_path / "b.toml")
    assert findings(read_of(b, subscriptions=(PRIME, MUSIC)), b, listed) == []


def test_patterns_added_after_the_baseline_hold_too(base: Baseline, tmp_path: Path) -> None:
    base.record(read_of(base, devices=(KINDLE, STRANGER)))
    base.accept(["devices"], NOW)
    allow = parse_allowlist('[[device]]\nname_pattern = "Kindle"\n', tmp_path / "a.toml")
    (found,) = findings(read_of(base, devices=(KINDLE, STRANGER)), base, allow)
    assert found.subject == "device:知らないAndroid" and "allowlist" in found.message


def test_a_phone_change_hidden_by_the_mask_says_so(base: Baseline) -> None:
    (found,) = findings(read_of(base, login_security=replace(LOGIN, phone="090-9999-5678")), base)
    assert "***-****-5678 → ***-****-5678" in found.message and "mask hides" in found.message


def test_reports_and_notifications_carry_a_settings_section_with_masked_values(base: Baseline) -> None:
    from orderwatch.notify import decide
    from orderwatch.report import Report, dumps, render_html, render_markdown, render_terminal

    read = read_of(base, devices=(KINDLE, STRANGER))
    report = Report("co.jp", JP.base_url, TODAY, TODAY - timedelta(days=30), NOW, settings=read)
    report.findings = findings(read, base)
    notice = decide(report, [], {})
    assert notice is not None and "device_added" in notice.body and "Settings:" in notice.body
    for text in (render_terminal(report), render_markdown(report), render_html(report, {}), notice.body, dumps(report)):
        assert "t***@example.com" in text and "***-****-5678" in text
        assert "taro@example.com" not in text and "1234-5678" not in text
        assert "知らないAndroid" in text
