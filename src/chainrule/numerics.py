"""The comparison math of every check: relative difference, best-fit ratio, and naming a factor of m.

gradcheck, the conventions table, explain, the audit and the course's gradient checking all
compare an array g with another ĝ (analytic with numeric, one convention with the other, the
learner's with the reference). They share these three measures, written once here:

    relative difference   ‖g − ĝ‖₂ / (‖g‖₂ + ‖ĝ‖₂)         (0 when both are 0; NaN stays NaN)
    best-fit ratio        c = ⟨g, ĝ⟩ / ⟨ĝ, ĝ⟩                (least squares: g ≈ c ĝ)
    factor of m           "m", "1/m", "2", "-1", …: the exact factor c is, for the batch size m

A wrong 1/m shows as a ratio of exactly m or 1/m (or m^2, 1/m^2 when it is applied twice), which
is why the factors are named with m in them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

# name → its value for a batch of m examples, simplest first (the order decides a tie)
FACTORS_OF_M: dict[str, Callable[[int], float]] = {
    "1": lambda m: 1.0,
    "2": lambda m: 2.0,
    "1/2": lambda m: 0.5,
    "4": lambda m: 4.0,
    "1/4": lambda m: 0.25,
    "m": lambda m: m,
    "1/m": lambda m: 1 / m,
    "m^2": lambda m: m * m,
    "1/m^2": lambda m: 1 / (m * m),
    "2m": lambda m: 2 * m,
    "m/2": lambda m: m / 2,
    "2/m": lambda m: 2 / m,
    "1/(2m)": lambda m: 1 / (2 * m),
}


def relative_difference(g: np.ndarray, g_hat: np.ndarray) -> float:
    """‖g − ĝ‖₂ / (‖g‖₂ + ‖ĝ‖₂), a Python float: 0 when both are exactly 0, NaN when either holds NaN or inf.

    The course's gradient-checking measure: 1e-7 is agreement to float64 round-off of a finite
    difference, 1 means unrelated arrays (or one of them 0).
    """
    g, g_hat = np.asarray(g), np.asarray(g_hat)
    denominator = float(np.linalg.norm(g) + np.linalg.norm(g_hat))
    if denominator == 0:
        return 0.0
    return float(np.linalg.norm(g - g_hat)) / denominator  # Python floats: inf / inf is NaN, without a warning


def best_fit_ratio(g: np.ndarray, g_hat: np.ndarray) -> float:
    """c = ⟨g, ĝ⟩ / ⟨ĝ, ĝ⟩, the least-squares c in g ≈ c ĝ, a Python float; NaN when ĝ is 0."""
    denominator = float(np.vdot(g_hat, g_hat))
    return float(np.vdot(g, g_hat)) / denominator if denominator > 0 else math.nan


def factor_of_m(ratio: float, m: int, tolerance: float = 1e-4) -> str | None:
    """The name in FACTORS_OF_M, with "-" for a negative one, that ``ratio`` equals to ``tolerance`` (relative); else None.

    factor_of_m(400.0, 400) == "m", factor_of_m(-1.0, 7) == "-1", factor_of_m(0.3, 10) is None.
    """
    if not math.isfinite(ratio) or ratio == 0:
        return None
    for name, value_of in FACTORS_OF_M.items():
        value = value_of(m)
        for sign, signed in (("", value), ("-", -value)):
            if abs(ratio - signed) <= tolerance * abs(value):
                return sign + name
    return None


def factor_value(name: str, m: int) -> float:
    """The value of a name that ``factor_of_m`` returns, for a batch of m: factor_value("-1/m", 4) == -0.25."""
    sign = -1.0 if name.startswith("-") else 1.0
    return sign * FACTORS_OF_M[name.lstrip("-")](m)


# -- factors over several batch sizes: ratio · m^power, exact (the audit probes networks of different m) -----
POWERS = (0, -1, 1, -2, 2, -3, 3, -4, 4)
RATIOS = tuple(
    sign * Fraction(p, q) for p, q in ((1, 1), (2, 1), (1, 2), (3, 1), (1, 3), (4, 1), (1, 4), (3, 2), (2, 3)) for sign in (1, -1)
)


@dataclass(frozen=True)
class Factor:
    """ratio · m^power (exact), or ``values`` per probe when no such expression fits."""

    ratio: Fraction | None
    power: int = 0
    values: tuple[float, ...] = ()

    @property
    def is_one(self) -> bool:
        return self.ratio == 1 and self.power == 0

    @property
    def negative(self) -> bool:
        return self.ratio < 0 if self.ratio is not None else all(v < 0 for v in self.values)

    def __str__(self) -> str:
        if self.ratio is None:
            return " / ".join(f"{v:.4g}" for v in self.values)
        sign = "-" if self.ratio < 0 else ""
        top = [str(abs(self.ratio.numerator))] if abs(self.ratio.numerator) != 1 else []
        bottom = [str(self.ratio.denominator)] if self.ratio.denominator != 1 else []
        m_power = "m" if abs(self.power) == 1 else f"m^{abs(self.power)}"
        if self.power > 0:
            top.append(m_power)
        elif self.power < 0:
            bottom.append(m_power)
        text = "".join(top) or "1"
        if bottom:
            text += "/" + ("".join(bottom) if len(bottom) == 1 else "(" + "".join(bottom) + ")")
        return sign + text


def name_factor(values: Sequence[float], ms: Sequence[int], tolerance: float = 1e-6) -> Factor:
    """The simplest ratio · m^power equal to every value to ``tolerance`` (value i measured on a probe with m = ms[i]).

    Several probes of different m tell 1/m from a constant that happens to equal it (the audit's way);
    ``factor_of_m`` names one ratio at one m (gradcheck's).
    """
    for power in POWERS:
        for ratio in RATIOS:
            if all(abs(v - float(ratio) * m**power) <= tolerance * abs(v) for v, m in zip(values, ms, strict=True)):
                return Factor(ratio, power)
    return Factor(None, 0, tuple(values))
