"""Course 1 weeks 2–4: logistic regression, the one-hidden-layer network, the L-layer network and its application.

What each call should return comes from ``chainrule.course.week2``, ``week3``, ``week4`` and
``week4_app``. Seeds, per function (the course's notebooks, every version):

- ``initialize_parameters(n_x, n_h, n_y)``: week 3's test calls ``np.random.seed(2)`` before it
  (older versions seed 2 inside: the same numbers); week 4's seeds ``np.random.seed(1)`` inside.
  The audit seeds 2 before the call and accepts either.
- ``initialize_parameters_deep(layer_dims)``: ``np.random.seed(3)`` inside, W · 0.01 (the
  step-by-step assignment); the application's helper seeds 1 inside, W / √n[l-1]. The audit seeds
  another number before the call, so a function that does not seed is told apart.
- ``nn_model``: ``np.random.seed(3)`` inside, then initialize_parameters (which older versions seed 2).
- ``two_layer_model``, ``L_layer_model``: ``np.random.seed(1)`` inside, then the seeded initializations.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from chainrule.audit.spec import Case, FunctionSpec, Reader, read_tuple
from chainrule.audit.specs import case, global_seed, labels, probe_parameters, read_keys, read_value, rng_for, versioned_case
from chainrule.course import week2, week3, week4, week4_app
from chainrule.initializers import initialize_parameters as initialize
from chainrule.network import forward

NOT_SEEDED = 12345  # the audit's seed before a call to a function that seeds itself: its numbers if it does not


def _as_list_array(value: Any) -> Any:
    """A list of numbers (the costs) as one array, when it is one."""
    if isinstance(value, list | tuple):
        try:
            return np.asarray([np.asarray(v, dtype=float).reshape(()) for v in value], dtype=float)
        except (TypeError, ValueError):
            return value
    return value


def _with_costs(*names: str) -> Reader:
    base = read_keys(*names)

    def read(value: Any) -> tuple[dict[str, Any], str | None]:
        out, note = base(value)
        if "costs" in out:
            out["costs"] = _as_list_array(out["costs"])
        return out, note

    return read


# ---- week 2: logistic regression ---------------------------------------------------------------------

W2_PROBES = ((3, 7, 21), (4, 11, 22))  # (n_x, m, seed)


def _lr_data(n_x: int, m: int, seed: int) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    """w (n_x, 1), b, X (n_x, m), Y (1, m): a logistic regression problem."""
    rng = rng_for(seed)
    w = rng.standard_normal((n_x, 1)) * 0.5
    b = float(rng.standard_normal())
    X = rng.standard_normal((n_x, m))
    return w, b, X, labels(rng, m)


def read_sigmoid(value: Any) -> tuple[dict[str, Any], str | None]:
    if isinstance(value, tuple) and len(value) == 2:  # dnn_utils' sigmoid(Z) → (A, cache): week 4's helper
        return {"s": value[0]}, None
    return {"s": value}, None


def _sigmoid() -> list[Case]:
    cases = []
    for shape, seed in (((2, 7), 31), ((1, 11), 32)):
        z = rng_for(seed).standard_normal(shape) * 3
        bugs = [("wrong-formula", "s = 1 / (1 + e^z): the minus sign of e^(−z) is missing", {"s": week2.sigmoid(-z)})]
        cases.append(case(f"z of shape {shape}", shape[1], (z,), {"s": week2.sigmoid(z)}, bugs))
    return cases


def _initialize_with_zeros() -> list[Case]:
    return [case(f"dim = {dim}", 7, (dim,), dict(zip(("w", "b"), week2.initialize_with_zeros(dim), strict=True))) for dim in (3, 5)]


def _propagate_arrays(w: np.ndarray, b: float, X: np.ndarray, Y: np.ndarray) -> dict[str, Any]:
    grads, cost = week2.propagate(w, b, X, Y)
    return {"cost": cost, "dw": grads["dw"], "db": grads["db"]}


def read_propagate(value: Any) -> tuple[dict[str, Any], str | None]:
    out, note = read_tuple("grads", "cost")(value)
    grads = out.pop("grads", None)
    if isinstance(grads, dict):
        out.update({k: grads[k] for k in ("dw", "db") if k in grads})
    elif note is None:
        note = f"grads is {grads!r:.60}, not a dict with dw and db"
    return out, note


def _propagate() -> list[Case]:
    cases = []
    for n_x, m, seed in W2_PROBES:
        w, b, X, Y = _lr_data(n_x, m, seed)
        bugs = [("wrong-input", "A = σ(wᵀX) without + b", _propagate_arrays(w, 0.0, X, Y))]
        cases.append(case(f"w ({n_x}, 1), X ({n_x}, {m})", m, (w, b, X, Y), _propagate_arrays(w, b, X, Y), bugs))
    return cases


def _optimize_arrays(w: np.ndarray, b: float, X: np.ndarray, Y: np.ndarray, iterations: int, rate: float) -> dict[str, Any]:
    params, grads, costs = week2.optimize(w, b, X, Y, iterations, rate)
    return {"w": params["w"], "b": params["b"], "dw": grads["dw"], "db": grads["db"], "costs": _as_list_array(costs)}


def read_optimize(value: Any) -> tuple[dict[str, Any], str | None]:
    out, note = read_tuple("params", "grads", "costs")(value)
    params, grads = out.pop("params", None), out.pop("grads", None)
    for name, part, keys in (("params", params, ("w", "b")), ("grads", grads, ("dw", "db"))):
        if isinstance(part, dict):
            out.update({k: part[k] for k in keys if k in part})
        elif note is None:
            note = f"{name} is not a dict with {', '.join(keys)}"
    if "costs" in out:
        out["costs"] = _as_list_array(out["costs"])
    return out, note


def _optimize() -> list[Case]:
    cases = []
    for (n_x, m, seed), rate in zip(W2_PROBES, (0.05, 0.009), strict=True):
        w, b, X, Y = _lr_data(n_x, m, seed)
        args = (w, b, X, Y, 201, rate)
        ascent = _optimize_arrays(w, b, X, Y, 201, -rate)  # w := w + α dw at every step
        bugs = [("wrong-formula", "w := w + α dw (a step up the gradient)", {"w": ascent["w"], "b": ascent["b"]})]
        label = f"w ({n_x}, 1), X ({n_x}, {m}), 201 iterations, learning_rate {rate}"
        cases.append(case(label, m, args, _optimize_arrays(*args), bugs))
    return cases


def _predict_w2() -> list[Case]:
    cases = []
    for n_x, m, seed in W2_PROBES:
        w, b, X, _ = _lr_data(n_x, m, seed)
        cases.append(case(f"w ({n_x}, 1), X ({n_x}, {m})", m, (w, b, X), {"Y_prediction": week2.predict(w, b, X)}))
    return cases


def _model_w2() -> list[Case]:
    cases = []
    for n_x, m, seed in W2_PROBES:
        _, _, X, Y = _lr_data(n_x, m, seed)
        _, _, X_test, Y_test = _lr_data(n_x, m + 2, seed + 50)
        d = week2.model(X, Y, X_test, Y_test, 150, 0.1)
        expected = {k: d[k] for k in ("w", "b", "costs", "Y_prediction_train", "Y_prediction_test")}
        expected["costs"] = _as_list_array(expected["costs"])
        cases.append(case(f"X_train ({n_x}, {m}), 150 iterations, learning_rate 0.1", m, (X, Y, X_test, Y_test, 150, 0.1), expected))
    return cases


# ---- week 3: one hidden layer ---------------------------------------------------------------------------


def _layer_sizes() -> list[Case]:
    cases = []
    for n_x, n_y, m in ((5, 2, 7), (3, 1, 11)):
        X, Y = np.zeros((n_x, m)), np.zeros((n_y, m))
        expected = dict(zip(("n_x", "n_h", "n_y"), week3.layer_sizes(X, Y), strict=True))
        bugs = [("wrong-input", "n_x = X.shape[1], the number of examples m, instead of X.shape[0]", {"n_x": m}),
                ("wrong-input", "n_y = Y.shape[1], the number of examples m, instead of Y.shape[0]", {"n_y": m})]  # fmt: skip
        cases.append(case(f"X ({n_x}, {m}), Y ({n_y}, {m})", m, (X, Y), expected, bugs))
    return cases


TWO_LAYER = ("W1", "b1", "W2", "b2")


def _initialize_parameters() -> list[Case]:
    cases = []
    for dims in ((3, 5, 2), (4, 6, 1)):
        with global_seed(2):
            week3_params = week3.initialize_parameters(*dims)
        week4_params = week4.initialize_parameters(*dims)
        versions = {"week 3's np.random.seed(2) (the test seeds before the call; older versions inside)": week3_params,
                    "week 4's np.random.seed(1) inside the function": week4_params}  # fmt: skip
        with global_seed(2):
            n_x, n_h, n_y = dims
            unscaled = {"W1": np.random.randn(n_h, n_x), "W2": np.random.randn(n_y, n_h)}
        with global_seed(2):
            transposed = {"W1": np.random.randn(n_x, n_h) * 0.01}
        bugs = [
            ("wrong-formula", "W = np.random.randn(…) without the · 0.01", unscaled),
            ("shape", "W1 drawn as randn(n_x, n_h): the shape (n[l-1], n[l]) instead of (n[l], n[l-1])", transposed),
        ]
        cases.append(versioned_case(f"n_x, n_h, n_y = {dims}", 7, dims, versions, bugs))
    return cases


def _update_parameters() -> list[Case]:
    cases = []
    for dims, rate, seed in (((3, 5, 1), 1.2, 41), ((4, 2, 1), 0.1, 42)):
        rng = rng_for(seed)
        parameters = probe_parameters(rng, dims)
        grads = {f"d{k}": rng.standard_normal(v.shape) for k, v in parameters.items()}
        expected = week3.update_parameters(parameters, grads, rate)
        bugs = [
            ("wrong-formula", "W := W + α dW (a step up the gradient)", week3.update_parameters(parameters, grads, -rate)),
            ("wrong-formula", "W := W − dW: the learning rate α is not applied", week3.update_parameters(parameters, grads, 1.0)),
        ]
        cases.append(case(f"layers {list(dims)}, learning_rate {rate}", 7, (parameters, grads, rate), expected, bugs))
    return cases


def _predict_w3() -> list[Case]:
    cases = []
    for dims, m, seed in (((2, 4, 1), 7, 43), ((3, 5, 1), 11, 44)):
        rng = rng_for(seed)
        parameters, X = probe_parameters(rng, dims), rng.standard_normal((dims[0], m))
        cases.append(case(f"layers {list(dims)}, m = {m}", m, (parameters, X), {"predictions": week3.predict(parameters, X)}))
    return cases


def _compute_cost_with_parameters() -> list[Case]:
    cases = []
    for m, seed in ((7, 45), (11, 46)):
        rng = rng_for(seed)
        A2, Y = rng.uniform(0.05, 0.95, (1, m)), labels(rng, m)
        parameters = probe_parameters(rng, (2, 4, 1))
        cases.append(case(f"A2, Y of shape (1, {m})", m, (A2, Y, parameters), {"cost": np.asarray(week3.compute_cost(A2, Y))}))
    return cases


def _planar_data(n_x: int, m: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = rng_for(seed)
    X = rng.standard_normal((n_x, m))
    return X, (X[:1] * X[-1:] > 0).astype(float)


def _nn_model() -> list[Case]:
    cases = []
    for n_x, m, seed in ((2, 12, 47), (3, 9, 48)):
        X, Y = _planar_data(n_x, m, seed)
        with global_seed(None):
            newer = week3.nn_model(X, Y, 4, num_iterations=20)
        with global_seed(2):  # older versions: initialize_parameters seeds 2 inside, after nn_model's seed 3
            parameters = week3.initialize_parameters(n_x, 4, 1)
        for _ in range(20):
            _, cache = week3.forward_propagation(X, parameters)
            parameters = week3.update_parameters(parameters, week3.backward_propagation(parameters, cache, X, Y))
        versions = {"np.random.seed(3) in nn_model, then initialize_parameters (the course's)": newer,
                    "initialize_parameters seeding 2 inside (older versions)": parameters}  # fmt: skip
        cases.append(versioned_case(f"X ({n_x}, {m}), n_h = 4, 20 iterations", m, (X, Y, 4, 20), versions))
    return cases


# ---- week 4: L layers, and the application ------------------------------------------------------------------


def _initialize_parameters_deep() -> list[Case]:
    cases = []
    for dims in ((5, 4, 3, 1), (4, 6, 2, 1)):
        versions = {
            "np.random.seed(3) inside, W · 0.01 (the step-by-step assignment)": week4.initialize_parameters_deep(list(dims)),
            "np.random.seed(1) inside, W / √n[l-1] (the application's helper)": week4_app.initialize_parameters_deep(list(dims)),
        }
        with global_seed(NOT_SEEDED):
            unseeded = initialize(list(dims), "scaled_normal", rng=np.random)
        with global_seed(3):
            unscaled = initialize(list(dims), "scaled_normal", rng=np.random)
            unscaled = {k: v * 100 for k, v in unscaled.items()}
        bugs = [
            ("seed", "random numbers not seeded inside the function (the course calls np.random.seed(3) first)", unseeded),
            ("wrong-formula", "W = np.random.randn(…) without the · 0.01", unscaled),
        ]
        cases.append(versioned_case(f"layer_dims = {list(dims)}", 7, (list(dims),), versions, bugs))
    return cases


def read_linear_activation_forward(value: Any) -> tuple[dict[str, Any], str | None]:
    out, note = read_tuple("A", "cache")(value)
    cache = out.pop("cache", None)
    try:
        (_, _, _), Z = cache
        out["Z"] = Z
    except (TypeError, ValueError):
        note = note or "cache is not ((A_prev, W, b), Z)"
    return out, note


def _linear_activation_forward() -> list[Case]:
    cases = []
    for dims, m, seed in (((5, 4), 7, 51), ((3, 6), 11, 52)):
        rng = rng_for(seed)
        parameters, A_prev = probe_parameters(rng, (*dims, 1)), rng.standard_normal((dims[0], m))
        W, b = parameters["W1"], parameters["b1"]
        for activation in ("sigmoid", "relu"):
            A, ((_, _, _), Z) = week4.linear_activation_forward(A_prev, W, b, activation)
            c = case(f"W ({dims[1]}, {dims[0]}), m = {m}, {activation}", m, (A_prev, W, b, activation),
                     {f"{activation}: A": A, f"{activation}: Z": Z})  # fmt: skip
            c.prefix = f"{activation}: "
            cases.append(c)
    return cases


def _train_data(n_x: int, m: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = rng_for(seed)
    X = rng.standard_normal((n_x, m))
    return X, labels(rng, m)


def _two_layer_model() -> list[Case]:
    cases = []
    for n_x, m, seed in ((6, 12, 53), (5, 9, 54)):
        X, Y = _train_data(n_x, m, seed)
        dims = (n_x, 4, 1)
        with global_seed(None):
            parameters, costs = week4_app.two_layer_model(X, Y, dims, 0.0075, 5)
        expected = {**parameters, "costs": _as_list_array(costs)}
        cases.append(case(f"layers_dims {dims}, m = {m}, 5 iterations", m, (X, Y, dims, 0.0075, 5, True), expected))
    return cases


def read_model_tuple(keys: tuple[str, ...]) -> Reader:
    def read(value: Any) -> tuple[dict[str, Any], str | None]:
        out, note = read_tuple("parameters", "costs")(value)
        parameters = out.pop("parameters", None)
        if isinstance(parameters, dict):
            out.update({k: parameters[k] for k in keys if k in parameters})
        elif note is None:
            note = "parameters is not a dict"
        if "costs" in out:
            out["costs"] = _as_list_array(out["costs"])
        return out, note

    return read


def _L_layer_model() -> list[Case]:
    cases = []
    for n_x, m, seed in ((6, 12, 55), (5, 9, 56)):
        X, Y = _train_data(n_x, m, seed)
        dims = [n_x, 5, 3, 1]
        with global_seed(None):
            parameters, costs = week4_app.L_layer_model(X, Y, dims, 0.0075, 5)
        expected = {**parameters, "costs": _as_list_array(costs)}
        cases.append(case(f"layers_dims {dims}, m = {m}, 5 iterations", m, (X, Y, dims, 0.0075, 5, True), expected))
    return cases


def _predict_app() -> list[Case]:
    cases = []
    for dims, m, seed in (((4, 3, 1), 7, 57), ((3, 5, 2, 1), 11, 58)):
        rng = rng_for(seed)
        parameters, X = probe_parameters(rng, dims), rng.standard_normal((dims[0], m))
        y = labels(rng, m)
        probas, _ = forward(X, parameters, ["relu"] * (len(dims) - 2) + ["sigmoid"])
        cases.append(case(f"layers {list(dims)}, m = {m}", m, (X, y, parameters), {"p": (probas > 0.5).astype(float)}))
    return cases


def read_predictions(value: Any) -> tuple[dict[str, Any], str | None]:
    """p; a tuple (p, accuracy) is read as its p, with a note (the course's helper returns p alone)."""
    if isinstance(value, tuple | list) and len(value) == 2:
        return {"p": value[0]}, "returned a tuple, read as (p, …); the course's predict(X, y, parameters) returns p alone"
    return read_value("p")(value)


PASSES = {"sigmoid", "propagate", "linear_activation_forward", "compute_cost"}  # a forward pass; the others: results in order


def _spec(name: str, signature: str, keys: Sequence[str], read: Reader, build: Callable[[], list[Case]], summary: str = "",
          **options: Any) -> FunctionSpec:
    kind = "forward" if name in PASSES else "result"
    return FunctionSpec(name, signature, kind, list(keys), read, build, summary=summary, **options)


SPECS = [
    # week 2
    _spec("sigmoid", "sigmoid(z)", ["s"], read_sigmoid, _sigmoid, "s = 1 / (1 + e^(−z))"),
    _spec("initialize_with_zeros", "initialize_with_zeros(dim)", ["w", "b"], read_tuple("w", "b"), _initialize_with_zeros,
          "w = zeros (dim, 1), b = 0"),
    _spec("propagate", "propagate(w, b, X, Y)", ["cost", "dw", "db"], read_propagate, _propagate,
          "A = σ(wᵀX + b), J = −(1/m) Σ [y log a + (1 − y) log(1 − a)], dw = (1/m) X (A − Y)ᵀ = ∂J/∂w, db = (1/m) Σ (A − Y) = ∂J/∂b"),
    _spec("optimize", "optimize(w, b, X, Y, num_iterations, learning_rate)", ["w", "b", "dw", "db", "costs"], read_optimize,
          _optimize, "w := w − α dw, b := b − α db, the cost kept every 100 iterations"),
    _spec("predict", "predict(w, b, X)", ["Y_prediction"], read_value("Y_prediction"), _predict_w2, "1 where σ(wᵀX + b) > 0.5"),
    _spec("model", "model(X_train, Y_train, X_test, Y_test, num_iterations, learning_rate)",
          ["w", "b", "costs", "Y_prediction_train", "Y_prediction_test"],
          _with_costs("w", "b", "costs", "Y_prediction_train", "Y_prediction_test"), _model_w2,
          "initialize_with_zeros, optimize, predict, as the course"),
    # week 3
    _spec("layer_sizes", "layer_sizes(X, Y)", ["n_x", "n_h", "n_y"], read_tuple("n_x", "n_h", "n_y"), _layer_sizes,
          "(n_x, n_h, n_y) = (X.shape[0], 4, Y.shape[0])"),
    _spec("initialize_parameters", "initialize_parameters(n_x, n_h, n_y)", TWO_LAYER, read_keys(*TWO_LAYER),
          _initialize_parameters, "W1 = randn(n_h, n_x) · 0.01, W2 = randn(n_y, n_h) · 0.01, b = 0", seed=2),
    _spec("update_parameters", "update_parameters(parameters, grads, learning_rate)", TWO_LAYER, read_keys(*TWO_LAYER),
          _update_parameters, "W := W − α dW, b := b − α db"),
    _spec("predict", "predict(parameters, X)", ["predictions"], read_value("predictions"), _predict_w3, "A2 > 0.5"),
    _spec("compute_cost", "compute_cost(A2, Y, parameters)", ["cost"], read_value("cost"), _compute_cost_with_parameters,
          "J = −(1/m) Σ [y log a + (1 − y) log(1 − a)]"),
    _spec("nn_model", "nn_model(X, Y, n_h, num_iterations)", TWO_LAYER, read_keys(*TWO_LAYER), _nn_model,
          "seeded initialization, then forward, cost, backward and update with learning rate 1.2", seed=NOT_SEEDED),
    # week 4
    _spec("initialize_parameters_deep", "initialize_parameters_deep(layer_dims)", ["W1", "b1", "W2", "b2", "W3", "b3"],
          read_keys("W1", "b1", "W2", "b2", "W3", "b3"), _initialize_parameters_deep,
          "W[l] = randn(n[l], n[l-1]) · scale, b[l] = 0", seed=NOT_SEEDED),
    _spec("linear_activation_forward", "linear_activation_forward(A_prev, W, b, activation)",
          [f"{a}: {k}" for a in ("sigmoid", "relu") for k in ("Z", "A")], read_linear_activation_forward,
          _linear_activation_forward, "Z = W A_prev + b, A = g(Z), cache ((A_prev, W, b), Z)"),
    _spec("two_layer_model", "two_layer_model(X, Y, layers_dims, learning_rate, num_iterations, print_cost)",
          [*TWO_LAYER, "costs"], read_model_tuple(TWO_LAYER), _two_layer_model,
          "np.random.seed(1), initialize_parameters, then the relu and sigmoid layers' forward and backward", seed=NOT_SEEDED),
    _spec("L_layer_model", "L_layer_model(X, Y, layers_dims, learning_rate, num_iterations, print_cost)",
          ["W1", "b1", "W2", "b2", "W3", "b3", "costs"], read_model_tuple(("W1", "b1", "W2", "b2", "W3", "b3")), _L_layer_model,
          "np.random.seed(1), initialize_parameters_deep, then L_model_forward, compute_cost, L_model_backward, update_parameters",
          seed=NOT_SEEDED),
    _spec("predict", "predict(X, y, parameters)", ["p"], read_predictions, _predict_app, "p = 1 where A[L] > 0.5"),
]  # fmt: skip
