"""Pictures of a training run (matplotlib, the ``plot`` extra, imported only when a picture is drawn).

- ``cost_curves``: J per epoch on the training data and, where there is validation data, the
  validation cost at every evaluation;
- ``decision_boundary``: for 2-D inputs, the predicted class over the plane with the points;
- ``confusion_matrix``: for more than two classes, counts of (true class, predicted class);
- ``mislabeled_images``: for image data, the test images the network gets wrong.

Figures are drawn on ``matplotlib.figure.Figure`` objects (no pyplot, no global backend state)
and written as PNG files.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # for the annotations only: plots imports neither matplotlib nor the network before a picture is drawn
    from matplotlib.figure import Figure

    from chainrule.datasets import Dataset
    from chainrule.network import Network
    from chainrule.training import History


class PlotsUnavailableError(ImportError):
    """matplotlib is not installed."""


def _figure(width: float, height: float) -> Figure:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise PlotsUnavailableError("matplotlib is not installed: pip install 'chainrule[plot]'") from None
    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def cost_curves(history: History, path: str) -> str:
    """Training cost per epoch and validation cost per evaluation, against the epoch."""
    fig = _figure(6.4, 4.2)
    ax = fig.add_subplot()
    epochs = np.arange(history.first_epoch, history.first_epoch + len(history.costs))
    ax.plot(epochs, history.costs, label="training cost J", color="tab:blue")
    if history.val_costs:
        marker = "." if len(history.val_costs) < 60 else None
        ax.plot(history.epochs, history.val_costs, label="validation cost", color="tab:orange", marker=marker)
    if history.best_epoch is not None:
        ax.axvline(history.best_epoch, color="gray", linestyle=":", label=f"best epoch {history.best_epoch}")
    ax.set(xlabel="epoch (iteration with full batches)", ylabel="cost", title="Cost during training")
    if min(history.costs, default=1) > 0 and max(history.costs) / max(min(history.costs), 1e-300) > 50:
        ax.set_yscale("log")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.savefig(path)
    return path


def decision_boundary(net: Network, X: np.ndarray, labels: np.ndarray, path: str, title: str = "Decision boundary") -> str:
    """The predicted class over a grid covering X (2, m), with the examples coloured by their true class."""
    fig = _figure(5.6, 5.0)
    ax = fig.add_subplot()
    pad = 0.1 * (X.max(axis=1) - X.min(axis=1)) + 1e-9
    x0, x1 = np.meshgrid(np.linspace(X[0].min() - pad[0], X[0].max() + pad[0], 300),
                         np.linspace(X[1].min() - pad[1], X[1].max() + pad[1], 300))
    grid = np.vstack([x0.ravel(), x1.ravel()])
    predicted = net.predict(grid).reshape(x0.shape)
    ax.contourf(x0, x1, predicted, alpha=0.35, cmap="Spectral", levels=np.arange(predicted.max() + 2) - 0.5)
    ax.scatter(X[0], X[1], c=labels, cmap="Spectral", s=14, edgecolors="k", linewidths=0.3)
    ax.set(xlabel="x1", ylabel="x2", title=title)
    fig.savefig(path)
    return path


def confusion_counts(true: np.ndarray, predicted: np.ndarray, K: int) -> np.ndarray:
    """C[i, j] = number of examples of class i predicted as class j."""
    counts = np.zeros((K, K), dtype=int)
    np.add.at(counts, (true, predicted), 1)
    return counts


def confusion_matrix(net: Network, X: np.ndarray, labels: np.ndarray, classes: list[str], path: str,
                     title: str = "Confusion matrix") -> str:  # fmt: skip
    """Counts of (true, predicted) class as an annotated image."""
    counts = confusion_counts(labels, net.predict(X)[0], len(classes))
    fig = _figure(5.6, 5.0)
    ax = fig.add_subplot()
    image = ax.imshow(counts, cmap="Blues")
    for (i, j), n in np.ndenumerate(counts):
        ax.text(j, i, str(n), ha="center", va="center", fontsize=8, color="white" if n > counts.max() / 2 else "black")
    ax.set(xticks=range(len(classes)), yticks=range(len(classes)), xticklabels=classes, yticklabels=classes,
           xlabel="predicted class", ylabel="true class", title=f"{title} (accuracy {np.trace(counts) / counts.sum():.1%})")
    fig.colorbar(image, ax=ax, shrink=0.8)
    fig.savefig(path)
    return path


def mislabeled_images(net: Network, X: np.ndarray, labels: np.ndarray, classes: list[str], image_shape: tuple[int, ...],
                      normalization: dict[str, np.ndarray] | None, path: str, limit: int = 12) -> str:
    """Up to ``limit`` of the images in X (normalized columns) whose predicted class is wrong."""
    predicted = net.predict(X)[0]
    wrong = np.flatnonzero(predicted != labels)[:limit]
    columns = max(1, min(6, wrong.size))
    rows = max(1, -(-wrong.size // columns))
    fig = _figure(2.0 * columns, 2.3 * rows)
    if wrong.size == 0:
        fig.text(0.5, 0.5, "no mislabeled images", ha="center")
    raw = X * normalization["std"] + normalization["mean"] if normalization is not None else X
    for k, i in enumerate(wrong):
        ax = fig.add_subplot(rows, columns, k + 1)
        image = raw[:, i].reshape(image_shape)
        ax.imshow(np.clip(image / 255.0 if image.max() > 1 else image, 0, 1), interpolation="nearest")
        ax.set_title(f"predicted: {classes[predicted[i]]}\nclass: {classes[labels[i]]}", fontsize=8)
        ax.axis("off")
    fig.suptitle(f"Mislabeled images ({np.sum(predicted != labels)} of {labels.size})")
    fig.savefig(path)
    return path


def write_all(out: str, net: Network, data: Dataset, history: History) -> list[str]:
    """Every picture that fits the data, as PNGs in ``out``; the paths written. ``data`` is normalized."""
    written = [cost_curves(history, os.path.join(out, "cost.png"))]
    name, (X, labels) = _evaluation_split(data)
    if data.n_x == 2:
        written.append(decision_boundary(net, X, labels, os.path.join(out, "decision_boundary.png"),
                                         f"Decision boundary, {data.name} ({name} data)"))
    if data.n_classes > 2:
        written.append(confusion_matrix(net, X, labels, data.classes, os.path.join(out, "confusion_matrix.png"),
                                        f"{data.name}, {name} data"))
    if data.image_shape is not None:
        written.append(mislabeled_images(net, X, labels, data.classes, data.image_shape, data.normalization,
                                         os.path.join(out, "mislabeled.png")))
    return written


def _evaluation_split(data: Dataset) -> tuple[str, tuple[np.ndarray, np.ndarray]]:
    for name in ("test", "val", "train"):
        X = getattr(data, f"X_{name}")
        if X is not None:
            return name, (X, getattr(data, f"y_{name}"))
    raise AssertionError("a data set always has a training part")
