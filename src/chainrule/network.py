"""An L-layer fully-connected network: forward, backward in both conventions, gradient descent.

Notation: X is (n_x, m), one example per column; layer_dims = [n_x, n[1], …, n[L]];
W[l] is (n[l], n[l-1]), b[l] is (n[l], 1); Z[l] = W[l] A[l-1] + b[l], A[l] = g[l](Z[l]).
The pure functions ``forward`` and ``backward`` are the single implementation that the clean
``Network`` API and the course-compatible ``chainrule.course`` modules both call.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

import chainrule.training as training
from chainrule.activations import get_activation
from chainrule.conventions import check_convention, scales
from chainrule.errors import ChainruleError
from chainrule.initializers import initialize_parameters, parameter_shapes
from chainrule.layers import Cache, layer_backward, layer_forward
from chainrule.losses import OUTPUT_LOSS, check_cost_arrays, get_loss, objective, one_hot
from chainrule.memory import FLOAT64, require
from chainrule.optim import OptimizerConfig, get_optimizer, optimizer_config
from chainrule.regularization import Masks, add_l2_gradient, apply_mask, check_lambd
from chainrule.training import History, Regularization, TrainingState
from chainrule.validation import check_integer, check_layer_dims, check_X, check_Y, expand_activations
from chainrule.workspace import TrainingBuffers, Workspace

if TYPE_CHECKING:  # the model file's module loads on the first save or load
    from chainrule.modelfile import SavedModel

Grads = dict[str, np.ndarray]
Parameters = dict[str, np.ndarray]


def forward(
    X: np.ndarray,
    parameters: Parameters,
    activations: Sequence[str],
    masks: Masks | None = None,
    keep_prob: float = 1.0,
    workspace: Workspace | None = None,
) -> tuple[np.ndarray, list[Cache]]:
    """A[L] and the caches [((A[l-1], W[l], b[l]), Z[l]) for l = 1..L], A[0] = X.

    With dropout ``masks`` {l: D[l]} every hidden A[l] becomes A[l] * D[l] / keep_prob before the
    next layer uses it (so the caches hold the dropped-out A[l-1]). With a ``workspace``
    (training) Z[l] and A[l] are written into its arrays, valid until the next step.
    """
    A, caches = X, []
    L = len(activations)
    for l, activation in enumerate(activations, start=1):
        W, b = parameters[f"W{l}"], parameters[f"b{l}"]
        Z_out = A_out = None
        if workspace is not None:  # the same two (n[l], m) arrays at every step: no allocation
            shape, dtype = (W.shape[0], A.shape[1]), np.result_type(W, A)
            Z_out, A_out = workspace.array("Z", l, shape, dtype), workspace.array("A", l, shape, dtype)
        A, cache = layer_forward(A, W, b, activation, Z_out, A_out)  # A[l] = g[l](W[l] A[l-1] + b[l])
        if masks is not None and l < L:
            A = apply_mask(A, masks[l], keep_prob)  # A[l] := A[l] * D[l] / keep_prob
        caches.append(cache)
    return A, caches


def backward(
    caches: Sequence[Cache],
    activations: Sequence[str],
    k: float,
    *,
    dAL: np.ndarray | None = None,
    dZL: np.ndarray | None = None,
    need_dA0: bool = True,
    masks: Masks | None = None,
    keep_prob: float = 1.0,
    buffers: TrainingBuffers | None = None,
) -> Grads:
    """Backpropagate from the output: grads {dZ{l}, dW{l}, db{l}, dA{l-1}} for l = L..1.

    Start from dZL (dZ[L] given) or dAL (then dZ[L] = dA[L] * g'[L](Z[L])). dZ and dA are the
    derivatives of whatever dZL / dAL are the derivatives of: ∂L/∂· per example ("loss"
    convention, k = 1/m) or ∂J/∂· ("cost" convention, k = 1). dW = k dZ A_prevᵀ and
    db = k Σ dZ are ∂J/∂W, ∂J/∂b in both. ``need_dA0=False`` skips dA0 = ∂/∂X. With dropout
    ``masks``, dA[l] := dA[l] * D[l] / keep_prob for the hidden layers, as in the forward pass.
    ``buffers`` (training, a ``TrainingBuffers``): only dW, db returned, each dZ[l] computed in
    place over dA[l], which nothing else reads; with its workspace dW[l] and dA[l-1] taken from
    the workspace's arrays and g'[l](Z[l]) written over the cached Z[l]: the caches are spent and
    the grads valid until the next step.
    """
    if (dAL is None) == (dZL is None):
        raise ChainruleError("backward needs exactly one of dAL or dZL")
    parameters_only = buffers is not None
    workspace = None if buffers is None else buffers.workspace
    L = len(caches)
    grads: Grads = {}
    dA = dAL
    for l in reversed(range(1, L + 1)):
        (_, W, _), Z = caches[l - 1]
        dZ_given = dZL if l == L else None
        need_dA_prev = need_dA0 or l > 1
        dW_out = dA_out = None
        if workspace is not None:  # the same dW[l], dA[l-1] arrays at every step: no allocation
            dtype = np.result_type(dA if dZ_given is None else dZ_given, Z)  # dZ[l]'s, so dW[l]'s and dA[l-1]'s
            dW_out = workspace.array("dW", l, W.shape, dtype)
            if need_dA_prev:
                dA_out = workspace.array("dA", l - 1, (W.shape[1], Z.shape[1]), dtype)
        # dZ[l] = dA[l] * g'[l](Z[l]) (in training written over dA[l], with a workspace g'[l](Z[l]) over Z[l]),
        # dW[l] = k dZ[l] A[l-1]ᵀ,  db[l] = k Σᵢ dZ[l],  dA[l-1] = W[l]ᵀ dZ[l]
        dZ, dA, dW, db = layer_backward(dA, caches[l - 1], activations[l - 1], k, dZ=dZ_given, need_dA_prev=need_dA_prev,
                                        inplace=parameters_only and dA is not dAL, consume_Z=workspace is not None,
                                        dW_out=dW_out, dA_prev_out=dA_out)  # fmt: skip
        if masks is not None and l > 1:
            dA = apply_mask(dA, masks[l - 1], keep_prob)  # type: ignore[arg-type]  # dA[l-1] := dA[l-1] * D[l-1] / keep_prob
        if not parameters_only:
            grads[f"dZ{l}"] = dZ
        grads[f"dW{l}"], grads[f"db{l}"] = dW, db
        if dA is not None and not parameters_only:
            grads[f"dA{l - 1}"] = dA
    return grads


def check_architecture(layer_dims: Sequence[int], activations: str | Sequence[str] | None = None,
                       loss: str = "auto") -> tuple[list[int], list[str], str]:  # fmt: skip
    """(layer_dims, one activation per layer, the loss's name) checked as ``Network`` needs them; nothing allocated.

    loss "auto" follows the output activation (sigmoid → binary, softmax → categorical cross-entropy);
    the output must be one the loss has a fused dZ[L] for, and a softmax needs n[L] >= 2.
    """
    dims = check_layer_dims(layer_dims)
    L = len(dims) - 1
    names = expand_activations(activations, L)
    if loss == "auto":
        loss = OUTPUT_LOSS.get(names[-1], "binary_cross_entropy")
    loss = get_loss(loss).name
    fused = get_loss(loss).fused_dZ
    if names[-1] not in fused:
        raise ChainruleError(f"{loss} needs an output activation in {sorted(fused)}; got {names[-1]!r} for layer {L}")
    if names[-1] == "softmax" and dims[-1] < 2:
        raise ChainruleError(f"a softmax output needs n[L] >= 2 classes; got n[L] = {dims[-1]} (use sigmoid for two classes)")
    return dims, names, loss


def require_parameter_memory(layer_dims: Sequence[int], dtype: Any = np.float64, initialization: str = "he",
                             what: str | None = None) -> None:  # fmt: skip
    """Refuse (``memory.require``) parameters that would not fit: Σₗ n[l] (n[l-1] + 1) values of ``dtype``, plus
    the float64 temporaries of drawing the largest W[l] (the standard normal draw before it is scaled, and the
    scaled float64 array before a cast to a narrower dtype; none for "zeros")."""
    shapes = parameter_shapes(layer_dims).values()
    count = sum(n * n_prev for n, n_prev in shapes)
    largest = max(n * n_prev for n, n_prev in shapes)
    dtype = np.dtype(dtype)
    what = what or f"Network({list(layer_dims)})"
    temporaries = 0 if initialization == "zeros" else FLOAT64 * largest * (1 if dtype.itemsize == FLOAT64 else 2)
    require(count * dtype.itemsize + temporaries, f"{what}: its parameters ({count:,} {dtype.name} values)")


def gradient_descent_step(parameters: Parameters, grads: Grads, learning_rate: float) -> Parameters:
    """A new dict W[l] := W[l] − α dW[l], b[l] := b[l] − α db[l] (``optim.update_gd``); the input is not changed."""
    updated = dict(parameters)
    get_optimizer("gd").update(updated, grads, {}, learning_rate)
    return updated


class CheckedParameters(dict):
    """A network's {"W1": (n[1], n[0]), "b1": (n[1], 1), …}: ``net.parameters["W1"] = array`` is checked.

    An assigned array must have the key's shape and hold real, finite numbers; it is stored as a
    copy in the network's dtype. Keys cannot be added or removed (the architecture fixes them).
    Changing an array in place (``net.parameters["W1"][...] = …``, what ``fit`` does) is not checked.
    """

    def __init__(self, arrays: Parameters, shapes: dict[str, tuple[int, int]], dtype: np.dtype) -> None:
        super().__init__(arrays)
        self.shapes, self.dtype = shapes, dtype

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, checked_parameter(key, value, self.shapes, self.dtype))

    def update(self, *args: Any, **kwargs: Any) -> None:
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def setdefault(self, key: str, default: Any = None) -> np.ndarray:
        if key not in self:
            self[key] = default
        return self[key]

    def _fixed(self, *args: Any, **kwargs: Any) -> Any:
        raise ChainruleError(f"a network's parameters keep their keys {sorted(self.shapes)}; assign new arrays instead of removing them")

    __delitem__ = pop = popitem = clear = _fixed


def checked_parameter(key: str, value: Any, shapes: dict[str, tuple[int, int]], dtype: np.dtype) -> np.ndarray:
    """``value`` as parameter ``key``: the shape shapes[key], real and finite numbers, a copy in ``dtype``."""
    if key not in shapes:
        raise ChainruleError(f"the parameters have keys {sorted(shapes)}; got {key!r}")
    array = np.asarray(value)
    if array.shape != shapes[key]:
        raise ChainruleError(f"parameters[{key!r}] must have shape {shapes[key]}; got {array.shape}")
    if not (np.issubdtype(array.dtype, np.number) or array.dtype == bool) or np.iscomplexobj(array):
        raise ChainruleError(f"parameters[{key!r}] must hold real numbers ({dtype.name}); got dtype {array.dtype}")
    if not np.isfinite(array).all():
        raise ChainruleError(f"parameters[{key!r}] holds NaN or inf values")
    return np.array(array, dtype=dtype)


class Network:
    """A fully-connected network [LINEAR → g[1]] → … → [LINEAR → g[L]] with a cross-entropy loss.

    >>> net = Network([5, 4, 3, 1], activations=["relu", "relu", "sigmoid"], seed=0)
    >>> AL, caches = net.forward(X)            # X: (5, m)
    >>> grads = net.backward(Y, caches)        # Y: (1, m); the course's convention

    The loss follows the output activation: sigmoid → binary cross-entropy (Y in {0, 1}, shape
    (n[L], m)), softmax → categorical cross-entropy (Y one-hot, shape (n[L], m); ``fit`` and
    ``accuracy`` also take integer labels of shape (1, m)).
    """

    def __init__(
        self,
        layer_dims: Sequence[int],
        activations: str | Sequence[str] | None = None,
        *,
        initialization: str = "auto",
        seed: int | None = 0,
        rng: Any = None,
        loss: str = "auto",
        dtype: Any = np.float64,
    ) -> None:
        """``layer_dims = [n_x, n[1], …, n[L]]``; one activation per layer (or hidden, output).

        initialization: "auto" (He for relu-family hidden layers, Xavier otherwise), "zeros",
        "scaled_normal" (randn · 0.01), "xavier", "he", "lecun" / "course_app" (randn / √n[l-1]).
        Weights are drawn from ``rng`` if given (a ``np.random.Generator``, or a legacy
        ``np.random.RandomState`` to reproduce the course's streams), else from
        ``np.random.default_rng(seed)``. loss: "auto" (from the output activation),
        "binary_cross_entropy" or "categorical_cross_entropy".
        """
        self.layer_dims, self.activations, self.loss = check_architecture(layer_dims, activations, loss)
        self._output_dZ = get_loss(self.loss).fused_dZ[self.activations[-1]]  # ∂L/∂Z[L] per example
        self.dtype = np.dtype(dtype)
        if not np.issubdtype(self.dtype, np.floating):
            raise ChainruleError(f"dtype must be a floating type such as float64 or float32; got {self.dtype}")
        if initialization == "auto":
            initialization = "he" if self.activations[0] in ("relu", "leaky_relu") else "xavier"
        self.initialization = initialization
        require_parameter_memory(self.layer_dims, self.dtype, initialization)  # before any W[l] is drawn
        rng = np.random.default_rng(seed) if rng is None else rng
        self._parameters = CheckedParameters(initialize_parameters(self.layer_dims, initialization, rng, self.dtype),
                                             self.parameter_shapes(), self.dtype)  # fmt: skip
        self.normalization: dict[str, np.ndarray] | None = None  # {"mean", "std"} (n_x, 1) of the inputs, set by the data
        self.metadata: dict[str, Any] = {}  # JSON-able facts saved with the model (classes, data set, image shape)
        self.training_state = None  # a TrainingState after fit: optimizer state, epoch and generator
        self.history: History | None = None
        self._workspace = Workspace()  # the arrays train_step writes into, reused from step to step

    # -- structure -----------------------------------------------------------------------
    @property
    def L(self) -> int:
        """Number of layers with parameters (the input layer is layer 0)."""
        return len(self.layer_dims) - 1

    @property
    def n_x(self) -> int:
        return self.layer_dims[0]

    @property
    def n_y(self) -> int:
        return self.layer_dims[-1]

    @property
    def multiclass(self) -> bool:
        """True for a softmax output with the categorical cross-entropy."""
        return self.loss == "categorical_cross_entropy"

    @property
    def parameters(self) -> Parameters:
        """{"W1": (n[1], n_x), "b1": (n[1], 1), …}: the network's own arrays (fit updates them in place).

        Assigning an array to a key (``net.parameters["W1"] = W``) checks its shape and values (``CheckedParameters``).
        """
        if not isinstance(self._parameters, CheckedParameters):  # the same arrays, behind the checked dict
            self._parameters = CheckedParameters(self._parameters, self.parameter_shapes(), self.dtype)
        return self._parameters

    @parameters.setter
    def parameters(self, parameters: Parameters) -> None:
        expected = self.parameter_shapes()
        if not isinstance(parameters, dict):
            raise ChainruleError(f"parameters must be a dict {{'W1': array, 'b1': array, ...}}; got {type(parameters).__name__}")
        if set(parameters) != set(expected):
            raise ChainruleError(f"parameters must have keys {sorted(expected)}; got {sorted(parameters)}")
        checked = {key: checked_parameter(key, parameters[key], expected, self.dtype) for key in expected}
        self._parameters = CheckedParameters(checked, expected, self.dtype)

    def parameter_shapes(self) -> dict[str, tuple[int, int]]:
        """{"W1": (n[1], n[0]), "b1": (n[1], 1), …} from layer_dims."""
        return parameter_shapes(self.layer_dims)

    @classmethod
    def from_parameters(cls, parameters: Parameters, activations: str | Sequence[str] | None = None, **kwargs: Any) -> Network:
        """A network with the given {"W1", "b1", …} (copied); layer sizes read from the shapes."""
        L = len(parameters) // 2
        dims = [np.shape(parameters["W1"])[1]] + [np.shape(parameters[f"W{l}"])[0] for l in range(1, L + 1)]
        dtype = kwargs.pop("dtype", np.result_type(*parameters.values()))
        net = cls(dims, activations, initialization="zeros", dtype=dtype, **kwargs)
        net.parameters = parameters
        return net

    def to_torch(self) -> Any:  # torch.nn.Sequential: PyTorch is an optional extra, absent from the type check
        """An ``nn.Sequential`` with identical weights (W in the same orientation); it takes X.T (m, n_x)."""
        from chainrule.torch_bridge import to_torch

        return to_torch(self)

    @classmethod
    def from_torch(cls, module: Any, **kwargs: Any) -> Network:  # module: a torch.nn.Sequential
        """A network with the weights of an ``nn.Sequential`` of Linear layers and activations."""
        from chainrule.torch_bridge import layers_from_torch

        parameters, activations = layers_from_torch(module)
        return cls.from_parameters(parameters, activations, **kwargs)

    def __repr__(self) -> str:
        return f"Network({self.layer_dims}, activations={self.activations}, dtype={self.dtype.name})"

    # -- one batch -----------------------------------------------------------------------
    def targets(self, Y: Any, m: int) -> np.ndarray:
        """Y checked against the loss: (n[L], m) in {0, 1}; for softmax one-hot, integer labels (1, m) converted."""
        if self.multiclass:
            Y = np.asarray(Y)
            if Y.shape in ((1, m), (m,)) and self.n_y > 1:
                Y = one_hot(Y, self.n_y)
            return check_Y(Y, self.n_y, m, binary=False, one_hot=True)
        return check_Y(Y, self.n_y, m, binary=True)

    def forward(self, X: np.ndarray, masks: Masks | None = None, keep_prob: float = 1.0) -> tuple[np.ndarray, list[Cache]]:
        """(A[L], caches): A[L] is (n[L], m); caches[l-1] = ((A[l-1], W[l], b[l]), Z[l]); dropout with ``masks``."""
        X = check_X(X, self.n_x)
        return forward(X, self._parameters, self.activations, masks, keep_prob)

    def cost(self, AL: np.ndarray, Y: np.ndarray, lambd: float = 0.0) -> float:
        """J = (1/m) Σᵢ L⁽ⁱ⁾ (+ (λ/2m) Σₗ ‖W[l]‖² with ``lambd``), the mean cross-entropy of A[L] against Y."""
        AL = np.asarray(AL)
        Y = self.targets(Y, AL.shape[-1])
        if AL.shape != Y.shape:
            raise ChainruleError(f"AL must have the shape of Y, {Y.shape}; got {AL.shape}")
        AL, Y = check_cost_arrays(AL, Y, self.loss)  # AL must hold probabilities
        return objective(AL, Y, self.loss, self._parameters, check_lambd(lambd) if lambd else 0.0)

    def backward(
        self,
        Y: np.ndarray,
        caches: Sequence[Cache],
        convention: str = "loss",
        need_dA0: bool = True,
        *,
        lambd: float = 0.0,
        masks: Masks | None = None,
        keep_prob: float = 1.0,
    ) -> Grads:
        """Gradients of one batch, keys dZ{l}, dW{l}, db{l}, dA{l-1} (dA0 = ∂/∂X included).

        convention="loss" (the course's): dZ[l], dA[l] are ∂L/∂Z[l], ∂L/∂A[l] of the per-example
        losses, shape (n[l], m), no 1/m; dW[l] = (1/m) dZ[l] A[l-1]ᵀ, db[l] = (1/m) Σᵢ dZ[l].
        convention="cost" (J only): every array is ∂J/∂· of the mean cost; dZ[L] = (1/m)(A[L] − Y),
        dW[l] = dZ[l] A[l-1]ᵀ, db[l] = Σᵢ dZ[l].
        dW and db are ∂J/∂W, ∂J/∂b and identical in both; dZ and dA differ by exactly m. With a
        softmax output dZ[L] = A[L] − Y (one-hot Y) the same way. With ``lambd`` = λ > 0, J has
        the term (λ/2m) Σ ‖W‖² and every dW[l] gains (λ/m) W[l]; dZ, dA, db do not change.
        ``masks``, ``keep_prob``: the dropout masks the forward pass used.
        """
        check_convention(convention)
        self._check_caches(caches)
        ZL = caches[-1][1]
        Y = self.targets(Y, ZL.shape[1]).astype(ZL.dtype, copy=False)
        AL = get_activation(self.activations[-1]).g(ZL)
        return self._backward(AL, Y, caches, convention, need_dA0, check_lambd(lambd), masks, keep_prob)

    def _check_caches(self, caches: Sequence[Cache]) -> None:
        """caches must be this network's forward pass: ((A[l-1], W[l], b[l]), Z[l]) per layer, with its W[l], b[l]."""
        if isinstance(caches, str | bytes) or not isinstance(caches, Sequence) or len(caches) != self.L:
            got = len(caches) if isinstance(caches, Sequence) else type(caches).__name__
            raise ChainruleError(f"caches must hold one entry per layer, {self.L}, as net.forward returns them; got {got}")
        m = None
        for l, cache in enumerate(caches, start=1):
            try:
                (A_prev, W, b), Z = cache
                shapes = [np.shape(a) for a in (A_prev, W, b, Z)]
            except (TypeError, ValueError):
                raise ChainruleError(
                    f"caches[{l - 1}] must be ((A_prev, W, b), Z), as net.forward returns it; got {type(cache).__name__}"
                ) from None
            m = shapes[3][1] if m is None and len(shapes[3]) == 2 else m
            n, n_prev = self.layer_dims[l], self.layer_dims[l - 1]
            expected = [(n_prev, m), (n, n_prev), (n, 1), (n, m)]
            if shapes != expected:
                raise ChainruleError(
                    f"caches[{l - 1}] (layer {l}) must hold A_prev {expected[0]}, W {expected[1]}, b {expected[2]}, Z {expected[3]} "
                    f"for layer_dims {self.layer_dims}; got {shapes[0]}, {shapes[1]}, {shapes[2]}, {shapes[3]}: caches of another network?"
                )
            for key, cached in ((f"W{l}", W), (f"b{l}", b)):
                own = self._parameters[key]
                if cached is not own and not np.array_equal(cached, own):
                    raise ChainruleError(
                        f"caches[{l - 1}] holds a {key} that is not this network's: the caches come from another network, or "
                        "the parameters changed since the forward pass; run net.forward(X) again"
                    )

    def _backward(
        self, AL: np.ndarray, Y: np.ndarray, caches: Sequence[Cache], convention: str, need_dA0: bool = False,
        lambd: float = 0.0, masks: Masks | None = None, keep_prob: float = 1.0, buffers: TrainingBuffers | None = None,
    ) -> Grads:  # fmt: skip
        """``backward`` of checked arrays (``backward`` and training's step): dZ[L] = s (A[L] − Y) with (s, k) =
        ``scales(convention, m)``, the loop over layers with k, then (λ/m) W[l] added to dW[l] when ``lambd``."""
        m = AL.shape[1]
        s, k = scales(convention, m)  # dZ[L] = s ∂L/∂Z[L];  dW[l] = k dZ[l] A[l-1]ᵀ
        dZL = self._output_dZ(AL, Y)  # dZ[L] = A[L] − Y: fused (the clean API's), exact because A[L] = g[L](Z[L])
        if s != 1:
            dZL *= s  # "cost" convention: dZ[L] = (1/m)(A[L] − Y), scaled in place
        grads = backward(caches, self.activations, k, dZL=dZL, need_dA0=need_dA0, masks=masks, keep_prob=keep_prob,
                         buffers=buffers)  # fmt: skip
        return add_l2_gradient(grads, self._parameters, lambd, m) if lambd else grads

    # -- training (chainrule.training) -------------------------------------------------------
    def _propagate(self, X: np.ndarray, masks: Masks | None = None, keep_prob: float = 1.0,
                   workspace: Workspace | None = None) -> tuple[np.ndarray, list[Cache]]:  # fmt: skip
        """``forward`` of checked X with this network's parameters (training and its evaluations)."""
        return forward(X, self._parameters, self.activations, masks, keep_prob, workspace)

    @property
    def training_state(self) -> TrainingState | None:
        """Where the last ``fit`` stopped (optimizer state, epoch, generator, convention), to resume it; None before."""
        return self._training_state

    @training_state.setter
    def training_state(self, state: TrainingState | Mapping[str, Any] | None) -> None:
        self._training_state = TrainingState.of(state)

    def train_step(
        self,
        X: np.ndarray,
        Y: np.ndarray,
        learning_rate: float,
        *,
        convention: str = "loss",
        optimizer: str | OptimizerConfig = "gd",
        state: dict[str, Any] | None = None,
        lambd: float = 0.0,
        keep_prob: float = 1.0,
        rng: np.random.Generator | None = None,
        **hyper: float,
    ) -> float:
        """One optimizer step on one batch of checked arrays (what ``fit`` does per mini-batch); returns J.

        ``chainrule.training.train_step`` with ``optimizer`` (a name with its ``hyper`` parameters,
        or an ``OptimizerConfig``) and ``state`` (from its ``init``; none for "gd"); dropout masks
        drawn from ``rng`` when keep_prob < 1. When J is not finite nothing is updated and J is returned.
        """
        opt = optimizer_config(optimizer, **hyper)
        return training.train_step(self, X, Y, learning_rate, opt, {} if state is None else state, convention=convention,
                                   regularization=Regularization(lambd, keep_prob), rng=rng)[0]  # fmt: skip

    def fit(
        self,
        X: np.ndarray,
        Y: np.ndarray,
        learning_rate: float = 0.0075,
        num_iterations: int | None = None,
        convention: str = "loss",
        callback: Callable[[int, float], Any] | None = None,
        *,
        epochs: int | None = None,
        batch_size: int | None = None,
        optimizer: str | OptimizerConfig = "gd",
        seed: int = 0,
        resume: bool = False,
        **options: Any,
    ) -> History:
        """Train for ``epochs`` (= ``num_iterations`` with full batches; 3000 if neither is given): ``chainrule.training.fit``.

        Each epoch: the learning rate α = α₀ / (1 + decay_rate · epoch) (or ⌊epoch / time_interval⌋;
        or ``schedule``, any callable (α₀, epoch) → α); the m examples in shuffled mini-batches of
        ``batch_size`` (None: one full batch, not shuffled); for each batch the forward pass
        (dropout with ``keep_prob`` < 1), the cost J (with the L2 term if ``lambd`` > 0; or
        ``regularization=Regularization(lambd, keep_prob)``), the backward pass in ``convention``
        and one step of ``optimizer`` ("gd", "momentum" with ``beta``, "rmsprop" with ``beta2``,
        ``epsilon``, "adam" with ``beta1``, ``beta2``, ``epsilon``; or an ``OptimizerConfig`` such as
        ``Adam(beta1=0.9)``). ``callback(epoch, J)`` runs after every epoch; ``self.history`` is the
        History being filled.

        Every ``eval_every`` epochs (default: every epoch with mini-batches, else 100 times in
        all) the training accuracy (from the outputs the epoch's steps computed, see ``History``)
        and, with ``validation_data = (X_val, Y_val)``, the validation cost and accuracy (a forward
        pass over X_val) are recorded; with ``patience`` training stops after that many
        evaluations without a lower validation cost and the best parameters are restored (or
        ``evaluation=Evaluation(validation_data, patience, eval_every)``).
        Shuffling and dropout draw from ``np.random.default_rng(seed)``: the same seed gives the
        same run. ``resume=True`` continues a run (saved by ``save``, loaded by ``load``) with its
        optimizer state, epoch count and generator: ``epochs`` is then the total to reach, and
        the result equals the uninterrupted run's. A NaN or inf cost stops with a ChainruleError.
        """
        if num_iterations is not None and epochs is not None:
            raise ChainruleError("give epochs or num_iterations (the same thing with full batches), not both")
        if num_iterations is not None:
            epochs = check_integer(num_iterations, "num_iterations", 1)
        return training.fit(self, X, Y, learning_rate, epochs, convention=convention, batch_size=batch_size, seed=seed,
                            resume=resume, callback=callback, **training.fit_options(optimizer, options))  # fmt: skip

    # -- prediction ----------------------------------------------------------------------
    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """A[L], shape (n[L], m) (no dropout)."""
        return self.forward(X)[0]

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Labels, int, shape (1, m): 1 where A[L] > 0.5 (sigmoid), the argmax class 0..n[L]−1 (softmax)."""
        return self._labels_of(self.predict_proba(X))

    def _labels_of(self, AL: np.ndarray) -> np.ndarray:
        if self.multiclass:
            return np.argmax(AL, axis=0).reshape(1, -1)
        return (AL > 0.5).astype(int)

    def _correct(self, AL: np.ndarray, labels: np.ndarray) -> int:
        """How many predictions of A[L] equal ``labels``: class indices (1, m) with softmax, Y itself (n[L], m) with sigmoid."""
        if self.multiclass:
            return int(np.count_nonzero(AL.argmax(axis=0) == labels[0]))
        return int(np.count_nonzero((AL > 0.5) == labels))

    def _accuracy_of(self, AL: np.ndarray, Y: np.ndarray) -> float:
        labels = np.argmax(Y, axis=0).reshape(1, -1) if self.multiclass else Y
        return self._correct(AL, labels) / labels.size

    def accuracy(self, X: np.ndarray, Y: np.ndarray) -> float:
        """Fraction of examples whose predicted label equals Y (Y as for ``fit``)."""
        AL = self.predict_proba(X)
        return self._accuracy_of(AL, self.targets(Y, AL.shape[1]))

    # -- files ---------------------------------------------------------------------------
    def saved_model(self) -> SavedModel:
        """The network as the model file's plain values (``chainrule.modelfile.SavedModel``), its arrays not copied."""
        from chainrule.modelfile import SavedModel

        return SavedModel(self.layer_dims, self.activations, self.loss, self.dtype, dict(self._parameters), self.normalization,
                          self.metadata, self.training_state)  # fmt: skip

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the network, its normalization and its training state to ``path`` (.npz), atomically (``chainrule.modelfile``)."""
        from chainrule.modelfile import write

        write(self.saved_model(), path)

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, trust_header: bool = False) -> Network:
        """The network saved at ``path``, every array checked against the file's header (``chainrule.modelfile.read``)."""
        from chainrule.modelfile import read

        saved = read(path, trust_header=trust_header)
        try:
            net = cls(saved.layer_dims, saved.activations, loss=saved.loss, initialization="zeros", dtype=saved.dtype)
        except ChainruleError as error:
            raise ChainruleError(f"{os.fspath(path)!r}: the header describes no valid network: {error}") from None
        net.parameters = saved.parameters
        net.normalization, net.metadata, net.training_state = saved.normalization, saved.metadata, saved.training_state
        return net
