"""``chainrule audit FILE``: run a learner's course functions on probe networks and name what is wrong."""

from __future__ import annotations

import typer

from chainrule.audit import DEFAULT_TIMEOUT
from chainrule.audit import audit as run_audit
from chainrule.cli import app
from chainrule.cli.common import console, rich_table, user_errors


@app.command()
def audit(
    file: str = typer.Argument(..., help="A Python file with the course's functions (it is executed, in a separate process)."),
    function: str | None = typer.Option(None, "--function", help="Audit only this function, e.g. L_model_backward."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per audited function, in a list."),
    timeout: float = typer.Option(DEFAULT_TIMEOUT, help="Seconds for executing the file and for each function's calls."),
) -> None:
    """Check a learner's own backprop against chainrule's, in both 1/m conventions, and name the bug.

    Exit code 0 when every course function is correct, 1 when any is wrong, raised or could not be
    audited (a signature the course's calls do not fit), 2 for a usage error (no such file, no
    course-named function in it).
    """
    with user_errors():
        report = run_audit(file, function=function, timeout=timeout)
    if as_json:
        typer.echo(report.to_json())
    else:
        console.print(report.headline(), highlight=False)
        for result in report:
            table = result.table()
            notes, table.notes = table.notes, []
            console.print()
            console.print(rich_table(table))
            for note in notes:
                console.print(note, highlight=False)
        console.print()
        for note in report.notes:
            console.print(note, highlight=False)
    raise typer.Exit(report.exit_code)
