"""What ``train``, ``evaluate`` and ``predict`` share: results per split as JSON-able values, and reading a table of inputs."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from chainrule.datasets import Dataset, apply_normalization
from chainrule.datasets.files import read_csv
from chainrule.errors import ChainruleError
from chainrule.losses import cost as mean_cost
from chainrule.network import Network


def split_results(net: Network, data: Dataset) -> dict[str, Any]:
    """train_accuracy, val_accuracy, test_accuracy (None where there is no such split), cost (J of the
    final parameters on the training split, no L2 term), val_cost and test_cost; ``data`` already normalized."""
    results: dict[str, Any] = {}
    for name in ("train", "val", "test"):
        split = data.split(name)
        if split is None:
            results[f"{name}_accuracy"] = results[f"{name}_cost"] = None
            continue
        X, Y = split
        AL = net.predict_proba(X)
        results[f"{name}_accuracy"] = net.accuracy(X, Y)
        results[f"{name}_cost"] = mean_cost(AL, net.targets(Y, X.shape[1]), net.loss)
    results["cost"] = results.pop("train_cost")
    return results


def percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.2f} %"


def dumps(payload: dict[str, Any]) -> str:
    """One JSON object; NaN and inf become null."""
    def clean(value: Any) -> Any:
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [clean(v) for v in value]
        return value.item() if hasattr(value, "item") else value

    return json.dumps(clean(payload), ensure_ascii=False)


def read_inputs(net: Network, path: str) -> np.ndarray:
    """Features (n_x, m) from a CSV with a header row, normalized as the model's training data.

    Columns are picked by the model's feature names when the file has them all; otherwise every
    column except the model's label column is used, in order.
    """
    label = net.metadata.get("train_options", {}).get("label") or "label"
    _, _, _, header = read_csv(path, label=None)
    names = net.metadata.get("feature_names")
    if names and set(names) <= set(header):
        X, _, _, _ = read_csv(path, label=None)
        X = X[[header.index(name) for name in names]]
    else:
        X, _, _, _ = read_csv(path, label=label if label in header else None)
    if X.shape[0] != net.n_x:
        raise ChainruleError(f"{path!r} has {X.shape[0]} feature columns; the model expects n_x = {net.n_x}")
    return apply_normalization(X, net.normalization) if net.normalization is not None else X
