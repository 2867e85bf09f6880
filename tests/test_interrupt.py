"""Ctrl-C during a check: the first stops the run before its next page and keeps what it read; a second stops
at once. Either way "interrupted", exit 130, the run recorded as interrupted — no traceback, no "Aborted!", no
"the browser could not be started"."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import cli_env


def _demo_until(progress: str) -> subprocess.Popen[str]:
    """`orderwatch demo`, running until its progress names ``progress`` (a first run: it signs in first)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "orderwatch", "demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env(PYTHONUNBUFFERED="1"),
    )
    assert proc.stderr is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait until the run is reading pages
        line = proc.stderr.readline()
        if progress in line or not line:
            break
    return proc


def _last_demo_run() -> dict[str, object]:
    history = subprocess.run(
        [sys.executable, "-m", "orderwatch", "history", "--demo", "--json"],
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=60,
        check=True,
    )
    runs: list[dict[str, object]] = json.loads(history.stdout)
    return runs[0]


@pytest.mark.browser
def test_ctrl_c_during_a_check_stops_before_the_next_page_keeps_what_was_read_and_exits_130() -> None:
    proc = _demo_until("startIndex=10")  # signed in, the first history page read, the second one opening
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "stopping before the next page" in err and "interrupted (Ctrl-C)" in err
    for noise in ("Traceback", "Aborted!", "Future exception", "could not be started", "internal error"):
        assert noise not in err + out
    assert "D01-2046175-3391842" in out  # the summary of what was read: the unexpected order of the first page
    run = _last_demo_run()
    assert run["error_reason"] == "interrupted" and run["status"] == "findings"
    report = json.loads(Path(str(run["report_path"])).with_name("report.json").read_text())
    assert report["error"]["reason"] == "interrupted"
    assert len(report["orders"]) == 11  # the history's orders are kept, not thrown away
    pages = report["incomplete"]["pages"]  # what was not read is named, as for any run that stopped early
    assert pages and {p["reason"] for p in pages} <= {"interrupted", "not_reached"}


@pytest.mark.browser
def test_a_second_ctrl_c_stops_at_once_and_still_records_the_run_as_interrupted() -> None:
    proc = _demo_until("order-history")
    proc.send_signal(signal.SIGINT)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted (Ctrl-C)" in err
    for noise in ("Traceback", "Aborted!", "Future exception", "could not be started", "internal error"):
        assert noise not in err + out
    run = _last_demo_run()
    assert run["error_reason"] == "interrupted"
    assert Path(str(run["report_path"])).name in ("report.json", "report.html")
