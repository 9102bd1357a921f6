"""The audit's results: one ``FunctionAudit`` per function, gathered in an ``AuditReport``.

Both print as tables in a terminal, render as HTML in a notebook (``chainrule.report.Table``) and
serialize to the ``--json`` schema of docs/audit.md: ``ReportDict``, one ``FunctionAuditDict`` per
function (``{"function", "verdict", "convention", "version", "as_given", "first_wrong", "summary", "findings":
[{"key", "diagnosis", "factor", "message"}]}``), and ``RunDetails``, what ran of the file. ``version``
names the notebook version whose conventions the function was audited against
(``chainrule.audit.versions``), or is null where the versions do not differ.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TypedDict

from chainrule.report import Table

DIAGNOSES = (
    "ok", "scale", "sign", "transposed", "shape", "missing-activation-derivative", "wrong-activation-derivative",
    "wrong-input", "key-naming", "missing-key", "error", "unknown",
    "wrong-formula", "seed", "not-audited",
)  # fmt: skip
VERDICTS = ("correct", "wrong", "error", "not-audited")


class FindingDict(TypedDict):
    key: str
    diagnosis: str
    factor: str | None
    message: str


class FunctionAuditDict(TypedDict):
    function: str
    verdict: str
    convention: str | None
    version: str | None
    as_given: bool
    first_wrong: str | None
    summary: str
    findings: list[FindingDict]


class Place(TypedDict):
    """A top-level statement of the file: where it is as the learner sees it ("cell 11, line 1"), its code."""

    location: str
    code: str


NotRun = Place  # a top-level statement that is not a definition, and so not run (without --run-all)


class Raised(Place):
    """A top-level statement that raised when the file was executed; skipped, the audit went on."""

    error: str  # "NameError: name 'x' is not defined"


class FailedImport(Raised):
    """An import that failed: the names it was to bind, the module (``error`` says where to put it)."""

    names: list[str]
    module: str | None


class StoppedStatement(Place):
    """A top-level statement that never ended or ended the process: stopped, and left out of the later runs."""

    message: str


class RunDetails(TypedDict):
    """What ran of the file (``kind`` "functions" for function objects: nothing ran but them)."""

    kind: str  # "py" | "ipynb" | "jupytext" | "nbconvert" | "functions"
    run_all: bool
    standins: list[str]  # the course modules supplied by chainrule
    failed_imports: list[FailedImport]
    raised: list[Raised]
    stopped: list[StoppedStatement]
    not_run: list[NotRun]
    dropped: list[str]  # what the reader dropped, and why


def functions_only() -> RunDetails:
    """The RunDetails of an audit of function objects (%audit, cr.audit(fn)): no file, nothing but them ran."""
    return {"kind": "functions", "run_all": False, "standins": [], "failed_imports": [], "raised": [], "stopped": [],
            "not_run": [], "dropped": []}  # fmt: skip


class ReportDict(RunDetails):
    """The ``--json`` object: the report, then what ran of the file."""

    source: str
    exit_code: int
    functions: list[FunctionAuditDict]
    notes: list[str]


@dataclass
class Finding:
    """What one returned array is: its key, a diagnosis from DIAGNOSES, the factor when one applies, a sentence."""

    key: str
    diagnosis: str
    factor: str | None
    message: str

    def to_dict(self) -> FindingDict:
        return {"key": self.key, "diagnosis": self.diagnosis, "factor": self.factor, "message": self.message}


@dataclass
class FunctionAudit:
    """The audit of one function: a verdict, the convention when correct, the first wrong key, the findings."""

    function: str
    verdict: str
    convention: str | None
    first_wrong: str | None
    summary: str
    findings: list[Finding]
    notes: list[str] = field(default_factory=list)  # how it was probed, skipped top-level statements
    version: str | None = None  # the notebook version whose conventions it follows, e.g. "2017–2018"
    # the course's own code exactly as the notebook hands it out (course 2's backward_propagation_n with its two
    # planted bugs, which gradient_check_n is meant to find): reported, but not counted against the file
    as_given: bool = False

    @classmethod
    def not_audited(cls, function: str, reason: str) -> FunctionAudit:
        """A course-named function the audit could not run: the verdict "not-audited" and why."""
        finding = Finding("(signature)", "not-audited", None, reason)
        return cls(function, "not-audited", None, None, f"not audited, because {reason}.", [finding])

    def finding(self, key: str) -> Finding:
        for f in self.findings:
            if f.key == key:
                return f
        raise KeyError(key)

    def table(self) -> Table:
        marked = [
            {**f.to_dict(), "key": f"{f.key} ◀ first" if f.key == self.first_wrong else f.key} for f in self.findings
        ]
        how = [f'"{self.convention}" convention'] if self.convention else []
        how += [f"the {self.version} notebooks' conventions"] if self.version else []
        title = f"{self.function}: {self.verdict}" + (f" ({'; '.join(how)})" if how else "")
        table = Table.from_rows(title, marked, [("key", "key"), ("diagnosis", "diagnosis"), ("factor", "factor"), ("message", "message")])
        table.notes = [self.summary, *self.notes]
        return table

    def to_dict(self) -> FunctionAuditDict:
        return {
            "function": self.function,
            "verdict": self.verdict,
            "convention": self.convention,
            "version": self.version,
            "as_given": self.as_given,
            "first_wrong": self.first_wrong,
            "summary": self.summary,
            "findings": [f.to_dict() for f in self.findings],
        }

    def __str__(self) -> str:
        return str(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


@dataclass
class AuditReport:
    """The audits of every function found; ``exit_code`` is 0 when all are correct, else 1."""

    source: str
    functions: list[FunctionAudit]
    notes: list[str] = field(default_factory=list)
    details: RunDetails = field(default_factory=functions_only)  # what ran of the file: chainrule.audit._details

    @property
    def correct(self) -> bool:
        return all(f.verdict == "correct" or f.as_given for f in self.functions)

    @property
    def exit_code(self) -> int:
        return 0 if self.correct else 1

    def __getitem__(self, function: str) -> FunctionAudit:
        for f in self.functions:
            if f.function == function:
                return f
        raise KeyError(function)

    def __iter__(self) -> Iterator[FunctionAudit]:
        return iter(self.functions)

    def __len__(self) -> int:
        return len(self.functions)

    def headline(self) -> str:
        counts = {v: sum(f.verdict == v for f in self.functions) for v in VERDICTS}
        parts = [f"{n} {v}" for v, n in counts.items() if n]
        return f"audit of {self.source}: {len(self.functions)} function(s), " + ", ".join(parts)

    def __str__(self) -> str:
        return "\n\n".join([self.headline(), *(str(f) for f in self.functions), *self.notes])

    def _repr_html_(self) -> str:
        notes = "".join(f"<p>{html.escape(n)}</p>" for n in self.notes)
        return f"<div><p><strong>{html.escape(self.headline())}</strong></p>{''.join(f._repr_html_() for f in self.functions)}{notes}</div>"

    def to_list(self) -> list[FunctionAuditDict]:
        return [f.to_dict() for f in self.functions]

    def to_dict(self) -> ReportDict:
        """The ``--json`` object (docs/audit.md): source, exit_code, functions, notes, and what ran of the file."""
        return {"source": self.source, "exit_code": self.exit_code, "functions": self.to_list(), "notes": list(self.notes),
                **self.details}  # fmt: skip

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)
