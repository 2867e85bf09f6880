"""A bug or an unforeseen failure ends any command with exit 3 and one line that says what did not complete
(issue 15): "the check did not complete" only where a check was running."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import pytest
from click.testing import CliRunner, Result

import orderwatch.config
import orderwatch.parsers
from orderwatch.cli import main


def broken(*_args: object, **_kwargs: object) -> NoReturn:
    raise RuntimeError("a bug nobody foresaw")


def invoke(*args: str) -> Result:
    # catch_exceptions=False: the group itself must turn the exception into its message and exit code
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_a_bug_in_parse_names_parse_and_not_a_check(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(orderwatch.parsers, "parse_order_history", broken)
    page = tmp_path / "orders.html"
    page.write_text("<html></html>")
    result = invoke("parse", "--page", "order-history", str(page))
    assert result.exit_code == 3
    assert "orderwatch: internal error (RuntimeError: a bug nobody foresaw)" in result.stderr
    assert "`orderwatch parse` did not complete" in result.stderr
    assert "the check did not complete" not in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bug_in_doctor_names_doctor_in_japanese_too(monkeypatch: pytest.MonkeyPatch) -> None:
    import orderwatch.doctor

    monkeypatch.setattr(orderwatch.doctor, "checks", broken)
    result = invoke("--lang", "ja", "doctor")
    assert result.exit_code == 3
    assert "`orderwatch doctor` を最後まで実行できませんでした" in result.stderr
    assert "チェックを最後まで行えませんでした" not in result.stderr
    assert "RuntimeError: a bug nobody foresaw" in result.stderr


@pytest.mark.parametrize("command", ["check", "demo"])
def test_a_bug_in_a_check_still_says_the_check_did_not_complete(monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    monkeypatch.setattr(orderwatch.config, "load_settings", broken)
    result = invoke(command)
    assert result.exit_code == 3
    assert "orderwatch: internal error (RuntimeError: a bug nobody foresaw); the check did not complete" in (
        result.stderr
    )
    assert f"`orderwatch {command}`" not in result.stderr
