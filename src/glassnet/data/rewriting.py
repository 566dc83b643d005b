r"""Writing a read table back with some cells changed: everything else stays as it was written.

A filled table is its source again, line for line: comments, blank lines, quoting and the
columns' order are kept; only the rows that got answers are written anew, with each answer in its
cell (or after the last cell, for a table of inputs only). Lines end in ``\n``. It knows nothing
of models: the answers come from the caller.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from glassnet.data.parsing import _separator, _split
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
    lines = list(table.source)
    trailing = trailing or {}
    for i, values in answers.items():
        number = int(table.lines[i])
        cells = _split(table.source[number - 1], table.sep, table.path, number)
        if columns is None:
            cells.extend(value or "" for value in values)
        else:
            for j, value in zip(columns, values, strict=True):
                if value is not None:
                    cells[j if table.file_columns is None else table.file_columns[j]] = value
        row = separator.join(quote(cell, separator) for cell in cells)
        lines[number - 1] = row + trailing.get(i, "")
    dropped = None
    if table.header_line is not None:
        if not header or table.header is None:
            dropped = table.header_line - 1
        elif columns is None and added_names:
            names = [*table.header, *added_names]
            lines[table.header_line - 1] = separator.join(quote(name, separator) for name in names)
    return "".join(line + "\n" for k, line in enumerate(lines) if k != dropped)
