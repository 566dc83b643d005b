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

import itertools
from collections.abc import Callable, Iterator, Sequence
from os import PathLike

import numpy as np

from glassnet.data.columns import (
    DEFAULT_MISSING,
    Cells,
    Typing,
    missing_words,
    sort_cells,
    type_columns,
)
from glassnet.data.parsing import _check_widths, _is_header, _names, _split_text
from glassnet.data.sources import FileSource, Lines, MemorySource, Source, file_size, read_bytes
from glassnet.data.streaming import (
    BLOCK_BYTES,
    PIECE_BYTES,
    DecimalCommaError,
    Group,
    block_groups,
    line_blocks,
    read_blocks,
    read_head,
    table_of,
)
from glassnet.data.table import Table
from glassnet.errors import TableFormatError

__all__ = [
    "BLOCK_BYTES",
    "SMALL_BYTES",
    "iter_shard",
    "iter_table",
    "parse_table",
    "read_bytes",
    "read_shard",
    "read_table",
    "shard_bounds",
]

#: Tables up to this size are read line by line, all at once.
SMALL_BYTES = 1 << 20


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
        return _read(
            MemorySource(read_bytes(source)), "<stdin>", sep, header, typing, None, progress
        )
    path = str(source)
    size = file_size(path)
    if size <= SMALL_BYTES:
        return _read(MemorySource(read_bytes(path)), path, sep, header, typing)
    return _read(FileSource(path, size), path, sep, header, typing, None, progress)


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
    return _read(
        MemorySource(data), path, sep, header, _typing(typing, missing, decimal), block_bytes
    )


def _typing(typing: Typing | None, missing: Sequence[str], decimal: str | None) -> Typing:
    if typing is not None:
        return typing
    if decimal not in (None, ".", ","):
        raise TableFormatError(f"expected the decimal mark . or , ; found {decimal!r}")
    return Typing(missing=tuple(missing), decimal=decimal)


# -- where the bytes come from -------------------------------------------------------------------


# -- reading -------------------------------------------------------------------------------------


def _read(
    source: Source,
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
            table = read_blocks(source, name, sep, header, typing, block_bytes, progress)
        except DecimalCommaError:
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

    columns, decimal, assumed = type_columns(n_columns, names, sort, where, name, separator, typing)
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


def _empty_last_column(rows: list[list[str]], header: list[str] | None, n_columns: int) -> bool:
    """Whether every row's last cell is empty, under a blank header name, none, or no header."""
    if header is not None and len(header) == n_columns and header[-1] != "":
        return False
    if header is not None and len(header) not in (n_columns, n_columns - 1):
        return False
    return all(cells[-1] == "" for cells in rows)


# -- block by block --------------------------------------------------------------------------------


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
        where: Source = MemorySource(read_bytes(source))
    else:
        where = FileSource(name, file_size(name))
    if where.size <= SMALL_BYTES or typing.decimal == ",":
        yield _read(MemorySource(where.read(0, where.size)), name, sep, header, typing, 0)
        return
    head = read_head(where, name, sep, header, typing)
    if head is None:  # only the careful reader can read it: all at once
        yield _read(MemorySource(where.read(0, where.size)), name, sep, header, typing, 0)
        return
    row_bytes = max(1, head.body_bytes // max(1, head.rows))  # bytes a row takes, about
    size = min(PIECE_BYTES, max(1 << 16, rows * row_bytes))  # blocks of about ``rows`` rows
    first = True
    for group in block_groups(where, head, name, typing, size, rows):
        if group is None:
            raise TableFormatError(
                "expected lines that end in \\n or \\r\\n, found a lone carriage return",
                name,
            )
        yield table_of(where, head, name, typing, [group], first)
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
    where = FileSource(path, file_size(path))
    head = read_head(where, path, None, None, Typing())
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
    shard = _Shard(source, start, stop, sep, header, typing or Typing())
    return shard.table(list(shard.groups(BLOCK_BYTES, None)))


def iter_shard(
    source: str | PathLike[str],
    start: int,
    stop: int,
    sep: str | None = None,
    header: bool | None = None,
    typing: Typing | None = None,
    rows: int = 65536,
) -> Iterator[Table]:
    """Read a shard as ``read_shard`` does, in pieces of about ``rows`` rows (as ``iter_table``).

    Memory stays that of one piece, whatever the size of the shard; each piece is typed on its
    own, so this serves a model that knows its columns.

    Raises
    ------
    InputNotFoundError, TableFormatError
        As ``read_shard``.
    """
    shard = _Shard(source, start, stop, sep, header, typing or Typing())
    for group in shard.groups(shard.piece_bytes(rows), rows):
        yield shard.table([group])


class _Shard:
    """A shard of a table file: its header, byte range and first line number."""

    def __init__(
        self,
        source: str | PathLike[str],
        start: int,
        stop: int,
        sep: str | None,
        header: bool | None,
        typing: Typing,
    ) -> None:
        self.path, self.typing = str(source), typing
        self.where = FileSource(self.path, file_size(self.path))
        head = read_head(self.where, self.path, sep, header, typing)
        if head is None:
            raise TableFormatError(
                "expected a table to read in shards: a header and rows of cells, lines that end "
                "in a line break, no trailing empty column",
                self.path,
            )
        self.head = head
        self.start, self.stop = max(start, head.body), stop
        if self.start > head.body and self.where.read(self.start - 1, self.start) != b"\n":
            raise TableFormatError(
                f"expected a shard that starts a line, got byte {self.start}", self.path
            )
        self.first_line = 1 + sum(
            block.count(b"\n") for _, block in line_blocks(self.where, 0, BLOCK_BYTES, self.start)
        )

    def piece_bytes(self, rows: int) -> int:
        """Blocks of about ``rows`` rows, as the header's rows measure them."""
        row_bytes = max(1, self.head.body_bytes // max(1, self.head.rows))
        return min(PIECE_BYTES, max(1 << 16, rows * row_bytes))

    def groups(self, size: int, rows: int | None) -> Iterator[Group]:
        """The shard's blocks of ``size`` bytes in groups of ``rows`` rows (None: one group)."""
        span = (self.start, self.stop, self.first_line)
        for group in block_groups(
            self.where, self.head, self.path, self.typing, size, rows, None, span
        ):
            if group is None:
                raise TableFormatError(
                    "expected lines that end in \\n or \\r\\n, found a lone carriage return",
                    self.path,
                )
            yield group

    def table(self, groups: list[Group]) -> Table:
        """The table of some of the shard's groups: its lines, none of the header's."""
        return table_of(self.where, self.head, self.path, self.typing, groups, False)
