"""``chainrule train``: train a network on a data set, show both conventions, save it and its pictures.

Parsing and printing only: the options, the network, fit with checkpoints and the results are ``chainrule.runs``.
"""

from __future__ import annotations

import os

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from chainrule import runs
from chainrule.cli.common import console, err_console, percent, plain, rich_table, user_errors
from chainrule.cli.root import app
from chainrule.divergence import DivergenceError
from chainrule.runs import FIXED_ON_RESUME, FLOWER, GENERIC, EarlyStopping, FinishedRun, Run, dumps
from chainrule.training import History

__all__ = ["FIXED_ON_RESUME", "FLOWER", "GENERIC", "train"]


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
        "2 is the original notebook's (90.75 %), 3 the 2021 notebook's (90.5 %); the last digits are the machine's."
    ),
    convention: str = typer.Option(None, help='"loss" (the course\'s dZ = ∂L/∂Z, default) or "cost" (J only).'),
    out: str = typer.Option(None, help="Folder for model.npz, checkpoint.npz, results.json and the PNG plots."),
    resume: str = typer.Option(None, help="Continue the run saved in this model or checkpoint file (same options, "
                               "same optimizer state; --epochs is the total)."),
    checkpoint_every: int = typer.Option(None, "--checkpoint-every", help="With --out: save checkpoint.npz every N epochs "
                                         "(default: 10 times per run)."),
    json_output: bool = typer.Option(False, "--json", help="Print one JSON object (accuracies, cost) instead of the report."),
) -> None:
    """Train on a data set (the course's flower by default) and compare the two 1/m conventions.

    Exit code 0 when the run trained, 1 when it diverged (where, why and what to try are printed), 2 for bad input.
    """
    given = {k: v for k, v in locals().items() if v is not None and k not in ("out", "resume", "json_output")}
    with user_errors():
        run = runs.start_run(given, resume, out)
        if not json_output:
            console.print(_describe(run), highlight=False)
        try:
            history = _fit_with_progress(run, out)
        except DivergenceError as error:
            _report_divergence(error, runs.whole_history(run.earlier, error.history), run, out, json_output)
            raise typer.Exit(1) from None
        finished = runs.finish_run(run, history, out)
    if finished.no_plots:
        err_console.print(f"no plots: {finished.no_plots}", highlight=False)
    stopping = runs.early_stopping(history, finished.results)
    if json_output:
        model = os.path.join(out, "model.npz") if out else None
        print(dumps({**finished.results, "epochs": runs.epochs_done(run.net), "dataset": run.options["dataset"],
                     "layers": run.net.layer_dims, "model": model, "early_stopping": stopping, "diverged": None}))
        return
    _print_results(run, history, finished, stopping)
    if out:
        pictures = finished.pictures
        console.print(f"saved {os.path.join(out, 'model.npz')}" + (f" and {', '.join(pictures)}" if pictures else ""), highlight=False)


def _print_results(run: Run, history: History, finished: FinishedRun, stopping: EarlyStopping | None) -> None:
    results = finished.results
    console.print(f"final cost J = {history.final_cost:.6f}", highlight=False)
    if stopping is not None and stopping["restored_epoch"] is not None:
        console.print(stopping["message"], highlight=False)
    # after the last update; the progress line's "train (during epoch)" is the accuracy of the outputs the epoch computed
    console.print(plain(f"training accuracy: {100 * results['train_accuracy']:.2f} % (after the last update)", "bold"), highlight=False)
    for title, accuracy in (("validation", results["val_accuracy"]), ("test", results["test_accuracy"])):
        if accuracy is not None:
            console.print(plain(f"{title} accuracy: {percent(accuracy)}", "bold"), highlight=False)
    console.print(rich_table(finished.conventions.table))
    if run.options["convention"] == "cost":
        console.print(CHAOS_NOTE, highlight=False)


CHAOS_NOTE = ('"cost" and "loss" give the same dW, db up to rounding (about 1e-15 per step, the table above); a long run can '
              'amplify such differences (the flower after iteration ~7000 is chaotic), so the final digits of J and the '
              'accuracy may differ between the conventions, as between two CPUs: the flower ends at 90.75 % ("loss") and '
              '90.50 % ("cost") with OpenBLAS\'s Haswell kernel, at 90.75 % in both with its Sandybridge kernel.')


def _report_divergence(error: DivergenceError, history: History, run: Run, out: str | None, json_output: bool) -> None:
    """A diverged run: where, why and what to try, in text (stderr) or JSON; results.json with --out, no model.npz."""
    divergence = error.divergence.to_dict()
    if out:
        runs.write_divergence(out, error, history)
    if json_output:
        print(dumps({"diverged": divergence, "epochs": divergence["epoch"], "dataset": run.options["dataset"],
                     "layers": run.net.layer_dims, "model": None}))
    else:
        err_console.print(plain(divergence["message"], "bold red"), highlight=False, soft_wrap=True)
        if out:
            err_console.print(f"no model saved; {os.path.join(out, 'results.json')} holds the run until it diverged", highlight=False)


def _describe(run: Run) -> str:
    options, data, net, resumed = run.options, run.data, run.net, run.resumed
    if options["dataset"] == "flower":
        X, Y = data.split("train")
        where = f"flower data: X {X.shape}, Y {Y.shape}"
    else:
        where = data.summary()
    batches = f"mini-batches of {options['batch_size']}" if options["batch_size"] else "full batch"
    extras = "".join(f", {k} {options[k]:g}" for k in ("lambd", "decay_rate") if options[k]) + \
        (f", keep_prob {options['keep_prob']:g}" if options["keep_prob"] < 1 else "")
    return (f"{where}  ·  network {net.layer_dims} {net.activations}  ·  init {options['initialization']} ({run.weights})  ·  "
            f"{options['optimizer']}, α = {options['learning_rate']:g}, {options['epochs']} "
            f"{'epochs' if options['batch_size'] else 'iterations'}, {batches}{extras}, convention {options['convention']!r}"
            + ("  ·  resumed at epoch " + str(runs.epochs_done(net)) if resumed else ""))


def _fit_with_progress(run: Run, out: str | None) -> History:
    """``runs.fit_run`` with a progress bar on stderr; the History returned is the whole run's."""
    epochs = run.options["epochs"]
    every = max(1, epochs // 200)
    columns = (
        TextColumn("epoch", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("cost {task.fields[cost]}  train (during epoch) {task.fields[train]}  val {task.fields[val]}", markup=False),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err_console, transient=False) as progress:
        first = runs.epochs_done(run.net) if run.resumed else 0
        task = progress.add_task("fit", total=epochs, completed=first, cost="—", train="—", val="—")

        def on_epoch(epoch: int, J: float) -> None:
            done = epoch + 1
            history = run.net.history  # fit fills it before the first callback
            if history is not None and (done % every == 0 or done == epochs):
                progress.update(task, completed=done, cost=f"{J:.6f}",
                                train=percent(history.train_accuracy[-1]) if history.train_accuracy else "—",
                                val=percent(history.val_accuracy[-1]) if history.val_accuracy else "—")

        return runs.fit_run(run, out, on_epoch)
