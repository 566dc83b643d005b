r"""Writing tables: cells back into text that ``parse_table`` reads as the same cells.

``write_table`` quotes what needs it and puts comments and blank lines back in their places. It
knows no ``Table`` and no model; ``rewriting`` writes a read table back with cells filled in.
"""

from __future__ import annotations

from collections.abc import Sequence

from glassnet.data.parsing import _separator

__all__ = ["quote", "write_table"]


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
        lines.append(separator.join(quote(cell) for cell in header))
    ends = [""] * len(rows) if trailing is None else trailing
    for i, (row, end) in enumerate(zip(rows, ends, strict=True)):
        lines.extend(before.get(i, []))
        lines.append(separator.join(quote(cell) for cell in row) + end)
    lines.extend(before.get(len(rows), []))
    return "".join(line + newline for line in lines)


def quote(cell: str, sep: str | None = None) -> str:
    """``cell`` as written in a table: quoted when it holds what would split or hide it.

    Without ``sep`` the cell is quoted when any separator could split it; with ``sep`` only
    when that one could (an empty cell stays empty between two commas).
    """
    if any(char in cell for char in "\r\n"):
        raise ValueError(f"a cell cannot hold a line break, got {cell!r}")
    splitting = ' \t,;|"#\ufeff' if sep is None or sep == " " else sep + '"#\ufeff'
    empty = cell == "" and (sep is None or sep == " ")
    if empty or any(char in cell for char in splitting) or cell != cell.strip(" \t"):
        return '"' + cell.replace('"', '""') + '"'
    return cell
