"""The side of the audit that runs the learner's code, in its own process.

``python -m chainrule.audit.worker JOBDIR`` reads ``JOBDIR/job.json`` (the file to execute and,
for each function, the encoded arguments of its calls) and ``JOBDIR/inputs.npz``; it executes
the file statement by statement (a statement that raises is recorded and skipped, so a
notebook's leftover test calls do not stop the audit). It writes ``started.json`` once Python and
NumPy are up, ``loaded.json`` after the file, then for each function ``result-<i>.npz`` and
``result-<i>.json``. Each JSON file is written last and atomically:
its presence tells the parent that step is done. ``run_job`` is also called in a forked child
for functions that live in a notebook.
"""

from __future__ import annotations
import __future__

import ast
import builtins
import json
import linecache
import os
import sys
import traceback
from collections.abc import Callable
from typing import Any

from chainrule.audit.codec import decode, encode, load_arrays, save_arrays
from chainrule.audit.shapes import products

MODULE_NAME = "__chainrule_audit__"  # not "__main__": an `if __name__ == "__main__":` block does not run
MESSAGE_LIMIT = 300


def write_json(path: str, data: Any) -> None:
    """Write JSON to ``path`` atomically (a temporary file, then a rename)."""
    with open(path + ".tmp", "w", encoding="utf-8") as file:
        json.dump(data, file)
    os.replace(path + ".tmp", path)


def describe_exception(error: BaseException, user_files: set[str]) -> dict[str, Any]:
    """The exception's type and message, and the deepest line of the learner's own file it passed through."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename in user_files]
    where = frames[-1] if frames else None
    if isinstance(error, SystemExit):
        message = f"sys.exit({error.code!r}) was called"
    else:
        message = str(error)
    code = (where.line or linecache.getline(where.filename, where.lineno).strip()) if where else None
    described = {
        "type": type(error).__name__,
        "message": message[:MESSAGE_LIMIT],
        "file": where.filename if where else None,
        "line": where.lineno if where else None,
        "code": code,
    }
    if code and isinstance(error, ValueError):  # a product whose shapes do not fit: its operands' shapes
        frame = _deepest_frame(error, user_files)
        described["products"] = products(frame, code) if frame is not None else None
    return described


def _deepest_frame(error: BaseException, user_files: set[str]):
    tb, frame = error.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename in user_files:
            frame = tb.tb_frame
        tb = tb.tb_next
    return frame


def execute_file(path: str, optimize: int = 0) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Run the file's top-level statements one by one; (its namespace, the statements that raised).

    optimize=1 compiles without the ``assert`` statements (as ``python -O``), to read the values
    that a failing course-template assert would hide.
    """
    with open(path, encoding="utf-8") as file:
        source = file.read()
    linecache.cache[path] = (len(source), None, source.splitlines(True), path)
    namespace: dict[str, Any] = {"__name__": MODULE_NAME, "__file__": path, "__builtins__": builtins}
    flags, skipped = 0, []
    for statement in ast.parse(source, filename=path).body:
        if isinstance(statement, ast.ImportFrom) and statement.module == "__future__":
            for alias in statement.names:
                flags |= getattr(__future__, alias.name).compiler_flag
        try:
            code = compile(ast.Module(body=[statement], type_ignores=[]), path, "exec", flags=flags, dont_inherit=True, optimize=optimize)
            exec(code, namespace)
        except BaseException as error:  # SystemExit and KeyboardInterrupt included: the learner's code must not stop us
            skipped.append(describe_exception(error, {path}) | {"line": statement.lineno})
    return namespace, skipped


def run_job(jobdir: str, lookup: Callable[[str], Any] | None = None, user_files: set[str] | None = None) -> None:
    """Run every call of ``job.json``; functions come from executing the job's file, or from ``lookup``."""
    with open(os.path.join(jobdir, "job.json"), encoding="utf-8") as file:
        job = json.load(file)
    inputs = load_arrays(job.get("inputs") or os.path.join(jobdir, "inputs.npz"))
    user_files = set(user_files or ())
    write_json(os.path.join(jobdir, "started.json"), {})
    if job.get("file"):
        path = job["file"]
        sys.path.insert(0, os.path.dirname(path))
        namespace, skipped = execute_file(path, job.get("optimize", 0))
        user_files.add(path)
        lookup = namespace.get
    else:
        skipped = []
    write_json(os.path.join(jobdir, "loaded.json"), {"skipped": skipped})
    for i, function in enumerate(job["functions"]):
        fn = lookup(function["name"]) if lookup else None
        outputs: dict[str, Any] = {}
        calls = []
        if not callable(fn):
            calls = None
        else:
            for j, encoded_args in enumerate(function["calls"]):
                args = decode(encoded_args, inputs)
                try:
                    value = fn(*args)
                    calls.append({"value": encode(value, outputs, prefix=f"c{j}_")})
                except BaseException as error:
                    calls.append({"error": describe_exception(error, user_files)})
        save_arrays(os.path.join(jobdir, f"result-{i}.npz"), outputs)
        write_json(os.path.join(jobdir, f"result-{i}.json"), {"calls": calls})


def main() -> None:
    run_job(sys.argv[1])


if __name__ == "__main__":
    main()
