"""The notation of the explanation: one builder writes every symbol, once as Unicode text and once as LaTeX.

``TEXT.v("W", 1)`` is W[1], ``LATEX.v("W", 1)`` W^{[1]}; the equations and the notes are built from
these two, so that each is written once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from chainrule.errors import ChainruleError
from chainrule.report import latex_escape

Dim = int | str  # a layer size, or "m" when the number of examples is left symbolic
Shape = tuple[Dim, ...]


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


def derivative_latex(derivative: str | None) -> str:
    """'∂L/∂Z[2]' (as ``derivative_of`` writes it) → '\\partial L / \\partial Z^{[2]}'."""
    match = re.fullmatch(r"∂(\w)/∂(\w)\[(\d+)\]", derivative or "")
    if not match:
        raise ChainruleError(f"not a derivative such as ∂L/∂Z[2]: {derivative!r}")
    top, what, l = match.groups()
    top = r"\mathcal{L}" if top == "L" else top
    return rf"\partial {top} / \partial {what}^{{[{l}]}}"


def latex_number(x: float) -> str:
    """6.3e-06 → '6.3 \\times 10^{-6}', 0.0025 → '0.0025' (two significant digits)."""
    mantissa, _, exponent = f"{x:.2g}".partition("e")
    return rf"{mantissa} \times 10^{{{int(exponent)}}}" if exponent else mantissa
