"""The commands that let a learner see through a network: ``explain``, ``plot`` and ``animate``.

They read a table as ``solve`` does and train the same ``TableModel`` (same options, same
recipes), watched by a ``glassnet.recorders.TrainingRecorder``, then narrate or draw what it kept.
``register`` adds the commands (``plot`` and ``animate`` run in ``glassnet.cli_pictures``);
``add_solve_options``, ``solve_recorder`` and ``finish_solve`` serve ``solve --explain --plot``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from glassnet._types import Array
from glassnet.cli_options import (
    _common_options,
    _count,
    _output_options,
    _positive_int,
    _table_options,
    _training_options,
    add_subcommand,
)
from glassnet.cli_outputs import _check_writable
from glassnet.data import MISSING, NUMBER, Table, parse_table, read_table
from glassnet.errors import ConfigurationError, TableFormatError
from glassnet.explain import Explanation, describe_origin
from glassnet.recorders import TrainingRecorder
from glassnet.table_terms import (
    input_names,
    input_units,
    output_names,
    output_units,
    prediction_notes,
    table_notes,
)
from glassnet.tables import TableModel
from glassnet.training import History

__all__ = [
    "Problem",
    "add_solve_options",
    "finish_solve",
    "load_problem",
    "register",
    "solve_recorder",
]

KINDS = ("loss", "boundary", "network", "weights")


@dataclass
class Problem:
    """A table of numbers split for a plain network: known rows (``X``, ``y``) and the rest."""

    X: Array
    y: Array
    X_new: Array
    names: list[str]
    path: str


def load_problem(source: str | None, sep: str | None = None, header: bool | None = None) -> Problem:
    """Read a table of numbers (the tutorial's when ``source`` is None); the last column is output.

    For a network saved without table settings, which knows nothing of labels or scaling.

    Raises
    ------
    TableFormatError
        For label columns, a ``?`` among the inputs, or no row with a known output.
    """
    if source is None:
        from glassnet.cli import TUTORIAL_TABLE

        table = parse_table(TUTORIAL_TABLE, "<tutorial>", sep=sep, header=header)
    else:
        table = read_table(source, sep=sep, header=header)
    for column, kind in enumerate(table.kinds):
        if kind != NUMBER:
            raise table.error(f"expected numbers in column {table.names[column]!r}, found labels")
    for row, cells in enumerate(table.rows):
        for column, cell in enumerate(cells[:-1]):
            if cell == MISSING:
                raise table.error("expected a number among the inputs, found '?'", row, column)
    values = np.array(
        [[np.nan if cell == MISSING else float(cell) for cell in cells] for cells in table.rows]
    )  # (n_rows, n_columns)
    unknown = np.isnan(values[:, -1])
    if unknown.all():
        raise TableFormatError("no row has a known output to learn from", table.path)
    return Problem(
        X=values[~unknown, :-1],
        y=values[~unknown, -1:],
        X_new=values[unknown, :-1],
        names=table.names,
        path=table.path,
    )


# -- the parser -----------------------------------------------------------------------------------


def register(commands: Any) -> None:
    """Add ``explain``, ``plot`` and ``animate`` to the ``glassnet`` subcommands."""
    parents = [_common_options(), _table_options(), _output_options(), _training_options()]
    _add_explain(commands, parents)
    _add_plot(commands, parents)
    _add_animate(commands, parents)


def _add_explain(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    explain = add_subcommand(
        commands,
        "explain",
        "narrate training with every number",
        "Train on a table as solve does and explain, in plain sentences, every number of the "
        "first iterations: weighted sums, outputs, errors, slopes, adjustments and new weights. "
        "The numbers are the network's own: inputs after the model's scaling and one-hot "
        "encoding, which the story describes.",
        parents,
        EXAMPLES["explain"],
        trains=True,
    )
    explain.add_argument(
        "table", nargs="?", help="table file, '-' for stdin (default: the tutorial's)"
    )
    _add_explain_output(explain)
    explain.add_argument("--json", action="store_true", help="print the trace as JSON data")
    explain.set_defaults(run=_explain)


def _add_plot(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    # glassnet.cli_pictures imports this module's shared steps, so its commands come in here
    from glassnet.cli_pictures import _plot

    plot = add_subcommand(
        commands,
        "plot",
        "draw a network or its learning",
        "Draw a picture of a model file, or of the network solve would train on a table.",
        parents,
        EXAMPLES["plot"],
        trains=True,
    )
    plot.add_argument(
        "source",
        nargs="?",
        help="a model file or a table file, told apart by content (default: the tutorial's)",
    )
    plot.add_argument(
        "--kind", choices=KINDS, default="network", help="what to draw (default: network)"
    )
    plot.add_argument("-o", "--output", required=True, help="picture file (.png, .svg, .pdf)")
    plot.add_argument("--data", help="table whose points a model's boundary plot shows")
    plot.add_argument(
        "--inputs",
        type=_positive_int,
        nargs=2,
        default=[1, 2],
        metavar=("I", "J"),
        help="the two network inputs of a boundary plot, counted from 1 (default 1 2)",
    )
    plot.set_defaults(run=_plot)


def _add_animate(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    from glassnet.cli_pictures import _animate

    animate = add_subcommand(
        commands,
        "animate",
        "make a GIF of a network learning",
        "Train on a table as solve does and write a GIF of the network and its answers changing.",
        parents,
        EXAMPLES["animate"],
        trains=True,
    )
    animate.add_argument(
        "table", nargs="?", help="table file, '-' for stdin (default: the tutorial's)"
    )
    animate.add_argument("-o", "--output", required=True, help="the GIF to write (.gif)")
    animate.add_argument("--frames", type=_positive_int, default=40, help="pictures (default 40)")
    animate.add_argument(
        "--fps", type=_positive_int, default=8, help="frames per second (default 8)"
    )
    animate.set_defaults(run=_animate)


#: What ``--steps``, ``--digits`` and ``--max-examples`` are when not given.
EXPLAIN_DEFAULTS = {"steps": 1, "digits": 6, "max_examples": 8}


def _add_explain_output(parser: argparse.ArgumentParser, defaults: bool = True) -> None:
    """Add the options of the story; ``defaults=False`` leaves them None when not given."""

    def default(name: str) -> int | None:
        return EXPLAIN_DEFAULTS[name] if defaults else None

    parser.add_argument(
        "--steps",
        type=_count,
        default=default("steps"),
        help="iterations to show number by number (default 1)",
    )
    parser.add_argument(
        "--every",
        type=_positive_int,
        help="a one-line summary every N iterations (default: 10 in all)",
    )
    parser.add_argument(
        "--digits",
        type=_positive_int,
        default=default("digits"),
        help="significant digits (default 6)",
    )
    parser.add_argument(
        "--max-examples",
        type=_positive_int,
        default=default("max_examples"),
        help="examples shown per step (default 8)",
    )


def _explain_setting(args: argparse.Namespace, name: str) -> int:
    """The value of a story option, its default when not given."""
    value = getattr(args, name)
    return EXPLAIN_DEFAULTS[name] if value is None else int(value)


EXAMPLES = {
    "explain": """\
examples:
  glassnet explain                         # the tutorial's table, first iteration in full
  glassnet explain --epochs 1 --json       # the same numbers as data
  glassnet explain iris.csv --hidden 4 --steps 1 --max-examples 3""",
    "plot": """\
examples:
  glassnet plot --kind boundary -o boundary.png
  glassnet plot data.csv --kind loss -o loss.png --hidden 8
  glassnet plot model.safetensors -o network.png
  glassnet plot model.safetensors --kind boundary --data data.csv -o boundary.png""",
    "animate": """\
examples:
  glassnet animate xor.txt --hidden 3 -o training.gif""",
}


# -- the explain command ---------------------------------------------------------------------------


def _explain(args: argparse.Namespace) -> int:
    recorder = TrainingRecorder(steps=args.steps, every=args.every)
    table, model, _ = _train(args, args.table, recorder)
    story = _story(recorder, model, table)
    if args.json:
        document = {"command": "explain", **story.to_dict()}
        print(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        print(story.narrate(digits=args.digits, max_examples=args.max_examples), end="")
    return 0


# -- solve --explain and --plot -------------------------------------------------------------------


def add_solve_options(solve: argparse.ArgumentParser) -> None:
    """Give ``solve`` the flags ``--explain`` and ``--plot PATH`` (see ``finish_solve``).

    The story's options are left None when not given, so that one given without ``--explain``
    is refused (``glassnet.cli_options.conflicting_options``) rather than ignored.
    """
    solve.add_argument(
        "--explain",
        action="store_true",
        help="narrate training with every number (with --json: a 'trace' entry)",
    )
    solve.add_argument("--plot", metavar="PATH", help="also draw the network and its learning")
    _add_explain_output(solve, defaults=False)


def solve_recorder(args: argparse.Namespace) -> TrainingRecorder:
    """Return the recorder that watches ``solve``'s training for ``--explain`` and ``--plot``."""
    if args.plot:
        _picture_path(args.plot)
    steps = _explain_setting(args, "steps") if args.explain else 0
    return TrainingRecorder(steps=steps, every=args.every)


def finish_solve(
    recorder: TrainingRecorder, model: TableModel, table: Table, args: argparse.Namespace
) -> dict[str, Any]:
    """Draw ``--plot`` and tell ``--explain`` after ``solve`` trained; return JSON additions.

    The story is printed on stdout before the table, or, with ``--json``, returned as the
    document's ``"trace"`` so that stdout stays one JSON document.
    """
    assert model.history_ is not None
    if args.plot:
        from glassnet.plotting import plot_overview, save_figure

        with _extras():
            figure = plot_overview(
                model.net_,
                model.history_,
                recorder.X,
                recorder.Y,
                names=input_names(model),
                output_names=output_names(model),
                input_units=input_units(model),
                output_units=output_units(model),
            )
            save_figure(figure, args.plot)
    if not args.explain:
        return {}
    story = _story(recorder, model, table)
    if args.json:
        return {"trace": story.to_dict()}
    digits, examples = _explain_setting(args, "digits"), _explain_setting(args, "max_examples")
    sys.stdout.write(story.narrate(digits=digits, max_examples=examples))
    return {}


def _story(recorder: TrainingRecorder, model: TableModel, table: Table) -> Explanation:
    assert model.history_ is not None
    return recorder.explanation(
        model.net_,
        model.history_,
        origin=describe_origin(recorder.origin_net, seed=model.settings_.seed),
        notes=table_notes(model),
        prediction_notes=prediction_notes(model, table),
    )


# -- the steps explain, plot and animate share ----------------------------------------------------


def _writable(path: str) -> None:
    """Fail before training when ``path`` clearly cannot be written, as the other commands do."""
    _check_writable(path)


def _picture_path(path: str) -> None:
    """Check a picture's folder and format (its suffix) before any training."""
    _writable(path)
    with _extras():
        from glassnet.plotting import picture_format

        picture_format(path)


def _train(
    args: argparse.Namespace, source: str | None, recorder: TrainingRecorder
) -> tuple[Table, TableModel, History]:
    """Read the table and train the table model solve would, watched by ``recorder``."""
    from glassnet.cli import _fit, _read

    if args.epochs == 0:
        raise ConfigurationError(
            f"expected --epochs >= 1: glassnet {args.command} shows training, got 0"
        )
    table = _read(source, args)
    model = _fit(table, args, recorder)
    assert model.history_ is not None
    return table, model, model.history_


@contextmanager
def _extras() -> Iterator[None]:
    """Report a missing optional extra (matplotlib, Pillow) as one line, not a traceback."""
    try:
        yield
    except ImportError as error:  # a usage matter, as for the onnx and torch extras: exit 2
        raise ConfigurationError(str(error)) from None
