"""chainrule audit on the files learners have: notebooks, jupytext, the course's helper modules, a sandbox nothing defeats."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import chainrule as cr
from audit_planted import COURSE2, WEEK4
from chainrule.audit import find_functions
from chainrule.audit.source import read_program
from chainrule.cli import app

FIXTURES = Path(__file__).parent / "fixtures" / "audit"
runner = CliRunner()


def write(folder: Path, source: str, name: str = "assignment.py") -> str:
    path = folder / name
    path.write_text(textwrap.dedent(source))
    return str(path)


def fixture(tmp_path: Path, name: str) -> str:
    """A copy of a fixture alone in a folder: nothing of the course's beside it."""
    shutil.copy(FIXTURES / name, tmp_path / name)
    return str(tmp_path / name)


# ---- reading: cells, places, IPython syntax, what runs ----------------------------------------------


def test_a_notebook_is_its_code_cells_with_the_places_the_learner_sees():
    program = read_program(str(FIXTURES / "week4_crash.ipynb"))
    assert program.kind == "ipynb"
    lines = program.text.splitlines()
    at = {text: i + 1 for i, text in enumerate(lines)}
    assert program.where(at["    dW = 1 / m * np.dot(dZ, A_prev)"]) == "cell 5, line 6"
    assert program.where(at["def L_model_backward(AL, Y, caches):"]) == "cell 8, line 2"  # under %%time: the body runs
    assert not any(line.lstrip().startswith(("%", "!")) for line in lines)
    definitions = find_functions(str(FIXTURES / "week4_crash.ipynb"))[0]
    assert [(d.name, d.spec is not None and d.spec.name) for d in definitions] == [
        ("linear_backward", "linear_backward"), ("linear_activation_backward", "linear_activation_backward"),
        ("L_model_backward", "L_model_backward")]  # fmt: skip
    run, not_run = program.plan(run_all=False)
    assert [s.code for s in not_run][-2:] == [
        "train_x_orig, train_y, test_x_orig, test_y, classes = load_data()",
        "parameters = L_layer_model(train_x_orig, train_y, layers_dims, num_iterations=2500, print_cost=True)",
    ]
    kept = {s.code for s in program.statements() if s.defines}
    assert {"layers_dims = [12288, 20, 7, 5, 1]", "from testCases_v4a import *", "import h5py"} <= kept
    assert "np.random.seed(1)" not in kept and len(program.plan(run_all=True)[0]) == len(run) + len(not_run)


def test_jupytext_nbconvert_and_what_counts_as_a_definition(tmp_path):
    program = read_program(str(FIXTURES / "week4_crash_jupytext.py"))
    line = program.text.splitlines().index("    dW = 1 / m * np.dot(dZ, A_prev)") + 1
    assert (program.kind, program.where(line)) == ("jupytext", "cell 5, line 6")  # as in the notebook it came from

    exported = write(tmp_path, "#!/usr/bin/env python\n# coding: utf-8\n\n# In[3]:\n\n\nimport numpy as np\n\n\n# In[14]:\n\n\nx = (\n")
    program = read_program(exported)
    assert program.kind == "nbconvert" and "In [14] is not valid Python" in program.notes[0]
    assert program.where(7) == "In [3], line 1"  # "import numpy as np": nbconvert's two blank lines are not the cell's

    source = """
        import numpy as np
        try:
            import h5py
        except ImportError:
            h5py = None
        n_x, n_h = 12288, 7
        layers_dims = [n_x, n_h, -1 * 5, 1]
        learning_rate = 0.0075
        parameters = initialize_parameters_deep(layers_dims)
        for i in range(3):
            pass
        sigmoid = lambda Z: 1 / (1 + np.exp(-Z))
        get_ipython().run_line_magic('matplotlib', 'inline')
        if __name__ == "__main__":
            main()
        sys.path.append("../course_utils")
        sys.stdout.write("x")
    """
    statements = read_program(write(tmp_path, source)).statements()
    assert [s.defines for s in statements] == [True, True, True, True, True, False, False, False, True, True, False]
    assert all("get_ipython" not in s.code for s in statements)


def test_cells_that_are_not_python_are_dropped_and_noted(tmp_path):
    cells = [{"cell_type": "code", "source": "%%bash\nls -l\n"}, {"cell_type": "code", "source": ["def f(:\n"]},
             {"cell_type": "code", "source": "x = !ls\nnp.dot?\n"}]  # fmt: skip
    (tmp_path / "n.ipynb").write_text(json.dumps({"nbformat": 4, "cells": cells}))
    program = read_program(str(tmp_path / "n.ipynb"))
    assert program.notes == ["cell 1: a %%bash cell, not Python: not run",
                             "cell 2 is not valid Python (invalid syntax at its line 1): not run"]  # fmt: skip
    assert program.text.strip() == ""
    pasted = write(tmp_path, "import numpy as np\n%matplotlib inline\n!pip install h5py\nx = 1\n", "pasted.py")
    program = read_program(pasted)
    assert program.text.splitlines() == ["import numpy as np", "", "", "x = 1"]
    assert program.notes == ["IPython lines dropped (a .py file with a notebook's magics): line(s) 2, 3"]
    with pytest.raises(cr.ChainruleError, match=r"broken.py is not valid Python: .* at line 2$"):
        read_program(write(tmp_path, "%matplotlib inline\ndef f(:\n", "broken.py"))
    (tmp_path / "latin.py").write_bytes("# -*- coding: latin-1 -*-\nname = 'café'\n".encode("latin-1"))
    assert "café" in read_program(str(tmp_path / "latin.py")).text
    v3 = {"nbformat": 3, "worksheets": [{"cells": [{"cell_type": "markdown", "source": "x"},
                                                  {"cell_type": "code", "input": ["import numpy as np\n", "y = 1\n"]}]}]}  # fmt: skip
    (tmp_path / "v3.ipynb").write_text(json.dumps(v3))
    program = read_program(str(tmp_path / "v3.ipynb"))
    assert program.where(program.text.splitlines().index("y = 1") + 1) == "cell 2, line 2"
    (tmp_path / "bad.ipynb").write_text("{not json")
    with pytest.raises(cr.ChainruleError, match=r"bad.ipynb is not a notebook: invalid JSON at line 1$"):
        cr.audit(str(tmp_path / "bad.ipynb"))


# ---- notebooks and the course's modules, audited ---------------------------------------------------


def test_a_notebook_importing_the_course_modules_alone_passes_and_says_what_it_used(tmp_path):
    started = time.monotonic()
    report = cr.audit(fixture(tmp_path, "week4_standins.ipynb"))
    assert report.exit_code == 0, str(report)
    assert report.details["standins"] == ["dnn_utils_v2", "testCases_v4a"] and report.details["failed_imports"] == []
    not_run = [n for n in report.notes if n.startswith("Not run")]
    assert len(not_run) == 1 and "10 top-level statement(s)" in not_run[0] and "cell 6, line 1 `dZ, linear_cache" in not_run[0]
    assert "dnn_utils_v2, testCases_v4a came from chainrule's stand-ins" in " ".join(report.notes)
    assert time.monotonic() - started < 60  # the training at the bottom did not run

    report = cr.audit(fixture(tmp_path, "week4_standins.ipynb"), run_all=True)  # the course's test cases run on the stand-ins
    assert report.exit_code == 0 and [r["location"] for r in report.details["raised"]] == ["cell 11, line 1", "cell 11, line 2"]


def test_an_error_names_the_cell_and_line(tmp_path):
    for name in ("week4_crash.ipynb", "week4_crash_jupytext.py"):
        result = cr.audit(fixture(tmp_path, name), function="linear_backward")["linear_backward"]
        assert result.verdict == "error"
        assert f"cell 5, line 6 of {name}: dW = 1 / m * np.dot(dZ, A_prev)" in result.summary, result.summary


def test_a_module_beside_the_file_wins(tmp_path):
    path = fixture(tmp_path, "week4_standins.ipynb")
    write(tmp_path, """
        import numpy as np
        def sigmoid(Z):
            return 1 / (1 + np.exp(-Z)), Z
        def relu(Z):
            return np.maximum(0, Z), Z
        def sigmoid_backward(dA, cache):
            s = 1 / (1 + np.exp(-cache))
            return dA * s * (1 - s)
        def relu_backward(dA, cache):
            return np.array(dA, copy=True)  # the learner's own copy, without the zeroing
    """, "dnn_utils_v2.py")  # fmt: skip
    report = cr.audit(path)
    assert report.details["standins"] == ["testCases_v4a"]
    assert report["linear_activation_backward"].verdict == "wrong" and report["linear_backward"].verdict == "correct"


def test_a_name_no_one_provides_names_the_module_to_put_beside_the_file(tmp_path):
    source = WEEK4.replace("from chainrule.course.week4 import relu_backward, sigmoid_backward",
                           "from dnn_utils import relu_backward, sigmoid_backward, softmax_backward")  # fmt: skip
    report = cr.audit(write(tmp_path, source), function="linear_activation_backward")
    (failed,) = report.details["failed_imports"]
    assert failed["module"] == "dnn_utils" and failed["location"] == "line 3"
    assert "softmax_backward is not among chainrule's stand-ins for the course's dnn_utils: " \
           "put the course's dnn_utils.py beside assignment.py" in failed["error"]  # fmt: skip
    assert report.exit_code == 0  # the names before softmax_backward were imported, as Python does

    source = WEEK4.replace("from chainrule.course.week4 import", "from my_course_helpers import")
    report = cr.audit(write(tmp_path, source), function="linear_activation_backward")
    notes = " ".join(report.notes)
    assert "ModuleNotFoundError: No module named 'my_course_helpers': put my_course_helpers.py beside assignment.py" in notes
    summary = report["linear_activation_backward"].summary
    assert "name 'sigmoid_backward' is not defined (it was to come from `from my_course_helpers import" in summary, summary


def test_a_name_only_skipped_code_assigns_is_explained(tmp_path):
    source = WEEK4.replace("    m = A_prev.shape[1]\n", "    m = settings['m']\n") + "\nsettings = dict(m=7)\n"
    summary = cr.audit(write(tmp_path, source), function="linear_backward")["linear_backward"].summary
    assert "name 'settings' is not defined (it is assigned by the top-level statement `settings = dict(m=7)`" in summary, summary


def test_public_tests_and_gc_utils_stand_ins(tmp_path):
    checks = "\nimport public_tests\npublic_tests.linear_backward_test(linear_backward)\nL_model_backward_test(L_model_backward)\n"
    source = "from public_tests import *\n" + WEEK4 + checks
    report = cr.audit(write(tmp_path, source), run_all=True)
    assert report.exit_code == 0 and report.details["raised"] == [] and report.details["standins"] == ["public_tests"]
    report = cr.audit(write(tmp_path, source.replace("db = 1 / m * np", "db = np")), run_all=True)
    raised = [r["error"] for r in report.details["raised"]]
    assert raised == ["AssertionError: linear_backward: Wrong output for the output[2]",
                      "AssertionError: L_model_backward: Wrong output for db2"]  # fmt: skip

    source = "from gc_utils import sigmoid, relu, dictionary_to_vector, vector_to_dictionary, gradients_to_vector\n" + COURSE2
    report = cr.audit(write(tmp_path, source))
    assert report.exit_code == 0 and report.details["standins"] == ["gc_utils"]


def test_the_data_loaders_read_the_course_files_beside_the_notebook(tmp_path, cat_dir):
    (tmp_path / "datasets").mkdir()
    for name in ("train_catvnoncat.h5", "test_catvnoncat.h5"):
        shutil.copy(cat_dir / name, tmp_path / "datasets" / name)
    source = "from lr_utils import load_dataset\n" + WEEK4 + "\ntrain_x, train_y, test_x, test_y, classes = load_dataset()\n" \
             "assert train_x.shape == (209, 64, 64, 3) and test_y.shape == (1, 50)\n"  # fmt: skip
    report = cr.audit(write(tmp_path, source), function="linear_backward", run_all=True)
    assert report.exit_code == 0 and report.details["raised"] == [] and report.details["standins"] == ["lr_utils"]
    shutil.rmtree(tmp_path / "datasets")
    report = cr.audit(write(tmp_path, source), function="linear_backward", run_all=True)
    assert "ChainruleError: loading the catvnoncat data needs the course's datasets/ folder" in report.details["raised"][0]["error"]


def test_the_stand_ins_have_the_course_semantics():
    from chainrule.audit.standins import _test_cases, dnn_app_utils_v2, dnn_utils_v2, gc_utils, opt_utils_v1a, public_tests, reg_utils
    from chainrule.course import week4

    A, cache = dnn_utils_v2.sigmoid(np.zeros((1, 2)))
    assert A.tolist() == [[0.5, 0.5]] and cache.shape == (1, 2)
    assert gc_utils.sigmoid(0.0) == 0.5 and gc_utils.relu(np.array([-1.0, 2.0])).tolist() == [0.0, 2.0]
    parameters = {"W1": np.ones((5, 4)), "b1": np.ones((5, 1)), "W2": np.ones((3, 5)), "b2": np.ones((3, 1)),
                  "W3": np.ones((1, 3)), "b3": np.ones((1, 1))}  # fmt: skip
    theta, keys = gc_utils.dictionary_to_vector(parameters)
    assert theta.shape == (47, 1) and keys[:21] == ["W1"] * 20 + ["b1"]
    assert gc_utils.vector_to_dictionary(theta)["W2"].shape == (3, 5)
    # the course's published output of linear_backward on its test case: the seeds are the course's
    _, _, db = week4.linear_backward(*_test_cases.linear_backward_test_case())
    np.testing.assert_allclose(db, [[-0.14713786], [-0.11313155], [-0.13209101]], atol=5e-9)
    x, y, parameters = _test_cases.gradient_check_n_test_case()
    assert x.shape == (4, 3) and y.tolist() == [1, 1, 0] and gc_utils.dictionary_to_vector(parameters)[0].shape == (47, 1)
    AL, Y, caches = _test_cases.L_model_backward_test_case()
    old = dnn_app_utils_v2.L_model_backward(AL, Y, caches)
    assert sorted(old) == ["dA1", "dA2", "dW1", "dW2", "db1", "db2"]  # 2017–2018: dA{l} holds ∂L/∂A[l-1]
    np.testing.assert_array_equal(old["dA1"], week4.L_model_backward(AL, Y, caches)["dA0"])
    A3, cache = reg_utils.forward_propagation(x, parameters)  # course 2's model: one forward, two backward versions
    Y = y.reshape(1, -1)
    loss, cost = reg_utils.backward_propagation(x, Y, cache), opt_utils_v1a.backward_propagation(x, Y, cache)
    np.testing.assert_allclose(cost["dz3"], loss["dZ3"] / 3, rtol=1e-12)  # opt_utils_v1a: the "cost" convention
    np.testing.assert_allclose(cost["dW1"], loss["dW1"], rtol=1e-12)
    np.testing.assert_allclose(opt_utils_v1a.compute_cost(A3, Y), 3 * reg_utils.compute_cost(A3, Y), rtol=1e-12)
    with pytest.raises(AttributeError, match="put the course's dnn_utils_v2.py beside your file"):
        dnn_utils_v2.tanh_backward  # noqa: B018
    with pytest.raises(AssertionError, match="Wrong output"):
        public_tests.compute_cost_test(lambda AL, Y: 0.28)


# ---- the sandbox ------------------------------------------------------------------------------------


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


# Started from a small Python without NumPy: a child inherits its parent's peak RSS through fork and exec,
# so the audit is measured as a child of this launcher, not of the test process.
_MEASURE = """
import json, os, subprocess, sys, time
started = time.monotonic()
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
stdout = process.stdout.read()
_, status, usage = os.wait4(process.pid, 0)
print(json.dumps({"exit": os.waitstatus_to_exitcode(status), "seconds": time.monotonic() - started,
                  "peak_mb": usage.ru_maxrss / 1024, "stdout": stdout.decode()}))
"""


def test_output_without_end_holds_the_time_limit_and_not_the_memory(tmp_path):
    path = write(tmp_path, WEEK4 + "\nwhile True:\n    print('spam and eggs ' * 40)\n", "printer.py")
    command = [sys.executable, "-c", _MEASURE, sys.executable, "-m", "chainrule", "audit", path, "--run-all", "--timeout", "2", "--json"]
    out = subprocess.run(command, capture_output=True, text=True, timeout=120, env=dict(os.environ, TMPDIR=str(tmp_path)))
    measured = json.loads(out.stdout)
    report = json.loads(measured["stdout"])
    assert measured["exit"] == 0 and report["exit_code"] == 0
    assert "did not finish within 2 s" in report["stopped"][0]["message"]
    assert measured["peak_mb"] < 100, measured["peak_mb"]  # the audit and its workers (ru_maxrss of waited children)
    assert measured["seconds"] < 30, measured["seconds"]  # two process starts and a 2 s limit, on a loaded machine
    assert not list(tmp_path.glob("chainrule-audit-*")), "the temporary folder was left behind"


def test_forked_children_that_ignore_sigterm_are_killed_with_the_process_group(tmp_path):
    source = WEEK4 + """
import os, signal, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
child = os.fork()
if child == 0:
    time.sleep(120)
    os._exit(0)
with open("child.pid", "w") as file:
    file.write(str(child))
while True:
    time.sleep(0.01)
"""
    report = cr.audit(write(tmp_path, source), timeout=1.5, run_all=True)
    assert report.exit_code == 0 and "did not finish within 1.5 s" in report.details["stopped"][0]["message"]
    child = int((tmp_path / "child.pid").read_text())
    deadline = time.monotonic() + 5
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child), "the learner's child process outlived the audit"


@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGKILL"])
def test_when_the_audit_itself_is_stopped_its_worker_goes_too(tmp_path, signal_name):
    import signal

    source = WEEK4 + "\nimport os, time\nopen('worker.pid', 'w').write(str(os.getpid()))\nwhile True:\n    time.sleep(0.01)\n"
    path = write(tmp_path, source)
    (tmp_path / "tmp").mkdir()
    env = dict(os.environ, TMPDIR=str(tmp_path / "tmp"))
    cli = subprocess.Popen([sys.executable, "-m", "chainrule", "audit", path, "--run-all", "--timeout", "60"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)  # fmt: skip
    deadline = time.monotonic() + 60
    while not (tmp_path / "worker.pid").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    worker = int((tmp_path / "worker.pid").read_text())
    cli.send_signal(getattr(signal, signal_name))
    cli.wait(timeout=30)
    deadline = time.monotonic() + 5
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(worker), f"the worker outlived the audit stopped by {signal_name}"
    if signal_name == "SIGTERM":  # the audit ends through its normal path: its temporary folder is removed
        assert cli.returncode == 128 + signal.SIGTERM and list((tmp_path / "tmp").iterdir()) == []


def test_the_time_limit_is_per_top_level_statement(tmp_path):
    source = "import time\ntime.sleep(0.9)\ntime.sleep(0.9)\n" + WEEK4  # 1.8 s in all, each statement under 1.5 s
    report = cr.audit(write(tmp_path, source), function="linear_backward", timeout=1.5, run_all=True)
    assert report.exit_code == 0 and report.details["stopped"] == []


def test_a_crash_in_top_level_code_quotes_the_learners_last_output_and_keeps_the_verdicts(tmp_path):
    source = WEEK4 + "\nprint('loading the data...')\nprint('my last words')\nimport os\nos._exit(3)\n"
    report = cr.audit(write(tmp_path, source), run_all=True)
    assert report.exit_code == 0, str(report)
    (stopped,) = report.details["stopped"]
    assert stopped["code"] == "os._exit(3)" and "exit code 3" in stopped["message"]
    assert "my last words" in stopped["message"] and "Warning" not in stopped["message"]


# ---- the API and --json -------------------------------------------------------------------------------


def test_audit_of_something_else_is_one_clear_line():
    with pytest.raises(cr.ChainruleError, match=r"^audit needs a function or the path of a .py or .ipynb file; got int 42$"):
        cr.audit(42)
    for timeout in (True, 0, -1.0, float("inf"), float("nan"), "5"):  # inf would never end: a positive *finite* number
        with pytest.raises(cr.ChainruleError, match=r"^timeout must be a positive finite number \(seconds\); got "):
            cr.audit("x.py", timeout=timeout)


def test_json_is_always_one_object(tmp_path):
    for args in (["audit", "--json"], ["audit", str(tmp_path / "missing.py"), "--json"],
                 ["audit", "x.py", "--json", "--timeout", "soon"], ["audit", "x.py", "--json", "--colour"]):  # fmt: skip
        result = runner.invoke(app, args)
        assert result.exit_code == 2, result.output
        assert set(json.loads(result.stdout)) == {"error"}, result.output
    for timeout in ("inf", "0", "-3", "nan"):  # a number typer parses, but not a positive finite one: the library's one message
        result = runner.invoke(app, ["audit", "x.py", "--timeout", timeout])
        assert result.exit_code == 2 and "Traceback" not in result.output, result.output
        assert "timeout must be a positive finite number (seconds); got" in " ".join(result.output.split()), result.output
    result = runner.invoke(app, ["audit", fixture(tmp_path, "week4_standins.ipynb"), "--json", "--function", "linear_backward"])
    report = json.loads(result.stdout)
    assert result.exit_code == 0 and report["kind"] == "ipynb" and report["standins"] == ["dnn_utils_v2", "testCases_v4a"]
    assert [f["verdict"] for f in report["functions"]] == ["correct"] and len(report["not_run"]) == 10


_SHELL = """
import json, sys
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
shell.run_line_magic("load_ext", "chainrule")
for cell in json.loads(sys.argv[1]):
    shell.run_cell(cell)
report = shell.run_line_magic("audit", "")
print(json.dumps([[f.function, f.verdict] for f in report]))
print(report["linear_backward"].summary)
print(shell.run_line_magic("audit", "--timeout 5 L_model_backward")["L_model_backward"].verdict)
"""


def test_the_ipython_extension_audits_the_notebook_namespace():
    pytest.importorskip("IPython")
    mine = "import numpy as np\n\ndef linear_backward(dZ, cache):\n    A_prev, W, b = cache\n    m = A_prev.shape[1]\n" \
           "    dW = np.dot(dZ, A_prev) / m\n    return np.dot(W.T, dZ), dW, np.sum(dZ, axis=1, keepdims=True) / m\n"  # fmt: skip
    start, end = WEEK4.index("def linear_backward"), WEEK4.index("def linear_activation_backward")
    cells = [mine, WEEK4[:start] + WEEK4[end:]]
    out = subprocess.run([sys.executable, "-c", _SHELL, json.dumps(cells)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert json.loads(lines[0]) == [["linear_backward", "error"], ["linear_activation_backward", "error"], ["L_model_backward", "error"]]
    assert "(In [1], line 6: dW = np.dot(dZ, A_prev) / m)" in lines[1], lines[1]
    assert lines[2] == "error"


def test_importing_chainrule_does_not_import_ipython():
    out = subprocess.run([sys.executable, "-c", "import sys, chainrule; chainrule.load_ipython_extension; print('IPython' in sys.modules)"],
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    assert out.stdout.strip() == "False", out.stderr
