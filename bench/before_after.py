"""Wall time of `orderwatch demo` for this checkout and an older one, alternating runs in one process so
both see the same machine load, and print a table.

Run: .venv/bin/python bench/before_after.py --before /tmp/before [--runs 5]
where /tmp/before is a worktree of the older commit (`git worktree add /tmp/before REV`). Both run with
this checkout's virtual environment; the older code is put first on PYTHONPATH. Touches only loopback.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _env(home: Path, code: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORDERWATCH_")}
    for var in ("CONFIG", "DATA", "STATE", "CACHE"):
        env[f"XDG_{var}_HOME"] = str(home / var.lower())
    if code is not None:
        env["PYTHONPATH"] = str(code)
    else:
        env.pop("PYTHONPATH", None)
    return env


def _demo(env: dict[str, str], cwd: Path) -> tuple[float, int]:
    start = time.perf_counter()
    code = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "orderwatch"), "demo"],
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    ).returncode
    return time.perf_counter() - start, code


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--before", type=Path, required=True, help="a worktree of the older commit")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sides = {
            "before": (_env(Path(tmp) / "b", args.before), args.before),
            "after": (_env(Path(tmp) / "a", None), ROOT),
        }
        first = {name: _demo(env, cwd) for name, (env, cwd) in sides.items()}  # signs in, saves the session
        walls: dict[str, list[float]] = {name: [] for name in sides}
        codes: dict[str, set[int]] = {name: set() for name in sides}
        for _ in range(args.runs):
            for name, (env, cwd) in sides.items():
                wall, code = _demo(env, cwd)
                walls[name].append(wall)
                codes[name].add(code)
    print(f"{'measure':<44}{'before':>10}{'after':>10}{'after/before':>14}")
    b, a = first["before"][0], first["after"][0]
    print(f"{'demo, first run with sign-in (wall, s)':<44}{b:>10.2f}{a:>10.2f}{a / b:>14.2f}")
    b, a = statistics.median(walls["before"]), statistics.median(walls["after"])
    print(f"{'demo, reused session (median wall, s)':<44}{b:>10.2f}{a:>10.2f}{a / b:>14.2f}")
    before, after = sorted(codes["before"]), sorted(codes["after"])
    print(f"\nruns: {args.runs} each, alternating; exit codes before {before}, after {after}")


if __name__ == "__main__":
    main()
