"""Reading a learner's file as the Python the audit runs, with the place of every line as the learner sees it.

Three layouts are read into one ``Program``:

- a plain ``.py`` file: line N is "line N";
- a notebook (``.ipynb``, nbformat 4 or 3 JSON, read with the standard library): the code cells in
  order, each line placed as "cell 14, line 6" (cells counted from 1 in the notebook, markdown cells
  included, as an editor's cell counter shows them);
- a ``.py`` file with cells: jupytext's ``# %%`` markers (placed as in a notebook) or the
  ``# In[14]:`` markers of a notebook exported by nbconvert (placed as "In [14], line 6").

IPython syntax is dropped line by line, each dropped line kept blank so that the line numbers
stay the learner's: line magics and shell lines (``%matplotlib inline``, ``!pip install h5py``,
``x = !ls``), help lines (``np.dot?``), the ``get_ipython().run_line_magic(...)`` calls nbconvert
writes for them; a ``%%time`` / ``%%timeit`` / ``%%capture`` cell runs its body, as IPython does;
any other cell magic (``%%bash``, ``%%writefile``, ``%%html`` ...) drops its cell. A cell that is
not valid Python is dropped with a note, as Jupyter would fail that cell alone.

``Program.plan`` decides which top-level statements run: by default only what defines the
functions (imports, ``def``, ``class``, assignments of constant expressions such as
``layers_dims = [12288, 20, 7, 5, 1]``, ``sys.path.append(...)``, ``try`` blocks made of those); everything else (training,
plotting, test calls, data loading) is skipped and listed. ``run_all=True`` runs every statement.
"""

from __future__ import annotations

import ast
import bisect
import io
import json
import os
import re
import sys
import tokenize
from dataclasses import dataclass, field

from chainrule.errors import ChainruleError

BODY_CELL_MAGICS = {"time", "timeit", "capture", "prun", "debug"}  # IPython runs the cell's body as Python
_CELL_MARKER = re.compile(r"^# ?%%(?!%)(.*)$")
_IN_MARKER = re.compile(r"^# ?In\s*\[\s*(\d*)\s*\]:?\s*$")
_MAGIC_LINE = re.compile(r"^\s*(%|!)|^\s*[\w.]+\s*=\s*[%!]\w|^\s*[\w.\[\]()]+\?\??\s*$")
QUOTE_LIMIT = 60

Key = tuple[int, int]  # (line, column) of a top-level statement in the program


@dataclass
class Cell:
    """One cell: its number as the learner sees it ("cell 14" or "In [14]") and its lines in the program."""

    label: str
    first_line: int  # the program line of the cell's line 1
    n_lines: int


@dataclass
class Statement:
    """A top-level statement: where it is, its first line quoted, and whether it defines (runs by default)."""

    key: Key
    end_line: int
    defines: bool
    code: str
    names: tuple[str, ...] = ()  # the names it assigns at the top level


@dataclass
class Program:
    """The Python text the audit runs (one line per line of the learner's code) and the map back to the file.

    path: the learner's file; kind: "py", "ipynb", "jupytext" or "nbconvert"; text: the program;
    cells: in program order (empty for a plain .py file); notes: lines dropped and why.
    """

    path: str
    kind: str
    text: str
    cells: list[Cell] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list, repr=False)

    @property
    def name(self) -> str:
        return os.path.basename(self.path)

    def where(self, line: int | None) -> str:
        """Program line → the place as the learner sees it: "line 6", "cell 14, line 6", "In [14], line 6"."""
        if line is None:
            return "an unknown line"
        if not self.cells:
            return f"line {line}"
        if not self._starts:
            self._starts = [c.first_line for c in self.cells]
        i = bisect.bisect_right(self._starts, line) - 1
        if i < 0:
            return f"line {line}"
        cell = self.cells[i]
        return f"{cell.label}, line {line - cell.first_line + 1}"

    def where_in_file(self, line: int | None) -> str:
        """Like ``where``, naming the file: "line 9 of week4.py", "cell 14, line 6 of week4.ipynb"."""
        return f"{self.where(line)} of {self.name}"

    def tree(self) -> ast.Module:
        return ast.parse(self.text, filename=self.path)

    def statements(self) -> list[Statement]:
        """Every top-level statement, in order, each marked as defining or not (see the module's docstring)."""
        constants: set[str] = set()
        out = []
        lines = self.text.splitlines()
        for node in self.tree().body:
            if _is_ipython_call(node):
                continue
            defines = _defines(node, constants)
            code = lines[node.lineno - 1].strip() if node.lineno <= len(lines) else ""
            names = tuple(sorted({n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}))
            out.append(Statement((node.lineno, node.col_offset), node.end_lineno or node.lineno, defines, code, names))
        return out

    def plan(self, run_all: bool) -> tuple[list[Key], list[Statement]]:
        """(the statements to run, the statements skipped): all of them with ``run_all``, else only definitions."""
        statements = self.statements()
        run = [s.key for s in statements if run_all or s.defines]
        return run, [s for s in statements if not (run_all or s.defines)]

    def quote(self, statement: Statement) -> str:
        """ "cell 5, line 1: `parameters = L_layer_model(train_x, ...`" for the report."""
        code = statement.code if len(statement.code) <= QUOTE_LIMIT else statement.code[: QUOTE_LIMIT - 1] + "…"
        more = " …" if statement.end_line > statement.key[0] and not code.endswith("…") else ""
        return f"{self.where(statement.key[0])}: `{code}{more}`"


def read_program(path: str) -> Program:
    """The program of a .py or .ipynb file; ChainruleError when it cannot be read or is not valid Python."""
    if os.path.isdir(path):
        raise ChainruleError(f"{path!r} is a folder; expected a .py or .ipynb file")
    if not os.path.isfile(path):
        raise ChainruleError(f"no such file: {path!r}")
    content = _read_text(path)
    if path.endswith(".ipynb") or (not path.endswith(".py") and content.lstrip().startswith("{")):
        return _from_cells(path, "ipynb", _notebook_cells(path, content))
    lines = content.splitlines()
    if any(_CELL_MARKER.match(line) for line in lines):
        return _from_cells(path, "jupytext", _marked_cells(lines, _CELL_MARKER))
    if any(_IN_MARKER.match(line) for line in lines):
        return _from_cells(path, "nbconvert", _marked_cells(lines, _IN_MARKER))
    program = Program(path, "py", content)
    try:
        program.tree()
    except SyntaxError:
        code = _blank_ipython(lines)
        try:
            ast.parse("\n".join(code))
        except SyntaxError as error:  # not even without IPython's lines: the learner's own syntax error
            raise ChainruleError(f"{path} is not valid Python: {error.msg} at line {error.lineno}") from None
        dropped = [i + 1 for i, (old, new) in enumerate(zip(lines, code, strict=True)) if old != new]
        program = Program(path, "py", "\n".join(code) + "\n")
        program.notes.append(f"IPython lines dropped (a .py file with a notebook's magics): line(s) {', '.join(map(str, dropped))}")
    return program


def _read_text(path: str) -> str:
    """The file's text: UTF-8, or a .py file's own ``# -*- coding: ... -*-`` declaration."""
    with open(path, "rb") as file:
        data = file.read()
    encoding = "utf-8"
    if path.endswith(".py"):
        try:
            encoding = tokenize.detect_encoding(io.BytesIO(data).readline)[0]
        except SyntaxError:  # an unknown encoding declared
            pass
    try:
        return data.decode(encoding).replace("\r\n", "\n")
    except (UnicodeDecodeError, LookupError):
        raise ChainruleError(f"{path} is not a UTF-8 text file (a Python file or a notebook)") from None


# ---- notebooks ------------------------------------------------------------------------------------


def _notebook_cells(path: str, content: str) -> list[tuple[str, str, list[str]]]:
    """[(label, cell type, source lines)] of a notebook's cells, in order."""
    try:
        notebook = json.loads(content)
    except json.JSONDecodeError as error:
        raise ChainruleError(f"{path} is not a notebook: invalid JSON at line {error.lineno}") from None
    if not isinstance(notebook, dict):
        raise ChainruleError(f"{path} is not a notebook: expected a JSON object with 'cells'; got {type(notebook).__name__}")
    if "cells" in notebook:
        cells, field_name = notebook["cells"], "source"
    elif notebook.get("worksheets"):  # nbformat 3
        cells, field_name = notebook["worksheets"][0].get("cells", []), "input"
    else:
        raise ChainruleError(f"{path} is not a notebook: no 'cells' in its JSON")
    if not isinstance(cells, list):
        raise ChainruleError(f"{path} is not a notebook: 'cells' should be a list; got {type(cells).__name__}")
    out = []
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict):
            continue
        source = cell.get(field_name, cell.get("source", ""))
        text = "".join(source) if isinstance(source, list) else str(source or "")
        out.append((f"cell {number}", str(cell.get("cell_type", "code")), text.splitlines()))
    return out


def _marked_cells(lines: list[str], marker: re.Pattern) -> list[tuple[str, str, list[str]]]:
    """Cells of a .py file split at marker lines; each cell's first line is its marker line, kept blank."""
    cells: list[tuple[str, str, list[str]]] = [("before the first cell", "code", [])]  # code above the first marker
    count = 0
    for line in lines:
        match = marker.match(line)
        if not match:
            cells[-1][2].append(line)
            continue
        count += 1
        tag = match.group(1).strip()
        if marker is _IN_MARKER:
            label, kind = (f"In [{tag}]" if tag else f"In [ ] (cell {count})"), "code"
        else:
            label, kind = f"cell {count}", ("markdown" if re.match(r"\[(markdown|md|raw)\]", tag) else "code")
        cells.append((label, kind, [""]))
    return cells


def _from_cells(path: str, kind: str, cells: list[tuple[str, str, list[str]]]) -> Program:
    """The program of a notebook's cells (a blank line between cells) or of a marked .py file's (line for line)."""
    lines: list[str] = []
    program = Program(path, kind, "")
    marked = kind in ("jupytext", "nbconvert")
    for i, (label, cell_type, body) in enumerate(cells):
        offset = 1 if marked and i > 0 else 0  # a marked cell's body starts with its marker line
        if cell_type == "code":
            code, note = _python_of_cell(body[offset:], label)
            if note:
                program.notes.append(note)
        else:
            code = [""] * (len(body) - offset) if marked else []  # a .py file keeps its lines; a notebook needs none
        lines.extend([""] * offset)
        lead = 0  # nbconvert writes two blank lines after "# In[14]:": the cell's line 1 is the one after them
        while kind == "nbconvert" and i > 0 and lead < 2 and lead < len(code) and not code[lead].strip():
            lead += 1
        program.cells.append(Cell(label, len(lines) + 1 + lead, len(code) - lead))
        lines.extend(code)
        if not marked:
            lines.append("")  # cells are separated by a line of their own
    program.text = "\n".join(lines) + "\n"
    return program


def _python_of_cell(lines: list[str], label: str) -> tuple[list[str], str | None]:
    """The cell's lines with IPython syntax blanked; all blank, with a note, when the rest is not valid Python."""
    if not lines:
        return lines, None
    first = lines[0].strip()
    if first.startswith("%%"):
        magic = first[2:].split()[0] if first[2:].split() else ""
        if magic not in BODY_CELL_MAGICS:
            return [""] * len(lines), f"{label}: a %%{magic} cell, not Python: not run"
        lines = ["", *lines[1:]]
    out = _blank_ipython(lines)
    try:
        ast.parse("\n".join(out))
    except SyntaxError as error:
        return [""] * len(lines), f"{label} is not valid Python ({error.msg} at its line {error.lineno}): not run"
    return out, None


def _blank_ipython(lines: list[str]) -> list[str]:
    """Line magics, shell lines and help lines (``%time f()``, ``!ls``, ``x = !ls``, ``np.dot?``) made blank."""
    return [("" if _MAGIC_LINE.match(line) and not _is_python(line) else line) for line in lines]


def _is_python(line: str) -> bool:
    try:
        ast.parse(line.strip())
    except SyntaxError:
        return False
    return True


# ---- which top-level statements define ------------------------------------------------------------

_CONSTANT_NODES = (ast.Constant, ast.Tuple, ast.List, ast.Set, ast.Dict, ast.BinOp, ast.UnaryOp,
                   ast.operator, ast.unaryop, ast.Load, ast.Name)  # fmt: skip


def _is_constant(node: ast.AST, constants: set[str]) -> bool:
    """A literal, or arithmetic of literals and names assigned such values before (``n_x = 12288``)."""
    return all(
        isinstance(sub, _CONSTANT_NODES) and (not isinstance(sub, ast.Name) or sub.id in constants)
        for sub in ast.walk(node)
    )


def _target_names(target: ast.AST) -> list[str] | None:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, ast.Tuple | ast.List):
        names = [_target_names(t) for t in target.elts]
        return None if any(n is None for n in names) else [x for n in names for x in n]  # type: ignore[union-attr]
    return None


def _defines(node: ast.stmt, constants: set[str]) -> bool:
    """Whether a top-level statement only defines: it runs by default (see the module's docstring)."""
    if isinstance(node, ast.Import | ast.ImportFrom | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Pass):
        return True
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):  # a docstring
        return True
    if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        names = [_target_names(t) for t in targets]
        if all(n is not None for n in names) and _is_constant(node.value, constants):
            constants.update(x for n in names for x in n)  # type: ignore[union-attr]
            return True
        return False
    if isinstance(node, ast.Try):
        blocks = [node.body, node.orelse, node.finalbody, *[h.body for h in node.handlers]]
        return all(_defines(s, constants) for block in blocks for s in block)
    if isinstance(node, ast.If) and _is_main_guard(node.test):
        return True  # never runs: the file is not executed as __main__
    return _changes_sys_path(node)


def _changes_sys_path(node: ast.stmt) -> bool:
    """``sys.path.append("../utils")`` and the like: the imports after it need it."""
    call = node.value if isinstance(node, ast.Expr) else None
    return (
        isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr in ("append", "insert", "extend")
        and isinstance(call.func.value, ast.Attribute) and call.func.value.attr == "path"
        and isinstance(call.func.value.value, ast.Name) and call.func.value.value.id == "sys"
    )  # fmt: skip


def _is_main_guard(test: ast.expr) -> bool:
    return (
        isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == "__name__"
        and len(test.comparators) == 1 and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value == "__main__"
    )  # fmt: skip


def code_cell_label(filename: str) -> str | None:
    """ "In [14]" for the file name IPython gave a cell's code (``<ipython-input-14-…>``, ipykernel's temporary files)."""
    match = re.match(r"<ipython-input-(\d+)-", filename)
    if match:
        return f"In [{match.group(1)}]"
    shell = sys.modules.get("IPython")
    get = getattr(shell, "get_ipython", None)
    number = getattr(getattr(get() if get else None, "compile", None), "_filename_map", {}).get(filename)
    return f"In [{number}]" if number is not None else None


def _is_ipython_call(node: ast.stmt) -> bool:
    """``get_ipython().run_line_magic(...)`` and the like, as nbconvert writes magics: dropped."""
    if not isinstance(node, ast.Expr | ast.Assign):
        return False
    call = node.value
    while isinstance(call, ast.Call | ast.Attribute):
        call = call.func if isinstance(call, ast.Call) else call.value
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "get_ipython":
            return True
    return False
