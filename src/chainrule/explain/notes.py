"""The paragraphs after the equations: where else the 1/m can sit, why once, the Jacobian behind dZ[L], the output layer, L2.

Each note is written once, in LaTeX (math in $…$, quotes ``…''): that is its LaTeX and its Markdown,
and ``notation.latex_to_text`` reads its plain text from it (W^{[l]} → W[l], \\frac{1}{m} → (1/m)).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from chainrule.explain.notation import Dim, latex_number, latex_to_text
from chainrule.report import shape_text


@dataclass(frozen=True)
class Note:
    """A paragraph: its LaTeX source (math in $…$) and the plain text read from it."""

    title: str
    text: str
    latex: str

    @classmethod
    def written(cls, title: str, source: str) -> Note:
        """The note whose one source is ``source``, LaTeX; its text is ``latex_to_text(source)``."""
        return cls(title, latex_to_text(source), source)


def notes(layer_dims: Sequence[int], m: Dim, loss: str = "binary_cross_entropy", lambd: float = 0.0) -> list[Note]:
    """The paragraphs after the equations, with this network's L, n[L], m, output and λ filled in."""
    return [_where_else_note(), _once_note(len(layer_dims) - 1, m), _jacobian_note(layer_dims, m), _output_note(loss),
            *([_l2_note(lambd)] if lambd else [])]


def _where_else_note() -> Note:
    """The same single 1/m at the update step, nowhere (J = Σ L), or inside automatic differentiation."""
    return Note.written(
        "Where else the 1/m can sit",
        r"The same single factor $1/m$ sits elsewhere in well-known code. "
        r"(1) At the update step: sum the per-example gradients, $dW^{[l]} = dZ^{[l]} A^{[l-1]\top}$ with "
        r"$dZ = \partial \mathcal{L}/\partial Z$, and divide when updating, "
        r"$W^{[l]} := W^{[l]} - \frac{\alpha}{m} dW^{[l]}$: the same step as ours. "
        r"(2) Nowhere: the cost is the sum of the losses, $J = \sum_i \mathcal{L}^{(i)}$; then every derivative, "
        r"$dW$ included, is $m$ times ours, and a learning rate $m$ times smaller gives the same step. "
        r"(3) Inside automatic differentiation: differentiating $J = \mathrm{mean}(\mathcal{L})$ always yields "
        r"$\partial J/\partial\cdot$, i.e. the ``cost'' convention; the backward of the mean puts $\frac{1}{m}$ into "
        r"$dZ^{[L]} = \frac{1}{m}(A^{[L]} - Y)$ by itself.",
    )


def _once_note(L: int, m: Dim) -> Note:
    """Why the 1/m enters once, and what applying it at every layer compounds to for this network's L."""
    compound = (
        rf" For $dW^{{[1]}}$ of this network ($k = L = {L}$, $m = {m}$) that is $1/m^{{{L}}} = {latex_number(m ** -L)}$"
        rf" instead of $1/m = {latex_number(1 / m)}$." if isinstance(m, int) else rf" For $dW^{{[1]}}$ of this network, $k = L = {L}$."
    )
    return Note.written(
        "Why once, and not at every layer",
        r"$J = \frac{1}{m} \sum_i \mathcal{L}^{(i)}$ puts one $1/m$ in front of everything, and every backward step "
        r"($dA^{[l-1]} = W^{[l]\top} dZ^{[l]}$, $dZ^{[l]} = dA^{[l]} \ast g^{[l]\prime}(Z^{[l]})$, "
        r"$dW^{[l]} = dZ^{[l]} A^{[l-1]\top}$) is linear in $dZ$, so a $1/m$ that enters once, at the output "
        r"(``cost'') or in $dW$ and $db$ (``loss''), reaches every layer exactly once. Applying $1/m$ again at every "
        r"layer on the way down compounds it: the layer $k$ layers below the output gets $1/m^k$ where it needs "
        r"one $1/m$." + compound,
    )


def _jacobian_note(layer_dims: Sequence[int], m: Dim) -> Note:
    """What the (n[L], m) array dZ[L] stores of the full Jacobian ∂L/∂Z[L]."""
    n_y = layer_dims[-1]
    if n_y == 1:
        size = rf"{m} \times {m}" if isinstance(m, int) else r"m \times m"
        jacobian, stores = r"diagonal: $\mathcal{L}^{(i)}$ depends on column $i$ of $Z^{[L]}$ only", "its diagonal"
    else:
        size = r"m \times (n^{[L]}\cdot m)" + (rf" = {m} \times {n_y * m}" if isinstance(m, int) else "")
        jacobian = rf"block diagonal: $\mathcal{{L}}^{{(i)}}$ depends on the {n_y} entries of column $i$ of $Z^{{[L]}}$ only"
        stores = "its nonzero entries"
    return Note.written(
        "The Jacobian behind dZ[L]",
        r"The per-example losses $\mathcal{L} = (\mathcal{L}^{(1)}, \dots, \mathcal{L}^{(m)})$ are $m$ numbers, "
        rf"so $\partial \mathcal{{L}}/\partial Z^{{[L]}}$ as a full Jacobian is a ${size}$ matrix, {jacobian}; "
        r"its nonzero entries are $\partial \mathcal{L}^{(i)}/\partial Z^{[L](i)} = A^{[L](i)} - Y^{(i)}$. "
        rf"$dZ^{{[L]}} = A^{{[L]}} - Y$, shape ${shape_text((n_y, m))}$, stores {stores}, which is why "
        rf"$dW^{{[L]}} = \frac{{1}}{{m}} dZ^{{[L]}} A^{{[L-1]\top}}$ still multiplies "
        rf"${shape_text((n_y, m))}{shape_text((m, layer_dims[-2]))}$. The cost needs no such reading: $J$ is one "
        r"number, so $\partial J/\partial Z^{[L]} = \frac{1}{m}(A^{[L]} - Y)$ has the shape of $Z^{[L]}$ "
        r"as it stands; it is the ``cost'' $dZ^{[L]}$.",
    )


def _output_note(loss: str) -> Note:
    """How dZ[L] = A[L] − Y comes out of the output activation and its loss."""
    if loss == "categorical_cross_entropy":
        return Note.written(
            "The output layer",
            r"$dZ^{[L]} = A^{[L]} - Y$ is the softmax and categorical cross-entropy fused. Softmax is not elementwise: "
            r"per example its Jacobian $\partial a_k/\partial z_j = a_k(\delta_{kj} - a_j)$ is a full "
            r"$n^{[L]} \times n^{[L]}$ matrix, so there is no $g'(Z)$ to multiply $dA$ by; contracted with "
            r"$\partial \mathcal{L}/\partial a_k = -y_k/a_k$ it gives $a_j \sum_k y_k - y_j = a_j - y_j$ for one-hot $Y$.",
        )
    return Note.written(
        "The output layer",
        r"$dZ^{[L]} = A^{[L]} - Y$ is the sigmoid and cross-entropy fused: "
        r"$dA^{[L]} = -\left(Y / A^{[L]} - (1 - Y) / (1 - A^{[L]})\right)$ times "
        r"$\sigma'(Z^{[L]}) = A^{[L]} (1 - A^{[L]})$ simplifies to $A^{[L]} - Y$, per example.",
    )


def _l2_note(lambd: float) -> Note:
    """Which J is differentiated when the weights carry an L2 penalty."""
    return Note.written(
        "Which J: the L2 term",
        rf"With $\lambda = {lambd:g}$ the $J$ that training minimises is "
        r"$J = \frac{1}{m} \sum_i \mathcal{L}^{(i)} + \frac{\lambda}{2m} \sum_l \lVert W^{[l]} \rVert^2$ (Frobenius "
        r"norms; $b$ is not penalised), so every $dW^{[l]} = \partial J/\partial W^{[l]}$ is the data term plus "
        r"$\frac{\lambda}{m} W^{[l]}$, in both conventions. The penalty does not depend on $Z$ or $A$: $dZ$, $dA$ and "
        r"$db$ are unchanged, and in the ``loss'' convention $dZ$ stays $\partial \mathcal{L}/\partial Z$ of the "
        r"per-example data loss. The term carries its own $1/m$, next to $W$, not inside any $dZ$.",
    )
