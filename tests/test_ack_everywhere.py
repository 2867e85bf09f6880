"""`orderwatch ack` counts everywhere "expected" is decided: the check and verify-email alike."""

from __future__ import annotations

import json
import re
import shlex

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


@pytest.mark.browser
def test_the_demos_advice_names_commands_that_act_on_the_demo_and_following_it_silences_its_findings() -> None:
    """Typed as the demo's advice writes them, `ack` and `baseline accept` must act on the demo's history and
    baseline — not on the user's own account (where the demo's order would be acknowledged for nothing)."""
    first = ow("demo", "--json")
    findings = {f["kind"]: f for f in json.loads(first.stdout)["findings"]}
    commands = {
        kind: re.findall(r"`(orderwatch (?:ack|baseline accept) [^`]*)`", f["advice"]) for kind, f in findings.items()
    }
    assert commands["unexpected_order"] == ["orderwatch ack --demo D01-2046175-3391842"]
    assert commands["trial_started"] == ["orderwatch baseline accept --demo subscriptions"]
    assert commands["device_added"] == ["orderwatch baseline accept --demo devices"]
    for kind in ("unexpected_order", "trial_started", "device_added"):
        done = ow(*shlex.split(commands[kind][0])[1:], *(["--yes"] if "baseline" in commands[kind][0] else []))
        assert done.returncode == 0 and "Warning" not in done.stderr, done.stdout + done.stderr
    again = json.loads(ow("demo", "--json").stdout)
    assert [f["kind"] for f in again["findings"]] == ["one_click_enabled"]  # what the advice said to do is done
    assert "D01-2046175-3391842" not in ow("ack", "--list").stdout  # nothing landed in the user's own account
    assert "D01-2046175-3391842" in ow("ack", "--list", "--demo").stdout


def test_the_demo_commands_keep_their_place_in_a_japanese_advice() -> None:
    from orderwatch.diff import for_the_demo

    text = "ご自身で買ったものなら、許可リストに追加するか `orderwatch ack D01-2046175-3391842` を実行してください。"
    assert for_the_demo(text).endswith("`orderwatch ack --demo D01-2046175-3391842` を実行してください。")
    assert (
        for_the_demo("run `orderwatch baseline accept devices`.") == "run `orderwatch baseline accept --demo devices`."
    )
    assert for_the_demo("`orderwatch history`") == "`orderwatch history`"
