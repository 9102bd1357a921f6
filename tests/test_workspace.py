"""Training writes into the same arrays at every step, and that changes no result, not even a last bit."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

import chainrule as cr
from chainrule import workspace as workspace_module
from chainrule.activations import ACTIVATIONS
from chainrule.optim import get_optimizer
from chainrule.workspace import KEEP, Workspace
from conftest import random_problem


@pytest.fixture
def always_workspace(monkeypatch):
    """Small test networks use the workspace too (normally only steps with an array of 64 KiB or more do)."""
    monkeypatch.setattr(workspace_module, "MIN_BYTES", 0)


ELEMENTWISE = [name for name, activation in ACTIVATIONS.items() if activation.elementwise]


@pytest.mark.parametrize("name", [*ELEMENTWISE, "softmax"])
def test_every_g_writes_the_same_values_into_out_and_over_Z(name):
    activation = ACTIVATIONS[name]
    rng = np.random.default_rng(3)
    Z = rng.standard_normal((5, 7)) * 4
    Z[0, :3] = [0.0, -0.0, 800.0]  # the kink, a signed zero, sigmoid's overflow side
    Z[1, :2] = [-800.0, 1e-310]
    expected = activation.g(Z.copy())
    out = np.full_like(Z, np.nan)
    assert activation.g(Z, out=out) is out
    np.testing.assert_array_equal(out, expected)
    Z_spent = Z.copy()
    np.testing.assert_array_equal(activation.g(Z_spent, out=Z_spent), expected)


@pytest.mark.parametrize("name", ELEMENTWISE)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_every_g_prime_writes_the_same_values_into_out_and_over_Z(name, dtype):
    activation = ACTIVATIONS[name]
    Z = (np.random.default_rng(4).standard_normal((6, 9)) * 3).astype(dtype)
    Z[0, :4] = [0.0, -0.0, 50.0, -50.0]
    expected = activation.g_prime(Z.copy())
    assert expected.dtype == dtype
    out = np.full_like(Z, np.nan)
    assert activation.g_prime(Z, out=out) is out
    np.testing.assert_array_equal(out, expected)
    Z_spent = Z.copy()
    np.testing.assert_array_equal(activation.g_prime(Z_spent, out=Z_spent), expected)


def test_scalars_still_work_without_out():
    assert float(ACTIVATIONS["sigmoid"].g(0.0)) == 0.5
    assert float(ACTIVATIONS["tanh"].g_prime(0.0)) == 1.0


def _plain_step(parameters, activations, X, Y, learning_rate, convention, optimizer, state, **hyper):
    """The step without workspace, in place or fused anything: the public forward, backward and update."""
    net = cr.Network.from_parameters(parameters, activations)
    _AL, caches = net.forward(X)
    grads = net.backward(Y, caches, convention)
    new = {k: v.copy() for k, v in parameters.items()}
    get_optimizer(optimizer).update(new, grads, state, learning_rate, **hyper)
    return new


@pytest.mark.parametrize("hidden", ELEMENTWISE)
@pytest.mark.parametrize("convention", ["loss", "cost"])
@pytest.mark.parametrize("optimizer", ["gd", "adam"])
def test_steps_in_the_workspace_are_bit_identical_to_plain_steps(hidden, convention, optimizer, always_workspace):
    """Eight steps on batches of two sizes (arrays reused, then replaced): every bit of every parameter as without it."""
    X, Y, params = random_problem([7, 6, 5, 1], 11, seed=21)
    activations = [hidden, "tanh", "sigmoid"]
    net = cr.Network.from_parameters(params, activations)
    reference = {k: v.copy() for k, v in params.items()}
    state, reference_state = get_optimizer(optimizer).init(params), get_optimizer(optimizer).init(params)
    for step in range(8):
        cols = slice(0, 11) if step % 3 else slice(2, 9)  # m = 11, then a smaller batch m = 7 now and then
        net.train_step(X[:, cols], Y[:, cols], 0.1, convention=convention, optimizer=optimizer, state=state)
        reference = _plain_step(reference, activations, X[:, cols], Y[:, cols], 0.1, convention, optimizer, reference_state)
        for key, value in reference.items():
            np.testing.assert_array_equal(net.parameters[key], value, err_msg=f"{key} after step {step}")
    assert len(net._workspace) > 0


def test_softmax_network_steps_are_bit_identical_in_float32(always_workspace):
    rng = np.random.default_rng(8)
    X = rng.standard_normal((4, 10)).astype(np.float32)
    Y = np.eye(3, dtype=np.float32)[:, rng.integers(0, 3, 10)]
    net = cr.Network([4, 6, 3], ["relu", "softmax"], dtype=np.float32, seed=1)
    reference = {k: v.copy() for k, v in net.parameters.items()}
    for step in range(4):
        net.train_step(X, Y, 0.2)
        reference = _plain_step(reference, ["relu", "softmax"], X, Y, 0.2, "loss", "gd", {})
        for key, value in reference.items():
            assert net.parameters[key].dtype == np.float32
            np.testing.assert_array_equal(net.parameters[key], value, err_msg=f"{key} after step {step}")


@pytest.mark.parametrize("hidden", ["relu", "leaky_relu", "linear", "tanh"])
def test_after_the_first_step_a_step_allocates_no_layer_sized_array(hidden):
    """The point of the workspace: from the second step on, nothing of (n[l], m) or (n[l], n[l-1]) size is new."""
    X, Y, params = random_problem([300, 400, 300, 1], 200, seed=2)
    net = cr.Network.from_parameters(params, [hidden, hidden, "sigmoid"])
    net.train_step(X, Y, 0.01)
    smallest_layer_array = 300 * 200 * 8  # Z[2], A[2], dA[2]: 469 KiB; dW[2] is 938 KiB
    # what a step still allocates: NumPy's fixed 64 KiB buffer for Z += b (b broadcast), (1, m) rows, (n[l], 1) columns
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        for _ in range(3):
            net.train_step(X, Y, 0.01)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert peak < smallest_layer_array / 4, f"a step allocated {peak} bytes at its peak"


def test_public_forward_and_backward_return_fresh_arrays(always_workspace):
    """Only train_step uses the workspace: what forward and backward hand to a user is never overwritten."""
    X, Y, params = random_problem([5, 4, 1], 6, seed=3)
    net = cr.Network.from_parameters(params, ["relu", "sigmoid"])
    AL, caches = net.forward(X)
    grads = net.backward(Y, caches)
    kept = {k: v.copy() for k, v in grads.items()}
    net.train_step(X, Y, 0.5)
    net.train_step(X, Y, 0.5)
    for key, value in kept.items():
        np.testing.assert_array_equal(grads[key], value, err_msg=key)
    assert not np.shares_memory(AL, net.forward(X)[0])


def test_the_workspace_keeps_a_bounded_number_of_shapes():
    ws = Workspace()
    first = ws.array("Z", 1, (3, 4), np.dtype(np.float64))
    assert ws.array("Z", 1, (3, 4), np.dtype(np.float64)) is first
    assert ws.array("Z", 1, (3, 4), np.dtype(np.float32)) is not first
    for m in range(5, 12):
        ws.array("Z", 1, (3, m), np.dtype(np.float64))
    assert len(ws) == KEEP
    assert ws.nbytes == 3 * 10 * 8 + 3 * 11 * 8


def test_only_steps_with_a_large_array_use_the_workspace():
    ws = Workspace()
    assert not ws.pays_off([2, 4, 1], 400, np.dtype(np.float64))  # the flower: 4 × 400 × 8 bytes = 12.5 KiB
    assert ws.pays_off([64, 64, 1], 256, np.dtype(np.float64))  # 64 × 256 × 8 = 128 KiB
    assert ws.pays_off([12288, 20, 1], 1, np.dtype(np.float32))  # dW1 is 20 × 12288 × 4 = 960 KiB even for m = 1
    X, Y, params = random_problem([2, 4, 1], 400, seed=1)
    net = cr.Network.from_parameters(params, ["tanh", "sigmoid"])
    net.train_step(X, Y, 1.2)
    assert len(net._workspace) == 0


def test_dropout_and_l2_steps_in_the_workspace_match_the_plain_formulas(always_workspace):
    """Masks drawn from the same generator, the L2 term in every dW: every bit as the public forward and backward."""
    from chainrule.regularization import dropout_masks

    X, Y, params = random_problem([6, 5, 4, 1], 9, seed=11)
    activations = ["relu", "tanh", "sigmoid"]
    net = cr.Network.from_parameters(params, activations)
    reference = cr.Network.from_parameters(params, activations)
    for step in range(3):
        net.train_step(X, Y, 0.05, lambd=0.5, keep_prob=0.8, rng=np.random.default_rng(step))
        masks = dropout_masks(reference.layer_dims, 9, 0.8, np.random.default_rng(step))
        _AL, caches = reference.forward(X, masks, 0.8)
        grads = reference.backward(Y, caches, "loss", lambd=0.5, masks=masks, keep_prob=0.8)
        updated = {k: v.copy() for k, v in reference.parameters.items()}
        get_optimizer("gd").update(updated, grads, {}, 0.05)
        reference.parameters = updated
        for key, value in updated.items():
            np.testing.assert_array_equal(net.parameters[key], value, err_msg=f"{key} after step {step}")
    assert len(net._workspace) > 0
