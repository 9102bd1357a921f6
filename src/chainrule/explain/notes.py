"""The paragraphs after the equations: where else the 1/m can sit, why once, the Jacobian behind dZ[L], the output layer, L2."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from chainrule.explain.notation import Dim, latex_number, shape_text


@dataclass(frozen=True)
class Note:
    """A paragraph, written once as Unicode text and once as LaTeX (math in $…$)."""

    title: str
    text: str
    latex: str


def notes(layer_dims: Sequence[int], m: Dim, loss: str = "binary_cross_entropy", lambd: float = 0.0) -> list[Note]:
    """The paragraphs after the equations, with this network's L, n[L], m, output and λ filled in."""
    return [_where_else_note(), _once_note(len(layer_dims) - 1, m), _jacobian_note(layer_dims, m), _output_note(loss),
            *([_l2_note(lambd)] if lambd else [])]


def _where_else_note() -> Note:
    """The same single 1/m at the update step, nowhere (J = Σ L), or inside automatic differentiation."""
    return Note(
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
    )


def _once_note(L: int, m: Dim) -> Note:
    """Why the 1/m enters once, and what applying it at every layer compounds to for this network's L."""
    compound = (
        f" For dW[1] of this network (k = L = {L}, m = {m}) that is 1/m^{L} = {m ** -L:.2g} instead of 1/m = {1 / m:.2g}."
        if isinstance(m, int) else f" For dW[1] of this network, k = L = {L}."
    )
    compound_latex = (
        rf" For $dW^{{[1]}}$ of this network ($k = L = {L}$, $m = {m}$) that is $1/m^{L} = {latex_number(m ** -L)}$"
        rf" instead of $1/m = {latex_number(1 / m)}$." if isinstance(m, int) else rf" For $dW^{{[1]}}$ of this network, $k = L = {L}$."
    )
    return Note(
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
    )


def _jacobian_note(layer_dims: Sequence[int], m: Dim) -> Note:
    """What the (n[L], m) array dZ[L] stores of the full Jacobian ∂L/∂Z[L]."""
    n_y = layer_dims[-1]
    mm = f"{m} × {m}" if isinstance(m, int) else "m × m"
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
    return Note(
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
    )


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
