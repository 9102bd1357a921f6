"""The IPython extension: ``%load_ext chainrule``, then ``%audit`` in a notebook.

    %load_ext chainrule
    %audit                          # every course function defined in the notebook (its namespace)
    %audit L_model_backward         # one, or several names
    %audit --timeout 5 linear_backward

The functions are found in the running notebook's namespace by name and signature, as in a file
(``chainrule.audit.course_function``), and audited together in one forked child process
(``chainrule.audit.audit_functions``); the report is the cell's value, shown as HTML. Errors
name the cell as the notebook shows it ("In [14], line 6"). IPython itself is imported by
nothing in chainrule: it calls ``load_ipython_extension`` with its shell.
"""

from __future__ import annotations

import inspect
from typing import Any

from chainrule.audit import DEFAULT_TIMEOUT, SPECS, AuditReport, audit_functions, course_function
from chainrule.errors import ChainruleError


def _arity(fn: Any) -> tuple[int, bool]:
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return -1, False
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return len(positional), any(p.kind == p.VAR_POSITIONAL for p in parameters)


def namespace_functions(namespace: dict[str, Any], names: list[str] | None = None) -> tuple[dict[str, Any], list[str]]:
    """({course name: function} found in ``namespace``, notes on course names skipped); ``names`` picks some."""
    found, notes = {}, []
    for name in names or SPECS:
        if name not in SPECS:
            raise ChainruleError(f"{name!r} is not an audited function; expected one of: {', '.join(SPECS)}")
        fn = namespace.get(name)
        if fn is None:
            if names:
                raise ChainruleError(f"{name} is not defined in this notebook; run the cell that defines it first")
            continue
        if not callable(fn):
            notes.append(f"{name} is a {type(fn).__name__}, not a function: not audited")
            continue
        why_not = course_function(name, *_arity(fn))
        if why_not:
            notes.append(f"{name} {why_not}")
        else:
            found[name] = fn
    return found, notes


def audit_magic(line: str, namespace: dict[str, Any]) -> AuditReport:
    """What ``%audit LINE`` does in a namespace: "[--timeout S] [name ...]"."""
    words, timeout = line.split(), DEFAULT_TIMEOUT
    if "--timeout" in words:
        i = words.index("--timeout")
        try:
            timeout = float(words[i + 1])
        except (IndexError, ValueError):
            raise ChainruleError(f"%audit --timeout expects a number of seconds; got {' '.join(words[i + 1:i + 2]) or 'nothing'}") from None
        del words[i:i + 2]
    found, notes = namespace_functions(namespace, words or None)
    if not found:
        raise ChainruleError(f"this notebook defines none of the audited functions: {', '.join(SPECS)}")
    report = audit_functions(found, timeout, source="this notebook")
    report.notes[:0] = notes
    return report


def load_ipython_extension(ipython: Any) -> None:
    """Register the ``%audit`` line magic on IPython's shell (called by ``%load_ext chainrule``)."""

    def audit(line: str = "") -> AuditReport | None:
        try:
            return audit_magic(line, ipython.user_ns)
        except ChainruleError as error:
            print(f"error: {error}")
            return None

    ipython.register_magic_function(audit, magic_kind="line", magic_name="audit")
