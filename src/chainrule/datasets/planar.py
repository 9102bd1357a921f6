"""The course's planar "flower" data set, generated in code."""

from __future__ import annotations

from typing import Any

import numpy as np


def flower(m: int = 400, a: float = 4.0, noise: float = 0.2, rng: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved petal-shaped classes in the plane: X (2, m) float64, Y (1, m) uint8.

    For each class j ∈ {0, 1} (N = m/2 points): t = linspace(3.12 j, 3.12 (j + 1), N) + 0.2 ε,
    r = a sin(4t) + 0.2 ε', point (r sin t, r cos t), label j. ``rng`` (anything with
    ``standard_normal``) defaults to ``np.random.RandomState(1)``, which gives exactly the
    course's data set without touching NumPy's global generator.
    """
    rng = np.random.RandomState(1) if rng is None else rng
    N = m // 2
    X = np.zeros((2 * N, 2))
    Y = np.zeros((2 * N, 1), dtype=np.uint8)
    for j in range(2):
        rows = slice(N * j, N * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + rng.standard_normal(N) * noise  # angle
        r = a * np.sin(4 * t) + rng.standard_normal(N) * noise  # radius
        X[rows] = np.c_[r * np.sin(t), r * np.cos(t)]
        Y[rows] = j
    return X.T, Y.T
