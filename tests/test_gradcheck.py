"""cr.gradcheck: correct gradients pass in every mode, planted errors are caught and the right tensor named."""

from __future__ import annotations

import importlib
import json

import numpy as np
import pytest

import chainrule as cr
from chainrule.gradcheck import exact_factor
from chainrule.network import backward
from chainrule.training import Regularization
from conftest import random_problem

MODES = ["full", "sample", "directional", "auto"]
HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "linear"]
AUTO_LIMIT = 400  # small, so that "auto" mixes full and directional on these small networks
GRADCHECK = importlib.import_module("chainrule.gradcheck")  # the module (chainrule.gradcheck is also a function's name)


def problem(dims=(6, 5, 4, 1), hidden="tanh", m=7, seed=0):
    X, Y, params = random_problem(list(dims), m, seed)
    net = cr.Network.from_parameters(params, [hidden] * (len(dims) - 2) + ["sigmoid"])
    return net, X, Y


def builtin(net, X, Y, convention="loss"):
    return net.backward(Y, net.forward(X)[1], convention=convention)


def check(net, X, Y, grads=None, mode="auto", **kwargs):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(GRADCHECK, "AUTO_LIMIT", AUTO_LIMIT)
        return cr.gradcheck(net, X, Y, grads, mode=mode, **kwargs)


# -- correct gradients pass ----------------------------------------------------------------------------
@pytest.mark.parametrize("convention", ["loss", "cost"])
@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("mode", MODES)
def test_correct_gradients_pass_in_every_mode_for_every_activation(mode, hidden, convention):
    net, X, Y = problem(hidden=hidden, seed=3)
    report = check(net, X, Y, mode=mode, convention=convention)
    assert report.passed, str(report)
    assert [row["key"] for row in report.rows] == list(builtin(net, X, Y))  # every key, in backward order
    assert max(row["relative_difference"] for row in report.rows) < 1e-7


def test_auto_chooses_by_size():
    net, X, Y = problem(dims=(30, 8, 3, 1), m=9)
    modes = {row["key"]: row["mode"] for row in check(net, X, Y).rows}
    assert modes["dW1"] == "directional" and modes["dA0"] == "directional"  # 240 and 270 elements
    assert modes["dW3"] == "full" and modes["db1"] == "full" and modes["dZ3"] == "full"


def test_the_old_auto_limit_keyword_sets_the_limit_for_one_call():
    """gradcheck(auto_limit=N) of before: "auto" chooses with N in place of AUTO_LIMIT, for that call only."""
    net, X, Y = problem(dims=(30, 8, 3, 1), m=9)
    given = cr.gradcheck(net, X, Y, auto_limit=AUTO_LIMIT)
    assert [row["mode"] for row in given.rows] == [row["mode"] for row in check(net, X, Y).rows]
    assert given["dW1"]["mode"] == "directional" and given["dW3"]["mode"] == "full" and given.passed
    assert {row["mode"] for row in cr.gradcheck(net, X, Y).rows} == {"full"}  # AUTO_LIMIT again
    for bad in (0, 1.5, True):
        with pytest.raises(cr.ChainruleError, match="auto_limit must be a positive integer"):
            cr.gradcheck(net, X, Y, auto_limit=bad)


def relu_near_kinks():
    """A relu network with pre-activations at 0 and within ε of 0 on both sides."""
    X, Y, params = random_problem([3, 4, 3, 1], 6, seed=11)
    Z1 = params["W1"] @ X + params["b1"]
    params["b1"][0, 0] -= Z1[0, 2] - 3e-7  # Z1[0, 2] = 3e-7: a +ε/−ε step crosses 0
    params["b1"][1, 0] -= Z1[1, 4] + 2e-7  # Z1[1, 4] = −2e-7
    params["b1"][2, 0] -= Z1[2, 1]  # Z1[2, 1] = 0 exactly: relu'(0) = 0, as the course
    net = cr.Network.from_parameters(params, ["relu", "relu", "sigmoid"])
    assert np.sum(np.abs(net.forward(X)[1][0][1]) < 1e-6) >= 3
    return net, X, Y


@pytest.mark.parametrize("mode", MODES)
def test_relu_near_kinks_passes_and_counts_the_kinks(mode):
    net, X, Y = relu_near_kinks()
    report = check(net, X, Y, mode=mode)
    assert report.passed, str(report)
    if mode == "full":
        assert report["db1"]["kinks"] >= 3 and report["dZ1"]["kinks"] >= 2


def test_a_plain_central_difference_across_a_kink_is_a_false_error():
    net, X, Y = relu_near_kinks()
    kept = check(net, X, Y, mode="full", kinks="keep")
    assert not kept.passed and "db1" in kept.failed_tensors  # what the course's check would report
    skipped = check(net, X, Y, mode="full", kinks="skip")
    assert skipped.passed and skipped["db1"]["skipped"] >= 3


# -- negative controls: each caught in every mode, the right tensor named ----------------------------------
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("factor", [1.001, 2.0, "m"])
@pytest.mark.parametrize("key", ["dW2", "db1", "dZ3", "dA1", "dW1"])
def test_a_scaled_tensor_is_named(key, factor, mode):
    net, X, Y = problem(dims=(30, 8, 3, 1), hidden="relu", m=9, seed=5)
    grads = builtin(net, X, Y)
    factor = X.shape[1] if factor == "m" else factor
    grads[key] = grads[key] * factor
    report = check(net, X, Y, grads, mode=mode)
    assert report.failed_tensors == [key], str(report)
    row = report[key]
    assert row["ratio"] == pytest.approx(factor, rel=1e-5)
    if factor != 1.001:
        assert row["factor"] == ("m" if factor == X.shape[1] else "2")


def test_a_ratio_of_m_with_a_large_residual_is_not_named_a_factor():
    """g = m ĝ + noise, the noise orthogonal to ĝ: the best-fit ratio is m to the last digits, but g is not m ĝ,
    and the report must not say so."""
    net, X, Y = problem(dims=(6, 5, 4, 1), hidden="tanh", m=7, seed=2)
    grads = builtin(net, X, Y)
    m, dW2 = X.shape[1], grads["dW2"]
    noise = np.random.default_rng(0).standard_normal(dW2.shape)
    noise -= (np.sum(noise * dW2) / np.sum(dW2 * dW2)) * dW2  # ⟨noise, ĝ⟩ = 0: the best fit stays m
    grads["dW2"] = m * dW2 + 0.3 * np.linalg.norm(m * dW2) * noise / np.linalg.norm(noise)
    report = check(net, X, Y, grads, mode="full")
    row = report["dW2"]
    assert report.failed_tensors == ["dW2"] and row["ratio"] == pytest.approx(m, rel=1e-6), str(report)
    assert row["factor"] is None and row["problem"].startswith("values differ"), row["problem"]


@pytest.mark.parametrize("mode", MODES)
def test_a_transposed_gradient_is_named(mode):
    net, X, Y = problem(dims=(4, 5, 5, 1), hidden="tanh", m=8)  # W2 is square: the transpose fits its shape
    grads = builtin(net, X, Y)
    grads["dW2"] = grads["dW2"].T
    report = check(net, X, Y, grads, mode=mode)
    assert report.failed_tensors == ["dW2"], str(report)
    grads = builtin(net, X, Y)
    grads["dW1"] = grads["dW1"].T  # (4, 5) for (5, 4)
    report = check(net, X, Y, grads, mode=mode)
    assert report.failed_tensors == ["dW1"] and "transpose" in report["dW1"]["problem"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("hidden", ["relu", "tanh", "sigmoid"])
def test_a_missing_activation_derivative_is_named_where_it_starts(hidden, mode):
    net, X, Y = problem(dims=(30, 8, 3, 1), hidden=hidden, m=9, seed=2)
    _, caches = net.forward(X)
    forgetful = ["sigmoid", "linear", "sigmoid"]  # layer 2's backward skips g'(Z2): dZ2 = dA2
    forgetful[0] = hidden
    grads = backward(caches, forgetful, 1 / X.shape[1], dZL=net.forward(X)[0] - Y)
    report = check(net, X, Y, grads, mode=mode)
    assert report.failed_tensors[0] == "dZ2", str(report)
    assert report["dA2"]["passed"] and report["dZ3"]["passed"] and not report["dW2"]["passed"]


def test_a_single_wrong_element_is_located_after_a_failing_direction():
    net, X, Y = problem(dims=(30, 8, 3, 1), hidden="tanh", m=9, seed=4)
    grads = builtin(net, X, Y)
    grads["dW1"][5, 17] += 0.05
    report = check(net, X, Y, grads, mode="directional")
    assert report.failed_tensors == ["dW1"]
    assert report["dW1"]["worst_index"] == (5, 17)
    assert report["dW1"]["worst_analytic"] - report["dW1"]["worst_numeric"] == pytest.approx(0.05, rel=1e-4)


# -- conventions, user-supplied grads, L2, dropout --------------------------------------------------------
def test_each_convention_is_checked_against_its_own_function():
    net, X, Y = problem(hidden="relu")
    cost_grads = builtin(net, X, Y, "cost")
    assert check(net, X, Y, cost_grads, convention="cost").passed
    report = check(net, X, Y, cost_grads, convention="loss")  # ∂J/∂Z presented as ∂L/∂Z: off by 1/m
    assert set(report.failed_tensors) == {k for k in cost_grads if k[1] in "ZA"}
    assert all(report[key]["factor"] == "1/m" for key in report.failed_tensors)
    assert report["dZ3"]["derivative"] == "∂L/∂Z[3]" and report["dZ3"]["of"] == "Σ L"
    assert report["dW1"]["derivative"] == "∂J/∂W[1]" and report["dW1"]["of"] == "J"


def test_the_course_grads_dicts_are_checked():
    from chainrule.course import week3, week4

    net, X, Y = problem(dims=(5, 4, 3, 1), hidden="relu")
    AL, caches = week4.L_model_forward(X, net.parameters)
    report = cr.gradcheck(net, X, Y, week4.L_model_backward(AL, Y, caches))
    assert report.passed and {r["key"] for r in report.rows} == {"dW1", "db1", "dW2", "db2", "dW3", "db3", "dA0", "dA1", "dA2"}
    net, X, Y = problem(dims=(2, 4, 1), hidden="tanh")
    _, cache = week3.forward_propagation(X, net.parameters)
    assert cr.gradcheck(net, X, Y, week3.backward_propagation(net.parameters, cache, X, Y)).passed


def test_missing_parameter_gradients_fail_and_unknown_keys_are_listed():
    net, X, Y = problem()
    grads = builtin(net, X, Y)
    del grads["db2"]
    grads["dAL"] = np.zeros((1, 7))
    report = check(net, X, Y, grads)
    assert report.failed_tensors == ["db2"] and report["db2"]["problem"] == "missing from grads"
    assert report.not_checked == ["dAL"]


def test_l2_checks_the_regularized_cost():
    net, X, Y = problem(hidden="relu", seed=8)
    for mode in ("full", "directional"):
        assert check(net, X, Y, mode=mode, lambd=0.7).passed
        plain = builtin(net, X, Y)  # no (λ/m) W term: every dW is wrong, nothing else
        report = check(net, X, Y, plain, mode=mode, lambd=0.7)
        assert report.failed_tensors == ["dW3", "dW2", "dW1"], str(report)
    assert "λ/(2m) Σ‖W‖² (λ = 0.7)" in str(check(net, X, Y, lambd=0.7))


def test_l2_follows_the_training_objective(monkeypatch):
    """gradcheck reads the L2 term from regularization.l2_cost: if the objective's term drifted (λ/m ‖W‖² instead
    of λ/(2m) ‖W‖²) while backward kept (λ/m) W, every dW fails, in both modes."""
    import importlib

    from chainrule.regularization import l2_cost

    gradcheck = importlib.import_module("chainrule.gradcheck")  # the module (chainrule.gradcheck is also a function's name)

    net, X, Y = problem(hidden="relu", seed=8)
    monkeypatch.setattr(gradcheck, "l2_cost", lambda parameters, lambd, m: 2 * l2_cost(parameters, lambd, m))
    for mode in ("full", "directional"):
        report = check(net, X, Y, mode=mode, lambd=0.7)
        assert report.failed_tensors == ["dW3", "dW2", "dW1"], str(report)


@pytest.mark.parametrize("lambd", [0.0, 0.7])
def test_gradchecks_J_is_the_training_objective(lambd):
    """gradcheck's J, its per-example losses from Z[L] (Loss.from_Z) through J = (1/m) Σ L (+ L2), is losses.objective,
    what training minimises; and its numeric ĝ of a dW, db is the central difference of that objective itself."""
    from chainrule.losses import objective

    net, X, Y = problem(hidden="relu", seed=8)
    checked = GRADCHECK._Problem.of(net, X, Y, None, 1.0)
    AL, _ = net.forward(X)
    J = objective(AL, Y, net.loss, net.parameters, lambd)
    assert checked.objective(lambd) == pytest.approx(J, rel=1e-13, abs=0), (checked.objective(lambd), J)
    epsilon = 1e-6
    for key in ("W1", "b2", "W3"):
        target = next(t for t in GRADCHECK._targets([f"d{key}"], 3, net.layer_dims, checked.m, cr.conventions.LOSS)[0])
        g = np.zeros(target.shape)
        ours = GRADCHECK._check_elements(checked, target, g, np.arange(g.size), epsilon, lambd, one_sided=True).numeric
        theirs = []
        for index in np.ndindex(target.shape):
            J_at = []
            for sign in (1, -1):
                parameters = {k: v.copy() for k, v in net.parameters.items()}
                parameters[key][index] += sign * epsilon
                moved = cr.Network.from_parameters(parameters, net.activations)
                J_at.append(objective(moved.forward(X)[0], Y, net.loss, parameters, lambd))
            theirs.append((J_at[0] - J_at[1]) / (2 * epsilon))
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-9, err_msg=f"d{key}: gradcheck's ĝ vs ∂ objective")


def test_gradcheck_follows_the_training_J(monkeypatch):
    """gradcheck reads J = (1/m) Σ L from losses (objective_of_losses): if training's J drifted (2/m instead of 1/m)
    while backward kept its 1/m, every tensor checked against J fails (dW, db in "loss", all in "cost")."""
    from chainrule import losses

    cost_of_losses = losses.cost_of_losses
    net, X, Y = problem(hidden="tanh", seed=3)
    monkeypatch.setattr(losses, "cost_of_losses", lambda L: 2 * cost_of_losses(L))
    loss = check(net, X, Y, mode="full", lambd=0.7)
    assert set(loss.failed_tensors) == {"dW3", "db3", "dW2", "db2", "dW1", "db1"}, str(loss)
    cost = check(net, X, Y, builtin(net, X, Y, "cost"), mode="full", convention="cost")
    assert not cost.passed and {row["factor"] for row in cost.rows} == {"1/2"}, str(cost)


@pytest.mark.parametrize("options", [{"lambd": True}, {"lambd": -0.1}, {"keep_prob": 0}, {"keep_prob": True}])
def test_options_follow_fits_rules(options):
    """lambd and keep_prob are checked by the rules fit uses (a bool is not a number), with the same message."""
    net, X, Y = problem()
    name = next(iter(options))
    with pytest.raises(cr.ChainruleError) as from_gradcheck:
        check(net, X, Y, **options)
    with pytest.raises(cr.ChainruleError) as from_fit:
        net.fit(X, Y, 0.1, num_iterations=1, **options)
    assert str(from_gradcheck.value) == str(from_fit.value) and str(from_fit.value).startswith(name)


def test_regularization_is_fits_object_and_the_old_keywords_still_work():
    """regularization=Regularization(λ) is the lambd= of before, to the last digit; both at once, or a name fit
    does not group into the Regularization, are refused (training.fit_options: one mapping of the old names)."""
    net, X, Y = problem(hidden="relu", seed=8)
    plain = builtin(net, X, Y)  # no (λ/m) W term
    given = check(net, X, Y, plain, mode="full", regularization=Regularization(lambd=0.7))
    old = check(net, X, Y, plain, mode="full", lambd=0.7)
    assert given.failed_tensors == old.failed_tensors == ["dW3", "dW2", "dW1"]
    assert [row["relative_difference"] for row in given.rows] == [row["relative_difference"] for row in old.rows]
    assert given.lambd == 0.7 and check(net, X, Y, regularization=Regularization(lambd=0.7)).passed
    with pytest.raises(cr.ChainruleError, match="give lambd inside the regularization object, not beside it"):
        cr.gradcheck(net, X, Y, regularization=Regularization(lambd=0.7), lambd=0.7)
    with pytest.raises(TypeError, match="gradcheck\\(\\) got an unexpected keyword argument 'beta'"):
        cr.gradcheck(net, X, Y, beta=0.9)
    with pytest.raises(cr.ChainruleError, match="regularization must be a training.Regularization"):
        cr.gradcheck(net, X, Y, regularization=0.7)


def test_dropout_is_refused_with_the_reason():
    net, X, Y = problem()
    with pytest.raises(cr.ChainruleError, match=r"dropout on \(keep_prob = 0.8\).*new\s+random mask.*keep_prob=1.0"):
        cr.gradcheck(net, X, Y, keep_prob=0.8)
    assert cr.gradcheck(net, X, Y, keep_prob=1.0).passed


def test_float32_networks_are_checked_in_float64():
    X, Y, params = random_problem([4, 3, 1], 5, seed=1)
    net = cr.Network.from_parameters({k: v.astype(np.float32) for k, v in params.items()}, ["tanh", "sigmoid"])
    assert cr.gradcheck(net, X.astype(np.float32), Y).passed


# -- the report ----------------------------------------------------------------------------------------
def test_the_report_prints_serializes_and_renders():
    net, X, Y = problem()
    grads = builtin(net, X, Y)
    grads["db3"] = grads["db3"] * 2
    report = check(net, X, Y, grads, mode="full")
    assert not report.passed and report.failed_tensors == ["db3"]
    text = str(report)
    for expected in ("FAILED: db3", "rel. diff", "worst element", "∂J/∂b[3]", "×2", "difference =", "cost evaluations"):
        assert expected in text
    assert "<table>" in report._repr_html_() and "db3" in report._repr_html_()
    data = json.loads(report.to_json())
    assert data["passed"] is False and data["failed_tensors"] == ["db3"]
    row = next(r for r in data["rows"] if r["key"] == "db3")
    assert row["factor"] == "2" and row["shape"] == [1, 1] and row["passed"] is False
    assert set(report.rows[0]) >= {"key", "shape", "relative_difference", "ratio", "factor", "worst_index", "passed", "evaluations"}
    assert report.evaluations > 0 and report.seconds > 0


def test_the_course_number_is_reported_over_the_parameters():
    net, X, Y = problem()
    report = check(net, X, Y, mode="full")
    assert report.difference < 1e-8


def test_exact_factors():
    assert exact_factor(2.0000001, 10) == "2"
    assert exact_factor(-1.0, 10) == "-1"
    assert exact_factor(0.1, 10) == "1/m"
    assert exact_factor(100.0, 10) == "m^2"
    assert exact_factor(1.001, 10) is None and exact_factor(0.37, 10) is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"mode": "fast"}, "unknown mode 'fast'"),
        ({"k": 0}, "k must be a positive integer"),
        ({"epsilon": -1.0}, "epsilon must be a positive"),
        ({"lambd": -0.1}, "lambd"),
        ({"kinks": "ignore"}, "kinks must be one of"),
        ({"convention": "mean"}, "unknown convention"),
    ],
)
def test_bad_options_raise(kwargs, message):
    net, X, Y = problem()
    with pytest.raises(cr.ChainruleError, match=message):
        cr.gradcheck(net, X, Y, **kwargs)


def test_bad_data_raises():
    net, X, Y = problem()
    with pytest.raises(cr.ChainruleError, match="n_x = 6 rows"):
        cr.gradcheck(net, X.T, Y)
