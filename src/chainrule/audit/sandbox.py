"""Running the learner's code in a separate process with a time limit that nothing in the code can defeat.

A file is executed by a fresh Python process (``chainrule.audit.worker``) started in the file's
folder, as ``python my_assignment.py`` would be, except that ``__name__`` is not ``"__main__"``
and only the top-level statements the audit chose run (``source.Program.plan``). A function object
from a notebook cannot be handed to a fresh process, so it runs in a forked child, which inherits
it with everything it calls (on systems without ``fork`` it runs in this process, without the time
limit). Arguments and results travel as JSON plus ``.npz`` arrays read with ``allow_pickle=False``
(``chainrule.audit.codec``).

The time limit applies to each top-level statement of the file and to each audited function (all
its calls). The
process is the leader of a new session, and at the end of every step, whatever happened, its
whole process group is killed with SIGKILL (children the learner's code forked included, and a
handler for SIGTERM changes nothing); the temporary folder is then removed. A top-level statement
that never ends or ends the process is named (the worker writes where it is before each statement)
and the file runs again without it, with only its definitions; a function that loops is killed and
the functions after it run in a new process. ``sys.exit`` or an exception is caught inside the
process; a crash that ends it (``os._exit``, a segmentation fault) is reported with its exit code.
The learner's output goes to capped files (``worker.CappedOutput``) of which only the tail is ever
read here, so the audit's memory does not grow with what the code prints.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from chainrule.audit.codec import decode, encode, load_arrays, save_arrays
from chainrule.audit.source import Program
from chainrule.audit.wire import Call, Skipped, Stopped
from chainrule.audit.worker import prepare_process, run_job, write_json

POLL_S = 0.005
STARTUP_S = 60.0  # starting Python and importing NumPy, before the time limit starts
LOAD_RETRIES = 3  # new processes after top-level statements that never end or end the process
TAIL_READ = 8192  # bytes read from the end of an output file, never more
WATCHDOG_S = 3600.0  # a worker whose audit is alive but silent this long kills its group (the audit's own limits come first)
_WORKER = "import sys; from chainrule.audit.worker import main; main(sys.argv[1])"


@dataclass
class Failure:
    """Why a function produced no results: "timeout", "crash" or "undefined", with a sentence."""

    kind: str
    message: str


@dataclass
class FunctionRun:
    """The outcome of one function's calls: per call {"value": ...} or {"error": {...}} (``wire.Call``); or a failure."""

    name: str
    calls: list[Call] | None = None
    failure: Failure | None = None


@dataclass
class Run:
    """Everything the separate process reported.

    skipped: top-level statements that raised; stopped: top-level statements that never ended or
    ended the process (``wire.Stopped``), left out of the later runs;
    standins: the course modules supplied by chainrule; output: the tail of the learner's output.
    """

    skipped: list[Skipped] = field(default_factory=list)
    stopped: list[Stopped] = field(default_factory=list)
    standins: list[str] = field(default_factory=list)
    functions: dict[str, FunctionRun] = field(default_factory=dict)
    output: str = ""


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        pass


class _Handle(Protocol):
    """A running worker: a fresh Python process, a forked child, or (without fork) the finished in-process run."""

    def exitcode(self) -> int | None: ...

    def kill(self) -> None: ...

    def close(self) -> None: ...


class _Subprocess:
    def __init__(self, jobdir: str, path: str) -> None:
        log = open(os.path.join(jobdir, "raw-output.txt"), "ab")
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-c", _WORKER, jobdir], cwd=os.path.dirname(path), stdin=subprocess.DEVNULL,
                stdout=log, stderr=log, env=env, start_new_session=True,
            )
        finally:
            log.close()

    def exitcode(self) -> int | None:
        return self.process.poll()

    def kill(self) -> None:
        _kill_group(self.process.pid)
        self.process.kill()
        self.process.wait()

    def close(self) -> None:
        self.kill()  # always: children the learner's code forked are in the group


def _forked_child(jobdir: str, functions: dict[str, Callable[..., Any]], user_files: set[str], deadline_s: float) -> None:
    try:
        os.setsid()
        raw = os.open(os.path.join(jobdir, "raw-output.txt"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.dup2(raw, 1)
        os.dup2(raw, 2)
        prepare_process(jobdir, deadline_s)
        run_job(jobdir, functions.get, user_files)
        code = 0
    except BaseException:  # the audit's own failure in the child: reported by the parent as a crash
        import traceback

        traceback.print_exc()
        code = 70
    os._exit(code)


class _Forked:
    def __init__(self, jobdir: str, functions: dict[str, Callable[..., Any]], user_files: set[str], deadline_s: float) -> None:
        context = multiprocessing.get_context("fork")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # "multi-threaded, use of fork()": a notebook kernel has threads
            self.process = context.Process(target=_forked_child, args=(jobdir, functions, user_files, deadline_s), daemon=True)
            self.process.start()

    def exitcode(self) -> int | None:
        return self.process.exitcode

    def kill(self) -> None:
        if self.process.pid is not None:
            _kill_group(self.process.pid)
        self.process.kill()
        self.process.join()

    def close(self) -> None:
        self.kill()
        self.process.close()


class _InProcess:
    """Fallback where fork is unavailable: runs at once, in this process, without a time limit."""

    def __init__(self, jobdir: str, functions: dict[str, Callable[..., Any]], user_files: set[str], deadline_s: float) -> None:
        run_job(jobdir, functions.get, user_files)

    def exitcode(self) -> int | None:
        return 0

    def kill(self) -> None:
        pass

    def close(self) -> None:
        pass


def _wait_for(path: str, handle: _Handle, timeout: float, progress: str | None = None) -> str | None:
    """None once ``path`` exists; "timeout" or "crash" otherwise (the process is then stopped).

    With ``progress`` (the worker's file naming the top-level statement it runs), the limit is per
    statement: it starts again each time the worker moves on to the next one.
    """
    deadline, mark = time.monotonic() + timeout, None
    while not os.path.exists(path):
        if handle.exitcode() is not None:
            return None if os.path.exists(path) else "crash"
        if progress is not None:
            try:
                now = os.stat(progress).st_mtime_ns
            except OSError:
                now = None
            if now != mark:
                deadline, mark = time.monotonic() + timeout, now
        if time.monotonic() > deadline:
            handle.kill()
            return None if os.path.exists(path) else "timeout"
        time.sleep(POLL_S)
    return None


def _read_json(path: str) -> Any:
    with open(path, encoding="utf-8") as file:
        return json.load(file)


def _read_end(path: str, size: int = TAIL_READ) -> str:
    try:
        with open(path, "rb") as file:
            file.seek(0, os.SEEK_END)
            file.seek(max(0, file.tell() - size))
            return file.read().decode("utf-8", "replace")
    except OSError:
        return ""


def tail(step_dir: str, lines: int = 5) -> str:
    """The last ``lines`` lines the learner's code printed (Python's output first, then file descriptors 1 and 2)."""
    kept = _read_end(os.path.join(step_dir, "output-tail.txt")) or _read_end(os.path.join(step_dir, "output.txt"))
    text = (kept.rstrip() + "\n" + _read_end(os.path.join(step_dir, "raw-output.txt")).rstrip()).strip()
    return "\n".join(text.splitlines()[-lines:]).strip()


def run(
    calls: Mapping[str, Sequence[tuple[Any, ...]]],
    timeout: float,
    program: Program | None = None,
    functions: dict[str, Callable[..., Any]] | None = None,
    run_all: bool = False,
    optimize: int = 0,
    prepare: dict[str, dict[str, Any]] | None = None,
) -> Run:
    """Call each function with each argument tuple in a separate process; ``program`` or ``functions`` says where they are.

    ``calls`` maps a function's name to the argument tuples of its calls; ``optimize=1`` executes the
    file without its ``assert`` statements. Returns the decoded
    results; NumPy arrays come back as fresh arrays, other objects as ``codec.Opaque``. ``prepare``
    maps a name to {"seed": …, "stubs": …}, applied around each of its calls (``worker.prepared``).
    """
    result = Run()
    pending = list(calls)
    plan = program.plan(run_all)[0] if program is not None else None
    with tempfile.TemporaryDirectory(prefix="chainrule-audit-", ignore_cleanup_errors=True) as jobdir:
        inputs: dict[str, Any] = {}
        encoded = {name: [encode(tuple(args), inputs) for args in arg_list] for name, arg_list in calls.items()}
        save_arrays(os.path.join(jobdir, "inputs.npz"), inputs)
        attempt, loads = 0, 0
        while pending:
            deadline_s = WATCHDOG_S + timeout * len(pending)
            attempt += 1
            step_dir = os.path.join(jobdir, f"attempt-{attempt}")
            os.mkdir(step_dir)
            job = {
                "file": os.path.abspath(program.path) if program else None,
                "source": program.text if program else None,
                "run": plan,
                "exclude": [[s["line"], s["column"]] for s in result.stopped],
                "inputs": os.path.join(jobdir, "inputs.npz"),
                "functions": [{"name": n, "calls": encoded[n], **(prepare or {}).get(n, {})} for n in pending],
                "deadline_s": deadline_s,
                "optimize": optimize,
            }
            write_json(os.path.join(step_dir, "job.json"), job)
            handle = _start(step_dir, program, functions, deadline_s)
            try:
                pending, stopped = _collect(step_dir, handle, pending, timeout, result, program, first_attempt=attempt == 1)
            finally:
                handle.close()
            if stopped is not None:
                loads += 1
                result.stopped.append(stopped)
                if run_all and program is not None:
                    plan = program.plan(False)[0]  # after training that never ends: the definitions only
                if loads > LOAD_RETRIES:
                    _fail(result, pending, stopped["kind"], stopped["message"] + "; the audit gave up executing the file")
                    pending = []
            result.output = tail(step_dir, 20) or result.output
    return result


def _start(step_dir: str, program: Program | None, functions: dict[str, Callable[..., Any]] | None, deadline_s: float) -> _Handle:
    if program is not None:
        return _Subprocess(step_dir, os.path.abspath(program.path))
    user_files = {getattr(getattr(f, "__code__", None), "co_filename", "") for f in (functions or {}).values()}
    if "fork" in multiprocessing.get_all_start_methods():
        return _Forked(step_dir, functions or {}, user_files, deadline_s)
    return _InProcess(step_dir, functions or {}, user_files, deadline_s)  # pragma: no cover - Windows


def _fail(result: Run, names: list[str], kind: str, message: str) -> None:
    for name in names:
        result.functions[name] = FunctionRun(name, failure=Failure(kind, message))


def _stopped_statement(step_dir: str, program: Program | None) -> tuple[int, int] | None:
    try:
        with open(os.path.join(step_dir, "progress"), encoding="utf-8") as file:
            line, column = file.read().split()[:2]
        return int(line), int(column)
    except (OSError, ValueError):
        return None


def _collect(
    step_dir: str, handle: _Handle, pending: list[str], timeout: float, result: Run, program: Program | None, first_attempt: bool,
) -> tuple[list[str], Stopped | None]:
    """Read one process's results: (the names still to run in a new process, a top-level statement to leave out)."""
    problem = _wait_for(os.path.join(step_dir, "started.json"), handle, STARTUP_S) or _wait_for(
        os.path.join(step_dir, "loaded.json"), handle, timeout, progress=os.path.join(step_dir, "progress")
    )
    if problem:
        key = _stopped_statement(step_dir, program) if program else None
        if program is not None and key is not None:
            how = (f"did not finish within {timeout:g} s (it trains a model, or loops?)" if problem == "timeout"
                   else f"ended the process with exit code {handle.exitcode()}{_last_words(step_dir)}")
            where = program.where(key[0])
            return pending, {"line": key[0], "column": key[1], "kind": problem,
                             "message": f"the top-level statement at {where} {how}"}  # fmt: skip
        what = "executing the file" if program else "starting the process"
        message = (
            f"{what} did not finish within {timeout:g} s" if problem == "timeout"
            else f"the process ended with exit code {handle.exitcode()} while {what}{_last_words(step_dir)}"
        )
        _fail(result, pending, problem, message)
        return [], None
    if first_attempt or not result.skipped:
        loaded = _read_json(os.path.join(step_dir, "loaded.json"))
        result.skipped, result.standins = loaded["skipped"], loaded.get("standins", [])
    for i, name in enumerate(pending):
        problem = _wait_for(os.path.join(step_dir, f"result-{i}.json"), handle, timeout)
        if problem == "timeout":
            message = f"did not return within {timeout:g} s (an infinite loop?); the process was stopped"
            result.functions[name] = FunctionRun(name, failure=Failure("timeout", message))
            return pending[i + 1:], None
        if problem == "crash":
            message = f"the process running it ended with exit code {handle.exitcode()} (os._exit or a crash){_last_words(step_dir)}"
            result.functions[name] = FunctionRun(name, failure=Failure("crash", message))
            return pending[i + 1:], None
        calls = _read_json(os.path.join(step_dir, f"result-{i}.json"))["calls"]
        if calls is None:
            result.functions[name] = FunctionRun(name, failure=Failure("undefined", f"{name} is not defined after executing the file"))
            continue
        arrays = load_arrays(os.path.join(step_dir, f"result-{i}.npz"))
        result.functions[name] = FunctionRun(
            name, calls=[{"value": decode(c["value"], arrays)} if "value" in c else c for c in calls]
        )
    return [], None


def _last_words(step_dir: str) -> str:
    text = tail(step_dir, 3)
    return f"; its last output: {text!r}" if text else ""
