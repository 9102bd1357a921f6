"""Stand-in for the course's dnn_app_utils_v3 (course 1 week 4, the application): the step-by-step functions, solved.

As the course's file: ``initialize_parameters_deep`` divides by √n[l-1] (seed 1), ``L_model_backward``
stores dA_prev of layer l as ``grads["dA" + str(l - 1)]``, ``load_data`` reads ``datasets/*.h5``.
"""

from chainrule.audit.standins._common import course_h5, missing, needs_file
from chainrule.course.week4 import (
    L_model_backward,
    L_model_forward,
    compute_cost,
    initialize_parameters,
    linear_activation_backward,
    linear_activation_forward,
    linear_backward,
    linear_forward,
    relu,
    relu_backward,
    sigmoid,
    sigmoid_backward,
    update_parameters,
)
from chainrule.course.week4_app import initialize_parameters_deep, predict


def load_data() -> tuple:
    """(train_x_orig, train_y, test_x_orig, test_y, classes) from datasets/train_catvnoncat.h5 and test_catvnoncat.h5."""
    return course_h5("catvnoncat")


print_mislabeled_images = needs_file(__name__, "print_mislabeled_images", "draws a plot")

__all__ = [
    "L_model_backward", "L_model_forward", "compute_cost", "initialize_parameters", "initialize_parameters_deep",
    "linear_activation_backward", "linear_activation_forward", "linear_backward", "linear_forward", "load_data",
    "predict", "print_mislabeled_images", "relu", "relu_backward", "sigmoid", "sigmoid_backward", "update_parameters",
]  # fmt: skip
__getattr__ = missing(__name__)
