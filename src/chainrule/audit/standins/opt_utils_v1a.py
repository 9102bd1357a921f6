"""Stand-in for the course's opt_utils_v1a (course 2 week 2, optimization, 2020+): the moons data, plain activations."""

from chainrule.audit.standins._common import missing, needs_file, relu, sigmoid
from chainrule.course.optimization import load_dataset

plot_decision_boundary = needs_file(__name__, "plot_decision_boundary", "draws a plot")

__all__ = ["load_dataset", "plot_decision_boundary", "relu", "sigmoid"]
__getattr__ = missing(__name__)
