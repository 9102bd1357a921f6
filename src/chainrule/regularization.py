"""Regularization: the L2 penalty on the weights and inverted dropout, in the course's formulas.

L2. With λ (``lambd``) the cost that training minimises is

    J = (1/m) Σᵢ L⁽ⁱ⁾ + (λ / 2m) Σₗ ‖W[l]‖²_F

and every dW[l] is its derivative ∂J/∂W[l] = (the data term) + (λ/m) W[l]. The penalty does not
depend on Z or A, so dZ[l], dA[l] and db[l] are unchanged: in the "loss" convention dZ stays
∂L/∂Z of the per-example *data* loss, in the "cost" convention ∂J/∂Z of the whole J (the same
thing, since the penalty's ∂/∂Z is 0). Only dW carries the λ term, in both conventions.

Inverted dropout. For each hidden layer l = 1..L−1 a mask D[l] (n[l], m) of booleans with
P(D = 1) = keep_prob is drawn from a seeded generator; the forward pass uses A[l] := A[l] * D[l] /
keep_prob (so the expected activation is unchanged), and the backward pass applies the same mask
to dA[l] := dA[l] * D[l] / keep_prob. Prediction never drops anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from chainrule.validation import check_number

Masks = dict[int, np.ndarray]


def check_lambd(lambd: float) -> float:
    """λ ≥ 0 as a float."""
    return check_number(lambd, "lambd (the L2 strength λ)", 0)


def check_keep_prob(keep_prob: float) -> float:
    """keep_prob in (0, 1] as a float."""
    return check_number(keep_prob, "keep_prob (the probability of keeping a unit)", 0, 1, low_open=True)


def l2_cost(parameters: dict[str, np.ndarray], lambd: float, m: int) -> float:
    """The L2 term of J: (λ / 2m) Σₗ ‖W[l]‖²_F (the biases are not penalised), a Python float."""
    squares = sum(float(np.sum(np.square(W))) for key, W in parameters.items() if key.startswith("W"))
    return lambd / (2 * m) * squares


def add_l2_gradient(grads: dict[str, np.ndarray], parameters: dict[str, np.ndarray], lambd: float, m: int) -> dict[str, np.ndarray]:
    """dW[l] := dW[l] + (λ/m) W[l] for every layer, in ``grads`` (returned); db, dZ, dA unchanged."""
    for key, W in parameters.items():
        if key.startswith("W"):
            grads[f"d{key}"] = grads[f"d{key}"] + (lambd / m) * W  # ∂J/∂W[l] = data term + (λ/m) W[l]
    return grads


def dropout_masks(layer_dims: Sequence[int], m: int, keep_prob: float, rng: Any) -> Masks:
    """{l: D[l]} for the hidden layers l = 1..L−1, D[l] = rng.random((n[l], m)) < keep_prob.

    ``rng`` is a ``np.random.Generator``, a legacy ``RandomState`` or the ``np.random`` module
    (anything with ``random(size)``); the masks are drawn in layer order, D[1] first, as the course.
    """
    return {l: rng.random((layer_dims[l], m)) < keep_prob for l in range(1, len(layer_dims) - 1)}


def apply_mask(A: np.ndarray, D: np.ndarray, keep_prob: float) -> np.ndarray:
    """A * D / keep_prob: inverted dropout of an activation A[l] or of its gradient dA[l]."""
    return A * D / keep_prob
