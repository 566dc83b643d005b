"""Activations: values at known points, and stability at |z| = 1000."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import glassnet as gn
from glassnet.nn.activations import ACTIVATIONS, get_activation

EXTREME = np.array([[-1000.0, -50.0, 0.0, 50.0, 1000.0]])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_is_stable_at_plus_minus_1000(name, dtype):
    activation = get_activation(name)
    Z = EXTREME.astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            A = activation.forward(Z)
            dZ = activation.backward(Z, A, np.ones_like(Z))
    assert np.isfinite(A).all()
    assert np.isfinite(dZ).all()
    assert A.dtype == np.dtype(dtype)


def test_sigmoid_values_and_limits():
    A = get_activation("sigmoid").forward(EXTREME)
    np.testing.assert_allclose(A[0, 1:4], [1 / (1 + np.exp(50)), 0.5, 1 / (1 + np.exp(-50))])
    assert A[0, 0] == pytest.approx(0.0, abs=1e-300)
    assert A[0, 4] == 1.0


def test_sigmoid_is_written_exactly_as_the_tutorial():
    Z = np.linspace(-30, 30, 101).reshape(1, -1)
    np.testing.assert_array_equal(get_activation("sigmoid").forward(Z), 1 / (1 + np.exp(-Z)))


def test_softmax_of_extreme_row_is_one_hot():
    P = get_activation("softmax").forward(EXTREME)
    np.testing.assert_array_equal(P, [[0, 0, 0, 0, 1]])


def test_leaky_relu_uses_pytorch_default_slope():
    A = get_activation("leaky_relu").forward(np.array([[-2.0, 3.0]]))
    np.testing.assert_array_equal(A, [[-0.02, 3.0]])


def test_unknown_activation_lists_the_valid_ones():
    with pytest.raises(
        gn.ConfigurationError, match="unknown activation 'rleu'; choose from identity"
    ):
        gn.Dense(2, 2, activation="rleu")
