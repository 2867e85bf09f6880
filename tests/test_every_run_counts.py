"""Every check, however it ends, is a run: a history row, counted toward notify_incomplete_after, shown by
`doctor` — and a heartbeat (dead-man's switch) pinged at start, on completion, and on failure."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from orderwatch.replay import DEMO_EMAIL, DEMO_PASSWORD, DEMO_TOTP_SECRET, ReplaySite

from .conftest import ow


@pytest.fixture
def listener() -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """A loopback server standing in for the heartbeat service and apprise's json:// target."""
    hits: list[tuple[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _answer(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8", "replace")
            hits.append((self.path, body))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST = do_HEAD = _answer

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def config(tmp_path: Path, text: str) -> None:
    folder = tmp_path / "xdg" / "config" / "orderwatch"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text(text)


def test_a_check_that_fails_before_its_report_is_a_run_notified_and_shown_by_doctor(
    tmp_path: Path, listener: tuple[str, list[tuple[str, str]]]
) -> None:
    host, hits = listener
    Path("allow.toml").write_text("[[allow]]\nasin = 12\n")  # broken: asin must be a string
    config(
        tmp_path,
        f'allowlist = "{Path("allow.toml").resolve()}"\nheartbeat_url = "http://{host}/hb"\n'
        f'notify = ["json://{host}/notify"]\nnotify_incomplete_after = 2\n',
    )
    first = ow("--quiet", "check")
    assert first.returncode == 2 and "allow.toml" in first.stderr
    assert [p for p, _ in hits] == ["/hb/start", "/hb/fail"]
    second = ow("--quiet", "check")
    assert second.returncode == 2
    runs = json.loads(ow("history", "--json").stdout)
    assert [(r["status"], r["error_reason"]) for r in runs] == [("incomplete", "usage_error")] * 2
    notices = [b for p, b in hits if p == "/notify"]
    assert len(notices) == 1 and "could not be completed 2 times in a row" in notices[0]  # the second failure
    doctor = ow("doctor", "--no-launch")
    assert "could not complete (usage_error)" in doctor.stdout and "ended before writing a report" in doctor.stdout


def test_missing_credentials_and_an_internal_error_leave_a_row_too(tmp_path: Path) -> None:
    config(tmp_path, "")
    Path("allow.toml").write_text("")
    missing = ow("check", "--allowlist", "allow.toml")
    assert missing.returncode == 2 and "no saved session" in missing.stderr
    [run] = json.loads(ow("history", "--json").stdout)
    assert (run["status"], run["error_reason"]) == ("incomplete", "usage_error")


@pytest.mark.browser
def test_a_completed_check_pings_start_and_success(tmp_path: Path, listener: tuple[str, list[tuple[str, str]]]) -> None:
    host, hits = listener
    Path(".env").write_text(
        f"ORDERWATCH_EMAIL={DEMO_EMAIL}\nORDERWATCH_PASSWORD={DEMO_PASSWORD}\nORDERWATCH_TOTP_SECRET={DEMO_TOTP_SECRET}\n"
    )
    Path("allow.toml").write_text("")
    config(tmp_path, f'heartbeat_url = "http://{host}/hb/"\n')
    with ReplaySite() as site:
        out = ow("--quiet", "check", "--base-url", site.base_url, "--allowlist", "allow.toml")
    assert out.returncode == 1, out.stderr  # findings: the check ran, so the heartbeat says success
    assert [p for p, _ in hits] == ["/hb/start", "/hb"]


def test_a_heartbeat_url_that_is_not_http_is_a_config_error(tmp_path: Path) -> None:
    config(tmp_path, 'heartbeat_url = "hc-ping.com/abc"\n')
    out = ow("check")
    assert out.returncode == 2 and "heartbeat_url" in out.stderr


def test_notify_test_names_the_target_that_failed_and_why(
    tmp_path: Path, listener: tuple[str, list[tuple[str, str]]]
) -> None:
    host, hits = listener
    targets = [f"json://{host}/n{i}" for i in range(1, 10)] + ["json://127.0.0.1:9/closed"]
    config(tmp_path, "notify = [" + ", ".join(f'"{t}"' for t in targets) + "]\n")
    out = ow("notify", "--test")
    assert out.returncode == 1
    lines = out.stdout.splitlines()
    assert lines[0] == "sent    notification target #1"  # #10 failing must not mark #1
    assert lines[9].startswith("FAILED  notification target #10: ") and len(lines[9]) > 40
    assert "Connection error" in lines[9] and "/closed" not in out.stdout + out.stderr  # why, never the URL
    assert len([p for p, _ in hits if p.startswith("/n")]) == 9


def test_doctor_names_a_notification_target_apprise_cannot_use(tmp_path: Path) -> None:
    config(tmp_path, 'notify = ["ntfy://ntfy.sh/topic", "notaservice://secret-token@x"]\n')
    out = ow("doctor", "--no-launch")
    assert "FIX  notify       2 target(s); not valid apprise URLs: #2" in out.stdout
    assert "secret-token" not in out.stdout


def test_a_high_finding_goes_out_as_a_failure_with_the_report_path_and_the_ack_command() -> None:
    from datetime import UTC, date, datetime

    from orderwatch.diff import Finding
    from orderwatch.notify import decide
    from orderwatch.report import Report

    when = datetime(2026, 11, 28, 3, 30, tzinfo=UTC)
    report = Report("co.jp", "https://www.amazon.co.jp", date(2026, 11, 28), date(2026, 10, 29), when)
    report.findings = [Finding("unexpected_order", "high", "D01-2046175-3391842", "A digital order …", "Refund.")]
    notice = decide(report, [], {}, report_path="/runs/x/report.html")
    assert notice is not None and notice.level == "failure"
    assert "Report: /runs/x/report.html" in notice.body and "orderwatch ack ORDER_ID" in notice.body
    report.findings = [Finding("device_added", "medium", "device:x", "A device …", "Deregister.")]
    notice = decide(report, [], {})
    assert notice is not None and notice.level == "warning"
