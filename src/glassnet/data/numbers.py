"""Telling plain numbers from other cells, many at once, as the strict reader tells them.

glassnet's grammar of a plain number is ``[+-]? (digits [. digits] | . digits) [e [+-]
digits]``, in ASCII: NumPy's and Python's float conversions also take ``1_000``, ``nan``,
``inf`` and blanks around the number, which the table reader does not. A small automaton runs
over the bytes of every cell at once, a byte position at a time; cells it accepts can then be
converted by NumPy, which reads them exactly as ``float()`` does.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet._types import Mask

__all__ = ["number_cells"]

# Character classes of the grammar's automaton.
_DIGIT, _SIGN, _DOT, _E, _END, _OTHER = range(6)
_CLASS = np.full(256, _OTHER, dtype=np.uint8)
_CLASS[ord("0") : ord("9") + 1] = _DIGIT
_CLASS[[ord("+"), ord("-")]] = _SIGN
_CLASS[ord(".")] = _DOT
_CLASS[[ord("e"), ord("E")]] = _E
_CLASS[0] = _END

# States: 0 start, 1 sign, 2 integer digits, 3 point after digits, 4 fraction digits,
# 5 point before any digit, 6 e, 7 exponent sign, 8 exponent digits, 9 refused.
# Accepting when the cell ends in 2, 3, 4 or 8.
_DEAD = 9
_MOVES = np.full((10, 6), _DEAD, dtype=np.uint8)
for _state, _moves in {
    0: {_DIGIT: 2, _SIGN: 1, _DOT: 5},
    1: {_DIGIT: 2, _DOT: 5},
    2: {_DIGIT: 2, _DOT: 3, _E: 6, _END: 2},
    3: {_DIGIT: 4, _E: 6, _END: 3},
    4: {_DIGIT: 4, _E: 6, _END: 4},
    5: {_DIGIT: 4},
    6: {_DIGIT: 8, _SIGN: 7},
    7: {_DIGIT: 8},
    8: {_DIGIT: 8, _END: 8},
}.items():
    for _class, _next in _moves.items():
        _MOVES[_state, _class] = _next
_ACCEPTING = np.zeros(10, dtype=bool)
_ACCEPTING[[2, 3, 4, 8]] = True


def number_cells(cells: np.ndarray[Any, np.dtype[Any]]) -> Mask:
    """Which cells are plain numbers in glassnet's grammar, all at once.

    Parameters
    ----------
    cells : ndarray of bytes (``S`` dtype), shape (n,)
        One cell each, as NumPy keeps them: padded with zeros after the last byte.

    Returns
    -------
    ndarray of bool, shape (n,)

    Examples
    --------
    >>> number_cells(np.array([b"12.5", b"-3e2", b"1_000", b".5", b"5.", b"e5", b""]))
    array([ True,  True, False,  True,  True, False, False])
    """
    n = cells.shape[0]
    width = cells.dtype.itemsize
    if width == 0 or n == 0:
        return np.zeros(n, dtype=bool)
    matrix = np.ascontiguousarray(cells).view(np.uint8).reshape(n, width)
    kinds = _CLASS[np.ascontiguousarray(matrix.T)]  # (width, n): a byte position a row
    moves = _MOVES.ravel()
    state = np.zeros(n, dtype=np.uint8)
    for k in range(width):
        state = moves[state * np.uint8(6) + kinds[k]]
    return _ACCEPTING[state] & (matrix[:, 0] != 0)
