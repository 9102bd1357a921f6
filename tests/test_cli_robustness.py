"""The training command line says what it did: no text lost to rich markup, early stopping and resumes reported
whole, predictions by column name, --checkpoint-every kept on --resume, patience in epochs as documented."""

from __future__ import annotations

import io
import json

import numpy as np
from rich.console import Console
from typer.testing import CliRunner

import chainrule as cr
from chainrule.cli import app
from chainrule.cli.common import console, err_console, plain, rich_table
from chainrule.datasets import load_dataset
from chainrule.report import Table

runner = CliRunner()

MOONS = ["train", "--dataset", "moons", "--layers", "2,8,1", "--optimizer", "adam", "--learning-rate", "0.01",
         "--batch-size", "64", "--seed", "3"]


def printed(renderable) -> str:
    out = Console(file=io.StringIO(), width=200, markup=console._markup)
    out.print(renderable)
    return out.file.getvalue()


def test_brackets_are_text_not_markup():
    for text in ("Σₗ ‖W[l]‖²", "pip install 'chainrule[data]'", "[bold]not bold[/]", "g'[l](Z[l])"):
        assert text in printed(text)
        assert text in printed(plain(text, "bold"))
    table = Table("dW[l] [data]", [("a", "W[l]")], [{"a": "[red]x[/]"}], notes=["Σ‖W[l]‖²"])
    shown = printed(rich_table(table))
    assert all(text in shown for text in ("dW[l] [data]", "W[l]", "[red]x[/]", "Σ‖W[l]‖²"))
    assert not console._markup and not err_console._markup


def test_the_l2_note_keeps_its_layer_index():
    result = runner.invoke(app, ["train", "--lambd", "0.1", "--iterations", "10"])
    assert result.exit_code == 0, result.output
    assert "Σ‖W[l]‖²" in result.stdout and "dW[l] includes (λ/m) W[l]" in result.stdout


def test_an_error_with_brackets_is_printed_whole():
    result = runner.invoke(app, ["train", "--layers", "2,[l],1"])
    assert result.exit_code == 2 and "got '2,[l],1'" in result.stderr


def test_an_install_hint_keeps_its_extra(monkeypatch, tmp_path):
    from chainrule import plots

    def missing(*args):
        raise plots.PlotsUnavailableError("matplotlib is not installed: pip install 'chainrule[plot]'")

    monkeypatch.setattr(plots, "_figure", missing)
    result = runner.invoke(app, ["train", "--iterations", "5", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "no plots: matplotlib is not installed: pip install 'chainrule[plot]'" in result.stderr


def test_patience_counts_epochs_as_documented():
    X, Y = load_dataset("moons").split("train")
    X_val = X * 3  # a validation set that training soon stops improving on
    net = cr.Network([2, 8, 1], ["relu", "sigmoid"], seed=0)
    history = net.fit(X, Y, 0.3, epochs=10_000, validation_data=(X_val, Y), patience=3)
    last = history.first_epoch + len(history.costs) - 1
    assert history.stopped_early and last - history.best_epoch == 3  # three epochs, not three evaluations
    assert history.patience == 3


def test_early_stopping_says_which_weights_it_restored():
    result = runner.invoke(app, [*MOONS, "--val-fraction", "0.3", "--epochs", "400", "--patience", "2", "--learning-rate", "0.05"])
    assert result.exit_code == 0, result.output
    assert "early stopping at epoch" in result.stdout and "were restored" in result.stdout
    payload = json.loads(runner.invoke(app, [*MOONS, "--val-fraction", "0.3", "--epochs", "400", "--patience", "2",
                                             "--learning-rate", "0.05", "--json"]).stdout.strip().splitlines()[-1])  # fmt: skip
    stopping = payload["early_stopping"]
    assert stopping["stopped_early"] and stopping["restored_epoch"] == stopping["best_epoch"] < stopping["stopped_at"]
    assert stopping["stopped_at"] - stopping["best_epoch"] == 2


def test_results_and_cost_plot_hold_the_whole_resumed_run(tmp_path, monkeypatch):
    half, full = tmp_path / "half", tmp_path / "full"
    assert runner.invoke(app, [*MOONS, "--epochs", "8", "--out", str(full), "--json"]).exit_code == 0
    assert runner.invoke(app, [*MOONS, "--epochs", "4", "--out", str(half), "--checkpoint-every", "2", "--json"]).exit_code == 0
    drawn = {}
    from chainrule import plots

    monkeypatch.setattr(plots, "cost_curves", lambda history, path: drawn.setdefault("costs", list(history.costs)) and path)
    saves = []
    save = cr.Network.save
    monkeypatch.setattr(cr.Network, "save", lambda net, path: (saves.append((net.training_state["epoch"], str(path))), save(net, path)))
    result = runner.invoke(app, ["train", "--resume", str(half / "checkpoint.npz"), "--epochs", "9", "--out", str(half), "--json"])
    assert result.exit_code == 0, result.output
    whole = json.loads((half / "results.json").read_text())["history"]
    reference = json.loads((full / "results.json").read_text())["history"]
    assert len(whole["costs"]) == 9 and whole["first_epoch"] == 0
    assert whole["costs"][:8] == reference["costs"]  # the resumed run continues the saved history exactly
    assert drawn.get("costs", whole["costs"]) == whole["costs"]
    checkpoints = [epoch for epoch, path in saves if path.endswith("checkpoint.npz")]
    assert checkpoints == [6, 8, 9]  # --checkpoint-every 2 kept from the first run (and the last epoch)
    assert cr.Network.load(half / "model.npz").metadata["train_options"]["checkpoint_every"] == 2


def test_predict_takes_the_columns_by_name(tmp_path):
    rng = np.random.default_rng(1)
    points = rng.standard_normal((80, 2))
    rows = "\n".join(f"{a:.5f},{b:.5f},{int(a > b)}" for a, b in points)
    (tmp_path / "data.csv").write_text("a,b,label\n" + rows + "\n")
    run = tmp_path / "run"
    result = runner.invoke(app, ["train", "--dataset", str(tmp_path / "data.csv"), "--layers", "2,4,1", "--epochs", "30",
                                 "--learning-rate", "0.5", "--out", str(run), "--json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    (tmp_path / "ab.csv").write_text("a,b\n1,-1\n-1,1\n")
    (tmp_path / "ba.csv").write_text("extra,b,a\n9,-1,1\n9,1,-1\n")
    ab = runner.invoke(app, ["predict", str(run / "model.npz"), str(tmp_path / "ab.csv")])
    ba = runner.invoke(app, ["predict", str(run / "model.npz"), str(tmp_path / "ba.csv")])
    assert ab.exit_code == ba.exit_code == 0, ab.output + ba.output
    assert ab.stdout == ba.stdout  # the same examples, columns in another order and one column more


def test_the_cost_convention_says_why_its_last_digits_differ():
    result = runner.invoke(app, ["train", "--convention", "cost", "--iterations", "50"])
    assert result.exit_code == 0, result.output
    assert "same dW, db up to rounding" in result.stdout and "chaotic" in result.stdout
