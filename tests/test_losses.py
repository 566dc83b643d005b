"""Every loss's and activation's fast paths (in place, bound calls, fused) equal the plain ones."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet.nn.activations import ACTIVATIONS, Activation, LeakyReLU, get_activation
from glassnet.nn.losses import LOSSES, Loss, get_loss, sum_of_squares, sum_of_squares_call


def _batch(name: str, rng: np.random.Generator, n: int = 7, k: int = 3):
    """Logits, outputs and targets a loss of ``name`` meets: (n, k) each."""
    Z = rng.normal(size=(n, k))
    fused = LOSSES[name].fused_activation
    A = get_activation(fused).forward(Z) if fused else Z
    if name == "categorical_crossentropy":
        Y = np.eye(k)[rng.integers(0, k, n)]
    elif name == "binary_crossentropy":
        Y = rng.integers(0, 2, (n, k)).astype(float)
    else:
        Y = rng.normal(size=(n, k))
    return Z, A, Y


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_in_place_and_bound_calls_give_the_plain_value_and_gradient(name):
    loss = get_loss(name)
    _, A, Y = _batch(name, np.random.default_rng(0))
    out = np.empty_like(A)
    assert loss.inplace_value_and_gradient(A, Y, out) == pytest.approx(loss.value(A, Y), rel=1e-14)
    np.testing.assert_allclose(out, loss.gradient(A, Y), rtol=1e-14, atol=1e-15)
    out[...] = np.nan
    calls, value, scale = loss.value_and_gradient_calls(A, Y, out)
    for call in calls:
        call()
    assert scale * float(value()) == pytest.approx(loss.value(A, Y), rel=1e-14)
    np.testing.assert_allclose(out, loss.gradient(A, Y), rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("name", ["binary_crossentropy", "categorical_crossentropy"])
def test_a_fused_loss_from_the_logits_is_the_loss_of_the_activation(name):
    loss = get_loss(name)
    Z, A, Y = _batch(name, np.random.default_rng(1))
    assert loss.value_from_logits(Z, Y) == pytest.approx(loss.value(A, Y), rel=1e-12)
    activation = get_activation(loss.fused_activation)
    chained = activation.backward(Z, A, loss.gradient(A, Y))  # through the activation
    np.testing.assert_allclose(loss.gradient_from_logits(Z, A, Y), chained, atol=1e-12)
    out = np.empty_like(A)
    value = loss.inplace_value_and_gradient_from_logits(Z, A, Y, out)
    assert value == pytest.approx(loss.value_from_logits(Z, Y), rel=1e-14)
    np.testing.assert_allclose(out, loss.gradient_from_logits(Z, A, Y), atol=1e-15)


def test_softmax_and_its_loss_in_one_pass():
    loss = get_loss("cce")
    Z, A, Y = _batch("categorical_crossentropy", np.random.default_rng(2))
    into, out = np.empty_like(A), np.empty_like(A)
    value = loss.inplace_softmax_value_and_gradient(Z, into, Y, out)
    np.testing.assert_allclose(into, A, rtol=1e-14)
    assert value == pytest.approx(loss.value_from_logits(Z, Y), rel=1e-14)
    np.testing.assert_allclose(out, loss.gradient_from_logits(Z, A, Y), atol=1e-15)


@pytest.mark.parametrize("shape", [(3, 4), (200, 100), (100, 200)])
def test_sum_of_squares_small_large_and_strided(shape):
    E = np.random.default_rng(3).normal(size=shape)
    for array in (E, E.T):  # E.T is not C-contiguous: summed without a copy that goes stale
        call = sum_of_squares_call(array)
        assert sum_of_squares(array) == pytest.approx(float((array**2).sum()), rel=1e-12)
        array *= 2.0  # the call reads the array as it is when called
        assert float(call()) == pytest.approx(float((array**2).sum()), rel=1e-12)


def test_the_base_loss_says_what_a_loss_must_define():
    loss, A = Loss(), np.zeros((1, 1))
    for method, arguments in [
        (loss.value, (A, A)),
        (loss.gradient, (A, A)),
        (loss.value_from_logits, (A, A)),
        (loss.gradient_from_logits, (A, A, A)),
    ]:
        with pytest.raises(NotImplementedError):
            method(*arguments)
    mse = get_loss("mse")
    assert get_loss(mse) is mse
    assert repr(mse) == "MeanSquaredError()"


# -- activations' fast paths ---------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_in_place_and_bound_activations_give_the_plain_forward_and_backward(name):
    activation = get_activation(name)
    rng = np.random.default_rng(4)
    Z, dA = rng.normal(size=(6, 3)), rng.normal(size=(6, 3))
    A = activation.forward(Z)
    expected = activation.backward(Z, A, dA.copy())
    np.testing.assert_allclose(activation.inplace_forward(Z, np.empty_like(Z)), A, rtol=1e-14)
    got = activation.inplace_backward(Z, A, dA.copy(), np.empty_like(Z))
    np.testing.assert_allclose(got, expected, rtol=1e-14, atol=1e-15)
    calls, into = activation.forward_calls(Z, np.empty_like(Z))
    for call in calls:
        call()
    np.testing.assert_allclose(into, A, rtol=1e-14)
    calls, into = activation.backward_calls(Z, A, dA.copy(), np.empty_like(Z))
    for call in calls:
        call()
    np.testing.assert_allclose(into, expected, rtol=1e-14, atol=1e-15)


def test_activations_compare_by_kind_and_settings():
    assert get_activation("leaky_relu") == get_activation("leaky_relu")
    assert LeakyReLU(0.1) != LeakyReLU(0.2)
    assert len({get_activation("tanh"), get_activation("tanh"), get_activation("relu")}) == 2
    assert get_activation(None) == get_activation("identity")
    assert repr(LeakyReLU(0.1)) == "LeakyReLU(negative_slope=0.1)"
    base = Activation()
    with pytest.raises(NotImplementedError):
        base.forward(np.zeros((1, 1)))
    with pytest.raises(NotImplementedError):
        base.backward(np.zeros((1, 1)), np.zeros((1, 1)), np.zeros((1, 1)))
