"""Turning the text of a table into rows of cells: lines, separators, quotes and comments.

It also decides whether the first line is a header and names the columns. It does not type the
cells (``columns`` does) and reads no files (``reading`` does). Every problem raises
``TableFormatError`` with the line and column.
"""

from __future__ import annotations

import re

from glassnet.errors import TableFormatError

__all__: list[str] = []

# Lines end at \n, \r\n or a lone \r, and nowhere else: str.splitlines would also break at \x0b,
# \x1c, \x85, \u2028 and others, which may sit inside a label.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Plain ASCII decimals only: float() would also take "1_000", "١٢" and " 7 ".
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_BLANK = " \t"
_SEPARATORS = {
    "whitespace": " ",
    "space": " ",
    " ": " ",
    "comma": ",",
    ",": ",",
    "csv": ",",
    "tab": "\t",
    "\t": "\t",
    "\\t": "\t",
    "tsv": "\t",
    "semicolon": ";",
    ";": ";",
    "pipe": "|",
    "|": "|",
}


def _split_text(
    text: str | bytes, path: str, sep: str | None
) -> tuple[str, list[tuple[int, list[str]]], list[str]]:
    """The separator, the cells of each line that holds any (with its number), and every line.

    Lines are numbered from 1 and kept as written, without their line break; the empty text
    after a final line break is no line. Lines without cells (blank, a ``#`` comment, nothing
    but a comment after blanks) are among every line only.
    """
    if isinstance(text, bytes):
        text = _decode(text, path)
    elif text.startswith("\ufeff"):
        text = text[1:]
    lines = _LINE_BREAK.split(text)
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    content = [
        (number, line)
        for number, line in enumerate(lines, start=1)
        if line.strip(_BLANK) and not line.lstrip(_BLANK).startswith("#")
    ]
    if not content:
        raise TableFormatError("expected a table, found no rows", path)
    separator = _separator(sep) if sep is not None else _detect(content[0][1])
    split = [(number, _split(line, separator, path, number)) for number, line in content]
    split = [(number, cells) for number, cells in split if cells]
    if not split:
        raise TableFormatError("expected a table, found no rows", path)
    return separator, split, lines


def _check_widths(body: list[tuple[int, list[str]]], path: str) -> int:
    """The number of cells in the first row, after checking every row has as many."""
    n_columns = len(body[0][1])
    for number, cells in body:
        if len(cells) != n_columns:
            raise TableFormatError(
                f"expected {n_columns} cells as on line {body[0][0]}, found {len(cells)}",
                path,
                number,
                min(len(cells), n_columns) + 1,
            )
    return n_columns


def _decode(data: bytes, path: str, first_line: int = 1) -> str:
    """UTF-8 text of ``data``, a byte-order mark dropped when it starts the source (line 1)."""
    if first_line == 1 and data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = _LINE_BREAK.split(data[: error.start].decode("utf-8"))
        raise TableFormatError(
            f"expected UTF-8 text, found the byte 0x{data[error.start]:02x} at character "
            f"{len(before[-1]) + 1} of the line; save the file as UTF-8",
            path,
            first_line + len(before) - 1,
        ) from None


def _separator(name: str) -> str:
    key = name if name.strip() == "" else name.strip().lower()
    if key in _SEPARATORS:
        return _SEPARATORS[key]
    choices = "whitespace, comma, tab, semicolon, pipe"
    raise TableFormatError(f"expected a separator from {choices}; found {name!r}")


def _detect(line: str) -> str:
    """Pick the separator from a line's unquoted characters (see ``read_table``)."""
    unquoted, quoted, previous = [], False, " "
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted:
            if char == "#" and previous in _BLANK:
                break
            unquoted.append(char)
        previous = char
    text = "".join(unquoted)
    if "\t" in text:
        return "\t"
    counts = [(text.count(sep), -rank, sep) for rank, sep in enumerate(",;|")]
    count, _, sep = max(counts)
    return sep if count else " "


def _split(line: str, sep: str, path: str, number: int) -> list[str]:
    """Split one line into cell texts; a ``#`` at a cell's start or after a blank ends the line.

    Cells may be empty (``1,,2`` has three); a line of nothing but blanks and a comment has none.
    """
    if sep == " ":
        return _split_blanks(line, path, number)
    blanks = _BLANK.replace(sep, "")
    cells: list[str] = []
    position, end = 0, len(line)
    while True:
        while position < end and line[position] in blanks:
            position += 1
        if position == end or line[position] == "#":
            if cells:
                cells.append("")  # "1," or "1, # note": the last cell is empty
            return cells
        if line[position] == sep:
            text = ""
        elif line[position] == '"':
            text, position = _quoted(line, position, path, number, len(cells) + 1)
            while position < end and line[position] in blanks:
                position += 1
            if position < end and line[position] not in (sep, "#"):
                raise _after_quote(line[position], path, number, len(cells) + 1)
        else:  # up to the separator, or a comment: "#" after a blank
            start = position
            while position < end and not (
                line[position] == sep or (line[position] == "#" and line[position - 1] in _BLANK)
            ):
                position += 1
            text = line[start:position].rstrip(blanks)
        cells.append(text)
        if position == end or line[position] == "#":
            return cells
        position += 1  # past the separator


def _split_blanks(line: str, path: str, number: int) -> list[str]:
    """Split at runs of spaces and tabs (the tutorial's format)."""
    cells: list[str] = []
    position, end = 0, len(line)
    while True:
        while position < end and line[position] in _BLANK:
            position += 1
        if position == end or line[position] == "#":
            return cells
        if line[position] == '"':
            text, position = _quoted(line, position, path, number, len(cells) + 1)
            if position < end and line[position] not in _BLANK:
                raise _after_quote(line[position], path, number, len(cells) + 1)
        else:
            start = position
            while position < end and line[position] not in _BLANK:
                position += 1
            text = line[start:position]
        cells.append(text)


def _after_quote(found: str, path: str, number: int, column: int) -> TableFormatError:
    return TableFormatError(
        f"expected a separator after the closing quote, found {found!r}", path, number, column
    )


def _quoted(line: str, start: int, path: str, number: int, column: int) -> tuple[str, int]:
    """Read a double-quoted cell from ``start``; ``""`` inside stands for one quote."""
    parts, position = [], start + 1
    while True:
        close = line.find('"', position)
        if close < 0:
            raise TableFormatError(
                "expected a closing quote before the end of the line", path, number, column
            )
        parts.append(line[position:close])
        if line[close + 1 : close + 2] == '"':
            parts.append('"')
            position = close + 2
        else:
            return "".join(parts), close + 1


def _header_kind(cell: str) -> str:
    """What a cell of the first line looks like: "number", "?" or "text" (for header detection)."""
    if cell == "?":
        return "?"
    return "number" if _NUMBER.fullmatch(cell) else "text"


def _is_header(split: list[tuple[int, list[str]]]) -> bool:
    """Whether the first line names the columns (see ``parse_table``)."""
    first = split[0][1]
    if any(_header_kind(cell) != "text" for cell in first):
        return False
    rest = [cells for _, cells in split[1:]]
    if not rest or len(first) != len(rest[0]):
        return True
    columns = [[row[j] for row in rest if j < len(row)] for j in range(len(first))]
    for column in columns:
        kinds = {_header_kind(cell) for cell in column}
        if "number" in kinds and kinds <= {"number", "?"}:
            return True
    named = [(name, column) for name, column in zip(first, columns, strict=True) if name]
    return all(name not in column for name, column in named)


def _names(header: list[str] | None, n_columns: int, path: str, line: int | None) -> list[str]:
    """One name per column: the header's (a blank one becomes ``columnJ``), else ``columnJ``."""
    if header is None:
        return [f"column{j}" for j in range(1, n_columns + 1)]
    if len(header) == 2 and n_columns > 2:  # "Input Output": a group name, then the output
        return [f"{header[0]}{j}" for j in range(1, n_columns)] + [header[1]]
    if len(header) != n_columns:
        raise TableFormatError(
            f"expected {n_columns} names in the header (one per column), found {len(header)}",
            path,
            line,
            min(len(header), n_columns) + 1,
        )
    names = [name or f"column{j}" for j, name in enumerate(header, start=1)]
    seen: dict[str, int] = {}
    for column, name in enumerate(names, start=1):
        if name in seen:
            raise TableFormatError(
                f"expected a new column name, found {name!r} again (first in column {seen[name]})",
                path,
                line,
                column,
            )
        seen[name] = column
    return names
