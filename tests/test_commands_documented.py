"""Every command a user can type is explained twice: by its own --help and in the README."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from orderwatch.cli import main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in sorted(group.commands.items()):
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found += _commands(command, (*prefix, name))
    return found


COMMANDS = _commands(main)


def test_the_cli_has_the_commands_the_readme_is_about() -> None:
    assert {"check", "demo", "verify-email", "doctor", "init", "record", "parse"} <= {c[0] for c in COMMANDS}


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_has_help_that_explains_it(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert f"Usage: main {' '.join(path)}" in result.output or f"Usage: orderwatch {' '.join(path)}" in result.output
    summary = result.output.split("\n\n")[1].strip()  # the docstring's first paragraph
    assert len(summary) > 20 and not summary.startswith("Options:"), result.output


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_is_in_the_readme(path: tuple[str, ...]) -> None:
    assert f"orderwatch {' '.join(path)}" in README, f"README.md never shows `orderwatch {' '.join(path)}`"


def test_each_exit_code_table_of_the_readme_lists_every_exit_code_once() -> None:
    """The English table and the Japanese summary: what orderwatch.errors.ExitCode holds, no more, no less."""
    from orderwatch.errors import ExitCode

    tables: list[list[int]] = []
    previous = ""
    for line in README.splitlines():
        cells = line.split("|")
        if line.startswith("| ") and cells[1].strip().isdigit():
            if not previous.startswith("| ") or not previous.split("|")[1].strip().isdigit():
                tables.append([])
            tables[-1].append(int(cells[1]))
        previous = line
    assert len(tables) == 2, "the English table and the Japanese summary"
    for codes in tables:
        assert sorted(codes) == sorted(code.value for code in ExitCode)


def test_the_groups_help_names_every_command() -> None:
    summary = CliRunner().invoke(main, ["--help"]).output
    missing = [name for name, _command in main.commands.items() if f"orderwatch {name}" not in summary]
    missing = [name for name in missing if not any(f"/ {name}" in line for line in summary.splitlines())]
    assert missing == [], f"`orderwatch --help` does not name: {missing}"
