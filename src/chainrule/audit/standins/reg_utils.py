"""Stand-in for the course's reg_utils (course 2 week 1, regularization): plain activations; the data need the course's file."""

from chainrule.audit.standins._common import missing, needs_file, relu, sigmoid

load_2D_dataset = needs_file(__name__, "load_2D_dataset", "reads datasets/data.mat")
plot_decision_boundary = needs_file(__name__, "plot_decision_boundary", "draws a plot")

__all__ = ["load_2D_dataset", "plot_decision_boundary", "relu", "sigmoid"]
__getattr__ = missing(__name__)
