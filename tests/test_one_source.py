"""One source for each fact (issue 15): the site's paths live in orderwatch/site.py, the form of an order id in
orderwatch/models.py. A copy written anywhere else in the production code drifts apart from the original (a
moved page fixed in the browser but not in the advice a finding gives), so these tests read the code and
name every copy by file and line.

The replay site (orderwatch/replay/) keeps its own paths and ids on purpose: an imitation built from the
bot's constants would agree with a wrong one. Tests keep theirs for the same reason."""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator
from pathlib import Path

from orderwatch import site

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = ("orderwatch", "flows", "bots")
REPLAY = Path("orderwatch", "replay")
SITE = Path("orderwatch", "site.py")
MODELS = Path("orderwatch", "models.py")
# The families the site's paths belong to, so that a page site.py does not name yet is caught too.
PATH_FAMILIES = ("/your-orders/", "/cpe/", "/hz5/", "/hz/mycd/", "/gp/digital/", "/gp/message", "/gp/css/", "/ap/")
ORDER_ID_FRAGMENTS = (r"\d{7}", r"D\d{2}")
# Copies in code that other work owns at the moment, each with where it should come from. An entry that no
# longer matches anything fails as well, so this list only shrinks.


def site_paths() -> set[str]:
    """Every path orderwatch/site.py names (the home page "/" aside: it is in every address)."""
    found: set[str] = set()
    for name, value in vars(site).items():
        values = value if isinstance(value, tuple) else (value,)
        found |= {v for v in values if name.isupper() and isinstance(v, str) and v.startswith("/") and v != "/"}
    return found


def literals(source: str) -> Iterator[tuple[int, str]]:
    """(line, text) of every string literal in code, f-string parts included; docstrings and other bare
    string statements are prose about the code, not a copy of a fact, and are skipped (so are comments)."""
    tree = ast.parse(source)
    prose = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in prose:
            yield node.lineno, node.value


def production_files() -> list[Path]:
    """The production modules, relative to the repository, the replay left out; bots/ and flows/ once each
    (orderwatch/bots and orderwatch/flows are links to them)."""
    files = []
    for top in PRODUCTION:
        for folder, dirs, names in os.walk(ROOT / top):  # does not follow the links
            rel = Path(folder).relative_to(ROOT)
            dirs[:] = [d for d in dirs if d != "__pycache__" and rel / d != REPLAY]
            files += [rel / n for n in names if n.endswith(".py")]
    return sorted(files)


def copies(fragments: tuple[str, ...] | set[str], home: Path) -> list[str]:
    """Literals outside ``home`` holding one of ``fragments``, as "file:line: literal"."""
    found = []
    for rel in production_files():
        if rel == home:
            continue
        for line, text in literals((ROOT / rel).read_text(encoding="utf-8")):
            if any(f in text for f in fragments):
                found.append(f"{rel}:{line}: {text!r}")
    return found


def test_no_path_of_the_site_is_written_outside_site_py() -> None:
    found = copies(site_paths() | set(PATH_FAMILIES), SITE)
    assert not found, "a path of the site written again; take it from orderwatch/site.py:\n" + "\n".join(found)


def test_the_order_id_pattern_is_written_only_in_models_py() -> None:
    found = copies(ORDER_ID_FRAGMENTS, MODELS)
    assert not found, (
        "an order-id pattern written again; use orderwatch.models.ORDER_ID_PATTERN (its .pattern inside a "
        "bigger expression) or is_order_id:\n" + "\n".join(found)
    )


def test_the_scan_sees_a_path_in_an_f_string_and_passes_over_prose() -> None:
    source = '''"""Reads /your-orders/orders."""
def url(base):
    """The 1-Click page, /cpe/yourpayments/settings/manageoneclick."""
    # /hz5/yourmembershipsandsubscriptions
    return f"{base}/your-orders/orders?x=1"
'''
    assert [(line, text) for line, text in literals(source) if "/your-orders/" in text] == [
        (5, "/your-orders/orders?x=1")
    ]
    assert not [text for _line, text in literals(source) if "/cpe/" in text or "/hz5/" in text]


def test_the_scan_reads_bots_and_flows_and_leaves_the_replay_out() -> None:
    files = production_files()
    assert Path("bots", "pages.py") in files and Path("flows", "check.py") in files
    assert Path("orderwatch", "diff.py") in files and SITE in files
    assert not [f for f in files if REPLAY in f.parents]
    assert len(files) == len({(ROOT / f).resolve() for f in files})  # nothing read twice through the links
