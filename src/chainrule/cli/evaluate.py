"""``chainrule evaluate MODEL``: accuracy and cost of a saved network on each split of a data set."""

from __future__ import annotations

import typer

from chainrule import runs
from chainrule.cli.common import console, percent, user_errors
from chainrule.cli.root import app
from chainrule.network import Network


@app.command()
def evaluate(
    model: str = typer.Argument(..., help="A model saved by chainrule train --out (model.npz or checkpoint.npz)."),
    dataset: str = typer.Option(None, help="Data set name or FILE.csv / FILE.npz (default: the one the model was trained on)."),
    data_dir: str = typer.Option(None, "--data-dir", help="Folder of the cat data's .h5 files."),
    label: str = typer.Option(None, help="Label column (CSV) or array (.npz)."),
    val_fraction: float = typer.Option(None, "--val-fraction"),
    test_fraction: float = typer.Option(None, "--test-fraction"),
    seed: int = typer.Option(None, help="Seed of the splits (default: the training run's)."),
    json_output: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Evaluate a saved network; the splits and the input normalization are the training run's unless overridden.

    An option not given is the training run's (the options of its data only when --dataset names no other data set).
    """
    given = {k: v for k, v in locals().items() if v is not None and k not in ("model", "json_output")}
    with user_errors():
        net = Network.load(model)
        dataset, data = runs.evaluation_data(net, given)  # resolved against the model's run as train --resume does
        results = runs.split_results(net, data)
        if json_output:
            print(runs.dumps({**results, "dataset": dataset, "model": model}))
            return
        console.print(f"{data.summary()}  ·  model {net.layer_dims} {net.activations}", highlight=False)
        for title, accuracy, cost in (("training", results["train_accuracy"], results["cost"]),
                                      ("validation", results["val_accuracy"], results["val_cost"]),
                                      ("test", results["test_accuracy"], results["test_cost"])):  # fmt: skip
            if accuracy is not None:
                console.print(f"{title} accuracy: {percent(accuracy)}   cost J = {cost:.6f}", highlight=False)
