"""A strict reader for small tables of numbers and labels, with ``?`` marking cells to fill in.

``read_table`` turns a file (or standard input) into a ``Table``: cells separated by whitespace,
commas, tabs, semicolons or ``|`` (detected, or given), an optional header line, ``#``
comments and blank lines set aside (kept to be written back in place), and every column typed
as numbers or labels. It only reads:
it does not decide which columns are outputs, and it fills nothing in. Any problem raises
``TableFormatError`` naming the file, the line and the column (the 1-based cell number), saying
what was expected and found. Splitting lines into cells and typing them is done in
``glassnet.data.parsing``; this module holds the ``Table``, the reader and the writer.
"""

from __future__ import annotations

import math
import sys
from bisect import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from os import PathLike
from typing import Any

import numpy as np

from glassnet._types import Array
from glassnet.data.parsing import (
    LABEL,
    MISSING,
    NUMBER,
    _check_widths,
    _column_kinds,
    _is_header,
    _names,
    _separator,
    _split_text,
)
from glassnet.data.parsing import _kind as _kind
from glassnet.errors import InputNotFoundError, TableFormatError

__all__ = ["LABEL", "MISSING", "NUMBER", "Table", "parse_table", "read_table", "write_table"]


@dataclass
class Table:
    r"""A parsed table: cell texts by row, one type per column, and where every row came from.

    Attributes
    ----------
    rows : list of list of str
        The data cells as written (quotes removed); ``"?"`` marks a missing cell.
    lines : list of int
        The 1-based line number of each row in the source.
    kinds : list of str
        ``"number"`` or ``"label"`` for each column. A column with only ``?`` is "number".
    names : list of str
        One name per column: from the header, else ``column1``, ``column2``, ...
    header : list of str or None
        The header line's cells as written, when there is one. Two names over more columns (the
        tutorial's ``Input Output``) name the inputs as a group and the last column.
    path : str
        Where the table came from (``"<stdin>"`` for standard input).
    sep : str
        The separator: ``" "`` (whitespace), ``","``, ``"\t"``, ...
    header_line : int or None
        The line number of the header.
    file_columns : list of int or None
        The 0-based position in the file of each column, when ``select`` reordered them (error
        messages name the file's column); None when the columns are in the file's order.
    skipped : tuple of (int, str)
        The lines that hold no cells (blank lines and ``#`` comments), as written without their
        line break, each with where it stood: before data row ``i`` (0-based; ``n_rows`` means
        after the last row), or ``-1`` above the header. In file order; the writer puts them
        back there.

    Examples
    --------
    >>> table = parse_table("x,y\n1,a\n2,?\n")
    >>> table.names, table.kinds
    (['x', 'y'], ['number', 'label'])
    >>> table.numbers(0)
    array([1., 2.])
    >>> table.missing(1)
    array([False,  True])

    Comments and blank lines are kept with their places:

    >>> table = parse_table("# sizes\nx\n1\n\n2\n")
    >>> table.skipped
    ((-1, '# sizes'), (1, ''))
    >>> print(table.to_text(), end="")
    # sizes
    x
    1
    <BLANKLINE>
    2
    """

    rows: list[list[str]]
    lines: list[int]
    kinds: list[str]
    names: list[str]
    header: list[str] | None = None
    path: str = "<string>"
    sep: str = " "
    header_line: int | None = None
    file_columns: list[int] | None = None
    skipped: tuple[tuple[int, str], ...] = ()
    _numbers: dict[int, Array] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def n_rows(self) -> int:
        """Number of data rows."""
        return len(self.rows)

    @property
    def n_columns(self) -> int:
        """Number of columns."""
        return len(self.kinds)

    def column_index(self, name: str) -> int:
        """Return the 0-based index of the column called ``name``."""
        if name in self.names:
            return self.names.index(name)
        raise TableFormatError(
            f"expected a column name from {', '.join(self.names)}; found {name!r}", self.path
        )

    def cells(self, column: int) -> list[str]:
        """Return the texts of one column, top to bottom."""
        return [row[column] for row in self.rows]

    def missing(self, column: int) -> np.ndarray[Any, np.dtype[np.bool_]]:
        """Return a boolean array, True where the column holds ``?``."""
        return np.array([row[column] == MISSING for row in self.rows], dtype=bool)

    def numbers(self, column: int) -> Array:
        """Return a numeric column as float64, with NaN for ``?``."""
        if self.kinds[column] != NUMBER:
            raise TableFormatError(
                f"expected column {self.names[column]!r} to hold numbers; it holds labels",
                self.path,
            )
        if column not in self._numbers:
            values = [math.nan if cell == MISSING else float(cell) for cell in self.cells(column)]
            self._numbers[column] = np.array(values, dtype=np.float64)
        return self._numbers[column].copy()

    def take(self, rows: Sequence[int]) -> Table:
        """Return a table of the given rows (0-based indices), in that order.

        Skipped lines above the header or below the last row stay there; one before a row goes
        with that row (before its first copy), or is dropped with it.
        """
        order = list(rows)
        place: dict[int, int] = {}
        for new, old in enumerate(order):
            place.setdefault(old, new)
        skipped = []
        for position, text in self.skipped:
            if position < 0:
                skipped.append((position, text))
            elif position >= self.n_rows:
                skipped.append((len(order), text))
            elif position in place:
                skipped.append((place[position], text))
        return replace(
            self,
            rows=[self.rows[i] for i in order],
            lines=[self.lines[i] for i in order],
            skipped=tuple(sorted(skipped, key=lambda entry: entry[0])),  # stable: file order
        )

    def select(self, columns: Sequence[int]) -> Table:
        """Return a table of the given columns (0-based indices), in that order.

        Error messages about the new table still name each cell's column in the file.
        """
        order = list(columns)
        origin = self.file_columns or list(range(self.n_columns))
        header = self.header
        if header is not None and len(header) == self.n_columns:
            header = [header[j] for j in order]
        return Table(
            rows=[[row[j] for j in order] for row in self.rows],
            lines=list(self.lines),
            kinds=[self.kinds[j] for j in order],
            names=[self.names[j] for j in order],
            header=header,
            path=self.path,
            sep=self.sep,
            header_line=self.header_line,
            file_columns=[origin[j] for j in order],
            skipped=self.skipped,
        )

    def error(
        self, message: str, row: int | None = None, column: int | None = None
    ) -> TableFormatError:
        """Return a TableFormatError at data row ``row`` and column ``column`` (both 0-based)."""
        line = None if row is None else self.lines[row]
        if column is not None and self.file_columns is not None:
            column = self.file_columns[column]
        return TableFormatError(message, self.path, line, None if column is None else column + 1)

    def to_text(self, header: bool = True) -> str:
        """Write the table back in its own format, skipped lines included (see ``write_table``)."""
        return write_table(
            self.rows, self.header if header else None, self.sep, skipped=self.skipped
        )


def read_table(
    source: str | PathLike[str], sep: str | None = None, header: bool | None = None
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
    if str(source) == "-":
        stream: Any = sys.stdin
        data = stream.buffer.read() if hasattr(stream, "buffer") else stream.read()
        return parse_table(data, "<stdin>", sep=sep, header=header)
    path = str(source)
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise InputNotFoundError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputNotFoundError(f"{path}: is a directory, expected a table file") from None
    except OSError as error:
        raise InputNotFoundError(f"{path}: cannot read: {error.strerror or error}") from None
    return parse_table(data, path, sep=sep, header=header)


def parse_table(
    text: str | bytes, path: str = "<string>", sep: str | None = None, header: bool | None = None
) -> Table:
    r"""Parse the text of a table.

    Parameters
    ----------
    text : str or bytes
        Bytes must be UTF-8 (a byte-order mark is dropped).
    path : str, default="<string>"
        The name used in error messages.
    sep : str, optional
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
    """
    separator, split, others = _split_text(text, path, sep)
    has_header = _is_header(split) if header is None else header
    header_cells, header_line = (split[0][1], split[0][0]) if has_header else (None, None)
    body = split[1:] if has_header else split
    if not body:
        raise TableFormatError("expected data rows after the header, found none", path, header_line)
    n_columns = _check_widths(body, path)
    names = _names(header_cells, n_columns, path, header_line)
    rows = [cells for _, cells in body]
    row_lines = [number for number, _ in body]
    kinds = _column_kinds(rows, row_lines, names, path)
    skipped = tuple(
        (
            -1 if header_line is not None and number < header_line else bisect(row_lines, number),
            line,
        )
        for number, line in others
    )
    return Table(
        rows, row_lines, kinds, names, header_cells, path, separator, header_line, None, skipped
    )


def write_table(
    rows: Sequence[Sequence[str]],
    header: Sequence[str] | None = None,
    sep: str = " ",
    newline: str = "\n",
    skipped: Sequence[tuple[int, str]] = (),
    trailing: Sequence[str] | None = None,
) -> str:
    r"""Return the text of a table that ``parse_table`` reads back to the same cells.

    Cells holding a separator, a blank, a quote or ``#`` are put in double quotes (a quote inside
    is doubled). Cells cannot hold line breaks.

    Parameters
    ----------
    rows : sequence of sequence of str
    header : sequence of str, optional
    sep : str, default=" "
        Any separator ``read_table`` accepts.
    newline : str, default="\n"
    skipped : sequence of (int, str), default=()
        Lines written as they are (comments, blank lines), each before data row ``i`` (0-based;
        ``len(rows)`` or more: after the last row; ``-1``: above the header), as
        ``Table.skipped`` holds them. Lines for one place keep their order.
    trailing : sequence of str, optional
        Text added to the end of each row's line, such as ``"  # note"``.

    Returns
    -------
    str

    Examples
    --------
    >>> print(write_table([["1", "New York"]], header=["n", "city"], sep=","), end="")
    n,city
    1,"New York"
    """
    separator = _separator(sep)
    before: dict[int, list[str]] = {}
    for position, text in skipped:
        if any(char in text for char in "\r\n"):
            raise ValueError(f"a skipped line cannot hold a line break, got {text!r}")
        before.setdefault(max(-1, min(position, len(rows))), []).append(text)
    lines = before.get(-1, [])
    if header is not None:
        lines.append(separator.join(_quote(cell) for cell in header))
    ends = [""] * len(rows) if trailing is None else trailing
    for i, (row, end) in enumerate(zip(rows, ends, strict=True)):
        lines.extend(before.get(i, []))
        lines.append(separator.join(_quote(cell) for cell in row) + end)
    lines.extend(before.get(len(rows), []))
    return "".join(line + newline for line in lines)


def _quote(cell: str) -> str:
    if any(char in cell for char in "\r\n"):
        raise ValueError(f"a cell cannot hold a line break, got {cell!r}")
    if cell == "" or any(char in cell for char in ' \t,;|"#\ufeff') or cell != cell.strip():
        return '"' + cell.replace('"', '""') + '"'
    return cell
