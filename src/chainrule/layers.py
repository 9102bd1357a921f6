"""One layer, forward and backward: the four equations every other module is built from.

Forward:   Z[l] = W[l] A[l-1] + b[l]           A[l] = g[l](Z[l])
Backward:  dZ[l] = dA[l] * g'[l](Z[l])
           dW[l] = k dZ[l] A[l-1]ᵀ     db[l] = k Σᵢ dZ[l]     dA[l-1] = W[l]ᵀ dZ[l]

``layer_backward`` is one layer of the backward pass, those four lines; every backward loop in
chainrule (``network.backward``, the course's week-3 ``backward_propagation``, the audit's
reference and its bug variants) is a loop over it, differing only in what it passes for one
layer (a given dZ[L], g'[l] as an array, another A[l-1], another k, db summed over another axis).

Every function takes optional output arrays (``out=``, as NumPy's): training passes the same
arrays at every step (see ``chainrule.workspace``) so that a step allocates no new (n[l], m) or
(n[l], n[l-1]) array; the values are the same with or without them.

k is where the two conventions differ (see ``chainrule.conventions``): k = 1/m when dZ is
∂L/∂Z of the per-example losses (the course's "loss" convention), k = 1 when dZ already is
∂J/∂Z of the mean cost ("cost" convention). Caches have the course's format
``((A_prev, W, b), Z)``.
"""

from __future__ import annotations

import numpy as np

from chainrule.activations import get_activation
from chainrule.errors import ChainruleError

LinearCache = tuple[np.ndarray, np.ndarray, np.ndarray]  # (A_prev, W, b)
Cache = tuple[LinearCache, np.ndarray]  # ((A_prev, W, b), Z)


def linear_forward(A_prev: np.ndarray, W: np.ndarray, b: np.ndarray, out: np.ndarray | None = None) -> tuple[np.ndarray, LinearCache]:
    """Z = W A_prev + b: (n[l], n[l-1]) (n[l-1], m) + (n[l], 1) → (n[l], m), written into ``out`` if given."""
    Z = W @ A_prev if out is None else np.matmul(W, A_prev, out=out)
    Z += b  # + b in place, broadcast over the m columns: no second (n[l], m) array
    return Z, (A_prev, W, b)


def layer_forward(
    A_prev: np.ndarray,
    W: np.ndarray,
    b: np.ndarray,
    activation: str,
    Z_out: np.ndarray | None = None,
    A_out: np.ndarray | None = None,
) -> tuple[np.ndarray, Cache]:
    """A = g(W A_prev + b), with the cache ((A_prev, W, b), Z); Z, A written into Z_out, A_out if given."""
    Z, linear_cache = linear_forward(A_prev, W, b, out=Z_out)
    g = get_activation(activation).g
    A = g(Z) if A_out is None else g(Z, out=A_out)
    return A, (linear_cache, Z)


def activation_backward(dA: np.ndarray, Z: np.ndarray, activation: str, inplace: bool = False, consume_Z: bool = False) -> np.ndarray:
    """dZ = dA * g'(Z), elementwise; dZ is the derivative of whatever dA is the derivative of.

    ``inplace=True`` writes dZ over dA (for training, where dA is not kept); ``consume_Z=True``
    writes g'(Z) over Z first (for training, where nothing reads Z[l] after this), so that no
    (n[l], m) array is allocated.
    """
    g_prime = get_activation(activation).g_prime
    g_prime_Z = g_prime(Z, out=Z) if consume_Z else g_prime(Z)
    return np.multiply(dA, g_prime_Z, out=dA if inplace else None)


def linear_backward(
    dZ: np.ndarray,
    linear_cache: LinearCache,
    k: float,
    need_dA_prev: bool = True,
    dW_out: np.ndarray | None = None,
    dA_prev_out: np.ndarray | None = None,
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """(dA_prev, dW, db) from dZ of shape (n[l], m).

    dW = k dZ A_prevᵀ: (n[l], m)(m, n[l-1]) → (n[l], n[l-1]), always ∂J/∂W[l] for the right k.
    db = k Σᵢ dZ (sum over the m examples, keepdims) → (n[l], 1), always ∂J/∂b[l].
    dA_prev = Wᵀ dZ: (n[l-1], n[l])(n[l], m) → (n[l-1], m), the same kind of derivative as dZ.
    With ``need_dA_prev=False`` dA_prev is None (nothing needs ∂/∂X when training). dW and
    dA_prev are written into ``dW_out``, ``dA_prev_out`` if given.
    """
    A_prev, W, _ = linear_cache
    dW = dZ @ A_prev.T if dW_out is None else np.matmul(dZ, A_prev.T, out=dW_out)
    db = dZ.sum(axis=1, keepdims=True)
    if k != 1:  # "cost" convention: k = 1, and x · 1 = x exactly, so the pass over dW is skipped
        dW *= k  # k in place on the (n[l], n[l-1]) result: no second array
        db *= k
    dA_prev = None
    if need_dA_prev:
        dA_prev = W.T @ dZ if dA_prev_out is None else np.matmul(W.T, dZ, out=dA_prev_out)
    return dA_prev, dW, db


def layer_backward(
    dA: np.ndarray | None,
    cache: Cache,
    activation: str,
    k: float,
    *,
    dZ: np.ndarray | None = None,
    g_prime: np.ndarray | None = None,
    need_dA_prev: bool = True,
    inplace: bool = False,
    consume_Z: bool = False,
    dW_out: np.ndarray | None = None,
    dA_prev_out: np.ndarray | None = None,
    db_axis: int | None = 1,
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray, np.ndarray]:
    """One layer of the backward pass, (dZ[l], dA[l-1], dW[l], db[l]), from dA[l] of shape (n[l], m).

        dZ[l] = dA[l] * g'[l](Z[l])                    (``activation_backward``)
        dW[l] = k dZ[l] A[l-1]ᵀ   db[l] = k Σᵢ dZ[l]   dA[l-1] = W[l]ᵀ dZ[l]   (``linear_backward``)

    ``cache`` is ((A[l-1], W[l], b[l]), Z[l]). ``dZ`` given (the output layer's fused
    dZ[L] = s (A[L] − Y)) skips the first line and dA is not read. ``g_prime`` given is g'[l]
    already evaluated as an array (the course's week 3 writes tanh' with A: 1 − A²; the audit's
    variants pass another activation's), multiplied in instead of g'[l](Z[l]). ``inplace``,
    ``consume_Z`` are ``activation_backward``'s, ``need_dA_prev``, ``dW_out``, ``dA_prev_out``
    ``linear_backward``'s. dZ and dA[l-1] are the same kind of derivative as dA[l] (∂L/∂· per
    example or ∂J/∂·); dW, db are ∂J/∂W[l], ∂J/∂b[l] for the right k. ``db_axis`` other than 1
    (the m examples) sums db[l] = k Σ dZ[l] over another axis, as a bug does: 0 (the units,
    keepdims) or None (every axis, a scalar); the audit's variants pass it.
    """
    linear_cache, Z = cache
    if dZ is None:
        if dA is None:
            raise ChainruleError("layer_backward needs dA (then dZ = dA * g'(Z)) or dZ")
        if g_prime is None:
            dZ = activation_backward(dA, Z, activation, inplace=inplace, consume_Z=consume_Z)
        else:
            dZ = np.multiply(dA, g_prime, out=dA if inplace else None)  # dZ[l] = dA[l] * g'[l]
    dA_prev, dW, db = linear_backward(dZ, linear_cache, k, need_dA_prev, dW_out, dA_prev_out)
    if db_axis != 1:  # a bug's db, summed over the wrong axis
        db = k * np.sum(dZ, axis=db_axis, keepdims=db_axis is not None)
    return dZ, dA_prev, dW, db
