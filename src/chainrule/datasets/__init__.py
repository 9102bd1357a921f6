"""Data sets by name, with seeded splits and a standardization fitted on the training part.

=====================  ===========================================================  =======================
name                   what                                                          splits by default
=====================  ===========================================================  =======================
flower                 the course's week-3 petals, 400 points (generated here)       train only (the course)
circles                the course's initialization data: 300 train (seed 1),         train 300 / test 100
                       100 test (seed 2), make_circles noise 0.05
moons                  the course's optimization data: 300 points (seed 3)           train only (the course)
blobs                  six blobs, labels by parity (week-3 extra set)                 train only
gaussian_quantiles     a Gaussian cut by a quantile (week-3 extra set)                train only
spiral, xor            two spiral arms, the exclusive or (400 points each, seed 0)   train only
cat                    cat vs non-cat, 64 × 64 × 3 images from the course's .h5      train 209 / test 50
                       files in ``data_dir`` (pixels / 255)
breast_cancer          scikit-learn's bundled Wisconsin data, 30 features, 2 classes  70 / 10 / 20 %
digits                 scikit-learn's bundled 8 × 8 digits, 64 features, 10 classes  70 / 10 / 20 %
FILE.csv / FILE.npz    the user's table, labels in the column ``label``              70 / 10 / 20 %
=====================  ===========================================================  =======================

The planar sets are used as the course uses them (no standardization); the tables are
standardized with the training part's mean and std; images are divided by 255.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import numpy as np

from chainrule.datasets import bundled, files
from chainrule.datasets.catvnoncat import read_catvnoncat
from chainrule.datasets.dataset import Dataset, apply_normalization, fit_standardization, prepare
from chainrule.datasets.planar import blobs, circles, flower, gaussian_quantiles, moons, spiral, xor
from chainrule.errors import ChainruleError

PLANAR: dict[str, Callable[[], tuple[np.ndarray, np.ndarray]]] = {
    "flower": flower, "moons": moons, "blobs": blobs, "gaussian_quantiles": gaussian_quantiles, "spiral": spiral, "xor": xor,
}
TABLES = {"breast_cancer": bundled.breast_cancer, "digits": bundled.digits}
NAMES = ("flower", "circles", "moons", "blobs", "gaussian_quantiles", "spiral", "xor", "cat", "breast_cancer", "digits")


def load_dataset(
    name: str,
    *,
    data_dir: str | None = None,
    label: str | None = None,
    val_fraction: float | None = None,
    test_fraction: float | None = None,
    seed: int = 0,
) -> Dataset:
    """The data set ``name`` (see the table above) or the CSV / .npz file at path ``name``, split and normalized.

    ``val_fraction`` and ``test_fraction`` override the default splits (a data set with its own
    test set keeps it); ``seed`` seeds the permutation that makes the splits.
    """
    if name == "circles":
        X, y = circles(300, seed=1)
        X_test, y_test = circles(100, seed=2)
        return prepare(name, X, y[0], classes=["0", "1"], val_fraction=val_fraction or 0.0, test=(X_test, y_test[0]),
                       seed=seed, standardize=False)
    if name in PLANAR:
        X, y = PLANAR[name]()
        return prepare(name, X, y[0], classes=["0", "1"], val_fraction=val_fraction or 0.0,
                       test_fraction=test_fraction or 0.0, seed=seed, standardize=False)
    if name == "cat":
        return _cat(data_dir, val_fraction or 0.0, seed)
    if name in TABLES:
        X, y, classes, features = TABLES[name]()
    elif name.lower().endswith((".csv", ".npz")):
        if name.lower().endswith(".csv"):
            X, y, classes, features = files.load_csv(name, label or "label")
        else:
            X, y, classes, features = files.load_npz(name, label or "y")
        if len(classes) < 2:
            raise ChainruleError(f"{name!r}: the label column holds one class only ({classes}); need at least 2")
    else:
        raise ChainruleError(f"unknown data set {name!r}; expected one of {', '.join(NAMES)} or a path ending in .csv or .npz")
    return prepare(
        os.path.basename(name), X, np.asarray(y), classes=classes, feature_names=features,
        val_fraction=0.1 if val_fraction is None else val_fraction,
        test_fraction=0.2 if test_fraction is None else test_fraction, seed=seed,
    )


def _cat(data_dir: str | None, val_fraction: float, seed: int) -> Dataset:
    if data_dir is None:
        raise ChainruleError("the cat data needs --data-dir: the folder holding train_catvnoncat.h5 and test_catvnoncat.h5")
    train_x_orig, train_y, test_x_orig, test_y, classes = read_catvnoncat(data_dir)
    X = train_x_orig.reshape(train_x_orig.shape[0], -1).T.astype(np.float64)
    X_test = test_x_orig.reshape(test_x_orig.shape[0], -1).T.astype(np.float64)
    pixels = {"mean": np.zeros((X.shape[0], 1)), "std": np.full((X.shape[0], 1), 255.0)}  # x / 255, as the course
    names = [c.decode() if isinstance(c, bytes) else str(c) for c in classes]
    return prepare("cat", X, train_y.reshape(-1), classes=names, val_fraction=val_fraction, test=(X_test, test_y.reshape(-1)),
                   seed=seed, standardize=pixels, image_shape=tuple(train_x_orig.shape[1:]))


__all__ = [
    "NAMES",
    "Dataset",
    "apply_normalization",
    "blobs",
    "circles",
    "fit_standardization",
    "flower",
    "gaussian_quantiles",
    "load_dataset",
    "moons",
    "prepare",
    "spiral",
    "xor",
]
