"""The command line: the main job, its options and its errors."""

from __future__ import annotations

import re
import subprocess
import sys

from typer.testing import CliRunner

from chainrule.cli import app
from chaotic_tail import assert_flower_accuracy

runner = CliRunner()


def test_main_job_prints_the_course_accuracy_and_the_convention_table():
    result = runner.invoke(app, ["train"])
    assert result.exit_code == 0, result.output
    accuracy = re.search(r"training accuracy: (\d+\.\d\d) %", result.output)
    assert accuracy, result.output
    assert_flower_accuracy(float(accuracy.group(1)) / 100)  # 90.75 % here; the last digits are the machine's (chaotic_tail.py)
    for text in ("dZ2", "dW1", "dA0", "∂L/∂Z[2]", "∂J/∂Z[2]", "400", "identical"):
        assert text in result.output


def test_train_options():
    result = runner.invoke(
        app, ["train", "--layers", "2,5,3,1", "--activations", "relu,sigmoid", "--learning-rate", "0.5",
              "--iterations", "300", "--seed", "1", "--initialization", "he", "--convention", "cost"],
    )
    assert result.exit_code == 0, result.output
    assert "[2, 5, 3, 1]" in result.output and "'cost'" in result.output and "dZ3" in result.output


def test_train_bad_input_exits_2_with_a_clear_message():
    result = runner.invoke(app, ["train", "--layers", "3,4,1"])
    assert result.exit_code == 2
    assert "--layers must start with n_x = 2 for flower" in result.output
    result = runner.invoke(app, ["train", "--convention", "mean"])
    assert result.exit_code == 2 and "unknown convention 'mean'" in result.output
    result = runner.invoke(app, ["train", "--layers", "2,x,1"])
    assert result.exit_code == 2 and "comma-separated integers" in result.output


def test_console_script_runs():
    out = subprocess.run([sys.executable, "-m", "chainrule", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "train" in out.stdout


def test_check_passes_and_exits_0():
    result = runner.invoke(app, ["check", "--layers", "5,4,3,1", "--activations", "relu,sigmoid", "--m", "12", "--seed", "1"])
    assert result.exit_code == 0, result.output
    assert "PASSED" in result.output and "dW1" in result.output and "∂L/∂Z[3]" in result.output


def test_check_names_a_planted_error_and_exits_1():
    result = runner.invoke(app, ["check", "--scale", "db2=1.001", "--mode", "directional"])
    assert result.exit_code == 1, result.output
    assert "FAILED: db2" in result.output and "g = 1.001 × ĝ" in result.output


def test_check_json():
    import json

    result = runner.invoke(app, ["check", "--convention", "cost", "--mode", "sample", "--scale", "dZ2=16", "--json"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.output)
    assert data["failed_tensors"] == ["dZ2"] and data["convention"] == "cost" and data["mode"] == "sample"
    assert next(r for r in data["rows"] if r["key"] == "dZ2")["factor"] == "m"


def test_check_bad_input_exits_2():
    result = runner.invoke(app, ["check", "--mode", "fast"])
    assert result.exit_code == 2 and "unknown mode 'fast'" in result.output
    result = runner.invoke(app, ["check", "--scale", "dQ1=2"])
    assert result.exit_code == 2 and "no gradient 'dQ1'" in result.output
