"""A data set ready for a network: seeded train / validation / test splits and the input normalization.

Features are kept raw, (n_x, m) with one example per column, and labels as integers 0..K−1. The
normalization (mean, std) of each feature is fitted on the training part only and applied to
every part by ``standardized``; a network saved after training keeps it, so that ``evaluate``
and ``predict`` apply exactly the same transformation to new data.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal, overload

import numpy as np

from chainrule.errors import ChainruleError
from chainrule.losses import one_hot
from chainrule.validation import check_number

SPLITS = ("train", "val", "test")


@dataclass
class Dataset:
    """Raw features X_* (n_x, m) and integer labels y_* (m,) of each split; None where a split is absent."""

    name: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray | None = None
    y_val: np.ndarray | None = None
    X_test: np.ndarray | None = None
    y_test: np.ndarray | None = None
    classes: list[str] = field(default_factory=lambda: ["0", "1"])
    normalization: dict[str, np.ndarray] | None = None  # {"mean": (n_x, 1), "std": (n_x, 1)}, fitted on X_train
    image_shape: tuple[int, ...] | None = None
    feature_names: list[str] | None = None

    @property
    def n_x(self) -> int:
        return self.X_train.shape[0]

    @property
    def n_classes(self) -> int:
        return len(self.classes)

    @property
    def n_y(self) -> int:
        """1 (a sigmoid unit) for two classes, else one softmax unit per class."""
        return 1 if self.n_classes == 2 else self.n_classes

    @property
    def output_activation(self) -> str:
        return "sigmoid" if self.n_classes == 2 else "softmax"

    def targets(self, y: np.ndarray) -> np.ndarray:
        """Labels as a network's Y: (1, m) of 0/1 for two classes, one-hot (K, m) otherwise."""
        return y.reshape(1, -1).astype(np.float64) if self.n_classes == 2 else one_hot(y, self.n_classes)

    @overload
    def split(self, name: Literal["train"]) -> tuple[np.ndarray, np.ndarray]: ...  # every data set has a training split
    @overload
    def split(self, name: str) -> tuple[np.ndarray, np.ndarray] | None: ...
    def split(self, name: str) -> tuple[np.ndarray, np.ndarray] | None:
        """(X, Y) of "train", "val" or "test" in the network's format; None if absent."""
        X, y = getattr(self, f"X_{name}"), getattr(self, f"y_{name}")
        return None if X is None else (X, self.targets(y))

    def standardized(self, normalization: dict[str, np.ndarray] | None = None) -> Dataset:
        """A copy whose every X is (X − mean) / std, with ``normalization`` or the data set's own."""
        normalization = self.normalization if normalization is None else normalization
        if normalization is None:
            return self
        changes: dict[str, Any] = {f"X_{name}": apply_normalization(getattr(self, f"X_{name}"), normalization)
                                   for name in SPLITS if getattr(self, f"X_{name}") is not None}
        return replace(self, **changes)

    def summary(self) -> str:
        sizes = ", ".join(f"{name} {getattr(self, f'X_{name}').shape[1]}" for name in SPLITS if getattr(self, f"X_{name}") is not None)
        return f"{self.name}: n_x = {self.n_x}, {self.n_classes} classes, {sizes}"


def apply_normalization(X: np.ndarray, normalization: dict[str, np.ndarray]) -> np.ndarray:
    """(X − mean) / std, feature by feature."""
    if X.shape[0] != normalization["mean"].shape[0]:
        raise ChainruleError(f"the normalization is for {normalization['mean'].shape[0]} features; X has {X.shape[0]} rows")
    return (X - normalization["mean"]) / normalization["std"]


def fit_standardization(X_train: np.ndarray) -> dict[str, np.ndarray]:
    """mean and std (n_x, 1) of each feature over the training examples; a constant feature gets std 1."""
    mean = X_train.mean(axis=1, keepdims=True)
    std = X_train.std(axis=1, keepdims=True)
    return {"mean": mean, "std": np.where(std > 0, std, 1.0)}


def prepare(
    name: str,
    X: np.ndarray,
    y: np.ndarray,
    *,
    classes: list[str],
    val_fraction: float = 0.0,
    test_fraction: float = 0.0,
    test: tuple[np.ndarray, np.ndarray] | None = None,
    seed: int = 0,
    standardize: bool | dict[str, np.ndarray] = True,
    **extra: Any,
) -> Dataset:
    """Split (X, y) by a permutation from ``np.random.default_rng(seed)``: test part (unless ``test``
    is given), then validation part, the rest for training; fit the standardization on the training part.

    ``standardize`` may be a fixed normalization instead (e.g. mean 0, std 255 for 8-bit images).
    """
    val_fraction = check_number(val_fraction, "val_fraction", 0, 1, high_open=True)
    test_fraction = check_number(test_fraction, "test_fraction", 0, 1, high_open=True)
    if val_fraction + test_fraction >= 1:
        raise ChainruleError(f"val_fraction + test_fraction must be below 1; got {val_fraction} + {test_fraction}")
    m = X.shape[1]
    order = np.random.default_rng(seed).permutation(m)
    n_test = 0 if test is not None else round(test_fraction * m)
    n_val = round(val_fraction * m)
    parts = {"test": order[:n_test], "val": order[n_test:n_test + n_val], "train": order[n_test + n_val:]}
    parts = {part: np.sort(index) for part, index in parts.items()}  # each part keeps the original order
    if parts["train"].size == 0:
        raise ChainruleError(f"no training examples left after the splits of {m} examples")
    data: dict[str, Any] = {}
    for part, index in parts.items():
        if index.size:
            data[f"X_{part}"], data[f"y_{part}"] = X[:, index], y[index]
    if test is not None:
        data["X_test"], data["y_test"] = test
    normalization: dict[str, np.ndarray] | None
    if isinstance(standardize, dict):
        normalization = standardize
    else:
        normalization = fit_standardization(data["X_train"]) if standardize else None
    return Dataset(name=name, classes=classes, normalization=normalization, **data, **extra)
