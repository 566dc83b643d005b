r"""Reading a big table block by block: NumPy's speed where it can, the careful reader elsewhere.

The first lines are read carefully to find the separator, the header and which columns hold
numbers (``head``); then the text after the header is cut into blocks of whole lines. A block
that ``blocks.read_block`` can read goes through ``numpy.loadtxt``; any other is split line by
line, as ``parsing`` splits a small table. Every block's columns come out sorted as
``columns.Cells``, gathered into groups (the whole table, the pieces ``reading.iter_table``
yields, or a shard) and typed once by ``columns.type_columns``, so the table and its errors are
those of the careful reader. Entry points are in ``reading``.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from glassnet.data.blocks import read_block
from glassnet.data.columns import (
    Cells,
    Typing,
    first_evidence,
    merge_cells,
    missing_words,
    sort_cells,
    type_columns,
)
from glassnet.data.formats import is_plain_number
from glassnet.data.parsing import _check_widths, _decode, _is_header, _names, _split, _split_text
from glassnet.data.sources import Source, line_starts
from glassnet.data.table import Table
from glassnet.errors import TableFormatError

__all__ = [
    "BLOCK_BYTES",
    "PIECE_BYTES",
    "DecimalCommaError",
    "Group",
    "Head",
    "block_groups",
    "line_blocks",
    "read_blocks",
    "read_head",
    "table_of",
]

#: Big tables are read in blocks of about this many bytes. 16 MB, not less: each block leaves
#: its columns' pieces behind, and with smaller blocks the C allocator interleaves them with the
#: blocks' passing buffers (a million rows peaked at 384 MB with 4 MB blocks, 322 MB with these,
#: whose buffers it maps and gives back whole).
BLOCK_BYTES = 1 << 24
#: A table read a piece at a time (predict, shards) is read in blocks of at most this many bytes:
#: its memory is that of one piece, and smaller blocks keep the piece's passing buffers small
#: (10 million rows predicted in 301 MB with 16 MB blocks, in less with these).
PIECE_BYTES = 1 << 22


#: The first bytes of a big table, read line by line to find its separator and header.
_HEAD_BYTES = 1 << 16


@dataclass
class Head:
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


def read_blocks(
    source: Source,
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
    head = read_head(source, name, sep, header, typing)
    if head is None:
        return None
    groups = list(block_groups(source, head, name, typing, size, None, progress))
    if any(group is None for group in groups):
        return None
    return table_of(source, head, name, typing, [g for g in groups if g is not None], True)


@dataclass
class Group:
    """Some blocks' rows: each column's sorted cells, the rows' line numbers, and line starts."""

    pieces: list[list[Cells]]
    lines: np.ndarray[Any, Any]
    starts: np.ndarray[Any, Any]  # of every line of the blocks, then the end of the last one
    first: int  # the number of the first line in ``starts``


def block_groups(
    source: Source,
    head: Head,
    name: str,
    typing: Typing,
    size: int,
    rows: int | None,
    progress: Callable[[int, int], None] | None = None,
    span: tuple[int, int, int] | None = None,
) -> Iterator[Group | None]:
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
    pending = Group(
        [[] for _ in range(head.n_columns)], np.zeros(0, np.int64), np.zeros(0, np.int64), 1
    )
    if span is not None:
        pending.first = first_line
    lines: list[np.ndarray[Any, Any]] = []
    count = 0
    for begin, block in line_blocks(source, begin_at, size, end_at):
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
            pending = Group(
                [[] for _ in range(head.n_columns)],
                np.zeros(0, np.int64),
                np.zeros(0, np.int64),
                first_line,
            )
            lines, starts, count = [], [], 0
    if lines or rows is None:
        yield _closed(pending, lines, starts, end_at)


def _closed(
    group: Group, lines: list[np.ndarray[Any, Any]], starts: list[np.ndarray[Any, Any]], end: int
) -> Group:
    """``group`` with its rows' line numbers and its lines' starts, ending at ``end``."""
    group.lines = np.concatenate(lines) if lines else np.zeros(0, dtype=np.int64)
    group.starts = np.concatenate([*starts, np.array([end], dtype=np.int64)])
    return group


def table_of(
    source: Source, head: Head, name: str, typing: Typing, groups: list[Group], first: bool
) -> Table:
    """The table of some groups of blocks: columns merged and typed, lines to read back."""
    lines = np.concatenate([group.lines for group in groups])
    if not len(lines) and first:
        raise TableFormatError(
            "expected data rows after the header, found none", name, head.header_line
        )
    n_columns = head.n_columns
    merged = []
    for j in range(n_columns):  # each column's pieces let go once merged: one copy at a time
        merged.append(merge_cells([piece for g in groups for piece in g.pieces[j]]))
        for group in groups:
            group.pieces[j] = []
    if typing.decimal is None and first_evidence(merged, ",") is not None:
        raise DecimalCommaError
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

    columns, decimal, assumed = type_columns(n_columns, names, sort, where, name, head.sep, typing)
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


class DecimalCommaError(Exception):
    """A decimal comma in a big table: every number must be read again as text."""


def read_head(
    source: Source, name: str, sep: str | None, header: bool | None, typing: Typing
) -> Head | None:
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
    return Head(
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


def line_blocks(
    source: Source, begin: int, size: int, stop: int | None = None
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
    block: bytes, first_line: int, head: Head, absent: frozenset[str], name: str
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
