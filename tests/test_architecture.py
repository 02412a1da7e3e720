"""The shape of the source tree: one-way imports, private names, small modules.

The import graph is built from the source with `ast`, not by importing: every
``import`` and ``from ... import`` statement counts, at module level or inside
a function (a module-level ``__getattr__`` included), except those under
``if TYPE_CHECKING:``, which never run (annotations only).
``from kampala.x import y`` is an edge to ``kampala.x.y`` when that
is a module, else to ``kampala.x``; a package's ``__init__`` speaks for the
package.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "kampala"
MAX_LINES = 1000


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted((SRC / PACKAGE).rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Yield every import statement below ``node``, skipping TYPE_CHECKING."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child.test):
            for other in child.orelse:
                yield from _imports(other)
            continue
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child
            continue
        yield from _imports(child)


def _resolve(module: str, stmt: ast.ImportFrom) -> str:
    if stmt.level == 0:
        return stmt.module or ""
    base = module.split(".")
    if MODULES[module].name != "__init__.py":
        base = base[:-1]
    base = base[: len(base) - (stmt.level - 1)]
    return ".".join([*base, stmt.module] if stmt.module else base)


def _edges() -> Iterator[tuple[str, str, str | None]]:
    """Yield (importer, imported module, imported name or None)."""
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for stmt in _imports(tree):
            if isinstance(stmt, ast.Import):
                for alias in stmt.names:
                    if alias.name.split(".")[0] == PACKAGE:
                        yield module, alias.name, None
                continue
            target = _resolve(module, stmt)
            if target.split(".")[0] != PACKAGE:
                continue
            for alias in stmt.names:
                sub = f"{target}.{alias.name}"
                if sub in MODULES:
                    yield module, sub, None
                else:
                    yield module, target, alias.name


EDGES = list(_edges())


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for importer, imported, _ in EDGES:
        if imported in MODULES and imported != importer:
            graph[importer].add(imported)
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """Return one cycle as a list of modules (first repeated last), or None."""
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)) is not None:
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)) is not None:
            return found
    return None


def test_the_graph_sees_imports_inside_functions() -> None:
    # Methodology.run once imported the scorecard inside the method
    assert ("kampala.methodology", "kampala.scoring") in {(a, b) for a, b, _ in EDGES}
    assert len(MODULES) > 40


def test_no_import_cycle() -> None:
    graph = _graph()
    cycle = _cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_private_name_imported_from_another_module(module: str) -> None:
    found = sorted(
        (importer, imported, name)
        for importer, imported, name in EDGES
        if importer == module
        and name is not None
        and name.startswith("_")
        and not name.startswith("__")
        and imported != importer
    )
    assert found == [], f"{module} imports private names: {found}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_is_at_most_1000_lines(module: str) -> None:
    n = len(MODULES[module].read_text(encoding="utf-8").splitlines())
    assert n <= MAX_LINES, f"{module} has {n} lines (at most {MAX_LINES})"


def test_cycle_finder_reports_the_circle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycle(graph) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None
