"""What the machine decides in the flower run, measured rather than guessed (``benchmarks/flower_spread.py``).

The week-3 flower run (2-4-1, learning rate 1.2, 10,000 iterations) is chaotic after iteration
~7000: rounding differences of 1e-16 per step, which BLAS kernels and CPUs make differently, grow
until they decide the last printed digits of J and a point or two of the accuracy. Over three
OpenBLAS kernels (Haswell, Sandybridge, Prescott) × nine inputs (X and X · (1 ± 1 ulp)) on an AMD
EPYC the printed costs agree to all six digits up to iteration 6000 (seed 3) and 7000 (seed 2), and
later only to the spread below. The tests assert the stable part exactly and the tail within these
bands: the measured range widened by about its own width, and the accuracy one example (0.25 %) either side.
"""

from __future__ import annotations

# (low, high) of J, "%f"-printed, at each iteration of the tail; measured ranges in the comments
TAIL = {
    "seed 3": {  # the 2021 notebook's nn_model (np.random.seed(3))
        7000: (0.2204, 0.2209),  # 0.220588 … 0.220704
        8000: (0.2192, 0.2196),  # 0.219392 … 0.219425
        9000: (0.2183, 0.2187),  # 0.218480 … 0.218530
        9999: (0.2176, 0.2179),  # 0.217738 … 0.217815
    },
    "seed 2": {  # the original notebook (np.random.seed(2)), chainrule train's flower run, either convention
        8000: (0.2192, 0.2199),  # 0.219413 … 0.219713
        9000: (0.2184, 0.2188),  # 0.218546 … 0.218677
        9999: (0.2177, 0.2181),  # 0.217818 … 0.217925
    },
}
ACCURACY = (0.9025, 0.91)  # measured: 0.905 or 0.9075 (362 or 363 of the 400 points), whichever the rounding decides


def assert_in_band(value: float, band: tuple[float, float], what: str) -> None:
    low, high = band
    assert low <= value <= high, f"{what} = {value} is outside the spread measured on other kernels, [{low}, {high}]"


def assert_flower_accuracy(accuracy: float) -> None:
    assert_in_band(accuracy, ACCURACY, "the flower's final accuracy")
