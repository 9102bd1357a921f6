"""What a page may ask of the playground server: every message checked, every request's work capped.

A page can send anything, so each field of a message is checked here (type, range, length) and
refused with a one-line ``ChainruleError`` naming what was expected and what came. The caps bound
the work any one request can start: the size of the network (hidden layers × units, as TensorFlow
Playground's), the number of examples m, the epochs run per frame (and the multiply-adds they
cost), frames per second, and the size of an upload.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from chainrule.conventions import CONVENTIONS
from chainrule.errors import ChainruleError
from chainrule.initializers import INITIALIZERS
from chainrule.optim import OPTIMIZERS
from chainrule.validation import check_integer, check_number

MAX_HIDDEN_LAYERS = 6
MAX_UNITS = 8  # units per hidden layer
MIN_M, MAX_M = 20, 2000  # examples of a generated or uploaded data set
MAX_EPOCHS_PER_FRAME = 100
MAX_FRAMES_PER_SECOND = 60
TRAINING_S_PER_FRAME = 0.010  # while playing, a frame's epochs take at most about this long (one epoch at least)
WORK_PER_FRAME = 20_000_000  # multiply-adds of the forward passes of one frame's epochs: m Σ n[l] n[l-1] per epoch
MAX_CSV_BYTES = 256 * 1024
MAX_SOURCE_BYTES = 512 * 1024  # a learner's .py or .ipynb for the audit
MAX_MESSAGE_BYTES = 1024 * 1024
MAX_CONNECTIONS = 8  # pages open at once, each with its own network
MAX_LEARNING_RATE = 10.0
MAX_LAMBD = 10.0
MAX_NOISE = 2.0
MAX_SEED = 2**32 - 1

# name → (generator keyword for noise or None, the course's or the generator's default noise)
DATASETS: dict[str, float | None] = {
    "flower": 0.2, "circles": 0.05, "moons": 0.2, "blobs": None, "gaussian_quantiles": None, "spiral": 0.2, "xor": 0.2,
    "csv": None,
}  # fmt: skip
HIDDEN_ACTIVATIONS = ("tanh", "relu", "leaky_relu", "sigmoid", "linear")
OUTPUT_ACTIVATIONS = ("sigmoid",)  # two classes in the plane: one sigmoid unit and the binary cross-entropy


@dataclass
class Config:
    """One run of the playground: the data, the network and how it is trained (a change means a new run).

    The defaults are ``chainrule train``'s: the course's flower, [2, 4, 1], tanh then sigmoid, the
    course's initial weights (randn · 0.01 from np.random.seed(2) when ``seed`` is None), gradient
    descent with α = 1.2 on the full batch of m = 400.
    """

    dataset: str = "flower"
    noise: float | None = None  # None: the data set's own
    m: int | None = None  # None: the data set's own size
    test_fraction: float = 0.0
    hidden: list[int] = field(default_factory=lambda: [4])  # n[1], …, n[L-1]
    activations: list[str] = field(default_factory=lambda: ["tanh", "sigmoid"])  # g[1], …, g[L]
    initialization: str = "scaled_normal"
    learning_rate: float = 1.2
    optimizer: str = "gd"
    batch_size: int | None = None  # None: the full batch
    lambd: float = 0.0
    keep_prob: float = 1.0
    seed: int | None = None  # None: the course's np.random.seed(2) on the flower, default_rng(0) elsewhere
    csv: str | None = None  # the uploaded file's text when dataset == "csv"

    def to_dict(self, with_csv: bool = False) -> dict[str, Any]:
        out = asdict(self)
        if not with_csv:
            out.pop("csv")
        return out


def _number(raw: dict[str, Any], name: str, default: float, lo: float, hi: float, *, open_lo: bool = False) -> float:
    """The field ``name`` (``default`` where left out), a number in [lo, hi] or (lo, hi]: ``check_number``'s rule."""
    return check_number(raw.get(name, default), name, lo, hi, low_open=open_lo)


def _optional_number(raw: dict[str, Any], name: str, lo: float, hi: float) -> float | None:
    """``_number``, or None where the field is left out or null."""
    return None if raw.get(name) is None else _number(raw, name, lo, lo, hi)


def _integer(raw: dict[str, Any], name: str, default: int, lo: int, hi: int, or_null: bool = False) -> int:
    """The field ``name`` (``default`` where left out), an integer from lo to hi: ``check_integer``'s rule."""
    return check_integer(raw.get(name, default), name, lo, "or null" if or_null else "", maximum=hi)


def _optional_integer(raw: dict[str, Any], name: str, lo: int, hi: int) -> int | None:
    """``_integer``, or None where the field is left out or null."""
    return None if raw.get(name) is None else _integer(raw, name, lo, lo, hi, or_null=True)


def _choice(value: Any, name: str, choices: tuple[str, ...] | list[str]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise ChainruleError(f"{name} must be one of {', '.join(choices)}; got {_short(value)}")
    return value


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def parse_config(raw: Any) -> Config:
    """A checked Config from a page's JSON object; fields left out take Config's defaults."""
    if not isinstance(raw, dict):
        raise ChainruleError(f"config must be a JSON object; got {type(raw).__name__}")
    known = set(Config.__dataclass_fields__)
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ChainruleError(f"unknown config field(s) {', '.join(map(str, unknown))[:80]}; expected some of {', '.join(sorted(known))}")
    defaults = Config()
    dataset = _choice(raw.get("dataset", defaults.dataset), "dataset", tuple(DATASETS))
    noise = _optional_number(raw, "noise", 0.0, MAX_NOISE)
    if noise is not None and DATASETS[dataset] is None:
        raise ChainruleError(f"the {dataset} data set has no noise setting; send noise: null")
    m = _optional_integer(raw, "m", MIN_M, MAX_M)
    if m is not None and dataset == "csv":
        raise ChainruleError("m is the CSV file's number of rows; send m: null with dataset csv")
    test_fraction = _number(raw, "test_fraction", defaults.test_fraction, 0.0, 0.9)
    hidden = raw.get("hidden", defaults.hidden)
    if not isinstance(hidden, list) or len(hidden) > MAX_HIDDEN_LAYERS:
        raise ChainruleError(f"hidden must be a list of at most {MAX_HIDDEN_LAYERS} layer sizes; got {_short(hidden)}")
    hidden = [check_integer(n, f"hidden[{i}]", 1, f"the units of layer {i + 1}", maximum=MAX_UNITS) for i, n in enumerate(hidden)]
    activations = raw.get("activations", defaults.activations if "hidden" not in raw else None)
    if activations is None:
        activations = ["tanh"] * len(hidden) + ["sigmoid"]
    if not isinstance(activations, list) or len(activations) != len(hidden) + 1:
        raise ChainruleError(f"activations must be a list of {len(hidden) + 1} names (one per layer, the output last); "
                             f"got {_short(activations)}")  # fmt: skip
    for l, name in enumerate(activations[:-1], start=1):
        _choice(name, f"the activation of layer {l}", HIDDEN_ACTIVATIONS)
    _choice(activations[-1], "the output activation", OUTPUT_ACTIVATIONS)
    initialization = _choice(raw.get("initialization", defaults.initialization), "initialization", ["auto", *INITIALIZERS])
    learning_rate = _number(raw, "learning_rate", defaults.learning_rate, 0.0, MAX_LEARNING_RATE, open_lo=True)
    optimizer = _choice(raw.get("optimizer", defaults.optimizer), "optimizer", tuple(OPTIMIZERS))
    batch_size = _optional_integer(raw, "batch_size", 1, MAX_M)
    lambd = _number(raw, "lambd", defaults.lambd, 0.0, MAX_LAMBD)
    keep_prob = _number(raw, "keep_prob", defaults.keep_prob, 0.0, 1.0, open_lo=True)
    seed = _optional_integer(raw, "seed", 0, MAX_SEED)
    csv = raw.get("csv")
    if dataset == "csv":
        if not isinstance(csv, str) or not csv.strip():
            raise ChainruleError("dataset csv needs the file's text in csv (a header x1,x2,label and one row per point)")
        if len(csv.encode("utf-8")) > MAX_CSV_BYTES:
            raise ChainruleError(f"the CSV file must be at most {MAX_CSV_BYTES // 1024} KiB; got {len(csv.encode('utf-8')) // 1024} KiB")
    elif csv is not None:
        raise ChainruleError(f"csv is only for dataset csv; got it with dataset {dataset}")
    return Config(dataset=dataset, noise=noise, m=m, test_fraction=test_fraction, hidden=list(hidden), activations=list(activations),
                  initialization=initialization, learning_rate=learning_rate, optimizer=optimizer, batch_size=batch_size,
                  lambd=lambd, keep_prob=keep_prob, seed=seed, csv=csv)  # fmt: skip


def epochs_per_frame(requested: Any, layer_dims: list[int], m: int) -> int:
    """The epochs one frame may run: ``requested`` (1 … MAX_EPOCHS_PER_FRAME), fewer when they would cost more than
    WORK_PER_FRAME multiply-adds of forward passes (m Σ n[l] n[l-1] each)."""
    requested = check_integer(requested, "epochs_per_frame", 1, maximum=MAX_EPOCHS_PER_FRAME)
    per_epoch = m * sum(layer_dims[l] * layer_dims[l - 1] for l in range(1, len(layer_dims)))
    return max(1, min(requested, WORK_PER_FRAME // max(per_epoch, 1)))


def convention_of(message: dict) -> str:
    return _choice(message.get("convention", "loss"), "convention", CONVENTIONS)


def layer_of(message: dict, L: int) -> int:
    return check_integer(message.get("layer"), "layer", 1, f"one of the network's L = {L} layers", maximum=L)
