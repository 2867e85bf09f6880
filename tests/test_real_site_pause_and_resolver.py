"""What a run against the real site does that a loopback run does not: a pause between page loads (look like
one person, slowly) and a browser whose resolver knows the marketplace's host and its static hosts only.
No network and no browser: the page, the context and Playwright are fakes that record what they are asked."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from orderwatch import runner
from orderwatch.bots.browser import LOOPBACK_ONLY_ARGS, QUIET_ARGS
from orderwatch.cli_base import REAL_SITE_PAUSE_S, account_target
from orderwatch.config import load_settings
from orderwatch.flows.session import AccountSession
from orderwatch.replay import DEMO_TOTP_SECRET

HOST = "www.amazon.co.jp"


class _Page:
    """Just enough of a Playwright page for AccountPages.open: each goto is written to ``events``."""

    def __init__(self, events: list[tuple[str, Any]]) -> None:
        self.events = events
        self.url = "about:blank"
        self.main_frame = object()

    def on(self, event: str, handler: Any) -> None:
        pass

    def goto(self, url: str, wait_until: str, timeout: float) -> Any:
        self.events.append(("goto", url))
        self.url = url
        return SimpleNamespace(status=200, headers={})

    def content(self) -> str:
        return "<html><body></body></html>"


class _Context:
    def __init__(self, page: _Page) -> None:
        self.page = page

    def set_default_timeout(self, ms: float) -> None:
        pass

    def new_page(self) -> _Page:
        return self.page


def _session(base_url: str, events: list[tuple[str, Any]], monkeypatch: pytest.MonkeyPatch) -> AccountSession:
    """The session a run opens for ``base_url``, from the settings as the CLI turns them into a target."""
    settings = load_settings(
        base_url=base_url, email="pause@example.com", password="pause-test-pw", totp_secret=DEMO_TOTP_SECRET
    )
    target, _loopback = account_target(settings)
    context = _Context(_Page(events))
    monkeypatch.setattr("orderwatch.flows.session.new_context", lambda *a, **kw: (context, None))
    monkeypatch.setattr("orderwatch.bots.pages.time", SimpleNamespace(sleep=lambda s: events.append(("sleep", s))))
    return AccountSession(object(), target)  # type: ignore[arg-type]


def test_a_real_site_run_pauses_between_page_loads_never_before_the_first(monkeypatch: pytest.MonkeyPatch) -> None:
    events: list[tuple[str, Any]] = []
    session = _session(f"https://{HOST}", events, monkeypatch)
    urls = [f"https://{HOST}/your-orders/orders?page={n}" for n in (1, 2, 3)]
    for url in urls:
        session.pages.open(url)
    assert [kind for kind, _ in events] == ["goto", "sleep", "goto", "sleep", "goto"]
    assert [value for kind, value in events if kind == "goto"] == urls
    pauses = [value for kind, value in events if kind == "sleep"]
    assert REAL_SITE_PAUSE_S >= 1  # seconds, as a person turns pages
    assert all(0.75 * REAL_SITE_PAUSE_S <= p <= 1.5 * REAL_SITE_PAUSE_S for p in pauses), pauses


@pytest.mark.parametrize("base_url", ["http://127.0.0.1:8080", "http://localhost:9", "http://[::1]:80"])
def test_a_loopback_run_never_pauses(base_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    events: list[tuple[str, Any]] = []
    session = _session(base_url, events, monkeypatch)
    for n in (1, 2, 3):
        session.pages.open(f"{base_url}/your-orders/orders?page={n}")
    assert [kind for kind, _ in events] == ["goto", "goto", "goto"]


def _launch_args(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, loopback_only: bool, host: str) -> list[str]:
    """The command-line arguments runner.with_browser launches Chromium with (through a fake Playwright)."""
    launches: list[dict[str, Any]] = []
    closed: list[bool] = []

    def launch(**kw: Any) -> Any:
        launches.append(kw)
        return SimpleNamespace(close=lambda: closed.append(True))

    @contextmanager
    def fake_sync_playwright() -> Iterator[Any]:
        yield SimpleNamespace(chromium=SimpleNamespace(launch=launch))

    monkeypatch.setattr("playwright.sync_api.sync_playwright", fake_sync_playwright)
    monkeypatch.setattr(runner, "driver_environment", lambda: None)  # leaves NODE_OPTIONS of this process alone
    monkeypatch.setattr(runner, "_early", None)
    executable = tmp_path / "chromium"
    executable.write_text("#!/bin/sh\n")
    executable.chmod(0o755)
    assert runner.with_browser(lambda browser: "worked", executable, False, loopback_only, host) == "worked"
    [launched] = launches
    assert closed == [True]
    assert launched["executable_path"] == str(executable)
    return list(launched["args"])


def test_a_real_site_browser_resolves_only_the_marketplace_host_and_its_static_hosts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = _launch_args(tmp_path, monkeypatch, loopback_only=False, host=HOST)
    rules = (
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE www.amazon.co.jp, EXCLUDE m.media-amazon.com, "
        "EXCLUDE images-na.ssl-images-amazon.com, EXCLUDE images-fe.ssl-images-amazon.com"
    )
    assert args == [*QUIET_ARGS, rules]


def test_a_loopback_browser_resolves_only_loopback_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    args = _launch_args(tmp_path, monkeypatch, loopback_only=True, host=HOST)
    assert args == [*QUIET_ARGS, *LOOPBACK_ONLY_ARGS]
    assert LOOPBACK_ONLY_ARGS == ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"]
