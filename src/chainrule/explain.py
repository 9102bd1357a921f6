"""Every formula of a network with its shapes, in both 1/m conventions, and the proof on numbers.

    ex = explain(net, m=209)     # or explain([12288, 20, 7, 5, 1], m=209, activations=["relu", "sigmoid"])
    print(ex)                    # plain text; in a notebook it renders as Markdown with LaTeX
    ex.to_latex()                # a complete LaTeX document;  ex.to_json()
    explain(net, m=8, verify=True).verification.passed

Forward, input → output:   Z[l] = W[l] A[l-1] + b[l]   (n[l], n[l-1])(n[l-1], m) + (n[l], 1) → (n[l], m)
                           A[l] = g[l](Z[l]),  L = loss(A[L], Y) (1, m),  J = (1/m) Σᵢ L⁽ⁱ⁾ (a scalar)
Backward, output → input:  dZ[L] = s (A[L] − Y),  dW[l] = k dZ[l] A[l-1]ᵀ,  db[l] = k Σᵢ dZ[l],
                           dA[l-1] = W[l]ᵀ dZ[l],  dZ[l-1] = dA[l-1] * g'[l-1](Z[l-1])
with (s, k) = ``conventions.scales``: (1, 1/m) in the course's "loss" convention, (1/m, 1) in
"cost". Which derivative each array holds comes from ``conventions.derivative_of`` and each
activation's derivative from ``activations.ACTIVATIONS``: this module only writes them out.
The verification runs the core's forward, backward and cost; nothing here computes a gradient.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from chainrule.activations import ACTIVATIONS
from chainrule.conventions import CONVENTIONS, compare_grads, derivative_of, expected_ratio, scales
from chainrule.errors import ChainruleError
from chainrule.losses import cost as mean_cost
from chainrule.losses import one_hot
from chainrule.memory import FLOAT64, require
from chainrule.network import Network, check_architecture, forward, parameter_shapes
from chainrule.regularization import check_lambd, l2_cost
from chainrule.report import Table

Dim = int | str  # a layer size, or "m" when the number of examples is left symbolic
Shape = tuple[Dim, ...]

VERIFY_M = 8  # examples in the random instance of verify when m is left symbolic
# Central differences (J(θ + ε) − J(θ − ε)) / 2ε in float64 err by about u |J| / ε (rounding, u = 1.1e-16) plus
# ε² |J‴| / 6 (truncation); ε = 1e-5 balances the two. The relative error ‖g − g_fd‖ / (‖g‖ + ‖g_fd‖) of a
# correct gradient then stays near 1e-9 for most networks and below 1e-6 for deep sigmoid ones, whose small
# lower-layer gradients feel the rounding most. A wrong formula (1/m twice, a wrong g') gives 1e-3 or more.
EPSILON = 1e-5
THRESHOLD = 1e-6  # largest accepted relative error of a dW or db
RATIO_TOLERANCE = 1e-12  # largest accepted relative deviation of loss/cost from m (dZ, dA) or 1 (dW, db)
MAX_ENTRIES = 50  # finite differences per dW, db: all entries up to this many, else a seeded sample


# -- notation: one builder writes every equation, once as text and once as LaTeX ---------------
@dataclass(frozen=True)
class _Notation:
    latex: bool

    def v(self, name: str, l: int | str, transposed: bool = False) -> str:
        """W[1], A[0]ᵀ   or   W^{[1]}, A^{[0]\\top}."""
        if self.latex:
            top = r"\top" if transposed else ""
            return f"{name}^{{[{l}]{top}}}"
        return f"{name}[{l}]" + ("ᵀ" if transposed else "")

    def g(self, name: str, l: int) -> str:
        """relu(Z[1])   or   \\mathrm{relu}(Z^{[1]})."""
        return rf"\mathrm{{{latex_escape(name)}}}({self.v('Z', l)})" if self.latex else f"{name}({self.v('Z', l)})"

    def g_prime(self, l: int) -> str:
        """g'[1](Z[1])   or   g^{[1]\\prime}(Z^{[1]})."""
        return rf"g^{{[{l}]\prime}}({self.v('Z', l)})" if self.latex else f"g'[{l}]({self.v('Z', l)})"

    @property
    def over_m(self) -> str:
        return r"\frac{1}{m} " if self.latex else "(1/m) "

    @property
    def sum_i(self) -> str:
        return r"\sum_i " if self.latex else "Σᵢ "

    @property
    def sum_k(self) -> str:
        return r"\sum_k " if self.latex else "Σₖ "

    @property
    def times(self) -> str:
        return r" \ast " if self.latex else " * "

    @property
    def minus(self) -> str:
        return " - " if self.latex else " − "

    @property
    def arrow(self) -> str:
        return r" \to " if self.latex else " → "

    @property
    def lambda_over_m(self) -> str:
        return r"\frac{\lambda}{m} " if self.latex else "(λ/m) "

    @property
    def l2_term(self) -> str:
        r"""(λ/2m) Σₗ ‖W[l]‖²   or   \frac{\lambda}{2m} \sum_l \lVert W^{[l]} \rVert^2."""
        if self.latex:
            return r"\frac{\lambda}{2m} \sum_l \lVert W^{[l]} \rVert^2"
        return "(λ/2m) Σₗ ‖W[l]‖²"

    def log(self, x: str) -> str:
        """log A[L]   or   log(1 − A[L])."""
        space = "" if x.startswith("(") else " "
        return rf"\log{space}{x}" if self.latex else f"log{space}{x}"


TEXT, LATEX = _Notation(latex=False), _Notation(latex=True)


def shape_text(shape: Shape) -> str:
    """(20, 209); () for a scalar."""
    return "(" + ", ".join(str(d) for d in shape) + ")"


def derivative_latex(derivative: str) -> str:
    """'∂L/∂Z[2]' (as ``derivative_of`` writes it) → '\\partial L / \\partial Z^{[2]}'."""
    match = re.fullmatch(r"∂(\w)/∂(\w)\[(\d+)\]", derivative)
    if not match:
        raise ChainruleError(f"not a derivative such as ∂L/∂Z[2]: {derivative!r}")
    top, what, l = match.groups()
    top = r"\mathcal{L}" if top == "L" else top
    return rf"\partial {top} / \partial {what}^{{[{l}]}}"


def latex_number(x: float) -> str:
    """6.3e-06 → '6.3 \\times 10^{-6}', 0.0025 → '0.0025' (two significant digits)."""
    mantissa, _, exponent = f"{x:.2g}".partition("e")
    return rf"{mantissa} \times 10^{{{int(exponent)}}}" if exponent else mantissa


def markdown_escape(text: str) -> str:
    """Plain text for Markdown: the characters that could start a link, emphasis, code or a table cell escaped."""
    return re.sub(r"([\\`*_\[\]|<>])", r"\\\1", text)


def latex_escape(text: str) -> str:
    """Plain text for a LaTeX text paragraph: the ten special characters escaped."""
    special = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
               "%": r"\%", "_": r"\_", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}"}  # fmt: skip
    return "".join(special.get(c, c) for c in text)


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


@dataclass(frozen=True)
class Note:
    """A paragraph, written once as Unicode text and once as LaTeX (math in $…$)."""

    title: str
    text: str
    latex: str


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


def _both(build) -> tuple[str, str]:
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


def _factors(convention: str) -> tuple[bool, bool]:
    """(1/m at the output?, 1/m in dW and db?), read from ``scales`` (s, k): which of them is 1/m."""
    s, k = scales(convention, 2)  # any m > 1 tells which factor is 1/m and which is 1
    return s != 1, k != 1


def backward_equations(layer_dims: Sequence[int], activations: Sequence[str], m: Dim, convention: str,
                       lambd: float = 0.0) -> list[Equation]:  # fmt: skip
    """dZ[L], then dW[l], db[l], dA[l-1], dZ[l-1] down to dA[0], in the order of the core's grads keys.

    dZ[L] = A[L] − Y is the fused output gradient of sigmoid + binary and softmax + categorical
    cross-entropy alike. With λ > 0 every dW[l] gains + (λ/m) W[l], in both conventions.
    """
    L = len(layer_dims) - 1
    s_is_1_over_m, k_is_1_over_m = _factors(convention)
    s = (lambda N: N.over_m) if s_is_1_over_m else (lambda N: "")
    k = (lambda N: N.over_m) if k_is_1_over_m else (lambda N: "")
    out = []

    def add(key: str, lhs, rhs, shapes, operands, shape) -> None:
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


# -- the notes: where else the 1/m sits, the Jacobian, the fused output ------------------------
def _m_value(m: Dim, text: str) -> str:
    """' = 209' after a quantity when m is a number, '' when it is symbolic."""
    return f"{text}{m}" if isinstance(m, int) else ""


def notes(layer_dims: Sequence[int], m: Dim, loss: str = "binary_cross_entropy", lambd: float = 0.0) -> list[Note]:
    """The paragraphs after the equations, with this network's L, n[L], m, output and λ filled in."""
    L, n_y = len(layer_dims) - 1, layer_dims[-1]
    mm = f"{m} × {m}" if isinstance(m, int) else "m × m"
    compound = (
        f" For dW[1] of this network (k = L = {L}, m = {m}) that is 1/m^{L} = {m ** -L:.2g} instead of 1/m = {1 / m:.2g}."
        if isinstance(m, int) else f" For dW[1] of this network, k = L = {L}."
    )
    compound_latex = (
        rf" For $dW^{{[1]}}$ of this network ($k = L = {L}$, $m = {m}$) that is $1/m^{L} = {latex_number(m ** -L)}$"
        rf" instead of $1/m = {latex_number(1 / m)}$." if isinstance(m, int) else rf" For $dW^{{[1]}}$ of this network, $k = L = {L}$."
    )
    if n_y == 1:
        jac_shape, jac_latex, stores = mm, (rf"{m} \times {m}" if isinstance(m, int) else r"m \times m"), "its diagonal"
        jac_text = "diagonal: L⁽ⁱ⁾ depends on column i of Z[L] only"
        jac_tex = r"diagonal: $\mathcal{L}^{(i)}$ depends on column $i$ of $Z^{[L]}$ only"
    else:
        jac_shape = f"m × (n[L]·m) = {m} × {n_y * m}" if isinstance(m, int) else "m × (n[L]·m)"
        jac_latex = rf"{m} \times {n_y * m}" if isinstance(m, int) else r"m \times (n^{[L]} m)"
        stores = "its nonzero entries"
        jac_text = f"block diagonal: L⁽ⁱ⁾ depends on the {n_y} entries of column i of Z[L] only"
        jac_tex = rf"block diagonal: $\mathcal{{L}}^{{(i)}}$ depends on the {n_y} entries of column $i$ of $Z^{{[L]}}$ only"
    return [
        Note(
            "Where else the 1/m can sit",
            "The same single factor 1/m sits elsewhere in well-known code. "
            "(1) At the update step: sum the per-example gradients, dW[l] = dZ[l] A[l-1]ᵀ with dZ = ∂L/∂Z, "
            "and divide when updating, W[l] := W[l] − (α/m) dW[l]: the same step as ours. "
            "(2) Nowhere: the cost is the sum of the losses, J = Σᵢ L⁽ⁱ⁾; then every derivative, dW included, "
            "is m times ours, and a learning rate m times smaller gives the same step. "
            "(3) Inside automatic differentiation: differentiating J = mean(L) always yields ∂J/∂·, i.e. the "
            "\"cost\" convention; the backward of the mean puts (1/m) into dZ[L] = (1/m)(A[L] − Y) by itself.",
            r"The same single factor $1/m$ sits elsewhere in well-known code. "
            r"(1) At the update step: sum the per-example gradients, $dW^{[l]} = dZ^{[l]} A^{[l-1]\top}$ with "
            r"$dZ = \partial \mathcal{L}/\partial Z$, and divide when updating, "
            r"$W^{[l]} := W^{[l]} - \frac{\alpha}{m} dW^{[l]}$: the same step as ours. "
            r"(2) Nowhere: the cost is the sum of the losses, $J = \sum_i \mathcal{L}^{(i)}$; then every derivative, "
            r"$dW$ included, is $m$ times ours, and a learning rate $m$ times smaller gives the same step. "
            r"(3) Inside automatic differentiation: differentiating $J = \mathrm{mean}(\mathcal{L})$ always yields "
            r"$\partial J/\partial\cdot$, i.e. the ``cost'' convention; the backward of the mean puts $1/m$ into "
            r"$dZ^{[L]} = \frac{1}{m}(A^{[L]} - Y)$ by itself.",
        ),
        Note(
            "Why once, and not at every layer",
            "J = (1/m) Σᵢ L⁽ⁱ⁾ puts one 1/m in front of everything, and every backward step "
            "(dA[l-1] = W[l]ᵀ dZ[l], dZ[l] = dA[l] * g'[l](Z[l]), dW[l] = dZ[l] A[l-1]ᵀ) is linear in dZ, so a 1/m that "
            "enters once, at the output (\"cost\") or in dW and db (\"loss\"), reaches every layer exactly once. "
            "Applying 1/m again at every layer on the way down compounds it: the layer k layers below the output "
            "gets 1/m^k where it needs one 1/m." + compound,
            r"$J = \frac{1}{m}\sum_i \mathcal{L}^{(i)}$ puts one $1/m$ in front of everything, and every backward step "
            r"($dA^{[l-1]} = W^{[l]\top} dZ^{[l]}$, $dZ^{[l]} = dA^{[l]} \ast g^{[l]\prime}(Z^{[l]})$, "
            r"$dW^{[l]} = dZ^{[l]} A^{[l-1]\top}$) is linear in $dZ$, so a $1/m$ that enters once, at the output "
            r"(``cost'') or in $dW$ and $db$ (``loss''), reaches every layer exactly once. Applying $1/m$ again at every "
            r"layer on the way down compounds it: the layer $k$ layers below the output gets $1/m^k$ where it needs "
            r"one $1/m$." + compound_latex,
        ),
        Note(
            "The Jacobian behind dZ[L]",
            f"The per-example losses L = (L⁽¹⁾, …, L⁽ᵐ⁾) are m numbers, so ∂L/∂Z[L] as a full Jacobian is a "
            f"{jac_shape} matrix, {jac_text}; its nonzero entries are ∂L⁽ⁱ⁾/∂Z[L]⁽ⁱ⁾ = A[L]⁽ⁱ⁾ − Y⁽ⁱ⁾. "
            f"dZ[L] = A[L] − Y, shape {shape_text((n_y, m))}, stores {stores}, which is why "
            f"dW[L] = (1/m) dZ[L] A[L-1]ᵀ still multiplies {shape_text((n_y, m))}{shape_text((m, layer_dims[-2]))}. "
            "The cost needs no such reading: J is one number, so ∂J/∂Z[L] = (1/m)(A[L] − Y) has the shape of Z[L] "
            "as it stands; it is the \"cost\" dZ[L].",
            rf"The per-example losses $\mathcal{{L}} = (\mathcal{{L}}^{{(1)}}, \dots, \mathcal{{L}}^{{(m)}})$ are $m$ numbers, "
            rf"so $\partial \mathcal{{L}}/\partial Z^{{[L]}}$ as a full Jacobian is a ${jac_latex}$ matrix, {jac_tex}; "
            rf"its nonzero entries are $\partial \mathcal{{L}}^{{(i)}}/\partial Z^{{[L](i)}} = A^{{[L](i)}} - Y^{{(i)}}$. "
            rf"$dZ^{{[L]}} = A^{{[L]}} - Y$, shape ${shape_text((n_y, m))}$, stores {stores}, which is why "
            rf"$dW^{{[L]}} = \frac{{1}}{{m}} dZ^{{[L]}} A^{{[L-1]\top}}$ still multiplies "
            rf"${shape_text((n_y, m))}{shape_text((m, layer_dims[-2]))}$. The cost needs no such reading: $J$ is one "
            rf"number, so $\partial J/\partial Z^{{[L]}} = \frac{{1}}{{m}}(A^{{[L]}} - Y)$ has the shape of $Z^{{[L]}}$ "
            r"as it stands; it is the ``cost'' $dZ^{[L]}$.",
        ),
        _output_note(loss),
        *([_l2_note(lambd)] if lambd else []),
    ]


def _output_note(loss: str) -> Note:
    """How dZ[L] = A[L] − Y comes out of the output activation and its loss."""
    if loss == "categorical_cross_entropy":
        return Note(
            "The output layer",
            "dZ[L] = A[L] − Y is the softmax and categorical cross-entropy fused. Softmax is not elementwise: per "
            "example its Jacobian ∂aₖ/∂zⱼ = aₖ(δₖⱼ − aⱼ) is a full n[L] × n[L] matrix, so there is no g'(Z) to multiply "
            "dA by; contracted with ∂L/∂aₖ = −yₖ/aₖ it gives aⱼ Σₖ yₖ − yⱼ = aⱼ − yⱼ for one-hot Y.",
            r"$dZ^{[L]} = A^{[L]} - Y$ is the softmax and categorical cross-entropy fused. Softmax is not elementwise: "
            r"per example its Jacobian $\partial a_k/\partial z_j = a_k(\delta_{kj} - a_j)$ is a full "
            r"$n^{[L]} \times n^{[L]}$ matrix, so there is no $g'(Z)$ to multiply $dA$ by; contracted with "
            r"$\partial \mathcal{L}/\partial a_k = -y_k/a_k$ it gives $a_j \sum_k y_k - y_j = a_j - y_j$ for one-hot $Y$.",
        )
    return Note(
        "The output layer",
        "dZ[L] = A[L] − Y is the sigmoid and cross-entropy fused: dA[L] = −(Y / A[L] − (1 − Y) / (1 − A[L])) "
        "times σ'(Z[L]) = A[L] (1 − A[L]) simplifies to A[L] − Y, per example.",
        r"$dZ^{[L]} = A^{[L]} - Y$ is the sigmoid and cross-entropy fused: "
        r"$dA^{[L]} = -\left(\frac{Y}{A^{[L]}} - \frac{1 - Y}{1 - A^{[L]}}\right)$ times "
        r"$\sigma'(Z^{[L]}) = A^{[L]}(1 - A^{[L]})$ simplifies to $A^{[L]} - Y$, per example.",
    )


def _l2_note(lambd: float) -> Note:
    """Which J is differentiated when the weights carry an L2 penalty."""
    return Note(
        "Which J: the L2 term",
        f"With λ = {lambd:g} the J that training minimises is J = (1/m) Σᵢ L⁽ⁱ⁾ + (λ/2m) Σₗ ‖W[l]‖² (Frobenius norms; "
        "b is not penalised), so every dW[l] = ∂J/∂W[l] is the data term plus (λ/m) W[l], in both conventions. The "
        "penalty does not depend on Z or A: dZ, dA and db are unchanged, and in the \"loss\" convention dZ stays ∂L/∂Z "
        "of the per-example data loss. The term carries its own 1/m, next to W, not inside any dZ.",
        rf"With $\lambda = {lambd:g}$ the $J$ that training minimises is "
        r"$J = \frac{1}{m}\sum_i \mathcal{L}^{(i)} + \frac{\lambda}{2m}\sum_l \lVert W^{[l]} \rVert^2$ (Frobenius "
        r"norms; $b$ is not penalised), so every $dW^{[l]} = \partial J/\partial W^{[l]}$ is the data term plus "
        r"$\frac{\lambda}{m} W^{[l]}$, in both conventions. The penalty does not depend on $Z$ or $A$: $dZ$, $dA$ and "
        r"$db$ are unchanged, and in the ``loss'' convention $dZ$ stays $\partial \mathcal{L}/\partial Z$ of the "
        r"per-example data loss. The term carries its own $1/m$, next to $W$, not inside any $dZ$.",
    )


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


def _relative_error(g: np.ndarray, g_fd: np.ndarray) -> float:
    """‖g − g_fd‖ / (‖g‖ + ‖g_fd‖), 0 when both are 0 (the course's gradient-check measure)."""
    denominator = np.linalg.norm(g) + np.linalg.norm(g_fd)
    return float(np.linalg.norm(g - g_fd) / denominator) if denominator > 0 else 0.0


def kinked_layers(activations: Sequence[str]) -> list[int]:
    """Indices l - 1 of the layers whose g' jumps at Z = 0 (relu, leaky_relu), from the activation table."""
    return [i for i, name in enumerate(activations) if ACTIVATIONS[name].kinked]


def finite_difference(net: Network, X: np.ndarray, Y: np.ndarray, key: str, indices: np.ndarray,
                      epsilon: float = EPSILON, lambd: float = 0.0) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """(J(θ + ε) − J(θ − ε)) / 2ε for the entries ``indices`` (flat) of parameter ``key`` ("W1", "b2", …).

    J is the core's: ``network.forward``, ``losses.cost`` and, with ``lambd``, ``regularization.l2_cost``,
    on a copy of the parameters. Also
    returns, per entry, whether the two steps put some Z[l] of a relu-type layer on different sides
    of 0: there the difference straddles a kink and measures no derivative.
    """
    parameters = {name: value.copy() for name, value in net.parameters.items()}
    theta = parameters[key].reshape(-1)  # a view: writing it moves parameters[key]
    kinked = kinked_layers(net.activations)

    def J_and_sides() -> tuple[float, list[np.ndarray]]:
        AL, caches = forward(X, parameters, net.activations)
        J = mean_cost(AL, Y, net.loss) + (l2_cost(parameters, lambd, X.shape[1]) if lambd else 0.0)
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
            fd_error = max(_relative_error(grads[c][key].reshape(-1)[kept], approx[~crossed]) for c in CONVENTIONS)
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


# -- the explanation -----------------------------------------------------------------------------
CONVENTION_TITLES = {"loss": '"loss" (the course\'s)', "cost": '"cost" (J only)'}


@dataclass
class Explanation:
    """The equations of one network, both conventions, the notes, and optionally their verification.

    Prints as text; renders as Markdown with LaTeX in a notebook; ``to_latex()`` is a complete
    document, ``to_json()`` the same content as data. ``shapes_only=True`` gives the dimension table alone.
    """

    layer_dims: list[int]
    activations: list[str]
    m: Dim
    loss: str
    forward: list[Equation]
    backward: dict[str, list[Equation]]  # convention → equations, output → input
    notes: list[Note]
    verification: Verification | None = None
    lambd: float = 0.0  # L2 strength λ; 0: J = (1/m) Σ L

    @property
    def L(self) -> int:
        return len(self.layer_dims) - 1

    @property
    def title(self) -> str:
        l2 = f", L2 λ = {self.lambd:g}" if self.lambd else ""
        return f"Backpropagation of layer_dims = {self.layer_dims}, activations = {', '.join(self.activations)}, m = {self.m}{l2}"

    @property
    def shapes(self) -> dict[str, Shape]:
        """Every key the equations compute, with its shape: Z1, A1, …, L, J, dZ{L}, dW{L}, …, dA0."""
        return {eq.key: eq.shape for eq in (*self.forward, *self.backward["loss"])}

    # -- tables (text) ---------------------------------------------------------------------------
    def forward_table(self) -> Table:
        rows = [{"key": eq.key, "equation": eq.text, "shapes": eq.shapes} for eq in self.forward]
        return Table.from_rows("Forward, input → output (one column per example)", rows,
                               [("equation", "equation"), ("shapes", "shapes")])  # fmt: skip

    def backward_table(self) -> Table:
        rows = []
        for eq_loss, eq_cost in zip(self.backward["loss"], self.backward["cost"], strict=True):
            rows.append({"key": eq_loss.key, "loss": eq_loss.text, "loss_is": eq_loss.derivative_of,
                         "cost": eq_cost.text, "cost_is": eq_cost.derivative_of, "shapes": eq_loss.shapes})  # fmt: skip
        table = Table.from_rows(
            "Backward, output → input, both conventions side by side (the shapes are the same in both)",
            rows,
            [("loss", CONVENTION_TITLES["loss"]), ("loss_is", "is"), ("cost", CONVENTION_TITLES["cost"]),
             ("cost_is", "is"), ("shapes", "shapes")],
        )  # fmt: skip
        table.notes = [
            'dW, db are ∂J/∂W, ∂J/∂b in both and identical; dZ, dA differ by exactly m ("loss" = m × "cost"). '
            "The 1/m enters once: in dW and db (\"loss\") or at the output dZ[L] (\"cost\")."
        ]
        return table

    def shapes_table(self) -> Table:
        return shapes_table(self.layer_dims, self.m)

    def activations_table(self) -> Table:
        return activations_table(self.activations)

    def tables(self, shapes_only: bool = False) -> list[Table]:
        """The report's tables in reading order."""
        if shapes_only:
            return [self.shapes_table()]
        tables = [self.forward_table(), self.activations_table(), self.backward_table()]
        return tables + ([self.verification.table] if self.verification else [])

    # -- text --------------------------------------------------------------------------------------
    def to_text(self, shapes_only: bool = False) -> str:
        if shapes_only:
            return str(self.shapes_table())
        parts = [self.title, "", str(self.forward_table()), "", str(self.activations_table()), "", str(self.backward_table())]
        for note in self.notes:
            parts += ["", f"{note.title}. {note.text}"]
        if self.verification:
            parts += ["", str(self.verification.table)]
        return "\n".join(parts)

    def __str__(self) -> str:
        return self.to_text()

    # -- Markdown with LaTeX -------------------------------------------------------------------------
    def to_markdown(self, shapes_only: bool = False) -> str:
        if shapes_only:
            return _markdown_table(self.shapes_table())
        out = [f"### {markdown_escape(self.title)}", "", "**Forward**, input → output (one column per example)", "",
               "| | equation | shapes |", "|---|---|---|"]  # fmt: skip
        out += [f"| {eq.key} | ${eq.latex}$ | `{eq.shapes}` |" for eq in self.forward]
        out += ["", _markdown_table(self.activations_table(), code=("g", "g_prime")), ""]
        out += ["**Backward**, output → input, both conventions side by side", "",
                f"| | {CONVENTION_TITLES['loss']} | is | {CONVENTION_TITLES['cost']} | is | shapes |",
                "|---|---|---|---|---|---|"]  # fmt: skip
        for eq_loss, eq_cost in zip(self.backward["loss"], self.backward["cost"], strict=True):
            out.append(
                f"| {eq_loss.key} | ${eq_loss.latex}$ | ${derivative_latex(eq_loss.derivative_of)}$ "
                f"| ${eq_cost.latex}$ | ${derivative_latex(eq_cost.derivative_of)}$ | `{eq_loss.shapes}` |"
            )
        out += ["", markdown_escape(self.backward_table().notes[0])]
        for note in self.notes:
            latex = note.latex.replace("``", '"').replace("''", '"')  # TeX quotes → Markdown's
            out += ["", f"**{markdown_escape(note.title)}.** {latex}"]
        if self.verification:
            out += ["", _markdown_table(self.verification.table)]
        return "\n".join(out)

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    # -- LaTeX ---------------------------------------------------------------------------------------
    def to_latex(self, shapes_only: bool = False) -> str:
        """A complete LaTeX document (article, amsmath, longtable) that compiles with pdflatex."""
        body = [rf"\section*{{{latex_escape(self.title)}}}"]
        if shapes_only:
            body += _latex_table(self.shapes_table())
            return _latex_document(body)
        body += [r"\subsection*{Forward, input $\to$ output}", r"\begin{longtable}{lll}",
                 r"& equation & shapes \\ \hline"]  # fmt: skip
        body += [rf"{eq.key} & ${eq.latex}$ & ${eq.shapes_latex}$ \\" for eq in self.forward]
        body += [r"\end{longtable}"]
        body += _latex_table(self.activations_table(), code=("g", "g_prime"))
        body += [r"\subsection*{Backward, output $\to$ input, both conventions side by side}",
                 r"{\footnotesize\begin{longtable}{llllll}",
                 rf"& {latex_escape(CONVENTION_TITLES['loss'])} & is & {latex_escape(CONVENTION_TITLES['cost'])} & is "
                 r"& shapes \\ \hline"]  # fmt: skip
        for eq_loss, eq_cost in zip(self.backward["loss"], self.backward["cost"], strict=True):
            body.append(
                rf"{eq_loss.key} & ${eq_loss.latex}$ & ${derivative_latex(eq_loss.derivative_of)}$ & ${eq_cost.latex}$ "
                rf"& ${derivative_latex(eq_cost.derivative_of)}$ & ${eq_loss.shapes_latex}$ \\"
            )
        body += [r"\end{longtable}}", "",
                 r"$dW$, $db$ are $\partial J/\partial W$, $\partial J/\partial b$ in both and identical; $dZ$, $dA$ differ "
                 r"by exactly $m$. The $1/m$ enters once: in $dW$ and $db$ (``loss'') or at the output $dZ^{[L]}$ (``cost'')."]  # fmt: skip
        for note in self.notes:
            body += ["", rf"\paragraph{{{latex_escape(note.title)}.}} {note.latex}"]
        if self.verification:
            body += _latex_table(self.verification.table)
        return _latex_document(body)

    # -- JSON ----------------------------------------------------------------------------------------
    def to_dict(self, shapes_only: bool = False) -> dict[str, Any]:
        if shapes_only:
            return self.shapes_table().to_dict()
        return {
            "layer_dims": self.layer_dims,
            "activations": self.activations,
            "m": self.m,
            "loss": self.loss,
            "lambd": self.lambd,
            "forward": [eq.to_dict() for eq in self.forward],
            "backward": {c: [eq.to_dict() for eq in eqs] for c, eqs in self.backward.items()},
            "activation_derivatives": self.activations_table().to_dict()["rows"],
            "shapes": self.shapes_table().to_dict()["rows"],
            "notes": [{"title": n.title, "text": n.text, "latex": n.latex} for n in self.notes],
            "verification": self.verification.to_dict() if self.verification else None,
        }

    def to_json(self, shapes_only: bool = False, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(shapes_only), indent=indent, ensure_ascii=False)


def _markdown_table(table: Table, code: Sequence[str] = ()) -> str:
    """A report Table as a Markdown table (cells in ``code`` as code spans), its notes below."""
    headers = [header for _, header in table.columns]
    keys = [key for key, _ in table.columns]
    lines = [f"**{markdown_escape(table.title)}**", "", "| " + " | ".join(map(markdown_escape, headers)) + " |",
             "|" + "---|" * len(headers)]  # fmt: skip
    for cells in table.cells():
        cells = [f"`{c}`" if key in code else markdown_escape(c) for key, c in zip(keys, cells, strict=True)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join([*lines, "", *map(markdown_escape, table.notes)])


def _latex_table(table: Table, code: Sequence[str] = ()) -> list[str]:
    """A report Table as a longtable (cells in ``code`` in typewriter type), its notes below."""
    keys = [key for key, _ in table.columns]
    lines = [rf"\subsection*{{{latex_escape(table.title)}}}", r"{\footnotesize\begin{longtable}{" + "l" * len(keys) + "}",
             " & ".join(latex_escape(h) for _, h in table.columns) + r" \\ \hline"]  # fmt: skip
    for cells in table.cells():
        cells = [rf"\texttt{{{latex_escape(c)}}}" if key in code else latex_escape(c) for key, c in zip(keys, cells, strict=True)]
        lines.append(" & ".join(cells) + r" \\")
    lines.append(r"\end{longtable}}")
    return lines + [latex_escape(note) for note in table.notes]


_UNICODE_IN_LATEX = {
    "→": r"$\to$", "−": "-", "∂": r"$\partial$", "‖": r"$\|$", "·": r"$\cdot$", "ε": r"$\varepsilon$",
    "×": r"$\times$", "≥": r"$\geq$", "ᵀ": r"$^\top$", "Σ": r"$\Sigma$", "ᵢ": r"$_i$", "—": "---", "’": "'",
    "⁽": "$^{(", "ⁱ": "i", "⁾": ")}$", "…": r"\dots{}", "σ": r"$\sigma$", "λ": r"$\lambda$", "ₗ": r"$_l$",
    "ₖ": r"$_k$", "²": r"$^2$",
}  # fmt: skip


def _latex_document(body: list[str]) -> str:
    """The body in an article; the few Unicode signs of the plain-text cells mapped to LaTeX for pdflatex."""
    text = "\n".join(body)
    text = "".join(_UNICODE_IN_LATEX.get(c, c) for c in text)
    preamble = [
        r"\documentclass[10pt]{article}",
        r"\usepackage[T1]{fontenc}",
        r"\usepackage{amsmath}",
        r"\usepackage{longtable}",
        r"\setlength{\textwidth}{17cm}\setlength{\oddsidemargin}{-0.5cm}\setlength{\evensidemargin}{-0.5cm}",
        r"\setlength{\textheight}{23cm}\setlength{\topmargin}{-1.5cm}\setlength{\parindent}{0pt}",
        r"\begin{document}",
    ]
    return "\n".join([*preamble, text, r"\end{document}", ""])


def explain(
    net: Network | Sequence[int],
    m: int | None = None,
    activations: str | Sequence[str] | None = None,
    *,
    lambd: float = 0.0,
    verify: bool = False,
    seed: int = 0,
) -> Explanation:
    """Every forward and backward equation of ``net`` with the shape of every operand and result.

    ``net`` is a Network, or layer_dims [n_x, n[1], …, n[L]] with ``activations`` (one per layer,
    or hidden, output; default relu hidden layers and a sigmoid output). ``m`` is the number of
    examples; None writes the shapes with the letter m. ``lambd`` = λ > 0 adds the L2 term
    (λ/2m) Σ‖W‖² to J and (λ/m) W[l] to every dW[l]. ``verify=True`` also runs the core on a
    random instance seeded by ``seed`` (m examples, or VERIFY_M when m is None) in both conventions
    and checks every shape, the ratio m or 1 of every key, and every dW, db against finite differences.
    """
    if m is not None and (isinstance(m, bool) or not isinstance(m, int | np.integer) or m < 1):
        raise ChainruleError(f"m must be a positive integer (the number of examples); got {m!r}")
    lambd = check_lambd(lambd)
    if isinstance(net, Network):
        if activations is not None:
            raise ChainruleError("pass activations with layer_dims, not with a Network (it has its own)")
        layer_dims, names, loss = net.layer_dims, net.activations, net.loss
    else:  # the equations and shapes need the architecture only: no weights are allocated unless verify
        layer_dims, names, loss = check_architecture(net, activations)
    dims: Dim = int(m) if m is not None else "m"
    explanation = Explanation(
        layer_dims=list(layer_dims),
        activations=list(names),
        m=dims,
        loss=loss,
        forward=forward_equations(layer_dims, names, dims, loss, lambd),
        backward={c: backward_equations(layer_dims, names, dims, c, lambd) for c in CONVENTIONS},
        notes=notes(layer_dims, dims, loss, lambd),
        lambd=lambd,
    )
    if verify:
        if not isinstance(net, Network):
            require_verify_memory(layer_dims, int(m) if m is not None else VERIFY_M)  # before the network is drawn
            net = Network(layer_dims, names, seed=seed)
        m_verify = int(m) if m is not None else VERIFY_M
        shapes = {key: tuple(m_verify if d == "m" else d for d in shape) for key, shape in explanation.shapes.items()}
        explanation.verification = verify_network(net, m_verify, seed, expected_shapes=shapes, lambd=lambd)
    return explanation


verify_network = verify  # ``explain``'s keyword ``verify`` shadows the function inside it
