"""Reading and writing tables: the way data comes into glassnet from files and standard input.

``read_table`` parses a file (or ``-`` for standard input) into a ``Table`` of typed columns
(numbers, labels, missing cells, number formats); ``parse_table`` does the same for text already
in memory, and ``write_table`` writes cells back. It imports only ``glassnet.errors`` and
``glassnet._types``: tables know nothing of networks.
"""

from __future__ import annotations

from glassnet.data.columns import DEFAULT_MISSING, LABEL, MISSING, NUMBER, Column, Typing
from glassnet.data.formats import NumberFormat
from glassnet.data.reading import parse_table, read_table
from glassnet.data.table import Table
from glassnet.data.writing import write_table

__all__ = [
    "DEFAULT_MISSING",
    "LABEL",
    "MISSING",
    "NUMBER",
    "Column",
    "NumberFormat",
    "Table",
    "Typing",
    "parse_table",
    "read_table",
    "write_table",
]
