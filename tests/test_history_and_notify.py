"""Run history (SQLite) and when a notification is sent."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from orderwatch.diff import Finding
from orderwatch.history import History
from orderwatch.models import Item, Money, OneClickSettings, Order
from orderwatch.notify import decide
from orderwatch.report import Report, RunError

KINDLE = Order("D01-2046175-3391842", date(2026, 11, 27), Money(Decimal(880), "JPY"), True, (Item("本", "B0DMYST001"),))
UNEXPECTED = Finding("unexpected_order", "high", KINDLE.order_id, "A digital order …", "Ask for a refund.")
ONE_CLICK = Finding("one_click_enabled", "medium", "one_click", "1-Click is ON …", "Turn it off.")


def _report(findings: list[Finding], status_error: str | None = None, when: datetime | None = None) -> Report:
    when = when or datetime(2026, 11, 28, 3, 30, tzinfo=UTC)
    r = Report(
        "co.jp",
        "https://www.amazon.co.jp",
        when.date(),
        when.date() - timedelta(days=30),
        when,
        finished_at=when,
        orders=[KINDLE],
        one_click=OneClickSettings("co.jp", True),
        findings=findings,
    )
    if status_error:
        r.error = RunError(status_error, f"sign-in needs a person: {status_error}")
    return r


def test_a_run_its_orders_and_findings_are_stored_and_first_seen_is_kept(tmp_path: Path) -> None:
    with History.open(tmp_path) as h:
        h.record_run(_report([UNEXPECTED]), tmp_path / "r1.html")
        later = datetime(2026, 11, 29, 3, 30, tzinfo=UTC)
        h.record_run(_report([UNEXPECTED], when=later), tmp_path / "r2.html")
        runs = h.runs()
        assert [r.status for r in runs] == ["findings", "findings"]
        assert runs[0].report_path == str(tmp_path / "r2.html")
        assert h.first_seen(KINDLE.order_id) == "2026-11-28T03:30:00+00:00"
        assert h.finding_states() == {("unexpected_order", KINDLE.order_id): "new"}
    assert (tmp_path / "history.sqlite3").stat().st_mode & 0o777 == 0o600


def test_ack_marks_the_order_and_its_findings(tmp_path: Path) -> None:
    with History.open(tmp_path) as h:
        h.record_run(_report([UNEXPECTED]), None)
        assert h.ack(KINDLE.order_id, "bought it on purpose") is True
        assert h.acknowledged() == frozenset({KINDLE.order_id})
        assert h.finding_states()[("unexpected_order", KINDLE.order_id)] == "acknowledged"
        assert h.ack("249-0000000-0000001", None) is False  # unknown orders can be acknowledged ahead


def test_a_crash_inside_a_write_leaves_the_database_as_it_was(tmp_path: Path) -> None:
    with History.open(tmp_path) as h:
        h.record_run(_report([]), None)
        broken = _report([UNEXPECTED])
        broken.orders = [KINDLE, "not an order"]  # type: ignore[list-item]  # fails halfway through the write
        with pytest.raises(AttributeError):
            h.record_run(broken, None)
        assert len(h.runs()) == 1 and h.finding_states() == {}
    assert sqlite3.connect(tmp_path / "history.sqlite3").execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_old_rows_are_pruned(tmp_path: Path) -> None:
    old = datetime.now(UTC) - timedelta(days=500)
    with History.open(tmp_path) as h:
        h.record_run(_report([UNEXPECTED], when=old), None)
        h.record_run(_report([]), None, keep_days=400)
        assert len(h.runs()) == 1
        assert h.finding_states() == {}


def test_a_new_finding_is_announced_once() -> None:
    notice = decide(_report([UNEXPECTED, ONE_CLICK]), ["clean"], {})
    assert notice is not None and "2 new findings" in notice.title
    assert KINDLE.order_id in notice.body and "refund" in notice.body
    assert sorted(notice.announces) == sorted(
        [("unexpected_order", KINDLE.order_id), ("one_click_enabled", "one_click")]
    )
    states = {("unexpected_order", KINDLE.order_id): "notified", ("one_click_enabled", "one_click"): "notified"}
    assert decide(_report([UNEXPECTED, ONE_CLICK]), ["findings"], states) is None  # the same, the next night


def test_an_acknowledged_finding_is_not_announced() -> None:
    assert decide(_report([UNEXPECTED]), ["findings"], {("unexpected_order", KINDLE.order_id): "acknowledged"}) is None


def test_all_clear_after_findings_is_announced_and_a_quiet_night_is_not() -> None:
    notice = decide(_report([]), ["findings", "clean"], {})
    assert notice is not None and "all clear again" in notice.title
    assert decide(_report([]), ["clean"], {}) is None


def test_incomplete_is_announced_when_it_lasts_and_again_when_it_recovers() -> None:
    assert decide(_report([], "captcha"), ["clean"], {}) is None  # one night: could be a blip
    notice = decide(_report([], "captcha"), ["incomplete", "clean"], {}, incomplete_after=2)
    assert notice is not None and "could not be completed 2 times" in notice.title and "captcha" in notice.body
    assert decide(_report([], "captcha"), ["incomplete", "incomplete", "clean"], {}, incomplete_after=2) is None
    recovered = decide(_report([]), ["incomplete", "incomplete"], {}, incomplete_after=2)
    assert recovered is not None and "completes again" in recovered.title


def test_a_finding_that_goes_away_and_comes_back_is_announced_again(tmp_path: Path) -> None:
    """The story's phone turning 1-Click back on: ON (notified) → OFF (all clear) → ON again is news."""
    nights = [datetime(2026, 11, 28 + n, 3, 30, tzinfo=UTC) for n in range(3)]
    with History.open(tmp_path) as h:
        on = _report([ONE_CLICK], when=nights[0])
        notice = decide(on, [], h.finding_states())
        assert notice is not None
        h.record_run(on, None)
        h.mark_notified(notice.announces)
        off = _report([], when=nights[1])
        assert decide(off, ["findings"], h.finding_states()) is not None  # "all clear again"
        h.record_run(off, None)
        again = _report([ONE_CLICK], when=nights[2])
        notice = decide(again, ["clean", "findings"], h.finding_states())
        assert notice is not None and "one_click_enabled" in notice.body


def test_an_incomplete_run_does_not_forget_a_notified_finding(tmp_path: Path) -> None:
    with History.open(tmp_path) as h:
        h.record_run(_report([ONE_CLICK]), None)
        h.mark_notified([("one_click_enabled", "one_click")])
        h.record_run(_report([], status_error="captcha", when=datetime(2026, 11, 29, 3, 30, tzinfo=UTC)), None)
        assert h.finding_states() == {("one_click_enabled", "one_click"): "notified"}
