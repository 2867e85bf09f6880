"""The GitHub Actions workflow is valid and does what .ci/run does, on the Pythons we support, weekly too."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from .conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"


def _validate(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_workflow_passes_githubs_workflow_schema_and_a_broken_one_does_not(tmp_path: Path) -> None:
    ok = _validate(WORKFLOW)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    broken = tmp_path / "ci.yml"
    broken.write_text(WORKFLOW.read_text().replace("runs-on: ubuntu-latest", "runs-on: [ubuntu-latest]\n    steps: 5"))
    assert _validate(broken).returncode != 0  # the check can fail


def test_the_workflow_runs_ci_run_on_python_3_11_and_3_12_every_week_with_caches() -> None:
    flow: dict[str, Any] = YAML(typ="safe").load(WORKFLOW.read_text())
    [job] = flow["jobs"].values()
    assert job["runs-on"] == "ubuntu-latest"
    assert [str(v) for v in job["strategy"]["matrix"]["python"]] == ["3.11", "3.12"]
    runs = [step["run"] for step in job["steps"] if "run" in step]
    assert runs == ["bash .ci/run"]  # .ci/run stays the one source of what CI does
    assert flow["on"]["schedule"][0]["cron"]  # weekly, so a dependency that breaks us is noticed
    assert {"push", "pull_request"} <= set(flow["on"])
    uses = {step.get("uses", "").split("@")[0]: step for step in job["steps"]}
    assert uses["actions/setup-python"]["with"]["cache"] == "pip"
    assert "ms-playwright" in uses["actions/cache"]["with"]["path"]
