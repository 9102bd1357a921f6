"""Softmax output with the categorical cross-entropy: values, gradients against autograd, labels."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule.activations import softmax
from chainrule.losses import categorical_cross_entropy, one_hot
from conftest import assert_close
from reference import reference_cost, reference_grads, total, zero_offsets


def softmax_problem(layer_dims, m, seed):
    """X (n_x, m), one-hot Y (n[L], m) and parameters from a seeded generator."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((layer_dims[0], m))
    Y = one_hot(rng.integers(0, layer_dims[-1], size=m), layer_dims[-1])
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters[f"W{l}"] = rng.standard_normal((layer_dims[l], layer_dims[l - 1])) / np.sqrt(layer_dims[l - 1])
        parameters[f"b{l}"] = rng.standard_normal((layer_dims[l], 1)) * 0.1
    return X, Y, parameters


def test_softmax_by_hand():
    Z = np.array([[1.0, 0.0], [2.0, 0.0], [3.0, 0.0]])
    e = np.exp([1.0, 2.0, 3.0])
    assert_close(softmax(Z)[:, 0], e / e.sum(), rtol=1e-15)
    assert_close(softmax(Z)[:, 1], [1 / 3] * 3, rtol=1e-15)
    with np.errstate(all="raise"):  # shifted by the column max: no overflow
        A = softmax(np.array([[1000.0], [999.0]]))
    assert_close(A[:, 0], [1 / (1 + np.exp(-1)), np.exp(-1) / (1 + np.exp(-1))], rtol=1e-12)
    assert softmax(Z.astype(np.float32)).dtype == np.float32


def test_categorical_cross_entropy_by_hand():
    AL = np.array([[0.7, 0.1], [0.2, 0.3], [0.1, 0.6]])
    Y = np.array([[1, 0], [0, 0], [0, 1]])
    assert_close(categorical_cross_entropy(AL, Y), [[-np.log(0.7), -np.log(0.6)]], rtol=1e-15)
    assert cr.cost(AL, Y, "categorical_cross_entropy") == pytest.approx(-(np.log(0.7) + np.log(0.6)) / 2, rel=1e-15)


def architectures():
    hidden = ["sigmoid", "tanh", "relu", "leaky_relu", "linear"]
    rng = np.random.default_rng(7)
    cases = []
    for i in range(6):
        L = int(rng.integers(1, 4))
        dims = [int(n) for n in rng.integers(1, 6, size=L)] + [int(rng.integers(2, 6))]
        activations = [hidden[int(j)] for j in rng.integers(0, len(hidden), size=L - 1)] + ["softmax"]
        cases.append((dims, activations, [1, 3, 8][i % 3], i))
    return cases


@pytest.mark.parametrize("convention", ["loss", "cost"])
@pytest.mark.parametrize(("dims", "activations", "m", "seed"), architectures())
def test_softmax_gradients_match_autograd(dims, activations, m, seed, convention):
    X, Y, params = softmax_problem(dims, m, seed)
    net = cr.Network.from_parameters(params, activations)
    assert net.loss == "categorical_cross_entropy"  # picked from the output activation
    AL, caches = net.forward(X)
    grads = net.backward(Y, caches, convention=convention)
    expected = reference_grads(params, X, Y, activations, convention)
    assert set(grads) == set(expected)
    for key in expected:
        assert_close(grads[key], expected[key], rtol=1e-9, atol=1e-13, name=f"{key} ({convention})")
    assert net.cost(AL, Y) == pytest.approx(reference_cost(params, X, Y, activations), rel=1e-12)


def test_fused_dZ_is_A_minus_Y_per_example_or_over_m():
    X, Y, params = softmax_problem([3, 4, 3], 5, seed=1)
    net = cr.Network.from_parameters(params, ["tanh", "softmax"])
    AL, caches = net.forward(X)
    assert_close(net.backward(Y, caches, "loss")["dZ2"], AL - Y, rtol=1e-15)
    assert_close(net.backward(Y, caches, "cost")["dZ2"], (AL - Y) / 5, rtol=1e-15)
    table = cr.compare_conventions(net, X, Y)
    assert table.identities_hold and table["dZ2"]["ratio"] == pytest.approx(5)


def test_negative_control_the_elementwise_chain_is_wrong_for_softmax():
    """dA * A(1 − A), the 'diagonal' of the softmax Jacobian, is not ∂L/∂Z: the reference catches it."""
    X, Y, params = softmax_problem([3, 4, 3], 6, seed=2)
    activations = ["tanh", "softmax"]
    AL, _ = cr.Network.from_parameters(params, activations).forward(X)
    wrong_dZ = (-Y / AL) * AL * (1 - AL)
    expected = reference_grads(params, X, Y, activations, "loss")["dZ2"]
    with pytest.raises(AssertionError):
        assert_close(wrong_dZ, expected, rtol=1e-6, name="dZ2 by the elementwise chain")


def test_softmax_dZ_matches_finite_differences():
    X, Y, params = softmax_problem([2, 3, 4], 3, seed=5)
    activations = ["relu", "softmax"]
    net = cr.Network.from_parameters(params, activations)
    dZ2 = net.backward(Y, net.forward(X)[1], "loss")["dZ2"]
    offsets = zero_offsets(params, X, activations)
    numeric = np.zeros_like(dZ2)
    for index in np.ndindex(dZ2.shape):
        for sign in (1, -1):
            offsets["Z2"][index] = sign * 1e-6
            numeric[index] += sign * total(params, offsets, X, Y, activations, "sum") / 2e-6
        offsets["Z2"][index] = 0.0
    assert_close(dZ2, numeric, rtol=1e-6, atol=1e-9, name="dZ2")


def test_softmax_only_as_output_and_with_classes():
    with pytest.raises(cr.ChainruleError, match="softmax is only valid as the output activation"):
        cr.Network([3, 4, 2], ["softmax", "softmax"])
    with pytest.raises(cr.ChainruleError, match="n\\[L\\] >= 2 classes"):
        cr.Network([3, 4, 1], ["relu", "softmax"])
    with pytest.raises(cr.ChainruleError, match="no elementwise derivative"):
        cr.ACTIVATIONS["softmax"].g_prime(np.zeros((2, 1)))
    with pytest.raises(cr.ChainruleError, match="categorical_cross_entropy needs an output activation in \\['softmax'\\]"):
        cr.Network([3, 4, 2], ["relu", "sigmoid"], loss="categorical_cross_entropy")


def test_labels_one_hot_predict_and_accuracy():
    assert_close(one_hot([2, 0, 1], 3), [[0, 1, 0], [0, 0, 1], [1, 0, 0]])
    with pytest.raises(cr.ChainruleError, match="integers 0..2"):
        one_hot([0, 3], 3)
    X, Y, params = softmax_problem([3, 5, 4], 12, seed=3)
    net = cr.Network.from_parameters(params, ["relu", "softmax"])
    predictions = net.predict(X)
    assert predictions.shape == (1, 12)
    assert np.array_equal(predictions[0], np.argmax(net.predict_proba(X), axis=0))
    labels = np.argmax(Y, axis=0).reshape(1, -1)
    assert net.accuracy(X, Y) == net.accuracy(X, labels) == np.mean(predictions == labels)
    with pytest.raises(cr.ChainruleError, match="one-hot columns"):
        net.cost(net.predict_proba(X), Y * 2)


def test_fit_learns_three_classes():
    rng = np.random.default_rng(0)
    centers = np.array([[0.0, 3.0, -3.0], [3.0, -2.0, -2.0]])
    labels = rng.integers(0, 3, size=150)
    X = centers[:, labels] + rng.standard_normal((2, 150)) * 0.6
    net = cr.Network([2, 8, 3], ["relu", "softmax"], seed=0)
    history = net.fit(X, labels.reshape(1, -1), learning_rate=0.5, num_iterations=200)
    assert history.costs[-1] < 0.2 * history.costs[0]
    assert net.accuracy(X, labels.reshape(1, -1)) > 0.95
