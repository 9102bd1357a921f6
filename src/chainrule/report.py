"""A small table that prints in a terminal, renders as HTML in a notebook and serializes to JSON.

Reports (conventions, gradient checks, audits) hold their results as rows of plain values and
use this for display, so the core needs nothing beyond NumPy.
"""

from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass, field
from typing import Any


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
        return "(" + ", ".join(str(v) for v in value) + ("," if len(value) == 1 else "") + ")"
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
    rows: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)

    @classmethod
    def from_rows(cls, title: str, rows: list[dict[str, Any]], columns: list[tuple[str, str]]) -> Table:
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
