"""Stand-in for the course's init_utils (course 2 week 1, initialization): the circles data, predict, plain activations."""

from chainrule.audit.standins._common import missing, needs_file, relu, sigmoid
from chainrule.course.initialization import load_dataset, predict

plot_decision_boundary = needs_file(__name__, "plot_decision_boundary", "draws a plot")

__all__ = ["load_dataset", "plot_decision_boundary", "predict", "relu", "sigmoid"]
__getattr__ = missing(__name__)
