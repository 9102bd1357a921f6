"""The training command line: data sets, options, --json, --out, --resume, evaluate and predict."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from typer.testing import CliRunner

import chainrule as cr
from chainrule import runs
from chainrule.cli import app
from chainrule.datasets import load_dataset
from chainrule.training import Regularization

runner = CliRunner()

MOONS = ["train", "--dataset", "moons", "--layers", "2,6,1", "--activations", "relu,sigmoid", "--optimizer", "adam",
         "--learning-rate", "0.01", "--batch-size", "64", "--keep-prob", "0.9", "--lambd", "0.1", "--seed", "3"]


def last_json(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


def test_json_output_has_every_split(tmp_path):
    result = runner.invoke(app, [*MOONS, "--epochs", "5", "--json"])
    assert result.exit_code == 0, result.output
    payload = last_json(result.stdout)
    assert set(payload) >= {"train_accuracy", "val_accuracy", "test_accuracy", "cost"}
    assert payload["val_accuracy"] is None and payload["test_accuracy"] is None and 0 < payload["train_accuracy"] <= 1
    result = runner.invoke(app, ["train", "--dataset", "breast_cancer", "--epochs", "3", "--optimizer", "adam", "--json"])
    payload = last_json(result.stdout)
    assert payload["val_accuracy"] is not None and payload["test_accuracy"] is not None


def test_split_results_measure_each_split_of_its_own():
    data = load_dataset("breast_cancer").standardized()
    net = cr.Network([data.n_x, 3, 1], ["relu", "sigmoid"], seed=1)
    results = runs.split_results(net, data)
    assert list(results) == ["train_accuracy", "val_accuracy", "val_cost", "test_accuracy", "test_cost", "cost"]  # the JSON's keys
    for name, accuracy, cost in (("train", "train_accuracy", "cost"), ("val", "val_accuracy", "val_cost"),
                                 ("test", "test_accuracy", "test_cost")):  # fmt: skip
        X, Y = data.split(name)
        assert results[accuracy] == net.accuracy(X, Y) and results[cost] == net.cost(net.forward(X)[0], Y), name
    assert len({results["train_accuracy"], results["val_accuracy"], results["test_accuracy"]}) == 3  # three different splits


def test_resume_from_the_command_line_equals_the_uninterrupted_run(tmp_path):
    full, half = tmp_path / "full", tmp_path / "half"
    assert runner.invoke(app, [*MOONS, "--epochs", "8", "--out", str(full), "--json"]).exit_code == 0
    assert runner.invoke(app, [*MOONS, "--epochs", "4", "--out", str(half), "--json"]).exit_code == 0
    result = runner.invoke(app, ["train", "--resume", str(half / "checkpoint.npz"), "--epochs", "8", "--out", str(half), "--json"])
    assert result.exit_code == 0, result.output
    a, b = cr.Network.load(full / "model.npz"), cr.Network.load(half / "model.npz")
    assert b.training_state["epoch"] == 8
    for key in a.parameters:
        assert np.array_equal(a.parameters[key], b.parameters[key]), key
    assert last_json(result.stdout)["train_accuracy"] == json.loads((full / "results.json").read_text())["train_accuracy"]


def test_out_writes_model_results_and_plots(tmp_path):
    pytest.importorskip("matplotlib")
    result = runner.invoke(app, ["train", "--dataset", "digits", "--layers", "64,16,10", "--activations", "relu,softmax",
                                 "--optimizer", "adam", "--learning-rate", "0.003", "--epochs", "3", "--batch-size", "128",
                                 "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "test accuracy" in result.output and "dZ2" in result.output
    names = {p.name for p in tmp_path.iterdir()}
    assert {"model.npz", "checkpoint.npz", "results.json", "cost.png", "confusion_matrix.png"} <= names
    assert (tmp_path / "cost.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    history = json.loads((tmp_path / "results.json").read_text())["history"]
    assert len(history["costs"]) == 3 and len(history["val_accuracy"]) == 3


def test_evaluate_and_predict_a_saved_model(tmp_path):
    data = tmp_path / "table.csv"
    rng = np.random.default_rng(0)
    X = rng.standard_normal((120, 2)) * [1, 100] + [0, 500]  # features on very different scales
    y = np.where(X[:, 0] > 0, "yes", "no")
    data.write_text("a,b,answer\n" + "".join(f"{a},{b},{c}\n" for (a, b), c in zip(X, y, strict=True)))
    out = tmp_path / "run"
    result = runner.invoke(app, ["train", "--dataset", str(data), "--label", "answer", "--layers", "2,4,1", "--optimizer", "adam",
                                 "--learning-rate", "0.05", "--epochs", "60", "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    trained = last_json(result.stdout)
    result = runner.invoke(app, ["evaluate", str(out / "model.npz"), "--json"])
    assert result.exit_code == 0, result.output
    evaluated = last_json(result.stdout)
    for key in ("train_accuracy", "val_accuracy", "test_accuracy", "cost"):
        assert evaluated[key] == pytest.approx(trained[key], rel=1e-12)
    queries = tmp_path / "queries.csv"
    queries.write_text("b,a\n500,2.5\n500,-2.5\n")  # columns in another order: picked by name
    result = runner.invoke(app, ["predict", str(out / "model.npz"), str(queries)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "row,prediction,probability"
    assert lines[1].startswith("0,yes,") and lines[2].startswith("1,no,")


def table(path, rng, m=120, label="answer"):
    X = rng.standard_normal((m, 2))
    path.write_text(f"a,b,{label}\n" + "".join(f"{a},{b},{int(a > b)}\n" for a, b in X))
    return str(path)


def test_evaluate_reads_the_saved_options_by_the_rule_of_resume(tmp_path):
    """evaluate resolves a saved run's options as train --resume does (runs.resolve_options): its seed, label and
    fractions where not given; the options of its data not for another data set."""
    data = table(tmp_path / "t.csv", np.random.default_rng(0))
    out = tmp_path / "run"
    result = runner.invoke(app, ["train", "--dataset", data, "--label", "answer", "--val-fraction", "0.25", "--test-fraction",
                                 "0.3", "--seed", "4", "--layers", "2,3,1", "--epochs", "5", "--out", str(out), "--json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    trained, model = last_json(result.stdout), str(out / "model.npz")

    def evaluated(*options):
        result = runner.invoke(app, ["evaluate", model, *options, "--json"])
        assert result.exit_code == 0, result.output
        return last_json(result.stdout)

    keys = ("train_accuracy", "val_accuracy", "test_accuracy", "cost", "val_cost", "test_cost")
    for same in ((), ("--seed", "4"), ("--dataset", data, "--val-fraction", "0.25")):
        assert {key: evaluated(*same)[key] for key in keys} == {key: trained[key] for key in keys}, same
    for other in (("--seed", "5"), ("--test-fraction", "0.5")):  # another split: other examples in each part
        assert evaluated(*other)["cost"] != trained["cost"], other
    other_table = table(tmp_path / "u.csv", np.random.default_rng(1), label="label")  # no column "answer": the default label
    assert evaluated("--dataset", other_table)["val_accuracy"] is not None
    saved = cr.Network.load(model).metadata["train_options"]
    assert runs.resolve_options({"dataset": other_table}, saved)["seed"] == 4  # the run's seed, not its data's options
    assert runs.resolve_options({"dataset": other_table}, saved)["label"] is None
    assert runs.resolve_options({}, saved) == {**saved, "layers": "2,3,1"}
    result = runner.invoke(app, ["evaluate", model, "--seed", "-1"])
    assert result.exit_code == 2 and "--seed must be" in result.output


def test_resume_and_evaluate_resolve_options_by_one_rule(tmp_path, monkeypatch):
    out = tmp_path / "run"
    assert runner.invoke(app, [*MOONS, "--epochs", "2", "--out", str(out), "--json"]).exit_code == 0
    calls = []
    resolve = runs.resolve_options
    monkeypatch.setattr(runs, "resolve_options", lambda given, saved=None: calls.append((dict(given), saved)) or resolve(given, saved))
    assert runner.invoke(app, ["train", "--resume", str(out / "model.npz"), "--epochs", "3", "--json"]).exit_code == 0
    assert runner.invoke(app, ["evaluate", str(out / "model.npz"), "--json"]).exit_code == 0
    saved = cr.Network.load(out / "model.npz").metadata["train_options"]
    assert calls[0][1]["seed"] == calls[-1][1]["seed"] == saved["seed"] == 3 and calls[-1][0] == {}


def test_predict_reads_the_label_column_of_the_saved_run(tmp_path):
    """A model without feature names takes every column but its run's label column (saved options, then "label")."""
    net = cr.Network([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    (tmp_path / "q.csv").write_text("x1,target,x2\n1,0,2\n-1,1,-2\n")
    (tmp_path / "p.csv").write_text("x1,label,x2\n1,0,2\n-1,1,-2\n")
    expected = net.predict_proba(np.array([[1.0, -1.0], [2.0, -2.0]]))[0]
    for options, queries in (({"label": "target"}, "q.csv"), ({}, "p.csv")):
        net.metadata = {"train_options": options}
        net.save(tmp_path / "m.npz")
        result = runner.invoke(app, ["predict", str(tmp_path / "m.npz"), str(tmp_path / queries)])
        assert result.exit_code == 0, result.output
        probabilities = [float(line.split(",")[2]) for line in result.stdout.strip().splitlines()[1:]]
        assert probabilities == pytest.approx(np.where(expected > 0.5, expected, 1 - expected), rel=1e-6)
    result = runner.invoke(app, ["predict", str(tmp_path / "m.npz"), str(tmp_path / "q.csv")])  # "target" is a feature now
    assert result.exit_code == 2 and "has 3 feature columns" in result.output


@pytest.mark.parametrize(("given", "weights"), [
    ({}, "np.random.seed(2), as the course"),  # the flower without --seed: the course's stream
    ({"legacy_seed": 3}, "np.random.seed(3), as the course"),
    ({"seed": 4}, "default_rng(4)"),
    ({"dataset": "moons"}, "default_rng(0)"),
])
def test_one_rule_picks_the_initial_weights_generator_and_the_cli_prints_it(given, weights):
    run = runs.start_run({"epochs": 1, **given}, None, None)
    assert run.weights == weights
    if weights.startswith("np.random.seed"):  # W1 = randn · 0.01 from np.random.RandomState(legacy_seed), as the course
        expected = np.random.RandomState(given.get("legacy_seed", 2)).randn(4, 2) * 0.01
        np.testing.assert_array_equal(run.net.parameters["W1"], expected)
    args = [f"--{key.replace('_', '-')}={value}" for key, value in given.items()]
    result = runner.invoke(app, ["train", "--epochs", "1", *args])
    assert result.exit_code == 0 and f"({weights})" in result.stdout, result.output


def test_the_two_training_accuracies_say_which_they_are():
    """The progress line's is the epoch's, from the outputs before each update; the final line's is after the last one."""
    result = runner.invoke(app, ["train", "--dataset", "moons", "--epochs", "3"])
    assert result.exit_code == 0, result.output
    during = re.search(r"train \(during epoch\) (\d+\.\d\d) %", result.output)
    after = re.search(r"training accuracy: (\d+\.\d\d) % \(after the last update\)", result.output)
    assert during and after, result.output
    net = cr.Network([2, 32, 16, 1], ["relu", "relu", "sigmoid"], rng=np.random.default_rng(0))
    X, Y = load_dataset("moons").split("train")
    history = net.fit(X, Y, learning_rate=0.01, epochs=3)
    assert during.group(1) == f"{100 * history.train_accuracy[-1]:.2f}" and after.group(1) == f"{100 * net.accuracy(X, Y):.2f}"
    assert during.group(1) != after.group(1)  # two numbers, each under its own name


def test_training_cli_errors_exit_2(tmp_path):
    result = runner.invoke(app, ["train", "--dataset", "digits", "--layers", "64,10,1"])
    assert result.exit_code == 2 and "must end with n_y = 10" in result.output
    result = runner.invoke(app, ["train", "--optimizer", "sgd"])
    assert result.exit_code == 2 and "unknown optimizer 'sgd'" in result.output
    result = runner.invoke(app, ["evaluate", str(tmp_path / "absent.npz")])
    assert result.exit_code == 2 and "no model file" in result.output
    (tmp_path / "broken.npz").write_bytes(b"PK\x03\x04 truncated")
    result = runner.invoke(app, ["train", "--resume", str(tmp_path / "broken.npz")])
    assert result.exit_code == 2 and "not a readable chainrule model" in result.output


def test_a_finished_run_carries_the_comparison_of_the_conventions_that_train_prints():
    run = runs.start_run({"dataset": "moons", "epochs": 2, "lambd": 0.1}, None, None)
    finished = runs.finish_run(run, runs.fit_run(run, None), None)
    assert finished.pictures == [] and finished.no_plots is None and finished.results == runs.split_results(run.net, run.data)
    X, Y = run.data.split("train")
    expected = cr.compare_conventions(run.net, X, Y, lambd=0.1)  # at the final weights, with the run's λ
    assert str(finished.conventions) == str(expected) and finished.conventions.m == X.shape[1] and "λ" in str(expected)
    result = runner.invoke(app, ["train", "--dataset", "moons", "--epochs", "2", "--lambd", "0.1"])
    assert result.exit_code == 0 and "Both conventions on one batch" in result.stdout and "(λ/2m)" in result.stdout, result.output


def test_the_check_problem_checks_its_input_in_order_before_anything_is_drawn():
    problem = runs.check_problem([3, 4, 1], ["tanh", "sigmoid"], 5, 2, "full", 3, lambd=0.2, keep_prob=0.5)
    assert problem.X.shape == (3, 5) and problem.Y.shape == (1, 5) and problem.net.layer_dims == [3, 4, 1]
    assert problem.regularization == Regularization(lambd=0.2, keep_prob=0.5) and set(problem.masks) == {1}
    assert runs.check_problem([3, 4, 1], ["tanh", "sigmoid"], 5, 2).masks is None
    huge = [100_000, 100_000, 1]  # W1 alone would be 74.5 GiB: refused by the estimate, never allocated
    for m, lambd, mode, message in ((0, -1.0, "full", r"--m must be a positive integer"), (4, -1.0, "full", r"lambd .* >= 0; got -1"),
                                    (4, 0.0, "full", r"a gradient check of layer_dims \[100000, 100000, 1\] on m = 4")):  # fmt: skip
        with pytest.raises(cr.ChainruleError, match=message):
            runs.check_problem(huge, ["relu", "sigmoid"], m, 0, mode, lambd=lambd)
