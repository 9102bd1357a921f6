"""The forum thread, settled by computation: dW, db identical; dZ, dA differ by exactly m."""

from __future__ import annotations

import json

import numpy as np
import pytest

import chainrule as cr
from chainrule.conventions import derivative_of, scales
from conftest import random_problem


@pytest.mark.parametrize("m", [1, 3, 400])
def test_identities(m):
    dims, activations = [4, 5, 3, 1], ["tanh", "relu", "sigmoid"]
    X, Y, params = random_problem(dims, m, seed=m)
    net = cr.Network.from_parameters(params, activations)
    caches = net.forward(X)[1]
    loss, cost = net.backward(Y, caches, "loss"), net.backward(Y, caches, "cost")
    for key in loss:
        # to 1e-12 of the array's scale: an element that is a sum cancelling to 1e-6 of its terms keeps fewer
        # relative digits, and which ones the BLAS kernel decides (dA0 with OpenBLAS's Sandybridge kernel)
        atol = 1e-12 * np.abs(loss[key]).max()
        if key[1] in "Wb":
            np.testing.assert_allclose(loss[key], cost[key], rtol=1e-12, atol=atol, err_msg=key)
        else:
            np.testing.assert_allclose(loss[key], m * cost[key], rtol=1e-12, atol=atol, err_msg=key)


def test_compare_conventions_table():
    X, Y, params = random_problem([2, 4, 1], 400, seed=0)
    net = cr.Network.from_parameters(params, ["tanh", "sigmoid"])
    table = cr.compare_conventions(net, X, Y)
    assert [row["key"] for row in table.rows] == ["dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1", "dA0"]
    assert table["dZ2"]["ratio"] == pytest.approx(400, rel=1e-12)
    assert table["dA0"]["ratio"] == pytest.approx(400, rel=1e-12)
    assert table["dW1"]["ratio"] == pytest.approx(1, rel=1e-12)
    assert table["dW1"]["max_abs_diff"] < 1e-15
    assert table["dZ2"]["loss"] == "∂L/∂Z[2]" and table["dZ2"]["cost"] == "∂J/∂Z[2]"
    assert table["db1"]["loss"] == "∂J/∂b[1]"
    assert table.identities_hold
    text = str(table)
    assert "dZ2" in text and "∂L/∂Z[2]" in text and "identical" in text
    assert "<table>" in table._repr_html_()
    assert json.loads(table.to_json())["rows"][0]["shape"] == [1, 400]


def test_where_the_factor_sits():
    assert scales("loss", 8) == (1.0, 0.125)
    assert scales("cost", 8) == (0.125, 1.0)
    assert derivative_of("dA0", "loss") == "∂L/∂A[0]"
    assert derivative_of("dW3", "loss") == "∂J/∂W[3]"
    assert derivative_of("dZ3", "cost") == "∂J/∂Z[3]"


def test_one_over_m_at_every_layer_is_the_bug():
    """Putting 1/m at the output *and* in every dW gives dW[l] too small by exactly 1/m."""
    m = 16
    X, Y, params = random_problem([3, 4, 4, 1], m, seed=5)
    net = cr.Network.from_parameters(params, ["relu", "relu", "sigmoid"])
    caches = net.forward(X)[1]
    right = net.backward(Y, caches, "loss")
    AL = cr.ACTIVATIONS["sigmoid"].g(caches[-1][1])
    wrong = cr.backward(caches, net.activations, 1 / m, dZL=(AL - Y) / m)  # both factors
    for l in (1, 2, 3):
        np.testing.assert_allclose(wrong[f"dW{l}"] * m, right[f"dW{l}"], rtol=1e-12)


def test_unknown_convention():
    net = cr.Network([2, 1], ["sigmoid"])
    X, Y = np.ones((2, 3)), np.ones((1, 3))
    with pytest.raises(cr.ChainruleError, match="unknown convention 'mean'.*'loss'.*'cost'"):
        net.backward(Y, net.forward(X)[1], convention="mean")
