"""Course 1 week 4 application: cat vs non-cat with a 2-layer and an L-layer model.

The same functions as ``week4`` except ``initialize_parameters_deep`` (np.random.seed(1),
W[l] = randn / √n[l-1]), plus the data loader, the two models and ``predict``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from chainrule.course.week4 import (  # noqa: F401  (the application's namespace, as the course's)
    L_model_backward,
    L_model_forward,
    compute_cost,
    initialize_parameters,
    linear_activation_backward,
    linear_activation_forward,
    linear_backward,
    linear_forward,
    relu,
    relu_backward,
    sigmoid,
    sigmoid_backward,
    update_parameters,
)
from chainrule.datasets.catvnoncat import read_catvnoncat
from chainrule.initializers import initialize_parameters as _initialize
from chainrule.losses import binary_cross_entropy_dA


def initialize_parameters_deep(layer_dims: list[int]) -> dict[str, np.ndarray]:
    """np.random.seed(1); W[l] = randn(n[l], n[l-1]) / √n[l-1]; b[l] = 0."""
    np.random.seed(1)
    return _initialize(layer_dims, "course_app", rng=np.random)


def load_data(path: str = "datasets") -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(train_x_orig, train_y, test_x_orig, test_y, classes) from the folder holding the .h5 files.

    Images are (m, 64, 64, 3) uint8; labels (1, m). Needs h5py (``pip install chainrule[data]``).
    """
    return read_catvnoncat(path)


def _report(i: int, cost: np.ndarray, costs: list[np.ndarray], num_iterations: int, print_cost: bool) -> None:
    if (print_cost and i % 100 == 0) or i == num_iterations - 1:
        if print_cost:
            print(f"Cost after iteration {i}: {np.squeeze(cost)}")
    if i % 100 == 0 or i == num_iterations:
        costs.append(cost)


def two_layer_model(X: np.ndarray, Y: np.ndarray, layers_dims: Sequence[int], learning_rate: float = 0.0075,
                    num_iterations: int = 3000, print_cost: bool = False) -> tuple[dict[str, np.ndarray], list[np.ndarray]]:  # fmt: skip
    """LINEAR → RELU → LINEAR → SIGMOID by gradient descent; returns (parameters, costs every 100)."""
    np.random.seed(1)
    n_x, n_h, n_y = layers_dims
    parameters = initialize_parameters(n_x, n_h, n_y)
    costs: list[np.ndarray] = []
    for i in range(num_iterations):
        A1, cache1 = linear_activation_forward(X, parameters["W1"], parameters["b1"], "relu")
        A2, cache2 = linear_activation_forward(A1, parameters["W2"], parameters["b2"], "sigmoid")
        cost = compute_cost(A2, Y)
        dA2 = binary_cross_entropy_dA(A2, Y)  # dA2 = −(Y/A2 − (1 − Y)/(1 − A2))
        dA1, dW2, db2 = linear_activation_backward(dA2, cache2, "sigmoid")
        _, dW1, db1 = linear_activation_backward(dA1, cache1, "relu")
        grads = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
        parameters = update_parameters(parameters, grads, learning_rate)
        _report(i, cost, costs, num_iterations, print_cost)
    return parameters, costs


def L_layer_model(X: np.ndarray, Y: np.ndarray, layers_dims: list[int], learning_rate: float = 0.0075,
                  num_iterations: int = 3000, print_cost: bool = False) -> tuple[dict[str, np.ndarray], list[np.ndarray]]:  # fmt: skip
    """[LINEAR → RELU] × (L−1) → LINEAR → SIGMOID; returns (parameters, costs every 100)."""
    np.random.seed(1)
    parameters = initialize_parameters_deep(layers_dims)
    costs: list[np.ndarray] = []
    for i in range(num_iterations):
        AL, caches = L_model_forward(X, parameters)
        cost = compute_cost(AL, Y)
        grads = L_model_backward(AL, Y, caches)
        parameters = update_parameters(parameters, grads, learning_rate)
        _report(i, cost, costs, num_iterations, print_cost)
    return parameters, costs


def predict(X: np.ndarray, y: np.ndarray, parameters: dict[str, np.ndarray]) -> np.ndarray:
    """p (1, m) of 0./1. (A[L] > 0.5); prints the accuracy as the course does."""
    m = X.shape[1]
    probas, _ = L_model_forward(X, parameters)
    p = (probas > 0.5).astype(float)
    print("Accuracy: " + str(np.sum((p == y) / m)))
    return p
