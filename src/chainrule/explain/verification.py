"""The proof on numbers: the core's forward, backward and cost on a seeded random instance, in both conventions.

Nothing here computes a gradient: the grads are ``Network.backward``'s, J is ``losses.objective`` (the
mean cost + ``regularization.l2_cost``) through ``network.forward``, and the check compares them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from chainrule.activations import ACTIVATIONS
from chainrule.conventions import CONVENTIONS, compare_grads, expected_ratio
from chainrule.errors import ChainruleError
from chainrule.explain.notation import Shape
from chainrule.losses import objective, one_hot
from chainrule.memory import FLOAT64, require
from chainrule.network import Network, forward, parameter_shapes
from chainrule.numerics import relative_difference
from chainrule.report import Table

VERIFY_M = 8  # examples in the random instance of verify when m is left symbolic
# Central differences (J(θ + ε) − J(θ − ε)) / 2ε in float64 err by about u |J| / ε (rounding, u = 1.1e-16) plus
# ε² |J‴| / 6 (truncation); ε = 1e-5 balances the two. The relative error ‖g − g_fd‖ / (‖g‖ + ‖g_fd‖) of a
# correct gradient then stays near 1e-9 for most networks and below 1e-6 for deep sigmoid ones, whose small
# lower-layer gradients feel the rounding most. A wrong formula (1/m twice, a wrong g') gives 1e-3 or more.
EPSILON = 1e-5
THRESHOLD = 1e-6  # largest accepted relative error of a dW or db
RATIO_TOLERANCE = 1e-12  # largest accepted relative deviation of loss/cost from m (dZ, dA) or 1 (dW, db)
MAX_ENTRIES = 50  # finite differences per dW, db: all entries up to this many, else a seeded sample


# -- the proof on numbers ------------------------------------------------------------------------
@dataclass
class Verification:
    """The result of ``verify``: one row per grads key, the checks, and a pass/fail line."""

    m: int
    seed: int
    rows: list[dict[str, Any]]
    failures: list[str] = field(default_factory=list)
    epsilon: float = EPSILON
    threshold: float = THRESHOLD

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def worst_fd_error(self) -> float:
        return max((r["fd_rel_error"] for r in self.rows if r["fd_rel_error"] is not None), default=0.0)

    def verdict(self) -> str:
        """The pass/fail line."""
        if self.passed:
            return (
                f"PASS: every shape is as printed; every dZ, dA is m = {self.m} times its \"cost\" value and every dW, db "
                f"the same in both (to {RATIO_TOLERANCE:g}); every dW, db matches central finite differences of J "
                f"(largest relative error {self.worst_fd_error:.1e} < {self.threshold:g})."
            )
        return f"FAIL: {'; '.join(self.failures)}."

    @property
    def table(self) -> Table:
        columns = [("key", "key"), ("shape", "shape"), ("norm_loss", '‖·‖ "loss"'), ("norm_cost", '‖·‖ "cost"'),
                   ("ratio", "loss/cost"), ("expected", "expected"), ("fd_rel_error", "FD rel. error"),
                   ("fd_entries", "FD entries"), ("ok", "ok")]  # fmt: skip
        table = Table.from_rows(
            f"Verified on a random instance (seed {self.seed}, m = {self.m}, central differences ε = {self.epsilon:g})",
            self.rows,
            columns,
        )
        table.notes = [self.verdict()]
        if any("kink" in (row["fd_entries"] or "") for row in self.rows):
            table.notes.append(
                "Entries \"at a kink\" are left out of the FD error: their ±ε steps put some Z[l] of a relu-type "
                "layer on both sides of 0, where g' jumps and the difference measures no derivative."
            )
        return table

    def to_dict(self) -> dict[str, Any]:
        return {**self.table.to_dict(), "m": self.m, "seed": self.seed, "epsilon": self.epsilon,
                "threshold": self.threshold, "passed": self.passed, "failures": self.failures}  # fmt: skip


def kinked_layers(activations: Sequence[str]) -> list[int]:
    """Indices l - 1 of the layers whose g' jumps at Z = 0 (relu, leaky_relu), from the activation table."""
    return [i for i, name in enumerate(activations) if ACTIVATIONS[name].kinked]


def finite_difference(net: Network, X: np.ndarray, Y: np.ndarray, key: str, indices: np.ndarray,
                      epsilon: float = EPSILON, lambd: float = 0.0) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """(J(θ + ε) − J(θ − ε)) / 2ε for the entries ``indices`` (flat) of parameter ``key`` ("W1", "b2", …).

    J is the core's: ``network.forward`` and ``losses.objective`` (with ``lambd``, ``regularization.l2_cost``),
    on a copy of the parameters. Also
    returns, per entry, whether the two steps put some Z[l] of a relu-type layer on different sides
    of 0: there the difference straddles a kink and measures no derivative.
    """
    parameters = {name: value.copy() for name, value in net.parameters.items()}
    theta = parameters[key].reshape(-1)  # a view: writing it moves parameters[key]
    kinked = kinked_layers(net.activations)

    def J_and_sides() -> tuple[float, list[np.ndarray]]:
        AL, caches = forward(X, parameters, net.activations)
        J = objective(AL, Y, net.loss, parameters, lambd)  # the one J of training (losses.objective)
        return J, [caches[i][1] > 0 for i in kinked]

    approx, crossed = np.empty(len(indices)), np.zeros(len(indices), dtype=bool)
    for j, i in enumerate(indices):
        original = theta[i]
        theta[i] = original + epsilon
        J_plus, sides_plus = J_and_sides()
        theta[i] = original - epsilon
        J_minus, sides_minus = J_and_sides()
        theta[i] = original
        approx[j] = (J_plus - J_minus) / (2 * epsilon)
        crossed[j] = any(not np.array_equal(p, q) for p, q in zip(sides_plus, sides_minus, strict=True))
    return approx, crossed


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


def require_verify_memory(layer_dims: Sequence[int], m: int) -> None:
    """Refuse (``memory.require``) a ``verify`` that would not fit, before anything is drawn.

    Estimate, in float64 values: the random instance's parameters and the finite differences' copy
    of them (2 P), X and Y, the caches Z[l], A[l] and, for each of the two conventions, the
    gradients dZ[l], dA[l-1] (m (3 n_x + n[L] + 6 Σₗ n[l])), and one forward pass of the finite
    differences at a time (2 m Σₗ n[l]).
    """
    P = sum(math.prod(shape) for shape in parameter_shapes(layer_dims).values())
    units = sum(layer_dims[1:])
    values = 2 * P + m * (3 * layer_dims[0] + layer_dims[-1] + 8 * units)
    require(FLOAT64 * values, f"explain --verify of layer_dims {list(layer_dims)} on m = {m:,} examples")


def verify(net: Network, m: int, seed: int = 0, expected_shapes: dict[str, Shape] | None = None, lambd: float = 0.0,
           epsilon: float = EPSILON, threshold: float = THRESHOLD, max_entries: int = MAX_ENTRIES) -> Verification:  # fmt: skip
    """Run the core on a seeded random instance of ``net``'s architecture in both conventions and check everything.

    The instance (``random_instance``; X ~ N(0, 1) of m examples; Y ~ Bernoulli(1/2), or one-hot of
    uniform classes for a softmax output) is drawn from ``np.random.default_rng(seed)``; ``net``'s own
    weights are left alone. With ``lambd`` = λ > 0 the J of the backward pass and of the finite
    differences has the L2 term (λ/2m) Σ‖W‖².

    For each grads key: its shape (against ``expected_shapes``, the shapes the explanation prints),
    its norm in each convention, their ratio (m for dZ, dA; 1 for dW, db), and for dW, db the relative
    error against central finite differences of J (all entries up to ``max_entries``, else a seeded sample).
    """
    if not (isinstance(m, int | np.integer) and not isinstance(m, bool) and m >= 1):
        raise ChainruleError(f"m must be a positive integer (the number of examples); got {m!r}")
    if not (0 < epsilon < 1 and 0 < threshold and max_entries >= 1):
        raise ChainruleError(f"need 0 < epsilon < 1, threshold > 0, max_entries >= 1; got {epsilon!r}, {threshold!r}, {max_entries!r}")
    require_verify_memory(net.layer_dims, m)
    rng = np.random.default_rng(seed)
    net = random_instance(net, rng)
    X = rng.standard_normal((net.n_x, m))
    if net.loss == "categorical_cross_entropy":
        Y = one_hot(rng.integers(net.n_y, size=m), net.n_y)
    else:
        Y = (rng.random((net.n_y, m)) < 0.5).astype(np.float64)
    _, caches = net.forward(X)
    grads = {convention: net.backward(Y, caches, convention, lambd=lambd) for convention in CONVENTIONS}
    comparison = compare_grads(grads["loss"], grads["cost"], m, lambd=lambd)
    rows, failures = [], []
    for row in comparison.rows:
        key = row["key"]
        g_loss, g_cost = grads["loss"][key], grads["cost"][key]
        norm_loss, norm_cost = float(np.linalg.norm(g_loss)), float(np.linalg.norm(g_cost))
        ok = True
        if expected_shapes is not None and expected_shapes.get(key) != g_loss.shape:
            failures.append(f"{key} has shape {g_loss.shape}, printed {expected_shapes.get(key)}")
            ok = False
        if row["rel_deviation"] > RATIO_TOLERANCE:
            failures.append(f"{key} loss/cost = {row['ratio']:.6g}, expected {row['expected']:g}")
            ok = False
        fd_error, fd_entries = None, None
        if key[1] in "Wb":
            parameter = key[1:]
            size = g_loss.size
            indices = np.arange(size) if size <= max_entries else np.sort(rng.choice(size, max_entries, replace=False))
            approx, crossed = finite_difference(net, X, Y, parameter, indices, epsilon, lambd)
            kept = indices[~crossed]
            fd_error = max(relative_difference(grads[c][key].reshape(-1)[kept], approx[~crossed]) for c in CONVENTIONS)
            fd_entries = f"{len(kept)}/{size}" + (f" ({crossed.sum()} at a kink)" if crossed.any() else "")
            if len(kept) == 0:
                failures.append(f"{key}: every sampled entry straddles a relu kink; try another seed")
                ok = False
            if not fd_error < threshold:
                failures.append(f"{key} finite-difference relative error {fd_error:.2e} ≥ {threshold:g}")
                ok = False
        rows.append({
            "key": key, "shape": tuple(g_loss.shape), "norm_loss": norm_loss, "norm_cost": norm_cost,
            "ratio": norm_loss / norm_cost if norm_cost > 0 else float("nan"), "expected": expected_ratio(key, m),
            "fd_rel_error": fd_error, "fd_entries": fd_entries, "ok": ok,
        })  # fmt: skip
    return Verification(m=m, seed=seed, rows=rows, failures=failures, epsilon=epsilon, threshold=threshold)
