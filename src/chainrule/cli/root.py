"""The ``chainrule`` command's root: the Typer app that each subcommand module registers itself on.

Its own module, so that a subcommand imports ``app`` from here and not from the package that
imports the subcommands (no import cycle).
"""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Build, train and verify fully-connected networks in NumPy, in the course's notation.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """chainrule: train, check and explain backprop in the course's notation."""
