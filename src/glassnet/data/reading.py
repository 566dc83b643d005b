r"""Reading tables from files, standard input or text: split into cells, then typed by column.

``read_table`` and ``parse_table`` take whitespace-, comma-, tab-, ``;``- or ``|``-separated
text (detected, or given), an optional header line (detected, or given), ``#`` comments and
blank lines (kept in the table's source, to be written back in place), UTF-8 with or without a
byte-order mark and any line ends. A small table is read line by line (``parsing``); a big one
block by block, each block at NumPy's speed when nothing in it needs the careful reader
(``blocks``), line by line when something does. Both sort every column's cells the same way and
``columns`` types them once, so both give the same table and the same errors, with file, line
and column.
"""

from __future__ import annotations

import codecs
import itertools
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from os import PathLike
from typing import Any

import numpy as np

from glassnet.data.blocks import read_block
from glassnet.data.columns import (
    DEFAULT_MISSING,
    Cells,
    Column,
    NeedsTextsError,
    Typing,
    first_evidence,
    merge_cells,
    missing_words,
    sort_cells,
    type_column,
)
from glassnet.data.formats import is_plain_number
from glassnet.data.parsing import (
    _check_widths,
    _decode,
    _is_header,
    _names,
    _split,
    _split_text,
)
from glassnet.data.sources import Lines, line_starts
from glassnet.data.table import Table
from glassnet.errors import InputNotFoundError, TableFormatError

__all__ = [
    "BLOCK_BYTES",
    "SMALL_BYTES",
    "iter_table",
    "parse_table",
    "read_bytes",
    "read_shard",
    "read_table",
    "shard_bounds",
]

#: Tables up to this size are read line by line, all at once.
SMALL_BYTES = 1 << 20
#: Bigger ones are read in blocks of about this many bytes.
BLOCK_BYTES = 1 << 22
#: The first bytes of a big table, read line by line to find its separator and header.
_HEAD_BYTES = 1 << 16


def read_table(
    source: str | PathLike[str],
    sep: str | None = None,
    header: bool | None = None,
    missing: Sequence[str] = DEFAULT_MISSING,
    decimal: str | None = None,
    typing: Typing | None = None,
    progress: Callable[[int, int], None] | None = None,
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
    progress : callable, optional
        ``progress(done, total)`` after each block of a big table: bytes read, of how many.

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
    typing = _typing(typing, missing, decimal)
    if str(source) == "-":
        return _read(_Bytes(read_bytes(source)), "<stdin>", sep, header, typing, None, progress)
    path = str(source)
    size = _size(path)
    if size <= SMALL_BYTES:
        return _read(_Bytes(read_bytes(path)), path, sep, header, typing)
    return _read(_File(path, size), path, sep, header, typing, None, progress)


def parse_table(
    text: str | bytes,
    path: str = "<string>",
    sep: str | None = None,
    header: bool | None = None,
    missing: Sequence[str] = DEFAULT_MISSING,
    decimal: str | None = None,
    typing: Typing | None = None,
    block_bytes: int | None = None,
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
    block_bytes : int, optional
        Read block by block, blocks of about this many bytes, even a small text; 0 reads line
        by line, even a big one (the same table comes out; for tests and benchmarks).

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
    data = text.encode("utf-8") if isinstance(text, str) else text
    return _read(_Bytes(data), path, sep, header, _typing(typing, missing, decimal), block_bytes)


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


def _size(path: str) -> int:
    if os.path.isdir(path):
        raise InputNotFoundError(f"{path}: is a directory, expected a table file")
    try:
        return os.path.getsize(path)
    except FileNotFoundError:
        raise InputNotFoundError(f"{path}: no such file") from None
    except OSError as error:
        raise InputNotFoundError(f"{path}: cannot read: {error.strerror or error}") from None


def _typing(typing: Typing | None, missing: Sequence[str], decimal: str | None) -> Typing:
    if typing is not None:
        return typing
    if decimal not in (None, ".", ","):
        raise TableFormatError(f"expected the decimal mark . or , ; found {decimal!r}")
    return Typing(missing=tuple(missing), decimal=decimal)


# -- where the bytes come from -------------------------------------------------------------------


class _Bytes:
    """A source held in memory."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.size = len(data)

    def read(self, begin: int, end: int) -> bytes:
        return self.data[begin:end]

    def lines(self, starts: np.ndarray[Any, np.dtype[np.int64]], first: int = 1) -> Lines:
        return Lines(starts, data=self.data, first=first)


class _File:
    """A file read block by block, and again when its lines are asked for."""

    def __init__(self, path: str, size: int) -> None:
        self.path = path
        self.size = size

    def read(self, begin: int, end: int) -> bytes:
        try:
            with open(self.path, "rb") as handle:
                handle.seek(begin)
                return handle.read(end - begin)
        except OSError as error:
            raise InputNotFoundError(
                f"{self.path}: cannot read: {error.strerror or error}"
            ) from None

    def lines(self, starts: np.ndarray[Any, np.dtype[np.int64]], first: int = 1) -> Lines:
        return Lines(starts, path=self.path, first=first)


_Source = _Bytes | _File


# -- reading -------------------------------------------------------------------------------------


def _read(
    source: _Source,
    name: str,
    sep: str | None,
    header: bool | None,
    typing: Typing,
    block_bytes: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Table:
    """Read line by line when small, block by block when big (the same table either way)."""
    if block_bytes is None and source.size > SMALL_BYTES:
        block_bytes = BLOCK_BYTES
    if block_bytes and typing.decimal != ",":
        try:
            table = _read_blocks(source, name, sep, header, typing, block_bytes, progress)
        except _DecimalCommaError:
            table = None
        if table is not None:
            return table
    return _read_lines(source.read(0, source.size), name, sep, header, typing)


def _read_lines(
    data: bytes, name: str, sep: str | None, header: bool | None, typing: Typing
) -> Table:
    """The careful reader: every line split in Python, every column sorted and typed."""
    separator, split, lines = _split_text(data, name, sep)
    has_header = _is_header(split) if header is None else header
    header_cells, header_line = (split[0][1], split[0][0]) if has_header else (None, None)
    body = split[1:] if has_header else split
    if not body:
        raise TableFormatError("expected data rows after the header, found none", name, header_line)
    n_columns = _check_widths(body, name)
    rows = [cells for _, cells in body]
    notes: list[str] = []
    if n_columns > 1 and _empty_last_column(rows, header_cells, n_columns):
        rows = [cells[:-1] for cells in rows]
        header_cells = None if header_cells is None else header_cells[: n_columns - 1]
        n_columns -= 1
        notes.append(
            f"column {n_columns + 1} is empty on every line (each ends in a separator): left out"
        )
    names = _names(header_cells, n_columns, name, header_line)
    row_lines = np.array([number for number, _ in body], dtype=np.int64)
    absent = missing_words(typing.missing)

    def sort(j: int, plain: bool) -> Cells:
        return sort_cells([row[j] for row in rows], absent, plain)

    def where(j: int) -> Callable[[int], tuple[int, str]]:
        return lambda i: (int(row_lines[i]), rows[i][j])

    columns, decimal, assumed = _type_all(n_columns, names, sort, where, name, separator, typing)
    table = Table(
        columns,
        row_lines,
        names,
        header_cells,
        name,
        separator,
        header_line,
        Lines(texts=lines),
        decimal=decimal,
        notes=tuple(notes + assumed),
        missing_words=typing.missing,
    )
    table._rows = rows
    return table


def _type_all(
    n_columns: int,
    names: list[str],
    sort: Callable[[int, bool], Cells],
    where: Callable[[int], Callable[[int], tuple[int, str]]],
    path: str,
    sep: str,
    typing: Typing,
) -> tuple[list[Column], str, list[str]]:
    """Type every column once: the file's decimal mark first, then each column's kind."""
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


def _empty_last_column(rows: list[list[str]], header: list[str] | None, n_columns: int) -> bool:
    """Whether every row's last cell is empty, under a blank header name, none, or no header."""
    if header is not None and len(header) == n_columns and header[-1] != "":
        return False
    if header is not None and len(header) not in (n_columns, n_columns - 1):
        return False
    return all(cells[-1] == "" for cells in rows)


# -- block by block --------------------------------------------------------------------------------


@dataclass
class _Head:
    """What the first lines of a big table say: its separator, header and first data row."""

    sep: str
    header_cells: list[str] | None
    header_line: int | None
    body: int  # the offset of the first byte after the header line (or after a byte-order mark)
    bom: int  # bytes of a byte-order mark before the first line
    n_columns: int
    numeric: list[bool]
    first_row: int  # the line number of the first row, for messages about widths
    rows: int  # rows in the head
    body_bytes: int  # the head's bytes after the header


def _read_blocks(
    source: _Source,
    name: str,
    sep: str | None,
    header: bool | None,
    typing: Typing,
    size: int,
    progress: Callable[[int, int], None] | None = None,
) -> Table | None:
    """Read a big table block by block, or None when only the careful reader can read it.

    None comes back for what the blocks cannot say alone: lone carriage returns as line ends,
    a trailing empty column, a decimal comma; the careful reader then reads the whole text.
    """
    head = _head(source, name, sep, header, typing)
    if head is None:
        return None
    groups = list(_groups(source, head, name, typing, size, None, progress))
    if any(group is None for group in groups):
        return None
    return _table(source, head, name, typing, [g for g in groups if g is not None], True)


def iter_table(
    source: str | PathLike[str],
    sep: str | None = None,
    header: bool | None = None,
    typing: Typing | None = None,
    rows: int = 65536,
) -> Iterator[Table]:
    """Read a table in pieces of about ``rows`` rows, each a ``Table`` of its own.

    Every piece has the table's columns, names and separator; its rows keep their line
    numbers, and its ``source`` holds its own lines (the first piece also the lines above its
    first row, the header among them), so that writing the pieces one after the other writes
    the table. Each piece is typed on its own: a column can be labels in one and numbers in
    another, which is why this serves a model that already knows its columns (``predict``).
    Memory stays that of one piece, whatever the size of the file.

    Raises
    ------
    InputNotFoundError, TableFormatError
        As ``read_table``.
    """
    typing = typing or Typing()
    name = "<stdin>" if str(source) == "-" else str(source)
    if str(source) == "-":
        where: _Source = _Bytes(read_bytes(source))
    else:
        where = _File(name, _size(name))
    if where.size <= SMALL_BYTES or typing.decimal == ",":
        yield _read(_Bytes(where.read(0, where.size)), name, sep, header, typing, 0)
        return
    head = _head(where, name, sep, header, typing)
    if head is None:  # only the careful reader can read it: all at once
        yield _read(_Bytes(where.read(0, where.size)), name, sep, header, typing, 0)
        return
    row_bytes = max(1, head.body_bytes // max(1, head.rows))  # bytes a row takes, about
    size = min(BLOCK_BYTES, max(1 << 16, rows * row_bytes))  # blocks of about ``rows`` rows
    first = True
    for group in _groups(where, head, name, typing, size, rows):
        if group is None:
            raise TableFormatError(
                "expected lines that end in \\n or \\r\\n, found a lone carriage return",
                name,
            )
        yield _table(where, head, name, typing, [group], first)
        first = False


def shard_bounds(source: str | PathLike[str], shards: int) -> list[tuple[int, int]]:
    """Split a table file's rows into ``shards`` byte ranges of about equal size.

    Each range starts and ends at the start of a line (the first starts after the header),
    so that ``read_shard`` of every range reads each row exactly once.

    Raises
    ------
    InputNotFoundError, TableFormatError
        As ``read_table``.
    """
    path = str(source)
    where = _File(path, _size(path))
    head = _head(where, path, None, None, Typing())
    body = head.body if head is not None else 0
    cuts = [body]
    for k in range(1, shards):
        guess = body + (where.size - body) * k // shards
        piece = where.read(guess, min(where.size, guess + (1 << 20)))
        found = piece.find(b"\n")
        cuts.append(max(cuts[-1], where.size if found < 0 else guess + found + 1))
    cuts.append(where.size)
    return list(itertools.pairwise(cuts))


def read_shard(
    source: str | PathLike[str],
    start: int,
    stop: int,
    sep: str | None = None,
    header: bool | None = None,
    typing: Typing | None = None,
) -> Table:
    """Read the rows of a table file whose lines start in bytes ``start`` to ``stop``.

    The file's header (from its first lines) names the columns; only the shard's own bytes are
    read otherwise, so processes reading their shards each read a part of the file. Line
    numbers in messages are the file's. ``start`` and ``stop`` are line starts, as
    ``shard_bounds`` gives them.

    Raises
    ------
    InputNotFoundError, TableFormatError
        As ``read_table``; also TableFormatError for a range that does not start a line.
    """
    typing = typing or Typing()
    path = str(source)
    where = _File(path, _size(path))
    head = _head(where, path, sep, header, typing)
    if head is None:
        raise TableFormatError(
            "expected a table to read in shards: a header and rows of cells, lines that end in "
            "a line break, no trailing empty column",
            path,
        )
    start = max(start, head.body)
    if start > head.body and where.read(start - 1, start) != b"\n":
        raise TableFormatError(f"expected a shard that starts a line, got byte {start}", path)
    first_line = 1 + sum(block.count(b"\n") for _, block in _blocks(where, 0, BLOCK_BYTES, start))
    groups = list(
        _groups(where, head, path, typing, BLOCK_BYTES, None, None, (start, stop, first_line))
    )
    if any(group is None for group in groups):
        raise TableFormatError(
            "expected lines that end in \\n or \\r\\n, found a lone carriage return", path
        )
    return _table(
        where, head, path, typing, [g for g in groups if g is not None], start == head.body
    )


@dataclass
class _Group:
    """Some blocks' rows: each column's sorted cells, the rows' line numbers, and line starts."""

    pieces: list[list[Cells]]
    lines: np.ndarray[Any, Any]
    starts: np.ndarray[Any, Any]  # of every line of the blocks, then the end of the last one
    first: int  # the number of the first line in ``starts``


def _groups(
    source: _Source,
    head: _Head,
    name: str,
    typing: Typing,
    size: int,
    rows: int | None,
    progress: Callable[[int, int], None] | None = None,
    span: tuple[int, int, int] | None = None,
) -> Iterator[_Group | None]:
    """The blocks after the header, sorted, gathered into groups of at least ``rows`` rows.

    All of them make one group when ``rows`` is None; a None group means a block that only the
    careful reader, reading everything, can read (lone carriage returns). ``span`` is (first
    byte, end, number of the first line) of a shard: only its lines are read.
    """
    absent = missing_words(typing.missing)
    if span is None:
        before = source.read(0, head.body)
        starts = [line_starts(before)[:-1] if before[head.bom :] else np.zeros(0, np.int64)]
        begin_at, end_at, first_line = head.body, source.size, 1 + len(starts[0])
    else:
        starts, (begin_at, end_at, first_line) = [], span
    pending = _Group(
        [[] for _ in range(head.n_columns)], np.zeros(0, np.int64), np.zeros(0, np.int64), 1
    )
    if span is not None:
        pending.first = first_line
    lines: list[np.ndarray[Any, Any]] = []
    count = 0
    for begin, block in _blocks(source, begin_at, size, end_at):
        if b"\r" in block and block.count(b"\r") != block.count(b"\r\n"):
            yield None
            return
        block_starts = line_starts(block, begin)
        sorted_block = read_block(block, head.sep, head.numeric, typing.missing)
        if sorted_block is not None:
            numbers = np.arange(first_line, first_line + len(block_starts) - 1)
        else:
            sorted_block, numbers = _careful_block(block, first_line, head, absent, name)
        for j, cells in enumerate(sorted_block):
            pending.pieces[j].append(cells)
        lines.append(numbers)
        starts.append(block_starts[:-1])
        first_line += len(block_starts) - 1
        count += len(numbers)
        if progress is not None:
            progress(begin + len(block), source.size)
        if rows is not None and count >= rows:
            yield _closed(pending, lines, starts, begin + len(block))
            pending = _Group(
                [[] for _ in range(head.n_columns)],
                np.zeros(0, np.int64),
                np.zeros(0, np.int64),
                first_line,
            )
            lines, starts, count = [], [], 0
    if lines or rows is None:
        yield _closed(pending, lines, starts, end_at)


def _closed(
    group: _Group, lines: list[np.ndarray[Any, Any]], starts: list[np.ndarray[Any, Any]], end: int
) -> _Group:
    """``group`` with its rows' line numbers and its lines' starts, ending at ``end``."""
    group.lines = np.concatenate(lines) if lines else np.zeros(0, dtype=np.int64)
    group.starts = np.concatenate([*starts, np.array([end], dtype=np.int64)])
    return group


def _table(
    source: _Source, head: _Head, name: str, typing: Typing, groups: list[_Group], first: bool
) -> Table:
    """The table of some groups of blocks: columns merged and typed, lines to read back."""
    lines = np.concatenate([group.lines for group in groups])
    if not len(lines) and first:
        raise TableFormatError(
            "expected data rows after the header, found none", name, head.header_line
        )
    n_columns = head.n_columns
    merged = [
        merge_cells([piece for g in groups for piece in g.pieces[j]]) for j in range(n_columns)
    ]
    if typing.decimal is None and first_evidence(merged, ",") is not None:
        raise _DecimalCommaError
    starts = np.concatenate(
        [groups[0].starts[:-1], *[g.starts[:-1] for g in groups[1:]], groups[-1].starts[-1:]]
    )
    if first:
        starts[0] = head.bom  # the first line starts after a byte-order mark
    source_lines = source.lines(starts, groups[0].first)
    names = _names(head.header_cells, n_columns, name, head.header_line)
    absent = missing_words(typing.missing)

    def where(j: int) -> Callable[[int], tuple[int, str]]:
        def at(i: int) -> tuple[int, str]:
            number = int(lines[i])
            return number, _split(source_lines[number - 1], head.sep, name, number)[j]

        return at

    def sort(j: int, plain: bool) -> Cells:
        if plain:
            return merged[j]
        cells = [where(j)(i)[1] for i in range(len(lines))]  # read again, as texts
        return sort_cells(cells, absent, plain=False)

    columns, decimal, assumed = _type_all(n_columns, names, sort, where, name, head.sep, typing)
    return Table(
        columns,
        lines,
        names,
        head.header_cells,
        name,
        head.sep,
        head.header_line,
        source_lines,
        decimal=decimal,
        notes=tuple(assumed),
        missing_words=typing.missing,
    )


class _DecimalCommaError(Exception):
    """A decimal comma in a big table: every number must be read again as text."""


def _head(
    source: _Source, name: str, sep: str | None, header: bool | None, typing: Typing
) -> _Head | None:
    """Read the first lines carefully: separator, header, width, and which columns are numbers."""
    raw = source.read(0, min(source.size, _HEAD_BYTES))
    cut = raw.rfind(b"\n")
    if cut < 0:
        return None
    raw = raw[: cut + 1]
    if b"\r" in raw and raw.count(b"\r") != raw.count(b"\r\n"):
        return None  # lone \r line ends: only the careful reader counts them
    bom = 3 if raw.startswith(codecs.BOM_UTF8) else 0
    text = _decode(raw, name)
    separator, split, _ = _split_text(text, name, sep)
    has_header = _is_header(split) if header is None else header
    header_cells, header_line = (split[0][1], split[0][0]) if has_header else (None, None)
    body_rows = split[1:] if has_header else split
    if not body_rows:
        return None
    n_columns = _check_widths(body_rows, name)
    if n_columns > 1 and all(cells[-1] == "" for _, cells in body_rows):
        return None  # a trailing empty column: the careful reader leaves it out
    if (
        header_cells is not None
        and len(header_cells) != n_columns
        and not (len(header_cells) == 2 and n_columns > 2)
    ):
        return None  # the careful reader says what is wrong with the header
    body = bom if header_line is None else int(line_starts(raw)[header_line])
    absent = missing_words(typing.missing)
    numeric = [
        all(
            cells[j].casefold() not in absent and is_plain_number(cells[j])
            for _, cells in body_rows
        )
        for j in range(n_columns)
    ]
    first_row = body_rows[0][0]
    return _Head(
        separator,
        header_cells,
        header_line,
        body,
        bom,
        n_columns,
        numeric,
        first_row,
        len(body_rows),
        len(raw) - body,
    )


def _blocks(
    source: _Source, begin: int, size: int, stop: int | None = None
) -> Iterator[tuple[int, bytes]]:
    """Runs of whole lines from ``begin`` to ``stop``, each about ``size`` bytes.

    Yields (offset, bytes); ``stop`` is a line start, or the end of the source.
    """
    stop = source.size if stop is None else stop
    position = begin
    while position < stop:
        end = min(stop, position + size)
        block = source.read(position, end)
        if end < stop:
            cut = block.rfind(b"\n")
            while cut < 0:  # a line longer than a block: read on to its end
                more = source.read(end, min(stop, end + size))
                if not more:
                    break
                block += more
                end += len(more)
                cut = block.rfind(b"\n")
            if cut >= 0:
                block = block[: cut + 1]
        yield position, block
        position += len(block)


def _careful_block(
    block: bytes, first_line: int, head: _Head, absent: frozenset[str], name: str
) -> tuple[list[Cells], np.ndarray[Any, Any]]:
    """Sort a block's cells line by line (comments, quotes, blank lines and all)."""
    text = _decode(block, name, first_line)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    rows: list[list[str]] = []
    numbers: list[int] = []
    for offset, line in enumerate(lines):
        line = line.removesuffix("\r")
        number = first_line + offset
        stripped = line.strip(" \t")
        if not stripped or stripped.startswith("#"):
            continue
        cells = _split(line, head.sep, name, number)
        if not cells:
            continue
        if len(cells) != head.n_columns:
            raise TableFormatError(
                f"expected {head.n_columns} cells as on line {head.first_row}, found {len(cells)}",
                name,
                number,
                min(len(cells), head.n_columns) + 1,
            )
        rows.append(cells)
        numbers.append(number)
    sorted_cells = [sort_cells([row[j] for row in rows], absent) for j in range(head.n_columns)]
    return sorted_cells, np.array(numbers, dtype=np.int64)
