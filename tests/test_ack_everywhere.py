"""`orderwatch ack` counts everywhere "expected" is decided: the check and verify-email alike."""

from __future__ import annotations

import json

import pytest

from orderwatch.replay.account import MAILS

from .conftest import ow

MAIL = MAILS / "genuine-digital-ja.eml"  # the story's Kindle order, D01-2046175-3391842


@pytest.mark.browser
def test_after_ack_verify_email_no_longer_calls_the_order_unexpected() -> None:
    before = ow("verify-email", "--demo", "--json", str(MAIL))
    data = json.loads(before.stdout)
    assert before.returncode == 1 and data["verdict"] == "genuine", before.stdout + before.stderr
    assert any("ack" in a for a in data["advice"])
    assert ow("ack", "D01-2046175-3391842", "--demo").returncode == 0
    after = ow("verify-email", "--demo", "--json", str(MAIL))
    data = json.loads(after.stdout)
    assert after.returncode == 0, after.stdout + after.stderr
    assert data["verdict"] == "genuine" and not any("acknowledge" in a for a in data["advice"])


def test_ack_reads_ids_as_people_paste_them_lists_and_undoes() -> None:
    wide = ow("ack", "ｄ０１－２０４６１７５－３３９１８４２", "--note", "本を買った", "--demo")
    assert wide.returncode == 0, wide.stderr
    assert "D01-2046175-3391842 acknowledged" in wide.stdout
    assert "no check has seen D01-2046175-3391842" in wide.stderr  # never seen: a warning, still kept
    assert ow("ack", " d01-8830512-4461970 ", "--demo").returncode == 0
    listed = ow("ack", "--list", "--demo")
    assert listed.returncode == 0
    assert "D01-2046175-3391842" in listed.stdout and "本を買った" in listed.stdout
    assert "D01-8830512-4461970" in listed.stdout
    undo = ow("ack", "--undo", "D01-2046175-3391842", "--demo")
    assert undo.returncode == 0 and "judges it again" in undo.stdout
    assert "D01-2046175-3391842" not in ow("ack", "--list", "--demo").stdout
    again = ow("ack", "--undo", "D01-2046175-3391842", "--demo")
    assert again.returncode == 2 and "not acknowledged" in again.stderr
    assert ow("ack", "D01-123", "--demo").returncode == 2
    assert ow("ack", "--demo").returncode == 2
