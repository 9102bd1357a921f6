"""Course 2 week 1, initialization: zeros, large random and He weights on the circles, the course's functions.

Model: LINEAR → RELU → LINEAR → RELU → LINEAR → SIGMOID with layers_dims = [n_x, 10, 5, 1],
full-batch gradient descent. The course's backward pass here is written in the "cost"
convention (dZ3 = (1/m)(A3 − Y), dW = dZ A_prevᵀ), which gives the same dW and db as the
"loss" convention; chainrule's core runs it in that convention.
"""

from __future__ import annotations

import numpy as np

from chainrule.datasets.planar import circles
from chainrule.initializers import initialize_parameters as _initialize
from chainrule.network import Network

ACTIVATIONS = ["relu", "relu", "sigmoid"]


def initialize_parameters_zeros(layers_dims: list[int]) -> dict[str, np.ndarray]:
    """Every W[l] and b[l] zero: every unit of a layer stays identical (symmetry is never broken)."""
    return _initialize(layers_dims, "zeros")


def initialize_parameters_random(layers_dims: list[int]) -> dict[str, np.ndarray]:
    """np.random.seed(3); W[l] = randn(n[l], n[l-1]) · 10; b[l] = 0."""
    np.random.seed(3)
    return _initialize(layers_dims, "large_normal", rng=np.random)


def initialize_parameters_he(layers_dims: list[int]) -> dict[str, np.ndarray]:
    """np.random.seed(3); W[l] = randn(n[l], n[l-1]) · √(2 / n[l-1]); b[l] = 0."""
    np.random.seed(3)
    return _initialize(layers_dims, "he", rng=np.random)


INITIALIZATIONS = {"zeros": initialize_parameters_zeros, "random": initialize_parameters_random, "he": initialize_parameters_he}


def load_dataset() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(train_X (2, 300), train_Y (1, 300), test_X (2, 100), test_Y (1, 100)): the circles, seeds 1 and 2."""
    train_X, train_Y = circles(300, noise=0.05, seed=1)
    test_X, test_Y = circles(100, noise=0.05, seed=2)
    return train_X, train_Y, test_X, test_Y


def model(X: np.ndarray, Y: np.ndarray, learning_rate: float = 0.01, num_iterations: int = 15000, print_cost: bool = True,
          initialization: str = "he") -> dict[str, np.ndarray]:
    """Gradient descent from the chosen initialization; prints the cost every 1000 iterations; returns parameters."""
    layers_dims = [X.shape[0], 10, 5, 1]
    parameters = INITIALIZATIONS[initialization](layers_dims)
    net = Network.from_parameters(parameters, ACTIVATIONS)

    def report(i: int, cost: float) -> None:
        if print_cost and i % 1000 == 0:
            print(f"Cost after iteration {i}: {cost}")

    net.fit(X, Y, learning_rate=learning_rate, num_iterations=num_iterations, convention="cost", callback=report)
    return net.parameters


def predict(X: np.ndarray, y: np.ndarray, parameters: dict[str, np.ndarray]) -> np.ndarray:
    """p (1, m) of 0/1 (A3 > 0.5); prints ``Accuracy: <mean of p == y>`` as the course's init_utils."""
    p = Network.from_parameters(parameters, ACTIVATIONS).predict(X)
    print("Accuracy: " + str(np.mean(p[0, :] == y[0, :])))
    return p
