"""Whole-``fit`` benchmark: chainrule's training loop against the loops a user would pick instead.

Each configuration runs in its own process, where the libraries' training runs are timed side by
side, alternating, after a warm-up, with the same thread count (threadpoolctl for NumPy's BLAS,
``torch.set_num_threads`` for PyTorch):

- full batch (the four networks of ``step_bench.py``, gradient descent): ``Network.fit(X, Y,
  num_iterations=N)`` against a plain PyTorch loop of the same N iterations (``step_bench.torch_step``:
  nn.Sequential, autograd, SGD, BCEWithLogitsLoss on the logits);
- mini-batch Adam (digits [64, 512, 512, 10] batch 256, a synthetic MNIST-sized [784, 256, 256, 10]
  batch 128): ``Network.fit(..., epochs=E, batch_size=B, optimizer="adam")`` against scikit-learn's
  ``MLPClassifier.fit`` (Adam, the same batch size, epochs and learning rate, no L2, no early
  stopping, ``n_iter_no_change`` larger than the epochs so that every epoch runs) and a plain PyTorch
  loop (each epoch the tensors shuffled with ``torch.randperm`` into contiguous copies, then sliced;
  ``torch.optim.Adam(foreach=True)``, CrossEntropyLoss on the logits, the epoch's loss summed with
  ``loss.item()`` as ``fit`` records its cost).

Reported per configuration and dtype: the median time of each run (median over repeats, range in
brackets) and the ratios; ``fit``'s own overhead over its steps (the time ``fit`` spends outside
``Network._train_step``, timed inside the same calls, over the time in it); the share of one step
spent in ``np.matmul`` (``step_bench.products_in_step``); for Adam, the time of the optimizer's
update alone over the whole step.

Run: ``python benchmarks/fit_bench.py`` (``make bench`` runs it after the step benchmark). It writes
its section of docs/benchmarks.md and benchmarks/results/fit.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import step_bench  # the timer, the machine report and the four full-batch configurations

ROOT = Path(__file__).resolve().parents[1]

# full batch: step_bench's configuration key → iterations per fit
FULL_BATCH = {"a": 1000, "b": 50, "c": 10, "d": 200}
FULL_TARGETS = {"a": 0.35, "b": 0.8, "c": 0.8, "d": 0.8}  # whole fit / PyTorch loop, float64
# mini-batch Adam: name → (layer_dims, m, batch_size, epochs, learning rate)
MINI_BATCH = {
    "digits": ([64, 512, 512, 10], 1797, 256, 10, 1e-3),
    "mnist": ([784, 256, 256, 10], 10_000, 128, 2, 1e-3),
}
MINI_TARGET = 0.7  # fit / scikit-learn and fit / PyTorch
ADAM_TARGET = 0.10  # Adam's update / the whole step on digits
OVERHEAD_TARGET = 0.05


def digits(dtype) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's 8 × 8 digits, standardized: X (64, 1797) (the transpose of the (1797, 64) rows), labels (1797,)."""
    from sklearn.datasets import load_digits

    data = load_digits()
    X = data.data
    X = (X - X.mean(axis=0)) / (X.std(axis=0) + 1e-8)
    return X.T.astype(dtype), data.target


def synthetic(n_x: int, m: int, n_classes: int, dtype, seed=0) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian inputs, labels = argmax of a random linear teacher: an MNIST-sized problem that can be learned.

    X (n_x, m) is the transpose of an (m, n_x) array, as data sets are stored (one example per row) and as
    scikit-learn and PyTorch take them: every library reads the same memory.
    """
    rng = np.random.default_rng(seed)
    rows = rng.standard_normal((m, n_x))
    teacher = rng.standard_normal((n_x, n_classes))
    return rows.astype(dtype).T, np.argmax(rows @ teacher, axis=1)


def fit_timer(net):
    """Wrap ``net._train_step`` so that the seconds spent in it are counted: ``(spent, unwrap)``.

    The wrapper's two clock reads (well under a microsecond) count as step time.
    """
    inner = net._train_step
    spent = [0.0]

    def counted(*args, **kwargs):
        start = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - start

    net._train_step = counted
    return spent, lambda: net.__dict__.pop("_train_step", None)


def overhead_of(net, run) -> tuple[float, float]:
    """(seconds of ``run()``, fit's overhead = time outside its steps / time in them), in the same call."""
    spent, unwrap = fit_timer(net)
    start = time.perf_counter()
    try:
        run()
    finally:
        unwrap()
    total = time.perf_counter() - start
    return total, total / spent[0] - 1


CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}
clock = CLOCKS["wall"]  # the clock of the comparisons; --clock cpu on a machine that others share (see main)


def alternate(runs: dict, repeats: int) -> dict[str, list[float]]:
    """Each run once per repeat, in turn, after one warm-up each: {name: [seconds per repeat]} by ``clock``."""
    for fn in runs.values():
        fn()
    times = {name: [] for name in runs}
    for _ in range(repeats):
        for name, fn in runs.items():
            start = clock()
            fn()
            times[name].append(clock() - start)
    return times


def matmul_share(step, steps: int, n_products: int) -> float | None:
    """The share of ``steps`` calls of ``step`` spent in ``np.matmul``, both timed by ``clock`` in the same calls
    (the median of three such series)."""
    shares = []
    for _ in range(3):
        start = clock()
        in_products = step_bench.products_in_step(step, steps, n_products, clock)
        if in_products is None:
            return None
        shares.append(in_products * steps / (clock() - start))
    return statistics.median(shares)


def torch_adam_loop(dims, X, labels, batch_size, epochs, lr, dtype, threads, seed=0):
    """The plain PyTorch loop: per epoch one shuffled contiguous copy of the data, then batches as slices."""
    import torch

    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    tdtype = torch.float64 if dtype == np.float64 else torch.float32
    layers = []
    for l in range(1, len(dims)):
        layers.append(torch.nn.Linear(dims[l - 1], dims[l], dtype=tdtype))
        if l < len(dims) - 1:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, foreach=True)
    loss_fn = torch.nn.CrossEntropyLoss()
    Xt, yt = torch.from_numpy(np.ascontiguousarray(X.T)), torch.from_numpy(labels.astype(np.int64))
    generator = torch.Generator().manual_seed(seed)
    m = Xt.shape[0]

    def run():
        for _ in range(epochs):
            permutation = torch.randperm(m, generator=generator)
            X_shuffled, y_shuffled = Xt[permutation], yt[permutation]
            total = 0.0
            for k in range(0, m, batch_size):
                X_batch, y_batch = X_shuffled[k : k + batch_size], y_shuffled[k : k + batch_size]
                optimizer.zero_grad(set_to_none=True)
                loss = loss_fn(model(X_batch), y_batch)
                loss.backward()
                optimizer.step()
                total += loss.item() * X_batch.shape[0]

    return run


def sklearn_fit(dims, X, labels, batch_size, epochs, lr, seed=0):
    """scikit-learn's MLPClassifier.fit with Adam, every epoch run: no L2, no early stopping, no tolerance stop."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    X_rows = np.ascontiguousarray(X.T)

    def run():
        model = MLPClassifier(hidden_layer_sizes=tuple(dims[1:-1]), activation="relu", solver="adam", alpha=0.0,
                              batch_size=batch_size, learning_rate_init=lr, max_iter=epochs, shuffle=True,
                              tol=0.0, n_iter_no_change=epochs + 1, early_stopping=False, random_state=seed)  # fmt: skip
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # max_iter reached: every epoch ran, as asked
            model.fit(X_rows, labels)
        assert model.n_iter_ == epochs

    return run


def adam_update_share(net, X_batch, Y_batch, lr, budget_s) -> dict:
    """Seconds of one Adam update alone (on the step's own grads, with its scratch) and of the whole step with it."""
    from chainrule.network import forward
    from chainrule.optim import get_optimizer

    adam = get_optimizer("adam")
    state = adam.init(net.parameters)
    step = lambda: net.train_step(X_batch, Y_batch, lr, optimizer="adam", state=state)  # noqa: E731
    for _ in range(3):
        step()
    parameters = {key: value.copy() for key, value in net.parameters.items()}
    _, caches = forward(X_batch, parameters, net.activations)
    grads = net.backward(Y_batch, caches, need_dA0=False)
    grads = {key: value for key, value in grads.items() if key[1] in "Wb"}
    update_state = adam.init(parameters)
    largest = max(value.size for value in parameters.values())
    scratch = np.empty(adam.temporaries * largest, net.dtype)
    update = lambda: adam.update(parameters, grads, update_state, 1e-12, inplace=True, scratch=scratch)  # noqa: E731
    update()
    steps, updates = [], []
    for _ in range(5):
        steps.append(step_bench.timed(step, step_bench.steps_for(budget_s / 5, step), clock))
        updates.append(step_bench.timed(update, step_bench.steps_for(budget_s / 5, update), clock))
    share = matmul_share(step, 30, len(step_bench.matmul_shapes(net.layer_dims, X_batch.shape[1])))
    step_s = statistics.median(steps)
    return {"step_s": step_s, "adam_update_s": statistics.median(updates), "adam_share": statistics.median(updates) / step_s,
            "matmul_share": share}


def run_full_batch(key: str, dtype_name: str, repeats: int, threads: int, iterations: int | None) -> dict:
    from threadpoolctl import threadpool_limits

    import chainrule as cr

    name, dims, activations, m, dtype, X, Y = step_bench.configuration(key, dtype_name)
    N = iterations or FULL_BATCH[key]
    with threadpool_limits(limits=threads):
        net = cr.Network(dims, activations, seed=0, dtype=dtype)
        torch_step = step_bench.torch_step(dims, activations, X, Y, dtype, threads)
        overheads = []

        def ours():
            _, overhead = overhead_of(net, lambda: net.fit(X, Y, 0.01, num_iterations=N))
            overheads.append(overhead)

        def theirs():
            for _ in range(N):
                torch_step()

        times = alternate({"chainrule": ours, "torch": theirs}, repeats)
        ratios = [o / t for o, t in zip(times["chainrule"], times["torch"], strict=True)]
        step_net = cr.Network(dims, activations, seed=0, dtype=dtype)
        one_step = lambda: step_net.train_step(X, Y, 0.01)  # noqa: E731
        one_step()
        share = matmul_share(one_step, max(5, min(N, 50)), len(step_bench.matmul_shapes(dims, m)))
        step_s = step_bench.timed(one_step, max(5, min(N, 200)), clock)
        short = {}
        if key == "a":  # the flower's overhead at few and many iterations: fit's fixed costs against its per-iteration ones
            for n in (10, 100, 1000, 10_000):
                short[n] = statistics.median(overhead_of(net, lambda n=n: net.fit(X, Y, 0.01, num_iterations=n))[1] for _ in range(5))
        blas = step_bench.blas_info()
    return {
        "kind": "full batch", "config": key, "name": name, "dims": dims, "m": m, "dtype": dtype_name, "threads": threads,
        "iterations": N, "chainrule_s": statistics.median(times["chainrule"]),
        "chainrule_range_s": [min(times["chainrule"]), max(times["chainrule"])],
        "torch_s": statistics.median(times["torch"]), "torch_range_s": [min(times["torch"]), max(times["torch"])],
        "ratio_torch": statistics.median(ratios), "ratio_torch_range": [min(ratios), max(ratios)],
        "target_torch": FULL_TARGETS[key], "overhead": statistics.median(overheads[1:]),
        "overhead_range": [min(overheads[1:]), max(overheads[1:])], "overhead_by_iterations": short,
        "step_s": step_s, "matmul_share": share,
        "repeats": repeats, "blas": blas,
    }


def run_mini_batch(name: str, dtype_name: str, repeats: int, threads: int, budget_s: float) -> dict:
    from threadpoolctl import threadpool_limits

    import chainrule as cr

    dims, m, batch_size, epochs, lr = MINI_BATCH[name]
    dtype = np.dtype(dtype_name).type
    X, labels = digits(dtype) if name == "digits" else synthetic(dims[0], m, dims[-1], dtype)
    activations = ["relu"] * (len(dims) - 2) + ["softmax"]
    with threadpool_limits(limits=threads):
        net = cr.Network(dims, activations, seed=0, dtype=dtype)
        overheads = []

        def ours():
            _, overhead = overhead_of(net, lambda: net.fit(X, labels.reshape(1, -1), lr, epochs=epochs, batch_size=batch_size,
                                                           optimizer="adam"))  # fmt: skip
            overheads.append(overhead)

        runs = {"chainrule": ours, "sklearn": sklearn_fit(dims, X, labels, batch_size, epochs, lr),
                "torch": torch_adam_loop(dims, X, labels, batch_size, epochs, lr, dtype, threads)}
        times = alternate(runs, repeats)
        ratios = {peer: [o / t for o, t in zip(times["chainrule"], times[peer], strict=True)] for peer in ("sklearn", "torch")}
        Y = net.targets(labels.reshape(1, -1), m).astype(dtype)
        share = adam_update_share(cr.Network(dims, activations, seed=0, dtype=dtype), np.ascontiguousarray(X[:, :batch_size]),
                                  np.ascontiguousarray(Y[:, :batch_size]), lr, budget_s)  # fmt: skip
        accuracy = net.accuracy(X, labels.reshape(1, -1))
        blas = step_bench.blas_info()
    row = {
        "kind": "mini-batch adam", "config": name, "name": name, "dims": dims, "m": m, "batch_size": batch_size, "epochs": epochs,
        "dtype": dtype_name, "threads": threads, "repeats": repeats, "blas": blas, "train_accuracy_after": accuracy,
        "overhead": statistics.median(overheads[1:]), "overhead_range": [min(overheads[1:]), max(overheads[1:])], **share,
    }
    for lib in runs:
        row[f"{lib}_s"], row[f"{lib}_range_s"] = statistics.median(times[lib]), [min(times[lib]), max(times[lib])]
    for peer, values in ratios.items():
        row[f"ratio_{peer}"], row[f"ratio_{peer}_range"] = statistics.median(values), [min(values), max(values)]
    return row


def _range(r: dict, key: str, scale: float = 1e3, digits: int = 1) -> str:
    low, high = r[f"{key}_range_s"] if f"{key}_range_s" in r else r[f"{key}_range"]
    value = r[f"{key}_s"] if f"{key}_s" in r else r[key]
    return f"{scale * value:.{digits}f} [{scale * low:.{digits}f}–{scale * high:.{digits}f}]"


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f} %"


def _met(ratio: float, target: float) -> str:
    return "met" if ratio <= target else "not met"


def markdown(results: list[dict], meta: dict) -> str:
    full = [r for r in results if r["kind"] == "full batch"]
    mini = [r for r in results if r["kind"] != "full batch"]
    lines = [
        "## Whole `fit` against the peers",
        "",
        "Generated by `python benchmarks/fit_bench.py` (`make bench`); what was tried and why, in",
        "[performance.md](performance.md#the-training-loop).",
        "",
        f"Machine: {meta['machine']}, {meta['cpus']} CPUs, {meta['threads']} thread(s) for every library; "
        f"NumPy {meta['numpy']}, PyTorch {meta['torch']}, scikit-learn {meta['sklearn']}, Python {meta['python']}.",
        f"BLAS: {meta['blas']}. {meta['note']}",
        "",
        f"Times ({'CPU time of the process' if meta.get('clock') == 'cpu' else 'wall time'}): median over {meta['repeats']} "
        "alternating repeats in one process per row, range in brackets; ratios",
        "are chainrule / peer, repeat by repeat. *Overhead*: the time `fit` spends outside its steps",
        "(`Network._train_step`) over the time in them, measured inside the same `fit` calls. *Matmul share*: the time",
        "steps spend in `np.matmul`, timed where each product runs, over the time of the same steps by the same clock",
        "(median of three series; – where the step is too small for the workspace and multiplies with `@`). *Adam",
        "update / step*: the update alone on the step's grads over the whole step with it, both medians, in the same process.",
        "",
        "### Full batch: `fit(X, Y, num_iterations=N)` against a PyTorch loop of N steps",
        "",
        "| config | dtype | N | chainrule (ms) | PyTorch (ms) | ratio | target | fit overhead | matmul share |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in full:
        lines.append(
            f"| {step_bench._label(r)} | {r['dtype']} | {r['iterations']} | {_range(r, 'chainrule')} | {_range(r, 'torch')} "
            f"| {r['ratio_torch']:.2f} [{r['ratio_torch_range'][0]:.2f}–{r['ratio_torch_range'][1]:.2f}] "
            f"| ≤ {r['target_torch']} ({_met(r['ratio_torch'], r['target_torch']) if r['dtype'] == 'float64' else 'float64 only'}) "
            f"| {_percent(r['overhead'])} | {_percent(r['matmul_share'])} |"
        )
    flower = next((r for r in full if r["overhead_by_iterations"]), None)
    if flower is not None:
        lines += ["", f"Overhead of `fit` on the flower ({flower['dtype']}) by number of iterations, the median of five calls: "
                  + ", ".join(f"N = {n}: {_percent(v)}" for n, v in flower["overhead_by_iterations"].items())
                  + ". At small N it is fit's fixed cost (checking X and Y, the generator, the History), paid once a call."]
    lines += [
        "",
        "### Mini-batch Adam: `fit(..., batch_size=B, optimizer=\"adam\")` against scikit-learn and PyTorch",
        "",
        "| config | dtype | epochs | chainrule (ms) | scikit-learn (ms) | PyTorch (ms) | / scikit-learn | / PyTorch "
        "| target | fit overhead | Adam update / step | matmul share |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in mini:
        met = "met" if max(r["ratio_sklearn"], r["ratio_torch"]) <= MINI_TARGET else "not met"
        lines.append(
            f"| {r['name']} {r['dims']} m={r['m']} batch {r['batch_size']} | {r['dtype']} | {r['epochs']} "
            f"| {_range(r, 'chainrule')} | {_range(r, 'sklearn')} | {_range(r, 'torch')} "
            f"| {r['ratio_sklearn']:.2f} [{r['ratio_sklearn_range'][0]:.2f}–{r['ratio_sklearn_range'][1]:.2f}] "
            f"| {r['ratio_torch']:.2f} [{r['ratio_torch_range'][0]:.2f}–{r['ratio_torch_range'][1]:.2f}] "
            f"| ≤ {MINI_TARGET} ({met}) | {_percent(r['overhead'])} "
            f"| {1e3 * r['adam_update_s']:.3f} / {1e3 * r['step_s']:.3f} ms = {_percent(r['adam_share'])} | {_percent(r['matmul_share'])} |"
        )
    lines += ["", f"Targets: fit overhead ≤ {100 * OVERHEAD_TARGET:.0f} %; Adam's update ≤ {100 * ADAM_TARGET:.0f} % of a digits "
              "[64, 512, 512, 10] batch-256 step."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", default="a,b,c,d,digits,mnist", help="step_bench's a–d (full batch), digits, mnist")
    parser.add_argument("--dtypes", default="float64,float32")
    parser.add_argument("--repeats", type=int, default=5, help="alternating timed runs per library")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--budget", type=float, default=1.0, help="seconds for the Adam-update share measurement")
    parser.add_argument("--iterations", type=int, default=None, help="full-batch iterations (default: per configuration)")
    parser.add_argument("--note", default="", help="a sentence on the machine's state, printed with the results")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall",
                        help="wall time, or the process's CPU time (with --threads 1, on a machine shared with other jobs)")
    parser.add_argument("--one", nargs=2, metavar=("CONFIG", "DTYPE"), help=argparse.SUPPRESS)
    parser.add_argument("--markdown", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--json", default=str(ROOT / "benchmarks" / "results" / "fit.json"))
    parser.add_argument("--render", action="store_true", help="only rewrite the Markdown from the JSON of the last run")
    args = parser.parse_args()
    global clock
    clock = CLOCKS[args.clock]
    if args.clock == "cpu" and args.threads != 1:
        parser.error("--clock cpu counts the CPU time of every thread: use it with --threads 1")
    if args.render:
        saved = json.loads(Path(args.json).read_text())
        step_bench.write_section(Path(args.markdown), "fit_bench", markdown(saved["results"], saved["meta"]))
        print(f"wrote {args.markdown} from {args.json}")
        return
    if args.one:
        key, dtype = args.one
        row = (run_full_batch(key, dtype, args.repeats, args.threads, args.iterations) if key in step_bench.CONFIGS
               else run_mini_batch(key, dtype, args.repeats, args.threads, args.budget))  # fmt: skip
        print(json.dumps(row))
        return
    import sklearn
    import torch

    results = []
    for key in args.configs.split(","):
        for dtype in args.dtypes.split(","):
            command = [sys.executable, __file__, "--one", key, dtype, "--repeats", str(args.repeats), "--threads", str(args.threads),
                       "--budget", str(args.budget), "--clock", args.clock]
            command += ["--iterations", str(args.iterations)] if args.iterations else []
            row = step_bench.run_process(command)
            results.append(row)
            peers = (f"PyTorch {1e3 * row['torch_s']:.1f} ms ratio {row['ratio_torch']:.2f}" if row["kind"] == "full batch" else
                     f"scikit-learn {1e3 * row['sklearn_s']:.1f} ms ratio {row['ratio_sklearn']:.2f}  "
                     f"PyTorch {1e3 * row['torch_s']:.1f} ms ratio {row['ratio_torch']:.2f}  Adam update {_percent(row['adam_share'])}")
            print(f"{key} {row['name']:12s} {dtype}: chainrule {1e3 * row['chainrule_s']:.1f} ms  {peers}  "
                  f"overhead {_percent(row['overhead'])}  matmul share {_percent(row['matmul_share'])}", flush=True)
    blas = results[0]["blas"]
    meta = {
        "machine": step_bench.machine_name(), "cpus": os.cpu_count(), "threads": args.threads,
        "numpy": np.__version__, "torch": torch.__version__, "sklearn": sklearn.__version__, "python": platform.python_version(),
        "repeats": args.repeats, "note": args.note, "clock": args.clock,
        "blas": "; ".join(f"{b['internal_api']} {b['version']} kernel {b['architecture']} ({b['num_threads']} threads)" for b in blas),
        "env": {k: v for k, v in os.environ.items() if k.startswith(("OPENBLAS", "OMP", "MKL"))},
    }
    print("BLAS:", meta["blas"], "env:", meta["env"])
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps({"meta": meta, "results": results}, indent=2))
    step_bench.write_section(Path(args.markdown), "fit_bench", markdown(results, meta))
    print(f"wrote its section of {args.markdown} and {args.json}")


if __name__ == "__main__":
    main()
