"""The relative differences of ``explain --verify`` over activations, architectures and seeds.

    python benchmarks/explain_verify_sweep.py [epsilon]

Prints the largest relative difference ‖g − ĝ‖ / (‖g‖ + ‖ĝ‖) of any gradient (dZ, dW, db, dA, in either
convention, from gradcheck's rows) per hidden activation (with a sigmoid output, and with a softmax output
and an L2 term) and the failures. The check is gradcheck's at its defaults (chainrule.explain.EPSILON =
gradcheck.EPSILON, THRESHOLD = gradcheck.RTOL): the sweep shows the margin correct gradients keep under
them. It is not a unit test (a minute or two on one core).
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


OUTPUTS = [("sigmoid", 0.0), ("softmax", 0.5)]  # output activation, L2 strength λ (softmax: n[L] = 3 where it is 1)


def main() -> None:
    epsilon = float(sys.argv[1]) if len(sys.argv) > 1 else EPSILON
    failures, runs = [], 0
    hidden_activations = [name for name, activation in ACTIVATIONS.items() if activation.elementwise]
    for output, lambd in OUTPUTS:
        for hidden in hidden_activations:
            worst = 0.0
            for layer_dims, m in ARCHITECTURES:
                dims = [*layer_dims[:-1], 3] if output == "softmax" and layer_dims[-1] == 1 else layer_dims
                for seed in SEEDS:
                    v = verify(Network(dims, [hidden, output]), m, seed, lambd=lambd, epsilon=epsilon)
                    worst, runs = max(worst, v.worst_fd_error), runs + 1
                    if not v.passed:
                        failures.append(f"{hidden},{output} λ={lambd:g} {dims} m={m} seed={seed}: {v.verdict()}")
            print(f"{hidden:>10} → {output:<7} λ = {lambd:g}: largest relative difference {worst:.1e}  "
                  f"(ε = {epsilon:g}, rtol {THRESHOLD:g})")
    print(f"{len(failures)} failure(s) of {runs} runs")
    for failure in failures[:10]:
        print(" ", failure)


if __name__ == "__main__":
    main()
