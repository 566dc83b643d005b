"""Training that a learner watches, for ``explain``, ``plot``, ``animate`` and ``solve --explain``.

``train_watched`` reads and trains as ``solve`` does, with a ``TrainingRecorder`` watching;
``finish_solve`` tells and draws what it kept; ``load_problem`` reads a plain table of numbers
for a network saved without table settings. The commands themselves live in ``explain``,
``pictures`` and ``tables``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from glassnet._types import Array
from glassnet.cli.options import _count, _positive_int
from glassnet.cli.outputs import _check_writable
from glassnet.cli.training import TUTORIAL_TABLE, fit_model, read_source
from glassnet.data import MISSING, NUMBER, Table, parse_table, read_table
from glassnet.errors import ConfigurationError, TableFormatError
from glassnet.explain.columns import (
    input_names,
    input_units,
    output_names,
    output_units,
    prediction_notes,
    table_notes,
)
from glassnet.explain.details import DEFAULT_LINES
from glassnet.explain.explanations import Explanation, describe_origin
from glassnet.explain.recorders import TrainingRecorder
from glassnet.nn.history import History
from glassnet.tables.model import TableModel

__all__ = [
    "EXPLAIN_DEFAULTS",
    "Problem",
    "add_solve_options",
    "add_story_options",
    "check_path",
    "check_picture_path",
    "explanation_of",
    "extras",
    "finish_solve",
    "load_problem",
    "solve_recorder",
    "story_budget",
    "story_setting",
    "tell",
    "train_watched",
]


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


#: What ``--steps``, ``--digits``, ``--max-examples`` and ``--lines`` are when not given.
EXPLAIN_DEFAULTS = {"steps": 1, "digits": 6, "max_examples": 8, "lines": DEFAULT_LINES}


def add_story_options(parser: argparse.ArgumentParser, defaults: bool = True) -> None:
    """Add the options of the story; ``defaults=False`` leaves them None when not given.

    ``--lines`` is None when not given either way, so that ``--json`` (which keeps every
    number) can refuse it; ``story_budget`` reads it.
    """

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
        help="examples shown per step (default 8; with --full, all)",
    )
    parser.add_argument(
        "--lines",
        type=_positive_int,
        metavar="N",
        help=f"tell the story in at most N lines (default {DEFAULT_LINES}), at the widest detail "
        "that fits; what is left out (examples, units, weights) is summed up with its largest "
        "number. A network too big for N lines even at the least detail takes more, and says so",
    )
    parser.add_argument(
        "--full",
        action="store_true",
        default=False if defaults else None,
        help="tell every number, however long (every example too, unless --max-examples)",
    )


def story_setting(args: argparse.Namespace, name: str) -> int:
    """The value of a story option, its default when not given."""
    value = getattr(args, name)
    return EXPLAIN_DEFAULTS[name] if value is None else int(value)


def story_budget(args: argparse.Namespace) -> tuple[int | None, int | None]:
    """The story's line budget and examples per table: None and None mean all, for ``--full``."""
    if args.full:
        return None, args.max_examples
    return story_setting(args, "lines"), story_setting(args, "max_examples")


def tell(story: Explanation, args: argparse.Namespace) -> str:
    """``story`` in sentences, as the story options ask."""
    lines, examples = story_budget(args)
    return story.narrate(story_setting(args, "digits"), max_examples=examples, lines=lines)


def add_solve_options(solve: argparse.ArgumentParser) -> None:
    """Give ``solve`` the flags ``--explain`` and ``--plot PATH`` (see ``finish_solve``).

    The story's options are left None when not given, so that one given without ``--explain``
    is refused (``glassnet.cli.options.conflicting_options``) rather than ignored.
    """
    solve.add_argument(
        "--explain",
        action="store_true",
        help="narrate training with every number (with --json: a 'trace' entry)",
    )
    solve.add_argument("--plot", metavar="PATH", help="also draw the network and its learning")
    add_story_options(solve, defaults=False)


def solve_recorder(args: argparse.Namespace) -> TrainingRecorder:
    """Return the recorder that watches ``solve``'s training for ``--explain`` and ``--plot``."""
    if args.plot:
        check_picture_path(args.plot)
    steps = story_setting(args, "steps") if args.explain else 0
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
        from glassnet.plot import plot_overview, save_figure

        with extras():
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
    story = explanation_of(recorder, model, table)
    if args.json:
        return {"trace": story.to_dict()}
    sys.stdout.write(tell(story, args))
    return {}


def explanation_of(recorder: TrainingRecorder, model: TableModel, table: Table) -> Explanation:
    """The story of ``model``'s training as ``recorder`` kept it, told in the table's terms."""
    assert model.history_ is not None
    return recorder.explanation(
        model.net_,
        model.history_,
        origin=describe_origin(recorder.origin_net, seed=model.settings_.seed),
        notes=table_notes(model),
        prediction_notes=prediction_notes(model, table),
    )


def check_path(path: str) -> None:
    """Fail before training when ``path`` clearly cannot be written, as the other commands do."""
    _check_writable(path)


def check_picture_path(path: str) -> None:
    """Check a picture's folder and format (its suffix) before any training."""
    check_path(path)
    with extras():
        from glassnet.plot import picture_format

        picture_format(path)


def train_watched(
    args: argparse.Namespace, source: str | None, recorder: TrainingRecorder
) -> tuple[Table, TableModel, History]:
    """Read the table and train the table model solve would, watched by ``recorder``."""
    if args.epochs == 0:
        raise ConfigurationError(
            f"expected --epochs >= 1: glassnet {args.command} shows training, got 0"
        )
    table = read_source(source, args)
    model = fit_model(table, args, recorder)
    assert model.history_ is not None
    return table, model, model.history_


@contextmanager
def extras() -> Iterator[None]:
    """Report a missing optional extra (matplotlib, Pillow) as one line, not a traceback."""
    try:
        yield
    except ImportError as error:  # a usage matter, as for the onnx and torch extras: exit 2
        raise ConfigurationError(str(error)) from None
