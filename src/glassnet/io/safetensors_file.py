"""Reading a safetensors file defensively: framing first, then the tensors, never any code.

A safetensors file is an unsigned little-endian 64-bit header length N, N bytes of JSON
(``{tensor name: {dtype, shape, data_offsets}, "__metadata__": {str: str}}``) and the raw tensor
bytes. These helpers tell an empty, truncated, random or pickled file apart, each with its own
message, before handing the bytes to the safetensors library to decode.
"""

from __future__ import annotations

import json
import os
import stat
import struct
from typing import Any

import numpy as np

from glassnet.errors import InputNotFoundError, ModelFileError

__all__ = ["decode_tensors", "parse_header", "read_bytes"]

# safetensors refuses headers over 100 MB; a larger claimed length means "not a safetensors file".
_MAX_HEADER_BYTES = 100_000_000
# Leading bytes of the files people most often hand over by mistake.
_PICKLE_PREFIXES = (b"\x80\x02", b"\x80\x03", b"\x80\x04", b"\x80\x05")
_ZIP_PREFIX = b"PK\x03\x04"  # torch.save's archive (a pickle inside a zip)


def read_bytes(name: str) -> bytes:
    """The file's bytes, or InputNotFoundError saying why there are none."""
    try:
        with open(name, "rb") as handle:
            mode = os.fstat(handle.fileno()).st_mode
            # A device such as /dev/zero would never end; pipes and regular files are fine.
            device = stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISSOCK(mode)
            data = b"" if device else handle.read()
    except FileNotFoundError:
        raise InputNotFoundError(f"model file {name} does not exist") from None
    except IsADirectoryError:
        raise InputNotFoundError(f"model file {name} is a directory, not a file") from None
    except OSError as error:
        if os.path.isdir(name):  # Windows reports a directory as PermissionError
            raise InputNotFoundError(f"model file {name} is a directory, not a file") from None
        raise InputNotFoundError(f"model file {name} cannot be read: {error.strerror}") from None
    if device:
        raise InputNotFoundError(f"model file {name} is a device, not a regular file")
    return data


def _not_a_model_file(name: str, why: str) -> ModelFileError:
    """The error for a file that is not a model file at all, saying why."""
    return ModelFileError(
        f"{name} is not a glassnet model file: {why}; pass a .safetensors file saved by glassnet"
    )


def _not_a_model_file_or_pickle(data: bytes, name: str, why: str) -> ModelFileError:
    """Name pickles specifically (only once the safetensors framing has failed to parse)."""
    if data.startswith(_PICKLE_PREFIXES) or data.startswith(_ZIP_PREFIX):
        return ModelFileError(
            f"{name} looks like a pickle (as written by pickle, joblib or torch.save); glassnet "
            "never loads pickles because loading one can run arbitrary code; save the model with "
            "glassnet (net.save) or export its weights with safetensors"
        )
    text = _text_start(data) if len(data) >= 8 else None
    if text is not None:  # a table given where a model belongs, most likely
        why = f"it holds text (it starts {text!r}), perhaps a table"
    return _not_a_model_file(name, why)


def _text_start(data: bytes) -> str | None:
    """The start of the first line when ``data`` begins as text (UTF-8, no control bytes)."""
    head = data[:256].decode("utf-8", "ignore")  # "ignore": a character cut at byte 256
    if not head or len(head.encode("utf-8")) < min(len(data), 256) - 3:
        return None
    if any(not (ch.isprintable() or ch in "\t\r\n") for ch in head.lstrip("\ufeff")):
        return None
    first = head.lstrip("\ufeff").splitlines()[0] if head.strip() else head
    return first[:40] + ("…" if len(first) > 40 else "")


def parse_header(data: bytes, name: str) -> dict[str, Any]:
    """Check the framing (8-byte length, JSON header, data size) and return the parsed header."""
    if not data:
        raise _not_a_model_file(name, "the file is empty (0 bytes), as after an interrupted copy")
    if len(data) < 8:
        raise _not_a_model_file_or_pickle(
            data, name, f"only {len(data)} bytes, too short for a safetensors header"
        )
    (header_length,) = struct.unpack("<Q", data[:8])
    if header_length > min(len(data) - 8, _MAX_HEADER_BYTES):
        raise _not_a_model_file_or_pickle(
            data,
            name,
            f"its first 8 bytes announce a {header_length}-byte header but the file holds only "
            f"{len(data)} bytes (random bytes, another format, or a truncated file)",
        )
    try:
        header = json.loads(data[8 : 8 + header_length].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise _not_a_model_file_or_pickle(data, name, "its header is not JSON") from None
    if not isinstance(header, dict):
        raise _not_a_model_file(name, "its header is not a JSON object")
    expected = 8 + header_length + _data_length(header, name)
    if len(data) < expected:
        raise ModelFileError(
            f"{name} is truncated: expected {expected} bytes, found {len(data)}; the file was cut "
            "short (interrupted copy or download), so copy or save it again"
        )
    if len(data) > expected:
        raise ModelFileError(
            f"{name} is corrupt: {len(data) - expected} unexpected bytes after the tensor data; "
            "restore it from a backup or save it again"
        )
    return header


def _data_length(header: dict[str, Any], name: str) -> int:
    """The byte length the header's data offsets require (the end of the last tensor)."""
    end = 0
    for key, entry in header.items():
        if key == "__metadata__":
            continue
        offsets = entry.get("data_offsets") if isinstance(entry, dict) else None
        if not (
            isinstance(offsets, list)
            and len(offsets) == 2
            and all(isinstance(o, int) and not isinstance(o, bool) and o >= 0 for o in offsets)
        ):
            raise _not_a_model_file(name, f"tensor {key!r} in its header has no valid data_offsets")
        end = max(end, offsets[1])
    return end


def decode_tensors(data: bytes, name: str) -> dict[str, np.ndarray]:
    """The tensors, decoded by safetensors itself (which checks dtypes, shapes and offsets)."""
    from safetensors import SafetensorError
    from safetensors.numpy import load as from_safetensors_bytes

    try:
        return dict(from_safetensors_bytes(data))
    except (SafetensorError, ValueError, TypeError) as error:
        raise _not_a_model_file(name, f"safetensors cannot decode it ({error})") from None
