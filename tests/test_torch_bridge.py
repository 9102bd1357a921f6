"""Export to PyTorch and back: the same forward values and the same gradients (float64, 1e-12)."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from conftest import random_problem

torch = pytest.importorskip("torch")

CASES = [
    ([3, 5, 4, 1], ["relu", "tanh", "sigmoid"]),
    ([6, 4, 1], ["leaky_relu", "sigmoid"]),
    ([4, 3, 3, 2], ["linear", "sigmoid", "sigmoid"]),
]


@pytest.mark.parametrize(("dims", "activations"), CASES)
def test_same_forward_and_same_gradients(dims, activations):
    X, Y, params = random_problem(dims, 7, seed=len(dims))
    net = cr.Network.from_parameters(params, activations)
    module = net.to_torch()
    Xt = torch.from_numpy(X.T.copy())
    AL, caches = net.forward(X)
    out = module(Xt)
    np.testing.assert_allclose(out.detach().numpy().T, AL, rtol=1e-12, atol=1e-15)
    # J = (1/m) Σ cross-entropy, differentiated by torch's autograd
    Yt = torch.from_numpy(Y.T.copy())
    J = torch.nn.functional.binary_cross_entropy(out, Yt, reduction="sum") / X.shape[1]
    J.backward()
    assert float(J.detach()) == pytest.approx(net.cost(AL, Y), rel=1e-12)
    grads = net.backward(Y, caches)
    linears = [m for m in module if isinstance(m, torch.nn.Linear)]
    for l, linear in enumerate(linears, start=1):
        np.testing.assert_allclose(linear.weight.grad.numpy(), grads[f"dW{l}"], rtol=1e-12, atol=1e-15, err_msg=f"dW{l}")
        np.testing.assert_allclose(linear.bias.grad.numpy(), grads[f"db{l}"][:, 0], rtol=1e-12, atol=1e-15, err_msg=f"db{l}")


def test_round_trip_keeps_weights_and_activations():
    net = cr.Network([5, 4, 3, 1], ["relu", "tanh", "sigmoid"], seed=3)
    back = cr.Network.from_torch(net.to_torch())
    assert back.layer_dims == net.layer_dims and back.activations == net.activations
    for key, value in net.parameters.items():
        np.testing.assert_array_equal(back.parameters[key], value)


def test_float32_stays_float32():
    net = cr.Network([3, 2, 1], dtype=np.float32, seed=0)
    module = net.to_torch()
    assert module[0].weight.dtype == torch.float32
    assert cr.Network.from_torch(module).dtype == np.float32


def test_linear_after_linear_is_a_linear_activation():
    module = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Linear(4, 1), torch.nn.Sigmoid()).double()
    net = cr.Network.from_torch(module)
    assert net.activations == ["linear", "sigmoid"]
    X = np.random.default_rng(0).standard_normal((3, 5))
    np.testing.assert_allclose(net.forward(X)[0], module(torch.from_numpy(X.T.copy())).detach().numpy().T, rtol=1e-12)


def test_unsupported_modules_are_named():
    with pytest.raises(cr.ChainruleError, match="cannot import GELU"):
        cr.Network.from_torch(torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.GELU(), torch.nn.Linear(4, 1), torch.nn.Sigmoid()))
    with pytest.raises(cr.ChainruleError, match="must follow an nn.Linear"):
        cr.Network.from_torch(torch.nn.Sequential(torch.nn.ReLU(), torch.nn.Linear(4, 1)))
    with pytest.raises(cr.ChainruleError, match="no bias"):
        cr.Network.from_torch(torch.nn.Sequential(torch.nn.Linear(3, 1, bias=False), torch.nn.Sigmoid()))
    with pytest.raises(cr.ChainruleError, match="nn.Sequential"):
        cr.Network.from_torch(torch.nn.Linear(3, 1))
