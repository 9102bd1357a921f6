"""``chainrule train``: train a network on a data set, show both conventions, save it and its pictures."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from typing import Any

import numpy as np
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from chainrule.cli.common import console, err_console, parse_ints, parse_names, plain, rich_table, user_errors
from chainrule.cli.modeldata import dumps, percent, split_results
from chainrule.cli.root import app
from chainrule.conventions import check_convention, compare_conventions
from chainrule.datasets import Dataset, load_dataset
from chainrule.divergence import DivergenceError
from chainrule.errors import ChainruleError
from chainrule.network import History, Network
from chainrule.validation import check_integer, check_number

# The flower's defaults are the course's week-3 model; every other data set gets the generic ones.
FLOWER = {"layers": "2,4,1", "activations": "tanh,sigmoid", "learning_rate": 1.2, "epochs": 10_000, "initialization": "scaled_normal"}
GENERIC = {"activations": "relu,auto", "learning_rate": 0.01, "epochs": 100, "initialization": "auto"}
COMMON = {"dataset": "flower", "optimizer": "gd", "batch_size": None, "lambd": 0.0, "keep_prob": 1.0, "decay_rate": 0.0,
          "time_interval": None, "patience": None, "convention": "loss", "seed": None, "legacy_seed": 2,
          "data_dir": None, "label": None, "val_fraction": None, "test_fraction": None, "checkpoint_every": None}
# What a resumed run cannot change: the network, its data and splits, the optimizer whose state it continues.
FIXED_ON_RESUME = ("dataset", "layers", "activations", "initialization", "optimizer", "seed", "legacy_seed", "label",
                   "val_fraction", "test_fraction")
# Each option's range, checked with the option's name before anything is loaded: (option, minimum, low open).
INTEGER_OPTIONS = {"epochs": ("--epochs", 1), "batch_size": ("--batch-size", 1), "patience": ("--patience", 1),
                   "time_interval": ("--time-interval", 1), "checkpoint_every": ("--checkpoint-every", 1),
                   "seed": ("--seed", 0), "legacy_seed": ("--legacy-seed", 0)}
NUMBER_OPTIONS = {"learning_rate": ("--learning-rate", 0, None, True, False), "lambd": ("--lambd", 0, None, False, False),
                  "keep_prob": ("--keep-prob", 0, 1, True, False), "decay_rate": ("--decay-rate", 0, None, False, False),
                  "val_fraction": ("--val-fraction", 0, 1, False, True), "test_fraction": ("--test-fraction", 0, 1, False, True)}


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
        _check_ranges(given)
        saved = Network.load(resume) if resume else None
        options = _options(given, saved, resume)
        check_convention(options["convention"])
        if out:
            _prepare_out(out)
        split_seed = options["seed"] if options["seed"] is not None else 0
        raw = load_dataset(options["dataset"], data_dir=options["data_dir"], label=options["label"],
                           val_fraction=options["val_fraction"], test_fraction=options["test_fraction"], seed=split_seed)
        net = saved if saved is not None else _network(options, raw)
        earlier = _saved_history(saved, resume) if saved is not None else None
        if saved is None:
            net.normalization = raw.normalization  # fitted on the training part only
        data = raw.standardized(net.normalization)
        net.metadata = {"dataset": options["dataset"], "classes": data.classes, "feature_names": data.feature_names,
                        "image_shape": list(data.image_shape) if data.image_shape else None, "train_options": options}
        X, Y = data.split("train")
        if not json_output:
            console.print(_describe(options, data, net, saved is not None), highlight=False)
        try:
            history = _fit_with_progress(net, data, options, resume=saved is not None, out=out, earlier=earlier)
        except DivergenceError as error:
            _report_divergence(error, _whole(earlier, error.history), options, net, out, json_output)
            raise typer.Exit(1) from None
        results = split_results(net, data)
        if out:
            net.metadata["history"] = history.to_dict()
            with _writing(os.path.join(out, "model.npz")) as path:
                net.save(path)
            _write_results(out, results, history)
            pictures = _plots(out, net, data, history)
    stopping = _early_stopping(history, results)
    if json_output:
        model = os.path.join(out, "model.npz") if out else None
        epochs_done = net.training_state["epoch"] if net.training_state else 0
        print(dumps({**results, "epochs": epochs_done, "dataset": options["dataset"], "layers": net.layer_dims, "model": model,
                     "early_stopping": stopping, "diverged": None}))
        return
    console.print(f"final cost J = {history.final_cost:.6f}", highlight=False)
    if stopping is not None and stopping["restored_epoch"] is not None:
        console.print(stopping["message"], highlight=False)
    console.print(plain(f"training accuracy: {100 * results['train_accuracy']:.2f} %", "bold"), highlight=False)
    for name in ("val", "test"):
        if results[f"{name}_accuracy"] is not None:
            title = "validation" if name == "val" else "test"
            console.print(plain(f"{title} accuracy: {percent(results[f'{name}_accuracy'])}", "bold"), highlight=False)
    console.print(rich_table(compare_conventions(net, X, Y, lambd=options["lambd"]).table))
    if options["convention"] == "cost":
        console.print(CHAOS_NOTE, highlight=False)
    if out:
        console.print(f"saved {os.path.join(out, 'model.npz')}" + (f" and {', '.join(pictures)}" if pictures else ""), highlight=False)


CHAOS_NOTE = ('"cost" and "loss" give the same dW, db up to rounding (about 1e-15 per step, the table above); a long run can '
              'amplify such differences (the flower after iteration ~7000 is chaotic), so the final digits of J and the '
              'accuracy may differ between the conventions, as between two CPUs: the flower ends at 90.75 % ("loss") and '
              '90.50 % ("cost") with OpenBLAS\'s Haswell kernel, at 90.75 % in both with its Sandybridge kernel.')


def _check_ranges(given: dict[str, Any]) -> None:
    """Every numeric option given, in its range, named as on the command line."""
    for key, (name, minimum) in INTEGER_OPTIONS.items():
        if key in given:
            check_integer(given[key], name, minimum)
    if "legacy_seed" in given and given["legacy_seed"] >= 2**32:
        raise ChainruleError(f"--legacy-seed must be below 2**32 (np.random.seed's range); got {given['legacy_seed']}")
    for key, (name, low, high, low_open, high_open) in NUMBER_OPTIONS.items():
        if key in given:
            check_number(given[key], name, low, high, low_open=low_open, high_open=high_open)


def _prepare_out(out: str) -> None:
    """--out as a folder chainrule can write to, created if needed; a one-line error otherwise."""
    if os.path.exists(out) and not os.path.isdir(out):
        raise ChainruleError(f"--out must be a folder; {out!r} is an existing file")
    try:
        os.makedirs(out, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as error:
        raise ChainruleError(f"--out: cannot write in the folder {out!r}: {error.strerror or error}") from None


@contextlib.contextmanager
def _writing(path: str) -> Iterator[str]:
    """Turn an OSError while writing ``path`` (read-only, full disk) into one line naming the file."""
    try:
        yield path
    except OSError as error:
        raise ChainruleError(f"cannot write {path!r}: {error.strerror or error}") from None


def _saved_history(saved: Network, resume: str | None) -> History | None:
    """The history saved with a run that is resumed (None in files saved without one); it must end where the run did."""
    recorded = saved.metadata.get("history")
    if not isinstance(recorded, dict):
        return None
    history = History.from_dict(recorded)
    done = saved.training_state["epoch"] if saved.training_state else 0
    if not isinstance(history.costs, list) or history.first_epoch + len(history.costs) != done:
        raise ChainruleError(f"{resume!r}: the saved history does not end at the {done} epochs of its training state; the file was altered")
    return history


def _whole(earlier: History | None, history: History) -> History:
    """The whole run's history: the resumed run's ``earlier`` epochs (saved with the model), then these."""
    return history if earlier is None else earlier.continued_by(history)


def _early_stopping(history: History, results: dict[str, Any]) -> dict[str, Any] | None:
    """What early stopping did, for the text and the JSON: None without --patience."""
    if history.patience is None:
        return None
    last = history.first_epoch + len(history.costs) - 1
    best = history.best_epoch
    restored = best if best is not None and best != last else None
    if history.stopped_early:
        message = (f"early stopping at epoch {last}: no lower validation cost for {history.patience} epochs after epoch {best}; "
                   f"the weights of epoch {best} were restored (training cost J = {results['cost']:.6f} with them)")
    elif restored is not None:
        message = (f"the validation cost was lowest at epoch {best}: the weights of epoch {best} were restored "
                   f"(training cost J = {results['cost']:.6f} with them)")
    else:
        message = f"the validation cost was lowest at the last epoch, {last}"
    return {"patience": history.patience, "stopped_early": history.stopped_early, "stopped_at": last if history.stopped_early
            else None, "best_epoch": best, "restored_epoch": restored, "message": message}


def _report_divergence(error: DivergenceError, history: History, options: dict[str, Any], net: Network, out: str | None,
                       json_output: bool) -> None:  # fmt: skip
    """A diverged run: where, why and what to try, in text (stderr) or JSON; results.json with --out, no model.npz."""
    divergence = error.divergence.to_dict()
    if out:
        _write_json(os.path.join(out, "results.json"), {"diverged": divergence, "history": history.to_dict()})
    if json_output:
        print(dumps({"diverged": divergence, "epochs": divergence["epoch"], "dataset": options["dataset"],
                     "layers": net.layer_dims, "model": None}))
    else:
        err_console.print(plain(divergence["message"], "bold red"), highlight=False, soft_wrap=True)
        if out:
            err_console.print(f"no model saved; {os.path.join(out, 'results.json')} holds the run until it diverged", highlight=False)


def _options(given: dict[str, Any], saved: Network | None, resume: str | None) -> dict[str, Any]:
    """Explicit options, then (when resuming) the saved run's, then the data set's defaults."""
    options = dict(COMMON)
    if saved is not None:
        options.update(saved.metadata.get("train_options") or {})
        if not saved.metadata.get("train_options"):
            raise ChainruleError("--resume needs a model saved by chainrule train (its options are in the file)")
        _check_resume(given, options, saved, resume)
    options.update(given)
    defaults = FLOWER if options["dataset"] == "flower" else GENERIC
    for key, value in defaults.items():
        options.setdefault(key, value)
        if options[key] is None:
            options[key] = value
    return options


def _check_resume(given: dict[str, Any], saved_options: dict[str, Any], saved: Network, resume: str | None) -> None:
    """A resumed run keeps its network, data, splits and optimizer; --epochs (the total) must go beyond the epochs done."""
    for key in FIXED_ON_RESUME:
        if key in given and _normalized(key, given[key]) != _normalized(key, saved_options.get(key)):
            name = "--" + key.replace("_", "-")
            raise ChainruleError(
                f"--resume continues the run in {resume!r} with {name} {saved_options.get(key)}; got {name} {given[key]}: "
                f"leave {name} out, or start a new run without --resume"
            )
    done = saved.training_state["epoch"] if saved.training_state else 0
    total = given.get("epochs", saved_options.get("epochs"))
    if total is not None and total <= done:
        raise ChainruleError(
            f"--epochs is the total to reach with --resume; the run in {resume!r} has done {done} epochs: give --epochs above {done}"
        )


def _normalized(key: str, value: Any) -> Any:
    """An option as compared on --resume: layer sizes and activation names as lists."""
    if value is None:
        return None
    if key == "layers":
        return parse_ints(str(value), "--layers")
    if key == "activations":
        return parse_names(str(value))
    return value


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
                       earlier: History | None) -> History:
    """``fit`` with a progress bar and checkpoints; the History returned is the whole run's (``earlier`` epochs first)."""
    epochs = options["epochs"]
    every = max(1, epochs // 200)
    save_every = options["checkpoint_every"] or max(1, epochs // 10)
    columns = (
        TextColumn("epoch", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("cost {task.fields[cost]}  train {task.fields[train]}  val {task.fields[val]}", markup=False),
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
                net.metadata["history"] = _whole(earlier, net.history).to_dict()  # a resumed run continues the whole history
                with _writing(os.path.join(out, "checkpoint.npz")) as path:
                    net.save(path)

        history = net.fit(
            *data.split("train"),
            learning_rate=options["learning_rate"], epochs=epochs, convention=options["convention"], callback=callback,
            batch_size=options["batch_size"], optimizer=options["optimizer"], lambd=options["lambd"],
            keep_prob=options["keep_prob"], decay_rate=options["decay_rate"], time_interval=options["time_interval"],
            validation_data=data.split("val"), patience=options["patience"], seed=options["seed"] or 0, resume=resume,
        )
    return _whole(earlier, history)


def _write_results(out: str, results: dict[str, Any], history: History) -> None:
    _write_json(os.path.join(out, "results.json"), {**results, "history": history.to_dict()})


def _write_json(path: str, payload: dict[str, Any]) -> None:
    """One JSON object written atomically (a temporary file, then os.replace): never a half-written file."""
    with _writing(path):
        fd, temporary = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), prefix=".results.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                file.write(dumps(payload) + "\n")
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise


def _plots(out: str, net: Network, data: Dataset, history: History) -> list[str]:
    from chainrule import plots

    try:
        with _writing(out):
            return plots.write_all(out, net, data, history)
    except plots.PlotsUnavailableError as error:  # matplotlib is an optional extra
        err_console.print(f"no plots: {error}", highlight=False)
        return []
