"""Model files: a network's weights and settings in one ``.safetensors`` file, saved and loaded.

The tensors are named and laid out as PyTorch's ``nn.Sequential`` expects (``0.weight`` of shape
(n_out, n_in), ``0.bias``, ``2.weight``, ...), so ``safetensors.torch.load_file`` feeds them
straight into ``load_state_dict``. One JSON metadata entry, ``"glassnet"``, holds the rest. Files
are written atomically; loading only parses JSON and raw numbers and never runs code (no pickle).
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from collections.abc import Mapping
from typing import Any

import numpy as np

from glassnet._atomic import write_atomically
from glassnet._safetensors_file import decode_tensors, parse_header, read_bytes
from glassnet._version import __version__
from glassnet.activations import ACTIVATIONS, Activation
from glassnet.errors import (
    ConfigurationError,
    ModelFileError,
    ShapeError,
)
from glassnet.layers import Dense
from glassnet.losses import LOSSES
from glassnet.network import Network
from glassnet.optimizers import SGD, Adam, Optimizer

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

#: The safetensors metadata key under which the JSON document is stored.
METADATA_KEY = "glassnet"
#: The ``"format"`` value of that document.
FORMAT_NAME = "glassnet.network"
#: The newest format this glassnet writes and reads. Increased whenever an older glassnet could not
#: read a new file correctly; a file with a larger number is refused with "upgrade glassnet".
FORMAT_VERSION = 1

# safetensors' own names for the two dtypes glassnet uses (the "dtype" field of its header).
_SAFETENSORS_DTYPES = {"float32": "F32", "float64": "F64"}
# Optimizers a file can name; any other optimizer class is refused at save time, because a file
# that saves but cannot be loaded is worse than an error now.
_OPTIMIZERS: dict[str, type[Optimizer]] = {"sgd": SGD, "adam": Adam}
PathLike = str | os.PathLike[str]


# -- checksum -----------------------------------------------------------------------------------


def tensor_checksum(tensors: Mapping[str, np.ndarray]) -> str:
    """Return the hex sha256 that model files store for their tensors.

    The hash runs over the tensors in ascending order of their names (Python string order, so
    ``0.bias``, ``0.weight``, ``10.weight``, ``2.weight``). For each tensor it takes, in turn: the
    name in UTF-8, a NUL byte, the safetensors dtype (``F32`` or ``F64``), a NUL byte, the shape
    as decimal sizes joined by commas (``4,3``; empty for a scalar), a NUL byte, the number of data
    bytes as an 8-byte little-endian unsigned integer, and the data itself: the values in C (row-
    major) order as little-endian IEEE 754 floats, exactly the bytes safetensors stores.

    Parameters
    ----------
    tensors : mapping of str to ndarray
        Float32 or float64 arrays, as written to (or read from) the file.

    Returns
    -------
    str
        64 lowercase hex digits.

    Examples
    --------
    >>> tensor_checksum({"0.weight": np.zeros((1, 2))})[:16]
    '9a114762a8fe82e0'
    """
    digest = hashlib.sha256()
    for name in sorted(tensors):
        array = np.asarray(tensors[name])
        dtype = _SAFETENSORS_DTYPES.get(array.dtype.name)
        if dtype is None:
            raise ShapeError(f"tensor {name!r}: expected float32 or float64, got {array.dtype}")
        data = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<")).tobytes()
        shape = ",".join(str(size) for size in array.shape)
        digest.update(f"{name}\0{dtype}\0{shape}\0".encode())
        digest.update(struct.pack("<Q", len(data)))
        digest.update(data)
    return digest.hexdigest()


def document_checksum(document: Mapping[str, Any]) -> str:
    """Return the hex sha256 that model files store for their JSON document.

    The hash runs over the UTF-8 bytes of the document without its ``document_sha256`` entry,
    written as canonical JSON: keys sorted, no spaces (``separators=(",", ":")``), non-ASCII
    characters as they are (``ensure_ascii=False``), floats as Python's shortest round-trip
    ``repr``. Since the document holds ``tensors_sha256``, this one hash covers the whole file.

    Parameters
    ----------
    document : mapping
        The decoded JSON document (a ``document_sha256`` entry in it is ignored).

    Returns
    -------
    str
        64 lowercase hex digits.

    Examples
    --------
    >>> document_checksum({"b": 1, "a": [0.5]}) == document_checksum({"a": [0.5], "b": 1})
    True
    """
    content = {key: value for key, value in document.items() if key != "document_sha256"}
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


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
    names = {cls: name for name, cls in _OPTIMIZERS.items()}
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
    document, tensors = _read_model_file(path)
    return _rebuild(document, tensors, os.fspath(path)), document["metadata"]


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
    document, tensors = _read_model_file(path)
    _rebuild(document, tensors, os.fspath(path))  # the same checks as load, so info never lies
    return document


def _read_model_file(path: PathLike) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Read the file and check everything but the settings that only rebuilding can check.

    The order matters for the messages: framing ("not a model file", "truncated"), then what
    the file claims to be ("not glassnet", "newer"), then its two checksums ("corrupt").
    """
    name = os.fspath(path)
    data = read_bytes(name)
    header = parse_header(data, name)
    document = _glassnet_document(header, name)
    if document.get("document_sha256") != document_checksum(document):
        raise ModelFileError(
            f"{name} is corrupt: its {METADATA_KEY!r} metadata entry does not match its checksum "
            "(it was damaged or edited after saving); restore it from a backup or save it again"
        )
    tensors = decode_tensors(data, name)
    _check_tensors(document, tensors, name)
    return document, tensors


def _glassnet_document(header: dict[str, Any], name: str) -> dict[str, Any]:
    """Find and check the glassnet JSON document: format name first, then the version."""
    entries = header.get("__metadata__")
    text = entries.get(METADATA_KEY) if isinstance(entries, dict) else None
    if not isinstance(text, str):
        raise ModelFileError(
            f"{name} is a safetensors file but not a glassnet model: it has no {METADATA_KEY!r} "
            "metadata entry (it may hold another library's tensors; read those with safetensors)"
        )
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise ModelFileError(
            f"{name} is corrupt: its {METADATA_KEY!r} metadata entry is not valid JSON; "
            "restore it from a backup or save it again"
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        found = document.get("format") if isinstance(document, dict) else None
        raise ModelFileError(
            f"{name} is not a glassnet network model: expected format {FORMAT_NAME!r}, got "
            f"{found!r}"
        )
    version = document.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ModelFileError(
            f"{name} is corrupt: expected a positive integer format_version, got {version!r}"
        )
    if version > FORMAT_VERSION:
        writer = document.get("glassnet_version", "unknown")
        raise ModelFileError(
            f"{name} was written by a newer glassnet (format {version}, glassnet {writer}); this "
            f"glassnet {__version__} reads up to format {FORMAT_VERSION}; upgrade glassnet "
            "(pip install --upgrade glassnet)"
        )
    return document


def _architecture_error(name: str, why: object) -> ModelFileError:
    return ModelFileError(
        f"{name} is corrupt: its architecture cannot be rebuilt ({why}); restore it from a "
        "backup or save it again"
    )


def _expected_tensors(document: dict[str, Any], name: str) -> dict[str, tuple[int, ...]]:
    """Tensor names and (torch-layout) shapes that the document's layers imply."""
    layers = document.get("layers")
    if not isinstance(layers, list) or not layers:
        raise _architecture_error(name, "'layers' must be a non-empty list")
    shapes: dict[str, tuple[int, ...]] = {}
    for index, spec in enumerate(layers):
        sizes = [spec.get(key) for key in ("n_in", "n_out")] if isinstance(spec, dict) else []
        if not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in sizes) or (
            not isinstance(spec.get("bias"), bool)
        ):
            raise _architecture_error(
                name, f"layer {index + 1} needs positive integers n_in, n_out and a true/false bias"
            )
        shapes[f"{2 * index}.weight"] = (spec["n_out"], spec["n_in"])  # (o, i) as torch
        if spec["bias"]:
            shapes[f"{2 * index}.bias"] = (spec["n_out"],)
    return shapes


def _check_tensors(document: dict[str, Any], tensors: Mapping[str, np.ndarray], name: str) -> None:
    """Tensors must be those the architecture names, of its shapes and dtype, and checksum-true.

    Checked before any network is built, so a file cannot make glassnet allocate more than the
    tensors it actually holds.
    """
    expected = _expected_tensors(document, name)
    dtype = document.get("dtype")
    if dtype not in _SAFETENSORS_DTYPES:
        raise _architecture_error(name, f"dtype must be float32 or float64, got {dtype!r}")
    missing = sorted(set(expected) - set(tensors))
    extra = sorted(set(tensors) - set(expected))
    if missing or extra:
        parts = [f"missing tensors {', '.join(missing)}"] if missing else []
        parts += [f"unexpected tensors {', '.join(extra)}"] if extra else []
        raise ModelFileError(
            f"{name} does not fit its own architecture: {'; '.join(parts)}; the file was altered "
            "or built by another tool, so save it again with glassnet"
        )
    for tensor_name, shape in expected.items():
        value = tensors[tensor_name]
        if value.shape != shape or value.dtype.name != dtype:
            raise ModelFileError(
                f"{name} does not fit its own architecture: tensor {tensor_name!r} should be "
                f"{dtype} of shape {shape}, got {value.dtype.name} of shape {value.shape}; the "
                "file was altered, so save it again"
            )
    stored, actual = document.get("tensors_sha256"), tensor_checksum(tensors)
    if stored != actual:
        raise ModelFileError(
            f"{name} is corrupt: the checksum of its tensors does not match (stored "
            f"{str(stored)[:12]}..., computed {actual[:12]}...); its weights were damaged or "
            "changed after saving, so restore it from a backup or train and save it again"
        )
    if not all(np.isfinite(value).all() for value in tensors.values()):
        raise ModelFileError(f"{name} is corrupt: it holds NaN or infinite weights")


def _rebuild(document: dict[str, Any], tensors: Mapping[str, np.ndarray], name: str) -> Network:
    """Build the network the document describes and copy in its (already checked) tensors."""
    if not isinstance(document.get("metadata"), dict):
        raise _architecture_error(name, "'metadata' must be a JSON object")
    try:
        net = _network_from_document(document)
    except (ConfigurationError, KeyError, TypeError, ValueError, AttributeError) as error:
        raise _architecture_error(name, error) from None
    weights = [
        tensors[param_name].T if param_name.endswith(".weight") else tensors[param_name]
        for param_name, _, _ in net.parameters()  # .T: torch's (o, i) back to glassnet's (i, o)
    ]
    net.set_weights(weights)
    return net


def _network_from_document(document: dict[str, Any]) -> Network:
    """A freshly initialized network with the document's architecture and settings."""
    layers = []
    for spec in document["layers"]:
        activation = ACTIVATIONS[spec["activation"]](**spec["activation_config"])
        layers.append(Dense(spec["n_in"], spec["n_out"], activation=activation, bias=spec["bias"]))
    optimizer_spec = document["optimizer"]
    config = dict(optimizer_spec["config"])
    if "betas" in config:
        config["betas"] = tuple(config["betas"])
    optimizer = _OPTIMIZERS[optimizer_spec["name"]](**config)
    if document["loss"] not in LOSSES:
        raise KeyError(f"unknown loss {document['loss']!r}")
    return Network(
        layers,
        loss=document["loss"],
        optimizer=optimizer,
        init=document["init"],
        rng=0,
        dtype=document["dtype"],
    )
