"""The training module's typed pieces: optimizer configurations, schedules, grouped options, TrainingState,
backward's TrainingBuffers, and Network.fit as the very same run under its old keyword names."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule import training
from chainrule.network import backward
from chainrule.optim import Adam, GradientDescent, InverseTimeDecay, Momentum, OptimizerConfig, RMSprop, optimizer_config
from chainrule.training import Evaluation, Regularization, TrainingState
from chainrule.workspace import PARAMETERS_ONLY, TrainingBuffers, Workspace
from conftest import random_problem


def moons(m=120, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((2, m))
    Y = (X[0:1] * X[1:2] > 0).astype(float)
    return X, Y


def test_network_fit_under_its_old_names_is_training_fit_with_the_objects():
    X, Y = moons()
    X_val, Y_val = moons(60, seed=1)
    old = cr.Network([2, 5, 1], ["relu", "sigmoid"], seed=3)
    new = cr.Network([2, 5, 1], ["relu", "sigmoid"], seed=3)
    h_old = old.fit(X, Y, 0.02, epochs=30, batch_size=32, optimizer="adam", beta1=0.8, beta2=0.99, epsilon=1e-7,
                    lambd=0.3, keep_prob=0.9, decay_rate=0.5, time_interval=10, validation_data=(X_val, Y_val),
                    patience=25, eval_every=2, seed=4)  # fmt: skip
    h_new = training.fit(new, X, Y, 0.02, 30, batch_size=32, optimizer=Adam(beta1=0.8, beta2=0.99, epsilon=1e-7),
                         schedule=InverseTimeDecay(0.5, 10), regularization=Regularization(0.3, 0.9),
                         evaluation=Evaluation((X_val, Y_val), patience=25, eval_every=2), seed=4)  # fmt: skip
    assert h_old.to_dict() == h_new.to_dict()
    assert all(np.array_equal(old.parameters[k], new.parameters[k]) for k in old.parameters)
    assert h_old.learning_rates[9] == 0.02 and h_old.learning_rates[10] == pytest.approx(0.02 / 1.5)
    assert isinstance(old.training_state, TrainingState) and old.training_state.epoch == len(h_old.costs)


def test_a_schedule_is_any_callable_of_the_initial_rate_and_the_epoch():
    X, Y = moons()
    net = cr.Network([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    history = net.fit(X, Y, 0.5, epochs=4, schedule=lambda alpha0, epoch: alpha0 / 2**epoch)
    assert history.learning_rates == [0.5, 0.25, 0.125, 0.0625]
    with pytest.raises(cr.ChainruleError, match="schedule must be a callable"):
        net.fit(X, Y, 0.5, epochs=4, schedule=0.5)


def test_optimizer_configurations_check_their_hyper_parameters():
    assert Momentum().hyper == {"beta": 0.9} and GradientDescent().hyper == {}
    assert RMSprop(epsilon=1e-6).hyper == {"beta2": 0.999, "epsilon": 1e-6}
    assert optimizer_config("adam", beta=5.0, beta1=0.5).hyper == {"beta1": 0.5, "beta2": 0.999, "epsilon": 1e-8}
    assert optimizer_config(Momentum(0.5)) == Momentum(0.5) and repr(Momentum(0.5)) == "Momentum(beta=0.5)"
    with pytest.raises(cr.ChainruleError, match=r"beta1 \(Adam's β₁\)"):
        Adam(beta1=1.0)
    with pytest.raises(cr.ChainruleError, match="epsilon"):
        RMSprop(epsilon=0.0)
    with pytest.raises(cr.ChainruleError, match="takes"):
        OptimizerConfig("gd", beta=0.9)
    with pytest.raises(cr.ChainruleError, match="unknown optimizer"):
        OptimizerConfig("sgd")


def test_a_configuration_updates_as_the_named_optimizer_with_its_hyper_parameters():
    parameters = {"W1": np.array([[1.0, -2.0]]), "b1": np.array([[0.5]])}
    grads = {"dW1": np.array([[0.3, -0.1]]), "db1": np.array([[0.2]])}
    spec = cr.optim.get_optimizer("adam")
    by_name, by_config = {k: v.copy() for k, v in parameters.items()}, {k: v.copy() for k, v in parameters.items()}
    state_name, state_config = spec.init(by_name), Adam(0.5, 0.9, 1e-4).init(by_config)
    for _ in range(3):
        spec.update(by_name, grads, state_name, 0.1, beta1=0.5, beta2=0.9, epsilon=1e-4)
        Adam(0.5, 0.9, 1e-4).update(by_config, grads, state_config, 0.1)
    assert all(np.array_equal(by_name[k], by_config[k]) for k in parameters) and state_config["t"] == 3
    with pytest.raises(AssertionError):  # negative control: other hyper-parameters, other parameters
        other = {k: v.copy() for k, v in parameters.items()}
        Adam(0.6, 0.9, 1e-4).update(other, grads, Adam().init(other), 0.1)
        assert all(np.array_equal(by_name[k], other[k]) for k in parameters)


def test_grouped_options_refuse_old_names_beside_their_object_and_unknown_names():
    X, Y = moons()
    net = cr.Network([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    with pytest.raises(cr.ChainruleError, match="give beta1 inside the optimizer object"):
        net.fit(X, Y, epochs=2, optimizer=Adam(), beta1=0.5)
    with pytest.raises(cr.ChainruleError, match="give lambd inside the regularization object"):
        net.fit(X, Y, epochs=2, regularization=Regularization(0.1), lambd=0.2)
    with pytest.raises(TypeError, match="unexpected keyword argument 'learning_rte'"):
        net.fit(X, Y, epochs=2, learning_rte=0.1)
    with pytest.raises(cr.ChainruleError, match=r"early stopping \(patience\) needs validation_data"):
        Evaluation(patience=3)
    with pytest.raises(cr.ChainruleError, match="keep_prob"):
        Regularization(keep_prob=0.0)
    with pytest.raises(cr.ChainruleError, match="time_interval"):
        net.fit(X, Y, epochs=2, time_interval=0)  # checked even without a decay, as before


def test_training_state_is_typed_and_still_reads_as_the_mapping_it_was():
    X, Y = moons()
    net = cr.Network([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    net.fit(X, Y, 0.1, epochs=3, optimizer="momentum", batch_size=40)
    state = net.training_state
    assert state.epoch == state["epoch"] == 3 and state["optimizer"] == "momentum" and state.convention == "loss"
    assert set(state.to_dict()) == {"optimizer", "optimizer_state", "epoch", "rng_state", "convention"}
    with pytest.raises(KeyError):
        state["epochs"]
    net.training_state = state.to_dict()  # a mapping becomes a TrainingState
    assert isinstance(net.training_state, TrainingState) and net.training_state == state
    with pytest.raises(cr.ChainruleError, match="needs optimizer, optimizer_state, epoch and rng_state"):
        net.training_state = {"epoch": 3}


@pytest.mark.parametrize("workspace", [None, Workspace()])
def test_backward_with_training_buffers_gives_the_same_dW_db_and_nothing_else(workspace):
    X, Y, parameters = random_problem([4, 5, 3, 1], m=7, seed=2)
    net = cr.Network.from_parameters(parameters, ["relu", "tanh", "sigmoid"])
    AL, caches = net.forward(X)
    plain = net.backward(Y, caches, need_dA0=False)
    k = 1 / X.shape[1]
    dZL = AL - Y
    copied = [((A.copy(), W, b), Z.copy()) for (A, W, b), Z in caches]  # a workspace's backward spends its caches
    buffers = PARAMETERS_ONLY if workspace is None else TrainingBuffers(workspace)
    grads = backward(copied, net.activations, k, dZL=dZL, need_dA0=False, buffers=buffers)
    assert sorted(grads) == sorted(key for key in plain if key[:2] in ("dW", "db"))
    for key, value in grads.items():
        np.testing.assert_allclose(value, plain[key], rtol=1e-12, atol=1e-15)
    assert workspace is None or len(workspace) > 0


def test_early_stopping_stops_exactly_patience_epochs_after_the_best():
    """Validation labels flipped: the validation cost rises as training learns, so the best epoch comes early."""
    X, Y = moons()
    net = cr.Network([2, 5, 1], ["tanh", "sigmoid"], seed=1)
    history = net.fit(X, Y, 0.5, epochs=200, evaluation=Evaluation((X, 1 - Y), patience=7, eval_every=1))
    assert history.stopped_early and len(history.costs) < 200
    assert history.first_epoch + len(history.costs) - 1 == history.best_epoch + 7
    assert history.val_costs[history.best_epoch] == min(history.val_costs)
