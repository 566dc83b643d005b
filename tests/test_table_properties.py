"""Properties of real tables: any mix of number formats, missing cells and left-out columns.

Hypothesis writes random tables as people write them (thousands separators, percent and
currency signs, decimal commas, ``NA`` and empty cells, a label input, columns to leave out)
and checks what must hold whatever the table: it trains and predicts; the same numbers written
plainly give the same predictions; a left-out column, or an extra column at prediction time,
changes nothing.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glassnet.data import parse_table
from glassnet.tables.model import TableModel

MISSING_WORDS = ("", "NA", "N/A", "null", "None", "NaN", "?")
FORMATS = ("plain", "thousands", "percent", "currency")


def _written(value: float, fmt: str, comma: bool) -> str:
    """``value`` as a person writes it in ``fmt``; ``comma``: the file's decimal mark is ','."""
    point, group = (",", ".") if comma else (".", ",")
    if fmt == "percent":
        text = f"{value:.2f}"
        return text.replace(".", point) + "%"
    text = f"{value:,.2f}" if fmt in ("thousands", "currency") else f"{value:.2f}"
    text = text.replace(",", "\0").replace(".", point).replace("\0", group)
    return f"${text}" if fmt == "currency" else text


def _plain(value: float, fmt: str) -> str:
    """The same number written plainly (a percentage as its fraction, read as 12% is read)."""
    text = f"{value:.2f}"
    return repr(float(text) / 100) if fmt == "percent" else text


@st.composite
def tables(draw):
    """A table's columns as lists of cells, and the same table with plain numbers."""
    n = draw(st.integers(12, 40))
    comma = draw(st.booleans())
    n_numbers = draw(st.integers(1, 3))
    fmts = [draw(st.sampled_from(FORMATS)) for _ in range(n_numbers)]
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    big = [draw(st.booleans()) for _ in range(n_numbers)]
    values = [
        rng.uniform(1000, 90_000, n) if wide else rng.uniform(-5, 5, n) for wide in big
    ]  # wide numbers make the thousands separators show
    written = [[_written(v, f, comma) for v in col] for col, f in zip(values, fmts, strict=True)]
    plain = [[_plain(v, f) for v in col] for col, f in zip(values, fmts, strict=True)]
    names = [f"x{j}" for j in range(n_numbers)]
    if draw(st.booleans()):  # a label input
        colour = ["red", "green", "blue"] + [str(c) for c in rng.choice(["red", "green"], n - 3)]
        written.append(colour)
        plain.append(list(colour))
        names.append("colour")
    # An empty cell alone on its line is a blank line: one input column gets no empty cells.
    words = MISSING_WORDS if len(names) > 1 else MISSING_WORDS[1:]
    for column_written, column_plain in zip(written, plain, strict=True):  # missing inputs
        # the first rows keep every label in training: a label first seen in a '?' row is refused
        for i in 3 + np.flatnonzero(rng.random(n - 3) < draw(st.sampled_from([0.0, 0.1, 0.3]))):
            word = draw(st.sampled_from(words))
            column_written[i], column_plain[i] = word, "?"
    score = sum(np.nan_to_num(np.asarray(v)) for v in values) + rng.normal(size=n)
    labels = np.where(score > np.median(score), "yes", "no").tolist()
    if len(set(labels[:-3])) < 2:
        labels[0], labels[1] = "yes", "no"
    labels[-3:] = ["?"] * 3  # rows to answer
    return names, written, plain, labels, comma


def _text(names, columns, sep, extra=None):
    header = sep.join(names if extra is None else [extra[0], *names])
    rows = zip(*columns, strict=True)
    lines = [sep.join(row if extra is None else [extra[1][i], *row]) for i, row in enumerate(rows)]
    return "\n".join([header, *lines]) + "\n"


def _model() -> TableModel:
    return TableModel(preset="standard", epochs=15)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_formats_missing_cells_and_left_out_columns_change_no_prediction(drawn):
    names, written, plain, labels, comma = drawn
    sep = ";" if comma else "\t"
    written_text = _text([*names, "y"], [*written, labels], sep)
    plain_text = _text([*names, "y"], [*plain, labels], "\t")
    table = parse_table(written_text, "w", decimal="," if comma else ".")
    model = _model().fit(table)
    P = model.predict(table)  # (n, 2) class probabilities, every row

    # The same numbers written plainly, missing cells as '?': the same cells, network and answers.
    plain_table = parse_table(plain_text, "p")
    assert table.kinds == plain_table.kinds
    for j, kind in enumerate(table.kinds[:-1]):
        np.testing.assert_array_equal(table.missing(j), plain_table.missing(j))
        if kind == "number":
            np.testing.assert_array_equal(table.numbers(j), plain_table.numbers(j))
    again = _model().fit(plain_table)
    np.testing.assert_allclose(again.predict(plain_table), P, rtol=1e-9, atol=1e-12)

    # A column left out with --ignore is as if it were not there; a column the model does not
    # know passes through at prediction time; so do rows given with their inputs only.
    notes = [f"note {i % 4}" for i in range(len(labels))]
    with_notes = parse_table(
        _text([*names, "y"], [*written, labels], sep, ("notes", notes)),
        "n",
        decimal="," if comma else ".",
    )
    ignored = _model().fit(with_notes, ignore=["notes"])
    np.testing.assert_array_equal(ignored.predict(with_notes), P)
    np.testing.assert_array_equal(model.predict(with_notes), P)
    inputs_only = parse_table(_text(names, written, sep), "i", decimal="," if comma else ".")
    np.testing.assert_array_equal(model.predict(inputs_only), P)
    answers = model.fill(table)
    assert [row[-1] for row in answers[-3:]] == [model.classes_[k] for k in P[-3:].argmax(1)]
