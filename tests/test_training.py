"""Optimizers, learning-rate decay, mini-batches, L2, dropout and the training loop."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule.optim import OPTIMIZERS, adam_bias_corrected, decayed_learning_rate, mini_batches
from chainrule.regularization import dropout_masks, l2_cost
from conftest import assert_close, random_problem
from reference import reference_grads, total, zero_offsets

# -- one step of each optimizer, worked by hand: W = 1, dW = 0.5, α = 0.1 ------------------------


def one_step(name, **hyper):
    optimizer = OPTIMIZERS[name]
    parameters = {"W1": np.array([[1.0]])}
    state = optimizer.init(parameters)
    optimizer.update(parameters, {"dW1": np.array([[0.5]])}, state, 0.1, **hyper)
    return parameters["W1"][0, 0], state


def test_gradient_descent_step_by_hand():
    W, state = one_step("gd")
    assert W == pytest.approx(1 - 0.1 * 0.5) and state == {}


def test_momentum_step_by_hand():
    W, state = one_step("momentum", beta=0.9)
    assert state["v"]["dW1"][0, 0] == pytest.approx(0.1 * 0.5)  # v = 0.9·0 + 0.1·0.5 = 0.05
    assert W == pytest.approx(1 - 0.1 * 0.05)


def test_rmsprop_step_by_hand():
    W, state = one_step("rmsprop", beta2=0.999, epsilon=1e-8)
    s = 0.001 * 0.25  # s = 0.999·0 + 0.001·0.5²
    assert state["s"]["dW1"][0, 0] == pytest.approx(s)
    assert W == pytest.approx(1 - 0.1 * 0.5 / (np.sqrt(s) + 1e-8))


def test_adam_step_by_hand_with_bias_correction():
    W, state = one_step("adam", beta1=0.9, beta2=0.999, epsilon=1e-8)
    assert state["t"] == 1
    # v = 0.05, s = 0.00025; v̂ = v / (1 − 0.9) = 0.5, ŝ = s / (1 − 0.999) = 0.25; step = 0.1 · 0.5 / (0.5 + 1e-8)
    assert W == pytest.approx(1 - 0.1 * 0.5 / (0.5 + 1e-8), rel=1e-15)
    optimizer = OPTIMIZERS["adam"]
    parameters = {"W1": np.array([[1.0]])}
    state = optimizer.init(parameters)
    for _ in range(2):
        optimizer.update(parameters, {"dW1": np.array([[0.5]])}, state, 0.1)
    v_corrected, s_corrected = adam_bias_corrected(state)
    assert state["t"] == 2 and v_corrected["dW1"][0, 0] == pytest.approx(0.5) and s_corrected["dW1"][0, 0] == pytest.approx(0.25)


def test_unknown_optimizer():
    with pytest.raises(cr.ChainruleError, match="unknown optimizer 'sgd'.*adam"):
        cr.Network([2, 1]).fit(np.ones((2, 3)), np.ones((1, 3)), optimizer="sgd")


def test_learning_rate_decay():
    assert decayed_learning_rate(0.5, 2, 1.0) == pytest.approx(0.5 / 3)
    assert decayed_learning_rate(0.5, 1999, 1.0, time_interval=1000) == pytest.approx(0.25)
    assert decayed_learning_rate(0.5, 999, 1.0, time_interval=1000) == 0.5


# -- mini-batches ----------------------------------------------------------------------------


def test_mini_batches_full_batches_then_the_remainder():
    X = np.arange(2 * 148, dtype=float).reshape(2, 148)
    Y = (np.arange(148) % 2).reshape(1, 148)
    batches = mini_batches(X, Y, 64, np.random.default_rng(0))
    assert [b[0].shape[1] for b in batches] == [64, 64, 20]
    columns = np.concatenate([b[0] for b in batches], axis=1)
    assert sorted(columns[0]) == list(X[0])  # a permutation of the examples
    assert not np.array_equal(columns, X)  # shuffled
    for X_batch, Y_batch in batches:  # labels travel with their examples
        assert np.array_equal(Y_batch[0], X_batch[0].astype(int) % 2)
    again = mini_batches(X, Y, 64, np.random.default_rng(0))
    assert all(np.array_equal(a[0], b[0]) for a, b in zip(batches, again, strict=True))
    assert [b[0].shape[1] for b in mini_batches(X[:, :128], Y[:, :128], 64, np.random.default_rng(0))] == [64, 64]


# -- L2 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("convention", ["loss", "cost"])
def test_l2_gradient_is_the_derivative_of_the_regularized_cost(convention):
    dims, activations, lambd, m = [3, 4, 2, 1], ["tanh", "relu", "sigmoid"], 0.7, 6
    X, Y, params = random_problem(dims, m, seed=11)
    net = cr.Network.from_parameters(params, activations)
    AL, caches = net.forward(X)
    grads = net.backward(Y, caches, convention, lambd=lambd)
    plain = reference_grads(params, X, Y, activations, convention)
    for l in (1, 2, 3):  # dW[l] = ∂J/∂W[l] of J = (1/m) Σ L + (λ/2m) Σ ‖W‖²; everything else unchanged
        assert_close(grads[f"dW{l}"], plain[f"dW{l}"] + lambd / m * params[f"W{l}"], rtol=1e-9, atol=1e-13, name=f"dW{l}")
        for key in (f"db{l}", f"dZ{l}", f"dA{l - 1}"):
            assert_close(grads[key], plain[key], rtol=1e-9, atol=1e-13, name=key)
    offsets = zero_offsets(params, X, activations)
    W2, eps = params["W2"], 1e-6

    def J():
        return total(params, offsets, X, Y, activations, "mean") + lambd / (2 * m) * sum(np.sum(params[f"W{l}"] ** 2) for l in (1, 2, 3))

    numeric = np.zeros_like(W2)
    for index in np.ndindex(W2.shape):
        saved = W2[index]
        W2[index] = saved + eps
        plus = J()
        W2[index] = saved - eps
        numeric[index] = (plus - J()) / (2 * eps)
        W2[index] = saved
    assert_close(grads["dW2"], numeric, rtol=1e-6, atol=1e-9, name="dW2 vs finite differences")
    assert net.cost(AL, Y, lambd=lambd) == pytest.approx(J(), rel=1e-12)
    table = cr.compare_conventions(net, X, Y, lambd=lambd)
    assert table.identities_hold and "(λ/m) W[l]" in str(table) and "λ = 0.7" in str(table)
    assert "no L2 term" in str(cr.compare_conventions(net, X, Y))


def test_l2_cost_by_hand():
    parameters = {"W1": np.array([[1.0, 2.0]]), "b1": np.array([[5.0]]), "W2": np.array([[3.0]])}
    assert l2_cost(parameters, 0.1, 4) == pytest.approx(0.1 / 8 * 14)  # biases are not penalised


# -- dropout ---------------------------------------------------------------------------------------


def test_dropout_masks_hidden_layers_only_with_the_keep_rate():
    masks = dropout_masks([5, 40, 30, 1], 500, 0.8, np.random.default_rng(0))
    assert sorted(masks) == [1, 2] and masks[1].shape == (40, 500) and masks[1].dtype == bool
    assert masks[1].mean() == pytest.approx(0.8, abs=0.01)


def test_dropout_backward_matches_finite_differences_of_the_dropped_forward():
    dims, activations, keep_prob = [3, 5, 4, 1], ["relu", "tanh", "sigmoid"], 0.6
    X, Y, params = random_problem(dims, 7, seed=3)
    net = cr.Network.from_parameters(params, activations)
    masks = dropout_masks(dims, 7, keep_prob, np.random.default_rng(1))
    caches = net.forward(X, masks, keep_prob)[1]
    (A1, _, _), _ = caches[1]
    Z1 = caches[0][1]
    assert_close(A1, np.maximum(Z1, 0) * masks[1] / keep_prob, rtol=1e-15, name="A1 after dropout")
    grads = net.backward(Y, caches, "loss", masks=masks, keep_prob=keep_prob)
    assert np.all(grads["dA1"][~masks[1]] == 0)
    for key in ("W1", "b2"):
        value, numeric = net.parameters[key], np.zeros_like(net.parameters[key])
        for index in np.ndindex(value.shape):
            saved = value[index]
            value[index] = saved + 1e-6
            plus = net.cost(net.forward(X, masks, keep_prob)[0], Y)
            value[index] = saved - 1e-6
            minus = net.cost(net.forward(X, masks, keep_prob)[0], Y)
            value[index] = saved
            numeric[index] = (plus - minus) / 2e-6
        assert_close(grads[f"d{key}"], numeric, rtol=1e-6, atol=1e-9, name=f"d{key} with dropout")


def test_negative_control_forgetting_the_mask_in_backward_is_caught():
    dims, activations, keep_prob = [3, 5, 1], ["relu", "sigmoid"], 0.5
    X, Y, params = random_problem(dims, 8, seed=4)
    net = cr.Network.from_parameters(params, activations)
    masks = dropout_masks(dims, 8, keep_prob, np.random.default_rng(2))
    caches = net.forward(X, masks, keep_prob)[1]
    right = net.backward(Y, caches, masks=masks, keep_prob=keep_prob)["dW1"]
    wrong = net.backward(Y, caches)["dW1"]  # the mask forgotten on the way back
    assert not np.allclose(right, wrong, rtol=1e-3)


# -- the training loop -----------------------------------------------------------------------------


def moons_like(m=200, seed=0):
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, np.pi, m)
    labels = rng.integers(0, 2, m)
    X = np.vstack([np.cos(t) + labels, np.sin(t) * (1 - 2 * labels) + 0.5 * labels]) + rng.normal(0, 0.15, (2, m))
    return X, labels.reshape(1, -1)


FULL_OPTIONS = {"optimizer": "adam", "batch_size": 32, "keep_prob": 0.8, "lambd": 0.1, "decay_rate": 0.1, "learning_rate": 0.01}


def test_fit_is_deterministic_given_a_seed():
    X, Y = moons_like()
    runs = []
    for seed in (3, 3, 4):
        net = cr.Network([2, 8, 4, 1], ["relu", "sigmoid"], seed=0)
        history = net.fit(X, Y, epochs=6, seed=seed, **FULL_OPTIONS)
        runs.append((net.parameters, history.costs))
    assert all(np.array_equal(runs[0][0][k], runs[1][0][k]) for k in runs[0][0]) and runs[0][1] == runs[1][1]
    assert not np.array_equal(runs[0][0]["W1"], runs[2][0]["W1"])


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "rmsprop", "adam"])
def test_every_optimizer_trains_and_both_conventions_agree(optimizer):
    X, Y = moons_like()
    nets = {c: cr.Network([2, 8, 1], ["tanh", "sigmoid"], seed=1) for c in ("loss", "cost")}
    histories = {c: net.fit(X, Y, 0.05, epochs=15, batch_size=64, optimizer=optimizer, convention=c) for c, net in nets.items()}
    assert histories["loss"].costs[-1] < histories["loss"].costs[0]
    assert_close(nets["loss"].parameters["W1"], nets["cost"].parameters["W1"], rtol=1e-9, atol=1e-12)


def test_history_records_metrics_and_learning_rates():
    X, Y = moons_like()
    X_val, Y_val = moons_like(80, seed=1)
    seen = []
    net = cr.Network([2, 8, 1], ["relu", "sigmoid"], seed=0)
    history = net.fit(X, Y, 0.1, epochs=5, batch_size=50, decay_rate=1.0, validation_data=(X_val, Y_val),
                      callback=lambda epoch, J: seen.append((epoch, J, len(net.history.val_accuracy))))
    assert len(history.costs) == 5 and history.epochs == [0, 1, 2, 3, 4]
    assert len(history.train_accuracy) == len(history.val_costs) == len(history.val_accuracy) == 5
    assert history.learning_rates == pytest.approx([0.1 / (1 + e) for e in range(5)])
    assert seen == [(e, history.costs[e], e + 1) for e in range(5)]
    assert history.val_accuracy[-1] == net.accuracy(X_val, Y_val)
    assert history.to_dict()["val_costs"] == history.val_costs


def test_full_batch_cost_is_before_the_update_and_mini_batch_cost_is_the_epoch_mean():
    X, Y = moons_like(60)
    net = cr.Network([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    J0 = net.cost(net.forward(X)[0], Y)
    assert net.fit(X, Y, 0.1, num_iterations=1).costs == [J0]
    net = cr.Network([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    history = net.fit(X, Y, 1e-12, epochs=1, batch_size=25)  # a tiny step: the batch costs are J0's parts
    assert history.costs[0] == pytest.approx(J0, rel=1e-9)


def test_early_stopping_restores_the_best_parameters():
    X, Y = moons_like(100)
    X_val, Y_val = moons_like(100, seed=5)
    X_val = X_val * 3  # a shifted validation set that training soon overfits against
    net = cr.Network([2, 16, 1], ["relu", "sigmoid"], seed=0)
    history = net.fit(X, Y, 0.05, epochs=300, optimizer="adam", validation_data=(X_val, Y_val), patience=5, eval_every=1)
    assert history.stopped_early and len(history.costs) < 300
    best = history.epochs.index(history.best_epoch)
    assert min(history.val_costs) == history.val_costs[best]
    assert net.cost(net.forward(X_val)[0], Y_val) == pytest.approx(history.val_costs[best], rel=1e-12)
    with pytest.raises(cr.ChainruleError, match="needs validation_data"):
        net.fit(X, Y, patience=3)


def test_prediction_never_drops_units():
    X, Y = moons_like()
    net = cr.Network([2, 16, 1], ["relu", "sigmoid"], seed=0)
    net.fit(X, Y, 0.01, epochs=3, batch_size=64, keep_prob=0.5, optimizer="adam")
    assert np.array_equal(net.predict_proba(X), net.predict_proba(X))


def test_bad_training_options():
    net = cr.Network([2, 1], ["sigmoid"])
    X, Y = np.ones((2, 4)), np.ones((1, 4))
    for options, message in [
        ({"keep_prob": 0}, r"keep_prob .* must be in \(0, 1\]"),
        ({"lambd": -1}, "lambd .* must be a finite number >= 0"),
        ({"batch_size": 0}, "batch_size must be a positive integer"),
        ({"epochs": 3, "num_iterations": 3}, "not both"),
        ({"resume": True}, "resume=True needs"),
    ]:
        with pytest.raises(cr.ChainruleError, match=message):
            net.fit(X, Y, **options)
