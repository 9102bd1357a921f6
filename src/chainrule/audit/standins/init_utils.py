"""Stand-in for the course's init_utils (course 2 week 1, initialization): the circles data and the model's helpers."""

from chainrule.audit.standins._common import missing, needs_file, relu, sigmoid
from chainrule.audit.standins._course2_model import backward_propagation, forward_propagation, predict_dec
from chainrule.audit.standins._course2_model import compute_cost as compute_loss
from chainrule.course.initialization import load_dataset, predict
from chainrule.course.week4 import update_parameters

plot_decision_boundary = needs_file(__name__, "plot_decision_boundary", "draws a plot")

__all__ = [
    "backward_propagation", "compute_loss", "forward_propagation", "load_dataset", "plot_decision_boundary",
    "predict", "predict_dec", "relu", "sigmoid", "update_parameters",
]  # fmt: skip
__getattr__ = missing(__name__)
