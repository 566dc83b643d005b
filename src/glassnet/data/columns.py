"""Typing a table's columns: missing cells, which columns hold numbers, and in what format.

Each column's cells are first sorted (``Cells``): plain numbers, missing cells (``?``, empty, or
one of the missing words, ``NA``, ``N/A``, ``NaN``, ``null``, ``None`` by default, in any case)
and other texts, kept once each. Pieces sorted separately, one per block of rows, merge into one
(``merge_cells``), so a big table is sorted block by block. Then ``type_column`` decides what the
column is: numbers (float64, NaN where missing), read in another way than plain when every text
agrees on one (``formats``: ``1,200``, ``1,5``, ``12%``, ``$5``, dates), or labels (codes into its
distinct labels, -1 where missing). Whatever was assumed comes back as a note for the user.
Nothing here splits lines or reads files.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
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
    "Cells",
    "Column",
    "NeedsTextsError",
    "Typing",
    "first_evidence",
    "merge_cells",
    "missing_words",
    "sort_cells",
    "type_column",
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


@dataclass
class Cells:
    """One column's cells sorted, not yet typed: plain numbers, missing cells, other texts.

    Attributes
    ----------
    values : ndarray of float64, shape (n,)
        Each plain number (NaN elsewhere).
    missing : ndarray of bool, shape (n,)
    codes : ndarray of int32, shape (n,)
        For each other cell, its index into ``texts``; -1 for plain numbers and missing cells.
    texts : list of str
        The distinct other texts, in order of first appearance.
    """

    values: Array
    missing: BoolArray
    codes: IntArray
    texts: list[str] = field(default_factory=list)


def missing_words(words: Sequence[str]) -> frozenset[str]:
    """The cells that mean "missing" for ``words``: ``?``, empty, and each word in any case."""
    return frozenset(("?", "")) | {word.casefold() for word in words}


def sort_cells(cells: Sequence[str], absent: frozenset[str], plain: bool = True) -> Cells:
    """Sort one column's cells, given as texts; ``plain=False`` keeps numbers as texts too."""
    n = len(cells)
    values = np.full(n, math.nan)
    missing = np.zeros(n, dtype=bool)
    codes = np.full(n, -1, dtype=np.int32)
    index: dict[str, int] = {}
    for i, cell in enumerate(cells):
        if cell.casefold() in absent:
            missing[i] = True
        elif plain and is_plain_number(cell):
            values[i] = float(cell)
        else:
            codes[i] = index.setdefault(cell, len(index))
    return Cells(values, missing, codes, list(index))


def merge_cells(pieces: Sequence[Cells]) -> Cells:
    """One column's pieces, in order, as one: their texts numbered in order of first appearance."""
    if len(pieces) == 1:
        return pieces[0]
    if not pieces:
        return Cells(np.zeros(0), np.zeros(0, dtype=bool), np.zeros(0, dtype=np.int32))
    index: dict[str, int] = {}
    codes = []
    for piece in pieces:
        renumber = np.array([index.setdefault(t, len(index)) for t in piece.texts] + [-1], np.int32)
        codes.append(renumber[piece.codes])  # -1 picks the trailing -1
    return Cells(
        np.concatenate([piece.values for piece in pieces]),
        np.concatenate([piece.missing for piece in pieces]),
        np.concatenate(codes) if codes else np.zeros(0, np.int32),
        list(index),
    )


def first_evidence(columns: Sequence[Cells], mark: str) -> tuple[int, int, str] | None:
    """The first cell that can only have ``mark`` as its decimal mark: (row, column, text).

    ``1,5`` can only be a decimal comma and ``1.5`` a decimal point; ``1,200`` could be
    either. Only the sorted texts are looked at (plain numbers are texts when sorted so).
    """
    found = []
    for j, cells in enumerate(columns):
        for code, text in enumerate(cells.texts):
            if mark in text and comma_evidence(text) == mark:
                found.append((int(np.flatnonzero(cells.codes == code)[0]), j, text))
    return min(found) if found else None


class NeedsTextsError(Exception):
    """A column of labels was sorted with its plain numbers apart: sort it as texts again."""


def type_column(
    cells: Cells,
    name: str,
    j: int,
    where: Callable[[int], tuple[int, str]],
    decimal: str = ".",
    known: NumberFormat | None = None,
    ambiguous_commas: bool = False,
    labels: bool = False,
) -> tuple[Column, list[str]]:
    """Decide what a column is, from its sorted cells; return it and what was assumed.

    Parameters
    ----------
    cells : Cells
        Sorted with plain numbers apart when ``decimal`` is ".", all as texts when ",".
    name : str
    j : int
        The column's 0-based position (messages give it 1-based).
    where : callable
        ``where(row)`` gives the path-and-line prefix's line number and the cell's text, for
        messages: (line, text).
    decimal : {".", ","}
        The file's decimal mark.
    known : NumberFormat, optional
        Read the column in this format (a model's).
    ambiguous_commas : bool
        Refuse ``1,200`` read as thousands when nothing else tells it from a decimal comma.
    labels : bool
        Read the column as labels whatever its cells hold (a model's label column).

    Raises
    ------
    TableFormatError
        A number column with a cell that is no number, an infinite or too large one; its
        ``path`` is left for the caller to fill in.
    NeedsTextsError
        The column is labels, but its plain numbers were sorted apart from the texts.
    """
    if labels:
        return _labels(cells), []
    if known is not None:
        return _numbers(cells, known, name, j, where), []
    _refuse_infinities(cells, j, where)
    counts = np.bincount(cells.codes[cells.codes >= 0], minlength=len(cells.texts))
    plain_texts = np.array([is_plain_number(text) for text in cells.texts], dtype=bool)
    plain = int(np.count_nonzero(~np.isnan(cells.values))) + int(counts[plain_texts].sum())
    others = [text for text, is_plain in zip(cells.texts, plain_texts, strict=True) if not is_plain]
    texts = cells.texts if decimal == "," else others  # 1.500 reads as 1500 with a comma
    if not texts:
        return _numbers(cells, PLAIN, name, j, where), []
    try:
        fmt = detect_format(sorted(texts), decimal)
    except FormatConflictError as conflict:
        line, _ = where(_first_row(cells, conflict.text))
        raise TableFormatError(
            f"expected {conflict} in column {name!r} as in the other rows, found {conflict.text!r}",
            None,
            line,
            j + 1,
        ) from None
    if fmt is None:
        n_texts = int(counts[~plain_texts].sum())
        if plain > n_texts:  # mostly plain numbers, and some words: a typo, not a label column
            row = min(_first_row(cells, text) for text in others)
            line, text = where(row)
            raise TableFormatError(
                f"expected a number in column {name!r} as in {plain} other rows, found {text!r}",
                None,
                line,
                j + 1,
            )
        return _labels(cells), []
    column = _numbers(cells, fmt, name, j, where)
    if ambiguous_commas:
        _refuse_ambiguous_commas(cells, fmt, name, j, where)
    return column, _format_note(name, others, fmt)


def _first_row(cells: Cells, text: str) -> int:
    """The first row whose cell is ``text`` (one of the column's other texts)."""
    return int(np.flatnonzero(cells.codes == cells.texts.index(text))[0])


def _format_note(name: str, others: list[str], fmt: NumberFormat) -> list[str]:
    """What reading a column in ``fmt`` assumed, with a cell that shows it (none if none does)."""
    if not others or fmt.plain:
        return []
    example = others[0]
    return [f"column {name!r}: read {example!r} as {fmt.read(example):.6g} ({fmt.describe()})"]


def _refuse_infinities(cells: Cells, j: int, where: Callable[[int], tuple[int, str]]) -> None:
    """Refuse ``inf`` and ``-Infinity``: numbers, but none a network can learn from."""
    rows = [_first_row(cells, text) for text in cells.texts if _INFINITE.fullmatch(text)]
    if rows:
        line, text = where(min(rows))
        raise TableFormatError(f"expected a finite number, found {text!r}", None, line, j + 1)


def _numbers(
    cells: Cells,
    fmt: NumberFormat,
    name: str,
    j: int,
    where: Callable[[int], tuple[int, str]],
) -> Column:
    """A number column read in ``fmt``; a cell that is no number, or not finite, is an error."""
    values = cells.values.copy()
    if cells.texts:
        read = [fmt.read(text) for text in cells.texts]
        bad = [k for k, value in enumerate(read) if value is None]
        if bad:
            line, text = where(min(_first_row(cells, cells.texts[k]) for k in bad))
            written = "a number" if fmt.plain else f"a number written as {fmt.describe()}"
            raise TableFormatError(
                f"expected {written} in column {name!r}, found {text!r}", None, line, j + 1
            )
        table = np.array([value for value in read] + [math.nan], dtype=np.float64)
        texts = cells.codes >= 0
        values[texts] = table[cells.codes[texts]]
    infinite = np.flatnonzero(np.isinf(values))
    if infinite.size:
        line, text = where(int(infinite[0]))
        raise TableFormatError(
            f"expected a finite number, found {text!r} (this one is too large for a 64-bit float)",
            None,
            line,
            j + 1,
        )
    return Column(NUMBER, values, None, (), cells.missing, fmt)


def _labels(cells: Cells) -> Column:
    """A label column: each cell's index among the distinct labels, -1 where missing.

    Plain numbers among labels are labels too, as written: the cells must have been sorted
    with numbers as texts (``NeedsTextsError`` asks for that).
    """
    if not np.isnan(cells.values).all():
        raise NeedsTextsError
    return Column(LABEL, None, cells.codes.copy(), tuple(cells.texts), cells.missing, None)


def _refuse_ambiguous_commas(
    cells: Cells, fmt: NumberFormat, name: str, j: int, where: Callable[[int], tuple[int, str]]
) -> None:
    """Refuse ``1,200`` read as thousands where nothing else tells it from a decimal comma.

    In a ``;``- or tab-separated file nothing else tells ``1,200`` (1200) from ``1,200`` (1.2).
    """
    if fmt.thousands != "," or fmt.decimal != ".":
        return
    grouped = [text for text in cells.texts if "," in text]
    if grouped and all(comma_evidence(text) is None for text in grouped):
        line, text = where(min(_first_row(cells, t) for t in grouped))
        raise TableFormatError(
            f"column {name!r}: {text!r} could be {fmt.read(text):g} (',' between thousands) or "
            f"{text.replace(',', '.')} (a decimal comma); give --decimal . or --decimal , to "
            "say which",
            None,
            line,
            j + 1,
        )


def type_columns(
    n_columns: int,
    names: list[str],
    sort: Callable[[int, bool], Cells],
    where: Callable[[int], Callable[[int], tuple[int, str]]],
    path: str,
    sep: str,
    typing: Typing,
) -> tuple[list[Column], str, list[str]]:
    """Type every column once: the file's decimal mark first, then each column's kind.

    ``sort(j, plain)`` sorts column ``j``'s cells (numbers apart, or every cell as a text, for
    a decimal comma or a label column holding numbers); ``where(j)(row)`` gives a cell's line
    and text for messages. Returns the columns, the decimal mark and what was assumed.

    Raises
    ------
    TableFormatError
        The earliest problem in the file: a file writing both decimal marks, a number column
        with a cell that is no number, an infinite or too large number.
    """
    decimal = typing.decimal or "."
    sorted_cells = [sort(j, decimal == ".") for j in range(n_columns)]
    if typing.decimal is None:
        comma = first_evidence(sorted_cells, ",")
        if comma is not None:  # a decimal comma: every number must be read again, as text
            decimal = ","
            sorted_cells = [sort(j, False) for j in range(n_columns)]
            point = first_evidence(sorted_cells, ".")
            if point is not None:
                comma_line = where(comma[1])(comma[0])[0]
                raise TableFormatError(
                    f"expected one decimal mark in the file, found {comma[2]!r} (a decimal comma, "
                    f"line {comma_line}) and {point[2]!r} (a decimal point); give --decimal , "
                    "or --decimal . to say which",
                    path,
                    where(point[1])(point[0])[0],
                    point[1] + 1,
                )
    columns: list[Column] = []
    notes: list[str] = []
    problems: list[TableFormatError] = []
    for j in range(n_columns):
        typed = partial(
            type_column,
            name=names[j],
            j=j,
            where=where(j),
            decimal=decimal,
            known=(typing.formats or {}).get(j),
            ambiguous_commas=typing.decimal is None and sep != ",",
            labels=j in typing.labels,
        )
        try:
            try:
                column, said = typed(sorted_cells[j])
            except NeedsTextsError:  # labels with numbers among them: every cell as a text
                column, said = typed(sort(j, False))
        except TableFormatError as problem:  # the earliest in the file is the one to report
            problems.append(TableFormatError(problem.message, path, problem.line, problem.column))
            continue
        columns.append(column)
        notes += said
    if problems:
        raise min(problems, key=lambda problem: (problem.line or 0, problem.column or 0))
    return columns, decimal, notes
