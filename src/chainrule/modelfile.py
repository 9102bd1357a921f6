"""The model file (format 2): one .npz of arrays plus a JSON header, written atomically, read with every size checked.

This module knows no Network: it writes and reads a ``SavedModel``, the plain values a network is
saved as (``Network.save`` / ``Network.load`` and ``chainrule.io`` are built on it). The file
holds plain arrays only (never pickles):

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
import math
import os
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from chainrule.conventions import CONVENTIONS
from chainrule.errors import ChainruleError
from chainrule.initializers import parameter_shapes
from chainrule.optim import get_optimizer, state_from_arrays, state_to_arrays
from chainrule.training import TrainingState
from chainrule.validation import check_integer
from chainrule.version import __version__

FORMAT = "chainrule.network"
FORMAT_VERSION = 2  # 2: the member "checksum" holds the SHA-256 of the header; 1 (chainrule 0.1.0): arrays only
MAX_HEADER_BYTES = 1 << 20  # a header is a few KiB; its member's declared size is checked before it is read
MAX_NPY_HEADER = 10_000  # bytes of an .npy member's own header (NumPy's limit for a safe read)
MAX_RATIO = 100  # a member larger than RATIO_FROM bytes may inflate at most this many times its compressed size
RATIO_FROM = 16 << 20
READ_CHUNK = 16 << 20  # bytes decompressed at a time
ARRAY_KINDS = "fi"  # floating arrays (parameters, optimizer state, normalization) and int64 counters (Adam's t)
ZIP_MAGIC = b"PK\x03\x04"
MAX_SERIES = 100_000_000  # entries of one saved history series (costs per epoch) when no training state bounds it
NPY_MAGIC = b"\x93NUMPY"


@dataclass
class SavedModel:
    """What a model file holds, as plain values: the architecture, the arrays, the facts saved with them.

    layer_dims [n_x, n[1], …, n[L]], one activation name per layer, the loss's name and the dtype's;
    parameters {"W1": (n[1], n[0]), "b1": (n[1], 1), …}; normalization {"mean", "std"} (n_x, 1) of
    the inputs or None; metadata (JSON: classes, data set, image shape, a run's options and history);
    the training state to resume from, or None.
    """

    layer_dims: list[int]
    activations: list[str]
    loss: str
    dtype: np.dtype
    parameters: dict[str, np.ndarray]
    normalization: dict[str, np.ndarray] | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    training_state: TrainingState | None = None


def _digest(array: np.ndarray) -> str:
    """SHA-256 of the array's C-order bytes (as ``tobytes()``), without a copy when it is contiguous."""
    return hashlib.sha256(np.ascontiguousarray(array).reshape(-1).view(np.uint8)).hexdigest()  # type: ignore[arg-type]  # NumPy's stubs: an ndarray is a buffer


def _series(values: Any) -> bool:
    """A list of plain numbers (a history's costs, epochs, accuracies): saved as an array, not in the header."""
    return isinstance(values, list) and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


def _history_arrays(metadata: dict[str, Any]) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """(metadata for the header, arrays): the series of ``metadata["history"]`` go to "history/<key>" arrays.

    A run's history grows by an entry per epoch (26 bytes of JSON each): as arrays it never makes
    the header outgrow ``MAX_HEADER_BYTES``, and the arrays are covered by the header's SHA-256s.
    """
    history = metadata.get("history")
    if not isinstance(history, dict):
        return metadata, {}
    arrays = {f"history/{key}": np.asarray(values, dtype=np.int64 if all(isinstance(v, int) for v in values) else np.float64)
              for key, values in history.items() if _series(values)}  # fmt: skip
    rest = {key: value for key, value in history.items() if f"history/{key}" not in arrays}
    return {**metadata, "history": rest}, arrays


def model_arrays(model: SavedModel) -> dict[str, np.ndarray]:
    """Every array of ``model`` under its .npz name: parameters, optimizer state, normalization, history series."""
    arrays = {f"param/{key}": value for key, value in model.parameters.items()}
    arrays.update(_history_arrays(model.metadata)[1])
    if model.training_state is not None:
        for key, value in state_to_arrays(model.training_state.optimizer_state).items():
            arrays[f"optim/{key}"] = value
    if model.normalization is not None:
        arrays["norm/mean"] = np.asarray(model.normalization["mean"], dtype=np.float64)
        arrays["norm/std"] = np.asarray(model.normalization["std"], dtype=np.float64)
    return arrays


def model_header(model: SavedModel, arrays: dict[str, np.ndarray]) -> dict[str, Any]:
    """The JSON header describing ``model`` and ``arrays``."""
    state = model.training_state
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "chainrule_version": __version__,
        "layer_dims": model.layer_dims,
        "activations": model.activations,
        "loss": model.loss,
        "dtype": model.dtype.name,
        "convention": state.convention if state else None,
        "normalization": "standardize" if model.normalization is not None else None,
        "metadata": _history_arrays(model.metadata)[0],
        "training": None if state is None else {
            "optimizer": state.optimizer,
            "epoch": state.epoch,
            "rng_state": state.rng_state,
        },
        "arrays": {
            name: {"shape": list(array.shape), "dtype": array.dtype.str, "sha256": _digest(array)}
            for name, array in arrays.items()
        },
    }


def write(model: SavedModel, path: str | os.PathLike[str]) -> None:
    """Write ``model`` to ``path`` atomically (temporary file in the same folder, fsync, os.replace).

    The temporary file ``.NAME.XXXXXXXX.tmp`` is locked (``fcntl.flock``) while it is written; a save
    first removes the unlocked ones left in the folder by saves to the same ``path`` that were
    killed (``remove_stale_temporaries``).
    """
    arrays = model_arrays(model)
    header = json.dumps(model_header(model, arrays), ensure_ascii=False).encode("utf-8")
    arrays["header"] = np.frombuffer(header, dtype=np.uint8)
    arrays["checksum"] = np.frombuffer(hashlib.sha256(header).hexdigest().encode("ascii"), dtype=np.uint8)
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    remove_stale_temporaries(path)
    for _ in range(3):  # another save's cleaning can unlink our file in the instant before we lock it: start again
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=_temporary_prefix(path), suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as file:
                _lock(file.fileno(), blocking=True)
                if os.fstat(file.fileno()).st_nlink == 0:
                    continue
                np.savez(file, **arrays)  # type: ignore[arg-type]  # NumPy's stubs: an ndarray is a buffer
                file.flush()
                os.fsync(file.fileno())
                os.replace(temporary, path)  # while still locked: no cleaner takes it for a stale one
            break
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
    else:
        raise ChainruleError(f"could not save {path!r}: its temporary file was removed three times while being written")
    with contextlib.suppress(OSError):  # make the rename itself durable (POSIX; not possible on Windows)
        folder_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(folder_fd)
        finally:
            os.close(folder_fd)


def _temporary_prefix(path: str) -> str:
    return f".{os.path.basename(path)}."


def _lock(fd: int, blocking: bool) -> bool:
    """An exclusive advisory lock on ``fd`` (released by the kernel when the process dies); False if another holds it."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; see remove_stale_temporaries
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


STALE_SECONDS_WITHOUT_LOCKS = 600  # where flock does not exist, a temporary file older than this is stale


def remove_stale_temporaries(path: str | os.PathLike) -> list[str]:
    """Remove the temporary files ``.NAME.*.tmp`` that killed saves to ``path`` left in its folder; return their names.

    A save holds an exclusive ``flock`` on its temporary file until the rename; the kernel drops it
    when the process dies (SIGKILL, power loss), so a temporary file that can be locked is no save's
    any more. Files of saves still running elsewhere are left alone. Without ``fcntl`` (Windows) a
    temporary file is taken as stale when it is older than ``STALE_SECONDS_WITHOUT_LOCKS``.
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    prefix = _temporary_prefix(path)
    try:
        names = [name for name in os.listdir(folder) if name.startswith(prefix) and name.endswith(".tmp")]
    except OSError:
        return []
    removed = []
    for name in names:
        candidate = os.path.join(folder, name)
        try:
            fd = os.open(candidate, os.O_RDONLY)
        except OSError:
            continue
        try:
            try:
                import fcntl  # noqa: F401
            except ImportError:
                stale = time.time() - os.fstat(fd).st_mtime > STALE_SECONDS_WITHOUT_LOCKS
            else:
                stale = _lock(fd, blocking=False)
            if stale:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(candidate)
                    removed.append(name)
        finally:
            os.close(fd)
    return removed


# -- loading: every size checked before anything is allocated or decompressed ---------------------------
def read(path: str | os.PathLike[str], *, trust_header: bool = False) -> SavedModel:
    """The model saved at ``path``; a ChainruleError naming the problem for anything else.

    In order, before any array is allocated: a zip archive (else "not a zip archive"), its members
    the header's arrays, the header's declared size within ``MAX_HEADER_BYTES``, the header's
    checksum, its fields and their types, every array's shape implied by layer_dims, every member's
    declared (uncompressed) size equal to what its shape and dtype need, and the total within the
    memory this machine has. Then each member is read into an array of exactly that size (never
    more is decompressed) and checked against its SHA-256.

    Format 1 files (chainrule 0.1.0) have no checksum over the header, so a hand edit of it (relu →
    tanh) cannot be detected; they are refused unless ``trust_header=True`` (then save the network
    again to write format 2).
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise ChainruleError(f"no model file at {path!r}")
    try:
        with open(path, "rb") as file:
            magic = file.read(6)
        if magic == NPY_MAGIC:
            raise ChainruleError(f"{path!r} is a single .npy array, not a chainrule model (.npz with a header)")
        if not magic.startswith(ZIP_MAGIC):
            what = "an empty file" if not magic else "not a zip archive (a model is an .npz)"
            raise ChainruleError(f"{path!r} is not a chainrule model: {what}")
        if not zipfile.is_zipfile(path):
            raise ChainruleError(f"{path!r} is not a readable chainrule model: the zip archive is truncated or damaged "
                                 "(no end-of-archive record)")  # fmt: skip
        with zipfile.ZipFile(path) as archive:
            members = {info.filename: info for info in archive.infolist()}
            header, raw = _read_header(archive, members, path)
            _check_checksum(archive, members, raw, header, path, trust_header)
            specs = _check_specs(header, members, path)
            arrays = {name: _read_array(archive, members[name + ".npy"], spec, name, path) for name, spec in specs.items()}
    except ChainruleError:
        raise
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError) as error:
        reason = "it holds pickled (object) data, which chainrule never loads" if "pickle" in str(error) else (
            f"{type(error).__name__}: {error}")  # fmt: skip
        raise ChainruleError(f"{path!r} is not a readable chainrule model (corrupt, truncated or damaged): {reason}") from None
    return _saved_model(header, arrays)


def _member(members: dict[str, zipfile.ZipInfo], name: str, path: str) -> zipfile.ZipInfo:
    info = members.get(name + ".npy")
    if info is None:
        raise ChainruleError(
            f"{path!r} is an .npz without a chainrule {name} (arrays: {sorted(m.removesuffix('.npy') for m in members)[:6]}); "
            "not a chainrule model"
        )
    return info


def _read_header(archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], path: str) -> tuple[dict[str, Any], bytes]:
    """(the header as a dict with its fields' types checked, its raw bytes)."""
    info = _member(members, "header", path)
    if info.file_size > MAX_HEADER_BYTES:
        raise ChainruleError(
            f"{path!r}: the header member declares {info.file_size:,} bytes; a chainrule header is at most {MAX_HEADER_BYTES:,}"
        )
    raw_array = _read_array(archive, info, None, "header", path)
    if raw_array.dtype != np.uint8 or raw_array.ndim != 1:
        raise ChainruleError(f"{path!r}: the header must be a 1-D uint8 array of JSON; got {raw_array.dtype} {raw_array.shape}")
    raw = raw_array.tobytes()
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ChainruleError(f"{path!r}: the header is not valid JSON ({error})") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        found = header.get("format") if isinstance(header, dict) else type(header).__name__
        raise ChainruleError(f"{path!r} is not a chainrule model: header format {found!r}, expected {FORMAT!r}")
    if header.get("format_version") not in (1, FORMAT_VERSION):
        raise ChainruleError(
            f"{path!r}: model format version {header.get('format_version')!r}; this chainrule reads versions 1 and {FORMAT_VERSION}"
        )
    _check_header_fields(header, path)
    return header, raw


def _check_checksum(archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], raw: bytes, header: dict[str, Any], path: str,
                    trust_header: bool) -> None:  # fmt: skip
    """Format 2: the member "checksum" must be the SHA-256 (hex) of the header's bytes; format 1 only with trust_header."""
    if header["format_version"] == 1:
        if "checksum.npy" in members:
            raise ChainruleError(f"{path!r}: a format 1 header with a checksum member; the file was altered")
        if not trust_header:
            raise ChainruleError(
                f"{path!r} is a model of format 1 (chainrule 0.1.0), whose header has no checksum, so a hand edit of it "
                "cannot be detected; if you trust the file, load it with chainrule.io.load(path, trust_header=True) and "
                "save it again (format 2)"
            )
        return
    info = _member(members, "checksum", path)
    if info.file_size > 1024:
        raise ChainruleError(f"{path!r}: the checksum member declares {info.file_size:,} bytes; expected a SHA-256")
    stored = _read_array(archive, info, None, "checksum", path)
    expected = hashlib.sha256(raw).hexdigest()
    if stored.dtype != np.uint8 or stored.tobytes().decode("ascii", "replace") != expected:
        raise ChainruleError(f"{path!r}: the header does not match its checksum: the file was edited or damaged")


def _check_header_fields(header: dict[str, Any], path: str) -> None:
    """Every field chainrule reads, of the right type, before any of them is used."""

    def bad(key: str, expected: str) -> ChainruleError:
        return ChainruleError(f"{path!r}: header field {key!r} must be {expected}; got {_short(header.get(key))}")

    dims = header.get("layer_dims")
    if not (isinstance(dims, list) and len(dims) >= 2 and all(type(n) is int and n >= 1 for n in dims)):
        raise bad("layer_dims", "a list of at least two positive integers")
    activations = header.get("activations")
    if not (isinstance(activations, list) and len(activations) == len(dims) - 1 and all(isinstance(a, str) for a in activations)):
        raise bad("activations", f"a list of {len(dims) - 1} names (one per layer)")
    for key, expected in (("loss", str), ("dtype", str), ("arrays", dict)):
        if not isinstance(header.get(key), expected):
            raise bad(key, f"a {expected.__name__}")
    if header["dtype"] not in ("float16", "float32", "float64"):
        raise bad("dtype", "float16, float32 or float64")
    if header.get("normalization") not in (None, "standardize"):
        raise bad("normalization", 'null or "standardize"')
    if header.get("convention") not in (None, *CONVENTIONS):
        raise bad("convention", 'null, "loss" or "cost"')
    if not isinstance(header.get("metadata") or {}, dict):
        raise bad("metadata", "an object")
    training = header.get("training")
    if training is not None:
        if not isinstance(training, dict):
            raise bad("training", "null or an object")
        epoch, rng_state = training.get("epoch"), training.get("rng_state")
        if not isinstance(training.get("optimizer"), str):
            raise ChainruleError(f"{path!r}: header field 'training.optimizer' must be a name; got {_short(training.get('optimizer'))}")
        check_integer(epoch, f"{path!r}: header field 'training.epoch'", 0, "the epochs done")
        _check_rng_state(rng_state, path)
    for name, spec in header["arrays"].items():
        shape = spec.get("shape") if isinstance(spec, dict) else None
        if not (isinstance(shape, list) and all(type(n) is int and n >= 0 for n in shape)
                and isinstance(spec.get("dtype"), str) and isinstance(spec.get("sha256"), str)):  # fmt: skip
            raise ChainruleError(
                f"{path!r}: header entry of array {name!r} must be {{shape: [ints], dtype: str, sha256: str}}; got {_short(spec)}"
            )


def _check_rng_state(rng_state: Any, path: str) -> None:
    """The shuffling generator's state must be one NumPy accepts (tried on a fresh generator of its kind)."""
    name = rng_state.get("bit_generator") if isinstance(rng_state, dict) else None
    generator = getattr(np.random, name, None) if isinstance(name, str) and name.isidentifier() else None
    try:
        if not (isinstance(generator, type) and issubclass(generator, np.random.BitGenerator)):
            raise TypeError(name)
        generator().state = rng_state
    except (TypeError, ValueError, KeyError, OverflowError):
        raise ChainruleError(
            f"{path!r}: header field 'training.rng_state' is not a NumPy generator state; got {_short(rng_state)}"
        ) from None


def _short(value: Any) -> str:
    """A value for a one-line message: its repr, cut at 80 characters."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _expected_shapes(header: dict[str, Any], path: str) -> dict[str, tuple[int, ...]]:
    """Every array's shape as the architecture implies it, from the header alone (nothing allocated)."""
    dims = header["layer_dims"]
    shapes: dict[str, tuple[int, ...]] = {f"param/{key}": shape for key, shape in parameter_shapes(dims).items()}
    training = header.get("training")
    if training is not None:
        optimizer = get_optimizer(training["optimizer"])
        stand_ins = {key: np.zeros((1, 1)) for key in parameter_shapes(dims)}  # the state's names, not its sizes
        for name, array in state_to_arrays(optimizer.init(stand_ins)).items():
            # state keys follow the course: v["dW1"] has the shape of W1; counters (t) are 0-d
            shapes[f"optim/{name}"] = shapes[f"param/{name.split('/', 1)[1][1:]}"] if "/" in name else array.shape
    if header.get("normalization") is not None:
        shapes["norm/mean"] = shapes["norm/std"] = (dims[0], 1)
    return shapes


def _check_specs(header: dict[str, Any], members: dict[str, zipfile.ZipInfo], path: str) -> dict[str, dict[str, Any]]:
    """The header's arrays, checked against the architecture, the archive's members and their declared sizes, and memory."""
    from chainrule.memory import require

    specs = header["arrays"]
    names = {name.removesuffix(".npy") for name in members} - {"header", "checksum"}
    if names != set(specs) or any(not name.endswith(".npy") for name in members):
        raise ChainruleError(
            f"{path!r}: arrays do not match the header: missing {sorted(set(specs) - names)}, unexpected {sorted(names - set(specs))}"
        )
    expected = _expected_shapes(header, path)
    most = header["training"]["epoch"] if isinstance(header.get("training"), dict) else MAX_SERIES
    for name in (name for name in specs if name.startswith("history/")):  # one entry per epoch at most
        shape = tuple(specs[name].get("shape") or ()) if isinstance(specs[name], dict) else ()
        if len(shape) != 1 or not all(isinstance(n, int) and 0 <= n <= most for n in shape):
            raise ChainruleError(f"{path!r}: {name} must be one series of at most {most:,} entries; got shape {list(shape)}")
        expected[name] = shape
    total = 0
    for name, shape in expected.items():
        if name not in specs:
            raise ChainruleError(f"{path!r}: missing {[name]}: layer_dims {header['layer_dims']} and the header's training state need it")
        spec = specs[name]
        if tuple(spec["shape"]) != shape:
            what = f"for layer_dims {header['layer_dims']}" if name.startswith(("param/", "optim/")) else f"for n_x = {shape[0]}"
            raise ChainruleError(f"{path!r}: {name} must have shape {shape} {what}; got {tuple(spec['shape'])}")
        try:
            dtype = np.dtype(spec["dtype"])
        except TypeError:
            dtype = None
        if dtype is None or dtype.kind not in ARRAY_KINDS or dtype.itemsize > 8:
            raise ChainruleError(f"{path!r}: array {name!r} has dtype {spec['dtype']!r}; expected a float or int64 array")
        nbytes = math.prod(shape) * dtype.itemsize
        declared = members[name + ".npy"].file_size
        if not nbytes <= declared <= nbytes + MAX_NPY_HEADER:
            raise ChainruleError(
                f"{path!r}: member {name}.npy declares {declared:,} bytes uncompressed; shape {shape} {dtype.str} needs "
                f"{nbytes:,} plus its .npy header: the file was altered or damaged"
            )
        info = members[name + ".npy"]
        if declared > RATIO_FROM and declared > MAX_RATIO * max(info.compress_size, 1):
            raise ChainruleError(
                f"{path!r}: member {name}.npy inflates from {info.compress_size:,} to {declared:,} bytes (more than "
                f"{MAX_RATIO} times); chainrule writes models uncompressed, so this is refused as a zip bomb"
            )
        total += nbytes
    unexpected = sorted(set(specs) - set(expected))
    if unexpected:
        raise ChainruleError(f"{path!r}: unexpected arrays {unexpected} for this architecture and training state")
    parameters = sum(math.prod(shape) for name, shape in expected.items() if name.startswith("param/"))
    require(total + parameters * np.dtype(header["dtype"]).itemsize,
            f"loading {path!r} (layer_dims {header['layer_dims']}: {parameters:,} parameters)")  # fmt: skip
    return specs


def _read_array(archive: zipfile.ZipFile, info: zipfile.ZipInfo, spec: dict[str, Any] | None, name: str, path: str) -> np.ndarray:
    """One .npy member, read into an array of exactly the size its header names, checked against ``spec`` (shape,
    dtype, SHA-256) and against the member's declared size; never more than that size is decompressed."""
    with archive.open(info) as member:
        version = np.lib.format.read_magic(member)
        read_header = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}.get(version)
        if read_header is None:
            raise ChainruleError(f"{path!r}: member {info.filename} has .npy format {version}; expected 1.0 or 2.0")
        shape, fortran, dtype = read_header(member, max_header_size=MAX_NPY_HEADER)
        if dtype.hasobject:
            raise ChainruleError(f"{path!r} is not a readable chainrule model: it holds pickled (object) data, which chainrule never loads")
        if spec is not None and (list(shape) != spec["shape"] or dtype.str != spec["dtype"]):
            raise ChainruleError(
                f"{path!r}: array {name!r} has shape {tuple(shape)} dtype {dtype.str}; "
                f"the header says shape {tuple(spec['shape'])} dtype {spec['dtype']}"
            )
        nbytes = math.prod(shape) * dtype.itemsize
        if member.tell() + nbytes != info.file_size:
            raise ChainruleError(
                f"{path!r}: member {info.filename} declares {info.file_size:,} bytes, its .npy header "
                f"{member.tell() + nbytes:,}: the file was altered or damaged"
            )
        buffer = np.empty(shape[::-1] if fortran else shape, dtype=dtype)
        view, filled = memoryview(buffer.reshape(-1).view(np.uint8)), 0  # type: ignore[arg-type]  # NumPy's stubs: an ndarray is a buffer
        while filled < nbytes:
            count = member.readinto(view[filled : filled + READ_CHUNK])  # type: ignore[attr-defined]  # a ZipExtFile has readinto
            if not count:
                raise ChainruleError(f"{path!r}: member {info.filename} is truncated ({filled:,} of {nbytes:,} bytes)")
            filled += count
        member.read(1)  # at the declared end: lets zipfile compare the CRC-32
    array = buffer.T if fortran else buffer
    if spec is not None and _digest(array) != spec["sha256"]:
        raise ChainruleError(f"{path!r}: array {name!r} does not match its checksum: the file was altered or damaged")
    return array


def _saved_model(header: dict[str, Any], arrays: dict[str, np.ndarray]) -> SavedModel:
    """The checked header and arrays as a SavedModel (the history's series back in its metadata)."""
    metadata = dict(header.get("metadata") or {})
    series = {name[len("history/") :]: array.tolist() for name, array in arrays.items() if name.startswith("history/")}
    if series:
        metadata["history"] = {**(metadata.get("history") or {}), **series}
    training, state = header.get("training"), None
    if training is not None:
        optimizer_state = {name[len("optim/") :]: array for name, array in arrays.items() if name.startswith("optim/")}
        state = TrainingState(
            optimizer=get_optimizer(training["optimizer"]).name,
            optimizer_state=state_from_arrays(optimizer_state),
            epoch=training["epoch"],
            rng_state=training["rng_state"],
            convention=header.get("convention") or "loss",
        )  # fmt: skip
    dims = header["layer_dims"]
    return SavedModel(
        layer_dims=dims,
        activations=header["activations"],
        loss=header["loss"],
        dtype=np.dtype(header["dtype"]),
        parameters={key: arrays[f"param/{key}"] for key in parameter_shapes(dims)},
        normalization=None if header.get("normalization") is None else {"mean": arrays["norm/mean"], "std": arrays["norm/std"]},
        metadata=metadata,
        training_state=state,
    )
