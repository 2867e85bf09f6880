"""Secrets never leak: a full check with sentinel credentials, the most verbose logging and tracing on,
a failing second run that leaves snapshots; then every file produced (archives unpacked) and all
console output is searched for the password, the TOTP secret, the one-time codes and the cookies."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pyotp
import pytest

from orderwatch.replay import ReplaySite

from .conftest import cli_env

pytestmark = pytest.mark.browser

EMAIL = "sentinel-user@example.com"
PASSWORD = "Sentinel-Pa55-9f3c2e7d"
TOTP_SECRET = "SENTINELSENTINELSENTINELSENTINEL"


def _orderwatch(*args: str) -> subprocess.CompletedProcess[str]:
    env = cli_env(ORDERWATCH_EMAIL=EMAIL, ORDERWATCH_PASSWORD=PASSWORD, ORDERWATCH_TOTP_SECRET=TOTP_SECRET)
    return subprocess.run(
        [sys.executable, "-m", "orderwatch", *args], capture_output=True, text=True, env=env, check=False, timeout=120
    )


def _contents(root: Path) -> dict[str, bytes]:
    """Every file below ``root``, zip archives unpacked (entry names appended to the path)."""
    out: dict[str, bytes] = {}
    for path in root.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        out[str(path)] = data
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    out[f"{path}!{name}"] = archive.read(name)
    return out


def test_sentinel_secrets_appear_nowhere(tmp_path: Path) -> None:
    Path("allow.toml").write_text("")
    start = time.time()
    with ReplaySite(credentials=(EMAIL, PASSWORD, TOTP_SECRET)) as site:
        first = _orderwatch(
            "-vvv",
            "check",
            "--base-url",
            site.base_url,
            "--allowlist",
            "allow.toml",
            "--trace",
            "--report-json",
            "r.json",
            "--report-md",
            "r.md",
        )
    assert first.returncode == 1, first.stderr
    with ReplaySite(credentials=(EMAIL, PASSWORD, TOTP_SECRET), faults=frozenset({"orders-truncated"})) as site:
        second = _orderwatch("-vvv", "check", "--base-url", site.base_url, "--allowlist", "allow.toml", "--trace")
    assert second.returncode == 1, second.stderr  # the history unread (its snapshot is searched too), 1-Click on
    helps = [_orderwatch(*cmd, "--help") for cmd in (["check"], ["demo"], ["verify-email"], [])]

    state = tmp_path / "xdg" / "state" / "orderwatch"
    session_files = [
        p for p in state.glob("session-*.json") if not p.name.endswith((".cooldown.json", ".baseline.json"))
    ]
    cookies = [c["value"] for p in session_files for c in json.loads(p.read_text())["cookies"]]
    assert cookies, "the run must have signed in and saved a session"
    totp = pyotp.TOTP(TOTP_SECRET)
    codes = {totp.at(start + offset) for offset in range(-60, int(time.time() - start) + 61, 10)}
    sentinels = {"password": PASSWORD, "TOTP secret": TOTP_SECRET} | {f"cookie {i}": c for i, c in enumerate(cookies)}

    files = _contents(tmp_path)
    produced = [name for name in files if "/xdg/" in name or name.endswith(("r.json", "r.md"))]
    assert any(name.endswith(".zip!trace.trace") or ".zip!" in name for name in produced), "a trace was recorded"
    assert any("snapshots" in name for name in produced), "the failing run saved a snapshot"
    console = "".join(p.stdout + p.stderr for p in (first, second, *helps))
    leaks = []
    for label, value in sentinels.items():
        if value in console:
            leaks.append(f"{label} in console output")
        for name in produced:
            if name in {str(p) for p in session_files}:
                continue  # the session store holds the cookies by design (0600), never the credentials
            if value.encode() in files[name]:
                leaks.append(f"{label} in {name}")
    # A typed code shows up as a value: otpCode=123456, "123456", >123456<, : 123456. (A bare 6-digit run
    # inside a timestamp such as 348512.345 or a run folder name is not a leak and must not fail the test.)
    alternatives = b"|".join(c.encode() for c in codes)
    code_re = re.compile(rb"""(?:=|"|'|>|:\s?|\s)(""" + alternatives + rb""")(?:"|'|<|&|\s|$)""")
    for name in produced:
        if not name.endswith((".png", ".jpeg", ".jpg")) and code_re.search(files[name]):
            leaks.append(f"a one-time code in {name}")
    for label in ("password", "TOTP secret"):
        for session_file in session_files:
            if sentinels[label].encode() in files[str(session_file)]:
                leaks.append(f"{label} in {session_file.name}")
    assert leaks == []


def test_state_and_run_files_are_private(tmp_path: Path) -> None:
    Path("allow.toml").write_text("")
    with ReplaySite(credentials=(EMAIL, PASSWORD, TOTP_SECRET)) as site:
        out = _orderwatch("check", "--base-url", site.base_url, "--allowlist", "allow.toml")
    assert out.returncode == 1, out.stderr
    for root in (tmp_path / "xdg" / "state" / "orderwatch", tmp_path / "xdg" / "data" / "orderwatch"):
        for path in [root, *root.rglob("*")]:
            mode = stat.S_IMODE(path.stat().st_mode)
            assert mode == (0o700 if path.is_dir() else 0o600), f"{path} has mode {oct(mode)}"


def test_help_never_shows_configured_secrets() -> None:
    out = _orderwatch("check", "--help")
    assert out.returncode == 0 and PASSWORD not in out.stdout and TOTP_SECRET not in out.stdout
    assert os.environ.get("ORDERWATCH_PASSWORD") is None
