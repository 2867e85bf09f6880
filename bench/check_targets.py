"""Measure the targets of the nightly check and print a table.

  - the demo check with a reused session, wall time of `orderwatch demo` (median of N runs), without and
    with the settings pages (`--settings`: Login & Security, 2-step, memberships, devices, Kindle content),
    and signing in first (`--fresh-session`: e-mail, password and TOTP steps, then the same pages)
  - peak memory of the whole check: Python and all browser processes, summed PSS (and RSS), sampled every
    10 ms in runs of their own (the sampling takes CPU: timed runs are not sampled)
  - one order-history page parsed (median ms): the demo page and, when ../shared is present, real pages
  - one digital order page parsed (median ms): the demo's two templates and, when ../shared is present,
    the real legacy summaries (amazon.ca, ~275 KB each) and the unified order details (amazon.de)

Run: .venv/bin/python bench/check_targets.py [--runs 5]. Touches only loopback; Linux (/proc) for memory.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from collections.abc import Callable  # noqa: E402

from orderwatch.parsers import parse_order_history, parse_order_summary  # noqa: E402
from orderwatch.replay import ReplaySite  # noqa: E402

# issue 14's targets (warm check, first run with sign-in, peak PSS of the whole process tree); parse from issue 1
TARGETS = {"demo_wall_s": 1.2, "first_run_s": 2.0, "peak_pss_mb": 350.0, "parse_ms": 20.0}


def _children(pid: int) -> set[int]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            kids.setdefault(ppid, []).append(int(entry))
    tree, todo = {pid}, [pid]
    while todo:
        for child in kids.get(todo.pop(), []):
            if child not in tree:
                tree.add(child)
                todo.append(child)
    return tree


def _memory_mb(pids: set[int]) -> tuple[float, float]:
    """(summed RSS, summed PSS) in MB. RSS counts shared pages once per process, so its sum
    overstates what a process tree really uses; PSS splits each shared page among its users."""
    rss = pss = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            pass
    return rss / 1024, pss / 1024


def run_demo(env: dict[str, str], *extra: str, sample: bool = True) -> tuple[float, float, float, int]:
    """One `orderwatch demo` run: (wall seconds, peak RSS sum MB, peak PSS sum MB, exit code). ``sample=False``:
    no memory sampling (reading /proc every 10 ms takes CPU from the run on a 2-core machine): for timing."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "orderwatch"), "demo", *extra],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    peak_rss = peak_pss = 0.0
    stop = threading.Event()

    def sample_memory() -> None:
        nonlocal peak_rss, peak_pss
        while sample and not stop.is_set():
            if Path("/proc").exists():
                rss, pss = _memory_mb(_children(proc.pid))
                peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
            time.sleep(0.01)

    sampler = threading.Thread(target=sample_memory, daemon=True)
    sampler.start()
    code = proc.wait()
    wall = time.perf_counter() - start
    stop.set()
    sampler.join()
    return wall, peak_rss, peak_pss, code


def parse_ms(html: str, repeat: int = 20, parse: Callable[[str], object] = parse_order_history) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        parse(html)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    rows: list[tuple[str, str, str, str]] = []

    def row(name: str, value: float, unit: str, target: float | None) -> None:
        text = f"{value:.2f} {unit}" if unit != "MB" else f"{value:.0f} MB"
        verdict = "-" if target is None else ("ok" if value < target else "MISSED")
        rows.append((name, text, "-" if target is None else f"< {target:g} {unit}", verdict))

    # parsing first, while nothing else runs on the machine's two cores
    demo_html = ReplaySite().order_history_html("last30", 0)
    row("parse one order-history page, demo (median)", parse_ms(demo_html), "ms", TARGETS["parse_ms"])
    real = sorted((ROOT.parent / "shared" / "peer-pages" / "amazon-com" / "orders").glob("order-history-*.html"))
    real_ms: list[float] = []
    for page in real:
        try:
            real_ms.append(parse_ms(page.read_text(encoding="utf-8")))
        except Exception:  # pages the parser cannot read yet are measured by bench/parse_vs_peer.py
            continue
    if real_ms:
        row(f"parse real amazon.com page, slowest of {len(real_ms)} (median)", max(real_ms), "ms", TARGETS["parse_ms"])
    site = ReplaySite()
    story = site.account.orders[0]
    for template in ("order-summary.html", "order-details.html"):
        html = site.render(template, signed_in=True, o=story)
        row(f"parse demo {template} (median)", parse_ms(html, parse=parse_order_summary), "ms", TARGETS["parse_ms"])
    digital = sorted((ROOT.parent / "shared" / "peer-pages" / "digital-orders").rglob("*order-*-D01-*.html"))
    digital_ms = [parse_ms(p.read_text(encoding="utf-8"), parse=parse_order_summary) for p in digital]
    if digital_ms:
        row(f"parse real digital order page, slowest of {len(digital_ms)} (median)", max(digital_ms), "ms", None)

    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ORDERWATCH_")}
        for var in ("CONFIG", "DATA", "STATE", "CACHE"):
            env[f"XDG_{var}_HOME"] = f"{tmp}/{var.lower()}"
        first = run_demo(env)  # signs in, saves the session, reads the settings pages (as a first run does)
        assert first[3] == 1, f"demo exited {first[3]}, expected 1 (findings)"
        timed = [run_demo(env, sample=False) for _ in range(args.runs)]
        sampled = [run_demo(env) for _ in range(args.runs)]
        signing_in = [run_demo(env, "--fresh-session", sample=False) for _ in range(args.runs)]
        with_settings = [run_demo(env, "--settings", sample=False) for _ in range(args.runs)]  # + 5 settings pages
        everything = [*timed, *sampled, *signing_in, *with_settings]
        assert all(r[3] == 1 for r in everything)
    row(
        "demo check, reused session (wall, median)", statistics.median(r[0] for r in timed), "s", TARGETS["demo_wall_s"]
    )
    row(
        "demo check, signing in first (--fresh-session, wall, median)",
        statistics.median(r[0] for r in signing_in),
        "s",
        TARGETS["first_run_s"],
    )
    row("demo's very first run: sign-in + settings pages (wall)", first[0], "s", None)
    row(
        "demo check + settings pages, reused session (wall, median)",
        statistics.median(r[0] for r in with_settings),
        "s",
        None,
    )
    row(
        "peak memory, Python + driver + browser (PSS sum, max)",
        max(r[2] for r in [*sampled, first]),
        "MB",
        TARGETS["peak_pss_mb"],
    )
    row(
        "peak memory, same processes (RSS sum, overcounts)",
        max(r[1] for r in [*sampled, first]),
        "MB",
        None,
    )

    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'value':>10}  {'target':>9}  result")
    for name, value, target, result in rows:
        print(f"{name:<{width}}  {value:>10}  {target:>9}  {result}")
    print(f"\nruns: {args.runs} of each (+1 first run), {os.cpu_count()} cores; timed runs are not sampled for memory")


if __name__ == "__main__":
    main()
