"""Where the 1/m sits: the two conventions of the backward pass, and the table that compares them.

The cost is J = (1/m) Σᵢ L⁽ⁱ⁾. Both conventions compute the same dW[l] = ∂J/∂W[l] and
db[l] = ∂J/∂b[l]; they differ only in what dZ and dA are the derivatives of:

========  =========================  ===================  ======================
name      dZ[l], dA[l] are           dZ[L] (sigmoid + CE)  dW[l]
========  =========================  ===================  ======================
"loss"    ∂L/∂Z[l], ∂L/∂A[l]          A[L] − Y              (1/m) dZ[l] A[l-1]ᵀ
          (per example, no 1/m;
          the course's)
"cost"    ∂J/∂Z[l], ∂J/∂A[l]          (1/m)(A[L] − Y)       dZ[l] A[l-1]ᵀ
          ("J only")
========  =========================  ===================  ======================

So every dZ and dA differs by exactly the factor m and every dW, db is identical. Putting the
1/m in *both* places (at the output and in every dW) is the bug that gives 1/m^k.
"""

from __future__ import annotations

import re

import numpy as np

from chainrule.errors import ChainruleError

CONVENTIONS = ("loss", "cost")


def check_convention(convention: str) -> str:
    """``convention`` if it is "loss" or "cost"; a ChainruleError otherwise."""
    if convention not in CONVENTIONS:
        raise ChainruleError(
            f"unknown convention {convention!r}; expected 'loss' (the course's: dZ = ∂L/∂Z per example, "
            f"1/m in dW and db) or 'cost' (J only: dZ = ∂J/∂Z, 1/m once at the output)"
        )
    return convention


def scales(convention: str, m: int) -> tuple[float, float]:
    """(s, k) for ``convention``: dZ[L] = s ∂L/∂Z[L] at the output, dW[l] = k dZ[l] A[l-1]ᵀ.

    "loss": s = 1, k = 1/m.   "cost": s = 1/m, k = 1.   Always s · k = 1/m: one factor 1/m.
    """
    check_convention(convention)
    return (1.0, 1 / m) if convention == "loss" else (1 / m, 1.0)


_KEY = re.compile(r"^d(W|b|Z|A)(\d+)$")


def derivative_of(key: str, convention: str) -> str:
    """Which derivative the grads entry ``key`` holds, e.g. derivative_of("dZ2", "loss") == "∂L/∂Z[2]"."""
    check_convention(convention)
    match = _KEY.match(key)
    if not match:
        raise ChainruleError(f"not a gradient key: {key!r}; expected dW<l>, db<l>, dZ<l> or dA<l>")
    what, l = match.groups()
    if what in "Wb" or convention == "cost":
        return f"∂J/∂{what}[{l}]"
    return f"∂L/∂{what}[{l}]"


def expected_ratio(key: str, m: int) -> float:
    """The exact ratio loss / cost of a grads entry: m for dZ and dA, 1 for dW and db."""
    return float(m) if key[1] in "ZA" else 1.0


def compare_grads(grads_loss: dict[str, np.ndarray], grads_cost: dict[str, np.ndarray], m: int, lambd: float = 0.0):
    """The convention table of two grads dicts of the same batch: one row per key.

    Columns: key, shape, what it is in each convention, the best-fit ratio loss/cost
    ⟨g_loss, g_cost⟩ / ⟨g_cost, g_cost⟩, the expected ratio (m or 1), max |loss − cost|, and
    max |loss − expected · cost| / max |loss| (how exactly the identity holds).
    """
    from chainrule.report import Table

    rows = []
    for key, g_loss in grads_loss.items():
        g_cost = grads_cost[key]
        denominator = float(np.vdot(g_cost, g_cost))
        ratio = float(np.vdot(g_loss, g_cost)) / denominator if denominator > 0 else float("nan")
        expected = expected_ratio(key, m)
        scale = float(np.max(np.abs(g_loss))) if g_loss.size else 0.0
        deviation = float(np.max(np.abs(g_loss - expected * g_cost))) / scale if scale > 0 else 0.0
        rows.append(
            {
                "key": key,
                "shape": tuple(g_loss.shape),
                "loss": derivative_of(key, "loss"),
                "cost": derivative_of(key, "cost"),
                "ratio": ratio,
                "expected": expected,
                "max_abs_diff": float(np.max(np.abs(g_loss - g_cost))) if g_loss.size else 0.0,
                "rel_deviation": deviation,
            }
        )
    return ConventionTable(rows=rows, m=m, lambd=lambd, table=Table.from_rows(
        title=f'Both conventions on one batch (m = {m}): "loss" is the course\'s, "cost" is J only',
        rows=rows,
        columns=[
            ("key", "key"),
            ("shape", "shape"),
            ("loss", '"loss"'),
            ("cost", '"cost"'),
            ("ratio", "loss/cost"),
            ("max_abs_diff", "max|loss-cost|"),
            ("rel_deviation", "dev. from m or 1"),
        ],
    ))


class ConventionTable:
    """Result of ``compare_conventions``: rows (one dict per grads key), a verdict, and renderings."""

    def __init__(self, rows: list[dict], m: int, table, lambd: float = 0.0) -> None:
        self.rows = rows
        self.m = m
        self.lambd = lambd
        self.table = table
        self.table.notes = self.summary()

    @property
    def identities_hold(self) -> bool:
        """True when dW, db agree to 1e-12 (relative) and every dZ, dA ratio is m to 1e-12."""
        return all(row["rel_deviation"] <= 1e-12 for row in self.rows)

    def summary(self) -> list[str]:
        """Sentences that state what the table shows."""
        dw = [r for r in self.rows if r["key"][1] in "Wb"]
        dz = [r for r in self.rows if r["key"][1] in "ZA"]
        worst_w = max((r["rel_deviation"] for r in dw), default=0.0)
        worst_z = max((r["rel_deviation"] for r in dz), default=0.0)
        if self.lambd:
            objective = (
                f"J = (1/m) Σ L + (λ/2m) Σ‖W[l]‖² with λ = {self.lambd:g}: dW[l] includes (λ/m) W[l] in both conventions; "
                "dZ, dA, db do not depend on the L2 term."
            )
        else:
            objective = "J = (1/m) Σ L (no L2 term)."
        return [
            objective,
            f"dW, db: identical in both conventions (largest relative difference {worst_w:.1e}); "
            "both are ∂J/∂W, ∂J/∂b.",
            f"dZ, dA: \"loss\" = m × \"cost\" with m = {self.m} (largest relative deviation {worst_z:.1e}); "
            "∂L/∂· per example vs ∂J/∂· of the mean cost.",
        ]

    def __getitem__(self, key: str) -> dict:
        for row in self.rows:
            if row["key"] == key:
                return row
        raise KeyError(key)

    def __str__(self) -> str:
        return str(self.table)

    def _repr_html_(self) -> str:
        return self.table._repr_html_()

    def to_json(self) -> str:
        return self.table.to_json()


def compare_conventions(net, X: np.ndarray, Y: np.ndarray, lambd: float = 0.0) -> ConventionTable:
    """Run ``net``'s backward pass on (X, Y) in both conventions and compare every grads key.

    Returns a ConventionTable: for each of dZ[l], dW[l], db[l], dA[l-1] which derivative it is
    in each convention, the ratio loss/cost (m for dZ and dA, 1 for dW and db) and the largest
    absolute difference. Its notes say which J is differentiated: J = (1/m) Σ L, or with
    ``lambd`` = λ > 0 J = (1/m) Σ L + (λ/2m) Σ‖W‖², whose dW gains (λ/m) W in both conventions.
    Prints as a table; renders as HTML in a notebook.
    """
    _, caches = net.forward(X)
    grads_loss = net.backward(Y, caches, convention="loss", lambd=lambd)
    grads_cost = net.backward(Y, caches, convention="cost", lambd=lambd)
    return compare_grads(grads_loss, grads_cost, m=X.shape[1], lambd=lambd)
