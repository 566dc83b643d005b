"""The Python program that rebuilds a playground run with the library, weights and all.

``program`` writes a script that makes the same data, the same ``TableModel`` and trains it for
the same epochs; changes made by hand (a learning rate, a weight) are made after the same epochs,
through a trainer that runs ``Network.fit`` between them as the page did. Running it gives the
page's weights exactly. Nothing here runs the program.
"""

from __future__ import annotations

from glassnet.playground.runs import Run, model_settings
from glassnet.playground.sources import TUTORIAL, Source
from glassnet.tables.recipes import resolve_settings

__all__ = ["EMBED_LIMIT", "program"]

#: A table up to this many characters is written into the program; a larger one is read by name.
EMBED_LIMIT = 64_000


def program(run: Run) -> str:
    """Return a Python program that rebuilds ``run``: its data, its model, its weights.

    The program ends with ``model`` (a ``TableModel``) trained as the page trained it, and
    prints its losses and the answers to the table's ``?`` rows.
    """
    lines = [
        f'"""Rebuild a glassnet playground run: {_summary(run)}."""',
        "",
        "import glassnet as gn",
    ]
    lines += _data_lines(run)
    lines += ["", *_model_lines(run)]
    lines += ["", *_training_lines(run)]
    lines += ["", *_report_lines(run)]
    return "\n".join(lines) + "\n"


def _summary(run: Run) -> str:
    controls = run.controls
    data = controls.table if controls.data == "table" else controls.data
    hidden = ",".join(str(n) for n in controls.hidden) or "no hidden layer"
    return f"{data}, hidden {hidden}, {run.epoch} epochs"


def _data_lines(run: Run) -> list[str]:
    """Make ``train`` (and ``test``, and ``table`` for a table) as the page did."""
    controls, source = run.controls, run.data.source
    if source is None:
        return [
            "from glassnet.playground.datasets import two_d_tables",
            "",
            f"data = two_d_tables({controls.data!r}, noise={controls.noise / 100!r}, "
            f"train={controls.train / 100!r}, features={list(controls.features)!r}, "
            f"seed={controls.data_seed!r})",
            "train, test = data.train, data.test",
        ]
    if source.name == TUTORIAL and source.path is None:
        lines = [
            "from glassnet.data.tutorial import TUTORIAL_TABLE",
            "",
            f"table = gn.parse_table(TUTORIAL_TABLE, {TUTORIAL!r})",
        ]
    elif source.path is not None:
        lines = ["", f"table = gn.read_table({source.path!r}{_reading(source)})"]
    elif len(source.text) <= EMBED_LIMIT:
        text = [f"    {line!r}" for line in source.text.splitlines(keepends=True)]
        parse = f"table = gn.parse_table(TEXT, {source.name!r}{_reading(source)})"
        lines = ["", "TEXT = (", *text, ")", parse]
    else:
        lines = ["", f"table = gn.read_table({source.name!r})  # the table given to the page"]
    if run.data.test is None:
        return [*lines, "train = table"]
    return [
        lines[0],
        "from glassnet.playground.sources import split_table",
        *lines[1:],
        f"train, test = split_table(table, {run.data.target!r}, {controls.train / 100!r}, "
        f"seed={controls.data_seed!r})",
    ]


def _reading(source: Source) -> str:
    """The reader's arguments the table was read with: ``sep`` and ``header`` when given."""
    given = (("sep", source.sep), ("header", source.header))
    return "".join(f", {key}={value!r}" for key, value in given if value is not None)


def _model_lines(run: Run) -> list[str]:
    """The table model, with every setting the page shows."""
    preset = resolve_settings(run.data.train, [run.data.train.column_index(run.data.target)]).preset
    settings = model_settings(run.controls, preset)
    if not run.changes:
        settings["epochs"] = run.epoch
    lines = ["model = gn.TableModel("]
    lines += [f"    {name}={value!r}," for name, value in settings.items()]
    return [*lines, ")"]


def _fit_arguments(run: Run) -> str:
    words = "" if run.batch_size is None else f", batch_size={run.batch_size}"
    return words + (", shuffle=True" if run.shuffle else "")


def _training_lines(run: Run) -> list[str]:
    """Fit the model; with changes by hand, through a trainer that makes them in turn."""
    fit = f"model.fit(train, target=[{run.data.target!r}]"
    if not run.changes:
        return [f"{fit})"]
    lines = [
        "",
        "def as_on_the_page(net, X, Y, X_new):",
        '    """Train as the page did: Network.fit between the changes made by hand."""',
        "    history = gn.History()",
    ]
    done = 0
    for change in run.changes:
        if change.epoch > done:
            lines.append(_fit_line(run, change.epoch - done))
            done = change.epoch
        lines.append(f"    {change.statement()}  # by hand after epoch {change.epoch}")
    if run.epoch > done:
        lines.append(_fit_line(run, run.epoch - done))
    return [*lines, "    return history", "", "", f"{fit}, trainer=as_on_the_page)"]


def _fit_line(run: Run, epochs: int) -> str:
    return f"    history = net.fit(X, Y, epochs={epochs}{_fit_arguments(run)})"


def _report_lines(run: Run) -> list[str]:
    """Print the losses, and the answers to the table's '?' rows."""
    lines = [
        "X, Y = model.encode(train)",
        'print("training loss:", model.net_.evaluate(X, Y))',
    ]
    if run.data.test is not None:
        lines.append('print("test loss:", model.evaluate(test)["loss"])')
    if run.data.source is not None:
        lines += ["for row in model.fill(table):", '    print(" ".join(row))']
    return lines
