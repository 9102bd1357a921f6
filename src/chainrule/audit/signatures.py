"""Which audited function a definition is: its name AND its signature.

Two course functions can share a name: week 3's ``forward_propagation(X, parameters)`` and course
2's 1-D ``forward_propagation(x, theta)``; week 2's ``predict(w, b, X)`` and week 3's
``predict(parameters, X)``. A definition matches a spec when it can be called with the spec's
arguments, positionally: no more required parameters than the spec passes, and room for all of
them (extra parameters with defaults, such as ``linear_activation_backward(dA, cache,
activation, Y=None)``, are left at their defaults). Among the specs it can be called as, the one
whose parameter names agree most with the definition's wins (exact names first, then the names
without case). A course name that fits none is *not audited*, and the reason says why.

``of_ast`` reads a ``def`` from a file without running it; ``of_callable`` reads a function object.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Parameters:
    """A definition's positional parameters in order, how many have no default, and whether it takes *args."""

    names: tuple[str, ...]
    required: int
    varargs: bool = False
    keyword_only_required: tuple[str, ...] = ()

    def accepts(self, count: int) -> bool:
        """Whether a call with ``count`` positional arguments (and no keywords) binds."""
        return not self.keyword_only_required and self.required <= count and (count <= len(self.names) or self.varargs)

    def __str__(self) -> str:
        names = [*self.names[: self.required], *(f"{n}=…" for n in self.names[self.required :])]
        return "(" + ", ".join(names + (["*args"] if self.varargs else [])) + ")"


def of_ast(node: ast.FunctionDef | ast.AsyncFunctionDef) -> Parameters:
    args = node.args
    positional = [a.arg for a in (*args.posonlyargs, *args.args)]
    kw_required = tuple(a.arg for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is None)
    return Parameters(tuple(positional), len(positional) - len(args.defaults), args.vararg is not None, kw_required)


def of_callable(function: Callable[..., Any]) -> Parameters | None:
    """The parameters of a function object; None when Python cannot tell (a builtin)."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return None
    kinds = inspect.Parameter
    positional = [p for p in signature.parameters.values() if p.kind in (kinds.POSITIONAL_ONLY, kinds.POSITIONAL_OR_KEYWORD)]
    required = sum(p.default is kinds.empty for p in positional)
    varargs = any(p.kind is kinds.VAR_POSITIONAL for p in signature.parameters.values())
    kw_required = tuple(p.name for p in signature.parameters.values() if p.kind is kinds.KEYWORD_ONLY and p.default is kinds.empty)
    return Parameters(tuple(p.name for p in positional), required, varargs, kw_required)


def _agreement(defined: Parameters, expected: tuple[str, ...]) -> tuple[int, int]:
    exact = sum(a == b for a, b in zip(defined.names, expected, strict=False))
    loose = sum(a.lower() == b.lower() for a, b in zip(defined.names, expected, strict=False))
    return exact, loose


def match(name: str, defined: Parameters | None, specs: Iterable[Any]) -> tuple[Any | None, str]:
    """(the spec ``name`` with ``defined`` parameters is audited as, "") or (None, why it is not audited).

    ``specs`` are the FunctionSpecs of that name (each with ``parameters`` and ``signature``).
    """
    candidates = list(specs)
    if defined is None:
        return (candidates[0], "") if len(candidates) == 1 else (None, f"Python cannot read the parameters of {name}")
    fits = [spec for spec in candidates if defined.accepts(len(spec.parameters))]
    if not fits:
        known = " or ".join(spec.signature for spec in candidates)
        return None, f"it is defined as {name}{defined}, which cannot be called as the course's {known}"
    return max(fits, key=lambda spec: _agreement(defined, spec.parameters)), ""


def order(defined: Parameters, expected: tuple[str, ...]) -> tuple[int, ...] | None:
    """When the definition takes the course's arguments under their names but in another order
    (``predict(X, parameters)`` for ``predict(parameters, X)``): for each of its positions, the index
    of the course's argument that belongs there. None when the order is the course's."""
    names = defined.names[: len(expected)]
    if names == expected or sorted(names) != sorted(expected):
        return None
    return tuple(expected.index(name) for name in names)


# functions the notebooks hand to learners ready-made, under a course name: (name, first parameters) → what they are
GIVEN = {
    ("model", ("X", "Y")): "course 2's model(X, Y, …), the notebook's own training loop",
    ("backward_propagation", ("X", "Y", "cache")):
        "course 2's backward_propagation(X, Y, cache), a helper of init_utils / reg_utils / opt_utils",
    ("initialize_parameters", ("layer_dims",)): "course 2's initialize_parameters(layer_dims), a helper of reg_utils / opt_utils",
}


def given(name: str, defined: Parameters | None) -> str:
    """What the definition is, when it is the course's own code under an audited name; else ""."""
    if defined is None:
        return ""
    for (given_name, first), what in GIVEN.items():
        if name == given_name and defined.names[: len(first)] == first:
            return what
    return ""
