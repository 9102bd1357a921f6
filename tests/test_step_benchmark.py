"""The arithmetic behind the step benchmark's verdicts: FLOP counts, the verdict rules, the per-operation profile."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import step_bench
import step_profile


def test_step_flops_counts_every_product_of_the_training_step_by_hand():
    # wide [784, 1024, 1024, 10], m = 512: forward and dW for 3 layers, dA for layers 3 and 2 (no dA0)
    m = 512
    layer = [784 * 1024, 1024 * 1024, 1024 * 10]
    expected = 2 * m * (2 * sum(layer) + layer[1] + layer[2])
    assert step_bench.step_flops([784, 1024, 1024, 10], m) == expected == 4_896_849_920
    assert step_bench.step_flops([2, 4, 1], 400) == 2 * 400 * (2 * (8 + 4) + 4)


def _row(ratio, target_ratio, torch_s, compute_floor_s, numpy_products_s, torch_products_s):
    return {"ratio": ratio, "target_ratio": target_ratio, "target_s": target_ratio * torch_s, "compute_floor_s": compute_floor_s,
            "matmul_floor_s": numpy_products_s, "torch_matmul_floor_s": torch_products_s}  # fmt: skip


def test_the_verdicts_say_what_stands_in_the_way():
    assert step_bench.verdict(_row(0.3, 0.35, 1.0, 0.0, 0.1, 0.1)) == "met"
    assert step_bench.verdict(_row(1.1, 0.5, 40.0, 31.0, 35.0, 31.0)).startswith("unreachable: below the arithmetic floor")
    assert step_bench.verdict(_row(1.2, 0.5, 3.2, 1.3, 3.6, 2.6)).startswith("unreachable with either library's BLAS")
    assert step_bench.verdict(_row(1.2, 0.5, 3.2, 1.3, 3.6, 1.0)).startswith("unreachable with NumPy's BLAS")
    assert step_bench.verdict(_row(1.05, 0.9, 1.9, 0.4, 0.95, 0.6)) == "not met"


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_the_profile_times_every_kind_of_operation(dtype):
    kinds = step_profile.profile("a", dtype)
    assert set(kinds) == {"products", "+ b", "g", "g'", "db", "k", "update"}
    assert all(seconds > 0 for seconds in kinds.values())


def test_products_in_step_times_every_product_where_it_runs_and_says_when_it_cannot():
    dims, activations, m = [64, 64, 64, 1], ["relu", "relu", "sigmoid"], 256  # 128 KiB arrays: the workspace's np.matmul
    X, Y = step_bench.problem(dims, m, np.float64)
    _, step = step_bench.chainrule_step(dims, activations, X, Y, np.float64)
    seconds = step_bench.products_in_step(step, 5, len(step_bench.matmul_shapes(dims, m)))
    assert seconds is not None and seconds > 0
    assert step_bench.products_in_step(step, 5, len(step_bench.matmul_shapes(dims, m)) + 1) is None
    from chainrule import layers

    assert layers.np is np  # put back
    flower_X, flower_Y = step_bench.problem([2, 4, 1], 400, np.float64)
    _, flower_step = step_bench.chainrule_step([2, 4, 1], ["tanh", "sigmoid"], flower_X, flower_Y, np.float64)
    assert step_bench.products_in_step(flower_step, 3, len(step_bench.matmul_shapes([2, 4, 1], 400))) is None  # `@`: not seen
