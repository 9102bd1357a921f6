"""Diagnosis accuracy of ``chainrule audit`` on the library of planted bugs (tests/audit_planted.py).

    .venv/bin/python benchmarks/audit_accuracy.py

For every planted bug: is the verdict right, is the first wrong key right, is its diagnosis (and
factor) right; for every correct implementation: is it passed, in the right convention, with no
false alarm. Prints one line per case and the totals.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import chainrule as cr
from audit_planted import PLANTED
from audit_planted_course import PLANTED_COURSE  # course 1 weeks 2-4 and course 2

CORPUS = PLANTED + PLANTED_COURSE


def main() -> None:
    bugs = correct = bugs_right = correct_right = 0
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        for i, (name, source, function, expected) in enumerate(CORPUS):
            path = Path(folder) / f"case{i}.py"
            path.write_text(source)
            result = cr.audit(str(path), function=function, timeout=20)[function]
            if expected["verdict"] == "correct":
                correct += 1
                ok = result.verdict == "correct" and result.convention == expected["convention"]
                correct_right += ok
                got = f"{result.verdict} {result.convention}"
            else:
                bugs += 1
                first = result.finding(result.first_wrong) if result.first_wrong else result.findings[0]
                ok = result.verdict == expected["verdict"] and first.diagnosis == (expected["diagnosis"] or "error")
                ok = ok and (expected["key"] is None or result.first_wrong == expected["key"])
                ok = ok and (expected["factor"] is None or first.factor == expected["factor"])
                bugs_right += ok
                got = f"{result.first_wrong} {first.diagnosis} {first.factor or ''}"
            print(f"{'ok  ' if ok else 'MISS'} {name:45s} {function:28s} {got}")
    elapsed = time.perf_counter() - start
    print(f"\nplanted bugs: {bugs_right}/{bugs} diagnosed (verdict, first wrong key, diagnosis, factor)")
    print(f"correct implementations: {correct_right}/{correct} passed in the right convention, no false alarm")
    print(f"{len(CORPUS)} audits in {elapsed:.1f} s ({elapsed / len(CORPUS):.2f} s each, one process per file)")


if __name__ == "__main__":
    main()
