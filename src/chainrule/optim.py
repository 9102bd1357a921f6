"""Optimizers, learning-rate decay and mini-batches, in the course's formulas.

Each optimizer is a pair: ``init(parameters) -> state`` (a dict of arrays and counters, what a
checkpoint saves) and ``update(parameters, grads, state, learning_rate, **hyper)``, which
replaces every parameters[key] by its updated array (or, with ``inplace=True`` as ``fit`` uses
it, updates the arrays themselves) and updates ``state`` in place. For each parameter
W (and likewise b) with gradient dW = ∂J/∂W of the current mini-batch:

=========  ==================================================================================  ======
name       update                                                                              passes
=========  ==================================================================================  ======
gd         W := W − α dW                                                                          2
momentum   v := β v + (1 − β) dW;                       W := W − α v                              5
rmsprop    s := β₂ s + (1 − β₂) dW²;                     W := W − α dW / (√s + ε)                  9
adam       t := t + 1;  v := β₁ v + (1 − β₁) dW;  s := β₂ s + (1 − β₂) dW²;
           v̂ = v / (1 − β₁ᵗ);  ŝ = s / (1 − β₂ᵗ);       W := W − α v̂ / (√ŝ + ε)                  12
=========  ==================================================================================  ======

*Passes*: NumPy operations over each parameter-sized array per update, each writing into an
existing array (the state, the parameter, or a scratch buffer the caller can reuse): no new
parameter-sized array. Every formula rounds as written out, except Adam's step, whose bias
corrections are folded into two scalars (see ``update_adam``).
State keys follow the course: v["dW1"], s["db2"], t.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from chainrule.errors import ChainruleError
from chainrule.validation import check_integer, check_number

Parameters = dict[str, np.ndarray]
State = dict[str, Any]


def _floating(dtype: np.dtype) -> np.dtype:
    """The dtype the state and temporaries of a parameter of this dtype have: its own if floating, else float64."""
    return dtype if np.issubdtype(dtype, np.floating) else np.dtype(np.float64)


def _zeros_like_grads(parameters: Parameters) -> dict[str, np.ndarray]:
    return {f"d{key}": np.zeros(np.shape(value), _floating(np.asarray(value).dtype)) for key, value in parameters.items()}


def _scratch(parameters: Parameters, count: int, scratch: np.ndarray | None) -> np.ndarray:
    """A flat buffer of ``count`` × the largest parameter's size: the update's temporaries (``scratch`` if large enough)."""
    size = count * max(np.size(value) for value in parameters.values())
    dtype = _floating(np.asarray(next(iter(parameters.values()))).dtype)
    if scratch is not None and scratch.size >= size and scratch.dtype == dtype:
        return scratch
    return np.empty(size, dtype)


def _temporary(scratch: np.ndarray, like: np.ndarray, slot: int = 0) -> np.ndarray:
    """Slot ``slot`` of the scratch buffer as an array shaped like ``like`` (a view: no allocation)."""
    return scratch[slot * like.size : (slot + 1) * like.size].reshape(like.shape)


def _step(parameters: Parameters, key: str, step: np.ndarray, inplace: bool) -> None:
    """parameters[key] := parameters[key] − step; in place (training owns the arrays) or as a new array."""
    if inplace:
        np.subtract(parameters[key], step, out=parameters[key])
    else:
        parameters[key] = parameters[key] - step


def _moving_average(average: np.ndarray, beta: float, value: np.ndarray, temporary: np.ndarray) -> None:
    """average := β average + (1 − β) value, in place: 3 passes, rounded as the formula written out."""
    np.multiply(value, 1 - beta, out=temporary)  # (1 − β) value
    average *= beta  # β average
    average += temporary


def init_gd(parameters: Parameters) -> State:
    """Gradient descent keeps no state."""
    return {}


def update_gd(
    parameters: Parameters,
    grads: dict[str, np.ndarray],
    state: State,
    learning_rate: float,
    inplace: bool = False,
    scratch: np.ndarray | None = None,
) -> None:
    """W := W − α dW, b := b − α db. ``inplace=True`` (training) also turns each dW into α dW in place (no temporary).

    2 passes over each parameter: α dW, then W − α dW. ``scratch`` is not needed (the same signature as the others).
    """
    for key in parameters:
        d = grads[f"d{key}"]
        _step(parameters, key, np.multiply(d, learning_rate, out=d) if inplace else learning_rate * d, inplace)


def init_momentum(parameters: Parameters) -> State:
    """{"v": {"dW1": 0, "db1": 0, …}}, the velocity, zeros shaped like each parameter."""
    return {"v": _zeros_like_grads(parameters)}


def update_momentum(
    parameters: Parameters,
    grads: dict[str, np.ndarray],
    state: State,
    learning_rate: float,
    beta: float = 0.9,
    inplace: bool = False,
    scratch: np.ndarray | None = None,
) -> None:
    """v := β v + (1 − β) dW, W := W − α v (an exponentially weighted average of the gradients).

    v is updated in place. 5 passes over each parameter (v: 3, the step α v and W − α v: 2), one
    temporary from ``scratch``; every operation rounds as the formula written out, so the result is
    bit-identical to it.
    """
    v = state["v"]
    scratch = _scratch(parameters, 1, scratch)
    for key in parameters:
        d = f"d{key}"
        temporary = _temporary(scratch, v[d])
        _moving_average(v[d], beta, grads[d], temporary)  # v = β v + (1 − β) dW
        _step(parameters, key, np.multiply(v[d], learning_rate, out=temporary), inplace)  # W := W − α v


def init_rmsprop(parameters: Parameters) -> State:
    """{"s": {"dW1": 0, …}}, the running mean of the squared gradients."""
    return {"s": _zeros_like_grads(parameters)}


def update_rmsprop(
    parameters: Parameters,
    grads: dict[str, np.ndarray],
    state: State,
    learning_rate: float,
    beta2: float = 0.999,
    epsilon: float = 1e-8,
    inplace: bool = False,
    scratch: np.ndarray | None = None,
) -> None:
    """s := β₂ s + (1 − β₂) dW², W := W − α dW / (√s + ε).

    s is updated in place. 9 passes over each parameter (dW²: 1, s: 3, √s + ε: 2, α dW, the
    quotient and W − …: 3), two temporaries from ``scratch``; bit-identical to the formula written out.
    """
    s = state["s"]
    scratch = _scratch(parameters, 2, scratch)
    for key in parameters:
        d = f"d{key}"
        g, step, denominator = grads[d], _temporary(scratch, s[d], 0), _temporary(scratch, s[d], 1)
        _moving_average(s[d], beta2, np.multiply(g, g, out=step), denominator)  # s = β₂ s + (1 − β₂) dW²
        np.sqrt(s[d], out=denominator)
        denominator += epsilon  # √s + ε
        np.multiply(g, learning_rate, out=step)  # α dW
        _step(parameters, key, np.divide(step, denominator, out=step), inplace)  # W := W − α dW / (√s + ε)


def init_adam(parameters: Parameters) -> State:
    """{"v": zeros, "s": zeros, "t": 0}: first and second moment estimates and the update count."""
    return {"v": _zeros_like_grads(parameters), "s": _zeros_like_grads(parameters), "t": 0}


def update_adam(
    parameters: Parameters,
    grads: dict[str, np.ndarray],
    state: State,
    learning_rate: float,
    beta1: float = 0.9,
    beta2: float = 0.999,
    epsilon: float = 1e-8,
    inplace: bool = False,
    scratch: np.ndarray | None = None,
) -> None:
    """t := t + 1, v := β₁ v + (1 − β₁) dW,  s := β₂ s + (1 − β₂) dW²,  W := W − α v̂ / (√ŝ + ε)

    with v̂ = v / (1 − β₁ᵗ), ŝ = s / (1 − β₂ᵗ) (``adam_bias_corrected``). The corrections are folded
    into two scalars, as Kingma and Ba's paper suggests: with c₁ = 1 − β₁ᵗ, c₂ = 1 − β₂ᵗ,

        α v̂ / (√ŝ + ε) = α_t v / (√s + ε_t),   α_t = α √c₂ / c₁,   ε_t = ε √c₂,

    so neither v̂ nor ŝ is ever formed. v and s are updated in place and bit-identical to the formulas
    written out; the step differs from α v̂ / (√ŝ + ε) evaluated as written only by rounding (a few
    units in the last place of the step, tested). 12 passes over each parameter (v: 3, s: 4 with dW²,
    the step √s + ε_t, v / …, × α_t, W − …: 5), one temporary from ``scratch``.
    """
    state["t"] = t = int(state["t"]) + 1
    c1, c2 = 1 - beta1**t, 1 - beta2**t
    alpha_t, epsilon_t = learning_rate * np.sqrt(c2) / c1, epsilon * np.sqrt(c2)
    v, s = state["v"], state["s"]
    scratch = _scratch(parameters, 1, scratch)
    for key in parameters:
        d = f"d{key}"
        g, temporary = grads[d], _temporary(scratch, v[d])
        _moving_average(v[d], beta1, g, temporary)  # v = β₁ v + (1 − β₁) dW
        np.multiply(g, g, out=temporary)
        _moving_average(s[d], beta2, temporary, temporary)  # s = β₂ s + (1 − β₂) dW²
        np.sqrt(s[d], out=temporary)
        temporary += epsilon_t  # √s + ε_t
        np.divide(v[d], temporary, out=temporary)
        temporary *= alpha_t  # α_t v / (√s + ε_t) = α v̂ / (√ŝ + ε)
        _step(parameters, key, temporary, inplace)


def adam_bias_corrected(state: State, beta1: float = 0.9, beta2: float = 0.999) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """(v̂, ŝ) of an Adam state after its t-th update: v̂ = v / (1 − β₁ᵗ), ŝ = s / (1 − β₂ᵗ) (new arrays)."""
    t = int(state["t"])
    return ({d: v / (1 - beta1**t) for d, v in state["v"].items()}, {d: s / (1 - beta2**t) for d, s in state["s"].items()})


@dataclass(frozen=True)
class Optimizer:
    """An optimizer: its state's init, its update, the update written out, its hyperparameters' defaults.

    ``temporaries``: how many parameter-sized scratch arrays ``update`` needs (a caller that updates
    often, as ``Network.train_step``, passes them as one reused flat buffer ``scratch`` of
    ``temporaries`` × the largest parameter's size; without it each update makes one).
    """

    name: str
    init: Callable[[Parameters], State]
    update: Callable[..., Any]
    formula: str
    defaults: dict[str, float]
    temporaries: int = 0


OPTIMIZERS: dict[str, Optimizer] = {
    o.name: o
    for o in (
        Optimizer("gd",       init_gd,       update_gd,       "W -= a dW",                                  {}),
        Optimizer("momentum", init_momentum, update_momentum, "v = b v + (1-b) dW; W -= a v",              {"beta": 0.9}, 1),
        Optimizer("rmsprop",  init_rmsprop,  update_rmsprop,  "s = b2 s + (1-b2) dW^2; W -= a dW/(sqrt s + e)",
                  {"beta2": 0.999, "epsilon": 1e-8}, 2),
        Optimizer("adam",     init_adam,     update_adam,     "v, s as momentum, rmsprop; W -= a v^/(sqrt s^ + e)",
                  {"beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8}, 1),
    )
}  # fmt: skip


def get_optimizer(name: str) -> Optimizer:
    """The optimizer called ``name``; a ChainruleError listing the known names otherwise."""
    try:
        return OPTIMIZERS[name]
    except (KeyError, TypeError):
        raise ChainruleError(f"unknown optimizer {name!r}; expected one of: {', '.join(OPTIMIZERS)}") from None


HYPER_RANGES = {  # name: (what it is, low, high, low open, high open)
    "beta": ("beta (momentum's β)", 0, 1, False, True),
    "beta1": ("beta1 (Adam's β₁)", 0, 1, False, True),
    "beta2": ("beta2 (β₂ of RMSprop and Adam)", 0, 1, False, True),
    "epsilon": ("epsilon (ε of RMSprop and Adam)", 0, None, True, False),
}


def check_hyper(name: str, value: Any) -> float:
    """An optimizer's hyper-parameter in its own range: β, β₁, β₂ in [0, 1) (β₁ = 1 divides by 1 − β₁ᵗ = 0), ε > 0."""
    what, low, high, low_open, high_open = HYPER_RANGES[name]
    return check_number(value, what, low, high, low_open=low_open, high_open=high_open)


@dataclass(frozen=True, init=False)
class OptimizerConfig:
    """An optimizer with its hyper-parameters, checked once (as scikit-learn's and optax's optimizers are configured).

    ``GradientDescent()``, ``Momentum(beta=0.9)``, ``RMSprop(beta2=0.999, epsilon=1e-8)``,
    ``Adam(beta1=0.9, beta2=0.999, epsilon=1e-8)``: ``init(parameters)`` makes the state and
    ``update(parameters, grads, state, learning_rate, inplace, scratch)`` applies the formula of
    the ``Optimizer`` of that name (the functions above) with these hyper-parameters.
    """

    name: str
    hyper: dict[str, float]
    if TYPE_CHECKING:
        spec: Optimizer
        temporaries: int

    def __init__(self, name: str, **hyper: Any) -> None:
        spec = get_optimizer(name)
        unknown = sorted(set(hyper) - set(spec.defaults))
        if unknown:
            raise ChainruleError(f"optimizer {spec.name!r} takes {sorted(spec.defaults) or 'no hyper-parameters'}; got {unknown}")
        checked = {key: check_hyper(key, hyper.get(key, default)) for key, default in spec.defaults.items()}
        object.__setattr__(self, "name", spec.name)
        object.__setattr__(self, "hyper", checked)
        object.__setattr__(self, "spec", spec)  # not a field: the Optimizer of that name
        object.__setattr__(self, "temporaries", spec.temporaries)

    def init(self, parameters: Parameters) -> State:
        return self.spec.init(parameters)

    def update(self, parameters: Parameters, grads: dict[str, np.ndarray], state: State, learning_rate: float,
               inplace: bool = False, scratch: np.ndarray | None = None) -> None:  # fmt: skip
        self.spec.update(parameters, grads, state, learning_rate, inplace=inplace, scratch=scratch, **self.hyper)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.hyper.items())})"


class GradientDescent(OptimizerConfig):
    """W := W − α dW."""

    def __init__(self) -> None:
        super().__init__("gd")


class Momentum(OptimizerConfig):
    """v := β v + (1 − β) dW; W := W − α v."""

    def __init__(self, beta: float = 0.9) -> None:
        super().__init__("momentum", beta=beta)


class RMSprop(OptimizerConfig):
    """s := β₂ s + (1 − β₂) dW²; W := W − α dW / (√s + ε)."""

    def __init__(self, beta2: float = 0.999, epsilon: float = 1e-8) -> None:
        super().__init__("rmsprop", beta2=beta2, epsilon=epsilon)


class Adam(OptimizerConfig):
    """v, s as momentum and RMSprop, bias-corrected; W := W − α v̂ / (√ŝ + ε)."""

    def __init__(self, beta1: float = 0.9, beta2: float = 0.999, epsilon: float = 1e-8) -> None:
        super().__init__("adam", beta1=beta1, beta2=beta2, epsilon=epsilon)


def optimizer_config(optimizer: str | OptimizerConfig, **hyper: Any) -> OptimizerConfig:
    """``optimizer`` itself if a configuration; else the named optimizer with those of ``hyper`` it takes (the rest ignored)."""
    if isinstance(optimizer, OptimizerConfig):
        return optimizer
    spec = get_optimizer(optimizer)
    return OptimizerConfig(spec.name, **{key: value for key, value in hyper.items() if key in spec.defaults})


@dataclass(frozen=True)
class InverseTimeDecay:
    """The schedule α(epoch) = α₀ / (1 + decay_rate · epoch), or ⌊epoch / time_interval⌋ with ``time_interval``.

    A callable ``schedule(learning_rate0, epoch) -> α`` (``decayed_learning_rate``), as ``fit`` takes it.
    """

    decay_rate: float
    time_interval: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "decay_rate", check_number(self.decay_rate, "decay_rate", 0))
        if self.time_interval is not None:
            object.__setattr__(self, "time_interval", check_integer(self.time_interval, "time_interval", 1))

    def __call__(self, learning_rate0: float, epoch: int) -> float:
        return decayed_learning_rate(learning_rate0, epoch, self.decay_rate, self.time_interval)


Schedule = Callable[[float, int], float]  # (α₀, epoch) -> α of that epoch


def decayed_learning_rate(learning_rate0: float, epoch: int, decay_rate: float, time_interval: int | None = None) -> float:
    """α = α₀ / (1 + decay_rate · epoch), or with ``time_interval``: α₀ / (1 + decay_rate · ⌊epoch / time_interval⌋)."""
    if time_interval is None:
        return (1 / (1 + decay_rate * epoch)) * learning_rate0
    return (1 / (1 + decay_rate * np.floor(epoch / time_interval))) * learning_rate0


class MiniBatches:
    """The course's mini-batches of X (n_x, m) and Y (n_y, m), copied into reused contiguous buffers.

    Each epoch (``epoch(rng)``): ``permutation = rng.permutation(m)``, then ⌊m / batch_size⌋ full
    batches of ``batch_size`` examples and one last batch with the remaining m mod batch_size if
    there are any, batch j holding the examples permutation[j·batch_size : (j + 1)·batch_size] —
    the course's ``random_mini_batches``. Layout: X is read from its examples-as-rows copy (m, n_x)
    (made once; none when X is Fortran-ordered, as the transpose of an (m, n_x) data set is), and
    each batch's rows are gathered into one (batch_size, n_x) buffer, whose transpose is the batch
    (n_x, b): contiguous, and still in cache when the step reads it. Y and any ``extra`` (k, m)
    arrays (labels) are shuffled once per epoch into (k, m) buffers and sliced. The arrays an epoch
    yields are overwritten by the next batch: use each before asking for the next.
    """

    def __init__(self, X: np.ndarray, Y: np.ndarray, batch_size: int, *extra: np.ndarray) -> None:
        self.m, self.batch_size = X.shape[1], batch_size
        self._rows = np.ascontiguousarray(X.T)  # (m, n_x), example i in row i; a view when X.T already is contiguous
        self._batch = np.empty((min(batch_size, self.m), X.shape[0]), X.dtype)
        self._columns = [(array, np.empty_like(array, order="C")) for array in (Y, *extra)]

    def epoch(self, rng: Any) -> Iterator[tuple[np.ndarray, ...]]:
        """(X_batch (n_x, b), Y_batch (n_y, b), *extra batches) for each batch of one epoch, shuffled by ``rng``."""
        permutation = rng.permutation(self.m)
        # mode="clip": a permutation's indices are all valid, and np.take buffers its output (a new array) with "raise"
        for array, shuffled in self._columns:
            np.take(array, permutation, axis=1, out=shuffled, mode="clip")
        for k in range(0, self.m, self.batch_size):
            indices = permutation[k : k + self.batch_size]
            rows = self._batch[: len(indices)]
            np.take(self._rows, indices, axis=0, out=rows, mode="clip")
            yield (rows.T, *(shuffled[:, k : k + self.batch_size] for _, shuffled in self._columns))


def mini_batches(X: np.ndarray, Y: np.ndarray, batch_size: int, rng: Any) -> list[tuple[np.ndarray, np.ndarray]]:
    """Shuffle the m columns of X and Y with ``rng.permutation(m)`` and cut them into batches, as new arrays.

    ⌊m / batch_size⌋ full batches of ``batch_size`` columns, then one last batch with the
    remaining m mod batch_size columns if there are any (``MiniBatches``, each batch copied so
    that all of them can be kept). ``rng`` is a ``np.random.Generator``, a ``RandomState`` or the
    ``np.random`` module.
    """
    return [(X_batch.copy(), Y_batch.copy()) for X_batch, Y_batch in MiniBatches(X, Y, batch_size).epoch(rng)]


def state_to_arrays(state: State) -> dict[str, np.ndarray]:
    """A state dict flattened for an .npz: {"v/dW1": array, …, "t": 0-d int64 array}."""
    arrays: dict[str, np.ndarray] = {}
    for name, value in state.items():
        if isinstance(value, dict):
            for key, array in value.items():
                arrays[f"{name}/{key}"] = np.asarray(array)
        else:
            arrays[name] = np.asarray(value, dtype=np.int64)
    return arrays


def state_from_arrays(arrays: dict[str, np.ndarray]) -> State:
    """The inverse of ``state_to_arrays``."""
    state: State = {}
    for name, array in arrays.items():
        if "/" in name:
            group, key = name.split("/", 1)
            state.setdefault(group, {})[key] = np.array(array)
        else:
            state[name] = int(array)
    return state
