"""cr.gradcheck with inverted dropout: fixed masks in every evaluation, planted dropout bugs named, bad masks refused."""

from __future__ import annotations

import importlib
import json

import numpy as np
import pytest
from typer.testing import CliRunner

import chainrule as cr
from chainrule.cli import app
from chainrule.regularization import dropout_masks
from chainrule.training import Regularization
from conftest import random_problem

MODES = ["full", "sample", "directional", "auto"]
AUTO_LIMIT = 400  # small, so that "auto" mixes full and directional on these small networks
GRADCHECK = importlib.import_module("chainrule.gradcheck")  # the module (chainrule.gradcheck is also a function's name)
KEEP_PROB = 0.6
DIMS = (6, 5, 4, 3, 1)  # three hidden layers: a perturbed copy passes through two masks above it


def problem(dims=DIMS, hidden="tanh", m=7, seed=0, keep_prob=KEEP_PROB):
    X, Y, params = random_problem(list(dims), m, seed)
    net = cr.Network.from_parameters(params, [hidden] * (len(dims) - 2) + ["sigmoid"])
    masks = dropout_masks(net.layer_dims, m, keep_prob, np.random.default_rng(seed + 100))
    assert all(0 < D.mean() < 1 for D in masks.values())  # some units dropped, some kept, in every layer
    return net, X, Y, masks


def grads_with(net, X, Y, masks, convention="loss", backward_masks="same", backward_keep_prob=KEEP_PROB):
    """The core's backward on the caches of the masked forward pass, with the masks (or a mistake) in the backward."""
    _, caches = net.forward(X, masks, KEEP_PROB)
    used = masks if backward_masks == "same" else backward_masks
    return net.backward(Y, caches, convention=convention, masks=used, keep_prob=backward_keep_prob)


def check(net, X, Y, masks, grads=None, mode="auto", keep_prob=KEEP_PROB, **kwargs):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(GRADCHECK, "AUTO_LIMIT", AUTO_LIMIT)
        return cr.gradcheck(net, X, Y, grads, mode=mode, regularization=Regularization(keep_prob=keep_prob), masks=masks,
                            **kwargs)


# -- correct gradients pass --------------------------------------------------------------------------------
@pytest.mark.parametrize("convention", ["loss", "cost"])
@pytest.mark.parametrize("hidden", ["relu", "tanh"])
@pytest.mark.parametrize("mode", MODES)
def test_correct_gradients_with_fixed_masks_pass_in_every_mode(mode, hidden, convention):
    net, X, Y, masks = problem(hidden=hidden, seed=3)
    builtin = check(net, X, Y, masks, mode=mode, convention=convention)
    assert builtin.passed, str(builtin)
    given = check(net, X, Y, masks, grads_with(net, X, Y, masks, convention), mode=mode, convention=convention)
    assert given.passed, str(given)
    assert [row["key"] for row in given.rows] == [row["key"] for row in builtin.rows]
    assert max(row["relative_difference"] for row in given.rows) < 1e-7
    assert "dropout keep_prob = 0.6 with fixed masks" in str(given) and "before the mask" in str(given)


def test_the_masks_change_what_is_checked():
    """The same network without dropout has other gradients: they fail against the thinned network's cost."""
    net, X, Y, masks = problem(hidden="relu", seed=1)
    plain = net.backward(Y, net.forward(X)[1])
    report = check(net, X, Y, masks, plain, mode="full")
    assert not report.passed and report.failed_tensors[0] == "dZ4"  # A[L] already differs


def test_zero_one_integer_masks_are_accepted_like_booleans():
    net, X, Y, masks = problem(hidden="relu", seed=2)
    as_ints = {l: D.astype(int) for l, D in masks.items()}  # the course's (D < keep_prob).astype(int)
    a, b = check(net, X, Y, masks, mode="full"), check(net, X, Y, as_ints, mode="full")
    assert a.passed and b.passed
    assert [r["relative_difference"] for r in a.rows] == [r["relative_difference"] for r in b.rows]


def test_the_courses_dropout_backward_passes_with_its_masks():
    from chainrule.course import regularization as reg

    X, Y, params = random_problem([3, 4, 3, 1], 6, seed=4)
    net = cr.Network.from_parameters(params, reg.ACTIVATIONS)
    _, cache = reg.forward_propagation_with_dropout(X, params, keep_prob=0.8)
    masks = {1: cache[1], 2: cache[6]}
    grads = reg.backward_propagation_with_dropout(X, Y, cache, keep_prob=0.8)
    report = check(net, X, Y, masks, grads, mode="full", keep_prob=0.8)
    assert report.passed, str(report)
    assert {"dA1", "dA2"} <= {row["key"] for row in report.rows}


# -- negative controls: each dropout mistake fails and the first tensor named is where it starts --------------------
@pytest.mark.parametrize("convention", ["loss", "cost"])
@pytest.mark.parametrize("mode", MODES)
def test_a_backward_that_forgets_the_mask_on_dA_is_named(mode, convention):
    net, X, Y, masks = problem(hidden="relu", seed=5)
    grads = grads_with(net, X, Y, masks, convention, backward_masks=None)  # dA[l] = W[l+1]ᵀ dZ[l+1], unmasked
    report = check(net, X, Y, masks, grads, mode=mode, convention=convention)
    assert report.failed_tensors[0] == "dA3", str(report)
    assert report["dZ4"]["passed"] and report["dW4"]["passed"] and report["db4"]["passed"]  # above the first mask


@pytest.mark.parametrize("mode", MODES)
def test_a_backward_that_forgets_one_over_keep_prob_is_named_with_the_factor(mode):
    net, X, Y, masks = problem(hidden="tanh", seed=6)
    grads = grads_with(net, X, Y, masks, backward_keep_prob=1.0)  # dA[l] * D[l], not / keep_prob
    report = check(net, X, Y, masks, grads, mode=mode)
    assert report.failed_tensors[0] == "dA3", str(report)
    assert report["dA3"]["ratio"] == pytest.approx(KEEP_PROB, rel=1e-5)
    assert report["dZ4"]["passed"] and report["dW4"]["passed"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("hidden", ["relu", "tanh"])
def test_a_scaled_dW_is_the_only_tensor_named(hidden, mode):
    net, X, Y, masks = problem(hidden=hidden, seed=7)
    grads = grads_with(net, X, Y, masks)
    grads["dW2"] = grads["dW2"] * 1.001
    report = check(net, X, Y, masks, grads, mode=mode)
    assert report.failed_tensors == ["dW2"], str(report)
    assert report["dW2"]["ratio"] == pytest.approx(1.001, rel=1e-5)


@pytest.mark.parametrize("mode", MODES)
def test_dA_is_the_derivative_before_the_mask(mode):
    """W[l+1]ᵀ dZ[l+1] is ∂/∂ of the dropped-out A[l]; presented as dA[l] it fails, and nothing else does."""
    net, X, Y, masks = problem(hidden="relu", seed=8)
    grads = grads_with(net, X, Y, masks)
    grads["dA2"] = net.parameters["W3"].T @ grads["dZ3"]
    report = check(net, X, Y, masks, grads, mode=mode)
    assert report.failed_tensors == ["dA2"], str(report)


# -- relu kinks under dropout ----------------------------------------------------------------------------
def kinks_with_dropout():
    """A relu network with pre-activations within ε of 0 (as in test_gradcheck), one of them in a dropped unit."""
    X, Y, params = random_problem([3, 4, 3, 1], 6, seed=11)
    Z1 = params["W1"] @ X + params["b1"]
    params["b1"][0, 0] -= Z1[0, 2] - 3e-7  # Z1[0, 2] = 3e-7, kept
    params["b1"][1, 0] -= Z1[1, 4] + 2e-7  # Z1[1, 4] = −2e-7, dropped below
    params["b1"][2, 0] -= Z1[2, 1]  # Z1[2, 1] = 0, kept
    net = cr.Network.from_parameters(params, ["relu", "relu", "sigmoid"])
    masks = {1: np.ones((4, 6), dtype=bool), 2: np.ones((3, 6), dtype=bool)}
    masks[1][1, 4] = False
    masks[1][3, 0] = masks[2][0, 5] = False
    return net, X, Y, masks


@pytest.mark.parametrize("mode", MODES)
def test_kinks_are_handled_with_dropout(mode):
    net, X, Y, masks = kinks_with_dropout()
    report = check(net, X, Y, masks, mode=mode, keep_prob=0.8)
    assert report.passed, str(report)
    if mode == "full":
        assert report["dZ1"]["kinks"] == 2  # Z1[0, 2] and Z1[2, 1]; the dropped unit's crossing is not a kink
        assert check(net, X, Y, None, mode="full", keep_prob=1.0)["dZ1"]["kinks"] == 3


def test_a_plain_central_difference_across_a_kept_kink_is_still_a_false_error():
    net, X, Y, masks = kinks_with_dropout()
    kept = check(net, X, Y, masks, mode="full", keep_prob=0.8, kinks="keep")
    assert not kept.passed and "db1" in kept.failed_tensors
    assert check(net, X, Y, masks, mode="full", keep_prob=0.8, kinks="skip").passed


# -- what is refused ---------------------------------------------------------------------------------------
def test_dropout_without_masks_is_refused_pointing_to_masks():
    net, X, Y, _ = problem()
    with pytest.raises(cr.ChainruleError, match=r"keep_prob = 0.6\) without fixed masks.*new random mask.*masks=\{l: D\[l\]\}"):
        cr.gradcheck(net, X, Y, keep_prob=KEEP_PROB)


def test_masks_without_dropout_are_refused():
    net, X, Y, masks = problem()
    with pytest.raises(cr.ChainruleError, match="masks were given with keep_prob = 1"):
        cr.gradcheck(net, X, Y, masks=masks)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda masks: {**masks, 2: masks[2].T},
         r"masks\[2\] \(D\[2\]\) must have shape \(n\[2\], m\) = \(4, 7\); got \(7, 4\) \(the transpose\)"),
        (lambda masks: {**masks, 1: masks[1][:, :5]}, r"masks\[1\] \(D\[1\]\) must have shape \(n\[1\], m\) = \(5, 7\); got \(5, 5\)"),
        (lambda masks: {1: masks[1], 2: masks[2]}, r"one D\[l\] per hidden layer, keys \[1, 2, 3\]; got keys \[1, 2\]"),
        (lambda masks: {**masks, 4: np.ones((1, 7))}, r"keys \[1, 2, 3\]; got keys \[1, 2, 3, 4\]"),
        (lambda masks: {**masks, 3: masks[3] / KEEP_PROB}, r"masks\[3\] \(D\[3\]\) must hold booleans or 0/1; got float64 values such as"),
        (lambda masks: [masks[1], masks[2], masks[3]], r"masks must be a dict \{l: D\[l\]\} with keys \[1, 2, 3\]"),
    ],
)
def test_bad_masks_raise_naming_expected_and_actual(change, message):
    net, X, Y, masks = problem()
    with pytest.raises(cr.ChainruleError, match=message):
        cr.gradcheck(net, X, Y, keep_prob=KEEP_PROB, masks=change(masks))


def test_the_report_records_keep_prob():
    net, X, Y, masks = problem()
    data = json.loads(check(net, X, Y, masks).to_json())
    assert data["keep_prob"] == KEEP_PROB and data["passed"] is True
    assert json.loads(check(net, X, Y, None, keep_prob=1.0).to_json())["keep_prob"] == 1.0


# -- the command line ---------------------------------------------------------------------------------------
runner = CliRunner()


def test_cli_check_with_keep_prob_passes_with_one_fixed_mask_set():
    result = runner.invoke(app, ["check", "--layers", "5,4,3,1", "--activations", "relu,sigmoid", "--m", "12", "--keep-prob", "0.7"])
    assert result.exit_code == 0, result.output
    assert "dropout keep_prob 0.7, one fixed mask set drawn from seed 0" in result.output and "PASSED" in result.output


def test_cli_check_with_keep_prob_names_a_planted_error():
    result = runner.invoke(app, ["check", "--keep-prob", "0.7", "--scale", "dW2=1.001", "--mode", "directional"])
    assert result.exit_code == 1, result.output
    assert "FAILED: dW2" in result.output and "g = 1.001 × ĝ" in result.output


def test_cli_check_rejects_a_bad_keep_prob():
    result = runner.invoke(app, ["check", "--keep-prob", "0"])
    assert result.exit_code == 2 and "keep_prob" in result.output and "(0, 1]" in result.output
