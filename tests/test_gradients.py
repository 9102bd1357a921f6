"""Every gradient, in both conventions, against autograd and against central finite differences."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from conftest import assert_close, random_problem
from reference import reference_cost, reference_grads, total, zero_offsets

HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "linear"]


def architectures():
    rng = np.random.default_rng(2024)
    cases = []
    for i in range(12):
        L = int(rng.integers(1, 5))
        dims = [int(n) for n in rng.integers(1, 7, size=L + 1)]
        dims[-1] = 1
        activations = [HIDDEN[int(j)] for j in rng.integers(0, len(HIDDEN), size=L - 1)] + ["sigmoid"]
        m = [1, 2, 3, 7, 16][i % 5]
        cases.append((dims, activations, m, i))
    cases.append(([5, 4, 3, 1], ["relu", "relu", "sigmoid"], 10, 99))
    return cases


@pytest.mark.parametrize("convention", ["loss", "cost"])
@pytest.mark.parametrize(("dims", "activations", "m", "seed"), architectures())
def test_every_gradient_matches_autograd(dims, activations, m, seed, convention):
    X, Y, params = random_problem(dims, m, seed)
    net = cr.Network.from_parameters(params, activations)
    AL, caches = net.forward(X)
    grads = net.backward(Y, caches, convention=convention)
    expected = reference_grads(params, X, Y, activations, convention)
    assert set(grads) == set(expected)
    for key in expected:  # backward order, so the first failure is the one to read
        assert grads[key].shape == expected[key].shape, key
        assert_close(grads[key], expected[key], rtol=1e-9, atol=1e-13, name=f"{key} ({convention})")
    assert net.cost(AL, Y) == pytest.approx(reference_cost(params, X, Y, activations), rel=1e-12)


def central_difference(f, x, eps=1e-6):
    """∂f/∂x elementwise by (f(x + ε) − f(x − ε)) / 2ε, x perturbed in place and restored."""
    out = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        saved = x[index]
        x[index] = saved + eps
        plus = f()
        x[index] = saved - eps
        minus = f()
        x[index] = saved
        out[index] = (plus - minus) / (2 * eps)
    return out


@pytest.mark.parametrize("convention", ["loss", "cost"])
@pytest.mark.parametrize("hidden", HIDDEN)
def test_every_gradient_matches_finite_differences(hidden, convention):
    dims, activations = [3, 5, 4, 1], [hidden, hidden, "sigmoid"]
    X, Y, params = random_problem(dims, 6, seed=7)
    net = cr.Network.from_parameters(params, activations)
    grads = net.backward(Y, net.forward(X)[1], convention=convention)
    offsets = zero_offsets(params, X, activations)
    reduce = "sum" if convention == "loss" else "mean"
    for key, value in params.items():  # dW, db: derivatives of the mean cost J
        numeric = central_difference(lambda: total(params, offsets, X, Y, activations, "mean"), value)
        assert_close(grads[f"d{key}"], numeric, rtol=1e-6, atol=1e-9, name=f"d{key}")
    for key, value in offsets.items():  # dZ, dA: of the summed losses ("loss") or the mean cost ("cost")
        numeric = central_difference(lambda: total(params, offsets, X, Y, activations, reduce), value)
        assert_close(grads[f"d{key}"], numeric, rtol=1e-6, atol=1e-9, name=f"d{key}")


def test_float32_in_float32_out():
    X, Y, params = random_problem([4, 3, 1], 5, seed=1)
    net = cr.Network.from_parameters({k: v.astype(np.float32) for k, v in params.items()}, ["tanh", "sigmoid"])
    AL, caches = net.forward(X.astype(np.float32))
    grads = net.backward(Y, caches, convention="cost")
    assert AL.dtype == np.float32
    assert all(g.dtype == np.float32 for g in grads.values())
    expected = reference_grads(params, X, Y, ["tanh", "sigmoid"], "cost")
    for key in expected:
        assert_close(grads[key], expected[key], rtol=2e-3, atol=1e-5, name=key)


def test_float64_by_default():
    net = cr.Network([3, 2, 1], seed=0)
    assert all(p.dtype == np.float64 for p in net.parameters.values())
    AL, _ = net.forward(np.ones((3, 4), dtype=np.int64))
    assert AL.dtype == np.float64


def test_backward_can_skip_dA0():
    X, Y, params = random_problem([3, 2, 1], 4, seed=3)
    net = cr.Network.from_parameters(params, ["relu", "sigmoid"])
    grads = net.backward(Y, net.forward(X)[1], need_dA0=False)
    assert "dA0" not in grads and "dA1" in grads
