"""What loading a model file checks, in order, and the network its JSON document describes.

Framing comes first (``glassnet.io.safetensors_file``), then what the document claims to be, its
checksums, and tensors that must fit the architecture, all before a network is built. Saving is
not here: ``glassnet.io.model_files`` writes the files these constants and checks describe.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

import numpy as np

from glassnet._version import __version__
from glassnet.errors import ConfigurationError, ModelFileError
from glassnet.io.checksums import SAFETENSORS_DTYPES, document_checksum, tensor_checksum
from glassnet.io.safetensors_file import decode_tensors, parse_header, read_bytes
from glassnet.nn.activations import ACTIVATIONS
from glassnet.nn.layers import Dense
from glassnet.nn.losses import LOSSES
from glassnet.nn.network import Network
from glassnet.nn.optimizers import SGD, Adam, Optimizer

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "METADATA_KEY",
    "OPTIMIZERS",
    "read_model_file",
    "rebuild",
]

#: The safetensors metadata key under which the JSON document is stored.
METADATA_KEY = "glassnet"
#: The ``"format"`` value of that document.
FORMAT_NAME = "glassnet.network"
#: The newest format this glassnet writes and reads. Increased whenever an older glassnet could not
#: read a new file correctly; a file with a larger number is refused with "upgrade glassnet".
FORMAT_VERSION = 1
#: Optimizers a file can name; any other optimizer class is refused at save time, because a file
#: that saves but cannot be loaded is worse than an error now.
OPTIMIZERS: dict[str, type[Optimizer]] = {"sgd": SGD, "adam": Adam}


def read_model_file(path: str | os.PathLike[str]) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
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
    if dtype not in SAFETENSORS_DTYPES:
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


def rebuild(document: dict[str, Any], tensors: Mapping[str, np.ndarray], name: str) -> Network:
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
    optimizer = OPTIMIZERS[optimizer_spec["name"]](**config)
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
