"""What the stand-ins share: the plain activations of the course's later helper files, and clear errors."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import numpy as np

from chainrule import activations as _g
from chainrule.errors import ChainruleError


def sigmoid(x: Any) -> Any:
    """s = σ(x), an array of x's shape (planar_utils, gc_utils, init_utils, reg_utils, opt_utils: no cache)."""
    return _g.sigmoid(np.asarray(x, dtype=float))


def relu(x: Any) -> Any:
    """s = max(0, x) (gc_utils, init_utils, reg_utils, opt_utils: no cache)."""
    return _g.relu(np.asarray(x, dtype=float))


def _short(module: str) -> str:
    return module.rsplit(".", 1)[-1]  # "gc_utils", also when imported as chainrule.audit.standins.gc_utils


def beside(module: str) -> str:
    return f"put the course's {_short(module)}.py beside your file"


def missing(module: str) -> Callable[[str], Any]:
    """The module's ``__getattr__``: a name the stand-in lacks is an AttributeError naming the file to put beside."""

    def __getattr__(name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise AttributeError(f"{name} is not among chainrule's stand-ins for the course's {_short(module)}: {beside(module)}")

    return __getattr__


def needs_file(module: str, name: str, what: str) -> Callable[..., Any]:
    """A course function that needs what the audit cannot supply (a plot window, the course's data files)."""

    def function(*args: Any, **kwargs: Any) -> Any:
        raise ChainruleError(f"{_short(module)}.{name} {what}: chainrule's stand-in cannot run it; {beside(module)}")

    function.__name__ = name
    return function


def course_h5(stem: str) -> tuple:
    """(train_x_orig, train_y, test_x_orig, test_y, classes) from datasets/train_<stem>.h5, as lr_utils and dnn_app_utils."""
    from chainrule.course.week4_app import load_data

    if not os.path.isdir("datasets"):
        raise ChainruleError(f"loading the {stem} data needs the course's datasets/ folder beside your file; not found")
    return load_data("datasets")
