"""Training-step benchmark: chainrule against PyTorch and against the matrix-product floor.

One step = forward, cost, backward, gradient-descent update. Each configuration runs in its own
process, where chainrule's step and PyTorch's (nn.Sequential, autograd, SGD, same dtype, same
thread count, BCEWithLogitsLoss on the logits) are timed side by side, alternating, after a
warm-up. Reported per configuration and dtype:

- median step time of each (median over steps, then median and range over repeats) and their ratio;
- the matrix-product floor: Σ over the step's matrix products of the time of that very product
  (same shapes, same operand layouts) measured alone on this machine; and the share of the step it is;
- the extra memory of training (tracemalloc peak during three steps of a fresh network minus
  before its first step, so the step's reused buffers count) against the theoretical grads +
  caches (Z[l], A[l], dZ[l], dA[l-1], dW[l], db[l]).

Run: ``python benchmarks/step_bench.py`` (``make bench`` installs PyTorch and runs it). It writes
docs/benchmarks.md and benchmarks/results/step.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

TARGETS = {"a": 0.35, "b": 0.5, "c": 0.5, "d": 0.9}  # step-time ratio chainrule / PyTorch the issue asks for

CONFIGS = {
    "a": ("flower", [2, 4, 1], ["tanh", "sigmoid"], 400),
    "b": ("cat", [12288, 20, 7, 5, 1], ["relu", "sigmoid"], 209),
    "c": ("wide", [784, 1024, 1024, 10], ["relu", "sigmoid"], 512),
    "d": ("deep-narrow", [64] + [64] * 10 + [1], ["relu", "sigmoid"], 256),
}


def blas_info() -> list[dict]:
    from threadpoolctl import threadpool_info

    return [
        {k: info.get(k) for k in ("user_api", "internal_api", "version", "architecture", "num_threads", "filepath")}
        for info in threadpool_info()
    ]


def machine_name() -> str:
    """The CPU's model name (``/proc/cpuinfo`` on Linux), else what ``platform`` knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return f"{line.split(':', 1)[1].strip()} ({platform.machine()})"
    except OSError:
        pass
    return platform.processor() or platform.machine()


def timed(fn, steps: int, clock=time.perf_counter) -> float:
    """Median seconds of ``fn()`` over ``steps`` calls, by ``clock`` (wall time; ``time.process_time`` for CPU time)."""
    times = []
    for _ in range(steps):
        start = clock()
        fn()
        times.append(clock() - start)
    return statistics.median(times)


def steps_for(budget_s: float, fn) -> int:
    """How many calls of ``fn`` fit in about ``budget_s`` seconds (at least 5)."""
    start = time.perf_counter()
    fn()
    once = max(time.perf_counter() - start, 1e-7)
    return max(5, int(budget_s / once))


def problem(dims, m, dtype, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((dims[0], m)).astype(dtype)
    Y = (rng.random((dims[-1], m)) > 0.5).astype(dtype)
    return X, Y


def matmul_shapes(dims, m):
    """The step's matrix products as (name, (rows, inner), (inner, cols), transposed operand)."""
    shapes = []
    L = len(dims) - 1
    for l in range(1, L + 1):
        shapes.append((f"Z{l} = W{l} A{l - 1}", (dims[l], dims[l - 1]), (dims[l - 1], m), None))
    for l in range(L, 0, -1):
        shapes.append((f"dW{l} = dZ{l} A{l - 1}ᵀ", (dims[l], m), (m, dims[l - 1]), "B"))
        if l > 1:
            shapes.append((f"dA{l - 1} = W{l}ᵀ dZ{l}", (dims[l - 1], dims[l]), (dims[l], m), "A"))
    return shapes


def matmul_floor(dims, m, dtype, budget_s) -> tuple[float, list[dict]]:
    """Σ of each product's time alone, with the same operand layouts as in the step."""
    rng = np.random.default_rng(1)
    rows = []
    for name, (p, q), (q2, r), transposed in matmul_shapes(dims, m):
        # lay the operand out as the step has it: A_prev.T and W.T are transposed views
        a = rng.standard_normal((q, p)).astype(dtype).T if transposed == "A" else rng.standard_normal((p, q)).astype(dtype)
        b = rng.standard_normal((r, q2)).astype(dtype).T if transposed == "B" else rng.standard_normal((q2, r)).astype(dtype)
        out = np.empty((p, r), dtype=dtype)
        fn = lambda a=a, b=b, out=out: np.matmul(a, b, out=out)  # noqa: E731
        for _ in range(3):
            fn()
        seconds = timed(fn, steps_for(budget_s / 8, fn))
        rows.append({"product": name, "shape": f"({p}, {q})({q2}, {r})", "seconds": seconds, "gflops": 2 * p * q * r / seconds / 1e9})
    return sum(r["seconds"] for r in rows), rows


def step_flops(dims, m) -> int:
    """Floating-point operations of the step's matrix products: 2 p q r for each (p, q)(q, r)."""
    return sum(2 * p * q * r for _, (p, q), (_, r), _ in matmul_shapes(dims, m))


def torch_matmul_floor(dims, m, dtype, threads, budget_s) -> float:
    """The same products with PyTorch's BLAS, in the layouts PyTorch's step uses (examples as rows)."""
    import torch

    torch.set_num_threads(threads)
    tdtype = torch.float64 if dtype == np.float64 else torch.float32
    total = 0.0
    L = len(dims) - 1
    for l in range(1, L + 1):
        n, n_prev = dims[l], dims[l - 1]
        A, W, dZ = (torch.randn(m, n_prev, dtype=tdtype), torch.randn(n, n_prev, dtype=tdtype), torch.randn(m, n, dtype=tdtype))
        products = [lambda A=A, W=W: A @ W.T, lambda A=A, dZ=dZ: dZ.T @ A]  # Z = A Wᵀ, dW = dZᵀ A
        if l > 1:
            products.append(lambda W=W, dZ=dZ: dZ @ W)  # dA_prev = dZ W
        for fn in products:
            for _ in range(3):
                fn()
            total += timed(fn, steps_for(budget_s / 8, fn))
    return total


def peak_gflops(dtype, threads, n=2048) -> dict:
    """The best rate of a large square product (n × n)(n × n) in NumPy and in PyTorch: the machine's arithmetic peak."""
    import torch

    torch.set_num_threads(threads)
    a = np.random.default_rng(2).standard_normal((n, n)).astype(dtype)
    at = torch.from_numpy(a)
    rates = {}
    for name, fn in (("numpy", lambda: a @ a), ("torch", lambda: at @ at)):
        fn()
        best = min(timed(fn, 1) for _ in range(3))
        rates[name] = 2 * n**3 / best / 1e9
    return rates


def theoretical_bytes(dims, m, itemsize) -> int:
    """Bytes of the caches and grads of one step: Z[l], A[l], dZ[l], dA[l-1] (l ≥ 2), dW[l], db[l]."""
    L = len(dims) - 1
    total = 0
    for l in range(1, L + 1):
        total += 2 * dims[l] * m  # Z[l], A[l]
        total += dims[l] * m  # dZ[l]
        total += dims[l - 1] * m if l > 1 else 0  # dA[l-1], no dA0 in training
        total += dims[l] * dims[l - 1] + dims[l]  # dW[l], db[l]
    return total * itemsize


def chainrule_step(dims, activations, X, Y, dtype, lr=0.01):
    import chainrule as cr

    net = cr.Network(dims, activations, seed=0, dtype=dtype)
    return net, lambda: net.train_step(X, Y, lr)


def course_style_step(dims, activations, X, Y, dtype, lr=0.01):
    """The step as the course writes it: full chain from dA[L], every dA and dZ kept (dA0 too), new arrays for W, b."""
    import chainrule as cr
    from chainrule.losses import binary_cross_entropy_dA, cost
    from chainrule.network import backward, forward, gradient_descent_step

    net = cr.Network(dims, activations, seed=0, dtype=dtype)
    m = X.shape[1]

    parameters = net.parameters

    def step():  # the updated parameters are made and dropped: the same arithmetic at every step, and no
        # divergence (the course's dA[L] = −(Y/A − (1−Y)/(1−A)) is inf once a float32 output saturates at 1)
        AL, caches = forward(X, parameters, net.activations)
        cost(AL, Y)
        grads = backward(caches, net.activations, 1 / m, dAL=binary_cross_entropy_dA(AL, Y))
        gradient_descent_step(parameters, grads, lr)

    return step


def torch_step(dims, activations, X, Y, dtype, threads, lr=0.01):
    import torch

    torch.set_num_threads(threads)
    tdtype = torch.float64 if dtype == np.float64 else torch.float32
    modules = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh}
    layers = []
    for l in range(1, len(dims)):
        layers.append(torch.nn.Linear(dims[l - 1], dims[l], dtype=tdtype))
        if l < len(dims) - 1:
            layers.append(modules[activations[0]]())
    model = torch.nn.Sequential(*layers)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    Xt, Yt = torch.from_numpy(np.ascontiguousarray(X.T)), torch.from_numpy(np.ascontiguousarray(Y.T))
    loss_fn = torch.nn.BCEWithLogitsLoss(reduction="sum")  # the sigmoid is fused into the loss, PyTorch's best practice
    m = X.shape[1]

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(Xt), Yt) / m
        loss.backward()
        optimizer.step()

    return step


class _TimedNumPy:
    """NumPy with its ``matmul`` timed: put in place of ``chainrule.layers.np`` to see the products inside a step."""

    def __init__(self, clock=time.perf_counter) -> None:
        self.seconds, self.calls, self.clock = 0.0, 0, clock

    def __getattr__(self, name):
        return getattr(np, name)

    def matmul(self, *args, **kwargs):
        start = self.clock()
        try:
            return np.matmul(*args, **kwargs)
        finally:
            self.seconds += self.clock() - start
            self.calls += 1


def products_in_step(step, steps: int, expected_calls: int, clock=time.perf_counter) -> float | None:
    """Seconds per step that ``step`` spends in ``np.matmul`` (chainrule's products, timed where they run, by ``clock``).

    None when the step does not call ``np.matmul`` once per product: steps too small for the workspace
    multiply with the ``@`` operator, which this does not see.
    """
    from chainrule import layers

    timer = _TimedNumPy(clock)
    layers.np = timer
    try:
        for _ in range(steps):
            step()
    finally:
        layers.np = np
    return timer.seconds / steps if timer.calls == expected_calls * steps else None


def configuration(key: str, dtype_name: str):
    """(name, layer_dims, activations per layer, m, dtype, X, Y) of benchmark configuration ``key``."""
    name, dims, (hidden, output), m = CONFIGS[key]
    dtype = np.dtype(dtype_name).type
    X, Y = problem(dims, m, dtype)
    return name, dims, [hidden] * (len(dims) - 2) + [output], m, dtype, X, Y


def run_alone(key: str, dtype_name: str, repeats: int, threads: int, budget_s: float) -> dict:
    """chainrule's step in a process that never imports PyTorch, as users run it: time and page faults per step.

    The minor page faults (``ru_minflt``) count the fresh memory a step touches; the allocator's state in a
    process shared with PyTorch's steps can hide them, hence this separate measurement.
    """
    import resource

    from threadpoolctl import threadpool_limits

    _, dims, activations, _, dtype, X, Y = configuration(key, dtype_name)
    with threadpool_limits(limits=threads):
        _, ours = chainrule_step(dims, activations, X, Y, dtype)
        for _ in range(5):
            ours()
        n = steps_for(budget_s, ours)
        faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        times = [timed(ours, n) for _ in range(repeats)]
        faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults
    assert "torch" not in sys.modules
    return {"alone_s": statistics.median(times), "alone_range_s": [min(times), max(times)], "faults_per_step": faults / (n * repeats)}


def run_one(key: str, dtype_name: str, repeats: int, threads: int, budget_s: float) -> dict:
    from threadpoolctl import threadpool_limits

    name, dims, activations, m, dtype, X, Y = configuration(key, dtype_name)
    with threadpool_limits(limits=threads):
        _, ours = chainrule_step(dims, activations, X, Y, dtype)
        theirs = torch_step(dims, activations, X, Y, dtype, threads)
        plain = course_style_step(dims, activations, X, Y, dtype)
        for _ in range(5):
            ours()
            theirs()
            plain()
        n_ours, n_theirs, n_plain = steps_for(budget_s, ours), steps_for(budget_s, theirs), steps_for(budget_s, plain)
        ours_t, theirs_t, plain_t = [], [], []
        for _ in range(repeats):  # alternate, so that noise hits all three
            ours_t.append(timed(ours, n_ours))
            theirs_t.append(timed(theirs, n_theirs))
            plain_t.append(timed(plain, n_plain))
        floor, products = matmul_floor(dims, m, dtype, budget_s)
        in_step = products_in_step(ours, n_ours, len(matmul_shapes(dims, m)))
        torch_floor = torch_matmul_floor(dims, m, dtype, threads, budget_s)
        peak = peak_gflops(dtype, threads)
        # memory: a fresh network, measured from before its first step, so that the buffers the step
        # keeps between iterations count as training memory
        _, fresh = chainrule_step(dims, activations, X, Y, dtype)
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(3):
            fresh()
        peak_bytes = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        blas = blas_info()
    ours_med, theirs_med = statistics.median(ours_t), statistics.median(theirs_t)
    ratios = [o / t for o, t in zip(ours_t, theirs_t, strict=True)]
    theory = theoretical_bytes(dims, m, np.dtype(dtype).itemsize)
    return {
        "config": key, "name": name, "dims": dims, "m": m, "dtype": dtype_name, "threads": threads,
        "chainrule_s": ours_med, "chainrule_range_s": [min(ours_t), max(ours_t)],
        "torch_s": theirs_med, "torch_range_s": [min(theirs_t), max(theirs_t)],
        "ratio": ours_med / theirs_med,
        "course_style_s": statistics.median(plain_t), "course_style_ratio": statistics.median(plain_t) / theirs_med,
        "ratio_range": [min(ratios), max(ratios)],
        "products_in_step_s": in_step, "in_step_share": None if in_step is None else in_step / ours_med,
        "matmul_floor_s": floor, "matmul_share": floor / ours_med, "floor_over_torch": floor / theirs_med, "products": products,
        "torch_matmul_floor_s": torch_floor, "flops": step_flops(dims, m), "peak_gflops": peak,
        "compute_floor_s": step_flops(dims, m) / (1e9 * max(peak.values())),
        "extra_memory_bytes": peak_bytes - before, "theoretical_bytes": theory, "memory_ratio": (peak_bytes - before) / theory,
        "steps_per_repeat": [n_ours, n_theirs], "repeats": repeats, "blas": blas,
    }


def _label(r: dict) -> str:
    return f"{r['config']} {r['name']} {r['dims'] if len(r['dims']) < 7 else '64 → 10 × 64 → 1'} m={r['m']}"


def _share(r: dict) -> str:
    in_step = r.get("in_step_share")
    return f"{100 * r['matmul_share']:.0f} %" + ("" if in_step is None else f", {100 * in_step:.0f} %")


def _alone(r: dict) -> str:
    if "alone_s" not in r:
        return "–"
    return f"{1e3 * r['alone_s']:.3f}, {r['faults_per_step']:.0f}"


def markdown(results: list[dict], meta: dict) -> str:
    lines = [
        "# Training-step benchmark",
        "",
        "Generated by `python benchmarks/step_bench.py` (`make bench`); what was tried and why, in",
        "[performance.md](performance.md).",
        "",
        f"Machine: {meta['machine']}, {meta['cpus']} CPUs, {meta['threads']} thread(s) for both libraries; "
        f"NumPy {meta['numpy']}, PyTorch {meta['torch']}, Python {meta['python']}.",
        f"BLAS: {meta['blas']}.",
        "",
        "One step = forward, cost, backward, gradient-descent update. Times are medians over many steps;",
        f"each cell is the median over {meta['processes']} fresh processes of the median of {meta['repeats']} alternating repeats,",
        "with the range over every repeat of every process in brackets.",
        "*Course-style step*: forward, cost, the full chain from dA[L] with every dA, dZ kept (dA0 too) and new arrays for",
        "W, b, with the same core functions: what the tricks of the fast step buy.",
        "*Floor*: the sum, over the step's matrix products, of each product timed alone (same shapes and layouts);",
        "*floor / PyTorch* above 1 means NumPy's matrix products alone take longer than PyTorch's whole step.",
        "*Matmul share*: floor / chainrule's step, then the time its step spends in `np.matmul` (each product timed",
        "where it runs, over as many steps as a series) / the step: the share of the step spent in matrix products.",
        "*Memory*: tracemalloc peak during three steps of a fresh network minus before them, against the theoretical",
        "caches + grads (Z[l], A[l], dZ[l], dA[l-1], dW[l], db[l]).",
        "",
        "*Alone*: chainrule's step in a process that never imports PyTorch (as users run it), one process of the same",
        "repeats, with the minor page faults per step: memory the step touches for the first time.",
        "",
        "| config | dtype | chainrule (ms) | PyTorch (ms) | ratio | target | course-style step: ratio | floor (ms) "
        "| floor / PyTorch | matmul share | memory / theory | alone (ms), faults / step |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {_label(r)} | {r['dtype']} "
            f"| {1e3 * r['chainrule_s']:.3f} [{1e3 * r['chainrule_range_s'][0]:.3f}–{1e3 * r['chainrule_range_s'][1]:.3f}] "
            f"| {1e3 * r['torch_s']:.3f} [{1e3 * r['torch_range_s'][0]:.3f}–{1e3 * r['torch_range_s'][1]:.3f}] "
            f"| {r['ratio']:.2f} [{r['ratio_range'][0]:.2f}–{r['ratio_range'][1]:.2f}] | ≤ {r['target_ratio']} "
            f"| {r['course_style_ratio']:.2f} | {1e3 * r['matmul_floor_s']:.3f} | {r['floor_over_torch']:.2f} "
            f"| {_share(r)} "
            f"| {r['extra_memory_bytes'] / 2**20:.2f} / {r['theoretical_bytes'] / 2**20:.2f} MiB = {r['memory_ratio']:.2f} "
            f"| {_alone(r)} |"
        )
    lines += [
        "",
        "## What each target needs",
        "",
        "*Target*: the step time the target ratio allows (ratio × PyTorch's step). *Arithmetic floor*: the step's",
        "matrix-product FLOPs at the best rate this machine reaches on a large (2048 × 2048)² product in either library",
        "(the peak, in brackets NumPy / PyTorch): no implementation of the same products can be faster. *NumPy products*,",
        "*PyTorch products*: the step's products timed alone with each library's BLAS (PyTorch's in its own layout,",
        "examples as rows). A target below the arithmetic floor is out of reach for any program on this machine; one",
        "below both libraries' products is out of reach with either BLAS (OpenBLAS, MKL), whatever is done around the",
        "products; one below the NumPy products alone, for a NumPy implementation. The step's time outside the products,",
        "operation by operation: `python benchmarks/step_profile.py --config c`.",
        "",
        "| config | dtype | target (ms) | GFLOP | peak GFLOP/s | arithmetic floor (ms) | NumPy products (ms) "
        "| PyTorch products (ms) | verdict |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        peak = r["peak_gflops"]
        lines.append(
            f"| {_label(r)} | {r['dtype']} | {1e3 * r['target_s']:.3f} | {r['flops'] / 1e9:.3f} "
            f"| {max(peak.values()):.0f} ({peak['numpy']:.0f} / {peak['torch']:.0f}) | {1e3 * r['compute_floor_s']:.3f} "
            f"| {1e3 * r['matmul_floor_s']:.3f} | {1e3 * r['torch_matmul_floor_s']:.3f} | {r['verdict']} |"
        )
    lines += [
        "",
        "Other targets: matrix products ≥ 90 % of the step on (b) and (c) in float64 (floor / step, in the step) — "
        + ", ".join(
            f"{r['config']}: {_share(r)}" for r in results if r["config"] in "bc" and r["dtype"] == "float64"
        )
        + "; extra training memory ≤ 1.5× the theoretical grads + caches on (c) — "
        + ", ".join(f"{r['dtype']}: {r['memory_ratio']:.2f}×" for r in results if r["config"] == "c")
        + ".",
    ]
    return "\n".join(lines) + "\n"


def verdict(row: dict) -> str:
    """Whether the target time is reachable at all, and with NumPy's products."""
    if row["ratio"] <= row["target_ratio"]:
        return "met"
    if row["target_s"] < row["compute_floor_s"]:
        return "unreachable: below the arithmetic floor at the machine's peak rate"
    if row["target_s"] < min(row["matmul_floor_s"], row["torch_matmul_floor_s"]):
        return "unreachable with either library's BLAS: below the products alone of both"
    if row["target_s"] < row["matmul_floor_s"]:
        return "unreachable with NumPy's BLAS: below its matrix products alone"
    return "not met"


def combine(runs: list[dict]) -> dict:
    """One row from several processes: medians of their medians, ranges over every repeat of every process.

    PyTorch's step time can differ between processes (on the cat network here: 3.3 or 7.4 ms), so one
    process is not enough to say which library is faster.
    """
    row = dict(runs[len(runs) // 2])
    for key in ("chainrule_s", "torch_s", "ratio", "course_style_s", "course_style_ratio", "matmul_floor_s",
                "extra_memory_bytes", "memory_ratio", "torch_matmul_floor_s", "compute_floor_s"):  # fmt: skip
        row[key] = statistics.median(r[key] for r in runs)
    for key in ("chainrule_range_s", "torch_range_s", "ratio_range"):
        row[key] = [min(r[key][0] for r in runs), max(r[key][1] for r in runs)]
    row["matmul_share"] = row["matmul_floor_s"] / row["chainrule_s"]
    shares = [r["in_step_share"] for r in runs if r.get("in_step_share") is not None]
    row["in_step_share"] = statistics.median(shares) if shares else None
    row["floor_over_torch"] = row["matmul_floor_s"] / row["torch_s"]
    row["peak_gflops"] = {k: max(r["peak_gflops"][k] for r in runs) for k in row["peak_gflops"]}
    row["target_ratio"] = TARGETS[row["config"]]
    row["target_s"] = row["target_ratio"] * row["torch_s"]
    row["verdict"] = verdict(row)
    row["processes"] = [{k: r[k] for k in ("chainrule_s", "torch_s", "ratio")} for r in runs]
    return row


def write_section(path: Path, name: str, text: str) -> None:
    """Put ``text`` between ``<!-- begin name -->`` and ``<!-- end name -->`` in ``path``, keeping the other sections.

    docs/benchmarks.md has one section per benchmark script (this one's, ``step_bench``, and
    ``fit_bench``'s), so that each rewrites only its own. A file from before the sections is this
    script's section.
    """
    begin, end = f"<!-- begin {name} -->", f"<!-- end {name} -->"
    block = f"{begin}\n{text.rstrip()}\n{end}\n"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if old.strip() and "<!-- begin " not in old:
        old = f"<!-- begin step_bench -->\n{old.rstrip()}\n<!-- end step_bench -->\n"
    if begin in old and end in old:
        new = old[: old.index(begin)] + block + old[old.index(end) + len(end) :].lstrip("\n")
    else:
        new = (old.rstrip("\n") + "\n\n" if old.strip() else "") + block
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(new, encoding="utf-8")


def run_process(command: list[str]) -> dict:
    """One configuration in a fresh process; its error output is shown if it fails."""
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"benchmark process failed (exit {done.returncode}): {' '.join(command)}")
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", default="a,b,c,d")
    parser.add_argument("--dtypes", default="float64,float32")
    parser.add_argument("--repeats", type=int, default=5, help="alternating timed series per process")
    parser.add_argument("--processes", type=int, default=3, help="fresh processes per configuration")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--budget", type=float, default=1.0, help="seconds per timed series")
    parser.add_argument("--one", nargs=2, metavar=("CONFIG", "DTYPE"), help=argparse.SUPPRESS)
    parser.add_argument("--alone", nargs=2, metavar=("CONFIG", "DTYPE"), help=argparse.SUPPRESS)
    parser.add_argument("--markdown", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--json", default=str(ROOT / "benchmarks" / "results" / "step.json"))
    parser.add_argument("--render", action="store_true", help="only rewrite the Markdown from the JSON of the last run")
    args = parser.parse_args()
    if args.render:
        saved = json.loads(Path(args.json).read_text())
        for row in saved["results"]:
            row["verdict"] = verdict(row)
        write_section(Path(args.markdown), "step_bench", markdown(saved["results"], saved["meta"]))
        print(f"wrote {args.markdown} from {args.json}")
        return
    if args.one:
        print(json.dumps(run_one(args.one[0], args.one[1], args.repeats, args.threads, args.budget)))
        return
    if args.alone:
        print(json.dumps(run_alone(args.alone[0], args.alone[1], args.repeats, args.threads, args.budget)))
        return
    import torch

    results = []
    for key in args.configs.split(","):
        for dtype in args.dtypes.split(","):
            command = [sys.executable, __file__, "--one", key, dtype, "--repeats", str(args.repeats),
                       "--threads", str(args.threads), "--budget", str(args.budget)]
            runs = [run_process(command) for _ in range(args.processes)]
            result = combine(runs)
            command[command.index("--one")] = "--alone"
            result.update(run_process(command))
            results.append(result)
            print(
                f"{key} {result['name']:12s} {dtype}: chainrule {1e3 * result['chainrule_s']:9.3f} ms  "
                f"PyTorch {1e3 * result['torch_s']:9.3f} ms  ratio {result['ratio']:.2f} "
                f"(course-style {result['course_style_ratio']:.2f})  "
                f"floor/PyTorch {result['floor_over_torch']:.2f}  "
                f"matmul share {100 * result['matmul_share']:3.0f} %  memory/theory {result['memory_ratio']:.2f}  "
                f"arithmetic floor {1e3 * result['compute_floor_s']:.3f} ms  target {1e3 * result['target_s']:.3f} ms: "
                f"{result['verdict']}",
                flush=True,
            )
    blas = results[0]["blas"]
    meta = {
        "machine": machine_name(), "cpus": os.cpu_count(), "threads": args.threads,
        "numpy": np.__version__, "torch": torch.__version__, "python": platform.python_version(), "repeats": args.repeats,
        "processes": args.processes,
        "blas": "; ".join(f"{b['internal_api']} {b['version']} kernel {b['architecture']} ({b['num_threads']} threads)" for b in blas),
        "env": {k: v for k, v in os.environ.items() if k.startswith(("OPENBLAS", "OMP", "MKL"))},
    }
    print("BLAS:", meta["blas"], "env:", meta["env"])
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps({"meta": meta, "results": results}, indent=2))
    write_section(Path(args.markdown), "step_bench", markdown(results, meta))
    print(f"wrote {args.markdown} and {args.json}")


if __name__ == "__main__":
    main()
