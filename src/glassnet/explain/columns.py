"""A table model's network in the table's own terms: names, units and notes in words.

A ``TableModel`` one-hot encodes label columns and scales numbers before its network sees them;
these functions name each network input and output after its column, give the units to turn its
values back, and say in sentences how the table became the inputs and targets. They only read a
trained model: nothing here encodes, trains or draws.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from glassnet.data.columns import LABEL
from glassnet.tables.schema import REGRESSION

if TYPE_CHECKING:
    from glassnet.data.table import Table
    from glassnet.tables.model import TableModel

__all__ = [
    "input_names",
    "input_units",
    "output_names",
    "output_units",
    "prediction_notes",
    "table_notes",
]


def input_names(model: TableModel) -> list[str]:
    r"""Name each of the network's inputs by its table column: ``colour=red`` for one-hot ones.

    Parameters
    ----------
    model : TableModel
        A trained table model.

    Returns
    -------
    list of str
        One name per network input, in the network's order.

    Examples
    --------
    >>> from glassnet.data import parse_table
    >>> from glassnet.tables.model import TableModel
    >>> table = parse_table("colour size price\nred 1 10\nblue 2 20\nred 3 31\nblue 4 39\n")
    >>> model = TableModel(hidden=(2,), epochs=5).fit(table)
    >>> input_names(model), output_names(model)
    (['colour=blue', 'colour=red', 'size'], ['price'])
    """
    names: list[str] = []
    for spec in model.inputs_:
        if spec["kind"] == LABEL:
            names.extend(f"{spec['name']}={category}" for category in spec["categories"])
        else:
            names.append(str(spec["name"]))
        if spec.get("indicator"):
            names.append(f"{spec['name']} missing")
    return names


def output_names(model: TableModel) -> list[str]:
    """Name each of the network's outputs: the classes of a label column, else the columns.

    Parameters
    ----------
    model : TableModel
        A trained table model.

    Returns
    -------
    list of str
        One name per network output (see ``input_names`` for an example).
    """
    if model.classes_ is not None:
        return list(model.classes_)
    return [str(spec["name"]) for spec in model.outputs_]


def input_units(model: TableModel) -> list[tuple[float, float]]:
    r"""Return ``(mean, scale)`` per network input, to show it in the table's units.

    A scaled column's value is ``x * scale + mean``; a one-hot input is shown as it is (0 or 1).

    Parameters
    ----------
    model : TableModel
        A trained table model.

    Returns
    -------
    list of (float, float)
        One ``(mean, scale)`` pair per network input.

    Examples
    --------
    >>> from glassnet.data import parse_table
    >>> from glassnet.tables.model import TableModel
    >>> table = parse_table("colour size price\nred 1 10\nblue 2 20\nred 3 31\nblue 4 39\n")
    >>> model = TableModel(hidden=(2,), epochs=5).fit(table)
    >>> [(mean, round(scale, 4)) for mean, scale in input_units(model)]  # blue, red, size
    [(0.0, 1.0), (0.0, 1.0), (2.5, 1.118)]
    >>> [(mean, round(scale, 4)) for mean, scale in output_units(model)]  # price
    [(25.0, 10.9772)]
    """
    units: list[tuple[float, float]] = []
    for spec in model.inputs_:
        if spec["kind"] == LABEL:
            units.extend((0.0, 1.0) for _ in spec["categories"])
        else:
            units.append((float(spec["mean"]), float(spec["scale"])))
        if spec.get("indicator"):
            units.append((0.0, 1.0))
    return units


def output_units(model: TableModel) -> list[tuple[float, float]] | None:
    """Return ``(mean, scale)`` per network output of a regression model, else None.

    Classifiers' outputs are probabilities already; regression answers are ``out * scale + mean``.

    Parameters
    ----------
    model : TableModel
        A trained table model.

    Returns
    -------
    list of (float, float) or None
        One ``(mean, scale)`` pair per network output, or None for a classifier.
    """
    if model.task_ != REGRESSION:
        return None
    return [(float(spec["mean"]), float(spec["scale"])) for spec in model.outputs_]


def _encoded(model: TableModel) -> bool:
    """Whether the network sees anything but the table's own numbers."""
    changed = any(
        spec["kind"] == LABEL or spec["mean"] != 0 or spec["scale"] != 1 or spec.get("indicator")
        for spec in model.inputs_
    )
    scaled = any(spec.get("mean", 0) != 0 or spec.get("scale", 1) != 1 for spec in model.outputs_)
    return changed or scaled or model.classes_ is not None


def _number(value: float) -> str:
    return f"{value:.6g}"


def table_notes(model: TableModel) -> list[str]:
    r"""Say in words how the table became the network's inputs and targets, and how it trained.

    Nothing is said about columns the network sees unchanged, so the tutorial's table (raw 0s
    and 1s, full-batch training) needs no note.

    Parameters
    ----------
    model : TableModel
        A trained table model.

    Returns
    -------
    list of str
        Up to three sentences: the inputs, the targets and the training plan.

    Examples
    --------
    >>> from glassnet.data import parse_table
    >>> from glassnet.tables.model import TableModel
    >>> table = parse_table("colour size price\nred 1 10\nblue 2 20\nred 3 31\nblue 4 39\n")
    >>> notes = table_notes(TableModel(hidden=(2,), epochs=5).fit(table))
    >>> print(notes[1])  # doctest: +NORMALIZE_WHITESPACE
    The targets: out is column 'price' scaled the same way, (price - 25) / 10.9772;
    its answers are turned back as out × 10.9772 + 25.
    >>> tutorial = parse_table("Input Output\n0 0 1 0\n1 1 1 1\n1 0 1 1\n0 1 1 0\n")
    >>> table_notes(TableModel(epochs=5).fit(tutorial))
    []
    """
    notes = []
    if _encoded(model):
        notes.append(_inputs_note(model))
        outputs = _outputs_note(model)
        if outputs:
            notes.append(outputs)
    plan = _training_note(model)
    if plan:
        notes.append(plan)
    return notes


#: Past this many input columns, the inputs note names the first ``_NAMED`` and counts the rest.
_LISTED, _NAMED = 12, 8


def _inputs_note(model: TableModel) -> str:
    told, starts, index, scaled = [], [], 1, False  # told: what each column's inputs are
    for spec in model.inputs_:
        name, parts = spec["name"], []
        starts.append(index)
        if spec["kind"] == LABEL:
            width = len(spec["categories"])
            units = f"x{index}" if width == 1 else f"x{index}..x{index + width - 1}"
            parts.append(
                f"{units} are column {name!r} one-hot encoded (1 for the row's label, 0 for the "
                f"others; labels {', '.join(spec['categories'])})"
            )
            index += width
        else:
            mean, scale = spec["mean"], spec["scale"]
            if mean == 0 and scale == 1:
                parts.append(f"x{index} is column {name!r} as it is")
            else:
                parts.append(f"x{index} is column {name!r} scaled: {_scaling(name, mean, scale)}")
                scaled = True
            index += 1
        if spec.get("indicator"):
            fill = spec["fill"] if spec["kind"] == LABEL else _number(spec["fill"])
            parts.append(
                f"x{index} is 1 where column {name!r} was missing (filled with {fill}) and 0 "
                "elsewhere"
            )
            index += 1
        told.append(parts)
    if len(told) > _LISTED:
        told = [*told[:_NAMED], [_other_columns(model, starts[_NAMED])]]
    parts = [part for column in told for part in column]
    text = "The inputs are the table's columns encoded for the network: " + "; ".join(parts) + "."
    if scaled:
        text += " Scaled columns have mean 0 and standard deviation 1 over the known rows."
    return text


def _scaling(name: str, mean: float, scale: float) -> str:
    """``(name - mean) / scale`` in words, a negative mean added: ``(t + 0.5) / 2``."""
    shift = f"- {_number(mean)}" if mean >= 0 else f"+ {_number(-mean)}"
    return f"({name} {shift}) / {_number(scale)}"


def _other_columns(model: TableModel, start: int) -> str:
    """The input columns after the first ``_NAMED`` (network inputs from ``start``), counted."""
    rest = model.inputs_[_NAMED:]
    labels = sum(spec["kind"] == LABEL for spec in rest)
    plain = sum(spec["kind"] != LABEL and spec["mean"] == 0 and spec["scale"] == 1 for spec in rest)
    kinds = [
        (len(rest) - labels - plain, "scaled the same way"),
        (plain, "as they are"),
        (labels, "one-hot encoded"),
        (sum(bool(spec.get("indicator")) for spec in rest), "with an input for missing cells"),
    ]
    how = ", ".join(f"{count} {words}" for count, words in kinds if count)
    return (
        f"x{start}..x{model.net_.n_inputs} are the other {len(rest)} columns ({how}; "
        "'glassnet info' on a saved model lists them all)"
    )


def _outputs_note(model: TableModel) -> str | None:
    if model.classes_ is not None:
        column = model.outputs_[0]["name"]
        units = "out1" if len(model.classes_) == 1 else f"out1..out{len(model.classes_)}"
        return (
            f"The outputs {units} are the probabilities of the labels of column {column!r} "
            f"({', '.join(model.classes_)}); each example's target is 1 for its label and 0 for "
            "the others."
        )
    single = len(model.outputs_) == 1
    scaled = [spec.get("mean", 0) != 0 or spec.get("scale", 1) != 1 for spec in model.outputs_]
    if single and not scaled[0]:
        return None  # one 0/1 column: out is simply its probability of 1
    parts = []
    for k, (spec, is_scaled) in enumerate(zip(model.outputs_, scaled, strict=True), start=1):
        unit = "out" if single else f"out{k}"
        name = spec["name"]
        if is_scaled:
            mean, scale = _number(spec["mean"]), _number(spec["scale"])
            back = (
                f"{unit} × {scale} + {mean}"
                if spec["mean"] >= 0
                else f"{unit} × {scale} - {_number(-spec['mean'])}"
            )
            parts.append(
                f"{unit} is column {name!r} scaled the same way, "
                f"{_scaling(name, spec['mean'], spec['scale'])}; "
                f"its answers are turned back as {back}"
            )
        else:
            parts.append(f"{unit} is column {name!r}")
    return "The targets: " + "; ".join(parts) + "."


def _training_note(model: TableModel) -> str | None:
    settings = model.settings_
    parts = []
    if settings.batch_size:
        shuffled = ", reshuffled every iteration" if settings.shuffle else ""
        parts.append(f"steps on mini-batches of {settings.batch_size} rows{shuffled}")
    if settings.validation:
        held = f"{settings.validation:.0%} of the known rows held out to watch for overfitting"
        parts.append(held)
    if settings.patience is not None:
        parts.append(
            f"stopping {settings.patience} iterations after the lowest loss and keeping those "
            "weights"
        )
    if settings.l2:
        parts.append(f"weight decay {_number(settings.l2)}")
    if not parts:
        return None
    return f"Training: at most {settings.epochs} iterations, " + ", ".join(parts) + "."


def prediction_notes(model: TableModel, table: Table) -> list[str]:
    r"""For each row with a ``?`` output, the row and its answer in the table's own terms.

    Empty when the network sees the table's numbers unchanged: the arithmetic says it all.

    Parameters
    ----------
    model : TableModel
        A trained table model.
    table : Table
        The table it was trained on, with its ``?`` rows.

    Returns
    -------
    list of str
        One sentence per row to fill, in the table's order.

    Examples
    --------
    >>> from glassnet.data import parse_table
    >>> from glassnet.tables.model import TableModel
    >>> table = parse_table("colour size price\nred 1 10\nblue 2 20\nred 3 31\nblue 4 39\n"
    ...                     "red 5 ?\n")
    >>> model = TableModel(hidden=(2,), epochs=5).fit(table)
    >>> print(prediction_notes(model, table)[0])  # doctest: +NORMALIZE_WHITESPACE, +ELLIPSIS
    In the table this is the row on line 6 (colour = red, size = 5);
    the answer written there: price = ...
    """
    if not _encoded(model):
        return []
    rows = model.to_fill(table).tolist()
    if not rows:
        return []
    part = table.take(rows)
    answers = model.answers(part)
    positions = model.locate(table).inputs
    notes = []
    for i, answer in zip(rows, answers, strict=True):
        cells = ", ".join(
            f"{spec['name']} = {table.cell(i, j)}"
            for spec, j in zip(model.inputs_, positions, strict=True)
        )
        given = ", ".join(
            f"{spec['name']} = {value}" for spec, value in zip(model.outputs_, answer, strict=True)
        )
        notes.append(
            f"In the table this is the row on line {table.lines[i]} ({cells}); the answer "
            f"written there: {given}."
        )
    return notes
