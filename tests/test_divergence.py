"""A run that diverges is reported as such (where, why, what to try), never as a result; no NumPy warning escapes."""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pytest
from typer.testing import CliRunner

import chainrule as cr
from chainrule.cli import app
from chainrule.datasets import load_dataset
from chainrule.divergence import EXPLODED, STREAK, Divergence, DivergenceError, DivergenceMonitor

runner = CliRunner()
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")  # an overflow must become the report, not a warning

DIVERGING = ["train", "--dataset", "moons", "--layers", "2,16,16,1", "--learning-rate", "1e6", "--iterations", "300"]


def moons():
    return load_dataset("moons").split("train")


def test_the_issue_run_exits_1_with_the_iteration_and_a_smaller_learning_rate():
    result = runner.invoke(app, DIVERGING)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), repr(result.exception)  # not a warning raised
    assert "final cost J" not in result.stdout and "training accuracy" not in result.stdout
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith("training diverged at iteration ") and "learning_rate=1e+06" in line
    assert line.endswith("try a smaller learning rate, e.g. 100000"), line


def test_the_json_report_says_where_and_why(tmp_path):
    result = runner.invoke(app, [*DIVERGING, "--json", "--out", str(tmp_path)])
    assert result.exit_code == 1, result.output
    payload = json.loads(result.stdout.strip().splitlines()[-1])
    diverged = payload["diverged"]
    assert diverged["cause"] == "learning_rate" and diverged["unit"] == "iteration" and 0 <= diverged["epoch"] < 300
    assert payload["model"] is None and "train_accuracy" not in payload
    assert not (tmp_path / "model.npz").exists()
    saved = json.loads((tmp_path / "results.json").read_text())
    assert saved["diverged"] == diverged and len(saved["history"]["costs"]) >= 1


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_a_huge_learning_rate_is_caught_in_either_precision(dtype):
    X, Y = moons()
    net = cr.Network([2, 16, 16, 1], ["relu", "sigmoid"], seed=0, dtype=dtype)
    with pytest.raises(DivergenceError, match="training diverged") as caught:
        net.fit(X.astype(dtype), Y, learning_rate=1e6, num_iterations=300)
    assert caught.value.divergence.cause == "learning_rate"
    assert net.history.diverged == caught.value.divergence
    saved = net.history.to_dict()["diverged"]  # JSON keys as before: the fields and the message
    assert saved == {**dataclasses.asdict(caught.value.divergence), "message": str(caught.value)}
    loaded = cr.History.from_dict(json.loads(json.dumps(net.history.to_dict()))).diverged  # as a saved run's history
    assert isinstance(loaded, Divergence) and json.dumps(loaded.to_dict()) == json.dumps(saved)  # (a NaN cost is no NaN's equal)
    assert net.history.diverged["message"] == str(caught.value) and net.history.diverged["cause"] == "learning_rate"  # as the dict
    assert net.history.diverged == saved and dict(net.history.diverged) == saved  # the same entries, in its order
    assert max(np.abs(v).max() for v in net.parameters.values()) < 1e30 or caught.value.divergence.epoch < 300


def test_a_divergence_reads_as_the_dict_history_diverged_was():
    divergence = Divergence(7, "the cost became nan", math.nan, 0.69, "learning_rate", "try a smaller learning rate, e.g. 0.1", 1.0)
    old = {**dataclasses.asdict(divergence), "message": divergence.message()}  # what history.diverged was
    assert list(divergence) == list(old) and len(divergence) == len(old) and dict(divergence) == old
    assert divergence == old and old == divergence and divergence == Divergence.from_dict(old)
    assert divergence != {**old, "epoch": 8} and divergence != dataclasses.replace(divergence, cause="initialization")
    assert "cause" in divergence and "diverged" not in divergence and divergence.get("unit") == "epoch"
    assert divergence.get("missing", 3) == 3 and dict(divergence.items()) == old and list(divergence.values()) == list(old.values())
    assert divergence["message"] == divergence.message() and divergence.cause == "learning_rate"  # and as attributes
    assert json.loads(json.dumps(divergence.to_dict()))["epoch"] == 7
    with pytest.raises(KeyError):
        divergence["nonsense"]


def test_weights_that_saturate_the_output_from_the_start_are_blamed_on_the_initialization():
    X, Y = moons()
    net = cr.Network([2, 16, 16, 1], ["relu", "sigmoid"], seed=0)
    for key in net.parameters:
        net.parameters[key] = net.parameters[key] * 300
    with pytest.raises(DivergenceError) as caught:
        net.fit(X, Y, learning_rate=0.01, num_iterations=300)
    divergence = caught.value.divergence
    assert divergence.cause == "initialization" and "saturated" in divergence.reason
    assert "smaller initial weights than 'he'" in divergence.suggestion and "standardize the inputs" in divergence.suggestion


def test_healthy_runs_are_not_flagged():
    X, Y = moons()
    for options in ({"learning_rate": 0.3}, {"learning_rate": 0.01, "optimizer": "adam", "batch_size": 64}):
        net = cr.Network([2, 16, 16, 1], ["relu", "sigmoid"], seed=0)
        history = net.fit(X, Y, epochs=200, **options)
        assert history.diverged is None and history.final_cost < history.costs[0]


def monitor(last_epoch=100, first_epoch=0):
    return DivergenceMonitor("binary_cross_entropy", 1, np.float64, first_epoch, last_epoch, True, "he")


def test_a_spike_is_not_a_divergence_but_a_lasting_rise_is():
    m = monitor()
    costs = [0.7, 0.6, 9.0, 9.5, 0.5] + [0.4] * 10  # a spike of two iterations above 10 × 0.7
    assert all(m.cost(epoch, J, 0.1) is None for epoch, J in enumerate(costs))
    m = monitor()
    found = [m.cost(epoch, J, 0.1) for epoch, J in enumerate([0.7, 0.6] + [20.0] * STREAK)]
    assert found[:-1] == [None] * (STREAK + 1) and found[-1] is not None
    assert found[-1].epoch == 2 and found[-1].cause == "learning_rate" and "rose from 0.7 to 20" in found[-1].reason


def test_a_rise_at_the_last_epoch_counts():
    m = monitor(last_epoch=3)
    assert m.cost(0, 0.7, 1.0) is None and m.cost(1, 0.6, 1.0) is None
    assert m.cost(2, 50.0, 1.0).epoch == 2


def test_non_finite_costs_and_exploded_parameters():
    m = monitor()
    assert m.cost(0, 0.7, 0.5) is None
    assert "the cost became nan" in m.cost(1, math.nan, 0.5).reason
    assert m.parameters(3, {"W1": np.ones((2, 2))}, 0.5) is None
    assert "W1 holds 1e+09" in monitor().parameters(3, {"W1": np.full((2, 2), 10 * EXPLODED)}, 0.5).reason
    assert "W2 holds nan" in monitor().parameters(3, {"W1": np.ones(1), "W2": np.array([np.nan])}, 0.5).reason


def test_a_resumed_run_is_never_blamed_on_its_initialization():
    m = monitor(first_epoch=50)
    assert m.cost(50, 100.0, 0.5) is None  # saturated where the resumed part starts
    found = [m.cost(epoch, 100.0, 0.5) for epoch in range(51, 51 + STREAK)]
    assert found[-1] is not None and found[-1].cause == "learning_rate"


def test_divergence_is_a_chainrule_error_with_the_history():
    X, Y = moons()
    net = cr.Network([2, 16, 1], ["relu", "sigmoid"], seed=0)
    with pytest.raises(cr.ChainruleError) as caught:
        net.fit(X, Y, learning_rate=1e7, num_iterations=50)
    assert isinstance(caught.value, DivergenceError) and caught.value.history is net.history
    assert caught.value.history.diverged.message() == str(caught.value)
