"""``chainrule explain``: every forward and backward equation of a network with its shapes, in both conventions."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.text import Text

from chainrule.cli.common import console, parse_ints, parse_names, rich_table, user_errors
from chainrule.cli.root import app
from chainrule.errors import ChainruleError
from chainrule.explain import Explanation, explain

FORMATS = ("terminal", "markdown", "latex", "json")


@app.command("explain")
def explain_command(
    layers: str = typer.Option(..., help="Layer sizes n_x,n[1],...,n[L], e.g. 12288,20,7,5,1."),
    activations: str | None = typer.Option(
        None, help="One per layer, or hidden,output (e.g. relu,sigmoid); default relu hidden layers, sigmoid output."
    ),
    m: int | None = typer.Option(None, "--m", help="Number of examples; without it the shapes say m."),
    verify: bool = typer.Option(False, "--verify", help="Check everything on a seeded random instance (exit 1 if it fails)."),
    shapes: bool = typer.Option(False, "--shapes", help="Print only the dimension table."),
    output_format: str = typer.Option("terminal", "--format", help="terminal, markdown, latex or json."),
    lambd: float = typer.Option(0.0, help="L2 strength λ: J gains (λ/2m) Σ‖W‖², every dW gains (λ/m) W."),
    seed: int = typer.Option(0, help="Seed of the weights and of the --verify instance."),
) -> None:
    """Every forward and backward equation with its shapes, in both 1/m conventions; --verify proves it on numbers."""
    with user_errors():
        if output_format not in FORMATS:
            raise ChainruleError(f"unknown --format {output_format!r}; expected one of: {', '.join(FORMATS)}")
        explanation = explain(
            parse_ints(layers, "--layers"), m=m, activations=parse_names(activations) if activations else None,
            lambd=lambd, verify=verify and not shapes, seed=seed,
        )  # fmt: skip
    if output_format == "terminal":
        _print_terminal(explanation, shapes)
    elif output_format == "markdown":
        typer.echo(explanation.to_markdown(shapes_only=shapes))
    elif output_format == "latex":
        typer.echo(explanation.to_latex(shapes_only=shapes), nl=False)
    else:
        typer.echo(explanation.to_json(shapes_only=shapes))
    if explanation.verification is not None and not explanation.verification.passed:
        raise typer.Exit(1)


def _print_terminal(explanation: Explanation, shapes_only: bool) -> None:
    """rich tables; a wide fixed width when the output is not a terminal, so that no equation wraps."""
    out = console if console.is_terminal else Console(width=220, highlight=False)
    if shapes_only:
        out.print(rich_table(explanation.shapes_table()))
        return
    out.print(Text(explanation.title, style="bold"))
    out.print(rich_table(explanation.forward_table(), no_wrap=True))
    out.print(rich_table(explanation.activations_table()))
    out.print(rich_table(explanation.backward_table(), styles={"loss_is": "cyan", "cost_is": "magenta"}, no_wrap=True))
    for note in explanation.notes:
        out.print()
        out.print(Text.assemble((note.title + ". ", "bold"), note.text), width=min(out.width, 120))
    if explanation.verification is not None:
        verification = explanation.verification
        plain = verification.table
        out.print()
        out.print(rich_table(plain, notes=False))
        out.print(Text(verification.verdict(), style="bold green" if verification.passed else "bold red"), width=min(out.width, 120))
        for line in plain.notes[1:]:  # after the verdict: the kink note
            out.print(Text(line), width=min(out.width, 120))

