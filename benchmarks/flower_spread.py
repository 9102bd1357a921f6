"""How much of the flower run the machine decides: the spread of its cost trace and final accuracy.

The week-3 flower run (2-4-1 tanh/sigmoid, learning rate 1.2, 10,000 iterations) is chaotic after
iteration ~7000: rounding differences of 1e-16 per step grow until they decide the last digits of J
and which of a few boundary points are classified right. This script measures that spread instead
of guessing it: the same runs under several OpenBLAS kernels (``OPENBLAS_CORETYPE``: Haswell with
FMA, Sandybridge without, Prescott with SSE only; each a process of its own) and with inputs moved by
1 ulp (every element of X times 1 ± 2⁻⁵² with random signs, 8 seeds). Runs: the course's
``nn_model`` (np.random.seed(3), the 2021 notebook), the original notebook's seed 2, and the clean
API's ``Network.fit`` in both conventions (what ``chainrule train`` runs).

    python benchmarks/flower_spread.py            # about a minute per kernel on one core

It prints, per run, the distinct values seen at iterations 0, 1000, …, 9000, 9999 (the last cost,
``chainrule train``'s "final cost J") and the final accuracy;
``tests/test_course_week3.py`` asserts the stable part exactly and the tail within this spread.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import defaultdict

KERNELS = ("Haswell", "Sandybridge", "Prescott")
PERTURBATIONS = 8


def one_process() -> dict[str, list[dict]]:
    import numpy as np

    import chainrule as cr
    from chainrule.course import week3 as w
    from chainrule.datasets import flower

    X0, Y = flower()
    results = defaultdict(list)
    for p in range(PERTURBATIONS + 1):
        if p == 0:
            X = X0
        else:
            signs = np.random.default_rng(p).choice([-1.0, 1.0], size=X0.shape)
            X = X0 * (1 + signs * 2.0**-52)
        for run in ("nn_model seed 3", "original seed 2", 'Network "loss"', 'Network "cost"'):
            trace = []
            if run.startswith("Network"):
                net = cr.Network([2, 4, 1], ["tanh", "sigmoid"], initialization="scaled_normal", rng=np.random.RandomState(2))
                history = net.fit(X, Y, 1.2, num_iterations=10_000, convention=run.split('"')[1])
                trace = ["%f" % history.costs[i] for i in (*range(0, 10_000, 1000), 9999)]
                accuracy = net.accuracy(X, Y)
            else:
                np.random.seed(3 if "3" in run else 2)
                parameters = w.initialize_parameters(2, 4, 1)
                for i in range(10_000):
                    A2, cache = w.forward_propagation(X, parameters)
                    if i % 1000 == 0 or i == 9999:
                        trace.append("%f" % w.compute_cost(A2, Y))
                    parameters = w.update_parameters(parameters, w.backward_propagation(parameters, cache, X, Y))
                accuracy = float(np.mean(w.predict(parameters, X) == Y))
            results[run].append({"perturbation": p, "trace": trace, "accuracy": accuracy})
    return results


def main() -> None:
    if "--one" in sys.argv:
        print(json.dumps(one_process()))
        return
    seen: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for kernel in KERNELS:
        env = {**os.environ, "OPENBLAS_CORETYPE": kernel, "OPENBLAS_NUM_THREADS": "1"}
        out = subprocess.run([sys.executable, __file__, "--one"], env=env, capture_output=True, text=True, check=True).stdout
        for run, rows in json.loads(out).items():
            for row in rows:
                for i, value in enumerate(row["trace"]):
                    seen[run][f"J at {min(1000 * i, 9999)}"].add(value)
                seen[run]["accuracy"].add(row["accuracy"])
                seen[run]["kernels"].add(kernel)
    for run, values in seen.items():
        print(f"{run}: {len(KERNELS)} kernels × {PERTURBATIONS + 1} inputs (X and X · (1 ± 1 ulp))")
        for key, distinct in values.items():
            if key != "kernels":
                print(f"  {key:>10}: {', '.join(str(v) for v in sorted(distinct))}")


if __name__ == "__main__":
    main()
