"""The specs of the rest of the specialization: course 1 weeks 2–4 (``course1``) and course 2 (``course2``).

Each is a ``spec.FunctionSpec`` read by the same diagnosis rules as the backward functions
(``diagnose``): the expected arrays come from the course-compatible API (``chainrule.course``,
itself a thin layer over the core), and each known bug is a variant computed the same way with
one thing changed. Functions whose course versions differ (a seed inside the function or in the
test before it) have one expectation per version, named in the verdict.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Literal, cast, overload

import numpy as np

from chainrule.audit.reference import Variant
from chainrule.audit.spec import Case, Expected, Reader, what


@contextlib.contextmanager
def global_seed(seed: int | None) -> Iterator[None]:
    """np.random.seed(seed) for the block (the course's functions draw from the global generator), then the
    caller's generator state back: the audit never changes the random numbers of the notebook it runs in."""
    state = np.random.get_state()
    if seed is not None:
        np.random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(state)


Bug = tuple[str, str, Expected]  # (diagnosis, label, what the function returns with that bug)


@overload
def case(label: str, m: int, args: tuple[Any, ...], expected: Expected, bugs: Sequence[Bug] = (),
         versions: Literal[False] = False) -> Case: ...  # fmt: skip


@overload
def case(label: str, m: int, args: tuple[Any, ...], expected: Mapping[str, Expected], bugs: Sequence[Bug] = (), *,
         versions: Literal[True]) -> Case: ...  # fmt: skip


def case(
    label: str,
    m: int,
    args: tuple[Any, ...],
    expected: Expected | Mapping[str, Expected],
    bugs: Sequence[Bug] = (),
    versions: bool = False,
) -> Case:
    """One call and what it should return; ``bugs``: (diagnosis, label, what that bug returns).

    ``versions=True``, the call of before ``versioned_case``: ``expected`` maps each version's label to what it returns.
    """
    if versions:
        return versioned_case(label, m, args, cast(Mapping[str, Expected], expected), bugs)
    return versioned_case(label, m, args, {"": cast(Expected, expected)}, bugs)


def versioned_case(
    label: str,
    m: int,
    args: tuple[Any, ...],
    versions: Mapping[str, Expected],
    bugs: Sequence[Bug] = (),
) -> Case:
    """One call of a function whose course versions differ: ``versions`` maps a version's label ("np.random.seed(3)
    inside the function, as the course") to what it returns; the learner's values are read in the one they follow."""
    known = {text: (Variant(diagnosis, text), dict.fromkeys(versions, values)) for diagnosis, text, values in bugs}
    return Case(label, m, True, args, dict(versions), known)


def rng_for(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def probe_parameters(rng: np.random.Generator, dims: Sequence[int]) -> dict[str, np.ndarray]:
    """W[l] ~ N(0, 2/n[l-1]) (n[l], n[l-1]) and b[l] ~ N(0, 0.25) (n[l], 1): probe weights, b nonzero so a missing db shows."""
    out = {}
    for l in range(1, len(dims)):
        out[f"W{l}"] = rng.standard_normal((dims[l], dims[l - 1])) * np.sqrt(2 / dims[l - 1])
        out[f"b{l}"] = rng.standard_normal((dims[l], 1)) * 0.5
    return out


def labels(rng: np.random.Generator, m: int) -> np.ndarray:
    """Y (1, m) of 0. and 1., both classes present."""
    Y = np.zeros((1, m))
    Y[0, rng.permutation(m)[: (m + 1) // 2]] = 1.0
    return Y


def read_keys(*names: str) -> Reader:
    """A dict's entries ``names`` (the others are ignored)."""

    def read(value: Any) -> tuple[dict[str, Any], str | None]:
        if isinstance(value, dict):
            return {k: value[k] for k in names if k in value}, None
        return {}, f"returned {what(value)}, not a dict with {', '.join(names)}"

    return read


def read_value(key: str) -> Reader:
    return lambda value: ({key: value}, None) if value is not None else ({}, f"returned {what(value)}")


def prefixed(prefix: str, arrays: dict[str, Any]) -> dict[str, Any]:
    return {f"{prefix}{k}": v for k, v in arrays.items()}
