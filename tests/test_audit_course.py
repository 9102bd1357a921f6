"""The audit on the rest of the specialization: course 1 weeks 2–4 and course 2, recognised by name and signature."""

from __future__ import annotations

import json
import textwrap

import numpy as np
import pytest
from typer.testing import CliRunner

import chainrule as cr
from audit_planted import WEEK3, WEEK4, plant
from audit_planted_course import COURSE2_GC, COURSE2_INIT, PLANTED_COURSE, WEEK2
from chainrule.audit import audit_functions, definition, find_functions, functions
from chainrule.audit import spec as spec_module
from chainrule.audit.functions import SPECS, FunctionSpec, build, named, read_dict
from chainrule.audit.signatures import Parameters, of_callable
from chainrule.audit.specs import global_seed
from chainrule.cli import app
from chainrule.course import week2

runner = CliRunner()

SOURCES: dict[str, list[tuple[str, str, dict]]] = {}
for _name, _source, _function, _expected in PLANTED_COURSE:
    SOURCES.setdefault(_source, []).append((_name, _function, _expected))


def write(tmp_path, source: str, name: str = "assignment.py") -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(source))
    return str(path)


# ---- the planted corpus: one file (one process) per source, every planted function checked -----------------


@pytest.mark.parametrize("source", list(SOURCES), ids=[f"{entries[0][0]} …" for entries in SOURCES.values()])
def test_planted_course(tmp_path, source):
    report = cr.audit(write(tmp_path, source), timeout=20)
    for name, function, expected in SOURCES[source]:
        result = report[function]
        text = result.summary + " " + " ".join(f.message for f in result.findings)
        assert result.verdict == expected["verdict"], f"{name}:\n{result}"
        if expected["verdict"] == "correct":
            assert all(f.diagnosis == "ok" for f in result.findings), f"{name}:\n{result}"
        elif expected["verdict"] == "wrong":
            first = result.finding(result.first_wrong)
            assert (result.first_wrong, first.diagnosis) == (expected["key"], expected["diagnosis"]), f"{name}:\n{result}"
            if expected["factor"] is not None:
                assert first.factor == expected["factor"], f"{name}:\n{result}"
        else:
            assert result.findings[0].diagnosis == expected["diagnosis"], f"{name}:\n{result}"
        for phrase in expected["says"]:
            assert phrase in text, f"{name}: {phrase!r} not in:\n{result}"
    assert report.exit_code == (0 if report.correct else 1)


def test_the_corpus_covers_every_new_function_correct_and_wrong():
    new = {spec.name for spec in SPECS.values() if spec.summary}  # the specs of audit.specs
    correct = {f for _, _, f, e in PLANTED_COURSE if e["verdict"] == "correct"}
    wrong = {f for _, _, f, e in PLANTED_COURSE if e["verdict"] == "wrong"}
    assert new <= correct | {"model", "predict"}
    trainers = {
        "optimize",
        "model",
        "nn_model",
        "two_layer_model",
        "L_layer_model",
        "predict",
        "forward_propagation_n",
        "initialize_parameters_zeros",
        "initialize_with_zeros",
        "initialize_adam",
        "compute_cost",
    }
    assert new - trainers <= wrong, sorted(new - trainers - wrong)


# ---- recognition by name and signature ----------------------------------------------------------------------


def test_course_2s_1d_functions_are_not_week_3s(tmp_path):
    definitions, _ = find_functions(write(tmp_path, COURSE2_GC + WEEK3.replace("import numpy as np\n", "")))
    found = {d.name: d.spec.signature for d in definitions}
    assert found["forward_propagation"] == "forward_propagation(x, theta)"
    assert found["backward_propagation"] == "backward_propagation(parameters, cache, X, Y)"  # the last definition is the one run
    report = cr.audit(write(tmp_path, COURSE2_GC, "gc.py"))
    assert report.exit_code == 0, str(report)
    assert [f.function for f in report] == [
        "forward_propagation",
        "backward_propagation",
        "gradient_check",
        "forward_propagation_n",
        "gradient_check_n",
    ]


@pytest.mark.parametrize(
    ("name", "parameters", "signature"),
    [
        ("forward_propagation", Parameters(("X", "parameters"), 2), "forward_propagation(X, parameters)"),
        ("forward_propagation", Parameters(("x", "theta"), 2), "forward_propagation(x, theta)"),
        ("forward_propagation", Parameters(("X", "params"), 2), "forward_propagation(X, parameters)"),
        ("predict", Parameters(("w", "b", "X"), 3), "predict(w, b, X)"),
        ("predict", Parameters(("parameters", "X"), 2), "predict(parameters, X)"),
        ("predict", Parameters(("X", "y", "parameters"), 3), "predict(X, y, parameters)"),
        ("linear_activation_backward", Parameters(("dA", "cache", "activation", "Y"), 3),
         "linear_activation_backward(dA, cache, activation)"),
        ("compute_cost", Parameters(("A2", "Y", "parameters"), 3), "compute_cost(A2, Y, parameters)"),
        ("compute_cost", Parameters(("AL", "Y"), 2), "compute_cost(AL, Y)"),
        ("gradient_check", Parameters(("x", "theta", "epsilon", "print_msg"), 2), "gradient_check(x, theta, epsilon)"),
        ("L_model_backward", Parameters(("AL", "Y", "caches", "extra"), 3, varargs=False), "L_model_backward(AL, Y, caches)"),
        ("L_model_backward", Parameters(("args",), 0, varargs=True), "L_model_backward(AL, Y, caches)"),
    ],
)  # fmt: skip
def test_matching_by_name_and_signature(name, parameters, signature):
    found = definition(name, parameters)
    assert found.spec is not None and found.spec.signature == signature, found


def test_the_table_keys_each_spec_by_its_name_or_its_signature_and_builds_its_cases_once():
    """A second spec of a name is keyed by its signature (``register``); the types live in audit.spec, importable from
    audit.functions as before (the spec modules import them there, and functions gathers the spec modules)."""
    assert all(SPECS[spec.key] is spec for spec in SPECS.values())
    first, second = named("forward_propagation")
    assert (first.key, second.key) == ("forward_propagation", "forward_propagation(x, theta)")
    assert SPECS["forward_propagation"] is first and SPECS["forward_propagation(x, theta)"] is second
    assert FunctionSpec("f", "f(x)", "forward", ["y"], read_dict, list).key == "f"  # not registered: its name
    assert second.cases() is second.cases() and len(second.cases()) == 2
    old_home = (functions.Case, functions.FunctionSpec, functions.Naming, functions.build, functions.read_tuple)
    assert old_home == (spec_module.Case, spec_module.FunctionSpec, spec_module.Naming, spec_module.build, spec_module.read_tuple)


def test_a_course_name_that_fits_no_signature_is_not_audited():
    for name, parameters in (
        ("propagate", Parameters(("w", "b", "X"), 3)),
        ("linear_backward", Parameters(("dZ", "cache", "m"), 3)),
        ("update_lr", Parameters(("lr",), 1, keyword_only_required=("epoch",))),
    ):
        found = definition(name, parameters)
        assert found.spec is None and name in found.reason and "cannot be called" in found.reason
    assert definition("my_helper", Parameters(("x",), 1)) is None
    assert definition("model", Parameters(("X", "Y", "learning_rate"), 2)).given  # course 2's own training loop


def test_not_audited_means_exit_1_and_is_in_the_json(tmp_path):
    path = write(tmp_path, WEEK2.replace("def propagate(w, b, X, Y):", "def propagate(w, b, X, Y, Z):"))
    report = cr.audit(path, function="propagate")
    assert report.exit_code == 1 and report["propagate"].verdict == "not-audited"
    result = runner.invoke(app, ["audit", path, "--json"])
    assert result.exit_code == 1, result.output
    entries = {e["function"]: e for e in json.loads(result.output)["functions"]}
    assert entries["propagate"]["verdict"] == "not-audited" and entries["propagate"]["findings"][0]["diagnosis"] == "not-audited"
    assert "not audited, because it is defined as propagate(w, b, X, Y, Z)" in entries["propagate"]["summary"]
    assert all(entries[name]["verdict"] == "correct" for name in ("sigmoid", "initialize_with_zeros", "predict"))
    assert entries["optimize"]["verdict"] == "error"  # it calls propagate with four arguments
    result = runner.invoke(app, ["audit", path, "--function", "propagate"])
    assert result.exit_code == 1 and "not-audited" in result.output


def test_an_extra_argument_with_a_default_is_audited(tmp_path):
    source = plant(
        WEEK4, ("def linear_activation_backward(dA, cache, activation):", "def linear_activation_backward(dA, cache, activation, Y=None):")
    )
    wrong = plant(source, ("dZ = relu_backward(dA, activation_cache)", "dZ = dA"))
    assert cr.audit(write(tmp_path, source), function="linear_activation_backward").exit_code == 0
    result = cr.audit(write(tmp_path, wrong, "wrong.py"), function="linear_activation_backward")["linear_activation_backward"]
    assert result.verdict == "wrong" and result.finding(result.first_wrong).diagnosis == "missing-activation-derivative"


def test_course_2s_given_model_is_noted_not_audited(tmp_path):
    report = cr.audit(write(tmp_path, COURSE2_INIT))
    assert "model" not in [f.function for f in report] and report.exit_code == 0
    assert any("model at line" in note and "course 2's model(X, Y, …)" in note for note in report.notes)


def test_a_function_object_is_matched_by_its_signature():
    def forward_propagation(x, theta):
        return theta * x

    assert of_callable(forward_propagation) == Parameters(("x", "theta"), 2)
    assert cr.audit(forward_propagation)["forward_propagation"].verdict == "correct"

    def propagate(w, b):
        return None

    assert cr.audit(propagate).exit_code == 1 and cr.audit(propagate)["propagate"].verdict == "not-audited"
    assert {spec.signature for spec in named("predict")} == {"predict(w, b, X)", "predict(parameters, X)", "predict(X, y, parameters)"}


# ---- the references -----------------------------------------------------------------------------------------


def test_week2_reproduces_the_course_numbers():
    w, b = np.array([[1.0], [2.0]]), 2.0
    X, Y = np.array([[1.0, 2.0, -1.0], [3.0, 4.0, -3.2]]), np.array([[1, 0, 1]])
    grads, cost = week2.propagate(w, b, X, Y)
    np.testing.assert_allclose(grads["dw"], [[0.99845601], [2.39507239]], rtol=1e-7)
    np.testing.assert_allclose([grads["db"], cost], [0.00145557813678, 5.801545319394553], rtol=1e-7)
    params, grads, costs = week2.optimize(w, b, X, Y, num_iterations=100, learning_rate=0.009)
    np.testing.assert_allclose(params["w"], [[0.19033591], [0.12259159]], rtol=1e-6)
    np.testing.assert_allclose([params["b"], grads["db"]], [1.92535983008, 0.219194504541], rtol=1e-6)
    assert len(costs) == 1
    p = week2.predict(np.array([[0.1124579], [0.23106775]]), -0.3, np.array([[1.0, -1.1, -3.2], [1.2, 2.0, 0.1]]))
    np.testing.assert_array_equal(p, [[1.0, 1.0, 0.0]])


def test_week2_gradients_are_the_finite_differences_of_its_cost():
    rng = np.random.default_rng(5)
    w, b, X = rng.standard_normal((3, 1)), 0.3, rng.standard_normal((3, 7))
    Y = (rng.random((1, 7)) > 0.5).astype(float)
    grads, _ = week2.propagate(w, b, X, Y)
    h = 1e-6
    for i in range(3):
        e = np.zeros_like(w)
        e[i] = h
        numeric = (week2.propagate(w + e, b, X, Y)[1] - week2.propagate(w - e, b, X, Y)[1]) / (2 * h)
        assert abs(numeric - grads["dw"][i, 0]) < 1e-7
    numeric = (week2.propagate(w, b + h, X, Y)[1] - week2.propagate(w, b - h, X, Y)[1]) / (2 * h)
    assert abs(numeric - grads["db"]) < 1e-7


def test_building_the_expectations_leaves_the_callers_random_numbers_alone():
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    with global_seed(3):
        np.random.randn(4)
    for spec in SPECS.values():
        build(spec)
    assert np.array_equal(np.random.get_state()[1], before)


def test_seeded_and_stubbed_calls(tmp_path):
    # a learner's initialize_parameters_deep without its seed: the audit seeded another number first, and says so
    source = (
        "import numpy as np\n\ndef initialize_parameters_deep(layer_dims):\n    return {f'{p}{l}': (np.random.randn(layer_dims[l], "
        "layer_dims[l - 1]) * 0.01 if p == 'W' else np.zeros((layer_dims[l], 1))) for l in range(1, len(layer_dims)) for p in 'Wb'}\n"
    )
    result = cr.audit(write(tmp_path, source))["initialize_parameters_deep"]
    assert result.finding("W1").diagnosis == "seed" and "np.random.seed(3)" in result.finding("W1").message
    # gradient_check runs with the stubbed forward/backward even when the file's own are missing
    source = (
        COURSE2_GC.split("def gradient_check(")[0].split("def forward_propagation(")[0]
        + "def gradient_check("
        + COURSE2_GC.split("def gradient_check(")[1].split("def gradient_check_n(")[0]
    )
    assert cr.audit(write(tmp_path, source, "only_check.py"))["gradient_check"].verdict == "correct"


def test_the_course_arguments_in_another_order_are_audited_in_it(tmp_path):
    source = WEEK3.replace("def backward_propagation(parameters, cache, X, Y):", "def backward_propagation(X, Y, parameters, cache):")
    result = cr.audit(write(tmp_path, source))["backward_propagation"]
    assert result.verdict == "correct", str(result)
    assert "backward_propagation(X, Y, parameters, cache), not in the course's order" in " ".join(result.notes)
    assert definition("backward_propagation", Parameters(("X", "Y", "cache"), 3)).given  # course 2's helper, not a learner's


# ---- with the notebook reader, the stand-ins, function objects and %audit -------------------------------------


def _notebook(path, *cells: str) -> str:
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
          "cells": [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                     "source": textwrap.dedent(c).splitlines(True)} for c in cells]}  # fmt: skip
    path.write_text(json.dumps(nb))
    return str(path)


def test_course_2_verdicts_are_the_same_with_the_standins_and_without_the_modules(tmp_path):
    # gc_utils and reg_utils are not beside the file: chainrule's stand-ins supply them; the verdicts are those
    # the stubs give when the module cannot be imported at all (a module beside the file that fails to import)
    sources = {"gc": COURSE2_GC, "reg": next(s for n, s, f, e in PLANTED_COURSE if "from reg_utils import" in s)}
    for label, source in sources.items():
        results = {}
        for mode in ("standins", "absent"):
            folder = tmp_path / f"{label}-{mode}"
            folder.mkdir()
            if mode == "absent":
                for module in ("gc_utils", "reg_utils"):
                    (folder / f"{module}.py").write_text(f"raise ModuleNotFoundError({f'No module named {module}'!r}, name={module!r})\n")
            report = cr.audit(write(folder, source), timeout=20)
            results[mode] = [(f.function, f.verdict, f.first_wrong, [x.diagnosis for x in f.findings]) for f in report]
            if mode == "standins":
                assert report.details["standins"] and "came from chainrule's stand-ins" in " ".join(report.notes)
            else:
                assert not report.details["standins"] and report.details["failed_imports"], (label, report.details)
        assert results["standins"] == results["absent"], label


def test_seeds_and_stubs_apply_to_function_objects_and_the_namespace():
    from chainrule.ipython import namespace_functions

    namespace: dict = {"__name__": __name__}
    exec(  # a notebook's functions: no seed where the course seeds, and a gradient_check without its helpers defined
        "import numpy as np\n"
        "def initialize_parameters_deep(layer_dims):\n"
        "    return {f'{p}{l}': (np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01 if p == 'W' else"
        " np.zeros((layer_dims[l], 1))) for l in range(1, len(layer_dims)) for p in 'Wb'}\n"
        + "def gradient_check(" + COURSE2_GC.split("def gradient_check(")[1].split("def gradient_check_n(")[0]
        + "def propagate(w, b, X):\n    return None\n",
        namespace,
    )
    assert cr.audit(namespace["initialize_parameters_deep"])["initialize_parameters_deep"].finding("W1").diagnosis == "seed"
    namespace["L_model_forward"] = week2.sigmoid  # brought in by a course module: not the notebook's own
    found, notes = namespace_functions(namespace)
    assert {"initialize_parameters_deep", "gradient_check", "propagate"} <= set(found) and "L_model_forward" not in found
    assert any("L_model_forward (chainrule.course.week2)" in note for note in notes)
    report = audit_functions(found, timeout=20, source="this notebook")
    verdicts = {f.function: f.verdict for f in report}
    assert {k: verdicts[k] for k in ("initialize_parameters_deep", "gradient_check", "propagate")} == {
        "initialize_parameters_deep": "wrong", "gradient_check": "correct", "propagate": "not-audited"}, str(report)
    assert report["initialize_parameters_deep"].finding("W1").diagnosis == "seed" and report.exit_code == 1


def test_a_notebook_of_course_2_is_audited_by_signature_with_its_places(tmp_path):
    init = COURSE2_INIT.split("\ndef ")
    cells = [init[0], *("def " + part for part in init[1:])]
    path = _notebook(tmp_path / "Initialization.ipynb", *cells)
    report = cr.audit(path, timeout=20)
    assert report.exit_code == 0 and report.details["kind"] == "ipynb", str(report)
    assert any(note.startswith("model at cell ") and "course 2's model(X, Y, …)" in note for note in report.notes), report.notes


def test_prepared_seeds_and_stubs_around_one_call_only():
    from chainrule.audit.worker import prepared

    namespace: dict = {}
    exec("import numpy as np\ndef helper():\n    return 'file'\ndef f():\n    return helper(), np.random.rand()\n", namespace)
    np.random.seed(7)
    before = np.random.get_state()[1].copy()
    with prepared(namespace["f"], 3, {"helper": "def helper():\n    return 'stub'\n"}):
        value = namespace["f"]()
    restored = np.array_equal(np.random.get_state()[1], before)  # the caller's random numbers left alone
    np.random.seed(3)
    assert value == ("stub", np.random.rand()) and restored
    assert namespace["f"]()[0] == "file"


def test_the_gradient_checks_expect_the_courses_own_difference_and_no_bug_equals_it():
    """The right difference is the course's function on the case's arguments (gradient_check with the 1.25 x stub); each
    planted bug's difference differs from it beyond the comparison's tolerance (a bug formula that fell back into the
    right one would pass the bug)."""
    from chainrule.audit.compare import RTOL
    from chainrule.audit.functions import named
    from chainrule.course import gradient_checking as gc

    with_stub = "the check through forward_propagation and backward_propagation (run with one returning 1.25 x)"
    for name in ("gradient_check", "gradient_check_n"):
        (spec,) = named(name)
        for case in spec.cases():
            if name == "gradient_check_n":
                right = case.expected[""]["difference"]
                assert right == gc.gradient_check_n(*case.args) and right > 1e-3  # the case's gradients carry planted errors
            else:
                right = case.expected[with_stub]["difference"]
                assert right == pytest.approx(0.25 / 2.25, rel=1e-15) and gc.gradient_check(*case.args) == 0.0
            assert len(case.variants) >= 3
            for label, (_, values) in case.variants.items():
                wrong = next(iter(values.values()))["difference"]
                assert abs(wrong - right) > 10 * RTOL * right, (name, label, wrong, right)


def test_case_with_versions_is_versioned_case():
    """case(..., versions=True), the call of before versioned_case: ``expected`` maps each version to its values."""
    from chainrule.audit.specs import case, versioned_case

    versions = {"np.random.seed(3) inside the function": {"W1": np.ones((2, 3))}, "as the test": {"W1": np.zeros((2, 3))}}
    bugs = [("scaled", "W1 twice", {"W1": 2 * np.ones((2, 3))})]
    old, new = case("init", 3, (), versions, bugs, versions=True), versioned_case("init", 3, (), versions, bugs)
    assert old.expected == new.expected == versions and list(old.variants) == list(new.variants) == ["W1 twice"]
    assert old.variants["W1 twice"][1] == new.variants["W1 twice"][1] == dict.fromkeys(versions, bugs[0][2])
    assert case("init", 3, (), versions["as the test"]).expected == {"": versions["as the test"]}
