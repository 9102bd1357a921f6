"""Shared helpers of the CLI: parsing lists, printing tables with rich, turning errors into exit codes."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import typer
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from chainrule.errors import ChainruleError
from chainrule.report import Table
from chainrule.runs import parse_ints, parse_names

__all__ = ["console", "err_console", "parse_ints", "parse_names", "percent", "plain", "print_error", "rich_table", "user_errors"]

# Neither console reads rich markup: chainrule's text is full of brackets ("W[l]", "Σₗ ‖W[l]‖²",
# "pip install 'chainrule[data]'") that rich would otherwise take for tags and drop. Style goes
# through ``plain(text, style)``, the one converter from chainrule's text to what rich prints.
console = Console(markup=False)
err_console = Console(stderr=True, markup=False)


def plain(text: object, style: str = "") -> Text:
    """``text`` exactly as written (never read as rich markup), with an optional rich style such as "bold"."""
    return Text(str(text), style=style)


def percent(value: float | None) -> str:
    """A fraction as "90.75 %" ("—" for None)."""
    return "—" if value is None else f"{100 * value:.2f} %"


def rich_table(table: Table, notes: bool = True, styles: dict[str, str] | None = None, no_wrap: bool = False) -> RichTable:
    """A report table as a rich table of plain text (W[l], g'[l] are not rich markup), its notes as the caption.

    styles: a rich style per column key (e.g. {"loss_is": "cyan"}); no_wrap: never wrap a cell (equations).
    """
    caption = plain("\n".join(table.notes)) if notes and table.notes else None
    out = RichTable(title=plain(table.title), caption=caption, caption_justify="left")
    for key, header in table.columns:
        out.add_column(plain(header), style=(styles or {}).get(key), no_wrap=no_wrap)
    for row in table.cells():
        out.add_row(*map(plain, row))
    return out


def print_error(message: str) -> None:
    """One red "error: ..." line on stderr, the message as plain text (never read as markup)."""
    err_console.print(Text.assemble(("error:", "bold red"), " ", message), highlight=False, soft_wrap=True)


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Print a ChainruleError as one red line and exit with code 2 (bad input)."""
    try:
        yield
    except ChainruleError as error:
        print_error(str(error))
        raise typer.Exit(2) from None
