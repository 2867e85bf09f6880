"""Settings precedence, secrets kept out of reprs and logs, private files, refused base URLs."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest
from loguru import logger

from orderwatch.cli_base import check_base_url
from orderwatch.config import load_settings, write_private
from orderwatch.errors import UsageError
from orderwatch.logs import add_logfile, register_secret
from orderwatch.replay import DEMO_EMAIL, DEMO_PASSWORD, DEMO_TOTP_SECRET

ROOT = Path(__file__).resolve().parents[1]


def test_explicit_argument_beats_environment_which_beats_dotenv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Path(".env").write_text("ORDERWATCH_MARKETPLACE=com\nORDERWATCH_WINDOW_DAYS=10\nORDERWATCH_EMAIL=a@b.c\n")
    monkeypatch.setenv("ORDERWATCH_WINDOW_DAYS", "20")
    s = load_settings()
    assert (s.marketplace, s.window_days, s.email) == ("com", 20, "a@b.c")
    s = load_settings(window_days=5, marketplace="co.jp")
    assert (s.marketplace, s.window_days) == ("co.jp", 5)


def test_config_toml_in_the_config_folder_is_the_lowest_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "xdg" / "config" / "orderwatch"
    cfg.mkdir(parents=True)
    (cfg / "config.toml").write_text('marketplace = "com"\nwindow_days = 45\n')
    monkeypatch.setenv("ORDERWATCH_WINDOW_DAYS", "7")
    s = load_settings()
    assert (s.marketplace, s.window_days) == ("com", 7)


def test_bad_settings_are_a_usage_error_naming_the_field(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDERWATCH_MARKETPLACE", "de")
    with pytest.raises(UsageError, match="marketplace"):
        load_settings()


def test_secrets_are_masked_in_the_settings_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDERWATCH_PASSWORD", "hunter2-sentinel")
    monkeypatch.setenv("ORDERWATCH_TOTP_SECRET", "SENTINELSECRETBASE32")
    s = load_settings()
    assert "hunter2-sentinel" not in repr(s) and "SENTINELSECRETBASE32" not in repr(s)


def test_registered_secrets_never_reach_a_log_file(tmp_path: Path) -> None:
    register_secret("pw-sentinel-4711")
    sink = add_logfile(tmp_path / "log.txt", level="TRACE")
    try:
        logger.trace("typed pw-sentinel-4711 into the form")
        logger.bind(value="pw-sentinel-4711").error("again {}", "pw-sentinel-4711")
    finally:
        logger.remove(sink)
    text = (tmp_path / "log.txt").read_text()
    assert "pw-sentinel-4711" not in text and text.count("[secret]") == 2


@pytest.mark.parametrize(
    "written",
    [
        "pw sentinel/4711&x=1",  # as typed, inside a query
        "pw+sentinel%2F4711%26x%3D1",  # form-encoded, as a page's script or URLSearchParams writes it
        "pw%20sentinel%2F4711%26x%3D1",  # percent-encoded (encodeURIComponent)
        "pw%20sentinel/4711%26x%3d1",  # "/" left as it is, lower-case hex
    ],
)
def test_a_secret_inside_a_url_is_masked_in_the_log_however_it_is_encoded(tmp_path: Path, written: str) -> None:
    register_secret("pw sentinel/4711&x=1")
    sink = add_logfile(tmp_path / "log.txt", level="TRACE")
    try:
        logger.warning("guard blocked GET https://evil.example/collect?u=me&p={}&n=2", written)
    finally:
        logger.remove(sink)
    text = (tmp_path / "log.txt").read_text()
    assert "sentinel" not in text and "4711" not in text, text
    assert "https://evil.example/collect?u=me&p=[secret]&n=2" in text  # the rest of the line is kept to read


def test_private_files_are_0600_in_0700_folders_and_replaced_atomically(tmp_path: Path) -> None:
    path = tmp_path / "state" / "orderwatch" / "session.json"
    write_private(path, "one")
    path.chmod(0o644)  # an existing file keeps its mode with a plain open(): ours must not
    write_private(path, "two")
    assert path.read_text() == "two"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.parent.parent.stat().st_mode) == 0o700  # created parents are private too
    assert [p.name for p in path.parent.iterdir()] == ["session.json"]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.amazon.co.jp", ("https://www.amazon.co.jp", False)),
        ("https://www.amazon.co.jp/", ("https://www.amazon.co.jp", False)),
        ("http://127.0.0.1:8080", ("http://127.0.0.1:8080", True)),
        ("http://localhost:9", ("http://localhost:9", True)),
        ("http://[::1]:80", ("http://[::1]:80", True)),
        ("http://127.1.2.3:5000/", ("http://127.1.2.3:5000", True)),
    ],
)
def test_base_url_accepts_the_marketplace_host_and_loopback(url: str, expected: tuple[str, bool]) -> None:
    # the flag decides how the run behaves: the real site gets the pause and its own resolver rules
    # (tests/test_real_site_pause_and_resolver.py), loopback neither
    assert check_base_url(url, "www.amazon.co.jp") == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example",
        "http://www.amazon.co.jp",
        "https://www.amazon.co.jp.evil.example",
        "http://10.0.0.5:8080",
        "http://192.168.1.2",
        "ftp://127.0.0.1",
        "http://127.0.0.1:8080/path",
        "https://www.amazon.com",
    ],
)
def test_base_url_refuses_anything_else(url: str) -> None:
    with pytest.raises(UsageError) as err:
        check_base_url(url, "www.amazon.co.jp")
    assert err.value.exit_code == 2


def test_env_example_holds_the_demo_values_the_replay_site_checks() -> None:
    values = dict(re.findall(r"^(ORDERWATCH_\w+)=(.*)$", (ROOT / ".env.example").read_text(), re.M))
    assert values["ORDERWATCH_EMAIL"] == DEMO_EMAIL
    assert values["ORDERWATCH_PASSWORD"] == DEMO_PASSWORD
    assert values["ORDERWATCH_TOTP_SECRET"] == DEMO_TOTP_SECRET


def test_gitignore_keeps_env_sessions_and_runs_out_of_git() -> None:
    ignored = (ROOT / ".gitignore").read_text().split()
    assert {".env", "runs/", "*.har"} <= set(ignored)


def test_real_runs_prefer_full_chromium_and_tests_the_headless_shell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from orderwatch.bots.browser import find_browser

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("chromium-headless-shell", "chromium"):
        exe = bin_dir / name
        exe.write_text("#!/bin/sh\n")
        exe.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    assert find_browser() == bin_dir / "chromium-headless-shell"
    assert find_browser(prefer_full=True) == bin_dir / "chromium"
    assert find_browser(headed=True) == bin_dir / "chromium"
    with pytest.raises(UsageError, match="not an executable"):
        find_browser(tmp_path / "missing-browser")
