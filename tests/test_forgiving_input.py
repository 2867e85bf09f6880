"""Config and input that forgive and explain: a typo in config.toml names the closest key, an allowlist
with a BOM is read, a Shift_JIS one is asked for as UTF-8, an unknown currency lists the codes."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from orderwatch.allowlist import load_allowlist
from orderwatch.config import config_dir, load_settings
from orderwatch.errors import UsageError
from orderwatch.runner import write_user_file


def test_an_unknown_config_key_names_file_line_and_the_closest_key() -> None:
    path = config_dir() / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('marketplace = "co.jp"\nwindow_dayz = 14\n')
    with pytest.raises(UsageError) as info:
        load_settings()
    assert f"{path}, line 2: unknown key 'window_dayz' — did you mean 'window_days'?" in info.value.message
    path.write_text("window_days = 14\n")
    assert load_settings().window_days == 14


def test_an_allowlist_with_a_bom_is_read(tmp_path: Path) -> None:
    path = tmp_path / "allow.toml"
    path.write_bytes('\ufeff[[allow]]\ntitle = "コーヒー豆"\n'.encode())
    assert load_allowlist(path).rules[0].title == "コーヒー豆"


def test_a_shift_jis_allowlist_is_asked_for_in_utf_8(tmp_path: Path) -> None:
    path = tmp_path / "allow.toml"
    path.write_bytes('[[allow]]\ntitle = "コーヒー豆"\n'.encode("shift_jis"))
    with pytest.raises(UsageError, match="save it as UTF-8"):
        load_allowlist(path)


def test_an_unknown_currency_is_an_error_that_lists_the_codes(tmp_path: Path) -> None:
    path = tmp_path / "allow.toml"
    path.write_text("[price_ceiling]\nYEN = 15000\n")
    with pytest.raises(UsageError) as info:
        load_allowlist(path)
    assert "line 2" in info.value.message and "write JPY" in info.value.message and "USD" in info.value.message


def test_extra_report_copies_are_private(tmp_path: Path) -> None:
    copy = tmp_path / "out" / "r.json"
    write_user_file(copy, "{}")
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600


def test_output_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    import subprocess
    import sys

    from orderwatch.replay import ReplaySite

    from .conftest import cli_env

    page = tmp_path / "history.html"
    page.write_text(ReplaySite().order_history_html("last30", 0))
    cmd = [sys.executable, "-m", "orderwatch", "parse", "--page", "order-history", *[str(page)] * 80]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=cli_env())
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(10)  # a reader like `head` that has had enough
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=60) == 141
    assert "internal error" not in err and "Traceback" not in err and "BrokenPipe" not in err


def test_history_has_a_header_and_counts_in_words(tmp_path: Path) -> None:
    from datetime import UTC, date, datetime

    from click.testing import CliRunner

    from orderwatch.cli import main
    from orderwatch.config import data_dir
    from orderwatch.diff import Finding
    from orderwatch.history import History
    from orderwatch.report import Report

    when = datetime(2026, 11, 28, 3, 30, tzinfo=UTC)
    report = Report("co.jp", "https://www.amazon.co.jp", date(2026, 11, 28), date(2026, 10, 29), when, finished_at=when)
    report.findings = [Finding("one_click_enabled", "medium", "one_click", "1-Click is ON", "Turn it off.")]
    with History.open(data_dir()) as h:
        h.record_run(report, None)
    out = CliRunner().invoke(main, ["history"])
    assert out.exit_code == 0, out.output
    header, row = out.output.splitlines()
    assert header.split() == ["started", "status", "orders", "findings", "report"]
    assert "0 orders" in row and "1 finding " in row


def test_old_run_folders_go_with_the_history_but_the_newest_stay(tmp_path: Path) -> None:
    from datetime import datetime, timedelta

    from orderwatch.runner import prune_run_folders

    root = tmp_path / "runs"
    now = datetime.now()
    names = [(now - timedelta(days=d)).strftime("%Y%m%d-%H%M%S-%f") for d in (1, 2, 500, 501, 502)]
    for name in names:
        (root / name).mkdir(parents=True)
        (root / name / "report.json").write_text("{}")
    (root / "keep-me").mkdir()  # not a run folder: never touched
    removed = prune_run_folders(root, keep_days=400, keep_last=3)
    assert sorted(p.name for p in removed) == sorted(names[3:])  # the 3 newest stay, even the 500-day-old one
    assert sorted(p.name for p in root.iterdir()) == sorted([*names[:3], "keep-me"])


def test_record_refuses_an_output_folder_it_cannot_use_before_the_run(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from orderwatch.cli import main

    (tmp_path / "a-file").write_text("x")
    out = CliRunner().invoke(main, ["record", "--demo", "--out", str(tmp_path / "a-file")])
    assert out.exit_code == 2 and "is a file" in out.output
    out = CliRunner().invoke(main, ["record", "--demo", "--out", str(tmp_path / "a-file" / "sub")])
    assert out.exit_code == 2 and "cannot create" in out.output


@pytest.mark.browser
def test_json_on_stdout_for_scripts_demo_and_doctor() -> None:
    import json

    from .conftest import ow

    demo = ow("demo", "--json")
    assert demo.returncode == 1, demo.stderr
    assert json.loads(demo.stdout)["status"] == "findings"  # nothing but the JSON on stdout
    dash = ow("demo", "--report-json", "-")
    assert json.loads(dash.stdout)["findings"] and not Path("-").exists()
    doctor = ow("doctor", "--no-launch", "--json")
    checks = json.loads(doctor.stdout)
    assert {c["check"] for c in checks} >= {"config", "browser", "allowlist", "credentials", "session", "last run"}
    assert {c["status"] for c in checks} <= {"ok", "fix", "info"}


def test_colours_only_when_asked() -> None:
    from datetime import UTC, date, datetime

    from orderwatch.models import OneClickSettings
    from orderwatch.report import Report, render_terminal

    when = datetime(2026, 11, 28, 3, 30, tzinfo=UTC)
    r = Report("co.jp", "https://www.amazon.co.jp", date(2026, 11, 28), date(2026, 10, 29), when)
    r.one_click = OneClickSettings("co.jp", False)
    assert "\x1b[" not in render_terminal(r)
    assert "\x1b[32m" in render_terminal(r, color=True)  # clean: green
