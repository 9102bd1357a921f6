"""Course 2 week 1: gradient checking, the course's functions.

1-D: J(θ) = θ x, dJ/dθ = x. N-D: LINEAR → RELU → LINEAR → RELU → LINEAR → SIGMOID with the
course's cache ``(Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)``; forward and backward are the
core's (``chainrule.network``). ``gradient_check_n`` is the course's method: two-sided
differences one parameter at a time, and one number for the whole network,

    difference = ‖grad − gradapprox‖₂ / (‖grad‖₂ + ‖gradapprox‖₂),

reported as a mistake above 2e-7. It is the course's published algorithm, not a second checker:
one parameter at a time, ε = 1e-7, its difference (``numerics.relative_difference``) and its 2e-7
threshold, so that a learner gets the notebook's numbers (0.2850931567761623 for the planted bugs,
1.19e-07 for the correct backward). ``chainrule.gradcheck`` is the project's checker: it names the
wrong tensor, and is fast enough for real networks; its ``difference`` over dW, db is this same
measure.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from chainrule.conventions import LOSS
from chainrule.losses import cost as _cost
from chainrule.losses import sigmoid_cross_entropy_dZ
from chainrule.network import backward as _backward
from chainrule.network import forward as _forward
from chainrule.numerics import relative_difference

ACTIVATIONS = ("relu", "relu", "sigmoid")
LAYER_DIMS = (4, 5, 3, 1)  # the course's test case: 47 parameters
THRESHOLD = 2e-7
Cache = tuple[np.ndarray, ...]  # the course's (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)
_WRONG = "\033[93m" + "There is a mistake in the backward propagation! difference = {}" + "\033[0m"
_RIGHT = "\033[92m" + "Your backward propagation works perfectly fine! difference = {}" + "\033[0m"


def _report(difference: float, print_msg: bool) -> None:
    if print_msg:
        print((_WRONG if difference > THRESHOLD else _RIGHT).format(difference))


# -- 1-D: J(θ) = θ x ----------------------------------------------------------------------------------
def forward_propagation(x: float, theta: float) -> float:
    """J = θ x."""
    return theta * x


def backward_propagation(x: float, theta: float) -> float:
    """dJ/dθ = x."""
    return x


def gradient_check(x: float, theta: float, epsilon: float = 1e-7, print_msg: bool = False) -> float:
    """difference = |grad − gradapprox| / (|grad| + |gradapprox|), gradapprox = (J(θ + ε) − J(θ − ε)) / 2ε."""
    J_plus = forward_propagation(x, theta + epsilon)
    J_minus = forward_propagation(x, theta - epsilon)
    gradapprox = (J_plus - J_minus) / (2 * epsilon)
    grad = backward_propagation(x, theta)
    difference = relative_difference(np.asarray(grad), np.asarray(gradapprox))  # |grad − gradapprox| / (|grad| + |gradapprox|)
    _report(difference, print_msg)
    return difference


# -- N-D: the three-layer network -----------------------------------------------------------------------
def forward_propagation_n(X: np.ndarray, Y: np.ndarray, parameters: dict[str, np.ndarray]) -> tuple[float, Cache]:
    """(cost, cache): J = −(1/m) Σ [y log a + (1 − y) log(1 − a)] and (Z1, A1, W1, b1, …, Z3, A3, W3, b3)."""
    A3, caches = _forward(X, parameters, ACTIVATIONS)
    cost = _cost(A3, Y)
    A = [A_prev for (A_prev, _, _), _ in caches[1:]] + [A3]  # A1, A2, A3
    cache = tuple(value for l, ((_, W, b), Z) in enumerate(caches) for value in (Z, A[l], W, b))
    return cost, cache


def backward_propagation_n(X: np.ndarray, Y: np.ndarray, cache: Cache) -> dict[str, np.ndarray]:
    """{dZ3, dW3, db3, dA2, dZ2, dW2, db2, dA1, dZ1, dW1, db1} in the course's ("loss") convention.

    dZ3 = A3 − Y; dW[l] = (1/m) dZ[l] A[l-1]ᵀ, db[l] = (1/m) Σ dZ[l], dA[l-1] = W[l]ᵀ dZ[l],
    dZ[l] = dA[l] * relu'(Z[l]) for l = 2, 1. (The course's copy for learners doubles dW2 and
    computes db1 with 4/m: the two bugs ``gradient_check_n`` is there to find.)
    """
    (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = cache
    m = X.shape[1]
    caches = [((X, W1, b1), Z1), ((A1, W2, b2), Z2), ((A2, W3, b3), Z3)]
    dZ3 = sigmoid_cross_entropy_dZ(A3, Y)  # ∂L/∂Z3 per example = A3 − Y
    return _backward(caches, ACTIVATIONS, LOSS.dW_scale(m), dZL=dZ3, need_dA0=False)  # k = 1/m


def dictionary_to_vector(parameters: dict[str, np.ndarray]) -> tuple[np.ndarray, list[str]]:
    """(theta, keys): W1, b1, W2, b2, … stacked as one (n, 1) column (C order); keys names each row's tensor."""
    L = len(parameters) // 2
    names = [f"{p}{l}" for l in range(1, L + 1) for p in "Wb"]
    theta = np.concatenate([np.reshape(parameters[name], (-1, 1)) for name in names], axis=0)
    keys = [name for name in names for _ in range(np.size(parameters[name]))]
    return theta, keys


def vector_to_dictionary(theta: np.ndarray, layer_dims: Sequence[int] = LAYER_DIMS) -> dict[str, np.ndarray]:
    """{"W1": (5, 4), "b1": (5, 1), "W2": (3, 5), "b2": (3, 1), "W3": (1, 3), "b3": (1, 1)} from theta (the course's shapes)."""
    parameters, start = {}, 0
    for l in range(1, len(layer_dims)):
        for name, shape in ((f"W{l}", (layer_dims[l], layer_dims[l - 1])), (f"b{l}", (layer_dims[l], 1))):
            size = shape[0] * shape[1]
            parameters[name] = np.reshape(theta[start : start + size], shape)
            start += size
    return parameters


def gradients_to_vector(gradients: dict[str, np.ndarray]) -> np.ndarray:
    """dW1, db1, dW2, db2, … stacked as one (n, 1) column, in the order of dictionary_to_vector."""
    L = sum(1 for key in gradients if key.startswith("dW"))
    return np.concatenate([np.reshape(gradients[f"d{p}{l}"], (-1, 1)) for l in range(1, L + 1) for p in "Wb"], axis=0)


def gradient_check_n(parameters: dict[str, np.ndarray], gradients: dict[str, np.ndarray], X: np.ndarray, Y: np.ndarray,
                     epsilon: float = 1e-7, print_msg: bool = False) -> float:  # fmt: skip
    """The course's check: J(θ ± ε eᵢ) for every parameter i, then one number for the whole network."""
    parameters_values, _ = dictionary_to_vector(parameters)
    grad = gradients_to_vector(gradients)
    layer_dims = [parameters["W1"].shape[1]] + [parameters[f"W{l}"].shape[0] for l in range(1, len(parameters) // 2 + 1)]
    num_parameters = parameters_values.shape[0]
    J_plus, J_minus, gradapprox = (np.zeros((num_parameters, 1)) for _ in range(3))
    for i in range(num_parameters):
        theta_plus = np.copy(parameters_values)
        theta_plus[i] = theta_plus[i] + epsilon
        J_plus[i], _ = forward_propagation_n(X, Y, vector_to_dictionary(theta_plus, layer_dims))
        theta_minus = np.copy(parameters_values)
        theta_minus[i] = theta_minus[i] - epsilon
        J_minus[i], _ = forward_propagation_n(X, Y, vector_to_dictionary(theta_minus, layer_dims))
        gradapprox[i] = (J_plus[i] - J_minus[i]) / (2 * epsilon)
    difference = relative_difference(grad, gradapprox)  # ‖grad − gradapprox‖₂ / (‖grad‖₂ + ‖gradapprox‖₂)
    _report(difference, print_msg)
    return difference
