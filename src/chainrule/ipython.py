"""The IPython extension: ``%load_ext chainrule``, then ``%audit`` in a notebook.

    %load_ext chainrule
    %audit                          # every course function defined in the notebook (its namespace)
    %audit L_model_backward         # one, or several names
    %audit --timeout 5 linear_backward

The functions are found in the running notebook's namespace by name and signature, as in a file
(``chainrule.audit.definition``), and audited together in one forked child process
(``chainrule.audit.audit_functions``); the report is the cell's value, shown as HTML. Errors
name the cell as the notebook shows it ("In [14], line 6"). IPython itself is imported by
nothing in chainrule: it calls ``load_ipython_extension`` with its shell.
"""

from __future__ import annotations

from typing import Any

from chainrule.audit import DEFAULT_TIMEOUT, AuditReport, audit_functions, definition
from chainrule.audit import _names as audited_names
from chainrule.audit.functions import named
from chainrule.audit.signatures import of_callable
from chainrule.errors import ChainruleError


def namespace_functions(namespace: dict[str, Any], names: list[str] | None = None) -> tuple[dict[str, Any], list[str]]:
    """({course name: function} found in ``namespace``, notes on course names skipped); ``names`` picks some.

    Without ``names``, only the functions the notebook defines itself: a course helper module's own
    (``from dnn_app_utils_v3 import *``) is not the learner's code. A signature that fits no audited
    function is kept: the audit reports it "not audited", as for a file.
    """
    found, notes, imported = {}, [], []
    home = namespace.get("__name__", "__main__")
    for name in names or audited_names():
        if not named(name):
            raise ChainruleError(f"{name!r} is not an audited function; expected one of: {', '.join(audited_names())}")
        fn = namespace.get(name)
        if fn is None:
            if names:
                raise ChainruleError(f"{name} is not defined in this notebook; run the cell that defines it first")
            continue
        if not callable(fn):
            notes.append(f"{name} is a {type(fn).__name__}, not a function: not audited")
            continue
        if not names and getattr(fn, "__module__", home) not in (home, None):
            imported.append(f"{name} ({fn.__module__})")
            continue
        entry = definition(name, of_callable(fn))
        if entry is not None and entry.given:
            notes.append(f"{name} is {entry.given}: not audited")
        else:
            found[name] = fn
    if imported:
        notes.append(f"Not defined in this notebook, so not audited: {', '.join(imported)}.")
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
        raise ChainruleError(f"this notebook defines none of the audited functions: {', '.join(audited_names())}")
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
