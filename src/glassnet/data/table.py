r"""The ``Table``: a read table's typed columns, and where every row and cell came from.

A table holds one ``Column`` per column (numbers as float64 arrays, labels as codes), the line
number of every row, and the source's lines as written, so that a filled table can be written
back with everything else in place (comments, blank lines, quoting). It does not decide which
columns are outputs and fills nothing in: ``glassnet.tables`` does. Reading is ``reading``'s
work, writing ``writing``'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from glassnet._types import Array
from glassnet.data.columns import DEFAULT_MISSING, LABEL, NUMBER, Column
from glassnet.data.parsing import _split
from glassnet.data.writing import write_table
from glassnet.errors import TableFormatError

__all__ = ["LABEL", "NUMBER", "Table"]


def _holds_cells(line: str) -> bool:
    """Whether a source line is a row: not blank, and not a ``#`` comment."""
    stripped = line.strip(" \t")
    return bool(stripped) and not stripped.startswith("#")


@dataclass
class Table:
    r"""A parsed table: typed columns, the line of every row, and the source's lines.

    Attributes
    ----------
    columns : list of Column
        One per column: its kind, values or label codes, and which cells are missing.
    lines : ndarray of int64, shape (n_rows,)
        The 1-based line number of each row in the source.
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
    source : sequence of str
        Every line of the source as written (without line breaks, a byte-order mark dropped):
        ``source[k - 1]`` is line ``k`` (``sources.Lines`` for a big table: read on demand).
    file_columns : list of int or None
        The 0-based position in the file of each column, when ``select`` reordered them (error
        messages name the file's column); None when the columns are in the file's order.
    decimal : str
        The decimal mark the numbers were read with.
    notes : tuple of str
        What the reader assumed (a format it recognized, a column it dropped), for the user.
    missing_words : tuple of str
        The words read as missing cells besides ``?`` and an empty cell.

    Examples
    --------
    >>> from glassnet.data import parse_table
    >>> table = parse_table("x,y\n1,a\n2,?\n")
    >>> table.names, table.kinds
    (['x', 'y'], ['number', 'label'])
    >>> table.numbers(0)
    array([1., 2.])
    >>> table.missing(1)
    array([False,  True])
    >>> table.rows
    [['1', 'a'], ['2', '?']]
    """

    columns: list[Column]
    lines: np.ndarray[Any, np.dtype[np.int64]]
    names: list[str]
    header: list[str] | None = None
    path: str = "<string>"
    sep: str = " "
    header_line: int | None = None
    source: Sequence[str] = field(default_factory=list)
    file_columns: list[int] | None = None
    decimal: str = "."
    notes: tuple[str, ...] = ()
    missing_words: tuple[str, ...] = DEFAULT_MISSING
    _rows: list[list[str]] | None = field(default=None, repr=False, compare=False)

    # -- shape and kinds -----------------------------------------------------------------------

    @property
    def n_rows(self) -> int:
        """Number of data rows."""
        return len(self.lines)

    @property
    def n_columns(self) -> int:
        """Number of columns."""
        return len(self.columns)

    @property
    def kinds(self) -> list[str]:
        """``"number"`` or ``"label"`` for each column (a column of only missing cells: number)."""
        return [column.kind for column in self.columns]

    def column_index(self, name: str) -> int:
        """Return the 0-based index of the column called ``name``."""
        if name in self.names:
            return self.names.index(name)
        raise TableFormatError(
            f"expected a column name from {', '.join(self.names)}; found {name!r}", self.path
        )

    # -- cells ---------------------------------------------------------------------------------

    @property
    def rows(self) -> list[list[str]]:
        """Every row's cells as written (quotes removed), column by column as the table has them."""
        if self._rows is None:
            split = [
                _split(self.source[line - 1], self.sep, self.path, line) for line in self.lines
            ]
            order = self.file_columns
            self._rows = split if order is None else [[row[j] for j in order] for row in split]
        return self._rows

    def cells(self, column: int) -> list[str]:
        """Return the texts of one column, top to bottom."""
        return [row[column] for row in self.rows]

    def cell(self, row: int, column: int) -> str:
        """Return the text of one cell (0-based row and column), as written."""
        if self._rows is not None:
            return self._rows[row][column]
        line = int(self.lines[row])
        cells = _split(self.source[line - 1], self.sep, self.path, line)
        return cells[column if self.file_columns is None else self.file_columns[column]]

    def missing(self, column: int) -> np.ndarray[Any, np.dtype[np.bool_]]:
        """Return a boolean array, True where the column's cell is missing (``?``, empty, NA...)."""
        return self.columns[column].missing.copy()

    def numbers(self, column: int) -> Array:
        """Return a number column as float64, with NaN where a cell is missing."""
        values = self.columns[column].values
        if values is None:
            raise TableFormatError(
                f"expected column {self.names[column]!r} to hold numbers; it holds labels",
                self.path,
            )
        return values.copy()

    def labels(self, column: int) -> tuple[np.ndarray[Any, np.dtype[np.int32]], tuple[str, ...]]:
        """Return a label column's codes (-1 where missing) and its distinct labels."""
        found = self.columns[column]
        if found.codes is None:
            raise TableFormatError(
                f"expected column {self.names[column]!r} to hold labels; it holds numbers",
                self.path,
            )
        return found.codes, found.labels

    @property
    def skipped(self) -> tuple[tuple[int, str], ...]:
        """The lines that hold no cells (blank lines, ``#`` comments), each with its place.

        The place is the data row the line stands before (0-based; ``n_rows`` means after the
        last row), or -1 above the header. A line goes with the source row below it: before
        that row's first copy in this table, or nowhere if this table left the row out.
        """
        first: dict[int, int] = {}
        for row, line in enumerate(self.lines.tolist()):
            first.setdefault(line, row)
        below: int | None = None  # the nearest data line under the lines being walked, upwards
        places: list[tuple[int, str]] = []
        for number in range(len(self.source), 0, -1):
            text = self.source[number - 1]
            if number == self.header_line:
                below = -1
            elif _holds_cells(text):
                below = number
            elif below == -1 or (self.header_line is not None and number < self.header_line):
                places.append((-1, text))
            elif below is None:
                places.append((self.n_rows, text))
            elif below in first:
                places.append((first[below], text))
        return tuple(sorted(reversed(places), key=lambda entry: entry[0]))  # stable: file order

    # -- new tables from this one ----------------------------------------------------------------

    def take(self, rows: Sequence[int] | np.ndarray[Any, Any]) -> Table:
        """Return a table of the given rows (0-based indices), in that order."""
        order = np.asarray(rows, dtype=np.int64)
        return replace(
            self,
            columns=[column.take(order) for column in self.columns],
            lines=self.lines[order],
            _rows=None if self._rows is None else [self._rows[i] for i in order.tolist()],
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
        return replace(
            self,
            columns=[self.columns[j] for j in order],
            names=[self.names[j] for j in order],
            header=header,
            file_columns=[origin[j] for j in order],
            _rows=None if self._rows is None else [[row[j] for j in order] for row in self._rows],
        )

    def error(
        self, message: str, row: int | None = None, column: int | None = None
    ) -> TableFormatError:
        """Return a TableFormatError at data row ``row`` and column ``column`` (both 0-based)."""
        line = None if row is None else int(self.lines[row])
        if column is not None and self.file_columns is not None:
            column = self.file_columns[column]
        return TableFormatError(message, self.path, line, None if column is None else column + 1)

    def to_text(self, header: bool = True) -> str:
        """Write the table back in its own format, skipped lines included (see ``write_table``)."""
        return write_table(
            self.rows, self.header if header else None, self.sep, skipped=self.skipped
        )
