"""An independent network written in autograd.numpy: the reference every gradient is tested against.

It shares no code with chainrule. The loss is the binary cross-entropy, or the categorical
cross-entropy (softmax written out, one-hot Y) when the last activation is "softmax".
``total(params, offsets, ...)`` adds a zero "offset" to every Z[l] and A[l] so that
autograd can differentiate with respect to them: the gradient of the *mean* cost gives
∂J/∂Z[l] (the "cost" convention), the gradient of the *sum* of the losses gives ∂L/∂Z[l]
per example (the "loss" convention), since ∂(Σⱼ L⁽ʲ⁾)/∂Z⁽ⁱ⁾ = ∂L⁽ⁱ⁾/∂Z⁽ⁱ⁾.
"""

from __future__ import annotations

import autograd.numpy as anp
import numpy as np
from autograd import grad


def g(name, Z):
    if name == "sigmoid":
        return 1 / (1 + anp.exp(-Z))
    if name == "tanh":
        return anp.tanh(Z)
    if name == "relu":
        return anp.where(Z > 0, Z, 0.0)
    if name == "leaky_relu":
        return anp.where(Z > 0, Z, 0.01 * Z)
    if name == "linear":
        return Z
    if name == "softmax":  # column by column, shifted by the column max for stability
        T = anp.exp(Z - anp.max(Z, axis=0, keepdims=True))
        return T / anp.sum(T, axis=0, keepdims=True)
    raise ValueError(name)


def total(params, offsets, X, Y, activations, reduce):
    A = X + offsets["A0"]
    for l, name in enumerate(activations, start=1):
        Z = anp.dot(params[f"W{l}"], A) + params[f"b{l}"] + offsets[f"Z{l}"]
        A = g(name, Z)
        if l < len(activations):
            A = A + offsets[f"A{l}"]
    if activations[-1] == "softmax":  # categorical cross-entropy, Y one-hot
        losses = -anp.sum(Y * anp.log(A), axis=0)
    else:  # binary cross-entropy
        losses = -(Y * anp.log(A) + (1 - Y) * anp.log(1 - A))
    return anp.sum(losses) if reduce == "sum" else anp.sum(losses) / Y.shape[1]


def zero_offsets(params, X, activations):
    offsets = {"A0": np.zeros_like(X)}
    A = X
    for l, name in enumerate(activations, start=1):
        Z = params[f"W{l}"] @ A + params[f"b{l}"]
        offsets[f"Z{l}"] = np.zeros_like(Z)
        A = np.asarray(g(name, Z))
        if l < len(activations):
            offsets[f"A{l}"] = np.zeros_like(A)
    return offsets


def reference_grads(params, X, Y, activations, convention):
    """Every grads key of chainrule, computed by autograd, in the given convention."""
    offsets = zero_offsets(params, X, activations)
    d_params = grad(total, 0)(params, offsets, X, Y, activations, "mean")
    d_offsets = grad(total, 1)(params, offsets, X, Y, activations, "sum" if convention == "loss" else "mean")
    out = {}
    for l in range(1, len(activations) + 1):
        out[f"dW{l}"], out[f"db{l}"] = d_params[f"W{l}"], d_params[f"b{l}"]
        out[f"dZ{l}"] = d_offsets[f"Z{l}"]
        out[f"dA{l - 1}"] = d_offsets[f"A{l - 1}"]
    return out


def reference_cost(params, X, Y, activations):
    return float(total(params, zero_offsets(params, X, activations), X, Y, activations, "mean"))
