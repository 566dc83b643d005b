"""The table model: a network that fills in a table's ``?`` cells, and what it needs to do so.

A ``Table`` (``glassnet.data``) goes through one schema pass that decides, once, which columns are
inputs and outputs, the task, the recipe and how every column is encoded; the network
(``glassnet.nn``) learns the encoded rows; answers are decoded back into cells. Model files are
written through ``glassnet.io``. It imports ``glassnet.data``, ``glassnet.nn``, ``glassnet.io``
and the shared ``glassnet.errors``; it never reads files or prints.
"""

from __future__ import annotations

from glassnet.tables.model import MODEL_KIND, TableModel
from glassnet.tables.recipes import (
    BINARY,
    MULTICLASS,
    REGRESSION,
    STANDARD,
    TUTORIAL,
    Settings,
    resolve_settings,
)

__all__ = [
    "BINARY",
    "MODEL_KIND",
    "MULTICLASS",
    "REGRESSION",
    "STANDARD",
    "TUTORIAL",
    "Settings",
    "TableModel",
    "resolve_settings",
]
