"""Weight initializers: W[l] of shape (n[l], n[l-1]) drawn from a seeded generator; b[l] = 0.

``rng`` is anything with a ``standard_normal(size)`` method: a ``np.random.Generator`` (what
chainrule's own API uses) or a legacy ``np.random.RandomState`` (what the course's
``np.random.seed`` drives, so that its published numbers reproduce). W[1], W[2], … are drawn
in that order, one ``standard_normal`` call per layer, exactly like the course.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from chainrule.errors import ChainruleError


def _normal(rng: Any, n: int, n_prev: int) -> np.ndarray:
    return np.asarray(rng.standard_normal((n, n_prev)), dtype=np.float64)


INITIALIZERS: dict[str, Callable[[Any, int, int], np.ndarray]] = {
    #  name            W[l] for shape (n, n_prev)
    "zeros":         lambda rng, n, n_prev: np.zeros((n, n_prev)),
    "scaled_normal": lambda rng, n, n_prev: _normal(rng, n, n_prev) * 0.01,                      # randn · 0.01, course 1
    "large_normal":  lambda rng, n, n_prev: _normal(rng, n, n_prev) * 10,                        # randn · 10, course 2's "random"
    "xavier":        lambda rng, n, n_prev: _normal(rng, n, n_prev) * np.sqrt(2 / (n_prev + n)),  # Glorot normal
    "he":            lambda rng, n, n_prev: _normal(rng, n, n_prev) * np.sqrt(2 / n_prev),        # He et al. 2015
    "lecun":         lambda rng, n, n_prev: _normal(rng, n, n_prev) / np.sqrt(n_prev),            # the course application's
}  # fmt: skip
INITIALIZERS["course_app"] = INITIALIZERS["lecun"]  # randn(n[l], n[l-1]) / sqrt(n[l-1]), week 4 application


def initialize_parameters(
    layer_dims: Sequence[int],
    method: str = "he",
    rng: Any = None,
    dtype: Any = np.float64,
) -> dict[str, np.ndarray]:
    """Parameters {"W1", "b1", …, "WL", "bL"} for ``layer_dims = [n_x, n[1], …, n[L]]``.

    W[l]: (n[l], n[l-1]) from ``method``; b[l]: zeros (n[l], 1). ``rng`` defaults to
    ``np.random.default_rng(0)``.
    """
    if method not in INITIALIZERS:
        raise ChainruleError(f"unknown initialization {method!r}; expected one of: {', '.join(INITIALIZERS)}")
    rng = np.random.default_rng(0) if rng is None else rng
    init = INITIALIZERS[method]
    parameters: dict[str, np.ndarray] = {}
    for l in range(1, len(layer_dims)):
        n, n_prev = layer_dims[l], layer_dims[l - 1]
        parameters[f"W{l}"] = init(rng, n, n_prev).astype(dtype, copy=False)
        parameters[f"b{l}"] = np.zeros((n, 1), dtype=dtype)
    return parameters


def parameter_shapes(layer_dims: Sequence[int]) -> dict[str, tuple[int, int]]:
    """{"W1": (n[1], n[0]), "b1": (n[1], 1), …} from ``layer_dims = [n_x, n[1], …, n[L]]``, nothing allocated."""
    shapes = {}
    for l in range(1, len(layer_dims)):
        shapes[f"W{l}"] = (layer_dims[l], layer_dims[l - 1])
        shapes[f"b{l}"] = (layer_dims[l], 1)
    return shapes
