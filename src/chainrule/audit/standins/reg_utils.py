"""Stand-in for the course's reg_utils (course 2 week 1, regularization): the three-layer model's helpers.

``load_2D_dataset`` reads the course's datasets/data.mat, which the audit cannot supply.
"""

from chainrule.audit.standins._common import missing, needs_file, relu, sigmoid
from chainrule.audit.standins._course2_model import (
    backward_propagation,
    compute_cost,
    forward_propagation,
    predict,
    predict_dec,
)
from chainrule.audit.standins._course2_model import initialize_lecun as initialize_parameters
from chainrule.course.week4 import update_parameters

load_2D_dataset = needs_file(__name__, "load_2D_dataset", "reads datasets/data.mat")
plot_decision_boundary = needs_file(__name__, "plot_decision_boundary", "draws a plot")

__all__ = [
    "backward_propagation", "compute_cost", "forward_propagation", "initialize_parameters", "load_2D_dataset",
    "plot_decision_boundary", "predict", "predict_dec", "relu", "sigmoid", "update_parameters",
]  # fmt: skip
__getattr__ = missing(__name__)
