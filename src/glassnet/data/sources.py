r"""A table's source text, line by line, without keeping a string for every line.

A table remembers where it came from so that it can be written back with everything in place.
``Lines`` gives any line by number (1-based) and streams spans of them out again, over text
held in memory (bytes from standard input, or a small file) or over a file read again when
needed, so a million-row table costs its line offsets, not a copy of itself. Lines end at
``\n``, ``\r\n`` or a lone ``\r``; a byte-order mark before the first line is not part of it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from os import PathLike
from typing import Any, overload

import numpy as np

from glassnet.errors import InputNotFoundError

__all__ = [
    "FileSource",
    "Lines",
    "MemorySource",
    "Source",
    "file_size",
    "line_starts",
    "read_bytes",
]

_STEP = 1 << 22  # bytes read at a time when streaming a file


def line_starts(data: bytes, base: int = 0) -> np.ndarray[Any, np.dtype[np.int64]]:
    r"""The offset of every line's first byte in ``data`` (plus ``base``), and of its end.

    Lines end at ``\n`` (``\r\n`` ends at the ``\n``); ``data`` holds no lone ``\r``. The
    last entry is the end of the data; text after a final line break is no line.
    """
    buffer = np.frombuffer(data, dtype=np.uint8)
    breaks = np.flatnonzero(buffer == 10) + 1
    starts = np.concatenate(([0], breaks))
    if starts[-1] != len(data):
        starts = np.concatenate((starts, [len(data)]))
    return starts.astype(np.int64) + base


class Lines(Sequence[str]):
    r"""The lines of a source, by position (0-based), as text without their line break.

    Parameters
    ----------
    starts : ndarray of int64
        Offsets of each line's first byte, then the end of the last line.
    data : bytes, optional
        The source's bytes, when it is held in memory.
    path : str, optional
        The file to read lines from again, when it is not.
    texts : sequence of str, optional
        The lines themselves, when they were split already (small tables).
    first : int, default=1
        The number of the first line held: a piece of a table holds lines from there on, and
        is indexed as the whole source would be (``lines[first - 1]`` is its first line).
    """

    def __init__(
        self,
        starts: np.ndarray[Any, np.dtype[np.int64]] | None = None,
        data: bytes | None = None,
        path: str | None = None,
        texts: Sequence[str] | None = None,
        first: int = 1,
    ) -> None:
        self.starts = starts
        self.data = data
        self.path = path
        self.texts = None if texts is None else list(texts)
        self.first = first

    def __len__(self) -> int:
        if self.texts is not None:
            return len(self.texts)
        assert self.starts is not None
        return len(self.starts) - 1

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...

    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice):
            start = self.first - 1
            return [self[k + start] for k in range(*index.indices(len(self)))]
        index -= self.first - 1  # lines are numbered as in the whole source
        if self.texts is not None:
            return self.texts[index]
        if not 0 <= index < len(self):
            raise IndexError(index)
        return _line_text(self._bytes(index, index + 1))

    def __iter__(self) -> Iterator[str]:
        if self.texts is not None:
            yield from self.texts
            return
        for block in self.blocks(0, len(self)):
            yield from (_line_text(line) for line in block.split(b"\n")[:-1])

    def numbered_blocks(self) -> Iterator[tuple[int, bytes]]:
        """Every line's raw bytes, in pieces that end at line breaks: (first line number, bytes)."""
        number = self.first
        for block in self.blocks(0, len(self)):
            yield number, block
            number += block.count(b"\n")

    def blocks(self, first: int, stop: int) -> Iterator[bytes]:
        r"""The raw bytes of lines ``first`` to ``stop - 1``, in pieces that end at ``\n``.

        Every line ends in ``\n`` (one is added after a last line that had none); ``\r\n``
        stays as written.
        """
        if first >= stop:
            return
        if self.texts is not None:
            yield "".join(line + "\n" for line in self.texts[first:stop]).encode("utf-8")
            return
        assert self.starts is not None
        begin, end = int(self.starts[first]), int(self.starts[stop])
        position = begin
        while position < end:
            cut = min(end, position + _STEP)
            if cut < end:  # end a piece at a line break
                cut = int(self.starts[np.searchsorted(self.starts, cut, side="right") - 1])
                if cut <= position:
                    cut = int(self.starts[np.searchsorted(self.starts, position, side="right")])
            piece = self._read(position, cut)
            if not piece.endswith(b"\n"):
                piece += b"\n"
            yield piece
            position = cut

    def _bytes(self, first: int, stop: int) -> bytes:
        assert self.starts is not None
        return self._read(int(self.starts[first]), int(self.starts[stop]))

    def _read(self, begin: int, end: int) -> bytes:
        if self.data is not None:
            return self.data[begin:end]
        assert self.path is not None
        with open(self.path, "rb") as handle:
            handle.seek(begin)
            return handle.read(end - begin)

    def unchanged(self) -> bool:
        """Whether a file read again still has the size it had (an edit in between would not)."""
        if self.path is None or self.starts is None:
            return True
        try:
            return os.path.getsize(self.path) >= int(self.starts[-1])
        except OSError:
            return False


def _line_text(raw: bytes) -> str:
    return raw.rstrip(b"\n").removesuffix(b"\r").decode("utf-8", errors="replace")


def lines_of(texts: Sequence[str]) -> Lines:
    """``Lines`` over lines already split."""
    return Lines(texts=texts)


# -- where the bytes come from -----------------------------------------------------------------


class MemorySource:
    """A source held in memory."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.size = len(data)

    def read(self, begin: int, end: int) -> bytes:
        """Bytes ``begin`` to ``end``."""
        return self.data[begin:end]

    def lines(self, starts: np.ndarray[Any, np.dtype[np.int64]], first: int = 1) -> Lines:
        """The lines that start at ``starts``, numbered from ``first``."""
        return Lines(starts, data=self.data, first=first)


class FileSource:
    """A file read block by block, and again when its lines are asked for."""

    def __init__(self, path: str, size: int) -> None:
        self.path = path
        self.size = size

    def read(self, begin: int, end: int) -> bytes:
        """Bytes ``begin`` to ``end``, read from the file now."""
        try:
            with open(self.path, "rb") as handle:
                handle.seek(begin)
                return handle.read(end - begin)
        except OSError as error:
            raise InputNotFoundError(
                f"{self.path}: cannot read: {error.strerror or error}"
            ) from None

    def lines(self, starts: np.ndarray[Any, np.dtype[np.int64]], first: int = 1) -> Lines:
        """The lines that start at ``starts``, numbered from ``first``, read again on demand."""
        return Lines(starts, path=self.path, first=first)


Source = MemorySource | FileSource


def file_size(path: str) -> int:
    """The size of a table file, or InputNotFoundError saying why it cannot be read."""
    if os.path.isdir(path):
        raise InputNotFoundError(f"{path}: is a directory, expected a table file")
    try:
        return os.path.getsize(path)
    except FileNotFoundError:
        raise InputNotFoundError(f"{path}: no such file") from None
    except OSError as error:
        raise InputNotFoundError(f"{path}: cannot read: {error.strerror or error}") from None


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
