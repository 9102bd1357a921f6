"""Audit a learner's own backprop: run it on chainrule's probe networks and name what is wrong.

    import chainrule as cr
    cr.audit(L_model_backward)            # a function from a notebook: a report (a table; HTML in Jupyter)
    cr.audit("my_assignment.py")          # every course-named function defined in the file
    cr.audit("Week4.ipynb")               # a notebook's code cells, in order; or a jupytext `# %%` file

    %load_ext chainrule                   # in Jupyter: %audit, or %audit L_model_backward

The file is read into a program with the place of each line as the learner sees it ("cell 14,
line 6": ``source``); by default only its definitions run (imports, functions, classes, literal
constants), the course's helper modules missing beside it are supplied by chainrule
(``audit/standins``). The learner's code runs in a separate process with a time limit
(``sandbox``); its arrays are compared with chainrule's own backward pass in both conventions
(``reference``, ``compare``) and the differences named (``diagnose``). The audited names and
signatures are in ``functions.SPECS``.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from chainrule.audit import sandbox, signatures
from chainrule.audit.diagnose import audit_file, audit_function, failed_assert
from chainrule.audit.functions import SPECS, FunctionSpec, named
from chainrule.audit.probes import DEEP, SHALLOW
from chainrule.audit.report import DIAGNOSES, AuditReport, FailedImport, Finding, FunctionAudit, Raised, RunDetails, functions_only
from chainrule.audit.source import Program, Statement, code_cell_label, read_program
from chainrule.audit.versions import version_note
from chainrule.audit.wire import CallError
from chainrule.errors import ChainruleError
from chainrule.validation import check_number

DEFAULT_TIMEOUT = 10.0
LISTED = 6  # statements named in the one line of those not run; the rest counted

__all__ = [
    "DIAGNOSES", "SPECS", "AuditReport", "Definition", "Finding", "FunctionAudit", "audit", "audit_functions", "definition",
    "find_functions",
]  # fmt: skip


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


Audited = tuple[Definition, FunctionSpec]  # a definition a spec fits, with that spec


def definition(name: str, parameters: signatures.Parameters | None, line: int = 0) -> Definition | None:
    """What the audit makes of a function ``name`` with these parameters; None when the name is not the course's.

    The one place where a definition is matched to the audited functions (``functions.SPECS``), by
    name and signature (``signatures.match``): a file's ``def`` (``find_functions``), a function
    object (``audit``, ``audit_functions``), a notebook's namespace (``chainrule.ipython``).
    """
    specs = named(name)
    if not specs:
        return None
    given = signatures.given(name, parameters)
    if given:
        return Definition(name, line, None, f"{name} is {given}, not a function the learner writes", given)
    spec, reason = signatures.match(name, parameters, specs)
    order = signatures.order(parameters, spec.parameters) if spec is not None and parameters is not None else None
    return Definition(name, line, spec, reason, order=order)


def _find(program: Program) -> tuple[list[Definition], list[str]]:
    found: dict[str, Definition] = {}
    for node in program.tree().body:
        if isinstance(node, ast.FunctionDef):
            entry = definition(node.name, signatures.of_ast(node), node.lineno)
            if entry is not None:
                found.pop(node.name, None)
                found[node.name] = entry
    notes = [f"{d.name} at {program.where(d.line)} is {d.given}: not audited" for d in found.values() if d.given]
    return [d for d in found.values() if not d.given], notes


def find_functions(path: str) -> tuple[list[Definition], list[str]]:
    """(the course-named functions defined at the top level of the file, in file order; notes).

    Reads the file (.py, jupytext .py, .ipynb) without running it. Each name is audited as its last
    definition (the one the file leaves defined), recognised by name and signature
    (``definition``); a course name whose signature fits no audited function is returned with its
    reason, and is reported as "not audited".
    """
    return _find(read_program(path))


def _audited(definitions: list[Definition]) -> list[Audited]:
    return [(d, d.spec) for d in definitions if d.spec is not None]


def _probe_note(timeout: float, where: str, specs: Sequence[FunctionSpec] = ()) -> str:
    ms = sorted({n.m for n in (*DEEP, *SHALLOW)})
    networks = not specs or any(not spec.summary for spec in specs)  # the backward and forward functions of weeks 3-4
    note = f"{where.capitalize()} in a separate process (time limit {timeout:g} s)"
    if networks:
        note += (f" and called on small probe networks with distinct layer sizes and m = {' and '.join(map(str, ms))}, "
                 "with the caches of a forward pass and with inconsistent ones as the course's tests use")
    if any(spec.summary for spec in specs):  # the specs of audit.specs
        note += (f"{'; the others' if networks else ' and each function called'} twice, on small arguments of distinct "
                 "sizes (two probes or more), with np.random seeded as the course seeds it (chainrule.audit.specs)")
    return note + "."


def _calls(audited: list[Audited]) -> dict[str, list[tuple[Any, ...]]]:
    """Each function's argument tuples, in its own order of the course's arguments when it has one."""
    return {d.name: [tuple(case.args[i] for i in d.order) if d.order else case.args for case in spec.cases()] for d, spec in audited}


def _prepare(audited: list[Audited]) -> dict[str, dict[str, Any]]:
    """Per function, what the worker does around each call: the course tests' seed, the stubs."""
    return {d.name: {"seed": spec.seed, "stubs": spec.stubs} for d, spec in audited if spec.seed is not None or spec.stubs}


def _audits(definitions: list[Definition], results: dict[str, FunctionAudit]) -> list[FunctionAudit]:
    """Every definition's FunctionAudit in order: "not-audited" for a signature no spec fits, else its result."""
    audits = []
    for d in definitions:
        if d.spec is None:
            audits.append(FunctionAudit.not_audited(d.name, d.reason))
            continue
        result = results[d.name]
        if d.order:
            mine = ", ".join(d.spec.parameters[i] for i in d.order)
            result.notes.append(f"It takes its arguments as {d.name}({mine}), not in the course's order {d.spec.signature}: "
                                "audited in its own order; the course's tests, which call it in theirs, would fail.")
        audits.append(result)
    return audits


def _check_timeout(timeout: Any) -> None:
    check_number(timeout, "timeout", 0, low_open=True, meaning="seconds")  # a positive finite number: inf never ends


def audit(
    target: str | os.PathLike | Callable[..., Any],
    function: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    run_all: bool = False,
) -> AuditReport:
    """Audit a function object or a file's course-named functions; returns an AuditReport.

    target: a function (``function`` names the course function it implements when its own
    name differs) or the path of a .py file, a jupytext ``# %%`` file or a notebook (.ipynb)
    (``function`` then picks one of its functions). The code runs in a separate process; each
    function gets ``timeout`` seconds for all its calls, and so does each top-level statement. Of a file's top-level statements only the
    definitions run, unless ``run_all``.
    """
    _check_timeout(timeout)
    if callable(target):
        name = function if function else getattr(target, "__name__", "")
        _check_name(name)
        return audit_functions({name: target}, timeout, source=name)
    if not isinstance(target, str | os.PathLike):
        text = repr(target)
        raise ChainruleError(
            f"audit needs a function or the path of a .py or .ipynb file; got {type(target).__name__} "
            f"{text if len(text) <= 40 else text[:39] + '…'}"
        )
    path = os.fspath(target)
    program = read_program(path)
    definitions, notes = _find(program)
    if function is not None:
        _check_name(function)
        definitions = [d for d in definitions if d.name == function]
        if not definitions:
            raise ChainruleError(f"{path} defines no function {' or '.join(s.signature for s in named(function))}")
    if not definitions:
        raise ChainruleError(f"{path} defines none of the audited functions: {', '.join(_names())}")
    audited = _audited(definitions)
    run = sandbox.run(_calls(audited), timeout, program=program, run_all=run_all, prepare=_prepare(audited)) if audited else sandbox.Run()
    not_run = program.plan(run_all)[1]
    details = _details(program, run, not_run, run_all)
    _place_errors(run, program, details, not_run)
    # a function stopped by one of its own asserts (a course template's `assert (dW.shape == W.shape)`): its values, asserts skipped
    asserted = [(d, spec) for d, spec in audited if failed_assert(run.functions[d.name])]
    plain = sandbox.run(_calls(asserted), timeout, program=program, run_all=run_all, optimize=1,
                        prepare=_prepare(asserted)) if asserted else None  # fmt: skip
    if plain is not None:
        _place_errors(plain, program, details, not_run)
    runs = [(spec, run.functions[d.name], plain.functions.get(d.name) if plain else None) for d, spec in audited]
    results = dict(zip((d.name for d, _ in audited), audit_file(runs, path, program.text), strict=True))
    audits = _audits(definitions, results)
    notes = [*notes, *_notes(details, program)]
    if audited:
        notes.append(_probe_note(timeout, "the file was executed", [spec for _, spec in audited]))
    if asserted:
        notes.append(f"{', '.join(d.name for d, _ in asserted)} stopped at an assert of the file; their values were read again "
                     "with the asserts skipped.")
    version = version_note(audits, program.text)
    if version:
        notes.insert(0, version)
    return AuditReport(program.name, audits, notes, details)


def audit_functions(
    functions: Mapping[str, Callable[..., Any]], timeout: float = DEFAULT_TIMEOUT, source: str | None = None
) -> AuditReport:
    """Audit function objects (a notebook's), keyed by the course function each implements, in one child process.

    Each is recognised by its name and signature as a file's definitions are (``definition``); one
    whose signature fits no audited function is reported as "not audited".
    """
    _check_timeout(timeout)
    for name, fn in functions.items():
        _check_name(name)
        if not callable(fn):
            raise ChainruleError(f"{name} must be a function; got {type(fn).__name__}")
    if not functions:
        raise ChainruleError(f"no function to audit; expected one of: {', '.join(_names())}")
    found = (definition(name, signatures.of_callable(fn)) for name, fn in functions.items())
    definitions = [d for d in found if d is not None]  # all of them: every name is the course's (_check_name)
    audited = _audited(definitions)
    chosen = {d.name: functions[d.name] for d, _ in audited}
    run = sandbox.run(_calls(audited), timeout, functions=chosen, prepare=_prepare(audited)) if audited else sandbox.Run()
    for function_run in run.functions.values():
        for call in function_run.calls or []:
            error = call.get("error")
            file = error.get("file") if error else None
            if error and file and error.get("line") is not None:
                cell = code_cell_label(file)
                if cell:
                    error["location"] = f"{cell}, line {error['line']}"
    audits = _audits(definitions, {d.name: audit_function(spec, run.functions[d.name]) for d, spec in audited})
    notes = [_probe_note(timeout, "it ran" if len(audited) == 1 else "they ran", [spec for _, spec in audited])] if audited else []
    return AuditReport(source or ", ".join(functions), audits, notes, functions_only())


def _names() -> list[str]:
    return list(dict.fromkeys(spec.name for spec in SPECS.values()))


def _check_name(name: str) -> None:
    if not named(name):
        raise ChainruleError(f"{name!r} is not an audited function; expected one of: {', '.join(_names())}")


# ---- what happened to the file's top-level code, for the notes and --json ---------------------------


def _details(program: Program, run: sandbox.Run, not_run: list[Statement], run_all: bool) -> RunDetails:
    failed: list[FailedImport] = []
    raised: list[Raised] = []
    for entry in run.skipped:
        location, code = program.where(entry["line"]), _code_at(program, entry["line"])
        error = f"{entry['type']}: {entry['message']}"
        if "import" in entry:
            module = _module_of(code)
            if entry["type"] == "ModuleNotFoundError" and module:
                error += f": put {module}.py beside {program.name}"
            failed.append({"location": location, "code": code, "error": error, "names": entry["import"], "module": module})
        else:
            raised.append({"location": location, "code": code, "error": error})
    return {
        "kind": program.kind,
        "run_all": run_all,
        "standins": list(run.standins),
        "failed_imports": failed,
        "raised": raised,
        "stopped": [{"location": program.where(s["line"]), "code": _code_at(program, s["line"]), "message": s["message"]}
                    for s in run.stopped],
        "not_run": [{"location": program.where(s.key[0]), "code": s.code} for s in not_run],
        "dropped": list(program.notes),
    }  # fmt: skip


def _code_at(program: Program, line: int) -> str:
    lines = program.text.splitlines()
    return lines[line - 1].strip() if 0 < line <= len(lines) else ""


def _module_of(code: str) -> str | None:
    match = re.match(r"(?:from\s+([\w.]+)\s+import|import\s+([\w.]+))", code)
    return (match.group(1) or match.group(2)).split(".")[0] if match else None


def _notes(details: RunDetails, program: Program) -> list[str]:
    notes = []
    if details["standins"]:
        notes.append(f"Not beside {program.name}, the course's {', '.join(details['standins'])} came from chainrule's "
                     "stand-ins (the course's functions, on chainrule's implementation).")  # fmt: skip
    for failed in details["failed_imports"]:
        notes.append(f"{failed['location']}: `{failed['code']}` failed: {failed['error']}")
    for raised in details["raised"]:
        notes.append(f"{raised['location']} raised {raised['error']} when the file was executed; skipped, the audit went on")
    for stopped in details["stopped"]:
        rest = "its definitions only" if details["run_all"] else "the rest of its definitions"
        notes.append(f"{stopped['message']}: it was stopped, and the file run again without it, with {rest}")
    if details["not_run"]:
        listed = ", ".join(f"{s['location']} `{_short(s['code'])}`" for s in details["not_run"][:LISTED])
        more = f", and {len(details['not_run']) - LISTED} more" if len(details["not_run"]) > LISTED else ""
        notes.append(f"Not run, as not definitions (--run-all runs them): {len(details['not_run'])} top-level "
                     f"statement(s): {listed}{more}.")  # fmt: skip
    notes.extend(details["dropped"])
    return notes


def _short(code: str, limit: int = 40) -> str:
    return code if len(code) <= limit else code[: limit - 1] + "…"


def _place_errors(run: sandbox.Run, program: Program, details: RunDetails, not_run: list[Statement]) -> None:
    """Each error of the learner's file gets its place as the learner sees it; a NameError says where the name was to come from."""
    path = os.path.abspath(program.path)
    for function_run in run.functions.values():
        for call in function_run.calls or []:
            error = call.get("error")
            if not error:
                continue
            if error.get("file") == path and error.get("line") is not None:
                error["location"] = program.where_in_file(error["line"])
            hint = _name_hint(error, details, not_run)
            if hint:
                error["message"] += hint


def _name_hint(error: CallError, details: RunDetails, not_run: list[Statement]) -> str | None:
    match = re.match(r"name '(\w+)' is not defined", error.get("message", ""))
    if error.get("type") != "NameError" or not match:
        return None
    name = match.group(1)
    for item in details["failed_imports"]:
        if name in item["names"] or "*" in item["names"]:
            return f" (it was to come from `{item['code']}` at {item['location']}, which failed: {item['error']})"
    for statement in not_run:
        if name in statement.names:
            return (f" (it is assigned by the top-level statement `{_short(statement.code)}`, which the audit does not run: "
                    "a function should take what it uses as arguments; --run-all runs every statement)")  # fmt: skip
    return None
