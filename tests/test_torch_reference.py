"""glassnet against PyTorch autograd and torch.optim, in float64, from the same weights.

Each random network gets a PyTorch twin built here (Linear modules with the weights copied in,
transposed, since torch stores (out, in)); forward outputs, losses, every gradient and 20 optimizer
steps must agree to 1e-10.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import glassnet as gn
from tests.test_gradients import LOSS_NAMES, random_network, targets_for

TORCH_ACTIVATIONS = {
    "sigmoid": torch.nn.Sigmoid,
    "tanh": torch.nn.Tanh,
    "relu": torch.nn.ReLU,
    "leaky_relu": torch.nn.LeakyReLU,
    "identity": torch.nn.Identity,
    "softmax": lambda: torch.nn.Softmax(dim=1),
}


def torch_twin(net: gn.Network) -> torch.nn.Sequential:
    modules: list[torch.nn.Module] = []
    for layer in net.layers:
        linear = torch.nn.Linear(
            layer.n_in, layer.n_out, bias=layer.bias is not None, dtype=torch.float64
        )
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(layer.weights.T.copy()))
            if layer.bias is not None:
                linear.bias.copy_(torch.from_numpy(layer.bias))
        modules += [linear, TORCH_ACTIVATIONS[layer.activation.name]()]
    return torch.nn.Sequential(*modules).double()


def torch_loss(name: str, output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    if name == "sse":
        return 0.5 * ((output - target) ** 2).sum()
    if name == "mse":
        return torch.nn.functional.mse_loss(output, target)
    if name == "binary_crossentropy":
        return torch.nn.functional.binary_cross_entropy(output, target)
    return -(target * torch.log(output)).sum(dim=1).mean()


def torch_grads(model: torch.nn.Sequential) -> list[np.ndarray]:
    """Gradients in glassnet's order and layout (weights transposed to (in, out))."""
    grads = []
    for module in model:
        if isinstance(module, torch.nn.Linear):
            grads.append(module.weight.grad.numpy().T)
            if module.bias is not None:
                grads.append(module.bias.grad.numpy())
    return grads


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("loss_name", LOSS_NAMES)
def test_forward_loss_and_gradients_match_autograd(loss_name, seed):
    rng = np.random.default_rng(100 + seed)
    net, X = random_network(rng, loss_name)
    Y = targets_for(loss_name, rng, (X.shape[0], net.n_outputs))
    model = torch_twin(net)
    output = model(torch.from_numpy(X))
    expected_loss = torch_loss(loss_name, output, torch.from_numpy(Y))
    expected_loss.backward()

    np.testing.assert_allclose(net.predict(X), output.detach().numpy(), rtol=1e-10, atol=1e-12)
    loss, grads = net.gradients(X, Y)
    assert loss == pytest.approx(expected_loss.item(), rel=1e-10, abs=1e-12)
    for ours, theirs in zip(grads, torch_grads(model), strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


OPTIMIZERS = {
    "sgd": (lambda: gn.SGD(lr=0.1), lambda p: torch.optim.SGD(p, lr=0.1)),
    "sgd-momentum": (
        lambda: gn.SGD(lr=0.05, momentum=0.9),
        lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9),
    ),
    "sgd-nesterov-decay": (
        lambda: gn.SGD(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.01),
        lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.01),
    ),
    "adam": (lambda: gn.Adam(lr=0.01), lambda p: torch.optim.Adam(p, lr=0.01)),
    "adam-decay": (
        lambda: gn.Adam(lr=0.02, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05),
        lambda p: torch.optim.Adam(p, lr=0.02, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05),
    ),
}


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("loss_name", LOSS_NAMES)
@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
def test_twenty_optimizer_steps_match_torch_optim(optimizer, loss_name, seed):
    rng = np.random.default_rng(200 + seed)
    net, X = random_network(rng, loss_name)
    Y = targets_for(loss_name, rng, (X.shape[0], net.n_outputs))
    make_ours, make_theirs = OPTIMIZERS[optimizer]
    net.optimizer = make_ours()
    model = torch_twin(net)
    torch_optimizer = make_theirs(model.parameters())
    X_t, Y_t = torch.from_numpy(X), torch.from_numpy(Y)

    history = net.fit(X, Y, epochs=20)
    expected_losses = []
    for _ in range(20):
        torch_optimizer.zero_grad()
        loss = torch_loss(loss_name, model(X_t), Y_t)
        expected_losses.append(loss.item())
        loss.backward()
        torch_optimizer.step()

    np.testing.assert_allclose(history.loss, expected_losses, rtol=1e-10, atol=1e-12)
    theirs = [p.detach().numpy() for p in model.parameters()]
    for (name, ours, _), param in zip(net.parameters(), theirs, strict=True):
        expected = param.T if ours.ndim == 2 else param
        np.testing.assert_allclose(ours, expected, rtol=1e-10, atol=1e-12, err_msg=name)


def test_minibatch_sgd_with_shuffle_matches_torch_over_an_epoch():
    rng = np.random.default_rng(7)
    net, X = random_network(rng, "mse")
    X = rng.normal(size=(10, net.n_inputs))
    Y = rng.normal(size=(10, net.n_outputs))
    net.optimizer = gn.SGD(lr=0.05, momentum=0.5)
    model = torch_twin(net)
    torch_optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.5)
    order = np.random.default_rng(99).permutation(10)
    net.rng = np.random.default_rng(99)  # the same permutation glassnet will draw
    net.fit(X, Y, epochs=1, batch_size=3, shuffle=True)
    for start in range(0, 10, 3):
        rows = order[start : start + 3]
        torch_optimizer.zero_grad()
        torch_loss("mse", model(torch.from_numpy(X[rows])), torch.from_numpy(Y[rows])).backward()
        torch_optimizer.step()
    np.testing.assert_allclose(
        net.predict(X), model(torch.from_numpy(X)).detach().numpy(), rtol=1e-10
    )
