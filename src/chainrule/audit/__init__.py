"""Audit a learner's own backprop: run it on chainrule's probe networks and name what is wrong.

    import chainrule as cr
    cr.audit(L_model_backward)            # a function from a notebook: a report (a table; HTML in Jupyter)
    cr.audit("my_assignment.py")          # every course-named function defined in the file

The learner's code runs in a separate process with a time limit (``sandbox``); its arrays are
compared with chainrule's own backward pass in both conventions (``reference``, ``compare``) and
the differences named (``diagnose``). The audited names and signatures are in ``functions.SPECS``.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chainrule.audit import sandbox, signatures
from chainrule.audit.diagnose import audit_function
from chainrule.audit.functions import SPECS, FunctionSpec, named
from chainrule.audit.probes import DEEP, SHALLOW
from chainrule.audit.report import DIAGNOSES, AuditReport, Finding, FunctionAudit
from chainrule.errors import ChainruleError

DEFAULT_TIMEOUT = 10.0

__all__ = ["DIAGNOSES", "SPECS", "AuditReport", "Definition", "Finding", "FunctionAudit", "audit", "definition", "find_functions"]


@dataclass
class Definition:
    """A course-named function defined in the file: the spec it is audited as, or why it is not audited.

    ``given``: a sentence when it is the course's own code handed to learners (course 2's
    ``model(X, Y, …)``), which is noted and not audited.
    """

    name: str
    line: int
    spec: FunctionSpec | None
    reason: str = ""
    given: str = ""
    order: tuple[int, ...] | None = None  # its own order of the course's arguments (``signatures.order``)


def definition(name: str, parameters: signatures.Parameters | None, line: int = 0) -> Definition | None:
    """What the audit makes of a function ``name`` with these parameters; None when the name is not the course's."""
    specs = named(name)
    if not specs:
        return None
    given = signatures.given(name, parameters)
    if given:
        return Definition(name, line, None, f"{name} is {given}, not a function the learner writes", given)
    spec, reason = signatures.match(name, parameters, specs)
    order = signatures.order(parameters, spec.parameters) if spec is not None and parameters is not None else None
    return Definition(name, line, spec, reason, order=order)


def find_functions(path: str) -> tuple[list[Definition], list[str]]:
    """(the course-named functions defined at the top level of the file, in file order; notes).

    Reads the file without running it. Each name is audited as its last definition (the one the
    file leaves defined), recognised by name and signature (``signatures.match``); a course name
    whose signature fits no audited function is returned with its reason, and is reported as
    "not audited".
    """
    if not os.path.isfile(path):
        raise ChainruleError(f"no such file: {path!r}")
    try:
        with open(path, encoding="utf-8") as file:
            tree = ast.parse(file.read(), filename=path)
    except SyntaxError as error:
        raise ChainruleError(f"{path} is not valid Python: {error.msg} at line {error.lineno}") from None
    except UnicodeDecodeError:
        raise ChainruleError(f"{path} is not a UTF-8 Python file") from None
    found: dict[str, Definition] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            entry = definition(node.name, signatures.of_ast(node), node.lineno)
            if entry is not None:
                found.pop(node.name, None)
                found[node.name] = entry
    notes = [f"{d.name} at line {d.line} is {d.given}: not audited" for d in found.values() if d.given]
    return [d for d in found.values() if not d.given], notes


def _probe_note(timeout: float, where: str, audited: list[Definition] | None = None) -> str:
    ms = sorted({n.m for n in (*DEEP, *SHALLOW)})
    specs = [d.spec for d in audited or [] if d.spec is not None]
    networks = not specs or any(not spec.summary for spec in specs)  # the backward and forward functions of weeks 3-4
    note = f"{where.capitalize()} in a separate process (time limit {timeout:g} s)"
    if networks:
        note += (f" and called on small probe networks with distinct layer sizes and m = {' and '.join(map(str, ms))}, "
                 "with the caches of a forward pass and with inconsistent ones as the course's tests use")
    if any(spec.summary for spec in specs):  # the specs of audit.specs
        note += (f"{'; the others' if networks else ' and each function called'} twice, on small arguments of distinct "
                 "sizes (two probes or more), with np.random seeded as the course seeds it (chainrule.audit.specs)")
    return note + "."


def _calls(audited: list[Definition]) -> dict[str, list[tuple]]:
    """Each function's argument tuples, in its own order of the course's arguments when it has one."""
    return {d.name: [tuple(case.args[i] for i in d.order) if d.order else case.args for case in d.spec.cases()] for d in audited}


def _prepare(audited: list[Definition]) -> dict[str, dict[str, Any]]:
    """Per function, what the worker does around each call: the course tests' seed, the stubs."""
    return {d.name: {"seed": d.spec.seed, "stubs": d.spec.stubs} for d in audited if d.spec.seed is not None or d.spec.stubs}


def _audits(definitions: list[Definition], run: sandbox.Run, path: str | None) -> list[FunctionAudit]:
    audits = []
    for d in definitions:
        if d.spec is None:
            audits.append(FunctionAudit.not_audited(d.name, d.reason))
            continue
        result = audit_function(d.spec, run.functions[d.name], path)
        if d.order:
            mine = ", ".join(d.spec.parameters[i] for i in d.order)
            result.notes.append(f"It takes its arguments as {d.name}({mine}), not in the course's order {d.spec.signature}: "
                                "audited in its own order; the course's tests, which call it in theirs, would fail.")
        audits.append(result)
    return audits


def audit(target: str | os.PathLike | Callable[..., Any], function: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> AuditReport:
    """Audit a function object or a file's course-named functions; returns an AuditReport.

    target: a function (``function`` names the course function it implements when its own
    name differs) or the path of a Python file (``function`` then picks one of its functions).
    The code runs in a separate process; each function gets ``timeout`` seconds for all its calls.
    """
    if not (isinstance(timeout, int | float) and timeout > 0):
        raise ChainruleError(f"timeout must be a positive number of seconds; got {timeout!r}")
    if callable(target):
        name = function or getattr(target, "__name__", "")
        _check_name(name)
        found = definition(name, signatures.of_callable(target))
        audited = [found] if found.spec else []
        run = sandbox.run(_calls(audited), timeout, functions={name: target}, prepare=_prepare(audited)) if audited else sandbox.Run()
        report = AuditReport(name, _audits([found], run, None))
        if audited:
            report.notes.append(_probe_note(timeout, "it ran", audited))
        return report
    path = os.fspath(target)
    definitions, notes = find_functions(path)
    if function is not None:
        _check_name(function)
        definitions = [d for d in definitions if d.name == function]
        if not definitions:
            raise ChainruleError(f"{path} defines no function {' or '.join(s.signature for s in named(function))}")
    if not definitions:
        raise ChainruleError(f"{path} defines none of the audited functions: {', '.join(_names())}")
    audited = [d for d in definitions if d.spec]
    run = sandbox.run(_calls(audited), timeout, path=path, prepare=_prepare(audited)) if audited else sandbox.Run()
    audits = _audits(definitions, run, path)
    for skipped in run.skipped:
        notes.append(
            f"line {skipped['line']} raised {skipped['type']}: {skipped['message']} when the file was executed; "
            "skipped, the audit went on"
        )
    if audited:
        notes.append(_probe_note(timeout, "the file was executed", audited))
    return AuditReport(os.path.basename(path), audits, notes)


def _names() -> list[str]:
    return list(dict.fromkeys(spec.name for spec in SPECS.values()))


def _check_name(name: str) -> None:
    if not named(name):
        raise ChainruleError(f"{name!r} is not an audited function; expected one of: {', '.join(_names())}")
