"""How explain names a table model's columns: encodings, filled cells, many columns, targets."""

from __future__ import annotations

import numpy as np

from glassnet.data import parse_table
from glassnet.explain.columns import input_names, input_units, table_notes
from glassnet.tables.model import TableModel


def _messy_model() -> TableModel:
    rows = ["size,colour,y", "1,red,0", "NA,blue,1", "3,,0", "4,red,1", "2,blue,0", "5,red,1"]
    return TableModel(epochs=5).fit(parse_table("\n".join(rows) + "\n", "t"))


def test_filled_columns_get_an_input_that_says_where_they_were_missing():
    model = _messy_model()
    assert input_names(model) == [
        "size",
        "size missing",
        "colour=blue",
        "colour=red",
        "colour missing",
    ]
    assert input_units(model)[1] == (0.0, 1.0)
    (inputs,) = [note for note in table_notes(model) if note.startswith("The inputs")]
    assert "x2 is 1 where column 'size' was missing (filled with 3) and 0 elsewhere" in inputs
    assert "x5 is 1 where column 'colour' was missing (filled with red)" in inputs  # most often


def test_past_twelve_columns_the_rest_are_counted_not_listed():
    rng = np.random.default_rng(0)
    names = [f"c{j}" for j in range(14)]
    lines = [",".join([*names, "y"])]
    for i in range(30):
        cells = [f"{v:.3f}" for v in rng.normal(size=13)] + [["a", "b"][i % 2], str(i % 2)]
        if i == 3:
            cells[12] = ""  # a missing cell in the last number column
        lines.append(",".join(cells))
    model = TableModel(epochs=3).fit(parse_table("\n".join(lines) + "\n", "t"))
    (inputs,) = [note for note in table_notes(model) if note.startswith("The inputs")]
    assert "'c7'" in inputs
    assert "'c8'" not in inputs
    assert (
        "are the other 6 columns (5 scaled the same way, 1 one-hot encoded, 1 with an input for "
        "missing cells; 'glassnet info' on a saved model lists them all)"
    ) in inputs
