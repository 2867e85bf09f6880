"""Against a real account. Never runs by default (`-m "not live"` in pytest's addopts): select it with
`pytest -m live` and set ORDERWATCH_LIVE=1 plus the credentials in the environment."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.live


def test_live_check_completes_on_a_real_account() -> None:
    if os.environ.get("ORDERWATCH_LIVE") != "1":
        pytest.skip("set ORDERWATCH_LIVE=1 and ORDERWATCH_EMAIL/PASSWORD/TOTP_SECRET to run against a real account")
    out = subprocess.run([sys.executable, "-m", "orderwatch", "check"], capture_output=True, text=True, check=False)
    assert out.returncode in (0, 1), out.stderr
