"""Activations, losses and initializers: values worked by hand, stability, dtypes, derivatives."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule.activations import ACTIVATIONS, get_activation, sigmoid
from chainrule.initializers import initialize_parameters
from chainrule.losses import binary_cross_entropy, cost


def test_activation_values_by_hand():
    Z = np.array([[-2.0, 0.0, 3.0]])
    assert np.allclose(ACTIVATIONS["relu"].g(Z), [[0, 0, 3]])
    assert np.allclose(ACTIVATIONS["relu"].g_prime(Z), [[0, 0, 1]])  # g'(0) = 0, as the course
    assert np.allclose(ACTIVATIONS["leaky_relu"].g(Z), [[-0.02, 0, 3]])
    assert np.allclose(ACTIVATIONS["leaky_relu"].g_prime(Z), [[0.01, 0.01, 1]])
    assert np.allclose(ACTIVATIONS["sigmoid"].g(Z), 1 / (1 + np.exp(-Z)))
    assert np.allclose(ACTIVATIONS["sigmoid"].g_prime(np.zeros(1)), 0.25)
    assert np.allclose(ACTIVATIONS["tanh"].g_prime(np.zeros(1)), 1.0)
    assert np.allclose(ACTIVATIONS["linear"].g_prime(Z), 1.0)


ELEMENTWISE = [name for name, activation in ACTIVATIONS.items() if activation.elementwise]


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_matches_finite_difference(name):
    activation = ACTIVATIONS[name]
    Z = np.linspace(-4, 4, 81) + 0.013  # avoids the kink at exactly 0
    eps = 1e-6
    numeric = (activation.g(Z + eps) - activation.g(Z - eps)) / (2 * eps)
    np.testing.assert_allclose(activation.g_prime(Z), numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", ELEMENTWISE)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_activations_keep_dtype(name, dtype):
    Z = np.array([[-1.5, 0.5]], dtype=dtype)
    assert ACTIVATIONS[name].g(Z).dtype == dtype
    assert ACTIVATIONS[name].g_prime(Z).dtype == dtype


def test_sigmoid_is_stable_for_any_z():
    Z = np.array([-1e308, -1000.0, -745.0, -30.0, 0.0, 30.0, 1000.0, 1e308])
    with np.errstate(all="raise"):
        A = sigmoid(Z)
    assert np.all(np.isfinite(A)) and np.all((A >= 0) & (A <= 1))
    assert A[0] == 0 and A[-1] == 1 and A[4] == 0.5
    assert sigmoid(np.array([-30.0]))[0] == pytest.approx(np.exp(-30) / (1 + np.exp(-30)), rel=1e-12)
    assert sigmoid(np.array([-200.0], dtype=np.float32)).dtype == np.float32


def test_unknown_activation_names_the_known_ones():
    with pytest.raises(cr.ChainruleError, match="unknown activation 'softplus'.*relu"):
        get_activation("softplus")


def test_cross_entropy_by_hand():
    Y = np.array([[1, 1, 0]])
    AL = np.array([[0.8, 0.9, 0.4]])
    L = binary_cross_entropy(AL, Y)
    assert L.shape == (1, 3)
    np.testing.assert_allclose(L, -np.log([[0.8, 0.9, 0.6]]))
    assert cost(AL, Y) == pytest.approx(0.2797765635793422, rel=1e-15)


def test_cross_entropy_is_finite_at_zero_and_one():
    Y = np.array([[1, 0, 1, 0]])
    AL = np.array([[1.0, 0.0, 0.0, 1.0]])
    with np.errstate(all="raise"):
        L = binary_cross_entropy(AL, Y)
    assert np.all(np.isfinite(L))
    assert L[0, 0] == 0 and L[0, 1] == 0  # right and certain: no loss
    assert L[0, 2] > 700 and L[0, 3] > 700  # wrong and certain: large, finite
    assert np.isfinite(cost(AL, Y))


@pytest.mark.parametrize("method", ["zeros", "scaled_normal", "xavier", "he", "lecun", "course_app"])
def test_initializer_shapes_and_seeding(method):
    dims = [5, 4, 3, 1]
    a = initialize_parameters(dims, method, np.random.default_rng(7))
    b = initialize_parameters(dims, method, np.random.default_rng(7))
    for l in range(1, 4):
        assert a[f"W{l}"].shape == (dims[l], dims[l - 1])
        assert a[f"b{l}"].shape == (dims[l], 1) and not a[f"b{l}"].any()
        np.testing.assert_array_equal(a[f"W{l}"], b[f"W{l}"])


def test_initializer_scales():
    rng = np.random.default_rng(0)
    n_prev, n = 4000, 300
    assert initialize_parameters([n_prev, n], "scaled_normal", rng)["W1"].std() == pytest.approx(0.01, rel=0.02)
    assert initialize_parameters([n_prev, n], "he", rng)["W1"].std() == pytest.approx(np.sqrt(2 / n_prev), rel=0.02)
    assert initialize_parameters([n_prev, n], "lecun", rng)["W1"].std() == pytest.approx(np.sqrt(1 / n_prev), rel=0.02)
    assert initialize_parameters([n_prev, n], "xavier", rng)["W1"].std() == pytest.approx(
        np.sqrt(2 / (n_prev + n)), rel=0.02
    )


def test_legacy_stream_reproduces_the_course():
    """A RandomState(3) gives what np.random.seed(3); np.random.randn(...) gives in the course."""
    params = initialize_parameters([5, 4, 3], "scaled_normal", np.random.RandomState(3))
    np.testing.assert_allclose(params["W1"][0], [0.01788628, 0.0043651, 0.00096497, -0.01863493, -0.00277388], atol=5e-9)
    np.testing.assert_allclose(params["W2"][2], [-0.00768836, -0.00230031, 0.00745056, 0.01976111], atol=5e-9)


def test_unknown_initializer():
    with pytest.raises(cr.ChainruleError, match="unknown initialization 'glorot'"):
        initialize_parameters([2, 1], "glorot")
