"""``chainrule evaluate MODEL``: accuracy and cost of a saved network on each split of a data set."""

from __future__ import annotations

import typer

from chainrule.cli.common import console, user_errors
from chainrule.cli.modeldata import dumps, percent, split_results
from chainrule.cli.root import app
from chainrule.datasets import load_dataset
from chainrule.errors import ChainruleError
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
    """Evaluate a saved network; the splits and the input normalization are the training run's unless overridden."""
    with user_errors():
        net = Network.load(model)
        saved = net.metadata.get("train_options") or {}
        dataset = dataset or saved.get("dataset")
        if dataset is None:
            raise ChainruleError("give --dataset: the model does not say which data set it was trained on")
        pick = {"data_dir": data_dir, "label": label, "val_fraction": val_fraction, "test_fraction": test_fraction}
        same = dataset == saved.get("dataset")
        options = {k: v if v is not None or not same else saved.get(k) for k, v in pick.items()}
        split_seed = seed if seed is not None else (saved.get("seed") or 0)
        data = load_dataset(dataset, seed=split_seed, **options)
        if data.n_x != net.n_x or data.n_y != net.n_y:
            raise ChainruleError(f"{dataset} has n_x = {data.n_x}, n_y = {data.n_y}; the model expects {net.n_x}, {net.n_y}")
        results = split_results(net, data.standardized(net.normalization))
        if json_output:
            print(dumps({**results, "dataset": dataset, "model": model}))
            return
        console.print(f"{data.summary()}  ·  model {net.layer_dims} {net.activations}", highlight=False)
        for name, title in (("train", "training"), ("val", "validation"), ("test", "test")):
            if results[f"{name}_accuracy"] is not None:
                cost = results["cost"] if name == "train" else results[f"{name}_cost"]
                console.print(f"{title} accuracy: {percent(results[f'{name}_accuracy'])}   cost J = {cost:.6f}", highlight=False)
