"""Gradient checking on the course's cat network: chainrule's "auto" mode against the course's per-element method.

    .venv/bin/python benchmarks/gradcheck_cat.py [--repeats 3] [--threads N] [--small-n-x 256]

The network is 12288-20-7-5-1 (relu hidden layers, sigmoid output, the course application's
initialization), m = 209, float64, on the cat training set when ../shared/data/catvnoncat is
there, else on random data of the same shape. It checks that

1. ``cr.gradcheck(..., mode="auto")`` passes the built-in backward's gradients, and
2. for every grads key in turn, a copy of the gradients with that one tensor scaled by 1.001 is
   caught with exactly that tensor named,

timing every check, wall clock and process CPU time (target: under 1 s each on 2 cores; on a
shared machine the CPU time is the steadier figure). It then measures the course's method
(``gradient_check_n``: the parameters as one vector, two full cost evaluations per parameter) in
full on two smaller networks n_x-20-7-5-1, fits the time of one evaluation as a + b·n (n the
parameter count: a the fixed cost, b the cost that grows with the network) and extrapolates to the
cat network, 2 n (a + b n); it also times a few of the course's evaluations on the cat network
itself as a cross-check.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

import chainrule as cr
from chainrule.losses import cost
from chainrule.network import forward

CAT_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "catvnoncat"
LAYERS = [12288, 20, 7, 5, 1]
ACTIVATIONS = ["relu", "relu", "relu", "sigmoid"]


def blas_info() -> str:
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "threadpoolctl not installed (pip install -e '.[test]')"
    lines = []
    for pool in threadpool_info():
        lines.append(
            f"{pool.get('internal_api')} {pool.get('version')} ({pool.get('user_api')}), kernel {pool.get('architecture')}, "
            f"{pool.get('num_threads')} threads"
        )
    return "; ".join(lines) or "no BLAS thread pool found"


def cat_data(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, str]:
    if (CAT_DIR / "train_catvnoncat.h5").is_file():
        try:
            from chainrule.course.week4_app import load_data

            train_x_orig, train_y, *_ = load_data(str(CAT_DIR))
            return train_x_orig.reshape(train_x_orig.shape[0], -1).T / 255, train_y, f"the cat training set ({CAT_DIR})"
        except ImportError:
            pass
    X = rng.random((12288, 209))
    Y = (rng.random((1, 209)) > 0.5).astype(float)
    return X, Y, "random data of the cat set's shape (12288, 209)"


def course_method(parameters: dict, activations: list[str], X: np.ndarray, Y: np.ndarray, indices, epsilon: float = 1e-7):
    """The course's gradient_check_n loop over ``indices``: copy θ, perturb one entry, rebuild the dict, full forward + cost."""
    names = [f"{p}{l}" for l in range(1, len(activations) + 1) for p in "Wb"]
    shapes = [parameters[name].shape for name in names]
    theta = np.concatenate([parameters[name].reshape(-1, 1) for name in names])

    def to_dict(vector):
        out, start = {}, 0
        for name, shape in zip(names, shapes, strict=True):
            size = shape[0] * shape[1]
            out[name] = vector[start : start + size].reshape(shape)
            start += size
        return out

    gradapprox = np.zeros((len(indices), 1))
    for row, i in enumerate(indices):
        plus = np.copy(theta)
        plus[i] += epsilon
        J_plus = cost(forward(X, to_dict(plus), activations)[0], Y)
        minus = np.copy(theta)
        minus[i] -= epsilon
        J_minus = cost(forward(X, to_dict(minus), activations)[0], Y)
        gradapprox[row] = (J_plus - J_minus) / (2 * epsilon)
    return gradapprox


class Timer:
    """Wall-clock and process CPU seconds of a block."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu


def n_parameters(layers: list[int]) -> int:
    return sum(layers[l] * layers[l - 1] + layers[l] for l in range(1, len(layers)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="timed runs of the correct-gradients check (the median is reported)")
    parser.add_argument("--threads", type=int, default=None, help="limit the BLAS threads (threadpoolctl)")
    parser.add_argument("--small-n-x", type=int, nargs=2, default=[16, 128], help="n_x of the two smaller networks for the course's method")
    parser.add_argument("--cat-evaluations", type=int, default=20, help="course-method evaluations timed on the cat network")
    args = parser.parse_args()
    if args.threads is not None:
        from threadpoolctl import threadpool_limits

        threadpool_limits(args.threads)

    rng = np.random.default_rng(0)
    X, Y, source = cat_data(rng)
    net = cr.Network(LAYERS, ACTIVATIONS, initialization="course_app", rng=np.random.RandomState(1))
    print(f"numpy {np.__version__}, Python {sys.version.split()[0]}; BLAS: {blas_info()}")
    print(f"network {LAYERS} {ACTIVATIONS}, {n_parameters(LAYERS):,} parameters, float64; data: {source}, m = {X.shape[1]}")

    # 1. correct gradients pass
    cr.gradcheck(net, X, Y)  # warm-up
    runs, report = [], None
    for _ in range(args.repeats):
        with Timer() as t:
            report = cr.gradcheck(net, X, Y)
        runs.append(t)
    t_auto = statistics.median(r.wall for r in runs)
    cpu_auto = statistics.median(r.cpu for r in runs)
    print()
    print(report)
    print(f"\ncorrect gradients: passed = {report.passed}; {report.evaluations} evaluations; median of {args.repeats} runs: "
          f"wall {t_auto:.3f} s, CPU {cpu_auto:.3f} s (wall: {', '.join(f'{r.wall:.3f}' for r in runs)})")  # fmt: skip

    # 2. one tensor scaled by 1.001, every tensor in turn
    _, caches = net.forward(X)
    correct = net.backward(Y, caches, convention="loss")
    print("\none tensor scaled by 1.001 (the gradients computed once; each check timed):")
    print(f"  {'key':<5} {'shape':<14} {'named':<8} {'rel. diff':>10} {'g/ĝ':>10} {'wall s':>8} {'CPU s':>8}")
    failures, checks = 0, []
    for key in correct:
        grads = dict(correct)
        grads[key] = correct[key] * 1.001
        with Timer() as t:
            planted = cr.gradcheck(net, X, Y, grads)
        checks.append(t)
        named = planted.failed_tensors == [key]
        failures += not named
        row = planted[key]
        print(f"  {key:<5} {row['shape']!s:<14} {'yes' if named else 'NO: ' + str(planted.failed_tensors):<8} "
              f"{row['relative_difference']:>10.3e} {row['ratio']:>10.6f} {t.wall:>8.3f} {t.cpu:>8.3f}")  # fmt: skip
    print(f"  named correctly: {len(correct) - failures} of {len(correct)}; per check: wall median "
          f"{statistics.median(c.wall for c in checks):.3f} s, max {max(c.wall for c in checks):.3f} s; "
          f"CPU median {statistics.median(c.cpu for c in checks):.3f} s, max {max(c.cpu for c in checks):.3f} s")

    # 3. the course's method: in full on two smaller networks, fitted, extrapolated
    n_cat = n_parameters(LAYERS)
    print("\nthe course's method (2 full cost evaluations per parameter, one number for the network):")
    fits = []
    for n_x in args.small_n_x:
        layers = [n_x, *LAYERS[1:]]
        small = cr.Network(layers, ACTIVATIONS, initialization="course_app", rng=np.random.RandomState(1))
        n = n_parameters(layers)
        with Timer() as t:
            course_method(small.parameters, ACTIVATIONS, X[:n_x], Y, range(n))
        with Timer() as c:
            small_report = cr.gradcheck(small, X[:n_x], Y, mode="full")
        fits.append((n, t.wall / (2 * n), t.cpu / (2 * n)))
        print(f"  {layers} ({n:,} parameters): wall {t.wall:.2f} s, CPU {t.cpu:.2f} s "
              f"({1e3 * t.cpu / (2 * n):.3f} ms CPU per evaluation); chainrule full mode, every element of every "
              f"dW, db, dZ, dA: wall {c.wall:.2f} s, CPU {c.cpu:.2f} s, passed = {small_report.passed}")
    (n1, w1, c1), (n2, w2, c2) = fits[0], fits[-1]
    predicted = {}
    for label, e1, e2 in (("wall", w1, w2), ("CPU", c1, c2)):
        b = (e2 - e1) / (n2 - n1)
        a = e1 - b * n1
        predicted[label] = 2 * n_cat * (a + b * n_cat)
    picks = rng.choice(n_cat, size=args.cat_evaluations, replace=False)
    with Timer() as t:
        course_method(net.parameters, ACTIVATIONS, X, Y, picks)
    direct = {"wall": t.wall / args.cat_evaluations * n_cat, "CPU": t.cpu / args.cat_evaluations * n_cat}
    print(f"  extrapolated to the cat network ({n_cat:,} parameters) from the fit a + b·n per evaluation: "
          f"wall {predicted['wall'] / 60:.1f} min, CPU {predicted['CPU'] / 60:.1f} min")
    per_evaluation = 1e3 * t.cpu / (2 * args.cat_evaluations)
    print(f"  cross-check, {args.cat_evaluations} parameters of the cat network timed ({per_evaluation:.2f} ms CPU "
          f"per evaluation): wall {direct['wall'] / 60:.1f} min, CPU {direct['CPU'] / 60:.1f} min")
    print(f"  ratio course / chainrule auto: {predicted['CPU'] / cpu_auto:,.0f}x by CPU time (fit), "
          f"{direct['CPU'] / cpu_auto:,.0f}x (cross-check); {predicted['wall'] / t_auto:,.0f}x by wall time (fit)")
    worst_wall = max([t_auto, *(c.wall for c in checks)])
    worst_cpu = max([cpu_auto, *(c.cpu for c in checks)])
    ok = report.passed and failures == 0
    print(f"\nresult: {'OK' if ok else 'FAILED'}; every check under 1 s: wall {'yes' if worst_wall < 1 else 'NO'} "
          f"(max {worst_wall:.3f} s), CPU {'yes' if worst_cpu < 1 else 'NO'} (max {worst_cpu:.3f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
