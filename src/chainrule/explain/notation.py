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


# -- a note's one source: LaTeX (math in $…$, quotes ``…''), and its plain text read from it ----------
_COMMANDS = {"partial": "∂", "lVert": "‖", "rVert": "‖", "cdot": "·", "dots": "…", "times": "×", "ast": "*", "top": "ᵀ",
             "alpha": "α", "lambda": "λ", "sigma": "σ", "delta": "δ", "sum": "Σ", "prime": "'", "left": "", "right": ""}
_EATS_SPACE = {"partial", "lVert", "cdot"}  # ∂L, ‖W, ·m: the space after them is LaTeX's, not the text's
_SUPERSCRIPT = dict(zip("()1im", "⁽⁾¹ⁱᵐ", strict=True))
_SUBSCRIPT = dict(zip("ijkl", "ᵢⱼₖₗ", strict=True))


def _group(math: str, i: int) -> tuple[str, int]:
    """The {…} group at math[i] (or the one character there) and the index after it."""
    if math[i] != "{":
        return math[i], i + 1
    depth, j = 0, i
    while True:
        depth += {"{": 1, "}": -1}.get(math[j], 0)
        if depth == 0:
            return math[i + 1 : j], j + 1
        j += 1


def _superscript(text: str) -> str:
    """^{[l]} → [l] (the layer), ^{[l]\\top} → [l]ᵀ, ^{[l]\\prime} → '[l], ^{(i)} → ⁽ⁱ⁾, ^4 → ^4."""
    layer, rest = (text[: text.index("]") + 1], text[text.index("]") + 1 :]) if text.startswith("[") else ("", text)
    if rest == "'":
        return "'" + layer
    if rest.startswith("(") and all(c in _SUPERSCRIPT for c in rest):  # an example's index
        return layer + "".join(_SUPERSCRIPT[c] for c in rest)
    return layer + rest if layer or rest == "ᵀ" else "^" + rest  # a power such as m^4 stays written out


def _math_text(math: str) -> str:
    """One $…$ of a note as plain text: W^{[l]} → W[l], \\frac{1}{m} → (1/m), \\sum_i → Σᵢ, a minus → −."""
    out: list[str] = []
    i, brackets = 0, 0
    while i < len(math):
        c = math[i]
        if c == "\\":
            name = re.match(r"[A-Za-z]+", math[i + 1 :])
            command = name.group() if name else math[i + 1]
            i += 1 + len(command)
            if command == "frac":
                top, i = _group(math, i)
                bottom, i = _group(math, i)
                out.append(f"({_math_text(top)}/{_math_text(bottom)})")
            elif command in ("mathcal", "mathrm"):
                group, i = _group(math, i)
                out.append(_math_text(group))
            else:
                if command == "rVert" and out and out[-1] == " ":
                    out.pop()
                out.append(_COMMANDS[command])
                if command in _EATS_SPACE and math[i : i + 1] == " ":
                    i += 1
        elif c in "^_":
            group, i = _group(math, i + 1)
            text = _math_text(group)
            if c == "^" and text == "2" and out and out[-1] == "‖":  # ‖W‖²: the norm squared (a power m^2 stays written out)
                out.append("²")
            else:
                out.append(_superscript(text) if c == "^" else "".join(_SUBSCRIPT.get(ch, ch) for ch in text))
        else:
            brackets += {"[": 1, "]": -1}.get(c, 0)
            out.append("−" if c == "-" and not brackets else c)
            i += 1
    return "".join(out)


def latex_to_text(source: str) -> str:
    """A note's LaTeX source as the plain text printed in a terminal: each $…$ read by ``_math_text``, ``…'' → "…"."""
    parts = source.split("$")
    text = "".join(_math_text(part) if k % 2 else part for k, part in enumerate(parts))
    return text.replace("``", '"').replace("''", '"')
