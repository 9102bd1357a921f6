"""Stand-in for the course's gc_utils (course 2 week 1, gradient checking): plain activations and the vector helpers."""

from chainrule.audit.standins._common import missing, relu, sigmoid
from chainrule.course.gradient_checking import dictionary_to_vector, gradients_to_vector, vector_to_dictionary

__all__ = ["dictionary_to_vector", "gradients_to_vector", "relu", "sigmoid", "vector_to_dictionary"]
__getattr__ = missing(__name__)
