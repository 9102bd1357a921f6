"""Stand-in for the course's opt_utils_v1a (course 2 week 2, optimization, 2020+): the moons data and the model's helpers.

As that file: ``backward_propagation`` in the "cost" convention (dz3 = (1/m)(a3 − Y), keys dz3, da2 …),
``compute_cost`` the sum of the losses (the model averages per epoch), He initialization (seed 3).
"""

from chainrule.audit.standins._common import missing, needs_file, relu, sigmoid
from chainrule.audit.standins._course2_model import backward_propagation_cost as backward_propagation
from chainrule.audit.standins._course2_model import compute_cost_total as compute_cost
from chainrule.audit.standins._course2_model import forward_propagation, load_params_and_grads, predict, predict_dec
from chainrule.course.initialization import initialize_parameters_he as initialize_parameters  # opt_utils' own: He, seed 3
from chainrule.course.optimization import load_dataset

plot_decision_boundary = needs_file(__name__, "plot_decision_boundary", "draws a plot")
load_2D_dataset = needs_file(__name__, "load_2D_dataset", "reads datasets/data.mat")

__all__ = [
    "backward_propagation", "compute_cost", "forward_propagation", "initialize_parameters", "load_2D_dataset",
    "load_dataset", "load_params_and_grads", "plot_decision_boundary", "predict", "predict_dec", "relu", "sigmoid",
]  # fmt: skip
__getattr__ = missing(__name__)
