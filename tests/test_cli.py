"""The `orderwatch` command as a user runs it: a subprocess with its own XDG folders."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from orderwatch.replay import DEMO_EMAIL, DEMO_PASSWORD, DEMO_TOTP_SECRET, ReplaySite

from .conftest import cli_env

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "orderwatch"]


def run(*args: str, env: dict[str, str] | None = None, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    full_env = cli_env() | (env or {})
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=full_env, timeout=timeout, check=False)


def test_help_lists_the_commands_and_exit_codes() -> None:
    out = run("--help")
    assert out.returncode == 0
    for word in ("demo", "check", "parse", "Exit codes"):
        assert word in out.stdout


@pytest.mark.browser
def test_demo_exits_1_with_the_kindle_order_one_click_the_trial_and_the_device(tmp_path: Path) -> None:
    out = run("demo", "--report-json", str(tmp_path / "r.json"), "--report-md", str(tmp_path / "r.md"))
    assert out.returncode == 1, out.stderr
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["status"] == "findings"
    assert [(f["kind"], f["severity"], f["subject"]) for f in data["findings"]] == [
        ("unexpected_order", "high", "D01-2046175-3391842"),
        ("one_click_enabled", "medium", "one_click"),
        ("trial_started", "medium", "subscription:Amazon Music Unlimited"),
        ("device_added", "medium", "device:デモ太郎の2台目のAndroid"),
    ]
    assert data["one_click"] == {"enabled": True}
    assert "D01-2046175-3391842" in out.stdout and "yesterday" in out.stdout
    assert "unexpected_order" in (tmp_path / "r.md").read_text()
    [run_dir] = (tmp_path / "xdg" / "data" / "orderwatch" / "demo" / "runs").iterdir()
    assert {p.name for p in run_dir.iterdir()} >= {"report.json", "report.md", "run.log"}
    # a second demo reuses the saved session
    again = run("demo", "--report-json", str(tmp_path / "r2.json"))
    assert again.returncode == 1
    assert json.loads((tmp_path / "r2.json").read_text())["signed_in"] == "reused_session"


@pytest.mark.browser
def test_check_against_a_loopback_replay_with_credentials_from_dotenv(tmp_path: Path) -> None:
    Path(".env").write_text(
        f"ORDERWATCH_EMAIL={DEMO_EMAIL}\nORDERWATCH_PASSWORD={DEMO_PASSWORD}\nORDERWATCH_TOTP_SECRET={DEMO_TOTP_SECRET}\n"
    )
    Path("allow.toml").write_text("")  # empty: allows nothing
    with ReplaySite() as site:
        out = run(
            "check",
            "--base-url",
            site.base_url,
            "--allowlist",
            "allow.toml",
            "--report-json",
            str(tmp_path / "r.json"),
        )
        assert site.ledger == []
    assert out.returncode == 1, out.stderr
    data = json.loads((tmp_path / "r.json").read_text())
    assert len([f for f in data["findings"] if f["kind"] == "unexpected_order"]) == 10  # all but the cancelled one
    assert DEMO_PASSWORD not in out.stdout + out.stderr


def test_check_refuses_a_base_url_that_is_neither_amazon_nor_loopback(tmp_path: Path) -> None:
    Path("allow.toml").write_text("")
    out = run("check", "--base-url", "https://amaz0n-security.example", "--allowlist", "allow.toml")
    assert out.returncode == 2
    assert "refused" in out.stderr


def test_check_with_a_bad_allowlist_exits_2_naming_file_and_line() -> None:
    Path("allow.toml").write_text('[one_click]\nexpected = "sometimes"\n')
    out = run("check", "--base-url", "http://127.0.0.1:9", "--allowlist", "allow.toml")
    assert out.returncode == 2
    assert "allow.toml, line 2" in out.stderr


def test_check_without_session_or_credentials_exits_2_naming_what_is_missing() -> None:
    Path("allow.toml").write_text("")
    out = run("check", "--base-url", "http://127.0.0.1:9", "--allowlist", "allow.toml")
    assert out.returncode == 2
    assert "ORDERWATCH_EMAIL" in out.stderr and "ORDERWATCH_TOTP_SECRET" in out.stderr


def test_parse_prints_the_parser_json_of_a_saved_page(tmp_path: Path) -> None:
    site = ReplaySite()
    page = tmp_path / "history.html"
    page.write_text(site.order_history_html("last30", 10))
    out = run("parse", str(page), "--page", "order-history")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert (data["page"], data["marketplace"], data["declared_count"]) == ("order-history", "co.jp", 11)
    assert [o["order_id"] for o in data["orders"]] == ["249-8143359-0072816"]


def test_parse_exits_3_naming_the_file_for_an_unreadable_page(tmp_path: Path) -> None:
    good = tmp_path / "one-click.html"
    good.write_text(ReplaySite().render("one-click.html", signed_in=True, one_click_enabled=False))
    bad = tmp_path / "truncated.html"
    bad.write_text("<html><body><div")
    out = run("parse", str(bad), str(good), "--page", "one-click")
    assert out.returncode == 3
    assert "truncated.html" in out.stderr and "1-Click switch" in out.stderr
    assert json.loads(out.stdout)["one_click"] == {"enabled": False}  # the readable file is still printed


def test_a_second_check_while_one_runs_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    from orderwatch.state import RunLock

    Path("allow.toml").write_text("")
    env = {
        "ORDERWATCH_EMAIL": "a@b.c",
        "ORDERWATCH_PASSWORD": "pw-123456",
        "ORDERWATCH_TOTP_SECRET": "JBSWY3DPEHPK3PXP",
    }
    with RunLock(tmp_path / "xdg" / "state" / "orderwatch"):
        out = run("check", "--base-url", "http://127.0.0.1:9", "--allowlist", "allow.toml", env=env)
    assert out.returncode == 3
    assert "another orderwatch run is using this account's session" in out.stderr and "pid" in out.stderr
    assert not (tmp_path / "xdg" / "data" / "orderwatch" / "runs").exists()  # refused before anything was written


def test_an_unforeseen_failure_exits_3_never_clean_or_findings(tmp_path: Path) -> None:
    # Given: a history database that is not a database at all
    data = tmp_path / "xdg" / "data" / "orderwatch"
    data.mkdir(parents=True)
    (data / "history.sqlite3").write_bytes(b"this is not sqlite" * 100)
    out = run("history")
    assert out.returncode == 3
    assert "internal error" in out.stderr and "Traceback" not in out.stderr


@pytest.mark.browser
def test_a_check_that_cannot_read_one_summary_reports_the_order_and_what_was_missing(tmp_path: Path) -> None:
    """The user's view of a partial run: exit 1, the Kindle order from its history card, and what could not
    be read with its snapshot and the next step — in the terminal, report.json and report.md."""
    Path(".env").write_text(
        f"ORDERWATCH_EMAIL={DEMO_EMAIL}\nORDERWATCH_PASSWORD={DEMO_PASSWORD}\nORDERWATCH_TOTP_SECRET={DEMO_TOTP_SECRET}\n"
    )
    Path("allow.toml").write_text('[[allow]]\nseller = "Amazon.co.jp"\n[[allow]]\nasin = "B0DPYTHON3"\n')
    with ReplaySite(faults=frozenset({"summary-unreadable"})) as site:
        out = run("check", "--base-url", site.base_url, "--allowlist", "allow.toml", "--report-json", "r.json")
        assert site.ledger == []
    assert out.returncode == 1, out.stderr
    assert "Payment details could not be read" in out.stdout
    assert "Could not be read (1):" in out.stdout and "order-summary D01-2046175-3391842" in out.stdout
    data = json.loads(Path("r.json").read_text())
    assert data["status"] == "findings" and data["incomplete"]["reason"] == "page_changed"
    [page] = data["incomplete"]["pages"]
    assert page["order_id"] == "D01-2046175-3391842" and Path(page["snapshot"]).exists()
    kindle = next(f for f in data["findings"] if f["subject"] == "D01-2046175-3391842")
    assert "霧の館の密室" in kindle["message"]
    run_dir = Path(page["snapshot"]).parents[1]
    assert "## What could not be read" in (run_dir / "report.md").read_text()
    assert 'id="unread"' in (run_dir / "report.html").read_text()
