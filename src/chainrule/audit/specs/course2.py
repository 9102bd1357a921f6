"""Course 2 weeks 1–2: initialization, regularization, gradient checking, optimization.

What each call should return comes from ``chainrule.course.initialization``, ``regularization``,
``gradient_checking`` and ``optimization``. Seeds, per function (every version of the notebooks):

- ``initialize_parameters_random``, ``initialize_parameters_he``: ``np.random.seed(3)`` inside.
- ``forward_propagation_with_dropout``: ``np.random.seed(1)`` inside, masks drawn with
  ``np.random.rand`` for layer 1, then layer 2.
- ``random_mini_batches(X, Y, mini_batch_size, seed)``: ``np.random.seed(seed)`` inside, then
  ``np.random.permutation(m)``.
For these the audit seeds another number before the call, so that a function that does not seed
(or ignores its ``seed``) is named.

The gradient checks call other functions: ``gradient_check(x, theta, epsilon)`` is run with the
course's J(θ) = θx and a backward pass that returns 1.25 × dJ/dθ on purpose, so that its difference
formula is seen at work (a correct backward pass gives a difference that is only round-off);
``gradient_check_n`` with the course's forward_propagation_n and gc_utils helpers, on gradients with
known errors. ``compute_cost_with_regularization`` calls the course's reg_utils ``compute_cost``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple
from unittest import mock

import numpy as np

from chainrule.audit.spec import Arrays, Case, FunctionSpec, Reader, read_dict, read_tuple
from chainrule.audit.specs import Bug, case, global_seed, labels, probe_parameters, read_keys, read_value, rng_for, versioned_case
from chainrule.course import gradient_checking as gc
from chainrule.course import initialization, optimization, regularization
from chainrule.initializers import initialize_parameters as initialize
from chainrule.network import forward
from chainrule.numerics import relative_difference
from chainrule.optim import mini_batches
from chainrule.regularization import l2_cost

NOT_SEEDED = 12345
DEEP = ((5, 4, 3, 1), (4, 6, 2, 1))
THREE = ("W1", "b1", "W2", "b2", "W3", "b3")
GRAD_KEYS = ("dZ3", "dW3", "db3", "dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1")


def _names(dims: tuple[int, ...]) -> list[str]:
    return [f"{p}{l}" for l in range(1, len(dims)) for p in "Wb"]


# ---- week 1: initialization -------------------------------------------------------------------------------


def _initialization(method: str, course_function: Callable[[list[int]], Arrays], seed_text: str,
                    bugs_for: Callable[[tuple[int, ...]], list[Bug]]) -> list[Case]:
    cases = []
    for dims in DEEP:
        expected = course_function(list(dims))
        bugs = bugs_for(dims)
        if seed_text:
            with global_seed(NOT_SEEDED):
                unseeded = initialize(list(dims), method, rng=np.random)
            bugs.append(("seed", f"random numbers not seeded inside the function (the course calls {seed_text} first)", unseeded))
        cases.append(case(f"layers_dims = {list(dims)}", 7, (list(dims),), expected, bugs))
    return cases


def _seeded(seed: int, method: str, dims: tuple[int, ...],
            scale: Callable[[np.ndarray, int, tuple[int, ...]], np.ndarray] = lambda W, l, dims: W) -> Arrays:
    with global_seed(seed):
        drawn = initialize(list(dims), method, rng=np.random)
    return {k: scale(v, int(k[1:]), dims) if k.startswith("W") else v for k, v in drawn.items()}


def _zeros() -> list[Case]:
    return _initialization("zeros", initialization.initialize_parameters_zeros, "", lambda dims: [])


def _random() -> list[Case]:
    def bugs(dims: tuple[int, ...]) -> list[Bug]:
        return [("wrong-formula", "W = np.random.randn(…) without the · 10", _seeded(3, "large_normal", dims, lambda W, l, d: W / 10))]

    return _initialization("large_normal", initialization.initialize_parameters_random, "np.random.seed(3)", bugs)


def _he() -> list[Case]:
    def bugs(dims: tuple[int, ...]) -> list[Bug]:
        return [
            ("wrong-formula", "W · √(1/n[l-1]) instead of He's √(2/n[l-1])",
             _seeded(3, "he", dims, lambda W, l, d: W / np.sqrt(2))),
            ("wrong-input", "W · √(2/n[l]) with n[l] = layers_dims[l] instead of n[l-1] = layers_dims[l-1]",
             _seeded(3, "he", dims, lambda W, l, d: W * np.sqrt(d[l - 1] / d[l]))),
        ]  # fmt: skip

    return _initialization("he", initialization.initialize_parameters_he, "np.random.seed(3)", bugs)


# ---- week 1: regularization -------------------------------------------------------------------------------

REG_PROBES = (((4, 5, 3, 1), 7, 61, 0.7), ((3, 2, 3, 1), 11, 62, 0.1))  # dims, m, seed, λ


def _reg_data(dims: Sequence[int], m: int, seed: int) -> tuple[np.ndarray, np.ndarray, Arrays]:
    rng = rng_for(seed)
    return rng.standard_normal((dims[0], m)), labels(rng, m), probe_parameters(rng, dims)


class RegProblem(NamedTuple):
    """One of REG_PROBES as the course's regularization notebook's functions take it: the 3-layer [relu, relu, sigmoid] problem."""

    label: str
    m: int
    lambd: float
    X: np.ndarray
    Y: np.ndarray
    parameters: dict[str, np.ndarray]
    A3: np.ndarray
    cache: tuple[np.ndarray, ...]  # the course's (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)


def _reg_problems() -> list[RegProblem]:
    out = []
    for dims, m, seed, lambd in REG_PROBES:
        X, Y, parameters = _reg_data(dims, m, seed)
        A3, caches = forward(X, parameters, ["relu", "relu", "sigmoid"])
        ((_, W1, b1), Z1), ((A1, W2, b2), Z2), ((A2, W3, b3), Z3) = caches
        cache = (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)
        out.append(RegProblem(f"layers {list(dims)}, m = {m}, λ = {lambd}", m, lambd, X, Y, parameters, A3, cache))
    return out


def _cost_with_regularization() -> list[Case]:
    cases = []
    for label, m, lambd, _, Y, parameters, A3, _ in _reg_problems():
        cross_entropy = regularization.compute_cost_with_regularization(A3, Y, parameters, 0.0)
        squares = l2_cost(parameters, 1.0, 1) * 2  # Σ ‖W[l]‖²
        bugs = [
            ("wrong-formula", "the L2 term without the 1/m: (λ/2) Σ ‖W‖²", {"cost": cross_entropy + lambd / 2 * squares}),
            ("wrong-formula", "the L2 term without the 1/2: (λ/m) Σ ‖W‖²", {"cost": cross_entropy + lambd / m * squares}),
            ("wrong-formula", "the L2 term without λ: (1/2m) Σ ‖W‖²", {"cost": cross_entropy + squares / (2 * m)}),
            ("wrong-formula", "the cross-entropy part left out: only (λ/2m) Σ ‖W‖²", {"cost": lambd / (2 * m) * squares}),
        ]
        expected = {"cost": regularization.compute_cost_with_regularization(A3, Y, parameters, lambd)}
        cases.append(case(label, m, (A3, Y, parameters, lambd), expected, bugs))
    return cases


def _grads(grads: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {k: grads[k] for k in GRAD_KEYS}


def _backward_with_regularization() -> list[Case]:
    cases = []
    for label, m, lambd, X, Y, parameters, _, cache in _reg_problems():
        plain = regularization.backward_propagation_with_regularization(X, Y, cache, 0.0)

        def with_term(k: float, plain: Arrays = plain, parameters: Arrays = parameters) -> Arrays:
            return {f"dW{l}": plain[f"dW{l}"] + k * parameters[f"W{l}"] for l in (1, 2, 3)}

        bugs = [
            ("wrong-formula", "dW without the L2 term (λ/m) W", {k: plain[k] for k in ("dW1", "dW2", "dW3")}),
            ("wrong-formula", "the L2 term as (λ/2m) W: the 2 of ‖W‖² not brought down", with_term(lambd / (2 * m))),
            ("wrong-formula", "the L2 term as λ W, without the 1/m", with_term(lambd)),
        ]
        expected = _grads(regularization.backward_propagation_with_regularization(X, Y, cache, lambd))
        cases.append(case(label, m, (X, Y, cache, lambd), expected, bugs))
    return cases


DROPOUT_PROBES = (((4, 5, 3, 1), 7, 63, 0.7), ((3, 2, 3, 1), 11, 64, 0.8))  # dims, m, seed, keep_prob
DROPOUT_KEYS = ("D1", "A1", "D2", "A2", "Z3", "A3")


def read_dropout_forward(value: Any) -> tuple[dict[str, Any], str | None]:
    out, note = read_tuple("A3 (returned)", "cache")(value)
    cache = out.pop("cache", None)
    names = ("Z1", "D1", "A1", "W1", "b1", "Z2", "D2", "A2", "W2", "b2", "Z3", "A3", "W3", "b3")
    if isinstance(cache, tuple | list) and len(cache) == len(names):
        out.update({k: v for k, v in zip(names, cache, strict=True) if k in DROPOUT_KEYS})
    elif note is None:
        note = "cache is not the course's (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)"
    out.pop("A3 (returned)", None)
    return out, note


def _dropout_forward_arrays(X: np.ndarray, parameters: Arrays, keep_prob: float, seed: int = 1, divided: bool = True) -> Arrays:
    """The course's masks (np.random.seed(seed), then rand for layer 1 and 2) and the dropped-out activations."""
    dims = [X.shape[0], parameters["W1"].shape[0], parameters["W2"].shape[0], 1]
    with global_seed(seed):
        masks = regularization.dropout_masks(dims, X.shape[1], keep_prob, np.random)
    A3, caches = forward(X, parameters, ["relu", "relu", "sigmoid"], masks, keep_prob if divided else 1.0)
    ((_, _, _), _), ((A1, _, _), _), ((A2, _, _), Z3) = caches
    return {"D1": masks[1], "A1": A1, "D2": masks[2], "A2": A2, "Z3": Z3, "A3": A3}


def _dropout_forward() -> list[Case]:
    cases = []
    for dims, m, seed, keep_prob in DROPOUT_PROBES:
        X, _, parameters = _reg_data(dims, m, seed)
        expected = _dropout_forward_arrays(X, parameters, keep_prob)
        bugs = [("wrong-formula", "A = A * D without / keep_prob (not inverted dropout)",
                 _dropout_forward_arrays(X, parameters, keep_prob, divided=False)),
                ("seed", "masks not seeded inside the function (the course calls np.random.seed(1) first)",
                 _dropout_forward_arrays(X, parameters, keep_prob, seed=NOT_SEEDED))]  # fmt: skip
        cases.append(case(f"layers {list(dims)}, m = {m}, keep_prob = {keep_prob}", m, (X, parameters, keep_prob), expected, bugs))
    return cases


def _dropout_cache(X: np.ndarray, parameters: Arrays, keep_prob: float, seed: int) -> tuple[np.ndarray, ...]:
    rng = rng_for(seed)
    masks = {
        1: rng.random((parameters["W1"].shape[0], X.shape[1])) < keep_prob,
        2: rng.random((parameters["W2"].shape[0], X.shape[1])) < keep_prob,
    }
    A3, caches = forward(X, parameters, ["relu", "relu", "sigmoid"], masks, keep_prob)
    ((_, W1, b1), Z1), ((A1, W2, b2), Z2), ((A2, W3, b3), Z3) = caches
    return (Z1, masks[1].astype(float), A1, W1, b1, Z2, masks[2].astype(float), A2, W2, b2, Z3, A3, W3, b3)


def _dropout_backward() -> list[Case]:
    cases = []
    for dims, m, seed, keep_prob in DROPOUT_PROBES:
        X, Y, parameters = _reg_data(dims, m, seed)
        cache = _dropout_cache(X, parameters, keep_prob, seed + 1)
        ones = tuple(np.ones_like(v) if i in (1, 6) else v for i, v in enumerate(cache))
        pick = ("dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1")

        def grads(c: tuple[np.ndarray, ...], k: float, X: np.ndarray = X, Y: np.ndarray = Y, pick: tuple[str, ...] = pick) -> Arrays:
            out = _grads(regularization.backward_propagation_with_dropout(X, Y, c, k))
            return {key: out[key] for key in pick}

        bugs = [
            ("wrong-formula", "dA = dA * D without / keep_prob", grads(cache, 1.0)),
            ("wrong-formula", "the mask D not applied to dA (dA / keep_prob only)", grads(ones, keep_prob)),
            ("wrong-formula", "no dropout in the backward pass (dA neither masked nor divided)", grads(ones, 1.0)),
        ]
        expected = _grads(regularization.backward_propagation_with_dropout(X, Y, cache, keep_prob))
        cases.append(case(f"layers {list(dims)}, m = {m}, keep_prob = {keep_prob}", m, (X, Y, cache, keep_prob), expected, bugs))
    return cases


# ---- week 1: gradient checking ----------------------------------------------------------------------------

ONE_D = ((2.0, 4.0), (-3.0, 1.5))  # (x, theta)


def _forward_1d() -> list[Case]:
    bugs = lambda x, t: [("wrong-formula", "J = θ + x instead of θ x", {"J": np.asarray(t + x)})]  # noqa: E731
    return [case(f"x = {x:g}, theta = {t:g}", 7, (x, t), {"J": np.asarray(gc.forward_propagation(x, t))}, bugs(x, t)) for x, t in ONE_D]


def _backward_1d() -> list[Case]:
    bugs = lambda x, t: [("wrong-input", "dtheta = theta: dJ/dθ of J = θx is x", {"dtheta": np.asarray(t)})]  # noqa: E731
    return [
        case(f"x = {x:g}, theta = {t:g}", 7, (x, t), {"dtheta": np.asarray(gc.backward_propagation(x, t))}, bugs(x, t)) for x, t in ONE_D
    ]


WRONG_BY = 1.25  # the stub backward pass returns 1.25 × dJ/dθ: the difference is then 0.25 / 2.25, not round-off
STUBS_1D = {
    "forward_propagation": "def forward_propagation(x, theta):\n    return theta * x\n",
    "backward_propagation": f"def backward_propagation(x, theta):\n    return {WRONG_BY} * x\n",
}


def _course_check_with_stub(x: float, theta: float, epsilon: float) -> float:
    """The course's ``gradient_check`` run as the audit runs the learner's: with STUBS_1D's backward_propagation, WRONG_BY x."""
    with mock.patch.object(gc, "backward_propagation", lambda x, theta: WRONG_BY * x):
        return gc.gradient_check(x, theta, epsilon)


def _gradient_check() -> list[Case]:
    """x, θ and ε with few binary digits: θ ± ε, J = θx, J⁺ − J⁻ and the division by 2ε are exact, so gradapprox = x
    exactly and the difference has no round-off in it. A learner's check that calls backward_propagation sees the
    stub's 1.25 x (difference 0.25 / 2.25, the course's gradient_check run with the stub); one that writes J = θx and
    dθ = x itself sees a difference of 0. The bugs are the learner's wrong formulas, written here on J⁺ and J⁻."""
    cases = []
    for (x, theta), epsilon in zip(ONE_D, (2.0**-10, 2.0**-7), strict=True):
        grad = WRONG_BY * x
        J_plus, J_minus = gc.forward_propagation(x, theta + epsilon), gc.forward_propagation(x, theta - epsilon)
        gradapprox = (J_plus - J_minus) / (2 * epsilon)  # the course's: the input of the two wrong differences below
        assert gradapprox == x  # exact in binary floating point: the point of these numbers
        bugs = [
            ("wrong-formula", "a gradapprox of (J⁺ − J⁻) / ε: the 2 of 2ε is missing",
             {"difference": relative_difference(np.asarray(grad), np.asarray((J_plus - J_minus) / epsilon))}),
            ("wrong-formula", "‖grad − gradapprox‖ alone, without dividing by ‖grad‖ + ‖gradapprox‖",
             {"difference": abs(grad - gradapprox)}),
            ("wrong-formula", "‖grad − gradapprox‖ divided by ‖grad‖ only", {"difference": abs(grad - gradapprox) / abs(grad)}),
        ]  # fmt: skip
        versions = {
            f"the check through forward_propagation and backward_propagation (run with one returning {WRONG_BY} x)":
                {"difference": _course_check_with_stub(x, theta, epsilon)},
            "J = θx and dθ = x written inside the check (its difference formula cannot be seen: it is 0 whatever the formula)":
                {"difference": 0.0},
        }  # fmt: skip
        label = f"x = {x:g}, theta = {theta:g}, epsilon = 2^{int(np.log2(epsilon))}"
        cases.append(versioned_case(label, 7, (x, theta, epsilon), versions, bugs))
    return cases


def read_forward_n(value: Any) -> tuple[dict[str, Any], str | None]:
    out, note = read_tuple("cost", "cache")(value)
    cache = out.pop("cache", None)
    names = ("Z1", "A1", "W1", "b1", "Z2", "A2", "W2", "b2", "Z3", "A3", "W3", "b3")
    if isinstance(cache, tuple | list) and len(cache) == len(names):
        out.update({k: v for k, v in zip(names, cache, strict=True) if k[0] in "ZA"})
    elif note is None:
        note = "cache is not the course's (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)"
    return out, note


def _forward_n() -> list[Case]:
    cases = []
    for dims, m, seed in (((4, 5, 3, 1), 3, 65), ((5, 4, 2, 1), 7, 66)):
        X, Y, parameters = _reg_data(dims, m, seed)
        cost, cache = gc.forward_propagation_n(X, Y, parameters)
        expected = {"cost": np.asarray(cost)} | {
            k: v
            for k, v in zip(("Z1", "A1", "W1", "b1", "Z2", "A2", "W2", "b2", "Z3", "A3", "W3", "b3"), cache, strict=True)
            if k[0] in "ZA"
        }
        cases.append(case(f"layers {list(dims)}, m = {m}", m, (X, Y, parameters), expected))
    return cases


STUBS_N = {
    name: f"from chainrule.course.gradient_checking import {name}\n"
    for name in ("forward_propagation_n", "dictionary_to_vector", "vector_to_dictionary", "gradients_to_vector")
}


def _J_shifted(parameters: Arrays, X: np.ndarray, Y: np.ndarray, shift: float) -> np.ndarray:
    """J(θ + shift eᵢ) for every parameter i, an (n, 1) column, θ copied for each i: the forward passes of the wrong checks."""
    theta, _ = gc.dictionary_to_vector(parameters)
    J = np.zeros_like(theta)
    for i in range(theta.shape[0]):
        shifted = theta.copy()
        shifted[i] += shift
        J[i] = gc.forward_propagation_n(X, Y, gc.vector_to_dictionary(shifted))[0]
    return J


def _gradient_check_n() -> list[Case]:
    """The right difference is the course's ``gradient_check_n``; the bugs are the learner's wrong formulas, written here
    on J⁺ = J(θ + ε eᵢ), J⁻ = J(θ − ε eᵢ) and J = J(θ)."""
    cases = []
    for m, seed, planted in ((3, 67, "the course's two planted bugs (dW2 × 2, db1 with 4/m)"), (7, 68, "dW3 10 % too large")):
        X, Y, parameters = _reg_data(gc.LAYER_DIMS, m, seed)
        _, cache = gc.forward_propagation_n(X, Y, parameters)
        gradients = gc.backward_propagation_n(X, Y, cache)
        if m == 3:
            gradients["dW2"], gradients["db1"] = gradients["dW2"] * 2, gradients["db1"] * 4
        else:
            gradients["dW3"] = gradients["dW3"] * 1.1
        epsilon = 1e-4
        grad = gc.gradients_to_vector(gradients)
        J = gc.forward_propagation_n(X, Y, parameters)[0]
        J_plus, J_minus = _J_shifted(parameters, X, Y, epsilon), _J_shifted(parameters, X, Y, -epsilon)
        gradapprox = (J_plus - J_minus) / (2 * epsilon)  # the course's: the input of the two wrong differences below
        bugs = [
            ("wrong-formula", "a gradapprox of (J⁺ − J⁻) / ε: the 2 of 2ε is missing",
             {"difference": relative_difference(grad, (J_plus - J_minus) / epsilon)}),
            ("wrong-formula", "‖grad − gradapprox‖ alone, without dividing by ‖grad‖ + ‖gradapprox‖",
             {"difference": float(np.linalg.norm(grad - gradapprox))}),
            ("wrong-formula", "denominator ‖grad + gradapprox‖ instead of ‖grad‖ + ‖gradapprox‖",
             {"difference": float(np.linalg.norm(grad - gradapprox) / np.linalg.norm(grad + gradapprox))}),
            ("wrong-formula", "a one-sided difference (J(θ + ε) − J(θ)) / ε",
             {"difference": relative_difference(grad, (J_plus - J) / epsilon)}),
            ("wrong-formula", "θ⁺ and θ⁻ are one array (np.copy missing): J⁻ is J(θ)",  # the minus shift undoes the plus
             {"difference": relative_difference(grad, (J_plus - J) / (2 * epsilon))}),
        ]  # fmt: skip
        expected = {"difference": gc.gradient_check_n(parameters, gradients, X, Y, epsilon)}
        label = f"the course's layers {list(gc.LAYER_DIMS)}, m = {m}, epsilon = {epsilon:g}, gradients with {planted}"
        cases.append(case(label, m, (parameters, gradients, X, Y, epsilon), expected, bugs))
    return cases


# ---- week 2: optimization ----------------------------------------------------------------------------------

OPT_PROBES = (((3, 5, 1), 71), ((4, 3, 2, 1), 72))


def _opt_data(dims: Sequence[int], seed: int) -> tuple[np.random.Generator, Arrays, Arrays]:
    rng = rng_for(seed)
    parameters = probe_parameters(rng, dims)
    grads = {f"d{k}": rng.standard_normal(v.shape) for k, v in parameters.items()}
    return rng, parameters, grads


def _gd() -> list[Case]:
    cases = []
    for (dims, seed), rate in zip(OPT_PROBES, (0.01, 0.3), strict=True):
        _, parameters, grads = _opt_data(dims, seed)

        def step(r: float, parameters: Arrays = parameters, grads: Arrays = grads) -> Arrays:
            return optimization.update_parameters_with_gd(copy.deepcopy(parameters), grads, r)

        bugs = [
            ("wrong-formula", "W := W + α dW (a step up the gradient)", step(-rate)),
            ("wrong-formula", "W := W − dW: the learning rate α is not applied", step(1.0)),
        ]
        cases.append(case(f"layers {list(dims)}, learning_rate {rate}", 7, (parameters, grads, rate), step(rate), bugs))
    return cases


def _velocity_keys(dims: tuple[int, ...]) -> list[str]:
    return [f"d{k}" for k in _names(dims)]


def _initialize_velocity() -> list[Case]:
    cases = []
    for dims, seed in OPT_PROBES:
        _, parameters, _ = _opt_data(dims, seed)
        cases.append(case(f"layers {list(dims)}", 7, (parameters,), optimization.initialize_velocity(parameters)))
    return cases


def read_momentum(value: Any) -> tuple[dict[str, Any], str | None]:
    out, note = read_tuple("parameters", "v")(value)
    parameters, v = out.pop("parameters", None), out.pop("v", None)
    if isinstance(parameters, dict):
        out.update({k: x for k, x in parameters.items() if k[:1] in "Wb"})
    if isinstance(v, dict):
        out.update({f"v[{k}]": x for k, x in v.items()})
    return out, note


def _momentum_arrays(parameters: Arrays, grads: Arrays, v: Arrays, beta: float, rate: float, kind: str = "course") -> Arrays:
    parameters, v = copy.deepcopy(parameters), copy.deepcopy(v)
    if kind == "course":
        optimization.update_parameters_with_momentum(parameters, grads, v, beta, rate)
    else:
        for key in list(parameters):
            d = f"d{key}"
            if kind == "no 1-beta":
                v[d] = beta * v[d] + grads[d]
            elif kind == "swapped":
                v[d] = (1 - beta) * v[d] + beta * grads[d]
            parameters[key] = parameters[key] - rate * (grads[d] if kind == "gradient step" else v[d])
            if kind == "gradient step":
                v[d] = beta * v[d] + (1 - beta) * grads[d]
    return {**parameters, **{f"v[{k}]": x for k, x in v.items()}}


def _momentum() -> list[Case]:
    cases = []
    for (dims, seed), (beta, rate) in zip(OPT_PROBES, ((0.9, 0.01), (0.7, 0.1)), strict=True):
        rng, parameters, grads = _opt_data(dims, seed)
        v = {f"d{k}": rng.standard_normal(x.shape) * 0.1 for k, x in parameters.items()}
        arrays = {kind: _momentum_arrays(parameters, grads, v, beta, rate, kind) for kind in ("no 1-beta", "swapped", "gradient step")}
        bugs = [("wrong-formula", "v := β v + dW: the (1 − β) factor on dW is missing", arrays["no 1-beta"]),
                ("wrong-formula", "v := (1 − β) v + β dW: β and 1 − β swapped", arrays["swapped"]),
                ("wrong-formula", "W := W − α dW: the velocity v is not used in the step", arrays["gradient step"])]  # fmt: skip
        cases.append(case(f"layers {list(dims)}, beta {beta}, learning_rate {rate}", 7, (parameters, grads, v, beta, rate),
                          _momentum_arrays(parameters, grads, v, beta, rate), bugs))  # fmt: skip
    return cases


def read_adam_init(value: Any) -> tuple[dict[str, Any], str | None]:
    out, note = read_tuple("v", "s")(value)
    v, s = out.pop("v", None), out.pop("s", None)
    for name, part in (("v", v), ("s", s)):
        if isinstance(part, dict):
            out.update({f"{name}[{k}]": x for k, x in part.items()})
    return out, note


def _initialize_adam() -> list[Case]:
    cases = []
    for dims, seed in OPT_PROBES:
        _, parameters, _ = _opt_data(dims, seed)
        v, s = optimization.initialize_adam(parameters)
        expected = {f"v[{k}]": x for k, x in v.items()} | {f"s[{k}]": x for k, x in s.items()}
        cases.append(case(f"layers {list(dims)}", 7, (parameters,), expected))
    return cases


def read_adam(value: Any) -> tuple[dict[str, Any], str | None]:
    if isinstance(value, tuple | list) and len(value) in (3, 5):  # older versions return (parameters, v, s)
        value = tuple(value[:3])
    out, note = read_tuple("parameters", "v", "s")(value)
    parameters, v, s = out.pop("parameters", None), out.pop("v", None), out.pop("s", None)
    if isinstance(parameters, dict):
        out.update({k: x for k, x in parameters.items() if k[:1] in "Wb"})
    for name, part in (("v", v), ("s", s)):
        if isinstance(part, dict):
            out.update({f"{name}[{k}]": x for k, x in part.items()})
    return out, note


def _adam_arrays(parameters: Arrays, grads: Arrays, v: Arrays, s: Arrays, t: int, rate: float, beta1: float, beta2: float,
                 epsilon: float, kind: str = "course") -> Arrays:
    parameters, v, s = copy.deepcopy(parameters), copy.deepcopy(v), copy.deepcopy(s)
    if kind == "course":
        optimization.update_parameters_with_adam(parameters, grads, v, s, t, rate, beta1, beta2, epsilon)
    else:
        for key in list(parameters):
            d = f"d{key}"
            v[d] = beta1 * v[d] + (1 - beta1) * grads[d]
            s[d] = beta2 * s[d] + (1 - beta2) * (grads[d] if kind == "not squared" else grads[d] ** 2)
            v_hat, s_hat = (v[d], s[d]) if kind == "no correction" else (v[d] / (1 - beta1**t), s[d] / (1 - beta2**t))
            denominator = np.sqrt(s_hat + epsilon) if kind == "epsilon inside" else np.sqrt(s_hat) + epsilon
            parameters[key] = parameters[key] - rate * v_hat / denominator
    return {**parameters, **{f"v[{k}]": x for k, x in v.items()}, **{f"s[{k}]": x for k, x in s.items()}}


def _adam() -> list[Case]:
    cases = []
    for (dims, seed), (t, rate, beta1, beta2, epsilon) in zip(
        OPT_PROBES, ((2, 0.01, 0.9, 0.999, 1e-2), (3, 0.02, 0.8, 0.99, 1e-3)), strict=True
    ):
        rng, parameters, grads = _opt_data(dims, seed)
        v = {f"d{k}": rng.standard_normal(x.shape) * 0.1 for k, x in parameters.items()}
        s = {f"d{k}": rng.random(x.shape) * 0.1 for k, x in parameters.items()}
        args = (parameters, grads, v, s, t, rate, beta1, beta2, epsilon)
        arrays = {kind: _adam_arrays(*args, kind) for kind in ("course", "no correction", "epsilon inside", "not squared")}
        bugs = [("wrong-formula", "no bias correction: v, s used where v / (1 − β₁ᵗ), s / (1 − β₂ᵗ) belong",
                 {k: x for k, x in arrays["no correction"].items() if k[0] in "Wb"}),
                ("wrong-formula", "ε inside the square root: √(ŝ + ε) instead of √ŝ + ε",
                 {k: x for k, x in arrays["epsilon inside"].items() if k[0] in "Wb"}),
                ("wrong-formula", "s := β₂ s + (1 − β₂) dW: the gradient is not squared", arrays["not squared"])]  # fmt: skip
        label = f"layers {list(dims)}, t = {t}, learning_rate {rate}, beta1 {beta1}, beta2 {beta2}, epsilon {epsilon:g}"
        cases.append(case(label, 7, args, arrays["course"], bugs))
    return cases


def read_mini_batches(value: Any) -> tuple[dict[str, Any], str | None]:
    if not isinstance(value, list | tuple):
        return {}, "did not return a list of (mini_batch_X, mini_batch_Y)"
    out: dict[str, Any] = {"number of mini-batches": np.asarray(len(value))}
    for k, batch in enumerate(value, start=1):
        if isinstance(batch, tuple | list) and len(batch) == 2:
            out[f"mini-batch {k}: X"], out[f"mini-batch {k}: Y"] = batch
    return out, None


def _batches_arrays(batches: Sequence[tuple[np.ndarray, np.ndarray]]) -> dict[str, Any]:
    out: dict[str, Any] = {"number of mini-batches": np.asarray(len(batches))}
    for k, (bx, by) in enumerate(batches, start=1):
        out[f"mini-batch {k}: X"], out[f"mini-batch {k}: Y"] = bx, by
    return out


MINI_BATCH_KEYS = ["number of mini-batches"] + [f"mini-batch {k}: {a}" for k in (1, 2, 3) for a in "XY"]


def _random_mini_batches() -> list[Case]:
    cases = []
    for n_x, m, size, seed in ((3, 11, 4, 2), (2, 12, 4, 5)):
        rng = rng_for(70 + seed)
        X, Y = rng.standard_normal((n_x, m)), labels(rng, m)
        with global_seed(None):
            expected = _batches_arrays(optimization.random_mini_batches(X, Y, size, seed))
        with global_seed(NOT_SEEDED):
            unseeded = _batches_arrays(mini_batches(X, Y, size, np.random))
        with global_seed(seed):
            permutation = np.random.permutation(m)
        X_shuffled, Y_shuffled, full = X[:, permutation], Y[:, permutation], (m // size) * size
        late = [(X_shuffled[:, k : k + size], Y_shuffled[:, k : k + size]) for k in range(0, full, size)]
        if m % size:
            late.append((X_shuffled[:, m % size :], Y_shuffled[:, m % size :]))  # the slice starts at m mod size
        bugs = [("seed", "the seed argument not used: the course calls np.random.seed(seed) before np.random.permutation(m)", unseeded),
                ("wrong-input", "the last mini-batch sliced from m mod mini_batch_size instead of "
                 "⌊m / mini_batch_size⌋ · mini_batch_size", _batches_arrays(late)),
                ("wrong-formula", "the full mini-batches only: the last one, of the m mod mini_batch_size remaining columns, "
                 "left out", _batches_arrays(late[: m // size]))]  # fmt: skip
        cases.append(case(f"X ({n_x}, {m}), mini_batch_size {size}, seed {seed}", m, (X, Y, size, seed), expected, bugs))
    return cases


def _update_lr() -> list[Case]:
    cases = []
    for rate, epoch, decay in ((0.5, 2, 1.0), (0.1, 10, 0.3)):
        bugs = [
            ("wrong-formula", "α₀ e^(−decay_rate · epoch_num), the exponential decay", {"learning_rate": rate * np.exp(-decay * epoch)})
        ]
        expected = {"learning_rate": np.asarray(optimization.update_lr(rate, epoch, decay))}
        cases.append(case(f"learning_rate0 {rate}, epoch_num {epoch}, decay_rate {decay}", 7, (rate, epoch, decay), expected, bugs))
    return cases


def _schedule_lr_decay() -> list[Case]:
    cases = []
    for rate, epoch, decay, interval in ((0.5, 2500, 0.3, 1000), (0.1, 10, 1.0, 4)):
        bugs = [("wrong-formula", "epoch_num / time_interval not floored (np.floor)",
                 {"learning_rate": rate / (1 + decay * epoch / interval)}),
                ("wrong-formula", "time_interval not used: the decay of update_lr",
                 {"learning_rate": rate / (1 + decay * epoch)})]  # fmt: skip
        expected = {"learning_rate": np.asarray(optimization.schedule_lr_decay(rate, epoch, decay, interval))}
        label = f"learning_rate0 {rate}, epoch_num {epoch}, decay_rate {decay}, time_interval {interval}"
        cases.append(case(label, 7, (rate, epoch, decay, interval), expected, bugs))
    return cases


def _spec(name: str, signature: str, kind: str, keys: Sequence[str], read: Reader, build: Callable[[], list[Case]], summary: str,
          **options: Any) -> FunctionSpec:
    return FunctionSpec(name, signature, kind, list(keys), read, build, summary=summary, **options)


def _v(prefix: str) -> list[str]:
    return [f"{prefix}[d{k}]" for k in THREE]


SPECS = [
    # week 1: initialization
    _spec("initialize_parameters_zeros", "initialize_parameters_zeros(layers_dims)", "result", THREE, read_keys(*THREE), _zeros,
          "every W[l] and b[l] zero"),
    _spec("initialize_parameters_random", "initialize_parameters_random(layers_dims)", "result", THREE, read_keys(*THREE), _random,
          "np.random.seed(3), W[l] = randn(n[l], n[l-1]) · 10, b[l] = 0", seed=NOT_SEEDED),
    _spec("initialize_parameters_he", "initialize_parameters_he(layers_dims)", "result", THREE, read_keys(*THREE), _he,
          "np.random.seed(3), W[l] = randn(n[l], n[l-1]) · √(2/n[l-1]), b[l] = 0", seed=NOT_SEEDED),
    # week 1: regularization
    _spec("compute_cost_with_regularization", "compute_cost_with_regularization(A3, Y, parameters, lambd)", "forward", ["cost"],
          read_value("cost"), _cost_with_regularization, "J = cross-entropy + (λ/2m) Σ ‖W[l]‖²",
          stubs={"compute_cost": "from chainrule.course.week3 import compute_cost\n"}),
    _spec("backward_propagation_with_regularization", "backward_propagation_with_regularization(X, Y, cache, lambd)", "backward",
          GRAD_KEYS, read_keys(*GRAD_KEYS), _backward_with_regularization,
          "dZ3 = A3 − Y, dW[l] = (1/m) dZ[l] A[l-1]ᵀ + (λ/m) W[l] = ∂J/∂W[l] of the regularized cost"),
    _spec("forward_propagation_with_dropout", "forward_propagation_with_dropout(X, parameters, keep_prob)", "forward", DROPOUT_KEYS,
          read_dropout_forward, _dropout_forward,
          "np.random.seed(1), D[l] = rand(n[l], m) < keep_prob, A[l] = A[l] · D[l] / keep_prob for l = 1, 2", seed=NOT_SEEDED),
    _spec("backward_propagation_with_dropout", "backward_propagation_with_dropout(X, Y, cache, keep_prob)", "backward",
          GRAD_KEYS, read_keys(*GRAD_KEYS), _dropout_backward,
          "dA[l] = dA[l] · D[l] / keep_prob for l = 2, 1, through the forward pass's masks"),
    # week 1: gradient checking
    _spec("forward_propagation", "forward_propagation(x, theta)", "forward", ["J"], read_value("J"), _forward_1d, "J = θ x"),
    _spec("backward_propagation", "backward_propagation(x, theta)", "result", ["dtheta"], read_value("dtheta"), _backward_1d,
          "dtheta = dJ/dθ = x"),
    _spec("gradient_check", "gradient_check(x, theta, epsilon)", "result", ["difference"], read_value("difference"), _gradient_check,
          "difference = ‖grad − gradapprox‖ / (‖grad‖ + ‖gradapprox‖), gradapprox = (J(θ + ε) − J(θ − ε)) / 2ε", stubs=STUBS_1D),
    _spec("forward_propagation_n", "forward_propagation_n(X, Y, parameters)", "forward",
          ["Z1", "A1", "Z2", "A2", "Z3", "A3", "cost"], read_forward_n, _forward_n,
          "LINEAR → RELU → LINEAR → RELU → LINEAR → SIGMOID, the cross-entropy cost, the course's cache"),
    _spec("gradient_check_n", "gradient_check_n(parameters, gradients, X, Y, epsilon)", "result", ["difference"],
          read_value("difference"), _gradient_check_n,
          "two-sided differences one parameter at a time, difference = ‖grad − gradapprox‖ / (‖grad‖ + ‖gradapprox‖) "
          "(checked with the course's forward_propagation_n and gc_utils helpers, on gradients with known errors)", stubs=STUBS_N),
    # week 2: optimization
    _spec("update_parameters_with_gd", "update_parameters_with_gd(parameters, grads, learning_rate)", "result", THREE,
          read_keys(*THREE), _gd, "W[l] := W[l] − α dW[l], b[l] := b[l] − α db[l]"),
    _spec("initialize_velocity", "initialize_velocity(parameters)", "result", [f"d{k}" for k in THREE], read_dict,
          _initialize_velocity, 'v["dW1"], v["db1"], … zeros shaped like the parameters'),
    _spec("update_parameters_with_momentum", "update_parameters_with_momentum(parameters, grads, v, beta, learning_rate)", "result",
          [*_v("v"), *THREE], read_momentum, _momentum, "v := β v + (1 − β) dW, W := W − α v"),
    _spec("initialize_adam", "initialize_adam(parameters)", "result", [*_v("v"), *_v("s")], read_adam_init, _initialize_adam,
          "v and s zeros, keyed like the gradients"),
    _spec("update_parameters_with_adam",
          "update_parameters_with_adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon)", "result",
          [*_v("v"), *_v("s"), *THREE], read_adam, _adam,
          "v := β₁ v + (1 − β₁) dW, s := β₂ s + (1 − β₂) dW², W := W − α v̂ / (√ŝ + ε) with v̂ = v / (1 − β₁ᵗ), ŝ = s / (1 − β₂ᵗ)"),
    _spec("random_mini_batches", "random_mini_batches(X, Y, mini_batch_size, seed)", "result", MINI_BATCH_KEYS, read_mini_batches,
          _random_mini_batches, "np.random.seed(seed), shuffle the columns with one permutation, full batches then the remainder",
          seed=NOT_SEEDED),
    _spec("update_lr", "update_lr(learning_rate0, epoch_num, decay_rate)", "result", ["learning_rate"], read_value("learning_rate"),
          _update_lr, "α = α₀ / (1 + decay_rate · epoch_num)"),
    _spec("schedule_lr_decay", "schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval)", "result",
          ["learning_rate"], read_value("learning_rate"), _schedule_lr_decay,
          "α = α₀ / (1 + decay_rate · ⌊epoch_num / time_interval⌋)"),
]  # fmt: skip
