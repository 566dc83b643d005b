"""The table reader: formats, headers, comments, line endings, typing, errors and round trips."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glassnet.data import parse_table, read_table, write_table
from glassnet.data.columns import DEFAULT_MISSING, missing_words
from glassnet.data.formats import detect_format, is_plain_number
from glassnet.errors import InputNotFoundError, TableFormatError

POST_TABLE = "Input Output\n0 0 1 1\n1 1 1 1\n1 0 1 1\n0 1 1 0\n1 0 0 ?\n"


def test_read_table_tutorial_as_printed_has_group_header():
    table = parse_table(POST_TABLE, "post.txt")
    assert table.header == ["Input", "Output"]
    assert table.names == ["Input1", "Input2", "Input3", "Output"]
    assert table.kinds == ["number"] * 4
    assert table.lines.tolist() == [2, 3, 4, 5, 6]
    assert table.rows[-1] == ["1", "0", "0", "?"]
    np.testing.assert_array_equal(table.numbers(3)[:4], [1, 1, 1, 0])
    assert np.isnan(table.numbers(3)[4])


@pytest.mark.parametrize(
    ("text", "sep"),
    [
        pytest.param("a b c\n1 2 3\n4  5\t6\n", " ", id="whitespace"),
        pytest.param("a,b,c\n1,2,3\n4, 5 ,6\n", ",", id="csv"),
        pytest.param("a\tb\tc\n1\t2\t3\n4\t5\t6\n", "\t", id="tsv"),
    ],
)
def test_read_table_detects_separator(text, sep):
    table = parse_table(text)
    assert table.sep == sep
    assert table.names == ["a", "b", "c"]
    assert table.rows == [["1", "2", "3"], ["4", "5", "6"]]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("semicolon", "a;b\n1;2\n"),
        (";", "a;b\n1;2\n"),
        ("|", "a|b\n1|2\n"),
        ("tab", "a\tb\n1\t2\n"),
        ("\\t", "a\tb\n1\t2\n"),
        ("comma", "a,b\n1,2\n"),
        ("whitespace", "a b\n1 2\n"),
    ],
)
def test_read_table_takes_separator_by_name(name, text):
    assert parse_table(text, sep=name).rows == [["1", "2"]]


def test_read_table_rejects_unknown_separator():
    with pytest.raises(TableFormatError, match="expected a separator from"):
        parse_table("1 2\n", sep="colon")


def test_read_table_bom_crlf_comments_and_blank_lines():
    text = "\ufeff# a comment\r\n\r\nx,y\r\n1,2 # trailing note\r\n  \r\n3,4\r\n"
    table = parse_table(text)
    assert table.names == ["x", "y"]
    assert table.rows == [["1", "2"], ["3", "4"]]
    assert table.lines.tolist() == [4, 6]
    assert parse_table(text.encode("utf-8")).rows == table.rows


def test_read_table_splits_lines_only_at_cr_and_lf():
    table = parse_table("a\x0bb c\n1\x1c2 3\r4 5")
    assert table.header == ["a\x0bb", "c"]
    assert table.rows == [["1\x1c2", "3"], ["4", "5"]]
    assert table.lines.tolist() == [2, 3]


def test_read_table_quoted_cells():
    table = parse_table('n,city\n1,"New, York"\n2,"say ""hi"""\n3, "Rome" \n')
    assert table.cells(1) == ["New, York", 'say "hi"', "Rome"]
    assert parse_table('x "a b"\n1 "c d"\n').rows == [["1", "c d"]]


def test_read_table_label_cells_with_blanks_inside_csv():
    assert parse_table("n,city\n1,New York\n2,Oslo\n").cells(1) == ["New York", "Oslo"]


@pytest.mark.parametrize(
    ("text", "header"),
    [
        pytest.param("x y\n1 2\n", ["x", "y"], id="names-over-numbers"),
        pytest.param("1 2\n3 4\n", None, id="numbers"),
        pytest.param("color size\nred small\nblue big\n", ["color", "size"], id="new-labels"),
        pytest.param("red small\nblue big\nred big\n", None, id="repeated-labels"),
        pytest.param("a b\n? 1\n", ["a", "b"], id="question-mark-below"),
        pytest.param("a ?\n1 2\n", None, id="question-mark-is-data"),
        pytest.param("Input Output\n0 0 1 1\n", ["Input", "Output"], id="group"),
    ],
)
def test_read_table_detects_header(text, header):
    assert parse_table(text).header == header


def test_read_table_header_can_be_forced():
    assert parse_table("1 2\n3 4\n", header=True).names == ["1", "2"]
    assert parse_table("x y\n1 2\n", header=False).kinds == ["label", "label"]
    with pytest.raises(TableFormatError, match=r"^t:1:1: expected a number"):
        parse_table("x y\n1 2\n3 4\n", "t", header=False)


def test_read_table_default_names():
    assert parse_table("1 2 3\n").names == ["column1", "column2", "column3"]


def test_read_table_types_columns_by_majority():
    table = parse_table("a b c\n1 x ?\n2 y ?\n3 7 ?\n")
    assert table.kinds == ["number", "label", "number"]
    assert table.cells(1) == ["x", "y", "7"]
    with pytest.raises(TableFormatError, match="numbers"):
        table.numbers(1)


def test_read_table_labels_may_look_like_nan_in_a_label_column():
    assert parse_table("who n\nNan 1\nBob 2\n").kinds == ["label", "number"]


def test_read_table_column_index():
    table = parse_table("a b\n1 2\n", "t.csv")
    assert table.column_index("b") == 1
    with pytest.raises(TableFormatError, match="expected a column name from a, b; found 'c'"):
        table.column_index("c")


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        pytest.param("1 2\n3\n", "t:2:2", "expected 2 cells as on line 1, found 1", id="short"),
        pytest.param("1 2\n3 4 5\n", "t:2:3", "expected 2 cells as on line 1, found 3", id="long"),
        pytest.param("a,b\n1,x\n2,3\n3,4\n", "t:2:2", "expected a number in column 'b'", id="text"),
        pytest.param("1 2\n2 -inf\n", "t:2:2", "found '-inf'", id="inf"),
        pytest.param("1 1e309\n", "t:1:2", "too large for a 64-bit float", id="1e309"),
        pytest.param("", "t", "expected a table, found no rows", id="empty"),
        pytest.param("# c\n\n  \n", "t", "expected a table, found no rows", id="comments-only"),
        pytest.param("a b\n", "t:1", "expected data rows after the header", id="header-only"),
        pytest.param('1 "a"b\n', "t:1:2", "after the closing quote, found 'b'", id="quote"),
        pytest.param('1,"ab\n', "t:1:2", "expected a closing quote", id="unclosed"),
        pytest.param("a b c\n1 2 3 4\n", "t:1:4", "expected 4 names in the header", id="names"),
        pytest.param("x,x\n1,2\n", "t:1:2", "found 'x' again", id="duplicate-name"),
    ],
)
def test_read_table_errors_name_line_and_column(text, where, message):
    with pytest.raises(TableFormatError) as caught:
        parse_table(text, "t")
    assert str(caught.value).startswith(where + ": ")
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("text", "missing"),
    [
        pytest.param("a,b\n1,,\n2,3,\n", [[False, True], [False, False]], id="trailing-comma"),
        pytest.param("a,b,c\n1,,2\n3,4,5\n", [[False, True, False], [False] * 3], id="empty"),
        pytest.param('a,b\n1,""\n2,3\n', [[False, True], [False, False]], id="empty-quoted"),
        pytest.param("a b\n1 nan\n2 3\n", [[False, True], [False, False]], id="nan"),
        pytest.param("a b\n1 NA\nN/a 3\n", [[False, True], [True, False]], id="na"),
        pytest.param("a b\nnull None\n? 3\n", [[True, True], [True, False]], id="null-none"),
    ],
)
def test_read_table_missing_cells(text, missing):
    table = parse_table(text, "t")
    found = [[bool(table.missing(j)[i]) for j in range(table.n_columns)] for i in range(2)]
    assert found == missing


def test_read_table_trailing_separator_column_is_left_out_with_a_note():
    table = parse_table("a,b,\n1,2,\n3,4,\n", "t")
    assert table.names == ["a", "b"]
    assert table.notes == ("column 3 is empty on every line (each ends in a separator): left out",)


def test_read_table_missing_words_can_be_changed():
    table = parse_table("a,b\n1,NA\n2,x\n", "t", missing=())
    assert table.kinds == ["number", "label"]
    assert table.labels(1)[1] == ("NA", "x")


def test_read_table_reports_the_earliest_bad_cell():
    with pytest.raises(TableFormatError, match=r"^t:3:2: "):
        parse_table("a b\n1 2\n2 x\nq 4\n5 6\n7 8\n", "t")


def test_read_table_non_utf8_names_the_line():
    with pytest.raises(TableFormatError, match=r"^b\.txt:3: expected UTF-8 text, found the byte"):
        parse_table(b"a b\r\n1 2\r\n3 \xff\n", "b.txt")


def test_read_table_file_stdin_and_missing(tmp_path, monkeypatch):
    path = tmp_path / "t.csv"
    path.write_bytes(b"x,y\n1,2\n")
    assert read_table(path).rows == [["1", "2"]]
    assert read_table(str(path)).path == str(path)
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"\xef\xbb\xbfx y\n3 4\n")))
    table = read_table("-")
    assert (table.path, table.rows) == ("<stdin>", [["3", "4"]])
    monkeypatch.setattr("sys.stdin", io.StringIO("x y\n5 6\n"))
    assert read_table("-").rows == [["5", "6"]]
    with pytest.raises(InputNotFoundError, match="no such file"):
        read_table(tmp_path / "nope.csv")
    with pytest.raises(InputNotFoundError, match="is a directory"):
        read_table(tmp_path)


def test_write_table_quotes_what_needs_it():
    text = write_table([["1", "a b"], ["?", 'say "hi"'], ["#x", "\ufeffy"]], ["n", "w"], ",")
    assert text == 'n,w\n1,"a b"\n?,"say ""hi"""\n"#x","\ufeffy"\n'
    with pytest.raises(ValueError, match="line break"):
        write_table([["a\nb"]])


def test_table_to_text_keeps_format():
    table = parse_table("x,y\n1,New York\n")
    assert table.to_text() == 'x,y\n1,"New York"\n'
    assert table.to_text(header=False) == '1,"New York"\n'


# -- properties -----------------------------------------------------------------------------------

LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _check_error(text: str, error: TableFormatError) -> None:
    n_lines = len(LINE_BREAK.split(text))
    if error.line is not None:
        assert 1 <= error.line <= n_lines
    if error.column is not None:
        assert error.column >= 1


TABLE_CHARACTERS = list('01 .,\t"#?-e\r\nab;x\ufeff\x0b5')
table_text = st.text(alphabet=st.sampled_from(TABLE_CHARACTERS), max_size=80)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(table_text, st.text(max_size=60)))
def test_property_any_text_raises_only_table_errors(text):
    try:
        table = parse_table(text, "p")
    except TableFormatError as error:
        _check_error(text, error)
        return
    n_lines = len(LINE_BREAK.split(text))
    assert all(1 <= line <= n_lines for line in table.lines)
    assert all(len(row) == table.n_columns for row in table.rows)


@settings(max_examples=200)
@given(st.binary(max_size=60))
def test_property_any_bytes_raise_only_table_errors(data):
    try:
        parse_table(data, "p")
    except TableFormatError as error:
        _check_error(data.decode("utf-8", errors="replace"), error)


numbers = st.one_of(
    st.integers(-(10**6), 10**6).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
)
labels = st.text(
    alphabet=st.characters(blacklist_characters="\r\n", blacklist_categories=("Cs",)),
    min_size=1,
    max_size=8,
).filter(
    lambda cell: (
        not is_plain_number(cell)
        and cell.casefold() not in missing_words(DEFAULT_MISSING)
        and detect_format([cell]) is None
        and cell.strip("+-").casefold() not in ("inf", "infinity")
    )
)


@st.composite
def tables(draw):
    n_columns = draw(st.integers(1, 4))
    n_rows = draw(st.integers(1, 5))
    kind = st.sampled_from(["number", "label"])
    kinds = draw(st.lists(kind, min_size=n_columns, max_size=n_columns))
    columns = []
    for kind in kinds:
        cells = st.one_of(numbers if kind == "number" else labels, st.just("?"))
        column = draw(st.lists(cells, min_size=n_rows, max_size=n_rows))
        if kind == "label" and all(cell == "?" for cell in column):
            column[0] = draw(labels)
        columns.append(column)
    rows = [list(row) for row in zip(*columns, strict=True)]
    header = None
    if draw(st.booleans()):
        header = draw(st.lists(labels, min_size=n_columns, max_size=n_columns, unique=True))
    return rows, header, kinds


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(
    tables(),
    st.sampled_from([" ", ",", "\t", ";", "|"]),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.booleans(),
)
def test_property_written_tables_read_back_equal(drawn, sep, newline, bom):
    rows, header, kinds = drawn
    text = write_table(rows, header, sep, newline)
    data = ("\ufeff" if bom else "") + text
    given_sep = sep if sep in ";|" else None
    table = parse_table(data.encode("utf-8"), sep=given_sep, header=header is not None)
    assert table.rows == rows
    assert table.header == header
    if len(kinds) > 1:  # one column has no separator to detect
        assert table.sep == sep
    assert table.kinds == kinds
