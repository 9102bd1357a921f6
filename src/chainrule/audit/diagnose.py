"""The diagnosis rules: from the learner's returned arrays to a verdict, a first wrong key and findings.

1. A call that raised, looped past the time limit or ended the process: ``error``.
   A matrix product that raised on its shapes is stated as the formula with its expected shapes
   and the learner's operands' (``shapes``); a course-template ``assert`` that failed is reported
   together with the values read with the asserts skipped.
2. The notebook version: the older grads naming (``versions``) is read as such when the file
   follows that version (its imports say so, or, when they do not, the returned keys do).
3. The convention frame: "cost" when the first array on which the conventions differ matches the
   "cost" reference (unless the next dA is again 1/m of it: that is the course's convention with
   1/m compounding) or is a smaller power of m off it than off "loss"; else "loss", the course's.
   When the arrays of one function split between the conventions (dW without 1/m, db with it), the
   1/m is misplaced: the rest of the learner's code decides which one lacks it (``audit_file``:
   their L_model_backward's dA show where their 1/m sits), else the course's "loss" convention.
4. Each key, on the caches of a real forward pass: ``ok``; ``key-naming`` (its value is under
   another key) or ``missing-key``; a known bug (another activation's g', no g', a cache entry
   from elsewhere, db summed over the wrong axis, the value another key should have, a wrong
   cost formula); ``scale`` / ``sign`` with an exact factor; ``transposed``; ``shape``; else
   ``unknown`` with the largest differences.
5. The first wrong key in backward order; for a scale factor, whether it compounds (1/m^k growing
   with the distance from the output) or mixes the conventions (dA in one, dW in the other). Every
   later wrong key is recomputed from the learner's own upstream arrays (``reference.local_grads``):
   equal there, it follows from the upstream bug; different, it is a bug of its own, reported as such.
6. A correct function is run on the course-style inconsistent caches too: where it differs there,
   it relies on the caches being a real forward pass's (the fused dZ[L] = AL − Y), which is noted.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from chainrule.audit.codec import Opaque
from chainrule.audit.compare import Factor, Relation, as_array, relate
from chainrule.audit.functions import Case, FunctionSpec, Naming
from chainrule.audit.reference import local_grads
from chainrule.audit.report import Finding, FunctionAudit
from chainrule.audit.sandbox import FunctionRun
from chainrule.audit.versions import BY_NAME, CURRENT, file_version
from chainrule.audit.wire import CallError, Products
from chainrule.conventions import CONVENTIONS, LOSS, get_convention, parse_key
from chainrule.report import shape_text

FUSED = "dZ[L] = AL - Y"
Outputs = list[dict[str, Any]]


def _m_power(power: int, sign: int = 1) -> Factor:
    """The factor ±m^power: _m_power(1) is m ×, _m_power(-1) is 1/m ×, _m_power(0, -1) the sign."""
    return Factor(Fraction(sign), power)


def key_parts(key: str) -> tuple[str, int | None]:
    """("A", 2) for "dA2"; ("W", None) for "relu: dW"; ("", None) for a forward key (``conventions.parse_key``)."""
    parsed = parse_key(key, strict=False)
    return ("", None) if parsed is None else (parsed.letter, parsed.layer)


def what_it_is(key: str, convention: str | None) -> str:
    """Which derivative a correct ``key`` holds in ``convention``, in words."""
    letter, layer = key_parts(key)
    if key == "cost":
        return "J = -(1/m) Σ (Y log(AL) + (1 - Y) log(1 - AL))"
    if not letter or convention is None:
        return "matches"
    name = f"{letter}[{layer}]" if layer is not None else ("A_prev" if letter == "A" else letter)
    frame = get_convention(convention) if convention in CONVENTIONS else LOSS  # other frames (a version, ""): the course's
    of = frame.of(letter)  # J for dW, db; for all in "cost"
    return f"∂J/∂{name}" if of == "J" else f"∂L/∂{name} per example"


class Evidence:
    """The learner's values and the expected ones, per key, over the consistent or inconsistent probes."""

    def __init__(self, cases: list[Case], outputs: Outputs) -> None:
        self.cases, self.outputs = cases, outputs

    def indices(self, key: str, consistent: bool) -> list[int]:
        return [i for i, c in enumerate(self.cases) if c.consistent == consistent and key in next(iter(c.expected.values()))]

    def present(self, key: str, indices: list[int]) -> bool:
        return all(key in self.outputs[i] for i in indices)

    def relation(self, key: str, convention: str, indices: list[int], expected_key: str | None = None) -> Relation:
        """How the learner's ``key`` relates to the expected ``expected_key`` (default: the same key)."""
        if not indices or not self.present(key, indices):
            return Relation("missing")
        expected_key = expected_key or key
        found = [self.cases[i].expected[convention].get(expected_key) for i in indices]
        refs = [r for r in found if r is not None]
        if len(refs) < len(found):
            return Relation("missing")
        return relate([self.outputs[i][key] for i in indices], refs, [self.cases[i].m for i in indices])

    def variant_match(self, key: str, convention: str, indices: list[int], kinds: tuple[str, ...]) -> tuple[str, str] | None:
        """(diagnosis, label) of the variant whose ``key`` the learner's equals on every probe.

        Of several that fit ``key`` (sigmoid' in layer 2 alone, or in layers 1 and 2), the one that
        fits the most of the learner's other arrays too.
        """
        if not indices or not self.present(key, indices):
            return None
        fitting = []
        for label, (variant, _) in self.cases[indices[0]].variants.items():
            if variant.diagnosis in kinds and self._variant_fits(key, label, convention, indices):
                fitting.append((variant.diagnosis, label))
        if len(fitting) > 1:
            keys = [k for k in self.cases[indices[0]].expected[convention] if k != key]
            scores = [sum(self._variant_fits(k, label, convention, indices) for k in keys) for _, label in fitting]
            return fitting[scores.index(max(scores))]
        return fitting[0] if fitting else None

    def _variant_fits(self, key: str, label: str, convention: str, indices: list[int]) -> bool:
        if not self.present(key, indices):
            return False
        refs = []
        for i in indices:
            entry = self.cases[i].variants.get(label)
            ref = None if entry is None else entry[1][convention].get(key)
            if ref is None:
                return False
            refs.append(ref)
        users = [self.outputs[i][key] for i in indices]
        return relate(users, refs, [self.cases[i].m for i in indices]).kind == "equal"

    def local_relation(self, key: str, convention: str, indices: list[int]) -> Relation:
        """How the learner's ``key`` relates to its value recomputed from their own upstream arrays."""
        refs = []
        for i in indices:
            case = self.cases[i]
            chain_key = case.key_map.get(key)
            if case.chain is None or chain_key is None or key not in self.outputs[i]:
                return Relation("missing")
            mine = {case.key_map[k]: v for k, v in self.outputs[i].items() if k in case.key_map}
            refs.append(local_grads(case.chain, convention, mine)[chain_key])
        if not refs:
            return Relation("missing")
        return relate([self.outputs[i][key] for i in indices], refs, [self.cases[i].m for i in indices])

    def holds_other(self, key: str, convention: str, indices: list[int]) -> tuple[str, Factor] | None:
        """(the other key, the factor) when the learner's ``key`` holds what another key should be, up to m^k."""
        if not indices or not self.present(key, indices):
            return None
        prefix = key.rsplit(": ", 1)[0] if ": " in key else ""
        for other in self.cases[indices[0]].expected[convention]:
            same_call = other.startswith(prefix + ": ") if prefix else True  # relu: dW is compared with relu: db, not sigmoid: db
            if other == key or not key_parts(other)[0] or not same_call:
                continue
            relation = self.relation(key, convention, indices, expected_key=other)
            if relation.factor is not None and (relation.kind == "equal" or (relation.kind == "scale" and relation.factor.ratio == 1)):
                return other, relation.factor
        return None

    def elsewhere(self, key: str, convention: str, indices: list[int]) -> str | None:
        """The learner's key that holds the value expected under ``key``, if another one does.

        A key that is right for itself is not counted (forward_propagation returns A2 twice).
        """
        if not indices:
            return None
        expected = self.cases[indices[0]].expected[convention]
        for other in self.outputs[indices[0]]:
            if other == key or not self.present(other, indices):
                continue
            if other in expected and self.relation(other, convention, indices).kind == "equal":
                continue
            if self.relation(other, convention, indices, expected_key=key).kind == "equal":
                return other
        return None



@dataclass
class Context:
    """What the rest of the learner's file says: the convention of its 1/m, the notebook version it follows.

    frame: (convention, the evidence in words), from a function whose dA arrays show where the 1/m
    sits (L_model_backward, backward_propagation_n). version: (name, the evidence), from the imports.
    """

    frame: tuple[str, str] | None = None
    version: tuple[str, str] | None = None


def audit_file(runs: list[tuple[FunctionSpec, FunctionRun, FunctionRun | None]], source_file: str | None = None,
               text: str | None = None) -> list[FunctionAudit]:
    """The FunctionAudits of a file's functions, each read with what the others show.

    runs: (spec, its run, its run with the asserts skipped or None). text: the file's text, whose
    imports may name the notebook version. A function whose 1/m placement is mixed is read in the
    convention of the file's L_model_backward (or backward_propagation_n) when their dA say it.
    """
    context = Context(version=file_version(text) if text else None)
    first = {spec.name: _evaluate(spec, run, source_file, context, plain) for spec, run, plain in runs}
    for spec, _, _ in runs:
        shown = first[spec.name]
        if shown.frame and shown.frame_from_dA:
            context.frame = (shown.frame, f"your {spec.name}'s {', '.join(shown.frame_from_dA)} are {_in_words(shown.frame)}")
            break
    audits = []
    for spec, run, plain in runs:
        result = first[spec.name]
        if result.mixed and context.frame:
            result = _evaluate(spec, run, source_file, context, plain)
        audits.append(result.audit)
    return audits


def _in_words(convention: str) -> str:
    if convention == "loss":
        return 'per-example ∂L/∂A (dAL seeded without 1/m: the "loss" convention)'
    return '∂J/∂A of the mean cost (the 1/m at the output: the "cost" convention)'


def audit_function(spec: FunctionSpec, run: FunctionRun, source_file: str | None = None,
                   plain: FunctionRun | None = None) -> FunctionAudit:
    """The FunctionAudit of one function from what its calls returned (``plain``: the run with asserts skipped)."""
    return _evaluate(spec, run, source_file, Context(), plain).audit


@dataclass
class _Result:
    audit: FunctionAudit
    frame: str | None = None
    frame_from_dA: tuple[str, ...] = ()  # the dA keys, right in ``frame``, that set it
    mixed: bool = False


def _evaluate(spec: FunctionSpec, run: FunctionRun, source_file: str | None, context: Context,
              plain: FunctionRun | None) -> _Result:
    cases = spec.cases()
    if run.failure is not None:
        return _Result(_error(spec, run.failure.message, None))
    for i, call in enumerate(run.calls or []):
        if "error" in call:
            error = call["error"]
            if _failed_assert(error) and plain is not None and plain.failure is None:
                return _asserted(spec, error, plain, source_file, context)
            return _Result(_error(spec, _error_message(error, cases[i]), _place(error, source_file)))
    outputs, structure = [], []
    for case, call in zip(cases, run.calls or [], strict=True):
        values, note = spec.read(call["value"])
        outputs.append({case.prefix + k: v for k, v in values.items()})
        if note and note not in structure:
            structure.append(note)
    naming, version, naming_note = _naming(spec, outputs, context)
    if naming is not None:
        outputs = [{naming.rename.get(k, k): v for k, v in out.items()} for out in outputs]
    result = _diagnose(spec, Evidence(cases, outputs), structure, context, naming_note)
    result.audit.version = version
    if naming is not None:
        _show_naming(result.audit, naming)
    return result


# ---- errors ---------------------------------------------------------------------------------------


def _error(spec: FunctionSpec, message: str, line: str | None) -> FunctionAudit:
    summary = f"error: {message}" + (f" ({line})" if line else "")
    return FunctionAudit(spec.name, "error", None, None, summary, [Finding("(call)", "error", None, summary[len("error: "):])])


def _place(error: CallError, source_file: str | None) -> str | None:
    """Where the learner's code raised, as the learner sees it: "line 11 of file.py: <code>"."""
    if error.get("line") is None:
        return None
    file = error.get("file")
    where = os.path.basename(file) if file else "your file"
    place = error.get("location") or f"line {error['line']} of {where}"  # the place as the learner sees it: chainrule.audit.source
    return f"{place}: {error.get('code') or ''}".rstrip(": ")


def _exception(error: CallError) -> str:
    return f"{error['type']}: {error['message']}" if error["type"] != "SystemExit" else error["message"]


def _error_message(error: CallError, case: Case) -> str:
    """The exception, or for a product whose shapes do not fit: the formula with its shapes, then the exception."""
    product = _product_message(error.get("products"), case)
    return f"{product} ({_exception(error)})" if product else _exception(error)


def _failed_assert(error: CallError) -> bool:
    return error.get("type") == "AssertionError" and (error.get("code") or "").lstrip().startswith("assert")


def failed_assert(run: FunctionRun) -> bool:
    """Whether the function's first failing call stopped at an ``assert`` line of the learner's file."""
    errors = [call["error"] for call in run.calls or [] if "error" in call]
    return run.failure is None and bool(errors) and _failed_assert(errors[0])


def _asserted(spec: FunctionSpec, error: CallError, plain: FunctionRun, source_file: str | None,
              context: Context) -> _Result:
    """The function raised at one of its own ``assert`` lines: the values it computes, read with the asserts skipped."""
    result = _evaluate(spec, plain, source_file, context, None)
    audit = result.audit
    place = _place(error, source_file) or "your file"
    if audit.verdict == "correct":
        audit.verdict, audit.convention = "error", None
        values = audit.summary.removeprefix("correct: ").removeprefix("correct, ")
        audit.summary = (f"error: the assert at {place} fails on the probe networks, although every value is right "
                         f"(read with the asserts skipped): {values}")
        audit.findings.insert(0, Finding("(call)", "error", None, f"AssertionError at {place}"))
    elif audit.verdict == "wrong":
        audit.summary = (f"wrong: the assert at {place} failed; read with the asserts skipped, "
                         f"the values name the bug: {audit.summary[len('wrong: '):]}")
    else:
        audit.summary = f"error: the assert at {place} failed; with the asserts skipped: {audit.summary[len('error: '):]}"
        audit.findings[0].message = audit.summary[len("error: "):]
    return result


# The array a line of the learner's *source* assigns, found inside its target's text ("dW1", "dA_prev",
# "grads['dW' + str(l)]", "Z2"): a word anywhere in the code, Z of the forward pass included. Not
# conventions.parse_key, which reads a whole grads key ("dZ2", or one that ends with it) and knows no Z.
_TARGET = re.compile(r"\bd(W|b|A|Z)(\d*)(_prev)?\b|\b(Z)(\d*)\b")


def _product_message(info: Products | None, case: Case) -> str | None:
    """"dW1 = dZ1 · X^T: (4, m)(m, 2) → (4, 2); your `np.dot(dZ1.T, X)` multiplies (m, 4)(2, m): …", or None."""
    if not info or not case.dims:
        return None
    for product in info["products"]:
        (left_text, left), (right_text, right) = product["operands"]
        if left is None or right is None or len(left) != 2 or len(right) != 2 or left[1] == right[0]:
            continue
        formula = _formula(info.get("target") or "", tuple(left), tuple(right), case)
        if formula is None:
            return _unmatched_product(product["text"], left_text, tuple(left), right_text, tuple(right), case)
        text, expected_left, expected_right = formula
        def shown(shape: tuple[int, ...], m: int = case.m) -> str:
            return "(" + ", ".join("m" if n == m else str(n) for n in shape) + ")"

        result = (expected_left[0], expected_right[1])
        hint = _product_hint(left_text, tuple(left), right_text, tuple(right), expected_left, expected_right)
        return (f"{text}: {shown(expected_left)}{shown(expected_right)} → {shown(result)}; your `{product['text']}` "
                f"multiplies {shown(tuple(left))}{shown(tuple(right))}{': ' + hint if hint else ''}")
    return None


def _unmatched_product(text: str, left_text: str, left: tuple, right_text: str, right: tuple, case: Case) -> str:
    """A product no formula of the function fits: its shapes, and whose shapes they are (operands of two layers?)."""
    m = case.m

    def shown(shape: tuple[int, ...]) -> str:
        return "(" + ", ".join("m" if n == m else str(n) for n in shape) + ")"

    def whose(shape: tuple[int, int]) -> tuple[str, int | None]:
        dims = case.dims
        for l in range(1, len(dims)):
            if shape == (dims[l], dims[l - 1]):
                return f"W{l}", l
            if shape == (dims[l - 1], dims[l]):
                return f"W{l}ᵀ", l
        for l, n in enumerate(dims):
            if shape in ((n, m), (m, n)):
                what = "X" if l == 0 else f"layer {l}'s Z, A and dZ"
                return (what if shape == (n, m) else f"the transpose of {what}"), l
        return "", None

    (left_name, left_layer), (right_name, right_layer) = whose(left), whose(right)
    message = f"your `{text}` multiplies {shown(left)}{shown(right)}: the inner sizes {left[1]} and {right[0]} differ"
    if left_name and right_name and len(case.dims) > 2:
        message += f"; {left_text} has the shape of {left_name}, {right_text} that of {right_name}"
        if left_layer is not None and right_layer is not None and abs(left_layer - right_layer) > 0 and \
                not {left_layer, right_layer} & {0}:
            message += ": operands of two layers (a cache of another layer?)"
    return message


def _formula(target: str, left: tuple[int, ...], right: tuple[int, ...], case: Case) -> tuple[str, tuple, tuple] | None:
    """(the formula in the course's names, its left and right operand shapes) of the product the learner meant."""
    dims, m = case.dims, case.m
    single = len(dims) == 2
    L = len(dims) - 1
    match = _TARGET.search(target)
    letter = (match.group(1) or match.group(4)) if match else None
    number = (match.group(2) if match.group(1) else match.group(5)) if match else ""
    backward = case.chain is not None

    def A(j: int) -> str:
        return ("A_prev" if backward else "A") if single else ("X" if j == 0 else f"A{j}")

    def n(name: str, l: int) -> str:
        return name if single else f"{name}{l}"

    candidates = []
    for l in range(1, L + 1):
        if backward:
            candidates.append(("W", l, f"{n('dW', l)} = {n('dZ', l)} · {A(l - 1)}ᵀ", (dims[l], m), (m, dims[l - 1])))
            dA_name = "dA_prev" if single else f"dA{l - 1}"
            candidates.append(("A", l - 1, f"{dA_name} = {n('W', l)}ᵀ · {n('dZ', l)}", (dims[l - 1], dims[l]), (dims[l], m)))
            if l > 1:
                candidates.append(("Z", l - 1, f"dA{l - 1} = W{l}ᵀ · dZ{l} in dZ{l - 1} = dA{l - 1} * g'(Z{l - 1})",
                                   (dims[l - 1], dims[l]), (dims[l], m)))
        else:
            candidates.append(("Z", l, f"{n('Z', l)} = {n('W', l)} · {A(l - 1)}", (dims[l], dims[l - 1]), (dims[l - 1], m)))
    mine = sorted((*left, *right))
    fitting = [c for c in candidates if sorted((*c[3], *c[4])) == mine]
    if letter is not None:
        fitting = [c for c in fitting if c[0] == letter and (not number or int(number) == c[1])] or \
                  [c for c in fitting if c[0] == letter] or fitting
    if not fitting:
        return None
    _, _, text, expected_left, expected_right = fitting[0]
    return text, expected_left, expected_right


def _product_hint(left_text: str, left: tuple, right_text: str, right: tuple, el: tuple, er: tuple) -> str:
    def t(shape: tuple) -> tuple:
        return shape[::-1]

    def transposed(text: str) -> bool:
        return text.endswith(".T") or text.startswith("np.transpose(") or text.endswith(".transpose()")

    def base(text: str) -> str:
        return text.removesuffix(".T").removesuffix(".transpose()").removeprefix("np.transpose(").removesuffix(")") \
            if transposed(text) else text

    if left == el and right == t(er):
        return f"the .T on {base(right_text)} does not belong" if transposed(right_text) else f"the transpose of {right_text} is missing"
    if left == t(el) and right == er:
        return f"the .T on {base(left_text)} does not belong" if transposed(left_text) else f"the transpose of {left_text} is missing"
    if left == t(el) and right == t(er):
        if transposed(left_text) and not transposed(right_text):
            return f"the transpose is on {base(left_text)} where it belongs on {right_text}"
        if transposed(right_text) and not transposed(left_text):
            return f"the transpose is on {base(right_text)} where it belongs on {left_text}"
        return "both operands are transposed"
    if left in (er, t(er)) and right in (el, t(el)):
        return "the operands are swapped" + ("" if (left == er and right == el) else ", and a transpose is misplaced")
    return ""


# ---- notebook versions ----------------------------------------------------------------------------


def _naming(spec: FunctionSpec, outputs: Outputs, context: Context) -> tuple[Naming | None, str | None, str]:
    """(the older naming to read the outputs with, or None; the version followed; a note for key-naming messages)."""
    keys = set(outputs[0]) if outputs else set()
    file_says = context.version
    for naming in spec.namings:
        if naming.applies(keys):
            if file_says is None or file_says[0] == naming.version:
                return naming, naming.version, ""
            note = (f" (the {naming.version} notebooks' naming; this file follows the {file_says[0]} notebooks: "
                    f"{file_says[1]}, whose grader expects {BY_NAME[file_says[0]].naming})")
            return None, file_says[0], note
    if file_says is not None:
        return None, file_says[0], ""
    return None, (CURRENT if spec.namings and keys else None), ""


def _show_naming(audit: FunctionAudit, naming: Naming) -> None:
    """Findings under the learner's own keys (dA3 for what the audit calls dA2), the version said once."""
    back = {new: old for old, new in naming.rename.items()}
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, back)) + r")\b")

    def mine(text: str) -> str:
        return pattern.sub(lambda match: back[match.group(1)], text)

    for finding in audit.findings:
        finding.key, finding.message = mine(finding.key), mine(finding.message)
    audit.first_wrong = mine(audit.first_wrong) if audit.first_wrong else None
    renamed = ", ".join(f"grads['{old}'] is dA[{int(new[2:])}]" for old, new in naming.rename.items())
    audit.summary = mine(audit.summary) + (f" It follows the {naming.version} notebooks' naming of grads: {renamed} "
                                           "(the 2019–2025 notebooks name it dA{l-1}).")


# ---- conventions ----------------------------------------------------------------------------------


def conventions_of(cases: list[Case]) -> list[str]:
    return list(cases[0].expected)


def differing_keys(spec: FunctionSpec, cases: list[Case]) -> list[str]:
    """Keys (in order) whose expected value differs between the two conventions."""
    if conventions_of(cases) != ["loss", "cost"]:
        return []
    out = []
    for key in spec.keys:
        for case in cases:
            loss, cost = case.expected["loss"].get(key), case.expected["cost"].get(key)
            if loss is not None and (cost is None or not np.allclose(loss, cost, rtol=1e-9, atol=0)):
                out.append(key)
                break
    return out


def split_keys(spec: FunctionSpec, evidence: Evidence) -> tuple[list[str], list[str]]:
    """(dW, db keys right only in "loss", those right only in "cost"), among those on which the conventions differ."""
    loss, cost = [], []
    for key in differing_keys(spec, evidence.cases):
        if key_parts(key)[0] not in "Wb":  # dA, dZ in two conventions: compounding or mixing, read by choose_frame's rule
            continue
        indices = evidence.indices(key, True)
        if evidence.relation(key, "loss", indices).kind == "equal":
            loss.append(key)
        elif evidence.relation(key, "cost", indices).kind == "equal":
            cost.append(key)
    return loss, cost


def choose_frame(spec: FunctionSpec, evidence: Evidence, context: Context | None = None) -> str:
    """The convention the learner's arrays are read in (see the module's rule 3)."""
    differing = differing_keys(spec, evidence.cases)
    if not differing:
        return _alternative(spec, evidence)
    loss, cost = split_keys(spec, evidence)
    if loss and cost:  # 1/m misplaced within the function: the rest of the file says which convention it is in
        return context.frame[0] if context and context.frame else "loss"
    first = differing[0]
    indices = evidence.indices(first, True)
    to_cost = evidence.relation(first, "cost", indices)
    if to_cost.kind != "equal":
        to_loss = evidence.relation(first, "loss", indices)
        powers = [r.factor.power for r in (to_cost, to_loss) if r.kind == "scale" and r.factor is not None and r.factor.ratio == 1]
        simpler_in_cost = len(powers) == 2 and abs(powers[0]) < abs(powers[1])  # e.g. 1/m of "cost" rather than 1/m^2 of "loss"
        return "cost" if simpler_in_cost else "loss"
    if key_parts(first)[0] in "AZ":
        for nxt in differing[1:]:
            if key_parts(nxt)[0] in "AZ":
                relation = evidence.relation(nxt, "cost", evidence.indices(nxt, True))
                if relation.kind == "scale" and relation.factor == _m_power(-1):
                    return "loss"
                break
    return "cost"


def _alternative(spec: FunctionSpec, evidence: Evidence) -> str:
    """Of a spec's alternative expectations (a function whose course versions seed differently), the one
    under which most of the learner's arrays are right; the first when there is one ("" or "loss")."""
    alternatives = conventions_of(evidence.cases)
    if len(alternatives) == 1:
        return alternatives[0]

    def agreeing(alternative: str) -> int:
        return sum(evidence.relation(k, alternative, evidence.indices(k, True)).kind == "equal" for k in spec.keys)

    return max(alternatives, key=agreeing)


def _mixed_sentence(loss: list[str], cost: list[str], frame: str, context: Context) -> str:
    """One sentence: which arrays carry the 1/m, which do not, and which of them is the bug."""
    def bare(keys: list[str]) -> str:
        return ", ".join(dict.fromkeys(k.split(": ")[-1] for k in keys))

    with_m, without = bare(loss), bare(cost)
    wrong = without if frame == "loss" else with_m
    if context.frame:
        reason = f"{context.frame[1][0].upper()}{context.frame[1][1:]}"
    else:
        reason = ('No other audited function shows where your 1/m sits; the course\'s "loss" convention '
                  "(dZ is ∂L/∂Z per example) is assumed")
    if frame == "loss":
        fix = f"{wrong} is the one lacking the 1/m (dW = (1/m) dZ A_prevᵀ, db = (1/m) Σ dZ)"
    else:
        fix = f"{wrong} is the one with a 1/m too many (dZ is already ∂J/∂Z: dW = dZ A_prevᵀ, db = Σ dZ)"
    return f"The 1/m is misplaced: {with_m} has it, {without} does not. {reason}: {fix}."


# ---- one key --------------------------------------------------------------------------------------


def _key_finding(key: str, evidence: Evidence, frame: str, returns: str | None, naming_note: str = "") -> tuple[Finding, Relation]:
    indices = evidence.indices(key, True)
    relation = evidence.relation(key, frame, indices)
    if relation.kind == "equal":
        return Finding(key, "ok", None, ""), relation
    if key == "cost":
        cost = _cost_finding(evidence, indices, relation)
        if cost is not None:
            return cost, relation
    holder = evidence.elsewhere(key, frame, indices)
    if holder is not None:
        message = _naming_message(key, holder, evidence.present(key, indices), returns) + naming_note
        return Finding(key, "key-naming", None, message), relation
    if relation.kind == "missing":
        return Finding(key, "missing-key", None, f"{key} is not in what the function returned"), relation
    kinds = ("wrong-activation-derivative", "missing-activation-derivative", "wrong-input", "shape", "wrong-formula", "seed")
    matched = evidence.variant_match(key, frame, indices, kinds)
    if matched:
        return Finding(key, matched[0], None, f"{key} matches {matched[1]}"), relation
    other = evidence.holds_other(key, frame, indices) if relation.kind != "scale" else None
    if other is not None:
        name, held = other
        how = "" if held.is_one else f"{held} × "
        return Finding(key, "wrong-input", None if held.is_one else str(held),
                       f"{key} holds {how}what {name} should be ({_formula_of(name)}); {key} is {_formula_of(key)}"), relation
    if relation.kind == "scale" and relation.factor is not None:
        factor = relation.factor
        diagnosis = "sign" if factor.negative else "scale"
        text = str(factor) if factor.ratio is not None else f"{factor} (not a simple expression in m)"
        return Finding(key, diagnosis, str(factor), f"{key} is {text} × {what_it_is(key, frame)}{_scale_hint(key, factor)}"), relation
    times = None if relation.factor is None or relation.factor.is_one else str(relation.factor)
    if relation.kind == "transposed":
        return Finding(key, "transposed", times, f"{key}: {relation.detail}" + (f", times {times}" if times else "")), relation
    if relation.kind == "shape":
        return Finding(key, "shape", times, f"{key}: {relation.detail}"), relation
    return Finding(key, "unknown", None, f"{key}: {relation.detail}"), relation


def _formula_of(key: str) -> str:
    """The course's formula of a backward key, in words: "dZ1 · Xᵀ / m" style."""
    letter, layer = key_parts(key.split(": ")[-1])
    if layer is None:
        return {"W": "(1/m) dZ A_prevᵀ", "b": "(1/m) Σ dZ over the m examples", "A": "Wᵀ dZ"}.get(letter, "")
    previous = "X" if layer == 1 else f"A{layer - 1}"
    return {"W": f"(1/m) dZ{layer} {previous}ᵀ", "b": f"(1/m) Σ dZ{layer} over the m examples, np.sum(dZ{layer}, axis=1, keepdims=True)",
            "A": f"W{layer + 1}ᵀ dZ{layer + 1}", "Z": f"dA{layer} * g'(Z{layer})"}.get(letter, "")


_COST_FACTORS = {
    _m_power(0, -1): "the minus sign is missing: J = -(1/m) Σ (…)",
    _m_power(1): "the 1/m is missing: J is the mean of the losses, -(1/m) Σ (…), not their sum",
    _m_power(1, -1): "the minus sign and the 1/m are missing: J = -(1/m) Σ (…)",
    _m_power(-1): "1/m applied twice (np.mean and a / m?)",
    _m_power(-1, -1): "1/m applied twice and the minus sign missing",
}


def _cost_finding(evidence: Evidence, indices: list[int], relation: Relation) -> Finding | None:
    """compute_cost's bugs in words: not returned, not a number, a factor, a wrong formula, not a scalar."""
    values = [evidence.outputs[i].get("cost") for i in indices]
    value = values[0]
    if value is None:
        return Finding("cost", "missing-key", None, "compute_cost returned None: is `return cost` missing?")
    if isinstance(value, tuple | list) and all(isinstance(v, int | np.integer | np.ndarray) for v in value) and len(value) <= 2:
        return Finding("cost", "shape", None,
                       f"compute_cost returned {value!r}, a shape (np.shape(cost)?), not the cost: return np.squeeze(cost)")
    array = None if isinstance(value, Opaque) else as_array(value)
    if array is None:
        return Finding("cost", "unknown", None, f"compute_cost returned {value!r}, not a number")
    if array.size and not np.all(np.isfinite(array)):
        return Finding("cost", "unknown", None, f"cost is {array.ravel()[0]}: a log of 0 or of a negative number?")
    if relation.kind == "scale" and relation.factor in _COST_FACTORS:
        factor = relation.factor
        return Finding("cost", "sign" if factor.negative else "scale", str(factor), f"cost is {factor} × J: {_COST_FACTORS[factor]}")
    matched = evidence.variant_match("cost", "", indices, ("wrong-input", "shape"))
    if matched:
        return Finding("cost", matched[0], None, f"cost: {matched[1]}")
    if relation.kind == "shape" and array.size == 1:
        return Finding("cost", "shape", None,
                       f"cost has shape {shape_text(array.shape)}, not a scalar: return np.squeeze(cost) (or float(cost))")
    return None


def _scale_hint(key: str, factor: Factor) -> str:
    letter, _ = key_parts(key)
    if letter in "Wbw" and factor == _m_power(-1):
        return " (1/m applied twice?)"
    if letter in "Wbw" and factor == _m_power(1):
        return " (the 1/m is missing)"
    return ""


def _naming_message(key: str, holder: str, present: bool, returns: str | None) -> str:
    letter, layer = key_parts(key)
    other_letter, other_layer = key_parts(holder)
    if returns:
        position = holder.split(": ")[-1]
        return f"the value of {key} is returned in the place of {position}; the course's order is {returns}"
    text = f"the value of {key} is returned under {holder!r}"
    if letter == other_letter == "A" and layer is not None and other_layer == layer + 1:
        text += " (the course's older naming grads['dA' + str(l)] = dA_prev, shifted by one: dA{l-1} is the current name)"
    elif not present:
        text += f"; {key} itself is missing"
    return text


# ---- the whole function ---------------------------------------------------------------------------


def _diagnose(spec: FunctionSpec, evidence: Evidence, structure: list[str], context: Context, naming_note: str = "") -> _Result:
    frame = choose_frame(spec, evidence, context)
    loss_keys, cost_keys = split_keys(spec, evidence)
    mixed = bool(loss_keys and cost_keys)
    results = [_key_finding(key, evidence, frame, spec.returns, naming_note) for key in spec.keys]
    findings = [f for f, _ in results]
    wrong = [f for f in findings if f.diagnosis != "ok"]
    convention = frame if differing_keys(spec, evidence.cases) else None
    notes = list(structure)
    for finding in findings:
        if finding.diagnosis == "ok":
            finding.message = what_it_is(finding.key, convention if convention else ("loss" if spec.kind == "backward" else None))
        elif finding.diagnosis == "missing-key" and structure:
            finding.message += f": {structure[0]}"
    from_dA = tuple(f.key for f in findings if f.key in differing_keys(spec, evidence.cases)
                    and key_parts(f.key)[0] in "AZ" and f.diagnosis == "ok")
    if not wrong:
        summary = _correct_summary(spec, evidence, convention)
        summary += _consistency_note(spec, evidence, frame, findings)
        return _Result(FunctionAudit(spec.name, "correct", convention, None, summary, findings, notes), frame, from_dA, mixed)
    first = wrong[0]
    relations = {f.key: r for f, r in results}
    pattern = _pattern(spec, findings, relations, frame)
    order = {"backward": "the backward pass from the output", "forward": "the forward pass"}.get(spec.kind, "its results in order")
    if mixed:
        for finding in wrong:
            finding.message = finding.message.replace(" (1/m applied twice?)", " (a 1/m too many)")
    summary = f"wrong: following {order}, the first wrong array is {first.key} ({first.diagnosis}): {_sentence(first.message)}"
    if mixed:
        summary += " " + _mixed_sentence(loss_keys, cost_keys, frame, context)
    if pattern:
        summary += " " + pattern
    later = wrong[1:]
    if later and spec.kind == "backward" and not pattern and not mixed:
        summary += _dependencies(spec, evidence, findings, frame)
    elif later and not pattern and not mixed:
        summary += f" {len(later)} later array(s) differ too; fix {first.key} first, they may follow from it."
    elif later and pattern:
        summary += f" {len(later)} later array(s) differ too, as the pattern says."
    given = False
    if spec.recognise is not None and (known := spec.recognise(findings)):  # a spec's own known pattern (audit.specs)
        summary += " " + known
        given = spec.recognised_is_given
        if given:
            summary += " The notebook hands the function out so, and its expected output needs them: not counted against the file."
    audit = FunctionAudit(spec.name, "wrong", None, first.key, summary, findings, notes, as_given=given)
    return _Result(audit, frame, from_dA, mixed)


def _dependencies(spec: FunctionSpec, evidence: Evidence, findings: list[Finding], frame: str) -> str:
    """The later wrong keys: which follow from an earlier one (right given their inputs), which are bugs of their own.

    Bugs of their own with the same diagnosis on the same kind of array (dW3, dW2, dW1 each m ×)
    are one bug repeated at every layer, said once.
    """
    status = {f.key: f.diagnosis == "ok" for f in findings}
    wrong = [f for f in findings if f.diagnosis != "ok"]
    order = [f.key for f in findings]
    parent: dict[str, str] = {}
    explained: dict[str, list[str]] = {}
    own = [wrong[0]]
    for finding in wrong[1:]:
        source = _source(finding.key, order, status, evidence, frame)
        label = _variant_label(finding)
        same = [f.key for f in own if label and _variant_label(f) == label]
        if wrong[0].diagnosis == "key-naming" and finding.diagnosis in ("key-naming", "missing-key"):
            same = [wrong[0].key]  # one naming shift moves every dA
        if same:  # the same known bug (sigmoid' in layers 1 and 2) explains it
            explained.setdefault(same[0], []).append(finding.key)
            continue
        if source is None:
            own.append(finding)
            continue
        while source in parent:  # dW2 follows from dZ2, which follows from dA2: dA2 is the bug
            source = parent[source]
        parent[finding.key] = source
        finding.message += f" (it follows from {source})"
    groups: dict[tuple, list[Finding]] = {}
    for finding in own:
        letter = key_parts(finding.key)[0]
        groups.setdefault((letter, finding.diagnosis, finding.factor), []).append(finding)
    text = ""
    bugs = list(groups.values())
    if len(bugs) > 1:
        text += f" {len(bugs)} independent bugs: besides {bugs[0][0].key}, " + "; ".join(
            f"{g[0].key} ({g[0].diagnosis}): {g[0].message}" for g in bugs[1:]) + " (computed from right inputs: a bug of its own)."
    for group in bugs:
        if len(group) > 1:
            text += (f" {', '.join(f.key for f in group)} are each {group[0].diagnosis}"
                     f"{' ' + group[0].factor if group[0].factor else ''} from right inputs: one bug, repeated "
                     f"(the line that computes d{key_parts(group[0].key)[0]}).")
    for source, keys in explained.items():
        text += f" {len(keys)} later array(s) differ by the same bug as {source}: {', '.join(keys)}."
    followers: dict[str, list[str]] = {}
    for key, source in parent.items():
        followers.setdefault(source, []).append(key)
    for source, keys in followers.items():
        letter, layer = key_parts(source)
        if letter in "Wb" and layer is not None:  # the shared input is not returned (week 3): name it
            text += (f" {len(keys)} later array(s) differ too: {', '.join(keys)}; they follow from dZ{layer} (computed inside "
                     f"the function, not returned), as {source} does: fix dZ{layer} first.")
        else:
            text += (f" {len(keys)} later array(s) differ because they are computed from {source}: {', '.join(keys)}; "
                     f"fix {source} first.")
    return text


def _consumers(key: str, evidence: Evidence, indices: list[int]) -> list[str]:
    """The keys computed from the same dZ[l] as ``key`` (dW[l], db[l], dA[l-1]), when that dZ[l] is computed
    inside the function and not returned; else []."""
    case = evidence.cases[indices[0]] if indices else None
    if case is None or case.chain is None or case.chain.start == "dZ" or key not in case.key_map:
        return []

    def layer_of(chain_key: str) -> int | None:
        letter, n = key_parts(chain_key)
        return None if n is None or letter not in "WbA" else (n + 1 if letter == "A" else n)

    layer = layer_of(case.key_map[key])
    dZ = [k for k, v in case.key_map.items() if v == f"dZ{layer}"]
    if layer is None or any(evidence.present(k, indices) for k in dZ):
        return []
    return [k for k, v in case.key_map.items() if layer_of(v) == layer and evidence.present(k, indices)]


def _variant_label(finding: Finding) -> str | None:
    prefix = f"{finding.key} matches "
    return finding.message[len(prefix):] if finding.message.startswith(prefix) else None


def _source(key: str, order: list[str], ok: dict[str, bool], evidence: Evidence, frame: str) -> str | None:
    """The earlier wrong key that ``key`` follows from, or None when ``key`` has a bug of its own."""
    prefix = key.split(": ")[0] + ": " if ": " in key else ""
    letter, layer = key_parts(key)
    earlier = [k for k in order[: order.index(key)] if k.startswith(prefix)]
    upstream_wrong = [k for k in earlier if not ok[k] and key_parts(k)[0] in "AZ"]
    indices = evidence.indices(key, True)
    group = _consumers(key, evidence, indices)
    if len(group) > 1 and key != group[0] and all(not ok[k] for k in group if k in ok):
        return group[0]  # dW[l], db[l], dA[l-1] all wrong and dZ[l] not returned: one bug in dZ[l]
    inputs_returned = any(key_parts(k)[0] in "AZ" for k in earlier if evidence.present(k, indices))
    if inputs_returned:
        local = evidence.local_relation(key, frame, indices)
        if local.kind == "equal" and upstream_wrong:
            return upstream_wrong[-1]
        return None if local.kind != "missing" else (upstream_wrong[-1] if upstream_wrong else None)
    # no upstream dA/dZ returned (week 3's dW, db): dZ[l] is right when dW[l] or db[l] is
    if layer is None or letter not in "Wb":
        return None
    sibling = f"{prefix}d{'b' if letter == 'W' else 'W'}{layer}"
    if ok.get(sibling, False):
        return None
    for k in earlier:
        l_k = key_parts(k)[1]
        if not ok[k] and l_k is not None and l_k >= layer:
            other = f"{prefix}d{'b' if key_parts(k)[0] == 'W' else 'W'}{l_k}"
            if not ok.get(other, True) or l_k == layer:
                return k
    return None


def _sentence(text: str) -> str:
    """``text`` ending with one full stop (or its own ? or !)."""
    return text if text.endswith((".", "?", "!")) else text + "."


def _correct_summary(spec: FunctionSpec, evidence: Evidence, convention: str | None) -> str:
    if convention is None:
        alternatives = conventions_of(evidence.cases)
        follows = f" It follows {_alternative(spec, evidence)}." if len(alternatives) > 1 else ""
        if spec.summary:  # the functions of course 1 week 2-4 and course 2 (audit.specs) say what they compute
            return f"correct: {spec.summary}.{follows}"
        if spec.kind == "backward":
            return "correct: dW and db are ∂J/∂W and ∂J/∂b, the same in both conventions."
        return "correct."
    differing = differing_keys(spec, evidence.cases)
    dA_differs = any(key_parts(k)[0] in "AZ" for k in differing)
    if convention == "loss":
        return ('correct, in the "loss" convention (the course\'s): dZ and dA are ∂L/∂· per example (no 1/m), '
                "dW = (1/m) dZ A_prevᵀ and db = (1/m) Σ dZ are ∂J/∂W, ∂J/∂b.")
    if dA_differs:
        return ('correct, in the "cost" convention (J only): every array is ∂J/∂· of the mean cost, dZ[L] = (1/m)(AL − Y). '
                'The course\'s grader expects the "loss" convention, whose dZ and dA are m times larger (dW, db are the same).')
    return ('correct if dZ is ∂J/∂Z (the "cost" convention, J only: no 1/m here, dW = dZ A_prevᵀ). The course\'s grader '
            'expects the "loss" convention, dW = (1/m) dZ A_prevᵀ and db = (1/m) Σ dZ, and will find dW, db m times too large.')


def _consistency_note(spec: FunctionSpec, evidence: Evidence, frame: str, findings: list[Finding]) -> str:
    """A sentence when a correct function differs on the course's inconsistent test caches."""
    differs = []
    for finding in findings:
        indices = evidence.indices(finding.key, False)
        if indices and evidence.relation(finding.key, frame, indices).kind != "equal":
            differs.append(finding)
    if not differs:
        return ""
    first = differs[0]
    matched = evidence.variant_match(first.key, frame, evidence.indices(first.key, False), ("consistency",))
    keys = ", ".join(f.key for f in differs)
    for finding in differs:
        finding.message += " (not on inconsistent caches)"
    if matched and matched[1].startswith(FUSED):
        return (f" Its dZ[L] is the fused shortcut {FUSED} (or σ' written as AL (1 - AL)), exact only when AL = σ(Z[L]), "
                "as in a real forward pass. "
                f"The course's tests feed an AL that is not σ(Z[L]), so its grader rejects it ({keys} differ there); "
                "dAL = -(Y/AL - (1-Y)/(1-AL)) followed by sigmoid_backward passes both.")
    what = matched[1] if matched else "it computes from the cache in a way that assumes A = g(Z)"
    return (f" It relies on the cache coming from a real forward pass ({what}); the course's tests feed caches "
            f"where A is not g(Z), so its grader rejects it ({keys} differ there).")


def _pattern(spec: FunctionSpec, findings: list[Finding], relations: dict[str, Relation], frame: str) -> str:
    """Compounding 1/m^k, or a mix of conventions, when the factors show one."""
    powers: dict[str, int] = {}
    for finding in findings:
        relation = relations[finding.key]
        if finding.diagnosis == "ok":
            powers[finding.key] = 0
        elif finding.diagnosis == "scale" and relation.factor is not None and relation.factor.ratio == 1:
            powers[finding.key] = relation.factor.power
    by_letter: dict[str, list[tuple[int, int, str]]] = {}
    for key, power in powers.items():
        letter, layer = key_parts(key)
        if letter and layer is not None:
            by_letter.setdefault(letter, []).append((layer, power, key))
    # compounding: within each kind of array (dA, dW, ...) the power of m drops by one per layer from the output
    steady = all(len({power - layer for layer, power, _ in entries}) == 1 for entries in by_letter.values())
    spread = any(len({p for _, p, _ in entries}) > 1 for entries in by_letter.values())
    if spread and steady and len(powers) == len(findings):
        for finding in findings:
            finding.message = finding.message.replace(" (1/m applied twice?)", "")
        chain = ", ".join(f"{f.key}: {_m_power(powers[f.key])}" for f in findings if powers[f.key] and key_parts(f.key)[0] != "b")
        return (f"The factor compounds: 1/m applied at every layer grows as 1/m^k with the distance from the output ({chain}). "
                "Apply the 1/m once: only in dW, db (the course's convention) or only at the output (J only).")
    dA_keys = [f for f in findings if key_parts(f.key)[0] in "AZ"]
    dW_keys = [f for f in findings if key_parts(f.key)[0] in "Wb"]
    if dA_keys and dW_keys and all(f.diagnosis == "ok" for f in dA_keys):
        factors = {relations[f.key].factor for f in dW_keys if f.diagnosis == "scale"}
        if len(factors) == 1 and all(f.diagnosis == "scale" for f in dW_keys):
            factor = factors.pop()
            if frame == "loss" and factor == _m_power(1):
                return ('A mix of conventions: dA and dZ are per-example ∂L/∂· (the "loss" convention), but dW and db '
                        'leave out its 1/m (the "cost" convention\'s dW = dZ A_prevᵀ), so each is m × ∂J/∂W.')
            if frame == "cost" and factor == _m_power(-1):
                return ('A mix of conventions, 1/m applied twice: at the output (dA and dZ are ∂J/∂·, the "cost" '
                        'convention) and again in dW and db (the "loss" convention\'s (1/m) dZ A_prevᵀ), so each is (1/m) ∂J/∂W.')
    return ""
