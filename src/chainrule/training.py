"""Training a Network: one step (``train_step``), the loop over epochs (``fit``), what it records.

``fit(net, X, Y, learning_rate, epochs, ...)`` runs, each epoch, the learning rate of the
``schedule`` (``optim.InverseTimeDecay`` or any callable (α₀, epoch) → α), the m examples in
mini-batches, and for each batch ``train_step``: forward (dropout with the ``Regularization``'s
keep_prob), J (with its L2 term λ), backward in the convention, one update of the ``optimizer``
(an ``optim.OptimizerConfig`` such as ``Adam(beta1=0.9)``, or a name). Every ``eval_every``
epochs the ``Evaluation`` records the training accuracy and, with validation data, the
validation cost and accuracy, and stops early after ``patience`` evaluations without a lower
validation cost. What it did is a ``History``; where it stopped (to resume) a ``TrainingState``.

``Network.fit`` and ``Network.train_step`` are these functions, with the keyword names they
always had (``beta``, ``lambd``, ``decay_rate``, ``patience``, ...) grouped by ``fit_options``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

import numpy as np

from chainrule.conventions import check_convention
from chainrule.divergence import Divergence, DivergenceError, DivergenceMonitor
from chainrule.errors import ChainruleError
from chainrule.losses import mean_cost, objective
from chainrule.optim import InverseTimeDecay, MiniBatches, OptimizerConfig, Schedule, optimizer_config
from chainrule.regularization import check_keep_prob, check_lambd, dropout_masks
from chainrule.validation import check_integer, check_number, check_X
from chainrule.workspace import PARAMETERS_ONLY, TrainingBuffers

if TYPE_CHECKING:
    from chainrule.network import Network


@dataclass
class History:
    """What ``fit`` did, epoch by epoch (with full-batch gradient descent an epoch is one iteration).

    costs[e]: the training cost J of epoch e, with its L2 term if any: full batch, J before that
    iteration's update; mini-batches, the size-weighted mean of the mini-batch costs during the
    epoch (the course's ``cost_total / m``).

    Every ``eval_every`` epochs (and at the last) ``fit`` records the epoch (``epochs``) and:

    - train_accuracy: the fraction of correct predictions over the epoch's batches, each predicted
      with the weights as they were at that batch (before its update) and with its dropout masks,
      from the very outputs A[L] that its cost J came from: the same forward passes as costs[e], at
      no extra pass over the data. With full-batch gradient descent it is the accuracy on all of X
      before that iteration's update; it is not the accuracy of the weights after the epoch, which
      ``net.accuracy(X, Y)`` gives.
    - val_costs, val_accuracy (with validation data): a forward pass over the validation set after
      the epoch's updates, without dropout.
    """

    costs: list[float] = field(default_factory=list)
    learning_rate: float = 0.0
    convention: str = "loss"
    epochs: list[int] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    val_costs: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    learning_rates: list[float] = field(default_factory=list)
    best_epoch: int | None = None
    stopped_early: bool = False
    first_epoch: int = 0
    patience: int | None = None
    diverged: Divergence | None = None  # where and why, when fit stopped because the run diverged

    @property
    def final_cost(self) -> float:
        return self.costs[-1] if self.costs else float("nan")

    def __len__(self) -> int:
        return len(self.costs)

    def to_dict(self) -> dict[str, Any]:
        """Plain lists and numbers (for JSON)."""
        return {
            "costs": self.costs,
            "epochs": self.epochs,
            "train_accuracy": self.train_accuracy,
            "val_costs": self.val_costs,
            "val_accuracy": self.val_accuracy,
            "learning_rates": self.learning_rates,
            "best_epoch": self.best_epoch,
            "stopped_early": self.stopped_early,
            "first_epoch": self.first_epoch,
            "patience": self.patience,
            "diverged": None if self.diverged is None else self.diverged.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> History:
        """The inverse of ``to_dict`` (unknown keys ignored)."""
        names = set(cls.__dataclass_fields__)
        values = {key: value for key, value in data.items() if key in names}
        if isinstance(values.get("diverged"), dict):
            values["diverged"] = Divergence.from_dict(values["diverged"])
        return cls(**values)

    def continued_by(self, rest: History) -> History:
        """The whole run: this history (epochs first_epoch..) followed by ``rest``, which resumed where it ended."""
        if rest.first_epoch != self.first_epoch + len(self.costs):
            raise ChainruleError(
                f"the resumed run starts at epoch {rest.first_epoch}; the saved history ends at epoch {self.first_epoch + len(self.costs)}"
            )
        whole = History.from_dict(rest.to_dict())
        whole.first_epoch = self.first_epoch
        for name in ("costs", "epochs", "train_accuracy", "val_costs", "val_accuracy", "learning_rates"):
            setattr(whole, name, list(getattr(self, name)) + list(getattr(rest, name)))
        if rest.best_epoch is None:
            whole.best_epoch = self.best_epoch
        return whole


@dataclass
class TrainingState:
    """Where a run stopped, enough to resume it exactly (``fit(resume=True)``; saved with the model).

    optimizer: its name; optimizer_state: its state (``OptimizerConfig.init``'s dict: v, s, t);
    epoch: the epochs done; rng_state: the generator's ``bit_generator.state`` (shuffling and
    dropout); convention: the backward pass's. ``state["epoch"]`` reads a field as ``state.epoch``.
    """

    optimizer: str
    optimizer_state: dict[str, Any]
    epoch: int
    rng_state: dict[str, Any]
    convention: str = "loss"

    def __getitem__(self, key: str) -> Any:
        if key not in self.__dataclass_fields__:
            raise KeyError(key)
        return getattr(self, key)

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def of(cls, value: TrainingState | Mapping[str, Any] | None) -> TrainingState | None:
        """``value`` as a TrainingState: itself, one made from a mapping with its five keys, or None."""
        if value is None or isinstance(value, TrainingState):
            return value
        if not isinstance(value, Mapping) or not {"optimizer", "optimizer_state", "epoch", "rng_state"} <= set(value):
            raise ChainruleError(f"a training state needs optimizer, optimizer_state, epoch and rng_state; got {value!r:.80}")
        return cls(**{f.name: value[f.name] for f in fields(cls) if f.name in value})


@dataclass(frozen=True)
class Regularization:
    """L2 with λ = ``lambd`` (J gains (λ/2m) Σ‖W‖²) and inverted dropout keeping each hidden unit with ``keep_prob``."""

    lambd: float = 0.0
    keep_prob: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "lambd", check_lambd(self.lambd))
        object.__setattr__(self, "keep_prob", check_keep_prob(self.keep_prob))


@dataclass(frozen=True)
class Evaluation:
    """What ``fit`` measures besides J: every ``eval_every`` epochs, on ``validation_data`` = (X_val, Y_val),
    stopping after ``patience`` epochs without a lower validation cost (early stopping; the best parameters restored).

    eval_every None: every epoch with mini-batches, else 100 times in all (and at most every ``patience`` epochs).
    """

    validation_data: tuple[np.ndarray, np.ndarray] | None = None
    patience: int | None = None
    eval_every: int | None = None

    def __post_init__(self) -> None:
        for name in ("patience", "eval_every"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, check_integer(getattr(self, name), name, 1))
        if self.patience is not None and self.validation_data is None:
            raise ChainruleError("early stopping (patience) needs validation_data = (X_val, Y_val)")

    def every(self, n_epochs: int, full_batch: bool) -> int:
        return self.eval_every or min(max(1, n_epochs // 100) if full_batch else 1, self.patience or n_epochs)


class EarlyStopping:
    """The lowest validation cost so far, its epoch (``history.best_epoch``) and a copy of its parameters."""

    def __init__(self, patience: int | None, history: History) -> None:
        self.patience, self.history = patience, history
        self.best_cost = np.inf
        self.best_parameters: dict[str, np.ndarray] | None = None

    def observe(self, epoch: int, val_cost: float, parameters: dict[str, np.ndarray]) -> None:
        if self.patience is not None and val_cost < self.best_cost:
            self.best_cost, self.history.best_epoch = val_cost, epoch
            self.best_parameters = {key: value.copy() for key, value in parameters.items()}

    def stop(self, epoch: int) -> bool:
        """True after ``patience`` epochs without a lower validation cost (and ``history.stopped_early`` set)."""
        best = self.history.best_epoch
        if self.patience is not None and best is not None and epoch - best >= self.patience:
            self.history.stopped_early = True
        return self.history.stopped_early


LEGACY_OPTIONS = {  # fit's keyword names before the options were grouped: their group
    "beta": "optimizer", "beta1": "optimizer", "beta2": "optimizer", "epsilon": "optimizer",
    "decay_rate": "schedule", "time_interval": "schedule",
    "lambd": "regularization", "keep_prob": "regularization",
    "validation_data": "evaluation", "patience": "evaluation", "eval_every": "evaluation",
}  # fmt: skip


def fit_options(optimizer: str | OptimizerConfig, options: dict[str, Any]) -> dict[str, Any]:
    """``fit``'s keyword arguments ``optimizer``, ``schedule``, ``regularization``, ``evaluation`` from
    ``Network.fit``'s: the objects themselves, or the old names (beta, ..., eval_every) grouped into them."""
    grouped: dict[str, Any] = {name: options.pop(name) for name in ("schedule", "regularization", "evaluation") if name in options}
    unknown = sorted(set(options) - set(LEGACY_OPTIONS))
    if unknown:
        raise TypeError(f"fit() got an unexpected keyword argument {unknown[0]!r}")
    given = {LEGACY_OPTIONS[name] for name in options}
    for group in given & {*grouped, *(["optimizer"] if isinstance(optimizer, OptimizerConfig) else [])}:
        names = sorted(name for name in options if LEGACY_OPTIONS[name] == group)
        raise ChainruleError(f"give {', '.join(names)} inside the {group} object, not beside it")
    of = {group: {name: value for name, value in options.items() if LEGACY_OPTIONS[name] == group} for group in given}
    grouped["optimizer"] = optimizer_config(optimizer, **of.get("optimizer", {}))
    if "schedule" in of:
        decay = InverseTimeDecay(**{"decay_rate": 0.0, **of["schedule"]})
        grouped["schedule"] = decay if decay.decay_rate else None  # decay_rate 0: the constant α₀
    if "regularization" in of:
        grouped["regularization"] = Regularization(**of["regularization"])
    if "evaluation" in of:
        grouped["evaluation"] = Evaluation(**of["evaluation"])
    return grouped


def train_step(
    net: Network,
    X: np.ndarray,
    Y: np.ndarray,
    learning_rate: float,
    optimizer: OptimizerConfig,
    state: dict[str, Any],
    *,
    convention: str = "loss",
    regularization: Regularization = Regularization(),
    rng: np.random.Generator | None = None,
    labels: np.ndarray | None = None,
) -> tuple[float, int]:
    """One optimizer step on one batch of checked arrays; returns J and how many predictions equal ``labels``.

    forward (dropout masks drawn from ``rng`` when keep_prob < 1), J (with the L2 term), backward,
    then ``optimizer``'s update of ``state``. When J is not finite nothing is updated and (J, 0)
    is returned, for the caller to report. The count is 0 without ``labels`` (class indices (1, m)
    with softmax, Y itself with sigmoid), and otherwise comes from the outputs the step computed
    anyway. Speed without other formulas: no dA0 (nothing updates X), only dW, db kept and each
    dZ[l] computed in place over dA[l] (``backward``'s ``TrainingBuffers``), parameters updated in
    place (the network owns them), and Z, A, dA, dW, g'(Z) and the optimizer's temporaries written
    into the same arrays at every step (the network's ``Workspace``) when they are large enough for
    that to pay.
    """
    return _step(net, X, Y, learning_rate, optimizer, state, convention, regularization.lambd, regularization.keep_prob, rng, labels)


def _step(net: Network, X: np.ndarray, Y: np.ndarray, learning_rate: float, optimizer: OptimizerConfig, state: dict[str, Any],
          convention: str, lambd: float, keep_prob: float, rng: np.random.Generator | None,
          labels: np.ndarray | None) -> tuple[float, int]:  # fmt: skip
    """``train_step`` with positional arguments (``fit`` calls it once per mini-batch: a few microseconds each)."""
    m = X.shape[1]
    masks = dropout_masks(net.layer_dims, m, keep_prob, rng) if keep_prob < 1 else None
    workspace = net._workspace if net._workspace.pays_off(net.layer_dims, m, X.dtype) else None
    with np.errstate(over="ignore", invalid="ignore"):  # divergence shows as a non-finite J
        AL, caches = net._propagate(X, masks, keep_prob, workspace)
        J = objective(AL, Y, net.loss, net._parameters, lambd)  # J = (1/m) Σ L (+ (λ/2m) Σ ‖W‖²), the one J
    if not math.isfinite(J):
        return J, 0
    correct = 0 if labels is None else net._correct(AL, labels)  # from the outputs this step computed anyway
    buffers = PARAMETERS_ONLY if workspace is None else TrainingBuffers(workspace)  # only dW, db; dZ[l] over dA[l]
    grads = net._backward(AL, Y, caches, convention, False, lambd, masks, keep_prob, buffers)
    scratch = None
    if workspace is not None and optimizer.temporaries:  # the update's temporaries, one flat array reused
        largest = max(n * n_prev for n_prev, n in itertools.pairwise(net.layer_dims))
        scratch = workspace.array("update", 0, (optimizer.temporaries * largest,), net.dtype)
    optimizer.spec.update(net._parameters, grads, state, learning_rate, inplace=True, scratch=scratch, **optimizer.hyper)
    return J, correct


@np.errstate(over="ignore", invalid="ignore", divide="ignore")  # an overflow is reported as a divergence, not a warning
def fit(
    net: Network,
    X: np.ndarray,
    Y: np.ndarray,
    learning_rate: float = 0.0075,
    epochs: int | None = None,
    *,
    convention: str = "loss",
    batch_size: int | None = None,
    optimizer: str | OptimizerConfig = "gd",
    schedule: Schedule | None = None,
    regularization: Regularization | None = None,
    evaluation: Evaluation | None = None,
    seed: int = 0,
    resume: bool = False,
    callback: Callable[[int, float], Any] | None = None,
) -> History:
    """Train ``net`` for ``epochs`` (3000 if None) epochs; its History (also ``net.history``, filled as it runs).

    Each epoch: α = schedule(learning_rate, epoch) (α₀ without a schedule); the m examples in
    shuffled mini-batches of ``batch_size`` (None: one full batch, not shuffled); ``train_step``
    on each. ``callback(epoch, J)`` runs after every epoch. Shuffling and dropout draw from
    ``np.random.default_rng(seed)``: the same seed gives the same run. ``resume=True`` continues
    the run of ``net.training_state`` (a trained or loaded network): ``epochs`` is then the total
    to reach, and the result equals the uninterrupted run's. A diverging run (a NaN or inf cost,
    see ``divergence``) stops with a DivergenceError carrying the History.
    """
    check_convention(convention)
    learning_rate = check_number(learning_rate, "learning_rate", 0, low_open=True)
    n_epochs = check_integer(3000 if epochs is None else epochs, "epochs", 1)  # 0: no cost, no run
    batch_size = None if batch_size is None else check_integer(batch_size, "batch_size", 1)
    seed = check_integer(seed, "seed", 0)
    opt, regularization, evaluation = optimizer_config(optimizer), regularization or Regularization(), evaluation or Evaluation()
    if schedule is not None and not callable(schedule):
        raise ChainruleError(f"schedule must be a callable (learning_rate0, epoch) -> learning rate; got {schedule!r}")
    X = check_X(X, net.n_x)
    Y = net.targets(Y, X.shape[1]).astype(X.dtype, copy=False)
    validation = None
    if evaluation.validation_data is not None:
        X_val = check_X(evaluation.validation_data[0], net.n_x)
        validation = X_val, net.targets(evaluation.validation_data[1], X_val.shape[1])
    optimizer_state, first_epoch, rng = _start(net, opt, n_epochs, resume, seed)
    eval_every = evaluation.every(n_epochs, batch_size is None)
    history = net.history = History(learning_rate=float(learning_rate), convention=convention, first_epoch=first_epoch,
                                    patience=evaluation.patience)  # fmt: skip
    stopping = EarlyStopping(evaluation.patience, history)
    lambd, keep_prob = regularization.lambd, regularization.keep_prob
    monitor = DivergenceMonitor(net.loss, net.n_y, X.dtype, first_epoch, n_epochs, batch_size is None, net.initialization)
    labels = np.argmax(Y, axis=0).reshape(1, -1) if net.multiclass else Y  # what a correct prediction equals
    batches = None if batch_size is None else MiniBatches(X, Y, batch_size, labels)

    def state(epochs_done: int) -> TrainingState:
        rng_state = dict(rng.bit_generator.state)  # the generator's state, a new dict at each read (NumPy types it a Mapping)
        return TrainingState(opt.name, optimizer_state, epochs_done, rng_state, convention)

    for epoch in range(first_epoch, n_epochs):
        alpha = learning_rate if schedule is None else schedule(learning_rate, epoch)
        evaluate = (epoch + 1 - first_epoch) % eval_every == 0 or epoch + 1 == n_epochs
        cost_total, correct = 0.0, 0
        for X_batch, Y_batch, labels_batch in ((X, Y, labels),) if batches is None else batches.epoch(rng):
            J, correct_batch = _step(net, X_batch, Y_batch, alpha, opt, optimizer_state, convention, lambd, keep_prob, rng,
                                     labels_batch if evaluate else None)  # fmt: skip
            if not math.isfinite(J):
                _diverged(monitor.nonfinite(epoch, J, alpha), history)
            cost_total += J * X_batch.shape[1]
            correct += correct_batch
        history.costs.append(cost_total / X.shape[1])
        history.learning_rates.append(float(alpha))
        if (diverged := monitor.cost(epoch, history.costs[-1], alpha)) is not None:
            _diverged(diverged, history)
        if evaluate:
            _evaluate(net, epoch, correct / labels.size, validation, monitor, alpha, stopping)
        if callback is not None:  # a callback may save the network: its training state is that of this epoch
            net.training_state = state(epoch + 1)
            callback(epoch, history.costs[-1])
        if stopping.stop(epoch):
            break
    if history.costs:  # the generator's state read once, not at every epoch (2 µs: 3 % of a flower step)
        net.training_state = state(first_epoch + len(history.costs))
    if stopping.best_parameters is not None:
        net.parameters = stopping.best_parameters
    return history


def _start(net: Network, opt: OptimizerConfig, n_epochs: int, resume: bool,
           seed: int) -> tuple[dict[str, Any], int, np.random.Generator]:  # fmt: skip
    """(optimizer state, first epoch, generator): fresh ones from ``seed``, or those of ``net.training_state``."""
    if not resume:
        return opt.init(net._parameters), 0, np.random.default_rng(seed)
    state = net.training_state
    if state is None:
        raise ChainruleError("resume=True needs a network that has been trained or loaded with its training state")
    if state.optimizer != opt.name:
        raise ChainruleError(f"cannot resume a {state.optimizer!r} run with optimizer {opt.name!r}")
    if n_epochs <= state.epoch:
        raise ChainruleError(
            f"with resume=True, epochs is the total to reach; the run has done {state.epoch} epochs already: give more than {state.epoch}"
        )
    rng = np.random.default_rng()
    rng.bit_generator.state = state.rng_state
    return state.optimizer_state, state.epoch, rng


def _evaluate(net: Network, epoch: int, train_accuracy: float, validation: tuple[np.ndarray, np.ndarray] | None,
              monitor: DivergenceMonitor, alpha: float, stopping: EarlyStopping) -> None:  # fmt: skip
    """Record an evaluation in the History: the training accuracy of the epoch's steps, the validation cost and accuracy."""
    history = stopping.history
    history.epochs.append(epoch)
    history.train_accuracy.append(train_accuracy)  # over the epoch's batches, as costs[epoch]
    if (diverged := monitor.parameters(epoch, net._parameters, alpha)) is not None:
        _diverged(diverged, history)
    if validation is None:
        return
    X_val, Y_val = validation
    with np.errstate(over="ignore", invalid="ignore"):  # a diverged step shows in the next cost
        AL_val = net._propagate(X_val)[0]
    history.val_costs.append(mean_cost(AL_val, Y_val, net.loss))
    history.val_accuracy.append(net._accuracy_of(AL_val, Y_val))
    stopping.observe(epoch, history.val_costs[-1], net._parameters)


def _diverged(divergence: Divergence, history: History) -> None:
    """Stop ``fit``: the divergence goes into the history and out as a DivergenceError."""
    history.diverged = divergence
    raise DivergenceError(divergence, history)
