"""Export to and import from PyTorch: the route to a GPU or many machines without rewriting the model.

``to_torch(net)`` builds an ``nn.Sequential`` of ``nn.Linear`` layers and activation modules with
identical weights: ``Linear.weight`` is W[l] in the same orientation (n[l], n[l-1]) and
``Linear.bias`` is b[l] flattened to (n[l],). PyTorch puts one example per *row*, so the module
takes ``X.T`` (m, n_x) and returns ``A[L].T``. The output activation is part of the module (a
``Sigmoid`` or ``Softmax``); for training in PyTorch, drop it and use ``BCEWithLogitsLoss``.
PyTorch is imported only here, and only when called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from chainrule.errors import ChainruleError

if TYPE_CHECKING:  # for the annotation only: network imports torch_bridge (lazily), never the other way at run time
    from chainrule.network import Network

# torch objects are typed Any: PyTorch is an optional extra, absent from the type check (and from most installations)


def _torch() -> Any:  # the torch module
    try:
        import torch
    except ImportError:  # pragma: no cover - depends on the installation
        raise ChainruleError("PyTorch is not installed: pip install torch (a CPU build is enough)") from None
    return torch


def _modules(torch: Any) -> dict[str, Any]:
    nn = torch.nn
    return {
        "sigmoid": nn.Sigmoid,
        "tanh": nn.Tanh,
        "relu": nn.ReLU,
        "leaky_relu": lambda: nn.LeakyReLU(0.01),
        "linear": nn.Identity,
        "softmax": lambda: nn.Softmax(dim=1),  # one example per row in PyTorch: classes are dim 1
    }


def to_torch(net: Network) -> Any:  # a torch.nn.Sequential
    """An ``nn.Sequential`` [Linear, g[1], …, Linear, g[L]] with the network's weights and dtype."""
    torch = _torch()
    modules = _modules(torch)
    dtype = {np.dtype(np.float64): torch.float64, np.dtype(np.float32): torch.float32}[net.dtype]
    layers = []
    for l, activation in enumerate(net.activations, start=1):
        W, b = net.parameters[f"W{l}"], net.parameters[f"b{l}"]
        linear = torch.nn.Linear(W.shape[1], W.shape[0], dtype=dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(np.ascontiguousarray(W)))  # (n[l], n[l-1]), the same orientation
            linear.bias.copy_(torch.from_numpy(np.ascontiguousarray(b[:, 0])))  # (n[l], 1) → (n[l],)
        layers += [linear, modules[activation]()]
    return torch.nn.Sequential(*layers)


def _activation_name(module: Any, torch: Any) -> str:  # module: a torch.nn.Module
    nn = torch.nn
    if isinstance(module, nn.Sigmoid):
        return "sigmoid"
    if isinstance(module, nn.Tanh):
        return "tanh"
    if isinstance(module, nn.ReLU):
        return "relu"
    if isinstance(module, nn.LeakyReLU):
        if module.negative_slope != 0.01:
            raise ChainruleError(f"LeakyReLU must have negative_slope 0.01 (chainrule's leaky_relu); got {module.negative_slope}")
        return "leaky_relu"
    if isinstance(module, nn.Identity):
        return "linear"
    if isinstance(module, nn.Softmax):
        if module.dim not in (1, -1):
            raise ChainruleError(f"Softmax must act over the classes, dim=1; got dim={module.dim}")
        return "softmax"
    raise ChainruleError(
        f"cannot import {type(module).__name__}: expected nn.Linear or one of Sigmoid, Tanh, ReLU, LeakyReLU(0.01), Identity, Softmax"
    )


def layers_from_torch(module: Any) -> tuple[dict[str, np.ndarray], list[str]]:  # module: a torch.nn.Sequential
    """(parameters, activations) of an ``nn.Sequential`` of Linear layers, each followed by at most one activation.

    A Linear followed directly by another Linear (or ending the module) gets the "linear" activation.
    """
    torch = _torch()
    children = list(module.children()) if isinstance(module, torch.nn.Sequential) else None
    if not children:
        raise ChainruleError(f"expected a non-empty nn.Sequential of Linear layers and activations; got {type(module).__name__}")
    parameters: dict[str, np.ndarray] = {}
    activations: list[str] = []
    for index, child in enumerate(children):
        if isinstance(child, torch.nn.Linear):
            if child.bias is None:
                raise ChainruleError(f"layer {index} (nn.Linear) has no bias; chainrule's layers have b[l]")
            if len(activations) < len(parameters) // 2:
                activations.append("linear")  # Linear after Linear
            l = len(parameters) // 2 + 1
            parameters[f"W{l}"] = child.weight.detach().cpu().numpy().copy()
            parameters[f"b{l}"] = child.bias.detach().cpu().numpy().reshape(-1, 1).copy()
        else:
            if len(activations) != len(parameters) // 2 - 1:
                raise ChainruleError(f"module {index} ({type(child).__name__}) must follow an nn.Linear")
            activations.append(_activation_name(child, torch))
    if not parameters:
        raise ChainruleError("the module holds no nn.Linear layer")
    if len(activations) < len(parameters) // 2:
        activations.append("linear")
    return parameters, activations
