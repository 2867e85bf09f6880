"""Order-history parsing: orderwatch vs amazon-orders 5.2.0 (AmazonOrders.parse_orders), in one run.

Parses every ../shared/peer-pages/amazon-com/orders/order-history-*.html page with both and prints
pages per second, the ratio, and how many orders, dates and totals each read (and agree on).
amazon-orders runs in its own virtual environment (bench/.peer-venv, made on first use from PyPI);
it is never a dependency of orderwatch. Offline after that; touches no network at run time.

Run: .venv/bin/python bench/parse_vs_peer.py [--rounds 20] [--peer-rounds 3]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from orderwatch.errors import PageChangedError  # noqa: E402
from orderwatch.parsers import parse_order_history  # noqa: E402

PAGES = ROOT.parent / "shared" / "peer-pages" / "amazon-com" / "orders"
PEER_VENV = ROOT / "bench" / ".peer-venv"
PEER_VERSION = "amazon-orders==5.2.0"
TARGET_RATIO = 100.0  # issue 14: at least 100x amazon-orders 5.2 on the same real pages

PEER_SCRIPT = r"""
import json, sys, time
from amazonorders.conf import AmazonOrdersConfig
from amazonorders.orders import AmazonOrders
files, rounds = json.loads(sys.argv[1]), int(sys.argv[2])
config = AmazonOrdersConfig()
texts = [open(f, encoding="utf-8").read() for f in files]
results, ok = {}, []
for f, html in zip(files, texts):
    try:
        orders = AmazonOrders.parse_orders(html, config)
    except Exception as exc:
        results[f] = {"error": type(exc).__name__}
        continue
    ok.append(html)
    results[f] = {"orders": [{"id": o.order_number,
                              "date": o.order_placed_date.isoformat() if o.order_placed_date else None,
                              "total": None if o.grand_total is None else str(o.grand_total)} for o in orders]}
start = time.perf_counter()
for _ in range(rounds):
    for html in ok:
        AmazonOrders.parse_orders(html, config)
elapsed = time.perf_counter() - start
print(json.dumps({"results": results, "seconds": elapsed, "parsed": len(ok) * rounds}))
"""


def ensure_peer() -> Path:
    python = PEER_VENV / "bin" / "python"
    if not python.exists():
        print(f"creating {PEER_VENV} with {PEER_VERSION} (first run only)…", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", PEER_VERSION], check=True
        )
    return python


def ours(files: list[Path], rounds: int) -> dict[str, object]:
    results: dict[str, object] = {}
    ok: list[str] = []
    for f in files:
        html = f.read_text(encoding="utf-8")
        try:
            page = parse_order_history(html)
        except PageChangedError as exc:
            results[str(f)] = {"error": exc.message}
            continue
        ok.append(html)
        results[str(f)] = {
            "orders": [
                {
                    "id": o.order_id,
                    "date": o.order_date.isoformat(),
                    "total": None if o.total is None else str(o.total.amount),
                }
                for o in page.orders
            ]
        }
    start = time.perf_counter()
    for _ in range(rounds):
        for html in ok:
            parse_order_history(html)
    return {"results": results, "seconds": time.perf_counter() - start, "parsed": len(ok) * rounds}


def counts(results: dict[str, dict[str, list[dict[str, str | None]]]]) -> tuple[int, int, int, int]:
    pages = orders = dates = totals = 0
    for r in results.values():
        if "orders" in r:
            pages += 1
            orders += sum(1 for o in r["orders"] if o["id"])
            dates += sum(1 for o in r["orders"] if o["date"])
            totals += sum(1 for o in r["orders"] if o["total"] is not None)
    return pages, orders, dates, totals


def agreement(
    a: dict[str, dict[str, list[dict[str, str | None]]]], b: dict[str, dict[str, list[dict[str, str | None]]]]
) -> tuple[int, int, int]:
    ids = dates = totals = 0
    for f, ra in a.items():
        rb = b.get(f, {})
        if "orders" not in ra or "orders" not in rb:
            continue
        other = {o["id"]: o for o in rb["orders"]}
        for o in ra["orders"]:
            p = other.get(o["id"])
            if p is None:
                continue
            ids += 1
            dates += o["date"] == p["date"]
            totals += o["total"] is not None and p["total"] is not None and Decimal(o["total"]) == Decimal(p["total"])
    return ids, dates, totals


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=20, help="rounds over all pages for orderwatch")
    ap.add_argument("--peer-rounds", type=int, default=3, help="rounds over all pages for amazon-orders")
    args = ap.parse_args()
    files = sorted(PAGES.glob("order-history-*.html"))
    if not files:
        sys.exit(f"no pages in {PAGES}: the shared peer pages are needed for this benchmark")
    python = ensure_peer()
    mine = ours(files, args.rounds)
    out = subprocess.run(
        [str(python), "-c", PEER_SCRIPT, json.dumps([str(f) for f in files]), str(args.peer_rounds)],
        capture_output=True,
        text=True,
        check=True,
        env={"HOME": str(PEER_VENV), "PATH": "/usr/bin:/bin"},
    )
    peer = json.loads(out.stdout)
    rate_ours = mine["parsed"] / mine["seconds"]  # type: ignore[operator]
    rate_peer = peer["parsed"] / peer["seconds"]
    ratio = rate_ours / rate_peer
    c_ours, c_peer = counts(mine["results"]), counts(peer["results"])  # type: ignore[arg-type]
    ids, dates, totals = agreement(mine["results"], peer["results"])  # type: ignore[arg-type]
    print(f"{len(files)} order-history pages from {PAGES}")
    print(f"{'':<26}{'orderwatch':>12}{'amazon-orders':>15}")
    print(f"{'pages per second':<26}{rate_ours:>12.1f}{rate_peer:>15.2f}")
    print(f"{'ms per page':<26}{1000 / rate_ours:>12.2f}{1000 / rate_peer:>15.1f}")
    for label, a, b in zip(
        ("pages read", "orders (ids) read", "dates read", "totals read"), c_ours, c_peer, strict=True
    ):
        print(f"{label:<26}{a:>12}{b:>15}")
    print(
        f"\nratio (orderwatch / amazon-orders pages per second): {ratio:.1f}x — target ≥ {TARGET_RATIO:.0f}x: "
        f"{'ok' if ratio >= TARGET_RATIO else 'MISSED'}"
    )
    print(f"agreement on the orders both read: {ids} ids, {dates} dates equal, {totals} totals equal")
    more = all(a >= b for a, b in zip(c_ours, c_peer, strict=True))
    print(f"orderwatch reads at least as many orders, dates and totals: {'yes' if more else 'NO'}")
    print(
        f"rounds: orderwatch {args.rounds}, amazon-orders {args.peer_rounds}; "
        "pages a parser cannot read are left out of its timing"
    )


if __name__ == "__main__":
    main()
