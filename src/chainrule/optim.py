"""Optimizers, learning-rate decay and mini-batches, in the course's formulas.

Each optimizer is a pair: ``init(parameters) -> state`` (a dict of arrays and counters, what a
checkpoint saves) and ``update(parameters, grads, state, learning_rate, **hyper)``, which
replaces every parameters[key] by its updated array (or, with ``inplace=True`` as ``fit`` uses
it, updates the arrays themselves) and updates ``state``. For each parameter
W (and likewise b) with gradient dW = ∂J/∂W of the current mini-batch:

=========  ==================================================================================
gd         W := W − α dW
momentum   v := β v + (1 − β) dW;                       W := W − α v
rmsprop    s := β₂ s + (1 − β₂) dW²;                     W := W − α dW / (√s + ε)
adam       t := t + 1;  v := β₁ v + (1 − β₁) dW;  s := β₂ s + (1 − β₂) dW²;
           v̂ = v / (1 − β₁ᵗ);  ŝ = s / (1 − β₂ᵗ);       W := W − α v̂ / (√ŝ + ε)
=========  ==================================================================================

State keys follow the course: v["dW1"], s["db2"], t.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from chainrule.errors import ChainruleError

Parameters = dict[str, np.ndarray]
State = dict[str, Any]


def _zeros_like_grads(parameters: Parameters) -> dict[str, np.ndarray]:
    return {f"d{key}": np.zeros_like(value) for key, value in parameters.items()}


def _step(parameters: Parameters, key: str, step: np.ndarray, inplace: bool) -> None:
    """parameters[key] := parameters[key] − step; in place (training owns the arrays) or as a new array."""
    if inplace:
        np.subtract(parameters[key], step, out=parameters[key])
    else:
        parameters[key] = parameters[key] - step


def init_gd(parameters: Parameters) -> State:
    """Gradient descent keeps no state."""
    return {}


def update_gd(
    parameters: Parameters, grads: dict[str, np.ndarray], state: State, learning_rate: float, inplace: bool = False
) -> None:
    """W := W − α dW, b := b − α db. ``inplace=True`` (training) also turns each dW into α dW in place (no temporary)."""
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
) -> None:
    """v := β v + (1 − β) dW, W := W − α v (an exponentially weighted average of the gradients)."""
    v = state["v"]
    for key in parameters:
        d = f"d{key}"
        v[d] = beta * v[d] + (1 - beta) * grads[d]
        _step(parameters, key, learning_rate * v[d], inplace)


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
) -> None:
    """s := β₂ s + (1 − β₂) dW², W := W − α dW / (√s + ε)."""
    s = state["s"]
    for key in parameters:
        d = f"d{key}"
        s[d] = beta2 * s[d] + (1 - beta2) * np.square(grads[d])
        _step(parameters, key, learning_rate * grads[d] / (np.sqrt(s[d]) + epsilon), inplace)


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
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """t := t + 1, then the moments, their bias correction and the step; returns (v̂, ŝ).

    v := β₁ v + (1 − β₁) dW,  s := β₂ s + (1 − β₂) dW²,  v̂ = v / (1 − β₁ᵗ),  ŝ = s / (1 − β₂ᵗ),
    W := W − α v̂ / (√ŝ + ε).
    """
    state["t"] = t = int(state["t"]) + 1
    v, s = state["v"], state["s"]
    v_corrected, s_corrected = {}, {}
    for key in parameters:
        d = f"d{key}"
        v[d] = beta1 * v[d] + (1 - beta1) * grads[d]
        v_corrected[d] = v[d] / (1 - beta1**t)
        s[d] = beta2 * s[d] + (1 - beta2) * np.power(grads[d], 2)
        s_corrected[d] = s[d] / (1 - beta2**t)
        _step(parameters, key, learning_rate * v_corrected[d] / (np.sqrt(s_corrected[d]) + epsilon), inplace)
    return v_corrected, s_corrected


@dataclass(frozen=True)
class Optimizer:
    """An optimizer: its state's init, its update, the update written out, its hyperparameters' defaults."""

    name: str
    init: Callable[[Parameters], State]
    update: Callable[..., Any]
    formula: str
    defaults: dict[str, float]


OPTIMIZERS: dict[str, Optimizer] = {
    o.name: o
    for o in (
        Optimizer("gd",       init_gd,       update_gd,       "W -= a dW",                                  {}),
        Optimizer("momentum", init_momentum, update_momentum, "v = b v + (1-b) dW; W -= a v",              {"beta": 0.9}),
        Optimizer("rmsprop",  init_rmsprop,  update_rmsprop,  "s = b2 s + (1-b2) dW^2; W -= a dW/(sqrt s + e)",
                  {"beta2": 0.999, "epsilon": 1e-8}),
        Optimizer("adam",     init_adam,     update_adam,     "v, s as momentum, rmsprop; W -= a v^/(sqrt s^ + e)",
                  {"beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8}),
    )
}  # fmt: skip


def get_optimizer(name: str) -> Optimizer:
    """The optimizer called ``name``; a ChainruleError listing the known names otherwise."""
    try:
        return OPTIMIZERS[name]
    except (KeyError, TypeError):
        raise ChainruleError(f"unknown optimizer {name!r}; expected one of: {', '.join(OPTIMIZERS)}") from None


def decayed_learning_rate(learning_rate0: float, epoch: int, decay_rate: float, time_interval: int | None = None) -> float:
    """α = α₀ / (1 + decay_rate · epoch), or with ``time_interval``: α₀ / (1 + decay_rate · ⌊epoch / time_interval⌋)."""
    if time_interval is None:
        return (1 / (1 + decay_rate * epoch)) * learning_rate0
    return (1 / (1 + decay_rate * np.floor(epoch / time_interval))) * learning_rate0


def mini_batches(X: np.ndarray, Y: np.ndarray, batch_size: int, rng: Any) -> list[tuple[np.ndarray, np.ndarray]]:
    """Shuffle the m columns of X and Y with ``rng.permutation(m)`` and cut them into batches.

    ⌊m / batch_size⌋ full batches of ``batch_size`` columns, then one last batch with the
    remaining m mod batch_size columns if there are any. ``rng`` is a ``np.random.Generator``,
    a ``RandomState`` or the ``np.random`` module.
    """
    m = X.shape[1]
    permutation = rng.permutation(m)
    shuffled_X, shuffled_Y = X[:, permutation], Y[:, permutation]
    return [(shuffled_X[:, k : k + batch_size], shuffled_Y[:, k : k + batch_size]) for k in range(0, m, batch_size)]


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
