"""Losses: the per-example losses L (shape (1, m)) and the cost J = (1/m) Σᵢ L⁽ⁱ⁾.

The distinction matters for backprop. ``L`` is a vector with one entry per example, so
∂L⁽ⁱ⁾/∂Z[L]⁽ⁱ⁾ is an (n[L], 1) column and stacking the m columns gives an (n[L], m) array with
no 1/m in it. ``J`` is the mean, so every ∂J/∂· carries exactly one factor 1/m.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from chainrule.errors import ChainruleError


def _log(x: np.ndarray) -> np.ndarray:
    """log(x), with x clipped below at the smallest normal float so that log(0) is finite."""
    return np.log(np.maximum(x, np.finfo(x.dtype).tiny))


def binary_cross_entropy(AL: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Per-example losses L⁽ⁱ⁾ = −[y⁽ⁱ⁾ log a⁽ⁱ⁾ + (1 − y⁽ⁱ⁾) log(1 − a⁽ⁱ⁾)], shape (1, m).

    Finite for AL exactly 0 or 1: log is taken of max(a, tiny), so a confidently wrong
    prediction costs about 708 (float64) instead of inf, and 0 · log 0 counts as 0.
    """
    AL = np.asarray(AL)
    return -(Y * _log(AL) + (1 - Y) * _log(1 - AL))


def binary_cross_entropy_dA(AL: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """∂L/∂A[L] per example = −(Y / AL − (1 − Y) / (1 − AL)), shape (1, m); no 1/m."""
    return -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))


def sigmoid_cross_entropy_dZ(AL: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """∂L/∂Z[L] per example = AL − Y, the fused sigmoid + cross-entropy gradient.

    Exact only when AL = σ(Z[L]): it is ∂L/∂A[L] · σ'(Z[L]) simplified with σ' = A (1 − A).
    """
    return AL - Y


def categorical_cross_entropy(AL: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Per-example losses L⁽ⁱ⁾ = −Σₖ yₖ⁽ⁱ⁾ log aₖ⁽ⁱ⁾, shape (1, m); Y one-hot (n[L], m).

    log is taken of max(a, tiny), as in the binary loss, so a = 0 where y = 1 costs about 708.
    """
    AL = np.asarray(AL)
    return -np.sum(Y * _log(AL), axis=0, keepdims=True)


def categorical_cross_entropy_dA(AL: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """∂L/∂A[L] per example = −Y / AL, shape (n[L], m); no 1/m.

    Only for reference: with a softmax output chainrule never multiplies this by an elementwise
    g'; it uses the fused ``softmax_cross_entropy_dZ``.
    """
    return -np.divide(Y, AL)


def softmax_cross_entropy_dZ(AL: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """∂L/∂Z[L] per example = AL − Y, the fused softmax + categorical cross-entropy gradient.

    Exact when AL = softmax(Z[L]) and every column of Y sums to 1 (one-hot): the Jacobian
    ∂aₖ/∂zⱼ = aₖ(δₖⱼ − aⱼ) contracted with −yₖ/aₖ gives aⱼ Σₖ yₖ − yⱼ = aⱼ − yⱼ.
    """
    return AL - Y


def sigmoid_cross_entropy_from_Z(ZL: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Per-example losses L⁽ⁱ⁾ of a sigmoid output evaluated from Z[L] (not A[L]), shape (1, m).

    L = −[y log σ(z) + (1 − y) log(1 − σ(z))] = log(1 + e^z) − y z
      = max(z, 0) − y z + log1p(e^(−|z|)),
    exact to a few ulps of L for any z: no σ(z) is rounded to 1 before its log, so a saturated
    output (|z| of hundreds) keeps its digits, and no clipping at −log(tiny) (L of z = −1000, y = 1
    is 1000).
    """
    ZL = np.asarray(ZL)
    return np.maximum(ZL, 0) - Y * ZL + np.log1p(np.exp(-np.abs(ZL)))


def softmax_cross_entropy_from_Z(ZL: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Per-example losses L⁽ⁱ⁾ = −Σₖ yₖ log softmax(z)ₖ of a softmax output evaluated from Z[L], shape (1, m).

    With s = z − max z (so the largest sₖ is 0): L = log Σₖ e^(sₖ) − Σₖ yₖ sₖ, and
    log Σₖ e^(sₖ) = log1p(Σ_{k ≠ argmax} e^(sₖ)), so a confident correct output keeps its small
    loss instead of losing it to log(1 + tiny) = 0 rounding.
    """
    ZL = np.asarray(ZL)
    top = np.argmax(ZL, axis=0)
    S = ZL - np.take_along_axis(ZL, top[None, :], axis=0)  # s = z − max z ≤ 0
    E = np.exp(S)
    np.put_along_axis(E, top[None, :], 0.0, axis=0)  # the max's e^0 = 1 is the 1 of log1p
    return np.log1p(E.sum(axis=0, keepdims=True)) - np.sum(Y * S, axis=0, keepdims=True)


def one_hot(labels: np.ndarray, n_classes: int) -> np.ndarray:
    """Y (n_classes, m) with Y[k, i] = 1 where labels[i] = k: integer labels 0..n_classes−1 of shape (m,) or (1, m)."""
    labels = np.asarray(labels).reshape(-1)
    if labels.size and (not np.all(labels == np.round(labels)) or labels.min() < 0 or labels.max() >= n_classes):
        raise ChainruleError(
            f"one-hot labels must be integers 0..{n_classes - 1}; got values from {labels.min()} to {labels.max()}"
        )
    Y = np.zeros((n_classes, labels.size))
    Y[labels.astype(int), np.arange(labels.size)] = 1.0
    return Y


@dataclass(frozen=True)
class Loss:
    """A loss: L per example, ∂L/∂A[L] per example, and per output activation the fused ∂L/∂Z[L] and L from Z[L]."""

    name: str
    losses: Callable[[np.ndarray, np.ndarray], np.ndarray]
    dA: Callable[[np.ndarray, np.ndarray], np.ndarray]
    formula: str
    fused_dZ: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = field(default_factory=dict)
    from_Z: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = field(default_factory=dict)  # L from Z[L], stable


LOSSES: dict[str, Loss] = {
    "binary_cross_entropy": Loss(
        "binary_cross_entropy",
        binary_cross_entropy,
        binary_cross_entropy_dA,
        "L = -(y log a + (1 - y) log(1 - a))",
        {"sigmoid": sigmoid_cross_entropy_dZ},
        {"sigmoid": sigmoid_cross_entropy_from_Z},
    ),
    "categorical_cross_entropy": Loss(
        "categorical_cross_entropy",
        categorical_cross_entropy,
        categorical_cross_entropy_dA,
        "L = -sum_k y_k log a_k",
        {"softmax": softmax_cross_entropy_dZ},
        {"softmax": softmax_cross_entropy_from_Z},
    ),
}

OUTPUT_LOSS = {"sigmoid": "binary_cross_entropy", "softmax": "categorical_cross_entropy"}  # the loss each output implies


def get_loss(name: str) -> Loss:
    """The loss called ``name``; a ChainruleError listing the known names otherwise."""
    try:
        return LOSSES[name]
    except (KeyError, TypeError):
        raise ChainruleError(f"unknown loss {name!r}; expected one of: {', '.join(LOSSES)}") from None


def cost(AL: np.ndarray, Y: np.ndarray, loss: str = "binary_cross_entropy") -> float:
    """The cost J = (1/m) Σᵢ L⁽ⁱ⁾ of a batch of m examples, a Python float."""
    L = get_loss(loss).losses(AL, Y)
    m = np.shape(AL)[-1]
    return float((1 / m) * np.asarray(L).sum())
