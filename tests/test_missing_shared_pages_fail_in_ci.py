"""The tests on real pages skip when ../shared is absent — but not in CI: there the run stops with an error
naming the folder, so a CI run that never read a real page cannot pass (tests/conftest.py pytest_configure).
Each case runs pytest on a one-test file in a fresh process, with this suite's conftest as a plugin."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

NEEDS_PEER_PAGES = """
from tests.conftest import peer_page


def test_reads_a_real_page():
    assert peer_page("amazon-com").is_dir()
"""


def _pytest(tmp_path: Path, peer_pages: Path, **env: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_needs_peer_pages.py").write_text(NEEDS_PEER_PAGES)
    inherited = {k: v for k, v in os.environ.items() if k != "CI" and not k.startswith("ORDERWATCH_")}
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "tests.conftest", "-p", "no:cacheprovider"],
        cwd=tmp_path,
        env=inherited | {"PYTHONPATH": path, "ORDERWATCH_TEST_PEER_PAGES": str(peer_pages)} | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_in_ci_missing_peer_pages_stop_the_run_with_an_error_naming_the_folder(tmp_path: Path) -> None:
    missing = tmp_path / "no-shared" / "peer-pages"
    run = _pytest(tmp_path, missing, CI="true")
    out = run.stdout + run.stderr
    assert run.returncode == pytest.ExitCode.USAGE_ERROR, out
    assert f"CI=true but the shared peer pages are absent ({missing})" in out
    assert "ORDERWATCH_TEST_PEER_PAGES" in out and "ORDERWATCH_ALLOW_MISSING_SHARED=1" in out
    assert "skipped" not in out and "passed" not in out


@pytest.mark.parametrize(
    "env",
    [{}, {"CI": "false"}, {"CI": "true", "ORDERWATCH_ALLOW_MISSING_SHARED": "1"}],
    ids=["outside-ci", "ci-false", "ci-allowed"],
)
def test_outside_ci_or_when_allowed_missing_peer_pages_skip(tmp_path: Path, env: dict[str, str]) -> None:
    run = _pytest(tmp_path, tmp_path / "no-shared" / "peer-pages", **env)
    assert run.returncode == pytest.ExitCode.OK, run.stdout + run.stderr
    assert "1 skipped" in run.stdout and "passed" not in run.stdout


def test_in_ci_present_peer_pages_are_read(tmp_path: Path) -> None:
    peer_pages = tmp_path / "shared" / "peer-pages"
    (peer_pages / "amazon-com").mkdir(parents=True)
    run = _pytest(tmp_path, peer_pages, CI="true")
    assert run.returncode == pytest.ExitCode.OK, run.stdout + run.stderr
    assert "1 passed" in run.stdout
