"""Course 2 function API (initialization, regularization, optimization) against the course's published values."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule.course import initialization as init
from chainrule.course import optimization as opt
from chainrule.course import regularization as reg
from conftest import assert_close

# -- initialization (published values: course-published-values.md 5.1) ----------------------------


def test_initializers_give_the_courses_weights():  # printed to 8 decimals: agree to half a unit of the last
    he = init.initialize_parameters_he([2, 4, 1])
    assert_close(he["W1"], [[1.78862847, 0.43650985], [0.09649747, -1.8634927], [-0.2773882, -0.35475898], [-0.08274148, -0.62700068]],
                 rtol=0, atol=5e-9, name="W1 (He)")
    assert_close(he["W2"], [[-0.03098412, -0.33744411, -0.92904268, 0.62552248]], rtol=0, atol=5e-9, name="W2 (He)")
    random = init.initialize_parameters_random([3, 2, 1])
    assert_close(random["W1"], [[17.88628473, 4.36509851, 0.96497468], [-18.63492703, -2.77388203, -3.54758979]], rtol=0, atol=5e-9)
    assert_close(random["W2"], [[-0.82741481, -6.27000677]], rtol=0, atol=5e-9)
    assert all(not value.any() for value in init.initialize_parameters_zeros([3, 2, 1]).values())


HE_TRACE = [0.8830537463419761, 0.6879825919728063, 0.6751286264523371, 0.6526117768893807, 0.6082958970572938,
            0.5304944491717495, 0.4138645817071794, 0.3117803464844441, 0.23696215330322562, 0.18597287209206836,
            0.1501555628037182, 0.12325079292273548, 0.09917746546525937, 0.0845705595402428, 0.07357895962677366]


def test_he_model_reproduces_the_courses_trace_and_accuracies(capsys):
    train_X, train_Y, test_X, test_Y = init.load_dataset()
    parameters = init.model(train_X, train_Y, initialization="he")
    printed = [float(line.split(": ")[1]) for line in capsys.readouterr().out.splitlines()]
    assert printed == pytest.approx(HE_TRACE, rel=1e-9)
    init.predict(train_X, train_Y, parameters)
    init.predict(test_X, test_Y, parameters)
    assert capsys.readouterr().out == "Accuracy: 0.9933333333333333\nAccuracy: 0.96\n"


def test_zero_initialization_never_breaks_symmetry(capsys):
    train_X, train_Y, test_X, test_Y = init.load_dataset()
    parameters = init.model(train_X, train_Y, initialization="zeros", num_iterations=2000)
    assert capsys.readouterr().out == "Cost after iteration 0: 0.6931471805599453\nCost after iteration 1000: 0.6931471805599453\n"
    assert not parameters["W1"].any()  # every unit identical, and here all stay zero
    init.predict(train_X, train_Y, parameters)
    init.predict(test_X, test_Y, parameters)
    assert capsys.readouterr().out == "Accuracy: 0.5\nAccuracy: 0.5\n"


# -- regularization (5.2) ------------------------------------------------------------------------------


def seeded_parameters():
    np.random.seed(1)
    return {name: np.random.randn(*shape) for name, shape in
            [("W1", (2, 3)), ("b1", (2, 1)), ("W2", (3, 2)), ("b2", (3, 1)), ("W3", (1, 3)), ("b3", (1, 1))]}


def test_compute_cost_with_regularization_is_the_courses():
    a3 = np.array([[0.40682402, 0.01629284, 0.16722898, 0.10118111, 0.40682402]])
    cost = reg.compute_cost_with_regularization(a3, np.array([[1, 1, 0, 1, 0]]), seeded_parameters(), lambd=0.1)
    assert f"{cost:.11f}" == "1.78648594516"


def test_forward_propagation_with_dropout_is_the_courses():
    np.random.seed(1)
    X = np.random.randn(3, 5)
    parameters = {name: np.random.randn(*shape) for name, shape in
                  [("W1", (2, 3)), ("b1", (2, 1)), ("W2", (3, 2)), ("b2", (3, 1)), ("W3", (1, 3)), ("b3", (1, 1))]}
    A3, cache = reg.forward_propagation_with_dropout(X, parameters, keep_prob=0.7)
    assert_close(A3, [[0.36974721, 0.00305176, 0.04565099, 0.49683389, 0.36974721]], rtol=0, atol=5e-9, name="A3")  # printed to 8 decimals
    assert cache[1].shape == (2, 5) and cache[6].shape == (3, 5)


def test_backward_functions_agree_with_the_core():
    X = np.random.default_rng(0).standard_normal((3, 6))
    Y = np.array([[1, 0, 1, 1, 0, 0]])
    parameters = seeded_parameters()
    net = cr.Network.from_parameters(parameters, reg.ACTIVATIONS)
    AL, caches = net.forward(X)
    (_, Z1), ((A1, _, _), Z2), ((A2, _, _), Z3) = caches
    cache = (Z1, A1, parameters["W1"], parameters["b1"], Z2, A2, parameters["W2"], parameters["b2"], Z3, AL,
             parameters["W3"], parameters["b3"])
    grads = reg.backward_propagation_with_regularization(X, Y, cache, lambd=0.7)
    expected = net.backward(Y, caches, lambd=0.7)
    for key in grads:
        assert_close(grads[key], expected[key], rtol=1e-12, name=key)
    _, dropout_cache = reg.forward_propagation_with_dropout(X, parameters, keep_prob=0.8)
    masks = {1: dropout_cache[1], 2: dropout_cache[6]}
    grads = reg.backward_propagation_with_dropout(X, Y, dropout_cache, keep_prob=0.8)
    expected = net.backward(Y, net.forward(X, masks, 0.8)[1], masks=masks, keep_prob=0.8)
    for key in grads:
        assert_close(grads[key], expected[key], rtol=1e-12, name=f"{key} (dropout)")


# -- optimization --------------------------------------------------------------------------------------


def test_random_mini_batches_follow_the_courses_recipe():
    np.random.seed(1)
    X, Y = np.random.randn(12288, 148), (np.random.randn(1, 148) < 0.5)
    batches = opt.random_mini_batches(X, Y, 64, seed=0)
    assert [b[0].shape for b in batches] == [(12288, 64), (12288, 64), (12288, 20)]
    np.random.seed(0)
    permutation = np.random.permutation(148)
    assert np.array_equal(batches[0][0], X[:, permutation[:64]]) and np.array_equal(batches[2][1], Y[:, permutation[128:]])


def test_momentum_and_adam_in_the_courses_form():
    parameters = {"W1": np.array([[1.0]]), "b1": np.array([[0.0]])}
    grads = {"dW1": np.array([[0.5]]), "db1": np.array([[-1.0]])}
    v = opt.initialize_velocity(parameters)
    assert set(v) == {"dW1", "db1"} and not v["dW1"].any()
    parameters, v = opt.update_parameters_with_momentum(parameters, grads, v, beta=0.9, learning_rate=0.1)
    assert v["dW1"][0, 0] == pytest.approx(0.05) and parameters["W1"][0, 0] == pytest.approx(1 - 0.005)
    parameters = {"W1": np.array([[1.0]]), "b1": np.array([[0.0]])}
    v, s = opt.initialize_adam(parameters)
    parameters, v, s, v_corrected, s_corrected = opt.update_parameters_with_adam(parameters, grads, v, s, t=1, learning_rate=0.1)
    assert v_corrected["dW1"][0, 0] == pytest.approx(0.5) and s_corrected["db1"][0, 0] == pytest.approx(1.0)
    assert parameters["W1"][0, 0] == pytest.approx(1 - 0.1 * 0.5 / (0.5 + 1e-8))
    assert opt.update_parameters_with_gd({"W1": np.ones((1, 1))}, {"dW1": np.ones((1, 1))}, 0.25)["W1"][0, 0] == 0.75


def test_learning_rate_decay_functions():
    assert opt.update_lr(0.5, 2, 1) == pytest.approx(0.5 / 3)
    assert opt.schedule_lr_decay(0.5, 100, 1) == 0.5
    assert opt.schedule_lr_decay(0.5, 1000, 1) == pytest.approx(0.25)


def test_adam_beats_mini_batch_gradient_descent_on_the_moons():
    X, Y = opt.load_dataset()
    accuracy = {}
    for name in ("gd", "adam"):
        parameters = opt.model(X, Y, [2, 5, 2, 1], name, num_epochs=500, print_cost=False)
        accuracy[name] = cr.Network.from_parameters(parameters, ["relu", "sigmoid"]).accuracy(X, Y)
    assert accuracy["adam"] > 0.9 > accuracy["gd"] + 0.1
