"""The finite-difference errors of ``explain --verify`` over activations, architectures and seeds.

    python benchmarks/explain_verify_sweep.py [epsilon]

Prints the largest relative error ‖g − g_fd‖ / (‖g‖ + ‖g_fd‖) of any dW, db per hidden activation and
the failures at the threshold (chainrule.explain.THRESHOLD). It justifies EPSILON and THRESHOLD;
it is not a unit test (a few minutes on one core).
"""

from __future__ import annotations

import sys

from chainrule.activations import ACTIVATIONS
from chainrule.explain import EPSILON, THRESHOLD, verify
from chainrule.network import Network

ARCHITECTURES = [
    ([5, 4, 3, 1], 7),
    ([8, 6, 6, 6, 2], 20),
    ([3, 2, 1], 1),
    ([10, 10, 10, 10, 10, 1], 50),
    ([20, 30, 30, 1], 209),
    ([2, 4, 1], 400),
]
SEEDS = range(12, 30)


def main() -> None:
    epsilon = float(sys.argv[1]) if len(sys.argv) > 1 else EPSILON
    failures = []
    hidden_activations = [name for name, activation in ACTIVATIONS.items() if activation.elementwise]
    for hidden in hidden_activations:
        worst = 0.0
        for layer_dims, m in ARCHITECTURES:
            for seed in SEEDS:
                v = verify(Network(layer_dims, [hidden, "sigmoid"]), m, seed, epsilon=epsilon)
                worst = max(worst, v.worst_fd_error)
                if not v.passed:
                    failures.append(f"{hidden} {layer_dims} m={m} seed={seed}: {v.verdict()}")
        print(f"{hidden:>10}: largest FD relative error {worst:.1e}  (ε = {epsilon:g}, threshold {THRESHOLD:g})")
    print(f"{len(failures)} failure(s) of {len(hidden_activations) * len(ARCHITECTURES) * len(SEEDS)} runs")
    for failure in failures[:10]:
        print(" ", failure)


if __name__ == "__main__":
    main()
