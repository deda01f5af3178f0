"""Rooms a newcomer can read: no module of the package over MAX_MODULE_LINES lines, no function
over MAX_FUNCTION_LINES lines unless a ``# long: <reason>`` comment right above its ``def`` (or
on the ``def`` line) says why it stays one piece."""

from __future__ import annotations

import ast
from pathlib import Path

import plantledger

PACKAGE = Path(plantledger.__file__).parent
MAX_MODULE_LINES = 700
MAX_FUNCTION_LINES = 100
REASON = "# long:"


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _has_reason(lines: list[str], node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A ``# long:`` comment with a reason on the ``def`` line or in the comment lines right
    above it (above its decorators too)."""
    if REASON in lines[node.lineno - 1]:
        return True
    first = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 2
    while first >= 0 and lines[first].strip().startswith("#"):
        text = lines[first].strip()
        if text.startswith(REASON) and text[len(REASON) :].strip():
            return True
        first -= 1
    return False


def long_functions(path: Path) -> list[tuple[str, int]]:
    """The functions of ``path`` over the limit without a reason: (qualified name, lines)."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    found: list[tuple[str, int]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                assert child.end_lineno is not None
                size = child.end_lineno - child.lineno + 1
                if size > MAX_FUNCTION_LINES and not _has_reason(lines, child):
                    found.append((f"{prefix}{child.name}", size))
                visit(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")

    visit(ast.parse(source), "")
    return found


def test_no_module_over_the_limit() -> None:
    too_long = {
        str(path.relative_to(PACKAGE.parent)): n
        for path in _modules()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not too_long, f"modules over {MAX_MODULE_LINES} lines (split them): {too_long}"


def test_no_long_function_without_a_reason() -> None:
    too_long = {
        f"{path.relative_to(PACKAGE.parent)}:{name}": size
        for path in _modules()
        for name, size in long_functions(path)
    }
    assert not too_long, (
        f"functions over {MAX_FUNCTION_LINES} lines without a '{REASON} <reason>' comment above "
        f"them (split them into named steps, or say why they stay one piece): {too_long}"
    )


def test_the_check_sees_a_long_function(tmp_path: Path) -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    plain = tmp_path / "plain.py"
    plain.write_text(f"def f():\n{body}\n", encoding="utf-8")
    assert long_functions(plain) == [("f", MAX_FUNCTION_LINES + 1)]
    reasoned = tmp_path / "reasoned.py"
    reasoned.write_text(f"# long: one table, column by column\ndef f():\n{body}\n")
    assert long_functions(reasoned) == []
    empty = tmp_path / "empty_reason.py"
    empty.write_text(f"# long:\ndef f():\n{body}\n", encoding="utf-8")
    assert long_functions(empty) == [("f", MAX_FUNCTION_LINES + 1)]
