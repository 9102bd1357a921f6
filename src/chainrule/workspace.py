"""The arrays a training step writes into, kept from one step to the next.

A step of a network with large layers makes fresh arrays of (n[l], m) and (n[l], n[l-1]) entries:
Z[l], A[l], dA[l-1], dW[l] and g'[l](Z[l]). A fresh array of a few MiB can cost a page fault per 4
KiB page when it is first written, and a step frees them all again: on the [784, 1024, 1024, 10]
network with m = 512 that is about 46 MiB a step, measured as 5,000–8,500 page faults and 52–62 ms a
step against 43–45 ms without them (docs/performance.md). A ``Workspace`` hands out the same arrays
at every step instead (``out=`` of NumPy's ufuncs and ``np.matmul``), so that after the first step
training allocates nothing of that size. The formulas and their results are unchanged; only where
they are written changes.

Only steps with an array of 64 KiB or more use a workspace (``Workspace.pays_off``): for a network
as small as the flower, looking the arrays up costs more than making them.

Arrays are keyed by (name, layer) and then by shape and dtype: mini-batches of two sizes (the last
batch of an epoch is often smaller) each get their own, and at most ``KEEP`` shapes are kept per
name and layer (the least recently made goes), so that steps on batches of ever new sizes do not
pile up memory. Whatever a workspace array holds is overwritten at the next step, so nothing that
must outlive a step (the parameters, an optimizer's state, what ``forward`` or ``backward`` return
to a user) is ever one of them.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

KEEP = 2  # shapes kept per (name, layer): a full mini-batch and the smaller last one
MIN_BYTES = 64 * 1024  # below this the step's arrays are cheap to make: the allocator keeps and hands back small blocks


class Workspace:
    """Named arrays reused across training steps: ``ws.array("Z", l, shape, dtype)``."""

    def __init__(self) -> None:
        self._arrays: dict[tuple, np.ndarray] = {}  # (name, layer, shape, dtype) → array
        self._shapes: dict[tuple[str, int], list[tuple]] = {}  # (name, layer) → its keys, oldest first
        self._pays: dict[tuple[int, np.dtype], bool] = {}  # (m, dtype) → pays_off's answer

    def pays_off(self, layer_dims: tuple[int, ...] | list[int], m: int, dtype: np.dtype) -> bool:
        """Whether a step on m examples has an array of ``MIN_BYTES`` or more: an (n[l], m) or an (n[l], n[l-1]).

        Below that, fresh arrays cost the allocator next to nothing and looking arrays up costs more
        than it saves (the flower [2, 4, 1], m = 400: about 5 µs on a 65 µs step), so training
        allocates as the plain formulas do. Answered once per (m, dtype): one network, fixed sizes.
        """
        key = (m, dtype)
        answer = self._pays.get(key)
        if answer is None:
            largest = max(max(n * m, n * n_prev) for n_prev, n in itertools.pairwise(layer_dims))
            answer = self._pays[key] = largest * np.dtype(dtype).itemsize >= MIN_BYTES
        return answer

    def array(self, name: str, layer: int, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        """The array for ``name`` of layer ``layer`` with this shape and dtype (uninitialised when new)."""
        key = (name, layer, shape, dtype)
        array = self._arrays.get(key)  # one dict lookup per array and step: the small networks' steps are microseconds
        return self._new(key) if array is None else array

    def _new(self, key: tuple) -> np.ndarray:
        name, layer, shape, dtype = key
        keys = self._shapes.setdefault((name, layer), [])
        if len(keys) >= KEEP:
            del self._arrays[keys.pop(0)]
        keys.append(key)
        array = self._arrays[key] = np.empty(shape, dtype)
        return array

    @property
    def nbytes(self) -> int:
        """Bytes held by all arrays."""
        return sum(array.nbytes for array in self._arrays.values())

    def __len__(self) -> int:
        return len(self._arrays)


@dataclass(frozen=True)
class TrainingBuffers:
    """How ``network.backward`` runs inside a training step, in place of the plain gradients.

    With a TrainingBuffers the backward pass returns only dW and db (what the update reads) and
    computes each dZ[l] in place over dA[l], which nothing else reads. With its ``workspace`` it
    also takes dW[l] and dA[l-1] from the workspace's arrays and writes g'[l](Z[l]) over the cached
    Z[l]: the caches are spent and the grads valid until the next step. A workspace therefore
    always comes with the parameters-only mode: the type allows nothing else.
    """

    workspace: Workspace | None = None


PARAMETERS_ONLY = TrainingBuffers()  # training without a workspace: small steps, fresh arrays
