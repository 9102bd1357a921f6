"""Randomized soundness run of cr.gradcheck: correct gradients must pass, a doubled tensor must fail, at any accepted ε.

    .venv/bin/python benchmarks/gradcheck_soundness.py [--seed 14] [--seconds 90]

Draws random networks until the time is up: depth 1 to 4, hidden sigmoid / tanh / relu / leaky_relu,
a sigmoid or softmax output whose weights are scaled 1, 5, 50 or 300 times (|Z[L]| up to hundreds),
b ~ 0.1 N(0, 1), m in {1, 2, 7, 40}, X ~ N(0, 1) or 3 N(0, 1), either convention, L2 (λ = 0.7) and
dropout (keep_prob 0.8, fixed masks) now and then, every mode, ε in {1e-7, 3e-7, 1e-6, 3e-6, 1e-5}.
For each it checks the network's own gradients (they must pass) and one tensor doubled (it must
fail, unless the tensor is zero to working precision: then 2 g = g). It prints every exception and
a summary: cases, correct sets not passed (and whether "cannot tell" or "values differ"), doubled
tensors passed and the largest entry among them (apart: those checked in sample mode on fewer elements
than they have, whose sampled elements can all be 0).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import chainrule as cr
from chainrule.regularization import dropout_masks

HIDDEN = ["relu", "leaky_relu", "tanh", "sigmoid"]


def case(rng: np.random.Generator):
    """One random network, batch, convention and setting, with the network's own gradients."""
    L = int(rng.integers(1, 5))
    dims = [int(rng.integers(1, 7)) for _ in range(L + 1)]
    softmax = rng.random() < 0.3 and dims[-1] >= 2
    if not softmax and rng.random() < 0.7:
        dims[-1] = 1
    activations = [str(rng.choice(HIDDEN)) for _ in range(L - 1)] + ["softmax" if softmax else "sigmoid"]
    net = cr.Network(dims, activations, seed=int(rng.integers(1_000_000)))
    parameters = dict(net.parameters)
    parameters[f"W{L}"] = parameters[f"W{L}"] * float(rng.choice([1, 5, 50, 300]))
    for l in range(1, L + 1):
        parameters[f"b{l}"] = parameters[f"b{l}"] + 0.1 * rng.standard_normal(parameters[f"b{l}"].shape)
    net.parameters = parameters
    m = int(rng.choice([1, 2, 7, 40]))
    X = rng.standard_normal((dims[0], m)) * float(rng.choice([1, 3]))
    Y = np.eye(dims[-1])[:, rng.integers(0, dims[-1], m)] if softmax else (rng.random((dims[-1], m)) > 0.5).astype(float)
    keep_prob = float(rng.choice([1, 1, 0.8])) if L > 1 else 1.0
    masks = dropout_masks(net.layer_dims, m, keep_prob, rng) if keep_prob < 1 else None
    options = {
        "convention": str(rng.choice(["loss", "cost"])), "lambd": float(rng.choice([0, 0, 0.7])), "keep_prob": keep_prob,
        "masks": masks, "epsilon": float(rng.choice([1e-7, 3e-7, 1e-6, 3e-6, 1e-5])),
        "mode": str(rng.choice(["auto", "full", "directional", "sample"])),
    }  # fmt: skip
    _, caches = net.forward(X, masks, keep_prob)
    grads = net.backward(Y, caches, convention=options["convention"], lambd=options["lambd"], masks=masks, keep_prob=keep_prob)
    return net, X, Y, grads, options


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--seconds", type=float, default=90.0)
    arguments = parser.parse_args()
    rng = np.random.default_rng(arguments.seed)
    cases, cannot_tell, differ, doubled_passed, largest, sampled = 0, 0, 0, 0, 0.0, 0
    start = time.perf_counter()
    while time.perf_counter() - start < arguments.seconds:
        net, X, Y, grads, options = case(rng)
        cases += 1
        report = cr.gradcheck(net, X, Y, grads, **options)
        if not report.passed:
            problems = [row["problem"] or "" for row in report.rows if not row["passed"]]
            blind = all(p.startswith("cannot tell") for p in problems)
            cannot_tell, differ = cannot_tell + blind, differ + (not blind)
            print(f"correct set not passed: {net!r} {options | {'masks': options['masks'] is not None}}: {problems[0]}")
        key = str(rng.choice(list(grads)))
        doubled = cr.gradcheck(net, X, Y, {**grads, key: 2 * grads[key]}, keys=[key], **options)
        if doubled.passed and np.abs(grads[key]).max() > 0:
            row = doubled.rows[0]
            if row["mode"] == "sample" and row["checked"] < grads[key].size:
                sampled += 1  # only k elements looked at, and a doubled one passes only if they are 0 to roundoff
                continue
            doubled_passed += 1
            largest = max(largest, float(np.abs(grads[key]).max()))
            print(f"doubled {key} passed ({row['mode']}, largest entry {np.abs(grads[key]).max():.2g}): {row['resolution']}")
    print(f"{cases} cases (seed {arguments.seed}): correct sets not passed {cannot_tell + differ} "
          f"({cannot_tell} 'cannot tell', {differ} 'values differ'); doubled tensors passed {doubled_passed}, "
          f"the largest entry among them {largest:.2g}; and {sampled} in sample mode, whose k elements were 0")  # fmt: skip


if __name__ == "__main__":
    main()
