"""Bad input to the checks (gradcheck, explain), model files and memory: a one-line ChainruleError naming what was
expected and what was given; through the CLI, exit 2 with that line and no traceback.

Two tables of (id, call, message pattern): ``API`` calls take the folder of ``files`` (model files that lie);
``CLI`` rows are argument lists in which ``{dir}`` is that folder. The patterns are matched against the message
with its whitespace collapsed (rich wraps long lines to the terminal's width).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import chainrule as cr
from chainrule.cli import app
from chainrule.explain import explain
from chainrule.io import load


def small():
    net = cr.Network([5, 4, 3, 1], seed=0)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((5, 8))
    return net, X, (rng.random((1, 8)) > 0.5).astype(float)


def gradcheck(**options):
    net, X, Y = small()
    return cr.gradcheck(net, X, Y, **options)


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> Path:
    """A folder of files that are not (or no longer) chainrule models."""
    folder = tmp_path_factory.mktemp("bad-models")
    net = cr.Network([2, 6, 3, 1], ["relu", "sigmoid"], seed=0)
    net.save(folder / "model.npz")
    with np.load(folder / "model.npz", allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    header = json.loads(arrays["header"].tobytes())

    def write(name, changed, checksum=True):
        raw = json.dumps(changed).encode()
        out = {**arrays, "header": np.frombuffer(raw, dtype=np.uint8)}
        out["checksum"] = np.frombuffer(hashlib.sha256(raw if checksum else json.dumps(header).encode()).hexdigest().encode(),
                                        dtype=np.uint8)  # fmt: skip
        np.savez(folder / name, **out)

    write("edited.npz", {**header, "activations": ["tanh", "tanh", "sigmoid"]}, checksum=False)
    write("epoch.npz", {**header, "training": {"optimizer": "gd", "epoch": "3", "rng_state": {}}})
    write("dims.npz", {**header, "layer_dims": [2, -6, 3, 1]})
    old = {**arrays, "header": np.frombuffer(json.dumps({**header, "format_version": 1}).encode(), dtype=np.uint8)}
    del old["checksum"]
    np.savez(folder / "v1.npz", **old)
    (folder / "notes.txt").write_text("not a model\n")
    (folder / "empty.npz").write_bytes(b"")
    data = (folder / "model.npz").read_bytes()
    (folder / "cut.npz").write_bytes(data[: len(data) // 2])
    np.save(folder / "array.npy", np.ones(3))
    np.savez(folder / "foreign.npz", weights=np.ones(3))
    return folder


HUGE = [1_000_000, 1_000_000, 1]  # 8 TB of weights: more than any machine has

API = [
    ("epsilon-1e-16", lambda d: gradcheck(epsilon=1e-16),
     r"epsilon must be in \[1e-07, 1e-05\]; got 1e-16: below 1e-07 the float64 roundoff"),
    ("epsilon-1e-8", lambda d: gradcheck(epsilon=1e-8), r"epsilon must be in \[1e-07, 1e-05\]; got 1e-08"),
    ("epsilon-1e-3", lambda d: gradcheck(epsilon=1e-3), r"epsilon must be in \[1e-07, 1e-05\]; got 0\.001: .* above 1e-05 the truncation"),
    ("epsilon-negative", lambda d: gradcheck(epsilon=-1e-6), r"epsilon must be a positive finite number; got -1e-06"),
    ("epsilon-nan", lambda d: gradcheck(epsilon=float("nan")), r"epsilon must be a positive finite number; got nan"),
    ("epsilon-text", lambda d: gradcheck(epsilon="1e-6"), r"epsilon must be a positive finite number; got '1e-6'"),
    ("rtol-zero", lambda d: gradcheck(rtol=0.0), r"rtol must be a positive finite number; got 0\.0"),
    ("mode", lambda d: gradcheck(mode="fast"), r"unknown mode 'fast'; expected one of: auto, full, sample, directional"),
    ("kinks", lambda d: gradcheck(kinks="ignore"), r"kinks must be one of one-sided, skip, keep; got 'ignore'"),
    ("k-zero", lambda d: gradcheck(k=0), r"k must be a positive integer .*; got 0"),
    ("dropout-without-masks", lambda d: gradcheck(keep_prob=0.8),
     r"cannot check gradients with dropout on \(keep_prob = 0\.8\) without fixed masks"),
    ("network-huge", lambda d: cr.Network(HUGE), r"Network\(\[1000000, 1000000, 1\]\): its parameters \(1,000,002,000,001 float64 values\) "
                                                r"needs about [\d.]+ TiB of memory; this machine has .* available .*nothing was allocated"),
    ("network-huge-float32", lambda d: cr.Network(HUGE, dtype=np.float32), r"\(1,000,002,000,001 float32 values\) needs about"),
    ("explain-verify-huge", lambda d: explain(HUGE, verify=True),
     r"explain --verify of layer_dims \[1000000, 1000000, 1\] on m = 8 examples needs about"),
    ("explain-verify-huge-m", lambda d: explain([12288, 20, 7, 5, 1], m=100_000_000, verify=True),
     r"explain --verify of layer_dims \[12288, 20, 7, 5, 1\] on m = 100,000,000 examples needs about [\d.]+ TiB"),
    ("load-not-zip", lambda d: load(d / "notes.txt"), r"notes\.txt' is not a chainrule model: not a zip archive \(a model is an \.npz\)"),
    ("load-empty", lambda d: load(d / "empty.npz"), r"empty\.npz' is not a chainrule model: an empty file"),
    ("load-truncated", lambda d: load(d / "cut.npz"),
     r"cut\.npz' is not a readable chainrule model: the zip archive is truncated or damaged"),
    ("load-npy", lambda d: load(d / "array.npy"), r"array\.npy' is a single \.npy array, not a chainrule model"),
    ("load-foreign", lambda d: load(d / "foreign.npz"), r"foreign\.npz' is an \.npz without a chainrule header \(arrays: \['weights'\]\)"),
    ("load-edited-header", lambda d: load(d / "edited.npz"), r"edited\.npz': the header does not match its checksum: the file was edited"),
    ("load-epoch-text", lambda d: load(d / "epoch.npz"),
     r"epoch\.npz': header field 'training\.epoch' must be a non-negative integer \(the epochs done\); got '3'"),
    ("load-dims-negative", lambda d: load(d / "dims.npz"),
     r"dims\.npz': header field 'layer_dims' must be a list of at least two positive"),
    ("load-format-1", lambda d: load(d / "v1.npz"), r"v1\.npz' is a model of format 1 \(chainrule 0\.1\.0\), whose header has no checksum"),
    ("load-absent", lambda d: load(d / "absent.npz"), r"no model file at '.*absent\.npz'"),
]  # fmt: skip

CLI = [
    ("check-epsilon-tiny-planted", ["check", "--layers", "5,4,3,1", "--epsilon", "1e-16", "--scale", "dW1=2"],
     r"error: epsilon must be in \[1e-07, 1e-05\]; got 1e-16"),
    ("check-epsilon-large", ["check", "--epsilon", "0.01"], r"error: epsilon must be in \[1e-07, 1e-05\]; got 0\.01"),
    ("check-m-huge", ["check", "--m", "100000000"],
     r"error: a gradient check of layer_dims \[4, 5, 3, 1\] on m = 100,000,000 examples needs about [\d.]+ TiB of memory; "
     r"this machine has .* available"),
    ("check-layers-huge", ["check", "--layers", "1000000,1000000,1"], r"error: a gradient check of layer_dims \[1000000, 1000000, 1\]"),
    ("check-m-zero", ["check", "--m", "0"], r"error: --m must be a positive integer \(the number of examples\); got 0"),
    ("check-mode", ["check", "--mode", "fast"], r"error: unknown mode 'fast'; expected one of"),
    ("check-scale-form", ["check", "--scale", "dW1"], r"error: --scale must look like KEY=FACTOR, e.g\. dW2=1\.001; got 'dW1'"),
    ("check-scale-key", ["check", "--scale", "dW9=2"], r"error: --scale: no gradient 'dW9'; expected one of"),
    ("check-keep-prob", ["check", "--keep-prob", "0"], r"error: keep_prob .* must be in \(0, 1\]; got 0"),
    ("check-grads-convention", ["check", "--grads-convention", "mean"], r"error: unknown convention 'mean'; expected 'loss'"),
    ("check-layers-text", ["check", "--layers", "5,x,1"], r"error: --layers must be comma-separated integers such as 2,4,1; got '5,x,1'"),
    ("explain-verify-m-huge", ["explain", "--layers", "12288,20,7,5,1", "--verify", "--m", "100000000"],
     r"error: explain --verify of layer_dims \[12288, 20, 7, 5, 1\] on m = 100,000,000 examples needs about"),
    ("explain-verify-layers-huge", ["explain", "--layers", "1000000,1000000,1", "--verify"],
     r"error: explain --verify of layer_dims \[1000000, 1000000, 1\] on m = 8 examples needs about"),
    ("explain-format", ["explain", "--layers", "2,3,1", "--format", "pdf"], r"error: unknown --format 'pdf'; expected one of"),
    ("explain-m-zero", ["explain", "--layers", "2,3,1", "--m", "0"], r"error: m must be a positive integer .*; got 0"),
    ("evaluate-not-zip", ["evaluate", "{dir}/notes.txt"], r"error: '.*notes\.txt' is not a chainrule model: not a zip archive"),
    ("evaluate-edited", ["evaluate", "{dir}/edited.npz"], r"error: '.*edited\.npz': the header does not match its checksum"),
    ("evaluate-truncated", ["evaluate", "{dir}/cut.npz"],
     r"error: '.*cut\.npz' is not a readable chainrule model: the zip archive is truncated"),
    ("predict-epoch-text", ["predict", "{dir}/epoch.npz", "{dir}/notes.txt"], r"error: '.*epoch\.npz': header field 'training\.epoch'"),
    ("predict-format-1", ["predict", "{dir}/v1.npz", "{dir}/notes.txt"], r"error: '.*v1\.npz' is a model of format 1"),
]  # fmt: skip


@pytest.mark.parametrize("call, pattern", [case[1:] for case in API], ids=[case[0] for case in API])
def test_api_bad_input_is_a_one_line_chainrule_error(files, call, pattern):
    with pytest.raises(cr.ChainruleError) as refused:
        call(files)
    message = str(refused.value)
    assert "\n" not in message and re.search(pattern, message), message


@pytest.mark.parametrize("args, pattern", [case[1:] for case in CLI], ids=[case[0] for case in CLI])
def test_cli_bad_input_exits_2_with_one_message_and_no_traceback(files, args, pattern):
    result = CliRunner().invoke(app, [arg.replace("{dir}", str(files)) for arg in args])
    text = " ".join(result.output.split())
    assert result.exit_code == 2, result.output
    assert ("Traceback" not in result.output and result.exception is None) or isinstance(result.exception, SystemExit)
    assert text.count("error:") == 1 and re.search(pattern, text), result.output


def test_explain_shapes_of_a_huge_network_allocate_nothing():
    """The shapes need the architecture only: 100000 × 100000 weights (80 GB) are never drawn."""
    import tracemalloc

    tracemalloc.start()
    try:
        result = CliRunner().invoke(app, ["explain", "--layers", "100000,100000,1", "--shapes", "--format", "json"])
        table = explain([3000, 3000, 1]).shapes_table()  # 72 MB of weights, were they drawn
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.exit_code == 0 and "layer_dims = [100000, 100000, 1]" in result.output
    assert table.rows and peak < 20 << 20, peak


def test_memory_refusals_name_the_estimate_and_the_source(monkeypatch):
    """Where the machine says nothing of its memory, the documented fallback is stated in the message."""
    from chainrule import memory

    monkeypatch.setattr(memory, "available_bytes", lambda: (memory.FALLBACK_BYTES, "a fixed limit: this platform does not report"))
    with pytest.raises(cr.ChainruleError, match=r"needs about 74\.5 GiB of memory; this machine has 8\.0 GiB available \(a fixed limit"):
        cr.Network([100_000, 100_000, 1], initialization="zeros")
    assert cr.Network([1000, 1000, 1]).parameters["W1"].shape == (1000, 1000)  # 8 MB: never refused
