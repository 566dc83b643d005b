"""Targets: which columns a table model learns, from which rows, and the task they make.

The output columns come from a count or from names; the rows with every output known are the ones
to learn from; label outputs make a multiclass task, 0/1 outputs a binary one, other numbers
regression. Nothing here encodes cells or trains: ``encodings`` and ``model`` do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from glassnet.data.table import LABEL, MISSING, Table
from glassnet.errors import ConfigurationError, TableFormatError
from glassnet.tables.encodings import Mask, check_magnitude
from glassnet.tables.recipes import BINARY, MULTICLASS, REGRESSION, Settings

__all__ = ["check_recipe", "choose_outputs", "infer_task", "prepare_table"]


def prepare_table(
    table: Table, outputs: int, target: Sequence[str] | None, classify: bool
) -> tuple[Table, list[int], list[int], Mask]:
    r"""Check ``table`` for training and find its input columns, output columns and known rows.

    Parameters
    ----------
    table : Table
    outputs : int
        The last ``outputs`` columns are the outputs (ignored when ``target`` is given).
    target : sequence of str or None
        Names of the output columns.
    classify : bool
        Read the output columns as labels even when they hold numbers.

    Returns
    -------
    table : Table
        ``table``, with its output columns' kind set to label when ``classify``.
    input_columns, output_columns : list of int
        0-based positions.
    known : ndarray of bool, shape (n_rows,)
        The rows whose outputs are all known.

    Raises
    ------
    TableFormatError
        No input column, a ``?`` in an input, a number above 1e100 or nonzero below 1e-100, no
        known row, a value that is not an integer class code with ``classify``, ...
    ConfigurationError
        An output choice the table cannot satisfy (see ``choose_outputs``).

    Examples
    --------
    >>> from glassnet.data import parse_table
    >>> table = parse_table("a b y\n1 2 0\n3 4 ?\n")
    >>> _, inputs, outputs, known = prepare_table(table, 1, None, classify=False)
    >>> inputs, outputs, known
    ([0, 1], [2], array([ True, False]))
    """
    output_columns = choose_outputs(table, outputs, target, classify)
    if classify:
        kinds = [LABEL if j in output_columns else kind for j, kind in enumerate(table.kinds)]
        table = replace(table, kinds=kinds)
    input_columns = [j for j in range(table.n_columns) if j not in output_columns]
    if not input_columns:
        raise TableFormatError(
            f"expected at least one input column besides the {len(output_columns)} output "
            "column(s), found none",
            table.path,
        )
    _check_no_missing_inputs(table, input_columns, output_columns)
    known = ~np.any([table.missing(j) for j in output_columns], axis=0)
    for j in input_columns:
        check_magnitude(table, j, np.arange(table.n_rows))
    for j in output_columns:
        check_magnitude(table, j, np.flatnonzero(known))
    if not known.any():
        raise TableFormatError(
            "expected at least one row with a known output to learn from, found only '?'",
            table.path,
            table.lines[0],
        )
    return table, input_columns, output_columns, known


def choose_outputs(
    table: Table,
    outputs: int,
    target: Sequence[str] | None,
    classify: bool = False,
    prefix: str = "",
) -> list[int]:
    r"""Return the output columns' positions, refusing a choice that does not fit ``table``.

    What was asked for (a column that is not there, a count beyond the table, a label output
    beside others) is a ConfigurationError; a cell that is not a class code is the table's.

    Parameters
    ----------
    table : Table
    outputs : int
        The last ``outputs`` columns (ignored when ``target`` is given).
    target : sequence of str or None
        Names of the output columns.
    classify : bool, default=False
        The outputs are to be read as class labels: one column of labels or integer codes.
    prefix : str, default=""
        Written before the parameter names in messages ("--" for the command line's options).

    Returns
    -------
    list of int
        0-based positions of the output columns.

    Raises
    ------
    ConfigurationError
        An unknown or repeated ``target`` name, no column left for the inputs, several outputs
        with ``classify`` or with a label column among them.
    TableFormatError
        A table of one column, or a known output cell that is not an integer with ``classify``.

    Examples
    --------
    >>> from glassnet.data import parse_table
    >>> table = parse_table("a b y\n1 2 0\n3 4 ?\n", "t.txt")
    >>> choose_outputs(table, 2, None)
    [1, 2]
    >>> choose_outputs(table, 1, ["c"], prefix="--")
    Traceback (most recent call last):
    ...
    glassnet.errors.ConfigurationError: --target c: t.txt has no column 'c'; choose from a, b, y
    """
    columns = _named_columns(table, target, prefix) if target else None
    if columns is None:
        if isinstance(outputs, bool) or not isinstance(outputs, int) or outputs < 1:
            raise ConfigurationError(f"{prefix}outputs must be an int >= 1, got {outputs!r}")
        if outputs >= table.n_columns and table.n_columns > 1:
            most = table.n_columns - 1
            raise ConfigurationError(
                f"{prefix}outputs {outputs} leaves no input column: {table.path} has "
                f"{table.n_columns} columns (expected {prefix}outputs {'1 to ' * (most > 1)}{most})"
            )
        if outputs >= table.n_columns:  # a table of one column has no room for inputs
            raise TableFormatError(
                f"expected more than {outputs} columns for {outputs} output column(s) and at "
                f"least one input, found {table.n_columns}",
                table.path,
                table.lines[0],
            )
        columns = list(range(table.n_columns - outputs, table.n_columns))
    chosen = f"{prefix}target {','.join(target)}" if target else f"{prefix}outputs {outputs}"
    _check_label_outputs(table, columns, classify, chosen, prefix)
    if classify:
        _check_class_codes(table, columns[0], prefix)
    return columns


def _named_columns(table: Table, target: Sequence[str], prefix: str) -> list[int]:
    """The positions of the columns ``target`` names, each once, leaving an input column."""
    chosen = f"{prefix}target {','.join(target)}"
    for name in target:
        if name not in table.names:
            raise ConfigurationError(
                f"{prefix}target {name}: {table.path} has no column {name!r}; choose from "
                f"{', '.join(table.names)}"
            )
    columns = [table.column_index(name) for name in target]
    repeated = [name for name in target if list(target).count(name) > 1]
    if repeated:
        raise ConfigurationError(
            f"{chosen} names {repeated[0]!r} twice; expected each column of {table.path} once"
        )
    if len(columns) == table.n_columns:
        raise ConfigurationError(
            f"{chosen} leaves no input column: {table.path} has only the columns "
            f"{', '.join(table.names)}"
        )
    return columns


def _check_label_outputs(
    table: Table, columns: list[int], classify: bool, chosen: str, prefix: str
) -> None:
    """Refuse several outputs with ``classify`` or with a label column among them."""
    if len(columns) == 1:
        return
    if classify:
        raise ConfigurationError(
            f"{prefix}classify makes one output column a classifier, but {chosen} chooses "
            f"{len(columns)} columns of {table.path}"
        )
    labels = [table.names[j] for j in columns if table.kinds[j] == LABEL]
    if labels:
        raise ConfigurationError(
            f"{chosen} chooses {len(columns)} columns of {table.path}, but {labels[0]!r} holds "
            "labels, and a label output must be the only output column"
        )


def _check_class_codes(table: Table, column: int, prefix: str) -> None:
    """With ``classify``, refuse a known numeric output cell that is not an integer code."""
    if table.kinds[column] == LABEL:
        return
    for i, row in enumerate(table.rows):
        cell = row[column]
        if cell != MISSING and not float(cell).is_integer():
            raise table.error(
                f"expected integer class codes in output column {table.names[column]!r} for "
                f"{prefix}classify, found {cell}; leave out {prefix}classify for regression",
                i,
                column,
            )


def _check_no_missing_inputs(table: Table, inputs: list[int], outputs: list[int]) -> None:
    """Refuse a ``?`` in an input column, naming the output columns where it may go."""
    names = ", ".join(repr(table.names[j]) for j in outputs)
    for i, row in enumerate(table.rows):
        for j in inputs:
            if row[j] == MISSING:
                raise table.error(
                    f"expected a value in input column {table.names[j]!r}, found '?' (only the "
                    f"output column(s) {names} may hold '?')",
                    i,
                    j,
                )


def infer_task(table: Table, outputs: list[int], known: Mask) -> str:
    r"""Return the task the output columns make: "multiclass", "binary" or "regression".

    Parameters
    ----------
    table : Table
    outputs : list of int
        The output columns' positions.
    known : ndarray of bool, shape (n_rows,)
        The rows whose outputs are known; only their values count.

    Returns
    -------
    str
        "multiclass" for a label output, "binary" when every known value is 0 or 1, else
        "regression".

    Raises
    ------
    ConfigurationError
        A label output beside other output columns.

    Examples
    --------
    >>> from glassnet.data import parse_table
    >>> table = parse_table("a y\n1 0\n2 1\n3 ?\n")
    >>> infer_task(table, [1], np.array([True, True, False]))
    'binary'
    """
    kinds = [table.kinds[j] for j in outputs]
    if LABEL in kinds:
        if len(outputs) > 1:
            raise ConfigurationError(
                f"expected a label output to be the only output column, found {len(outputs)} "
                f"output columns ({', '.join(table.names[j] for j in outputs)}) in {table.path}"
            )
        return MULTICLASS
    values = np.concatenate([table.numbers(j)[known] for j in outputs])
    return BINARY if np.isin(values, (0.0, 1.0)).all() else REGRESSION


def check_recipe(settings: Settings, task: str, table: Table, outputs: list[int]) -> None:
    """Refuse the tutorial's recipe for outputs other than 0 and 1.

    The tutorial's recipe (sigmoid neurons, raw inputs) can only learn outputs of 0 and 1.

    Parameters
    ----------
    settings : Settings
    task : str
        The task ``infer_task`` found.
    table : Table
    outputs : list of int
        The output columns' positions (named in the message).

    Raises
    ------
    ConfigurationError
        The tutorial's preset with a multiclass or regression task.
    """
    if settings.preset != "tutorial" or task == BINARY:
        return
    names = ", ".join(repr(table.names[j]) for j in outputs)
    found = "labels" if task == MULTICLASS else "numbers other than 0 and 1"
    raise ConfigurationError(
        f"the tutorial recipe learns outputs of 0 and 1 (sigmoid neurons), but output column "
        f"{names} holds {found}; use --preset standard (or leave --preset out)"
    )
