"""Ctrl-C during a check: "interrupted", exit 130, the run recorded as interrupted — no traceback, no
"Aborted!", no "the browser could not be started"."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import cli_env


@pytest.mark.browser
def test_ctrl_c_during_a_check_exits_130_and_records_the_run_as_interrupted() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "orderwatch", "demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env(PYTHONUNBUFFERED="1"),
    )
    assert proc.stderr is not None
    seen = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait until the run is reading pages, then press Ctrl-C
        line = proc.stderr.readline()
        seen.append(line)
        if "order-history" in line or not line:
            break
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    err = "".join(seen) + err
    assert proc.returncode == 130, err
    assert "interrupted (Ctrl-C)" in err
    for noise in ("Traceback", "Aborted!", "Future exception", "could not be started", "internal error"):
        assert noise not in err + out
    history = subprocess.run(
        [sys.executable, "-m", "orderwatch", "history", "--demo", "--json"],
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=60,
        check=True,
    )
    [run] = json.loads(history.stdout)
    assert (run["status"], run["error_reason"]) == ("incomplete", "interrupted")
    assert run["report_path"].endswith("report.json") and json.loads(Path(run["report_path"]).read_text())["error"]
