"""chainrule.course.gradient_checking against the course's published outputs (course 2, week 1)."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule.course import gradient_checking as gc
from conftest import assert_close
from reference import reference_grads

RIGHT = "\033[92mYour backward propagation works perfectly fine! difference = "
WRONG = "\033[93mThere is a mistake in the backward propagation! difference = "


def course_test_case():
    """gradient_check_n_test_case: seed 1; x = randn(4, 3), y = [1, 1, 0], then W1, b1, W2, b2, W3, b3."""
    np.random.seed(1)
    x = np.random.randn(4, 3)
    y = np.array([1, 1, 0])
    parameters = {}
    for name, shape in (("W1", (5, 4)), ("b1", (5, 1)), ("W2", (3, 5)), ("b2", (3, 1)), ("W3", (1, 3)), ("b3", (1, 1))):
        parameters[name] = np.random.randn(*shape)
    return x, y, parameters


def buggy_backward(X, Y, cache):
    """The learners' copy: dW2 doubled, db1 computed with 4/m instead of 1/m."""
    gradients = gc.backward_propagation_n(X, Y, cache)
    gradients["dW2"] = gradients["dW2"] * 2
    gradients["db1"] = gradients["db1"] * 4
    return gradients


def test_one_dimensional_check(capsys):
    assert gc.forward_propagation(2, 4) == 8 and gc.backward_propagation(2, 4) == 2
    difference = gc.gradient_check(2, 4, print_msg=True)
    assert difference == 2.919335883291695e-10  # the course's printed value, to the last digit
    assert capsys.readouterr().out == RIGHT + "2.919335883291695e-10\033[0m\n"
    gc.gradient_check(2, 4)
    assert capsys.readouterr().out == ""


def test_the_buggy_backward_is_reported_with_the_course_number(capsys):
    x, y, parameters = course_test_case()
    _, cache = gc.forward_propagation_n(x, y, parameters)
    difference = gc.gradient_check_n(parameters, buggy_backward(x, y, cache), x, y, 1e-7, True)
    # the course's 0.2850931567761623; the BLAS kernel decides the digits after the 10th (0.285093156780699 on
    # OpenBLAS's Sandybridge kernel), inputs moved by 1 ulp the ones after the 7th
    assert difference == pytest.approx(0.2850931567761623, rel=1e-6)
    assert capsys.readouterr().out.startswith(WRONG + "0.28509")


def test_the_correct_backward_passes_with_the_course_number(capsys):
    x, y, parameters = course_test_case()
    _, cache = gc.forward_propagation_n(x, y, parameters)
    gradients = gc.backward_propagation_n(x, y, cache)
    difference = gc.gradient_check_n(parameters, gradients, x, y, print_msg=True)
    # The course prints 1.1890913022840002e-07 (so does OpenBLAS's Haswell kernel, to 1e-9); this difference is
    # the finite differences' roundoff, so its digits are the machine's: 1.18904e-07 on the Sandybridge and
    # Prescott kernels, 1.07e-07 … 1.26e-07 with inputs moved by 1 ulp. What holds everywhere: it passes the
    # course's 2e-7 threshold, at this order of magnitude.
    assert 1e-7 < difference < 2e-7
    printed = capsys.readouterr().out
    assert printed.startswith(RIGHT + "1.") and printed.endswith("e-07\033[0m\n"), printed


@pytest.mark.parametrize(("off_by", "message"), [(2e-6, WRONG), (2e-8, RIGHT)], ids=["mistake", "works"])
def test_the_threshold_separates_a_small_mistake_from_roundoff(off_by, message, capsys):
    """A negative control on the course's 2e-7: a backward whose every gradient is off by a relative 2e-6
    (difference ≈ 1e-6) is a mistake, one off by 2e-8 (≈ 1e-8) works. ε = 1e-5 keeps the finite differences'
    own error (≈ 1e-9 here) well below both."""
    x, y, parameters = course_test_case()
    _, cache = gc.forward_propagation_n(x, y, parameters)
    gradients = {key: value * (1 + off_by) for key, value in gc.backward_propagation_n(x, y, cache).items()}
    difference = gc.gradient_check_n(parameters, gradients, x, y, epsilon=1e-5, print_msg=True)
    assert difference == pytest.approx(off_by / 2, rel=0.2)  # ‖g − g(1 + δ)‖ / (‖g‖ + ‖g(1 + δ)‖) ≈ δ / 2
    assert capsys.readouterr().out == message + f"{difference}\033[0m\n"


def test_forward_and_backward_are_the_network_of_the_course():
    x, y, parameters = course_test_case()
    cost, cache = gc.forward_propagation_n(x, y, parameters)
    Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3 = cache
    assert W2 is parameters["W2"] and W3 is parameters["W3"] and b2 is parameters["b2"] and b3 is parameters["b3"]
    assert Z1.shape == (5, 3) and Z2.shape == (3, 3) and A2.shape == (3, 3) and Z3.shape == A3.shape == (1, 3)
    assert_close(A1, np.maximum(0, W1 @ x + b1), name="A1")
    assert cost == pytest.approx(-np.mean(y * np.log(A3) + (1 - y) * np.log(1 - A3)), rel=1e-14)
    gradients = gc.backward_propagation_n(x, y, cache)
    assert list(gradients) == ["dZ3", "dW3", "db3", "dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1"]
    expected = reference_grads(parameters, x, y.reshape(1, 3), ["relu", "relu", "sigmoid"], "loss")
    for key, value in gradients.items():
        assert_close(value, expected[key], rtol=1e-9, atol=1e-14, name=key)


def test_vectors_and_dictionaries():
    _, _, parameters = course_test_case()
    theta, keys = gc.dictionary_to_vector(parameters)
    assert theta.shape == (47, 1)
    assert keys[:20] == ["W1"] * 20 and keys[20:25] == ["b1"] * 5 and keys[43:46] == ["W3"] * 3 and keys[46] == "b3"
    back = gc.vector_to_dictionary(theta)
    assert all(np.array_equal(back[k], parameters[k]) for k in parameters)
    assert np.array_equal(theta[25:40].reshape(3, 5), parameters["W2"])
    gradients = {f"d{k}": v for k, v in parameters.items()}
    assert np.array_equal(gc.gradients_to_vector(gradients), theta)


def test_gradcheck_names_the_two_bugs_the_course_number_hides():
    x, y, parameters = course_test_case()
    _, cache = gc.forward_propagation_n(x, y, parameters)
    net = cr.Network.from_parameters(parameters, ["relu", "relu", "sigmoid"])
    report = cr.gradcheck(net, x, y.reshape(1, 3), buggy_backward(x, y, cache), mode="full")
    assert report.failed_tensors == ["dW2", "db1"]
    assert report["dW2"]["factor"] == "2" and report["db1"]["factor"] == "4"
    assert report.difference == pytest.approx(0.2850931567761623, rel=1e-6)  # the course's one number, too
