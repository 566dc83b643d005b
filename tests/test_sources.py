"""Where a table's bytes come from: lines read again on demand, from memory or from the file."""

from __future__ import annotations

import io
import sys

import numpy as np
import pytest

from glassnet.data import sources
from glassnet.data.sources import (
    FileSource,
    MemorySource,
    file_size,
    line_starts,
    read_bytes,
)
from glassnet.errors import InputNotFoundError

TEXT = b"a,b\r\n1,2\n\n3,4\nlast"  # CRLF, a blank line, no line break at the end


@pytest.fixture(params=["memory", "file"])
def lines(request, tmp_path):
    starts = line_starts(TEXT)
    if request.param == "memory":
        return MemorySource(TEXT).lines(starts)
    path = tmp_path / "t.csv"
    path.write_bytes(TEXT)
    return FileSource(str(path), len(TEXT)).lines(starts)


def test_lines_read_again_are_the_lines_as_written(lines):
    expected = ["a,b", "1,2", "", "3,4", "last"]
    assert len(lines) == 5
    assert [lines[k] for k in range(5)] == expected
    assert list(lines) == expected
    assert lines[1:4] == expected[1:4]
    with pytest.raises(IndexError):
        lines[5]


def test_blocks_end_at_line_breaks_however_small_the_step(lines, monkeypatch):
    monkeypatch.setattr(sources, "_STEP", 3)  # smaller than a line: one line a piece
    pieces = list(lines.blocks(0, 5))
    assert all(piece.endswith(b"\n") for piece in pieces)
    assert b"".join(pieces) == TEXT + b"\n"
    assert list(lines.blocks(3, 3)) == []
    numbered = list(lines.numbered_blocks())
    assert [number for number, _ in numbered] == list(range(1, len(numbered) + 1))


def test_a_piece_of_a_source_is_numbered_as_the_whole_source():
    starts = line_starts(TEXT)[2:]  # lines 3 to 5
    piece = MemorySource(TEXT).lines(starts, first=3)
    assert len(piece) == 3
    assert piece[2] == ""  # line 3, as the whole source numbers it
    assert piece[4] == "last"
    assert piece[2:5] == ["", "3,4", "last"]


def test_lines_split_already_keep_their_texts():
    lines = sources.lines_of(["x y", "1 2"])
    assert (len(lines), lines[1], list(lines)) == (2, "1 2", ["x y", "1 2"])
    assert list(lines.blocks(0, 2)) == [b"x y\n1 2\n"]
    assert lines.unchanged()


def test_a_file_edited_after_reading_is_noticed(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(TEXT)
    lines = FileSource(str(path), len(TEXT)).lines(line_starts(TEXT))
    assert lines.unchanged()
    path.write_bytes(TEXT[:5])
    assert not lines.unchanged()
    path.unlink()
    assert not lines.unchanged()


def test_files_that_cannot_be_read_are_named(tmp_path):
    with pytest.raises(InputNotFoundError, match="no such file"):
        file_size(str(tmp_path / "absent.csv"))
    with pytest.raises(InputNotFoundError, match="is a directory, expected a table file"):
        file_size(str(tmp_path))
    with pytest.raises(InputNotFoundError, match="no such file"):
        read_bytes(tmp_path / "absent.csv")
    with pytest.raises(InputNotFoundError, match="is a directory"):
        read_bytes(tmp_path)
    gone = FileSource(str(tmp_path / "gone.csv"), 10)
    with pytest.raises(InputNotFoundError, match=r"gone\.csv: cannot read"):
        gone.read(0, 10)


def test_standard_input_is_read_as_bytes_or_text(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"x\n1\n")))
    assert read_bytes("-") == b"x\n1\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO("y\n2\n"))  # no buffer underneath
    assert read_bytes("-") == b"y\n2\n"


def test_line_starts_add_the_end_of_a_last_line_without_a_break():
    np.testing.assert_array_equal(line_starts(b"ab\ncd"), [0, 3, 5])
    np.testing.assert_array_equal(line_starts(b"ab\ncd\n", base=10), [10, 13, 16])
