"""chainrule: build, train and verify fully-connected networks in NumPy, in the course's notation.

    import chainrule as cr
    net = cr.Network([5, 4, 3, 1], activations=["relu", "relu", "sigmoid"], seed=0)
    AL, caches = net.forward(X)
    grads = net.backward(Y, caches, convention="loss")   # or "cost"
    print(cr.compare_conventions(net, X, Y))
    print(cr.gradcheck(net, X, Y))             # every gradient vs central differences, per tensor
    cr.explain(net, m=209)          # every equation with its shapes; Markdown with LaTeX in a notebook
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from chainrule.activations import ACTIVATIONS
from chainrule.conventions import CONVENTIONS, compare_conventions, derivative_of
from chainrule.divergence import DivergenceError
from chainrule.errors import ChainruleError
from chainrule.initializers import INITIALIZERS, initialize_parameters
from chainrule.losses import LOSSES, binary_cross_entropy, cost
from chainrule.network import History, Network, backward, forward
from chainrule.version import __version__ as __version__

if TYPE_CHECKING:  # the tools, loaded on first use (below); named here for type checkers
    from chainrule.audit import audit
    from chainrule.explain import explain
    from chainrule.gradcheck import GradcheckReport, gradcheck


# The tools built on the core, each imported when first used: `import chainrule` loads the core only (no
# subprocess or multiprocessing, which the audit's sandbox needs), and `chainrule.audit(...)` still works.
TOOLS = {  # public name: the module that defines it
    "audit": "chainrule.audit",
    "explain": "chainrule.explain",
    "gradcheck": "chainrule.gradcheck",
    "GradcheckReport": "chainrule.gradcheck",
}


def __getattr__(name: str) -> Any:
    """A tool's public name (``TOOLS``), from its module imported now; bound here so that this runs once per name."""
    if name not in TOOLS:
        raise AttributeError(f"module 'chainrule' has no attribute {name!r}")
    value = getattr(importlib.import_module(TOOLS[name]), name)
    globals()[name] = value
    return value


class _Package(types.ModuleType):
    """chainrule's module type: a submodule named as its function (audit, explain, gradcheck) leaves the function bound.

    Importing ``chainrule.explain`` binds the attribute ``explain`` of the package to the submodule (the
    import system's ``setattr``); here that binds the submodule's function of the same name instead, so
    that ``chainrule.explain(net)`` is the function whichever was imported first.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and TOOLS.get(name) == value.__name__:
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext chainrule`` in Jupyter: the ``%audit`` magic (``chainrule.ipython``; IPython is not imported here)."""
    from chainrule.ipython import load_ipython_extension as load

    load(ipython)


__all__ = [
    "ACTIVATIONS",
    "CONVENTIONS",
    "INITIALIZERS",
    "LOSSES",
    "ChainruleError",
    "DivergenceError",
    "GradcheckReport",
    "History",
    "Network",
    "audit",
    "backward",
    "binary_cross_entropy",
    "compare_conventions",
    "cost",
    "derivative_of",
    "explain",
    "forward",
    "gradcheck",
    "initialize_parameters",
    "load_ipython_extension",
]
