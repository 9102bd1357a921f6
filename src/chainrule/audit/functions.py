"""The audited functions: the course's names and signatures, the calls the audit makes, what each call should return.

Here: the backward and forward functions of course 1 weeks 3-4 and course 2's backward_propagation_n,
checked on the probe networks against chainrule's own backward pass (``reference``), and ``SPECS``,
the table of every audited function, these and the specs of ``audit.specs`` (course 1 weeks 2-4,
course 2). What a spec is (``FunctionSpec``, ``Case``, the readers) is ``audit.spec``, which both
import; the names stay importable from here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from chainrule.audit import probes
from chainrule.audit.codec import Opaque
from chainrule.audit.probes import ProbeNetwork
from chainrule.audit.reference import Chain, backward_grads, cost_variants, variants
from chainrule.audit.report import Finding
from chainrule.audit.spec import Arrays, Case, Expected, FunctionSpec, Naming, read_dict, read_tuple, what
from chainrule.audit.spec import build as build  # re-exported: its old home, where the audit's tests import it
from chainrule.audit.specs import course1, course2
from chainrule.audit.versions import OLDER
from chainrule.conventions import CONVENTIONS
from chainrule.losses import cost
from chainrule.network import forward

DEEP_ACTIVATIONS = ["relu", "relu", "sigmoid"]
SHALLOW_ACTIVATIONS = ["tanh", "sigmoid"]


def _backward_case(chain: Chain, label: str, m: int, args: tuple[Any, ...], key_map: dict[str, str]) -> Case:
    """One call of a backward function on ``chain``; key_map: the spec's key → the chain's ("dW" → "dW1")."""

    def pick(grads: Arrays) -> Expected:
        return {key: grads[chain_key] for key, chain_key in key_map.items()}

    expected = {convention: pick(backward_grads(chain, convention)) for convention in CONVENTIONS}
    found = {v.label: (v, {c: pick(backward_grads(chain, c, v)) for c in CONVENTIONS}) for v in variants(chain)}
    return Case(label, m, chain.consistent, args, expected, found, chain=chain, key_map=dict(key_map), dims=chain.dims)


def _chain_cases(nets: Sequence[ProbeNetwork], activations: list[str], start: str, derivative_from: str,
                 args: Callable[[Chain], tuple[Any, ...]], keys: Callable[[int], list[str]]) -> list[Case]:
    """One case per probe network, with the caches of a forward pass and with the course's inconsistent ones.

    args: the chain → the learner's arguments; keys: L → the grads keys returned, in backward order.
    """
    cases = []
    for net in nets:
        for consistent in (True, False):
            chain = probes.chain(net, activations, consistent, start, derivative_from)
            key_map = {k: k for k in keys(chain.L)}
            cases.append(_backward_case(chain, net.describe(consistent), net.m, args(chain), key_map))
    return cases


def _caches(chain: Chain) -> list[Any]:
    return [((chain.A[l - 1], chain.W[l], chain.b[l]), chain.Z[l]) for l in range(1, chain.L + 1)]


# ---- readers: the learner's return value as named arrays ---------------------------------------------


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
        note = f"cache is {what(cache_dict)}, not a dict with Z1, A1, Z2, A2"
    return out, note


# ---- the cases of each function ---------------------------------------------------------------------


def _L_model_backward() -> list[Case]:
    def args(chain: Chain) -> tuple[Any, ...]:
        return chain.A[chain.L], chain.Y, _caches(chain)

    def keys(L: int) -> list[str]:
        return [k for l in reversed(range(1, L + 1)) for k in (f"dW{l}", f"db{l}", f"dA{l - 1}")]

    return _chain_cases(probes.DEEP, DEEP_ACTIVATIONS, "dAL", "Z", args, keys)


def _backward_propagation_n() -> list[Case]:
    def args(chain: Chain) -> tuple[Any, ...]:
        A, W, b, Z = chain.A, chain.W, chain.b, chain.Z
        return A[0], chain.Y, (Z[1], A[1], W[1], b[1], Z[2], A[2], W[2], b[2], Z[3], A[3], W[3], b[3])

    def keys(L: int) -> list[str]:
        return [k for l in (3, 2, 1) for k in ((f"dA{l}",) if l < 3 else ()) + (f"dZ{l}", f"dW{l}", f"db{l}")]

    return _chain_cases(probes.DEEP, DEEP_ACTIVATIONS, "fused", "A", args, keys)


def _backward_propagation() -> list[Case]:
    def args(chain: Chain) -> tuple[Any, ...]:
        A, W, b, Z = chain.A, chain.W, chain.b, chain.Z
        parameters = {"W1": W[1], "b1": b[1], "W2": W[2], "b2": b[2]}
        cache = {"Z1": Z[1], "A1": A[1], "Z2": Z[2], "A2": A[2]}
        return parameters, cache, A[0], chain.Y

    def keys(L: int) -> list[str]:
        return ["dW2", "db2", "dW1", "db1"]

    return _chain_cases(probes.SHALLOW, SHALLOW_ACTIVATIONS, "fused", "A", args, keys)


def _linear_backward() -> list[Case]:
    cases = []
    for net in probes.DEEP:
        chain = probes.layer(net, 2, "linear", "dZ")
        args = (chain.given, (chain.A[0], chain.W[1], chain.b[1]))
        key_map = {"dW": "dW1", "db": "db1", "dA_prev": "dA0"}
        cases.append(_backward_case(chain, f"layer 2 of {list(net.layer_dims)}, m = {net.m}", net.m, args, key_map))
    return cases


def _linear_activation_backward() -> list[Case]:
    cases = []
    for net in probes.DEEP:
        for activation in ("sigmoid", "relu"):
            chain = probes.layer(net, 2, activation, "dA")
            key_map = {f"{activation}: dW": "dW1", f"{activation}: db": "db1", f"{activation}: dA_prev": "dA0"}
            args = (chain.given, ((chain.A[0], chain.W[1], chain.b[1]), chain.Z[1]), activation)
            label = f"layer 2 of {list(net.layer_dims)}, m = {net.m}, {activation}"
            case = _backward_case(chain, label, net.m, args, key_map)
            case.prefix = f"{activation}: "
            cases.append(case)
    return cases


def _forward_case(label: str, m: int, args: tuple[Any, ...], expected: Arrays, dims: tuple[int, ...] = ()) -> Case:
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


def course2_planted_bugs(findings: list[Finding]) -> str | None:
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
        spec.key = spec.name if spec.name not in SPECS else spec.signature
        SPECS[spec.key] = spec


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


register(*course1.SPECS, *course2.SPECS)  # the specs of course 1 weeks 2-4 and course 2
