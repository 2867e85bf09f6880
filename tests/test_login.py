"""`orderwatch login --headed`: orderwatch waits while a person signs in (here: a script acting as the
person, in a headless browser), with the guard on, then saves the session."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Browser, BrowserContext

from orderwatch.errors import HumanNeededError
from orderwatch.flows.login import wait_for_person
from orderwatch.flows.session import CheckTarget
from orderwatch.flows.signin import Credentials
from orderwatch.marketplace import MARKETPLACES
from orderwatch.replay import DEMO_EMAIL, DEMO_PASSWORD, DEMO_TOTP_SECRET, ReplaySite
from orderwatch.state import SignInCooldown

pytestmark = pytest.mark.browser


def _person(context: BrowserContext) -> None:
    """Types like a person would, a moment after each sign-in page appears."""
    code = pyotp.TOTP(DEMO_TOTP_SECRET).now()
    context.add_init_script(f"""
        window.addEventListener("DOMContentLoaded", () => setTimeout(() => {{
            const q = (s) => document.querySelector(s);
            if (q("#auth-mfa-otpcode")) {{ q("#auth-mfa-otpcode").value = "{code}"; q("#auth-signin-button").click(); }}
            else if (q("#ap_password")) {{ q("#ap_password").value = "{DEMO_PASSWORD}"; q("#signInSubmit").click(); }}
            else if (q("#ap_email")) {{ q("#ap_email").value = "{DEMO_EMAIL}"; q("input#continue").click(); }}
        }}, 200));
    """)


def _target(site: ReplaySite, tmp_path: Path) -> CheckTarget:
    return CheckTarget(
        MARKETPLACES["co.jp"],
        site.base_url,
        tmp_path / "state" / "session.json",
        Credentials(None, None, None),
        timeout_s=5,
        retry_backoff_s=0.05,
    )


def test_orderwatch_waits_for_the_person_and_saves_the_session(
    browser: Browser, replay: ReplaySite, tmp_path: Path
) -> None:
    target = _target(replay, tmp_path)
    cooldown = SignInCooldown(tmp_path / "state" / "session.cooldown.json")
    cooldown.start("captcha")
    wait_for_person(browser, target, timeout_s=20, poll_s=0.2, prepare=_person)
    session = target.session_file
    assert stat.S_IMODE(session.stat().st_mode) == 0o600 and json.loads(session.read_text())["cookies"]
    assert cooldown.active_until() is None  # the person's sign-in ends the cool-down
    posts = [p for m, p in replay.requests if m == "POST"]
    assert [p.split("?")[0] for p in posts] == ["/ap/signin", "/ap/signin", "/ap/mfa"]


def test_nobody_signing_in_ends_with_a_clear_reason(browser: Browser, replay: ReplaySite, tmp_path: Path) -> None:
    with pytest.raises(HumanNeededError) as err:
        wait_for_person(browser, _target(replay, tmp_path), timeout_s=1, poll_s=0.2)
    assert err.value.state == "login_timeout"
    assert not (tmp_path / "state" / "session.json").exists()
