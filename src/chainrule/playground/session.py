"""One playground run: its data, its network, its training, and every view the page draws.

Nothing here is a second implementation of the math: the data come from ``chainrule.datasets``,
the network is built by ``chainrule train``'s own code (``chainrule.runs``), training is
``Network.fit`` resumed frame after frame (the same run as one ``fit`` call, hence as
``chainrule train``), the arrays of a layer are ``Network.forward`` / ``Network.backward`` in
either convention and ``conventions.compare_grads`` their ratio, the equations ``explain``'s, the
check ``gradcheck``'s, and a learner's file goes to ``chainrule.audit.audit``. This module only
packs the numbers for the page (float64 arrays as base64, the planes as bytes).
"""

from __future__ import annotations

import base64
import json
import os
import re
import tempfile
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypedDict

import numpy as np

from chainrule.conventions import CONVENTIONS, compare_conventions, compare_grads, derivative_of
from chainrule.datasets import Dataset, load_dataset, planar, prepare
from chainrule.errors import ChainruleError
from chainrule.explain import derivative_latex
from chainrule.losses import get_loss
from chainrule.network import Network
from chainrule.playground.limits import MAX_M, MIN_M, Config, epochs_per_frame, parse_config

if TYPE_CHECKING:
    from chainrule.runs import RunOptions

GRID = 100  # the decision boundary: GRID × GRID points of the plane
UNIT_GRID = 32  # each unit's output over the plane, as TensorFlow Playground's thumbnails
CURVE_POINTS = 400  # the cost curve keeps at most this many points (halved when full): flat memory
PREVIEW_ROWS, PREVIEW_COLUMNS = 4, 8  # numbers shown for an array in the explain view
Generator = Callable[..., tuple[np.ndarray, np.ndarray]]  # (m, noise=...) → (X (2, m), y (1, m))
GENERATORS: dict[str, Generator] = {"flower": planar.flower, "circles": planar.circles, "moons": planar.moons,
                                    "blobs": planar.blobs, "gaussian_quantiles": planar.gaussian_quantiles,
                                    "spiral": planar.spiral, "xor": planar.xor}  # fmt: skip
DEFAULT_M = {"flower": 400, "circles": 300, "moons": 300, "blobs": 200, "gaussian_quantiles": 200, "spiral": 400, "xor": 400}


def b64_float64(array: np.ndarray) -> str:
    """The array's float64 values, row by row (C order), little-endian, as base64: exact numbers for the page."""
    return base64.b64encode(np.ascontiguousarray(array, dtype="<f8").tobytes()).decode("ascii")


def b64_bytes(values: np.ndarray, lo: float, hi: float) -> str:
    """Values mapped linearly from [lo, hi] to 0 … 255 (clipped), as base64: colours for a plane."""
    span = hi - lo if hi > lo else 1.0
    values = np.asarray(values, dtype=np.float64)
    values = np.where(np.isfinite(values), values, (lo + hi) / 2)  # a diverged network: NaN drawn as the middle colour
    scaled = np.clip(np.rint((values - lo) * (255.0 / span)), 0, 255).astype(np.uint8)
    return base64.b64encode(scaled.tobytes()).decode("ascii")


def load_data(config: Config) -> Dataset:
    """The data set of ``config``, split into train and test by a permutation seeded with ``seed`` (0 if None).

    With the data set's own size and noise it is exactly what ``chainrule train --dataset NAME`` loads;
    otherwise the same generator with the given ``m`` and ``noise``. A CSV is read by
    ``datasets.load_csv`` and standardized like ``chainrule train``'s tables: it needs two feature
    columns and a column ``label`` with two classes.
    """
    seed = config.seed or 0
    if config.dataset == "csv":
        with tempfile.TemporaryDirectory(prefix="chainrule-playground-") as folder:
            path = os.path.join(folder, "upload.csv")
            with open(path, "w", encoding="utf-8") as file:
                file.write(config.csv or "")
            data = load_dataset(path, label="label", val_fraction=0.0, test_fraction=config.test_fraction, seed=seed)
        data.name = "csv"
        m = data.X_train.shape[1] + (data.X_test.shape[1] if data.X_test is not None else 0)
        if data.n_x != 2 or data.n_classes != 2:
            raise ChainruleError(f"the playground needs 2 feature columns and 2 classes; the CSV has {data.n_x} feature column(s) "
                                 f"and {data.n_classes} class(es) {data.classes[:5]}")  # fmt: skip
        if not MIN_M <= m <= MAX_M:
            raise ChainruleError(f"the CSV must have {MIN_M} to {MAX_M} rows of points; it has {m}")
        return data
    if config.m is None and config.noise is None:
        return load_dataset(config.dataset, val_fraction=0.0, test_fraction=config.test_fraction, seed=seed)
    m = config.m or DEFAULT_M[config.dataset]
    noise = {} if config.noise is None else {"noise": config.noise}
    if config.dataset == "circles":  # the course's own test set: a second draw, a third of the size
        X, y = planar.circles(m, seed=1, **noise)
        X_test, y_test = planar.circles(max(1, m // 3), seed=2, **noise)
        return prepare("circles", X, y[0], classes=["0", "1"], test=(X_test, y_test[0]), seed=seed, standardize=False)
    X, y = GENERATORS[config.dataset](m, **noise)
    return prepare(config.dataset, X, y[0], classes=["0", "1"], test_fraction=config.test_fraction, seed=seed, standardize=False)


def train_options(config: Config) -> RunOptions:
    """``chainrule train``'s options dict for ``config`` (its own defaults filled in by ``chainrule.runs``)."""
    from chainrule import runs

    given = {
        "dataset": config.dataset if config.m is None and config.noise is None and config.dataset != "csv" else None,
        "layers": ",".join(map(str, [2, *config.hidden, 1])), "activations": ",".join(config.activations),
        "initialization": config.initialization, "learning_rate": config.learning_rate, "optimizer": config.optimizer,
        "batch_size": config.batch_size, "lambd": config.lambd, "keep_prob": config.keep_prob, "seed": config.seed,
        "test_fraction": config.test_fraction, "val_fraction": 0.0,
    }  # fmt: skip
    options = runs.resolve_options({k: v for k, v in given.items() if v is not None})
    if given["dataset"] is None:
        options["dataset"] = None  # not one of chainrule train's data sets as it is: evaluate needs --dataset
    return options


def build_network(config: Config, data: Dataset, options: RunOptions) -> Network:
    """The network ``chainrule train`` builds for these options: on the flower without a seed, the
    course's weights drawn from np.random.RandomState(2); otherwise from default_rng(seed or 0)."""
    from chainrule import runs

    build = options.copy()
    build["dataset"] = config.dataset if config.dataset == "flower" else options["dataset"]
    net = runs.build_network(build, data)
    net.normalization = data.normalization
    return net


class CostCurve:
    """(epoch, training cost, test cost) of each frame, at most CURVE_POINTS of them: when full, every other point goes."""

    def __init__(self) -> None:
        self.points: list[tuple[int, float, float | None]] = []

    def add(self, epoch: int, cost: float, test_cost: float | None) -> None:
        self.points.append((epoch, cost, test_cost))
        if len(self.points) > CURVE_POINTS:
            last = self.points[-1]
            self.points = [*self.points[:-1:2], last]


class Measures(TypedDict):
    """The training cost and accuracy of the current weights, and the test set's (None without one)."""

    cost: float
    accuracy: float
    test_cost: float | None
    test_accuracy: float | None


class Session:
    """The state of one page: a Config, its data and network, the epoch reached and the cost curve."""

    last: Measures  # of the weights as they are now (after the last frame's epochs)

    def __init__(self, config: Any = None) -> None:
        self.configure({} if config is None else config)

    # -- building -------------------------------------------------------------------------------
    def configure(self, raw: Any) -> None:
        """A new run for the page's config (checked by ``parse_config``): data, network, epoch 0."""
        config = parse_config(raw)
        data = load_data(config)
        options = train_options(config)
        net = build_network(config, data, options)
        self.config, self.data, self.options = config, data, options
        self.data_std = data.standardized(net.normalization)
        self._start(net)
        self._plane()

    def reset(self) -> None:
        """The same config from epoch 0: fresh initial weights, an empty cost curve."""
        self._start(build_network(self.config, self.data, self.options))

    def _start(self, net: Network) -> None:
        self.net = net
        net.metadata = {"dataset": self.options["dataset"], "classes": self.data.classes, "feature_names": self.data.feature_names,
                        "image_shape": None, "train_options": self.options, "playground": self.config.to_dict()}  # fmt: skip
        self.epoch = 0
        self.curve = CostCurve()
        self.diverged: str | None = None
        self._evaluate()

    def _plane(self) -> None:
        """The square of the plane drawn: every point inside with a margin; the grids of the boundary and of the units."""
        X_all = np.concatenate([X for X in (self.data_std.X_train, self.data_std.X_test) if X is not None], axis=1)
        center = (X_all.max(axis=1) + X_all.min(axis=1)) / 2
        half = float((X_all.max(axis=1) - X_all.min(axis=1)).max()) / 2 * 1.1 or 1.0
        self.extent = [float(center[0] - half), float(center[0] + half), float(center[1] - half), float(center[1] + half)]
        self.grid = self._grid(GRID)
        self.unit_grid = self._grid(UNIT_GRID)

    def _grid(self, n: int) -> np.ndarray:
        """X (2, n²) of an n × n grid over the extent, row by row from the top (x₂ high) to the bottom, x₁ left to right."""
        x1 = np.linspace(self.extent[0], self.extent[1], n)
        x2 = np.linspace(self.extent[3], self.extent[2], n)
        G1, G2 = np.meshgrid(x1, x2)
        return np.vstack([G1.ravel(), G2.ravel()])

    # -- training -------------------------------------------------------------------------------
    @property
    def train(self) -> tuple[np.ndarray, np.ndarray]:
        return self.data_std.split("train")

    @property
    def test(self) -> tuple[np.ndarray, np.ndarray] | None:
        return self.data_std.split("test")

    @property
    def m(self) -> int:
        return self.train[0].shape[1]

    def epochs_for(self, requested: Any) -> int:
        return epochs_per_frame(requested, self.net.layer_dims, self.m)

    def run(self, epochs: int) -> None:
        """``epochs`` more epochs of ``Network.fit``, resumed where the last call stopped (the same run as one call)."""
        if self.diverged:
            raise ChainruleError(f"training diverged ({self.diverged}); change a setting or reset")
        from chainrule import runs

        X, Y = self.train
        try:  # chainrule train's fit of these options, a frame at a time
            history = self.net.fit(X, Y, epochs=self.epoch + epochs, validation_data=self.test, resume=self.epoch > 0,
                                   eval_every=epochs, **runs.fit_arguments(self.options))  # fmt: skip
        except ChainruleError as error:
            self.diverged = str(error)
            if self.net.training_state is not None:  # the epochs completed before the cost stopped being finite
                self.epoch = self.net.training_state.epoch
            raise
        self.epoch = runs.epochs_done(self.net)
        self.last = {"cost": history.costs[-1], "accuracy": history.train_accuracy[-1],
                     "test_cost": history.val_costs[-1] if history.val_costs else None,
                     "test_accuracy": history.val_accuracy[-1] if history.val_accuracy else None}  # fmt: skip
        self.curve.add(self.epoch, self.last["cost"], self.last["test_cost"])

    def _evaluate(self) -> None:
        """Cost and accuracy of the current weights (epoch 0: before any update)."""
        X, Y = self.train
        AL = self.net.forward(X)[0]
        self.last = {"cost": self.net.cost(AL, Y, lambd=self.options["lambd"]), "accuracy": self.net._accuracy_of(AL, Y),
                     "test_cost": None, "test_accuracy": None}  # fmt: skip
        if self.test is not None:
            X_test, Y_test = self.test
            AL_test = self.net.forward(X_test)[0]
            self.last["test_cost"], self.last["test_accuracy"] = self.net.cost(AL_test, Y_test), self.net._accuracy_of(AL_test, Y_test)
        self.curve.add(self.epoch, self.last["cost"], self.last["test_cost"])

    # -- what the page draws --------------------------------------------------------------------
    def describe(self) -> dict[str, Any]:
        """The run: config, layer sizes, activations, m, the points (standardized for a CSV) and the plane's extent."""
        from chainrule import runs

        X, Y = self.train
        points = {"train": {"x": X.T.round(6).tolist(), "y": Y[0].astype(int).tolist()}}
        if self.test is not None:
            X_test, Y_test = self.test
            points["test"] = {"x": X_test.T.round(6).tolist(), "y": Y_test[0].astype(int).tolist()}
        return {
            "type": "run", "config": self.config.to_dict(), "layer_dims": self.net.layer_dims, "activations": self.net.activations,
            "m": self.m, "m_test": 0 if self.test is None else self.test[0].shape[1], "extent": self.extent, "grid": GRID,
            "unit_grid": UNIT_GRID, "points": points, "standardized": self.data.normalization is not None,
            "legacy_seed": runs.course_stream(self.config.dataset, self.config.seed),
        }  # fmt: skip

    def frame(self) -> dict[str, Any]:
        """Epoch, costs, accuracies, the cost curve, A[L] over the plane (GRID²) and every unit's A[l] (UNIT_GRID²)."""
        net = self.net
        with np.errstate(over="ignore", invalid="ignore"):  # after a divergence the weights may hold inf or NaN
            boundary = net.predict_proba(self.grid)[0]
            AL, caches = net.forward(self.unit_grid)
        units = []
        for l in range(1, net.L + 1):
            A = AL if l == net.L else caches[l][0][0]  # caches[l] = ((A[l], W[l+1], b[l+1]), Z[l+1])
            lo, hi = _unit_range(net.activations[l - 1], A)
            units.append({"layer": l, "lo": lo, "hi": hi, "planes": [b64_bytes(A[j], lo, hi) for j in range(A.shape[0])]})
        weights = {f"W{l}": net.parameters[f"W{l}"].tolist() for l in range(1, net.L + 1)}
        return {"type": "frame", "epoch": self.epoch, **self.last, "diverged": self.diverged,
                "boundary": b64_bytes(boundary, 0.0, 1.0), "units": units, "curve": self.curve.points, "weights": weights}  # fmt: skip

    def layer(self, l: int, convention: str) -> dict[str, Any]:
        """W[l], b[l], A[l-1], Z[l], A[l] and dZ[l], dW[l], db[l], dA[l-1] of one backward pass on the training set.

        Forward and backward are the network's own (no dropout: the arrays of the network as it
        predicts); the gradients in ``convention``, each with what it is the derivative of and its
        ratio to the other convention's from ``conventions.compare_grads`` (m for dZ, dA; 1 for dW, db).
        """
        net, (X, Y), lambd = self.net, self.train, self.options["lambd"]
        AL, caches = net.forward(X)
        grads = {c: net.backward(Y, caches, convention=c, lambd=lambd) for c in CONVENTIONS}
        table = compare_grads(grads["loss"], grads["cost"], self.m, lambd)
        (A_prev, W, b), Z = caches[l - 1]
        A = AL if l == net.L else caches[l][0][0]
        g = net.activations[l - 1]
        arrays = [
            _array(f"W{l}", f"W[{l}]", W, "weights"),
            _array(f"b{l}", f"b[{l}]", b, "biases"),
            _array(f"A{l - 1}", f"A[{l - 1}]", A_prev, "the input X" if l == 1 else f"the output of layer {l - 1}"),
            _array(f"Z{l}", f"Z[{l}]", Z, f"Z[{l}] = W[{l}] A[{l - 1}] + b[{l}]"),
            _array(f"A{l}", f"A[{l}]", A, f"A[{l}] = {g}(Z[{l}])"),
        ]
        other = "cost" if convention == "loss" else "loss"
        for key, label in ((f"dZ{l}", f"dZ[{l}]"), (f"dW{l}", f"dW[{l}]"), (f"db{l}", f"db[{l}]"), (f"dA{l - 1}", f"dA[{l - 1}]")):
            row = table[key]
            derivative = derivative_of(key, convention)
            arrays.append({**_array(key, label, grads[convention][key], derivative), "latex": derivative_latex(derivative),
                           "ratio": row["ratio"], "expected_ratio": row["expected"], "rel_deviation": row["rel_deviation"],
                           "other": {"convention": other, "derivative": derivative_of(key, other)}})  # fmt: skip
        return {"type": "layer", "layer": l, "convention": convention, "m": self.m, "activation": g, "arrays": arrays,
                "notes": table.summary()}  # fmt: skip

    def conventions(self) -> dict[str, Any]:
        """``compare_conventions`` of the current weights on the training set: every key, both derivatives, the ratio."""
        table = compare_conventions(self.net, *self.train, lambd=self.options["lambd"])
        rows = [{**row, "shape": list(row["shape"])} for row in table.rows]
        return {"type": "conventions", "m": self.m, "rows": rows, "notes": table.summary(), "identities_hold": table.identities_hold}

    def explain(self, convention: str) -> dict[str, Any]:
        """``chainrule explain``'s equations of this network with m = this batch's, and each array's numbers on it."""
        from chainrule.explain import explain

        net, (X, Y), lambd = self.net, self.train, self.options["lambd"]
        ex = explain(net, m=self.m, lambd=lambd).to_dict()
        AL, caches = net.forward(X)
        grads = net.backward(Y, caches, convention=convention, lambd=lambd)
        values: dict[str, np.ndarray] = {"A0": X, "Y": Y}
        for l, ((_, W, b), Z) in enumerate(caches, start=1):
            values.update({f"W{l}": W, f"b{l}": b, f"Z{l}": Z, f"A{l}": AL if l == net.L else caches[l][0][0]})
        values["L"] = get_loss(net.loss).losses(AL, Y)
        values["J"] = np.array(net.cost(AL, Y, lambd=lambd))
        values.update(grads)
        return {"type": "explain", "convention": convention, "title": f"Backpropagation of layer_dims = {net.layer_dims}, m = {self.m}",
                "forward": ex["forward"], "backward": ex["backward"][convention], "notes": ex["notes"],
                "values": {key: _preview(value) for key, value in values.items()}}  # fmt: skip

    def copy_network(self) -> Network:
        """A network with a copy of the current weights (for work in another thread while training goes on)."""
        return Network.from_parameters({k: v.copy() for k, v in self.net.parameters.items()}, self.net.activations)

    def gradcheck(self, convention: str, net: Network | None = None) -> dict[str, Any]:
        """``gradcheck`` of the current weights (or of ``net``'s) on the training set, per tensor, dropout off (as the
        course checks)."""
        from chainrule.gradcheck import gradcheck
        from chainrule.training import Regularization

        net = self.copy_network() if net is None else net
        report = gradcheck(net, *self.train, convention=convention, regularization=Regularization(lambd=self.options["lambd"]))
        return {"type": "gradcheck", **report.to_dict(), "title": report.table.title, "notes": report.notes()}

    def export(self) -> dict[str, Any]:
        """The network as a saved chainrule model (base64 of the .npz) and the Python lines that rebuild it."""
        with tempfile.TemporaryDirectory(prefix="chainrule-playground-") as folder:
            path = os.path.join(folder, "model.npz")
            self.net.save(path)
            with open(path, "rb") as file:
                model = base64.b64encode(file.read()).decode("ascii")
        return {"type": "export", "model": model, "filename": "playground_model.npz", "python": self.python()}

    def python(self) -> str:
        """Python lines that rebuild this network: the same data, initial weights and epochs of ``fit``."""
        c, o = self.config, self.options
        lines = ["import numpy as np", "", "import chainrule as cr"]
        if c.dataset == "csv":
            lines += ["from chainrule.datasets import load_dataset", "",
                      f"data = load_dataset('points.csv', label='label', val_fraction=0.0, test_fraction={c.test_fraction!r}, "
                      f"seed={c.seed or 0})  # the uploaded file, saved as points.csv",
                      "data = data.standardized()"]  # fmt: skip
        elif c.m is None and c.noise is None:
            lines += ["from chainrule.datasets import load_dataset", "",
                      f"data = load_dataset({c.dataset!r}, val_fraction=0.0, test_fraction={c.test_fraction!r}, seed={c.seed or 0})"]
        else:
            m = c.m or DEFAULT_M[c.dataset]
            noise = "" if c.noise is None else f", noise={c.noise!r}"
            lines += ["from chainrule.datasets import planar, prepare", ""]
            if c.dataset == "circles":
                lines += [f"X, y = planar.circles({m}, seed=1{noise})", f"X_test, y_test = planar.circles({max(1, m // 3)}, seed=2{noise})",
                          "data = prepare('circles', X, y[0], classes=['0', '1'], test=(X_test, y_test[0]), "
                          f"seed={c.seed or 0}, standardize=False)"]  # fmt: skip
            else:
                lines += [f"X, y = planar.{GENERATORS[c.dataset].__name__}({m}{noise})",
                          f"data = prepare({c.dataset!r}, X, y[0], classes=['0', '1'], test_fraction={c.test_fraction!r}, "
                          f"seed={c.seed or 0}, standardize=False)"]  # fmt: skip
        layers = [2, *c.hidden, 1]
        legacy = c.seed is None and c.dataset == "flower"
        rng = "np.random.RandomState(2)" if legacy else f"np.random.default_rng({c.seed or 0})"
        lines += ["X, Y = data.split('train')"] + (["# the course's initial weights: np.random.seed(2), randn · 0.01"] if legacy else [])
        lines += [f"net = cr.Network({layers}, {c.activations}, initialization={o['initialization']!r}, rng={rng})"]
        if self.epoch:
            extras = "".join(f", {k}={o[k]!r}" for k in ("batch_size", "lambd", "keep_prob") if o[k] not in (None, 0.0, 1.0))
            opt = f", optimizer={o['optimizer']!r}" if o["optimizer"] != "gd" else ""
            lines.append(f"history = net.fit(X, Y, learning_rate={o['learning_rate']!r}, epochs={self.epoch}{opt}{extras}, "
                         f"seed={o['seed'] or 0})")  # fmt: skip
        lines += ["print(net.accuracy(X, Y))"]
        return "\n".join(lines) + "\n"

    def audit(self, filename: Any, source: Any) -> dict[str, Any]:
        """``chainrule.audit.audit`` of a learner's .py or .ipynb (its text), written to a temporary folder; the audit's sandbox runs it."""
        from chainrule.audit import audit
        from chainrule.playground.limits import MAX_SOURCE_BYTES

        if not isinstance(filename, str) or not re.fullmatch(r"[\w.\- ]{1,100}\.(py|ipynb)", filename):
            raise ChainruleError(f"filename must be a name ending in .py or .ipynb (letters, digits, _ . - and spaces); "
                                 f"got {filename!r:.80}")
        if not isinstance(source, str) or not source.strip():
            raise ChainruleError("source must be the file's text (not empty)")
        if len(source.encode("utf-8")) > MAX_SOURCE_BYTES:
            raise ChainruleError(f"the file must be at most {MAX_SOURCE_BYTES // 1024} KiB; got {len(source.encode('utf-8')) // 1024} KiB")
        with tempfile.TemporaryDirectory(prefix="chainrule-audit-") as folder:
            path = os.path.join(folder, filename)
            with open(path, "w", encoding="utf-8") as file:
                file.write(source)
            try:
                report = audit(path)
            except ChainruleError as error:  # the learner's file name, not the temporary folder's
                raise ChainruleError(str(error).replace(path, filename)) from None
            result = {"type": "audit", "headline": report.headline(), "correct": report.correct, "functions": report.to_list(),
                      "notes": report.notes, "text": str(report)}  # fmt: skip
            return json.loads(json.dumps(result, ensure_ascii=False).replace(json.dumps(folder + os.sep)[1:-1], ""))


def _unit_range(activation: str, A: np.ndarray) -> tuple[float, float]:
    """The values a unit's colours span: tanh [−1, 1], sigmoid [0, 1], else ± the largest |A| over the plane."""
    if activation == "tanh":
        return -1.0, 1.0
    if activation == "sigmoid":
        return 0.0, 1.0
    finite = np.abs(A[np.isfinite(A)])
    top = float(finite.max()) if finite.size else 1.0
    return (-top, top) if top > 0 else (-1.0, 1.0)


def _array(key: str, label: str, value: np.ndarray, what: str) -> dict[str, Any]:
    value = np.asarray(value, dtype=np.float64)
    return {"key": key, "label": label, "shape": list(value.shape), "what": what, "values": b64_float64(value),
            "min": float(value.min()), "max": float(value.max())}  # fmt: skip


def _preview(value: np.ndarray) -> dict[str, Any]:
    value = np.asarray(value, dtype=np.float64)
    shown = value.reshape(1, 1) if value.ndim == 0 else value[:PREVIEW_ROWS, :PREVIEW_COLUMNS]
    return {"shape": list(value.shape), "preview": shown.tolist(), "norm": float(np.linalg.norm(value))}

