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
The verification runs the core's forward and backward, and ``chainrule.gradcheck`` (the one numeric
checker) on the result in each convention; nothing here computes a gradient.

The package: ``notation`` (the symbols, as text and as LaTeX), ``equations`` (the forward and backward
equations and the tables of shapes), ``notes`` (the paragraphs, each written once), ``verification``
(the proof on numbers); the Markdown and LaTeX renderers of a table are ``chainrule.report``'s.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from chainrule.conventions import CONVENTIONS
from chainrule.errors import ChainruleError
from chainrule.explain.equations import (
    Equation,
    Operand,
    activations_table,
    backward_equations,
    forward_equations,
    shapes_table,
)
from chainrule.explain.notation import LATEX, TEXT, Dim, Shape, derivative_latex, latex_number
from chainrule.explain.notes import Note, notes
from chainrule.explain.verification import (
    EPSILON,
    MAX_ENTRIES,
    MODE,
    RATIO_TOLERANCE,
    THRESHOLD,
    VERIFY_M,
    Verification,
    VerificationRow,
    kinked_layers,
    random_instance,
    random_problem,
    require_verify_memory,
    verify,
)
from chainrule.network import Network, check_architecture
from chainrule.regularization import check_lambd
from chainrule.report import Table, latex_document, latex_escape, latex_table, markdown_escape, markdown_table, shape_text
from chainrule.validation import check_integer

# -- the explanation -----------------------------------------------------------------------------
CONVENTION_TITLES = {"loss": '"loss" (the course\'s)', "cost": '"cost" (J only)'}
NOTATIONS = ("text", "markdown", "latex")  # how the equation tables write their cells
MATH = ("equation", "loss", "loss_is", "cost", "cost_is")  # LaTeX cells: $…$ in Markdown and LaTeX (and "shapes" in LaTeX)
CODE = ("shapes",)  # Markdown: the shapes as code


def _columns(notation: str, columns: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The columns of an equation table: as given for "text"; the grads key first for "markdown" and "latex"."""
    if notation not in NOTATIONS:
        raise ChainruleError(f"unknown notation {notation!r}; expected one of: {', '.join(NOTATIONS)}")
    return columns if notation == "text" else [("key", ""), *columns]


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

    # -- tables: one source, rendered as text, Markdown and LaTeX by chainrule.report, by rich in the CLI ----
    def forward_table(self, notation: str = "text") -> Table:
        """The forward equations and their shapes. notation "text": as printed; "markdown", "latex": the key
        first, the equations as LaTeX (the ``MATH`` columns), the shapes as text (Markdown's code) or as LaTeX."""
        columns = _columns(notation, [("equation", "equation"), ("shapes", "shapes")])
        latex = notation != "text"
        rows = [{"key": eq.key, "equation": eq.latex if latex else eq.text,
                 "shapes": eq.shapes_latex if notation == "latex" else eq.shapes} for eq in self.forward]  # fmt: skip
        return Table.from_rows("Forward, input → output (one column per example)", rows, columns)

    def backward_table(self, notation: str = "text") -> Table:
        """Both conventions' backward equations side by side, what each array is, the shapes (see ``forward_table``)."""
        columns = _columns(notation, [("loss", CONVENTION_TITLES["loss"]), ("loss_is", "is"), ("cost", CONVENTION_TITLES["cost"]),
                                      ("cost_is", "is"), ("shapes", "shapes")])  # fmt: skip
        latex = notation != "text"
        rows = []
        for eq_loss, eq_cost in zip(self.backward["loss"], self.backward["cost"], strict=True):
            rows.append({"key": eq_loss.key, "loss": eq_loss.latex if latex else eq_loss.text,
                         "loss_is": derivative_latex(eq_loss.derivative_of) if latex else eq_loss.derivative_of,
                         "cost": eq_cost.latex if latex else eq_cost.text,
                         "cost_is": derivative_latex(eq_cost.derivative_of) if latex else eq_cost.derivative_of,
                         "shapes": eq_loss.shapes_latex if notation == "latex" else eq_loss.shapes})  # fmt: skip
        table = Table.from_rows("Backward, output → input, both conventions side by side (the shapes are the same in both)",
                                rows, columns)  # fmt: skip
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
            return markdown_table(self.shapes_table())
        out = [f"### {markdown_escape(self.title)}", "", markdown_table(self.forward_table("markdown"), CODE, MATH)]
        out += [markdown_table(self.activations_table(), code=("g", "g_prime")), ""]
        out += [markdown_table(self.backward_table("markdown"), CODE, MATH)]
        for note in self.notes:
            latex = note.latex.replace("``", '"').replace("''", '"')  # TeX quotes → Markdown's
            out += ["", f"**{markdown_escape(note.title)}.** {latex}"]
        if self.verification:
            out += ["", markdown_table(self.verification.table)]
        return "\n".join(out)

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    # -- LaTeX ---------------------------------------------------------------------------------------
    def to_latex(self, shapes_only: bool = False) -> str:
        """A complete LaTeX document (article, amsmath, longtable) that compiles with pdflatex."""
        body = [rf"\section*{{{latex_escape(self.title)}}}"]
        if shapes_only:
            body += latex_table(self.shapes_table())
            return latex_document(body)
        body += latex_table(self.forward_table("latex"), math=(*MATH, "shapes"))
        body += latex_table(self.activations_table(), code=("g", "g_prime"))
        backward = self.backward_table("latex")
        backward.notes = []  # its sentence in LaTeX, below
        body += latex_table(backward, math=(*MATH, "shapes"))
        body += ["",
                 r"$dW$, $db$ are $\partial J/\partial W$, $\partial J/\partial b$ in both and identical; $dZ$, $dA$ differ "
                 r"by exactly $m$. The $1/m$ enters once: in $dW$ and $db$ (``loss'') or at the output $dZ^{[L]}$ (``cost'')."]  # fmt: skip
        for note in self.notes:
            body += ["", rf"\paragraph{{{latex_escape(note.title)}.}} {note.latex}"]
        if self.verification:
            body += latex_table(self.verification.table)
        return latex_document(body)

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
    and checks every shape, the ratio m or 1 of every key, and every gradient with ``gradcheck`` in each convention.
    """
    if m is not None:
        m = check_integer(m, "m", 1, "the number of examples")
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


__all__ = [
    "CODE", "CONVENTION_TITLES", "EPSILON", "LATEX", "MATH", "MAX_ENTRIES", "MODE", "NOTATIONS", "RATIO_TOLERANCE", "TEXT",
    "THRESHOLD", "VERIFY_M", "Dim", "Equation", "Explanation", "Note", "Operand", "Shape", "Verification", "VerificationRow",
    "activations_table",
    "backward_equations", "derivative_latex", "explain", "forward_equations", "kinked_layers", "latex_escape",
    "latex_number", "markdown_escape", "notes", "random_instance", "random_problem", "require_verify_memory",
    "shape_text", "shapes_table", "verify",
]
