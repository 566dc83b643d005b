r"""The schema: one pass over a training table that decides everything about its columns.

``decide`` looks at a ``Table`` once and settles which columns are outputs, inputs or left out
(``--ignore``, a pandas index), which rows the network learns from (every output known), the
task (labels: a softmax classifier; only 0 and 1: a sigmoid classifier; other numbers:
regression) and how each column becomes the network's numbers: scaling, one-hot categories,
and the value that fills a missing cell. Every refusal happens here, before any training, with
the file, line and column of the cell at fault; every assumption becomes a note for the user.
The result is plain JSON values, saved in the model file; ``encodings`` applies it to tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from glassnet._types import Array, Indices, Mask
from glassnet.data.columns import LABEL, NUMBER, Column
from glassnet.data.table import Table
from glassnet.errors import ConfigurationError, TableFormatError

__all__ = [
    "BINARY",
    "LARGEST",
    "MULTICLASS",
    "REGRESSION",
    "SMALLEST",
    "Request",
    "Schema",
    "decide",
]

BINARY, MULTICLASS, REGRESSION = "binary", "multiclass", "regression"
#: Numbers beyond this magnitude are refused: their squares (losses, variances, MSE) must stay
#: far inside float64's range (about 1.8e308) even when summed over millions of rows.
LARGEST = 1e100
SMALLEST = 1e-100  # nonzero magnitudes below: their squares vanish, so scaling goes wrong
#: A label input with at least this many distinct labels, nearly one per row, names rows
#: (identifiers, names, free text) rather than sorting them: it is refused as an input.
IDENTIFIER_MIN_LABELS = 20
IDENTIFIER_SHARE = 0.9


@dataclass(frozen=True)
class Request:
    """What the user asked of the table: which columns are outputs, which are left out, and how.

    Attributes
    ----------
    outputs : int
        The last ``outputs`` columns (not counting left-out ones) are the outputs.
    target : sequence of str or None
        Names of the output columns (instead of ``outputs``).
    ignore : sequence of str
        Columns to leave out, by name or by 1-based number; they pass through unchanged.
    classify : bool
        Read the output column's numbers as class labels (integer codes such as 0, 1, 2).
    impute : bool
        Fill missing input cells from the other rows; when False they are refused.
    prefix : str
        Written before option names in messages ("--" for the command line).
    """

    outputs: int = 1
    target: Sequence[str] | None = None
    ignore: Sequence[str] = ()
    classify: bool = False
    impute: bool = True
    prefix: str = ""


@dataclass
class Schema:
    """Everything ``decide`` settled: plain JSON values, kept in model files.

    Attributes
    ----------
    columns : list of str
        Every column of the training table, in its order.
    inputs : list of dict
        One per input column, in the network's order: ``name``, ``position``, ``kind``; numbers
        have ``mean``, ``scale``, ``fill`` (the median) and ``format``; labels have
        ``categories`` and ``fill`` (the most frequent); ``indicator`` is True when a 0/1 input
        says which cells were missing.
    outputs : list of dict
        One per output column: ``name``, ``position``, ``format``; regression adds ``mean`` and
        ``scale``.
    task : {"binary", "multiclass", "regression"}
    classes : list of str or None
        The labels of a multiclass output, in the order of the network's outputs.
    passthrough : list of str
        Columns left out of the network; they pass through into printed tables unchanged.
    notes : list of str
        What was assumed, for the user (not saved).
    """

    columns: list[str]
    inputs: list[dict[str, Any]]
    outputs: list[dict[str, Any]]
    task: str
    classes: list[str] | None
    passthrough: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def decide(table: Table, request: Request, scale: bool = True) -> tuple[Schema, Mask]:
    r"""Decide the schema of a training table, and the rows to learn from.

    Parameters
    ----------
    table : Table
    request : Request
    scale : bool, default=True
        Standardize number inputs and regression outputs (mean 0, standard deviation 1); when
        False their mean is 0 and their scale 1 (the tutorial's raw inputs).

    Returns
    -------
    schema : Schema
    known : ndarray of bool, shape (n_rows,)
        The rows whose outputs are all known: the ones to learn from.

    Raises
    ------
    ConfigurationError
        What was asked does not fit the table: a ``target`` or ``ignore`` naming no column, an
        ``outputs`` count beyond it, a label output beside others, ``classify`` with several.
    TableFormatError
        A cell the network cannot learn from, with its file, line and column: a missing input
        when ``impute`` is False, a number too large, a non-integer class code, an identifier
        column, no row with a known output, an output of one class.

    Examples
    --------
    >>> from glassnet.data import parse_table
    >>> table = parse_table("id,size,colour,y\n0,1,red,0\n1,NA,blue,1\n2,3,red,?\n")
    >>> schema, known = decide(table, Request(ignore=["id"]))
    >>> schema.task, schema.passthrough, known
    ('binary', ['id'], array([ True,  True, False]))
    >>> [(spec["name"], spec["fill"], spec["indicator"]) for spec in schema.inputs]
    [('size', 1.0, True), ('colour', 'red', False)]
    """
    notes: list[str] = []
    left_out = _left_out(table, request, notes)
    outputs = _output_columns(table, request, left_out)
    if request.classify:
        table = _as_class_codes(table, outputs[0], request.prefix)
    inputs = [j for j in range(table.n_columns) if j not in outputs and j not in left_out]
    if not inputs:
        raise TableFormatError(
            f"expected at least one input column besides the {len(outputs)} output column(s)"
            + (" and the left-out ones" if left_out else "")
            + ", found none",
            table.path,
        )
    known = ~np.any([table.columns[j].missing for j in outputs], axis=0)
    if not known.any():
        raise TableFormatError(
            "expected at least one row with a known output to learn from, found only '?'",
            table.path,
            int(table.lines[0]),
        )
    task = _task(table, outputs, known)
    for j in inputs:
        _check_input(table, j, known, request, notes)
    input_specs = [_input_spec(table, j, known, scale, notes) for j in inputs]
    output_specs, classes = _output_specs(table, outputs, known, task, scale)
    _note_outputs_to_fill(table, outputs, known, notes)
    schema = Schema(
        columns=list(table.names),
        inputs=input_specs,
        outputs=output_specs,
        task=task,
        classes=classes,
        passthrough=[table.names[j] for j in sorted(left_out)],
        notes=notes,
    )
    return schema, known


# -- which columns ---------------------------------------------------------------------------


def _left_out(table: Table, request: Request, notes: list[str]) -> set[int]:
    """The columns ``ignore`` names, and a pandas index column (a blank name over 0, 1, 2...)."""
    left_out = {_column_named(table, name, f"{request.prefix}ignore") for name in request.ignore}
    if 0 not in left_out and _is_pandas_index(table):
        left_out.add(0)
        notes.append(
            "column 1 (no name, 0, 1, 2, ...) looks like a pandas index: left out of the network "
            "and passed through"
        )
    if len(left_out) >= table.n_columns:
        raise ConfigurationError(
            f"{request.prefix}ignore leaves no column of {table.path} to learn from"
        )
    return left_out


def _is_pandas_index(table: Table) -> bool:
    """Whether the first column has a blank name over the numbers 0, 1, 2, ... (``to_csv``)."""
    header, column = table.header, table.columns[0]
    if header is None or len(header) != table.n_columns or header[0] != "":
        return False
    if column.values is None or column.missing.any():
        return False
    return bool(np.array_equal(column.values, np.arange(table.n_rows)))


def _column_named(table: Table, name: str, option: str) -> int:
    """The position of the column ``name`` (a name, or a 1-based number) names."""
    if name in table.names:
        return table.names.index(name)
    if name.isdigit() and 1 <= int(name) <= table.n_columns:
        return int(name) - 1
    raise ConfigurationError(
        f"{option} {name}: {table.path} has no column {name!r}; choose from "
        f"{', '.join(table.names)} (or a number from 1 to {table.n_columns})"
    )


def _output_columns(table: Table, request: Request, left_out: set[int]) -> list[int]:
    """The output columns' positions: named by ``target``, else the last ``outputs`` kept ones."""
    prefix, target = request.prefix, request.target
    kept = [j for j in range(table.n_columns) if j not in left_out]
    if target:
        chosen = f"{prefix}target {','.join(target)}"
        columns = [_column_named(table, name, f"{prefix}target") for name in target]
        repeated = [name for name in target if list(target).count(name) > 1]
        if repeated:
            raise ConfigurationError(
                f"{chosen} names {repeated[0]!r} twice; expected each column of {table.path} once"
            )
        if set(columns) & left_out:
            name = table.names[min(set(columns) & left_out)]
            raise ConfigurationError(f"{chosen} names {name!r}, a column left out")
        if len(columns) >= len(kept):
            raise ConfigurationError(
                f"{chosen} leaves no input column: {table.path} has only the columns "
                f"{', '.join(table.names[j] for j in kept)}"
            )
    else:
        outputs = request.outputs
        if isinstance(outputs, bool) or not isinstance(outputs, int) or outputs < 1:
            raise ConfigurationError(f"{prefix}outputs must be an int >= 1, got {outputs!r}")
        if outputs >= len(kept) and len(kept) > 1:
            most = len(kept) - 1
            besides = f" besides the {len(left_out)} left out" if left_out else ""
            raise ConfigurationError(
                f"{prefix}outputs {outputs} leaves no input column: {table.path} has "
                f"{len(kept)} columns{besides} (expected {prefix}outputs "
                f"{'1 to ' * (most > 1)}{most})"
            )
        if outputs >= len(kept):  # a table of one column has no room for inputs
            raise TableFormatError(
                f"expected more than {outputs} columns for {outputs} output column(s) and at "
                f"least one input, found {len(kept)}",
                table.path,
                int(table.lines[0]),
            )
        columns = kept[-outputs:]
        chosen = f"{prefix}outputs {outputs}"
    _check_label_outputs(table, columns, request, chosen)
    return columns


def _check_label_outputs(table: Table, columns: list[int], request: Request, chosen: str) -> None:
    """Refuse several outputs with ``classify`` or with a label column among them."""
    if len(columns) == 1:
        return
    if request.classify:
        raise ConfigurationError(
            f"{request.prefix}classify makes one output column a classifier, but {chosen} "
            f"chooses {len(columns)} columns of {table.path}"
        )
    labels = [table.names[j] for j in columns if table.columns[j].kind == LABEL]
    if labels:
        raise ConfigurationError(
            f"{chosen} chooses {len(columns)} columns of {table.path}, but {labels[0]!r} holds "
            "labels, and a label output must be the only output column"
        )


def _as_class_codes(table: Table, j: int, prefix: str) -> Table:
    """``table`` with number column ``j`` read as labels: its integer codes, as written."""
    column = table.columns[j]
    if column.kind == LABEL:
        return table
    assert column.values is not None
    bad = np.flatnonzero(~column.missing & (column.values != np.round(column.values)))
    if bad.size:
        i = int(bad[0])
        raise table.error(
            f"expected integer class codes in output column {table.names[j]!r} for "
            f"{prefix}classify, found {table.cell(i, j)}; leave out {prefix}classify for "
            "regression",
            i,
            j,
        )
    texts = [f"{value:.0f}" for value in column.values]
    index: dict[str, int] = {}
    codes = [
        -1 if gap else index.setdefault(text, len(index))
        for text, gap in zip(texts, column.missing, strict=True)
    ]
    columns = list(table.columns)
    columns[j] = Column(
        LABEL, None, np.array(codes, dtype=np.int32), tuple(index), column.missing, None
    )
    return replace(table, columns=columns)


def _task(table: Table, outputs: list[int], known: Mask) -> str:
    """Labels make a multiclass task, only 0 and 1 a binary one, other numbers regression."""
    if table.columns[outputs[0]].kind == LABEL:
        return MULTICLASS
    values = np.concatenate([table.numbers(j)[known] for j in outputs])
    return BINARY if np.isin(values, (0.0, 1.0)).all() else REGRESSION


# -- checks of the inputs ------------------------------------------------------------------------


def _check_input(table: Table, j: int, known: Mask, request: Request, notes: list[str]) -> None:
    """Refuse what the network cannot learn from in input column ``j``; note what is filled in."""
    column, name = table.columns[j], table.names[j]
    gaps = column.missing
    if gaps.any() and not request.impute:
        i = int(np.flatnonzero(gaps)[0])
        raise table.error(
            f"expected a value in input column {name!r}, found {table.cell(i, j)!r} (a missing "
            f"cell); leave out {request.prefix}no-impute to fill it from the other rows, or "
            f"{request.prefix}ignore {name}",
            i,
            j,
        )
    present = known & ~gaps
    if not present.any():
        raise TableFormatError(
            f"expected values in input column {name!r} in the rows with known outputs, found "
            f"only missing cells; leave it out with {request.prefix}ignore {name}",
            table.path,
        )
    if column.kind == LABEL:
        _check_not_identifier(table, j, present, request.prefix)
    else:
        check_magnitude(table, j, np.flatnonzero(~gaps))


def _check_not_identifier(table: Table, j: int, present: Mask, prefix: str) -> None:
    """Refuse a label input whose labels are (nearly) all different: identifiers, names, text."""
    codes, labels = table.labels(j)
    seen = codes[present]
    distinct = np.unique(seen).size
    if distinct >= IDENTIFIER_MIN_LABELS and distinct >= IDENTIFIER_SHARE * seen.size:
        name = table.names[j]
        examples = ", ".join(repr(labels[k]) for k in np.unique(seen)[:3])
        raise table.error(
            f"expected labels that repeat in input column {name!r}, found {distinct} different "
            f"ones in {seen.size} rows ({examples}, ...): identifiers or free text cannot be "
            f"learned from; leave the column out with {prefix}ignore {name}",
            int(np.flatnonzero(present)[0]),
            j,
        )


def check_magnitude(table: Table, j: int, rows: Indices) -> None:
    """Refuse a number too large or too small to train on, naming its file, line and column.

    Parameters
    ----------
    table : Table
    j : int
        The column to check (a label column passes).
    rows : ndarray of int
        The rows to check.

    Raises
    ------
    TableFormatError
        A cell of magnitude above ``LARGEST`` (1e100), or nonzero and below ``SMALLEST``
        (1e-100).
    """
    values = table.columns[j].values
    if values is None:
        return
    magnitudes = np.abs(values[rows])
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
            i = int(np.asarray(rows)[found[0]])
            raise table.error(
                f"expected {expected}, found {table.cell(i, j)!r}; rescale column "
                f"{table.names[j]!r} ({rescale} by a power of ten, or take logarithms)",
                i,
                j,
            )


# -- encodings ---------------------------------------------------------------------------------


def _input_spec(table: Table, j: int, known: Mask, scale: bool, notes: list[str]) -> dict[str, Any]:
    """How input column ``j`` becomes network inputs, learned from the rows with known outputs."""
    column, name = table.columns[j], table.names[j]
    spec: dict[str, Any] = {"name": name, "position": j, "kind": column.kind}
    present = known & ~column.missing
    if column.kind == LABEL:
        codes, labels = table.labels(j)
        seen = codes[present]
        counts = np.bincount(seen, minlength=len(labels))
        spec["categories"] = sorted(labels[k] for k in np.flatnonzero(counts))
        spec["fill"] = labels[int(np.argmax(counts))]  # the most frequent; the first of a tie
    else:
        values = table.numbers(j)[present]
        spec["mean"], spec["scale"] = _mean_scale(values, scale)
        spec["fill"] = float(np.median(values))
        spec["format"] = (
            None if column.format is None or column.format.plain else column.format.to_dict()
        )
    spec["indicator"] = bool((known & column.missing).any())
    _note_missing(table, j, known, spec, notes)
    return spec


def _note_missing(
    table: Table, j: int, known: Mask, spec: dict[str, Any], notes: list[str]
) -> None:
    """Say how many cells of an input column are missing, and what fills them."""
    gaps = table.columns[j].missing
    count = int(gaps.sum())
    if not count:
        return
    filled = (
        f"the median {spec['fill']:.6g}"
        if spec["kind"] == NUMBER
        else f"the most frequent label {spec['fill']!r}"
    )
    where = f"{count} missing cell{'s' * (count > 1)}"
    to_fill = int((gaps & ~known).sum())
    if to_fill:
        where += f" ({to_fill} in rows to fill)"
    told = (
        f"; a 0/1 input '{spec['name']} missing' tells the network which were missing"
        if spec["indicator"]
        else ""
    )
    notes.append(
        f"column {spec['name']!r}: {where} filled with {filled} of the rows to learn from{told}"
    )


def _output_specs(
    table: Table, outputs: list[int], known: Mask, task: str, scale: bool
) -> tuple[list[dict[str, Any]], list[str] | None]:
    """How the output columns are encoded for ``task``, and the classes of a classifier."""
    specs: list[dict[str, Any]] = []
    for j in outputs:
        specs.append({"name": table.names[j], "position": j, "format": _format(table.columns[j])})
    if task == MULTICLASS:
        j = outputs[0]
        codes, labels = table.labels(j)
        classes = sorted({labels[k] for k in np.unique(codes[known])})
        if len(classes) < 2:
            raise TableFormatError(
                f"expected at least two classes in output column {table.names[j]!r} to tell "
                f"apart, found only {classes[0]!r}",
                table.path,
            )
        return specs, classes
    for spec, j in zip(specs, outputs, strict=True):
        check_magnitude(table, j, np.flatnonzero(known))
        if task == REGRESSION:
            spec["mean"], spec["scale"] = _mean_scale(table.numbers(j)[known], scale)
    return specs, None


def _note_outputs_to_fill(table: Table, outputs: list[int], known: Mask, notes: list[str]) -> None:
    """Say so when cells other than ``?`` (empty, NA...) in an output column are to be filled."""
    rows = np.flatnonzero(~known)[:1000]
    others = sorted({table.cell(int(i), j) for i in rows for j in outputs} - {"?"})
    if others:
        shown = ", ".join(repr(text) for text in others[:3])
        notes.append(
            f"output cells written {shown} are missing: filled in like '?', not learned from"
        )


def _format(column: Column) -> dict[str, Any] | None:
    """A number column's format as JSON values, or None for plain numbers (and labels)."""
    fmt = column.format
    return None if fmt is None or fmt.plain else fmt.to_dict()


def _mean_scale(values: Array, scale: bool) -> tuple[float, float]:
    """The shift and divisor of a number column: mean and standard deviation, or 0 and 1."""
    if not scale:
        return 0.0, 1.0
    std = float(values.std())
    return float(values.mean()), std if std > 0 else 1.0
