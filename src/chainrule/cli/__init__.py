"""The ``chainrule`` command line: it only parses options and prints; the work is in the library.

Each subcommand lives in its own module and registers itself on ``app`` (``chainrule.cli.root``).
"""

from __future__ import annotations

from chainrule.cli.root import app  # first: a subcommand module may still import it from this package

# isort: split
from chainrule.cli import audit, check, evaluate, explain, playground, predict, train  # noqa: F401  (each registers its command)


def main() -> None:
    """Console-script entry point."""
    app()


__all__ = ["app", "main"]
