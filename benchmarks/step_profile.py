"""Where a training step's time goes: each operation of chainrule's step timed alone, on the step's shapes.

The step of ``Network.train_step`` (gradient descent, relu hidden layers, sigmoid output, the
"loss" convention) is, per layer l, in this order:

    forward   Z = W A_prev (product), Z += b, A = g(Z)
    backward  g'(Z) over Z, dA *= g'(Z) (= dZ), dW = dZ A_prevᵀ (product), db = Σ dZ, dW *= k, db *= k,
              dA_prev = Wᵀ dZ (product, l > 1)
    update    dW *= α, W -= dW, db *= α, b -= db

Each operation is timed alone with chainrule's own functions and NumPy's ufuncs, into arrays of the
step's shapes (as the step's workspace holds them), and summed by kind. The elementwise sum is what
a step must spend outside the products with single-threaded NumPy ufuncs and the course's order of
roundings (k, then α, then the subtraction), so products / (products + elementwise) is the largest
share of the step the products can have.

Run: ``python benchmarks/step_profile.py --config c --dtype float64`` (configs as in step_bench.py).
"""

from __future__ import annotations

import argparse
import functools
from collections import defaultdict

import numpy as np
import step_bench
from step_bench import CONFIGS

from chainrule.activations import get_activation


def timed(fn, *args, **kwargs) -> float:
    """Median seconds of ``fn(*args, **kwargs)`` over about 0.05 s of calls (step_bench's timer)."""
    call = functools.partial(fn, *args, **kwargs)
    call()
    return step_bench.timed(call, step_bench.steps_for(0.05, call))


def profile(key: str, dtype: type) -> dict[str, float]:
    """Seconds per kind of operation: 'products', '+ b', 'g', "g'", 'db', 'k', 'update', summed over layers."""
    _, dims, (hidden, output), m = CONFIGS[key]
    rng = np.random.default_rng(0)
    L = len(dims) - 1
    kinds: dict[str, float] = defaultdict(float)
    k, alpha = 1 / m, 0.01
    for l in range(1, L + 1):
        n, n_prev = dims[l], dims[l - 1]
        g = get_activation(hidden if l < L else output)
        W = (rng.standard_normal((n, n_prev)) / np.sqrt(n_prev)).astype(dtype)
        b = np.zeros((n, 1), dtype)
        A_prev = rng.standard_normal((n_prev, m)).astype(dtype)
        Z, A, dZ, dW = np.empty((n, m), dtype), np.empty((n, m), dtype), rng.standard_normal((n, m)).astype(dtype), np.empty_like(W)
        dA_prev = np.empty((n_prev, m), dtype)
        db = np.empty((n, 1), dtype)
        np.matmul(W, A_prev, out=Z)
        kinds["products"] += timed(np.matmul, W, A_prev, out=Z)
        kinds["+ b"] += timed(np.add, Z, b, out=Z)
        kinds["g"] += timed(g.g, Z, out=A)
        if l < L:  # the output's dZ = A − Y is one (n[L], m) subtraction: counted under g'
            Zc = Z.copy()
            kinds["g'"] += timed(g.g_prime, Zc, out=Zc) + timed(np.multiply, dZ, Zc, out=dZ)
        else:
            Y = (rng.random((n, m)) > 0.5).astype(dtype)
            kinds["g'"] += timed(np.subtract, A, Y)
        kinds["products"] += timed(np.matmul, dZ, A_prev.T, out=dW)
        kinds["db"] += timed(dZ.sum, axis=1, keepdims=True, out=db)
        kinds["k"] += timed(np.multiply, dW, k, out=dW) + timed(np.multiply, db, k, out=db)
        if l > 1:
            kinds["products"] += timed(np.matmul, W.T, dZ, out=dA_prev)
        kinds["update"] += (timed(np.multiply, dW, alpha, out=dW) + timed(np.subtract, W, dW, out=W)
                            + timed(np.multiply, db, alpha, out=db) + timed(np.subtract, b, db, out=b))  # fmt: skip
    return dict(kinds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="c", choices=sorted(CONFIGS))
    parser.add_argument("--dtype", default="float64", choices=["float64", "float32"])
    args = parser.parse_args()
    kinds = profile(args.config, np.dtype(args.dtype).type)
    products = kinds.pop("products")
    elementwise = sum(kinds.values())
    name, dims, _, m = CONFIGS[args.config]
    print(f"{args.config} {name} {dims} m={m} {args.dtype}: each operation alone, summed over the layers")
    print(f"  {'matrix products':22s} {1e3 * products:8.3f} ms")
    for kind, seconds in kinds.items():
        print(f"  {kind:22s} {1e3 * seconds:8.3f} ms")
    print(f"  {'elementwise, in all':22s} {1e3 * elementwise:8.3f} ms")
    print(f"largest share the products can have: {100 * products / (products + elementwise):.0f} %")


if __name__ == "__main__":
    main()
