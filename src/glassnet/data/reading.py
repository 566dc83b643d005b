r"""Reading tables from files, standard input or text: split into cells, then typed by column.

``read_table`` and ``parse_table`` take whitespace-, comma-, tab-, ``;``- or ``|``-separated
text (detected, or given), an optional header line (detected, or given), ``#`` comments and
blank lines (kept in the table's source, to be written back in place), UTF-8 with or without a
byte-order mark and any line ends. Missing cells, number formats and the decimal mark are
``columns``' work. Any problem raises ``TableFormatError`` naming the file, line and column.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from os import PathLike
from typing import Any

import numpy as np

from glassnet.data.columns import DEFAULT_MISSING, Typing, type_columns
from glassnet.data.parsing import _check_widths, _is_header, _names, _split_text
from glassnet.data.table import Table
from glassnet.errors import InputNotFoundError, TableFormatError

__all__ = ["parse_table", "read_bytes", "read_table"]


def read_table(
    source: str | PathLike[str],
    sep: str | None = None,
    header: bool | None = None,
    missing: Sequence[str] = DEFAULT_MISSING,
    decimal: str | None = None,
    typing: Typing | None = None,
) -> Table:
    """Read a table from a file, or from standard input when ``source`` is ``"-"``.

    Parameters
    ----------
    source : str or path-like
        The file to read; ``"-"`` reads standard input.
    sep : str, optional
        ``whitespace``, ``comma`` (``,``), ``tab``, ``semicolon`` (``;``) or ``pipe`` (``|``). By
        default the first line that is not blank or a comment decides: a tab makes it TSV, else
        the most frequent of ``,``, ``;`` and ``|`` (ties in that order) separates the cells,
        else runs of spaces and tabs do.
    header : bool, optional
        Whether the first line names the columns; detected when None (see ``parse_table``).
    missing : sequence of str, default=("NA", "N/A", "NaN", "null", "None")
        Words that mark a missing cell, in any case, besides ``?`` and an empty cell.
    decimal : {".", ","}, optional
        The decimal mark; by default a comma when some cell can only be a decimal comma.
    typing : Typing, optional
        All of the above and formats fixed in advance (a model's); overrides ``missing`` and
        ``decimal``.

    Returns
    -------
    Table

    Raises
    ------
    InputNotFoundError
        The file does not exist, is a directory or cannot be read.
    TableFormatError
        The text is not a table; the message names the line and column.
    """
    return parse_table(
        read_bytes(source), _source_name(source), sep, header, missing, decimal, typing
    )


def read_bytes(source: str | PathLike[str]) -> bytes:
    """Return the bytes of a file, or of standard input for ``"-"``.

    Raises
    ------
    InputNotFoundError
        The file does not exist, is a directory or cannot be read.
    """
    if str(source) == "-":
        stream: Any = sys.stdin
        data = stream.buffer.read() if hasattr(stream, "buffer") else stream.read()
        return data if isinstance(data, bytes) else data.encode("utf-8")
    path = str(source)
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise InputNotFoundError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputNotFoundError(f"{path}: is a directory, expected a table file") from None
    except OSError as error:
        raise InputNotFoundError(f"{path}: cannot read: {error.strerror or error}") from None


def _source_name(source: str | PathLike[str]) -> str:
    return "<stdin>" if str(source) == "-" else str(source)


def parse_table(
    text: str | bytes,
    path: str = "<string>",
    sep: str | None = None,
    header: bool | None = None,
    missing: Sequence[str] = DEFAULT_MISSING,
    decimal: str | None = None,
    typing: Typing | None = None,
) -> Table:
    r"""Parse the text of a table.

    Parameters
    ----------
    text : str or bytes
        Bytes must be UTF-8 (a byte-order mark is dropped).
    path : str, default="<string>"
        The name used in error messages.
    sep, missing, decimal, typing
        As in ``read_table``.
    header : bool, optional
        When None the first line is a header if it holds no numbers and no ``?`` and either has
        a different number of cells from the rows below, or sits above a column of numbers, or
        none of its cells appears again in its column.

    Returns
    -------
    Table

    Raises
    ------
    TableFormatError
        With the file, line and column of the first problem.

    Examples
    --------
    The tutorial's table as printed, a two-name header over four columns:

    >>> table = parse_table("Input Output\n0 0 1 0\n1 1 1 1\n1 0 0 ?\n")
    >>> table.names
    ['Input1', 'Input2', 'Input3', 'Output']
    >>> table.rows[-1]
    ['1', '0', '0', '?']

    Missing cells, and numbers with thousands separators:

    >>> table = parse_table('size,price\n1,"1,200"\nNA,950\n3,"2,100"\n')
    >>> table.numbers(1), table.missing(0)
    (array([1200.,  950., 2100.]), array([False,  True, False]))
    >>> table.notes
    ("column 'price': read '1,200' as 1200 (',' between thousands)",)
    """
    if typing is None:
        if decimal not in (None, ".", ","):
            raise TableFormatError(f"expected the decimal mark . or , ; found {decimal!r}", path)
        typing = Typing(missing=tuple(missing), decimal=decimal)
    separator, split, lines = _split_text(text, path, sep)
    has_header = _is_header(split) if header is None else header
    header_cells, header_line = (split[0][1], split[0][0]) if has_header else (None, None)
    body = split[1:] if has_header else split
    if not body:
        raise TableFormatError("expected data rows after the header, found none", path, header_line)
    n_columns = _check_widths(body, path)
    rows = [cells for _, cells in body]
    notes: list[str] = []
    if n_columns > 1 and _empty_last_column(rows, header_cells, n_columns):
        rows = [cells[:-1] for cells in rows]
        header_cells = None if header_cells is None else header_cells[: n_columns - 1]
        n_columns -= 1
        notes.append(
            f"column {n_columns + 1} is empty on every line (each ends in a separator): left out"
        )
    names = _names(header_cells, n_columns, path, header_line)
    row_lines = np.array([number for number, _ in body], dtype=np.int64)
    columns, mark, assumed = type_columns(rows, row_lines.tolist(), names, path, separator, typing)
    table = Table(
        columns,
        row_lines,
        names,
        header_cells,
        path,
        separator,
        header_line,
        lines,
        decimal=mark,
        notes=tuple(notes + assumed),
        missing_words=typing.missing,
    )
    table._rows = rows
    return table


def _empty_last_column(rows: list[list[str]], header: list[str] | None, n_columns: int) -> bool:
    """Whether every row's last cell is empty, under a blank header name, none, or no header."""
    if header is not None and len(header) == n_columns and header[-1] != "":
        return False
    if header is not None and len(header) not in (n_columns, n_columns - 1):
        return False
    return all(cells[-1] == "" for cells in rows)
