"""The ``chainrule`` command line: it only parses options and prints; the work is in the library.

Each subcommand lives in its own module and registers itself on ``app``.
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


from chainrule.cli import audit, check, evaluate, explain, playground, predict, train  # noqa: E402,F401  (each registers its command)


def main() -> None:
    """Console-script entry point."""
    app()
