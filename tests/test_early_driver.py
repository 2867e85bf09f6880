"""A check's command starts Playwright's driver first, in a thread of its own, while it loads its settings and
prepares the run (runner.early_driver); the browser work then runs in that thread. Whatever happens there
reaches the command as it did before: the result, the work's own error, a driver that could not start."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from orderwatch import runner
from orderwatch.errors import OrderwatchError
from orderwatch.runner import driver_environment, early_driver, with_browser


@pytest.mark.browser
def test_inside_early_driver_the_browser_work_runs_in_the_driver_thread_and_returns_its_result() -> None:
    with early_driver():
        assert runner._early is not None
        thread = runner._early._thread
        name, version = with_browser(lambda b: (threading.current_thread().name, b.version), None, False, True)
        again = with_browser(lambda b: b.is_connected(), None, False, True)  # one driver serves every call inside
    assert name == "playwright-driver" and thread.name == name
    assert version.split(".")[0].isdigit() and again is True
    assert runner._early is None and not thread.is_alive()  # stopped when the command ends


@pytest.mark.browser
def test_an_error_of_the_browser_work_reaches_the_command_as_it_was() -> None:
    def work(browser: object) -> None:
        raise ValueError("the parser said no")

    with early_driver(), pytest.raises(ValueError, match="the parser said no"):
        with_browser(work, None, False, True)


def test_a_driver_that_cannot_start_fails_the_run_with_the_browser_message(monkeypatch: pytest.MonkeyPatch) -> None:
    import playwright.sync_api

    def broken() -> None:
        raise PlaywrightError("Driver exited with code 1")

    monkeypatch.setattr(playwright.sync_api, "sync_playwright", broken)
    ran = []
    with early_driver():
        with pytest.raises(OrderwatchError) as raised:
            with_browser(ran.append, None, False, True)
        with pytest.raises(OrderwatchError):  # and again: the next call is not left waiting
            with_browser(ran.append, None, False, True)
    assert raised.value.message == "the browser could not be started or failed: Driver exited with code 1"
    assert ran == []


def test_node_keeps_its_compile_cache_in_orderwatchs_cache_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NODE_COMPILE_CACHE", raising=False)
    monkeypatch.delenv("NODE_OPTIONS", raising=False)
    driver_environment()
    cache = Path(os.environ["XDG_CACHE_HOME"]) / "orderwatch" / "node-compile-cache"
    assert Path(os.environ["NODE_COMPILE_CACHE"]) == cache
    monkeypatch.setenv("NODE_COMPILE_CACHE", "/somewhere/of/my/own")
    driver_environment()
    assert os.environ["NODE_COMPILE_CACHE"] == "/somewhere/of/my/own"


def test_the_driver_gets_a_small_young_generation_unless_the_user_chose_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NODE_OPTIONS", "--stack-trace-limit=50")
    driver_environment()
    assert os.environ["NODE_OPTIONS"] == "--stack-trace-limit=50 --max-semi-space-size=1"
    monkeypatch.setenv("NODE_OPTIONS", "--max-semi-space-size=16")
    driver_environment()
    assert os.environ["NODE_OPTIONS"] == "--max-semi-space-size=16"


def test_a_check_starts_the_driver_before_its_settings_are_read_but_its_help_never_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import contextlib
    from collections.abc import Iterator

    from click.testing import CliRunner

    from orderwatch.cli import main

    started: list[str] = []

    @contextlib.contextmanager
    def recording() -> Iterator[None]:
        started.append("driver")
        yield

    monkeypatch.setattr(runner, "early_driver", recording)
    for args in (["demo", "--help"], ["check", "-h"], ["--lang", "en", "demo", "--help"]):
        assert CliRunner().invoke(main, args).exit_code == 0
    assert started == []
    monkeypatch.setattr("orderwatch.config.early_language", lambda: started.append("settings"))
    CliRunner().invoke(main, ["check", "--allowlist", "missing.toml"])  # ends at its settings: exit 2
    assert started[:2] == ["driver", "settings"]
