"""``chainrule audit FILE``: run a learner's course functions on probe networks and name what is wrong.

With ``--json`` stdout holds exactly one JSON object whatever happens: the report
(docs/audit.md), or ``{"error": "..."}`` with exit code 2 for a usage error, the command line's
own included (a missing FILE, an unknown option, a timeout that is not a positive finite number of seconds).
"""

from __future__ import annotations

import json
import signal
import sys
from typing import Any, Protocol, runtime_checkable

import typer
from typer.core import TyperCommand

from chainrule.audit import DEFAULT_TIMEOUT
from chainrule.audit import audit as run_audit
from chainrule.cli.common import console, print_error, rich_table
from chainrule.cli.root import app
from chainrule.errors import ChainruleError


def _json_error(message: str) -> None:
    typer.echo(json.dumps({"error": message}, ensure_ascii=False))
    raise typer.Exit(2)


@runtime_checkable
class _UsageError(Protocol):
    """click's UsageError, whichever click raised it (typer vendors its own as ``typer._click``, without a public name)."""

    exit_code: int

    def format_message(self) -> str: ...


class _AuditCommand(TyperCommand):
    """With --json, the command line's own usage errors are a JSON object too."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # ctx: click's Context (vendored by typer: no public name)
        if "--json" not in args:
            return super().parse_args(ctx, args)
        try:
            return super().parse_args(ctx, args)
        except Exception as error:  # the command line's usage errors (click's UsageError, exit code 2)
            if not isinstance(error, _UsageError) or error.exit_code != 2:
                raise
            typer.echo(json.dumps({"error": error.format_message()}, ensure_ascii=False))
            raise typer.Exit(2) from None


def _stop_on_sigterm() -> None:
    """SIGTERM ends the audit through the normal path: the learner's processes are killed and the temporary folder removed."""

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    try:
        signal.signal(signal.SIGTERM, stop)
    except ValueError:  # pragma: no cover - not the main thread (an embedding application)
        pass


@app.command(cls=_AuditCommand)
def audit(
    file: str = typer.Argument(..., help="A .py file, a jupytext `# %%` file or a notebook (.ipynb) with the course's functions."),
    function: str | None = typer.Option(None, "--function", help="Audit only this function, e.g. L_model_backward."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object on stdout: the report, or {\"error\": ...}."),
    timeout: float = typer.Option(DEFAULT_TIMEOUT, help="Seconds for each top-level statement of the file and for each function's calls."),
    run_all: bool = typer.Option(False, "--run-all", help="Run every top-level statement, not only the definitions."),
) -> None:
    """Check a learner's own backprop against chainrule's, in both 1/m conventions, and name the bug.

    Only the file's definitions run (imports, functions, classes, literal constants) unless
    --run-all; the course's helper modules missing beside the file are supplied by chainrule.
    Exit code 0 when every course function is correct, 1 when any is wrong, raised or could not be
    audited (a signature the course's calls do not fit), 2 for a usage error (no such file, no
    course-named function in it).
    """
    _stop_on_sigterm()
    try:
        report = run_audit(file, function=function, timeout=timeout, run_all=run_all)
    except ChainruleError as error:
        if as_json:
            _json_error(str(error))
        print_error(str(error))
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(report.to_json())
    else:
        console.print(report.headline(), highlight=False, markup=False)
        for result in report:
            table = result.table()
            notes, table.notes = table.notes, []
            console.print()
            console.print(rich_table(table))
            for note in notes:
                console.print(note, highlight=False, markup=False)
        console.print()
        for note in report.notes:
            console.print(note, highlight=False, markup=False)
    sys.stdout.flush()
    raise typer.Exit(report.exit_code)
