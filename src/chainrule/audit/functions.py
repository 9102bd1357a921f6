"""The audited functions: the course's names and signatures, the calls the audit makes, what each call should return.

Each ``FunctionSpec`` says how to call the learner's function on the probe networks (``cases``),
how to read its return value into named arrays (``read``) and in which order to look for the first
wrong one: backward order from the output for backward functions, forward order for forward ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np

from chainrule.audit import probes
from chainrule.audit.codec import Opaque
from chainrule.audit.reference import Chain, Variant, backward_grads, cost_variants, variants
from chainrule.audit.versions import OLDER
from chainrule.conventions import CONVENTIONS
from chainrule.losses import cost
from chainrule.network import forward

Arrays = dict[str, np.ndarray]
DEEP_ACTIVATIONS = ["relu", "relu", "sigmoid"]
SHALLOW_ACTIVATIONS = ["tanh", "sigmoid"]


@dataclass
class Case:
    """One call of the learner's function: its arguments, the expected arrays per convention, and the variants'.

    expected: convention → key → array ("" for forward functions, which have no convention).
    variants: label → (the Variant, convention → key → array).
    """

    label: str
    m: int
    consistent: bool
    args: tuple
    expected: dict[str, Arrays]
    variants: dict[str, tuple[Variant, dict[str, Arrays]]] = field(default_factory=dict)
    prefix: str = ""  # put before the names ``read`` gives, e.g. "relu: " for linear_activation_backward
    chain: Chain | None = None  # the backward problem (backward functions)
    key_map: dict[str, str] = field(default_factory=dict)  # the spec's key → the chain's, e.g. "relu: dW" → "dW1"
    dims: tuple[int, ...] = ()  # [n[0], …, n[L]] of the problem, to state a product's expected shapes


@dataclass(frozen=True)
class Naming:
    """A notebook version's own names for returned arrays (``versions``): the learner's key → the audit's key.

    It applies to what a function returned when every key it renames is there and none of the
    audit's own keys that only the other naming has (``absent``).
    """

    version: str
    rename: dict[str, str]
    absent: tuple[str, ...]

    def applies(self, keys: set[str]) -> bool:
        return set(self.rename) <= keys and not keys & set(self.absent)


@dataclass
class FunctionSpec:
    name: str
    signature: str
    kind: str  # "backward", "forward", or "result" (an initialization, an update, a check: its results in order)
    keys: list[str]
    read: Callable[[Any], tuple[dict[str, Any], str | None]]  # value → (key → array, a note on its structure)
    build: Callable[[], list[Case]]
    returns: str | None = None  # the order of a returned tuple, e.g. "(dA_prev, dW, db)"
    seed: int | None = None  # np.random.seed(seed) before every call, as the course's tests seed before calling
    stubs: dict[str, str] = field(default_factory=dict)  # name → source of a function its calls use instead of the file's
    summary: str = ""  # what the function computes, stated in a correct verdict
    recognise: Callable[[list], str | None] | None = None  # findings → a sentence naming a known pattern, for a wrong verdict
    recognised_is_given: bool = False  # the recognised pattern is the course's own code as handed out (FunctionAudit.as_given)
    namings: tuple[Naming, ...] = ()  # older versions' names for the same arrays

    @property
    def parameters(self) -> tuple[str, ...]:
        inside = self.signature.split("(", 1)[1].rstrip(")")
        return tuple(p.strip() for p in inside.split(",") if p.strip())

    @property
    def arity(self) -> int:
        return len(self.parameters)

    @property
    def key(self) -> str:
        """The spec's key in SPECS: its name, or its signature when an earlier spec has the name."""
        return self.name if SPECS.get(self.name, self) is self else self.signature

    def cases(self) -> list[Case]:
        return _cases(self.key)


def _backward_case(chain: Chain, label: str, m: int, args: tuple, keys: Callable[[dict], Arrays]) -> Case:
    expected = {convention: keys(backward_grads(chain, convention)) for convention in CONVENTIONS}
    found = {v.label: (v, {c: keys(backward_grads(chain, c, v)) for c in CONVENTIONS}) for v in variants(chain)}
    names = {k: k for k in backward_grads(chain, CONVENTIONS[0])}
    dims = (chain.A[0].shape[0], *(chain.W[l].shape[0] for l in range(1, chain.L + 1)))
    return Case(label, m, chain.consistent, args, expected, found, chain=chain, key_map=keys(names), dims=dims)


def _caches(chain: Chain) -> list:
    return [((chain.A[l - 1], chain.W[l], chain.b[l]), chain.Z[l]) for l in range(1, chain.L + 1)]


# ---- readers: the learner's return value as named arrays ---------------------------------------------


def read_dict(value: Any) -> tuple[dict[str, Any], str | None]:
    if isinstance(value, dict):
        return dict(value), None
    return {}, f"returned {_what(value)}, not a dict of gradients"


def read_tuple(*names: str) -> Callable[[Any], tuple[dict[str, Any], str | None]]:
    def read(value: Any) -> tuple[dict[str, Any], str | None]:
        if isinstance(value, tuple | list):
            note = None if len(value) == len(names) else f"returned {len(value)} values; expected {len(names)}: ({', '.join(names)})"
            return dict(zip(names, value, strict=False)), note
        return {}, f"returned {_what(value)}; expected a tuple ({', '.join(names)})"

    return read


def _what(value: Any) -> str:
    if value is None:
        return "None (is a return statement missing?)"
    if isinstance(value, np.ndarray):
        return f"one array of shape {value.shape}"
    return f"a {type(value).__name__}"


def read_L_model_forward(value: Any) -> tuple[dict[str, Any], str | None]:
    out, note = read_tuple("AL", "caches")(value)
    caches = out.pop("caches", None)
    if isinstance(caches, list | tuple) and any(isinstance(c, Opaque) and c.type_name == "cycle" for c in caches):
        return out, ("caches contains itself (caches.append(caches)?): each layer appends its own cache, "
                     "(linear_cache, activation_cache) = ((A_prev, W, b), Z)")
    try:
        for l, ((_, _, _), Z) in enumerate(caches, start=1):
            out[f"Z{l}"] = Z
        for l, ((A_prev, _, _), _) in enumerate(caches):
            if l > 0:
                out[f"A{l}"] = A_prev
    except (TypeError, ValueError):
        note = note or "caches is not a list of ((A_prev, W, b), Z) tuples"
    return out, note


def read_forward_propagation(value: Any) -> tuple[dict[str, Any], str | None]:
    out, note = read_tuple("A2 (returned)", "cache")(value)
    cache_dict = out.pop("cache", None)
    if isinstance(cache_dict, dict):
        out.update({k: v for k, v in cache_dict.items() if k in ("Z1", "A1", "Z2", "A2")})
    elif note is None:
        note = f"cache is {_what(cache_dict)}, not a dict with Z1, A1, Z2, A2"
    return out, note


# ---- the cases of each function ---------------------------------------------------------------------


def _L_model_backward() -> list[Case]:
    cases = []
    for net in probes.DEEP:
        for consistent in (True, False):
            chain = probes.chain(net, DEEP_ACTIVATIONS, consistent, "dAL", "Z")
            L = chain.L

            def keys(g: dict, L: int = L) -> Arrays:
                return {k: g[k] for l in reversed(range(1, L + 1)) for k in (f"dW{l}", f"db{l}", f"dA{l - 1}")}

            cases.append(_backward_case(chain, net.describe(consistent), net.m, (chain.A[L], chain.Y, _caches(chain)), keys))
    return cases


def _backward_propagation_n() -> list[Case]:
    cases = []
    for net in probes.DEEP:
        for consistent in (True, False):
            chain = probes.chain(net, DEEP_ACTIVATIONS, consistent, "fused", "A")
            A, W, b, Z = chain.A, chain.W, chain.b, chain.Z
            cache = (Z[1], A[1], W[1], b[1], Z[2], A[2], W[2], b[2], Z[3], A[3], W[3], b[3])

            def keys(g: dict) -> Arrays:
                return {k: g[k] for l in (3, 2, 1) for k in ((f"dA{l}",) if l < 3 else ()) + (f"dZ{l}", f"dW{l}", f"db{l}")}

            cases.append(_backward_case(chain, net.describe(consistent), net.m, (A[0], chain.Y, cache), keys))
    return cases


def _backward_propagation() -> list[Case]:
    cases = []
    for net in probes.SHALLOW:
        for consistent in (True, False):
            chain = probes.chain(net, SHALLOW_ACTIVATIONS, consistent, "fused", "A")
            A, W, b, Z = chain.A, chain.W, chain.b, chain.Z
            parameters = {"W1": W[1], "b1": b[1], "W2": W[2], "b2": b[2]}
            cache = {"Z1": Z[1], "A1": A[1], "Z2": Z[2], "A2": A[2]}

            def keys(g: dict) -> Arrays:
                return {k: g[k] for k in ("dW2", "db2", "dW1", "db1")}

            cases.append(_backward_case(chain, net.describe(consistent), net.m, (parameters, cache, A[0], chain.Y), keys))
    return cases


def _linear_backward() -> list[Case]:
    cases = []
    for net in probes.DEEP:
        chain = probes.layer(net, 2, "linear", "dZ")

        def keys(g: dict) -> Arrays:
            return {"dW": g["dW1"], "db": g["db1"], "dA_prev": g["dA0"]}

        args = (chain.given, (chain.A[0], chain.W[1], chain.b[1]))
        cases.append(_backward_case(chain, f"layer 2 of {list(net.layer_dims)}, m = {net.m}", net.m, args, keys))
    return cases


def _linear_activation_backward() -> list[Case]:
    cases = []
    for net in probes.DEEP:
        for activation in ("sigmoid", "relu"):
            chain = probes.layer(net, 2, activation, "dA")

            def keys(g: dict, a: str = activation) -> Arrays:
                return {f"{a}: dW": g["dW1"], f"{a}: db": g["db1"], f"{a}: dA_prev": g["dA0"]}

            args = (chain.given, ((chain.A[0], chain.W[1], chain.b[1]), chain.Z[1]), activation)
            case = _backward_case(chain, f"layer 2 of {list(net.layer_dims)}, m = {net.m}, {activation}", net.m, args, keys)
            case.prefix = f"{activation}: "
            cases.append(case)
    return cases


def _forward_case(label: str, m: int, args: tuple, expected: Arrays, dims: tuple[int, ...] = ()) -> Case:
    return Case(label, m, True, args, {"": expected}, dims=dims)


def _linear_forward() -> list[Case]:
    cases = []
    for net in probes.DEEP:
        X, _, parameters = probes.data(net)
        _, caches = forward(X, parameters, DEEP_ACTIVATIONS)
        A_prev, W, b = caches[1][0]
        cases.append(_forward_case(f"layer 2 of {list(net.layer_dims)}, m = {net.m}", net.m, (A_prev, W, b), {"Z": caches[1][1]},
                                   (A_prev.shape[0], W.shape[0])))
    return cases


def _L_model_forward() -> list[Case]:
    cases = []
    for net in probes.DEEP:
        X, _, parameters = probes.data(net)
        AL, caches = forward(X, parameters, DEEP_ACTIVATIONS)
        expected = {}
        for l, (_, Z) in enumerate(caches, start=1):
            expected[f"Z{l}"] = Z
            if l < len(caches):
                expected[f"A{l}"] = caches[l][0][0]
        expected["AL"] = AL
        cases.append(_forward_case(net.describe(True), net.m, (X, parameters), expected, net.layer_dims))
    return cases


def _forward_propagation() -> list[Case]:
    cases = []
    for net in probes.SHALLOW:
        X, _, parameters = probes.data(net)
        A2, ((_, Z1), ((A1, _, _), Z2)) = forward(X, parameters, SHALLOW_ACTIVATIONS)
        expected = {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2, "A2 (returned)": A2}
        cases.append(_forward_case(net.describe(True), net.m, (X, parameters), expected, net.layer_dims))
    return cases


def _compute_cost() -> list[Case]:
    cases = []
    for net in probes.DEEP:
        rng = np.random.default_rng(net.seed + 300)
        AL, Y = rng.uniform(0.05, 0.95, (1, net.m)), probes.labels(rng, net.m)
        case = _forward_case(f"AL, Y of shape (1, {net.m})", net.m, (AL, Y), {"cost": np.asarray(cost(AL, Y))})
        case.variants = {v.label: (v, {"": {"cost": value}}) for v, value in cost_variants(AL, Y)}
        cases.append(case)
    return cases


def course2_planted_bugs(findings: list) -> str | None:
    """The sentence for course 2's backward_propagation_n as the notebook hands it out: dW2 × 2 and db1 with 4/m."""
    factors = {f.key: f.factor for f in findings if f.diagnosis != "ok"}
    if factors.get("dW2") == "2" and factors.get("db1") == "4" and set(factors) <= {"dW2", "db1"}:
        return ("These are the two bugs the course's gradient-checking notebook plants in backward_propagation_n on purpose, "
                "for gradient_check_n to find (dW2 = 2 × (1/m) dZ2 A1ᵀ, db1 = (4/m) Σ dZ1): remove the 2 and the 4.")
    return None


SPECS: dict[str, FunctionSpec] = {}  # key (the name, or the signature for a second function of that name) → spec


def register(*specs: FunctionSpec) -> None:
    """Add specs to SPECS; a second spec of a name (course 2's forward_propagation(x, theta)) is keyed by its signature."""
    for spec in specs:
        SPECS[spec.name if spec.name not in SPECS else spec.signature] = spec


def named(name: str) -> list[FunctionSpec]:
    """Every spec of the function name ``name``, in registration order."""
    return [spec for spec in SPECS.values() if spec.name == name]


register(
    *(
        FunctionSpec("linear_forward", "linear_forward(A, W, b)", "forward", ["Z"], read_tuple("Z", "cache"), _linear_forward),
        FunctionSpec("L_model_forward", "L_model_forward(X, parameters)", "forward",
                     ["Z1", "A1", "Z2", "A2", "Z3", "AL"], read_L_model_forward, _L_model_forward),
        FunctionSpec("compute_cost", "compute_cost(AL, Y)", "forward", ["cost"], lambda v: ({"cost": v}, None), _compute_cost),
        FunctionSpec("forward_propagation", "forward_propagation(X, parameters)", "forward",
                     ["Z1", "A1", "Z2", "A2", "A2 (returned)"], read_forward_propagation, _forward_propagation),
        FunctionSpec("linear_backward", "linear_backward(dZ, cache)", "backward", ["dW", "db", "dA_prev"],
                     read_tuple("dA_prev", "dW", "db"), _linear_backward, "(dA_prev, dW, db)"),
        FunctionSpec("linear_activation_backward", "linear_activation_backward(dA, cache, activation)", "backward",
                     [f"{a}: {k}" for a in ("sigmoid", "relu") for k in ("dW", "db", "dA_prev")],
                     read_tuple("dA_prev", "dW", "db"), _linear_activation_backward, "(dA_prev, dW, db)"),
        FunctionSpec("L_model_backward", "L_model_backward(AL, Y, caches)", "backward",
                     ["dW3", "db3", "dA2", "dW2", "db2", "dA1", "dW1", "db1", "dA0"], read_dict, _L_model_backward,
                     namings=(Naming(OLDER, {"dA3": "dA2", "dA2": "dA1", "dA1": "dA0"}, ("dA0",)),)),
        FunctionSpec("backward_propagation", "backward_propagation(parameters, cache, X, Y)", "backward",
                     ["dW2", "db2", "dW1", "db1"], read_dict, _backward_propagation),
        FunctionSpec("backward_propagation_n", "backward_propagation_n(X, Y, cache)", "backward",
                     ["dZ3", "dW3", "db3", "dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1"], read_dict,
                     _backward_propagation_n, recognise=course2_planted_bugs, recognised_is_given=True),
    )
)  # fmt: skip


@cache
def _cases(key: str) -> list[Case]:
    return build(SPECS[key])


def build(spec: FunctionSpec) -> list[Case]:
    """The spec's cases, leaving NumPy's global generator as it was: the course's functions that compute the
    expected values seed it (np.random.seed(3) …), and the audit must not change a notebook's random numbers."""
    state = np.random.get_state()
    try:
        return spec.build()
    finally:
        np.random.set_state(state)


from chainrule.audit.specs import course1, course2  # noqa: E402  (the specs of course 1 weeks 2-4 and course 2)

register(*course1.SPECS, *course2.SPECS)
