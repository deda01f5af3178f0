"""The plantledger package has no import circle (issue 16): its import graph, read from the
source with ``ast``, is acyclic. Every import that can run counts, also those inside functions (a
lazy import still ties the two modules together: ``cli`` -> ``bench`` -> ``cli`` was one); only
imports under ``if TYPE_CHECKING:`` (for annotations, never run) do not."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "plantledger"


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """The import statements of ``tree``, except those under ``if TYPE_CHECKING:``."""
    found: list[ast.Import | ast.ImportFrom] = []
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        elif isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            found += [n for child in node.orelse for n in _imports_of(child)]
        else:
            found += _imports(node)
    return found


def _imports_of(node: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    return [node] if isinstance(node, ast.Import | ast.ImportFrom) else _imports(node)


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the modules of the package ``root`` it imports (anywhere in its code).

    ``from a.b import c`` points at ``a.b.c`` when that is a module, else at ``a.b``; an import of
    ``a.b.c`` points at that module only (not at its parent packages' ``__init__``).
    """
    files = {module_name(path, root): path for path in sorted(root.rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                    base = f"{base}.{node.module}" if node.module else base
                else:
                    base = node.module or ""
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    targets.add(sub if sub in files else base)
        graph[name] = {target for target in targets if target in files and target != name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle as ``[a, b, ..., a]``, or None when the graph is acyclic."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return path[path.index(target) :] + [target]
            if target not in state and (cycle := visit(target)) is not None:
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)) is not None:
            return cycle
    return None


def test_the_package_has_no_import_cycle():
    graph = import_graph(PACKAGE)
    assert "plantledger.cli" in graph and "plantledger.bench.command" in graph
    cycle = find_cycle(graph)
    assert cycle is None, "import circle: " + " -> ".join(cycle or [])


def test_a_circle_through_a_lazy_import_is_found(tmp_path):
    """The detector itself: a lazy import back (inside a function) closes a circle."""
    root = tmp_path / "pkg"
    (root / "sub").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "sub" / "__init__.py").write_text("")
    (root / "cli.py").write_text("def run():\n    from pkg.sub import tool\n")
    (root / "sub" / "tool.py").write_text("from . import helper\n")
    (root / "sub" / "helper.py").write_text("X = 1\n")
    (root / "sub" / "helper.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pkg.cli\n"
    )
    assert find_cycle(import_graph(root)) is None  # an import for annotations only
    (root / "sub" / "helper.py").write_text("def f():\n    import pkg.cli\n")
    assert find_cycle(import_graph(root)) == [
        "pkg.cli",
        "pkg.sub.tool",
        "pkg.sub.helper",
        "pkg.cli",
    ]
