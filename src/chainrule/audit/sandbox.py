"""Running the learner's code in a separate process with a time limit.

A file is executed by a fresh Python process (``python -m chainrule.audit.worker``) started in the
file's folder, as ``python my_assignment.py`` would be, except that ``__name__`` is not
``"__main__"``. A function object from a notebook cannot be handed to a fresh process, so it runs in
a forked child, which inherits it with everything it calls (on systems without ``fork`` it runs in
this process, without the time limit). Arguments and results travel as JSON plus ``.npz`` arrays
read with ``allow_pickle=False`` (``chainrule.audit.codec``).

The time limit applies to executing the file and to each audited function (all its calls): an
infinite loop is killed and reported, and the functions after it run in a new process. A
``sys.exit`` or an exception is caught inside the process; a crash that ends the process (``os._exit``,
a segmentation fault) is reported with its exit code.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from chainrule.audit.codec import decode, encode, load_arrays, save_arrays
from chainrule.audit.worker import run_job, write_json

POLL_S = 0.005
STARTUP_S = 60.0  # starting Python and importing NumPy, before the time limit starts


@dataclass
class Failure:
    """Why a function produced no results: "timeout", "crash" or "undefined", with a sentence."""

    kind: str
    message: str


@dataclass
class FunctionRun:
    """The outcome of one function's calls: per call {"value": ...} or {"error": {...}}; or a failure."""

    name: str
    calls: list[dict[str, Any]] | None = None
    failure: Failure | None = None


@dataclass
class Run:
    """Everything the separate process reported: top-level statements that raised, and each function's run."""

    skipped: list[dict[str, Any]] = field(default_factory=list)
    functions: dict[str, FunctionRun] = field(default_factory=dict)
    output: str = ""


class _Subprocess:
    def __init__(self, jobdir: str, path: str) -> None:
        self.log = open(os.path.join(jobdir, "output.txt"), "ab")
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "chainrule.audit.worker", jobdir],
            cwd=os.path.dirname(path), stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log, env=env,
        )

    def exitcode(self) -> int | None:
        return self.process.poll()

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()

    def close(self) -> None:
        if self.process.poll() is None:
            self.kill()
        self.log.close()


def _forked_child(jobdir: str, functions: dict[str, Callable], user_files: set[str]) -> None:
    log = open(os.path.join(jobdir, "output.txt"), "a", encoding="utf-8")
    sys.stdout = sys.stderr = log
    try:
        run_job(jobdir, functions.get, user_files)
        code = 0
    except BaseException:  # the audit's own failure in the child: reported by the parent as a crash
        import traceback

        traceback.print_exc()
        code = 70
    log.flush()
    os._exit(code)


class _Forked:
    def __init__(self, jobdir: str, functions: dict[str, Callable], user_files: set[str]) -> None:
        context = multiprocessing.get_context("fork")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # "multi-threaded, use of fork()": a notebook kernel has threads
            self.process = context.Process(target=_forked_child, args=(jobdir, functions, user_files), daemon=True)
            self.process.start()

    def exitcode(self) -> int | None:
        return self.process.exitcode

    def kill(self) -> None:
        self.process.kill()
        self.process.join()

    def close(self) -> None:
        if self.process.exitcode is None:
            self.kill()
        self.process.close()


class _InProcess:
    """Fallback where fork is unavailable: runs at once, in this process, without a time limit."""

    def __init__(self, jobdir: str, functions: dict[str, Callable], user_files: set[str]) -> None:
        run_job(jobdir, functions.get, user_files)

    def exitcode(self) -> int | None:
        return 0

    def kill(self) -> None:
        pass

    def close(self) -> None:
        pass


def _wait_for(path: str, handle, timeout: float) -> str | None:
    """None once ``path`` exists; "timeout" or "crash" otherwise (the process is then stopped)."""
    deadline = time.monotonic() + timeout
    while not os.path.exists(path):
        if handle.exitcode() is not None:
            return None if os.path.exists(path) else "crash"
        if time.monotonic() > deadline:
            handle.kill()
            return None if os.path.exists(path) else "timeout"
        time.sleep(POLL_S)
    return None


def _read_json(path: str) -> Any:
    with open(path, encoding="utf-8") as file:
        return json.load(file)


def _tail(path: str, lines: int = 5) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as file:
            return "".join(file.readlines()[-lines:]).strip()
    except OSError:
        return ""


def run(
    calls: dict[str, Sequence[tuple]],
    timeout: float,
    path: str | None = None,
    functions: dict[str, Callable] | None = None,
    optimize: int = 0,
) -> Run:
    """Call each function with each argument tuple in a separate process; ``path`` or ``functions`` says where they are.

    ``calls`` maps a function's name to the argument tuples of its calls; ``optimize=1`` executes the
    file without its ``assert`` statements. Returns the decoded
    results; NumPy arrays come back as fresh arrays, other objects as ``codec.Opaque``.
    """
    result = Run()
    pending = list(calls)
    with tempfile.TemporaryDirectory(prefix="chainrule-audit-") as jobdir:
        inputs: dict[str, Any] = {}
        encoded = {name: [encode(tuple(args), inputs) for args in arg_list] for name, arg_list in calls.items()}
        save_arrays(os.path.join(jobdir, "inputs.npz"), inputs)
        attempt = 0
        while pending:
            attempt += 1
            step_dir = os.path.join(jobdir, f"attempt-{attempt}")
            os.mkdir(step_dir)
            job = {
                "file": os.path.abspath(path) if path else None,
                "inputs": os.path.join(jobdir, "inputs.npz"),
                "functions": [{"name": n, "calls": encoded[n]} for n in pending],
                "optimize": optimize,
            }
            write_json(os.path.join(step_dir, "job.json"), job)
            handle = _start(step_dir, path, functions)
            try:
                pending = _collect(step_dir, handle, pending, timeout, result, path, first_attempt=attempt == 1)
            finally:
                handle.close()
            result.output += _tail(os.path.join(step_dir, "output.txt"), 20)
    return result


def _start(step_dir: str, path: str | None, functions: dict[str, Callable] | None):
    if path is not None:
        return _Subprocess(step_dir, os.path.abspath(path))
    user_files = {getattr(getattr(f, "__code__", None), "co_filename", "") for f in (functions or {}).values()}
    if "fork" in multiprocessing.get_all_start_methods():
        return _Forked(step_dir, functions or {}, user_files)
    return _InProcess(step_dir, functions or {}, user_files)  # pragma: no cover - Windows


def _collect(step_dir: str, handle, pending: list[str], timeout: float, result: Run, path: str | None, first_attempt: bool) -> list[str]:
    """Read one process's results; the names still to run in a new process after a timeout or crash."""
    problem = _wait_for(os.path.join(step_dir, "started.json"), handle, STARTUP_S) or _wait_for(
        os.path.join(step_dir, "loaded.json"), handle, timeout
    )
    if problem:
        what = "executing the file" if path else "starting the process"
        message = (
            f"{what} did not finish within {timeout:g} s (top-level code that loops, or trains a model?)"
            if problem == "timeout"
            else f"the process ended with exit code {handle.exitcode()} while {what}{_last_words(step_dir)}"
        )
        for name in pending:
            result.functions[name] = FunctionRun(name, failure=Failure(problem, message))
        return []
    if first_attempt:
        result.skipped = _read_json(os.path.join(step_dir, "loaded.json"))["skipped"]
    for i, name in enumerate(pending):
        problem = _wait_for(os.path.join(step_dir, f"result-{i}.json"), handle, timeout)
        if problem == "timeout":
            message = f"did not return within {timeout:g} s (an infinite loop?); the process was stopped"
            result.functions[name] = FunctionRun(name, failure=Failure("timeout", message))
            return pending[i + 1:]
        if problem == "crash":
            message = f"the process running it ended with exit code {handle.exitcode()} (os._exit or a crash){_last_words(step_dir)}"
            result.functions[name] = FunctionRun(name, failure=Failure("crash", message))
            return pending[i + 1:]
        calls = _read_json(os.path.join(step_dir, f"result-{i}.json"))["calls"]
        if calls is None:
            result.functions[name] = FunctionRun(name, failure=Failure("undefined", f"{name} is not defined after executing the file"))
            continue
        arrays = load_arrays(os.path.join(step_dir, f"result-{i}.npz"))
        result.functions[name] = FunctionRun(
            name, calls=[{"value": decode(c["value"], arrays)} if "value" in c else c for c in calls]
        )
    return []


def _last_words(step_dir: str) -> str:
    tail = _tail(os.path.join(step_dir, "output.txt"), 3)
    return f"; its last output: {tail!r}" if tail else ""
