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
from chainrule.regularization import l2_cost


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


def cost_weight(m: int) -> float:
    """∂J/∂L⁽ⁱ⁾ = 1/m: the weight of each example's loss in the cost J = (1/m) Σᵢ L⁽ⁱ⁾, the one factor 1/m.

    J's one rule: ``cost_of_losses`` (and so ``mean_cost``, ``objective``) sums the losses with it; the
    conventions' scales s and k are it or 1 (``conventions.Convention``); gradcheck's numeric
    ∂J = (1/m) Σⱼ ∂L⁽ʲ⁾ scales the per-example differences by it. A change of J here is a change of all of them.
    """
    return 1 / m


def cost_of_losses(L: np.ndarray) -> float:
    """The cost J = (1/m) Σᵢ L⁽ⁱ⁾ of the per-example losses L, shape (1, m) or (m,), a Python float."""
    return float(cost_weight(np.shape(L)[-1]) * np.asarray(L).sum())


def mean_cost(AL: np.ndarray, Y: np.ndarray, loss: str = "binary_cross_entropy") -> float:
    """The cost J = (1/m) Σᵢ L⁽ⁱ⁾ of a batch of m examples, a Python float, of arrays already checked (training)."""
    return cost_of_losses(get_loss(loss).losses(AL, Y))


def objective_of_losses(L: np.ndarray, parameters: dict[str, np.ndarray] | None = None, lambd: float = 0.0) -> float:
    """J = (1/m) Σᵢ L⁽ⁱ⁾ + (λ/2m) Σₗ ‖W[l]‖²_F of the per-example losses L, shape (1, m) or (m,): ``objective``'s rule.

    The L2 term (``regularization.l2_cost``) only when λ = ``lambd`` > 0, of the W[l] in ``parameters``.
    gradcheck evaluates its per-example losses from Z[L] (``Loss.from_Z``) and takes its J from here.
    """
    J = cost_of_losses(L)
    if not lambd:
        return J
    if parameters is None:
        raise ChainruleError(f"the objective with lambd = {lambd!r} > 0 needs the parameters whose W[l] the L2 term sums")
    return J + l2_cost(parameters, lambd, np.shape(L)[-1])


def objective(
    AL: np.ndarray,
    Y: np.ndarray,
    loss: str = "binary_cross_entropy",
    parameters: dict[str, np.ndarray] | None = None,
    lambd: float = 0.0,
) -> float:
    """What training minimises: J = (1/m) Σᵢ L⁽ⁱ⁾ + (λ/2m) Σₗ ‖W[l]‖²_F, a Python float, of arrays already checked.

    The L2 term (``regularization.l2_cost``) only when λ = ``lambd`` > 0, of the W[l] in
    ``parameters``; m is the number of columns of AL. The one J of the cost, the training step,
    gradcheck (``objective_of_losses``, its losses from Z[L]) and explain.
    """
    return objective_of_losses(get_loss(loss).losses(AL, Y), parameters, lambd)


def cost(AL: np.ndarray, Y: np.ndarray, loss: str = "binary_cross_entropy") -> float:
    """The cost J = (1/m) Σᵢ L⁽ⁱ⁾ of a batch of m examples, a Python float.

    AL (n[L], m) must hold probabilities (finite, in [0, 1]) and Y the same shape (or (m,) when
    n[L] = 1): labels in {0, 1} for the binary loss, one-hot columns for the categorical one.
    """
    return mean_cost(*check_cost_arrays(AL, Y, loss), loss)


def check_cost_arrays(AL: np.ndarray, Y: np.ndarray, loss: str = "binary_cross_entropy") -> tuple[np.ndarray, np.ndarray]:
    """(AL, Y) as arrays fit for the cost J of ``loss`` (see ``cost``), Y reshaped to (1, m) from (m,); a ChainruleError otherwise."""
    name = get_loss(loss).name
    AL, Y = np.asarray(AL), np.asarray(Y)
    if AL.ndim == 2 and AL.shape[0] == 1 and Y.shape == (AL.shape[1],):
        Y = Y.reshape(AL.shape)  # labels as a vector of m, as the course's tests pass them
    if AL.ndim != 2 or AL.shape != Y.shape or AL.shape[1] < 1:
        raise ChainruleError(f"AL and Y must be arrays of the same shape (n[L], m) with m >= 1; got AL {AL.shape}, Y {Y.shape}")
    for what, array in (("AL", AL), ("Y", Y)):
        if not (np.issubdtype(array.dtype, np.number) or (what == "Y" and array.dtype == bool)) or np.iscomplexobj(array):
            raise ChainruleError(f"{what} must be a real numeric array; got dtype {array.dtype}")
    outside = ~((AL >= 0) & (AL <= 1))  # NaN counts as outside
    if outside.any():
        i, j = np.argwhere(outside)[0]
        raise ChainruleError(
            f"AL must hold probabilities in [0, 1] (the output of a sigmoid or softmax); "
            f"{int(outside.sum())} value(s) are not, the first AL[{i}, {j}] = {AL[i, j]}"
        )
    bad = ~((Y == 0) | (Y == 1))
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise ChainruleError(f"Y must hold labels 0 or 1; {int(bad.sum())} value(s) are not, the first Y[{i}, {j}] = {Y[i, j]}")
    if name == "categorical_cross_entropy" and not (Y.sum(axis=0) == 1).all():
        j = int(np.flatnonzero(Y.sum(axis=0) != 1)[0])
        raise ChainruleError(
            f"the categorical cross-entropy needs one-hot columns of Y (one 1 each); column {j} is {Y[:, j].tolist()[:10]}"
        )
    return AL, Y
