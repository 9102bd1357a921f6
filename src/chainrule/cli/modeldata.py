"""What ``train``, ``evaluate`` and ``predict`` share: results per split as JSON-able values, and reading a table of inputs."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from chainrule.datasets import Dataset, apply_normalization
from chainrule.datasets.files import read_table, table_features
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

    A model trained on named columns (a CSV, breast_cancer, digits) takes its columns by name, in
    its order, wherever they are in the file; a file that lacks any of them is refused, naming
    them. A model without names (the planar data sets) takes every column except its label
    column, in order.
    """
    label = net.metadata.get("train_options", {}).get("label") or "label"
    header, rows = read_table(path)
    names = net.metadata.get("feature_names")
    if names:
        missing = [name for name in names if name not in header]
        if missing:
            raise ChainruleError(
                f"{path!r} lacks {len(missing)} of the model's {len(names)} feature columns, e.g. {missing[:5]}; "
                f"the model was trained on {_listed(names)}, the file has {_listed(header)}"
            )
        features = list(names)
    else:
        features = [name for name in header if name != label]
        if len(features) != net.n_x:
            raise ChainruleError(f"{path!r} has {len(features)} feature columns {_listed(features)}; the model expects n_x = {net.n_x}")
    X = table_features(path, header, rows, features)
    return apply_normalization(X, net.normalization) if net.normalization is not None else X


def _listed(names: list[str], most: int = 8) -> str:
    """["a", "b", …] cut after ``most`` names, with the count."""
    shown = ", ".join(repr(name) for name in names[:most])
    return f"[{shown}{f', … ({len(names)} in all)' if len(names) > most else ''}]"
