"""The fit benchmark's bookkeeping: fit's overhead counted in the same call, the sections of docs/benchmarks.md."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import fit_bench
import step_bench


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class _Net:
    """Stands in for a Network: each step takes one second of the fake clock."""

    def __init__(self, clock: _Clock) -> None:
        self.clock = clock

    def _train_step(self, *args):
        self.clock.now += 1.0
        return 0.5, 0


def test_overhead_is_the_time_outside_the_steps_over_the_time_in_them(monkeypatch):
    clock = _Clock()
    monkeypatch.setattr(fit_bench.time, "perf_counter", clock)
    net = _Net(clock)

    def fit():  # half a second of bookkeeping around two one-second steps
        clock.now += 0.25
        net._train_step()
        clock.now += 0.25
        net._train_step()

    total, overhead = fit_bench.overhead_of(net, fit)
    assert total == 2.5 and overhead == pytest.approx(0.25)
    assert "_train_step" not in vars(net)  # the class's method again, unwrapped


def test_each_benchmark_rewrites_only_its_own_section(tmp_path):
    path = tmp_path / "benchmarks.md"
    path.write_text("# Training-step benchmark\n\nold table\n")  # a file from before the sections: the step benchmark's
    step_bench.write_section(path, "fit_bench", "## Whole fit\n\nfirst\n")
    text = path.read_text()
    assert text.index("old table") < text.index("<!-- end step_bench -->") < text.index("## Whole fit")
    step_bench.write_section(path, "fit_bench", "## Whole fit\n\nsecond\n")
    step_bench.write_section(path, "step_bench", "# Training-step benchmark\n\nnew table\n")
    text = path.read_text()
    assert "second" in text and "first" not in text and "new table" in text and "old table" not in text
    assert text.count("<!-- begin fit_bench -->") == 1 and text.index("new table") < text.index("second")


def _full_row(ratio):
    return {"kind": "full batch", "config": "b", "name": "cat", "dims": [12288, 20, 7, 5, 1], "m": 209, "dtype": "float64",
            "iterations": 50, "chainrule_s": 0.2, "chainrule_range_s": [0.19, 0.21], "torch_s": 0.2 / ratio,
            "torch_range_s": [0.2 / ratio, 0.2 / ratio], "ratio_torch": ratio, "ratio_torch_range": [ratio, ratio],
            "target_torch": 0.8, "overhead": 0.012, "matmul_share": 0.9, "overhead_by_iterations": {}}  # fmt: skip


def test_the_markdown_says_which_targets_are_met():
    meta = {"machine": "x86_64", "cpus": 2, "threads": 1, "numpy": "2", "torch": "2", "sklearn": "1", "python": "3.11",
            "blas": "OpenBLAS", "note": "", "repeats": 5}  # fmt: skip
    text = fit_bench.markdown([_full_row(0.7), _full_row(0.9)], meta)
    rows = [line for line in text.splitlines() if line.startswith("| b cat")]
    assert len(rows) == 2 and "(met)" in rows[0] and "(not met)" in rows[1] and "1.2 %" in rows[0]
