"""The size rules of docs/architecture.md, measured on the source: no function outside cli/ takes more than 14
parameters or has more than 60 lines of code (docstring, blank lines and comments not counted); the CLI only parses
and prints, so no function in cli/ has more than 40.

The command functions in cli/ are exempt from the parameter limit: typer makes each option a parameter.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "chainrule"
MAX_PARAMETERS = 14
MAX_CODE_LINES = 60
MAX_CLI_CODE_LINES = 40


def parameter_count(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Every parameter but a method's self or cls; *args and **kwargs count one each."""
    a = node.args
    n = len(a.posonlyargs) + len(a.args) + len(a.kwonlyargs) + (a.vararg is not None) + (a.kwarg is not None)
    first = (a.posonlyargs + a.args)[:1]
    return n - (1 if first and first[0].arg in ("self", "cls") else 0)


def code_lines(node: ast.FunctionDef | ast.AsyncFunctionDef, lines: list[str]) -> int:
    """Non-blank, non-comment lines from the first statement after the docstring to the function's end."""
    body = node.body
    if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
        body = body[1:]
    if not body:
        return 0
    text = lines[body[0].lineno - 1 : node.end_lineno]
    return sum(1 for line in text if line.strip() and not line.strip().startswith("#"))


def functions() -> list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef, list[str]]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                found.append((path.relative_to(PACKAGE).as_posix(), node, lines))
    return found


def test_the_measures_see_what_they_measure() -> None:
    """A negative control: the two measures on a function written for them."""
    source = 'def f(self, a, b=1, *args, c, **kw):\n    """doc\n    more"""\n    # a comment\n\n    x = 1\n    return x\n'
    node = ast.parse(source).body[0]
    assert isinstance(node, ast.FunctionDef)
    assert parameter_count(node) == 5 and code_lines(node, source.splitlines()) == 2


@pytest.mark.parametrize("limit", ["parameters", "lines"])
def test_no_function_outside_cli_exceeds_the_limits(limit: str) -> None:
    over = []
    for where, node, lines in functions():
        if limit == "parameters" and not where.startswith("cli/") and parameter_count(node) > MAX_PARAMETERS:
            over.append(f"{where}:{node.lineno} {node.name}() has {parameter_count(node)} parameters")
        if limit == "lines" and code_lines(node, lines) > (MAX_CLI_CODE_LINES if where.startswith("cli/") else MAX_CODE_LINES):
            over.append(f"{where}:{node.lineno} {node.name}() has {code_lines(node, lines)} lines of code")
    assert not over, "; ".join(over)
