"""Model files: a network's weights and settings in one ``.safetensors`` file, saved and loaded.

The tensors are named and laid out as PyTorch's ``nn.Sequential`` expects (``0.weight`` of shape
(n_out, n_in), ``0.bias``, ``2.weight``, ...), so ``safetensors.torch.load_file`` feeds them
straight into ``load_state_dict``. One JSON metadata entry, ``"glassnet"``, holds the rest. Files
are written atomically; loading only parses JSON and raw numbers and never runs code (no pickle).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

import numpy as np

from glassnet._version import __version__
from glassnet.errors import ConfigurationError, ShapeError
from glassnet.io.atomic import write_atomically
from glassnet.io.checks import (
    FORMAT_NAME,
    FORMAT_VERSION,
    METADATA_KEY,
    OPTIMIZERS,
    read_model_file,
    rebuild,
)
from glassnet.io.checksums import document_checksum, tensor_checksum
from glassnet.nn.activations import ACTIVATIONS, Activation
from glassnet.nn.layers import Dense
from glassnet.nn.losses import LOSSES
from glassnet.nn.network import Network

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "METADATA_KEY",
    "document_checksum",
    "load",
    "load_with_metadata",
    "read_metadata",
    "save",
    "tensor_checksum",
    "write_atomically",
]

PathLike = str | os.PathLike[str]


# -- saving ------------------------------------------------------------------------------------


def save(path: PathLike, net: Network, metadata: Mapping[str, Any] | None = None) -> None:
    """Save ``net`` to one ``.safetensors`` file, atomically.

    The file holds one tensor per parameter, named and laid out for PyTorch's ``nn.Sequential``
    (``0.weight`` is layer 1's ``W`` transposed to (n_out, n_in), ``0.bias``, then ``2.weight``
    for layer 2, ...), and one safetensors metadata entry, ``"glassnet"``, a JSON document with:
    ``format`` (``"glassnet.network"``), ``format_version``, ``glassnet_version``, ``dtype``,
    ``init``, ``layers`` (``n_in``, ``n_out``, ``activation``, ``activation_config``, ``bias`` for
    each), ``loss``, ``optimizer`` (``name`` and ``config``), ``n_parameters``, ``metadata``
    (yours), ``tensors_sha256`` (see ``tensor_checksum``) and ``document_sha256`` (see
    ``document_checksum``). ``load`` refuses the file if either checksum fails.

    The optimizer's settings are saved but not its state (momentum buffers, Adam's moments and
    step count), nor the random generator: a loaded network predicts exactly as the saved one,
    and further training starts the optimizer afresh.

    The bytes go to a new temporary file in the target's directory, which is flushed, fsynced
    and then renamed over ``path`` with ``os.replace``; the directory is fsynced afterwards where
    the system allows. If anything fails the temporary file is removed and an existing file at
    ``path`` is left exactly as it was.

    Parameters
    ----------
    path : str or os.PathLike
        Where to write; ``.safetensors`` is the customary suffix. A symbolic link is followed,
        so the file it points to is replaced and the link kept.
    net : Network
        A network of ``Dense`` layers with built-in activations, loss and optimizer.
    metadata : mapping, optional
        Anything JSON can hold (str keys; str, numbers, bool, None, lists, dicts; NumPy scalars
        and arrays become numbers and lists, tuples become lists): preprocessing, column and class
        names, training settings, metrics. ``load_with_metadata`` returns it.

    Raises
    ------
    OutputError
        If the file cannot be written (missing or read-only directory, ``path`` is a directory,
        disk full, ...). Nothing at ``path`` has changed.
    ConfigurationError
        If ``metadata`` is not JSON-serializable (NaN and infinity included: use None), or the
        network uses a component the file format cannot name.
    ShapeError
        If a weight is NaN or infinite (a diverged network is not worth keeping).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> net = Network([Dense(3, 1, activation="sigmoid", bias=False)], rng=1)
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = pathlib.Path(folder.name) / "neuron.safetensors"
    >>> save(path, net, metadata={"columns": ["a", "b", "c"]})
    >>> loaded, metadata = load_with_metadata(path)
    >>> bool((loaded.predict([[1, 0, 0]]) == net.predict([[1, 0, 0]])).all()), metadata
    (True, {'columns': ['a', 'b', 'c']})
    >>> folder.cleanup()
    """
    tensors = _tensors_for_file(net)
    document = _describe(net)
    document["n_parameters"] = net.n_parameters
    document["metadata"] = dict(metadata) if metadata is not None else {}
    document["tensors_sha256"] = tensor_checksum(tensors)
    try:
        # One round trip first, so the checksum sees what a reader will see (tuples as lists,
        # NumPy values as numbers, keys as strings).
        document = json.loads(json.dumps(document, allow_nan=False, default=_json_default))
        document["document_sha256"] = document_checksum(document)
    except (TypeError, ValueError) as error:
        raise ConfigurationError(
            f"model metadata must be plain JSON (str, numbers, bool, None, lists, dicts; NaN and "
            f"infinity as None): {error}"
        ) from None
    text = json.dumps(document, ensure_ascii=False)

    from safetensors.numpy import save as to_safetensors_bytes

    data = to_safetensors_bytes(tensors, metadata={METADATA_KEY: text})
    write_atomically(path, data)


def _tensors_for_file(net: Network) -> dict[str, np.ndarray]:
    """Parameters under their nn.Sequential names, W transposed to (out, in), little-endian."""
    tensors: dict[str, np.ndarray] = {}
    for name, param, _ in net.parameters():
        if not np.isfinite(param).all():
            raise ShapeError(
                f"cannot save: parameter {name} holds NaN or infinite values; the network "
                "diverged (lower the learning rate or scale the inputs, then train again)"
            )
        value = param.T if name.endswith(".weight") else param  # (o, i) as torch.nn.Linear
        tensors[name] = np.ascontiguousarray(value, dtype=param.dtype.newbyteorder("<"))
    return tensors


def _describe(net: Network) -> dict[str, Any]:
    """The architecture part of the JSON document; refuses what a file could not rebuild."""
    layers = []
    for index, layer in enumerate(net.layers, start=1):
        if type(layer) is not Dense:
            raise ConfigurationError(
                f"cannot save layer {index}: expected a glassnet Dense layer, got "
                f"{type(layer).__name__}"
            )
        layers.append(
            {
                "n_in": layer.n_in,
                "n_out": layer.n_out,
                "activation": layer.activation.name,
                "activation_config": _activation_config(layer.activation, index),
                "bias": layer.bias is not None,
            }
        )
    if LOSSES.get(net.loss.name) is not type(net.loss):
        raise ConfigurationError(
            f"cannot save loss {type(net.loss).__name__}; model files name one of "
            f"{', '.join(sorted(LOSSES))}"
        )
    optimizer = net.optimizer
    names = {cls: name for name, cls in OPTIMIZERS.items()}
    if type(optimizer) not in names:
        raise ConfigurationError(
            f"cannot save optimizer {type(optimizer).__name__}; model files name SGD or Adam"
        )
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "glassnet_version": __version__,
        "dtype": net.dtype.name,
        "init": net.init,
        "layers": layers,
        "loss": net.loss.name,
        "optimizer": {"name": names[type(optimizer)], "config": optimizer.get_config()},
    }


def _activation_config(activation: Activation, index: int) -> dict[str, Any]:
    """An activation's constructor arguments (its instance attributes), checked to rebuild it."""
    if ACTIVATIONS.get(activation.name) is not type(activation):
        raise ConfigurationError(
            f"cannot save layer {index}: activation {type(activation).__name__} is not one of "
            f"glassnet's ({', '.join(sorted(ACTIVATIONS))})"
        )
    return dict(vars(activation))


def _json_default(value: Any) -> Any:
    """Let NumPy scalars and arrays into the JSON metadata as plain numbers and lists."""
    if isinstance(value, np.ndarray | np.generic):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


# -- loading -----------------------------------------------------------------------------------


def load(path: PathLike) -> Network:
    """Load a network saved by ``save`` (or ``Network.save``).

    Parameters
    ----------
    path : str or os.PathLike
        A ``.safetensors`` file written by glassnet.

    Returns
    -------
    Network
        Same layers, weights, dtype, loss, init and optimizer settings; it predicts bit for bit
        as the saved network did. Optimizer state and the random generator are fresh (``rng=0``).

    Raises
    ------
    InputNotFoundError
        If ``path`` does not exist, is a directory, or cannot be read.
    ModelFileError
        If the file is not a safetensors file (empty, truncated, random bytes, a pickle), is not
        a glassnet model, is corrupt (the tensor checksum does not match), was written by a newer
        glassnet, or its tensors do not fit its architecture. The message says which, and what
        to do.

    Examples
    --------
    See ``save``.
    """
    return load_with_metadata(path)[0]


def load_with_metadata(path: PathLike) -> tuple[Network, dict[str, Any]]:
    """Load a network and the ``metadata`` mapping that was saved with it.

    Parameters
    ----------
    path : str or os.PathLike
        A ``.safetensors`` file written by glassnet.

    Returns
    -------
    net : Network
        As ``load`` returns it.
    metadata : dict
        The caller's metadata given to ``save``, after a JSON round trip (tuples are lists, NumPy
        values plain numbers, keys strings); empty if none was given.

    Raises
    ------
    InputNotFoundError, ModelFileError
        As for ``load``.
    """
    document, tensors = read_model_file(path)
    return rebuild(document, tensors, os.fspath(path)), document["metadata"]


def read_metadata(path: PathLike) -> dict[str, Any]:
    """Return a model file's whole JSON document, after all the checks ``load`` makes.

    It holds ``format``, ``format_version``, ``glassnet_version``, ``dtype``, ``init``, ``layers``,
    ``loss``, ``optimizer``, ``n_parameters``, ``tensors_sha256``, ``document_sha256`` and the
    caller's ``metadata`` (see ``save``): what ``glassnet info`` shows.

    Parameters
    ----------
    path : str or os.PathLike
        A ``.safetensors`` file written by glassnet.

    Returns
    -------
    dict

    Raises
    ------
    InputNotFoundError, ModelFileError
        As for ``load``.
    """
    document, tensors = read_model_file(path)
    rebuild(document, tensors, os.fspath(path))  # the same checks as load, so info never lies
    return document
