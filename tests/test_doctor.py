"""doctor's checks are typed lines (orderwatch/doctor.py): the command only prints them, as text or JSON."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from orderwatch.bots import browser
from orderwatch.doctor import Check, checks


def test_a_new_users_doctor_says_what_to_fix_in_order_and_what_is_only_information(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # without a full Chromium the headed line would ask Playwright's driver (not inside another test's browser)
    monkeypatch.setattr(browser, "find_browser", lambda *a, **k: Path("/usr/bin/chromium"))
    lines = list(checks(launch=False))
    assert [c.name for c in lines] == [
        "config",
        "browser",
        "allowlist",
        "credentials",
        "session",
        "last run",
        "headed",
        "notify",
    ]
    status = {c.name: c.status for c in lines}
    assert status["config"] == "ok" and status["last run"] == "ok"  # defaults; no run yet
    assert status["allowlist"] == status["credentials"] == status["session"] == "fix"
    assert status["headed"] == status["notify"] == "info"
    assert "orderwatch init" in next(c.detail for c in lines if c.name == "allowlist")


def test_a_config_that_cannot_be_read_is_the_only_line_every_other_check_needs_it() -> None:
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "orderwatch" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('marketplace = "co.jp"\nwindow_dayz = 3\n', encoding="utf-8")
    [line] = checks(launch=False)
    assert (line.name, line.status) == ("config", "fix")
    assert "window_dayz" in line.detail


def test_a_check_is_json_with_the_english_key_whatever_the_language() -> None:
    assert Check.of(False, "last run", "…").to_json() == {"check": "last run", "status": "fix", "detail": "…"}
