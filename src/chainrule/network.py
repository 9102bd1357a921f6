"""An L-layer fully-connected network: forward, backward in both conventions, gradient descent.

Notation: X is (n_x, m), one example per column; layer_dims = [n_x, n[1], …, n[L]];
W[l] is (n[l], n[l-1]), b[l] is (n[l], 1); Z[l] = W[l] A[l-1] + b[l], A[l] = g[l](Z[l]).
The pure functions ``forward`` and ``backward`` are the single implementation that the clean
``Network`` API and the course-compatible ``chainrule.course`` modules both call.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from chainrule.activations import get_activation
from chainrule.conventions import check_convention, scales
from chainrule.errors import ChainruleError
from chainrule.initializers import initialize_parameters
from chainrule.layers import Cache, activation_backward, layer_forward, linear_backward
from chainrule.losses import cost as mean_cost
from chainrule.losses import get_loss
from chainrule.validation import check_layer_dims, check_X, check_Y, expand_activations

Grads = dict[str, np.ndarray]
Parameters = dict[str, np.ndarray]


def forward(X: np.ndarray, parameters: Parameters, activations: Sequence[str]) -> tuple[np.ndarray, list[Cache]]:
    """A[L] and the caches [((A[l-1], W[l], b[l]), Z[l]) for l = 1..L], A[0] = X."""
    A, caches = X, []
    for l, activation in enumerate(activations, start=1):
        A, cache = layer_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], activation)  # A[l] = g[l](W[l] A[l-1] + b[l])
        caches.append(cache)
    return A, caches


def backward(
    caches: Sequence[Cache],
    activations: Sequence[str],
    k: float,
    *,
    dAL: np.ndarray | None = None,
    dZL: np.ndarray | None = None,
    need_dA0: bool = True,
) -> Grads:
    """Backpropagate from the output: grads {dZ{l}, dW{l}, db{l}, dA{l-1}} for l = L..1.

    Start from dZL (dZ[L] given) or dAL (then dZ[L] = dA[L] * g'[L](Z[L])). dZ and dA are the
    derivatives of whatever dZL / dAL are the derivatives of: ∂L/∂· per example ("loss"
    convention, k = 1/m) or ∂J/∂· ("cost" convention, k = 1). dW = k dZ A_prevᵀ and
    db = k Σ dZ are ∂J/∂W, ∂J/∂b in both. ``need_dA0=False`` skips dA0 = ∂/∂X.
    """
    if (dAL is None) == (dZL is None):
        raise ChainruleError("backward needs exactly one of dAL or dZL")
    L = len(caches)
    grads: Grads = {}
    dA = dAL
    for l in reversed(range(1, L + 1)):
        linear_cache, Z = caches[l - 1]
        dZ = dZL if (l == L and dZL is not None) else activation_backward(dA, Z, activations[l - 1])  # dZ[l] = dA[l] * g'[l](Z[l])
        dA, dW, db = linear_backward(dZ, linear_cache, k, need_dA_prev=need_dA0 or l > 1)
        # dW[l] = k dZ[l] A[l-1]ᵀ,  db[l] = k Σᵢ dZ[l],  dA[l-1] = W[l]ᵀ dZ[l]
        grads[f"dZ{l}"], grads[f"dW{l}"], grads[f"db{l}"] = dZ, dW, db
        if dA is not None:
            grads[f"dA{l - 1}"] = dA
    return grads


def gradient_descent_step(parameters: Parameters, grads: Grads, learning_rate: float, inplace: bool = False) -> Parameters:
    """W[l] := W[l] − α dW[l], b[l] := b[l] − α db[l]; a new dict unless ``inplace``."""
    updated = parameters if inplace else {}
    for key, value in parameters.items():
        step = learning_rate * grads[f"d{key}"]
        updated[key] = np.subtract(value, step, out=value) if inplace else value - step
    return updated


@dataclass
class History:
    """What ``fit`` did: the cost J at every iteration, before that iteration's update."""

    costs: list[float] = field(default_factory=list)
    learning_rate: float = 0.0
    convention: str = "loss"

    @property
    def final_cost(self) -> float:
        return self.costs[-1] if self.costs else float("nan")

    def __len__(self) -> int:
        return len(self.costs)


class Network:
    """A fully-connected network [LINEAR → g[1]] → … → [LINEAR → g[L]] with a cross-entropy loss.

    >>> net = Network([5, 4, 3, 1], activations=["relu", "relu", "sigmoid"], seed=0)
    >>> AL, caches = net.forward(X)            # X: (5, m)
    >>> grads = net.backward(Y, caches)        # Y: (1, m); the course's convention
    """

    def __init__(
        self,
        layer_dims: Sequence[int],
        activations: str | Sequence[str] | None = None,
        *,
        initialization: str = "auto",
        seed: int | None = 0,
        rng: Any = None,
        loss: str = "binary_cross_entropy",
        dtype: Any = np.float64,
    ) -> None:
        """``layer_dims = [n_x, n[1], …, n[L]]``; one activation per layer (or hidden, output).

        initialization: "auto" (He for relu-family hidden layers, Xavier otherwise), "zeros",
        "scaled_normal" (randn · 0.01), "xavier", "he", "lecun" / "course_app" (randn / √n[l-1]).
        Weights are drawn from ``rng`` if given (a ``np.random.Generator``, or a legacy
        ``np.random.RandomState`` to reproduce the course's streams), else from
        ``np.random.default_rng(seed)``.
        """
        self.layer_dims = check_layer_dims(layer_dims)
        self.activations = expand_activations(activations, self.L)
        self.loss = get_loss(loss).name
        fused = get_loss(loss).fused_dZ
        if self.activations[-1] not in fused:
            raise ChainruleError(
                f"{self.loss} needs an output activation in {sorted(fused)}; got {self.activations[-1]!r} for layer {self.L}"
            )
        self._output_dZ = fused[self.activations[-1]]  # ∂L/∂Z[L] per example
        self.dtype = np.dtype(dtype)
        if not np.issubdtype(self.dtype, np.floating):
            raise ChainruleError(f"dtype must be a floating type such as float64 or float32; got {self.dtype}")
        if initialization == "auto":
            initialization = "he" if self.activations[0] in ("relu", "leaky_relu") else "xavier"
        self.initialization = initialization
        rng = np.random.default_rng(seed) if rng is None else rng
        self._parameters = initialize_parameters(self.layer_dims, initialization, rng, self.dtype)

    # -- structure -----------------------------------------------------------------------
    @property
    def L(self) -> int:
        """Number of layers with parameters (the input layer is layer 0)."""
        return len(self.layer_dims) - 1

    @property
    def n_x(self) -> int:
        return self.layer_dims[0]

    @property
    def n_y(self) -> int:
        return self.layer_dims[-1]

    @property
    def parameters(self) -> Parameters:
        """{"W1": (n[1], n_x), "b1": (n[1], 1), …}: the network's own arrays (fit updates them in place)."""
        return self._parameters

    @parameters.setter
    def parameters(self, parameters: Parameters) -> None:
        expected = {}
        for l in range(1, self.L + 1):
            expected[f"W{l}"] = (self.layer_dims[l], self.layer_dims[l - 1])
            expected[f"b{l}"] = (self.layer_dims[l], 1)
        if set(parameters) != set(expected):
            raise ChainruleError(f"parameters must have keys {sorted(expected)}; got {sorted(parameters)}")
        checked = {}
        for key, shape in expected.items():
            value = np.asarray(parameters[key])
            if value.shape != shape:
                raise ChainruleError(f"parameters[{key!r}] must have shape {shape}; got {value.shape}")
            if not np.isfinite(value).all():
                raise ChainruleError(f"parameters[{key!r}] holds NaN or inf values")
            checked[key] = np.array(value, dtype=self.dtype)
        self._parameters = checked

    @classmethod
    def from_parameters(cls, parameters: Parameters, activations: str | Sequence[str] | None = None, **kwargs) -> Network:
        """A network with the given {"W1", "b1", …} (copied); layer sizes read from the shapes."""
        L = len(parameters) // 2
        dims = [np.shape(parameters["W1"])[1]] + [np.shape(parameters[f"W{l}"])[0] for l in range(1, L + 1)]
        dtype = kwargs.pop("dtype", np.result_type(*parameters.values()))
        net = cls(dims, activations, initialization="zeros", dtype=dtype, **kwargs)
        net.parameters = parameters
        return net

    def __repr__(self) -> str:
        return f"Network({self.layer_dims}, activations={self.activations}, dtype={self.dtype.name})"

    # -- one batch -----------------------------------------------------------------------
    def forward(self, X: np.ndarray) -> tuple[np.ndarray, list[Cache]]:
        """(A[L], caches): A[L] is (n[L], m); caches[l-1] = ((A[l-1], W[l], b[l]), Z[l])."""
        X = check_X(X, self.n_x)
        return forward(X, self._parameters, self.activations)

    def cost(self, AL: np.ndarray, Y: np.ndarray) -> float:
        """J = (1/m) Σᵢ L⁽ⁱ⁾, the mean cross-entropy of A[L] against Y (both (n[L], m))."""
        AL = np.asarray(AL)
        Y = check_Y(Y, self.n_y, AL.shape[-1], binary=self.loss == "binary_cross_entropy")
        if AL.shape != Y.shape:
            raise ChainruleError(f"AL must have the shape of Y, {Y.shape}; got {AL.shape}")
        return mean_cost(AL, Y, self.loss)

    def backward(self, Y: np.ndarray, caches: Sequence[Cache], convention: str = "loss", need_dA0: bool = True) -> Grads:
        """Gradients of one batch, keys dZ{l}, dW{l}, db{l}, dA{l-1} (dA0 = ∂/∂X included).

        convention="loss" (the course's): dZ[l], dA[l] are ∂L/∂Z[l], ∂L/∂A[l] of the per-example
        losses, shape (n[l], m), no 1/m; dW[l] = (1/m) dZ[l] A[l-1]ᵀ, db[l] = (1/m) Σᵢ dZ[l].
        convention="cost" (J only): every array is ∂J/∂· of the mean cost; dZ[L] = (1/m)(A[L] − Y),
        dW[l] = dZ[l] A[l-1]ᵀ, db[l] = Σᵢ dZ[l].
        dW and db are ∂J/∂W, ∂J/∂b and identical in both; dZ and dA differ by exactly m.
        """
        check_convention(convention)
        if len(caches) != self.L:
            raise ChainruleError(f"caches must hold one entry per layer, {self.L}; got {len(caches)}")
        ZL = caches[-1][1]
        m = ZL.shape[1]
        Y = check_Y(Y, self.n_y, m, binary=self.loss == "binary_cross_entropy").astype(ZL.dtype, copy=False)
        s, k = scales(convention, m)  # dZ[L] = s ∂L/∂Z[L];  dW[l] = k dZ[l] A[l-1]ᵀ
        AL = get_activation(self.activations[-1]).g(ZL)
        dZL = s * self._output_dZ(AL, Y)  # dZ[L] = s (A[L] − Y): fused, exact because A[L] = g[L](Z[L])
        return backward(caches, self.activations, k, dZL=dZL, need_dA0=need_dA0)

    # -- training ------------------------------------------------------------------------
    def fit(
        self,
        X: np.ndarray,
        Y: np.ndarray,
        learning_rate: float = 0.0075,
        num_iterations: int = 3000,
        convention: str = "loss",
        callback: Callable[[int, float], Any] | None = None,
    ) -> History:
        """Full-batch gradient descent: W[l] := W[l] − α dW[l], b[l] := b[l] − α db[l].

        ``callback(iteration, cost)`` is called after every iteration's cost. Stops with a
        ChainruleError naming the iteration if the cost becomes NaN or inf.
        """
        check_convention(convention)
        if not (isinstance(learning_rate, int | float) and np.isfinite(learning_rate) and learning_rate > 0):
            raise ChainruleError(f"learning_rate must be a positive finite number; got {learning_rate!r}")
        if isinstance(num_iterations, bool) or not isinstance(num_iterations, int) or num_iterations < 0:
            raise ChainruleError(f"num_iterations must be a non-negative integer; got {num_iterations!r}")
        X = check_X(X, self.n_x)
        Y = check_Y(Y, self.n_y, X.shape[1], binary=self.loss == "binary_cross_entropy")
        history = History(learning_rate=float(learning_rate), convention=convention)
        for i in range(num_iterations):
            with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported below, by iteration
                AL, caches = forward(X, self._parameters, self.activations)
                J = mean_cost(AL, Y, self.loss)
            if not np.isfinite(J):
                raise ChainruleError(
                    f"the cost became {J} at iteration {i} with learning_rate={learning_rate:g}; "
                    f"gradient descent diverged: try a smaller learning rate, e.g. {learning_rate / 10:g}"
                )
            history.costs.append(J)
            if callback is not None:
                callback(i, J)
            grads = self.backward(Y, caches, convention, need_dA0=False)  # nothing updates X: skip dA0
            gradient_descent_step(self._parameters, grads, learning_rate, inplace=True)
        return history

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """A[L], shape (n[L], m)."""
        return self.forward(X)[0]

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Labels 0/1 (int), shape (1, m): 1 where A[L] > 0.5."""
        return (self.predict_proba(X) > 0.5).astype(int)

    def accuracy(self, X: np.ndarray, Y: np.ndarray) -> float:
        """Fraction of examples whose predicted label equals Y."""
        predictions = self.predict(X)
        Y = check_Y(Y, self.n_y, predictions.shape[1])
        return float(np.mean(predictions == Y))
