"""Saving and loading networks: ``save(net, path)`` and ``load(path)``, the model file of ``chainrule.modelfile``.

The file's format, its atomic write and every check of a read are ``chainrule.modelfile``'s, which
knows no Network; ``Network.save`` and ``Network.load`` turn a network into its plain values and
back, and these two functions are those methods under the names chainrule always had.
"""

from __future__ import annotations

import os

from chainrule.modelfile import FORMAT, FORMAT_VERSION, SavedModel, remove_stale_temporaries
from chainrule.network import Network

__all__ = ["FORMAT", "FORMAT_VERSION", "SavedModel", "load", "remove_stale_temporaries", "save"]


def save(net: Network, path: str | os.PathLike[str]) -> None:
    """Write ``net`` to ``path`` atomically (``Network.save``)."""
    net.save(path)


def load(path: str | os.PathLike[str], *, trust_header: bool = False) -> Network:
    """The Network saved at ``path``, every array checked against the file's header (``Network.load``).

    Format 1 files (chainrule 0.1.0) have no checksum over the header; they are refused unless
    ``trust_header=True`` (then save the network again to write format 2).
    """
    return Network.load(path, trust_header=trust_header)
