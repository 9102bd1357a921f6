"""Course 1 week 3: a network with one hidden layer on planar data, the course's functions.

Model: Z1 = W1 X + b1, A1 = tanh(Z1), Z2 = W2 A1 + b2, A2 = σ(Z2). Gradients in the course's
("loss") convention: dZ = ∂L/∂Z per example, dW = (1/m) dZ A_prevᵀ = ∂J/∂W.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.activations import tanh_prime_from_A
from chainrule.conventions import LOSS
from chainrule.datasets.planar import flower
from chainrule.initializers import initialize_parameters as _initialize
from chainrule.layers import layer_backward
from chainrule.losses import cost as _cost
from chainrule.losses import sigmoid_cross_entropy_dZ
from chainrule.network import forward, gradient_descent_step

ACTIVATIONS = ("tanh", "sigmoid")


def layer_sizes(X: np.ndarray, Y: np.ndarray) -> tuple[int, int, int]:
    """(n_x, n_h, n_y) = (X rows, 4, Y rows)."""
    return X.shape[0], 4, Y.shape[0]


def initialize_parameters(n_x: int, n_h: int, n_y: int) -> dict[str, np.ndarray]:
    """W1 = randn(n_h, n_x) · 0.01, b1 = 0, W2 = randn(n_y, n_h) · 0.01, b2 = 0 (global generator, no seeding)."""
    return _initialize([n_x, n_h, n_y], "scaled_normal", rng=np.random)


def forward_propagation(X: np.ndarray, parameters: dict[str, np.ndarray]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(A2, cache) with cache = {"Z1", "A1", "Z2", "A2"}."""
    A2, caches = forward(X, parameters, ACTIVATIONS)
    (_, Z1), ((A1, _, _), Z2) = caches
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def compute_cost(A2: np.ndarray, Y: np.ndarray) -> float:
    """J = −(1/m) Σ [y log a + (1 − y) log(1 − a)], a Python float."""
    return _cost(A2, Y)


def backward_propagation(
    parameters: dict[str, np.ndarray], cache: dict[str, np.ndarray], X: np.ndarray, Y: np.ndarray
) -> dict[str, np.ndarray]:
    """{"dW1", "db1", "dW2", "db2"} from the cached A1, A2 and parameters["W2"], as the course.

    dZ2 = A2 − Y, dW2 = (1/m) dZ2 A1ᵀ, db2 = (1/m) Σ dZ2, dZ1 = W2ᵀ dZ2 * (1 − A1²),
    dW1 = (1/m) dZ1 Xᵀ, db1 = (1/m) Σ dZ1.
    """
    k = LOSS.dW_scale(X.shape[1])  # k = 1/m, the course's convention
    A1, A2 = cache["A1"], cache["A2"]
    # ((A[l-1], W[l], b[l]), Z[l]); Z[l] is not read (dZ2 and g'1 are given), and the course's test caches may lack it
    caches: list[Any] = [((X, parameters["W1"], parameters["b1"]), cache.get("Z1")),
                         ((A1, parameters["W2"], parameters["b2"]), cache.get("Z2"))]
    g_prime = {1: tanh_prime_from_A(A1)}  # tanh'(Z1) written with A1, as the course: 1 − A1²
    grads, dA = {}, None
    for l in (2, 1):  # layer_backward, the one backward step: dZ2 given, then dZ1 = dA1 * (1 − A1²)
        dZ = sigmoid_cross_entropy_dZ(A2, Y) if l == 2 else None  # dZ2 = A2 − Y = ∂L/∂Z2
        _, dA, grads[f"dW{l}"], grads[f"db{l}"] = layer_backward(dA, caches[l - 1], ACTIVATIONS[l - 1], k, dZ=dZ,
                                                                 g_prime=g_prime.get(l), need_dA_prev=l > 1)  # fmt: skip
    return {key: grads[key] for key in ("dW1", "db1", "dW2", "db2")}


def update_parameters(
    parameters: dict[str, np.ndarray], grads: dict[str, np.ndarray], learning_rate: float = 1.2
) -> dict[str, np.ndarray]:
    """A new dict: W := W − α dW, b := b − α db."""
    return gradient_descent_step(parameters, grads, learning_rate)


def nn_model(
    X: np.ndarray, Y: np.ndarray, n_h: int, num_iterations: int = 10000, print_cost: bool = False
) -> dict[str, np.ndarray]:
    """np.random.seed(3), initialize, then gradient descent with learning rate 1.2."""
    np.random.seed(3)
    n_x, _, n_y = layer_sizes(X, Y)
    parameters = initialize_parameters(n_x, n_h, n_y)
    for i in range(num_iterations):
        A2, cache = forward_propagation(X, parameters)
        cost = compute_cost(A2, Y)
        grads = backward_propagation(parameters, cache, X, Y)
        parameters = update_parameters(parameters, grads)
        if print_cost and i % 1000 == 0:
            print("Cost after iteration %i: %f" % (i, cost))
    return parameters


def predict(parameters: dict[str, np.ndarray], X: np.ndarray) -> np.ndarray:
    """Boolean predictions (1, m): A2 > 0.5."""
    A2, _ = forward_propagation(X, parameters)
    return A2 > 0.5


def load_planar_dataset() -> tuple[np.ndarray, np.ndarray]:
    """The flower: np.random.seed(1), then X (2, 400), Y (1, 400) uint8, as the course."""
    np.random.seed(1)
    return flower(rng=np.random)
