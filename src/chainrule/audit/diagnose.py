"""The diagnosis rules: from the learner's returned arrays to a verdict, a first wrong key and findings.

1. A call that raised, looped past the time limit or ended the process: ``error``.
2. The convention frame: "cost" when the first array on which the conventions differ matches the
   "cost" reference (unless the next dA is again 1/m of it: that is the course's convention with
   1/m compounding) or is a smaller power of m off it than off "loss"; else "loss", the course's.
3. Each key, on the caches of a real forward pass: ``ok``; ``key-naming`` (its value is under
   another key, e.g. the older dA{l+1} naming) or ``missing-key``; a known bug (another
   activation's g', no g', a cache entry from elsewhere, db summed over the wrong axis); ``scale`` /
   ``sign`` with an exact factor; ``transposed``; ``shape``; else ``unknown`` with the largest differences.
4. The first wrong key in backward order; for a scale factor, whether it compounds (1/m^k growing
   with the distance from the output) or mixes the conventions (dA in one, dW in the other).
5. A correct function is run on the course-style inconsistent caches too: where it differs there,
   it relies on the caches being a real forward pass's (the fused dZ[L] = AL − Y), which is noted.
"""

from __future__ import annotations

import os
import re
from typing import Any

import numpy as np

from chainrule.audit.compare import Factor, Relation, relate
from chainrule.audit.functions import Case, FunctionSpec
from chainrule.audit.report import Finding, FunctionAudit
from chainrule.audit.sandbox import FunctionRun

_KEY = re.compile(r"d([AZWb])(\d*)(_prev)?$")
FUSED = "dZ[L] = AL - Y"
Outputs = list[dict[str, Any]]


def key_parts(key: str) -> tuple[str, int | None]:
    """("A", 2) for "dA2"; ("W", None) for "relu: dW"; ("", None) for a forward key."""
    match = _KEY.search(key)
    if not match:
        return "", None
    return match.group(1), int(match.group(2)) if match.group(2) else None


def what_it_is(key: str, convention: str | None) -> str:
    """Which derivative a correct ``key`` holds in ``convention``, in words."""
    letter, layer = key_parts(key)
    if not letter or convention is None:
        return "matches"
    name = f"{letter}[{layer}]" if layer is not None else ("A_prev" if letter == "A" else letter)
    if letter in "Wb" or convention == "cost":
        return f"∂J/∂{name}"
    return f"∂L/∂{name} per example"


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
        refs = [self.cases[i].expected[convention].get(expected_key) for i in indices]
        if any(r is None for r in refs):
            return Relation("missing")
        return relate([self.outputs[i][key] for i in indices], refs, [self.cases[i].m for i in indices])

    def variant_match(self, key: str, convention: str, indices: list[int], kinds: tuple[str, ...]) -> tuple[str, str] | None:
        """(diagnosis, label) of the first variant whose ``key`` the learner's equals on every probe."""
        if not indices or not self.present(key, indices):
            return None
        for label, (variant, _) in self.cases[indices[0]].variants.items():
            if variant.diagnosis not in kinds:
                continue
            refs = []
            for i in indices:
                entry = self.cases[i].variants.get(label)
                refs.append(None if entry is None else entry[1][convention].get(key))
            if any(r is None for r in refs):
                continue
            users = [self.outputs[i][key] for i in indices]
            if relate(users, refs, [self.cases[i].m for i in indices]).kind == "equal":
                return variant.diagnosis, label
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


def audit_function(spec: FunctionSpec, run: FunctionRun, source_file: str | None = None) -> FunctionAudit:
    """The FunctionAudit of one function from what its calls returned."""
    cases = spec.cases()
    if run.failure is not None:
        return _error(spec, run.failure.message, None)
    for call in run.calls or []:
        if "error" in call:
            return _error(spec, *_describe_error(call["error"], source_file))
    outputs, structure = [], []
    for case, call in zip(cases, run.calls or [], strict=True):
        values, note = spec.read(call["value"])
        outputs.append({case.prefix + k: v for k, v in values.items()})
        if note and note not in structure:
            structure.append(note)
    return _diagnose(spec, Evidence(cases, outputs), structure)


def _error(spec: FunctionSpec, message: str, line: str | None) -> FunctionAudit:
    summary = f"error: {message}" + (f" ({line})" if line else "")
    return FunctionAudit(spec.name, "error", None, None, summary, [Finding("(call)", "error", None, summary[len("error: "):])])


def _describe_error(error: dict[str, Any], source_file: str | None) -> tuple[str, str | None]:
    message = f"{error['type']}: {error['message']}" if error["type"] != "SystemExit" else error["message"]
    if error.get("line") is None:
        return message, None
    where = os.path.basename(error["file"]) if error.get("file") else "your file"
    place = error.get("location") or f"line {error['line']} of {where}"  # the place as the learner sees it: chainrule.audit.source
    return message, f"{place}: {error.get('code') or ''}".rstrip(": ")


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
            if loss is not None and not np.allclose(loss, cost, rtol=1e-9, atol=0):
                out.append(key)
                break
    return out


def choose_frame(spec: FunctionSpec, evidence: Evidence) -> str:
    """The convention the learner's arrays are read in (see the module's rule 2)."""
    differing = differing_keys(spec, evidence.cases)
    if not differing:
        return conventions_of(evidence.cases)[0]
    first = differing[0]
    indices = evidence.indices(first, True)
    to_cost = evidence.relation(first, "cost", indices)
    if to_cost.kind != "equal":
        to_loss = evidence.relation(first, "loss", indices)
        powers = [r.factor.power for r in (to_cost, to_loss) if r.kind == "scale" and r.factor.ratio == 1]
        simpler_in_cost = len(powers) == 2 and abs(powers[0]) < abs(powers[1])  # e.g. 1/m of "cost" rather than 1/m^2 of "loss"
        return "cost" if simpler_in_cost else "loss"
    if key_parts(first)[0] in "AZ":
        for nxt in differing[1:]:
            if key_parts(nxt)[0] in "AZ":
                relation = evidence.relation(nxt, "cost", evidence.indices(nxt, True))
                if relation.kind == "scale" and relation.factor == Factor(1, -1):
                    return "loss"
                break
    return "cost"


def _key_finding(key: str, evidence: Evidence, frame: str, returns: str | None) -> tuple[Finding, Relation]:
    indices = evidence.indices(key, True)
    relation = evidence.relation(key, frame, indices)
    if relation.kind == "equal":
        return Finding(key, "ok", None, ""), relation
    holder = evidence.elsewhere(key, frame, indices)
    if holder is not None:
        return Finding(key, "key-naming", None, _naming_message(key, holder, evidence.present(key, indices), returns)), relation
    if relation.kind == "missing":
        return Finding(key, "missing-key", None, f"{key} is not in what the function returned"), relation
    kinds = ("wrong-activation-derivative", "missing-activation-derivative", "wrong-input", "shape")
    matched = evidence.variant_match(key, frame, indices, kinds)
    if matched:
        return Finding(key, matched[0], None, f"{key} matches {matched[1]}"), relation
    if relation.kind == "scale":
        factor = relation.factor
        diagnosis = "sign" if factor.negative else "scale"
        text = str(factor) if factor.ratio is not None else f"{factor} (not a simple expression in m)"
        return Finding(key, diagnosis, str(factor), f"{key} is {text} × {what_it_is(key, frame)}{_scale_hint(key, factor)}"), relation
    if relation.kind == "transposed":
        factor = None if relation.factor is None or relation.factor.is_one else str(relation.factor)
        return Finding(key, "transposed", factor, f"{key}: {relation.detail}" + (f", times {factor}" if factor else "")), relation
    if relation.kind == "shape":
        factor = None if relation.factor is None or relation.factor.is_one else str(relation.factor)
        return Finding(key, "shape", factor, f"{key}: {relation.detail}"), relation
    return Finding(key, "unknown", None, f"{key}: {relation.detail}"), relation


def _scale_hint(key: str, factor: Factor) -> str:
    letter, _ = key_parts(key)
    if letter in "Wb" and factor == Factor(1, -1):
        return " (1/m applied twice?)"
    if letter in "Wb" and factor == Factor(1, 1):
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


def _diagnose(spec: FunctionSpec, evidence: Evidence, structure: list[str]) -> FunctionAudit:
    frame = choose_frame(spec, evidence)
    results = [_key_finding(key, evidence, frame, spec.returns) for key in spec.keys]
    findings = [f for f, _ in results]
    wrong = [f for f in findings if f.diagnosis != "ok"]
    convention = frame if differing_keys(spec, evidence.cases) else None
    notes = list(structure)
    for finding in findings:
        if finding.diagnosis == "ok":
            finding.message = what_it_is(finding.key, convention if convention else ("loss" if spec.kind == "backward" else None))
    if not wrong:
        summary = _correct_summary(spec, evidence, convention)
        summary += _consistency_note(spec, evidence, frame, findings)
        return FunctionAudit(spec.name, "correct", convention, None, summary, findings, notes)
    first = wrong[0]
    relations = {f.key: r for f, r in results}
    pattern = _pattern(spec, findings, relations, frame)
    later = len(wrong) - 1
    summary = f"wrong: following the {'backward pass from the output' if spec.kind == 'backward' else 'forward pass'}, " \
              f"the first wrong array is {first.key} ({first.diagnosis}): {first.message}."
    if pattern:
        summary += " " + pattern
    if later:
        summary += f" {later} later array(s) differ too; fix {first.key} first, they may follow from it."
    return FunctionAudit(spec.name, "wrong", None, first.key, summary, findings, notes)


def _correct_summary(spec: FunctionSpec, evidence: Evidence, convention: str | None) -> str:
    if convention is None:
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
        chain = ", ".join(f"{f.key}: {Factor(1, powers[f.key])}" for f in findings if powers[f.key] and key_parts(f.key)[0] != "b")
        return (f"The factor compounds: 1/m applied at every layer grows as 1/m^k with the distance from the output ({chain}). "
                "Apply the 1/m once: only in dW, db (the course's convention) or only at the output (J only).")
    dA_keys = [f for f in findings if key_parts(f.key)[0] in "AZ"]
    dW_keys = [f for f in findings if key_parts(f.key)[0] in "Wb"]
    if dA_keys and dW_keys and all(f.diagnosis == "ok" for f in dA_keys):
        factors = {relations[f.key].factor for f in dW_keys if f.diagnosis == "scale"}
        if len(factors) == 1 and all(f.diagnosis == "scale" for f in dW_keys):
            factor = factors.pop()
            if frame == "loss" and factor == Factor(1, 1):
                return ('A mix of conventions: dA and dZ are per-example ∂L/∂· (the "loss" convention), but dW and db '
                        'leave out its 1/m (the "cost" convention\'s dW = dZ A_prevᵀ), so each is m × ∂J/∂W.')
            if frame == "cost" and factor == Factor(1, -1):
                return ('A mix of conventions, 1/m applied twice: at the output (dA and dZ are ∂J/∂·, the "cost" '
                        'convention) and again in dW and db (the "loss" convention\'s (1/m) dZ A_prevᵀ), so each is (1/m) ∂J/∂W.')
    return ""
