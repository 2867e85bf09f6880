"""The pure layers stay pure: the parsers, the findings (diff.py) and the models never reach Playwright, the
browser (orderwatch.bots) or the flows — not directly, not through another orderwatch module, not from inside
a function. The README promises it; this is what holds the promise."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import deque
from pathlib import Path

import orderwatch

ROOT = Path(orderwatch.__file__).parent
PURE = ("orderwatch.parsers", "orderwatch.diff", "orderwatch.models")
FORBIDDEN = ("playwright", "orderwatch.flows", "orderwatch.bots")


def _source_of(module: str) -> Path | None:
    """The file of one of orderwatch's own modules (bots/ and flows/ through their links), or None."""
    if module != "orderwatch" and not module.startswith("orderwatch."):
        return None
    base = ROOT.joinpath(*module.split(".")[1:])
    for candidate in (base / "__init__.py", base.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


def _is_package(module: str) -> bool:
    source = _source_of(module)
    return source is not None and source.name == "__init__.py"


def _pure_modules() -> list[str]:
    parsers = sorted(f"orderwatch.parsers.{p.stem}" for p in (ROOT / "parsers").glob("*.py") if p.stem != "__init__")
    return ["orderwatch.parsers", *parsers, "orderwatch.diff", "orderwatch.models"]


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _absolute(module: str, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    package = module if _is_package(module) else module.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def _with_parents(name: str) -> list[str]:
    """Importing a.b.c runs a and a.b first (their own imports matter for orderwatch's packages only)."""
    if _source_of(name) is None:
        return [name]
    parts = name.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def imports_of(module: str) -> list[str]:
    """Every module that importing ``module`` may run (see ``imports_in``)."""
    source = _source_of(module)
    assert source is not None, module
    return imports_in(ast.parse(source.read_text(encoding="utf-8"), filename=str(source)), module)


def imports_in(tree: ast.AST, module: str) -> list[str]:
    """The imports of ``module``'s syntax tree: at module level and inside functions and classes, and
    ``importlib.import_module("…")`` with a literal name. ``if TYPE_CHECKING:`` blocks never run."""
    found: list[str] = []
    pending: list[ast.AST] = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.If) and _type_checking_only(node):
            pending.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                found += _with_parents(alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(module, node)
            found += _with_parents(base)
            # `from pkg import name`: name may be a submodule of pkg (an orderwatch one can be checked)
            found += [f"{base}.{a.name}" for a in node.names if _source_of(f"{base}.{a.name}") is not None]
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name in ("import_module", "__import__") and isinstance(node.args[0].value, str):
                found += _with_parents(node.args[0].value)
        pending.extend(ast.iter_child_nodes(node))
    return [m for m in dict.fromkeys(found) if m and m != module]


def _forbidden(module: str) -> bool:
    return any(module == f or module.startswith(f + ".") for f in FORBIDDEN)


def forbidden_chains(starts: list[str]) -> list[str]:
    """A chain ``a -> b -> c`` for each module that reaches a forbidden one from ``starts`` by the shortest way
    (one per importer and forbidden package: ``x -> playwright.sync_api``, not also ``x -> playwright``)."""
    came_from: dict[str, str | None] = {}
    queue: deque[str] = deque()
    for start in starts:
        for module in _with_parents(start):
            if module not in came_from:
                came_from[module] = None if module == start else start
                queue.append(module)
    reached: dict[tuple[str | None, str], str] = {}  # (importer, forbidden package) -> the module imported
    while queue:
        module = queue.popleft()
        if _forbidden(module):
            key = (came_from[module], next(f for f in FORBIDDEN if module == f or module.startswith(f + ".")))
            if len(module) > len(reached.get(key, "")):
                reached[key] = module
            continue  # what a forbidden module imports in turn adds nothing
        if _source_of(module) is None:
            continue  # the standard library or a third-party package: not walked
        for imported in imports_of(module):
            if imported not in came_from:
                came_from[imported] = module
                queue.append(imported)
    chains = []
    for module in reached.values():
        chain = [module]
        while (parent := came_from[chain[-1]]) is not None:
            chain.append(parent)
        chains.append(" -> ".join(reversed(chain)))
    return chains


def test_the_parsers_the_findings_and_the_models_import_nothing_of_the_browser_or_the_flows() -> None:
    modules = _pure_modules()
    assert "orderwatch.parsers.order_history" in modules and len(modules) > 5  # the walk sees every parser
    chains = forbidden_chains(modules)
    assert not chains, "a pure module reaches the browser or the flows:\n  " + "\n  ".join(chains)


def test_the_walk_sees_imports_inside_functions_and_skips_type_checking_blocks() -> None:
    """The checker itself: a blind spot here would let a forbidden import through unseen."""
    tree = ast.parse(
        "import typing\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from playwright.sync_api import Page\n"
        "if typing.TYPE_CHECKING:\n    import playwright\n"
        "def read(html):\n    from orderwatch.bots import pages\n"
        "class Reader:\n    def go(self):\n        import importlib; importlib.import_module('playwright.async_api')\n"
        "from . import values\n"
    )
    imported = imports_in(tree, "orderwatch.parsers.probe")
    assert "playwright.sync_api" not in imported  # only under TYPE_CHECKING
    assert {"orderwatch.bots", "orderwatch.bots.pages", "playwright.async_api"} <= set(imported)
    assert "orderwatch.parsers.values" in imported  # a relative import, resolved
    # the runner imports the browser inside its functions: seen all the same, each chain named
    runner = forbidden_chains(["orderwatch.runner"])
    assert any(c.startswith("orderwatch.runner -> ") and c.endswith("-> playwright.sync_api") for c in runner)
    assert any(c.startswith("orderwatch.runner -> orderwatch.flows") for c in runner), runner


def test_importing_the_pure_modules_loads_no_playwright() -> None:
    """What actually runs: the walk above reads the source; this imports it, in a fresh interpreter."""
    code = (
        "import importlib, sys\n"
        f"for name in {_pure_modules()!r}: importlib.import_module(name)\n"
        f"forbidden = {FORBIDDEN!r}\n"
        "print(' '.join(f for f in forbidden if any(m == f or m.startswith(f + '.') for m in sys.modules)))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    loaded = run.stdout.split()
    assert not loaded, f"importing {', '.join(PURE)} loaded {', '.join(loaded)}"
