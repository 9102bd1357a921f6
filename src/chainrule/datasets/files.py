"""The user's own data: a CSV file with a header row, or an .npz, with a label column named by an option.

Rows are examples (the usual layout of a table); chainrule turns them into columns, X (n_x, m).
Labels may be numbers or text; the classes are their sorted distinct values, numbered 0..K−1.
"""

from __future__ import annotations

import csv
import os
import zipfile

import numpy as np

from chainrule.errors import ChainruleError


def _classes_of(values: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Distinct label values, sorted numerically when they are all numbers, and each label's index."""
    values = np.asarray([str(v).strip() for v in values])
    try:
        numeric = values.astype(np.float64)
        distinct = np.unique(numeric)
        names = [f"{v:g}" for v in distinct]
        return names, np.searchsorted(distinct, numeric)
    except ValueError:
        distinct = np.unique(values)
        return [str(v) for v in distinct], np.searchsorted(distinct, values)


def read_table(path: str) -> tuple[list[str], list[list[str]]]:
    """(column names, rows of cells) of a UTF-8 CSV file with a header row of distinct names."""
    if not os.path.isfile(path):
        raise ChainruleError(f"no CSV file at {path!r}")
    try:
        with open(path, newline="", encoding="utf-8-sig") as file:
            rows = list(csv.reader(file))
    except UnicodeDecodeError as error:
        raise ChainruleError(
            f"{path!r} is not UTF-8 text: byte {error.object[error.start]:#04x} at offset {error.start}; save it as a UTF-8 CSV"
        ) from None
    except csv.Error as error:
        raise ChainruleError(f"{path!r} is not a readable CSV file: {error}") from None
    if len(rows) < 2:
        raise ChainruleError(f"{path!r} needs a header row and at least one example row; it has {len(rows)} row(s)")
    header = [name.strip() for name in rows[0]]
    seen: dict[str, int] = {}
    for k, name in enumerate(header, start=1):
        if name in seen:
            raise ChainruleError(f"{path!r}: the header names column {name!r} twice (columns {seen[name]} and {k}); names must differ")
        seen[name] = k
    for r, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise ChainruleError(f"{path!r} line {r}: {len(row)} values, the header has {len(header)} columns")
    return header, rows[1:]


def table_features(path: str, header: list[str], rows: list[list[str]], features: list[str]) -> np.ndarray:
    """X (n_x, m) of the columns ``features``, every cell a finite number (else the line and the column are named)."""
    index = [header.index(name) for name in features]
    X = np.empty((len(rows), len(features)))
    for r, row in enumerate(rows, start=2):
        try:
            X[r - 2] = [float(row[i]) for i in index]
        except ValueError:
            bad = next(features[k] for k, i in enumerate(index) if not _is_number(row[i]))
            raise ChainruleError(f"{path!r} line {r}: feature {bad!r} is not a number: {row[header.index(bad)]!r}") from None
        if not np.isfinite(X[r - 2]).all():
            k = int(np.flatnonzero(~np.isfinite(X[r - 2]))[0])
            raise ChainruleError(
                f"{path!r} line {r}: feature {features[k]!r} (column {index[k] + 1}) is {row[index[k]].strip()!r}; "
                "features must be finite numbers"
            )
    return X.T


def read_csv(path: str, label: str | None = "label") -> tuple[np.ndarray, np.ndarray | None, list[str], list[str]]:
    """(X (n_x, m), label strings (m,) or None, feature names, all column names) from a CSV with a header row."""
    header, rows = read_table(path)
    if label is not None and label not in header:
        raise ChainruleError(f"{path!r} has no label column {label!r}; its columns are {header[:20]} (choose one with --label)")
    features = [name for name in header if name != label]
    X = table_features(path, header, rows, features)
    labels: np.ndarray | None = None
    if label is not None:
        j = header.index(label)
        texts = [row[j].strip() for row in rows]
        if "" in texts:
            r = texts.index("") + 2
            raise ChainruleError(f"{path!r} line {r}: the label column {label!r} (column {j + 1}) is empty; every example needs a label")
        labels = np.asarray(texts)
    return X, labels, features, header


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def load_csv(path: str, label: str = "label") -> tuple[np.ndarray, np.ndarray, list[str], list[str]]:
    """(X (n_x, m), integer labels (m,), classes, feature names) from a CSV with a header row."""
    X, labels, features, _ = read_csv(path, label)
    assert labels is not None  # a label column was named, so read_csv returned it
    classes, y = _classes_of(labels)
    return X, y, classes, features


def load_npz(path: str, label: str = "y") -> tuple[np.ndarray, np.ndarray, list[str], list[str]]:
    """(X, integer labels, classes, feature names) from an .npz: an array "X" (m, n_x) and a label array
    named ``label`` (m,); or only 1-D arrays of length m, one per column, ``label`` among them."""
    if not os.path.isfile(path):
        raise ChainruleError(f"no .npz file at {path!r}")
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:  # BadZipFile: a truncated or damaged archive
        raise ChainruleError(f"{path!r} is not a readable .npz of plain arrays: {type(error).__name__}: {error}") from None
    if label not in arrays:
        raise ChainruleError(f"{path!r} has no label array {label!r}; its arrays are {sorted(arrays)} (choose one with --label)")
    labels = arrays.pop(label).reshape(-1)
    if "X" in arrays:
        X = np.asarray(arrays["X"], dtype=np.float64)
        if X.ndim != 2 or X.shape[0] != labels.size:
            raise ChainruleError(f"{path!r}: X must be (m, n_x) with m = {labels.size} rows (one per label); got {X.shape}")
        features = [f"x{j}" for j in range(X.shape[1])]
    else:
        features = sorted(arrays)
        if any(arrays[name].shape != labels.shape for name in features):
            raise ChainruleError(f"{path!r}: without an array 'X' every array must be one column of {labels.size} values")
        X = np.column_stack([arrays[name] for name in features]).astype(np.float64)
    classes, y = _classes_of(labels)
    return X.T, y, classes, features
