"""Input checks for the clean API: every message names what was expected and what was given."""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral, Real
from typing import Any

import numpy as np

from chainrule.activations import get_activation
from chainrule.errors import ChainruleError
from chainrule.report import shape_text


def check_layer_dims(layer_dims: Sequence[Any]) -> list[int]:
    """``[n_x, n[1], …, n[L]]`` as a list of positive ints, at least two entries."""
    if isinstance(layer_dims, str | bytes) or not isinstance(layer_dims, Sequence | np.ndarray):
        raise ChainruleError(f"layer_dims must be a list of positive integers such as [2, 4, 1]; got {layer_dims!r}")
    dims = list(layer_dims)
    if len(dims) < 2:
        raise ChainruleError(
            f"layer_dims needs at least two sizes, [n_x, ..., n[L]] (input and output); got {dims!r}"
        )
    for l, n in enumerate(dims):
        if isinstance(n, bool) or not isinstance(n, Integral) or n < 1:
            raise ChainruleError(
                f"layer sizes must be positive integers; layer_dims[{l}] is {n!r} in {dims!r}"
            )
    return [int(n) for n in dims]


def expand_activations(activations: str | Sequence[str] | None, L: int) -> list[str]:
    """One activation name per layer 1..L.

    Accepts L names; or two names (hidden, output) for a network with L > 2 layers; or None for
    relu hidden layers and a sigmoid output.
    """
    if activations is None:
        names = ["relu"] * (L - 1) + ["sigmoid"]
    elif isinstance(activations, str):
        names = [a.strip() for a in activations.split(",")] if "," in activations else [activations]
    else:
        names = list(activations)
    for name in names:
        get_activation(name)
    if len(names) == 2 and L != 2:
        names = [names[0]] * (L - 1) + [names[1]]  # hidden, output (for L = 1: the output alone)
    if len(names) != L:
        raise ChainruleError(
            f"expected {L} activations (one per layer 1..{L}), or 2 (hidden, output); got {len(names)}: {names!r}"
        )
    for l, name in enumerate(names[:-1], start=1):
        if not get_activation(name).elementwise:
            raise ChainruleError(
                f"{name} is only valid as the output activation (layer {L}), with the categorical cross-entropy; "
                f"layer {l} of {names!r} is hidden: use relu, tanh, ... there"
            )
    return names


def check_X(X: Any, n_x: int) -> np.ndarray:
    """X as a finite floating array of shape (n_x, m), one example per column."""
    X = np.asarray(X)
    if X.ndim != 2:
        hint = f"; use X.reshape({n_x}, -1) if the {X.size} values are {n_x} features of each example" if X.ndim == 1 else ""
        raise ChainruleError(f"X must be 2-D of shape (n_x, m) = ({n_x}, m); got shape {shape_text(X.shape)}{hint}")
    if X.shape[0] != n_x:
        hint = f"; X.T has shape ({X.shape[1]}, {X.shape[0]}): pass X.T (examples are columns)" if X.shape[1] == n_x else ""
        raise ChainruleError(f"X must have n_x = {n_x} rows, shape ({n_x}, m); got shape {shape_text(X.shape)}{hint}")
    if X.shape[1] < 1:
        raise ChainruleError(f"X must hold at least one example (m >= 1); got shape {shape_text(X.shape)}")
    if not np.issubdtype(X.dtype, np.floating):
        X = X.astype(np.float64)
    _check_finite(X, "X")
    return X


def check_Y(Y: Any, n_y: int, m: int, binary: bool = True, one_hot: bool = False) -> np.ndarray:
    """Y as a finite array of shape (n_y, m); labels in {0, 1} when ``binary``; one 1 per column when ``one_hot``."""
    Y = np.asarray(Y)
    if Y.shape != (n_y, m):
        if Y.shape == (m,) and n_y == 1:
            hint = f"; use Y.reshape(1, {m})"
        elif Y.shape == (m, n_y):
            hint = "; pass Y.T (examples are columns)"
        else:
            hint = ""
        raise ChainruleError(f"Y must have shape (n_y, m) = ({n_y}, {m}); got shape {shape_text(Y.shape)}{hint}")
    if not np.issubdtype(Y.dtype, np.number) and Y.dtype != bool:
        raise ChainruleError(f"Y must be numeric; got dtype {Y.dtype}")
    Y = Y.astype(np.float64) if not np.issubdtype(Y.dtype, np.floating) else Y
    _check_finite(Y, "Y")
    if binary:
        bad = ~((Y == 0) | (Y == 1))
        if bad.any():
            values = np.unique(Y[bad])[:5]
            raise ChainruleError(
                f"binary cross-entropy needs labels in {{0, 1}}; Y holds {bad.sum()} other value(s), e.g. {values.tolist()}"
            )
    if one_hot:
        sums = Y.sum(axis=0)
        bad_columns = np.flatnonzero(~((Y == 0) | (Y == 1)).all(axis=0) | (sums != 1))
        if bad_columns.size:
            i = int(bad_columns[0])
            raise ChainruleError(
                f"categorical cross-entropy needs one-hot columns (one 1, the rest 0; shape ({n_y}, {m})); "
                f"{bad_columns.size} column(s) are not, the first column {i}: {Y[:, i].tolist()[:10]}; "
                "integer labels convert with chainrule.losses.one_hot(labels, n_classes)"
            )
    return Y


def _check_finite(a: np.ndarray, name: str) -> None:
    finite = np.isfinite(a)
    if not finite.all():
        i, j = np.argwhere(~finite)[0]
        raise ChainruleError(
            f"{name} must be finite; it holds {(~finite).sum()} NaN or inf value(s), the first {a[i, j]} at [{i}, {j}]"
        )


def check_number(value: Any, name: str, low: float | None = None, high: float | None = None, *,
                 low_open: bool = False, high_open: bool = False, meaning: str = "") -> float:  # fmt: skip
    """``value`` as a float: a real finite number (Python or NumPy scalar, not a bool) in the interval given.

    The message names ``name``, the interval ("in [0, 1)", "> 0", ">= 0"), with ``meaning`` what it
    measures (as check_integer's), and the value given: "timeout must be a positive finite number (seconds); got inf".
    """
    if low is not None and high is not None:
        interval = f"in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    elif low is not None:
        interval = f"{'>' if low_open else '>='} {low:g}"
    elif high is not None:
        interval = f"{'<' if high_open else '<='} {high:g}"
    else:
        interval = "finite"
    given = value.item() if isinstance(value, np.generic) else value
    ok = not isinstance(value, bool | np.bool_) and isinstance(value, Real) and np.isfinite(value)  # type: ignore[call-overload]
    ok = ok and (low is None or (value > low if low_open else value >= low))
    ok = ok and (high is None or (value < high if high_open else value <= high))
    if not ok:
        what = {"> 0": "a positive finite number"}.get(interval, interval if interval.startswith("in ") else f"a finite number {interval}")
        raise ChainruleError(f"{name} must be {what}{f' ({meaning})' if meaning else ''}; got {given!r}")
    return float(value)


def check_integer(value: Any, name: str, minimum: int, meaning: str = "", *, maximum: int | None = None) -> int:
    """``value`` as an int from ``minimum`` (to ``maximum``, if given): a Python or NumPy integer, not a bool.

    The message names ``name``, what it must be (the range) and, with ``meaning``, what it counts:
    "m must be a positive integer (the number of examples); got 0", "m must be an integer from 20 to 2000; got 5".
    """
    integer = not isinstance(value, bool | np.bool_) and isinstance(value, Integral)
    if not integer or value < minimum or (maximum is not None and value > maximum):
        if maximum is not None:
            kind = f"an integer from {minimum} to {maximum}"
        else:
            kind = {0: "a non-negative integer", 1: "a positive integer"}.get(minimum, f"an integer >= {minimum}")
        raise ChainruleError(f"{name} must be {kind}{f' ({meaning})' if meaning else ''}; got {_given(value)}")
    return int(value)


def _given(value: Any) -> str:
    """The value a message quotes: its repr (a NumPy scalar's as the Python number's), cut to 60 characters."""
    text = repr(value.item() if isinstance(value, np.generic) else value)
    return text if len(text) <= 60 else text[:57] + "..."
