"""The comparison math every check shares (chainrule.numerics) and the Convention value (chainrule.conventions)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import chainrule as cr
from chainrule.conventions import COST, LOSS, Convention, GradKey, get_convention, parse_key
from chainrule.numerics import FACTORS_OF_M, best_fit_ratio, factor_of_m, factor_value, relative_difference


def test_relative_difference_by_hand():
    g, g_hat = np.array([3.0, 0.0]), np.array([0.0, 4.0])
    assert relative_difference(g, g_hat) == 5 / 7  # ‖(3, −4)‖ / (3 + 4)
    assert relative_difference(g, g) == 0.0
    assert relative_difference(g, -g) == 1.0
    assert relative_difference(np.zeros(3), np.zeros(3)) == 0.0  # both zero: equal, not 0/0
    assert relative_difference(g, np.zeros(2)) == 1.0
    assert math.isnan(relative_difference(np.array([np.nan]), np.array([1.0])))  # NaN is never a pass
    assert math.isnan(relative_difference(np.array([np.inf]), np.array([1.0])))
    assert isinstance(relative_difference(g, g_hat), float)


def test_best_fit_ratio_by_hand():
    g_hat = np.array([1.0, 2.0, -2.0])
    assert best_fit_ratio(400 * g_hat, g_hat) == 400
    assert best_fit_ratio(np.array([1.0, 0.0, 0.0]), g_hat) == 1 / 9  # ⟨g, ĝ⟩ = 1, ⟨ĝ, ĝ⟩ = 9
    assert math.isnan(best_fit_ratio(g_hat, np.zeros(3)))


@pytest.mark.parametrize("m", [3, 7, 400])
def test_every_factor_of_m_is_named_and_valued(m):
    seen = set()
    for name in FACTORS_OF_M:
        value = factor_value(name, m)
        if value in seen:  # e.g. m = 4: "4" and "m" are one number; the simpler name wins
            continue
        seen.add(value)
        assert factor_of_m(value * (1 + 1e-6), m) == name, name
        assert factor_of_m(-value, m) == "-" + name, name
        assert factor_value("-" + name, m) == -value
    assert factor_of_m(0.37, m) is None and factor_of_m(0.0, m) is None and factor_of_m(math.nan, m) is None


def test_factor_of_m_by_hand():
    assert factor_of_m(400.0, 400) == "m" and factor_of_m(1 / 400, 400) == "1/m" and factor_of_m(160000.0, 400) == "m^2"
    assert factor_of_m(1.001, 10) is None  # 1e-3 off: not a factor
    assert factor_value("1/(2m)", 5) == 0.1


def test_convention_where_the_one_1_over_m_sits():
    m = 8
    assert LOSS.scales(m) == (1.0, 1 / 8) and COST.scales(m) == (1 / 8, 1.0)
    for convention in (LOSS, COST):
        s, k = convention.scales(m)
        assert s * k == 1 / m  # one factor 1/m, never two
        assert (convention.output_scale(m), convention.dW_scale(m)) == (s, k)
    assert LOSS.differentiated == "Σ L" and COST.differentiated == "J"
    assert LOSS.dW_has_1_over_m and not LOSS.output_has_1_over_m
    assert COST.output_has_1_over_m and not COST.dW_has_1_over_m
    assert get_convention("loss") is LOSS and get_convention(COST) is COST
    with pytest.raises(cr.ChainruleError, match="unknown convention 'mean'"):
        Convention("mean")
    with pytest.raises(cr.ChainruleError, match="unknown convention"):
        get_convention("mean")


def test_convention_matches_the_backward_pass():
    """The k the course's functions read from LOSS is the k that makes their dW the core's ∂J/∂W."""
    from chainrule.layers import linear_backward

    rng = np.random.default_rng(0)
    dZ, A_prev, W = rng.standard_normal((3, 5)), rng.standard_normal((4, 5)), rng.standard_normal((3, 4))
    _, dW_loss, _ = linear_backward(dZ, (A_prev, W, None), LOSS.dW_scale(5))
    _, dW_cost, _ = linear_backward(LOSS.dW_scale(5) * dZ, (A_prev, W, None), COST.dW_scale(5))
    np.testing.assert_allclose(dW_loss, dW_cost, rtol=1e-14)
    np.testing.assert_allclose(dW_loss, dZ @ A_prev.T / 5, rtol=1e-14)


def test_derivative_of_each_key():
    assert LOSS.derivative_of("dZ2") == "∂L/∂Z[2]" and COST.derivative_of("dZ2") == "∂J/∂Z[2]"
    assert LOSS.derivative_of("dA0") == "∂L/∂A[0]" and LOSS.derivative_of("dW1") == "∂J/∂W[1]"
    assert COST.derivative_of("db3") == "∂J/∂b[3]"
    with pytest.raises(cr.ChainruleError, match="not a gradient key: 'W1'"):
        LOSS.derivative_of("W1")


def test_one_key_parser():
    assert parse_key("dW12") == GradKey("W", 12, False)
    assert parse_key("dA0") == GradKey("A", 0, False)
    for not_a_core_key in ("W1", "dW", "dA_prev", "dX1", "relu: dW", "dZ1x", ""):
        assert parse_key(not_a_core_key) is None, not_a_core_key
    assert parse_key("dA_prev", strict=False) == GradKey("A", None, True)
    assert parse_key("relu: dW", strict=False) == GradKey("W", None, False)
    assert parse_key("dZ2", strict=False) == GradKey("Z", 2, False)
    assert parse_key("cost", strict=False) is None
