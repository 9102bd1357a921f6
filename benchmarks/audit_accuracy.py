"""Accuracy of ``chainrule audit`` on its corpus: every notebook version's correct files, one bug a file.

The corpus: tests/audit_planted.py (course 1 weeks 3-4, course 2's gradient checking) and
tests/audit_planted_course.py (course 1 weeks 2-4 and course 2, recognised by name and signature).

    .venv/bin/python benchmarks/audit_accuracy.py [--quiet]

For every case, audited as a user would (a file in a folder, the course's helper module beside
it, ``cr.audit(path)``): the verdict, and the diagnosis: the first wrong key, its diagnosis and
factor, the notebook version, and the phrases that name the bug (``audit_planted.grade``).
Prints one line per case, then

- verdict accuracy: cases whose every audited function got the expected verdict;
- diagnosis accuracy: wrong and error cases whose diagnosis names the planted bug, all of it;
- false alarms: correct functions (of correct files) not called correct, and correct files not exiting 0;
- time per audit (one fresh process per file, two where a failing assert makes the audit read the values again).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from audit_planted import PLANTED, audit_case, grade
from audit_planted_course import PLANTED_COURSE  # course 1 weeks 2-4 and course 2

CORPUS = PLANTED + PLANTED_COURSE


def main(quiet: bool = False) -> None:
    verdicts = diagnoses = bugs = false_alarms = correct_functions = 0
    times = []
    for i, (name, source, function, expected) in enumerate(CORPUS):
        with tempfile.TemporaryDirectory() as folder:
            start = time.perf_counter()
            report, results = audit_case(folder, source, function, expected)
            times.append(time.perf_counter() - start)
        graded = grade(report, results, expected)
        verdicts += graded["verdict"]
        if expected["verdict"] == "correct":
            correct_functions += len(results)
            false_alarms += sum(r.verdict != "correct" for r in results) + (function is None and report.exit_code != 0)
        else:
            bugs += 1
            diagnoses += graded["diagnosis"]
        if not quiet or graded["problems"]:
            first = results[0]
            got = f"{first.verdict} {first.first_wrong or ''} {first.findings[0].diagnosis if first.verdict == 'error' else ''}".strip()
            print(f"{'ok  ' if not graded['problems'] else 'MISS'} {i:3d} {name[:58]:58s} {function or '(whole file)':28s} {got}")
            for problem in graded["problems"]:
                print(f"        {problem}")
    total = sum(times)
    print(f"\nverdict accuracy: {verdicts}/{len(CORPUS)} cases ({100 * verdicts / len(CORPUS):.1f} %)")
    print(f"diagnosis accuracy: {diagnoses}/{bugs} planted bugs named in full ({100 * diagnoses / bugs:.1f} %; target ≥ 95 %)")
    print(f"false alarms: {false_alarms} among {correct_functions} correct functions of {len(CORPUS) - bugs} correct cases")
    print(f"time per audit: {total / len(times):.2f} s mean, {max(times):.2f} s max, {total:.1f} s for {len(times)} audits "
          "(one process per file; the machine's load counts)")


if __name__ == "__main__":
    main(quiet="--quiet" in sys.argv)
