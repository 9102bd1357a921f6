"""chainrule explain: every printed shape against a real forward and backward pass, --verify, the formats, errors."""

from __future__ import annotations

import dataclasses
import importlib
import json
import re
import shutil
import subprocess

import numpy as np
import pytest
from typer.testing import CliRunner

import chainrule as cr
from chainrule.activations import ACTIVATIONS
from chainrule.cli import app
from chainrule.conventions import CONVENTIONS, derivative_of
from chainrule.explain import THRESHOLD, Verification, explain, kinked_layers, verify
from chainrule.losses import get_loss, one_hot

runner = CliRunner()
GRADCHECK = importlib.import_module("chainrule.gradcheck")  # the module (chainrule.gradcheck is also a function's name)
NETWORKS = [
    ([12288, 20, 7, 5, 1], ["relu", "sigmoid"], 209, 0.0),  # the course's cat network
    ([2, 4, 1], ["tanh", "sigmoid"], 400, 0.0),  # the flower
    ([5, 4, 3, 1], None, 7, 0.7),  # with an L2 term
    ([4, 3, 2], ["leaky_relu", "sigmoid"], 5, 0.0),  # two sigmoid outputs
    ([4, 5, 3], ["relu", "softmax"], 6, 0.1),  # three classes
    ([3, 1], ["sigmoid"], 1, 0.0),  # one layer, one example
]


def random_targets(net: cr.Network, m: int, rng: np.random.Generator) -> np.ndarray:
    if net.loss == "categorical_cross_entropy":
        return one_hot(rng.integers(net.n_y, size=m), net.n_y)
    return (rng.random((net.n_y, m)) < 0.5).astype(float)


def real_arrays(net: cr.Network, m: int, seed: int = 0, lambd: float = 0.0) -> dict[str, np.ndarray]:
    """Every array of one forward and backward pass of the core, by the keys the equations use."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((net.n_x, m))
    Y = random_targets(net, m, rng)
    AL, caches = net.forward(X)
    L = get_loss(net.loss).losses(AL, Y)
    arrays = {"A0": X, "Y": Y, "L": L, "J": np.asarray(net.cost(AL, Y, lambd=lambd))}
    for l, ((_, W, b), Z) in enumerate(caches, start=1):
        arrays |= {f"W{l}": W, f"b{l}": b, f"Z{l}": Z, f"A{l}": cr.ACTIVATIONS[net.activations[l - 1]].g(Z)}
    assert np.array_equal(arrays[f"A{net.L}"], AL)
    grads = {c: net.backward(Y, caches, c, lambd=lambd) for c in CONVENTIONS}
    return arrays, grads


def printed_tuples(text: str) -> list[tuple[int, ...]]:
    """Every shape written in a line of shapes, in order: '(20, 12288)(12288, 209) + (20, 1) → (20, 209)'."""
    return [tuple(int(d) for d in inner.split(", ")) if inner else () for inner in re.findall(r"\(([\d, ]*)\)", text)]


@pytest.mark.parametrize(("layer_dims", "activations", "m", "lambd"), NETWORKS)
def test_every_printed_shape_matches_a_real_forward_and_backward_pass(layer_dims, activations, m, lambd):
    net = cr.Network(layer_dims, activations, seed=1)
    ex = explain(net, m=m, lambd=lambd)
    arrays, grads = real_arrays(net, m, lambd=lambd)
    printed = str(ex)
    for convention in CONVENTIONS:
        assert [eq.key for eq in ex.backward[convention]] == list(grads[convention]), "one equation per grads key, in order"
        every = {**arrays, **grads[convention]}
        for eq in [*ex.forward, *ex.backward[convention]]:
            assert every[eq.key].shape == eq.shape, f"{eq.text}: printed {eq.shape}, real {every[eq.key].shape}"
            operand_shapes = []
            for op in eq.operands:
                real = every[op.key].shape
                operand_shapes.append(real[::-1] if op.transposed else real)
                assert op.shape == operand_shapes[-1], f"{eq.text}: operand {op.key} printed {op.shape}, real {real}"
            assert printed_tuples(eq.shapes) == [*operand_shapes, every[eq.key].shape], eq.shapes
            assert eq.shapes in printed
            if eq.derivative_of is not None:
                assert eq.derivative_of == derivative_of(eq.key, convention)
    for row in ex.shapes_table().rows:
        l = row["l"]
        every = {**arrays, **grads["loss"]}
        real = {"A": every[f"A{l}"].shape, "dA": every[f"dA{l}"].shape} if l < net.L else {"A": every[f"A{l}"].shape}
        if l > 0:
            real |= {k: every[f"{k}{l}"].shape for k in ("W", "b", "Z", "dZ", "dW", "db")}
        for key, shape in real.items():
            assert row[key] == shape, f"shapes table {key}[{l}]: printed {row[key]}, real {shape}"


def test_the_course_network_reads_as_the_issue_writes_it():
    ex = explain([12288, 20, 7, 5, 1], m=209, activations=["relu", "sigmoid"])
    first = ex.forward[0]
    assert f"{first.text}   {first.shapes}" == "Z[1] = W[1] A[0] + b[1]   (20, 12288)(12288, 209) + (20, 1) → (20, 209)"
    loss = {eq.key: eq.text for eq in ex.backward["loss"]}
    cost = {eq.key: eq.text for eq in ex.backward["cost"]}
    assert loss["dZ4"] == "dZ[4] = A[4] − Y" and cost["dZ4"] == "dZ[4] = (1/m)(A[4] − Y)"
    assert loss["dW1"] == "dW[1] = (1/m) dZ[1] A[0]ᵀ" and cost["dW1"] == "dW[1] = dZ[1] A[0]ᵀ"
    assert loss["db2"] == "db[2] = (1/m) Σᵢ dZ[2]" and cost["db2"] == "db[2] = Σᵢ dZ[2]"
    assert loss["dA1"] == cost["dA1"] == "dA[1] = W[2]ᵀ dZ[2]"
    assert loss["dZ1"] == "dZ[1] = dA[1] * g'[1](Z[1])"
    text = str(ex)
    for phrase in ("∂L/∂Z[4]", "∂J/∂Z[4]", "209 × 209 matrix", "stores its diagonal", "1/m^4", "At the update step",
                   "Nowhere", "automatic differentiation", "1 where Z > 0, else 0", "A (1 - A)"):
        assert phrase in text, phrase


def test_m_left_symbolic_writes_the_letter_m():
    ex = explain([12288, 20, 1])
    assert ex.forward[0].shapes == "(20, 12288)(12288, m) + (20, 1) → (20, m)"
    assert "m × m matrix" in str(ex)


def test_activation_table_is_the_core_table():
    ex = explain([3, 4, 4, 1], m=2, activations=["tanh", "leaky_relu", "sigmoid"])
    rows = {row["name"]: row for row in ex.activations_table().rows}
    assert list(rows) == ["tanh", "leaky_relu", "sigmoid"]
    for name, row in rows.items():
        assert row["g_prime"] == ACTIVATIONS[name].derivative and row["g"] == ACTIVATIONS[name].formula


HIDDEN = [name for name, activation in ACTIVATIONS.items() if activation.elementwise]  # softmax: output only


@pytest.mark.parametrize("hidden", HIDDEN)
def test_verify_passes_for_every_activation(hidden):
    ex = explain([5, 4, 3, 1], m=7, activations=[hidden, "sigmoid"], verify=True, seed=3)
    v = ex.verification
    assert v.passed, v.verdict()
    assert v.verdict().startswith("PASS")
    rows = {row["key"]: row for row in v.rows}
    assert list(rows) == [eq.key for eq in ex.backward["loss"]]
    for key, row in rows.items():
        assert row["ratio"] == pytest.approx(7.0 if key[1] in "ZA" else 1.0, rel=1e-12)
        assert row["fd_rel_error"] is not None and row["fd_entries"]  # every key, dZ and dA too, is gradcheck's
    assert v.worst_fd_error < 1e-7


def test_the_kinked_layers_are_read_from_the_activation_table():
    assert kinked_layers(["relu", "leaky_relu", "tanh", "linear", "sigmoid"]) == [0, 1]
    assert kinked_layers(["relu", "softmax"]) == [0]


def test_verify_counts_kinks_and_still_passes():
    """Checks whose steps cross a relu kink are gradcheck's one-sided ones, counted in the table, and still pass."""
    v = explain([20, 30, 30, 1], m=209, activations=["relu", "sigmoid"], verify=True, seed=15).verification
    assert v.passed, v.verdict()
    assert any("at a kink" in (row["fd_entries"] or "") for row in v.rows)
    assert "differences them on the side that did not cross" in str(v.table)
    tanh = explain([20, 30, 30, 1], m=209, activations=["tanh", "sigmoid"], verify=True, seed=15).verification
    assert tanh.passed and not any("kink" in row["fd_entries"] for row in tanh.rows)  # no kink, none counted


@pytest.mark.parametrize(("layer_dims", "activations", "lambd"), [
    ([5, 4, 3, 1], ["tanh", "sigmoid"], 0.7),
    ([4, 6, 5, 3], ["relu", "softmax"], 0.0),
    ([4, 6, 3], ["leaky_relu", "softmax"], 0.3),
])
def test_verify_passes_with_l2_and_softmax(layer_dims, activations, lambd):
    ex = explain(layer_dims, m=9, activations=activations, lambd=lambd, verify=True, seed=2)
    assert ex.verification.passed, ex.verification.verdict()
    text = str(ex)
    assert ("(λ/m) W[1]" in text and "Which J: the L2 term" in text) == bool(lambd)
    assert ("softmax and categorical cross-entropy fused" in text) == (activations[-1] == "softmax")
    if activations[-1] == "softmax":
        assert f"L = -Σₖ Y * log A[{len(layer_dims) - 1}]" in text


def test_verify_fails_when_dW_misses_the_l2_term(monkeypatch):
    """Negative control: a backward pass that forgets (λ/m) W must fail against J with its L2 term."""
    import chainrule.network

    monkeypatch.setattr(chainrule.network, "add_l2_gradient", lambda grads, parameters, lambd, m: grads)
    v = explain([5, 4, 1], m=6, lambd=0.5, verify=True).verification
    assert not v.passed
    failing = {row["key"] for row in v.rows if not row["ok"]}
    assert {"dW1", "dW2"} <= failing and not failing & {"db1", "db2"}, v.verdict()


def test_verify_checks_large_parameters_along_directions_and_two_outputs():
    """gradcheck's "auto": every element where that needs at most AUTO_LIMIT example-columns, else K directions."""
    v = explain([600, 3, 2], m=30, verify=True).verification
    assert v.passed, v.verdict()
    rows = {row["key"]: row for row in v.rows}
    assert rows["dW1"]["fd_entries"] == "32 directional" and rows["dW2"]["fd_entries"] == "6/6"
    assert rows["dZ1"]["fd_entries"] == "90/90" and rows["dA0"]["fd_entries"] == "18000/18000"  # one column each


def test_verify_fails_on_a_planted_double_1_over_m(monkeypatch):
    """Negative control: 1/m at the output and in dW (the thread's bug) must fail the proof on numbers."""
    import chainrule.network

    monkeypatch.setattr(chainrule.network, "scales", lambda convention, m: (1 / m, 1 / m))
    v = explain([5, 4, 1], m=6, verify=True).verification
    assert not v.passed
    assert "dW2 finite-difference relative error" in v.verdict() and v.verdict().startswith("FAIL")


def test_verify_threshold_catches_a_subtle_error(monkeypatch):
    """Negative control for the rtol verify passes to gradcheck (THRESHOLD = gradcheck.RTOL = 1e-5): dW1 off by 4e-5
    (relative difference 2e-5, about 1e4 times that of the correct dW2) fails at it, and would pass at a loosened 1e-4."""
    original = cr.Network.backward

    def slightly_off(self, *args, **kwargs):
        grads = original(self, *args, **kwargs)
        grads["dW1"] = grads["dW1"] * (1 + 4e-5)  # both conventions alike: the loss/cost ratios stay exact
        return grads

    monkeypatch.setattr(cr.Network, "backward", slightly_off)
    net = cr.Network([4, 3, 1], activations=["tanh", "sigmoid"], seed=0)
    v = verify(net, m=6, seed=1)
    rows = {row["key"]: row for row in v.rows}
    assert not v.passed and [key for key, row in rows.items() if not row["ok"]] == ["dW1"], v.verdict()
    assert 1e-5 < rows["dW1"]["fd_rel_error"] < 1e-4 and rows["dW2"]["fd_rel_error"] < 1e-8
    assert v.rtol == THRESHOLD == GRADCHECK.RTOL == 1e-5 and v.mode == "auto" and v.epsilon == GRADCHECK.EPSILON
    assert "dW1 finite-difference relative error 2.00e-05 fails gradcheck ('loss': " in v.verdict()
    assert "; 'cost': " in v.verdict()  # both conventions' grads are checked
    assert verify(net, m=6, seed=1, rtol=1e-4).passed  # the same error, under a loosened rtol


def test_the_old_keywords_of_verify_still_work(monkeypatch):
    """verify(threshold=…) and Verification(threshold=…) set rtol (with a DeprecationWarning); verify(max_entries=N),
    every entry of a tensor up to N, else N at random, is gradcheck's mode "sample" with k = N."""
    original = cr.Network.backward

    def slightly_off(self, *args, **kwargs):
        grads = original(self, *args, **kwargs)
        grads["dW1"] = grads["dW1"] * (1 + 4e-5)  # a relative difference of 2e-5: fails at rtol 1e-5, passes at 1e-4
        return grads

    monkeypatch.setattr(cr.Network, "backward", slightly_off)
    net = cr.Network([4, 3, 1], activations=["tanh", "sigmoid"], seed=0)
    with pytest.warns(DeprecationWarning, match=r"verify: threshold= is rtol= now"):
        old = verify(net, m=6, seed=1, threshold=1e-4)
    assert old.passed and old.rtol == old.threshold == 1e-4 and old.to_dict() == verify(net, m=6, seed=1, rtol=1e-4).to_dict()
    with pytest.warns(DeprecationWarning):
        assert not verify(net, m=6, seed=1, threshold=THRESHOLD).passed
    with pytest.raises(cr.ChainruleError, match="give rtol or its old name threshold, not both"):
        verify(net, m=6, seed=1, rtol=1e-4, threshold=1e-4)
    with pytest.warns(DeprecationWarning, match=r"Verification: threshold= is rtol= now"):
        assert Verification(m=6, seed=1, rows=[], threshold=1e-3).rtol == 1e-3

    sampled = verify(net, m=6, seed=1, max_entries=5)  # dW1 is 3 × 4, db1 has 3 entries
    entries = {row["key"]: row["fd_entries"] for row in sampled.rows}
    assert sampled.mode == "sample" and entries["dW1"] == "5/12" and entries["db1"] == "3/3" and entries["dZ1"] == "5/18"
    assert not sampled.passed and "dW1 finite-difference" in sampled.verdict()  # the 5 entries still see the error
    with pytest.raises(cr.ChainruleError, match='max_entries is the k of mode "sample"'):
        verify(net, m=6, seed=1, max_entries=5, mode="directional")
    with pytest.raises(cr.ChainruleError, match="max_entries must be a positive integer"):
        verify(net, m=6, seed=1, max_entries=0)


@pytest.mark.parametrize("factor", [1 + 1e-9, 1 + 1e-10])
def test_verify_ratio_tolerance_catches_a_subtle_error(monkeypatch, factor):
    """Negative control for RATIO_TOLERANCE (1e-12): dZ1 off by a factor 1 + 1e-9 (or 1e-10) in "cost" only passes
    gradcheck in both conventions (rtol 1e-5) but breaks loss = m × cost, and only that check fails verify; a correct
    run's loss/cost deviates by under 1e-14, and a tolerance loosened to 1e-8 would let the error through."""
    from chainrule.explain import verification

    net = cr.Network([4, 3, 1], activations=["tanh", "sigmoid"], seed=0)
    assert verify(net, m=6, seed=1).passed
    instance, X, Y = verification.random_problem(net, 6, 1)
    caches = instance.forward(X)[1]
    exact = cr.conventions.compare_grads(*(instance.backward(Y, caches, c) for c in CONVENTIONS), 6)
    assert max(row["rel_deviation"] for row in exact.rows) < 1e-14
    original = cr.Network.backward

    def off_in_cost(self, Y, caches, convention="loss", *args, **kwargs):
        grads = original(self, Y, caches, convention, *args, **kwargs)
        if convention == "cost":
            grads["dZ1"] = grads["dZ1"] * factor
        return grads

    monkeypatch.setattr(cr.Network, "backward", off_in_cost)
    v = verify(net, m=6, seed=1)
    rows = {row["key"]: row for row in v.rows}
    assert not v.passed and [key for key, row in rows.items() if not row["ok"]] == ["dZ1"], v.verdict()
    assert len(v.failures) == 1 and v.failures[0].startswith("dZ1 loss/cost = 6, expected 6 (relative deviation "), v.failures
    assert "finite-difference" not in v.verdict()  # gradcheck passed it: the ratio check alone failed it
    assert rows["dZ1"]["ratio"] == pytest.approx(6 / factor, rel=1e-13)  # the printed ratio is the checked one
    monkeypatch.setattr(verification, "RATIO_TOLERANCE", 1e-8)
    assert verify(net, m=6, seed=1).passed  # the same error, under a loosened tolerance


def test_verify_prints_the_ratio_it_checks():
    """The loss/cost column is compare_grads' best-fit ratio, the one the verdict checks, not a ratio of norms."""
    from chainrule.explain.verification import random_problem

    net = cr.Network([5, 4, 3, 1], activations=["relu", "tanh", "sigmoid"], seed=2)
    v = verify(net, m=7, seed=4, lambd=0.3)
    instance, X, Y = random_problem(net, 7, 4)
    _, caches = instance.forward(X)
    grads = [instance.backward(Y, caches, c, lambd=0.3) for c in CONVENTIONS]
    table = cr.conventions.compare_grads(*grads, 7, lambd=0.3)
    assert [row["ratio"] for row in v.rows] == [row["ratio"] for row in table.rows]
    assert [row["expected"] for row in v.rows] == [7.0 if key[1] in "ZA" else 1.0 for key in (r["key"] for r in v.rows)]


def dW1_scaled_by(monkeypatch, factor):
    """Network.backward with dW1 multiplied by ``factor`` in both conventions: a relative difference of (f − 1)/(f + 1)."""
    original = cr.Network.backward

    def scaled(self, *args, **kwargs):
        grads = original(self, *args, **kwargs)
        grads["dW1"] = grads["dW1"] * factor
        return grads

    monkeypatch.setattr(cr.Network, "backward", scaled)


@pytest.mark.parametrize(("factor", "passes"), [(1 + 1e-5, True), (1 + 4e-5, False)])
def test_verify_and_gradcheck_agree_on_one_network(monkeypatch, factor, passes):
    """verify's numeric verdict is gradcheck's on the same instance: dW1 off by a relative 5e-6 passes both (within
    rtol 1e-5; explain's own checker, with its threshold of 1e-6, failed it) and off by 2e-5 fails both."""
    from chainrule.explain.verification import random_problem

    dW1_scaled_by(monkeypatch, factor)
    net = cr.Network([4, 3, 1], activations=["tanh", "sigmoid"], seed=0)
    v = verify(net, m=6, seed=1)
    instance, X, Y = random_problem(net, 6, 1)
    for convention in CONVENTIONS:
        report = cr.gradcheck(instance, X, Y, convention=convention, seed=1)  # the built-in (scaled) grads
        assert report.passed is v.passed is passes, (convention, v.verdict(), str(report))
        assert report["dW1"]["relative_difference"] == pytest.approx((factor - 1) / (factor + 1), rel=1e-3)


@pytest.mark.parametrize(("factor", "code"), [(1 + 1e-5, 0), (1 + 4e-5, 1)])
def test_explain_verify_and_chainrule_check_agree(monkeypatch, factor, code):
    """On the command line: the same architecture, the same planted dW1 error, the same exit code and the same name."""
    dW1_scaled_by(monkeypatch, factor)
    explained = runner.invoke(app, ["explain", "--layers", "4,3,1", "--activations", "tanh,sigmoid", "--m", "6", "--verify",
                                    "--format", "json"])  # fmt: skip
    checked = runner.invoke(app, ["check", "--layers", "4,3,1", "--activations", "tanh,sigmoid", "--m", "6", "--json"])
    assert explained.exit_code == checked.exit_code == code, (explained.output, checked.output)
    verification, report = json.loads(explained.stdout)["verification"], json.loads(checked.stdout)
    assert [row["key"] for row in verification["rows"] if row["ok"] is False] == report["failed_tensors"] == (["dW1"] if code else [])


def test_verify_fails_on_a_planted_wrong_derivative(monkeypatch):
    """Negative control: tanh' written as 1 − tanh(Z) (not squared) must fail for the layers below it."""
    wrong = dataclasses.replace(ACTIVATIONS["tanh"], g_prime=lambda Z: 1 - np.tanh(Z))
    monkeypatch.setitem(ACTIVATIONS, "tanh", wrong)
    v = explain([3, 4, 1], m=5, activations=["tanh", "sigmoid"], verify=True).verification
    assert not v.passed
    failing = {row["key"] for row in v.rows if not row["ok"]}
    assert {"dW1", "db1"} <= failing and "dW2" not in failing


def test_verify_fails_when_a_printed_shape_is_wrong():
    net = cr.Network([3, 2, 1], seed=0)
    v = verify(net, m=4, expected_shapes={"dZ2": (1, 4), "dW2": (2, 1)})
    assert not v.passed and "dW2 has shape (1, 2), printed (2, 1)" in v.verdict()


# -- formats ----------------------------------------------------------------------------------------
def latex_structure_errors(document: str) -> list[str]:
    """A small structural check of a LaTeX document: braces, environments, inline math, the document frame."""
    errors = []
    text = re.sub(r"\\[{}$%&#_]", "", document)  # escaped characters do not count
    depth = 0
    for i, c in enumerate(text):
        depth += {"{": 1, "}": -1}.get(c, 0)
        if depth < 0:
            errors.append(f"unbalanced '}}' near {text[max(0, i - 40):i + 1]!r}")
            depth = 0
    if depth:
        errors.append(f"{depth} unclosed '{{'")
    stack = []
    for kind, name in re.findall(r"\\(begin|end)\{([^}]*)\}", text):
        if kind == "begin":
            stack.append(name)
        elif not stack or stack.pop() != name:
            errors.append(f"\\end{{{name}}} does not close the open environment")
    errors += [f"\\begin{{{name}}} never closed" for name in stack]
    for n, line in enumerate(text.splitlines(), start=1):
        if line.count("$") % 2:
            errors.append(f"line {n}: odd number of $: {line[:80]!r}")
    if not text.startswith(r"\documentclass") or r"\begin{document}" not in text or not text.rstrip().endswith(r"\end{document}"):
        errors.append("not a complete document")
    return errors


def test_latex_checker_catches_planted_errors():
    good = explain([2, 4, 1], m=400, activations=["tanh", "sigmoid"]).to_latex()
    assert latex_structure_errors(good) == []
    assert latex_structure_errors(good.replace(r"\frac{1}{m}", r"\frac{1}{m", 1))
    assert latex_structure_errors(good.replace(r"\end{longtable}", "", 1))
    assert latex_structure_errors(good.replace("$", "", 1))


@pytest.mark.parametrize(("shapes_only", "activations", "lambd"), [
    (False, ["relu", "sigmoid"], 0.0), (True, ["relu", "sigmoid"], 0.0), (False, ["leaky_relu", "softmax"], 0.7)
])
def test_latex_is_a_complete_document_that_parses(shapes_only, activations, lambd):
    n_y = 3 if activations[-1] == "softmax" else 1
    ex = explain([12288, 20, 7, 5, n_y], m=209, activations=activations, lambd=lambd)
    document = ex.to_latex(shapes_only=shapes_only)
    assert latex_structure_errors(document) == []
    assert document.isascii(), "pdflatex reads ASCII without surprises"
    assert (r"Z^{[1]} = W^{[1]} A^{[0]} + b^{[1]}" in document) != shapes_only


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_latex_compiles_with_pdflatex(tmp_path):
    ex = explain([6, 5, 4, 3], m=9, activations=["leaky_relu", "softmax"], lambd=0.1, verify=True)  # every section, a _ to escape
    (tmp_path / "explain.tex").write_text(ex.to_latex())
    out = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "explain.tex"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert out.returncode == 0, out.stdout[-3000:]
    assert (tmp_path / "explain.pdf").stat().st_size > 1000


def test_markdown_has_latex_math_and_tables():
    ex = explain([5, 4, 3, 1], m=7, verify=True)
    md = ex._repr_markdown_()
    assert md == ex.to_markdown()
    assert r"| Z1 | $Z^{[1]} = W^{[1]} A^{[0]} + b^{[1]}$ | `(4, 5)(5, 7) + (4, 1) → (4, 7)` |" in md
    assert r"$dZ^{[3]} = \frac{1}{m}(A^{[3]} - Y)$ | $\partial J / \partial Z^{[3]}$" in md
    assert r"$\partial \mathcal{L} / \partial Z^{[3]}$" in md
    for line in md.splitlines():
        assert line.count("$") % 2 == 0, line
        if line.startswith("|"):
            assert line.endswith("|"), line
    outside_math = re.sub(r"\$[^$]*\$|`[^`]*`", "", md)
    assert not re.search(r"(?<!\\)\]\(", outside_math), "g'[l](Z[l]) must not read as a Markdown link"
    assert "``" not in md and "''" not in md, "TeX quotes do not belong in Markdown"
    header = [line for line in md.splitlines() if line.startswith("| key")]
    assert header, "the verification table is there"
    assert "PASS" in md


def test_the_equation_tables_are_report_tables_in_every_format():
    """One table path: the forward and backward tables are report.Tables, in Markdown and LaTeX through
    report.markdown_table / latex_table (the LaTeX cells as math), in the terminal through cli.common.rich_table."""
    from chainrule.explain import CODE, MATH
    from chainrule.report import UNICODE_IN_LATEX, latex_table, markdown_table

    ex = explain([5, 4, 3, 1], m=7, lambd=0.7)
    md, tex = ex.to_markdown(), ex.to_latex()
    for name in ("forward_table", "backward_table"):
        text, markdown, latex = (getattr(ex, name)(notation) for notation in ("text", "markdown", "latex"))
        assert len(text.rows) == len(markdown.rows) == len(latex.rows) and text.notes == markdown.notes
        assert markdown_table(markdown, CODE, MATH) in md
        rows = "\n".join(latex_table(latex, math=(*MATH, "shapes"))[3:-1])  # the body of its longtable
        assert "".join(UNICODE_IN_LATEX.get(c, c) for c in rows) in tex
    assert "| dW3 | $dW^{[3]} = \\frac{1}{m} dZ^{[3]} A^{[2]\\top} + \\frac{\\lambda}{m} W^{[3]}$ |" in md, md
    with pytest.raises(cr.ChainruleError, match="unknown notation 'html'; expected one of: text, markdown, latex"):
        ex.forward_table("html")


def test_json_holds_the_same_shapes_as_a_real_pass():
    net = cr.Network([6, 3, 1], ["tanh", "sigmoid"], seed=0)
    data = json.loads(explain(net, m=5, verify=True).to_json())
    arrays, grads = real_arrays(net, 5)
    for eq in data["forward"]:
        assert tuple(eq["shape"]) == arrays[eq["key"]].shape
    for convention, equations in data["backward"].items():
        for eq in equations:
            assert tuple(eq["shape"]) == grads[convention][eq["key"]].shape
            assert eq["derivative_of"] == derivative_of(eq["key"], convention)
    assert data["verification"]["passed"] is True and data["m"] == 5
    assert [row["l"] for row in json.loads(explain(net, m=5).to_json(shapes_only=True))["rows"]] == [0, 1, 2]


# -- errors -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"net": [5, 4, 1], "m": 0}, "m must be a positive integer (the number of examples); got 0"),
        ({"net": [5, 4, 1], "m": 2.5}, "m must be a positive integer"),
        ({"net": [5, 4, 1], "m": True}, "m must be a positive integer"),
        ({"net": [5, 4, 3, 1], "activations": ["relu"]}, "expected 3 activations (one per layer 1..3), or 2 (hidden, output); got 1"),
        ({"net": [5, 4, 1], "activations": ["relu", "relu", "sigmoid"]}, "expected 2 activations"),
        ({"net": [5, 4, 1], "activations": ["swish", "sigmoid"]}, "unknown activation 'swish'"),
        ({"net": [5, 4, 1], "activations": ["relu", "tanh"]}, "needs an output activation in ['sigmoid']"),
        ({"net": [5]}, "layer_dims needs at least two sizes"),
        ({"net": [5, 4, 1], "lambd": -1.0}, "lambd (the L2 strength λ) must be a finite number >= 0"),
        ({"net": [5, 4, 3], "activations": ["softmax", "softmax"]}, "softmax is only valid as the output activation"),
    ],
)
def test_bad_input_raises_a_clear_error(kwargs, message):
    with pytest.raises(cr.ChainruleError) as error:
        explain(**kwargs)
    assert message in str(error.value)


# -- the command line -------------------------------------------------------------------------------
def test_cli_course_network_terminal():
    result = runner.invoke(app, ["explain", "--layers", "12288,20,7,5,1", "--activations", "relu,sigmoid", "--m", "209"])
    assert result.exit_code == 0, result.output
    for eq in explain([12288, 20, 7, 5, 1], m=209).forward + explain([12288, 20, 7, 5, 1], m=209).backward["loss"]:
        assert eq.text in result.output and eq.shapes in result.output
    assert "relu, relu, relu, sigmoid" in result.output and "∂J/∂W[1]" in result.output
    assert "dZ[l] = dA[l] * g'[l](Z[l])" in result.output, "[l] is text, not rich markup"


def test_cli_flower_latex_parses():
    result = runner.invoke(app, ["explain", "--layers", "2,4,1", "--activations", "tanh,sigmoid", "--m", "400", "--format", "latex"])
    assert result.exit_code == 0, result.output
    assert latex_structure_errors(result.stdout) == []
    assert r"\mathrm{tanh}(Z^{[1]})" in result.stdout


def test_cli_verify_default_activations():
    result = runner.invoke(app, ["explain", "--layers", "5,4,3,1", "--verify"])
    assert result.exit_code == 0, result.output
    assert "relu, relu, sigmoid" in result.output and "m = 8" in result.output
    assert "PASS: every shape is as printed" in result.output and "(4, 5)(5, m) + (4, 1) → (4, m)" in result.output


def test_cli_verify_failure_exits_1(monkeypatch):
    import chainrule.network

    monkeypatch.setattr(chainrule.network, "scales", lambda convention, m: (1 / m, 1 / m))
    result = runner.invoke(app, ["explain", "--layers", "3,2,1", "--m", "4", "--verify", "--format", "json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["verification"]["passed"] is False


def test_cli_shapes_only_in_every_format():
    args = ["explain", "--layers", "3,5,1", "--m", "10", "--shapes"]
    terminal = runner.invoke(app, args)
    assert terminal.exit_code == 0 and "(5, 3)" in terminal.output and "Backward" not in terminal.output
    assert "W[l]" in terminal.output and "dZ[l]" in terminal.output
    markdown = runner.invoke(app, [*args, "--format", "markdown"]).stdout
    assert "| 1 | 5 | (5, 3) | (5, 1) | (5, 10) | (5, 10) | (5, 10) | (5, 10) | (5, 3) | (5, 1) |" in markdown
    assert latex_structure_errors(runner.invoke(app, [*args, "--format", "latex"]).stdout) == []
    rows = json.loads(runner.invoke(app, [*args, "--format", "json"]).stdout)["rows"]
    assert rows[1]["W"] == [5, 3] and rows[0]["W"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--layers", "5,4,1", "--activations", "relu,relu,sigmoid"], "expected 2 activations"),
        (["--layers", "5,4,1", "--m", "0"], "m must be a positive integer"),
        (["--layers", "5,4,1", "--activations", "relu,swish"], "unknown activation 'swish'"),
        (["--layers", "5,4,1", "--format", "pdf"], "unknown --format 'pdf'"),
        (["--layers", "5,x,1"], "comma-separated integers"),
        (["--layers", "5,4,1", "--lambd", "-0.5"], "lambd (the L2 strength λ) must be"),
    ],
)
def test_cli_bad_input_exits_2_with_one_line(args, message):
    result = runner.invoke(app, ["explain", *args])
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_each_note_is_written_once_and_its_text_read_from_its_latex():
    from chainrule.explain.notation import latex_to_text

    assert latex_to_text(r"$W^{[l]} := W^{[l]} - \frac{\alpha}{m} dW^{[l]}$, ``cost''") == 'W[l] := W[l] − (α/m) dW[l], "cost"'
    assert latex_to_text(r"$J = \frac{1}{m} \sum_i \mathcal{L}^{(i)} + \frac{\lambda}{2m} \sum_l \lVert W^{[l]} \rVert^2$") \
        == "J = (1/m) Σᵢ L⁽ⁱ⁾ + (λ/2m) Σₗ ‖W[l]‖²"
    assert latex_to_text(r"$dZ^{[l]} = dA^{[l]} \ast g^{[l]\prime}(Z^{[l]})$, $A^{[l-1]\top}$, $1/m^4$, $1/m^2$") \
        == "dZ[l] = dA[l] * g'[l](Z[l]), A[l-1]ᵀ, 1/m^4, 1/m^2"
    for dims, activations, lambd in (([5, 4, 1], ["relu", "sigmoid"], 0.3), ([4, 3, 3], ["tanh", "softmax"], 0.0)):
        for note in explain(dims, m=6, activations=activations, lambd=lambd).notes:
            assert note.text == latex_to_text(note.latex)
            assert not set("\\{}$") & set(note.text) and "``" not in note.text, note.text
