"""PyTorch bridge: to_torch gives the same outputs and names, from_torch reads stacks back."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

import glassnet as gn
from tests.test_export import ACTIVATIONS, random_network


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("output", ACTIVATIONS)
@pytest.mark.parametrize("hidden", ACTIVATIONS)
def test_to_torch_matches_predict_for_every_activation(rng, hidden, output, dtype):
    net = random_network(rng, hidden, output, dtype)
    X = rng.normal(scale=2.0, size=(13, net.n_inputs)).astype(dtype)
    module = gn.to_torch(net)
    with torch.no_grad():
        got = module(torch.from_numpy(X)).numpy()
    assert got.dtype == np.dtype(dtype)
    tolerance = 1e-12 if dtype == "float64" else 1e-5
    np.testing.assert_allclose(got, net.predict(X), rtol=tolerance, atol=tolerance)


def test_to_torch_state_dict_names_are_the_network_parameter_names(rng):
    net = random_network(rng, "tanh", "sigmoid", "float64")
    state = gn.to_torch(net).state_dict()
    assert list(state) == [name for name, _, _ in net.parameters()]
    for name, param, _ in net.parameters():
        expected = param.T if name.endswith("weight") else param  # torch keeps (n_out, n_in)
        np.testing.assert_array_equal(state[name].numpy(), expected)


def test_to_torch_without_bias(rng):
    net = random_network(rng, "relu", "identity", "float64", bias=False)
    module = gn.to_torch(net)
    assert all(m.bias is None for m in module if isinstance(m, nn.Linear))
    X = rng.normal(size=(4, net.n_inputs))
    with torch.no_grad():
        np.testing.assert_allclose(module(torch.from_numpy(X)).numpy(), net.predict(X), rtol=1e-12)


def test_to_torch_float32_copy_of_float64_network(rng):
    net = random_network(rng, "tanh", "identity", "float64")
    module = gn.to_torch(net, dtype="float32")
    assert module[0].weight.dtype == torch.float32
    with pytest.raises(gn.ConfigurationError, match="float32 or float64"):
        gn.to_torch(net, dtype="int8")


def test_model_file_loads_into_to_torch_module(rng, tmp_path):
    from safetensors.torch import load_file

    net = random_network(rng, "leaky_relu", "softmax", "float64")
    path = tmp_path / "model.safetensors"
    gn.save(path, net)
    module = gn.to_torch(net)
    for param in module.parameters():
        torch.nn.init.zeros_(param)
    module.load_state_dict(load_file(str(path)))
    X = rng.normal(size=(5, net.n_inputs))
    with torch.no_grad():
        np.testing.assert_allclose(module(torch.from_numpy(X)).numpy(), net.predict(X), rtol=1e-12)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_from_torch_round_trip_is_exact(rng, activation, dtype):
    net = random_network(rng, activation, activation, dtype)
    back = gn.from_torch(gn.to_torch(net))
    assert back.dtype == net.dtype
    assert [repr(layer) for layer in back.layers] == [repr(layer) for layer in net.layers]
    for (name, got, _), (_, expected, _) in zip(back.parameters(), net.parameters(), strict=True):
        np.testing.assert_array_equal(got, expected, err_msg=name)


def test_from_torch_reads_a_torch_built_stack():
    torch.manual_seed(0)
    module = nn.Sequential(
        nn.Linear(3, 5),
        nn.LeakyReLU(negative_slope=0.2),
        nn.Linear(5, 4, bias=False),
        nn.Linear(4, 3),
        nn.Softmax(dim=-1),
    ).double()
    net = gn.from_torch(module, loss="categorical_crossentropy", optimizer=gn.SGD(lr=0.1))
    assert [layer.activation.name for layer in net.layers] == ["leaky_relu", "identity", "softmax"]
    assert net.layers[0].activation.negative_slope == 0.2  # type: ignore[attr-defined]
    assert net.layers[1].bias is None
    assert net.loss.name == "categorical_crossentropy"
    X = np.random.default_rng(1).normal(size=(6, 3))
    with torch.no_grad():
        expected = module(torch.from_numpy(X)).numpy()
    np.testing.assert_allclose(net.predict(X), expected, rtol=1e-12)


@pytest.mark.parametrize(
    ("module", "message"),
    [
        (nn.Linear(2, 2), "expected a torch.nn.Sequential, got Linear"),
        (nn.Sequential(nn.ReLU(), nn.Linear(2, 2)), "module 0 .ReLU. must follow a Linear"),
        (nn.Sequential(nn.Linear(2, 2), nn.Dropout()), "module 1 is Dropout; glassnet reads only"),
        (
            nn.Sequential(nn.Linear(2, 2), nn.Softmax(dim=0)),
            r"expected Softmax\(dim=1\) over each row, got dim=0",
        ),
        (nn.Sequential(nn.Linear(2, 2), nn.Tanh(), nn.ReLU()), "module 2 .ReLU. must follow"),
        (nn.Sequential(), "expected at least one Linear module"),
        (nn.Sequential(nn.Linear(2, 2).half()), "expected float32 or float64 weights, got float16"),
    ],
    ids=[
        "not-sequential",
        "leading-activation",
        "dropout",
        "softmax-dim0",
        "two-activations",
        "empty",
        "float16",
    ],
)
def test_from_torch_refuses_what_glassnet_cannot_represent(module, message):
    with pytest.raises(gn.ConfigurationError, match=message):
        gn.from_torch(module)
