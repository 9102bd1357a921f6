"""The course's cat vs non-cat images: ``train_catvnoncat.h5`` and ``test_catvnoncat.h5`` as the course ships them.

Read here, in the data layer, so that ``datasets`` needs nothing of ``course``; the course's own
``load_data`` (``chainrule.course.week4_app``) returns what this returns.
"""

from __future__ import annotations

import os

import numpy as np

from chainrule.errors import ChainruleError


def read_catvnoncat(path: str = "datasets") -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(train_x_orig, train_y, test_x_orig, test_y, classes) from the folder holding the .h5 files.

    Images are (m, 64, 64, 3) uint8; labels (1, m). Needs h5py (``pip install chainrule[data]``).
    """
    try:
        import h5py
    except ImportError:  # pragma: no cover - depends on the installation
        raise ChainruleError("loading the cat data needs h5py: pip install 'chainrule[data]'") from None
    files = {name: os.path.join(path, f"{name}_catvnoncat.h5") for name in ("train", "test")}
    for name, file in files.items():
        if not os.path.isfile(file):
            raise ChainruleError(f"expected the {name} file {file!r} (from the course's datasets folder); not found")
    with h5py.File(files["train"], "r") as train, h5py.File(files["test"], "r") as test:
        train_x_orig = np.array(train["train_set_x"][:])
        train_y = np.array(train["train_set_y"][:]).reshape(1, -1)
        test_x_orig = np.array(test["test_set_x"][:])
        test_y = np.array(test["test_set_y"][:]).reshape(1, -1)
        classes = np.array(test["list_classes"][:])
    return train_x_orig, train_y, test_x_orig, test_y, classes
