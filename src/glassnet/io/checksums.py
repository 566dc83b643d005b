"""Checksums of model files: one sha256 over the tensors, one over the JSON document.

safetensors has no checksum of its own, so glassnet's model files carry these two. This module
only computes them; ``model_files`` stores them when saving and compares them when loading.
"""

from __future__ import annotations

import hashlib
import json
import struct
from collections.abc import Mapping
from typing import Any

import numpy as np

from glassnet.errors import ShapeError

__all__ = ["SAFETENSORS_DTYPES", "document_checksum", "tensor_checksum"]

#: safetensors' own names for the two dtypes glassnet uses (the "dtype" field of its header).
SAFETENSORS_DTYPES = {"float32": "F32", "float64": "F64"}


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
        dtype = SAFETENSORS_DTYPES.get(array.dtype.name)
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
