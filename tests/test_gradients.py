"""Every derivative in glassnet against central finite differences (float64)."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet.nn.activations import ACTIVATIONS, Sigmoid, get_activation
from glassnet.nn.losses import LOSSES, get_loss
from tests.gradcheck import assert_gradient_close, numerical_gradient

ACTIVATION_NAMES = sorted(ACTIVATIONS)
LOSS_NAMES = sorted(LOSSES)


def off_kinks(Z: np.ndarray) -> np.ndarray:
    """Move entries away from 0, where relu and leaky_relu have a kink."""
    return np.where(np.abs(Z) < 0.05, Z + 0.1 * np.sign(Z + 1e-12), Z)


def targets_for(loss_name: str, rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    if loss_name == "categorical_crossentropy":
        return np.eye(shape[1])[rng.integers(0, shape[1], size=shape[0])]
    if loss_name == "binary_crossentropy":
        return rng.integers(0, 2, size=shape).astype(float)
    return rng.normal(size=shape)


def predictions_for(loss_name: str, rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    if loss_name == "categorical_crossentropy":
        return get_activation("softmax").forward(rng.normal(size=shape))
    if loss_name == "binary_crossentropy":
        return rng.uniform(0.05, 0.95, size=shape)
    return rng.normal(size=shape)


@pytest.mark.parametrize("name", ACTIVATION_NAMES)
def test_activation_backward_matches_finite_differences(name, rng):
    activation = get_activation(name)
    Z = off_kinks(rng.normal(scale=2.0, size=(5, 4)))
    G = rng.normal(size=Z.shape)  # a random upstream gradient, so the whole Jacobian is probed
    A = activation.forward(Z)
    analytic = activation.backward(Z, A, G)
    numeric = numerical_gradient(lambda: float((activation.forward(Z) * G).sum()), Z)
    assert_gradient_close(analytic, numeric, name)


@pytest.mark.parametrize("name", LOSS_NAMES)
def test_loss_gradient_matches_finite_differences(name, rng):
    loss = get_loss(name)
    A = predictions_for(name, rng, (6, 3))
    Y = targets_for(name, rng, A.shape)
    numeric = numerical_gradient(lambda: loss.value(A, Y), A)
    assert_gradient_close(loss.gradient(A, Y), numeric, name)


@pytest.mark.parametrize("name", ["binary_crossentropy", "categorical_crossentropy"])
def test_fused_loss_gradient_matches_finite_differences(name, rng):
    loss = get_loss(name)
    activation = get_activation(loss.fused_activation)
    Z = rng.normal(scale=2.0, size=(6, 3))
    Y = targets_for(name, rng, Z.shape)
    numeric = numerical_gradient(lambda: loss.value_from_logits(Z, Y), Z)
    analytic = loss.gradient_from_logits(Z, activation.forward(Z), Y)
    assert_gradient_close(analytic, numeric, name)
    # The fused value is the same loss as activation-then-loss.
    assert loss.value_from_logits(Z, Y) == pytest.approx(loss.value(activation.forward(Z), Y))


@pytest.mark.parametrize("bias", [True, False], ids=["bias", "no-bias"])
@pytest.mark.parametrize("name", ACTIVATION_NAMES)
def test_dense_gradients_match_finite_differences(name, bias, rng):
    layer = gn.Dense(4, 3, activation=name, bias=bias)
    layer.initialize(rng, "glorot")
    if layer.bias is not None:
        layer.bias[:] = rng.normal(scale=0.1, size=3)
    X = rng.normal(size=(5, 4))
    G = rng.normal(size=(5, 3))

    def objective() -> float:
        return float((layer.forward(X) * G).sum())

    layer.forward(X)
    dX = layer.backward(G)
    analytic = {"weight": layer.dW.copy(), "X": dX}
    if layer.db is not None:
        analytic["bias"] = layer.db.copy()
    Z = X @ layer.weights + (0 if layer.bias is None else layer.bias)
    if name in ("relu", "leaky_relu"):
        assert np.abs(Z).min() > 1e-4, "test input sits on a kink"
    assert_gradient_close(analytic["weight"], numerical_gradient(objective, layer.weights), "dW")
    assert_gradient_close(analytic["X"], numerical_gradient(objective, X), "dX")
    if layer.bias is not None:
        assert_gradient_close(analytic["bias"], numerical_gradient(objective, layer.bias), "db")


def random_network(rng: np.random.Generator, loss_name: str) -> tuple[gn.Network, np.ndarray]:
    n_layers = int(rng.integers(1, 4))
    sizes = [int(s) for s in rng.integers(1, 6, size=n_layers + 1)]
    hidden = ["sigmoid", "tanh", "relu", "leaky_relu", "identity"]
    output = {
        "categorical_crossentropy": "softmax",
        "binary_crossentropy": "sigmoid",
    }.get(loss_name, str(rng.choice([*hidden, "softmax"])))
    if output == "softmax":
        sizes[-1] = max(sizes[-1], 2)
    layers = [
        gn.Dense(
            sizes[i],
            sizes[i + 1],
            activation=output if i == n_layers - 1 else str(rng.choice(hidden)),
            bias=bool(rng.integers(0, 2)),
        )
        for i in range(n_layers)
    ]
    net = gn.Network(layers, loss=loss_name, rng=int(rng.integers(0, 2**31)))
    for layer in net.layers:
        if layer.bias is not None:
            layer.bias[:] = rng.normal(scale=0.3, size=layer.bias.shape)
    X = rng.normal(size=(7, sizes[0]))
    return net, X


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("loss_name", LOSS_NAMES)
def test_whole_network_gradients_match_finite_differences(loss_name, seed):
    rng = np.random.default_rng(seed)
    net, X = random_network(rng, loss_name)
    Y = targets_for(loss_name, rng, (X.shape[0], net.n_outputs))
    # Keep every relu/leaky_relu pre-activation off its kink, or the difference quotient is wrong.
    net.forward(X)
    for layer in net.layers:
        if layer.activation.name in ("relu", "leaky_relu"):
            assert np.abs(layer.Z).min() > 1e-4, "this seed's input sits on a kink: pick another"
    _, analytic = net.gradients(X, Y)
    for (name, param, _), grad in zip(net.parameters(), analytic, strict=True):
        numeric = numerical_gradient(lambda: net.evaluate(X, Y), param)
        assert_gradient_close(grad, numeric, f"{loss_name} seed {seed} {name}")


class WrongSigmoid(Sigmoid):
    """A sigmoid whose derivative forgets the (1 − A) factor."""

    def backward(self, Z, A, dA):
        return dA * A


def test_gradient_check_catches_a_wrong_derivative(rng):
    net = gn.Network([gn.Dense(3, 2, activation=WrongSigmoid()), gn.Dense(2, 1)], loss="mse")
    X, Y = rng.normal(size=(5, 3)), rng.normal(size=(5, 1))
    _, analytic = net.gradients(X, Y)
    weights = net.layers[0].weights
    numeric = numerical_gradient(lambda: net.evaluate(X, Y), weights)
    with pytest.raises(AssertionError, match="relative error"):
        assert_gradient_close(analytic[0], numeric, "wrong sigmoid")


def test_gradient_check_catches_a_wrong_loss_gradient(rng):
    loss = get_loss("mse")
    A, Y = rng.normal(size=(4, 2)), rng.normal(size=(4, 2))
    numeric = numerical_gradient(lambda: loss.value(A, Y), A)
    with pytest.raises(AssertionError, match="relative error"):
        assert_gradient_close((A - Y) / A.size, numeric, "mse without the factor 2")
