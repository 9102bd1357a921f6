"""Activation functions g and their derivatives g', the vocabulary of every layer.

Each activation appears once, beside its derivative in the form the backward pass uses,
``dZ[l] = dA[l] * g'[l](Z[l])``. Every function keeps the dtype of its input (float32 stays
float32) and works elementwise on arrays of any shape, except softmax. Every g and g' takes an
optional ``out`` array of Z's shape and dtype to write its result into, as NumPy's ufuncs do:
training passes the same arrays at every step instead of allocating new ones (``out`` may be Z
itself where Z is not needed afterwards). The values are the same with or without ``out``.

softmax is not elementwise: each column of A[L] depends on the whole column of Z[L], so its
derivative is a Jacobian per example, not a g'(Z) to multiply dA by. chainrule therefore allows
softmax only as the output layer, together with the categorical cross-entropy, where the chain
collapses to the fused dZ[L] = A[L] − Y per example (see ``chainrule.losses``). Asking for its
elementwise g' raises a ChainruleError that says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from chainrule.errors import ChainruleError

LEAKY_SLOPE = 0.01


def _float(Z: np.ndarray) -> np.ndarray:
    Z = np.asarray(Z)
    return Z if Z.dtype.kind == "f" else Z.astype(np.float64)  # kind "f": float16 … longdouble, as np.floating


def _into(out: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``values`` copied into ``out`` (for the few g, g' that NumPy cannot compute in place)."""
    np.copyto(out, values)
    return out


def sigmoid(Z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """σ(Z) = 1 / (1 + e^(−Z)), finite and warning-free for any Z.

    For Z below about −709 (float64) e^(−Z) overflows to inf and σ(Z) is returned as 0, the
    nearest representable value to the true result (below 1e−308); elsewhere the result is
    bit-for-bit the course's ``1 / (1 + np.exp(-Z))``; with ``out`` computed in that one array:
    −Z, e^(−Z), 1 + e^(−Z), then 1 / (1 + e^(−Z)), each written over the last.
    """
    Z = _float(Z)
    with np.errstate(over="ignore", under="ignore"):
        if out is None:
            return 1 / (1 + np.exp(-Z))
        E = np.negative(Z, out=out)
        np.exp(E, out=E)  # e^(−Z)
        np.add(E, 1, out=E)
        return np.divide(1, E, out=E)


def sigmoid_prime_from_A(A: np.ndarray) -> np.ndarray:
    """σ'(Z) written with A = σ(Z): A (1 − A)."""
    return A * (1 - A)


def sigmoid_prime(Z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """σ'(Z) = σ(Z) (1 − σ(Z)) = A (1 − A)."""
    A = sigmoid(Z, out=out)
    return np.multiply(A, 1 - A, out=A)


def tanh(Z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """tanh(Z)."""
    return np.tanh(_float(Z), out=out)


def tanh_prime_from_A(A: np.ndarray) -> np.ndarray:
    """tanh'(Z) written with A = tanh(Z): 1 − A²."""
    return 1 - A**2


def tanh_prime(Z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """tanh'(Z) = 1 − tanh(Z)² = 1 − A²."""
    if out is None:
        return tanh_prime_from_A(np.tanh(_float(Z)))
    A = np.tanh(_float(Z), out=out)
    return np.subtract(1, np.square(A, out=A), out=A)


def relu(Z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """relu(Z) = max(0, Z)."""
    Z = _float(Z)
    return np.maximum(0, Z, out=out)


def relu_prime(Z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """relu'(Z) = 1 where Z > 0, else 0 (g'(0) = 0, as the course's ``dZ[Z <= 0] = 0``)."""
    Z = _float(Z)
    if out is None:
        return (Z > 0).astype(Z.dtype)
    return np.greater(Z, 0, out=out)  # the comparison's 1 / 0 written as Z's floats


def leaky_relu(Z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """leaky_relu(Z) = Z where Z > 0, else 0.01 Z."""
    Z = _float(Z)
    if out is None or np.may_share_memory(out, Z):
        A = np.where(Z > 0, Z, LEAKY_SLOPE * Z)
        return A if out is None else _into(out, A)
    np.multiply(Z, LEAKY_SLOPE, out=out)  # 0.01 Z, then max(Z, 0.01 Z): Z where Z > 0, else 0.01 Z, the same values
    return np.maximum(Z, out, out=out)


def leaky_relu_prime(Z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """leaky_relu'(Z) = 1 where Z > 0, else 0.01 (0.01 at Z = 0, like relu's 0)."""
    Z = _float(Z)
    if out is None:
        return np.where(Z > 0, 1, LEAKY_SLOPE).astype(Z.dtype)
    np.greater(Z, 0, out=out)  # 1 where Z > 0, else 0 (NaN: 0), in Z's floats; then 0 → 0.01: no new array
    return np.maximum(out, LEAKY_SLOPE, out=out)


def linear(Z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """linear(Z) = Z (the identity; Z itself unless ``out`` is given)."""
    Z = _float(Z)
    return Z if out is None else _into(out, Z)


def linear_prime(Z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """linear'(Z) = 1."""
    if out is None:
        return np.ones_like(_float(Z))
    out.fill(1)
    return out


def softmax(Z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """softmax(Z) column by column: A[k, i] = e^(Z[k, i]) / Σⱼ e^(Z[j, i]), shape (n[L], m).

    Computed as e^(Z − max_k Z) / Σ e^(Z − max_k Z) (the same value, no overflow). Each column
    is a probability distribution over the n[L] classes.
    """
    Z = _float(Z)
    T = np.exp(Z - Z.max(axis=0, keepdims=True))
    return np.divide(T, T.sum(axis=0, keepdims=True), out=out)


def softmax_prime(Z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Refused: softmax has no elementwise g'; use it as the output with categorical cross-entropy."""
    raise ChainruleError(
        "softmax has no elementwise derivative g'(Z): ∂A[k]/∂Z[j] = A[k](δkj − A[j]) couples the classes. "
        "chainrule uses softmax only as the output activation with the categorical cross-entropy, "
        "where dZ[L] = A[L] − Y per example (fused); it cannot be a hidden layer or follow another loss"
    )


@dataclass(frozen=True)
class Activation:
    """One activation: its function g, its derivative g', and both written out for people."""

    name: str
    g: Callable[..., np.ndarray]  # g(Z, out=None)
    g_prime: Callable[..., np.ndarray]  # g'(Z, out=None)
    formula: str  # g(Z)
    derivative: str  # g'(Z), in the form the backward pass uses
    elementwise: bool = True  # False for softmax: output layer only, fused with its loss
    kinked: bool = False  # g' jumps at Z = 0 (relu, leaky_relu): a finite difference across 0 measures no derivative


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        #          name          g           g'                 g(Z)                   g'(Z) as used in dZ = dA * g'(Z)
        Activation("sigmoid",    sigmoid,    sigmoid_prime,     "1 / (1 + e^(-Z))",    "A (1 - A)"),
        Activation("tanh",       tanh,       tanh_prime,        "tanh(Z)",             "1 - A^2"),
        Activation("relu",       relu,       relu_prime,        "max(0, Z)",           "1 where Z > 0, else 0",    kinked=True),
        Activation("leaky_relu", leaky_relu, leaky_relu_prime,  "max(0.01 Z, Z)",      "1 where Z > 0, else 0.01", kinked=True),
        Activation("linear",     linear,     linear_prime,      "Z",                   "1"),
        Activation("softmax",    softmax,    softmax_prime,     "e^Z / sum_k e^Z_k",   "output only: dZ = A - Y with cross-entropy",
                   elementwise=False),
    )
}  # fmt: skip


def get_activation(name: str) -> Activation:
    """The activation called ``name``; a ChainruleError listing the known names otherwise."""
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        known = ", ".join(ACTIVATIONS)
        raise ChainruleError(f"unknown activation {name!r}; expected one of: {known}") from None
