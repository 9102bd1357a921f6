"""chainrule audit: planted bugs get their diagnosis, correct code passes, the learner's code cannot take the tool down."""

from __future__ import annotations

import json
import textwrap

import numpy as np
import pytest
from typer.testing import CliRunner

import chainrule as cr
from audit_planted import COURSE2, PLANTED, WEEK3, WEEK4, WEEK4_LOOP, audit_case, grade, plant
from audit_planted_course import PLANTED_COURSE
from chainrule.audit import find_functions
from chainrule.audit.codec import Opaque, decode, encode, load_arrays, save_arrays
from chainrule.audit.compare import Factor, name_factor, relate
from chainrule.audit.functions import SPECS
from chainrule.audit.probes import DEEP, SHALLOW, chain, layer
from chainrule.audit.reference import Variant, backward_grads, local_grads
from chainrule.audit.report import (
    DIAGNOSES,
    AuditReport,
    FailedImport,
    FindingDict,
    FunctionAudit,
    FunctionAuditDict,
    Raised,
    ReportDict,
    functions_only,
)
from chainrule.audit.versions import file_version
from chainrule.cli import app
from chainrule.conventions import LOSS
from chainrule.course import week3, week4
from chainrule.errors import ChainruleError
from chainrule.network import backward

runner = CliRunner()


def write(tmp_path, source: str, name: str = "assignment.py") -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(source))
    return str(path)


# ---- the planted bugs -------------------------------------------------------------------------------


@pytest.mark.parametrize(("source", "function", "expected"), [p[1:] for p in PLANTED], ids=[p[0] for p in PLANTED])
def test_planted(tmp_path, source, function, expected):
    report, results = audit_case(tmp_path, source, function, expected)
    graded = grade(report, results, expected)
    assert not graded["problems"], "\n".join(graded["problems"]) + "\n\n" + "\n\n".join(map(str, results))


def test_the_planted_library_covers_every_diagnosis_and_both_conventions():
    wrong = [p for p in PLANTED + PLANTED_COURSE if p[3]["verdict"] != "correct"]
    assert len(wrong) >= 20
    diagnoses = {p[3]["diagnosis"] for p in wrong}
    assert diagnoses == set(DIAGNOSES) - {"ok"}
    assert {p[2] for p in wrong} >= {"L_model_backward", "linear_backward", "linear_activation_backward",
                                      "backward_propagation", "backward_propagation_n"}
    assert {p[3]["convention"] for p in PLANTED if p[3]["verdict"] == "correct"} >= {"loss", "cost"}


# ---- code that loops, exits or crashes ------------------------------------------------------------


def test_loops_exits_and_crashes_are_reported_and_the_other_functions_still_audited(tmp_path):
    source = plant(
        WEEK4,
        ("(AL, Y, caches):\n", "(AL, Y, caches):\n    while True:\n        pass\n"),
        ("    A_prev, W, b = cache\n", "    A_prev, W, b = cache\n    import sys\n    sys.exit(3)\n"),
        ("activation_cache = cache\n", "activation_cache = cache\n    import os\n    os._exit(4)\n"),
    )
    source += "\n\ndef compute_cost(AL, Y):\n    return -np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))\n"
    report = cr.audit(write(tmp_path, source), timeout=1.5)
    assert [f.function for f in report] == ["linear_backward", "linear_activation_backward", "L_model_backward", "compute_cost"]
    assert report["linear_backward"].verdict == "error" and "sys.exit(3)" in report["linear_backward"].summary
    assert "line 9" in report["linear_backward"].summary
    assert report["linear_activation_backward"].verdict == "error" and "exit code 4" in report["linear_activation_backward"].summary
    assert report["L_model_backward"].verdict == "error" and "1.5 s" in report["L_model_backward"].summary
    assert report["compute_cost"].verdict == "correct"
    assert report.exit_code == 1


def test_top_level_code_that_raises_is_skipped_and_noted(tmp_path):
    source = "from my_helpers import *\nimport sys\nsys.exit('done')\n" + WEEK3 + "\nprint(backward_propagation(1, 2, 3, 4))\n"
    report = cr.audit(write(tmp_path, source), run_all=True)
    assert report["backward_propagation"].verdict == "correct"
    notes = " ".join(report.notes)
    assert "line 1: `from my_helpers import *` failed: ModuleNotFoundError" in notes
    assert "put my_helpers.py beside assignment.py" in notes
    assert "line 3 raised SystemExit" in notes and "separate process" in notes
    assert report.details["failed_imports"][0]["module"] == "my_helpers"
    assert set(report.details["failed_imports"][0]) == FailedImport.__required_keys__ == {"location", "code", "error", "names", "module"}
    assert report.details["raised"] and all(set(r) == Raised.__required_keys__ for r in report.details["raised"])


def test_a_report_built_by_hand_serializes_as_one_of_function_objects():
    report = AuditReport("f", [FunctionAudit.not_audited("propagate", "its signature fits no audited function")])
    assert report.to_dict() == {"source": "f", "exit_code": 1, "functions": report.to_list(), "notes": [], **functions_only()}
    assert set(report.to_dict()) == ReportDict.__required_keys__ and report.details["kind"] == "functions"


def test_top_level_code_that_never_ends_keeps_the_functions_audited(tmp_path):
    source = WEEK3 + "\nwhile True:\n    pass\n\ndef compute_cost(AL, Y):\n    return -np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))\n"
    assert cr.audit(write(tmp_path, source), timeout=1).exit_code == 0  # not a definition: not run
    report = cr.audit(write(tmp_path, source), timeout=1, run_all=True)
    assert report["backward_propagation"].verdict == "correct" and report["compute_cost"].verdict == "correct"
    line = source.splitlines().index("while True:") + 1
    assert f"the top-level statement at line {line} did not finish within 1 s" in " ".join(report.notes)
    assert report.details["stopped"][0]["code"] == "while True:"


# ---- a function object (a notebook's) -----------------------------------------------------------------


def _define(source: str, name: str):
    namespace: dict = {}
    exec(compile(textwrap.dedent(source), "<cell>", "exec"), namespace)
    return namespace[name]


def test_audit_of_a_function_object_runs_in_a_child_process():
    L_model_backward = _define(WEEK4_LOOP, "L_model_backward")
    report = cr.audit(L_model_backward)
    assert report.exit_code == 0 and report["L_model_backward"].convention == "loss"
    html = report._repr_html_()
    assert "<table>" in html and "L_model_backward: correct" in html
    assert "L_model_backward: correct" in str(report)

    mine = _define(WEEK4_LOOP.replace("dA = W.T @ dZ", "dA = W.T @ dZ / m"), "L_model_backward")
    result = cr.audit(mine, function="L_model_backward")["L_model_backward"]
    assert (result.verdict, result.first_wrong, result.finding("dA2").factor) == ("wrong", "dA2", "1/m")

    def linear_backward(dZ, cache):
        while True:
            pass

    result = cr.audit(linear_backward, timeout=0.5)["linear_backward"]
    assert result.verdict == "error" and "did not return within 0.5 s" in result.summary

    def backward_propagation(parameters, cache, X, Y):
        raise SystemExit(2)

    assert "sys.exit(2)" in cr.audit(backward_propagation)["backward_propagation"].summary


def test_a_function_without_a_course_name_needs_one():
    with pytest.raises(cr.ChainruleError, match="not an audited function"):
        cr.audit(lambda AL, Y, caches: {})


# ---- the reference is chainrule's core --------------------------------------------------------------


@pytest.mark.parametrize("consistent", [True, False])
def test_reference_is_the_core(consistent):
    for net in DEEP:
        problem = chain(net, ["relu", "relu", "sigmoid"], consistent, "dAL", "Z")
        caches = [((problem.A[l - 1], problem.W[l], problem.b[l]), problem.Z[l]) for l in (1, 2, 3)]
        course = week4.L_model_backward(problem.A[3], problem.Y, caches)
        loss = backward_grads(problem, "loss")
        for key, value in course.items():
            np.testing.assert_allclose(loss[key], value, rtol=1e-12)
        dAL = -(problem.Y / problem.A[3] - (1 - problem.Y) / (1 - problem.A[3])) / net.m
        core_cost = backward(caches, ["relu", "relu", "sigmoid"], 1.0, dAL=dAL)
        for key, value in backward_grads(problem, "cost").items():
            np.testing.assert_allclose(value, core_cost[key], rtol=1e-12)
        fused = chain(net, ["relu", "relu", "sigmoid"], consistent, "fused", "A")
        if consistent:  # course 2's relu' from A > 0 is the core's relu' from Z > 0 on a real forward pass
            net_grads = cr.Network.from_parameters(
                {f"{p}{l}": getattr(fused, p)[l] for l in (1, 2, 3) for p in "Wb"}, ["relu", "relu", "sigmoid"]
            ).backward(fused.Y, [((fused.A[l - 1], fused.W[l], fused.b[l]), fused.Z[l]) for l in (1, 2, 3)], "loss")
            for key, value in backward_grads(fused, "loss").items():
                np.testing.assert_allclose(value, net_grads[key], rtol=1e-10, atol=1e-14)
    for net in SHALLOW:
        problem = chain(net, ["tanh", "sigmoid"], consistent, "fused", "A")
        parameters = {"W1": problem.W[1], "b1": problem.b[1], "W2": problem.W[2], "b2": problem.b[2]}
        course = week3.backward_propagation(parameters, {"A1": problem.A[1], "A2": problem.A[2]}, problem.A[0], problem.Y)
        for convention in ("loss", "cost"):
            grads = backward_grads(problem, convention)
            for key, value in course.items():
                np.testing.assert_allclose(grads[key], value, rtol=1e-12)


def test_reference_reads_s_and_k_from_the_convention_value():
    """dZ[L] = s (A[L] − Y), dW = k dZ A_prevᵀ with (s, k) = (1, 1/m) in "loss" and (1/m, 1) in "cost"; a Convention
    value or its name give the same pass."""
    net = DEEP[1]
    problem = chain(net, ["relu", "relu", "sigmoid"], True, "fused", "A")
    loss, cost = backward_grads(problem, LOSS), backward_grads(problem, "cost")
    assert all(np.array_equal(loss[k], v) for k, v in backward_grads(problem, "loss").items())
    np.testing.assert_allclose(loss["dZ3"], problem.A[3] - problem.Y, rtol=1e-15)  # s = 1: ∂L/∂Z[L] per example
    np.testing.assert_allclose(cost["dZ3"], (problem.A[3] - problem.Y) / net.m, rtol=1e-15)  # s = 1/m: ∂J/∂Z[L]
    np.testing.assert_allclose(loss["dW3"], loss["dZ3"] @ problem.A[2].T / net.m, rtol=1e-12)  # k = 1/m
    np.testing.assert_allclose(cost["dW3"], cost["dZ3"] @ problem.A[2].T, rtol=1e-12)  # k = 1
    for key in loss:  # one factor 1/m in each: dW, db equal; dZ, dA differ by m
        np.testing.assert_allclose(loss[key], (net.m if key[1] in "ZA" else 1) * cost[key], rtol=1e-12, atol=1e-15)


def test_local_grads_recompute_each_array_one_step_from_the_learners_own():
    """dZ[l] = dA_user[l] * g'[l], and dW[l] = k dZ_user[l] A[l-1]ᵀ, db[l] = k Σᵢ dZ_user[l], dA[l-1] = W[l]ᵀ dZ_user[l]
    (written out here, not through layers): the learner's own arrays equal to the reference give the reference; a wrong
    dA2 or dZ1 is followed by the step after it; an array of the wrong shape or not numeric is not read."""
    rng = np.random.default_rng(15)
    for problem, hidden in ((chain(DEEP[0], ["relu", "relu", "sigmoid"], True, "dAL", "Z"), 2),
                            (chain(SHALLOW[0], ["tanh", "sigmoid"], False, "fused", "A"), 1)):  # fmt: skip
        g_prime = (problem.Z[hidden] > 0) if problem.derivative_from == "Z" else 1 - problem.A[hidden] ** 2  # relu'(Z), tanh' as 1 − A²
        for convention, k in (("loss", 1 / problem.m), ("cost", 1.0)):
            reference = backward_grads(problem, convention)
            for key, value in local_grads(problem, convention, reference).items():
                np.testing.assert_allclose(value, reference[key], rtol=1e-13, atol=1e-16, err_msg=key)
            dA, dZ1 = (rng.standard_normal(reference[key].shape) for key in (f"dA{hidden}", "dZ1"))
            local = local_grads(problem, convention, dict(reference, **{f"dA{hidden}": dA, "dZ1": dZ1}))
            np.testing.assert_allclose(local[f"dZ{hidden}"], dA * g_prime, rtol=1e-15)
            np.testing.assert_allclose(local["dW1"], k * (dZ1 @ problem.A[0].T), rtol=1e-12)
            np.testing.assert_allclose(local["db1"], k * dZ1.sum(axis=1, keepdims=True), rtol=1e-12)
            np.testing.assert_allclose(local["dA0"], problem.W[1].T @ dZ1, rtol=1e-12)
            L = problem.L  # the output layer's dZ[L] is where the pass starts: the reference's, whatever the learner's
            np.testing.assert_array_equal(local[f"dZ{L}"], reference[f"dZ{L}"])
            unread = local_grads(problem, convention, dict(reference, **{f"dA{hidden}": np.ones((1, 1)), "dZ1": "dZ1"}))
            for key, value in unread.items():
                np.testing.assert_allclose(value, reference[key], rtol=1e-13, atol=1e-16, err_msg=key)


def test_a_chain_reads_only_the_slots_it_has():
    """One layer on its own has no A[1] and no Y: its pass starts from the given dA, and asking for the loss's start names
    the missing array instead of failing inside NumPy."""
    one = layer(DEEP[0], 2, "relu", "dA")
    (A_prev, W, b), Z = one.cache(1)
    assert A_prev is one.A[0] and W is one.W[1] and b is one.b[1] and Z is one.Z[1]
    assert one.dims == (4, 3) and one.m == DEEP[0].m
    assert set(backward_grads(one, "loss")) == {"dZ1", "dW1", "db1", "dA0"}
    with pytest.raises(ChainruleError, match="no A1"):
        backward_grads(one, "loss", Variant("", "", start="dAL"))


def test_probe_networks_identify_transposes_and_factors():
    for net in (*DEEP, *SHALLOW):
        dims = net.layer_dims
        assert all(dims[l] != dims[l - 1] for l in range(1, len(dims))), "a square W hides a transpose"
        assert net.m > 1 and net.m not in dims
    assert len({net.m for net in DEEP}) == 2 and len({net.m for net in SHALLOW}) == 2


# ---- the parts ---------------------------------------------------------------------------------------


def test_factors_are_named_exactly():
    assert str(name_factor([1 / 7, 1 / 11], [7, 11])) == "1/m"
    assert str(name_factor([4 / 49, 4 / 121], [7, 11])) == "4/m^2"
    assert str(name_factor([2.0, 2.0], [7, 11])) == "2"
    assert str(name_factor([-3.5, -5.5], [7, 11])) == "-m/2"
    assert name_factor([1.7, 2.9], [7, 11]).ratio is None
    assert Factor(1, -1) == name_factor([1 / 7, 1 / 11], [7, 11])


def test_relations():
    rng = np.random.default_rng(0)
    R = [rng.standard_normal((3, 4)), rng.standard_normal((3, 4))]
    assert relate(R, R, [7, 11]).kind == "equal"
    assert str(relate([R[0] / 7, R[1] / 11], R, [7, 11]).factor) == "1/m"
    assert relate([R[0].T, R[1].T], R, [7, 11]).kind == "transposed"
    column = [r[:, :1] for r in R]
    relation = relate([c.ravel() for c in column], column, [7, 11])
    assert relation.kind == "shape" and "(3,), expected (3, 1)" in relation.detail and "keepdims" in relation.detail
    assert relate([R[0] + 1, R[1]], R, [7, 11]).kind == "different"
    assert relate(["x", "y"], R, [7, 11]).kind == "not-array"


def test_codec_round_trip_without_pickle(tmp_path):
    arrays: dict = {}
    value = {"dW1": np.arange(6.0).reshape(2, 3), "t": (1, 2.5, "relu", None), "o": object(), 3: np.array([object()])}
    data = encode(value, arrays)
    save_arrays(str(tmp_path / "a.npz"), arrays)
    back = decode(json.loads(json.dumps(data)), load_arrays(str(tmp_path / "a.npz")))
    np.testing.assert_array_equal(back["dW1"], value["dW1"])
    assert back["t"][2:] == ("relu", None) and float(back["t"][1]) == 2.5
    assert isinstance(back["o"], Opaque) and isinstance(back["3"], Opaque)


def test_a_container_that_contains_itself_is_encoded_without_recursion():
    caches: list = [(np.ones((2, 3)), np.zeros((2, 3)))]
    caches.append(caches)
    deep: list = []
    for _ in range(5000):
        deep = [deep]
    arrays: dict = {}
    back = decode(json.loads(json.dumps(encode((caches, deep), arrays))), arrays)
    assert isinstance(back[0][1], Opaque) and back[0][1].type_name == "cycle"
    np.testing.assert_array_equal(back[0][0][0], np.ones((2, 3)))
    inner, depth = back[1], 1
    while isinstance(inner, list):
        inner, depth = inner[0], depth + 1
    assert isinstance(inner, Opaque) and inner.type_name == "too deep" and depth <= 52


def test_the_notebook_version_is_read_from_the_imports():
    assert file_version("import numpy as np\nfrom testCases_v3 import *\nfrom dnn_utils_v2 import sigmoid\n") == (
        "2017–2018", "it imports testCases_v3")
    notebook = json.dumps({"cells": [{"cell_type": "code", "source": ["import numpy as np\n", "from public_tests import *\n"]}]})
    assert file_version(notebook)[0] == "2019–2025"
    assert file_version("from dnn_utils_v2 import relu\nfrom testCases import *\n") is None  # both versions used them
    assert file_version("from testCases_v3 import *\nfrom dnn_app_utils_v3 import *\n") is None


def test_functions_are_found_by_name_and_signature(tmp_path):
    source = WEEK3 + "\n\ndef backward_propagation_x(x):\n    pass\n" + plant(COURSE2, ("_n(X, Y, cache)", "_n(X, Y)"))
    definitions, notes = find_functions(write(tmp_path, source))
    assert [(d.name, d.spec is not None) for d in definitions] == [("backward_propagation", True), ("backward_propagation_n", False)]
    assert "backward_propagation_n(X, Y)" in definitions[1].reason and "backward_propagation_n(X, Y, cache)" in definitions[1].reason
    assert notes == []
    assert set(SPECS) >= {"L_model_backward", "linear_backward", "linear_activation_backward", "backward_propagation",
                          "backward_propagation_n", "L_model_forward", "forward_propagation", "linear_forward", "compute_cost"}


# ---- the command line -------------------------------------------------------------------------------


def test_cli_exit_codes_and_json(tmp_path):
    good = write(tmp_path, WEEK4, "good.py")
    result = runner.invoke(app, ["audit", good])
    assert result.exit_code == 0, result.output
    assert "L_model_backward: correct" in result.output and "separate process" in result.output

    bad = write(tmp_path, WEEK4.replace("db = 1 / m * np", "db = np"), "bad.py")
    result = runner.invoke(app, ["audit", bad, "--function", "L_model_backward", "--json"])
    assert result.exit_code == 1, result.output
    output = json.loads(result.output)
    assert (output["source"], output["exit_code"], output["kind"]) == ("bad.py", 1, "py")
    assert {"notes", "standins", "failed_imports", "raised", "stopped", "not_run", "dropped"} <= set(output)
    (entry,) = output["functions"]
    assert set(entry) == {"function", "verdict", "convention", "version", "as_given", "first_wrong", "summary", "findings"}
    assert (entry["function"], entry["verdict"], entry["convention"], entry["first_wrong"]) == ("L_model_backward", "wrong", None, "db3")
    assert entry["findings"][1] == {"key": "db3", "diagnosis": "scale", "factor": "m", "message": entry["findings"][1]["message"]}
    assert all(set(f) == {"key", "diagnosis", "factor", "message"} for f in entry["findings"])
    # the typed schema (audit.report's TypedDicts) is the object's, key for key
    assert set(output) == ReportDict.__required_keys__ and set(entry) == FunctionAuditDict.__required_keys__
    assert all(set(f) == FindingDict.__required_keys__ for f in entry["findings"])

    assert runner.invoke(app, ["audit", str(tmp_path / "missing.py")]).exit_code == 2
    result = runner.invoke(app, ["audit", write(tmp_path, "x = 1\n", "none.py")])
    assert result.exit_code == 2 and "defines none of the audited functions" in result.output
    result = runner.invoke(app, ["audit", good, "--function", "backward_propagation"])
    assert result.exit_code == 2 and "defines no function backward_propagation" in result.output
    result = runner.invoke(app, ["audit", write(tmp_path, "def L_model_backward(:\n", "broken.py")])
    assert result.exit_code == 2 and "not valid Python" in result.output


def test_course2_backward_propagation_n_as_handed_out_does_not_fail_the_file(tmp_path):
    # the notebook hands out backward_propagation_n with dW2 × 2 and db1 with 4/m for gradient_check_n to find;
    # its expected output (difference = 0.2850931567761623) needs them, so a learner's file that keeps them is right
    handed_out = plant(COURSE2, ("dW2 = 1. / m * np.dot(dZ2, A1.T)", "dW2 = 1. / m * np.dot(dZ2, A1.T) * 2"),
                       ("db1 = 1. / m * np", "db1 = 4. / m * np"))  # fmt: skip
    (tmp_path / "given").mkdir()
    report, (result,) = audit_case(tmp_path / "given", handed_out, "backward_propagation_n", {"context": False})
    assert (result.verdict, result.as_given, result.first_wrong) == ("wrong", True, "dW2")
    assert "not counted against the file" in result.summary and report.exit_code == 0
    assert result.to_dict()["as_given"] is True
    # one of the two only is the learner's own bug: counted
    (tmp_path / "own").mkdir()
    report, (result,) = audit_case(tmp_path / "own", plant(COURSE2, ("db1 = 1. / m * np", "db1 = 4. / m * np")),
                                   "backward_propagation_n", {"context": False})  # fmt: skip
    assert (result.verdict, result.as_given, report.exit_code) == ("wrong", False, 1)
