"""chainrule.course.week3 reproduces the course's week-3 notebook: test cases, the flower, its cost trace."""

from __future__ import annotations

import numpy as np
import pytest

from chainrule.course import week3 as w
from chaotic_tail import TAIL, assert_flower_accuracy, assert_in_band


@pytest.fixture(scope="module")
def flower():
    return w.load_planar_dataset()


def test_flower_data(flower):
    X, Y = flower
    assert X.shape == (2, 400) and Y.shape == (1, 400) and Y.dtype == np.uint8
    assert Y[0, :200].sum() == 0 and Y[0, 200:].sum() == 200


def test_layer_sizes():
    np.random.seed(1)
    X, Y = np.random.randn(5, 3), np.random.randn(2, 3)
    assert w.layer_sizes(X, Y) == (5, 4, 2)


def test_initialize_parameters_draws_from_the_global_stream():
    np.random.seed(2)  # the original notebook's seed
    p = w.initialize_parameters(2, 4, 1)
    np.testing.assert_allclose(p["W1"], [[-0.00416758, -0.00056267], [-0.02136196, 0.01640271],
                                         [-0.01793436, -0.00841747], [0.00502881, -0.01245288]], atol=5e-9)
    np.testing.assert_allclose(p["W2"], [[-0.01057952, -0.00909008, 0.00551454, 0.02292208]], atol=5e-9)
    assert p["b2"].shape == (1, 1)


def _backward_case():
    np.random.seed(1)
    X = np.random.randn(2, 3)
    Y = np.random.randn(1, 3) > 0
    parameters = {
        "W1": np.array([[-0.00416758, -0.00056267], [-0.02136196, 0.01640271],
                        [-0.01793436, -0.00841747], [0.00502881, -0.01245288]]),
        "W2": np.array([[-0.01057952, -0.00909008, 0.00551454, 0.02292208]]),
        "b1": np.zeros((4, 1)),
        "b2": np.zeros((1, 1)),
    }
    cache = {
        "A1": np.array([[-0.00616578, 0.0020626, 0.00349619], [-0.05225116, 0.02725659, -0.02646251],
                        [-0.02009721, 0.0036869, 0.02883756], [0.02152675, -0.01385234, 0.02599885]]),
        "A2": np.array([[0.5002307, 0.49985831, 0.50023963]]),
    }
    return parameters, cache, X, Y


def test_backward_propagation_uses_the_cached_activations():
    parameters, cache, X, Y = _backward_case()
    grads = w.backward_propagation(parameters, cache, X, Y)
    np.testing.assert_allclose(grads["dW1"], [[0.00301023, -0.00747267], [0.00257968, -0.00641288],
                                              [-0.00156892, 0.003893], [-0.00652037, 0.01618243]], atol=5e-8)
    np.testing.assert_allclose(grads["db1"], [[0.00176201], [0.00150995], [-0.00091736], [-0.00381422]], atol=5e-8)
    np.testing.assert_allclose(grads["dW2"], [[0.00078841, 0.01765429, -0.00084166, -0.01022527]], atol=5e-8)
    np.testing.assert_allclose(grads["db2"], [[-0.16655712]], atol=5e-8)


def test_compute_cost():
    np.random.seed(1)
    Y = np.random.randn(1, 3) > 0
    cost = w.compute_cost(np.array([[0.5002307, 0.49985831, 0.50023963]]), Y)
    assert isinstance(cost, float)
    assert cost == pytest.approx(0.6930587610394646, rel=1e-12)


def test_update_parameters():
    p = {"W1": np.array([[-0.00615039, 0.0169021], [-0.02311792, 0.03137121], [-0.0169217, -0.01752545], [0.00935436, -0.05018221]]),
         "W2": np.array([[-0.0104319, -0.04019007, 0.01607211, 0.04440255]]),
         "b1": np.array([[-8.97523455e-07], [8.15562092e-06], [6.04810633e-07], [-2.54560700e-06]]),
         "b2": np.array([[9.14954378e-05]])}
    g = {"dW1": np.array([[0.00023322, -0.00205423], [0.00082222, -0.00700776], [-0.00031831, 0.0028636], [-0.00092857, 0.00809933]]),
         "dW2": np.array([[-1.75740039e-05, 3.70231337e-03, -1.25683095e-03, -2.55715317e-03]]),
         "db1": np.array([[1.05570087e-07], [-3.81814487e-06], [-1.90155145e-07], [5.46467802e-07]]),
         "db2": np.array([[-1.08923140e-05]])}
    new = w.update_parameters(p, g)
    np.testing.assert_allclose(new["W1"], [[-0.00643025, 0.01936718], [-0.02410458, 0.03978052],
                                           [-0.01653973, -0.02096177], [0.01046864, -0.05990141]], atol=5e-9)
    np.testing.assert_allclose(new["W2"], [[-0.01041081, -0.04463285, 0.01758031, 0.04747113]], atol=5e-9)
    np.testing.assert_allclose(new["b2"], [[0.00010457]], atol=5e-9)


# The 2021 notebook (np.random.seed(3) in nn_model, as ../shared/course-api.md specifies) prints this trace.
# From iteration 7000 on the run is chaotic (the BLAS kernel's rounding decides the last digits; see
# tests/chaotic_tail.py): the published copies differ there too, so the trace is asserted exactly up to
# 6000 and within the measured spread after, and the final accuracy (90.5 % or 90.75 %) within its spread.
TRACE_2021 = ["0.693162", "0.258625", "0.239334", "0.230802", "0.225528", "0.221845", "0.219094"]
# The original notebook (np.random.seed(2) inside initialize_parameters) prints this one, stable to 7000.
TRACE_ORIGINAL = ["0.693048", "0.288083", "0.254385", "0.233864", "0.226792", "0.222644", "0.219731", "0.217504"]


def test_nn_model_reproduces_the_published_trace(flower, capsys):
    X, Y = flower
    parameters = w.nn_model(X, Y, n_h=4, num_iterations=10000, print_cost=True)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Cost after iteration 0: 0.693162"
    assert len(lines) == 10
    for i, expected in enumerate(TRACE_2021):
        assert lines[i] == f"Cost after iteration {1000 * i}: {expected}"
    for i in range(len(TRACE_2021), 10):
        prefix, value = lines[i].rsplit(" ", 1)
        assert prefix == f"Cost after iteration {1000 * i}:"
        assert_in_band(float(value), TAIL["seed 3"][1000 * i], f"J at iteration {1000 * i}")
    predictions = w.predict(parameters, X)
    assert predictions.dtype == bool and predictions.shape == (1, 400)
    assert_flower_accuracy(np.mean(predictions == Y))


def test_original_notebook_seed_gives_90_75(flower, flower_course_run):
    X, Y = flower
    assert np.array_equal(flower_course_run["X"], X) and np.array_equal(flower_course_run["Y"], Y)
    np.random.seed(2)
    for key, value in w.initialize_parameters(2, 4, 1).items():  # the run starts where the notebook does
        np.testing.assert_array_equal(flower_course_run["initial"][key], value, err_msg=key)
    trace, parameters = flower_course_run["trace"], flower_course_run["final"]  # the course's loop, 10,000 steps (conftest)
    assert ["%f" % J for J in trace[: len(TRACE_ORIGINAL)]] == TRACE_ORIGINAL
    for J, i in zip(trace[len(TRACE_ORIGINAL):], (8000, 9000, 9999), strict=True):
        assert_in_band(float("%f" % J), TAIL["seed 2"][i], f"J at iteration {i}")
    assert_flower_accuracy(np.mean(w.predict(parameters, X) == Y))  # 90.75 % on many machines, 90.5 % on some


def test_nn_model_test_case(capsys):
    np.random.seed(1)
    X, Y = np.random.randn(2, 3), np.random.randn(1, 3) > 0
    parameters = w.nn_model(X, Y, 4, num_iterations=10000, print_cost=False)
    assert set(parameters) == {"W1", "b1", "W2", "b2"}
    assert capsys.readouterr().out == ""
