"""``chainrule check``: gradient-check a network's backward pass and print the per-tensor table."""

from __future__ import annotations

import typer

from chainrule import runs
from chainrule.cli.common import console, parse_ints, parse_names, rich_table, user_errors
from chainrule.cli.root import app
from chainrule.errors import ChainruleError
from chainrule.gradcheck import EPSILON, EPSILON_RANGE, RTOL, K, gradcheck


def _parse_scale(text: str | None) -> tuple[str, float] | None:
    """"dW2=1.001" → ("dW2", 1.001)."""
    if text is None:
        return None
    key, _, factor = text.partition("=")
    try:
        return key.strip(), float(factor)
    except ValueError:
        raise ChainruleError(f"--scale must look like KEY=FACTOR, e.g. dW2=1.001; got {text!r}") from None


@app.command()
def check(
    layers: str = typer.Option("4,5,3,1", help="Layer sizes n_x,n[1],...,n[L]."),
    activations: str = typer.Option("relu,sigmoid", help="One per layer, or hidden,output."),
    convention: str = typer.Option("loss", help='What dZ, dA are: "loss" (∂L/∂· per example, the course\'s) or "cost" (∂J/∂·).'),
    mode: str = typer.Option("auto", help="full, sample, directional or auto."),
    m: int = typer.Option(16, "--m", help="Number of examples in the random batch."),
    seed: int = typer.Option(0, help="Seed of the weights, the data and the random directions."),
    k: int = typer.Option(K, "--k", help="Elements (sample) or directions (directional) per tensor."),
    epsilon: float = typer.Option(
        EPSILON,
        help=f"Step of the central differences, in [{EPSILON_RANGE[0]:g}, {EPSILON_RANGE[1]:g}] (roundoff below, truncation above).",
    ),
    rtol: float = typer.Option(RTOL, help="Tolerance on ‖g − ĝ‖ / (‖g‖ + ‖ĝ‖)."),
    lambd: float = typer.Option(0.0, help="L2 strength λ: check against J + λ/(2m) Σ‖W‖²."),
    keep_prob: float = typer.Option(
        1.0, "--keep-prob", help="Dropout keep probability: check with one fixed mask set drawn from the seed (default 1: off)."
    ),
    scale: str | None = typer.Option(None, help="Plant an error: multiply one gradient, e.g. dW2=1.001, to see it named."),
    grads_convention: str | None = typer.Option(
        None, "--grads-convention", help="Compute the gradients in this convention (default: --convention's), to see the other's named."
    ),
    json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Check every gradient of a random network against central differences; exit 1 if any tensor fails."""
    with user_errors():
        net, X, Y, masks, regularization = runs.check_problem(parse_ints(layers, "--layers"), parse_names(activations), m, seed,
                                                              mode, k, lambd=lambd, keep_prob=keep_prob)  # fmt: skip
        grads = None
        if scale is not None or grads_convention is not None:
            grads = runs.planted_grads(net, X, Y, masks, regularization.keep_prob, grads_convention or convention,
                                       regularization.lambd, _parse_scale(scale))  # fmt: skip
        report = gradcheck(net, X, Y, grads, convention=convention, mode=mode, k=k, epsilon=epsilon, rtol=rtol,
                           regularization=regularization, masks=masks, seed=seed)  # fmt: skip
        if json:
            print(report.to_json())
        else:
            console.print(
                f"network {net.layer_dims} {net.activations}  ·  random batch m = {m}, seed {seed}  ·  "
                f"convention {convention!r}"
                + (f"  ·  dropout keep_prob {keep_prob:g}, one fixed mask set drawn from seed {seed}" if masks is not None else "")
                + (f"  ·  gradients computed in {grads_convention!r}" if grads_convention else "")
                + (f"  ·  planted: {scale}" if scale else ""),
                highlight=False,
                soft_wrap=True,
            )
            if console.is_terminal:
                console.print(rich_table(report.table))
            else:  # a pipe or a file: the plain table, never wrapped
                print(report)
    if not report.passed:
        raise typer.Exit(1)
