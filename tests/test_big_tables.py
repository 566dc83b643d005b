"""Big tables: read block by block at NumPy's speed, the same table as line by line."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glassnet.data import parse_table, read_table
from glassnet.data.blocks import read_block
from glassnet.errors import TableFormatError


def assert_same(a, b):
    assert (a.names, a.kinds, a.header, a.header_line, a.sep) == (
        b.names,
        b.kinds,
        b.header,
        b.header_line,
        b.sep,
    )
    assert a.lines.tolist() == b.lines.tolist()
    for x, y in zip(a.columns, b.columns, strict=True):
        np.testing.assert_array_equal(x.missing, y.missing)
        assert x.format == y.format
        if x.values is not None:
            np.testing.assert_array_equal(x.values, y.values)
        else:
            assert x.labels == y.labels
            np.testing.assert_array_equal(x.codes, y.codes)
    assert (a.notes, a.decimal) == (b.notes, b.decimal)
    assert a.rows == b.rows
    assert list(a.source) == list(b.source)


def outcome(text: bytes, block_bytes: int, **options):
    """The table, or the error message."""
    try:
        return parse_table(text, "t", block_bytes=block_bytes, **options)
    except TableFormatError as error:
        return str(error)


def both_ways(text: bytes, **options):
    """Line by line and block by block (tiny blocks): the same table, or the same error."""
    careful, blocks = outcome(text, 0, **options), outcome(text, 48, **options)
    if isinstance(careful, str):
        assert blocks == careful
    else:
        assert_same(careful, blocks)


numbers = st.one_of(
    st.integers(-(10**9), 10**9).map(str),
    st.floats(allow_nan=False, allow_infinity=False, width=64).map(repr),
    st.sampled_from(["1e5", "-2.5E-3", ".5", "5.", "+7", "0", "-0", "1e400", "0.000001"]),
)
labels = st.sampled_from(["a", "b", "red", "New York", "x_1", "é", "1", "NA?", "inf", "nan"])
missing = st.sampled_from(["?", "", "NA", "n/a", "NaN", "null", "None"])
cell = st.one_of(numbers, numbers, labels, missing)


@st.composite
def texts(draw) -> bytes:
    sep = draw(st.sampled_from([",", ";", "\t", "|", " "]))
    n_columns = draw(st.integers(1, 4))
    n_rows = draw(st.integers(1, 30))
    kinds = draw(st.lists(st.sampled_from(["number", "label", "any"]), min_size=n_columns,
                          max_size=n_columns))  # fmt: skip
    lines = []
    if draw(st.booleans()):
        lines.append(sep.join(f"c{j}" for j in range(n_columns)))
    for _ in range(n_rows):
        row = []
        for kind in kinds:
            strategy = {"number": st.one_of(numbers, missing), "label": labels, "any": cell}[kind]
            text = draw(strategy)
            if sep == " " and text in ("", "New York"):
                text = '"' + text + '"'
            elif draw(st.integers(0, 9)) == 0 or sep in text:
                text = '"' + text.replace('"', '""') + '"'
            row.append(text)
        lines.append(sep.join(row))
        if draw(st.integers(0, 9)) == 0:
            lines.append(draw(st.sampled_from(["# a comment", "", "   "])))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    bom = "\ufeff" if draw(st.booleans()) else ""
    return (bom + newline.join(lines) + newline).encode("utf-8")


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(texts())
def test_property_blocks_and_lines_read_the_same_table(text):
    both_ways(text)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(b"a,b,y\n" + b"1,2,0\n3,4,1\n5,6,?\n" * 20, id="numbers"),
        pytest.param(b"x y\n" + b"1 red\n3 ?\n5 NA\n" * 30, id="labels-missing"),
        pytest.param(b"a;b\n" + b"1,5;2\n3;4\n" * 30, id="decimal-comma"),
        pytest.param(b"s,y\n" + b"1,0\n2,1\nL,0\n" * 30, id="labels-among-numbers"),
        pytest.param(b"a,b\n" + b"1,1e400\n" * 30, id="overflow"),
        pytest.param(b"a,b\n" + b"1,2\n" * 30 + b"3,x\n", id="text-at-the-end"),
        pytest.param(b"a,b,\n" + b"1,2,\n" * 30, id="trailing-separator"),
        pytest.param(b"\xef\xbb\xbf1,2\r\n" + b"3,4\r\n" * 30, id="bom-crlf"),
        pytest.param(b"a,b\n" + b"1,2\r" * 30, id="lone-cr"),
        pytest.param(b"a,b\n" + b"1,2\n" * 30 + b"3,4,5\n", id="ragged"),
    ],
)
def test_blocks_and_lines_read_the_same_table(text):
    both_ways(text)


def test_a_bad_cell_on_the_last_line_of_a_big_file_is_named(tmp_path):
    rng = np.random.default_rng(0)
    rows = rng.normal(size=(200_000, 4))
    body = "\n".join(",".join(f"{v:.6g}" for v in row) for row in rows)
    path = tmp_path / "big.csv"
    path.write_text("a,b,c,d\n" + body + "\n1,2,oops,4\n")
    with pytest.raises(TableFormatError) as caught:
        read_table(path)
    assert str(caught.value) == (
        f"{path}:200002:3: expected a number in column 'c' as in 200000 other rows, found 'oops'"
    )


def test_a_big_file_is_read_by_blocks_with_numpy(tmp_path):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(60_000, 3))
    kinds = np.array(["cat", "dog", "owl"])[rng.integers(0, 3, 60_000)]
    lines = [f"{a:.6g},{b:.6g},{c:.6g},{k}" for (a, b, c), k in zip(X, kinds, strict=True)]
    lines[7] = "?,1,2,cat"
    path = tmp_path / "big.csv"
    path.write_bytes(("a,b,c,kind\n" + "\n".join(lines) + "\n").encode())
    table = read_table(path)
    assert path.stat().st_size > (1 << 20)  # past the size read line by line
    assert table.kinds == ["number", "number", "number", "label"]
    assert table.missing(0).sum() == 1
    assert table.labels(3)[1] == tuple(dict.fromkeys(kinds))
    assert_same(table, parse_table(path.read_bytes(), str(path), block_bytes=0))
    block = path.read_bytes().split(b"\n", 1)[1]
    assert read_block(block, ",", [True, True, True, False], ("NA",)) is not None  # NumPy's way


def write_rows(path, n, seed=0, with_output=True):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    kinds = np.where(X.sum(axis=1) > 0, "up", "down")
    cells = [f"{a:.5g},{b:.5g},{c:.5g}" for a, b, c in X]
    if with_output:
        cells = [
            f"{row},{'?' if i % 5 == 0 else k}"
            for i, (row, k) in enumerate(zip(cells, kinds, strict=True))
        ]
    header = "a,b,c,kind\n" if with_output else "a,b,c\n"
    path.write_text(header + "# a comment between rows\n".join(
        ["\n".join(cells[: n // 2]) + "\n", "\n".join(cells[n // 2 :]) + "\n"]))  # fmt: skip
    return path


@pytest.fixture(scope="module")
def small_model():
    from glassnet.tables import TableModel

    rng = np.random.default_rng(5)
    X = rng.normal(size=(300, 3))
    rows = "".join(
        f"{a:.4f},{b:.4f},{c:.4f},{'up' if a + b + c > 0 else 'down'}\n" for a, b, c in X
    )
    return TableModel(epochs=30).fit(parse_table("a,b,c,kind\n" + rows))


def test_streamed_predict_writes_what_one_piece_writes(tmp_path, small_model):
    from glassnet.cli.report import filled_text
    from glassnet.data import Typing
    from glassnet.data.reading import iter_table

    path = write_rows(tmp_path / "big.csv", 60_000)
    whole = filled_text(small_model, read_table(path), False)
    pieces = list(iter_table(path, typing=Typing(), rows=7_000))
    assert len(pieces) > 3
    assert [p.lines[0] for p in pieces[:2]] == [2, pieces[0].lines[-1] + 1]
    assert "".join(filled_text(small_model, piece, False) for piece in pieces) == whole
    assert "# a comment between rows\n" in whole
    streamed = small_model.evaluate(iter_table(path, typing=Typing(), rows=7_000))
    at_once = small_model.evaluate(read_table(path))
    assert streamed["confusion"] == at_once["confusion"]
    assert streamed["loss"] == pytest.approx(at_once["loss"], rel=1e-12)


def test_streamed_predict_keeps_to_the_memory_of_a_piece(tmp_path, small_model):
    import tracemalloc

    from glassnet.cli.report import filled_text
    from glassnet.data import Typing
    from glassnet.data.reading import iter_table

    def peak(n):
        path = write_rows(tmp_path / f"rows{n}.csv", n, with_output=False)
        tracemalloc.start()
        for piece in iter_table(path, typing=Typing(), rows=4_000):
            filled_text(small_model, piece, False)
        found = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return found

    small, large = peak(30_000), peak(120_000)
    assert large < 1.3 * small  # four times the rows, about the same memory
    assert large < 60e6
