"""Gradient checking that names the wrong tensor, fast enough for real networks.

``gradcheck(net, X, Y)`` compares every array of a grads dict with central differences,

    ∂f/∂θ · d  ≈  (f(θ + ε d) − f(θ − ε d)) / 2ε,

in float64, and reports per tensor: the relative difference ‖g − ĝ‖ / (‖g‖ + ‖ĝ‖) (g analytic,
ĝ numeric), the best-fit ratio ⟨g, ĝ⟩ / ⟨ĝ, ĝ⟩ (shown as an exact factor such as 2, m, 1/m, −1
when it is one), the worst element, and pass or fail against a stated tolerance.

Which f each key is the derivative of (see ``chainrule.conventions``):

- dW[l], db[l]: always the cost J = (1/m) Σᵢ L⁽ⁱ⁾, plus λ/(2m) Σₗ ‖W[l]‖²_F when λ > 0
  (``regularization=Regularization(lambd=λ)``, fit's);
- dZ[l], dA[l]: the summed losses Σᵢ L⁽ⁱ⁾ in the "loss" convention (so column i is ∂L⁽ⁱ⁾/∂·
  per example), the mean cost J in the "cost" convention. The L2 term does not depend on them.

Sound at every accepted setting. ε is accepted in EPSILON_RANGE = [1e-7, 1e-5] (below, float64
roundoff swamps the differences; above, truncation error fails correct gradients). Both sides of
each comparison carry a bound on their roundoff, sized by the magnitudes that reach the example's
loss (``_Problem._roundoff_sizes``). A pass may rest on the numeric one (it grows as 1/ε) only up
to ROUNDOFF_SHARE of ‖ĝ‖, so that a doubled g, off by ‖ĝ‖, cannot pass; a tensor that would need
more is checked again at the largest accepted ε, and what still needs more there is below what J
resolves in float64 (it passes, and its row says so). The per-example losses are evaluated from Z[L] (log-sigmoid / log-softmax,
``Loss.from_Z``), exact for saturated outputs. When every dZ, dA fails by the factor between the
conventions, ``report.hint`` says the gradients follow the other one.

Speed by design. Every perturbation is turned into a change ΔZ[l] of the first pre-activation
it touches (W[l], b[l], Z[l] and A[l-1] all act on Z[l]), so layers below l are never recomputed:
their activations come from one forward pass. Many perturbations of one layer are stacked side
by side as extra columns and pushed through the layers above as one matrix product per layer,
with the core's ``forward``. Since L⁽ⁱ⁾ depends on column i of Z[l] and A[l] only, a perturbation
of one element of dZ or dA needs one example's column, and one random direction for a whole dZ
or dA gives m checks, one per example.

Modes: "full" (every element, like the course), "sample" (k random elements per tensor),
"directional" (k random directions per tensor, 2k evaluations whatever its size; a failing tensor
is followed by a per-element look at the elements the failing directions point to), "auto"
(full where a per-element check is cheap, directional elsewhere).

ReLU kinks: a perturbation that flips the sign of a relu or leaky_relu pre-activation, in the
perturbed layer or above, crosses the kink where g' jumps, and a central difference there is a
false error. Such checks are counted, and by default ("one-sided") the example that crossed is
differenced on the side that did not, the linear piece the backward pass differentiates; a check
is skipped only when both sides cross. kinks="skip" skips every such check, "keep" keeps the
plain central difference (to see the false errors).

Dropout. With keep_prob < 1 the check needs the masks: ``masks={l: D[l]}``, one fixed (n[l], m)
0/1 mask per hidden layer, as ``chainrule.regularization.dropout_masks`` draws them. f is then
the cost of the network thinned by those masks, A[l] := g[l](Z[l]) * D[l] / keep_prob, in the
one forward pass, in the built-in backward and in every perturbed copy (a copy of example j uses
column j of each D[l]). dA[l] is, as ``Network.backward`` returns it, the derivative with respect
to the raw A[l] = g[l](Z[l]) before the mask (dA[l] := (W[l+1]ᵀ dZ[l+1]) * D[l] / keep_prob), so
the numeric side perturbs the raw A[l]: ΔZ[l+1] = W[l+1] (ΔA[l] * D[l] / keep_prob). A dropped
unit has dA = 0 and dZ = 0, and a kink crossed by a dropped unit is not one (the cost does not see
it). Without masks keep_prob < 1 is refused: each evaluation would draw a new mask.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import Any, TypedDict, TypeVar, cast

import numpy as np

from chainrule.activations import get_activation
from chainrule.conventions import LOSS, Convention, check_convention, derivative_of, get_convention, key_letter, parse_key
from chainrule.errors import ChainruleError
from chainrule.losses import get_loss, objective_of_losses
from chainrule.network import Network, backward, forward
from chainrule.numerics import best_fit_ratio, factor_of_m, factor_value, relative_difference
from chainrule.regularization import Masks, apply_mask, l2_cost
from chainrule.report import Table
from chainrule.training import LEGACY_OPTIONS, Regularization, fit_options
from chainrule.validation import check_integer, check_number, check_X, check_Y

EPSILON = 1e-6  # the step of each element, or the RMS size of ΔZ[l] along a direction
EPSILON_RANGE = (1e-7, 1e-5)  # the accepted ε: roundoff swamps the differences below, truncation error above
ROUNDOFF_SHARE = 0.25  # a pass may rest on a numeric roundoff floor of at most this share of ‖ĝ‖ (a doubled g is off by ‖ĝ‖)
RTOL = 1e-5  # a tensor passes when ‖g − ĝ‖ ≤ rtol (‖g‖ + ‖ĝ‖) + the roundoff bounds of both sides
K = 32  # elements per tensor in "sample", directions per tensor in "directional"
AUTO_LIMIT = 100_000  # "auto": full where a per-element check needs at most this many example-columns
MAX_COLUMNS = 1 << 15  # example-columns pushed through the upper layers at once
MODES = ("auto", "full", "sample", "directional")
KINKS = ("one-sided", "skip", "keep")  # what to do with a check whose perturbation crosses a relu kink
COURSE_THRESHOLD = 2e-7  # the course's gradient_check_n: "There is a mistake" above this
_UNIT = np.finfo(np.float64).eps
_UNUSED = np.empty(0)  # the slot of layer 0 in the per-layer lists Z[l], B[l], C[l] (l = 1..L)


# -- the network, evaluated once below and many times above the perturbed layer -------------------
class _Problem:
    """One forward pass of (X, Y), kept layer by layer, and the per-example losses of perturbed copies.

    With dropout ``masks`` {l: D[l]} (fixed, (n[l], m) booleans) every pass, this one and the
    perturbed copies', uses A[l] := g[l](Z[l]) * D[l] / keep_prob for the hidden layers, so the
    caches hold the dropped-out A[l-1], as in training.
    """

    def __init__(self, parameters: dict[str, np.ndarray], activations: list[str], loss: str, X: np.ndarray, Y: np.ndarray,
                 masks: Masks | None = None, keep_prob: float = 1.0):  # fmt: skip
        self.parameters, self.activations, self.X, self.Y = parameters, activations, X, Y
        self.L, self.m = len(activations), X.shape[1]
        self.masks, self.keep_prob = masks, keep_prob
        self.losses = get_loss(loss).from_Z[activations[-1]]  # L from Z[L]: log-sigmoid / log-softmax, stable
        AL, caches = forward(X, parameters, activations, masks, keep_prob)
        self.caches = caches
        self.base_losses = self.losses(caches[-1][1], Y).sum(axis=0)  # L⁽ʲ⁾ of the unperturbed network
        self.J_weight = objective_of_losses(np.eye(1, self.m))  # ∂J/∂L⁽ʲ⁾ = 1/m, read from training's J (linear in the L⁽ʲ⁾)
        self.Z = [_UNUSED] + [Z for _, Z in caches]  # Z[l], l = 1..L
        self.A = [A_prev for (A_prev, _, _), _ in caches]  # A[l], l = 0..L-1
        self.sizes, self.condition = self._roundoff_sizes(AL)
        self.upper = [  # the layers above l, renumbered from 1, for the core's forward
            {f"{p}{i - l}": parameters[f"{p}{i}"] for i in range(l + 1, self.L + 1) for p in "Wb"} for l in range(self.L + 1)
        ]

    @classmethod
    def of(cls, net: Network, X: np.ndarray, Y: np.ndarray, masks: Masks | None, keep_prob: float) -> _Problem:
        """The problem of ``net`` on (X, Y), checked and in float64 (the network's own arrays are left alone)."""
        parameters = {key: np.asarray(value, dtype=np.float64) for key, value in net.parameters.items()}
        X = check_X(X, net.n_x).astype(np.float64, copy=False)
        Y = check_Y(Y, net.n_y, X.shape[1], binary=net.loss == "binary_cross_entropy").astype(np.float64, copy=False)
        if masks is not None:
            masks = _check_masks(masks, net.layer_dims, X.shape[1])
        return cls(parameters, list(net.activations), net.loss, X, Y, masks, float(keep_prob))

    def _roundoff_sizes(self, AL: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """(B, C): the sizes that bound the float64 roundoff of each side of a check, per layer l = 1..L.

        Both come from the core's backward run on |W| (every g' here is ≥ 0), which propagates an
        upper bound of |·| from the output down: from |A[L]| + |Y| it gives B[l] (n[l], m), the size
        of the terms the backward pass adds up to form dZ[l] (dZ[L] = A[L] − Y is their difference),
        so an analytic dZ[l] is exact only to about u B[l] (a saturated correct output has dZ[L] = 0
        in float64 where the true one is e^(−|z|)); from ``_output_sensitivity`` it gives S[l] ≥
        |∂L⁽ʲ⁾/∂Z[l]|, without that cancellation. C[l]ⱼ = Σ_{k ≥ l} √(n[k-1] + 1) Σᵢ S[k]ᵢⱼ (|W[k]|
        |A[k-1]| + |b[k]|)ᵢⱼ, (m,), sizes the rounding that reaches L⁽ʲ⁾ when layers l..L are
        evaluated: Z[k] = W[k] A[k-1] + b[k], a sum of n[k-1] + 1 terms, is off by about u √(n[k-1] + 1)
        times the size of its terms (the usual estimate for rounding errors that do not all go one
        way), which moves L⁽ʲ⁾ by ∂L/∂Z[k] times that, however small L⁽ʲ⁾ is. Both only size the
        roundoff bounds, never ĝ.
        """
        caches = [((A_prev, np.abs(W), b), Z) for (A_prev, W, b), Z in self.caches]

        def bounded(dZL: np.ndarray) -> dict[str, np.ndarray]:  # the core's backward on |W| from a bound of |dZ[L]|
            # per example: dZ[L] bounds ∂L/∂Z[L], the "loss" convention (only dZ[l] is read, never its dW)
            return backward(caches, self.activations, LOSS.dW_scale(self.m), dZL=dZL, need_dA0=False, masks=self.masks,
                            keep_prob=self.keep_prob)  # fmt: skip

        terms = bounded(np.abs(AL) + np.abs(self.Y))
        sensitivity = bounded(_output_sensitivity(self.Z[self.L], AL, self.Y, self.activations[-1]))
        B = [_UNUSED] + [terms[f"dZ{k}"] for k in range(1, self.L + 1)]
        C = [_UNUSED] * (self.L + 1) + [np.zeros(self.m)]
        for k in range(self.L, 0, -1):
            W, b = self.parameters[f"W{k}"], self.parameters[f"b{k}"]
            summed = np.abs(W) @ np.abs(self.A[k - 1]) + np.abs(b)  # Σ |W[k]ᵢₚ A[k-1]ₚⱼ| + |b[k]ᵢ|
            C[k] = C[k + 1] + math.sqrt(W.shape[1] + 1) * np.sum(sensitivity[f"dZ{k}"] * summed, axis=0)
        return B, C

    def example_losses(self, l: int, Zp: np.ndarray, columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(L⁽ʲ⁾ per column, whether the column crossed a kink) with Z[l] replaced by Zp.

        Zp is (n[l], width); column c is a perturbed copy of example ``columns[c]``. Layers l..L
        run on all copies at once: A[l] = g[l](Zp), then the core's forward for layers above.
        With dropout, copy c uses column ``columns[c]`` of every mask D[l], D[l+1], ….
        """
        A = get_activation(self.activations[l - 1]).g(Zp)
        masks = None
        if self.masks is not None:
            if l < self.L:
                A = apply_mask(A, self.masks[l][:, columns], self.keep_prob)  # A[l] := A[l] * D[l] / keep_prob
            masks = {i - l: self.masks[i][:, columns] for i in range(l + 1, self.L)}  # renumbered as self.upper
        _, caches = forward(A, self.upper[l], self.activations[l:], masks, self.keep_prob)
        ZL = caches[-1][1] if caches else Zp  # Z[L] of every copy (Zp itself when l = L)
        losses = self.losses(ZL, self.Y[:, columns]).sum(axis=0)  # L⁽ʲ⁾ sums the n[L] output units
        kinked = np.zeros(Zp.shape[1], dtype=bool)
        for i, Z in enumerate([Zp] + [Z for _, Z in caches], start=l):
            if get_activation(self.activations[i - 1]).kinked:
                crossed = (Z > 0) != (self.Z[i][:, columns] > 0)
                if self.masks is not None and i < self.L:
                    crossed &= self.masks[i][:, columns]  # a dropped unit's kink does not reach the cost
                kinked |= crossed.any(axis=0)
        return losses, kinked

    def objective(self, lambd: float = 0.0) -> float:
        """J = (1/m) Σⱼ L⁽ʲ⁾ (+ (λ/2m) Σ‖W‖²) of the unperturbed network: training's ``losses.objective_of_losses``.

        The numeric ĝ differentiates exactly this J: ∂J = w Σⱼ ∂L⁽ʲ⁾ with w = ``J_weight``, the rule's value on one
        unit loss (1/m), and the L2 slope is ``l2_cost``'s (``_l2_slope``); so a change of training's J is one here.
        """
        return objective_of_losses(self.base_losses, self.parameters, lambd)

    def dropout_factor(self, l: int) -> np.ndarray | None:
        """∂(dropped-out A[l]) / ∂(raw A[l]) = D[l] / keep_prob, (n[l], m), for a hidden layer with dropout; else None."""
        if self.masks is None or not 1 <= l < self.L:
            return None
        return self.masks[l] / self.keep_prob


def _output_sensitivity(ZL: np.ndarray, AL: np.ndarray, Y: np.ndarray, activation: str) -> np.ndarray:
    """A bound of |∂L/∂Z[L]| = |A[L] − Y| per example that keeps its digits when the output saturates.

    |a − y| ≤ (1 − y) a + y (1 − a) for y in [0, 1], with 1 − a computed without cancelling:
    σ(−z) for a sigmoid; for a softmax 1 − aₖ is exact enough where aₖ ≤ 1/2, and for the largest
    class it is the other classes' share Σ_{j ≠ k} e^(zⱼ − zₖ) / Σⱼ e^(zⱼ − zₖ).
    """
    if activation == "sigmoid":
        complement = get_activation("sigmoid").g(-ZL)
    else:
        top = np.argmax(ZL, axis=0)[None, :]
        E = np.exp(ZL - np.take_along_axis(ZL, top, axis=0))
        total = E.sum(axis=0, keepdims=True)
        np.put_along_axis(E, top, 0.0, axis=0)
        complement = 1 - AL
        np.put_along_axis(complement, top, E.sum(axis=0, keepdims=True) / total, axis=0)
    return (1 - Y) * AL + Y * complement


# -- one grads key: how its perturbations reach Z[l] ------------------------------------------------
@dataclass
class _Target:
    """A grads key and how its perturbations act on Z[l], the first pre-activation they change."""

    key: str
    kind: str  # "W", "b", "Z" or "A"
    l: int  # the layer whose Z the perturbations change
    shape: tuple[int, ...]
    reference: str  # "J" or "Σ L": the function the numeric derivative differentiates (Convention.differentiates)

    @property
    def per_example(self) -> bool:
        """Z and A: element (i, j) moves example j only; W and b move every example."""
        return self.kind in "ZA"


def _targets(keys: list[str], L: int, layer_dims: list[int], m: int, convention: Convention) -> tuple[list[_Target], list[str]]:
    """The checkable keys in backward order (dZ[L], dW[L], db[L], dA[L-1], dZ[L-1], …) and the others."""
    order: dict[str, int] = {}
    for l in range(L, 0, -1):
        for j, kind in enumerate("ZWbA"):
            order[f"d{kind}{l - (kind == 'A')}"] = (L - l) * 4 + j
    targets = []
    for key in sorted((k for k in keys if k in order), key=order.__getitem__):
        parsed = parse_key(key)
        assert parsed is not None and parsed.layer is not None  # every key of ``order`` is d<W|b|Z|A><l>
        kind, index = parsed.letter, parsed.layer
        l = index + 1 if kind == "A" else index
        shape = {
            "W": (layer_dims[l], layer_dims[l - 1]),
            "b": (layer_dims[l], 1),
            "Z": (layer_dims[l], m),
            "A": (layer_dims[index], m),
        }[kind]
        targets.append(_Target(key, kind, l, shape, convention.differentiates(kind)))
    others = [k for k in keys if k not in order]
    return targets, others


# -- perturbations: elements and directions ---------------------------------------------------------
@dataclass
class _Comparison:
    """Analytic and numeric values of one tensor's checks, and which ones crossed a kink."""

    analytic: np.ndarray
    numeric: np.ndarray
    kinked: np.ndarray  # the check crossed a relu kink (differenced one-sided, or skipped)
    skipped: np.ndarray  # left out of the verdict: both sides crossed a kink
    noise: np.ndarray  # a bound on the roundoff in each numeric value
    evaluations: int
    analytic_noise: np.ndarray  # a bound on the roundoff of each analytic value (its terms' size times u)
    elements: np.ndarray | None = None  # flat indices, for per-element checks


def _numeric(
    problem: _Problem, target: _Target, T: np.ndarray, columns: np.ndarray, epsilon: float, per_column: bool, one_sided: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(numeric values, kinked, skipped, noise, analytic noise) of the perturbations ΔZ[l] = ±ε T.

    T is (n[l], P, m) when each perturbation moves all m examples (one value per perturbation, or
    one per perturbation and example when ``per_column``), or (n[l], P) with ``columns`` naming the
    example of each perturbation. An example whose + (or −) copy crosses a relu kink is
    differenced one-sided on the other side, the linear piece the backward pass differentiates
    (g'(0) = 0 puts Z = 0 on the left piece); if both sides cross, the check is skipped.
    With ``one_sided=False`` every kinked check is skipped.

    noise bounds the float64 roundoff of each value: each of the two losses is off by about
    u (|L⁽ʲ⁾| + C[l]ⱼ) (``_Problem._roundoff_sizes``); with a safety factor, the difference quotient by
    (8 u (|L₊| + |L₋|) + 4 u C) / 2ε;
    The analytic value along T, Σᵢ gᵢ Tᵢ, is exact only to about 4 u Σᵢ B[l]ᵢ |Tᵢ| (the analytic noise).
    """
    l, m = target.l, problem.m
    scale = problem.J_weight if target.reference == "J" else 1.0  # ∂J = (1/m) Σ ∂L⁽ʲ⁾;  ∂(Σ L) = Σ ∂L⁽ʲ⁾
    Z = problem.Z[l]
    all_examples = T.ndim == 3
    if all_examples:
        n, P, _ = T.shape
        base = Z[:, None, :]
        cols = np.tile(np.arange(m), P)
        T = T.reshape(n, P * m)
        base = np.broadcast_to(base, (n, P, m)).reshape(n, P * m)
    else:
        P = T.shape[1]
        base, cols = Z[:, columns], columns
    width = base.shape[1]
    plus_minus = np.concatenate([base + epsilon * T, base - epsilon * T], axis=1)
    losses, crossed = problem.example_losses(l, plus_minus, np.concatenate([cols, cols]))
    plus, minus, here = losses[:width], losses[width:], problem.base_losses[cols]
    crossed_plus, crossed_minus = crossed[:width], crossed[width:]
    difference = (plus - minus) / (2 * epsilon)  # central, per example-column
    noise = (8 * _UNIT * (np.abs(plus) + np.abs(minus)) + 4 * _UNIT * problem.condition[l][cols]) / (2 * epsilon)
    terms = np.sum(problem.sizes[l][:, cols] * np.abs(T), axis=0)  # Σᵢ B[l]ᵢⱼ |Tᵢ|: the analytic side's terms
    kinked = crossed_plus | crossed_minus
    skipped = crossed_plus & crossed_minus
    if one_sided:  # stay on the linear piece the backward pass differentiates
        difference = np.where(crossed_plus, (here - minus) / epsilon, difference)
        difference = np.where(crossed_minus, (plus - here) / epsilon, difference)
        noise = np.where(kinked, 2 * noise, noise)
    else:
        skipped = kinked
    difference, noise, exact = scale * difference, scale * noise, scale * 4 * _UNIT * terms
    if not all_examples:  # one column per perturbation
        return difference, kinked, skipped, noise, exact
    shape = (P, m)
    if per_column:
        return difference.reshape(shape), kinked.reshape(shape), skipped.reshape(shape), noise.reshape(shape), exact.reshape(shape)
    return (difference.reshape(shape).sum(axis=1), kinked.reshape(shape).any(axis=1), skipped.reshape(shape).any(axis=1),
            np.sqrt((noise.reshape(shape) ** 2).sum(axis=1)), np.sqrt((exact.reshape(shape) ** 2).sum(axis=1)))  # fmt: skip


def _l2_slope(lambd: float, m: int) -> float:
    """2c for the training objective's L2 term c ‖W‖²_F, c read from ``regularization.l2_cost`` (c = λ/2m, so 2c = λ/m).

    Read from the objective rather than written again, so that a change of the L2 term in training is a
    change here too, and the check sees whether backward's dW still follows it.
    """
    return 2 * l2_cost({"W": np.ones((1, 1))}, lambd, m)


def _l2_numeric(W: np.ndarray, U: np.ndarray, V: np.ndarray, lambd: float, m: int) -> np.ndarray:
    """Central differences of the L2 term c ‖W‖²_F along each direction D[p] = u[p] v[p]ᵀ (the other layers' terms cancel).

    The central difference of a quadratic is exact: c (‖W + εD‖² − ‖W − εD‖²) / 2ε = 2c ⟨W, D⟩, so it
    is computed in that form, 2c uᵀ W v, free of the roundoff of differencing two large sums.
    """
    return _l2_slope(lambd, m) * np.einsum("pi,ij,pj->p", U, W, V)


def _check_elements(
    problem: _Problem, target: _Target, g: np.ndarray, elements: np.ndarray, epsilon: float, lambd: float, one_sided: bool
) -> _Comparison:
    """Per-element central differences of the flat ``elements`` of one tensor, in batches."""
    l, m = target.l, problem.m
    per = 1 if target.per_example else m
    chunk = max(1, MAX_COLUMNS // (2 * per))
    numeric, kinked, skipped, noise, exact = [], [], [], [], []
    for start in range(0, elements.size, chunk):
        flat = elements[start : start + chunk]
        i, j = np.unravel_index(flat, target.shape)
        P = flat.size
        columns = np.zeros(0, dtype=int)
        if target.kind == "W":  # W[l][i, j] += ε  ⇒  Z[l][i, :] += ε A[l-1][j, :]
            T: np.ndarray = np.zeros((problem.Z[l].shape[0], P, m))
            T[i, np.arange(P), :] = problem.A[l - 1][j, :]
        elif target.kind == "b":  # b[l][i] += ε  ⇒  Z[l][i, :] += ε
            T = np.zeros((problem.Z[l].shape[0], P, m))
            T[i, np.arange(P), :] = 1.0
        elif target.kind == "Z":  # Z[l][i, j] += ε, example j only
            T = np.zeros((problem.Z[l].shape[0], P))
            T[i, np.arange(P)] = 1.0
            columns = j
        else:  # A[l-1][i, j] += ε  ⇒  Z[l][:, j] += ε W[l][:, i] (× D[l-1][i, j] / keep_prob with dropout), example j only
            T = problem.parameters[f"W{l}"][:, i]
            factor = problem.dropout_factor(l - 1)
            if factor is not None:
                T = T * factor[i, j]
            columns = j
        values, k, s, n, e = _numeric(problem, target, T, columns, epsilon, per_column=False, one_sided=one_sided)
        if target.kind == "W" and lambd:  # c ((W + ε)² − (W − ε)²) / 2ε = 2c W exactly (see _l2_numeric)
            W = problem.parameters[f"W{l}"].ravel()[flat]
            values = values + _l2_slope(lambd, m) * W
        numeric.append(values)
        kinked.append(k)
        skipped.append(s)
        noise.append(n)
        exact.append(e)
    return _Comparison(
        analytic=g.ravel()[elements],
        numeric=np.concatenate(numeric),
        kinked=np.concatenate(kinked),
        skipped=np.concatenate(skipped),
        noise=np.concatenate(noise),
        evaluations=2 * elements.size,
        analytic_noise=np.concatenate(exact),
        elements=elements,
    )


def _check_directions(
    problem: _Problem, target: _Target, g: np.ndarray, k: int, epsilon: float, lambd: float, rng: np.random.Generator,
    one_sided: bool,
) -> tuple[_Comparison, tuple[np.ndarray, np.ndarray]]:
    """Central differences along random rank-one directions D[p] = u[p] v[p]ᵀ; returns the comparison and (U, V).

    Rank one makes ΔZ[l] one outer product: W: ΔZ = u (vᵀ A[l-1]);  b (v = 1): ΔZ = u 1ᵀ;
    Z: ΔZ = u vᵀ;  A[l-1]: ΔZ = (W[l] u) vᵀ, or with dropout on layer l-1 column j of it
    W[l] (u * D[l-1][:, j] / keep_prob) v[j] (the raw A[l-1] is perturbed; see the module's
    docstring). Each D[p] is scaled so that ΔZ[l] = ε T[p] has root-mean-square ε. W, b give one
    value per direction, ⟨g, D[p]⟩ = u[p]ᵀ g v[p]; Z and A one per example j, v[p, j] u[p]ᵀ g[:, j]
    (L⁽ʲ⁾ depends on column j only).
    """
    l, m = target.l, problem.m
    P = max(1, math.ceil(k / m)) if target.per_example else k
    U = rng.standard_normal((P, target.shape[0]))
    if target.kind == "W":
        V = rng.standard_normal((P, target.shape[1]))
        rows = V @ problem.A[l - 1]  # vᵀ A[l-1], (P, m)
    elif target.kind == "b":
        V = np.ones((P, 1))
        rows = np.ones((P, m))
    else:
        V = rng.standard_normal((P, m))
        rows = V
    W = problem.parameters[f"W{l}"]
    factor = problem.dropout_factor(l - 1) if target.kind == "A" else None
    if factor is not None:  # ΔZ[l][:, j] = W[l] (u * D[l-1][:, j] / keep_prob) v[j]
        T = np.moveaxis(W @ (U[:, :, None] * factor[None, :, :]), 0, 1) * rows[None, :, :]
    else:
        left = U @ W.T if target.kind == "A" else U  # W[l] u for A[l-1], else u
        T = left.T[:, :, None] * rows[None, :, :]  # (n[l], P, m): ΔZ[l] of direction p is ε T[:, p, :]
    rms = np.sqrt(np.mean(T**2, axis=(0, 2)))
    rms[rms == 0] = 1.0
    U, T = U / rms[:, None], T / rms[None, :, None]
    numeric, kinked, skipped, noise, exact = _numeric(
        problem, target, T, np.zeros(0, dtype=int), epsilon, per_column=target.per_example, one_sided=one_sided
    )
    projected = U @ g  # u[p]ᵀ g, (P, m) or (P, n[l-1])
    analytic = V * projected if target.per_example else np.sum(projected * V, axis=1)
    if target.kind == "W" and lambd:
        l2 = _l2_numeric(problem.parameters[f"W{l}"], U, V, lambd, m)
        numeric = numeric + l2
    comparison = _Comparison(analytic.ravel(), numeric.ravel(), kinked.ravel(), skipped.ravel(), noise.ravel(),
                             evaluations=2 * P, analytic_noise=exact.ravel())  # fmt: skip
    return comparison, (U, V)


def _suspects(target: _Target, g: np.ndarray, comparison: _Comparison, UV: tuple[np.ndarray, np.ndarray], k: int) -> np.ndarray:
    """Flat indices to check one by one after failing directions: where the misfit points, and the largest |g|.

    The misfits δ = ⟨g − ĝ, D[p]⟩ of random directions sketch the error: Σₚ δ[p] D[p] ≈ P (g − ĝ)
    (per example for Z and A), i.e. Uᵀ (δ ∘ V).
    """
    U, V = UV
    delta = np.where(comparison.skipped, 0.0, comparison.analytic - comparison.numeric).reshape(U.shape[0], -1)
    sketch = U.T @ (delta * V)
    n = min(k, g.size)
    by_sketch = np.argpartition(-np.abs(sketch.ravel()), n - 1)[:n]
    by_size = np.argpartition(-np.abs(g.ravel()), n - 1)[:n]
    return np.unique(np.concatenate([by_sketch, by_size]))


# -- the verdict on one tensor ----------------------------------------------------------------------
class GradcheckRow(TypedDict):
    """One tensor's row of a GradcheckReport (and of its JSON)."""

    key: str  # "dW2", …
    shape: tuple[int, ...]
    derivative: str  # what it is the derivative of, e.g. "∂L/∂Z[2]" (conventions.derivative_of)
    of: str | None  # the function ĝ differentiates, "J" or "Σ L"; None when the tensor could not be compared
    mode: str | None  # "full", "sample" or "directional" ("auto" resolved)
    checked: int  # elements or directions (one per example for dZ, dA) in the verdict
    kinks: int  # checks whose perturbation crossed a relu kink
    skipped: int  # of those, left out (both sides crossed)
    evaluations: int  # cost evaluations
    relative_difference: float  # ‖g − ĝ‖ / (‖g‖ + ‖ĝ‖)
    ratio: float  # best-fit ⟨g, ĝ⟩ / ⟨ĝ, ĝ⟩
    factor: str | None  # the ratio as an exact factor ("2", "m", "1/m", …) when it is one
    worst_index: tuple[int, ...] | None
    worst_analytic: float | None
    worst_numeric: float | None
    passed: bool
    problem: str | None  # why it failed, in words
    resolution: str | None  # for a pass that rests on roundoff: how closely g and ĝ were seen to agree
    epsilon: float | None  # the step used
    seconds: float


def exact_factor(ratio: float, m: int, tolerance: float = 1e-4) -> str | None:
    """"2", "m", "1/m", "-1", … when ``ratio`` is that factor to ``tolerance`` (relative), else None (``numerics.factor_of_m``)."""
    return factor_of_m(ratio, m, tolerance)


def _row(target: _Target, g: np.ndarray, comparison: _Comparison, located: _Comparison | None, mode: str, rtol: float,
         m: int, convention: str, kinks: str, seconds: float, epsilon: float,
         first: tuple[float, float] | None = None) -> GradcheckRow:  # fmt: skip
    """One row of the report: the comparison's numbers and the verdict.

    epsilon: the step this comparison used; first: (the step asked for, its floor / ‖ĝ‖) when the
    tensor was checked again at the largest accepted step because that floor was too large.
    """
    keep = _kept(comparison, kinks)
    a, n = comparison.analytic[keep], comparison.numeric[keep]
    verdict = _verdict(comparison, keep, rtol)
    size, floor, passed = verdict.size, verdict.floor, verdict.passed
    relative = relative_difference(a, n) if np.all(np.isfinite(a)) else math.nan  # ‖g − ĝ‖ / (‖g‖ + ‖ĝ‖)
    ratio = best_fit_ratio(a, n)  # ⟨g, ĝ⟩ / ⟨ĝ, ĝ⟩
    factor = factor_of_m(ratio, m)
    if factor is not None and float(np.linalg.norm(a - factor_value(factor, m) * n)) > 10 * rtol * size + floor:
        factor = None
    worst = located if located is not None else (comparison if comparison.elements is not None else None)
    row: GradcheckRow = {
        "key": target.key,
        "shape": target.shape,
        "derivative": derivative_of(target.key, convention),
        "of": target.reference,
        "mode": mode,
        "checked": int(a.size),
        "kinks": int(comparison.kinked.sum()),
        "skipped": int(comparison.skipped.sum()) if kinks != "keep" else 0,
        "evaluations": comparison.evaluations + (located.evaluations if located is not None else 0),
        "relative_difference": relative,
        "ratio": ratio,
        "factor": factor,
        "worst_index": None,
        "worst_analytic": None,
        "worst_numeric": None,
        "passed": passed,
        "problem": None if passed else _problem_text(a, n, relative, ratio, factor, rtol * size + verdict.exact + floor, m)
        + (f" (checked at epsilon = {epsilon:g}: at {first[0]:g} the roundoff was {first[1]:.0%} of ‖ĝ‖)" if first else ""),
        "resolution": _resolution_text(verdict, rtol, epsilon, first) if passed else None,
        "epsilon": epsilon,
        "seconds": seconds,
    }
    if worst is not None and worst.elements is not None:  # per-element checks (a located follow-up always is)
        ok = _kept(worst, kinks)
        if ok.any():
            errors = np.where(ok, np.abs(worst.analytic - worst.numeric), -1.0)
            e = int(np.nanargmax(errors)) if np.isfinite(errors).any() else 0
            row["worst_index"] = tuple(int(i) for i in np.unravel_index(worst.elements[e], target.shape))
            row["worst_analytic"] = float(worst.analytic[e])
            row["worst_numeric"] = float(worst.numeric[e])
    return row


def _resolution_text(verdict: _Verdict, rtol: float, epsilon: float, first: tuple[float, float] | None) -> str | None:
    """For a pass that rests on roundoff: how closely g and ĝ were seen to agree, and at which ε; else None."""
    again = f"checked at epsilon = {epsilon:g} (at {first[0]:g} the roundoff was {first[1]:.0%} of ‖ĝ‖)" if first else None
    if verdict.on_floor:
        return (f"below what J resolves in float64: g and ĝ agree to its roundoff (≈ {verdict.floor:.2g})"
                + (f", {again}" if again else f" at epsilon = {epsilon:g}"))  # fmt: skip
    if verdict.diff > rtol * verdict.size + verdict.exact and verdict.floor > rtol * verdict.numeric:
        text = f"to the roundoff of the cost differences only, ≈ {verdict.floor / verdict.numeric:.1%} of ‖ĝ‖"
        return text + (f", {again}" if again else "")
    return again


def _problem_text(a: np.ndarray, n: np.ndarray, relative: float, ratio: float, factor: str | None, tolerance: float,
                  m: int) -> str:  # fmt: skip
    """Why a tensor failed, in words: an exact factor, a plain scale, or just different values."""
    if a.size == 0:
        return "every check crossed a relu kink on both sides; try a smaller epsilon"
    if not math.isfinite(relative):
        return "the gradient holds NaN or inf"
    if factor is not None:
        return f"g = {factor} × ĝ" + (f" (m = {m})" if "m" in factor else "")
    if math.isfinite(ratio) and float(np.linalg.norm(a - ratio * n)) <= 10 * tolerance:
        return f"g = {ratio:.6g} × ĝ (relative difference {relative:.3g})"
    return f"values differ (relative difference {relative:.3g})"


def _failed_row(key: str, shape: tuple[int, ...], expected: tuple[int, ...] | None, convention: str, problem: str) -> GradcheckRow:
    """A row for a tensor that cannot be compared: missing, or of the wrong shape."""
    return {
        "key": key, "shape": shape, "derivative": derivative_of(key, convention), "of": None, "mode": None,
        "checked": 0, "kinks": 0, "skipped": 0, "evaluations": 0, "relative_difference": math.nan, "ratio": math.nan, "factor": None,
        "worst_index": None, "worst_analytic": None, "worst_numeric": None, "passed": False, "problem": problem,
        "resolution": None, "epsilon": None, "seconds": 0.0,
    }  # fmt: skip


# -- the report -------------------------------------------------------------------------------------
COLUMNS = [
    ("key", "key"),
    ("shape", "shape"),
    ("derivative", "is"),
    ("mode", "mode"),
    ("checked", "checked"),
    ("kinks_text", "kinks"),
    ("relative_difference", "rel. diff"),
    ("factor_text", "g/ĝ"),
    ("worst_index", "worst element"),
    ("worst_analytic", "g there"),
    ("worst_numeric", "ĝ there"),
    ("result", "result"),
]


@dataclass
class GradcheckReport:
    """What ``gradcheck`` found: one row per tensor, the verdict, and renderings (text, HTML, JSON)."""

    rows: list[GradcheckRow]
    mode: str
    convention: str
    epsilon: float
    rtol: float
    m: int
    lambd: float
    kinks: str
    difference: float  # the course's one number over every dW, db comparison
    evaluations: int
    seconds: float
    not_checked: list[str] = field(default_factory=list)
    keep_prob: float = 1.0  # < 1: checked with the given fixed dropout masks
    hint: str | None = None  # the failures' likely cause in one sentence (the other convention)

    @property
    def passed(self) -> bool:
        """True when every checked tensor passed."""
        return all(row["passed"] for row in self.rows)

    @property
    def failed_tensors(self) -> list[str]:
        """Keys of the failing tensors in backward order (the first one is where to look first)."""
        return [row["key"] for row in self.rows if not row["passed"]]

    def __getitem__(self, key: str) -> GradcheckRow:
        for row in self.rows:
            if row["key"] == key:
                return row
        raise KeyError(key)

    @property
    def table(self) -> Table:
        verdict = "PASSED" if self.passed else "FAILED: " + ", ".join(self.failed_tensors)
        rows = []
        for row in self.rows:
            factor = row["factor"]
            text = f"×{factor}" if factor is not None else (f"{row['ratio']:.6g}" if math.isfinite(row["ratio"]) else "—")
            kinks = f"{row['kinks']} ({row['skipped']} skipped)" if row["skipped"] else str(row["kinks"])
            rows.append({**row, "factor_text": text, "kinks_text": kinks, "result": "ok" if row["passed"] else "FAIL"})
        dropout = f", dropout keep_prob = {self.keep_prob:g} with fixed masks" if self.keep_prob < 1 else ""
        return Table(title=f"Gradient check ({self.mode}, convention {self.convention!r}, m = {self.m}{dropout}): {verdict}",
                     columns=COLUMNS, rows=rows, notes=self.notes())  # fmt: skip

    def notes(self) -> list[str]:
        """Sentences that say what was differentiated, the tolerance and the cost of the check."""
        J = "J = (1/m) Σ L" + (f" + λ/(2m) Σ‖W‖² (λ = {self.lambd:g})" if self.lambd else "")
        sum_or_J = {"Σ L": "Σ L (the summed losses)", "J": "J"}[get_convention(self.convention).differentiated]
        notes = [
            f"numeric ĝ: central differences, ε = {self.epsilon:g}, float64; dW, db are checked against {J}; "
            f"dZ, dA against {sum_or_J}.",
            f"a tensor passes when ‖g − ĝ‖ ≤ {self.rtol:g} (‖g‖ + ‖ĝ‖) + the roundoff of both sides, that of ĝ counted "
            f"up to {ROUNDOFF_SHARE:g} ‖ĝ‖ (else checked again at epsilon = {EPSILON_RANGE[1]:g}); g/ĝ is the best-fit ratio "
            "⟨g, ĝ⟩/⟨ĝ, ĝ⟩; kinks: checks whose perturbation moved a relu pre-activation across 0 "
            f"({self.kinks}).",
            f"the course's one number over dW, db: difference = {self.difference:.3e} "
            f"({'below' if self.difference <= COURSE_THRESHOLD else 'above'} its 2e-7 threshold)",
            f"{self.evaluations} cost evaluations in {self.seconds:.3f} s",
        ]
        if self.keep_prob < 1:
            notes.insert(1, f"dropout: every evaluation uses the given masks, A[l] := g(Z[l]) * D[l] / {self.keep_prob:g}; "
                            "dA[l] is checked as the derivative with respect to A[l] before the mask.")  # fmt: skip
        if self.hint:
            notes.insert(0, self.hint)
        for row in self.rows:
            if not row["passed"]:
                notes.append(f"{row['key']} ({row['derivative']}) FAILED: {row['problem']}")
            elif row.get("resolution"):
                notes.append(f"{row['key']} ({row['derivative']}) ok, {row['resolution']}")
        if self.not_checked:
            notes.append("not checked: " + ", ".join(self.not_checked))
        return notes

    def __str__(self) -> str:
        return str(self.table)

    def _repr_html_(self) -> str:
        return self.table._repr_html_()

    def to_dict(self) -> dict[str, Any]:
        rows = self.table.to_dict()["rows"]
        for row in rows:
            for key in ("factor_text", "kinks_text", "result"):
                row.pop(key)
        return {
            "passed": self.passed, "failed_tensors": self.failed_tensors, "mode": self.mode, "convention": self.convention,
            "kinks": self.kinks, "epsilon": self.epsilon, "rtol": self.rtol, "m": self.m, "lambd": self.lambd,
            "keep_prob": self.keep_prob,
            "difference": self.difference if math.isfinite(self.difference) else None, "evaluations": self.evaluations,
            "seconds": self.seconds, "not_checked": self.not_checked, "hint": self.hint, "rows": rows,
        }  # fmt: skip

    def to_json(self, indent: int | None = 2) -> str:
        import json

        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)


# -- memory -----------------------------------------------------------------------------------------
def memory_estimate(layer_dims: list[int], m: int, mode: str = "auto", k: int = K, auto_limit: int | None = None) -> int:
    """Bytes a check of ``layer_dims`` on m examples needs at its peak (float64), from the sizes alone.

    auto_limit: where "auto" checks per element (default: the module's AUTO_LIMIT, read when called).

    The one forward pass, its conditioning backward and the built-in grads hold X, Y and about six
    (n[l], m) arrays per layer: 8 m (n_x + n[L] + 6 Σₗ n[l]). Each tensor's check then pushes C
    example-columns (both signs) through layers l..L, with ΔZ[l], the base Z[l] and A[l] beside
    them: 8 C (3 n[l] + 2 Σ_{k>l} n[k]); C is 2 k m for a W or b checked along k directions
    (every example moves), 2 m ⌈k/m⌉ for a dZ or dA along directions, and at most 2 m (W, b) or
    MAX_COLUMNS (dZ, dA) per batch of elements. The estimate is the base plus the largest check.
    """
    L = len(layer_dims) - 1
    auto_limit = AUTO_LIMIT if auto_limit is None else auto_limit
    n_x, units = layer_dims[0], sum(layer_dims[1:])
    base = m * (n_x + layer_dims[-1] + 6 * units)
    largest = 0
    for l in range(1, L + 1):
        above = sum(layer_dims[l + 1 :])
        for kind, size in (("W", layer_dims[l] * layer_dims[l - 1]), ("b", layer_dims[l]), ("Z", layer_dims[l] * m),
                           ("A", layer_dims[l - 1] * m)):  # fmt: skip
            per = m if kind in "Wb" else 1
            resolved = mode if mode != "auto" else ("full" if 2 * size * per <= auto_limit else "directional")
            if resolved == "directional":
                columns = 2 * (k * m if kind in "Wb" else m * math.ceil(k / m))
            else:
                elements = size if resolved == "full" else min(k, size)
                columns = 2 * per * min(elements, max(1, MAX_COLUMNS // (2 * per)))
            largest = max(largest, columns * (3 * layer_dims[l] + 2 * above))
    return 8 * (base + largest)


def require_memory(layer_dims: list[int], m: int, mode: str = "auto", k: int = K, auto_limit: int | None = None) -> None:
    """Refuse, with the estimate (``memory_estimate``), a check that would not fit in the memory available."""
    from chainrule.memory import require

    require(memory_estimate(layer_dims, m, mode, k, auto_limit), f"a gradient check of layer_dims {layer_dims} on m = {m:,} examples")


# -- the entry point --------------------------------------------------------------------------------
REGULARIZATION_OPTIONS = tuple(name for name, group in LEGACY_OPTIONS.items() if group == "regularization")  # lambd, keep_prob
_Check = TypeVar("_Check", bound=Callable[..., Any])


_AUTO_LIMIT_GIVEN: ContextVar[int | None] = ContextVar("auto_limit", default=None)  # gradcheck(auto_limit=N), for that call


def _auto_limit() -> int:
    """Where "auto" checks per element: the ``auto_limit=`` of this call, else the module's AUTO_LIMIT (read now)."""
    given = _AUTO_LIMIT_GIVEN.get()
    return AUTO_LIMIT if given is None else given


def _with_old_names(check: _Check) -> _Check:
    """``check`` that also takes its old keywords: fit's ``lambd=``, ``keep_prob=`` and its own ``auto_limit=``.

    lambd, keep_prob are grouped into ``regularization`` by ``training.fit_options``: fit's one
    mapping of the old names, its rule (``Regularization``: λ a finite number ≥ 0, keep_prob in
    (0, 1], neither a bool) and its words (an object and its old names at once are refused).
    auto_limit (a positive integer of example-columns) replaces AUTO_LIMIT for this call only.
    """

    @functools.wraps(check)
    def with_old_names(*args: Any, **options: Any) -> Any:
        legacy = {name: options.pop(name) for name in REGULARIZATION_OPTIONS if name in options}
        if legacy:
            given = {} if options.get("regularization") is None else {"regularization": options["regularization"]}
            options["regularization"] = fit_options("gd", {**legacy, **given})["regularization"]
        auto_limit = options.pop("auto_limit", None)
        if auto_limit is not None:
            check_integer(auto_limit, "auto_limit", 1, 'example-columns where "auto" checks per element')
        token = _AUTO_LIMIT_GIVEN.set(auto_limit)
        try:
            return check(*args, **options)
        finally:
            _AUTO_LIMIT_GIVEN.reset(token)

    return cast(_Check, with_old_names)  # the signature of check: the names it adds become one of check's own


@_with_old_names
def gradcheck(
    net: Network,
    X: np.ndarray,
    Y: np.ndarray,
    grads: dict[str, np.ndarray] | None = None,
    convention: str = "loss",
    mode: str = "auto",
    *,
    k: int = K,
    epsilon: float = EPSILON,
    rtol: float = RTOL,
    regularization: Regularization | None = None,
    masks: Masks | None = None,
    kinks: str = "one-sided",
    keys: list[str] | None = None,
    seed: int | None = 0,
) -> GradcheckReport:
    """Check every array of ``grads`` against central differences of the cost of ``net`` on (X, Y).

    net: a ``chainrule.Network`` (its parameters are copied to float64). grads: a dict with keys
    dW{l}, db{l} (required, l = 1..L) and optionally dZ{l}, dA{l-1}; by default the network's own
    backward in ``convention`` (plus the L2 term (λ/m) W[l] in dW[l] when λ > 0).
    convention: what dZ, dA are: "loss" (∂L/∂· per example, checked against Σ L) or "cost"
    (∂J/∂·, checked against J). dW, db are always ∂J/∂W, ∂J/∂b.
    mode: "full", "sample" (k elements per tensor), "directional" (k directions per tensor),
    "auto" (full where it needs at most AUTO_LIMIT example-columns of forward pass, else
    directional; ``auto_limit=N``, the old keyword, sets that limit for one call).
    k: elements ("sample") or directions ("directional") per tensor.
    regularization: ``training.Regularization(lambd, keep_prob)``, fit's. λ > 0 checks dW against
    J + λ/(2m) Σₗ ‖W[l]‖²_F. keep_prob < 1 (inverted dropout) needs ``masks`` {l: D[l]}, one fixed
    0/1 array (n[l], m) per hidden layer l = 1..L−1 (``regularization.dropout_masks``): J is then
    the cost of the network thinned by those masks, the built-in grads are the backward with them,
    and dA[l] is ∂/∂A[l] before the mask, as ``Network.backward`` returns it. The keywords
    ``lambd=``, ``keep_prob=`` still work in its place (fit's old names, grouped by ``training.fit_options``).
    kinks: "one-sided" (default), "skip" or "keep", for checks that cross a relu kink. keys:
    check only these. seed: of the random elements and directions.
    """
    start = time.perf_counter()
    check_convention(convention)
    regularization = Regularization() if regularization is None else regularization
    if not isinstance(regularization, Regularization):
        raise ChainruleError(f"regularization must be a training.Regularization(lambd=..., keep_prob=...); got {regularization!r}")
    lambd, keep_prob = regularization.lambd, regularization.keep_prob
    _check_options(mode, k, epsilon, rtol, keep_prob, masks is not None, kinks)
    settings = _Settings(convention, mode, k, float(epsilon), float(rtol), lambd, kinks, _auto_limit())  # JSON takes floats
    require_memory(list(net.layer_dims), int(np.shape(X)[-1]) if np.ndim(X) == 2 else 1, mode, k, settings.auto_limit)
    problem = _Problem.of(net, X, Y, masks, keep_prob)
    if grads is None:
        grads = _builtin_grads(net, problem, convention, lambd)
    wanted = [*grads, *(f"d{p}{l}" for l in range(1, problem.L + 1) for p in "Wb")] if keys is None else list(keys)
    targets, others = _targets(list(dict.fromkeys(wanted)), problem.L, net.layer_dims, problem.m, get_convention(convention))
    rows, parameter_comparisons, evaluations = [], [], 0
    rng = np.random.default_rng(seed)
    for target in targets:
        row, comparison, count = _check_target(problem, target, grads, settings, rng)
        rows.append(row)
        evaluations += count
        if comparison is not None and target.kind in "Wb":
            keep = _kept(comparison, kinks)
            parameter_comparisons.append((comparison.analytic[keep], comparison.numeric[keep]))
    return GradcheckReport(
        rows=rows, mode=mode, convention=convention, epsilon=settings.epsilon, rtol=settings.rtol, m=problem.m, lambd=lambd,
        kinks=kinks, difference=_course_difference(parameter_comparisons), evaluations=evaluations,
        seconds=time.perf_counter() - start, not_checked=others, keep_prob=keep_prob,
        hint=convention_hint(rows, convention, problem.m),
    )  # fmt: skip


@dataclass(frozen=True)
class _Settings:
    """How every tensor is checked: gradcheck's options, validated."""

    convention: str
    mode: str
    k: int
    epsilon: float
    rtol: float
    lambd: float
    kinks: str
    auto_limit: int  # "auto": full where a per-element check needs at most this many example-columns


def _check_target(problem: _Problem, target: _Target, grads: dict[str, np.ndarray], settings: _Settings,
                  rng: np.random.Generator) -> tuple[GradcheckRow, _Comparison | None, int]:  # fmt: skip
    """One tensor's row of the report, the comparison it rests on (None when the tensor is missing or of the wrong
    shape) and how many cost evaluations it took.

    A pass that rests on too large a numeric roundoff floor at the ε asked for (``_Verdict.on_floor``)
    is checked again at the largest accepted ε, and the row says so.
    """
    if target.key not in grads:
        return _failed_row(target.key, target.shape, target.shape, settings.convention, "missing from grads"), None, 0
    g = np.asarray(grads[target.key])
    if g.shape != target.shape:
        hint = " (the transpose)" if g.shape == target.shape[::-1] else ""
        problem_text = f"shape {g.shape}{hint}, expected {target.shape}"
        return _failed_row(target.key, g.shape, target.shape, settings.convention, problem_text), None, 0
    g = np.asarray(g, dtype=np.float64)
    t0 = time.perf_counter()
    comparison, located, used = _compare(problem, target, g, settings, rng)
    evaluations = comparison.evaluations + (located.evaluations if located is not None else 0)
    checked_at, first = settings.epsilon, None
    verdict = _verdict(comparison, _kept(comparison, settings.kinks), settings.rtol)
    if verdict.on_floor and settings.epsilon < EPSILON_RANGE[1]:  # this ε cannot see errors here: look again at the largest
        checked_at, first = EPSILON_RANGE[1], (settings.epsilon, verdict.floor / max(verdict.numeric, np.finfo(float).tiny))
        comparison, located, used = _compare(problem, target, g, replace(settings, epsilon=checked_at), rng)
        evaluations += comparison.evaluations + (located.evaluations if located is not None else 0)
    row = _row(target, g, comparison, located, used, settings.rtol, problem.m, settings.convention, settings.kinks,
               time.perf_counter() - t0, checked_at, first)  # fmt: skip
    return row, comparison, evaluations  # the first look's evaluations too, when the tensor was checked again


def convention_hint(rows: list[GradcheckRow], convention: str, m: int) -> str | None:
    """The sentence to lead a report with when the failures are the other convention's gradients, else None.

    Checked in "loss", gradients of the "cost" convention (dZ[L] = (1/m)(A[L] − Y) = ∂J/∂Z[L]) make
    every dZ, dA fail with g = (1/m) ĝ; checked in "cost", those of the "loss" convention with g = m ĝ.
    Then dW, db say which way the 1/m went: they pass when it is applied once (a whole, consistent
    backward in the other convention), and carry the same factor when it is applied twice (1/m in dZ[L]
    and again in dW = (1/m) dZ A_prevᵀ) or not at all.
    """
    if m == 1:  # both conventions are the same numbers
        return None
    other, factor = ("cost", "1/m") if convention == "loss" else ("loss", "m")
    per_example = [row for row in rows if key_letter(row["key"]) in "ZA" and row["of"] is not None]
    failed = [row for row in per_example if not row["passed"]]
    if not failed or len(failed) < len(per_example) or any(row["factor"] != factor for row in failed):
        return None  # every dZ, dA off by the one factor, or it is not a convention
    what = {"cost": "∂J/∂Z, with the 1/m of J = (1/m) Σ L in dZ[L] = (1/m)(A[L] − Y)",
            "loss": "∂L/∂Z per example, without the 1/m"}[other]  # fmt: skip
    text = (f"every dZ, dA is {factor} × ĝ (m = {m}): these follow the other convention, {other!r} ({what}); "
            f"check them with convention={other!r}")
    parameters = [row for row in rows if key_letter(row["key"]) in "Wb" and row["of"] is not None]
    wrong = [row for row in parameters if not row["passed"]]
    if wrong and all(row["factor"] == factor for row in wrong):
        if convention == "loss":
            text += "; dW, db are (1/m) × ĝ too: the 1/m is applied twice, in dZ[L] and again in dW = (1/m) dZ A_prevᵀ"
        else:
            text += "; dW, db are m × ĝ too: the 1/m is missing, neither in dZ[L] nor in dW = (1/m) dZ A_prevᵀ"
    elif not wrong:
        text += f" (dW, db pass: the {other!r} backward is consistent)"
    return text


def _compare(problem: _Problem, target: _Target, g: np.ndarray, settings: _Settings,
             rng: np.random.Generator) -> tuple[_Comparison, _Comparison | None, str]:  # fmt: skip
    """The comparison of one tensor in its mode ("auto" resolved, returned), and a per-element follow-up if directions failed."""
    per = 1 if target.per_example else problem.m
    k, epsilon, lambd, kinks = settings.k, settings.epsilon, settings.lambd, settings.kinks
    mode = settings.mode
    if mode == "auto":
        mode = "full" if 2 * g.size * per <= settings.auto_limit else "directional"
    one_sided = kinks == "one-sided"
    if mode == "full":
        return _check_elements(problem, target, g, np.arange(g.size), epsilon, lambd, one_sided), None, mode
    if mode == "sample":
        elements = np.sort(rng.choice(g.size, size=min(k, g.size), replace=False))
        return _check_elements(problem, target, g, elements, epsilon, lambd, one_sided), None, mode
    comparison, UV = _check_directions(problem, target, g, k, epsilon, lambd, rng, one_sided)
    keep = _kept(comparison, kinks)
    if not keep.any():  # every direction crossed a kink on both sides: look at single elements instead
        elements = np.sort(rng.choice(g.size, size=min(k, g.size), replace=False))
        return _check_elements(problem, target, g, elements, epsilon, lambd, one_sided), None, "sample"
    if _verdict(comparison, keep, settings.rtol).passed:
        return comparison, None, mode
    located = _check_elements(problem, target, g, _suspects(target, g, comparison, UV, k), epsilon, lambd, one_sided)
    return comparison, located, mode


@dataclass
class _Verdict:
    """The numbers of one tensor's verdict and which rule decided it."""

    diff: float  # ‖g − ĝ‖
    size: float  # ‖g‖ + ‖ĝ‖
    floor: float  # the roundoff bound of the numeric values (grows as 1/ε)
    exact: float  # the roundoff bound of the analytic values (u times the size of their terms)
    numeric: float  # ‖ĝ‖
    on_floor: bool  # it passes only on a numeric floor above ROUNDOFF_SHARE ‖ĝ‖: this ε cannot see the errors
    passed: bool


def _verdict(comparison: _Comparison, keep: np.ndarray, rtol: float) -> _Verdict:
    """Pass when ‖g − ĝ‖ ≤ rtol (‖g‖ + ‖ĝ‖) + exact + floor; say when the pass rests on too large a floor.

    exact (the analytic side's roundoff) lets a gradient that is zero to working precision pass:
    dZ[L] = A[L] − Y of a saturated correct output is 0 in float64. The numeric floor grows as 1/ε;
    a pass that needs more of it than ROUNDOFF_SHARE ‖ĝ‖ is "on the floor": at this ε a doubled g
    (off by ‖ĝ‖) could pass too, so ``gradcheck`` checks that tensor again at the largest accepted
    ε, and what is still on the floor there is below what J resolves in float64 (passed, said so).
    """
    a, n = comparison.analytic[keep], comparison.numeric[keep]
    diff = float(np.linalg.norm(a - n))
    size = float(np.linalg.norm(a) + np.linalg.norm(n))
    floor = float(np.linalg.norm(comparison.noise[keep]))
    exact = float(np.linalg.norm(comparison.analytic_noise[keep]))
    numeric = float(np.linalg.norm(n))
    finite = bool(np.all(np.isfinite(a)) and np.all(np.isfinite(n)) and math.isfinite(diff))
    within = finite and a.size > 0 and diff <= rtol * size + exact + floor
    on_floor = within and diff > rtol * size + exact and floor > ROUNDOFF_SHARE * numeric
    return _Verdict(diff, size, floor, exact, numeric, on_floor, within)


def _kept(comparison: _Comparison, kinks: str) -> np.ndarray:
    """Which checks count in the verdict: all with kinks="keep", else those not skipped."""
    return np.ones_like(comparison.skipped) if kinks == "keep" else ~comparison.skipped


def _course_difference(comparisons: list[tuple[np.ndarray, np.ndarray]]) -> float:
    """‖grad − approx‖₂ / (‖grad‖₂ + ‖approx‖₂) over every dW, db comparison, as the course's gradient_check_n."""
    if not comparisons:
        return math.nan
    return relative_difference(np.concatenate([c[0] for c in comparisons]), np.concatenate([c[1] for c in comparisons]))


def _builtin_grads(net: Network, problem: _Problem, convention: str, lambd: float) -> dict[str, np.ndarray]:
    """The network's own backward on the float64 caches; with L2 its dW[l] include (λ/m) W[l], ∂/∂W[l] of λ/(2m) Σ‖W‖².

    With dropout it is given the same masks and keep_prob as the forward pass.
    """
    return net.backward(problem.Y, problem.caches, convention=convention, lambd=lambd, masks=problem.masks,
                        keep_prob=problem.keep_prob)  # fmt: skip


def _check_options(mode: str, k: int, epsilon: float, rtol: float, keep_prob: float, has_masks: bool, kinks: str) -> None:
    """A ChainruleError naming the first bad option (λ and keep_prob themselves are checked by ``Regularization``)."""
    if mode not in MODES:
        raise ChainruleError(f"unknown mode {mode!r}; expected one of: {', '.join(MODES)}")
    if kinks not in KINKS:
        raise ChainruleError(f"kinks must be one of {', '.join(KINKS)}; got {kinks!r}")
    check_integer(k, "k", 1, "elements or directions per tensor")
    for name, value in (("epsilon", epsilon), ("rtol", rtol)):
        check_number(value, name, 0, low_open=True)
    low, high = EPSILON_RANGE
    if not low <= epsilon <= high:
        raise ChainruleError(
            f"epsilon must be in [{low:g}, {high:g}]; got {epsilon!r}: below {low:g} the float64 roundoff of "
            f"J(θ + ε) − J(θ − ε) (about 1e-16 |J| / ε) swamps the differences a check must see, above {high:g} "
            "the truncation error of the differences (ε² in the central ones, ε one-sided at a relu kink) fails correct gradients"
        )
    if keep_prob < 1 and not has_masks:
        raise ChainruleError(
            f"cannot check gradients with dropout on (keep_prob = {keep_prob:g}) without fixed masks: every cost evaluation "
            "would draw a new random mask, so J(θ + ε) − J(θ − ε) measures the change of mask, not of θ, and the backward "
            "pass's mask is a third one. Pass the masks the backward used, masks={l: D[l]} (e.g. "
            "chainrule.regularization.dropout_masks(net.layer_dims, m, keep_prob, rng)), or check with keep_prob=1.0 "
            "(dropout off), as the course does."
        )
    if keep_prob == 1 and has_masks:
        raise ChainruleError(
            "masks were given with keep_prob = 1 (dropout off); pass the keep_prob the masks were drawn with, or no masks"
        )


def _check_masks(masks: Any, layer_dims: list[int], m: int) -> Masks:
    """{l: D[l]} as (n[l], m) booleans, one per hidden layer l = 1..L−1; a ChainruleError naming what is wrong otherwise."""
    expected = list(range(1, len(layer_dims) - 1))
    if not isinstance(masks, dict):
        raise ChainruleError(f"masks must be a dict {{l: D[l]}} with keys {expected} (the hidden layers); got {type(masks).__name__}")
    if set(masks) != set(expected):
        raise ChainruleError(f"masks must hold one D[l] per hidden layer, keys {expected}; got keys {sorted(masks, key=str)}")
    checked = {}
    for l in expected:
        D = np.asarray(masks[l])
        shape = (layer_dims[l], m)
        if D.shape != shape:
            hint = " (the transpose)" if D.shape == shape[::-1] else ""
            raise ChainruleError(f"masks[{l}] (D[{l}]) must have shape (n[{l}], m) = {shape}; got {D.shape}{hint}")
        if D.dtype != bool:
            if not np.issubdtype(D.dtype, np.number) or not np.isin(D, (0, 1)).all():
                bad = D[~np.isin(D, (0, 1))].ravel()[:1] if np.issubdtype(D.dtype, np.number) else D.ravel()[:1]
                raise ChainruleError(f"masks[{l}] (D[{l}]) must hold booleans or 0/1; got {D.dtype} values such as {bad[0]!r}")
            D = D == 1
        checked[l] = D
    return checked
