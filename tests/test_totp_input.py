"""TOTP secrets as people copy them: groups of four with spaces, lower case, an otpauth:// URI — normalised;
anything else stops with exit 2 when the settings load, before any sign-in step sends a thing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyotp
import pytest

from orderwatch.config import load_settings
from orderwatch.credentials import normalize_totp_secret
from orderwatch.errors import UsageError
from orderwatch.replay import DEMO_EMAIL, DEMO_PASSWORD, DEMO_TOTP_SECRET, ReplaySite

from .conftest import cli_env

SPACED = "jbsw y3dp ehpk 3pxp jbsw y3dp"  # the demo's secret as Amazon shows it, typed in lower case


@pytest.mark.parametrize(
    "raw",
    [
        DEMO_TOTP_SECRET,
        SPACED,
        " JBSW Y3DP EHPK 3PXP JBSW Y3DP \n",
        "JBSW-Y3DP-EHPK-3PXP-JBSW-Y3DP",
        "JBSWY3DPEHPK3PXPJBSWY3DP====",
        f"otpauth://totp/Amazon%3Ademo%40example.com?secret={SPACED.replace(' ', '')}&issuer=Amazon",
    ],
)
def test_secrets_as_people_copy_them_are_normalised(raw: str) -> None:
    assert normalize_totp_secret(raw) == DEMO_TOTP_SECRET
    pyotp.TOTP(normalize_totp_secret(raw)).now()


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("JBSW Y3DP 0000 1111 8888", "not base32"),
        ("JBSWY3DP", "too short"),
        ("", "empty"),
        ("otpauth://totp/Amazon?issuer=Amazon", "no secret="),
    ],
)
def test_a_secret_that_cannot_be_used_is_named_without_its_value(raw: str, why: str) -> None:
    with pytest.raises(ValueError, match=why) as info:
        normalize_totp_secret(raw)
    assert not raw or raw not in str(info.value)


def test_settings_load_normalises_and_refuses_with_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORDERWATCH_TOTP_SECRET", SPACED)
    settings = load_settings()
    assert settings.totp_secret is not None and settings.totp_secret.get_secret_value() == DEMO_TOTP_SECRET
    monkeypatch.setenv("ORDERWATCH_TOTP_SECRET", "JBSW Y3DP 0000 1111 8888")
    with pytest.raises(UsageError, match="totp_secret: it is not base32") as info:
        load_settings()
    assert info.value.exit_code == 2 and "0000" not in info.value.message


@pytest.mark.browser
def test_check_signs_in_with_a_spaced_lower_case_secret_and_never_starts_with_a_bad_one(tmp_path: Path) -> None:
    def check(secret: str, site: ReplaySite) -> subprocess.CompletedProcess[str]:
        Path(".env").write_text(
            f"ORDERWATCH_EMAIL={DEMO_EMAIL}\nORDERWATCH_PASSWORD={DEMO_PASSWORD}\nORDERWATCH_TOTP_SECRET={secret}\n"
        )
        Path("allow.toml").write_text("")
        return subprocess.run(
            [sys.executable, "-m", "orderwatch", "check", "--base-url", site.base_url, "--allowlist", "allow.toml"],
            capture_output=True,
            text=True,
            env=cli_env(XDG_STATE_HOME=str(tmp_path / f"state-{len(site.requests)}")),
            timeout=120,
            check=False,
        )

    with ReplaySite() as site:
        bad = check("JBSW Y3DP 0000 1111 8888", site)
        assert bad.returncode == 2 and "totp_secret" in bad.stderr and "0000" not in bad.stderr
        assert site.requests == []  # nothing was sent: not the e-mail, not the password
        good = check(SPACED, site)
        assert good.returncode == 1, good.stderr  # signed in; the empty allowlist expects nothing
        assert [p for m, p in site.requests if m == "POST" and p.startswith("/ap/mfa")]
