"""Model files: a network saved to one ``.safetensors`` file and read back, checked, never run.

``save`` and ``load`` live in ``model_files``; the safetensors framing, the checksums, the
load-time checks and atomic writes each have a module of their own. It imports ``glassnet.nn``
(to rebuild networks) and ``glassnet.errors``; the table model and the exporters build on it.
"""

from __future__ import annotations

from glassnet.io.atomic import write_atomically
from glassnet.io.checksums import document_checksum, tensor_checksum
from glassnet.io.model_files import (
    FORMAT_NAME,
    FORMAT_VERSION,
    METADATA_KEY,
    load,
    load_with_metadata,
    read_metadata,
    save,
)

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
