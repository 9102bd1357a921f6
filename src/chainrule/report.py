"""A small table that prints in a terminal, renders as HTML in a notebook, as Markdown or LaTeX, and serializes to JSON.

Reports (conventions, gradient checks, audits) hold their results as rows of plain values and
use this for display, so the core needs nothing beyond NumPy.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


def shape_text(shape: Sequence[Any]) -> str:
    """A shape as Python writes a tuple of ints: (20, 209); (5,) for one axis; () for a scalar. Sizes may be symbolic, (20, m)."""
    return "(" + ", ".join(str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"


def format_value(value: Any) -> str:
    """A cell as text: floats in 4 significant digits (scientific when small or large)."""
    if isinstance(value, bool) or value is None:
        return "—" if value is None else ("yes" if value else "no")
    if isinstance(value, float):
        if math.isnan(value):
            return "—"
        if value == 0:
            return "0"
        if value == int(value) and abs(value) < 1e6:
            return str(int(value))
        return f"{value:.4g}" if 1e-3 <= abs(value) < 1e5 else f"{value:.3e}"
    if isinstance(value, tuple):
        return shape_text(value)
    return str(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, tuple):
        return list(value)
    if hasattr(value, "item"):
        return value.item()
    return value


@dataclass
class Table:
    """Rows of plain values with named columns, a title and notes."""

    title: str
    columns: list[tuple[str, str]]  # (row key, header)
    rows: Sequence[Mapping[str, Any]]  # plain dicts, or the TypedDicts of the reports' rows
    notes: list[str] = field(default_factory=list)

    @classmethod
    def from_rows(cls, title: str, rows: Sequence[Mapping[str, Any]], columns: list[tuple[str, str]]) -> Table:
        return cls(title=title, columns=columns, rows=rows)

    def cells(self) -> list[list[str]]:
        """Every row as formatted text, in column order."""
        return [[format_value(row.get(key)) for key, _ in self.columns] for row in self.rows]

    def __str__(self) -> str:
        headers = [header for _, header in self.columns]
        body = self.cells()
        widths = [max(len(h), *(len(r[i]) for r in body)) if body else len(h) for i, h in enumerate(headers)]
        line = "  ".join("-" * w for w in widths)
        out = [self.title, line, "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)), line]
        out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in body]
        out += [line, *self.notes]
        return "\n".join(out)

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(h)}</th>" for _, h in self.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in self.cells()
        )
        notes = "".join(f"<p>{html.escape(n)}</p>" for n in self.notes)
        return (
            f"<div><strong>{html.escape(self.title)}</strong><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>{notes}</div>"
        )

    def to_dict(self) -> dict[str, Any]:
        rows = [{k: _jsonable(v) for k, v in row.items()} for row in self.rows]
        return {"title": self.title, "rows": rows, "notes": self.notes}

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)


# -- Markdown and LaTeX renderers of a Table (explain's formats) -------------------------------------
def markdown_escape(text: str) -> str:
    """Plain text for Markdown: the characters that could start a link, emphasis, code or a table cell escaped."""
    return re.sub(r"([\\`*_\[\]|<>])", r"\\\1", text)


def latex_escape(text: str) -> str:
    """Plain text for a LaTeX text paragraph: the ten special characters escaped."""
    special = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
               "%": r"\%", "_": r"\_", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}"}  # fmt: skip
    return "".join(special.get(c, c) for c in text)


def markdown_table(table: Table, code: Sequence[str] = (), math: Sequence[str] = ()) -> str:
    """A report Table as a Markdown table, its notes below: cells in ``code`` as code spans, cells in ``math``
    (already LaTeX) as $…$ math, the others as escaped text; an empty header stays an empty cell."""
    keys = [key for key, _ in table.columns]
    header = "|" + "".join(f" {markdown_escape(h)} |" if h else " |" for _, h in table.columns)
    lines = [f"**{markdown_escape(table.title)}**", "", header, "|" + "---|" * len(keys)]
    for cells in table.cells():
        cells = [_markdown_cell(c, key in code, key in math) for key, c in zip(keys, cells, strict=True)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join([*lines, "", *map(markdown_escape, table.notes)])


def _markdown_cell(text: str, code: bool, math: bool) -> str:
    return f"`{text}`" if code else f"${text}$" if math else markdown_escape(text)


def latex_table(table: Table, code: Sequence[str] = (), math: Sequence[str] = ()) -> list[str]:
    """A report Table as a longtable, its notes below: cells in ``code`` in typewriter type, cells in ``math``
    (already LaTeX) as $…$ math, the others as escaped text."""
    keys = [key for key, _ in table.columns]
    lines = [rf"\subsection*{{{latex_escape(table.title)}}}", r"{\footnotesize\begin{longtable}{" + "l" * len(keys) + "}",
             " & ".join(latex_escape(h) for _, h in table.columns) + r" \\ \hline"]  # fmt: skip
    for cells in table.cells():
        cells = [_latex_cell(c, key in code, key in math) for key, c in zip(keys, cells, strict=True)]
        lines.append(" & ".join(cells) + r" \\")
    lines.append(r"\end{longtable}}")
    return lines + [latex_escape(note) for note in table.notes]


def _latex_cell(text: str, code: bool, math: bool) -> str:
    return rf"\texttt{{{latex_escape(text)}}}" if code else f"${text}$" if math else latex_escape(text)


UNICODE_IN_LATEX = {
    "→": r"$\to$", "−": "-", "∂": r"$\partial$", "‖": r"$\|$", "·": r"$\cdot$", "ε": r"$\varepsilon$",
    "×": r"$\times$", "≥": r"$\geq$", "ᵀ": r"$^\top$", "Σ": r"$\Sigma$", "ᵢ": r"$_i$", "—": "---", "’": "'",
    "⁽": "$^{(", "ⁱ": "i", "⁾": ")}$", "…": r"\dots{}", "σ": r"$\sigma$", "λ": r"$\lambda$", "ₗ": r"$_l$",
    "ₖ": r"$_k$", "²": r"$^2$",
}  # fmt: skip


def latex_document(body: list[str]) -> str:
    """The body in an article; the few Unicode signs of the plain-text cells mapped to LaTeX for pdflatex."""
    text = "\n".join(body)
    text = "".join(UNICODE_IN_LATEX.get(c, c) for c in text)
    preamble = [
        r"\documentclass[10pt]{article}",
        r"\usepackage[T1]{fontenc}",
        r"\usepackage{amsmath}",
        r"\usepackage{longtable}",
        r"\setlength{\textwidth}{17cm}\setlength{\oddsidemargin}{-0.5cm}\setlength{\evensidemargin}{-0.5cm}",
        r"\setlength{\textheight}{23cm}\setlength{\topmargin}{-1.5cm}\setlength{\parindent}{0pt}",
        r"\begin{document}",
    ]
    return "\n".join([*preamble, text, r"\end{document}", ""])
