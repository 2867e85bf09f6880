"""`orderwatch schedule` prints units and crontab lines that work from folders with spaces and % in their
names: the systemd pair passes `systemd-analyze verify`, the cron line runs the right program in the right
folder once cron has turned its escaped % back."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from orderwatch.cli_admin import cron_line, systemd_units


@pytest.fixture
def odd(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "my checks 50%"
    folder.mkdir()
    exe = tmp_path / "bin dir" / "orderwatch"
    exe.parent.mkdir()
    exe.write_text('#!/bin/sh\necho "ran in $(pwd) with $*"\n')
    exe.chmod(0o755)
    return folder, exe


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed (not Linux)")
def test_the_systemd_units_pass_systemd_analyze_verify(odd: tuple[Path, Path], tmp_path: Path) -> None:
    folder, exe = odd
    service, timer = systemd_units(folder, exe, "04:15")
    assert "%%" in service and f'"{exe}"' in service
    units = tmp_path / "units"
    units.mkdir()
    (units / "orderwatch.service").write_text(service)
    (units / "orderwatch.timer").write_text(timer)
    out = subprocess.run(
        ["systemd-analyze", "verify", str(units / "orderwatch.service"), str(units / "orderwatch.timer")],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    (units / "bad.service").write_text(service.replace(f'"{exe}"', str(exe)))  # the same, unquoted
    bad = subprocess.run(
        ["systemd-analyze", "verify", str(units / "bad.service")], capture_output=True, text=True, check=False
    )
    assert bad.returncode != 0  # the check can fail


def test_the_cron_line_runs_the_program_in_the_folder(odd: tuple[Path, Path]) -> None:
    folder, exe = odd
    line = cron_line(30, 3, folder, exe)
    assert line.startswith("30 3 * * * ") and "50\\%" in line
    command = line.split(" ", 5)[5].replace("\\%", "%")  # what cron hands to the shell
    out = subprocess.run(["/bin/sh", "-c", command], capture_output=True, text=True, check=True, timeout=30)
    assert out.stdout.strip() == f"ran in {folder} with --quiet check"
