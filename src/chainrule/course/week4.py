"""Course 1 week 4: an L-layer network step by step, the course's functions.

[LINEAR → RELU] × (L−1) → LINEAR → SIGMOID. Caches are ((A_prev, W, b), Z). Gradients in the
course's ("loss") convention: dA, dZ = ∂L/∂· per example; dW = (1/m) dZ A_prevᵀ = ∂J/∂W.
"""

from __future__ import annotations

from typing import cast

import numpy as np

from chainrule import activations as _g
from chainrule import layers as _layers
from chainrule.conventions import LOSS
from chainrule.initializers import initialize_parameters as _initialize
from chainrule.layers import Cache, LinearCache
from chainrule.losses import binary_cross_entropy_dA
from chainrule.losses import cost as _cost
from chainrule.network import backward as _backward
from chainrule.network import forward as _forward
from chainrule.network import gradient_descent_step


def sigmoid(Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(A, cache) = (σ(Z), Z)."""
    return _g.sigmoid(Z), Z


def relu(Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(A, cache) = (max(0, Z), Z)."""
    return _g.relu(Z), Z


def relu_backward(dA: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """dZ = dA * relu'(Z): dA where Z > 0, 0 where Z <= 0."""
    return _layers.activation_backward(dA, cache, "relu")


def sigmoid_backward(dA: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """dZ = dA * σ(Z)(1 − σ(Z)), σ recomputed from the cached Z."""
    return _layers.activation_backward(dA, cache, "sigmoid")


def initialize_parameters(n_x: int, n_h: int, n_y: int) -> dict[str, np.ndarray]:
    """np.random.seed(1); W1 = randn(n_h, n_x) · 0.01, W2 = randn(n_y, n_h) · 0.01; b = 0."""
    np.random.seed(1)
    return _initialize([n_x, n_h, n_y], "scaled_normal", rng=np.random)


def initialize_parameters_deep(layer_dims: list[int]) -> dict[str, np.ndarray]:
    """np.random.seed(3); W[l] = randn(n[l], n[l-1]) · 0.01; b[l] = 0."""
    np.random.seed(3)
    return _initialize(layer_dims, "scaled_normal", rng=np.random)


def linear_forward(A: np.ndarray, W: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, LinearCache]:
    """(Z, (A, W, b)) with Z = W A + b."""
    return _layers.linear_forward(A, W, b)


def linear_activation_forward(A_prev: np.ndarray, W: np.ndarray, b: np.ndarray, activation: str) -> tuple[np.ndarray, Cache]:
    """(A, ((A_prev, W, b), Z)) with A = g(W A_prev + b), activation "relu" or "sigmoid"."""
    return _layers.layer_forward(A_prev, W, b, activation)


def _activations(L: int) -> list[str]:
    return ["relu"] * (L - 1) + ["sigmoid"]


def L_model_forward(X: np.ndarray, parameters: dict[str, np.ndarray]) -> tuple[np.ndarray, list[Cache]]:
    """(AL, caches), caches a list of L tuples ((A_prev, W, b), Z); L = len(parameters) // 2."""
    return _forward(X, parameters, _activations(len(parameters) // 2))


def compute_cost(AL: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """J = −(1/m) Σ [y log a + (1 − y) log(1 − a)], as a 0-d array (np.squeeze)."""
    return np.squeeze(np.asarray(_cost(AL, Y)))


Backward = tuple[np.ndarray, np.ndarray, np.ndarray]  # (dA_prev, dW, db)


def linear_backward(dZ: np.ndarray, cache: LinearCache) -> Backward:
    """(dA_prev, dW, db): dW = (1/m) dZ A_prevᵀ, db = (1/m) Σ dZ, dA_prev = Wᵀ dZ; m = A_prev.shape[1]."""
    m = cache[0].shape[1]
    # k = 1/m; dA_prev is computed (need_dA_prev defaults to True), so never the core's None: cast only says so
    return cast(Backward, _layers.linear_backward(dZ, cache, LOSS.dW_scale(m)))


def linear_activation_backward(dA: np.ndarray, cache: Cache, activation: str) -> Backward:
    """(dA_prev, dW, db) of one layer: dZ = dA * g'(Z), then linear_backward."""
    linear_cache, Z = cache
    return linear_backward(_layers.activation_backward(dA, Z, activation), linear_cache)


def L_model_backward(AL: np.ndarray, Y: np.ndarray, caches: list[Cache]) -> dict[str, np.ndarray]:
    """grads {dA{l-1}, dW{l}, db{l}} from dAL = −(Y/AL − (1−Y)/(1−AL)) and σ' on the cached Z.

    The full chain, not the fused dZ = AL − Y: the course's tests feed an AL that is not σ(Z[L]).
    """
    L = len(caches)
    Y = Y.reshape(AL.shape)
    m = AL.shape[1]
    dAL = binary_cross_entropy_dA(AL, Y)  # ∂L/∂A[L] per example
    grads = _backward(caches, _activations(L), LOSS.dW_scale(m), dAL=dAL)  # k = 1/m
    return {f"{kind}{l - (kind == 'dA')}": grads[f"{kind}{l - (kind == 'dA')}"]
            for l in reversed(range(1, L + 1)) for kind in ("dA", "dW", "db")}


def update_parameters(params: dict[str, np.ndarray], grads: dict[str, np.ndarray], learning_rate: float) -> dict[str, np.ndarray]:
    """A new dict: W[l] := W[l] − α dW[l], b[l] := b[l] − α db[l]."""
    return gradient_descent_step(params, grads, learning_rate)
