"""A training run as ``chainrule train``, ``evaluate`` and ``predict`` make it, without the printing.

The commands parse their options and print; everything between is here: the options resolved
by one rule for every command (``resolve_options``: explicit, then the saved run's, then the
defaults; the flower's are the course's week-3 model), the checks of a resumed run, the network
built (the course's ``np.random.seed`` stream on the flower), ``fit`` with checkpoints every ``checkpoint_every``
epochs, the results per split (one forward pass each) written atomically with the two conventions
compared at the final weights (``FinishedRun``), the data a saved model is evaluated on, the
predicted rows of a table of inputs, and ``chainrule check``'s random problem, its input checked
(m, λ, keep_prob, the memory the check needs) before anything is drawn (``CheckProblem``).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple, TypedDict, TypeGuard

import numpy as np

from chainrule.conventions import ConventionTable, check_convention, compare_conventions
from chainrule.datasets import Dataset, apply_normalization, load_dataset
from chainrule.datasets.files import read_table, table_features
from chainrule.divergence import DivergenceError
from chainrule.errors import ChainruleError
from chainrule.gradcheck import MODES, K, require_memory
from chainrule.losses import cost as checked_cost
from chainrule.network import Network, check_architecture
from chainrule.regularization import Masks, dropout_masks
from chainrule.training import History, Regularization
from chainrule.validation import check_integer, check_number


class RunOptions(TypedDict):
    """A run's options, resolved (``resolve_options``); saved with its model as ``metadata["train_options"]``.

    dataset None: a run of data that is none of chainrule train's data sets as it is (the playground's
    own sample of a generator): evaluating it needs --dataset. seed None: the flower's weights from the
    course's ``np.random.seed(legacy_seed)`` stream, everything else from ``default_rng(0)``.
    """

    dataset: str | None
    data_dir: str | None
    label: str | None
    val_fraction: float | None
    test_fraction: float | None
    layers: str | None  # None: n_x,32,16,n_y (build_network writes the sizes it built)
    activations: str
    initialization: str
    optimizer: str
    learning_rate: float
    epochs: int
    batch_size: int | None
    lambd: float
    keep_prob: float
    decay_rate: float
    time_interval: int | None
    patience: int | None
    convention: str
    seed: int | None
    legacy_seed: int
    checkpoint_every: int | None


# The flower's defaults are the course's week-3 model; every other data set gets the generic ones.
FLOWER = {"layers": "2,4,1", "activations": "tanh,sigmoid", "learning_rate": 1.2, "epochs": 10_000, "initialization": "scaled_normal"}
GENERIC = {"activations": "relu,auto", "learning_rate": 0.01, "epochs": 100, "initialization": "auto"}
COMMON = {"dataset": "flower", "layers": None, "optimizer": "gd", "batch_size": None, "lambd": 0.0, "keep_prob": 1.0,
          "decay_rate": 0.0, "time_interval": None, "patience": None, "convention": "loss", "seed": None, "legacy_seed": 2,
          "data_dir": None, "label": None, "val_fraction": None, "test_fraction": None, "checkpoint_every": None}
# The options that say which data a run saw, beside its data set: a saved run's apply to its own data set only.
DATA_OPTIONS = ("data_dir", "label", "val_fraction", "test_fraction")
# What a resumed run cannot change: the network, its data and splits, the optimizer whose state it continues.
FIXED_ON_RESUME = ("dataset", "layers", "activations", "initialization", "optimizer", "seed", "legacy_seed", "label",
                   "val_fraction", "test_fraction")
# Each option's range, checked with the option's name before anything is loaded: (option, minimum, maximum) of the
# integers (the legacy seed in np.random.seed's range), (option, low, high, low open, high open) of the numbers.
INTEGER_OPTIONS: dict[str, tuple[str, int, int | None]] = {
    "epochs": ("--epochs", 1, None), "batch_size": ("--batch-size", 1, None), "patience": ("--patience", 1, None),
    "time_interval": ("--time-interval", 1, None), "checkpoint_every": ("--checkpoint-every", 1, None),
    "seed": ("--seed", 0, None), "legacy_seed": ("--legacy-seed", 0, 2**32 - 1),
}  # fmt: skip
NUMBER_OPTIONS = {"learning_rate": ("--learning-rate", 0, None, True, False), "lambd": ("--lambd", 0, None, False, False),
                  "keep_prob": ("--keep-prob", 0, 1, True, False), "decay_rate": ("--decay-rate", 0, None, False, False),
                  "val_fraction": ("--val-fraction", 0, 1, False, True), "test_fraction": ("--test-fraction", 0, 1, False, True)}


class SplitResults(TypedDict):
    """The final parameters on each split (``split_results``): accuracy and J (no L2 term); None where a split is absent.

    ``cost`` is the training split's J. The keys of ``results.json`` and of ``--json``, in this order.
    """

    train_accuracy: float
    val_accuracy: float | None
    val_cost: float | None
    test_accuracy: float | None
    test_cost: float | None
    cost: float


class EarlyStopping(TypedDict):
    """What early stopping did (``early_stopping``): the "early_stopping" of ``--json``, and the line printed."""

    patience: int
    stopped_early: bool
    stopped_at: int | None  # the last epoch run, when it stopped early
    best_epoch: int | None  # the epoch of the lowest validation cost
    restored_epoch: int | None  # the epoch whose weights were restored (None: the last epoch's are kept)
    message: str


class FitArguments(TypedDict):
    """The keywords of ``Network.fit`` a run's options set (``fit_arguments``): the seed 0 where the run has none."""

    learning_rate: float
    convention: str
    batch_size: int | None
    optimizer: str
    lambd: float
    keep_prob: float
    decay_rate: float
    time_interval: int | None
    seed: int


@dataclass
class Run:
    """A run about to train: its resolved options, network, standardized data and, when resumed, the saved history;
    ``weights`` names the generator its initial weights come from (``weights_source``)."""

    options: RunOptions
    net: Network
    data: Dataset
    earlier: History | None
    resumed: bool
    weights: str


@dataclass
class FinishedRun:
    """A trained run's outcome (``finish_run``): the results per split, the pictures written with ``out`` (or why there
    are none), and ``conventions``, the two conventions compared on the training split at the final weights with the
    run's λ (computed when first read: ``train --json`` never prints it)."""

    run: Run
    results: SplitResults
    pictures: list[str]
    no_plots: str | None

    @cached_property
    def conventions(self) -> ConventionTable:
        X, Y = self.run.data.split("train")
        return compare_conventions(self.run.net, X, Y, lambd=self.run.options["lambd"])


class CheckProblem(NamedTuple):
    """``chainrule check``'s random problem (``check_problem``): the network, X (n_x, m), Y, the dropout masks (None
    without dropout) and the regularization checked by fit's rules."""

    net: Network
    X: np.ndarray
    Y: np.ndarray
    masks: Masks | None
    regularization: Regularization


def start_run(given: Mapping[str, Any], resume: str | None, out: str | None) -> Run:
    """The options given (checked), resolved against the run saved in ``resume``; the data loaded, the network built."""
    check_ranges(given)
    saved = Network.load(resume) if resume else None
    if saved is not None:
        if not saved.metadata.get("train_options"):
            raise ChainruleError("--resume needs a model saved by chainrule train (its options are in the file)")
        check_resume(given, {**COMMON, **saved_options(saved)}, saved, resume)
    options = resolve_options(given, None if saved is None else saved_options(saved))
    check_convention(options["convention"])
    if out:
        prepare_out(out)
    raw = run_data(options)
    net = saved if saved is not None else build_network(options, raw)
    earlier = saved_history(saved, resume) if saved is not None else None
    if saved is None:
        net.normalization = raw.normalization  # fitted on the training part only
    data = raw.standardized(net.normalization)
    net.metadata = {"dataset": options["dataset"], "classes": data.classes, "feature_names": data.feature_names,
                    "image_shape": list(data.image_shape) if data.image_shape else None, "train_options": options}
    return Run(options, net, data, earlier, saved is not None, weights_source(options))


def fit_run(run: Run, out: str | None, on_epoch: Callable[[int, float], Any] | None = None) -> History:
    """``fit`` with the run's options, ``on_epoch(epoch, J)`` after every epoch and, with ``out``, checkpoint.npz every
    ``checkpoint_every`` epochs (default 10 times a run) and at the last; the whole run's History (``earlier`` first)."""
    net, options, epochs = run.net, run.options, run.options["epochs"]
    save_every = options["checkpoint_every"] or max(1, epochs // 10)

    def callback(epoch: int, J: float) -> None:
        if on_epoch is not None:
            on_epoch(epoch, J)
        done = epoch + 1
        if out and net.history is not None and (done % save_every == 0 or done == epochs):  # fit fills net.history
            net.metadata["history"] = whole_history(run.earlier, net.history).to_dict()  # a resumed run continues the whole history
            with writing(os.path.join(out, "checkpoint.npz")) as path:
                net.save(path)

    X, Y = run.data.split("train")
    history = net.fit(X, Y, epochs=epochs, callback=callback, validation_data=run.data.split("val"), resume=run.resumed,
                      patience=options["patience"], **fit_arguments(options))  # fmt: skip
    return whole_history(run.earlier, history)


def fit_arguments(options: RunOptions) -> FitArguments:
    """The keywords of ``Network.fit`` that a run's options set: α₀, convention, batches, optimizer, L2, dropout, decay, seed."""
    return {"learning_rate": options["learning_rate"], "convention": options["convention"], "batch_size": options["batch_size"],
            "optimizer": options["optimizer"], "lambd": options["lambd"], "keep_prob": options["keep_prob"],
            "decay_rate": options["decay_rate"], "time_interval": options["time_interval"], "seed": options["seed"] or 0}  # fmt: skip


def finish_run(run: Run, history: History, out: str | None) -> FinishedRun:
    """The results per split; with ``out`` model.npz, results.json and the plots (``FinishedRun``)."""
    results = split_results(run.net, run.data)
    pictures, no_plots = write_outputs(run, results, history, out) if out else ([], None)
    return FinishedRun(run, results, pictures, no_plots)


def write_outputs(run: Run, results: SplitResults, history: History, out: str) -> tuple[list[str], str | None]:
    """model.npz, results.json and the plots in ``out``: (the pictures written, why there are none)."""
    run.net.metadata["history"] = history.to_dict()
    with writing(os.path.join(out, "model.npz")) as path:
        run.net.save(path)
    write_results(out, results, history)
    from chainrule import plots

    try:
        with writing(out):
            return plots.write_all(out, run.net, run.data, history), None
    except plots.PlotsUnavailableError as error:  # matplotlib is an optional extra
        return [], str(error)


def write_divergence(out: str, error: DivergenceError, history: History) -> None:
    """A diverged run's results.json: where, why, and its history until then (no model.npz)."""
    write_json(os.path.join(out, "results.json"), {"diverged": error.divergence.to_dict(), "history": history.to_dict()})


def epochs_done(net: Network) -> int:
    """The epochs of the network's training state (0 before any)."""
    return net.training_state.epoch if net.training_state else 0


def evaluation_data(net: Network, given: Mapping[str, Any]) -> tuple[str, Dataset]:
    """(name, data standardized as the model's) that ``net`` is evaluated on: the options ``given`` (dataset, data_dir,
    label, val_fraction, test_fraction, seed), resolved against the model's run as ``train --resume`` resolves them."""
    check_ranges(given)
    options = resolve_options(given, saved_options(net))
    data, dataset = run_data(options), str(options["dataset"])  # run_data refuses a run without a data set
    if data.n_x != net.n_x or data.n_y != net.n_y:
        raise ChainruleError(f"{dataset} has n_x = {data.n_x}, n_y = {data.n_y}; the model expects {net.n_x}, {net.n_y}")
    return dataset, data.standardized(net.normalization)


def run_data(options: RunOptions) -> Dataset:
    """The raw data of a run: its data set, split by its options with the seed ``seed`` (0 if None), as trained on."""
    if options["dataset"] is None:
        raise ChainruleError("give --dataset: the model does not say which data set it was trained on")
    split_seed = options["seed"] if options["seed"] is not None else 0
    return load_dataset(options["dataset"], data_dir=options["data_dir"], label=options["label"],
                        val_fraction=options["val_fraction"], test_fraction=options["test_fraction"], seed=split_seed)  # fmt: skip


def predict_rows(net: Network, X: np.ndarray) -> list[tuple[int, str, float]]:
    """(row, predicted class name, its probability) for each column of X, from one forward pass."""
    AL = net.predict_proba(X)
    predicted = net._labels_of(AL)[0]
    probability = AL[predicted, np.arange(AL.shape[1])] if net.multiclass else np.where(predicted == 1, AL[0], 1 - AL[0])
    classes = net.metadata.get("classes") or [str(k) for k in range(max(2, net.n_y))]
    return [(i, classes[k], float(p)) for i, (k, p) in enumerate(zip(predicted, probability, strict=True))]


def check_problem(layer_dims: list[int], activations: list[str], m: int, seed: int, mode: str = "auto", k: int = K,
                  lambd: float = 0.0, keep_prob: float = 1.0) -> CheckProblem:  # fmt: skip
    """``chainrule check``'s random problem: (net, X (n_x, m), Y, dropout masks, regularization), all drawn from ``seed``.

    First the checks, in this order: m a positive integer, λ and keep_prob by fit's rules
    (``Regularization``), and, for a known ``mode``, the memory the check of ``mode`` with ``k`` needs
    (``gradcheck.require_memory``, before X or W is drawn). Y holds random classes (one-hot with softmax,
    {0, 1} with sigmoid); with keep_prob < 1 one fixed mask set D[l] per hidden layer, the same in the
    backward and in every cost evaluation.
    """
    check_integer(m, "--m", 1, "the number of examples")
    regularization = Regularization(lambd=lambd, keep_prob=keep_prob)
    if mode in MODES:  # else gradcheck names the modes
        require_memory(check_architecture(layer_dims, activations)[0], m, mode, k)
    net = Network(layer_dims, activations, seed=seed)
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((net.n_x, m))
    if net.multiclass:  # one-hot labels of random classes
        Y = np.eye(net.n_y)[:, rng.integers(0, net.n_y, size=m)]
    else:
        Y = (rng.random((net.n_y, m)) > 0.5).astype(float)
    masks = dropout_masks(net.layer_dims, m, keep_prob, np.random.default_rng(seed)) if keep_prob < 1 else None
    return CheckProblem(net, X, Y, masks, regularization)


def planted_grads(net: Network, X: np.ndarray, Y: np.ndarray, masks: Masks | None, keep_prob: float, convention: str,
                  lambd: float, planted: tuple[str, float] | None) -> dict[str, np.ndarray]:  # fmt: skip
    """The network's gradients in ``convention``, with one of them multiplied by a factor (``planted`` = (key, factor))."""
    _, caches = net.forward(X, masks, keep_prob)
    grads = net.backward(Y, caches, convention=convention, lambd=lambd, masks=masks, keep_prob=keep_prob)
    if planted is not None:
        key, factor = planted
        if key not in grads:
            raise ChainruleError(f"--scale: no gradient {key!r}; expected one of {', '.join(grads)}")
        grads[key] = grads[key] * factor
    return grads


def check_ranges(given: Mapping[str, Any]) -> None:
    """Every numeric option given, in its range, named as on the command line."""
    for key, (name, minimum, maximum) in INTEGER_OPTIONS.items():
        if key in given:
            check_integer(given[key], name, minimum, maximum=maximum)
    for key, (name, low, high, low_open, high_open) in NUMBER_OPTIONS.items():
        if key in given:
            check_number(given[key], name, low, high, low_open=low_open, high_open=high_open)


def saved_options(net: Network) -> dict[str, Any]:
    """The options of the run that trained ``net`` (``metadata["train_options"]``); {} for a model saved otherwise."""
    return dict(net.metadata.get("train_options") or {})


def resolve_options(given: Mapping[str, Any], saved: Mapping[str, Any] | None = None) -> RunOptions:
    """A run's options, by the one rule of every command: explicit, then the saved run's, then the defaults.

    ``saved``: the options of the run a model comes from (``saved_options``; None for a new run):
    ``train --resume`` continues it, ``evaluate`` and ``predict`` read it. An option not given is the
    saved run's, except the options of its data (``DATA_OPTIONS``) when ``given`` names another data
    set; then ``COMMON``'s, and the data set's (``FLOWER`` for the flower, else ``GENERIC``) where still
    None. A new run trains on the flower; a saved run on its own data set (None if it names none).
    """
    options: dict[str, Any] = dict(COMMON)
    if saved is not None:
        other_data = "dataset" in given and given["dataset"] != saved.get("dataset")
        options["dataset"] = None
        options.update({key: value for key, value in saved.items() if not (other_data and key in DATA_OPTIONS)})
    options.update(given)
    for key, value in (FLOWER if options["dataset"] == "flower" else GENERIC).items():
        if options.get(key) is None:
            options[key] = value
    if not _complete(options):
        raise ChainruleError(f"a run's options need {sorted(RunOptions.__required_keys__ - set(options))}")
    return options


def _complete(options: dict[str, Any]) -> TypeGuard[RunOptions]:
    """Every key of RunOptions is there (COMMON and the data set's defaults give each one)."""
    return RunOptions.__required_keys__ <= set(options)


def check_resume(given: Mapping[str, Any], saved_options: Mapping[str, Any], saved: Network, resume: str | None) -> None:
    """A resumed run keeps its network, data, splits and optimizer; --epochs (the total) must go beyond the epochs done."""
    for key in FIXED_ON_RESUME:
        if key in given and normalized(key, given[key]) != normalized(key, saved_options.get(key)):
            name = "--" + key.replace("_", "-")
            raise ChainruleError(
                f"--resume continues the run in {resume!r} with {name} {saved_options.get(key)}; got {name} {given[key]}: "
                f"leave {name} out, or start a new run without --resume"
            )
    done = epochs_done(saved)
    total = given.get("epochs", saved_options.get("epochs"))
    if total is not None and total <= done:
        raise ChainruleError(
            f"--epochs is the total to reach with --resume; the run in {resume!r} has done {done} epochs: give --epochs above {done}"
        )


def normalized(key: str, value: Any) -> Any:
    """An option as compared on --resume: layer sizes and activation names as lists."""
    if value is None:
        return None
    if key == "layers":
        return parse_ints(str(value), "--layers")
    if key == "activations":
        return parse_names(str(value))
    return value


def build_network(options: RunOptions, data: Dataset) -> Network:
    layers = parse_ints(options["layers"], "--layers") if options["layers"] else [data.n_x, 32, 16, data.n_y]
    if layers[0] != data.n_x:
        raise ChainruleError(f"--layers must start with n_x = {data.n_x} for {data.name} (its number of features); got {layers}")
    if layers[-1] != data.n_y:
        raise ChainruleError(f"--layers must end with n_y = {data.n_y} for {data.name} ({data.n_classes} classes); got {layers}")
    names = [data.output_activation if name == "auto" else name for name in parse_names(options["activations"])]
    options["layers"] = ",".join(map(str, layers))
    rng: np.random.RandomState | np.random.Generator
    if course_stream(options["dataset"], options["seed"]):
        rng = np.random.RandomState(options["legacy_seed"])  # the course's np.random.seed(...) stream
    else:
        rng = np.random.default_rng(options["seed"] or 0)
    return Network(layers, names, initialization=options["initialization"], rng=rng)


def course_stream(dataset: str | None, seed: int | None) -> bool:
    """The RNG rule of a run's initial weights: the flower without a seed draws them from the course's
    ``np.random.seed(legacy_seed)`` stream (``np.random.RandomState``), every other run from ``default_rng(seed or 0)``."""
    return seed is None and dataset == "flower"


def weights_source(options: RunOptions) -> str:
    """The generator of a run's initial weights, as ``chainrule train`` prints it (``course_stream``'s rule)."""
    if course_stream(options["dataset"], options["seed"]):
        return f"np.random.seed({options['legacy_seed']}), as the course"
    return f"default_rng({options['seed'] or 0})"


def saved_history(saved: Network, resume: str | None) -> History | None:
    """The history saved with a run that is resumed (None in files saved without one); it must end where the run did."""
    recorded = saved.metadata.get("history")
    if not isinstance(recorded, dict):
        return None
    history = History.from_dict(recorded)
    done = epochs_done(saved)
    if not isinstance(history.costs, list) or history.first_epoch + len(history.costs) != done:
        raise ChainruleError(f"{resume!r}: the saved history does not end at the {done} epochs of its training state; the file was altered")
    return history


def whole_history(earlier: History | None, history: History) -> History:
    """The whole run's history: the resumed run's ``earlier`` epochs (saved with the model), then these."""
    return history if earlier is None else earlier.continued_by(history)


def early_stopping(history: History, results: SplitResults) -> EarlyStopping | None:
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
    return EarlyStopping(patience=history.patience, stopped_early=history.stopped_early,
                         stopped_at=last if history.stopped_early else None, best_epoch=best, restored_epoch=restored,
                         message=message)  # fmt: skip


def prepare_out(out: str) -> None:
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
def writing(path: str) -> Iterator[str]:
    """Turn an OSError while writing ``path`` (read-only, full disk) into one line naming the file."""
    try:
        yield path
    except OSError as error:
        raise ChainruleError(f"cannot write {path!r}: {error.strerror or error}") from None


def write_results(out: str, results: SplitResults, history: History) -> None:
    write_json(os.path.join(out, "results.json"), {**results, "history": history.to_dict()})


def write_json(path: str, payload: dict[str, Any]) -> None:
    """One JSON object written atomically (a temporary file, then os.replace): never a half-written file."""
    with writing(path):
        fd, temporary = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), prefix=".results.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                file.write(dumps(payload) + "\n")
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise


def parse_ints(text: str, name: str) -> list[int]:
    """"12288,20,7,5,1" → [12288, 20, 7, 5, 1], with a clear error."""
    try:
        return [int(part) for part in text.replace(" ", "").split(",") if part]
    except ValueError:
        raise ChainruleError(f"{name} must be comma-separated integers such as 2,4,1; got {text!r}") from None


def parse_names(text: str) -> list[str]:
    """"relu,sigmoid" → ["relu", "sigmoid"]."""
    return [part.strip() for part in text.split(",") if part.strip()]


def split_results(net: Network, data: Dataset) -> SplitResults:
    """Accuracy and J (no L2 term) of the final parameters on each split, one forward pass each; ``data``
    already normalized. None where there is no such split."""
    train = _measured(net, data.split("train"))
    val, test = ((None, None) if (split := data.split(name)) is None else _measured(net, split) for name in ("val", "test"))
    return SplitResults(train_accuracy=train[0], val_accuracy=val[0], val_cost=val[1], test_accuracy=test[0],
                        test_cost=test[1], cost=train[1])  # fmt: skip


def _measured(net: Network, split: tuple[np.ndarray, np.ndarray]) -> tuple[float, float]:
    """(accuracy, J) of the network on one split (X, Y), from one forward pass."""
    X, Y = split
    AL = net.predict_proba(X)
    Y = net.targets(Y, X.shape[1])
    return net._accuracy_of(AL, Y), checked_cost(AL, Y, net.loss)


def dumps(payload: dict[str, Any]) -> str:
    """One JSON object; NaN and inf become null."""
    def clean(value: Any) -> Any:
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [clean(v) for v in value]
        return value.item() if hasattr(value, "item") else value

    return json.dumps(clean(payload), ensure_ascii=False)


def read_inputs(net: Network, path: str) -> np.ndarray:
    """Features (n_x, m) from a CSV with a header row, normalized as the model's training data.

    A model trained on named columns (a CSV, breast_cancer, digits) takes its columns by name, in
    its order, wherever they are in the file; a file that lacks any of them is refused, naming
    them. A model without names (the planar data sets) takes every column except its label
    column, in order.
    """
    label = resolve_options({}, saved_options(net))["label"] or "label"  # the label column of the model's run
    header, rows = read_table(path)
    names = net.metadata.get("feature_names")
    if names:
        missing = [name for name in names if name not in header]
        if missing:
            raise ChainruleError(
                f"{path!r} lacks {len(missing)} of the model's {len(names)} feature columns, e.g. {missing[:5]}; "
                f"the model was trained on {_listed(names)}, the file has {_listed(header)}"
            )
        features = list(names)
    else:
        features = [name for name in header if name != label]
        if len(features) != net.n_x:
            raise ChainruleError(f"{path!r} has {len(features)} feature columns {_listed(features)}; the model expects n_x = {net.n_x}")
    X = table_features(path, header, rows, features)
    return apply_normalization(X, net.normalization) if net.normalization is not None else X


def _listed(names: list[str], most: int = 8) -> str:
    """["a", "b", …] cut after ``most`` names, with the count."""
    shown = ", ".join(repr(name) for name in names[:most])
    return f"[{shown}{f', … ({len(names)} in all)' if len(names) > most else ''}]"
