"""The fast training step computes the same formulas as the plain ones it replaces."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule.network import forward
from chainrule.optim import get_optimizer
from chaotic_tail import assert_flower_accuracy
from conftest import random_problem


def _reference_step(net, X, Y, learning_rate, convention, lambd, masks, keep_prob, optimizer, state):
    """forward, backward with every array kept, then the optimizer's update on new arrays."""
    _AL, caches = net.forward(X, masks, keep_prob)
    grads = net.backward(Y, caches, convention, lambd=lambd, masks=masks, keep_prob=keep_prob)
    parameters = {k: v.copy() for k, v in net.parameters.items()}
    get_optimizer(optimizer).update(parameters, grads, state, learning_rate)
    return parameters


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "adam"])
@pytest.mark.parametrize("convention", ["loss", "cost"])
@pytest.mark.parametrize(("lambd", "keep_prob"), [(0.0, 1.0), (0.7, 1.0), (0.0, 0.8), (0.3, 0.9)])
def test_train_step_matches_the_plain_formulas(optimizer, convention, lambd, keep_prob):
    X, Y, params = random_problem([6, 5, 4, 1], 9, seed=11)
    net = cr.Network.from_parameters(params, ["relu", "tanh", "sigmoid"])
    state = get_optimizer(optimizer).init(net.parameters)
    reference_state = get_optimizer(optimizer).init(net.parameters)
    masks = None
    if keep_prob < 1:
        from chainrule.regularization import dropout_masks

        masks = dropout_masks(net.layer_dims, 9, keep_prob, np.random.default_rng(5))
    expected = _reference_step(net, X, Y, 0.05, convention, lambd, masks, keep_prob, optimizer, reference_state)
    J = net.train_step(X, Y, 0.05, convention=convention, optimizer=optimizer, state=state, lambd=lambd,
                       keep_prob=keep_prob, rng=np.random.default_rng(5))  # fmt: skip
    assert np.isfinite(J)
    for key, value in expected.items():
        np.testing.assert_allclose(net.parameters[key], value, rtol=1e-12, atol=1e-15, err_msg=key)


def test_training_keeps_the_course_arithmetic_order(flower_course_run):
    """The fast step rounds exactly as W := W − α ((1/m) dZ A_prevᵀ): 10,000 flower steps equal the course's loop bit for bit.

    Compared side by side in one process (the same BLAS kernel), not against a final accuracy, which the
    chaotic tail of the run lets the machine decide (tests/chaotic_tail.py).
    """
    from chainrule.datasets import flower

    X, Y = flower()
    assert np.array_equal(flower_course_run["X"], X) and np.array_equal(flower_course_run["Y"], Y)
    net = cr.Network([2, 4, 1], ["tanh", "sigmoid"], initialization="scaled_normal", rng=np.random.RandomState(2))
    for key, value in flower_course_run["initial"].items():  # the course's loop started from these (conftest)
        np.testing.assert_array_equal(net.parameters[key], value, err_msg=key)
    for _ in range(10_000):
        net.train_step(X, Y.astype(float), 1.2)
    for key, value in flower_course_run["final"].items():  # the course's loop after 10,000 steps, learning rate 1.2
        np.testing.assert_array_equal(net.parameters[key], value, err_msg=key)
    assert_flower_accuracy(net.accuracy(X, Y))


def test_train_step_reports_a_non_finite_cost_without_updating():
    X, Y, params = random_problem([3, 2, 1], 4, seed=1)
    net = cr.Network.from_parameters(params, ["linear", "sigmoid"])
    net.parameters["W1"][...] = np.inf
    before = {k: v.copy() for k, v in net.parameters.items()}
    assert not np.isfinite(net.train_step(X, Y, 0.1))
    for key, value in before.items():
        np.testing.assert_array_equal(net.parameters[key], value)


def test_a_float32_network_trains_in_float32():
    X, Y, params = random_problem([4, 3, 1], 6, seed=0)
    net = cr.Network.from_parameters({k: v.astype(np.float32) for k, v in params.items()}, ["tanh", "sigmoid"])
    net.fit(X.astype(np.float32), Y, learning_rate=0.1, num_iterations=5)
    assert all(v.dtype == np.float32 for v in net.parameters.values())


def test_public_backward_still_returns_every_array_and_leaves_parameters_alone():
    X, Y, params = random_problem([3, 4, 1], 5, seed=3)
    net = cr.Network.from_parameters(params, ["relu", "sigmoid"])
    _, caches = forward(X, net.parameters, net.activations)
    grads = net.backward(Y, caches)
    assert set(grads) == {"dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1", "dA0"}
    assert not np.shares_memory(grads["dA1"], grads["dZ1"])
    for key, value in params.items():
        np.testing.assert_array_equal(net.parameters[key], value)
