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
from typing import Any

from chainrule.audit import sandbox
from chainrule.audit.diagnose import audit_function
from chainrule.audit.functions import SPECS
from chainrule.audit.probes import DEEP, SHALLOW
from chainrule.audit.report import DIAGNOSES, AuditReport, Finding, FunctionAudit
from chainrule.errors import ChainruleError

DEFAULT_TIMEOUT = 10.0

__all__ = ["DIAGNOSES", "SPECS", "AuditReport", "Finding", "FunctionAudit", "audit", "find_functions"]


def find_functions(path: str) -> tuple[list[str], list[str]]:
    """(course-named functions defined at the top level of the file, in file order; notes on names skipped).

    Reads the file without running it. A course name with another number of arguments (course 2's
    ``backward_propagation(x, theta)``) is skipped with a note.
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
    names, notes = [], []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in SPECS:
            spec = SPECS[node.name]
            arity = len(node.args.posonlyargs) + len(node.args.args)
            if arity == spec.arity or node.args.vararg:
                if node.name not in names:
                    names.append(node.name)
            else:
                notes.append(f"{node.name} at line {node.lineno} takes {arity} argument(s), not {spec.signature}: not audited")
    return names, notes


def _probe_note(timeout: float, where: str) -> str:
    ms = sorted({n.m for n in (*DEEP, *SHALLOW)})
    return (f"{where.capitalize()} in a separate process (time limit {timeout:g} s) and called on small probe networks "
            f"with distinct layer sizes and m = {' and '.join(map(str, ms))}, with the caches of a forward pass and with "
            "inconsistent ones as the course's tests use.")


def _calls(names: list[str]) -> dict[str, list[tuple]]:
    return {name: [case.args for case in SPECS[name].cases()] for name in names}


def audit(target: str | os.PathLike | Callable[..., Any], function: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> AuditReport:
    """Audit a function object or a file's course-named functions; returns an AuditReport.

    target: a function (``function`` names the course function it implements when its own
    name differs) or the path of a Python file (``function`` then picks one of its functions).
    The code runs in a separate process; each function gets ``timeout`` seconds for all its calls.
    """
    if not (isinstance(timeout, int | float) and timeout > 0):
        raise ChainruleError(f"timeout must be a positive number of seconds; got {timeout!r}")
    if not (callable(target) or isinstance(target, str | os.PathLike)):
        raise ChainruleError(f"audit needs a function or the path of a Python file; got {type(target).__name__} {target!r:.60}")
    if callable(target):
        name = function or getattr(target, "__name__", "")
        _check_name(name)
        run = sandbox.run(_calls([name]), timeout, functions={name: target})
        report = AuditReport(name, [audit_function(SPECS[name], run.functions[name])])
        report.notes.append(_probe_note(timeout, "it ran"))
        return report
    path = os.fspath(target)
    names, notes = find_functions(path)
    if function is not None:
        _check_name(function)
        if function not in names:
            raise ChainruleError(f"{path} defines no function {function}({SPECS[function].signature.split('(', 1)[1]}")
        names = [function]
    if not names:
        raise ChainruleError(f"{path} defines none of the audited functions: {', '.join(SPECS)}")
    run = sandbox.run(_calls(names), timeout, path=path)
    audits = [audit_function(SPECS[name], run.functions[name], path) for name in names]
    for skipped in run.skipped:
        notes.append(
            f"line {skipped['line']} raised {skipped['type']}: {skipped['message']} when the file was executed; "
            "skipped, the audit went on"
        )
    notes.append(_probe_note(timeout, "the file was executed"))
    return AuditReport(os.path.basename(path), audits, notes)


def _check_name(name: str) -> None:
    if name not in SPECS:
        raise ChainruleError(f"{name!r} is not an audited function; expected one of: {', '.join(SPECS)}")
