"""Reading and writing tables: the way data comes into glassnet from files and standard input.

``read_table`` parses a file (or ``-`` for standard input) into a ``Table`` of typed columns;
``parse_table`` does the same for text already in memory, and ``write_table`` writes cells back.
"""

from __future__ import annotations

from glassnet.data.table import (
    LABEL,
    MISSING,
    NUMBER,
    Table,
    parse_table,
    read_table,
    write_table,
)

__all__ = ["LABEL", "MISSING", "NUMBER", "Table", "parse_table", "read_table", "write_table"]
