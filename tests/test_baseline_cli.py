"""The settings baseline as a user lives with it: the demo shows the new trial and device, `baseline show`
says what changed, `baseline accept` (after showing it) silences exactly that, and `check` against the
replay reads every settings page and prints the Settings section."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from orderwatch.replay import DEMO_EMAIL, DEMO_PASSWORD, DEMO_TOTP_SECRET, ReplaySite

from .conftest import ow


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return ow(*args, stdin=stdin)


def kinds(path: Path) -> list[str]:
    return [f["kind"] for f in json.loads(path.read_text())["findings"]]


@pytest.mark.browser
def test_the_demo_shows_the_trial_and_the_device_until_each_is_accepted(tmp_path: Path) -> None:
    first = run("demo", "--report-json", str(tmp_path / "1.json"))
    assert first.returncode == 1, first.stderr
    assert kinds(tmp_path / "1.json") == ["unexpected_order", "one_click_enabled", "trial_started", "device_added"]
    assert "Memberships & subscriptions" in first.stdout and "read in this run" in first.stdout
    assert "Settings baseline started" not in first.stdout  # the demo's baseline is last week's
    settings = json.loads((tmp_path / "1.json").read_text())["settings"]
    assert settings["login_security"] == {
        "email": "d***@example.com",
        "phone": "***-****-5678",
        "two_step": True,
        "passkeys": 1,
    }

    shown = run("baseline", "show", "--demo")
    assert shown.returncode == 0, shown.stderr
    assert "+ Amazon Music Unlimited: free trial" in shown.stdout
    assert "+ デモ太郎の2台目のAndroid (Android app" in shown.stdout  # the code stays in JSON only
    assert "demo@example.com" not in shown.stdout

    refused = run("baseline", "accept", "device_added", "--demo")  # no terminal, no --yes: nothing accepted
    assert refused.returncode == 2 and "--yes" in refused.stderr
    accepted = run("baseline", "accept", "device_added", "--demo", "--yes")
    assert accepted.returncode == 0, accepted.stderr
    assert "デモ太郎の2台目のAndroid" in accepted.stdout and "accepted: devices" in accepted.stdout

    second = run("demo", "--report-json", str(tmp_path / "2.json"))  # settings not due: the last read counts
    assert second.returncode == 1
    assert kinds(tmp_path / "2.json") == ["unexpected_order", "one_click_enabled", "trial_started"]
    assert "as read on" in second.stdout and "--settings to read them now" in second.stdout
    data = json.loads((tmp_path / "2.json").read_text())["settings"]
    assert data["devices"] is None and data["next_read"] is not None  # not read by this run

    nothing = run("baseline", "accept", "devices", "--demo", "--yes")
    assert nothing.returncode == 0 and "nothing to accept" in nothing.stdout


def test_baseline_accept_explains_bad_input() -> None:
    assert run("baseline", "accept", "--demo").returncode == 2
    both = run("baseline", "accept", "devices", "--all", "--demo")
    assert both.returncode == 2 and "not both" in both.stderr
    order = run("baseline", "accept", "unexpected_order", "--demo")
    assert order.returncode == 2 and "orderwatch ack" in order.stderr
    wrong = run("baseline", "accept", "passwords", "--demo", "--yes")
    assert wrong.returncode == 2 and "device_added" in wrong.stderr
    never = run("baseline", "accept", "devices", "--yes")
    assert never.returncode == 0 and "never read yet" in never.stdout and "--demo" in never.stdout


@pytest.mark.browser
def test_check_against_the_replay_reads_every_settings_page_and_prints_them(tmp_path: Path) -> None:
    Path(".env").write_text(
        f"ORDERWATCH_EMAIL={DEMO_EMAIL}\nORDERWATCH_PASSWORD={DEMO_PASSWORD}\nORDERWATCH_TOTP_SECRET={DEMO_TOTP_SECRET}\n"
    )
    Path("allow.toml").write_text('[settings]\ntwo_step = "on"\n')
    with ReplaySite() as site:
        out = run("check", "--base-url", site.base_url, "--allowlist", "allow.toml", "--report-json", "r.json")
        assert site.ledger == []
        paths = {p.split("?")[0] for _, p in site.requests}
        shown = run("baseline", "show", "--base-url", site.base_url)
    assert shown.returncode == 0 and "latest read" in shown.stdout and "d***@example.com" in shown.stdout
    assert out.returncode == 1, out.stderr
    for path in (
        "/ax/account/manage",
        "/a/settings/approval",
        "/hz5/yourmembershipsandsubscriptions",
        "/hz/mycd/digital-console/alldevices",
        "/hz/mycd/digital-console/contentlist/booksAll/dateDsc/",
        "/hz/mycd/digital-console/ajax",
    ):
        assert path in paths, path
    for title in ("Login & Security", "2-step verification", "Memberships", "Devices", "Kindle content"):
        assert title in out.stdout
    data = json.loads(Path("r.json").read_text())
    assert all(data["settings"][k] is not None for k in ("login_security", "two_step", "subscriptions", "devices"))
    assert DEMO_EMAIL not in out.stdout + Path("r.json").read_text()
    # the first read is the baseline: nothing of the settings is a finding yet, and the report says so
    assert not {f["kind"] for f in data["findings"]} & {"trial_started", "device_added"}
    assert "Settings baseline started for: Login & Security" in out.stdout
    assert data["settings"]["baseline_started"] == [
        "login_security",
        "two_step",
        "subscriptions",
        "devices",
        "content",
    ]
