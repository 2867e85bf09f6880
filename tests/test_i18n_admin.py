"""The commands for living with orderwatch (init, doctor, login, ack, history, schedule, baseline, notify,
record) and the settings' own errors speak the reader's language: Japanese with --lang ja, today's English
with --lang en."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from orderwatch.config import config_dir, data_dir, load_settings, parse_every
from orderwatch.credentials import normalize_totp_secret
from orderwatch.errors import UsageError
from orderwatch.history import History
from orderwatch.i18n import use_language

from .japanese import english_left
from .test_history_and_notify import UNEXPECTED, _report


def japanese(text: str) -> bool:
    return re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", text) is not None


def ow(*args: str, lang: str = "ja", input: str | None = None) -> Result:
    from orderwatch.cli import main

    return CliRunner().invoke(main, ["--lang", lang, *args], input=input)


class _Process:
    def __init__(self, out: subprocess.CompletedProcess[str]) -> None:
        self.exit_code = out.returncode
        self.output = out.stdout + out.stderr


def ow_process(*args: str, lang: str = "ja") -> _Process:
    """doctor in its own process: it asks Playwright where its browser is, which the sync API refuses to do
    inside pytest-playwright's running event loop."""
    env = {k: v for k, v in os.environ.items() if k != "ORDERWATCH_LANG"}
    out = subprocess.run(
        [sys.executable, "-m", "orderwatch", "--lang", lang, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    return _Process(out)


def _config(text: str) -> None:
    folder = config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text(text, encoding="utf-8")


def _a_run(error: str | None = None) -> None:
    with History.open(data_dir()) as h:
        h.record_run(_report([] if error else [UNEXPECTED], status_error=error), None)


def test_init_in_japanese_says_what_it_created_and_what_to_do_next() -> None:
    out = ow("init")
    assert out.exit_code == 0, out.output
    assert "作成" in out.output and "次の手順" in out.output and "`orderwatch login --headed`" in out.output
    assert "1-Click設定" in out.output
    assert english_left(out.output) == []
    again = ow("init")
    assert "すでにあります" in again.output and english_left(again.output) == []


def test_init_in_english_is_unchanged() -> None:
    out = ow("init", lang="en")
    assert "created  " in out.output and "\nNext:\n  1. Edit " in out.output
    assert "kept     " in ow("init", lang="en").output


def test_doctor_in_japanese_names_each_check_and_what_to_fix() -> None:
    ow("init")
    out = ow_process("doctor", "--no-launch")
    assert out.exit_code == 1
    lines = out.output.splitlines()
    assert any(line.startswith("要対応 認証情報") and "`orderwatch init --keyring`" in line for line in lines)
    assert any(line.startswith("要対応 セッション") and "ログイン" in line for line in lines)
    assert any(line.startswith("OK     許可リスト") and "1-Click設定" in line for line in lines)
    assert all(japanese(line) for line in lines)
    # the browser's own name (bots/browser.py's words when none is found) is not this area's
    assert english_left("\n".join(line for line in lines if "ブラウザ" not in line)) == []


def test_doctor_in_japanese_tells_the_last_run_in_japanese_dates_and_counts() -> None:
    _a_run(error="captcha")
    out = ow_process("doctor", "--no-launch")
    last = next(line for line in out.output.splitlines() if "前回の実行" in line)
    assert "2026年11月28日（土）" in last and "未完了" in last and "1件の注文" in last and "0件の指摘" in last
    assert "画像認証" in last and english_left(last) == []


def test_doctor_json_keeps_the_english_check_names() -> None:
    out = ow_process("doctor", "--no-launch", "--json")
    assert '"check": "credentials"' in out.output and '"status": "fix"' in out.output


def test_doctor_in_english_is_unchanged() -> None:
    out = ow_process("doctor", "--no-launch", lang="en")
    assert "FIX  credentials  missing: e-mail, password, TOTP secret — set ORDERWATCH_* in .env" in out.output
    assert "FIX  session      none saved: sign in once with `orderwatch login --headed`" in out.output
    assert "OK   last run     none yet" in out.output


def test_history_in_japanese_has_japanese_headings_outcomes_and_counts() -> None:
    assert ow("history").output.strip() == "まだ一度も実行していません。"
    _a_run()
    _a_run(error="captcha")
    out = ow("history")
    header, *rows = out.output.splitlines()
    assert header.split() == ["開始", "結果", "注文", "指摘", "レポート"]
    assert "未完了（画像認証）" in rows[0] and "要確認" in rows[1] and "1件の指摘" in rows[1]
    assert "2026年11月28日（土）" in rows[0]
    assert english_left(out.output.replace("captcha", "")) == []


def test_history_in_english_is_unchanged() -> None:
    _a_run(error="captcha")
    out = ow("history", lang="en")
    header, row = out.output.splitlines()
    assert header.split() == ["started", "status", "orders", "findings", "report"]
    assert row.startswith("2026-11-28T03:30:00+00:00  incomplete (captcha)  1 order  0 findings")


def test_ack_in_japanese_acknowledges_lists_and_takes_back() -> None:
    out = ow("ack", "ｄ０１－２０４６１７５－３３９１８４２")
    assert out.exit_code == 0
    assert "D01-2046175-3391842 を確認済みにしました。" in out.stdout
    assert "注意" in out.stderr and "--demo" in out.stderr
    assert english_left(out.output) == []
    listed = ow("ack", "--list")
    assert listed.output.startswith("D01-2046175-3391842  ") and "日（" in listed.output
    undone = ow("ack", "--undo", "D01-2046175-3391842")
    assert "取り消しました" in undone.output and english_left(undone.output) == []
    assert ow("ack", "--list").output.strip() == "確認済みにした注文はありません。"
    for args in (("ack", "--undo", "D01-2046175-3391842"), ("ack", "12345"), ("ack",), ("ack", "--list", "--undo")):
        bad = ow(*args)
        assert bad.exit_code == 2 and japanese(bad.output) and english_left(bad.output) == [], bad.output


def test_ack_in_english_is_unchanged() -> None:
    out = ow("ack", "D01-2046175-3391842", lang="en")
    assert "D01-2046175-3391842 acknowledged: it will not be reported again." in out.stdout
    assert "Warning: no check has seen D01-2046175-3391842 in this account's history" in out.stderr
    assert "is not an order id like" in ow("ack", "12345", lang="en").output


def test_schedule_in_japanese_comments_the_lines_in_japanese() -> None:
    cron = ow("schedule", "--print", "cron")
    assert cron.exit_code == 0
    comment, line = cron.output.splitlines()
    assert comment.startswith("# crontab -e") and "毎晩03:30" in comment and english_left(comment) == []
    assert line.startswith("30 3 * * * cd ") and line.endswith("--quiet check")
    systemd = ow("schedule", "--print", "systemd")
    prose = [ln for ln in systemd.output.splitlines() if ln.startswith(("#", "Description="))]
    assert all(japanese(ln) for ln in prose if not ln.startswith("# ~/"))
    bad = ow("schedule", "--print", "cron", "--at", "25:00")
    assert bad.exit_code == 2 and "03:30 のように" in bad.output and english_left(bad.output) == []


def test_schedule_in_english_is_unchanged() -> None:
    out = ow("schedule", "--print", "cron", lang="en")
    assert out.output.startswith(
        "# crontab -e, then add (runs every night at 03:30; quiet unless something needs you):"
    )
    assert "Description=Run orderwatch every night" in ow("schedule", "--print", "systemd", lang="en").output


def test_a_mistyped_config_key_is_named_in_japanese_with_the_closest_one() -> None:
    _config("window_dayz = 3\n")
    out = ow("history")
    assert out.exit_code == 2
    assert "1行目" in out.output and "「window_dayz」" in out.output and "「window_days」" in out.output
    assert english_left(out.output) == []
    assert "line 1: unknown key 'window_dayz' — did you mean 'window_days'?" in ow("history", lang="en").output


def test_an_invalid_setting_is_explained_in_japanese() -> None:
    _config("window_days = 0\n")
    out = ow("history")
    assert (
        out.exit_code == 2 and "設定に誤りがあります" in out.output and "window_days: 1以上にしてください" in out.output
    )
    assert english_left(out.output) == []
    english = ow("history", lang="en").output
    assert "invalid settings (" in english and "greater than or equal to 1" in english


def test_a_bad_totp_secret_stops_with_exit_2_in_japanese(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDERWATCH_TOTP_SECRET", "0189 abcd efgh ijkl")
    out = ow("history")
    assert out.exit_code == 2
    assert "base32" in out.output and "もう一度コピーしてください" in out.output
    assert "0189" not in out.output  # never the secret itself
    assert english_left(out.output) == []
    assert "it is not base32: 4 character(s)" in ow("history", lang="en").output


def test_init_keyring_refuses_a_bad_totp_secret_in_japanese() -> None:
    out = ow("init", "--keyring", input="me@example.com\npw\nshort\n")
    assert out.exit_code == 2
    assert "このTOTPシークレットは使えません：短すぎます（5文字" in out.output
    assert "Amazonのメールアドレス" in out.output


def test_the_totp_and_duration_errors_are_japanese_where_they_are_built() -> None:
    with use_language("ja"):
        for raw in ("", "otpauth://totp/x?issuer=A", "abc", "1" * 20):
            with pytest.raises(ValueError) as exc:
                normalize_totp_secret(raw)
            assert japanese(str(exc.value)) and english_left(str(exc.value)) == []
        with pytest.raises(ValueError) as exc:
            parse_every("7 weeks")
        assert "「'7 weeks'」" not in str(exc.value) and "毎回" in str(exc.value)


def test_settings_errors_in_english_are_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDERWATCH_MARKETPLACE", "de")
    with pytest.raises(UsageError) as exc:
        load_settings()
    assert 'marketplace: must be "co.jp" or "com"' in exc.value.message
    assert exc.value.message.startswith("invalid settings (command-line options, ORDERWATCH_* environment, .env or ")


def test_baseline_accept_usage_errors_are_japanese() -> None:
    for args in (("baseline", "accept"), ("baseline", "accept", "--all", "devices"), ("baseline", "accept", "x")):
        out = ow(*args)
        assert out.exit_code == 2 and japanese(out.output), out.output
        assert english_left(out.output.split("使えるもの：")[0]) == [], out.output
    never = ow("baseline", "accept", "devices")
    assert "まだ一度も読み取っていない" in never.output and english_left(never.output) == []


def test_notify_test_without_targets_is_japanese() -> None:
    out = ow("notify", "--test")
    assert out.exit_code == 2 and "通知先がありません" in out.output and english_left(out.output) == []


def test_record_into_a_used_folder_is_refused_in_japanese(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "page.html").write_text("x")
    out = ow("record", "--out", str(tmp_path / "taken"))
    assert out.exit_code == 2 and "空ではありません" in out.output and "新しいフォルダを指定してください" in out.output
    assert english_left(out.output) == []
