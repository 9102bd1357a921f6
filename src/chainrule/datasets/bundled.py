"""Data sets that ship inside scikit-learn (no download): breast cancer (2 classes) and digits (10)."""

from __future__ import annotations

import numpy as np

from chainrule.datasets.planar import _sklearn_datasets


def breast_cancer() -> tuple[np.ndarray, np.ndarray, list[str], list[str]]:
    """569 tumours, 30 features each: X (30, 569), labels 0 = malignant, 1 = benign."""
    data = _sklearn_datasets().load_breast_cancer()
    return data.data.T.astype(np.float64), data.target, [str(c) for c in data.target_names], list(data.feature_names)


def digits() -> tuple[np.ndarray, np.ndarray, list[str], list[str]]:
    """1797 handwritten digits of 8 × 8 pixels (values 0..16): X (64, 1797), labels 0..9."""
    data = _sklearn_datasets().load_digits()
    return data.data.T.astype(np.float64), data.target, [str(c) for c in data.target_names], list(data.feature_names)
