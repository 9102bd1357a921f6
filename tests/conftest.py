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


def _flower_course_run() -> dict:
    """The original week-3 notebook's flower run: the course's own loop, np.random.seed(2), 10,000 steps."""
    from chainrule.course import week3 as w

    X, Y = w.load_planar_dataset()
    np.random.seed(2)
    parameters = w.initialize_parameters(2, 4, 1)
    initial = {key: value.copy() for key, value in parameters.items()}
    trace = []
    for i in range(10000):
        A2, cache = w.forward_propagation(X, parameters)
        if i % 1000 == 0 or i == 9999:
            trace.append(w.compute_cost(A2, Y))
        parameters = w.update_parameters(parameters, w.backward_propagation(parameters, cache, X, Y))
    return {"initial": initial, "final": parameters, "trace": trace}


@pytest.fixture(scope="session")
def flower_course_run(tmp_path_factory, worker_id):
    """The course's 10,000-step flower run (np.random.seed(2)), computed once per test session.

    A dict: X, Y (the flower), "initial" and "final" parameters, and "trace", J at iterations 0, 1000, …, 9000
    and 9999. The tests that need this run (the original notebook's trace, the fast step's bit-for-bit equality)
    read it here instead of training again. Under pytest-xdist the first worker to ask computes it and leaves it
    in this session's temporary folder (the arrays exactly, .npz); the others read it there.
    """
    from filelock import FileLock

    from chainrule.course import week3 as w

    X, Y = w.load_planar_dataset()
    if worker_id == "master":  # not distributed: nothing to share
        return {"X": X, "Y": Y, **_flower_course_run()}
    path = tmp_path_factory.getbasetemp().parent / "flower_course_run.npz"  # this session's, shared by its workers
    with FileLock(str(path) + ".lock"):
        if not path.is_file():
            run = _flower_course_run()
            arrays = {f"{which}_{key}": value for which in ("initial", "final") for key, value in run[which].items()}
            np.savez(path, trace=np.array(run["trace"]), **arrays)
        with np.load(path) as saved:
            run = {which: {key.split("_", 1)[1]: saved[key] for key in saved.files if key.startswith(which + "_")}
                   for which in ("initial", "final")}  # fmt: skip
            run["trace"] = [float(J) for J in saved["trace"]]
    return {"X": X, "Y": Y, **run}
