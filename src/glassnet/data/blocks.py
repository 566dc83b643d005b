r"""Reading a block of a big table's rows at NumPy's speed, or saying it cannot.

A block is a run of whole lines. When it holds nothing the quick way could read differently
from the line-by-line reader (quotes, ``#``, blank lines, lone ``\r``, bytes outside printable
ASCII, or ``nan`` and ``inf`` where they would not be missing cells), ``numpy.loadtxt`` splits
it in C: number columns straight into float64, the others as bytes. Missing cells become NaN on
the way (one regular expression over the block), text in a number column makes the block be
read again with every column as bytes, and each column comes out sorted into ``Cells`` as the
line-by-line reader sorts them. Otherwise ``read_block`` returns None and the caller reads the
block line by line: the answer is the same, only slower.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet.data.columns import Cells
from glassnet.data.numbers import number_cells

__all__ = ["read_block"]

# Printable ASCII, tab and line feed: anything else (control bytes, or not ASCII, where the
# line-by-line reader knows more of Unicode's blanks) needs the careful reader.
_PLAIN_BYTES = bytes(range(32, 127)) + b"\t\n"
# What separates letters in a block of plain bytes: taken out, the letters of neighbouring
# cells run together, so any ``inf`` or ``nan`` in the block is still found among them.
_NOT_LETTERS = bytes(b for b in _PLAIN_BYTES if not chr(b).isalpha())
_BLANKS_LINE = re.compile(rb"(?:^|\n)[ \t]+(?:\n|\Z)")
_INFINITY = re.compile(rb"(?i)(?<![\w.+-])[+-]?inf(?:inity)?(?![\w.])")
_SIGNED_NAN = re.compile(rb"(?i)(?<![\w.+-])[+-]nan(?![\w.])")
_NAN = re.compile(rb"(?i)(?<![\w.+-])nan(?![\w.])")


def read_block(
    block: bytes,
    sep: str,
    numeric: Sequence[bool],
    missing: Sequence[str],
) -> list[Cells] | None:
    r"""Sort the cells of every column of ``block``, or None when it needs the careful reader.

    Parameters
    ----------
    block : bytes
        Whole lines (``\n`` or ``\r\n`` ends), no header.
    sep : str
        The separator: ``" "`` (runs of blanks), ``","``, ``"\t"``, ``";"`` or ``"|"``.
    numeric : sequence of bool
        For each column, whether to try reading it as float64 directly (no missing cell and no
        text expected in it). A block where such a column holds something else is read again
        with every column as bytes.
    missing : sequence of str
        The missing words (``?`` and the empty cell always are).

    Returns
    -------
    list of Cells or None
        One per column, sorted as ``columns.sort_cells`` sorts the same cells.
    """
    if b"\r" in block:
        if block.count(b"\r") != block.count(b"\r\n"):
            return None
        block = block.replace(b"\r\n", b"\n")
    if not block.endswith(b"\n"):
        block += b"\n"
    words = {word.casefold() for word in missing}
    ends = np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == 10)  # (n_rows,)
    lengths = np.diff(ends, prepend=-1) - 1  # of every line, without its line break
    if _needs_care(block, words, lengths):
        return None
    n_rows, width = len(ends), max(1, int(lengths.max()))
    loaded = _load(block, sep, numeric, width)
    if loaded is None:  # something else than numbers in a number column: all as bytes
        loaded = _load(block, sep, [False] * len(numeric), width)
    if loaded is None or len(loaded) != n_rows:
        return None
    absent = np.array(sorted({word.encode() for word in words} | {b"?", b""}))
    blanks = b" " in block or b"\t" in block
    cells = []
    for j in range(len(numeric)):
        field = loaded[f"f{j}"]
        if field.dtype.kind == "f":
            cells.append(_numbers(field))
        else:
            cells.append(_texts(field, sep, absent, blanks))
    return cells


def _needs_care(block: bytes, words: set[str], lengths: np.ndarray[Any, Any]) -> bool:
    """Whether ``block`` holds anything NumPy might read otherwise than the careful reader.

    ``lengths`` are its lines' lengths. Each test is a search NumPy or CPython runs in C; the
    letters alone (``_NOT_LETTERS`` taken out) are searched for ``inf`` and ``nan`` first, and
    only where they might be does a regular expression look at the whole block.
    """
    if b'"' in block or b"#" in block or (lengths == 0).any():
        return True  # quotes, comments, blank lines
    if block.translate(None, _PLAIN_BYTES):
        return True  # control bytes, or not ASCII
    blanks = (b" " in block and b" \n" in block) or (b"\t" in block and b"\t\n" in block)
    if blanks and _BLANKS_LINE.search(block):
        return True  # a line of blanks only
    letters = block.translate(None, _NOT_LETTERS).lower()
    if b"inf" in letters and _INFINITY.search(block):
        return True  # NumPy reads it as a number; the careful reader refuses it, with its place
    if b"nan" in letters:  # NumPy reads every nan as a number, so each must be a missing cell
        return _SIGNED_NAN.search(block) is not None or (
            "nan" not in words and _NAN.search(block) is not None
        )
    return False


def _load(block: bytes, sep: str, numeric: Sequence[bool], width: int) -> Any:
    """``numpy.loadtxt`` of the block as one record a row, or None if a cell does not fit."""
    dtype = [(f"f{j}", "f8" if number else f"S{width}") for j, number in enumerate(numeric)]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # an empty block: None below tells the caller
            return np.loadtxt(
                io.BytesIO(block),
                delimiter=None if sep == " " else sep,
                dtype=dtype,
                comments=None,
                quotechar=None,
                ndmin=1,
                encoding="ascii",
            )
    except ValueError:
        return None


def _numbers(values: np.ndarray[Any, Any]) -> Cells:
    """A float64 column: its NaNs are the missing cells (``nan`` is a missing word here)."""
    values = np.ascontiguousarray(values)
    missing = np.isnan(values)
    return Cells(values, missing, np.full(values.shape, -1, dtype=np.int32), [])


def _texts(
    raw: np.ndarray[Any, Any], sep: str, absent: np.ndarray[Any, Any], blanks: bool
) -> Cells:
    """A bytes column sorted as ``sort_cells`` sorts texts: missing, plain numbers, the rest.

    Each distinct text is looked at once: missing words, plain numbers
    (``numbers.number_cells``, converted by NumPy exactly as ``float()`` converts them), the
    other texts numbered in order of first appearance. ``blanks`` says whether the block holds
    a blank or tab at all (cells are stripped only then).
    """
    longest = int(np.char.str_len(raw).max()) if raw.size else 1
    cells = np.ascontiguousarray(raw).astype(f"S{max(1, longest)}")  # narrow: a quick sort
    if sep != " " and blanks:
        cells = np.char.strip(cells, b" \t")
    distinct, first, inverse = np.unique(cells, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    gone = np.isin(np.char.lower(distinct), absent)  # the distinct texts that are missing cells
    plain = number_cells(distinct) & ~gone
    numbers = np.full(len(distinct), np.nan)
    numbers[plain] = distinct[plain].astype(np.float64)
    others = np.flatnonzero(~plain & ~gone)
    order = others[np.argsort(first[others], kind="stable")]  # first appearance first
    rank = np.full(len(distinct), -1, dtype=np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    texts = [distinct[k].decode("ascii") for k in order]
    return Cells(numbers[inverse], gone[inverse], rank[inverse], texts)
