"""The arrays a training step writes into, kept from one step to the next.

A step of a network with large layers makes fresh arrays of (n[l], m) and (n[l], n[l-1])
entries: Z[l], A[l], dA[l-1], dW[l] and g'[l](Z[l]). Each fresh array of a few MiB costs the
operating system a page fault per 4 KiB page when it is first written, and a step frees them all
again: on the [784, 1024, 1024, 10] network with m = 512 that is about 50 MiB a step and a fifth
of the step's time. A ``Workspace`` hands out the same arrays at every step instead
(``out=`` of NumPy's ufuncs and ``np.matmul``), so that after the first step training allocates
nothing of that size. The formulas and their results are unchanged; only where they are written
changes.

Arrays are keyed by (name, layer) and then by shape and dtype: mini-batches of two sizes (the
last batch of an epoch is often smaller) each get their own, and at most ``KEEP`` shapes are kept
per name and layer (the least recently made goes), so that steps on batches of ever new sizes do
not pile up memory. Whatever a workspace array holds is overwritten at
the next step, so nothing that must outlive a step (the parameters, an optimizer's state, what
``forward`` or ``backward`` return to a user) is ever one of them.
"""

from __future__ import annotations

import numpy as np

KEEP = 2  # shapes kept per (name, layer): a full mini-batch and the smaller last one


class Workspace:
    """Named arrays reused across training steps: ``ws.array("Z", l, shape, dtype)``."""

    def __init__(self) -> None:
        self._arrays: dict[tuple[str, int], dict[tuple[tuple[int, ...], np.dtype], np.ndarray]] = {}

    def array(self, name: str, layer: int, shape: tuple[int, ...], dtype: np.dtype | type) -> np.ndarray:
        """The array for ``name`` of layer ``layer`` with this shape and dtype (uninitialised when new)."""
        arrays = self._arrays.setdefault((name, layer), {})
        key = (tuple(shape), np.dtype(dtype))
        array = arrays.get(key)
        if array is None:
            if len(arrays) >= KEEP:
                del arrays[next(iter(arrays))]
            array = arrays[key] = np.empty(key[0], key[1])
        return array

    @property
    def nbytes(self) -> int:
        """Bytes held by all arrays."""
        return sum(array.nbytes for arrays in self._arrays.values() for array in arrays.values())

    def __len__(self) -> int:
        return sum(len(arrays) for arrays in self._arrays.values())
