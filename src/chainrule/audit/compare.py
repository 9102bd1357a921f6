"""How one of the learner's arrays relates to the expected one, over all probe networks.

``relate`` answers: equal; a scalar multiple with an exact factor named as a small rational
times a power of m (the probes have different m, so 1/m and a constant are told apart); the
transpose (up to such a factor); the same numbers in another shape; another shape; or different,
with the largest differences.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from chainrule.numerics import Factor, best_fit_ratio, name_factor
from chainrule.report import shape_text

RTOL = 1e-6  # relative: round-off of a backward pass in float64 is far below this


@dataclass
class Relation:
    """kind: "equal", "scale", "transposed", "shape", "different", "not-array" (or diagnose's "missing").

    factor: set for "equal" (one) and "scale", for "transposed" and for "shape" when the numbers are right; else None.
    """

    kind: str
    factor: Factor | None = None
    detail: str = ""


def as_array(value: Any) -> np.ndarray | None:
    """``value`` as a float array, or None when it is not numeric data."""
    if isinstance(value, bool | int | float | np.generic | np.ndarray):
        array = np.asarray(value)
        if array.dtype.kind in "biuf":
            return array.astype(float)
    return None


def fit(user: np.ndarray, expected: np.ndarray) -> float | None:
    """c with user = c · expected (least squares) when that holds to RTOL, else None."""
    norm_expected = float(np.linalg.norm(expected))
    norm_user = float(np.linalg.norm(user))
    if norm_expected == 0:
        return 1.0 if norm_user <= 1e-12 else None
    c = best_fit_ratio(user, expected)  # ⟨user, expected⟩ / ⟨expected, expected⟩
    if not np.isfinite(c):
        return None
    residual = float(np.linalg.norm(user - c * expected))
    return c if residual <= RTOL * max(norm_user, abs(c) * norm_expected) + 1e-300 else None


def largest_differences(user: np.ndarray, expected: np.ndarray, count: int = 3) -> str:
    """The ``count`` entries where |user − expected| is largest, with both values."""
    difference = np.abs(user - expected)
    order = np.argsort(difference, axis=None)[::-1][:count]
    parts = []
    for flat in order:
        index = np.unravel_index(flat, user.shape)
        where = "[" + ", ".join(str(int(i)) for i in index) + "]"
        parts.append(f"{where} yours {user[index]:.4g}, expected {expected[index]:.4g}")
    return "largest differences: " + "; ".join(parts)


def relate(users: Sequence[Any], expected: Sequence[np.ndarray | float], ms: Sequence[int]) -> Relation:
    """How the learner's values (one per probe) relate to the expected ones (arrays, or numbers such as a cost)."""
    arrays = []
    for value in users:
        array = as_array(value)
        if array is None:
            return Relation("not-array", detail=f"not a numeric array: {value!r}"[:120])
        arrays.append(array)
    refs = [np.asarray(e, dtype=float) for e in expected]
    if all(a.shape == r.shape for a, r in zip(arrays, refs, strict=True)):
        relation = _scalar_multiple(arrays, refs, ms, "equal")
        if refs[0].size == 1 and relation.kind == "scale" and relation.factor is not None and relation.factor.ratio is None:
            # one number is always some multiple of another: only a factor that reads the same on every probe counts
            return Relation("different", None, f"yours {arrays[0].item():.6g}, expected {refs[0].item():.6g}")
        return relation
    if all(r.ndim == 2 and r.shape[0] != r.shape[1] and a.shape == r.T.shape for a, r in zip(arrays, refs, strict=True)):
        relation = _scalar_multiple(arrays, [r.T for r in refs], ms, "equal")
        if relation.kind in ("equal", "scale"):
            relation.kind = "transposed"
            relation.detail = f"shape {shape_text(arrays[0].shape)} holds the transpose of the expected {shape_text(refs[0].shape)}"
            return relation
    both = f"shape {shape_text(arrays[0].shape)}, expected {shape_text(refs[0].shape)}"
    if all(a.size == r.size for a, r in zip(arrays, refs, strict=True)):
        relation = _scalar_multiple([a.ravel() for a in arrays], [r.ravel() for r in refs], ms, "equal")
        if relation.kind in ("equal", "scale"):
            hint = ""
            if len(refs[0].shape) == 2 and refs[0].shape[1] == 1 and arrays[0].shape == refs[0].shape[:1]:
                hint = ": a sum without keepdims=True (np.sum(dZ, axis=1, keepdims=True) keeps the column)"
            return Relation("shape", relation.factor, f"{both}, the right numbers in the wrong shape{hint}")
    return Relation("shape", None, both)


def _scalar_multiple(arrays: list[np.ndarray], refs: list[np.ndarray], ms: Sequence[int], same: str) -> Relation:
    fitted = [fit(a, r) for a, r in zip(arrays, refs, strict=True)]
    factors = [c for c in fitted if c is not None]
    if len(factors) < len(fitted) or all(c == 0 for c in factors):
        zero = all(not a.any() for a in arrays)
        detail = "all zeros" if zero else largest_differences(arrays[0], refs[0])
        return Relation("different", None, detail)
    factor = name_factor(factors, ms)
    if factor.is_one:
        return Relation(same, factor)
    return Relation("scale", factor, f"{factor} × the expected values")
