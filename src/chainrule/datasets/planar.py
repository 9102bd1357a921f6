"""The course's planar data sets: the "flower" (generated here) and the extra sets of scikit-learn.

All return X (2, m) float64 and Y (1, m) with labels 0/1, one example per column. The extra sets
use scikit-learn's generators (``pip install 'chainrule[data]'``) with a seeded legacy
``RandomState``, which draws exactly what the course's ``np.random.seed(s)`` followed by the same
call draws: ``circles(300, seed=1)`` and ``circles(100, seed=2)`` are the course's
initialization train and test sets, ``moons(300, seed=3)`` its optimization set.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.errors import ChainruleError


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


def _sklearn_datasets() -> Any:
    try:
        import sklearn.datasets
    except ImportError:  # pragma: no cover - depends on the installation
        raise ChainruleError("this data set needs scikit-learn: pip install 'chainrule[data]'") from None
    return sklearn.datasets


def _columns(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.asarray(X, dtype=np.float64).T, np.asarray(y).reshape(1, -1).astype(np.uint8)


def circles(m: int = 300, noise: float = 0.05, factor: float = 0.8, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Two noisy concentric circles (inner radius ``factor``), label 1 inside; the course's initialization data."""
    return _columns(*_sklearn_datasets().make_circles(n_samples=m, noise=noise, factor=factor, random_state=np.random.RandomState(seed)))


def moons(m: int = 300, noise: float = 0.2, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving noisy half-moons; the course's optimization data (m = 300, seed 3)."""
    return _columns(*_sklearn_datasets().make_moons(n_samples=m, noise=noise, random_state=np.random.RandomState(seed)))


def blobs(m: int = 200, centers: int = 6, seed: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Six Gaussian blobs, labelled by the parity of their blob (the course's ``Y % 2``)."""
    X, y = _sklearn_datasets().make_blobs(n_samples=m, n_features=2, centers=centers, random_state=np.random.RandomState(seed))
    return _columns(X, y % 2)


def gaussian_quantiles(m: int = 200, cov: float = 0.5, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """A 2-D Gaussian cut into two classes by a quantile of the distance to its center."""
    X, y = _sklearn_datasets().make_gaussian_quantiles(
        mean=None, cov=cov, n_samples=m, n_features=2, n_classes=2, shuffle=True, random_state=np.random.RandomState(seed)
    )
    return _columns(X, y)


def spiral(m: int = 400, noise: float = 0.2, turns: float = 1.75, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spiral arms (TensorFlow Playground's hardest set), m/2 points per arm, radius 0 … 5.

    Arm j ∈ {0, 1}: t from 0 to 1, angle θ = 2π · turns · t + jπ, radius 5t, point (r sin θ, r cos θ)
    plus ``noise`` · ε in each coordinate; label j.
    """
    rng = np.random.default_rng(seed)
    N = m // 2
    t = np.linspace(0.0, 1.0, N, endpoint=False)
    X, y = [], []
    for j in range(2):
        angle = 2 * np.pi * turns * t + j * np.pi
        points = np.c_[5 * t * np.sin(angle), 5 * t * np.cos(angle)] + noise * rng.standard_normal((N, 2))
        X.append(points)
        y.append(np.full(N, j))
    return _columns(np.concatenate(X), np.concatenate(y))


def xor(m: int = 400, noise: float = 0.2, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The exclusive or: points uniform in [−5, 5]², label 1 where x₁ x₂ > 0, coordinates then moved by ``noise`` · ε."""
    rng = np.random.default_rng(seed)
    points = rng.uniform(-5.0, 5.0, size=(m, 2))
    labels = (points[:, 0] * points[:, 1] > 0).astype(int)
    return _columns(points + noise * rng.standard_normal((m, 2)), labels)
