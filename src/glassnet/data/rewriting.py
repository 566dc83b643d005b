r"""Writing a read table back with some cells changed: everything else stays as it was written.

A filled table is its source again, line for line: comments, blank lines, quoting and the
columns' order are kept; only the rows that got answers are written anew, with each answer in its
cell (or after the last cell, for a table of inputs only). Lines end in ``\n``. It knows nothing
of models: the answers come from the caller.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence

from glassnet.data.parsing import _separator, _split
from glassnet.data.sources import Lines
from glassnet.data.table import Table
from glassnet.data.writing import quote

__all__ = ["rewrite_table"]


def rewrite_table(
    table: Table,
    answers: Mapping[int, Sequence[str | None]],
    columns: Sequence[int] | None,
    added_names: Sequence[str] = (),
    header: bool = True,
    trailing: Mapping[int, str] | None = None,
) -> str:
    r"""Return ``table``'s text with each answered row's cells replaced (or extended).

    Parameters
    ----------
    table : Table
        A table as read (its ``source`` holds every line).
    answers : mapping of int to sequence of (str or None)
        For each answered row (0-based), the texts to write; None leaves a cell as it is.
    columns : sequence of int or None
        The columns (0-based, in the table) the answers go to; None adds them after the last.
    added_names : sequence of str
        With ``columns=None``, the names added to the header line (when there is one).
    header : bool, default=True
        Whether to keep the header line (a table whose ``header`` is None has it dropped).
    trailing : mapping of int to str, optional
        Text added to the end of a row's line, such as ``"  # p=0.97"``.

    Returns
    -------
    str

    Examples
    --------
    >>> from glassnet.data import parse_table
    >>> table = parse_table("# sizes\nx,y\n1,2\n3,?\n")
    >>> print(rewrite_table(table, {1: ["4.5"]}, [1]), end="")
    # sizes
    x,y
    1,2
    3,4.5
    """
    separator = _separator(table.sep)
    trailing = trailing or {}
    rows = {int(table.lines[i]): i for i in answers}  # line number -> answered row

    def written(number: int, line: str) -> str | None:
        """Line ``number`` as it is to be written (None: left out)."""
        if number == table.header_line:
            if not header or table.header is None:
                return None
            if columns is None and added_names:
                names = [*table.header, *added_names]
                return separator.join(quote(name, separator) for name in names)
        i = rows.get(number)
        if i is None:
            return line
        cells = _row(table, number, line, answers[i], columns, separator)
        return cells + trailing.get(i, "")

    lines = [*rows, *([table.header_line] if table.header_line is not None else [])]
    return "".join(_written(table.source, sorted(lines), written))


def _row(
    table: Table,
    number: int,
    line: str,
    values: Sequence[str | None],
    columns: Sequence[int] | None,
    separator: str,
) -> str:
    """``line`` (line ``number``) with the answers in their cells (or after the last).

    A line without quotes or comments is split at its separators and keeps every other cell
    exactly as written; any other is split carefully and written back with what needs quotes
    quoted.
    """
    if '"' not in line and "#" not in line:
        cells = line.split() if separator == " " else line.split(separator)
    else:
        cells = [quote(cell, separator) for cell in _split(line, table.sep, table.path, number)]
    if columns is None:
        cells.extend(quote(value or "", separator) for value in values)
    else:
        for j, value in zip(columns, values, strict=True):
            if value is not None:
                position = j if table.file_columns is None else table.file_columns[j]
                cells[position] = quote(value, separator)
    return separator.join(cells)


def _written(
    source: Sequence[str], wanted: list[int], written: Callable[[int, str], str | None]
) -> Iterator[str]:
    """The source's lines, each ending in a line break, ``wanted`` ones as ``written`` says.

    A big table's lines are read back block by block; a block with no wanted line is written
    as it was read, without splitting it into lines.
    """
    if not isinstance(source, Lines) or source.texts is not None:
        for number, line in enumerate(source, start=1):
            text = written(number, line)
            if text is not None:
                yield text + "\n"
        return
    done = 0
    while done < len(wanted) and wanted[done] < source.first:
        done += 1  # a line of an earlier piece of the table (its header)
    for first, block in source.numbered_blocks():
        text = block.decode("utf-8", errors="replace").replace("\r\n", "\n")
        later = first + text.count("\n")
        if done >= len(wanted) or wanted[done] >= later:
            yield text  # no line of this block changes
            continue
        lines: list[str | None] = list(text.split("\n")[:-1])
        while done < len(wanted) and wanted[done] < later:
            number = wanted[done]
            lines[number - first] = written(number, lines[number - first] or "")
            done += 1
        yield "".join(line + "\n" for line in lines if line is not None)
