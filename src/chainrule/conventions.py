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

This module is the one place that says so in code: ``Convention`` (``LOSS``, ``COST``) gives the
output scale s and the dW scale k (s · k = 1/m; the 1/m is J's, ``losses.cost_weight``), what dZ and dA
are derivatives of ("Σ L" or "J", and per key ``differentiates``) and ``derivative_of`` each key;
``parse_key`` is the one reader of a grads key ("dW2" → W, 2; ``key_letter`` for its letter).
layers, network, course/, gradcheck, explain and the audit read the factor from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple, TypedDict

import numpy as np

from chainrule.errors import ChainruleError
from chainrule.losses import cost_weight
from chainrule.numerics import best_fit_ratio

if TYPE_CHECKING:
    from chainrule.network import Network
    from chainrule.report import Table

CONVENTIONS = ("loss", "cost")


class GradKey(NamedTuple):
    """A grads key taken apart: "dW2" → ("W", 2, False); "dA_prev" → ("A", None, True)."""

    letter: str  # "W", "b", "Z" or "A"; "w" (week 2's logistic regression, ∂J/∂w) in a learner's names only
    layer: int | None  # l, or None when the key names no layer ("dW", "dA_prev")
    prev: bool = False  # "_prev": dA_prev, the course's name for dA[l-1]


_KEY = re.compile(r"d([WbZAw])(\d*)(_prev)?$")  # the one pattern of a gradient key


def parse_key(key: str, strict: bool = True) -> GradKey | None:
    """``key`` as a GradKey, or None when it is not a gradient key.

    strict (the core's grads dicts): exactly d<W|b|Z|A><l>, e.g. "dZ2". strict=False (a learner's
    names): the key may end with one, "relu: dW", "dA_prev", "dW" (no layer) included.
    """
    match = _KEY.fullmatch(key) if strict else _KEY.search(key)
    if match is None or (strict and (not match.group(2) or match.group(3) or match.group(1) == "w")):
        return None
    letter, layer, prev = match.groups()
    return GradKey(letter, int(layer) if layer else None, prev is not None)


def grads_key(key: str) -> GradKey:
    """A core grads key taken apart, "dW2" → ("W", 2) (``parse_key``); a ChainruleError when ``key`` is not one."""
    parsed = parse_key(key)
    if parsed is None:
        raise ChainruleError(f"not a gradient key: {key!r}; expected dW<l>, db<l>, dZ<l> or dA<l>")
    return parsed


def key_letter(key: str) -> str:
    """The letter of a core grads key: "dW2" → "W"; a ChainruleError when ``key`` is not one."""
    return grads_key(key).letter


@dataclass(frozen=True)
class Convention:
    """Where the one factor 1/m of ∂J/∂· sits, and what dZ, dA are the derivatives of.

    ``Convention("loss")`` (the course's): dZ[L] = ∂L/∂Z[L] = A[L] − Y, dW[l] = (1/m) dZ[l] A[l-1]ᵀ;
    dZ and dA are derivatives of the per-example losses, Σ L taken apart.
    ``Convention("cost")`` (J only): dZ[L] = (1/m)(A[L] − Y) = ∂J/∂Z[L], dW[l] = dZ[l] A[l-1]ᵀ.
    """

    name: str

    def __post_init__(self) -> None:
        check_convention(self.name)

    @property
    def output_has_1_over_m(self) -> bool:
        """True for "cost": dZ[L] carries the 1/m."""
        return self.name == "cost"

    @property
    def dW_has_1_over_m(self) -> bool:
        """True for "loss": dW[l] and db[l] carry the 1/m."""
        return self.name == "loss"

    @property
    def differentiated(self) -> str:
        """What dZ and dA are derivatives of: "Σ L" (per example, "loss") or "J" ("cost")."""
        return "Σ L" if self.name == "loss" else "J"

    def of(self, letter: str) -> str:
        """What d<letter> is a derivative of: "J" for W, b (and week 2's w) in both conventions and for all in "cost"; else "L"."""
        return "J" if letter in "Wbw" or self.name == "cost" else "L"

    def differentiates(self, letter: str) -> str:
        """The function of the whole batch d<letter> is the derivative of: "J", or "Σ L" (dZ, dA in "loss": column i is ∂L⁽ⁱ⁾/∂·)."""
        return "J" if self.of(letter) == "J" else "Σ L"

    def output_scale(self, m: int) -> float:
        """s in dZ[L] = s ∂L/∂Z[L]: 1 ("loss") or 1/m ("cost"), the 1/m of J (``losses.cost_weight``)."""
        return cost_weight(m) if self.output_has_1_over_m else 1.0

    def dW_scale(self, m: int) -> float:
        """k in dW[l] = k dZ[l] A[l-1]ᵀ and db[l] = k Σᵢ dZ[l]: 1/m ("loss") or 1 ("cost"), the 1/m of J."""
        return cost_weight(m) if self.dW_has_1_over_m else 1.0

    def scales(self, m: int) -> tuple[float, float]:
        """(s, k): dZ[L] = s ∂L/∂Z[L] at the output, dW[l] = k dZ[l] A[l-1]ᵀ. Always s · k = 1/m: one factor 1/m."""
        return self.output_scale(m), self.dW_scale(m)

    def derivative_of(self, key: str) -> str:
        """Which derivative the grads entry ``key`` holds, e.g. "∂L/∂Z[2]" for "dZ2" in "loss"; ∂J/∂· for dW, db."""
        parsed = grads_key(key)
        return f"∂{self.of(parsed.letter)}/∂{parsed.letter}[{parsed.layer}]"


def check_convention(convention: str) -> str:
    """``convention`` if it is "loss" or "cost"; a ChainruleError otherwise."""
    if convention not in CONVENTIONS:
        raise ChainruleError(
            f"unknown convention {convention!r}; expected 'loss' (the course's: dZ = ∂L/∂Z per example, "
            f"1/m in dW and db) or 'cost' (J only: dZ = ∂J/∂Z, 1/m once at the output)"
        )
    return convention


LOSS = Convention("loss")
COST = Convention("cost")


def get_convention(convention: str | Convention) -> Convention:
    """The Convention called ``convention`` ("loss" or "cost"), or ``convention`` itself; a ChainruleError otherwise."""
    if isinstance(convention, Convention):
        return convention
    return LOSS if check_convention(convention) == "loss" else COST


def scales(convention: str, m: int) -> tuple[float, float]:
    """(s, k) for ``convention``: dZ[L] = s ∂L/∂Z[L] at the output, dW[l] = k dZ[l] A[l-1]ᵀ (``Convention.scales``).

    "loss": s = 1, k = 1/m.   "cost": s = 1/m, k = 1.   Always s · k = 1/m: one factor 1/m.
    """
    return get_convention(convention).scales(m)


def derivative_of(key: str, convention: str) -> str:
    """Which derivative the grads entry ``key`` holds, e.g. derivative_of("dZ2", "loss") == "∂L/∂Z[2]"."""
    return get_convention(convention).derivative_of(key)


def expected_ratio(key: str, m: int) -> float:
    """The exact ratio loss / cost of a grads entry: m for dZ and dA, 1 for dW and db."""
    parsed = parse_key(key)
    return float(m) if parsed is not None and parsed.letter in "ZA" else 1.0


class ConventionRow(TypedDict):
    """One grads key of the convention table: what it is in each convention and how exactly loss = expected × cost."""

    key: str
    shape: tuple[int, ...]
    loss: str  # what it is the derivative of in "loss", e.g. "∂L/∂Z[2]"
    cost: str  # … in "cost", e.g. "∂J/∂Z[2]"
    ratio: float  # best-fit loss/cost ⟨g_loss, g_cost⟩ / ⟨g_cost, g_cost⟩
    expected: float  # m for dZ, dA; 1 for dW, db
    max_abs_diff: float  # max |loss − cost|
    rel_deviation: float  # max |loss − expected · cost| / max |loss|


def compare_grads(
    grads_loss: dict[str, np.ndarray], grads_cost: dict[str, np.ndarray], m: int, lambd: float = 0.0
) -> ConventionTable:
    """The convention table of two grads dicts of the same batch: one row per key.

    Columns: key, shape, what it is in each convention, the best-fit ratio loss/cost
    ⟨g_loss, g_cost⟩ / ⟨g_cost, g_cost⟩, the expected ratio (m or 1), max |loss − cost|, and
    max |loss − expected · cost| / max |loss| (how exactly the identity holds).
    """
    from chainrule.report import Table

    rows: list[ConventionRow] = []
    for key, g_loss in grads_loss.items():
        g_cost = grads_cost[key]
        ratio = best_fit_ratio(g_loss, g_cost)  # ⟨g_loss, g_cost⟩ / ⟨g_cost, g_cost⟩
        expected = expected_ratio(key, m)
        scale = float(np.max(np.abs(g_loss))) if g_loss.size else 0.0
        deviation = float(np.max(np.abs(g_loss - expected * g_cost))) / scale if scale > 0 else 0.0
        rows.append(
            ConventionRow(
                key=key,
                shape=tuple(g_loss.shape),
                loss=derivative_of(key, "loss"),
                cost=derivative_of(key, "cost"),
                ratio=ratio,
                expected=expected,
                max_abs_diff=float(np.max(np.abs(g_loss - g_cost))) if g_loss.size else 0.0,
                rel_deviation=deviation,
            )
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

    def __init__(self, rows: list[ConventionRow], m: int, table: Table, lambd: float = 0.0) -> None:
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
        dw = [r for r in self.rows if key_letter(r["key"]) in "Wb"]
        dz = [r for r in self.rows if key_letter(r["key"]) in "ZA"]
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

    def __getitem__(self, key: str) -> ConventionRow:
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


def compare_conventions(net: Network, X: np.ndarray, Y: np.ndarray, lambd: float = 0.0) -> ConventionTable:
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
