"""Course 1 week 2: logistic regression with a neural network mindset, the course's functions.

One sigmoid unit: w (n_x, 1), b a number, A = σ(wᵀX + b) of shape (1, m). It is a one-layer
network with W = wᵀ, so the gradients are the core's ``layers.linear_backward`` in the course's
("loss") convention, where learners first meet the 1/m:

    dZ = A − Y (∂L/∂Z per example),   dw = (1/m) X (A − Y)ᵀ = ∂J/∂w,   db = (1/m) Σᵢ (A − Y) = ∂J/∂b.
"""

from __future__ import annotations

from typing import Any, TypedDict

import numpy as np

from chainrule import activations as _g
from chainrule.conventions import LOSS
from chainrule.layers import linear_backward
from chainrule.losses import cost as _cost
from chainrule.losses import sigmoid_cross_entropy_dZ


class Params(TypedDict):
    """The course's params: w (n_x, 1) and the number b."""

    w: np.ndarray
    b: float


class Grads(TypedDict):
    """The course's grads: dw = ∂J/∂w (n_x, 1) and db = ∂J/∂b, a number."""

    dw: np.ndarray
    db: float


def sigmoid(z: float | np.ndarray) -> np.ndarray:
    """s = 1 / (1 + e^(−z)), for a number or an array."""
    return _g.sigmoid(np.asarray(z, dtype=float))


def initialize_with_zeros(dim: int) -> tuple[np.ndarray, float]:
    """(w, b) = (zeros of shape (dim, 1), 0.0)."""
    return np.zeros((dim, 1)), 0.0


def propagate(w: np.ndarray, b: float, X: np.ndarray, Y: np.ndarray) -> tuple[Grads, np.ndarray]:
    """({"dw": (n_x, 1), "db": a number}, cost as a 0-d array) for A = σ(wᵀX + b)."""
    m = X.shape[1]
    A = sigmoid(w.T @ X + b)  # A = σ(wᵀX + b), (1, m)
    cost = np.squeeze(np.asarray(_cost(A, Y)))  # J = −(1/m) Σ [y log a + (1 − y) log(1 − a)]
    dZ = sigmoid_cross_entropy_dZ(A, Y)  # ∂L/∂Z = A − Y per example
    _, dW, db = linear_backward(dZ, (X, w.T, b), LOSS.dW_scale(m), need_dA_prev=False)  # type: ignore[arg-type]  # dW = (1/m)(A − Y) Xᵀ = dwᵀ
    return {"dw": dW.T, "db": float(db[0, 0])}, cost


def optimize(w: np.ndarray, b: float, X: np.ndarray, Y: np.ndarray, num_iterations: int = 100, learning_rate: float = 0.009,
             print_cost: bool = False) -> tuple[Params, Grads, list[np.ndarray]]:
    """Gradient descent: w := w − α dw, b := b − α db; the cost kept every 100 iterations.

    Returns (params {"w", "b"}, grads {"dw", "db"} of the last iteration, costs).
    """
    w, b = np.array(w, dtype=float), float(b)
    costs: list[np.ndarray] = []  # J every 100 iterations, each a 0-d array
    for i in range(num_iterations):
        grads, cost = propagate(w, b, X, Y)
        w = w - learning_rate * grads["dw"]
        b = b - learning_rate * grads["db"]
        if i % 100 == 0:
            costs.append(cost)
            if print_cost:
                print("Cost after iteration %i: %f" % (i, cost))
    return {"w": w, "b": b}, grads, costs


def predict(w: np.ndarray, b: float, X: np.ndarray) -> np.ndarray:
    """Y_prediction (1, m) of 0. and 1.: 1 where σ(wᵀX + b) > 0.5."""
    A = sigmoid(np.reshape(w, (X.shape[0], 1)).T @ X + b)
    return (A > 0.5).astype(float)


def model(X_train: np.ndarray, Y_train: np.ndarray, X_test: np.ndarray, Y_test: np.ndarray, num_iterations: int = 2000,
          learning_rate: float = 0.5, print_cost: bool = False) -> dict[str, Any]:
    """Zeros, then ``optimize``, then ``predict`` on both sets; the course's dictionary d."""
    w, b = initialize_with_zeros(X_train.shape[0])
    params, _, costs = optimize(w, b, X_train, Y_train, num_iterations, learning_rate, print_cost)
    w, b = params["w"], params["b"]
    Y_prediction_test, Y_prediction_train = predict(w, b, X_test), predict(w, b, X_train)
    if print_cost:
        print(f"train accuracy: {100 - np.mean(np.abs(Y_prediction_train - Y_train)) * 100} %")
        print(f"test accuracy: {100 - np.mean(np.abs(Y_prediction_test - Y_test)) * 100} %")
    return {"costs": costs, "Y_prediction_test": Y_prediction_test, "Y_prediction_train": Y_prediction_train,
            "w": w, "b": b, "learning_rate": learning_rate, "num_iterations": num_iterations}  # fmt: skip
