"""PyTorch bridge: a glassnet network as a ``torch.nn.Sequential``, and back again.

``to_torch`` builds ``Linear`` + activation modules in pairs, so the parameter names are the ones
``Network.parameters()`` and glassnet model files use (``0.weight``, ``0.bias``, ``2.weight``, ...).
Weights are transposed at this edge only: glassnet keeps W as (n_in, n_out), torch as
(n_out, n_in). ``from_torch`` reads such a stack back; ``save_torch`` writes a ``torch.export``
program. torch is imported lazily.
"""

from __future__ import annotations

import io
import os
from typing import Any

import numpy as np

from glassnet.errors import ConfigurationError
from glassnet.io.atomic import write_atomically
from glassnet.nn.activations import Activation, LeakyReLU, get_activation
from glassnet.nn.layers import Dense
from glassnet.nn.network import Network

__all__ = ["from_torch", "save_torch", "to_torch"]

_INSTALL_HINT = "this needs PyTorch: pip install torch"
_SUPPORTED = "Linear, Identity, Sigmoid, Tanh, ReLU, LeakyReLU, Softmax(dim=1)"


def _torch() -> Any:
    try:
        import torch
    except ImportError:  # pragma: no cover - CI installs torch
        raise ConfigurationError(_INSTALL_HINT) from None
    return torch


def _activation_module(nn: Any, activation: Activation) -> Any:
    name = activation.name
    if name == "leaky_relu":
        assert isinstance(activation, LeakyReLU)
        return nn.LeakyReLU(negative_slope=activation.negative_slope)
    if name == "softmax":
        return nn.Softmax(dim=1)  # rows are samples, as in glassnet
    modules = {"identity": nn.Identity, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU}
    if name not in modules:
        raise ConfigurationError(
            f"activation {name!r} has no PyTorch module; choose from {', '.join(sorted(modules))}, "
            "leaky_relu, softmax"
        )
    return modules[name]()


def to_torch(net: Network, dtype: str | None = None) -> Any:
    """Return a ``torch.nn.Sequential`` that computes what ``net.predict`` does.

    Every layer becomes ``nn.Linear`` followed by its activation module (``nn.Identity`` for
    none), so module ``2k`` is layer ``k`` and the state dict's names are those of
    ``net.parameters()`` and of glassnet model files.

    Parameters
    ----------
    net : Network
    dtype : {"float32", "float64"}, optional
        Precision of the module; by default the network's own.

    Returns
    -------
    torch.nn.Sequential
        In training mode with gradients enabled, like any new module.

    Examples
    --------
    >>> import glassnet as gn
    >>> net = gn.Network([gn.Dense(3, 4, activation="tanh"), gn.Dense(4, 1)])
    >>> module = to_torch(net)
    >>> module
    Sequential(
      (0): Linear(in_features=3, out_features=4, bias=True)
      (1): Tanh()
      (2): Linear(in_features=4, out_features=1, bias=True)
      (3): Identity()
    )
    >>> import torch
    >>> X = np.ones((2, 3))
    >>> bool(np.allclose(module(torch.from_numpy(X)).detach().numpy(), net.predict(X)))
    True
    """
    torch = _torch()
    nn = torch.nn
    if dtype is not None and str(dtype) not in ("float32", "float64"):
        raise ConfigurationError(f"dtype must be float32 or float64, got {dtype!r}")
    torch_dtype = getattr(torch, str(dtype or net.dtype))
    modules = []
    for layer in net.layers:
        linear = nn.Linear(layer.n_in, layer.n_out, bias=layer.bias is not None, dtype=torch_dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(np.ascontiguousarray(layer.weights.T)))  # (o, i)
            if layer.bias is not None:
                linear.bias.copy_(torch.from_numpy(layer.bias))
        modules += [linear, _activation_module(nn, layer.activation)]
    return nn.Sequential(*modules)


def save_torch(net: Network, path: str | os.PathLike[str], dtype: str | None = None) -> None:
    """Write ``net`` as a ``torch.export`` program (``.pt2``) that needs torch, not glassnet.

    The program takes any number of rows (a dynamic first dimension); load it with
    ``torch.export.load(path).module()``. The file is replaced atomically.

    Parameters
    ----------
    net : Network
    path : str or os.PathLike
    dtype : {"float32", "float64"}, optional
        By default the network's own.

    Raises
    ------
    OutputError
        If ``path`` cannot be written.
    """
    torch = _torch()
    module = to_torch(net, dtype=dtype).eval()
    example = torch.zeros(2, net.n_inputs, dtype=module[0].weight.dtype)  # (n, n_inputs)
    rows = torch.export.Dim("n_samples", min=1)
    program = torch.export.export(module, (example,), dynamic_shapes=({0: rows},))
    buffer = io.BytesIO()
    torch.export.save(program, buffer)
    write_atomically(path, buffer.getvalue())


def _glassnet_activation(nn: Any, module: Any, index: int) -> Activation | None:
    """Return the activation ``module`` stands for, or None when it is not an activation."""
    if isinstance(module, nn.Identity):
        return get_activation("identity")
    if isinstance(module, nn.LeakyReLU):
        return LeakyReLU(negative_slope=module.negative_slope)
    if isinstance(module, nn.Softmax):
        if module.dim not in (1, -1):
            raise ConfigurationError(
                f"module {index}: expected Softmax(dim=1) over each row, got dim={module.dim}"
            )
        return get_activation("softmax")
    for kind, name in ((nn.Sigmoid, "sigmoid"), (nn.Tanh, "tanh"), (nn.ReLU, "relu")):
        if isinstance(module, kind):
            return get_activation(name)
    return None


def from_torch(module: Any, **network_options: Any) -> Network:
    """Return a glassnet ``Network`` with the layers and weights of a PyTorch stack.

    Parameters
    ----------
    module : torch.nn.Sequential
        ``Linear`` modules, each optionally followed by one activation: ``Identity``, ``Sigmoid``,
        ``Tanh``, ``ReLU``, ``LeakyReLU`` or ``Softmax(dim=1)``. Weights must be float32 or
        float64; the network takes that dtype.
    **network_options
        Passed to ``Network`` (``loss``, ``optimizer``, ...); ``init`` and ``rng`` only matter
        for drawing starting weights, which are then replaced.

    Returns
    -------
    Network

    Raises
    ------
    ConfigurationError
        For any other module, an activation without a ``Linear`` before it, or another dtype.

    Examples
    --------
    >>> import torch
    >>> import glassnet as gn
    >>> module = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
    >>> net = gn.from_torch(module.double())
    >>> net.layers, net.dtype
    ([Dense(2, 3, activation='relu'), Dense(3, 1, activation='identity')], dtype('float64'))
    """
    torch = _torch()
    nn = torch.nn
    if not isinstance(module, nn.Sequential):
        raise ConfigurationError(f"expected a torch.nn.Sequential, got {type(module).__name__}")
    linears: list[Any] = []
    activations: list[Activation] = []
    for index, child in enumerate(module):
        if isinstance(child, nn.Linear):
            if len(activations) < len(linears):
                activations.append(get_activation("identity"))
            linears.append(child)
            continue
        activation = _glassnet_activation(nn, child, index)
        if activation is None:
            raise ConfigurationError(
                f"module {index} is {type(child).__name__}; glassnet reads only {_SUPPORTED}"
            )
        if len(activations) == len(linears):
            raise ConfigurationError(
                f"module {index} ({type(child).__name__}) must follow a Linear module"
            )
        activations.append(activation)
    if not linears:
        raise ConfigurationError("expected at least one Linear module, got none")
    if len(activations) < len(linears):
        activations.append(get_activation("identity"))
    dtype = str(linears[0].weight.dtype).removeprefix("torch.")
    if dtype not in ("float32", "float64"):
        raise ConfigurationError(f"expected float32 or float64 weights, got {dtype}")
    layers = [
        Dense(linear.in_features, linear.out_features, activation, bias=linear.bias is not None)
        for linear, activation in zip(linears, activations, strict=True)
    ]
    net = Network(layers, dtype=dtype, **network_options)
    for layer, linear in zip(net.layers, linears, strict=True):
        layer.weights[...] = linear.weight.detach().cpu().numpy().T  # (i, o)
        if layer.bias is not None:
            layer.bias[...] = linear.bias.detach().cpu().numpy()
    return net
