"""Saving and loading: round trips, exact resumption, crashes during a save, damaged and foreign files."""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import zipfile

import numpy as np
import pytest

import chainrule as cr
from test_training import moons_like

OPTIONS = {"learning_rate": 0.01, "batch_size": 32, "optimizer": "adam", "keep_prob": 0.9, "lambd": 0.05, "decay_rate": 0.2, "seed": 7}


def trained(epochs=3, **options):
    X, Y = moons_like()
    net = cr.Network([2, 6, 3, 1], ["relu", "sigmoid"], seed=0)
    net.fit(X, Y, epochs=epochs, **{**OPTIONS, **options})
    return net


def test_round_trip_keeps_everything(tmp_path):
    net = trained()
    net.normalization = {"mean": np.arange(2.0).reshape(2, 1), "std": np.ones((2, 1))}
    net.metadata = {"classes": ["a", "b"], "dataset": "moons"}
    path = tmp_path / "model.npz"
    net.save(path)
    back = cr.Network.load(path)
    assert back.layer_dims == net.layer_dims and back.activations == net.activations and back.loss == net.loss
    assert all(np.array_equal(back.parameters[k], net.parameters[k]) for k in net.parameters)
    assert np.array_equal(back.normalization["mean"], net.normalization["mean"])
    assert back.metadata == net.metadata
    state, loaded = net.training_state, back.training_state
    assert loaded["optimizer"] == "adam" and loaded["epoch"] == 3 and loaded["optimizer_state"]["t"] == state["optimizer_state"]["t"]
    assert all(np.array_equal(loaded["optimizer_state"]["v"][k], state["optimizer_state"]["v"][k]) for k in state["optimizer_state"]["v"])
    assert loaded["rng_state"] == state["rng_state"]
    with np.load(path, allow_pickle=False) as data:
        header = json.loads(data["header"].tobytes())
    assert header["chainrule_version"] == cr.__version__ and header["normalization"] == "standardize"
    assert header["arrays"]["param/W1"]["shape"] == [6, 2] and header["convention"] == "loss"
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]


def test_softmax_network_round_trip(tmp_path):
    net = cr.Network([4, 5, 3], ["tanh", "softmax"], seed=2)
    net.save(tmp_path / "m.npz")
    back = cr.Network.load(tmp_path / "m.npz")
    assert back.loss == "categorical_cross_entropy" and back.training_state is None
    X = np.random.default_rng(0).standard_normal((4, 9))
    assert np.array_equal(back.predict(X), net.predict(X))


def test_the_model_file_holds_plain_values_and_every_public_name_reads_it(tmp_path):
    """chainrule.modelfile reads and writes a SavedModel (no Network); io.save/load and Network.save/load are built on it."""
    from chainrule import io, modelfile

    net = trained(epochs=2)
    net.metadata = {"classes": ["a", "b"]}
    io.save(net, tmp_path / "a.npz")
    saved = modelfile.read(tmp_path / "a.npz")
    assert isinstance(saved, modelfile.SavedModel) and saved.layer_dims == [2, 6, 3, 1] and saved.dtype == np.float64
    assert saved.activations == net.activations and saved.loss == net.loss and saved.metadata == net.metadata
    assert set(saved.parameters) == set(net.parameters)
    assert all(np.array_equal(saved.parameters[k], net.parameters[k]) for k in saved.parameters)
    assert saved.training_state.epoch == 2 and saved.training_state.optimizer == "adam" and saved.normalization is None
    modelfile.write(saved, tmp_path / "b.npz")  # plain values in, the same file out (the arrays and their checksums)
    with np.load(tmp_path / "a.npz") as a, np.load(tmp_path / "b.npz") as b:
        assert json.loads(a["header"].tobytes()) == json.loads(b["header"].tobytes())
    for back in (io.load(tmp_path / "b.npz"), cr.Network.load(tmp_path / "b.npz")):
        assert isinstance(back, cr.Network) and all(np.array_equal(back.parameters[k], net.parameters[k]) for k in net.parameters)
        assert back.training_state.epoch == 2 and back.training_state.rng_state == net.training_state.rng_state
    saved.activations = ["relu", "nope", "sigmoid"]
    modelfile.write(saved, tmp_path / "c.npz")  # a well-formed file of no network: refused when the Network is built
    with pytest.raises(cr.ChainruleError, match="c.npz'?: the header describes no valid network: .*nope"):
        io.load(tmp_path / "c.npz")


def test_io_keeps_its_old_public_names(tmp_path):
    """io.model_arrays(net), io.model_header(net, arrays) and io's constants give what they gave before modelfile held them."""
    from chainrule import io, modelfile

    old_constants = {"FORMAT": "chainrule.network", "FORMAT_VERSION": 2, "MAX_HEADER_BYTES": 1 << 20, "MAX_NPY_HEADER": 10_000,
                     "MAX_RATIO": 100, "RATIO_FROM": 16 << 20, "READ_CHUNK": 16 << 20, "ARRAY_KINDS": "fi",
                     "ZIP_MAGIC": b"PK\x03\x04", "NPY_MAGIC": b"\x93NUMPY", "MAX_SERIES": 100_000_000,
                     "STALE_SECONDS_WITHOUT_LOCKS": 600}  # fmt: skip
    assert {name: getattr(io, name) for name in old_constants} == old_constants
    assert all(getattr(io, name) is getattr(modelfile, name) for name in old_constants)  # one value, modelfile's
    net = trained(epochs=2)
    net.normalization = {"mean": np.arange(2.0).reshape(2, 1), "std": np.full((2, 1), 2.0)}
    net.metadata = {"dataset": "moons", "history": {"costs": [0.7, 0.6], "epochs": [0, 1], "best_epoch": None}}
    arrays = io.model_arrays(net)
    io.save(net, tmp_path / "m.npz")
    with np.load(tmp_path / "m.npz", allow_pickle=False) as data:  # what the file holds: io.save wrote these two
        saved_header, saved = json.loads(data["header"].tobytes()), {k: data[k] for k in data.files if k not in ("header", "checksum")}
    assert set(arrays) == set(saved) and all(np.array_equal(arrays[k], saved[k]) and arrays[k].dtype == saved[k].dtype for k in saved)
    assert {"param/W1", "param/b3", "optim/t", "optim/v/dW1", "norm/mean", "norm/std", "history/costs", "history/epochs"} <= set(arrays)
    assert np.array_equal(arrays["param/W1"], net.parameters["W1"]) and np.array_equal(arrays["norm/std"], np.full((2, 1), 2.0))
    header = io.model_header(net, arrays)
    assert header == saved_header and header["metadata"] == {"dataset": "moons", "history": {"best_epoch": None}}
    assert header["training"]["epoch"] == 2 and header["arrays"]["param/W1"]["shape"] == [6, 2]


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "adam"])
def test_resume_equals_the_uninterrupted_run_exactly(tmp_path, optimizer):
    X, Y = moons_like()
    uninterrupted = cr.Network([2, 6, 3, 1], ["relu", "sigmoid"], seed=0)
    full = uninterrupted.fit(X, Y, epochs=8, **{**OPTIONS, "optimizer": optimizer})
    first = cr.Network([2, 6, 3, 1], ["relu", "sigmoid"], seed=0)
    first.fit(X, Y, epochs=4, **{**OPTIONS, "optimizer": optimizer})
    first.save(tmp_path / "checkpoint.npz")
    resumed = cr.Network.load(tmp_path / "checkpoint.npz")
    rest = resumed.fit(X, Y, epochs=8, resume=True, **{**OPTIONS, "optimizer": optimizer, "seed": 12345})  # the saved generator wins
    assert rest.first_epoch == 4 and rest.costs == full.costs[4:]
    for key in uninterrupted.parameters:
        assert np.array_equal(resumed.parameters[key], uninterrupted.parameters[key]), key
    with pytest.raises(cr.ChainruleError, match="cannot resume a .* run with optimizer 'rmsprop'"):
        cr.Network.load(tmp_path / "checkpoint.npz").fit(X, Y, epochs=8, resume=True, optimizer="rmsprop")


SAVE_LOOP = textwrap.dedent(
    """
    import sys
    import numpy as np
    import chainrule as cr
    net = cr.Network([1500, 800, 1], ["relu", "sigmoid"], seed=0)
    i = 0
    while True:
        i += 1
        net.parameters["b2"][0, 0] = i      # each checkpoint differs
        net.metadata = {"save": i}
        net.save(sys.argv[1])
        print(i, flush=True)
    """
)


def test_sigkill_during_a_save_leaves_the_previous_checkpoint_loadable(tmp_path):
    path = tmp_path / "checkpoint.npz"
    for delay in (0.0, 0.013, 0.029):  # kill at different moments of a save (one save takes tens of ms)
        process = subprocess.Popen([sys.executable, "-c", SAVE_LOOP, str(path)], stdout=subprocess.PIPE, text=True)
        try:
            for _ in range(2):  # at least two complete saves
                assert process.stdout.readline(), "the save loop stopped"
            time.sleep(delay)
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
            process.stdout.close()
        net = cr.Network.load(path)  # never a half-written file
        assert net.metadata["save"] >= 2 and net.parameters["b2"][0, 0] == net.metadata["save"]


# -- damaged and foreign files ---------------------------------------------------------------------------


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "model.npz"
    trained(epochs=1).save(path)
    return path


def test_truncated_file_is_refused(saved):
    data = saved.read_bytes()
    for size in (len(data) // 2, len(data) - 10, 100, 0):
        saved.write_bytes(data[:size])
        with pytest.raises(cr.ChainruleError, match="not a readable chainrule model|not a chainrule model"):
            cr.Network.load(saved)


def test_altered_array_is_refused(saved, tmp_path):
    with np.load(saved, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    arrays["param/W1"] = arrays["param/W1"].copy()
    arrays["param/W1"][0, 0] += 1e-9  # a valid file whose numbers changed
    altered = tmp_path / "altered.npz"
    np.savez(altered, **arrays)
    with pytest.raises(cr.ChainruleError, match="'param/W1' does not match its checksum"):
        cr.Network.load(altered)
    raw = bytearray(saved.read_bytes())  # a flipped byte inside the stored data
    offset = raw.find(arrays["param/b1"].tobytes()[:8]) if arrays["param/b1"].any() else len(raw) // 3
    raw[offset] ^= 0xFF
    saved.write_bytes(bytes(raw))
    with pytest.raises(cr.ChainruleError):
        cr.Network.load(saved)


def with_header(arrays, header):
    """The arrays with a new header and, as a save would write it, its checksum."""
    raw = json.dumps(header).encode()
    return {**arrays, "header": np.frombuffer(raw, dtype=np.uint8),
            "checksum": np.frombuffer(hashlib.sha256(raw).hexdigest().encode(), dtype=np.uint8)}  # fmt: skip


def test_header_and_arrays_must_agree(saved, tmp_path):
    with np.load(saved, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    header = json.loads(arrays["header"].tobytes())
    header["layer_dims"] = [2, 7, 3, 1]
    np.savez(tmp_path / "lying.npz", **with_header(arrays, header))
    with pytest.raises(cr.ChainruleError, match=r"param/W1 must have shape \(7, 2\) for layer_dims \[2, 7, 3, 1\]; got \(6, 2\)"):
        cr.Network.load(tmp_path / "lying.npz")
    del arrays["param/b2"]
    np.savez(tmp_path / "missing.npz", **with_header(arrays, {**header, "layer_dims": [2, 6, 3, 1]}))
    with pytest.raises(cr.ChainruleError, match=r"missing \['param/b2'\]"):
        cr.Network.load(tmp_path / "missing.npz")


def test_foreign_files_are_refused(tmp_path):
    np.savez(tmp_path / "other.npz", weights=np.ones(3))
    with pytest.raises(cr.ChainruleError, match="without a chainrule header"):
        cr.Network.load(tmp_path / "other.npz")
    np.save(tmp_path / "array.npy", np.ones(3))
    with pytest.raises(cr.ChainruleError, match="single .npy array"):
        cr.Network.load(tmp_path / "array.npy")
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(cr.ChainruleError, match="is not a chainrule model: not a zip archive"):
        cr.Network.load(tmp_path / "notes.txt")
    np.savez(tmp_path / "pickled.npz", header=np.array([{"format": "chainrule.network"}], dtype=object))
    with pytest.raises(cr.ChainruleError, match="pickled .* which chainrule never loads") as refused:  # allow_pickle=False
        cr.Network.load(tmp_path / "pickled.npz")
    assert "allow_pickle" not in str(refused.value)  # no advice to load it unsafely
    with pytest.raises(cr.ChainruleError, match="no model file"):
        cr.Network.load(tmp_path / "absent.npz")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("header.npy", b"not an array")
    (tmp_path / "fake.npz").write_bytes(buffer.getvalue())
    with pytest.raises(cr.ChainruleError, match="not a readable chainrule model"):
        cr.Network.load(tmp_path / "fake.npz")
