"""The test cases of the course's week-4 notebook ("Building your Deep Neural Network: Step by Step"), and week 3's seeded ones.

Each generator seeds NumPy's global generator as the course's testCases_v4a does and draws the
same shapes in the same order, so the arrays are the course's. ``public_tests`` calls each learner
function on them and compares with chainrule's course functions. Week 3's (planar data) generators
whose arrays are drawn from a seed are here too, and course 2's gradient-checking one; those
whose arrays the course wrote out are not.
"""

from __future__ import annotations

import numpy as np

Parameters = dict[str, np.ndarray]
LinearCache = tuple[np.ndarray, np.ndarray, np.ndarray]  # (A_prev, W, b)


def _draw(seed: int, *shapes: tuple[int, int]) -> list[np.ndarray]:
    np.random.seed(seed)
    return [np.random.randn(*shape) for shape in shapes]


def _parameters(arrays: list[np.ndarray], prefix: str = "") -> Parameters:
    """[W1, b1, W2, b2, …] → {"W1": …, "b1": …}; with prefix "d": {"dW1": …, "db1": …}."""
    return {f"{prefix}{'Wb'[i % 2]}{i // 2 + 1}": a for i, a in enumerate(arrays)}


def linear_forward_test_case() -> tuple[np.ndarray, ...]:
    """(A (3, 2), W (1, 3), b (1, 1)), seed 1."""
    return tuple(_draw(1, (3, 2), (1, 3), (1, 1)))


def linear_activation_forward_test_case() -> tuple[np.ndarray, ...]:
    """(A_prev (3, 2), W (1, 3), b (1, 1)), seed 2."""
    return tuple(_draw(2, (3, 2), (1, 3), (1, 1)))


def L_model_forward_test_case() -> tuple[np.ndarray, Parameters]:
    """(X (4, 2), parameters of [4, 3, 1]), seed 1."""
    X, *rest = _draw(1, (4, 2), (3, 4), (3, 1), (1, 3), (1, 1))
    return X, _parameters(rest)


def L_model_forward_test_case_2hidden() -> tuple[np.ndarray, Parameters]:
    """(X (5, 4), parameters of [5, 4, 3, 1]), seed 6."""
    X, *rest = _draw(6, (5, 4), (4, 5), (4, 1), (3, 4), (3, 1), (1, 3), (1, 1))
    return X, _parameters(rest)


def compute_cost_test_case() -> tuple[np.ndarray, np.ndarray]:
    """(Y, AL) = ([[1, 1, 0]], [[.8, .9, .4]]): the course returns Y first."""
    return np.asarray([[1, 1, 0]]), np.array([[0.8, 0.9, 0.4]])


def linear_backward_test_case() -> tuple[np.ndarray, LinearCache]:
    """(dZ (3, 4), (A (5, 4), W (3, 5), b (3, 1))), seed 1."""
    dZ, A, W, b = _draw(1, (3, 4), (5, 4), (3, 5), (3, 1))
    return dZ, (A, W, b)


def linear_activation_backward_test_case() -> tuple[np.ndarray, tuple[LinearCache, np.ndarray]]:
    """(dA (1, 2), ((A (3, 2), W (1, 3), b (1, 1)), Z (1, 2))), seed 2."""
    dA, A, W, b, Z = _draw(2, (1, 2), (3, 2), (1, 3), (1, 1), (1, 2))
    return dA, ((A, W, b), Z)


def L_model_backward_test_case() -> tuple[np.ndarray, np.ndarray, tuple[tuple[LinearCache, np.ndarray], ...]]:
    """(AL (1, 2), Y = [[1, 0]], two caches ((A, W, b), Z) of [4, 3, 1]), seed 3: an AL that is not σ(Z2)."""
    np.random.seed(3)
    AL = np.random.randn(1, 2)
    Y = np.array([[1, 0]])
    caches: list[tuple[LinearCache, np.ndarray]] = []
    for n, n_prev in ((3, 4), (1, 3)):
        A, W, b, Z = (np.random.randn(*shape) for shape in ((n_prev, 2), (n, n_prev), (n, 1), (n, 2)))
        caches.append(((A, W, b), Z))
    return AL, Y, tuple(caches)


def update_parameters_test_case() -> tuple[Parameters, Parameters]:
    """(parameters of [4, 3, 1], seed 2; grads of the same shapes, seed 3)."""
    shapes = ((3, 4), (3, 1), (1, 3), (1, 1))
    return _parameters(_draw(2, *shapes)), _parameters(_draw(3, *shapes), "d")


def print_grads(grads: Parameters) -> None:
    """Print dW1, db1, dA1 as the course's notebook shows them."""
    for key in ("dW1", "db1", "dA1"):
        print(f"{key} = {grads[key]}")


def layer_sizes_test_case() -> tuple[np.ndarray, ...]:
    """Week 3: (X_assess (5, 3), Y_assess (2, 3)), seed 1."""
    return tuple(_draw(1, (5, 3), (2, 3)))


def initialize_parameters_test_case() -> tuple[int, int, int]:
    """Week 3: (n_x, n_h, n_y) = (2, 4, 1)."""
    return 2, 4, 1


def nn_model_test_case() -> tuple[np.ndarray, np.ndarray]:
    """Week 3: (X_assess (2, 3), Y_assess = randn(1, 3) > 0), seed 1."""
    X, Y = _draw(1, (2, 3), (1, 3))
    return X, Y > 0


def gradient_check_n_test_case() -> tuple[np.ndarray, np.ndarray, Parameters]:
    """Course 2's gradient checking: (x (4, 3), y = [1, 1, 0] (1-D, as the course), parameters of [4, 5, 3, 1]), seed 1."""
    (x,) = _draw(1, (4, 3))
    W1, b1, W2, b2, W3, b3 = (np.random.randn(*shape) for shape in ((5, 4), (5, 1), (3, 5), (3, 1), (1, 3), (1, 1)))
    return x, np.array([1, 1, 0]), _parameters([W1, b1, W2, b2, W3, b3])


NAMES = [
    "gradient_check_n_test_case",
    "initialize_parameters_test_case", "layer_sizes_test_case", "nn_model_test_case",
    "L_model_backward_test_case", "L_model_forward_test_case", "L_model_forward_test_case_2hidden",
    "compute_cost_test_case", "linear_activation_backward_test_case", "linear_activation_forward_test_case",
    "linear_backward_test_case", "linear_forward_test_case", "print_grads", "update_parameters_test_case",
]  # fmt: skip
