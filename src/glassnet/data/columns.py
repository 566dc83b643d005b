"""Typing a table's columns: missing cells, which columns hold numbers, and in what format.

Each column becomes a ``Column``: numbers (float64, NaN where a cell is missing) or labels (codes
into the column's distinct labels, -1 where missing). A cell is missing when it is ``?``, empty
or one of the missing words (``NA``, ``N/A``, ``NaN``, ``null``, ``None`` by default, in any
case). Numbers written in another way than plain (``1,200``, ``1,5``, ``12%``, ``$5``, dates) are
read when a whole column agrees on it (``formats``); the file's decimal mark is decided once for
all its columns. Whatever was assumed is returned as notes for the user. Nothing here splits
lines or reads files.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from glassnet._types import Array
from glassnet.data.formats import (
    PLAIN,
    FormatConflictError,
    NumberFormat,
    comma_evidence,
    detect_format,
    is_plain_number,
)
from glassnet.errors import TableFormatError

__all__ = [
    "DEFAULT_MISSING",
    "LABEL",
    "MISSING",
    "NUMBER",
    "Column",
    "Typing",
    "missing_words",
    "type_columns",
]

MISSING = "?"
NUMBER = "number"
LABEL = "label"
#: Cells that mean "no value here" besides ``?`` and an empty cell, compared without case.
DEFAULT_MISSING = ("NA", "N/A", "NaN", "null", "None")

_INFINITE = re.compile(r"[+-]?(?:inf|infinity)", re.ASCII | re.IGNORECASE)
IntArray = np.ndarray[Any, np.dtype[np.int32]]
BoolArray = np.ndarray[Any, np.dtype[np.bool_]]


@dataclass(frozen=True, eq=False)
class Column:
    """One typed column of a table.

    Attributes
    ----------
    kind : {"number", "label"}
    values : ndarray of float64, shape (n_rows,), or None
        A number column's values, NaN where the cell is missing.
    codes : ndarray of int32, shape (n_rows,), or None
        A label column's cells as indices into ``labels``; -1 where the cell is missing.
    labels : tuple of str
        A label column's distinct labels, in order of first appearance.
    missing : ndarray of bool, shape (n_rows,)
        Where the cell is missing (``?``, empty, or a missing word).
    format : NumberFormat or None
        How a number column writes its numbers (``PLAIN`` for plain ones).
    """

    kind: str
    values: Array | None
    codes: IntArray | None
    labels: tuple[str, ...]
    missing: BoolArray
    format: NumberFormat | None

    def take(self, rows: Any) -> Column:
        """Return the cells at ``rows`` (integer indices), in that order."""
        return Column(
            self.kind,
            None if self.values is None else self.values[rows],
            None if self.codes is None else self.codes[rows],
            self.labels,
            self.missing[rows],
            self.format,
        )


@dataclass(frozen=True)
class Typing:
    """How cells are read: the missing words, the decimal mark, and formats fixed in advance.

    Attributes
    ----------
    missing : tuple of str
        Words that mark a missing cell besides ``?`` and an empty cell (compared without case).
    decimal : {".", ","} or None
        The file's decimal mark; None decides it from the cells.
    formats : mapping of column position to NumberFormat
        Columns whose format is known (a model's, at prediction time): they are read in it.
    labels : frozenset of int
        Columns to read as labels whatever their cells (a model's label columns).
    """

    missing: tuple[str, ...] = DEFAULT_MISSING
    decimal: str | None = None
    formats: Mapping[int, NumberFormat] | None = None
    labels: frozenset[int] = frozenset()


def missing_words(words: Sequence[str]) -> frozenset[str]:
    """The cells that mean "missing" for ``words``: ``?``, empty, and each word in any case."""
    return frozenset(("?", "")) | {word.casefold() for word in words}


def type_columns(
    rows: Sequence[Sequence[str]],
    lines: Sequence[int],
    names: Sequence[str],
    path: str,
    sep: str = ",",
    typing: Typing = Typing(),
) -> tuple[list[Column], str, list[str]]:
    """Type every column of ``rows``; return the columns, the file's decimal mark and notes.

    Raises
    ------
    TableFormatError
        A number column with a cell that is no number (file, line and column of the first),
        a number too large for a 64-bit float or infinite, or a file that writes decimal
        commas and decimal points both.
    """
    absent = missing_words(typing.missing)
    columns_cells = [[row[j] for row in rows] for j in range(len(names))]
    missing = [
        np.fromiter((c.casefold() in absent for c in cells), bool, len(cells))
        for cells in columns_cells
    ]
    decimal = typing.decimal or _file_decimal(columns_cells, missing, path, lines)
    columns: list[Column] = []
    notes: list[str] = []
    problems: list[TableFormatError] = []
    for j, (name, cells, gaps) in enumerate(zip(names, columns_cells, missing, strict=True)):
        known_format = (typing.formats or {}).get(j)
        try:
            if j in typing.labels:
                column = _labels(cells, gaps)
            else:
                column = _type_column(cells, gaps, decimal, known_format, name, path, lines, j)
                if typing.decimal is None and sep != ",":
                    _refuse_ambiguous_commas(column, cells, gaps, name, path, lines, j)
        except TableFormatError as problem:  # the earliest in the file is the one to report
            problems.append(problem)
            continue
        if column.format is not None and known_format is None:
            notes += _format_note(name, cells, gaps, column.format)
        columns.append(column)
    if problems:
        raise min(problems, key=lambda problem: (problem.line or 0, problem.column or 0))
    return columns, decimal, notes


def _format_note(name: str, cells: list[str], gaps: BoolArray, fmt: NumberFormat) -> list[str]:
    """What reading a column in ``fmt`` assumed, with a cell that shows it (none if none does)."""
    example = next(
        (c for c, gap in zip(cells, gaps, strict=True) if not gap and not is_plain_number(c)),
        None,
    )
    if example is None:
        return []
    return [f"column {name!r}: read {example!r} as {fmt.read(example):.6g} ({fmt.describe()})"]


def _type_column(
    cells: list[str],
    gaps: BoolArray,
    decimal: str,
    known: NumberFormat | None,
    name: str,
    path: str,
    lines: Sequence[int],
    j: int,
) -> Column:
    """Numbers (plain or in one format) or labels, by what the cells hold."""
    if known is not None:
        return _numbers(cells, gaps, known, name, path, lines, j, majority=None)
    present = [cell for cell, gap in zip(cells, gaps, strict=True) if not gap]
    _refuse_infinities(cells, gaps, path, lines, j)
    plain = sum(map(is_plain_number, present))
    texts = sorted({cell for cell in present if not is_plain_number(cell)})
    if decimal == ",":  # 1.500 reads as 1500 here: every number must be checked
        texts = sorted(set(present))
    if not texts:
        return _numbers(cells, gaps, PLAIN, name, path, lines, j, plain)
    try:
        fmt = detect_format(texts, decimal)
    except FormatConflictError as conflict:
        row = next(i for i, cell in enumerate(cells) if cell == conflict.text and not gaps[i])
        raise TableFormatError(
            f"expected {conflict} in column {name!r} as in the other rows, found {conflict.text!r}",
            path,
            lines[row],
            j + 1,
        ) from None
    if fmt is not None:
        return _numbers(cells, gaps, fmt, name, path, lines, j, plain)
    n_texts = len(present) - plain
    if plain > n_texts:  # mostly plain numbers, and some words: a typo, not a label column
        row = next(i for i, cell in enumerate(cells) if not gaps[i] and not is_plain_number(cell))
        raise TableFormatError(
            f"expected a number in column {name!r} as in {plain} other rows, found {cells[row]!r}",
            path,
            lines[row],
            j + 1,
        )
    return _labels(cells, gaps)


def _refuse_infinities(
    cells: list[str], gaps: BoolArray, path: str, lines: Sequence[int], j: int
) -> None:
    """Refuse ``inf`` and ``-Infinity``: numbers, but none a network can learn from."""
    for i, cell in enumerate(cells):
        if not gaps[i] and _INFINITE.fullmatch(cell):
            raise TableFormatError(
                f"expected a finite number, found {cell!r}", path, lines[i], j + 1
            )


def _numbers(
    cells: list[str],
    gaps: BoolArray,
    fmt: NumberFormat,
    name: str,
    path: str,
    lines: Sequence[int],
    j: int,
    majority: int | None,
) -> Column:
    """A number column read in ``fmt``; a cell that is no number, or not finite, is an error."""
    values = np.full(len(cells), math.nan)
    for i, cell in enumerate(cells):
        if gaps[i]:
            continue
        value = float(cell) if fmt.plain and is_plain_number(cell) else fmt.read(cell)
        if value is None:
            written = "a number" if fmt.plain else f"a number written as {fmt.describe()}"
            raise TableFormatError(
                f"expected {written} in column {name!r}, found {cell!r}", path, lines[i], j + 1
            )
        if not math.isfinite(value):
            raise TableFormatError(
                f"expected a finite number, found {cell!r} (this one is too large for a 64-bit "
                "float)",
                path,
                lines[i],
                j + 1,
            )
        values[i] = value
    return Column(NUMBER, values, None, (), gaps, fmt)


def _labels(cells: list[str], gaps: BoolArray) -> Column:
    """A label column: each cell's index among the distinct labels, -1 where missing."""
    index: dict[str, int] = {}
    codes = np.fromiter(
        (
            -1 if gap else index.setdefault(cell, len(index))
            for cell, gap in zip(cells, gaps, strict=True)
        ),
        np.int32,
        len(cells),
    )
    return Column(LABEL, None, codes, tuple(index), gaps, None)


def _file_decimal(
    columns: list[list[str]], missing: list[BoolArray], path: str, lines: Sequence[int]
) -> str:
    """The file's decimal mark: a comma if some cell can only be a decimal comma (``1,5``).

    A file that writes both ``1,5`` and ``1.5`` is refused: which one is meant cannot be told.
    """
    comma: tuple[int, int, str] | None = None
    for j, (cells, gaps) in enumerate(zip(columns, missing, strict=True)):
        for i, cell in enumerate(cells):
            if not gaps[i] and "," in cell and comma_evidence(cell) == ",":
                comma = (i, j, cell)
                break
        if comma is not None:
            break
    if comma is None:
        return "."
    for j, (cells, gaps) in enumerate(zip(columns, missing, strict=True)):
        for i, cell in enumerate(cells):
            if not gaps[i] and "." in cell and comma_evidence(cell) == ".":
                raise TableFormatError(
                    f"expected one decimal mark in the file, found {comma[2]!r} (a decimal comma, "
                    f"line {lines[comma[0]]}) and {cell!r} (a decimal point); give --decimal , "
                    "or --decimal . to say which",
                    path,
                    lines[i],
                    j + 1,
                )
    return ","


def _refuse_ambiguous_commas(
    column: Column,
    cells: list[str],
    gaps: BoolArray,
    name: str,
    path: str,
    lines: Sequence[int],
    j: int,
) -> None:
    """Refuse ``1,200`` read as thousands in a file whose separator leaves room for decimal commas.

    In a ``;``- or tab-separated file nothing else tells ``1,200`` (1200) from ``1,200`` (1.2).
    """
    fmt = column.format
    if fmt is None or fmt.thousands != "," or fmt.decimal != ".":
        return
    grouped = [i for i, cell in enumerate(cells) if not gaps[i] and "," in cell]
    if grouped and all(comma_evidence(cells[i]) is None for i in grouped):
        i = grouped[0]
        raise TableFormatError(
            f"column {name!r}: {cells[i]!r} could be {fmt.read(cells[i]):g} (',' between "
            f"thousands) or {cells[i].replace(',', '.')} (a decimal comma); give --decimal . or "
            "--decimal , to say which",
            path,
            lines[i],
            j + 1,
        )
