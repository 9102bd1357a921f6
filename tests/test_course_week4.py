"""chainrule.course.week4 reproduces the course's self-test values (inputs built as the course builds them)."""

from __future__ import annotations

import numpy as np
import pytest

from chainrule.course import week4 as w


def test_initialize_parameters():
    p = w.initialize_parameters(3, 2, 1)
    np.testing.assert_allclose(p["W1"], [[0.01624345, -0.00611756, -0.00528172], [-0.01072969, 0.00865408, -0.02301539]], atol=5e-9)
    np.testing.assert_allclose(p["W2"], [[0.01744812, -0.00761207]], atol=5e-9)
    assert p["b1"].shape == (2, 1) and not p["b1"].any()


def test_initialize_parameters_deep():
    p = w.initialize_parameters_deep([5, 4, 3])
    np.testing.assert_allclose(p["W1"][0], [0.01788628, 0.0043651, 0.00096497, -0.01863493, -0.00277388], atol=5e-9)
    np.testing.assert_allclose(p["W2"][0], [-0.01185047, -0.0020565, 0.01486148, 0.00236716], atol=5e-9)
    assert p["b2"].shape == (3, 1)


def test_linear_forward():
    np.random.seed(1)
    A, W, b = np.random.randn(3, 2), np.random.randn(1, 3), np.random.randn(1, 1)
    Z, cache = w.linear_forward(A, W, b)
    np.testing.assert_allclose(Z, [[3.26295337, -1.23429987]], atol=5e-9)
    assert cache[0] is A and cache[1] is W and cache[2] is b


def test_linear_activation_forward():
    np.random.seed(2)
    A_prev, W, b = np.random.randn(3, 2), np.random.randn(1, 3), np.random.randn(1, 1)
    A, ((A_cached, _, _), _) = w.linear_activation_forward(A_prev, W, b, "sigmoid")
    np.testing.assert_allclose(A, [[0.96890023, 0.11013289]], atol=5e-9)
    A, _ = w.linear_activation_forward(A_prev, W, b, "relu")
    np.testing.assert_allclose(A, [[3.43896131, 0.0]], atol=5e-9)
    assert A_cached is A_prev


def test_L_model_forward():
    np.random.seed(6)
    X = np.random.randn(5, 4)
    params = {}
    for l, (n, n_prev) in enumerate([(4, 5), (3, 4), (1, 3)], start=1):
        params[f"W{l}"], params[f"b{l}"] = np.random.randn(n, n_prev), np.random.randn(n, 1)
    AL, caches = w.L_model_forward(X, params)
    np.testing.assert_allclose(AL, [[0.03921668, 0.70498921, 0.19734387, 0.04728177]], atol=5e-9)
    assert len(caches) == 3


def test_compute_cost():
    cost = w.compute_cost(np.array([[0.8, 0.9, 0.4]]), np.array([[1, 1, 0]]))
    assert isinstance(cost, np.ndarray) and cost.shape == ()
    assert float(cost) == pytest.approx(0.2797765635793422, rel=1e-15)


def test_linear_backward():
    np.random.seed(1)
    dZ, A, W, b = np.random.randn(3, 4), np.random.randn(5, 4), np.random.randn(3, 5), np.random.randn(3, 1)
    dA_prev, dW, db = w.linear_backward(dZ, (A, W, b))
    np.testing.assert_allclose(db, [[-0.14713786], [-0.11313155], [-0.13209101]], atol=5e-9)
    np.testing.assert_allclose(dW, dZ @ A.T / 4)
    np.testing.assert_allclose(dA_prev, W.T @ dZ)
    assert dA_prev.shape == (5, 4) and dW.shape == (3, 5)


def test_linear_activation_backward():
    np.random.seed(2)
    dA, A, W, b, Z = (np.random.randn(1, 2), np.random.randn(3, 2), np.random.randn(1, 3), np.random.randn(1, 1),
                      np.random.randn(1, 2))
    dA_prev, dW, db = w.linear_activation_backward(dA, ((A, W, b), Z), "sigmoid")
    np.testing.assert_allclose(dA_prev, [[0.11017994, 0.01105339], [0.09466817, 0.00949723], [-0.05743092, -0.00576154]], atol=5e-9)
    np.testing.assert_allclose(dW, [[0.10266786, 0.09778551, -0.01968084]], atol=5e-9)
    np.testing.assert_allclose(db, [[-0.05729622]], atol=5e-9)
    dA_prev, dW, db = w.linear_activation_backward(dA, ((A, W, b), Z), "relu")
    np.testing.assert_allclose(dA_prev, [[0.44090989, 0.0], [0.37883606, 0.0], [-0.2298228, 0.0]], atol=5e-9)
    np.testing.assert_allclose(dW, [[0.44513824, 0.37371418, -0.10478989]], atol=5e-9)
    np.testing.assert_allclose(db, [[-0.20837892]], atol=5e-9)


def test_L_model_backward():
    """The course's test feeds an AL that is not σ(Z[L]) (not even a probability): the full chain is needed."""
    np.random.seed(3)
    AL, Y = np.random.randn(1, 2), np.array([[1, 0]])
    A1, W1, b1, Z1 = np.random.randn(4, 2), np.random.randn(3, 4), np.random.randn(3, 1), np.random.randn(3, 2)
    A2, W2, b2, Z2 = np.random.randn(3, 2), np.random.randn(1, 3), np.random.randn(1, 1), np.random.randn(1, 2)
    grads = w.L_model_backward(AL, Y, (((A1, W1, b1), Z1), ((A2, W2, b2), Z2)))
    assert list(grads) == ["dA1", "dW2", "db2", "dA0", "dW1", "db1"]
    np.testing.assert_allclose(grads["dW2"], [[-0.39202432, -0.13325855, -0.04601089]], atol=5e-9)
    np.testing.assert_allclose(grads["db2"], [[0.15187861]], atol=5e-9)
    np.testing.assert_allclose(grads["db1"], [[-0.22007063], [0.0], [-0.02835349]], atol=5e-9)
    np.testing.assert_allclose(grads["dW1"], [[0.41010002, 0.07807203, 0.13798444, 0.10502167], [0, 0, 0, 0],
                                              [0.05283652, 0.01005865, 0.01777766, 0.0135308]], atol=5e-9)
    np.testing.assert_allclose(grads["dA1"], [[0.12913162, -0.44014127], [-0.14175655, 0.48317296],
                                              [0.01663708, -0.05670698]], atol=5e-9)
    np.testing.assert_allclose(grads["dA0"], [[0.0, 0.52257901], [0.0, -0.3269206], [0.0, -0.32070404],
                                              [0.0, -0.74079187]], atol=5e-9)


def test_update_parameters():
    np.random.seed(2)
    params = {"W1": np.random.randn(3, 4), "b1": np.random.randn(3, 1), "W2": np.random.randn(1, 3), "b2": np.random.randn(1, 1)}
    np.random.seed(3)
    grads = {"dW1": np.random.randn(3, 4), "db1": np.random.randn(3, 1), "dW2": np.random.randn(1, 3), "db2": np.random.randn(1, 1)}
    before = {k: v.copy() for k, v in params.items()}
    new = w.update_parameters(params, grads, 0.1)
    np.testing.assert_allclose(new["W1"][0], [-0.59562069, -0.09991781, -2.14584584, 1.82662008], atol=5e-9)
    np.testing.assert_allclose(new["b1"], [[-0.04659241], [-1.28888275], [0.53405496]], atol=5e-9)
    np.testing.assert_allclose(new["W2"], [[-0.55569196, 0.0354055, 1.32964895]], atol=5e-9)
    np.testing.assert_allclose(new["b2"], [[-0.84610769]], atol=5e-9)
    for key in before:  # the input is not mutated
        np.testing.assert_array_equal(params[key], before[key])


def test_activation_helpers():
    Z = np.array([[-1.0, 2.0]])
    A, cache = w.relu(Z)
    assert cache is Z and np.array_equal(A, [[0, 2]])
    np.testing.assert_array_equal(w.relu_backward(np.array([[3.0, 4.0]]), Z), [[0, 4]])
    s = 1 / (1 + np.exp(-Z))
    np.testing.assert_allclose(w.sigmoid_backward(np.ones((1, 2)), Z), s * (1 - s))
