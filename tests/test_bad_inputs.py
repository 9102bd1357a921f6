"""The bad-input catalogue: every case is refused with one line naming what was expected and what was given.

Python API: a ChainruleError whose message is one line and matches the case's pattern. Command line
(in-process, typer's CliRunner): exit code 2, stderr ends with exactly one line "error: …" matching
the pattern, and no traceback anywhere. Each case is a row of a table; a new bad input is a new row.
"""

from __future__ import annotations

import errno
import os
import re

import numpy as np
import pytest
from typer.testing import CliRunner

import chainrule as cr
from chainrule.cli import app
from chainrule.datasets import load_dataset
from chainrule.losses import one_hot

runner = CliRunner()

X2 = np.random.default_rng(0).standard_normal((2, 6))
Y2 = np.array([[0, 1, 0, 1, 1, 0]])


def net2() -> cr.Network:
    return cr.Network([2, 3, 1], ["tanh", "sigmoid"], seed=0)


def assign(key, value):
    def run():
        net2().parameters[key] = value

    return run


def fit(**options):
    def run():
        arguments = {"learning_rate": 0.1, "epochs": 2, **options}
        net2().fit(X2, Y2, **arguments)

    return run


def backward_with(caches_of):
    def run():
        net = net2()
        _, caches = net.forward(X2)
        net.backward(Y2, caches_of(net, caches))

    return run


def other_caches(net, caches):
    return cr.Network([2, 3, 1], ["tanh", "sigmoid"], seed=1).forward(X2)[1]


def wider_caches(net, caches):
    return cr.Network([2, 5, 1], ["tanh", "sigmoid"], seed=1).forward(X2)[1]


def resumed_below_done():
    net = net2()
    net.fit(X2, Y2, 0.1, epochs=5)
    net.fit(X2, Y2, 0.1, epochs=3, resume=True)


def csv_file(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


CSV = {
    "empty_label.csv": "a,b,label\n1,2,x\n3,4,\n5,6,y\n",
    "nan.csv": "a,b,label\n1,2,x\n3,nan,y\n5,6,y\n",
    "inf.csv": "a,b,label\n1,2,x\n3,4,y\n-inf,6,x\n",
    "duplicate.csv": "a,a,label\n1,2,x\n3,4,y\n",
    "ragged.csv": "a,b,label\n1,2,x\n3,y\n",
    "text.csv": "a,b,label\n1,two,x\n3,4,y\n",
    "header_only.csv": "a,b,label\n",
    "one_class.csv": "a,b,label\n1,2,x\n3,4,x\n5,6,x\n",
    "no_label.csv": "a,b,c\n1,2,3\n",
    "empty_cell.csv": "a,b,label\n1,,x\n3,4,y\n",
}


def latin1_csv(tmp_path):
    return csv_file(tmp_path, "latin1.csv", "a,b,label\n1,2,café\n3,4,thé\n", encoding="latin-1")


API_CASES = [
    # structure
    ("layer size 0", lambda: cr.Network([2, 0, 1]), r"layer sizes must be positive integers; layer_dims\[1\] is 0"),
    ("layer_dims a string", lambda: cr.Network("2,4,1"), r"layer_dims must be a list of positive integers .*got '2,4,1'"),
    ("one layer size", lambda: cr.Network([2]), r"layer_dims needs at least two sizes.*got \[2\]"),
    ("layer size 2.5", lambda: cr.Network([2, 2.5, 1]), r"layer_dims\[1\] is 2.5"),
    ("unknown activation", lambda: cr.Network([2, 4, 1], ["relu", "nope"]), r"unknown activation 'nope'"),
    ("softmax hidden", lambda: cr.Network([2, 4, 3], ["softmax", "softmax"]), r"softmax is only valid as the output"),
    ("softmax one class", lambda: cr.Network([2, 4, 1], ["relu", "softmax"]), r"softmax output needs n\[L\] >= 2 classes; got n\[L\] = 1"),
    ("three activations for two layers", lambda: cr.Network([2, 4, 1], ["relu", "relu", "sigmoid"]), r"expected 2 activations .*got 3"),
    ("integer dtype", lambda: cr.Network([2, 4, 1], dtype=int), r"dtype must be a floating type .*got int64"),
    # parameters
    ("W1 of a wrong shape", assign("W1", np.ones((3, 3))), r"parameters\['W1'\] must have shape \(3, 2\); got \(3, 3\)"),
    ("W1 with NaN", assign("W1", np.full((3, 2), np.nan)), r"parameters\['W1'\] holds NaN or inf"),
    ("W1 of strings", assign("W1", np.full((3, 2), "a")), r"parameters\['W1'\] must hold real numbers .*got dtype <U1"),
    ("W1 complex", assign("W1", np.ones((3, 2)) * 1j), r"must hold real numbers .*complex128"),
    ("unknown key W9", assign("W9", np.ones((3, 2))), r"the parameters have keys \['W1', 'W2', 'b1', 'b2'\]; got 'W9'"),
    ("deleting W1", lambda: net2().parameters.pop("W1"), r"keep their keys"),
    ("update with a wrong b2", lambda: net2().parameters.update(b2=np.ones((2, 1))), r"parameters\['b2'\] must have shape \(1, 1\)"),
    ("parameters not a dict", lambda: setattr(net2(), "parameters", 42), r"parameters must be a dict .*got int"),
    ("parameters without b2", lambda: setattr(net2(), "parameters", {"W1": 0, "b1": 0, "W2": 0}), r"parameters must have keys"),
    # forward
    ("X with 3 rows", lambda: net2().forward(np.ones((3, 4))), r"X must have n_x = 2 rows, shape \(2, m\); got shape \(3, 4\)"),
    ("X transposed", lambda: net2().forward(np.ones((4, 2))), r"pass X.T"),
    ("X 1-D", lambda: net2().forward(np.ones(4)), r"X must be 2-D .*got shape \(4,\)"),
    ("X with NaN", lambda: net2().forward(np.array([[1.0, np.nan], [0, 0]])), r"X must be finite; .* nan at \[0, 1\]"),
    ("X without examples", lambda: net2().forward(np.ones((2, 0))), r"at least one example"),
    # cost
    ("cost of AL = 1.5", lambda: cr.cost(np.array([[1.5, 0.5]]), np.array([[1, 0]])),
     r"AL must hold probabilities in \[0, 1\].*AL\[0, 0\] = 1.5"),
    ("cost of AL < 0", lambda: cr.cost(np.array([[-0.1, 0.5]]), np.array([[1, 0]])), r"AL\[0, 0\] = -0.1"),
    ("cost of NaN AL", lambda: cr.cost(np.array([[0.2, np.nan]]), np.array([[1, 0]])), r"AL\[0, 1\] = nan"),
    ("cost of shapes that differ", lambda: cr.cost(np.full((1, 3), 0.5), np.ones((1, 4))), r"same shape .*got AL \(1, 3\), Y \(1, 4\)"),
    ("cost of labels 2", lambda: cr.cost(np.full((1, 2), 0.5), np.array([[2, 0]])), r"Y must hold labels 0 or 1.*Y\[0, 0\] = 2"),
    ("cost of text AL", lambda: cr.cost(np.array([["a"]]), np.array([[1]])), r"AL must be a real numeric array; got dtype <U1"),
    ("net.cost of AL = 1.5", lambda: net2().cost(np.full((1, 6), 1.5), Y2), r"AL must hold probabilities"),
    ("net.cost of a wrong Y", lambda: net2().cost(np.full((1, 6), 0.5), np.ones((1, 5))), r"Y must have shape \(n_y, m\) = \(1, 6\)"),
    ("categorical cost of a non-one-hot Y", lambda: cr.cost(np.full((2, 2), 0.5), np.ones((2, 2)), "categorical_cross_entropy"),
     r"one-hot columns"),
    ("unknown loss", lambda: cr.cost(np.full((1, 2), 0.5), np.ones((1, 2)), "hinge"), r"unknown loss 'hinge'"),
    # backward
    ("caches of another network", backward_with(other_caches), r"holds a W1 that is not this network's"),
    ("caches of a wider network", backward_with(wider_caches), r"caches\[0\] \(layer 1\) must hold .* W \(3, 2\).*got .*\(5, 2\)"),
    ("caches of one layer", backward_with(lambda net, caches: caches[:1]), r"one entry per layer, 2, .*got 1"),
    ("caches not a list", backward_with(lambda net, caches: 42), r"one entry per layer, 2, .*got int"),
    ("a cache of the wrong form", backward_with(lambda net, caches: [caches[0], 7]), r"caches\[1\] must be \(\(A_prev, W, b\), Z\)"),
    ("caches after the weights changed", backward_with(lambda net, caches: (net.parameters.update(W2=np.zeros((1, 3))), caches)[1]),
     r"holds a W2 that is not this network's.*changed since the forward pass"),
    ("unknown convention", lambda: net2().backward(Y2, net2().forward(X2)[1], convention="mean"), r"unknown convention 'mean'"),
    ("backward with labels 2", lambda: net2().backward(Y2 * 2, net2().forward(X2)[1]), r"labels in \{0, 1\}"),
    # fit: the learning rate and each hyper-parameter in its own range, with its own name
    ("learning_rate -1", fit(learning_rate=-1), r"learning_rate must be a positive finite number; got -1"),
    ("learning_rate 0", fit(learning_rate=0.0), r"learning_rate must be a positive finite number; got 0.0"),
    ("learning_rate NaN", fit(learning_rate=np.nan), r"learning_rate must be a positive finite number; got nan"),
    ("learning_rate text", fit(learning_rate="0.1"), r"learning_rate must be a positive finite number; got '0.1'"),
    ("learning_rate True", fit(learning_rate=True), r"learning_rate must be a positive finite number; got True"),
    ("Adam beta1 = 1", fit(optimizer="adam", beta1=1.0), r"beta1 \(Adam's β₁\) must be in \[0, 1\); got 1.0"),
    ("Adam epsilon = 0", fit(optimizer="adam", epsilon=0.0),
     r"epsilon \(ε of RMSprop and Adam\) must be a positive finite number; got 0.0"),
    ("Adam beta2 = 1.5", fit(optimizer="adam", beta2=1.5), r"beta2 \(β₂ of RMSprop and Adam\) must be in \[0, 1\); got 1.5"),
    ("RMSprop beta2 = 1", fit(optimizer="rmsprop", beta2=1), r"beta2 .* must be in \[0, 1\); got 1"),
    ("momentum beta = -0.1", fit(optimizer="momentum", beta=-0.1), r"beta \(momentum's β\) must be in \[0, 1\); got -0.1"),
    ("decay_rate -1", fit(decay_rate=-1), r"decay_rate must be a finite number >= 0; got -1"),
    ("time_interval 0", fit(decay_rate=1, time_interval=0), r"time_interval must be a positive integer; got 0"),
    ("seed -1", fit(seed=-1), r"seed must be a non-negative integer; got -1"),
    ("seed 1.5", fit(seed=1.5), r"seed must be a non-negative integer; got 1.5"),
    ("epochs -1", fit(epochs=-1), r"epochs must be a positive integer; got -1"),
    ("epochs 0", fit(epochs=0), r"epochs must be a positive integer; got 0"),
    ("num_iterations 0", fit(epochs=None, num_iterations=0), r"num_iterations must be a positive integer; got 0"),
    ("batch_size 0", fit(batch_size=0), r"batch_size must be a positive integer; got 0"),
    ("eval_every 0", fit(eval_every=0), r"eval_every must be a positive integer; got 0"),
    ("patience 0", fit(patience=0, validation_data=(X2, Y2)), r"patience must be a positive integer; got 0"),
    ("patience without validation data", fit(patience=3), r"early stopping \(patience\) needs validation_data"),
    ("epochs and num_iterations", fit(num_iterations=3), r"give epochs or num_iterations .*not both"),
    ("keep_prob 0", fit(keep_prob=0), r"keep_prob .* must be in \(0, 1\]; got 0"),
    ("lambd -1", fit(lambd=-1), r"lambd \(the L2 strength λ\) must be a finite number >= 0; got -1"),
    ("unknown optimizer", fit(optimizer="sgd"), r"unknown optimizer 'sgd'; expected one of: gd, momentum, rmsprop, adam"),
    ("unknown convention in fit", fit(convention="avg"), r"unknown convention 'avg'"),
    ("resume an untrained network", fit(resume=True), r"resume=True needs a network that has been trained"),
    ("resume below the epochs done", resumed_below_done, r"epochs is the total to reach; the run has done 5 epochs already"),
    ("a diverging learning rate", fit(learning_rate=1e6, epochs=50), r"training diverged at iteration \d+ with learning_rate=1e\+06: .*"
     r"try a smaller learning rate, e.g. 100000"),
    ("accuracy with Y of a wrong shape", lambda: net2().accuracy(X2, np.ones((2, 6))), r"Y must have shape \(n_y, m\) = \(1, 6\)"),
    # audit, data, files
    ("audit(42)", lambda: cr.audit(42), r"audit needs a function or the path of a \.py or \.ipynb file; got int 42"),
    ("audit(None)", lambda: cr.audit(None), r"audit needs a function or the path .*got NoneType None"),
    ("audit timeout 0", lambda: cr.audit("x.py", timeout=0), r"timeout must be a positive finite number \(seconds\); got 0"),
    ("unknown data set", lambda: load_dataset("nope"), r"unknown data set 'nope'; expected one of flower"),
    ("a missing CSV", lambda: load_dataset("/nonexistent/x.csv"), r"no CSV file at '/nonexistent/x.csv'"),
    ("val_fraction 1.5", lambda: load_dataset("breast_cancer", val_fraction=1.5), r"val_fraction must be in \[0, 1\); got 1.5"),
    ("test_fraction False", lambda: load_dataset("breast_cancer", test_fraction=False), r"test_fraction must be in \[0, 1\); got False"),
    ("one_hot of class 3 of 3", lambda: one_hot(np.array([0, 3]), 3), r"one-hot labels must be integers 0..2; got values from 0 to 3"),
    ("a missing model file", lambda: cr.Network.load("/nonexistent/model.npz"), r"no model file at '/nonexistent/model.npz'"),
]

CSV_CASES = [
    ("empty_label.csv", r"line 3: the label column 'label' \(column 3\) is empty"),
    ("nan.csv", r"line 3: feature 'b' \(column 2\) is 'nan'; features must be finite"),
    ("inf.csv", r"line 4: feature 'a' \(column 1\) is '-inf'"),
    ("duplicate.csv", r"the header names column 'a' twice \(columns 1 and 2\)"),
    ("ragged.csv", r"line 3: 2 values, the header has 3 columns"),
    ("text.csv", r"line 2: feature 'b' is not a number: 'two'"),
    ("header_only.csv", r"needs a header row and at least one example row; it has 1 row"),
    ("one_class.csv", r"the label column holds one class only"),
    ("no_label.csv", r"has no label column 'label'; its columns are \['a', 'b', 'c'\]"),
    ("empty_cell.csv", r"line 2: feature 'b' is not a number: ''"),
]


def one_line(message: str) -> str:
    assert "\n" not in message.strip(), f"more than one line: {message!r}"
    return message


@pytest.mark.parametrize(("case", "call", "pattern"), API_CASES, ids=[c[0] for c in API_CASES])
def test_the_api_refuses_with_one_line(case, call, pattern):
    with pytest.raises(cr.ChainruleError) as caught:
        call()
    assert caught.type.__name__ in ("ChainruleError", "DivergenceError")
    message = one_line(str(caught.value))
    assert re.search(pattern, message), f"{message!r} does not match {pattern!r}"


@pytest.mark.parametrize(("name", "pattern"), CSV_CASES, ids=[c[0] for c in CSV_CASES])
def test_a_bad_csv_is_refused_naming_the_line_and_column(tmp_path, name, pattern):
    path = csv_file(tmp_path, name, CSV[name])
    with pytest.raises(cr.ChainruleError, match=pattern) as caught:
        load_dataset(path)
    one_line(str(caught.value))


def test_a_non_utf8_csv_is_refused(tmp_path):
    with pytest.raises(cr.ChainruleError, match=r"is not UTF-8 text: byte 0xe9 at offset \d+; save it as a UTF-8 CSV"):
        load_dataset(latin1_csv(tmp_path))


def test_numpy_scalars_are_accepted_where_numbers_are():
    net = net2()
    history = net.fit(X2, Y2, learning_rate=np.float32(0.1), epochs=np.int64(3), lambd=np.float32(0.01), keep_prob=np.float64(1),
                      decay_rate=np.float32(0.1), seed=np.int32(2))  # fmt: skip
    assert len(history.costs) == 3


# -- the command line ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A small CSV data set, a model and a checkpoint trained on it (names a, b), and bad files beside them."""
    root = tmp_path_factory.mktemp("bad_inputs")
    rng = np.random.default_rng(0)
    rows = "\n".join(f"{x:.6f},{y:.6f},{'yes' if x + y > 0 else 'no'}" for x, y in rng.standard_normal((60, 2)))
    data = csv_file(root, "data.csv", "a,b,label\n" + rows + "\n")
    run = root / "run"
    result = runner.invoke(app, ["train", "--dataset", data, "--layers", "2,4,1", "--epochs", "4", "--out", str(run), "--json"])
    assert result.exit_code == 0, result.output
    paths = {"data": data, "run": str(run), "model": str(run / "model.npz"), "checkpoint": str(run / "checkpoint.npz")}
    for name, text in CSV.items():
        paths[name.removesuffix(".csv")] = csv_file(root, name, text)
    paths["latin1"] = latin1_csv(root)
    paths["renamed"] = csv_file(root, "renamed.csv", "x,y\n1,2\n3,4\n")
    paths["predict_nan"] = csv_file(root, "predict_nan.csv", "a,b\n1,2\n3,nan\n")
    paths["predict_dup"] = csv_file(root, "predict_dup.csv", "a,a,b\n1,2,3\n")
    paths["file"] = csv_file(root, "a_file", "not a folder\n")
    paths["python"] = csv_file(root, "nothing.py", "x = 1\n")
    return paths


def cli(*arguments):
    """Arguments with {name} filled in from the files fixture."""
    return arguments


CLI_CASES = [
    (cli("train", "--epochs", "0"), r"--epochs must be a positive integer; got 0"),
    (cli("train", "--iterations", "-5"), r"--epochs must be a positive integer; got -5"),
    (cli("train", "--decay-rate", "-1"), r"--decay-rate must be a finite number >= 0; got -1.0"),
    (cli("train", "--decay-rate", "nan"), r"--decay-rate must be a finite number >= 0; got nan"),
    (cli("train", "--time-interval", "0"), r"--time-interval must be a positive integer; got 0"),
    (cli("train", "--seed", "-1"), r"--seed must be a non-negative integer; got -1"),
    (cli("train", "--legacy-seed", "-1"), r"--legacy-seed must be an integer from 0 to 4294967295; got -1"),
    (cli("train", "--legacy-seed", str(2**32)), r"--legacy-seed must be an integer from 0 to 4294967295; got 4294967296"),
    (cli("train", "--learning-rate", "0"), r"--learning-rate must be a positive finite number; got 0.0"),
    (cli("train", "--lr", "inf"), r"--learning-rate must be a positive finite number; got inf"),
    (cli("train", "--keep-prob", "0"), r"--keep-prob must be in \(0, 1\]; got 0.0"),
    (cli("train", "--keep-prob", "1.5"), r"--keep-prob must be in \(0, 1\]; got 1.5"),
    (cli("train", "--lambd", "-1"), r"--lambd must be a finite number >= 0; got -1.0"),
    (cli("train", "--batch-size", "0"), r"--batch-size must be a positive integer; got 0"),
    (cli("train", "--patience", "0"), r"--patience must be a positive integer; got 0"),
    (cli("train", "--checkpoint-every", "0"), r"--checkpoint-every must be a positive integer; got 0"),
    (cli("train", "--val-fraction", "1"), r"--val-fraction must be in \[0, 1\); got 1.0"),
    (cli("train", "--test-fraction", "-0.1"), r"--test-fraction must be in \[0, 1\); got -0.1"),
    (cli("train", "--optimizer", "sgd"), r"unknown optimizer 'sgd'"),
    (cli("train", "--initialization", "bogus"), r"unknown initializ\w+ 'bogus'"),
    (cli("train", "--activations", "relu,bogus"), r"unknown activation 'bogus'"),
    (cli("train", "--layers", "3,4,1"), r"--layers must start with n_x = 2 for flower"),
    (cli("train", "--layers", "2,x,1"), r"--layers must be comma-separated integers such as 2,4,1; got '2,x,1'"),
    (cli("train", "--layers", "2,4,3"), r"--layers must end with n_y = 1 for flower"),
    (cli("train", "--convention", "mean"), r"unknown convention 'mean'"),
    (cli("train", "--patience", "3"), r"early stopping \(patience\) needs validation_data"),
    (cli("train", "--dataset", "nope"), r"unknown data set 'nope'"),
    (cli("train", "--dataset", "/nonexistent/x.csv"), r"no CSV file at '/nonexistent/x.csv'"),
    (cli("train", "--dataset", "{latin1}"), r"is not UTF-8 text: byte 0xe9"),
    (cli("train", "--dataset", "{nan}"), r"line 3: feature 'b' \(column 2\) is 'nan'"),
    (cli("train", "--dataset", "{empty_label}"), r"line 3: the label column 'label' \(column 3\) is empty"),
    (cli("train", "--dataset", "{duplicate}"), r"the header names column 'a' twice"),
    (cli("train", "--dataset", "{data}", "--label", "c"), r"has no label column 'c'; its columns are \['a', 'b', 'label'\]"),
    (cli("train", "--dataset", "cat"), r"the cat data needs --data-dir"),
    (cli("train", "--out", "{file}"), r"--out must be a folder; '.*a_file' is an existing file"),
    (cli("train", "--out", "{file}/sub"), r"--out: cannot write in the folder '.*a_file/sub': Not a directory"),
    (cli("train", "--resume", "/nonexistent/checkpoint.npz"), r"no model file at '/nonexistent/checkpoint.npz'"),
    (cli("train", "--resume", "{data}"), r"not a readable chainrule model|not a chainrule model"),
    (cli("train", "--resume", "{checkpoint}", "--layers", "2,8,1"),
     r"--resume continues the run in '.*checkpoint.npz' with --layers 2,4,1; got --layers 2,8,1: leave --layers out"),
    (cli("train", "--resume", "{checkpoint}", "--activations", "tanh,sigmoid"),
     r"with --activations relu,auto; got --activations tanh,sigmoid"),
    (cli("train", "--resume", "{checkpoint}", "--optimizer", "adam"), r"with --optimizer gd; got --optimizer adam"),
    (cli("train", "--resume", "{checkpoint}", "--seed", "5"), r"with --seed None; got --seed 5"),
    (cli("train", "--resume", "{checkpoint}", "--dataset", "moons"), r"with --dataset .*data.csv; got --dataset moons"),
    (cli("train", "--resume", "{checkpoint}", "--epochs", "3"),
     r"--epochs is the total to reach with --resume; the run in '.*checkpoint.npz' has done 4 epochs: give --epochs above 4"),
    (cli("train", "--resume", "{checkpoint}"), r"has done 4 epochs: give --epochs above 4"),
    (cli("predict", "{model}", "{renamed}"),
     r"lacks 2 of the model's 2 feature columns, e.g. \['a', 'b'\]; the model was trained on \['a', 'b'\], the file has \['x', 'y'\]"),
    (cli("predict", "{model}", "{predict_dup}"), r"the header names column 'a' twice \(columns 1 and 2\)"),
    (cli("predict", "{model}", "{predict_nan}"), r"line 3: feature 'b' \(column 2\) is 'nan'"),
    (cli("predict", "{model}", "{latin1}"), r"is not UTF-8 text"),
    (cli("predict", "{model}", "/nonexistent/in.csv"), r"no CSV file at '/nonexistent/in.csv'"),
    (cli("predict", "/nonexistent/model.npz", "{data}"), r"no model file at '/nonexistent/model.npz'"),
    (cli("predict", "{data}", "{data}"), r"not a readable chainrule model|not a chainrule model"),
    (cli("evaluate", "/nonexistent/model.npz"), r"no model file at '/nonexistent/model.npz'"),
    (cli("evaluate", "{model}", "--dataset", "digits"), r"digits has n_x = 64, n_y = 10; the model expects 2, 1"),
    (cli("check", "--m", "0"), r"--m must be a positive integer \(the number of examples\); got 0"),
    (cli("check", "--layers", "2,x"), r"--layers must be comma-separated integers"),
    (cli("check", "--scale", "dW9=2"), r"--scale: no gradient 'dW9'"),
    (cli("check", "--scale", "dW1"), r"--scale must look like KEY=FACTOR"),
    (cli("check", "--mode", "every"), r"unknown mode 'every'"),
    (cli("check", "--keep-prob", "0"), r"keep_prob .* must be in \(0, 1\]; got 0.0"),
    (cli("explain", "--layers", "5,4,1", "--format", "pdf"), r"unknown --format 'pdf'; expected one of: terminal, markdown, latex, json"),
    (cli("explain", "--layers", "5,4,1", "--m", "0"), r"m must be a positive integer \(the number of examples\); got 0"),
    (cli("explain", "--layers", "5,4,1", "--activations", "relu,relu,relu"), r"expected 2 activations"),
    (cli("audit", "/nonexistent/file.py"), r"no such file: .*/nonexistent/file.py"),
    (cli("audit", "{python}"), r"defines none of the audited functions"),
]


def test_the_catalogue_is_large_enough():
    assert len(API_CASES) + len(CSV_CASES) + len(CLI_CASES) + 2 >= 150


@pytest.mark.parametrize(("arguments", "pattern"), CLI_CASES, ids=[" ".join(c[0]) for c in CLI_CASES])
def test_the_command_line_exits_2_with_one_line(files, arguments, pattern):
    filled = [argument.format(**files) if "{" in argument else argument for argument in arguments]
    result = runner.invoke(app, filled)
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines and lines[-1].startswith("error: "), result.stderr
    assert sum(line.startswith("error: ") for line in lines) == 1, result.stderr
    assert re.search(pattern, lines[-1]), f"{lines[-1]!r} does not match {pattern!r}"


def test_a_full_disk_is_one_line(files, tmp_path, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(cr.Network, "save", full)
    result = runner.invoke(app, ["train", "--dataset", files["data"], "--layers", "2,4,1", "--epochs", "2", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("error: cannot write '") and last.endswith("checkpoint.npz': No space left on device"), last


@pytest.mark.parametrize("code", [errno.EACCES, errno.EROFS])
def test_an_out_folder_that_cannot_be_written_is_one_line(tmp_path, monkeypatch, code):
    import tempfile

    def refused(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(tempfile, "TemporaryFile", refused)  # what a read-only folder or file system does (root ignores chmod)
    result = runner.invoke(app, ["train", "--iterations", "2", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.stderr.strip() == f"error: --out: cannot write in the folder {str(tmp_path)!r}: {os.strerror(code)}"
