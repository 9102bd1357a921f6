"""Saving and loading networks: one .npz of arrays plus a JSON header, written atomically.

The file holds plain arrays only (never pickles):

- ``header``: the UTF-8 bytes of a JSON object: format name and version, chainrule version,
  layer_dims, activations, loss, dtype, the training convention, whether the inputs are
  standardized, metadata (classes, data set, image shape), the training state's scalars (optimizer,
  epochs done, the shuffling generator's state) and, for every other array, its shape, dtype
  and SHA-256;
- ``param/W1``, ``param/b1``, …: the parameters;
- ``optim/v/dW1``, ``optim/s/dW1``, ``optim/t``, …: the optimizer state (see ``chainrule.optim``);
- ``norm/mean``, ``norm/std``: the standardization of the inputs, (n_x, 1) each.

``save`` writes a temporary file in the target's folder, flushes and fsyncs it, then renames it
over the target with ``os.replace`` (atomic on POSIX and Windows) and fsyncs the folder: a crash
at any moment leaves either the previous file or the new one, never a half-written one.
``load`` opens with ``allow_pickle=False`` and checks the header, every array's presence, shape,
dtype and checksum, and the shapes the architecture implies, naming the first problem.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import zipfile
from typing import Any

import numpy as np

from chainrule.errors import ChainruleError
from chainrule.optim import get_optimizer, state_from_arrays, state_to_arrays

FORMAT = "chainrule.network"
FORMAT_VERSION = 1


def _digest(array: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


def model_arrays(net) -> dict[str, np.ndarray]:
    """Every array of ``net`` under its .npz name: parameters, optimizer state, normalization."""
    arrays = {f"param/{key}": value for key, value in net.parameters.items()}
    if net.training_state is not None:
        for key, value in state_to_arrays(net.training_state["optimizer_state"]).items():
            arrays[f"optim/{key}"] = value
    if net.normalization is not None:
        arrays["norm/mean"] = np.asarray(net.normalization["mean"], dtype=np.float64)
        arrays["norm/std"] = np.asarray(net.normalization["std"], dtype=np.float64)
    return arrays


def model_header(net, arrays: dict[str, np.ndarray]) -> dict[str, Any]:
    """The JSON header describing ``net`` and ``arrays``."""
    from chainrule import __version__

    state = net.training_state
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "chainrule_version": __version__,
        "layer_dims": net.layer_dims,
        "activations": net.activations,
        "loss": net.loss,
        "dtype": net.dtype.name,
        "convention": state["convention"] if state else None,
        "normalization": "standardize" if net.normalization is not None else None,
        "metadata": net.metadata,
        "training": None if state is None else {
            "optimizer": state["optimizer"],
            "epoch": state["epoch"],
            "rng_state": state["rng_state"],
        },
        "arrays": {
            name: {"shape": list(array.shape), "dtype": array.dtype.str, "sha256": _digest(array)}
            for name, array in arrays.items()
        },
    }


def save(net, path: str | os.PathLike) -> None:
    """Write ``net`` to ``path`` atomically (temporary file in the same folder, fsync, os.replace)."""
    arrays = model_arrays(net)
    header = json.dumps(model_header(net, arrays), ensure_ascii=False).encode("utf-8")
    arrays["header"] = np.frombuffer(header, dtype=np.uint8)
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            np.savez(file, **arrays)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable (POSIX; not possible on Windows)
        folder_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(folder_fd)
        finally:
            os.close(folder_fd)


def load(path: str | os.PathLike):
    """The Network saved at ``path``; a ChainruleError naming the problem for anything else."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise ChainruleError(f"no model file at {path!r}")
    try:
        data = np.load(path, allow_pickle=False)
        if not isinstance(data, np.lib.npyio.NpzFile):
            raise ChainruleError(f"{path!r} is a single .npy array, not a chainrule model (.npz with a header)")
        with data:
            names = set(data.files)
            if "header" not in names:
                raise ChainruleError(
                    f"{path!r} is an .npz without a chainrule header (arrays: {sorted(names)[:6]}); not a chainrule model"
                )
            header = _read_header(data["header"], path)
            expected = set(header["arrays"]) | {"header"}
            if names != expected:
                raise ChainruleError(
                    f"{path!r}: arrays do not match the header: missing {sorted(expected - names)}, unexpected {sorted(names - expected)}"
                )
            arrays = {name: _read_array(data, name, spec, path) for name, spec in header["arrays"].items()}
    except ChainruleError:
        raise
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile, zipfile.LargeZipFile) as error:
        # NumPy's own message for pickled data advises loading it unsafely; chainrule never does
        reason = "it holds pickled (object) data, which chainrule never loads" if "pickle" in str(error) else (
            f"{type(error).__name__}: {error}")
        raise ChainruleError(f"{path!r} is not a readable chainrule model (corrupt, truncated or not an .npz): {reason}") from None
    return _network(header, arrays, path)


def _read_header(raw: Any, path: str) -> dict[str, Any]:
    if not isinstance(raw, np.ndarray):  # NpzFile hands back raw bytes for a member that is no .npy
        raise ChainruleError(f"{path!r} is not a readable chainrule model: its header is not a NumPy array")
    if raw.dtype != np.uint8 or raw.ndim != 1:
        raise ChainruleError(f"{path!r}: the header must be a 1-D uint8 array of JSON; got {raw.dtype} {raw.shape}")
    try:
        header = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ChainruleError(f"{path!r}: the header is not valid JSON ({error})") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        found = header.get("format") if isinstance(header, dict) else type(header).__name__
        raise ChainruleError(f"{path!r} is not a chainrule model: header format {found!r}, expected {FORMAT!r}")
    if header.get("format_version") != FORMAT_VERSION:
        raise ChainruleError(
            f"{path!r}: model format version {header.get('format_version')!r}; this chainrule reads version {FORMAT_VERSION}"
        )
    for key, kind in (("layer_dims", list), ("activations", list), ("loss", str), ("dtype", str), ("arrays", dict)):
        if not isinstance(header.get(key), kind):
            raise ChainruleError(f"{path!r}: header field {key!r} must be a {kind.__name__}; got {header.get(key)!r}")
    return header


def _read_array(data, name: str, spec: dict[str, Any], path: str) -> np.ndarray:
    array = data[name]
    if not isinstance(array, np.ndarray):
        raise ChainruleError(f"{path!r} is not a readable chainrule model: {name!r} is not a NumPy array")
    if list(array.shape) != spec.get("shape") or array.dtype.str != spec.get("dtype"):
        raise ChainruleError(
            f"{path!r}: array {name!r} has shape {tuple(array.shape)} dtype {array.dtype.str}; "
            f"the header says shape {tuple(spec.get('shape') or ())} dtype {spec.get('dtype')}"
        )
    if _digest(array) != spec.get("sha256"):
        raise ChainruleError(f"{path!r}: array {name!r} does not match its checksum: the file was altered or damaged")
    return array


def _network(header: dict[str, Any], arrays: dict[str, np.ndarray], path: str):
    from chainrule.network import Network

    net = Network(header["layer_dims"], header["activations"], loss=header["loss"], initialization="zeros", dtype=header["dtype"])
    shapes = net.parameter_shapes()
    for key, shape in shapes.items():
        name = f"param/{key}"
        if name not in arrays or arrays[name].shape != shape:
            found = arrays[name].shape if name in arrays else "missing"
            raise ChainruleError(f"{path!r}: {name} must have shape {shape} for layer_dims {net.layer_dims}; got {found}")
    net.parameters = {key: arrays[f"param/{key}"] for key in shapes}
    if header.get("normalization") is not None:
        for name in ("norm/mean", "norm/std"):
            if name not in arrays or arrays[name].shape != (net.n_x, 1):
                raise ChainruleError(f"{path!r}: {name} must have shape ({net.n_x}, 1)")
        net.normalization = {"mean": arrays["norm/mean"], "std": arrays["norm/std"]}
    net.metadata = dict(header.get("metadata") or {})
    training = header.get("training")
    if training is not None:
        optimizer = get_optimizer(training.get("optimizer"))
        expected = {f"optim/{k}": v.shape for k, v in state_to_arrays(optimizer.init(net.parameters)).items()}
        found = {name: array.shape for name, array in arrays.items() if name.startswith("optim/")}
        if found != expected:
            raise ChainruleError(
                f"{path!r}: the {optimizer.name} state must be {sorted(expected.items())}; got {sorted(found.items())}"
            )
        net.training_state = {
            "optimizer": optimizer.name,
            "optimizer_state": state_from_arrays({name[len("optim/"):]: arrays[name] for name in found}),
            "epoch": int(training["epoch"]),
            "rng_state": training["rng_state"],
            "convention": header.get("convention") or "loss",
        }
    return net
