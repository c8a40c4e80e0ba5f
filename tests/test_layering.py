"""The layering contract (DESIGN.md): cli / serve -> runtimes -> train -> export -> model -> core, arrows one way,
and no import circle inside a layer either.

Every import in every module of the package (top level and inside functions, absolute and relative) is read with
`ast`; an import of a higher layer than the importer's fails the test, naming file, line and both modules; so does a
circle of modules that import each other (e.g. a factory importing the backends that import the factory).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# import name -> folder, as pyproject's package-dir installs them
PACKAGE_DIRS = {
    "t2l_edge": ROOT / "t2l_edge",
    "t2l_edge.export": ROOT / "export",
    "t2l_edge.runtimes": ROOT / "runtimes",
    "t2l_edge.profiles": ROOT / "profiles",
}
# Most specific prefix first; anything else under t2l_edge is core (layer 0).
LAYERS: list[tuple[str, int]] = [
    ("t2l_edge.cli", 5),
    ("t2l_edge.serve", 5),
    ("t2l_edge.runtimes", 4),
    ("t2l_edge.train", 3),
    ("t2l_edge.export", 2),
    ("t2l_edge.model", 1),
    ("t2l_edge.profiles", 0),
    ("t2l_edge", 0),
]


def layer(module: str) -> int | None:
    for prefix, rank in LAYERS:
        if module == prefix or module.startswith(prefix + "."):
            return rank
    return None


def modules() -> list[tuple[str, Path]]:
    out = []
    for package, folder in PACKAGE_DIRS.items():
        for path in sorted(folder.rglob("*.py")):
            if ".venv" in path.parts or (package == "t2l_edge" and path.relative_to(folder).parts[0] in
                                         {"export", "runtimes", "profiles"}):
                continue
            parts = [p for p in path.relative_to(folder).with_suffix("").parts if p != "__init__"]
            out.append((".".join([package, *parts]), path))
    return out


def imports(module: str, path: Path) -> list[tuple[int, str]]:
    """(line, imported module) for every import in the file; `from a import b` counts as a and a.b."""
    is_package = path.name == "__init__.py"
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((node.lineno, target))
            found += [(node.lineno, f"{target}.{a.name}") for a in node.names]
    return found


def upward_imports() -> list[str]:
    bad = []
    for module, path in modules():
        own = layer(module)
        for line, target in imports(module, path):
            theirs = layer(target)
            if own is not None and theirs is not None and theirs > own:
                where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
                bad.append(f"{where}:{line}: {module} (layer {own}) imports {target} (layer {theirs})")
    return sorted(set(bad))


def test_no_module_imports_a_higher_layer():
    assert upward_imports() == []


def test_the_scan_sees_every_layer_and_catches_an_upward_import(tmp_path, monkeypatch):
    """The scan is not vacuous: it finds modules of every layer, and an upward import planted in core is caught."""
    seen = {layer(m) for m, _ in modules()}
    assert seen >= {0, 1, 2, 3, 4, 5}
    core = tmp_path / "t2l_edge"
    core.mkdir()
    (core / "leaky.py").write_text("def f():\n    from .runtimes.onnxruntime import Generator\n")
    monkeypatch.setitem(PACKAGE_DIRS, "t2l_edge", core)
    bad = upward_imports()
    assert any("t2l_edge.leaky (layer 0) imports t2l_edge.runtimes.onnxruntime (layer 4)" in b for b in bad), bad


def import_graph(found: list[tuple[str, Path]] | None = None) -> dict[str, set[str]]:
    """module -> the package modules it imports. `from pkg import sub` inside `pkg` is an edge to `pkg.sub` only:
    Python has initialised `pkg` before any of its submodules runs, so that is no circle."""
    found = modules() if found is None else found
    known = {m for m, _ in found}
    graph: dict[str, set[str]] = {m: set() for m in known}
    for module, path in found:
        targets = {t for _, t in imports(module, path) if t in known and t != module}
        own_packages = {module.rsplit(".", i)[0] for i in range(1, module.count(".") + 1)}
        graph[module] = {t for t in targets
                         if not (t in own_packages and any(u.startswith(t + ".") for u in targets))}
    return graph


def import_circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    circles.append(sorted(component))
    return sorted(circles)


def test_no_import_circle():
    assert import_circles(import_graph()) == []


def test_the_circle_scan_finds_a_planted_circle(tmp_path, monkeypatch):
    """A factory that imports its backend, whose backend imports the factory, is caught; a submodule importing a
    sibling through its package (`from . import sibling`) is not a circle."""
    core = tmp_path / "t2l_edge"
    (core / "pkg").mkdir(parents=True)
    (core / "pkg" / "__init__.py").write_text("from .a import f\n")
    (core / "pkg" / "a.py").write_text("from . import b\n")
    (core / "pkg" / "b.py").write_text("X = 1\n")
    (core / "factory.py").write_text("def open():\n    from .backend import Backend\n")
    (core / "backend.py").write_text("from .factory import open\n")
    monkeypatch.setattr("test_layering.PACKAGE_DIRS", {"t2l_edge": core})
    assert import_circles(import_graph()) == [["t2l_edge.backend", "t2l_edge.factory"]]


@pytest.mark.parametrize("module, expected", [("t2l_edge.memory.estimate", 0), ("t2l_edge.export.gguf", 2),
                                              ("t2l_edge.cli.app", 5), ("numpy", None)])
def test_layer_table(module, expected):
    assert layer(module) == expected
