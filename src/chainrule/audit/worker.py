"""The side of the audit that runs the learner's code, in its own process.

``python -c "from chainrule.audit.worker import main; main()" JOBDIR`` reads ``JOBDIR/job.json``
(the program to execute, which of its top-level statements run, and for each function the encoded
arguments of its calls) and ``inputs.npz``. It executes the chosen statements one by one (one that
raises is recorded and skipped, so a notebook's leftover test calls do not stop the audit), writing
the place of the statement it is about to run into ``progress`` first, so that the parent can name
a statement that never ends. It writes ``started.json`` once Python and NumPy are up,
``loaded.json`` after the file (with the statements that raised and the stand-ins imported), then
for each function ``result-<i>.npz`` and ``result-<i>.json``. Each JSON file is written last and
atomically: its presence tells the parent that step is done. ``run_job`` is also called in a
forked child for functions that live in a notebook.

What the learner's code prints goes to ``output.txt`` through ``CappedOutput``: at most
``OUTPUT_LIMIT`` bytes, then only the latest ``TAIL_BYTES`` are kept, in ``output-tail.txt``; the
file descriptors 1 and 2 (C code, child processes) go to ``raw-output.txt``, whose size the
process's RLIMIT_FSIZE caps. A watchdog thread kills the process group when the audit that started
it is gone or the job's deadline has passed. The course's helper modules missing beside the file
come from ``chainrule/audit/standins``, put at the end of ``sys.path``.
"""

from __future__ import annotations
import __future__

import ast
import builtins
import contextlib
import io
import json
import linecache
import os
import re
import signal
import sys
import threading
import time
import traceback
import types
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from chainrule.audit.codec import decode, encode, load_arrays, save_arrays
from chainrule.audit.shapes import products

MODULE_NAME = "__chainrule_audit__"  # not "__main__": an `if __name__ == "__main__":` block does not run
MESSAGE_LIMIT = 300
OUTPUT_LIMIT = 1 << 20  # bytes of the learner's output kept from the start
TAIL_BYTES = 4096  # and from the end
RAW_OUTPUT_LIMIT = 16 << 20  # RLIMIT_FSIZE: no file the process writes grows beyond this
STANDINS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "standins")
_CANNOT_IMPORT = re.compile(r"cannot import name '([^']+)' from '([^']+)'")


def write_json(path: str, data: Any) -> None:
    """Write JSON to ``path`` atomically (a temporary file, then a rename)."""
    with open(path + ".tmp", "w", encoding="utf-8") as file:
        json.dump(data, file)
    os.replace(path + ".tmp", path)


class CappedOutput(io.TextIOBase):
    """A text stream for sys.stdout / sys.stderr: the first ``limit`` bytes to ``path``, then the latest ``tail`` bytes.

    After the limit, each write rewrites ``path`` minus ".txt" plus "-tail.txt" with the last
    ``tail`` bytes, so the end of the output survives the process being killed at any moment.
    """

    def __init__(self, path: str, limit: int = OUTPUT_LIMIT, tail: int = TAIL_BYTES) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        self.tail_path = path[: -len(".txt")] + "-tail.txt"
        self.limit, self.tail_size, self.written, self.dropped = limit, tail, 0, 0
        self.tail, self.tail_fd = b"", -1

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self.fd

    def write(self, text: str) -> int:
        data = str(text).encode("utf-8", "replace")
        room = self.limit - self.written
        if room > 0:
            os.write(self.fd, data[:room])
            self.written += min(room, len(data))
            data = data[room:]
        if data:
            if self.tail_fd < 0:
                self.tail_fd = os.open(self.tail_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            self.dropped += len(data)
            self.tail = (self.tail + data)[-self.tail_size:]
            os.pwrite(self.tail_fd, self.tail, 0)
        return len(text)

    def flush(self) -> None:
        pass


def _limit_files() -> None:
    """No file this process writes grows beyond RAW_OUTPUT_LIMIT; a write past it fails instead of killing it."""
    try:
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (RAW_OUTPUT_LIMIT, RAW_OUTPUT_LIMIT))
    except (ImportError, ValueError, OSError, AttributeError):  # pragma: no cover - not POSIX, or a lower limit already
        pass


def start_watchdog(deadline_s: float) -> None:
    """Kill this process's group when the process that started it has gone, or after ``deadline_s`` seconds."""
    parent, end = os.getppid(), time.monotonic() + deadline_s

    def watch() -> None:
        while os.getppid() == parent and time.monotonic() < end:
            time.sleep(0.2)
        try:
            os.killpg(os.getpgrp(), signal.SIGKILL)
        finally:
            os._exit(75)

    threading.Thread(target=watch, name="chainrule-audit-watchdog", daemon=True).start()


def describe_exception(error: BaseException, user_files: set[str]) -> dict[str, Any]:
    """The exception's type and message, and the deepest line of the learner's own file it passed through."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename in user_files]
    where = frames[-1] if frames else None
    if isinstance(error, SystemExit):
        message = f"sys.exit({error.code!r}) was called"
    else:
        message = str(error)
    code = (where.line or linecache.getline(where.filename, where.lineno or 0).strip()) if where else None  # no line number: ""
    described: dict[str, Any] = {
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


def _deepest_frame(error: BaseException, user_files: set[str]) -> types.FrameType | None:
    """The innermost frame of the traceback that runs in the learner's own files."""
    tb, frame = error.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename in user_files:
            frame = tb.tb_frame
        tb = tb.tb_next
    return frame


def _standin_message(error: BaseException, path: str) -> str | None:
    """For ``from gc_utils import name`` where chainrule's stand-in has no ``name``: what to put beside the file."""
    origin = getattr(error, "path", None) or ""
    match = _CANNOT_IMPORT.search(str(error))
    if not (isinstance(error, ImportError) and match and os.path.dirname(origin) == STANDINS):
        return None
    name, module = match.groups()
    return (f"{name} is not among chainrule's stand-ins for the course's {module}: "
            f"put the course's {module}.py beside {os.path.basename(path)}")


def _import_names(statement: ast.stmt) -> list[str]:
    if isinstance(statement, ast.Import):
        return [(alias.asname or alias.name).split(".")[0] for alias in statement.names]
    if isinstance(statement, ast.ImportFrom):
        return [alias.asname or alias.name for alias in statement.names]
    return []


def execute_source(
    path: str, source: str, run: Sequence[Sequence[int]] | None = None, exclude: Sequence[Sequence[int]] = (), progress: str | None = None,
    optimize: int = 0,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Run the program's chosen top-level statements one by one; (its namespace, the statements that raised).

    ``run``: the (line, column) of the statements to run (None: all); ``exclude``: never these.
    ``optimize=1`` compiles without the ``assert`` statements (as ``python -O``), to read the values
    that a failing course-template assert would hide. ``path`` names the code in tracebacks; ``progress`` is
    written with the place of each statement before it runs.
    """
    linecache.cache[path] = (len(source), None, source.splitlines(True), path)
    namespace: dict[str, Any] = {"__name__": MODULE_NAME, "__file__": path, "__builtins__": builtins}
    chosen = None if run is None else {tuple(key) for key in run}
    skipped_keys = {tuple(key) for key in exclude}
    flags, skipped = 0, []
    fd = os.open(progress, os.O_WRONLY | os.O_CREAT, 0o600) if progress else -1
    for statement in ast.parse(source, filename=path).body:
        key = (statement.lineno, statement.col_offset)
        if (chosen is not None and key not in chosen) or key in skipped_keys:
            continue
        if isinstance(statement, ast.ImportFrom) and statement.module == "__future__":
            for alias in statement.names:
                flags |= getattr(__future__, alias.name).compiler_flag
        if fd >= 0:
            os.pwrite(fd, f"{key[0]} {key[1]}".ljust(24).encode(), 0)
        try:
            code = compile(ast.Module(body=[statement], type_ignores=[]), path, "exec", flags=flags, dont_inherit=True, optimize=optimize)
            exec(code, namespace)
        except BaseException as error:  # SystemExit and KeyboardInterrupt included: the learner's code must not stop us
            entry = describe_exception(error, {path}) | {"line": statement.lineno, "column": statement.col_offset}
            entry["message"] = _standin_message(error, path) or entry["message"]
            if isinstance(error, ImportError) and isinstance(statement, ast.Import | ast.ImportFrom):
                entry["import"] = _import_names(statement)
            skipped.append(entry)
    if fd >= 0:
        os.close(fd)
    return namespace, skipped


@contextlib.contextmanager
def prepared(fn: Callable, seed: int | None, stubs: dict[str, str]) -> Iterator[None]:
    """Around one call: ``np.random.seed(seed)`` first (as the course's tests), and the names in ``stubs``
    (name → source of a function) bound in the function's globals instead of the file's, then restored.

    NumPy's generator is restored afterwards too: where there is no fork (``sandbox._InProcess``) the
    call runs in the caller's process, whose random numbers the audit must leave alone."""
    state = None
    if seed is not None:
        import numpy as np

        state = np.random.get_state()
        np.random.seed(seed)
    try:
        with _stubbed(fn, stubs):
            yield
    finally:
        if state is not None:
            np.random.set_state(state)


@contextlib.contextmanager
def _stubbed(fn: Callable, stubs: dict[str, str]) -> Iterator[None]:
    namespace = getattr(fn, "__globals__", None)
    if not stubs or namespace is None:
        yield
        return
    defined: dict[str, Any] = {}
    for source in stubs.values():
        exec(source, defined)
    saved = {name: namespace[name] for name in stubs if name in namespace}
    namespace.update({name: defined[name] for name in stubs})
    try:
        yield
    finally:
        for name in stubs:
            namespace.pop(name, None)
        namespace.update(saved)


def execute_file(path: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Run every top-level statement of a Python file; (its namespace, the statements that raised)."""
    with open(path, encoding="utf-8") as file:
        return execute_source(path, file.read())


def standins_used() -> list[str]:
    """The course modules that were imported from chainrule's stand-ins, not from beside the file."""
    return sorted(
        name for name, module in list(sys.modules.items())
        if os.path.dirname(getattr(module, "__file__", None) or "") == STANDINS and not name.startswith("_")
        and "." not in name
    )  # fmt: skip


def run_job(jobdir: str, lookup: Callable[[str], Any] | None = None, user_files: set[str] | None = None) -> None:
    """Run every call of ``job.json``; functions come from executing the job's program, or from ``lookup``."""
    with open(os.path.join(jobdir, "job.json"), encoding="utf-8") as file:
        job = json.load(file)
    inputs = load_arrays(job.get("inputs") or os.path.join(jobdir, "inputs.npz"))
    user_files = set(user_files or ())
    write_json(os.path.join(jobdir, "started.json"), {})
    skipped: list[dict[str, Any]] = []
    if job.get("file"):
        path = job["file"]
        sys.path.insert(0, os.path.dirname(path))
        if STANDINS not in sys.path:
            sys.path.append(STANDINS)  # last: a module beside the file, or installed, always wins
        sys.argv = [path]
        source = job.get("source")
        if source is None:
            with open(path, encoding="utf-8") as file:
                source = file.read()
        namespace, skipped = execute_source(path, source, job.get("run"), job.get("exclude", []), os.path.join(jobdir, "progress"),
                                            job.get("optimize", 0))
        user_files.add(path)
        lookup = namespace.get
    write_json(os.path.join(jobdir, "loaded.json"), {"skipped": skipped, "standins": standins_used()})
    for i, function in enumerate(job["functions"]):
        fn = lookup(function["name"]) if lookup else None
        outputs: dict[str, Any] = {}
        calls: list[dict[str, Any]] | None = None  # None: nothing callable of that name
        if callable(fn):
            calls = []
            for j, encoded_args in enumerate(function["calls"]):
                args = decode(encoded_args, inputs)
                try:
                    with prepared(fn, function.get("seed"), function.get("stubs") or {}):
                        value = fn(*args)
                    calls.append({"value": encode(value, outputs, prefix=f"c{j}_")})
                except BaseException as error:
                    calls.append({"error": describe_exception(error, user_files)})
        save_arrays(os.path.join(jobdir, f"result-{i}.npz"), outputs)
        write_json(os.path.join(jobdir, f"result-{i}.json"), {"calls": calls})


def prepare_process(jobdir: str, deadline_s: float) -> None:
    """In the process that runs the learner's code: capped output, capped file sizes, the watchdog."""
    _limit_files()
    start_watchdog(deadline_s)
    sys.stdout = sys.stderr = CappedOutput(os.path.join(jobdir, "output.txt"))


def main(jobdir: str | None = None) -> None:
    jobdir = jobdir or sys.argv[-1]
    with open(os.path.join(jobdir, "job.json"), encoding="utf-8") as file:
        deadline = json.load(file).get("deadline_s", 3600.0)
    prepare_process(jobdir, deadline)
    run_job(jobdir)
