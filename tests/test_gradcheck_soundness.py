"""Gradient checking is sound at every accepted setting: a doubled gradient never passes, a correct one never fails.

Three ways a check goes wrong, each pinned here: a step ε so small that the roundoff allowance
swallows any error (ε outside the stated range is refused, and inside it the allowance is bounded);
a cost differenced through −log(1 − σ(z)), which loses its digits when the output saturates (the
cost is evaluated from Z[L]); and the other convention's gradients failing with nothing said (the
report says so).
"""

from __future__ import annotations

import importlib
import itertools

import numpy as np
import pytest
from typer.testing import CliRunner

import chainrule as cr
from chainrule.activations import sigmoid, softmax
from chainrule.cli import app
from chainrule.losses import LOSSES, binary_cross_entropy, categorical_cross_entropy

gc = importlib.import_module("chainrule.gradcheck")  # the module (chainrule.gradcheck is also the function)

NETWORKS = [([5, 4, 3, 1], ["relu", "relu", "sigmoid"]), ([4, 6, 3], ["tanh", "softmax"]), ([3, 5, 1], ["sigmoid", "sigmoid"])]


def instance(dims, activations, saturation=1.0, seed=1, m=8):
    """A random network whose output weights are scaled by ``saturation`` (|Z[L]| grows with it), X, Y and its grads."""
    net = cr.Network(dims, activations, seed=seed)
    parameters = dict(net.parameters)
    parameters[f"W{net.L}"] = parameters[f"W{net.L}"] * saturation
    net.parameters = parameters
    rng = np.random.default_rng(seed + 5)
    X = rng.standard_normal((dims[0], m))
    Y = np.eye(dims[-1])[:, rng.integers(0, dims[-1], m)] if net.multiclass else (rng.random((1, m)) > 0.5).astype(float)
    return net, X, Y


# -- the saturated sigmoid, and the stable cost from Z[L] -------------------------------------


def test_saturated_sigmoid_output_passes():
    """The issue's case: W1 = [[15, 0]] puts z = ±15 on examples of both labels; the correct gradients pass."""
    net = cr.Network([2, 1], ["sigmoid"])
    X = np.array([[1.0, -1, 1, -1], [0, 0, 0, 0]])
    Y = np.array([[0.0, 1, 1, 0]])
    for w in (15.0, 40.0, 100.0, 300.0, 700.0):  # |Z| up to hundreds: σ(z) is 1.0 in float64 from z ≈ 37
        net.parameters = {"W1": np.array([[w, 0.0]]), "b1": np.zeros((1, 1))}
        report = cr.gradcheck(net, X, Y)
        assert report.passed, (w, report)
        doubled = dict(net.backward(Y, net.forward(X)[1]))
        doubled["dW1"] = 2 * doubled["dW1"]
        assert cr.gradcheck(net, X, Y, doubled).failed_tensors == ["dW1"], w


def test_losses_from_Z_agree_with_the_losses_of_A_and_keep_their_digits():
    rng = np.random.default_rng(0)
    Z = rng.standard_normal((1, 50)) * 3
    Y = (rng.random((1, 50)) > 0.5).astype(float)
    from_Z = LOSSES["binary_cross_entropy"].from_Z["sigmoid"]
    assert np.allclose(from_Z(Z, Y), binary_cross_entropy(sigmoid(Z), Y), rtol=1e-12, atol=0)
    Z3 = rng.standard_normal((4, 30)) * 3
    Y3 = np.eye(4)[:, rng.integers(0, 4, 30)]
    softmax_from_Z = LOSSES["categorical_cross_entropy"].from_Z["softmax"]
    assert np.allclose(softmax_from_Z(Z3, Y3), categorical_cross_entropy(softmax(Z3), Y3), rtol=1e-12, atol=0)
    # saturated: log(1 + e^-40) = 4.2483542552915889e-18, and a wrong z = -1000 costs 1000 (no clipping at -log(tiny))
    saturated = from_Z(np.array([[40.0, -1000.0]]), np.array([[1.0, 1.0]]))[0]
    assert saturated.tolist() == pytest.approx([4.248354255291589e-18, 1000.0], rel=1e-14)
    confident = softmax_from_Z(np.array([[50.0], [0.0], [0.0]]), np.array([[1.0], [0.0], [0.0]]))[0, 0]
    assert confident == pytest.approx(2 * np.exp(-50.0), rel=1e-14)  # log(1 + 2 e^-50)
    assert softmax_from_Z(np.array([[1000.0], [0.0]]), np.array([[0.0], [1.0]]))[0, 0] == pytest.approx(1000.0, rel=1e-14)


# -- the ε range and the bounded allowance ------------------------------------------------------------


@pytest.mark.parametrize("epsilon", [1e-16, 1e-12, 1e-8, 1e-4, 0.1])
def test_epsilon_outside_the_safe_range_is_refused_with_the_reason(epsilon):
    net, X, Y = instance(*NETWORKS[0])
    with pytest.raises(cr.ChainruleError, match=r"epsilon must be in \[1e-07, 1e-05\]; got .*roundoff.*truncation"):
        cr.gradcheck(net, X, Y, epsilon=epsilon)


def test_sweep_over_epsilon_and_saturation_doubled_fails_correct_passes():
    """Every accepted ε (the ends of the range and between), outputs from moderate to |Z| of hundreds, both conventions."""
    low, high = gc.EPSILON_RANGE
    for (dims, activations), saturation, epsilon, convention in itertools.product(
        NETWORKS, (1.0, 30.0, 300.0), (low, 3e-7, 1e-6, 3e-6, high), ("loss", "cost")
    ):
        net, X, Y = instance(dims, activations, saturation)
        grads = net.backward(Y, net.forward(X)[1], convention=convention)
        where = (dims, saturation, epsilon, convention)
        report = cr.gradcheck(net, X, Y, grads, convention=convention, epsilon=epsilon)
        assert report.passed, (where, report.failed_tensors, [r["problem"] for r in report.rows if not r["passed"]])
        for key in grads:
            doubled = {**grads, key: 2 * grads[key]}
            assert not cr.gradcheck(net, X, Y, doubled, convention=convention, epsilon=epsilon, keys=[key]).passed, (where, key)


def test_the_roundoff_allowance_is_bounded_even_where_epsilon_would_be_too_small(monkeypatch):
    """With the range opened down to ε = 1e-16 the allowance still cannot swallow a ×2: a tensor whose pass would rest
    on more roundoff than a quarter of ‖ĝ‖ is checked again at the largest accepted ε, and the row says so."""
    monkeypatch.setattr(gc, "EPSILON_RANGE", (1e-300, 1e-5))
    net, X, Y = instance(*NETWORKS[0])
    grads = net.backward(Y, net.forward(X)[1])
    for epsilon in (1e-12, 1e-14, 1e-15, 1e-16):
        for key in ("dW1", "dZ2", "db3", "dA0"):
            report = cr.gradcheck(net, X, Y, {**grads, key: 2 * grads[key]}, epsilon=epsilon, keys=[key])
            assert not report.passed, (epsilon, key, report)
    report = cr.gradcheck(net, X, Y, grads, epsilon=1e-16)
    assert report.passed  # correct gradients pass, seen at the largest ε where 1e-16 saw only roundoff
    rechecked = [row for row in report.rows if row["epsilon"] == 1e-5]
    assert rechecked and all("checked at epsilon = 1e-05 (at 1e-16 the roundoff was" in row["resolution"] for row in rechecked)


def test_a_gradient_that_is_zero_up_to_roundoff_still_passes():
    """db1 of the symmetric saturated case is exactly 0 (the examples cancel); its numeric value is roundoff."""
    net = cr.Network([2, 1], ["sigmoid"])
    net.parameters = {"W1": np.array([[15.0, 0.0]]), "b1": np.zeros((1, 1))}
    X, Y = np.array([[1.0, -1, 1, -1], [0, 0, 0, 0]]), np.array([[0.0, 1, 1, 0]])
    row = cr.gradcheck(net, X, Y)["db1"]
    assert row["passed"] and abs(row["worst_analytic"]) < 1e-15


def cli(*args: str):
    return CliRunner().invoke(app, list(args))


def test_cli_epsilon_too_small_with_a_planted_error_is_refused_not_passed():
    result = cli("check", "--layers", "5,4,3,1", "--epsilon", "1e-16", "--scale", "dW1=2")
    assert result.exit_code == 2 and "epsilon must be in [1e-07, 1e-05]" in result.output and "Traceback" not in result.output
    for epsilon in ("1e-7", "1e-5"):
        assert cli("check", "--layers", "5,4,3,1", "--epsilon", epsilon, "--scale", "dW1=2").exit_code == 1
        assert cli("check", "--layers", "5,4,3,1", "--epsilon", epsilon).exit_code == 0


# -- the convention hint ------------------------------------------------------------------------------


def test_cost_convention_gradients_checked_as_loss_are_named_the_other_convention():
    net, X, Y = instance(*NETWORKS[0], m=16)
    grads = net.backward(Y, net.forward(X)[1], convention="cost")
    report = cr.gradcheck(net, X, Y, grads)  # default convention "loss"
    assert not report.passed and all(key[1] in "ZA" for key in report.failed_tensors)
    assert "these follow the other convention, 'cost'" in report.hint and "convention='cost'" in report.hint
    assert report.notes()[0] == report.hint and report.to_dict()["hint"] == report.hint
    assert cr.gradcheck(net, X, Y, grads, convention="cost").passed
    loss_grads = net.backward(Y, net.forward(X)[1], convention="loss")
    assert "the other convention, 'loss'" in cr.gradcheck(net, X, Y, loss_grads, convention="cost").hint


def test_the_one_over_m_applied_twice_is_said():
    """The classic bug: dZ[L] = (1/m)(A[L] − Y) and then dW = (1/m) dZ A_prevᵀ again."""
    net, X, Y = instance(*NETWORKS[0], m=16)
    grads = net.backward(Y, net.forward(X)[1], convention="cost")
    twice = {key: value / 16 if key[1] in "Wb" else value for key, value in grads.items()}
    hint = cr.gradcheck(net, X, Y, twice).hint
    assert "the other convention" in hint and "the 1/m is applied twice" in hint


def test_no_hint_for_other_failures():
    net, X, Y = instance(*NETWORKS[0], m=16)
    grads = net.backward(Y, net.forward(X)[1])
    assert cr.gradcheck(net, X, Y, {**grads, "dW2": 2 * grads["dW2"]}).hint is None
    assert cr.gradcheck(net, X, Y, grads).hint is None
    assert cr.gradcheck(net, X, Y, {**grads, "dZ2": grads["dZ2"] / 16}).hint is None  # one dZ off by 1/m: a bug, not a convention


def test_outputs_saturated_on_the_right_side_pass_although_float64_rounds_their_gradient_to_zero():
    """σ(300) is 1.0 in float64, so dZ[L] = A[L] − Y is exactly 0 where the true value is e^-300: zero to working precision."""
    net = cr.Network([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    parameters = dict(net.parameters)
    parameters["W2"] = np.array([[300.0, -300.0, 300.0]])
    net.parameters = parameters
    X = np.array([[2.0, -2.0, 1.5], [1.0, -1.0, 0.5]])
    Z2 = net.forward(X)[1][-1][1]
    Y = (Z2 > 0).astype(float)  # every example confidently right
    assert np.abs(Z2).min() > 100
    grads = net.backward(Y, net.forward(X)[1])
    assert Y.any() and not np.any(grads["dZ2"][Y == 1])  # σ(z) − 1 rounded to zero where y = 1
    for epsilon in gc.EPSILON_RANGE:
        assert cr.gradcheck(net, X, Y, epsilon=epsilon).passed, epsilon


def test_cli_shows_the_other_conventions_gradients_named():
    result = cli("check", "--grads-convention", "cost")
    text = " ".join(result.output.split())
    assert result.exit_code == 1 and "these follow the other convention, 'cost'" in text and "check them with convention='cost'" in text
    assert cli("check", "--grads-convention", "cost", "--convention", "cost").exit_code == 0
