"""Model files that lie: every size checked before anything is inflated or allocated, the header under a checksum,
temporary files of killed saves removed by the next save, and precise one-line messages."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import struct
import subprocess
import sys
import textwrap
import time
import tracemalloc
import zlib

import numpy as np
import pytest

import chainrule as cr
from chainrule import memory

MiB = 1 << 20


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "model.npz"
    net = cr.Network([2, 6, 3, 1], ["relu", "sigmoid"], seed=0)
    X = np.random.default_rng(0).standard_normal((2, 40))
    net.fit(X, (X[:1] > 0).astype(float), epochs=2, optimizer="adam", learning_rate=0.01, batch_size=16)
    net.save(path)
    return path


def members_of(path):
    with np.load(path, allow_pickle=False) as data:
        return {name: data[name] for name in data.files}


def header_of(arrays):
    return json.loads(arrays["header"].tobytes())


def with_header(arrays, header, checksum=True):
    raw = json.dumps(header).encode()
    out = {**arrays, "header": np.frombuffer(raw, dtype=np.uint8)}
    if checksum:
        out["checksum"] = np.frombuffer(hashlib.sha256(raw).hexdigest().encode(), dtype=np.uint8)
    else:
        out.pop("checksum", None)
    return out


# -- hostile archives: refused from the declared sizes, nothing inflated -------------------------------


def deflated_zeros(prefix: bytes, chunks: int, chunk: int = 16 * MiB) -> bytes:
    """A raw deflate stream of ``prefix`` + zeros, ``chunks`` × 16 MiB uncompressed, from three compressed chunks.

    After a full flush the compressor starts afresh, so each further chunk of zeros compresses to the same bytes.
    """
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(prefix + bytes(chunk - len(prefix))) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(bytes(chunk)) + c.flush(zlib.Z_FULL_FLUSH)
    assert c.compress(bytes(chunk)) + c.flush(zlib.Z_FULL_FLUSH) == again
    return first + again * (chunks - 1) + c.flush()


def zip_bytes(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip archive of (name, data, uncompressed size, method 0 stored / 8 deflated); deflated members get CRC 0."""
    out, central = bytearray(), bytearray()
    for name, data, size, method in members:
        encoded, offset = name.encode(), len(out)
        crc = zlib.crc32(data) if method == 0 else 0
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, len(data), size, len(encoded), 0) + encoded + data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0x21, crc, len(data), size, len(encoded),
                               0, 0, 0, 0, 0, offset) + encoded  # fmt: skip
    start = len(out)
    return bytes(out + central + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), start, 0))


def npy_bytes(array: np.ndarray) -> bytes:
    import io

    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def hostile(tmp_path, saved, layer_dims):
    """A 4 MB model file whose param/W1.npy inflates to 3.98 GiB; the header (checksum right) claims ``layer_dims``."""
    arrays = members_of(saved)
    header = header_of(arrays)
    header["layer_dims"], header["activations"] = layer_dims, ["relu", "sigmoid"]
    n1 = layer_dims[1]
    shapes = {"param/W1": [n1, layer_dims[0]], "param/b1": [n1, 1], "param/W2": [layer_dims[2], n1], "param/b2": [layer_dims[2], 1]}
    header["arrays"] = {name: {"shape": shape, "dtype": "<f8", "sha256": "0" * 64} for name, shape in shapes.items()}
    header["training"] = None
    raw = json.dumps(header).encode()
    checksum = hashlib.sha256(raw).hexdigest().encode()
    prefix = npy_bytes(np.zeros((0,)))[:10]  # magic and version; the rest of the .npy header follows
    text = f"{{'descr': '<f8', 'fortran_order': False, 'shape': ({n1}, {layer_dims[0]}), }}".encode()
    header_length = 128 - 10
    prefix += struct.pack("<H", header_length) + text.ljust(header_length - 1) + b"\n"
    size = 255 * 16 * MiB
    members = [
        ("header.npy", npy_bytes(np.frombuffer(raw, dtype=np.uint8)), None, 0),
        ("checksum.npy", npy_bytes(np.frombuffer(checksum, dtype=np.uint8)), None, 0),
        ("param/W1.npy", deflated_zeros(prefix, 255), size, 8),
        *((f"{name}.npy", npy_bytes(np.zeros(2)), None, 0) for name in ("param/b1", "param/W2", "param/b2")),
    ]
    path = tmp_path / "hostile.npz"
    path.write_bytes(zip_bytes([(name, data, len(data) if size is None else size, method) for name, data, size, method in members]))
    assert path.stat().st_size < 5 * MiB
    return path


@pytest.mark.parametrize(
    "layer_dims, message",
    [
        ([2, 6, 1], r"member param/W1\.npy declares 4,278,190,080 bytes uncompressed; shape \(6, 2\) <f8 needs 96"),
        ([1, (255 * 16 * MiB - 128) // 8, 1], r"param/W1\.npy inflates from 4,1\d\d,\d\d\d to 4,278,190,080 bytes .*zip bomb"),
    ],
    ids=["sizes-lie", "sizes-agree"],
)
def test_a_4MB_file_that_inflates_to_4GiB_is_refused_before_inflating(tmp_path, saved, layer_dims, message):
    path = hostile(tmp_path, saved, layer_dims)
    tracemalloc.start()
    try:
        with pytest.raises(cr.ChainruleError, match=message):
            cr.Network.load(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 100 * MiB, peak


def test_a_header_claiming_a_huge_network_is_refused_without_allocating(saved, tmp_path):
    arrays = members_of(saved)
    header = {**header_of(arrays), "layer_dims": [1_000_000, 1_000_000, 1], "activations": ["relu", "sigmoid"], "training": None}
    header["arrays"] = {
        "param/W1": {"shape": [1_000_000, 1_000_000], "dtype": "<f8", "sha256": "0" * 64},
        "param/b1": {"shape": [1_000_000, 1], "dtype": "<f8", "sha256": "0" * 64},
        "param/W2": {"shape": [1, 1_000_000], "dtype": "<f8", "sha256": "0" * 64},
        "param/b2": {"shape": [1, 1], "dtype": "<f8", "sha256": "0" * 64},
    }
    small = {name: arrays[name] for name in ("param/W1", "param/b1", "param/W2", "param/b2")}
    np.savez(tmp_path / "huge.npz", **with_header(small, header))
    with pytest.raises(cr.ChainruleError, match=r"param/W1\.npy declares \d+ bytes uncompressed; shape \(1000000, 1000000\)"):
        cr.Network.load(tmp_path / "huge.npz")


def test_a_model_larger_than_the_memory_available_is_refused_with_the_estimate(saved, monkeypatch):
    monkeypatch.setattr(memory, "SMALL_BYTES", 0)
    monkeypatch.setattr(memory, "available_bytes", lambda: (100, "a test's limit"))
    with pytest.raises(cr.ChainruleError, match=r"loading .* needs about .* of memory; this machine has 100 B available \(a test's"):
        cr.Network.load(saved)


# -- the header under a checksum -----------------------------------------------------------------------


def test_a_hand_edited_header_is_refused(saved, tmp_path):
    arrays = members_of(saved)
    header = header_of(arrays)
    assert header["activations"] == ["relu", "relu", "sigmoid"]
    header["activations"] = ["tanh", "tanh", "sigmoid"]  # relu → tanh: the same arrays, another network
    edited = {**arrays, "header": np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)}  # the old checksum
    np.savez(tmp_path / "edited.npz", **edited)
    with pytest.raises(cr.ChainruleError, match="the header does not match its checksum: the file was edited or damaged"):
        cr.Network.load(tmp_path / "edited.npz")
    np.savez(tmp_path / "no-checksum.npz", **with_header(arrays, header, checksum=False))
    with pytest.raises(cr.ChainruleError, match="without a chainrule checksum"):
        cr.Network.load(tmp_path / "no-checksum.npz")


def test_format_1_files_need_trust_header_and_save_again_as_format_2(saved, tmp_path):
    arrays = members_of(saved)
    old = with_header(arrays, {**header_of(arrays), "format_version": 1}, checksum=False)  # as chainrule 0.1.0 wrote it
    np.savez(tmp_path / "old.npz", **old)
    with pytest.raises(cr.ChainruleError, match=r"format 1 \(chainrule 0\.1\.0\).*trust_header=True"):
        cr.Network.load(tmp_path / "old.npz")
    net = cr.Network.load(tmp_path / "old.npz", trust_header=True)
    assert np.array_equal(net.parameters["W1"], arrays["param/W1"])
    net.save(tmp_path / "new.npz")
    assert header_of(members_of(tmp_path / "new.npz"))["format_version"] == 2
    assert cr.Network.load(tmp_path / "new.npz").training_state["epoch"] == 2


# -- precise one-line messages -------------------------------------------------------------------------


def edit(field, value):
    def change(header):
        target = header
        *path, last = field.split(".")
        for key in path:
            target = target[key]
        target[last] = value

    return change


WRONG_TYPES = [
    ("epoch-text", edit("training.epoch", "three"), r"'training\.epoch' must be a non-negative integer \(the epochs done\); got 'three'"),
    ("epoch-negative", edit("training.epoch", -1), r"'training\.epoch' must be a non-negative integer \(the epochs done\); got -1"),
    ("rng-state-number", edit("training.rng_state", 5), r"'training\.rng_state' is not a NumPy generator state; got 5"),
    ("rng-state-unknown", edit("training.rng_state", {"bit_generator": "os"}), r"'training\.rng_state' is not a NumPy"),
    ("optimizer-number", edit("training.optimizer", 3), r"'training\.optimizer' must be a name; got 3"),
    ("optimizer-unknown", edit("training.optimizer", "lion"), r"unknown optimizer 'lion'"),
    ("layer-dims-text", edit("layer_dims", ["2", 6, 3, 1]), r"'layer_dims' must be a list of at least two positive integers"),
    ("activations-short", edit("activations", ["relu"]), r"'activations' must be a list of 3 names"),
    ("activation-unknown", edit("activations", ["relu", "swish", "sigmoid"]), r"describes no valid network: unknown activation"),
    ("dtype", edit("dtype", "int8"), r"'dtype' must be float16, float32 or float64; got 'int8'"),
    ("metadata", edit("metadata", [1, 2]), r"'metadata' must be an object; got \[1, 2\]"),
    ("training", edit("training", "yes"), r"'training' must be null or an object; got 'yes'"),
    ("normalization", edit("normalization", "minmax"), r"'normalization' must be null or \"standardize\""),
    ("array-spec", edit("arrays.param/W1", [6, 2]), r"header entry of array 'param/W1' must be"),
    ("array-dtype", edit("arrays.param/W1.dtype", "|O"), r"array 'param/W1' has dtype '\|O'; expected a float or int64"),
    ("version", edit("format_version", 7), r"model format version 7; this chainrule reads versions 1 and 2"),
]


@pytest.mark.parametrize("change, message", [case[1:] for case in WRONG_TYPES], ids=[case[0] for case in WRONG_TYPES])
def test_a_header_field_of_the_wrong_type_is_one_line_error(saved, tmp_path, change, message):
    arrays = members_of(saved)
    header = header_of(arrays)
    change(header)
    np.savez(tmp_path / "wrong.npz", **with_header(arrays, header))
    with pytest.raises(cr.ChainruleError, match=message) as refused:
        cr.Network.load(tmp_path / "wrong.npz")
    assert "\n" not in str(refused.value)


def test_files_that_are_not_models_say_what_they_are(tmp_path, saved):
    (tmp_path / "notes.txt").write_text("a b c\n")
    with pytest.raises(cr.ChainruleError, match="is not a chainrule model: not a zip archive"):
        cr.Network.load(tmp_path / "notes.txt")
    (tmp_path / "empty.npz").write_bytes(b"")
    with pytest.raises(cr.ChainruleError, match="is not a chainrule model: an empty file"):
        cr.Network.load(tmp_path / "empty.npz")
    data = saved.read_bytes()
    (tmp_path / "cut.npz").write_bytes(data[: len(data) // 2])
    with pytest.raises(cr.ChainruleError, match="the zip archive is truncated or damaged"):
        cr.Network.load(tmp_path / "cut.npz")


def test_a_truncated_data_npz_is_a_one_line_error(tmp_path):
    from chainrule.datasets.files import load_npz

    path = tmp_path / "data.npz"
    np.savez(path, X=np.ones((20, 3)), y=np.arange(20) % 2)
    path.write_bytes(path.read_bytes()[:-40])
    with pytest.raises(cr.ChainruleError, match=r"is not a readable \.npz of plain arrays"):
        load_npz(str(path))


# -- temporary files of killed saves ---------------------------------------------------------------------


def temporaries(folder):
    return sorted(name for name in os.listdir(folder) if name.endswith(".tmp"))


def test_the_next_save_removes_temporary_files_left_by_killed_saves(tmp_path):
    net = cr.Network([3, 2, 1], seed=0)
    for name in (".checkpoint.npz.abc123.tmp", ".checkpoint.npz.x9y8z7w6.tmp"):  # as a save killed mid-write leaves them
        (tmp_path / name).write_bytes(b"PK\x03\x04 half a checkpoint")
    (tmp_path / ".model.npz.keep0000.tmp").write_bytes(b"another file's")  # not ours to remove
    net.save(tmp_path / "checkpoint.npz")
    assert temporaries(tmp_path) == [".model.npz.keep0000.tmp"]
    assert cr.Network.load(tmp_path / "checkpoint.npz").layer_dims == [3, 2, 1]


HOLD_LOCK = textwrap.dedent(
    """
    import fcntl, sys, time
    with open(sys.argv[1], "wb") as file:
        fcntl.flock(file.fileno(), fcntl.LOCK_EX)
        print("locked", flush=True)
        time.sleep(60)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="flock")
def test_a_save_in_progress_elsewhere_keeps_its_temporary_file(tmp_path):
    busy = tmp_path / ".checkpoint.npz.busy1234.tmp"
    process = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(busy)], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "locked"
        cr.Network([3, 2, 1]).save(tmp_path / "checkpoint.npz")
        assert temporaries(tmp_path) == [busy.name]  # locked: another process is writing it
    finally:
        process.kill()
        process.wait(timeout=30)
        process.stdout.close()
    cr.Network([3, 2, 1]).save(tmp_path / "checkpoint.npz")
    assert temporaries(tmp_path) == []  # its writer is gone, so is the lock


SAVE_LOOP = textwrap.dedent(
    """
    import sys
    import chainrule as cr
    net = cr.Network([1500, 800, 1], ["relu", "sigmoid"], seed=0)
    i = 0
    while True:
        i += 1
        net.metadata = {"save": i}
        net.save(sys.argv[1])
        print(i, flush=True)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_no_temporary_file_is_left_after_sigkills_once_a_later_save_completes(tmp_path):
    path = tmp_path / "checkpoint.npz"
    left = 0
    for delay in (0.0, 0.004, 0.011, 0.019, 0.027):  # kill at different moments of a save (one takes tens of ms)
        process = subprocess.Popen([sys.executable, "-c", SAVE_LOOP, str(path)], stdout=subprocess.PIPE, text=True)
        try:
            assert process.stdout.readline(), "the save loop stopped"
            time.sleep(delay)
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
            process.stdout.close()
        left = max(left, len(temporaries(tmp_path)))
        assert cr.Network.load(path).metadata["save"] >= 1  # never a half-written file
    cr.Network([3, 2, 1]).save(path)
    assert temporaries(tmp_path) == []
    if left == 0:  # every kill fell between two saves: leave one as a kill mid-write does, and save again
        (tmp_path / ".checkpoint.npz.k1ll3d00.tmp").write_bytes(b"PK")
        cr.Network([3, 2, 1]).save(path)
        assert temporaries(tmp_path) == []


def test_a_long_run_history_saves_as_arrays_and_loads(tmp_path):
    # 200,000 epochs of costs as JSON would be ~4 MB, beyond the header's limit: the series are arrays
    net = cr.Network([3, 2, 1], ["relu", "sigmoid"], seed=0)
    n = 200_000
    costs = list(np.linspace(0.7, 0.1, n))
    net.metadata["history"] = {"costs": costs, "epochs": list(range(0, n, 1000)), "best_epoch": None, "first_epoch": 0}
    net.training_state = {"optimizer": "gd", "optimizer_state": {}, "epoch": n, "rng_state": np.random.default_rng(0).bit_generator.state,
                          "convention": "loss"}  # fmt: skip
    path = tmp_path / "long.npz"
    net.save(path)
    loaded = cr.Network.load(path)
    history = loaded.metadata["history"]
    assert history["costs"] == costs and history["epochs"] == list(range(0, n, 1000))
    assert history["best_epoch"] is None and history["first_epoch"] == 0
    assert all(isinstance(e, int) for e in history["epochs"][:3])


def test_a_history_longer_than_the_epochs_trained_is_refused(tmp_path):
    net = cr.Network([3, 2, 1], ["relu", "sigmoid"], seed=0)
    net.metadata["history"] = {"costs": [0.5] * 20}
    net.training_state = {"optimizer": "gd", "optimizer_state": {}, "epoch": 10, "rng_state": np.random.default_rng(0).bit_generator.state,
                          "convention": "loss"}  # fmt: skip
    path = tmp_path / "h.npz"
    net.save(path)
    with pytest.raises(cr.ChainruleError, match=r"history/costs must be one series of at most 10 entries; got shape \[20\]"):
        cr.Network.load(path)
