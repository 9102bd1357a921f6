"""chainrule: build, train and verify fully-connected networks in NumPy, in the course's notation.

    import chainrule as cr
    net = cr.Network([5, 4, 3, 1], activations=["relu", "relu", "sigmoid"], seed=0)
    AL, caches = net.forward(X)
    grads = net.backward(Y, caches, convention="loss")   # or "cost"
    print(cr.compare_conventions(net, X, Y))
    print(cr.gradcheck(net, X, Y))             # every gradient vs central differences, per tensor
    cr.explain(net, m=209)          # every equation with its shapes; Markdown with LaTeX in a notebook
"""

from chainrule.activations import ACTIVATIONS
from chainrule.audit import audit
from chainrule.conventions import CONVENTIONS, compare_conventions, derivative_of
from chainrule.divergence import DivergenceError
from chainrule.errors import ChainruleError
from chainrule.explain import explain
from chainrule.gradcheck import GradcheckReport, gradcheck
from chainrule.initializers import INITIALIZERS, initialize_parameters
from chainrule.losses import LOSSES, binary_cross_entropy, cost
from chainrule.network import History, Network, backward, forward

__version__ = "0.1.0"


def load_ipython_extension(ipython) -> None:
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
