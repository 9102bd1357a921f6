"""Shared helpers of the CLI: parsing lists, printing tables with rich, turning errors into exit codes."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import typer
from rich.console import Console
from rich.table import Table as RichTable

from chainrule.errors import ChainruleError
from chainrule.report import Table

console = Console()
err_console = Console(stderr=True)


def parse_ints(text: str, name: str) -> list[int]:
    """"12288,20,7,5,1" → [12288, 20, 7, 5, 1], with a clear error."""
    try:
        return [int(part) for part in text.replace(" ", "").split(",") if part]
    except ValueError:
        raise ChainruleError(f"{name} must be comma-separated integers such as 2,4,1; got {text!r}") from None


def parse_names(text: str) -> list[str]:
    """"relu,sigmoid" → ["relu", "sigmoid"]."""
    return [part.strip() for part in text.split(",") if part.strip()]


def rich_table(table: Table) -> RichTable:
    """A report table as a rich table, notes as its caption."""
    out = RichTable(title=table.title, caption="\n".join(table.notes) or None, caption_justify="left")
    for _, header in table.columns:
        out.add_column(header)
    for row in table.cells():
        out.add_row(*row)
    return out


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Print a ChainruleError as one red line and exit with code 2 (bad input)."""
    try:
        yield
    except ChainruleError as error:
        err_console.print(f"[bold red]error:[/] {error}", highlight=False)
        raise typer.Exit(2) from None
