"""What the separate process reports about the learner's code, as the audit reads it (JSON objects).

The worker (``chainrule.audit.worker``) writes them, ``sandbox`` reads them back and ``diagnose``
turns them into findings. A NumPy array in a returned value travels beside the JSON
(``chainrule.audit.codec``); a call's ``value`` is decoded before the audit sees it.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

Shape = list[int]


class Product(TypedDict):
    """One matrix product on the line that raised: its text and its two operands as [text, shape] (shape null when unknown)."""

    text: str
    operands: list[tuple[str, Shape | None]]  # a JSON array of two [text, shape] pairs once it has travelled


class Products(TypedDict):
    """The products of the line that raised (``shapes.products``), with the name the line assigns."""

    target: str | None
    products: list[Product]


class CallError(TypedDict):
    """An exception the learner's code raised: its type, message, and the deepest line of their own file it passed."""

    type: str
    message: str
    file: str | None
    line: int | None
    code: str | None
    products: NotRequired[Products | None]  # a ValueError: the shapes of the line's products
    location: NotRequired[str]  # the place as the learner sees it ("cell 14, line 6"), added by the audit


class Call(TypedDict, total=False):
    """One call's outcome: ``value`` (what it returned) or ``error``."""

    value: Any
    error: CallError


# A top-level statement of the file that raised (executed one by one, it is skipped and the audit goes on): the
# exception, where the statement starts, and for an import the names it was to bind. ("import" is a keyword:
# the functional form.)
Skipped = TypedDict(
    "Skipped",
    {"type": str, "message": str, "file": str | None, "line": int, "code": str | None, "column": int,
     "products": NotRequired[Products | None], "import": NotRequired[list[str]]},
)  # fmt: skip


class Stopped(TypedDict):
    """A top-level statement that never ended or ended the process: left out of the later runs."""

    line: int
    column: int
    kind: str  # "timeout" or "crash"
    message: str
