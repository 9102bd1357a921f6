"""Shared fixtures: the course's data folder and an independent reference network in autograd.numpy."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CAT_DIR = SHARED / "data" / "catvnoncat"


@pytest.fixture
def cat_dir() -> Path:
    if not (CAT_DIR / "train_catvnoncat.h5").is_file():
        pytest.skip(f"the course's cat data is not at {CAT_DIR}")
    pytest.importorskip("h5py")
    return CAT_DIR


def assert_close(actual, expected, rtol=1e-7, atol=0.0, name="array"):
    """np.testing.assert_allclose with both sides printed under a name on failure."""
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol, err_msg=f"{name}: chainrule vs reference")


def random_problem(layer_dims, m, seed, scale=1.0):
    """X (n_x, m), binary Y (n_y, m) and parameters drawn from a seeded generator."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((layer_dims[0], m))
    Y = (rng.random((layer_dims[-1], m)) > 0.5).astype(float)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters[f"W{l}"] = rng.standard_normal((layer_dims[l], layer_dims[l - 1])) * scale / np.sqrt(layer_dims[l - 1])
        parameters[f"b{l}"] = rng.standard_normal((layer_dims[l], 1)) * 0.1
    return X, Y, parameters
