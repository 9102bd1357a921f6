"""Stand-in for the course's planar_utils (course 1 week 3): the flower data and a plain sigmoid."""

from chainrule.audit.standins._common import missing, needs_file, sigmoid
from chainrule.course.week3 import load_planar_dataset

plot_decision_boundary = needs_file(__name__, "plot_decision_boundary", "draws a plot")
load_extra_datasets = needs_file(__name__, "load_extra_datasets", "draws unseeded scikit-learn data sets")

__all__ = ["load_extra_datasets", "load_planar_dataset", "plot_decision_boundary", "sigmoid"]
__getattr__ = missing(__name__)
