"""The proof on numbers: the core's forward, backward and cost on a seeded random instance, in both conventions.

Nothing here computes a gradient or a finite difference: the grads are ``Network.backward``'s, and the
numeric check is ``chainrule.gradcheck``'s, the one checker (``chainrule check`` runs it too), with its ε,
rtol and mode, once per convention: dW, db against J, dZ, dA against Σ L ("loss") or J ("cost"). gradcheck
evaluates the per-example losses from Z[L] (``Loss.from_Z``, stable where A[L] saturates) and takes J
= (1/m) Σ L (+ (λ/2m) Σ‖W‖²) from training's rule (``losses.objective_of_losses``, the L2 term
``regularization.l2_cost``'s). What is added here is the check of the conventions against each other
(``conventions.compare_grads``: the best-fit loss/cost is m for dZ, dA and 1 for dW, db, to
RATIO_TOLERANCE) and of the printed shapes.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict

import numpy as np

from chainrule.activations import ACTIVATIONS
from chainrule.conventions import CONVENTIONS, ConventionRow, compare_grads
from chainrule.errors import ChainruleError
from chainrule.explain.notation import Shape
from chainrule.gradcheck import EPSILON, RTOL, GradcheckReport, GradcheckRow, K, gradcheck, memory_estimate
from chainrule.losses import one_hot
from chainrule.memory import FLOAT64, require
from chainrule.network import Network, parameter_shapes
from chainrule.report import Table
from chainrule.training import Regularization
from chainrule.validation import check_integer

VERIFY_M = 8  # examples in the random instance of verify when m is left symbolic
# The numeric check is gradcheck's, at its defaults: central differences with ε = gradcheck.EPSILON (1e-6), a
# tensor passing when ‖g − ĝ‖ ≤ rtol (‖g‖ + ‖ĝ‖) + the roundoff bounds of both sides, rtol = gradcheck.RTOL (1e-5),
# mode "auto" (every element where that is cheap, K random directions elsewhere), checks that cross a relu kink
# differenced on the side that does not. A wrong formula (1/m twice, a wrong g') gives 1e-3 or more.
THRESHOLD = RTOL  # the rtol verify passes to gradcheck (the largest relative difference of a correct tensor)
MODE = "auto"
MAX_ENTRIES = K  # directions per tensor too large for a per-element check ("auto"; K elements in "sample")
_THRESHOLD_IS_RTOL = "threshold= is rtol= now (gradcheck's tolerance of ‖g − ĝ‖ / (‖g‖ + ‖ĝ‖), beside the roundoff bounds)"
RATIO_TOLERANCE = 1e-12  # largest accepted relative deviation of loss/cost from m (dZ, dA) or 1 (dW, db)


# -- the proof on numbers ------------------------------------------------------------------------
class VerificationRow(TypedDict):
    """One grads key of the verification table."""

    key: str
    shape: tuple[int, ...]
    norm_loss: float  # ‖·‖ in "loss"
    norm_cost: float  # ‖·‖ in "cost"
    ratio: float  # the checked best-fit loss/cost ⟨g_loss, g_cost⟩ / ⟨g_cost, g_cost⟩ (conventions.compare_grads)
    expected: float  # m for dZ, dA; 1 for dW, db
    fd_rel_error: float  # the larger of gradcheck's two relative differences (NaN when one is)
    fd_entries: str  # what gradcheck checked, e.g. "20/20", "32 directional (3 at a kink)"
    ok: bool


@dataclass(init=False)
class Verification:
    """The result of ``verify``: one row per grads key, the checks, and a pass/fail line.

    ``threshold=``, its name for rtol before the check was gradcheck's, is still accepted (with a
    DeprecationWarning) and sets rtol.
    """

    m: int
    seed: int
    rows: list[VerificationRow]
    failures: list[str] = field(default_factory=list)
    epsilon: float = EPSILON
    rtol: float = RTOL
    mode: str = MODE

    def __init__(self, m: int, seed: int, rows: list[VerificationRow], failures: list[str] | None = None,
                 epsilon: float = EPSILON, rtol: float = RTOL, mode: str = MODE, *, threshold: float | None = None) -> None:  # fmt: skip
        self.m, self.seed, self.rows, self.failures = m, seed, rows, [] if failures is None else failures
        self.epsilon, self.rtol, self.mode = epsilon, _rtol(rtol, threshold, "Verification"), mode

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def threshold(self) -> float:
        """The rtol (its name before the check was gradcheck's)."""
        return self.rtol

    @property
    def worst_fd_error(self) -> float:
        return max((r["fd_rel_error"] for r in self.rows if r["fd_rel_error"] is not None), default=0.0)

    def verdict(self) -> str:
        """The pass/fail line."""
        if self.passed:
            return (
                f"PASS: every shape is as printed; every dZ, dA is m = {self.m} times its \"cost\" value and every dW, db "
                f"the same in both (to {RATIO_TOLERANCE:g}); every gradient passes gradcheck in both conventions "
                f"(largest relative difference {self.worst_fd_error:.1e}, rtol {self.rtol:g})."
            )
        return f"FAIL: {'; '.join(self.failures)}."

    @property
    def table(self) -> Table:
        columns = [("key", "key"), ("shape", "shape"), ("norm_loss", '‖·‖ "loss"'), ("norm_cost", '‖·‖ "cost"'),
                   ("ratio", "loss/cost"), ("expected", "expected"), ("fd_rel_error", "FD rel. error"),
                   ("fd_entries", "FD checks"), ("ok", "ok")]  # fmt: skip
        table = Table.from_rows(
            f"Verified on a random instance (seed {self.seed}, m = {self.m}; gradcheck in both conventions: central "
            f"differences ε = {self.epsilon:g}, rtol {self.rtol:g}, mode {self.mode})",
            self.rows,
            columns,
        )
        table.notes = [self.verdict()]
        if any("kink" in (row["fd_entries"] or "") for row in self.rows):
            table.notes.append(
                "Checks \"at a kink\" moved some Z[l] of a relu-type layer across 0, where g' jumps: gradcheck "
                "differences them on the side that did not cross, and leaves out (skips) one whose steps both crossed."
            )
        return table

    def to_dict(self) -> dict[str, Any]:
        return {**self.table.to_dict(), "m": self.m, "seed": self.seed, "epsilon": self.epsilon, "rtol": self.rtol,
                "mode": self.mode, "threshold": self.rtol, "passed": self.passed, "failures": self.failures}  # fmt: skip


def kinked_layers(activations: Sequence[str]) -> list[int]:
    """Indices l - 1 of the layers whose g' jumps at Z = 0 (relu, leaky_relu), from the activation table."""
    return [i for i, name in enumerate(activations) if ACTIVATIONS[name].kinked]


def random_instance(net: Network, rng: np.random.Generator) -> Network:
    """A float64 network of ``net``'s architecture: W[l] from its initializer ("auto" for zeros),
    b[l] = 0.1 N(0, 1), all from ``rng``.

    Nonzero b keeps every Z[l] away from relu's kink at exactly 0 (where one-sided and central
    differences disagree), which b = 0 and a dead unit below would otherwise put it on.
    """
    initialization = "auto" if net.initialization == "zeros" else net.initialization  # zeros: all W equal, no test
    instance = Network(net.layer_dims, net.activations, initialization=initialization, rng=rng, loss=net.loss)
    instance.parameters = {
        key: value if key[0] == "W" else 0.1 * rng.standard_normal(value.shape) for key, value in instance.parameters.items()
    }
    return instance


def random_problem(net: Network, m: int, seed: int) -> tuple[Network, np.ndarray, np.ndarray]:
    """(instance, X, Y), all from ``np.random.default_rng(seed)``: ``random_instance`` of ``net``'s architecture,
    X ~ N(0, 1) (n_x, m), Y ~ Bernoulli(1/2), or one-hot of uniform classes for a softmax output."""
    rng = np.random.default_rng(seed)
    instance = random_instance(net, rng)
    X = rng.standard_normal((instance.n_x, m))
    if instance.loss == "categorical_cross_entropy":
        Y = one_hot(rng.integers(instance.n_y, size=m), instance.n_y)
    else:
        Y = (rng.random((instance.n_y, m)) < 0.5).astype(np.float64)
    return instance, X, Y


def _rtol(rtol: float, threshold: float | None, caller: str) -> float:
    """rtol, or the old ``threshold=`` in its place (with a DeprecationWarning); both at once are refused."""
    if threshold is None:
        return rtol
    if rtol != RTOL:
        raise ChainruleError(f"{caller}: give rtol or its old name threshold, not both; got rtol={rtol!r}, threshold={threshold!r}")
    warnings.warn(f"{caller}: {_THRESHOLD_IS_RTOL}", DeprecationWarning, stacklevel=3)
    return threshold


def _sampled(mode: str, max_entries: int | None) -> tuple[str, int]:
    """(mode, k) for gradcheck: the old ``max_entries=N`` (every entry of a tensor up to N, else N of them
    drawn at random) is gradcheck's mode "sample" with k = N; without it, ``mode`` and gradcheck's K."""
    if max_entries is None:
        return mode, K
    check_integer(max_entries, "max_entries", 1, "entries checked per tensor")
    if mode not in (MODE, "sample"):
        raise ChainruleError(f'max_entries is the k of mode "sample" (entries per tensor); it does not apply to mode {mode!r}')
    return "sample", max_entries


def require_verify_memory(layer_dims: Sequence[int], m: int, mode: str = MODE, k: int = K) -> None:
    """Refuse (``memory.require``) a ``verify`` that would not fit, before anything is drawn.

    Estimate, in float64 values: the random instance's parameters (P), X and Y, the caches Z[l],
    A[l] and, for each of the two conventions, the gradients dZ[l], dA[l-1] down to dA[0]
    (m (3 n_x + n[L] + 6 Σₗ n[l]) in all), plus the peak of one gradcheck at a time
    (``gradcheck.memory_estimate``: its forward pass and backward bounds, and its largest batch of
    perturbed copies).
    """
    P = sum(math.prod(shape) for shape in parameter_shapes(layer_dims).values())
    values = P + m * (3 * layer_dims[0] + layer_dims[-1] + 6 * sum(layer_dims[1:]))
    checker = memory_estimate(list(layer_dims), m, mode, k)
    require(FLOAT64 * values + checker, f"explain --verify of layer_dims {list(layer_dims)} on m = {m:,} examples")


def verify(net: Network, m: int, seed: int = 0, expected_shapes: dict[str, Shape] | None = None, lambd: float = 0.0,
           epsilon: float = EPSILON, rtol: float = RTOL, mode: str = MODE, *, threshold: float | None = None,
           max_entries: int | None = None) -> Verification:  # fmt: skip
    """Run the core on a seeded random instance of ``net``'s architecture in both conventions and check everything.

    The instance and its data (``random_problem``) come from ``np.random.default_rng(seed)``; ``net``'s
    own weights are left alone. With ``lambd`` = λ > 0 the J of the backward pass and of the check has
    the L2 term (λ/2m) Σ‖W‖².

    For each grads key: its shape (against ``expected_shapes``, the shapes the explanation prints),
    its norm in each convention, their ratio (m for dZ, dA; 1 for dW, db), and gradcheck's verdict on
    it in each convention (``gradcheck(..., epsilon, rtol, mode)``, seeded by ``seed``): the larger of
    the two relative differences ‖g − ĝ‖ / (‖g‖ + ‖ĝ‖) and the checks made.

    The keywords of before still work: ``threshold=`` is rtol (with a DeprecationWarning);
    ``max_entries=N`` (every entry of a tensor up to N, else N at random) is mode "sample" with k = N.
    """
    m = check_integer(m, "m", 1, "the number of examples")
    rtol = _rtol(rtol, threshold, "verify")
    mode, k = _sampled(mode, max_entries)
    require_verify_memory(net.layer_dims, m, mode, k)
    instance, X, Y = random_problem(net, m, seed)
    _, caches = instance.forward(X)
    grads = {convention: instance.backward(Y, caches, convention, lambd=lambd) for convention in CONVENTIONS}
    regularization = Regularization(lambd=lambd)
    checks = {c: gradcheck(instance, X, Y, grads[c], c, mode, k=k, epsilon=epsilon, rtol=rtol, regularization=regularization,
                           seed=seed) for c in CONVENTIONS}  # fmt: skip
    rows, failures = [], []
    for row in compare_grads(grads["loss"], grads["cost"], m, lambd=lambd).rows:
        checked, failed = _checked_row(row, grads, checks, expected_shapes)
        rows.append(checked)
        failures += failed
    first = checks["loss"]
    return Verification(m=m, seed=seed, rows=rows, failures=failures, epsilon=first.epsilon, rtol=first.rtol, mode=mode)


def _checked_row(row: ConventionRow, grads: dict[str, dict[str, np.ndarray]], checks: dict[str, GradcheckReport],
                 expected_shapes: dict[str, Shape] | None) -> tuple[VerificationRow, list[str]]:  # fmt: skip
    """One key's row of the verification table and what failed: its shape, its loss/cost ratio, gradcheck in each convention."""
    key = row["key"]
    g_loss, g_cost = grads["loss"][key], grads["cost"][key]
    failures = []
    if expected_shapes is not None and expected_shapes.get(key) != g_loss.shape:
        failures.append(f"{key} has shape {g_loss.shape}, printed {expected_shapes.get(key)}")
    if row["rel_deviation"] > RATIO_TOLERANCE:
        failures.append(f"{key} loss/cost = {row['ratio']:.6g}, expected {row['expected']:g} (relative deviation "
                        f"{row['rel_deviation']:.1e}, above {RATIO_TOLERANCE:g})")
    numeric = {convention: checks[convention][key] for convention in CONVENTIONS}  # gradcheck's rows
    errors = [r["relative_difference"] for r in numeric.values()]
    fd_error = math.nan if any(math.isnan(e) for e in errors) else max(errors)
    failed = [convention for convention, r in numeric.items() if not r["passed"]]
    if failed:
        why = "; ".join(f"{convention!r}: {numeric[convention]['problem']}" for convention in failed)
        failures.append(f"{key} finite-difference relative error {fd_error:.2e} fails gradcheck ({why})")
    checked = VerificationRow(
        key=key, shape=tuple(g_loss.shape), norm_loss=float(np.linalg.norm(g_loss)), norm_cost=float(np.linalg.norm(g_cost)),
        ratio=row["ratio"], expected=row["expected"],  # the ratio the verdict checked (its deviation, to RATIO_TOLERANCE)
        fd_rel_error=fd_error, fd_entries=_checks_text(numeric["loss"], g_loss.size), ok=not failures,
    )  # fmt: skip
    return checked, failures


def _checks_text(row: GradcheckRow, size: int) -> str:
    """What gradcheck's row checked: "20/20" (every element), "32 directional" (random directions), and the kinks."""
    text = f"{row['checked']} directional" if row["mode"] == "directional" else f"{row['checked']}/{size}"
    if row["kinks"]:
        text += f" ({row['kinks']} at a kink" + (f", {row['skipped']} skipped)" if row["skipped"] else ")")
    return text
