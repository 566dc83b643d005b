r"""Applying a schema: a table's cells into the numbers a network sees, and its answers back.

Number inputs are filled where missing, shifted and scaled; label inputs become one-hot columns
over the labels seen in training; a 0/1 column follows each input whose missing cells the
network learned to notice. Outputs become 0/1 columns, one-hot classes or scaled values, and the
network's answers become cell texts again. ``locate`` finds a schema's columns in any table, by
name when it has a header. Everything is vectorized over rows; nothing here decides a schema
(``schema`` does) or trains.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from glassnet._types import Array, Indices, Mask
from glassnet.data.columns import LABEL
from glassnet.data.formats import NumberFormat, is_plain_number
from glassnet.data.table import Table
from glassnet.errors import TableFormatError
from glassnet.tables.schema import BINARY, MULTICLASS, check_magnitude

__all__ = [
    "Layout",
    "answers_text",
    "encode_inputs",
    "encode_outputs",
    "feature_count",
    "locate",
]


@dataclass(frozen=True)
class Layout:
    """Where a schema's columns sit in one table.

    Attributes
    ----------
    inputs : list of int
        The table's column of each input, in the schema's order.
    outputs : list of int or None
        The table's column of each output; None when the table holds only the inputs (the
        answers are then added after its last column).
    unknown : list of str
        The table's columns the schema does not know: they pass through unchanged.
    """

    inputs: list[int]
    outputs: list[int] | None
    unknown: list[str]


def locate(
    table: Table, columns: Sequence[str], inputs: Sequence[str], outputs: Sequence[str]
) -> Layout:
    """Find the schema's input and output columns in ``table``.

    A table with a header (and a model trained on one) is matched by name, in any order; it must
    hold every input column, and either every output column or none. Other columns pass through.
    Otherwise columns are matched by position: the training table's columns, or its inputs alone.

    Raises
    ------
    TableFormatError
        A missing input or output column (at the header's line), or a count of columns that is
        neither, for a table without names.
    """
    trained_without_header = list(columns) == [f"column{j}" for j in range(1, len(columns) + 1)]
    if table.header is not None and not trained_without_header:
        return _by_name(table, columns, inputs, outputs)
    by_position = {name: k for k, name in enumerate(columns)}
    if table.n_columns == len(columns):
        return Layout([by_position[n] for n in inputs], [by_position[n] for n in outputs], [])
    if table.n_columns == len(inputs):
        return Layout(list(range(len(inputs))), None, [])
    raise TableFormatError(
        f"expected {len(columns)} columns ({len(inputs)} input and {len(outputs)} output, as in "
        f"training) or {len(inputs)} (inputs only), found {table.n_columns}",
        table.path,
        int(table.lines[0]),
    )


def _by_name(
    table: Table, columns: Sequence[str], inputs: Sequence[str], outputs: Sequence[str]
) -> Layout:
    names = table.names
    absent = [name for name in inputs if name not in names]
    expected = f"expected the input columns {_listing(inputs)} as in training"
    if absent:
        raise TableFormatError(
            f"{expected}, found no column {absent[0]!r}", table.path, table.header_line
        )
    present = [name for name in outputs if name in names]
    if present and len(present) != len(outputs):
        lacking = next(name for name in outputs if name not in names)
        raise TableFormatError(
            f"expected every output column ({_listing(outputs)}) or none, found no column "
            f"{lacking!r}",
            table.path,
            table.header_line,
        )
    known = set(inputs) | set(outputs)
    return Layout(
        [names.index(name) for name in inputs],
        [names.index(name) for name in outputs] if present else None,
        [name for name in names if name not in known and name not in columns],
    )


# -- inputs --------------------------------------------------------------------------------------


def feature_count(specs: Sequence[dict[str, Any]]) -> int:
    """The number of network inputs the input specs make."""
    return sum(
        (len(spec["categories"]) if spec["kind"] == LABEL else 1) + bool(spec.get("indicator"))
        for spec in specs
    )


def encode_inputs(
    table: Table, rows: Indices, specs: Sequence[dict[str, Any]], positions: Sequence[int]
) -> Array:
    r"""Return the network's inputs for ``rows``: numbers filled and scaled, labels one-hot.

    Parameters
    ----------
    table : Table
    rows : ndarray of int
    specs : sequence of dict
        The input encodings (``Schema.inputs``), in the network's input order.
    positions : sequence of int
        The table's column of each spec (``locate``).

    Returns
    -------
    ndarray of shape (n_rows, n_features)

    Raises
    ------
    TableFormatError
        A label not seen in training, text in a number column or a number too large.

    Examples
    --------
    >>> from glassnet.data import parse_table
    >>> from glassnet.tables.schema import Request, decide
    >>> table = parse_table("size colour y\n1 red 0\n3 blue 1\n")
    >>> schema, _ = decide(table, Request())
    >>> encode_inputs(table, np.arange(2), schema.inputs, [0, 1])
    array([[-1.,  0.,  1.],
           [ 1.,  1.,  0.]])
    """
    X = np.empty((len(rows), feature_count(specs)))  # (n, n_features)
    start = 0
    for spec, j in zip(specs, positions, strict=True):
        column = table.columns[j]
        gaps = column.missing[rows]
        if spec["kind"] == LABEL:
            width = len(spec["categories"])
            _one_hot(table, rows, j, spec, gaps, X[:, start : start + width])
        else:
            width = 1
            X[:, start] = (_numbers(table, rows, j, spec, gaps) - spec["mean"]) / spec["scale"]
        start += width
        if spec.get("indicator"):
            X[:, start] = gaps
            start += 1
    return X


def _numbers(table: Table, rows: Indices, j: int, spec: dict[str, Any], gaps: Mask) -> Array:
    """Number input column ``j`` at ``rows``, missing cells filled; text there is an error."""
    column = table.columns[j]
    if column.values is None:
        bad = _first_text(table, rows, j)
        raise table.error(
            f"expected a number in input column {spec['name']!r} as in training, found "
            f"{table.cell(bad, j)!r}",
            bad,
            j,
        )
    check_magnitude(table, j, rows[~gaps])
    values = column.values[rows]
    values[gaps] = spec.get("fill", np.nan)
    return values


def _first_text(table: Table, rows: Indices, j: int) -> int:
    """The first of ``rows`` whose cell in label column ``j`` is not a plain number."""
    codes, labels = table.labels(j)
    texts = [k for k, label in enumerate(labels) if not is_plain_number(label)]
    return int(rows[np.flatnonzero(np.isin(codes[rows], texts))[0]])


def _one_hot(
    table: Table,
    rows: Indices,
    j: int,
    spec: dict[str, Any],
    gaps: Mask,
    out: Array,
    expected: str = "a label of input column {name!r} seen in training",
) -> None:
    """Label column ``j`` at ``rows`` one-hot over the spec's categories, into ``out`` (n, k)."""
    categories: list[str] = list(spec["categories"])
    out[...] = 0.0
    column = table.columns[j]
    if column.codes is None:  # numbers where training saw labels: read each as written
        texts = [table.cell(int(i), j) for i in rows]
        index = {label: k for k, label in enumerate(categories)}
        found = np.array([index.get(text, -1) for text in texts], dtype=np.intp)
    else:
        lookup = np.array(
            [categories.index(label) if label in categories else -1 for label in column.labels],
            dtype=np.intp,
        )
        found = np.where(gaps, -1, lookup[np.maximum(column.codes[rows], 0)] if lookup.size else -1)
    fill = categories.index(spec["fill"]) if spec.get("fill") in categories else -1
    unknown = np.flatnonzero((found < 0) & ~gaps)
    if unknown.size or (gaps.any() and fill < 0):
        i = int(rows[unknown[0]] if unknown.size else rows[np.flatnonzero(gaps)[0]])
        said = expected.format(name=spec["name"])
        raise table.error(
            f"expected {said} ({_listing(categories)}), found {table.cell(i, j)!r}", i, j
        )
    found = np.where(gaps, fill, found)
    out[np.arange(len(rows)), found] = 1.0


# -- outputs -------------------------------------------------------------------------------------


def encode_outputs(
    table: Table,
    rows: Indices,
    specs: Sequence[dict[str, Any]],
    positions: Sequence[int],
    task: str,
    classes: Sequence[str] | None,
) -> Array:
    """Return the network's targets for ``rows``: 0/1 columns, one-hot classes or scaled values.

    Parameters
    ----------
    table : Table
    rows : ndarray of int
        Rows whose outputs are known.
    specs : sequence of dict
        The output encodings (``Schema.outputs``).
    positions : sequence of int
        The table's column of each output.
    task : {"binary", "multiclass", "regression"}
    classes : sequence of str or None
        The classes of a multiclass output.

    Returns
    -------
    ndarray of shape (n_rows, n_outputs), or (n_rows, n_classes) for multiclass

    Raises
    ------
    TableFormatError
        A class not seen in training, text in a number output, or a binary output other than 0/1.
    """
    if task == MULTICLASS:
        assert classes is not None
        Y = np.empty((len(rows), len(classes)))  # (n, n_classes)
        spec = {**specs[0], "categories": list(classes), "fill": None}
        _one_hot_classes(table, rows, positions[0], spec, Y)
        return Y
    columns = []
    for spec, j in zip(specs, positions, strict=True):
        column = table.columns[j]
        if column.values is None:
            bad = _first_text(table, rows, j)
            raise table.error(
                f"expected a number in output column {spec['name']!r}, found "
                f"{table.cell(bad, j)!r}",
                bad,
                j,
            )
        values = column.values[rows]
        if task == BINARY:
            _check_binary(table, rows, j, spec, values)
        else:
            values = (values - spec["mean"]) / spec["scale"]
        columns.append(values)
    return np.column_stack(columns)  # (n, n_outputs)


def _one_hot_classes(table: Table, rows: Indices, j: int, spec: dict[str, Any], out: Array) -> None:
    """The class of each row one-hot: a label output, or numbers read as class codes."""
    column = table.columns[j]
    if column.values is not None and column.codes is None:  # class codes written as numbers
        texts = [f"{value:.0f}" for value in column.values[rows]]
        classes = list(spec["categories"])
        found = np.array([classes.index(t) if t in classes else -1 for t in texts], dtype=np.intp)
        bad = np.flatnonzero(found < 0)
        if bad.size:
            i = int(rows[bad[0]])
            raise table.error(
                f"expected a class of output column {spec['name']!r} ({_listing(classes)}), "
                f"found {table.cell(i, j)!r}",
                i,
                j,
            )
        out[...] = 0.0
        out[np.arange(len(rows)), found] = 1.0
        return
    _one_hot(table, rows, j, spec, column.missing[rows], out, "a class of output column {name!r}")


def _check_binary(table: Table, rows: Indices, j: int, spec: dict[str, Any], values: Array) -> None:
    """Refuse an output value other than 0 or 1 for a binary model."""
    bad_rows = np.flatnonzero((values != 0) & (values != 1))
    if bad_rows.size:
        i = int(rows[bad_rows[0]])
        raise table.error(
            f"expected 0 or 1 in output column {spec['name']!r} as in training, "
            f"found {table.cell(i, j)!r}",
            i,
            j,
        )


def answers_text(
    P: Array, task: str, specs: Sequence[dict[str, Any]], classes: Sequence[str] | None
) -> list[list[str]]:
    """Each row's answers as the text to write in its output cells.

    Binary outputs give the probability of 1 to 8 decimals (the tutorial's 0.99993704),
    multiclass the most probable label, regression the value to 8 significant digits, written
    as the column writes its numbers (``12.5%``, ``$1,200.5``, a date).
    """
    if task == MULTICLASS:
        assert classes is not None
        return [[classes[int(k)]] for k in P.argmax(axis=1)]
    if task == BINARY:
        return [[f"{p:.8f}" for p in row] for row in P]
    formats = [
        None if spec.get("format") is None else NumberFormat.from_dict(spec["format"])
        for spec in specs
    ]
    return [
        [
            f"{value:.8g}" if fmt is None else fmt.write(value)
            for value, fmt in zip(row, formats, strict=True)
        ]
        for row in P.tolist()
    ]


def _listing(labels: Sequence[str], limit: int = 8) -> str:
    """Up to ``limit`` labels joined by commas, then how many there are in all."""
    shown = ", ".join(labels[:limit])
    return shown + (f", ... ({len(labels)} in all)" if len(labels) > limit else "")
