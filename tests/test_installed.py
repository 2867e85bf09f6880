"""orderwatch as a user installs it: the wheel, in a fresh virtual environment, run from a folder outside the
checkout. Everything the commands read at run time (the demo's recordings, templates, catalogs, sample mails)
must come from the installed package, and nothing but `orderwatch` may land at the top of site-packages."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT, cli_env


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the wheel, the venv's bin folder): the wheel built from the checkout, installed into a new venv whose
    other packages come from the test's own environment (a .pth line: no download, the same versions)."""
    tmp = tmp_path_factory.mktemp("installed")
    source = tmp / "source"  # a copy: the build writes build/ and *.egg-info next to the sources it reads
    shutil.copytree(
        ROOT,
        source,
        symlinks=True,
        ignore=shutil.ignore_patterns(".venv", ".git", "build", "dist", "*.egg-info", "__pycache__", ".*_cache"),
    )
    pip = (sys.executable, "-m", "pip")
    build = _run(*pip, "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", tmp, source, cwd=tmp)
    assert build.returncode == 0, build.stderr
    [wheel] = tmp.glob("orderwatch-*.whl")
    venv = tmp / "venv"
    made = _run(sys.executable, "-m", "venv", venv, cwd=tmp)
    assert made.returncode == 0, made.stderr
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = Path(_run(bin_dir / "python", "-c", purelib, cwd=tmp).stdout.strip())
    (site / "orderwatch-test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    install = _run(bin_dir / "python", "-m", "pip", "install", "-q", "--no-deps", "--no-index", wheel, cwd=tmp)
    assert install.returncode == 0, install.stderr
    return wheel, bin_dir


def test_the_wheel_holds_only_orderwatch_with_its_data_and_compiled_catalog(installed: tuple[Path, Path]) -> None:
    wheel, _ = installed
    names = zipfile.ZipFile(wheel).namelist()
    assert {n.split("/")[0] for n in names} == {"orderwatch", wheel.name.split("-py3")[0] + ".dist-info"}
    for needed in (
        "orderwatch/bots/browser.py",
        "orderwatch/flows/check.py",
        "orderwatch/mail/verdict.py",
        "orderwatch/recordings/demo-jp/account.toml",
        "orderwatch/recordings/mails/genuine-digital-ja.eml",
        "orderwatch/templates/report.html",
        "orderwatch/templates/ja/config.toml",
        "orderwatch/locale/ja/LC_MESSAGES/orderwatch.mo",
    ):
        assert needed in names


@pytest.mark.browser
def test_the_installed_command_runs_the_demo_verify_email_and_parse_from_another_folder(
    installed: tuple[Path, Path], tmp_path: Path
) -> None:
    _, bin_dir = installed
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in cli_env().items() if k != "PYTHONPATH"}
    ow = bin_dir / "orderwatch"
    where = _run(bin_dir / "python", "-c", "import orderwatch; print(orderwatch.__file__)", cwd=elsewhere, env=env)
    assert Path(where.stdout.strip()).is_relative_to(bin_dir.parent), where  # the installed copy, not the checkout
    version = _run(ow, "--version", cwd=elsewhere, env=env)
    assert version.returncode == 0 and "orderwatch, version" in version.stdout
    demo = _run(ow, "demo", cwd=elsewhere, env=env)
    assert demo.returncode == 1, demo.stderr
    assert "[HIGH] unexpected_order: D01-2046175-3391842" in demo.stdout
    japanese = _run(ow, "--lang", "ja", "demo", cwd=elsewhere, env=env)  # the compiled catalog, from the wheel
    assert "【重大】想定外の注文" in japanese.stdout, japanese.stderr
    mail = _run(ow, "verify-email", "--demo", "genuine-digital-ja", "--json", cwd=elsewhere, env=env)
    assert mail.returncode == 1, mail.stderr  # genuine, about the demo's unexpected Kindle order
    assert json.loads(mail.stdout)["verdict"] == "genuine"
    sample = Path(where.stdout.strip()).parent / "recordings" / "mails" / "phishing-unknown-order.eml"
    offline = _run(ow, "verify-email", "--offline", sample, cwd=elsewhere, env=env)
    assert offline.returncode == 1 and "phishing" in offline.stdout, offline.stderr
    record = _run(ow, "record", "--demo", "--out", "rec", cwd=elsewhere, env=env)
    assert record.returncode in (0, 1), record.stderr
    pages = json.loads((elsewhere / "rec" / "manifest.json").read_text())
    history = next(p["file"] for p in pages if p["page"] == "order-history")
    parsed = _run(ow, "parse", "--page", "order-history", elsewhere / "rec" / history, cwd=elsewhere, env=env)
    assert parsed.returncode == 0, parsed.stderr
    assert json.loads(parsed.stdout.splitlines()[0])["orders"]


def test_setup_browser_downloads_playwrights_chromium_only_when_none_is_usable_or_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import subprocess as sp

    from click.testing import CliRunner

    from orderwatch.cli import main

    calls: list[list[str]] = []

    def call(args: list[str]) -> int:
        calls.append(args)
        return 0

    monkeypatch.setattr(sp, "call", call)
    monkeypatch.setattr("orderwatch.bots.browser.find_browser", lambda: Path("/usr/bin/chromium"))
    there = CliRunner().invoke(main, ["setup-browser"])
    assert there.exit_code == 0 and "a browser is there already: /usr/bin/chromium" in there.output
    assert calls == []  # nothing downloaded
    forced = CliRunner().invoke(main, ["setup-browser", "--force"])
    assert forced.exit_code == 0 and "done" in forced.output
    assert calls == [[sys.executable, "-m", "playwright", "install", "chromium"]]

    def none() -> Path:
        from orderwatch.errors import UsageError

        raise UsageError("no Chromium found")

    monkeypatch.setattr("orderwatch.bots.browser.find_browser", none)
    monkeypatch.setattr(sp, "call", lambda args: calls.append(args) or 1)
    failed = CliRunner().invoke(main, ["setup-browser"])
    assert failed.exit_code == 2 and "Playwright's download failed (exit 1)" in failed.output
    assert len(calls) == 2
