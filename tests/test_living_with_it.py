"""init, doctor, login, ack, history, schedule, notify, record — as a user runs them."""

from __future__ import annotations

import json
import stat
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from orderwatch.parsers import parse_content, parse_devices, parse_login_security, parse_order_history
from orderwatch.replay import DEMO_EMAIL, DEMO_PASSWORD, DEMO_TOTP_SECRET, ReplaySite

from .conftest import ROOT, ow

DEMO_CREDS = {
    "ORDERWATCH_EMAIL": DEMO_EMAIL,
    "ORDERWATCH_PASSWORD": DEMO_PASSWORD,
    "ORDERWATCH_TOTP_SECRET": DEMO_TOTP_SECRET,
}
COMMANDS = (
    "init",
    "doctor",
    "login",
    "check",
    "demo",
    "parse",
    "verify-email",
    "ack",
    "history",
    "schedule",
    "notify",
    "record",
)


@pytest.fixture
def sink() -> Iterator[tuple[str, list[dict[str, object]]]]:
    """A local notification sink on loopback: apprise's json:// posts land here."""
    received: list[dict[str, object]] = []

    class Sink(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            received.append(json.loads(body))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"json://127.0.0.1:{server.server_address[1]}/notify", received
    server.shutdown()
    server.server_close()


def _config(tmp_path: Path, text: str) -> None:
    folder = tmp_path / "xdg" / "config" / "orderwatch"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text(text)


def test_help_lists_every_command() -> None:
    out = ow("--help")
    assert out.returncode == 0
    commands = out.stdout.split("Commands:")[1]
    for command in COMMANDS:
        assert f"  {command} " in commands, command


def test_init_creates_private_templates_never_overwrites_and_says_what_next(tmp_path: Path) -> None:
    out = ow("init")
    assert out.returncode == 0, out.stderr
    folder = tmp_path / "xdg" / "config" / "orderwatch"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for name in ("config.toml", "allowlist.toml"):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600
    assert "Next:" in out.stdout and "login --headed" in out.stdout
    doctor = ow("doctor", "--no-launch").stdout
    assert any(line.startswith("OK   allowlist") for line in doctor.splitlines()), doctor  # a valid template
    (folder / "allowlist.toml").write_text("# mine\n")
    again = ow("init")
    assert "kept" in again.stdout and (folder / "allowlist.toml").read_text() == "# mine\n"


def test_init_keeps_credentials_in_the_keyring_and_check_uses_them(tmp_path: Path) -> None:
    keyring_env = {
        "PYTHON_KEYRING_BACKEND": "tests.fake_keyring.FileKeyring",
        "FAKE_KEYRING_FILE": str(tmp_path / "keyring.json"),
        "PYTHONPATH": str(ROOT),
    }
    out = ow("init", "--keyring", env=keyring_env, stdin=f"{DEMO_EMAIL}\n{DEMO_PASSWORD}\n{DEMO_TOTP_SECRET}\n")
    assert out.returncode == 0, out.stderr
    config = (tmp_path / "xdg" / "config" / "orderwatch" / "config.toml").read_text()
    assert DEMO_PASSWORD not in config and DEMO_TOTP_SECRET not in config  # never in the config file
    doctor = ow("doctor", "--no-launch", env=keyring_env)
    assert "password (keyring)" in doctor.stdout and DEMO_PASSWORD not in doctor.stdout
    Path("allow.toml").write_text("")
    with ReplaySite() as site:
        check = ow("check", "--base-url", site.base_url, "--allowlist", "allow.toml", env=keyring_env)
    assert check.returncode == 1, check.stderr  # signed in with the keyring's credentials


def test_doctor_says_what_to_fix_and_exits_1_then_ok_after_a_run(tmp_path: Path) -> None:
    out = ow("doctor")
    assert out.returncode == 1
    lines = {line.split()[1]: line for line in out.stdout.splitlines() if line[:3] in ("OK ", "FIX")}
    assert lines["browser"].startswith("OK ") and "started in" in lines["browser"]
    assert lines["allowlist"].startswith("FIX") and "orderwatch init" in lines["allowlist"]
    assert lines["credentials"].startswith("FIX") and "missing" in lines["credentials"]
    assert lines["session"].startswith("FIX") and "login --headed" in lines["session"]
    ow("init")
    Path(".env").write_text("".join(f"{k}={v}\n" for k, v in DEMO_CREDS.items()))
    with ReplaySite() as site:
        _config(tmp_path, f'base_url = "{site.base_url}"\n')
        assert ow("check").returncode == 1
    out = ow("doctor", "--no-launch")
    assert DEMO_PASSWORD not in out.stdout and DEMO_TOTP_SECRET not in out.stdout
    lines = {line.split()[1]: line for line in out.stdout.splitlines() if line[:3] in ("OK ", "FIX")}
    assert all(line.startswith("OK ") for line in lines.values()), out.stdout
    assert "findings" in lines["last"]


def test_login_headless_signs_in_now_and_saves_the_session(tmp_path: Path) -> None:
    with ReplaySite() as site:
        out = ow("login", "--headless", "--base-url", site.base_url, env=DEMO_CREDS)
    assert out.returncode == 0, out.stderr
    [session] = (tmp_path / "xdg" / "state" / "orderwatch").glob("session-co.jp-127.0.0.1_*.json")
    assert stat.S_IMODE(session.stat().st_mode) == 0o600 and json.loads(session.read_text())["cookies"]


def test_ack_stops_an_order_being_reported_and_history_lists_the_runs(tmp_path: Path) -> None:
    first = ow("demo", "--report-json", "r1.json")
    assert first.returncode == 1
    assert ow("ack", "D01-2046175-3391842", "--note", "bought on purpose", "--demo").returncode == 0
    second = ow("demo", "--report-json", "r2.json")
    kinds = [f["kind"] for f in json.loads(Path("r2.json").read_text())["findings"]]
    # the Kindle order is no longer reported; the settings findings stay until `baseline accept`
    assert second.returncode == 1 and kinds == ["one_click_enabled", "trial_started", "device_added"]
    hist = ow("history", "--demo", "--json")
    runs = json.loads(hist.stdout)
    assert [r["status"] for r in runs] == ["findings", "findings"]
    assert [r["findings"] for r in runs] == [3, 4]
    assert ow("ack", "not-an-order").returncode == 2


def test_schedule_prints_units_and_a_crontab_line_with_this_installations_paths() -> None:
    systemd = ow("schedule", "--print", "systemd", "--at", "04:15")
    assert systemd.returncode == 0
    assert "OnCalendar=*-*-* 04:15:00" in systemd.stdout and "--quiet check" in systemd.stdout
    assert f"WorkingDirectory={Path.cwd()}" in systemd.stdout and "/orderwatch --quiet" in systemd.stdout
    cron = ow("schedule", "--print", "cron")
    assert "30 3 * * * cd " in cron.stdout and "--quiet check" in cron.stdout
    assert ow("schedule", "--print", "cron", "--at", "25:00").returncode == 2


def test_notify_test_reaches_a_local_sink(tmp_path: Path, sink: tuple[str, list[dict[str, object]]]) -> None:
    url, received = sink
    assert ow("notify", "--test").returncode == 2  # nothing configured
    _config(tmp_path, f'notify = ["{url}"]\n')
    out = ow("notify", "--test")
    assert out.returncode == 0, out.stderr
    assert len(received) == 1 and received[0]["title"] == "orderwatch test"
    assert url not in out.stdout + out.stderr  # a URL may carry a token: never printed


def test_a_check_notifies_new_findings_once_not_every_night(
    tmp_path: Path, sink: tuple[str, list[dict[str, object]]]
) -> None:
    url, received = sink
    Path("allow.toml").write_text(
        '[one_click]\nexpected = "off"\n[[allow]]\nseller = "Amazon.co.jp"\n'
        '[[allow]]\ntitle_pattern = "."\nseller = "スポーツ用品ショップ"\n'
        '[[allow]]\nasin = "B0DPYTHON3"\n'
    )
    with ReplaySite() as site:
        _config(
            tmp_path,
            f'notify = ["{url}"]\nbase_url = "{site.base_url}"\nallowlist = "{Path("allow.toml").resolve()}"\n',
        )
        assert ow("--quiet", "check", env=DEMO_CREDS).returncode == 1
        assert ow("--quiet", "check", env=DEMO_CREDS).returncode == 1
    assert len(received) == 1  # the second night knows both findings already
    body = str(received[0]["message"])
    assert "D01-2046175-3391842" in body and "one_click_enabled" in body


def test_record_saves_scrubbed_pages_that_parse_to_the_same_orders(tmp_path: Path) -> None:
    out = ow("record", "--demo", "--out", "rec")
    assert out.returncode == 0, out.stderr
    manifest = json.loads(Path("rec/manifest.json").read_text())
    assert [m["page"] for m in manifest] == [
        "order-history",
        "order-history",
        "order-summary",
        "order-summary",
        "one-click",
        "login-security",
        "two-step",
        "memberships",
        "devices",
        "content",
    ]
    assert all({"url", "page", "marketplace", "captured_at"} <= set(m) for m in manifest)
    assert [m["file"] for m in manifest if m["file"].endswith(".json")] == ["09-devices.json", "10-content.json"]
    report = json.loads(Path("rec/scrub-report.json").read_text())
    assert report["replaced"]["greeting_name"] >= 5 and report["replaced"]["name_or_address_block"] >= 1
    first = Path("rec/01-order-history.html").read_text()
    assert "デモ 太郎" not in first  # the demo account holder's name
    assert not [p.name for p in Path("rec").glob("*.*") if "デモ 太郎" in p.read_text()]  # on no page
    assert report["replaced"]["account_name_row"] >= 2 and report["replaced"]["device_identity"] >= 6
    recorded = "".join(p.read_text() for p in Path("rec").glob("*.*"))
    assert "demo@example.com" not in recorded and "1234-5678" not in recorded and "G000DEMO0000PW05" not in recorded
    assert "デモ太郎の" not in recorded  # device names carry the owner's name
    login = parse_login_security(Path("rec/06-login-security.html").read_text())
    assert (login.name, login.passkeys, login.two_step) == ("REDACTED", 1, True)
    assert len(parse_devices(Path("rec/09-devices.json").read_text())) == 3
    assert {c.asin for c in parse_content(Path("rec/10-content.json").read_text()).items} >= {"B0DMYST001"}
    site = ReplaySite()
    original = parse_order_history(site.order_history_html("last30", 0))
    scrubbed = parse_order_history(first)
    assert [(o.order_id, o.order_date, o.total) for o in scrubbed.orders] == [
        (o.order_id, o.order_date, o.total) for o in original.orders
    ]
    assert ow("record", "--demo", "--out", "rec").returncode == 2  # never into a folder that has files
