"""Stand-in for the course's lr_utils (course 1 week 2): the cat data from datasets/*.h5."""

from chainrule.audit.standins._common import course_h5, missing


def load_dataset() -> tuple:
    """(train_set_x_orig, train_set_y, test_set_x_orig, test_set_y, classes) from datasets/train_catvnoncat.h5, test_catvnoncat.h5."""
    return course_h5("catvnoncat")


__all__ = ["load_dataset"]
__getattr__ = missing(__name__)
