"""``chainrule train``: train a network and show both conventions on the trained weights."""

from __future__ import annotations

import numpy as np
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from chainrule.cli import app
from chainrule.cli.common import console, err_console, parse_ints, parse_names, rich_table, user_errors
from chainrule.conventions import check_convention, compare_conventions
from chainrule.datasets import flower
from chainrule.network import Network


@app.command()
def train(
    layers: str = typer.Option("2,4,1", help="Layer sizes n_x,n[1],...,n[L] (n_x = 2 for the flower)."),
    activations: str = typer.Option("tanh,sigmoid", help="One per layer, or hidden,output."),
    learning_rate: float = typer.Option(1.2, "--learning-rate", "--lr", help="Gradient-descent step α."),
    iterations: int = typer.Option(10_000, help="Full-batch gradient-descent iterations."),
    initialization: str = typer.Option("scaled_normal", help="zeros, scaled_normal, xavier, he, lecun."),
    seed: int | None = typer.Option(None, help="Seed of np.random.default_rng for the weights (chainrule's own stream)."),
    legacy_seed: int = typer.Option(
        2, help="Without --seed: seed of the legacy np.random.RandomState, as the course's np.random.seed(); "
        "2 is the original notebook's (90.75 %), 3 the 2021 notebook's (90.5 %)."
    ),
    convention: str = typer.Option("loss", help='"loss" (the course\'s dZ = ∂L/∂Z) or "cost" (J only).'),
) -> None:
    """Train on the course's flower data (generated in code) and compare the two 1/m conventions."""
    with user_errors():
        check_convention(convention)
        X, Y = flower()
        rng = np.random.RandomState(legacy_seed) if seed is None else np.random.default_rng(seed)
        net = Network(parse_ints(layers, "--layers"), parse_names(activations), initialization=initialization, rng=rng)
        console.print(
            f"flower data: X {X.shape}, Y {Y.shape}  ·  network {net.layer_dims} {net.activations}  ·  "
            f"init {initialization} ({f'np.random.seed({legacy_seed}), as the course' if seed is None else f'default_rng({seed})'})  ·  "
            f"α = {learning_rate:g}, {iterations} iterations, convention {convention!r}",
            highlight=False,
        )
        history = _fit_with_progress(net, X, Y, learning_rate, iterations, convention)
        accuracy = net.accuracy(X, Y)
        console.print(f"final cost J = {history.final_cost:.6f}", highlight=False)
        console.print(f"[bold]training accuracy: {100 * accuracy:.2f} %[/]", highlight=False)
        console.print(rich_table(compare_conventions(net, X, Y).table))


def _fit_with_progress(net: Network, X, Y, learning_rate: float, iterations: int, convention: str):
    columns = (
        TextColumn("training"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("cost {task.fields[cost]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err_console, transient=False) as progress:
        task = progress.add_task("fit", total=iterations, cost="—")
        every = max(1, iterations // 200)

        def callback(i: int, J: float) -> None:
            if (i + 1) % every == 0 or i + 1 == iterations:
                progress.update(task, completed=i + 1, cost=f"{J:.6f}")

        return net.fit(X, Y, learning_rate=learning_rate, num_iterations=iterations, convention=convention, callback=callback)
