"""``chainrule train``: train a network on a data set, show both conventions, save it and its pictures."""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from chainrule.cli import app
from chainrule.cli.common import console, err_console, parse_ints, parse_names, rich_table, user_errors
from chainrule.cli.modeldata import dumps, percent, split_results
from chainrule.conventions import check_convention, compare_conventions
from chainrule.datasets import Dataset, load_dataset
from chainrule.errors import ChainruleError
from chainrule.network import History, Network

# The flower's defaults are the course's week-3 model; every other data set gets the generic ones.
FLOWER = {"layers": "2,4,1", "activations": "tanh,sigmoid", "learning_rate": 1.2, "epochs": 10_000, "initialization": "scaled_normal"}
GENERIC = {"activations": "relu,auto", "learning_rate": 0.01, "epochs": 100, "initialization": "auto"}
COMMON = {"dataset": "flower", "optimizer": "gd", "batch_size": None, "lambd": 0.0, "keep_prob": 1.0, "decay_rate": 0.0,
          "time_interval": None, "patience": None, "convention": "loss", "seed": None, "legacy_seed": 2,
          "data_dir": None, "label": None, "val_fraction": None, "test_fraction": None}


@app.command()
def train(
    dataset: str = typer.Option(None, help="flower (default), circles, moons, blobs, gaussian_quantiles, cat, breast_cancer, "
                                "digits, or a FILE.csv / FILE.npz."),
    data_dir: str = typer.Option(None, "--data-dir", help="Folder of the cat data's .h5 files."),
    label: str = typer.Option(None, help="Label column of a CSV (default 'label') or label array of an .npz (default 'y')."),
    val_fraction: float = typer.Option(None, "--val-fraction", help="Part of the data for validation (tables: 0.1)."),
    test_fraction: float = typer.Option(None, "--test-fraction", help="Part of the data for testing (tables: 0.2)."),
    layers: str = typer.Option(None, help="Layer sizes n_x,n[1],...,n[L] (flower: 2,4,1; else n_x,32,16,n_y)."),
    activations: str = typer.Option(None, help="One per layer, or hidden,output (flower: tanh,sigmoid; else relu and "
                                    "sigmoid for 2 classes, softmax for more)."),
    initialization: str = typer.Option(None, help="zeros, scaled_normal, xavier, he, lecun (flower: scaled_normal; else auto)."),
    optimizer: str = typer.Option(None, help="gd (default), momentum, rmsprop, adam."),
    learning_rate: float = typer.Option(None, "--learning-rate", "--lr", help="α (flower: 1.2; else 0.01)."),
    epochs: int = typer.Option(None, "--epochs", "--iterations", help="Epochs; with full batches, iterations "
                               "(flower: 10000; else 100). With --resume: the total to reach."),
    batch_size: int = typer.Option(None, "--batch-size", help="Mini-batch size (default: full batch)."),
    lambd: float = typer.Option(None, help="L2 strength λ (default 0)."),
    keep_prob: float = typer.Option(None, "--keep-prob", help="Dropout keep probability (default 1: no dropout)."),
    decay_rate: float = typer.Option(None, "--decay-rate", help="Learning-rate decay: α0 / (1 + decay_rate · epoch)."),
    time_interval: int = typer.Option(None, "--time-interval", help="Decay in steps: epoch → ⌊epoch / time_interval⌋."),
    patience: int = typer.Option(None, help="Early stopping after this many epochs without a lower validation cost."),
    seed: int = typer.Option(None, help="Seed of np.random.default_rng: weights, splits, shuffling, dropout."),
    legacy_seed: int = typer.Option(
        None, help="flower without --seed: seed of the legacy np.random.RandomState, as the course's np.random.seed(); "
        "2 is the original notebook's (90.75 %), 3 the 2021 notebook's (90.5 %)."
    ),
    convention: str = typer.Option(None, help='"loss" (the course\'s dZ = ∂L/∂Z, default) or "cost" (J only).'),
    out: str = typer.Option(None, help="Folder for model.npz, checkpoint.npz, results.json and the PNG plots."),
    resume: str = typer.Option(None, help="Continue the run saved in this model or checkpoint file (same options, "
                               "same optimizer state; --epochs is the total)."),
    checkpoint_every: int = typer.Option(None, "--checkpoint-every", help="With --out: save checkpoint.npz every N epochs "
                                         "(default: 10 times per run)."),
    json_output: bool = typer.Option(False, "--json", help="Print one JSON object (accuracies, cost) instead of the report."),
) -> None:
    """Train on a data set (the course's flower by default) and compare the two 1/m conventions."""
    given = {k: v for k, v in locals().items() if v is not None and k not in ("out", "resume", "json_output", "checkpoint_every")}
    with user_errors():
        saved = Network.load(resume) if resume else None
        options = _options(given, saved)
        check_convention(options["convention"])
        split_seed = options["seed"] if options["seed"] is not None else 0
        raw = load_dataset(options["dataset"], data_dir=options["data_dir"], label=options["label"],
                           val_fraction=options["val_fraction"], test_fraction=options["test_fraction"], seed=split_seed)
        net = saved if saved is not None else _network(options, raw)
        if saved is None:
            net.normalization = raw.normalization  # fitted on the training part only
        data = raw.standardized(net.normalization)
        net.metadata = {"dataset": options["dataset"], "classes": data.classes, "feature_names": data.feature_names,
                        "image_shape": list(data.image_shape) if data.image_shape else None, "train_options": options}
        X, Y = data.split("train")
        if not json_output:
            console.print(_describe(options, data, net, saved is not None), highlight=False)
        history = _fit_with_progress(net, data, options, resume=saved is not None, out=out, checkpoint_every=checkpoint_every)
        results = split_results(net, data)
        if out:
            net.save(os.path.join(out, "model.npz"))
            _write_results(out, results, history)
            pictures = _plots(out, net, data, history)
        if json_output:
            model = os.path.join(out, "model.npz") if out else None
            epochs_done = net.training_state["epoch"] if net.training_state else 0
            print(dumps({**results, "epochs": epochs_done, "dataset": options["dataset"], "layers": net.layer_dims, "model": model}))
            return
        console.print(f"final cost J = {history.final_cost:.6f}", highlight=False)
        console.print(f"[bold]training accuracy: {100 * results['train_accuracy']:.2f} %[/]", highlight=False)
        for name in ("val", "test"):
            if results[f"{name}_accuracy"] is not None:
                console.print(f"[bold]{'validation' if name == 'val' else 'test'} accuracy: {percent(results[f'{name}_accuracy'])}[/]",
                              highlight=False)
        console.print(rich_table(compare_conventions(net, X, Y, lambd=options["lambd"]).table))
        if out:
            console.print(f"saved {os.path.join(out, 'model.npz')}" + (f" and {', '.join(pictures)}" if pictures else ""), highlight=False)


def _options(given: dict[str, Any], saved: Network | None) -> dict[str, Any]:
    """Explicit options, then (when resuming) the saved run's, then the data set's defaults."""
    options = dict(COMMON)
    if saved is not None:
        options.update(saved.metadata.get("train_options") or {})
        if not saved.metadata.get("train_options"):
            raise ChainruleError("--resume needs a model saved by chainrule train (its options are in the file)")
    options.update(given)
    defaults = FLOWER if options["dataset"] == "flower" else GENERIC
    for key, value in defaults.items():
        options.setdefault(key, value)
        if options[key] is None:
            options[key] = value
    return options


def _network(options: dict[str, Any], data: Dataset) -> Network:
    layers = parse_ints(options["layers"], "--layers") if options.get("layers") else [data.n_x, 32, 16, data.n_y]
    if layers[0] != data.n_x:
        raise ChainruleError(f"--layers must start with n_x = {data.n_x} for {data.name} (its number of features); got {layers}")
    if layers[-1] != data.n_y:
        raise ChainruleError(f"--layers must end with n_y = {data.n_y} for {data.name} ({data.n_classes} classes); got {layers}")
    names = [data.output_activation if name == "auto" else name for name in parse_names(options["activations"])]
    options["layers"] = ",".join(map(str, layers))
    if options["seed"] is None and options["dataset"] == "flower":
        rng = np.random.RandomState(options["legacy_seed"])  # the course's np.random.seed(...) stream
    else:
        rng = np.random.default_rng(options["seed"] or 0)
    return Network(layers, names, initialization=options["initialization"], rng=rng)


def _describe(options: dict[str, Any], data: Dataset, net: Network, resumed: bool) -> str:
    seed = options["seed"]
    init = f"np.random.seed({options['legacy_seed']}), as the course" if seed is None and options["dataset"] == "flower" else \
        f"default_rng({seed or 0})"
    if options["dataset"] == "flower":
        X, Y = data.split("train")
        where = f"flower data: X {X.shape}, Y {Y.shape}"
    else:
        where = data.summary()
    batches = f"mini-batches of {options['batch_size']}" if options["batch_size"] else "full batch"
    extras = "".join(f", {k} {options[k]:g}" for k in ("lambd", "decay_rate") if options[k]) + \
        (f", keep_prob {options['keep_prob']:g}" if options["keep_prob"] < 1 else "")
    return (f"{where}  ·  network {net.layer_dims} {net.activations}  ·  init {options['initialization']} ({init})  ·  "
            f"{options['optimizer']}, α = {options['learning_rate']:g}, {options['epochs']} "
            f"{'epochs' if options['batch_size'] else 'iterations'}, {batches}{extras}, convention {options['convention']!r}"
            + ("  ·  resumed at epoch " + str(net.training_state["epoch"]) if resumed else ""))


def _fit_with_progress(net: Network, data: Dataset, options: dict[str, Any], resume: bool, out: str | None,
                       checkpoint_every: int | None) -> History:
    epochs = options["epochs"]
    every = max(1, epochs // 200)
    save_every = checkpoint_every or max(1, epochs // 10)
    if out:
        os.makedirs(out, exist_ok=True)
    columns = (
        TextColumn("epoch"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("cost {task.fields[cost]}  train {task.fields[train]}  val {task.fields[val]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err_console, transient=False) as progress:
        first = net.training_state["epoch"] if resume and net.training_state else 0
        task = progress.add_task("fit", total=epochs, completed=first, cost="—", train="—", val="—")

        def callback(epoch: int, J: float) -> None:
            done = epoch + 1
            if done % every == 0 or done == epochs:
                history = net.history
                progress.update(task, completed=done, cost=f"{J:.6f}",
                                train=percent(history.train_accuracy[-1]) if history.train_accuracy else "—",
                                val=percent(history.val_accuracy[-1]) if history.val_accuracy else "—")
            if out and (done % save_every == 0 or done == epochs):
                net.save(os.path.join(out, "checkpoint.npz"))

        return net.fit(
            *data.split("train"),
            learning_rate=options["learning_rate"], epochs=epochs, convention=options["convention"], callback=callback,
            batch_size=options["batch_size"], optimizer=options["optimizer"], lambd=options["lambd"],
            keep_prob=options["keep_prob"], decay_rate=options["decay_rate"], time_interval=options["time_interval"],
            validation_data=data.split("val"), patience=options["patience"], seed=options["seed"] or 0, resume=resume,
        )


def _write_results(out: str, results: dict[str, Any], history: History) -> None:
    path = os.path.join(out, "results.json")
    with open(path, "w", encoding="utf-8") as file:
        file.write(dumps({**results, "history": history.to_dict()}) + "\n")


def _plots(out: str, net: Network, data: Dataset, history: History) -> list[str]:
    from chainrule import plots

    try:
        return plots.write_all(out, net, data, history)
    except plots.PlotsUnavailableError as error:  # matplotlib is an optional extra
        err_console.print(f"no plots: {error}", highlight=False)
        return []
