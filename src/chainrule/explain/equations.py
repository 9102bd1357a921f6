"""The forward and backward equations of a network with the shape of every operand, in both conventions, and its tables.

Which derivative each array holds comes from ``conventions.derivative_of``, (s, k) from
``conventions.Convention`` and each activation's derivative from ``activations.ACTIVATIONS``: this module
only writes them out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from chainrule.activations import ACTIVATIONS
from chainrule.conventions import derivative_of, get_convention
from chainrule.explain.notation import LATEX, TEXT, Dim, Shape
from chainrule.report import Table, shape_text


# -- what an explanation holds --------------------------------------------------------------
@dataclass(frozen=True)
class Operand:
    """One array an equation reads, e.g. A[0]ᵀ: its key in the forward/backward arrays and its shape as used."""

    key: str  # "W1", "A0", "dZ2", "Y"
    transposed: bool
    shape: Shape  # as it enters the product (already transposed)


@dataclass(frozen=True)
class Equation:
    """One line of the forward or backward pass with the shape of every operand and of the result."""

    key: str  # what it computes: "Z1", "A1", "L", "J", "dZ2", "dW2", ...
    text: str  # "Z[1] = W[1] A[0] + b[1]"
    latex: str
    operands: tuple[Operand, ...]
    shapes: str  # "(20, 12288)(12288, 209) + (20, 1) → (20, 209)"
    shapes_latex: str
    shape: Shape  # of the result
    derivative_of: str | None = None  # backward only: "∂L/∂Z[2]" or "∂J/∂Z[2]"

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key, "equation": self.text, "latex": self.latex, "shapes": self.shapes,
            "shape": list(self.shape), "derivative_of": self.derivative_of,
            "operands": [{"key": o.key, "transposed": o.transposed, "shape": list(o.shape)} for o in self.operands],
        }  # fmt: skip


def _equation(key: str, lhs: tuple[str, str], rhs: tuple[str, str], shapes: tuple[str, str],
              operands: Sequence[Operand], shape: Shape, derivative: str | None = None) -> Equation:  # fmt: skip
    """Join the (text, LaTeX) pairs of one equation; ``shapes`` is the operand part, the result is appended."""
    return Equation(
        key=key,
        text=f"{lhs[0]} = {rhs[0]}",
        latex=f"{lhs[1]} = {rhs[1]}",
        operands=tuple(operands),
        shapes=shapes[0] + TEXT.arrow + shape_text(shape),
        shapes_latex=shapes[1] + LATEX.arrow + shape_text(shape),
        shape=shape,
        derivative_of=derivative,
    )


def _both(build: Callable[..., str]) -> tuple[str, str]:
    """(text, LaTeX) of one builder, called with each notation (its defaults bind the loop variables)."""
    return build(TEXT), build(LATEX)


def forward_equations(layer_dims: Sequence[int], activations: Sequence[str], m: Dim,
                      loss: str = "binary_cross_entropy", lambd: float = 0.0) -> list[Equation]:  # fmt: skip
    """Z[l], A[l] for l = 1..L, then the per-example losses L and the cost J (a scalar, with the L2 term if λ > 0).

    Binary cross-entropy: L = −(Y log A[L] + (1 − Y) log(1 − A[L])), (n[L], m) → (n[L], m).
    Categorical cross-entropy (softmax output): L = −Σₖ Y log A[L], (n[L], m) → (1, m).
    """
    L = len(layer_dims) - 1
    out = []
    for l in range(1, L + 1):
        n, n_prev = layer_dims[l], layer_dims[l - 1]
        W, A_prev, b = (n, n_prev), (n_prev, m), (n, 1)
        out.append(_equation(
            f"Z{l}",
            _both(lambda N, l=l: N.v("Z", l)),
            _both(lambda N, l=l: f"{N.v('W', l)} {N.v('A', l - 1)} + {N.v('b', l)}"),
            _both(lambda N, W=W, A_prev=A_prev, b=b: f"{shape_text(W)}{shape_text(A_prev)} + {shape_text(b)}"),
            [Operand(f"W{l}", False, W), Operand(f"A{l - 1}", False, A_prev), Operand(f"b{l}", False, b)],
            (n, m),
        ))  # fmt: skip
        out.append(_equation(
            f"A{l}",
            _both(lambda N, l=l: N.v("A", l)),
            _both(lambda N, l=l: N.g(activations[l - 1], l)),
            _both(lambda N, n=n: shape_text((n, m))),
            [Operand(f"Z{l}", False, (n, m))],
            (n, m),
        ))  # fmt: skip
    n_y = layer_dims[-1]
    if loss == "categorical_cross_entropy":
        loss_rhs = lambda N: f"-{N.sum_k}Y{N.times}{N.log(N.v('A', L))}"  # noqa: E731
        loss_shape = (1, m)
    else:
        loss_rhs = lambda N: f"-(Y{N.times}{N.log(N.v('A', L))} + (1{N.minus}Y){N.times}{N.log('(1' + N.minus + N.v('A', L) + ')')})"  # noqa: E731
        loss_shape = (n_y, m)
    out.append(_equation(
        "L",
        ("L", r"\mathcal{L}"),
        _both(loss_rhs),
        _both(lambda N: f"{shape_text((n_y, m))}, {shape_text((n_y, m))}"),
        [Operand(f"A{L}", False, (n_y, m)), Operand("Y", False, (n_y, m))],
        loss_shape,
    ))  # fmt: skip
    l2 = (lambda N: f" + {N.l2_term}") if lambd else (lambda N: "")
    out.append(_equation(
        "J",
        ("J", "J"),
        _both(lambda N: f"{N.over_m}{N.sum_i}" + (r"\mathcal{L}^{(i)}" if N.latex else "L⁽ⁱ⁾") + l2(N)),
        _both(lambda N: f"{N.sum_i}{shape_text(loss_shape)}" + l2(N)),
        [Operand("L", False, loss_shape)],
        (),
    ))  # fmt: skip
    return out


def backward_equations(layer_dims: Sequence[int], activations: Sequence[str], m: Dim, convention: str,
                       lambd: float = 0.0) -> list[Equation]:  # fmt: skip
    """dZ[L], then dW[l], db[l], dA[l-1], dZ[l-1] down to dA[0], in the order of the core's grads keys.

    dZ[L] = A[L] − Y is the fused output gradient of sigmoid + binary and softmax + categorical
    cross-entropy alike. With λ > 0 every dW[l] gains + (λ/m) W[l], in both conventions.
    """
    L = len(layer_dims) - 1
    where = get_convention(convention)  # which of the two factors is 1/m (conventions.Convention)
    s = (lambda N: N.over_m) if where.output_has_1_over_m else (lambda N: "")  # s: the factor of dZ[L]
    k = (lambda N: N.over_m) if where.dW_has_1_over_m else (lambda N: "")  # k: the factor of dW, db
    out = []

    def add(key: str, lhs: tuple[str, str], rhs: tuple[str, str], shapes: tuple[str, str], operands: Sequence[Operand],
            shape: Shape) -> None:
        out.append(_equation(key, lhs, rhs, shapes, operands, shape, derivative_of(key, convention)))

    n_y = layer_dims[-1]
    AL_minus_Y = lambda N: f"{N.v('A', L)}{N.minus}Y"  # noqa: E731
    add(
        f"dZ{L}",
        _both(lambda N: N.v("dZ", L)),
        _both(lambda N: f"{s(N).strip()}({AL_minus_Y(N)})" if s(N) else AL_minus_Y(N)),
        _both(lambda N: shape_text((n_y, m)) + N.minus + shape_text((n_y, m))),
        [Operand(f"A{L}", False, (n_y, m)), Operand("Y", False, (n_y, m))],
        (n_y, m),
    )
    for l in range(L, 0, -1):
        n, n_prev = layer_dims[l], layer_dims[l - 1]
        dZ, A_prev_T, W_T = (n, m), (m, n_prev), (n_prev, n)
        l2 = (lambda N, l=l: f" + {N.lambda_over_m}{N.v('W', l)}") if lambd else (lambda N, l=l: "")
        l2_shape = f" + {shape_text((n, n_prev))}" if lambd else ""
        add(
            f"dW{l}",
            _both(lambda N, l=l: N.v("dW", l)),
            _both(lambda N, l=l, l2=l2: f"{k(N)}{N.v('dZ', l)} {N.v('A', l - 1, transposed=True)}" + l2(N)),
            _both(lambda N, dZ=dZ, A_prev_T=A_prev_T, l2_shape=l2_shape: f"{shape_text(dZ)}{shape_text(A_prev_T)}{l2_shape}"),
            [Operand(f"dZ{l}", False, dZ), Operand(f"A{l - 1}", True, A_prev_T)]
            + ([Operand(f"W{l}", False, (n, n_prev))] if lambd else []),
            (n, n_prev),
        )
        add(
            f"db{l}",
            _both(lambda N, l=l: N.v("db", l)),
            _both(lambda N, l=l: f"{k(N)}{N.sum_i}{N.v('dZ', l)}"),
            _both(lambda N, dZ=dZ: f"{N.sum_i}{shape_text(dZ)}"),
            [Operand(f"dZ{l}", False, dZ)],
            (n, 1),
        )
        add(
            f"dA{l - 1}",
            _both(lambda N, l=l: N.v("dA", l - 1)),
            _both(lambda N, l=l: f"{N.v('W', l, transposed=True)} {N.v('dZ', l)}"),
            _both(lambda N, W_T=W_T, dZ=dZ: f"{shape_text(W_T)}{shape_text(dZ)}"),
            [Operand(f"W{l}", True, W_T), Operand(f"dZ{l}", False, dZ)],
            (n_prev, m),
        )
        if l > 1:
            add(
                f"dZ{l - 1}",
                _both(lambda N, l=l: N.v("dZ", l - 1)),
                _both(lambda N, l=l: f"{N.v('dA', l - 1)}{N.times}{N.g_prime(l - 1)}"),
                _both(lambda N, n_prev=n_prev: f"{shape_text((n_prev, m))}{N.times}{shape_text((n_prev, m))}"),
                [Operand(f"dA{l - 1}", False, (n_prev, m)), Operand(f"Z{l - 1}", False, (n_prev, m))],
                (n_prev, m),
            )
    return out


# -- tables ------------------------------------------------------------------------------------
def shapes_table(layer_dims: Sequence[int], m: Dim) -> Table:
    """Every W, b, Z, A, dZ, dA, dW, db with its shape, one row per layer l = 0..L (A[0] = X)."""
    rows = []
    for l, n in enumerate(layer_dims):
        has_params = l > 0
        rows.append({
            "l": l, "n": n,
            "W": (n, layer_dims[l - 1]) if has_params else None, "b": (n, 1) if has_params else None,
            "Z": (n, m) if has_params else None, "A": (n, m),
            "dZ": (n, m) if has_params else None, "dA": (n, m),
            "dW": (n, layer_dims[l - 1]) if has_params else None, "db": (n, 1) if has_params else None,
        })  # fmt: skip
    columns = [("l", "l"), ("n", "n[l]"), ("W", "W[l]"), ("b", "b[l]"), ("Z", "Z[l]"), ("A", "A[l]"),
               ("dZ", "dZ[l]"), ("dA", "dA[l]"), ("dW", "dW[l]"), ("db", "db[l]")]  # fmt: skip
    table = Table.from_rows(f"Shapes, layer_dims = {list(layer_dims)}, m = {m}", rows, columns)
    table.notes = [
        "A[0] = X and dA[0] = ∂/∂X (not needed to train); dA[L] is not formed, dZ[L] = A[L] − Y fuses it with σ'. "
        "dZ, dA have the shape of Z, A; dW, db that of W, b; the same in both conventions."
    ]
    return table


def activations_table(activations: Sequence[str]) -> Table:
    """Each activation of the network once: its layers, g(Z) and g'(Z) as dZ = dA * g'(Z) uses it."""
    rows = []
    for name in dict.fromkeys(activations):
        layers = [l for l, a in enumerate(activations, start=1) if a == name]
        rows.append({"layers": ", ".join(map(str, layers)), "name": name,
                     "g": ACTIVATIONS[name].formula, "g_prime": ACTIVATIONS[name].derivative})  # fmt: skip
    return Table.from_rows(
        "Activations: g, and g' as used in dZ[l] = dA[l] * g'[l](Z[l])",
        rows,
        [("layers", "layers"), ("name", "g"), ("g", "g(Z)"), ("g_prime", "g'(Z)")],
    )
