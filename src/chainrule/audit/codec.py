"""Passing values between the audit and the process that runs the learner's code, without pickle.

A value (the arguments of a call, or whatever the learner's function returned) is written as a
JSON structure plus a dict of NumPy arrays saved with ``np.savez`` and read back with
``allow_pickle=False``: nothing the learner's code returns is ever unpickled by the audit.
Numbers become 0-d arrays, tuples and lists keep their kind, dict keys become strings, and any
other object is replaced by its type name and a short repr. A container that contains itself
(``caches.append(caches)``) is passed as ``Opaque("cycle", …)`` at the place where it recurs, and
nesting deeper than ``DEPTH_LIMIT`` as ``Opaque("too deep", …)``: encoding never recurses without bound.
"""

from __future__ import annotations

from typing import Any

import numpy as np

REPR_LIMIT = 200
DEPTH_LIMIT = 50  # a gradient dict or a list of caches nests 3 or 4 deep


def encode(value: Any, arrays: dict[str, np.ndarray], prefix: str = "a", _open: tuple[int, ...] = ()) -> Any:
    """``value`` as JSON-able data; arrays are stored in ``arrays`` under fresh names.

    ``_open``: the ids of the containers being encoded around ``value`` (to see a cycle).
    """

    def store(array: np.ndarray) -> dict[str, str]:
        name = f"{prefix}{len(arrays)}"
        arrays[name] = array
        return {"array": name}

    if value is None:
        return None
    if isinstance(value, str):
        return {"str": value}
    if isinstance(value, bool | int | float | complex | np.generic) and not isinstance(value, np.void):
        return store(np.asarray(value))
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "biufc":
            return store(np.array(value))
        try:
            return store(np.asarray(value, dtype=float))
        except (TypeError, ValueError):
            return {"object": f"ndarray of dtype {value.dtype}", "repr": repr(value)[:REPR_LIMIT]}
    if isinstance(value, tuple | list | dict):
        kind = "tuple" if isinstance(value, tuple) else "list" if isinstance(value, list) else "dict"
        if id(value) in _open:
            return {"object": "cycle", "repr": f"the {kind} itself: it contains itself"}
        if len(_open) >= DEPTH_LIMIT:
            return {"object": "too deep", "repr": f"a {kind} nested more than {DEPTH_LIMIT} levels deep"}
        inner = (*_open, id(value))
        if isinstance(value, dict):
            return {"dict": [[str(k), encode(v, arrays, prefix, inner)] for k, v in value.items()]}
        return {kind: [encode(v, arrays, prefix, inner) for v in value]}
    try:
        text = repr(value)[:REPR_LIMIT]
    except Exception:  # a learner's object whose repr raises
        text = "?"
    return {"object": type(value).__name__, "repr": text}


class Opaque:
    """A value that could not be passed back as data: its type name and repr, for messages."""

    def __init__(self, type_name: str, text: str) -> None:
        self.type_name, self.text = type_name, text

    def __repr__(self) -> str:
        return f"<{self.type_name}: {self.text}>"


def decode(data: Any, arrays: Any) -> Any:
    """The value that ``encode`` wrote; ``arrays`` is the dict or the loaded npz file. Arrays are fresh copies."""
    if data is None:
        return None
    if "array" in data:
        return np.array(arrays[data["array"]])
    if "str" in data:
        return data["str"]
    if "tuple" in data:
        return tuple(decode(v, arrays) for v in data["tuple"])
    if "list" in data:
        return [decode(v, arrays) for v in data["list"]]
    if "dict" in data:
        return {k: decode(v, arrays) for k, v in data["dict"]}
    return Opaque(data.get("object", "object"), data.get("repr", ""))


def save_arrays(path: str, arrays: dict[str, np.ndarray]) -> None:
    """Write ``arrays`` to ``path`` (an .npz file)."""
    with open(path, "wb") as file:
        np.savez(file, **arrays)  # type: ignore[arg-type]  # mypy matches **arrays against savez's allow_pickle: bool


def load_arrays(path: str) -> dict[str, np.ndarray]:
    """Read an .npz file written by ``save_arrays``, refusing pickled objects."""
    with np.load(path, allow_pickle=False) as npz:
        return {name: npz[name] for name in npz.files}
