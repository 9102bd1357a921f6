"""Saving and loading networks: ``save(net, path)`` and ``load(path)``, the model file of ``chainrule.modelfile``.

The file's format, its atomic write and every check of a read are ``chainrule.modelfile``'s, which
knows no Network; ``Network.save`` and ``Network.load`` turn a network into its plain values and
back, and these two functions are those methods under the names chainrule always had.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from chainrule import modelfile
from chainrule.modelfile import (
    ARRAY_KINDS,
    FORMAT,
    FORMAT_VERSION,
    MAX_HEADER_BYTES,
    MAX_NPY_HEADER,
    MAX_RATIO,
    MAX_SERIES,
    NPY_MAGIC,
    RATIO_FROM,
    READ_CHUNK,
    STALE_SECONDS_WITHOUT_LOCKS,
    ZIP_MAGIC,
    SavedModel,
    remove_stale_temporaries,
)
from chainrule.network import Network

__all__ = [
    "ARRAY_KINDS", "FORMAT", "FORMAT_VERSION", "MAX_HEADER_BYTES", "MAX_NPY_HEADER", "MAX_RATIO", "MAX_SERIES", "NPY_MAGIC",
    "RATIO_FROM", "READ_CHUNK", "STALE_SECONDS_WITHOUT_LOCKS", "ZIP_MAGIC",
    "SavedModel", "load", "model_arrays", "model_header", "remove_stale_temporaries", "save",
]  # fmt: skip


def save(net: Network, path: str | os.PathLike[str]) -> None:
    """Write ``net`` to ``path`` atomically (``Network.save``)."""
    net.save(path)


def load(path: str | os.PathLike[str], *, trust_header: bool = False) -> Network:
    """The Network saved at ``path``, every array checked against the file's header (``Network.load``).

    Format 1 files (chainrule 0.1.0) have no checksum over the header; they are refused unless
    ``trust_header=True`` (then save the network again to write format 2).
    """
    return Network.load(path, trust_header=trust_header)


def model_arrays(net: Network) -> dict[str, np.ndarray]:
    """Every array of ``net`` under its .npz name: parameters, optimizer state, normalization, history series.

    ``modelfile.model_arrays`` of the network's plain values (``Network.saved_model``).
    """
    return modelfile.model_arrays(net.saved_model())


def model_header(net: Network, arrays: dict[str, np.ndarray]) -> dict[str, Any]:
    """The JSON header describing ``net`` and ``arrays`` (``modelfile.model_header`` of ``Network.saved_model``)."""
    return modelfile.model_header(net.saved_model(), arrays)
