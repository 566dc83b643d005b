"""Column encodings: how a table model turns a table's cells into the numbers its network sees.

Label inputs become one-hot columns over the labels seen in training, numbers are shifted and
scaled by their training mean and spread; outputs become 0/1 columns, one-hot classes or scaled
values. Tables are matched to the training columns by name. Nothing here trains or answers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet._types import Array
from glassnet.data.table import LABEL, MISSING, NUMBER, Table
from glassnet.errors import TableFormatError
from glassnet.tables.recipes import BINARY, MULTICLASS, REGRESSION

__all__ = [
    "LARGEST",
    "SMALLEST",
    "Index",
    "Mask",
    "align_columns",
    "check_magnitude",
    "encode_inputs",
    "encode_outputs",
    "input_spec",
    "match_layout",
    "output_specs",
]

#: Numbers beyond this magnitude are refused: their squares (losses, variances, MSE) must stay
#: far inside float64's range (about 1.8e308) even when summed over millions of rows.
LARGEST = 1e100
SMALLEST = 1e-100  # nonzero magnitudes below: their squares vanish, so scaling goes wrong
Index = np.ndarray[Any, np.dtype[np.intp]]
Mask = np.ndarray[Any, np.dtype[np.bool_]]


# -- choosing the encodings --------------------------------------------------------------------


def input_spec(table: Table, j: int, known: Mask, scale: bool) -> dict[str, Any]:
    r"""Return how input column ``j`` is encoded, learned from the rows marked in ``known``.

    Parameters
    ----------
    table : Table
    j : int
        The column's 0-based position.
    known : ndarray of bool, shape (n_rows,)
        The rows to take the mean and spread from (those with known outputs).
    scale : bool
        Whether a number column is standardised; if not its mean is 0 and its scale 1.

    Returns
    -------
    dict
        name, position and kind; ``categories`` (sorted, from the ``known`` rows: a label
        seen only beside a ``?`` would get a weight that never learns) for labels, ``mean``
        and ``scale`` for numbers. Plain JSON values: model files keep it.

    Examples
    --------
    >>> from glassnet.data import parse_table
    >>> table = parse_table("size color\n1 red\n3 blue\n")
    >>> input_spec(table, 0, np.array([True, True]), scale=True)
    {'name': 'size', 'position': 0, 'kind': 'number', 'mean': 2.0, 'scale': 1.0}
    """
    spec: dict[str, Any] = {"name": table.names[j], "position": j, "kind": table.kinds[j]}
    if table.kinds[j] == LABEL:  # only labels the network learns about: those of known rows
        cells = table.cells(j)
        spec["categories"] = sorted({cells[i] for i in np.flatnonzero(known)})
    else:
        spec["mean"], spec["scale"] = _mean_scale(table.numbers(j)[known], scale)
    return spec


def output_specs(
    table: Table, outputs: list[int], known: Mask, task: str, scale: bool
) -> tuple[list[dict[str, Any]], list[str] | None]:
    """Return how the output columns are encoded for ``task``, and the classes of a classifier.

    Parameters
    ----------
    table : Table
    outputs : list of int
        The output columns' 0-based positions.
    known : ndarray of bool, shape (n_rows,)
    task : {"binary", "multiclass", "regression"}
    scale : bool
        Whether regression outputs are standardised.

    Returns
    -------
    specs : list of dict
        name and position of each output; ``mean`` and ``scale`` for regression.
    classes : list of str or None
        The sorted labels of a multiclass output, else None.

    Raises
    ------
    TableFormatError
        A multiclass output with fewer than two classes in its known rows.
    """
    specs: list[dict[str, Any]] = [{"name": table.names[j], "position": j} for j in outputs]
    if task == MULTICLASS:
        j = outputs[0]
        classes = sorted({cell for cell, ok in zip(table.cells(j), known, strict=True) if ok})
        if len(classes) < 2:
            raise TableFormatError(
                f"expected at least two classes in output column {table.names[j]!r} to tell "
                f"apart, found only {classes[0]!r}",
                table.path,
            )
        return specs, classes
    if task == REGRESSION:
        for spec, j in zip(specs, outputs, strict=True):
            spec["mean"], spec["scale"] = _mean_scale(table.numbers(j)[known], scale)
    return specs, None


def _mean_scale(values: Array, scale: bool) -> tuple[float, float]:
    """The shift and divisor of a number column: mean and standard deviation, or 0 and 1."""
    if not scale:
        return 0.0, 1.0
    std = float(values.std())
    return float(values.mean()), std if std > 0 else 1.0


def check_magnitude(table: Table, j: int, rows: Index) -> None:
    """Refuse a number too large or too small to train on, naming its file, line and column.

    Parameters
    ----------
    table : Table
    j : int
        The column to check (a label column passes).
    rows : ndarray of int

    Raises
    ------
    TableFormatError
        A cell of magnitude above ``LARGEST`` (1e100), or nonzero and below ``SMALLEST``
        (1e-100).
    """
    if table.kinds[j] != NUMBER:
        return
    magnitudes = np.abs(table.numbers(j)[rows])
    checks = (  # (cells refused, what was expected and why, how to rescale)
        (
            magnitudes > LARGEST,
            f"numbers of magnitude at most {LARGEST:.0e} to train on (their squares must fit a "
            "64-bit float)",
            "divide it",
        ),
        (
            (magnitudes < SMALLEST) & (magnitudes > 0),
            f"0 or numbers of magnitude at least {SMALLEST:.0e} to train on (their squares must "
            "not vanish in a 64-bit float)",
            "multiply it",
        ),
    )
    for refused, expected, rescale in checks:
        found = np.flatnonzero(refused)
        if found.size:
            i = int(rows[found[0]])
            raise table.error(
                f"expected {expected}, found {table.rows[i][j]!r}; rescale column "
                f"{table.names[j]!r} ({rescale} by a power of ten, or take logarithms)",
                i,
                j,
            )


# -- encoding ------------------------------------------------------------------------------------


def encode_inputs(
    table: Table, rows: Index, specs: list[dict[str, Any]], layout: str = "full"
) -> Array:
    r"""Return the network's inputs for ``rows``: numbers scaled, labels one-hot, as in ``specs``.

    Parameters
    ----------
    table : Table
    rows : ndarray of int
    specs : list of dict
        The input encodings (``input_spec``), in the network's input order.
    layout : {"full", "inputs"}, default="full"
        "full": the training table's columns, found at each spec's position; "inputs": only the
        input columns, in order.

    Returns
    -------
    ndarray of shape (n_rows, n_features)

    Raises
    ------
    TableFormatError
        A ``?``, a label not seen in training, text in a number column or a number too large.

    Examples
    --------
    >>> from glassnet.data import parse_table
    >>> table = parse_table("size color\n1 red\n3 blue\n")
    >>> specs = [input_spec(table, j, np.array([True, True]), scale=True) for j in (0, 1)]
    >>> encode_inputs(table, np.arange(2), specs)
    array([[-1.,  0.,  1.],
           [ 1.,  1.,  0.]])
    """
    blocks = []
    for index, spec in enumerate(specs):
        j = spec["position"] if layout == "full" else index
        cells = [table.rows[i][j] for i in rows]
        for i, cell in zip(rows, cells, strict=True):
            if cell == MISSING:
                raise table.error(
                    f"expected a value in input column {spec['name']!r}, found '?' (only "
                    "output columns may hold '?')",
                    int(i),
                    j,
                )
        if spec["kind"] == LABEL:
            expected = f"a label of input column {spec['name']!r} seen in training"
            block = _one_hot(table, rows, j, spec["categories"], expected)  # (n, n_categories)
        else:
            block = _encode_number(table, rows, j, spec, cells)  # (n, 1)
        blocks.append(block)
    return np.hstack(blocks)  # (n, n_features)


def _encode_number(
    table: Table, rows: Index, j: int, spec: dict[str, Any], cells: list[str]
) -> Array:
    """Number input column ``j`` of ``rows`` shifted and scaled, (n, 1); text there is an error."""
    if table.kinds[j] != NUMBER:
        bad = next(i for i, cell in zip(rows, cells, strict=True) if not _is_number(cell))
        raise table.error(
            f"expected a number in input column {spec['name']!r} as in training, "
            f"found {table.rows[bad][j]!r}",
            int(bad),
            j,
        )
    check_magnitude(table, j, rows)
    values = table.numbers(j)[rows]
    return ((values - spec["mean"]) / spec["scale"]).reshape(-1, 1)  # (n, 1)


def encode_outputs(
    table: Table, rows: Index, specs: list[dict[str, Any]], task: str, classes: list[str] | None
) -> Array:
    """Return the network's targets for ``rows``: 0/1 columns, one-hot classes or scaled values.

    Parameters
    ----------
    table : Table
        A table with the training table's columns.
    rows : ndarray of int
        Rows whose outputs are known.
    specs : list of dict
        The output encodings (``output_specs``).
    task : {"binary", "multiclass", "regression"}
    classes : list of str or None
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
        spec = specs[0]
        assert classes is not None
        return _one_hot(  # (n, n_classes)
            table, rows, spec["position"], classes, f"a class of output column {spec['name']!r}"
        )
    columns = []
    for spec in specs:
        j = spec["position"]
        if table.kinds[j] != NUMBER:
            bad = next(i for i in rows if not _is_number(table.rows[i][j]))
            raise table.error(
                f"expected a number in output column {spec['name']!r}, found "
                f"{table.rows[bad][j]!r}",
                int(bad),
                j,
            )
        values = table.numbers(j)[rows]
        if task == BINARY:
            _check_binary(table, rows, j, spec, values)
        else:
            values = (values - spec["mean"]) / spec["scale"]
        columns.append(values)
    return np.column_stack(columns)  # (n, n_outputs)


def _check_binary(table: Table, rows: Index, j: int, spec: dict[str, Any], values: Array) -> None:
    """Refuse an output value other than 0 or 1 for a binary model."""
    bad_rows = np.flatnonzero((values != 0) & (values != 1))
    if bad_rows.size:
        i = int(rows[bad_rows[0]])
        raise table.error(
            f"expected 0 or 1 in output column {spec['name']!r} as in training, "
            f"found {table.rows[i][j]!r}",
            i,
            j,
        )


def _one_hot(table: Table, rows: Index, j: int, categories: Sequence[str], expected: str) -> Array:
    """Column ``j`` of ``rows`` as one-hot rows over ``categories``; an unknown cell is an error."""
    lookup = {label: k for k, label in enumerate(categories)}
    Y = np.zeros((len(rows), len(categories)))  # (n, n_categories)
    for r, i in enumerate(rows):
        cell = table.rows[i][j]
        if cell not in lookup:
            raise table.error(
                f"expected {expected} ({_listing(categories)}), found {cell!r}", int(i), j
            )
        Y[r, lookup[cell]] = 1.0
    return Y


def _is_number(cell: str) -> bool:
    """Whether a cell reads as a finite number."""
    try:
        return math.isfinite(float(cell))
    except ValueError:
        return False


# -- matching a table to the training columns ---------------------------------------------------


def match_layout(table: Table, columns: list[str], inputs: list[str]) -> str:
    """Return "full" for a table of all training columns, "inputs" for one of the inputs only.

    Parameters
    ----------
    table : Table
    columns, inputs : list of str
        The training table's column names, and its input columns' names.

    Raises
    ------
    TableFormatError
        Any other count.
    """
    n_all, n_inputs = len(columns), len(inputs)
    if table.n_columns == n_all:
        return "full"
    if table.n_columns == n_inputs:
        return "inputs"
    raise TableFormatError(
        f"expected {n_all} columns ({n_inputs} input and {n_all - n_inputs} output, as in "
        f"training) or {n_inputs} (inputs only), found {table.n_columns}",
        table.path,
        table.lines[0],
    )


def align_columns(table: Table, columns: list[str], inputs: list[str]) -> Table:
    """Return ``table`` with its columns in the order of ``columns`` (or ``inputs``), by name.

    Parameters
    ----------
    table : Table
    columns, inputs : list of str
        The training table's column names (``column1``, ... if it had no header), and its inputs'.

    Returns
    -------
    Table
        ``table`` itself when it or the training table has no header, or is already in order.

    Raises
    ------
    TableFormatError
        The header names an unknown column or leaves one out.
    """
    trained_without_header = columns == [f"column{j}" for j in range(1, len(columns) + 1)]
    if table.header is None or table.file_columns is not None or trained_without_header:
        return table
    names = table.names
    for wanted in (columns, inputs):
        if len(names) == len(wanted) and set(names) == set(wanted):
            order = [names.index(name) for name in wanted]
            return table if order == list(range(len(order))) else table.select(order)
    expected = f"expected the columns {_listing(columns)} (or the inputs {_listing(inputs)})"
    for column, name in enumerate(names, start=1):
        if name not in columns:
            raise TableFormatError(
                f"{expected} as in training, found an unknown column {name!r}",
                table.path,
                table.header_line,
                column,
            )
    missing = [name for name in inputs if name not in names]
    absent = missing or [name for name in columns if name not in names]
    raise TableFormatError(
        f"{expected} as in training, found no column {absent[0]!r}", table.path, table.header_line
    )


def _listing(labels: Sequence[str], limit: int = 8) -> str:
    """Up to ``limit`` labels joined by commas, then how many there are in all."""
    shown = ", ".join(labels[:limit])
    return shown + (f", ... ({len(labels)} in all)" if len(labels) > limit else "")
