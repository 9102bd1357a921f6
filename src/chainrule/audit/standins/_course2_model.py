"""The three-layer model of course 2's helper files (init_utils, reg_utils, opt_utils): the course's functions.

LINEAR → RELU → LINEAR → RELU → LINEAR → SIGMOID, the cache ``(Z1, A1, W1, b1, Z2, A2, W2, b2,
Z3, A3, W3, b3)``, forward and backward on chainrule's core (``chainrule.network``,
``chainrule.course.gradient_checking``). Where the course's files differ, each module picks its
version: ``backward_propagation`` in the "loss" convention with keys dZ3, dA2 … (init_utils,
reg_utils) or in the "cost" convention with keys dz3, da2 … (opt_utils_v1a), and ``compute_cost``
as the mean (reg_utils) or the sum of the losses (opt_utils_v1a, for mini-batches).
"""

from __future__ import annotations

import numpy as np

from chainrule.conventions import COST
from chainrule.course.gradient_checking import backward_propagation_n
from chainrule.initializers import initialize_parameters as _initialize
from chainrule.losses import binary_cross_entropy, sigmoid_cross_entropy_dZ
from chainrule.losses import cost as _cost
from chainrule.network import backward as _backward
from chainrule.network import forward as _forward

ACTIVATIONS = ["relu", "relu", "sigmoid"]
Cache = tuple[np.ndarray, ...]  # (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)


def forward_propagation(X: np.ndarray, parameters: dict[str, np.ndarray]) -> tuple[np.ndarray, Cache]:
    """(A3, cache) with cache = (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)."""
    A3, caches = _forward(X, parameters, ACTIVATIONS)
    A = [A_prev for (A_prev, _, _), _ in caches[1:]] + [A3]
    return A3, tuple(value for l, ((_, W, b), Z) in enumerate(caches) for value in (Z, A[l], W, b))


backward_propagation = backward_propagation_n  # "loss": dZ3 = A3 − Y, dW = (1/m) dZ A_prevᵀ; keys dZ3, dW3, db3, dA2, …


def backward_propagation_cost(X: np.ndarray, Y: np.ndarray, cache: Cache) -> dict[str, np.ndarray]:
    """opt_utils_v1a's: "cost" convention, dz3 = (1/m)(A3 − Y), dW = dz A_prevᵀ; keys dz3, dW3, db3, da2, …"""
    Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3 = cache
    caches = [((X, W1, b1), Z1), ((A1, W2, b2), Z2), ((A2, W3, b3), Z3)]
    s, k = COST.scales(X.shape[1])  # s = 1/m at the output, k = 1 in dW and db
    dz3 = s * sigmoid_cross_entropy_dZ(A3, Y)  # ∂J/∂Z3 = (1/m)(A3 − Y)
    grads = _backward(caches, ACTIVATIONS, k, dZL=dz3, need_dA0=False)
    return {key.replace("dZ", "dz").replace("dA", "da"): value for key, value in grads.items()}


def compute_cost(a3: np.ndarray, Y: np.ndarray) -> float:
    """J = −(1/m) Σ [y log a3 + (1 − y) log(1 − a3)]."""
    return _cost(a3, Y)


def compute_cost_total(a3: np.ndarray, Y: np.ndarray) -> float:
    """opt_utils_v1a's compute_cost: the sum of the losses, not divided by m (mini-batches are averaged per epoch)."""
    return float(np.sum(binary_cross_entropy(a3, Y)))


def initialize_lecun(layer_dims: list[int]) -> dict[str, np.ndarray]:
    """reg_utils' initialize_parameters: np.random.seed(3); W[l] = randn(n[l], n[l-1]) / √n[l-1]; b[l] = 0."""
    np.random.seed(3)
    return _initialize(layer_dims, "lecun", rng=np.random)


def predict(X: np.ndarray, y: np.ndarray, parameters: dict[str, np.ndarray]) -> np.ndarray:
    """p (1, m) of 0/1 (A3 > 0.5); prints ``Accuracy: <mean of p == y>`` as the course's files."""
    a3, _ = forward_propagation(X, parameters)
    p = (a3 > 0.5).astype(int)
    print("Accuracy: " + str(np.mean(p[0, :] == y[0, :])))
    return p


def predict_dec(parameters: dict[str, np.ndarray], X: np.ndarray) -> np.ndarray:
    """Boolean predictions A3 > 0.5 (for plotting a decision boundary)."""
    return forward_propagation(X, parameters)[0] > 0.5


def load_params_and_grads(seed: int = 1) -> tuple[np.ndarray, ...]:
    """opt_utils': (W1 (2, 3), b1 (2, 1), W2 (3, 3), b2 (3, 1), dW1, db1, dW2, db2) drawn in that order after np.random.seed(seed)."""
    np.random.seed(seed)
    return tuple(np.random.randn(*shape) for shape in ((2, 3), (2, 1), (3, 3), (3, 1)) * 2)
