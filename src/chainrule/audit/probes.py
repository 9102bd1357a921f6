"""The audit's own test networks and data.

Several small networks with distinct layer sizes and a number of examples m that is none of
them, so that no weight matrix is square (a transpose changes the shape) and a factor m, 1/m
or 2 reads differently on each (m = 7 and m = 11 tell 1/m from a constant). Each comes twice:
with the caches of a real forward pass (A[l] = g(Z[l])) and with independent random cache entries,
as the course's tests use, which tells a fused shortcut such as dZ[L] = A[L] − Y apart from the
full chain.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from chainrule.audit.reference import Chain
from chainrule.network import forward


@dataclass(frozen=True)
class ProbeNetwork:
    """layer_dims = [n_x, n[1], …, n[L]], m examples, the seed of its numbers."""

    layer_dims: tuple[int, ...]
    m: int
    seed: int

    def describe(self, consistent: bool) -> str:
        caches = "caches of a forward pass" if consistent else "inconsistent caches (as the course's tests)"
        return f"{list(self.layer_dims)}, m = {self.m}, {caches}"


DEEP = (ProbeNetwork((5, 4, 3, 1), 7, 1), ProbeNetwork((4, 6, 2, 1), 11, 2))  # [relu, relu, sigmoid]
SHALLOW = (ProbeNetwork((3, 5, 1), 7, 3), ProbeNetwork((4, 6, 1), 11, 4))  # week 3: [tanh, sigmoid]


def labels(rng: np.random.Generator, m: int) -> np.ndarray:
    """Y (1, m) of 0. and 1., both classes present."""
    Y = np.zeros((1, m))
    Y[0, rng.permutation(m)[: (m + 1) // 2]] = 1.0
    return Y


def data(net: ProbeNetwork) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """X (n_x, m), Y (1, m), parameters W[l] ~ N(0, 2/n[l-1]), b[l] ~ N(0, 0.25): every relu unit sees both signs."""
    rng = np.random.default_rng(net.seed)
    dims = net.layer_dims
    X = rng.standard_normal((dims[0], net.m))
    parameters = {}
    for l in range(1, len(dims)):
        parameters[f"W{l}"] = rng.standard_normal((dims[l], dims[l - 1])) * np.sqrt(2 / dims[l - 1])
        parameters[f"b{l}"] = rng.standard_normal((dims[l], 1)) * 0.5
    return X, labels(rng, net.m), parameters


def _random_output(rng: np.random.Generator, activation: str, shape: tuple[int, int]) -> np.ndarray:
    """An A[l] in the activation's range but unrelated to Z[l] (the course's test caches)."""
    if activation == "sigmoid":
        return rng.uniform(0.05, 0.95, shape)
    if activation == "tanh":
        return rng.uniform(-0.95, 0.95, shape)
    return np.abs(rng.standard_normal(shape)) * (rng.random(shape) > 0.4)  # relu: ≥ 0, zero elsewhere than Z ≤ 0


def chain(net: ProbeNetwork, activations: list[str], consistent: bool, start: str, derivative_from: str) -> Chain:
    """A backward problem on ``net``: the caches of a forward pass, or independent random entries."""
    X, Y, parameters = data(net)
    L = len(net.layer_dims) - 1
    W: list[np.ndarray | None] = [None, *(parameters[f"W{l}"] for l in range(1, L + 1))]  # W[0], b[0], Z[0] unused
    b: list[np.ndarray | None] = [None, *(parameters[f"b{l}"] for l in range(1, L + 1))]
    A: list[np.ndarray | None]
    Z: list[np.ndarray | None]
    if consistent:
        AL, caches = forward(X, parameters, activations)
        A = [X, *(caches[l][0][0] for l in range(1, L)), AL]
        Z = [None, *(cache[1] for cache in caches)]
    else:
        rng = np.random.default_rng(net.seed + 100)
        A = [X, *(_random_output(rng, activations[l - 1], (net.layer_dims[l], net.m)) for l in range(1, L + 1))]
        Z = [None, *(rng.standard_normal((net.layer_dims[l], net.m)) for l in range(1, L + 1))]
        W = [None, *(rng.standard_normal(parameters[f"W{l}"].shape) for l in range(1, L + 1))]
        b = [None, *(rng.standard_normal(parameters[f"b{l}"].shape) for l in range(1, L + 1))]
    return Chain(A, W, b, Z, list(activations), start, Y=Y, derivative_from=derivative_from, consistent=consistent)


def layer(net: ProbeNetwork, l: int, activation: str, start: str) -> Chain:
    """One layer l of ``net`` on its own (linear_backward, linear_activation_backward): dZ or dA given."""
    full = chain(net, ["relu"] * (len(net.layer_dims) - 2) + ["sigmoid"], True, "dAL", "Z")
    rng = np.random.default_rng(net.seed + 200 + l)
    given = rng.standard_normal((net.layer_dims[l], net.m))
    return Chain(
        [full.A[l - 1], None], [None, full.W[l]], [None, full.b[l]], [None, full.Z[l]], [activation], start,
        given=given, input_name="A_prev",
    )
