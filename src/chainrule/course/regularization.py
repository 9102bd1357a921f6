"""Course 2 week 1, regularization: L2 and inverted dropout on a 3-layer network, the course's functions.

Model: LINEAR → RELU → LINEAR → RELU → LINEAR → SIGMOID. Caches are the course's flat tuples
(Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3), with D1 and D2 after Z1 and Z2 for dropout.
Gradients in the course's ("loss") convention: dZ = ∂L/∂Z per example, dW = (1/m) dZ A_prevᵀ;
with L2, dW = ∂J/∂W of J = (1/m) Σ L + (λ/2m) Σ ‖W‖².
"""

from __future__ import annotations

import numpy as np

from chainrule.conventions import LOSS
from chainrule.layers import Cache
from chainrule.losses import check_cost_arrays, objective
from chainrule.network import backward as _backward
from chainrule.network import forward as _forward
from chainrule.regularization import add_l2_gradient, dropout_masks

ACTIVATIONS = ["relu", "relu", "sigmoid"]
FlatCache = tuple[np.ndarray, ...]  # the course's (Z1, A1, W1, b1, …, W3, b3), with D1, D2 after Z1, Z2 for dropout


def compute_cost_with_regularization(A3: np.ndarray, Y: np.ndarray, parameters: dict[str, np.ndarray], lambd: float) -> float:
    """J = cross-entropy cost + (λ/2m) (‖W1‖² + ‖W2‖² + ‖W3‖²)."""
    A3, Y = check_cost_arrays(A3, Y)
    return objective(A3, Y, parameters=parameters, lambd=lambd)


def _core_caches(X: np.ndarray, cache: FlatCache) -> tuple[list[Cache], np.ndarray, dict[str, np.ndarray]]:
    Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3 = cache
    return [((X, W1, b1), Z1), ((A1, W2, b2), Z2), ((A2, W3, b3), Z3)], A3, {"W1": W1, "W2": W2, "W3": W3}


def _course_grads(grads: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    keys = ["dZ3", "dW3", "db3", "dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1"]
    return {key: grads[key] for key in keys}


def backward_propagation_with_regularization(X: np.ndarray, Y: np.ndarray, cache: FlatCache, lambd: float) -> dict[str, np.ndarray]:
    """Gradients with the L2 term: dW[l] = (1/m) dZ[l] A[l-1]ᵀ + (λ/m) W[l]; dZ3 = A3 − Y."""
    m = X.shape[1]
    caches, A3, weights = _core_caches(X, cache)
    grads = _backward(caches, ACTIVATIONS, LOSS.dW_scale(m), dZL=A3 - Y, need_dA0=False)  # k = 1/m
    return _course_grads(add_l2_gradient(grads, weights, lambd, m))


def forward_propagation_with_dropout(X: np.ndarray, parameters: dict[str, np.ndarray],
                                     keep_prob: float = 0.5) -> tuple[np.ndarray, FlatCache]:
    """np.random.seed(1); D[l] = np.random.rand(n[l], m) < keep_prob; A[l] = A[l] * D[l] / keep_prob for l = 1, 2."""
    np.random.seed(1)
    masks = dropout_masks([X.shape[0], parameters["W1"].shape[0], parameters["W2"].shape[0], 1], X.shape[1], keep_prob, np.random)
    A3, caches = _forward(X, parameters, ACTIVATIONS, masks, keep_prob)
    ((_, W1, b1), Z1), ((A1, W2, b2), Z2), ((A2, W3, b3), Z3) = caches
    return A3, (Z1, masks[1], A1, W1, b1, Z2, masks[2], A2, W2, b2, Z3, A3, W3, b3)


def backward_propagation_with_dropout(X: np.ndarray, Y: np.ndarray, cache: FlatCache, keep_prob: float) -> dict[str, np.ndarray]:
    """Gradients through the same masks: dA[l] = dA[l] * D[l] / keep_prob for l = 2, 1."""
    Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3 = cache
    caches = [((X, W1, b1), Z1), ((A1, W2, b2), Z2), ((A2, W3, b3), Z3)]
    k = LOSS.dW_scale(X.shape[1])  # k = 1/m
    grads = _backward(caches, ACTIVATIONS, k, dZL=A3 - Y, need_dA0=False, masks={1: D1, 2: D2}, keep_prob=keep_prob)
    return _course_grads(grads)
