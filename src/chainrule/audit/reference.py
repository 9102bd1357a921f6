"""What each audited backward function should return, in both conventions, and what its usual bugs return.

A backward problem is a ``Chain``: the cached arrays of layers 1..L, the labels, and where the
backward pass starts (from dA[L] through the loss, from the fused dZ[L] = A[L] − Y, or from a
given dA or dZ). ``backward_grads`` runs chainrule's own backward pass on it,

    dZ[l], dA[l-1], dW[l], db[l] = layers.layer_backward(dA[l], ((A[l-1], W[l], b[l]), Z[l]), g[l], k, g_prime=g'[l])

with s = ``output_scale(m)`` at the output and k = ``dW_scale(m)`` in dW and db, read from the
``conventions.Convention`` value ("loss": s = 1, k = 1/m; "cost": s = 1/m, k = 1): the step
``network.backward`` loops over too, with g'[l] passed as an array. That is what lets a *variant*
(another activation's g', no g', g' evaluated on A instead of Z, a cache entry from another layer,
m from the wrong axis, db summed over the wrong one: ``db_axis``) be computed with the same code; the
tests check that the unmodified pass equals ``network.backward``, ``chainrule.course.week4.L_model_backward``
and ``chainrule.course.week3.backward_propagation``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from chainrule.activations import ACTIVATIONS, relu_prime, sigmoid, sigmoid_prime_from_A, tanh_prime_from_A
from chainrule.conventions import CONVENTIONS, Convention, get_convention
from chainrule.errors import ChainruleError
from chainrule.layers import Cache, layer_backward
from chainrule.losses import binary_cross_entropy_dA, cost_of_losses, sigmoid_cross_entropy_dZ

Grads = dict[str, np.ndarray]

# g' written with A = g(Z), as the course's week-3 code (1 − A²) and course 2's relu (A > 0) write it
DERIVATIVE_FROM_A: dict[str, tuple[Callable[[np.ndarray], np.ndarray], str]] = {
    "sigmoid": (sigmoid_prime_from_A, "A (1 - A)"),
    "tanh": (tanh_prime_from_A, "1 - A^2"),
    "relu": (relu_prime, "A > 0"),
}


@dataclass
class Chain:
    """One backward problem. Lists are indexed by layer: A[0] is the input (X or A_prev), W[0], b[0], Z[0] unused.

    start: "dAL" (dA[L] = ∂L/∂A[L] from A[L] and Y, then σ'), "fused" (dZ[L] = A[L] − Y),
    "dA" (dA[L] given) or "dZ" (dZ[L] given). derivative_from: "Z" (g'(Z[l]), the course's week 4)
    or "A" (g' written with A[l], the course's week 3 and course 2). consistent: A[l] = g(Z[l]) and
    Z[l] = W[l] A[l-1] + b[l] hold (caches of a real forward pass), or not (the course's tests).
    """

    A: list[np.ndarray | None]
    W: list[np.ndarray | None]
    b: list[np.ndarray | None]
    Z: list[np.ndarray | None]
    activations: list[str]  # layers 1..L
    start: str
    Y: np.ndarray | None = None
    given: np.ndarray | None = None
    derivative_from: str = "Z"
    consistent: bool = True
    input_name: str = "X"

    @property
    def L(self) -> int:
        return len(self.activations)

    @property
    def m(self) -> int:
        return present(self.A[0], self.input_name).shape[1]

    @property
    def dims(self) -> tuple[int, ...]:
        """(n[0], n[1], …, n[L]): the rows of A[0] and of each W[l]."""
        n_0 = present(self.A[0], self.input_name).shape[0]
        return (n_0, *(present(self.W[l], f"W{l}").shape[0] for l in range(1, self.L + 1)))

    def name_of_A(self, j: int) -> str:
        return self.input_name if j == 0 else f"A{j}"

    def cache(self, l: int, A_prev: np.ndarray | None = None) -> Cache:
        """((A[l-1], W[l], b[l]), Z[l]), layer l's cache as layers.layer_backward reads it; ``A_prev``: another array for A[l-1]."""
        A_prev = present(self.A[l - 1], self.name_of_A(l - 1)) if A_prev is None else A_prev
        return (A_prev, present(self.W[l], f"W{l}"), present(self.b[l], f"b{l}")), present(self.Z[l], f"Z{l}")

    def derivative(self, l: int) -> np.ndarray:
        """g'[l] as the course computes it: from Z[l], or written with the cached A[l]."""
        activation = self.activations[l - 1]
        if self.derivative_from == "A" and activation in DERIVATIVE_FROM_A:
            return DERIVATIVE_FROM_A[activation][0](present(self.A[l], f"A{l}"))
        return ACTIVATIONS[activation].g_prime(present(self.Z[l], f"Z{l}"))


def present(array: np.ndarray | None, name: str) -> np.ndarray:
    """``array``, an entry of a Chain that the backward pass reads; the slots a chain leaves empty (W[0], Z[0], and
    A[L], Y of one layer on its own, whose pass starts from a given dA or dZ) are never read."""
    if array is None:
        raise ChainruleError(f"the backward problem has no {name}: a slot of the Chain that its start never reads")
    return array


@dataclass
class Variant:
    """A way to get it wrong (or right only on consistent caches), as overrides of the backward pass.

    diagnosis: "wrong-activation-derivative", "missing-activation-derivative", "wrong-input",
    "shape", or "consistency" (equal to the reference on a real forward pass's caches; differs on
    the course's inconsistent test caches).
    """

    diagnosis: str
    label: str
    derivatives: dict[int, np.ndarray] = field(default_factory=dict)
    A_prev: dict[int, np.ndarray] = field(default_factory=dict)
    start: str | None = None
    k: float | None = None
    db_sum: tuple[int, int | None] | None = None  # (layer, axis): db summed over the wrong axis


def _start(chain: Chain, start: str, s: float) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(dA[L], dZ[L]) where the pass starts, one of them None: from the loss (s the output scale), or given."""
    if start in ("dAL", "fused", "fused_Z", "fused_as_dA"):
        L = chain.L
        AL, Y = present(chain.A[L], f"A{L}"), present(chain.Y, "Y")
        if start == "dAL":
            return s * binary_cross_entropy_dA(AL, Y), None  # dA[L] = s ∂L/∂A[L]
        if start == "fused":
            return None, s * sigmoid_cross_entropy_dZ(AL, Y)  # dZ[L] = s (A[L] − Y)
        if start == "fused_Z":
            return None, s * sigmoid_cross_entropy_dZ(sigmoid(present(chain.Z[L], f"Z{L}")), Y)  # dZ[L] = s (σ(Z[L]) − Y)
        return s * sigmoid_cross_entropy_dZ(AL, Y), None  # the bug: dA[L] = s (A[L] − Y), then σ' again
    return (chain.given, None) if start == "dA" else (None, chain.given)  # dA[L] or dZ[L] given


def backward_grads(chain: Chain, convention: str | Convention, variant: Variant | None = None) -> Grads:
    """{dZ{l}, dW{l}, db{l}, dA{l-1}} for l = L..1 in ``convention``, with ``variant``'s overrides."""
    variant = variant or Variant("", "")
    where = get_convention(convention)  # which factor is 1/m: s at the output or k in dW, db
    k = where.dW_scale(chain.m) if variant.k is None else variant.k
    L = chain.L
    dA, dZL = _start(chain, variant.start or chain.start, where.output_scale(chain.m))
    grads: Grads = {}
    for l in reversed(range(1, L + 1)):  # the one backward step, layers.layer_backward, with the variant's overrides
        given = dZL if l == L else None
        g_prime = None if given is not None else variant.derivatives.get(l)
        if given is None and g_prime is None:
            g_prime = chain.derivative(l)  # g'[l] from Z[l], or written with A[l] as the course writes it
        cache = chain.cache(l, variant.A_prev.get(l))
        # dZ[l] = dA[l] * g'[l],  dW[l] = k dZ[l] A[l-1]ᵀ,  db[l] = k Σᵢ dZ[l],  dA[l-1] = W[l]ᵀ dZ[l]
        db_axis = variant.db_sum[1] if variant.db_sum and variant.db_sum[0] == l else 1  # Σᵢ over the m examples, or a bug's axis
        dZ, dA_prev, dW, db = layer_backward(dA, cache, chain.activations[l - 1], k, dZ=given, g_prime=g_prime, db_axis=db_axis)
        grads[f"dZ{l}"], grads[f"dW{l}"], grads[f"db{l}"], grads[f"dA{l - 1}"] = dZ, dW, db, present(dA_prev, f"dA{l - 1}")
        dA = dA_prev
    return grads


def references(chain: Chain) -> dict[str, Grads]:
    """{"loss": grads, "cost": grads}: chainrule's backward pass in both conventions."""
    return {convention: backward_grads(chain, convention) for convention in CONVENTIONS}


def variants(chain: Chain) -> list[Variant]:
    """The known bugs of this problem, each a Variant; labels depend only on the structure, not the numbers."""
    found: list[Variant] = []
    if chain.start == "dAL":
        found.append(Variant("consistency", "dZ[L] = AL - Y (the fused sigmoid + cross-entropy shortcut)", start="fused"))
        found.append(Variant("wrong-input", "dAL = AL - Y: that is already dZ[L] (σ' included); as dA[L] it gets σ' twice. "
                                            "dAL = -(Y/AL - (1-Y)/(1-AL))", start="fused_as_dA"))
    if chain.start == "fused":
        found.append(Variant("consistency", f"dZ{chain.L} = σ(Z{chain.L}) - Y from the cached Z{chain.L}", start="fused_Z"))
    for l in range(1, chain.L + 1) if chain.start != "dZ" else ():
        if l == chain.L and chain.start in ("fused", "fused_Z"):
            continue
        found += _derivative_variants(chain, l)
    found += _every_layer_variants(chain, found)
    for l in range(1, chain.L + 1):
        found += _input_variants(chain, l)
        found.append(Variant("shape", f"db{l} summed over axis 0 (the units) instead of axis 1 (the m examples)", db_sum=(l, 0)))
        found.append(Variant("shape", f"db{l} summed over all axes (np.sum without axis=1)", db_sum=(l, None)))
    if chain.L == 1:
        n_prev = chain.dims[0]  # n[l-1], the rows of A_prev
        found.append(Variant("wrong-input", "m read as A_prev.shape[0] (n[l-1]) instead of A_prev.shape[1] (m)", k=1 / n_prev))
    return found


def _derivative_variants(chain: Chain, l: int) -> list[Variant]:
    activation = chain.activations[l - 1]
    A, Z = chain.A[l], present(chain.Z[l], f"Z{l}")
    out = []
    for name, entry in ACTIVATIONS.items():
        if not entry.elementwise:  # softmax: no g'(Z) a hand-written backward pass could have used
            continue
        if name == activation:
            if chain.derivative_from == "A" and activation in DERIVATIVE_FROM_A:
                out.append(Variant("consistency", f"{name}'(Z{l}) from the cached Z{l} where the course uses A{l}", {l: entry.g_prime(Z)}))
            continue
        if name == "linear":
            out.append(Variant("missing-activation-derivative", f"dZ{l} = dA{l}: no {activation}' factor", {l: np.ones_like(Z)}))
        else:
            label = f"{name}'s derivative used for {activation} in layer {l}"
            out.append(Variant("wrong-activation-derivative", label, {l: entry.g_prime(Z)}))
    if A is not None:
        for name, (g_prime_from_A, formula) in DERIVATIVE_FROM_A.items():
            if name == activation:
                if chain.derivative_from == "Z":
                    label = f"{name}'s derivative written as {formula} with A{l} instead of Z{l}"
                    out.append(Variant("consistency", label, {l: g_prime_from_A(A)}))
            else:
                label = f"{name}'s derivative {formula.replace('A', f'A{l}')} used for {activation} in layer {l}"
                out.append(Variant("wrong-activation-derivative", label, {l: g_prime_from_A(A)}))
        out.append(Variant("wrong-input", f"{activation}'(A{l}): A{l} passed where Z{l} belongs", {l: ACTIVATIONS[activation].g_prime(A)}))
    if activation in DERIVATIVE_FROM_A and activation != "relu":
        g_prime_from_A, formula = DERIVATIVE_FROM_A[activation]
        label = f"{formula.replace('A', f'Z{l}')} instead of {formula.replace('A', f'A{l}')}: Z{l} used where A{l} belongs"
        out.append(Variant("wrong-input", label, {l: g_prime_from_A(Z)}))
    return out


def _every_layer_variants(chain: Chain, single: list[Variant]) -> list[Variant]:
    """The same wrong derivative in every hidden layer of one activation (one line of a loop, or of linear_activation_backward)."""
    out = []
    by_label: dict[tuple[str, str], dict[int, np.ndarray]] = {}  # (diagnosis, label with the layer left out) → g'[l]
    for variant in single:
        if variant.diagnosis in ("wrong-activation-derivative", "missing-activation-derivative", "wrong-input") and variant.derivatives:
            (l, g_prime), = variant.derivatives.items()
            shared = variant.label.replace(f"layer {l}", "every layer").replace(f"A{l}", "A").replace(f"Z{l}", "Z") \
                .replace(f"dA{l}", "dA").replace(f"dZ{l}", "dZ")
            by_label.setdefault((variant.diagnosis, shared), {})[l] = g_prime
    for (diagnosis, label), derivatives in by_label.items():
        if len(derivatives) > 1:
            layers = ", ".join(map(str, sorted(derivatives)))
            named = label.replace("every layer", f"layers {layers}") if "every layer" in label else f"{label} (layers {layers})"
            out.append(Variant(diagnosis, named, dict(derivatives)))
    return out


def _input_variants(chain: Chain, l: int) -> list[Variant]:
    """dW[l] computed with another cached array in place of A[l-1]."""
    out = []
    expected = chain.name_of_A(l - 1)
    candidates = [(chain.name_of_A(j), chain.A[j]) for j in range(chain.L + 1) if j != l - 1]
    candidates += [(f"Z{j}", chain.Z[j]) for j in range(1, chain.L + 1)]
    for name, array in candidates:
        if array is not None and array.shape[1:] == (chain.m,):
            out.append(Variant("wrong-input", f"dW{l} computed with {name} instead of {expected} (= A_prev)", A_prev={l: array}))
    return out


def cost_variants(AL: np.ndarray, Y: np.ndarray) -> list[tuple[Variant, np.ndarray]]:
    """The usual wrong versions of J = -(1/m) Σᵢ (y log a + (1 - y) log(1 - a)), each (Variant, its value).

    A factor (the minus, the 1/m) is found by the comparison itself (``compare.relate``); these are
    the bugs that are no factor: a log of the wrong thing, a term left out, a sum over the wrong axis.
    """
    m = AL.shape[1]
    log_a, log_1a = np.log(AL), np.log(1 - AL)

    def J(terms: np.ndarray) -> np.ndarray:
        return np.asarray(cost_of_losses(-terms))  # J = (1/m) Σᵢ L⁽ⁱ⁾ of the wrong per-example losses L = −terms

    return [
        (Variant("wrong-input", "log(AL) where log(1 - AL) belongs: the (1 - Y) term is (1 - Y) log(1 - AL)"),
         J(Y * log_a + (1 - Y) * log_a)),
        (Variant("wrong-input", "log(1 - AL) where log(AL) belongs: the Y term is Y log(AL)"), J(Y * log_1a + (1 - Y) * log_1a)),
        (Variant("wrong-input", "Y and 1 - Y swapped: (1 - Y) log(AL) + Y log(1 - AL)"), J((1 - Y) * log_a + Y * log_1a)),
        (Variant("wrong-input", "1 - AL where 1 - Y belongs: Y log(AL) + (1 - AL) log(1 - AL)"), J(Y * log_a + (1 - AL) * log_1a)),
        (Variant("wrong-input", "the (1 - Y) log(1 - AL) term is missing"), J(Y * log_a)),
        (Variant("wrong-input", "the Y log(AL) term is missing"), J((1 - Y) * log_1a)),
        (Variant("shape", "summed over axis 0 (the one output unit), not over the m examples: one loss/m per example, "
                          "not their sum; np.sum(..., axis=1) or no axis"), -(Y * log_a + (1 - Y) * log_1a)[0] / m),
        (Variant("shape", "summed over axis 0 with keepdims=True: one loss/m per example, not their sum over axis 1"),
         -(Y * log_a + (1 - Y) * log_1a) / m),
    ]


def local_grads(chain: Chain, convention: str | Convention, user: Grads) -> Grads:
    """Each array recomputed one step from the learner's own arrays upstream of it (where they returned one).

        dZ[l] = dA_user[l] * g'[l]          dW[l], db[l], dA[l-1] from dZ_user[l] (or that dZ[l])

    both steps ``layers.layer_backward``: once from the learner's dA[l] (its dZ[l]), once from the
    learner's dZ[l] given (its dW[l], db[l], dA[l-1]). ``user``: the learner's arrays under the
    chain's keys (dA2, dZ2, ...). An array the learner's key equals here is right *given its
    inputs*: when it differs from the reference, the difference comes from upstream; when it
    differs here too, it is a bug of its own.
    """
    reference = backward_grads(chain, convention)
    k = get_convention(convention).dW_scale(chain.m)  # dW[l] = k dZ[l] A[l-1]ᵀ
    out: Grads = {}

    def mine(key: str, fallback: np.ndarray) -> np.ndarray:
        value = user.get(key)
        if isinstance(value, np.ndarray) and value.shape == fallback.shape and value.dtype.kind in "biuf":
            return value.astype(float)
        return fallback

    for l in reversed(range(1, chain.L + 1)):
        cache, activation = chain.cache(l), chain.activations[l - 1]
        if l == chain.L:
            dZ = reference[f"dZ{l}"]  # where the pass starts: dZ[L] has no learner's array upstream of it here
        else:  # dZ[l] = dA_user[l] * g'[l]
            dZ = layer_backward(mine(f"dA{l}", reference[f"dA{l}"]), cache, activation, k, g_prime=chain.derivative(l),
                                need_dA_prev=False)[0]  # fmt: skip
        out[f"dZ{l}"] = dZ
        # dW[l] = k dZ_user[l] A[l-1]ᵀ,  db[l] = k Σᵢ dZ_user[l],  dA[l-1] = W[l]ᵀ dZ_user[l]
        _, dA_prev, dW, db = layer_backward(None, cache, activation, k, dZ=mine(f"dZ{l}", dZ))
        out[f"dW{l}"], out[f"db{l}"], out[f"dA{l - 1}"] = dW, db, present(dA_prev, f"dA{l - 1}")
    return out
