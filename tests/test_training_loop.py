"""The fast training loop: which numbers History holds, the course's mini-batches in reused buffers,
optimizers updating in place, and no allocation from step to step."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

import chainrule as cr
from chainrule.optim import OPTIMIZERS, MiniBatches, mini_batches
from conftest import random_problem

# -- mini-batches ------------------------------------------------------------------------------------


def test_mini_batches_are_the_courses_permutation_in_contiguous_buffers():
    X = np.arange(5 * 23, dtype=float).reshape(5, 23)
    Y = (np.arange(23) % 2).reshape(1, 23).astype(float)
    labels = np.arange(23).reshape(1, 23)
    batches, expected = MiniBatches(X, Y, 8, labels), np.random.default_rng(3)
    rng = np.random.default_rng(3)
    for _epoch in range(2):
        permutation = expected.permutation(23)  # the course: shuffle once, full batches, then the short one
        sizes = []
        for k, (X_batch, Y_batch, labels_batch) in zip(range(0, 23, 8), batches.epoch(rng), strict=True):
            columns = permutation[k : k + 8]
            np.testing.assert_array_equal(X_batch, X[:, columns])
            np.testing.assert_array_equal(Y_batch, Y[:, columns])
            np.testing.assert_array_equal(labels_batch, labels[:, columns])
            assert X_batch.T.flags.c_contiguous  # the batch's examples are contiguous rows: (n_x, b) in Fortran order
            sizes.append(X_batch.shape[1])
        assert sizes == [8, 8, 7]


def test_the_course_function_keeps_every_batch():
    X, Y = np.arange(2 * 10, dtype=float).reshape(2, 10), np.arange(10).reshape(1, 10)
    kept = mini_batches(X, Y, 4, np.random.default_rng(0))
    permutation = np.random.default_rng(0).permutation(10)
    for k, (X_batch, Y_batch) in zip(range(0, 10, 4), kept, strict=True):
        np.testing.assert_array_equal(X_batch, X[:, permutation[k : k + 4]])
        np.testing.assert_array_equal(Y_batch, Y[:, permutation[k : k + 4]])
    assert not np.shares_memory(kept[0][0], kept[1][0])  # each batch its own array, not the reused buffer


def test_a_fortran_ordered_X_is_not_copied():
    """X.T of an (m, n_x) data set is already examples-as-rows: the batches are gathered from it directly."""
    rows = np.random.default_rng(0).standard_normal((4000, 50))  # (m, n_x), as data sets are stored
    X, Y = rows.T, np.zeros((1, 4000))
    tracemalloc.start()
    try:
        MiniBatches(X, Y, 100)
        allocated = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert allocated < X.nbytes / 10, f"{allocated} bytes for an X of {X.nbytes}"


# -- History -----------------------------------------------------------------------------------------


def blobs(m=240, n_classes=2, seed=0):
    """Separable clusters with some overlap: accuracies that change from epoch to epoch."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, n_classes, m)
    centers = rng.standard_normal((3, n_classes)) * 1.5
    return centers[:, labels] + rng.standard_normal((3, m)), labels.reshape(1, -1)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_mini_batch_train_accuracy_is_over_the_epochs_batches_before_each_update(n_classes):
    """History.train_accuracy[e]: the predictions of each batch with the weights as they were at that batch.

    Recomputed here independently: the course's permutation, each batch predicted by ``predict`` and
    then trained on by ``train_step``. The counts are exact as long as no output sits at a decision
    boundary, which is checked, so that rounding cannot decide them.
    """
    X, labels = blobs(n_classes=n_classes)
    output = "sigmoid" if n_classes == 2 else "softmax"
    dims = [3, 8, 1 if n_classes == 2 else n_classes]
    net = cr.Network(dims, ["tanh", output], seed=4)
    history = net.fit(X, labels, 0.05, epochs=4, batch_size=50, optimizer="adam", seed=9)

    replay = cr.Network(dims, ["tanh", output], seed=4)
    Y = replay.targets(labels, X.shape[1])
    rng, state = np.random.default_rng(9), OPTIMIZERS["adam"].init(replay.parameters)
    for epoch in range(4):
        permutation, correct, cost_total = rng.permutation(X.shape[1]), 0, 0.0
        for k in range(0, X.shape[1], 50):
            columns = permutation[k : k + 50]
            X_batch, Y_batch = X[:, columns], Y[:, columns]
            AL = replay.predict_proba(X_batch)
            margin = np.abs(AL - 0.5) if n_classes == 2 else np.diff(np.sort(AL, axis=0)[-2:], axis=0)
            assert margin.min() > 1e-9  # no prediction that a last bit could flip
            correct += np.count_nonzero(replay.predict(X_batch) == labels[:, columns])
            cost_total += replay.train_step(X_batch, Y_batch, 0.05, optimizer="adam", state=state) * len(columns)
        assert history.train_accuracy[epoch] == correct / X.shape[1], f"epoch {epoch}"
        assert history.costs[epoch] == pytest.approx(cost_total / X.shape[1], rel=1e-12)
    for key, value in replay.parameters.items():
        np.testing.assert_allclose(net.parameters[key], value, rtol=1e-10, atol=1e-13, err_msg=key)
    assert history.epochs == [0, 1, 2, 3] and len(set(history.train_accuracy)) > 1


def test_full_batch_train_accuracy_is_that_of_each_iterations_own_forward_pass():
    """Full batch: the accuracy on all of X before that iteration's update, the pass its cost J comes from."""
    X, labels = blobs(120)
    net = cr.Network([3, 5, 1], ["relu", "sigmoid"], seed=2)
    history = net.fit(X, labels, 0.5, num_iterations=6, eval_every=2)
    replay = cr.Network([3, 5, 1], ["relu", "sigmoid"], seed=2)
    Y = replay.targets(labels, 120)
    before = []
    for _ in range(6):
        before.append((replay.accuracy(X, labels), replay.cost(replay.forward(X)[0], Y)))
        replay.train_step(X, Y, 0.5)
    assert history.epochs == [1, 3, 5]
    assert history.train_accuracy == [before[e][0] for e in (1, 3, 5)]  # the same pass: every bit
    assert history.costs == [J for _, J in before]
    assert net.accuracy(X, labels) == replay.accuracy(X, labels)  # the weights after the last update: net.accuracy's number


# -- optimizers in place -------------------------------------------------------------------------------


def _state_and_grads(dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    parameters = {"W1": rng.standard_normal((6, 4)), "b1": rng.standard_normal((6, 1)), "W2": rng.standard_normal((2, 6))}
    parameters = {key: value.astype(dtype) for key, value in parameters.items()}
    grads = [{f"d{key}": rng.standard_normal(value.shape).astype(dtype) for key, value in parameters.items()} for _ in range(4)]
    return parameters, grads


def _by_the_formula(name, W, g, v, s, t, lr, beta=0.9, beta2=0.999, eps=1e-8):
    """One update written out as the course writes it, on new arrays: (W, v, s)."""
    if name == "momentum":
        v = beta * v + (1 - beta) * g
        return W - lr * v, v, s
    if name == "rmsprop":
        s = beta2 * s + (1 - beta2) * np.power(g, 2)
        return W - lr * g / (np.sqrt(s) + eps), v, s
    v = beta * v + (1 - beta) * g
    s = beta2 * s + (1 - beta2) * np.power(g, 2)
    v_corrected, s_corrected = v / (1 - beta**t), s / (1 - beta2**t)
    return W - lr * v_corrected / (np.sqrt(s_corrected) + eps), v, s


@pytest.mark.parametrize("name", ["momentum", "rmsprop", "adam"])
@pytest.mark.parametrize("inplace", [True, False])
def test_in_place_updates_follow_the_formulas_written_out(name, inplace):
    """Momentum and RMSprop: every bit. Adam: v and s every bit; W within a few units in the last place of its
    step (the bias corrections folded into scalars round differently), checked step by step from the same state."""
    optimizer = OPTIMIZERS[name]
    parameters, grads = _state_and_grads()
    state = optimizer.init(parameters)
    scratch = np.empty(optimizer.temporaries * 24) if inplace else None
    eps = np.finfo(np.float64).eps
    for t, g in enumerate(grads, start=1):
        kept = {key: value.copy() for key, value in g.items()}
        before = {key: value.copy() for key, value in parameters.items()}
        moments = {key: {d: value.copy() for d, value in state[key].items()} for key in ("v", "s") if key in state}
        optimizer.update(parameters, g, state, 0.01, inplace=inplace, scratch=scratch)
        for key in parameters:
            d = f"d{key}"
            v, s = moments.get("v", {}).get(d), moments.get("s", {}).get(d)
            W, v, s = _by_the_formula(name, before[key], g[d], v, s, t, 0.01)
            if "v" in state:
                np.testing.assert_array_equal(state["v"][d], v, err_msg=f"v[{d}] at t = {t}")
            if "s" in state:
                np.testing.assert_array_equal(state["s"][d], s, err_msg=f"s[{d}] at t = {t}")
            if name == "adam":
                bound = 2 * np.spacing(np.abs(W)) + 8 * eps * np.abs(before[key] - W)
                assert np.all(np.abs(parameters[key] - W) <= bound), f"{key} at t = {t}"
            else:
                np.testing.assert_array_equal(parameters[key], W, err_msg=f"{key} at t = {t}")
            np.testing.assert_array_equal(g[d], kept[d], err_msg=f"{d} must not change")
    assert state.get("t", 4) == 4


def test_negative_control_the_adam_tolerance_catches_a_missing_bias_correction():
    """The tolerance is tight enough to see a real mistake: the step with v instead of v̂ = v / (1 − β₁ᵗ) at t = 10."""
    parameters, grads = _state_and_grads()
    state = OPTIMIZERS["adam"].init(parameters)
    for g in grads * 2 + grads[:2]:
        before = parameters["W1"].copy()
        OPTIMIZERS["adam"].update(parameters, g, state, 0.01)
    W, v, s = before, state["v"]["dW1"], state["s"]["dW1"]
    right = W - 0.01 * (v / (1 - 0.9**10)) / (np.sqrt(s / (1 - 0.999**10)) + 1e-8)
    wrong = W - 0.01 * v / (np.sqrt(s / (1 - 0.999**10)) + 1e-8)
    bound = 2 * np.spacing(np.abs(right)) + 8 * np.finfo(float).eps * np.abs(W - right)
    assert state["t"] == 10 and np.all(np.abs(parameters["W1"] - right) <= bound)
    assert not np.any(np.abs(wrong - right) <= bound)


# -- no allocation, float32 ------------------------------------------------------------------------------


@pytest.mark.parametrize("optimizer", ["adam", "momentum", "rmsprop"])
def test_a_mini_batch_epoch_allocates_nothing_of_layer_size(optimizer):
    """From the second epoch on, steps, shuffling and updates write into arrays made before: tracemalloc's peak
    over an epoch stays far below one layer-sized array (the optimizers' temporaries come from the workspace)."""
    X, Y, params = random_problem([300, 400, 300, 1], 600, seed=5)
    net = cr.Network.from_parameters(params, ["relu", "relu", "sigmoid"])
    smallest_layer_array = 300 * 200 * 8  # Z[2], A[2] of a batch of 200: 469 KiB; W2, dW2, v, s: 938 KiB each
    peaks, level = [], [0]

    def callback(epoch, J):  # the peak of this epoch above the memory held when it began
        current, peak = tracemalloc.get_traced_memory()
        peaks.append(peak - level[0])
        level[0] = current
        tracemalloc.reset_peak()

    tracemalloc.start()
    try:
        level[0] = tracemalloc.get_traced_memory()[0]
        net.fit(X, Y, 1e-4, epochs=4, batch_size=200, optimizer=optimizer, callback=callback)
    finally:
        tracemalloc.stop()
    assert peaks[0] > smallest_layer_array  # the first epoch makes the workspace: the measurement can see it
    assert max(peaks[1:]) < smallest_layer_array / 4, f"peaks above the epoch's start: {peaks}"


def test_float32_stays_float32_end_to_end():
    X, _, _ = random_problem([20, 16, 3], 90, seed=6)
    labels = np.random.default_rng(0).integers(0, 3, (1, 90))
    net = cr.Network([20, 16, 3], ["relu", "softmax"], dtype=np.float32, seed=1)
    history = net.fit(X.astype(np.float32), labels, 0.01, epochs=3, batch_size=32, optimizer="adam")
    assert all(np.isfinite(history.costs)) and 0 <= history.train_accuracy[-1] <= 1
    assert all(value.dtype == np.float32 for value in net.parameters.values())
    state = net.training_state["optimizer_state"]
    assert all(value.dtype == np.float32 for group in ("v", "s") for value in state[group].values())


def test_integer_parameters_get_floating_state_and_updates():
    """The course's functions take whatever arrays a notebook holds: integer weights still update by the formula."""
    from chainrule.course import optimization as course

    grads = {"dW1": np.array([[0.5, -0.5]]), "db1": np.array([[1.0]])}
    parameters = {"W1": np.array([[1, 2]]), "b1": np.array([[0]])}
    v = course.initialize_velocity(parameters)
    parameters, v = course.update_parameters_with_momentum(parameters, grads, v, beta=0.9, learning_rate=0.1)
    assert v["dW1"].dtype == np.float64 and parameters["W1"] == pytest.approx(np.array([[1 - 0.1 * 0.05, 2 + 0.1 * 0.05]]))
    parameters = {"W1": np.array([[1, 2]]), "b1": np.array([[0]])}
    v, s = course.initialize_adam(parameters)
    parameters, v, s, v_corrected, s_corrected = course.update_parameters_with_adam(parameters, grads, v, s, t=1, learning_rate=0.1)
    assert v_corrected["dW1"] == pytest.approx(np.array([[0.5, -0.5]])) and s_corrected["db1"][0, 0] == pytest.approx(1.0)
    assert parameters["W1"] == pytest.approx(np.array([[0.9, 2.1]]), rel=1e-7)
