"""What an audited function is: its ``FunctionSpec``, the ``Case`` calls made of it, and the readers of what it returns.

The vocabulary that ``functions`` (the course's backward and forward functions, and the table
``SPECS`` of every audited function) and the spec modules of ``audit.specs`` are written in: they
import it from here, and ``functions`` gathers them, so neither imports the other's registry.

A ``FunctionSpec`` says how to call the learner's function on the probe networks (``cases``), how
to read its return value into named arrays (``read``) and in which order to look for the first
wrong one: backward order from the output for backward functions, forward order for forward ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from chainrule.audit.reference import Chain, Variant
from chainrule.audit.report import Finding

Arrays = dict[str, np.ndarray]  # key → array: a backward pass's grads, a forward pass's Z and A
Value = np.ndarray | float  # what a call should return under a key: an array, or a number (a cost, n_x, a difference)
Expected = Mapping[str, Value]  # key → value, as the learner's function should return it
Reader = Callable[[Any], tuple[dict[str, Any], str | None]]  # value → (key → array, a note on its structure)


@dataclass
class Case:
    """One call of the learner's function: its arguments, the expected arrays per convention, and the variants'.

    expected: convention → key → value ("" for forward functions, which have no convention; the
    specs of ``audit.specs``: a version's label when the course's versions differ, else "").
    variants: label → (the Variant, convention → key → value).
    """

    label: str
    m: int
    consistent: bool
    args: tuple[Any, ...]
    expected: dict[str, Expected]
    variants: dict[str, tuple[Variant, dict[str, Expected]]] = field(default_factory=dict)
    prefix: str = ""  # put before the names ``read`` gives, e.g. "relu: " for linear_activation_backward
    chain: Chain | None = None  # the backward problem (backward functions)
    key_map: dict[str, str] = field(default_factory=dict)  # the spec's key → the chain's, e.g. "relu: dW" → "dW1"
    dims: tuple[int, ...] = ()  # [n[0], …, n[L]] of the problem, to state a product's expected shapes


@dataclass(frozen=True)
class Naming:
    """A notebook version's own names for returned arrays (``versions``): the learner's key → the audit's key.

    It applies to what a function returned when every key it renames is there and none of the
    audit's own keys that only the other naming has (``absent``).
    """

    version: str
    rename: dict[str, str]
    absent: tuple[str, ...]

    def applies(self, keys: set[str]) -> bool:
        return set(self.rename) <= keys and not keys & set(self.absent)


@dataclass
class FunctionSpec:
    name: str
    signature: str
    kind: str  # "backward", "forward", or "result" (an initialization, an update, a check: its results in order)
    keys: list[str]
    read: Reader
    build: Callable[[], list[Case]]
    returns: str | None = None  # the order of a returned tuple, e.g. "(dA_prev, dW, db)"
    seed: int | None = None  # np.random.seed(seed) before every call, as the course's tests seed before calling
    stubs: dict[str, str] = field(default_factory=dict)  # name → source of a function its calls use instead of the file's
    summary: str = ""  # what the function computes, stated in a correct verdict
    recognise: Callable[[list[Finding]], str | None] | None = None  # findings → a sentence naming a known pattern, for a wrong verdict
    recognised_is_given: bool = False  # the recognised pattern is the course's own code as handed out (FunctionAudit.as_given)
    namings: tuple[Naming, ...] = ()  # older versions' names for the same arrays
    # its key in SPECS: the name, or the signature when an earlier spec has the name (``functions.register`` sets it)
    key: str = field(default="", init=False, compare=False)
    _built: list[Case] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.key = self.name

    @property
    def parameters(self) -> tuple[str, ...]:
        inside = self.signature.split("(", 1)[1].rstrip(")")
        return tuple(p.strip() for p in inside.split(",") if p.strip())

    @property
    def arity(self) -> int:
        return len(self.parameters)

    def cases(self) -> list[Case]:
        """The calls the audit makes, built once (``build``)."""
        if self._built is None:
            self._built = build(self)
        return self._built


def build(spec: FunctionSpec) -> list[Case]:
    """The spec's cases, leaving NumPy's global generator as it was: the course's functions that compute the
    expected values seed it (np.random.seed(3) …), and the audit must not change a notebook's random numbers."""
    state = np.random.get_state()
    try:
        return spec.build()
    finally:
        np.random.set_state(state)


# ---- readers: the learner's return value as named arrays ---------------------------------------------


def read_dict(value: Any) -> tuple[dict[str, Any], str | None]:
    if isinstance(value, dict):
        return dict(value), None
    return {}, f"returned {what(value)}, not a dict of gradients"


def read_tuple(*names: str) -> Reader:
    def read(value: Any) -> tuple[dict[str, Any], str | None]:
        if isinstance(value, tuple | list):
            note = None if len(value) == len(names) else f"returned {len(value)} values; expected {len(names)}: ({', '.join(names)})"
            return dict(zip(names, value, strict=False)), note
        return {}, f"returned {what(value)}; expected a tuple ({', '.join(names)})"

    return read


def what(value: Any) -> str:
    """A returned value in words, for a note: "None (is a return statement missing?)", "one array of shape (3, 1)", "a str"."""
    if value is None:
        return "None (is a return statement missing?)"
    if isinstance(value, np.ndarray):
        return f"one array of shape {value.shape}"
    return f"a {type(value).__name__}"
