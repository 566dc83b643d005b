"""The commands that let a learner see through a network: ``explain``, ``plot`` and ``animate``.

They read a table as ``solve`` does and train the same ``TableModel`` (same options, same
recipes), watched by a ``glassnet.recorders.TrainingRecorder``, then narrate or draw what it kept;
the numbers are those of the network the table model trains. ``register`` adds the commands to
``glassnet``; ``add_solve_options`` gives ``solve`` its ``--explain`` and ``--plot`` flags,
served by ``solve_recorder`` and ``finish_solve``.
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
from glassnet.cli import _count, _positive_int
from glassnet.data import MISSING, NUMBER, Table, parse_table, read_table
from glassnet.errors import ConfigurationError, TableFormatError
from glassnet.explain import Explanation, describe_origin
from glassnet.recorders import (
    TrainingRecorder,
    input_names,
    input_units,
    output_names,
    output_units,
    prediction_notes,
    table_notes,
)
from glassnet.tables import MODEL_KIND, TableModel
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
WEIGHT_SNAPSHOTS = 500  # points per line of a weights-over-training plot


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


def _add_explain_output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--steps", type=_count, default=1, help="iterations to show number by number (default 1)"
    )
    parser.add_argument(
        "--every",
        type=_positive_int,
        help="a one-line summary every N iterations (default: 10 in all)",
    )
    parser.add_argument(
        "--digits", type=_positive_int, default=6, help="significant digits (default 6)"
    )
    parser.add_argument(
        "--max-examples", type=_positive_int, default=8, help="examples shown per step (default 8)"
    )


def register(commands: Any) -> None:
    """Add ``explain``, ``plot`` and ``animate`` to the ``glassnet`` subcommands."""
    from glassnet.cli import (
        DEFAULTS_RULE,
        TASK_RULE,
        _common_options,
        _Formatter,
        _output_options,
        _table_options,
        _training_options,
    )

    parents = [_common_options(), _table_options(), _output_options(), _training_options()]
    rules = TASK_RULE + "\n\n" + DEFAULTS_RULE

    def add(name: str, help_text: str, description: str, examples: str) -> Any:
        return commands.add_parser(
            name,
            help=help_text,
            description=description,
            epilog=examples + "\n\n" + rules,
            parents=parents,
            formatter_class=_Formatter,
        )

    parser = add(
        "explain",
        "narrate training with every number",
        "Train on a table as solve does and explain, in plain sentences, every number of the "
        "first iterations: weighted sums, outputs, errors, slopes, adjustments and new weights. "
        "The numbers are the network's own: inputs after the model's scaling and one-hot "
        "encoding, which the story describes.",
        EXAMPLES["explain"],
    )
    parser.add_argument(
        "table", nargs="?", help="table file, '-' for stdin (default: the tutorial's)"
    )
    _add_explain_output(parser)
    parser.add_argument("--json", action="store_true", help="print the trace as JSON data")
    parser.set_defaults(run=_explain)

    parser = add(
        "plot",
        "draw a network or its learning",
        "Draw a picture of a model file, or of the network solve would train on a table.",
        EXAMPLES["plot"],
    )
    parser.add_argument(
        "source",
        nargs="?",
        help="a model file (.safetensors) or a table file (default: the tutorial's table)",
    )
    parser.add_argument("--kind", choices=KINDS, default="network", help="what to draw")
    parser.add_argument("-o", "--output", required=True, help="picture file (.png, .svg, .pdf)")
    parser.add_argument("--data", help="table whose points a model's boundary plot shows")
    parser.add_argument(
        "--inputs",
        type=_positive_int,
        nargs=2,
        default=[1, 2],
        metavar=("I", "J"),
        help="the two network inputs of a boundary plot, counted from 1 (default 1 2)",
    )
    parser.set_defaults(run=_plot)

    parser = add(
        "animate",
        "make a GIF of a network learning",
        "Train on a table as solve does and write a GIF of the network and its answers changing.",
        EXAMPLES["animate"],
    )
    parser.add_argument(
        "table", nargs="?", help="table file, '-' for stdin (default: the tutorial's)"
    )
    parser.add_argument("-o", "--output", required=True, help="the GIF to write")
    parser.add_argument("--frames", type=_positive_int, default=40, help="pictures (default 40)")
    parser.add_argument(
        "--fps", type=_positive_int, default=8, help="frames per second (default 8)"
    )
    parser.set_defaults(run=_animate)


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


def add_solve_options(solve: argparse.ArgumentParser) -> None:
    """Give ``solve`` the flags ``--explain`` and ``--plot PATH`` (see ``finish_solve``)."""
    solve.add_argument(
        "--explain",
        action="store_true",
        help="narrate training with every number (with --json: a 'trace' entry)",
    )
    solve.add_argument("--plot", metavar="PATH", help="also draw the network and its learning")
    _add_explain_output(solve)


def solve_recorder(args: argparse.Namespace) -> TrainingRecorder:
    """Return the recorder that watches ``solve``'s training for ``--explain`` and ``--plot``."""
    if args.plot:
        _picture_path(args.plot)
    return TrainingRecorder(steps=args.steps if args.explain else 0, every=args.every)


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
    sys.stdout.write(story.narrate(digits=args.digits, max_examples=args.max_examples))
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


def _writable(path: str) -> None:
    """Fail before training when ``path`` clearly cannot be written, as the other commands do."""
    from glassnet.cli import _check_writable

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


def _is_model(path: str) -> bool:
    return path.endswith(".safetensors")


def _plot(args: argparse.Namespace) -> int:
    _picture_path(args.output)
    with _extras():
        if args.source is not None and _is_model(args.source):
            ax = _draw_model(args)
        else:
            ax = _draw_table(args)
        from glassnet.plotting import save_figure

        save_figure(ax, args.output)
    if not args.quiet:
        print(f"wrote {args.output}", file=sys.stderr)
    return 0


def _draw_table(args: argparse.Namespace) -> Any:
    from glassnet import plotting

    recorder = TrainingRecorder(steps=0, snapshots=WEIGHT_SNAPSHOTS)
    _, model, history = _train(args, args.source, recorder)
    net, names = model.net_, input_names(model)
    if args.kind == "loss":
        return plotting.plot_loss(history, loss_name=net.loss.name)
    if args.kind == "boundary":
        return _table_boundary(args, model, recorder.X, recorder.Y)
    if args.kind == "network":
        return plotting.plot_network(net, names=names, output_names=output_names(model))
    assert recorder.weights is not None
    return plotting.plot_weights(recorder.weights, net)


def _draw_model(args: argparse.Namespace) -> Any:
    from glassnet import plotting
    from glassnet.io import load_with_metadata

    net, metadata = load_with_metadata(args.source)
    model = None
    if metadata.get("kind") == MODEL_KIND:
        model = TableModel.from_metadata(net, metadata, args.source)
    if args.kind in ("loss", "weights"):
        raise ConfigurationError(_no_history(args, model))
    if args.kind == "network":
        if model is None:
            return plotting.plot_network(net)
        return plotting.plot_network(
            net, names=input_names(model), output_names=output_names(model)
        )
    if args.data is None:
        raise ConfigurationError("expected --data TABLE to draw a model's boundary")
    inputs = _inputs(args, net.n_inputs)
    if model is None:
        problem = load_problem(args.data, sep=args.sep, header=args.header)
        return plotting.plot_boundary(net, problem.X, problem.y, inputs=inputs)
    X, Y = model.encode(read_table(args.data, sep=args.sep, header=args.header))
    return _table_boundary(args, model, X, Y)


def _table_boundary(args: argparse.Namespace, model: TableModel, X: Array, Y: Array) -> Any:
    """A table model's answers over two of its inputs, in the table's own units."""
    from glassnet import plotting

    return plotting.plot_boundary(
        model.net_,
        X,
        Y,
        inputs=_inputs(args, model.net_.n_inputs),
        names=input_names(model),
        input_units=input_units(model),
        output_units=output_units(model),
        output_names=output_names(model),
    )


def _no_history(args: argparse.Namespace, model: TableModel | None) -> str:
    what = "loss curve" if args.kind == "loss" else "weights over training"
    kept = "a model file keeps no training history"
    if model is not None and "loss" in model.metrics_:
        metrics = model.metrics_
        kept = (
            f"{args.source} keeps only the final loss of its training ({metrics['loss']:.6g} "
            f"after {metrics['epochs']} epochs), not the {what}"
        )
    return f"{kept}; give the table instead: glassnet plot TABLE --kind {args.kind}"


def _inputs(args: argparse.Namespace, n_inputs: int) -> tuple[int, int]:
    i, j = args.inputs[0] - 1, args.inputs[1] - 1
    if max(i, j) >= n_inputs or i == j:
        raise ConfigurationError(
            f"expected --inputs as two different numbers between 1 and {n_inputs} (the "
            f"network's inputs), got {args.inputs[0]} {args.inputs[1]}"
        )
    return i, j


def _animate(args: argparse.Namespace) -> int:
    from glassnet.animation import write_animation

    _writable(args.output)
    recorder = TrainingRecorder(steps=0, frames=args.frames)
    _, model, history = _train(args, args.table, recorder)
    with _extras():
        write_animation(
            model.net_,
            recorder.kept,
            recorder.X,
            recorder.Y,
            args.output,
            history.loss,
            fps=args.fps,
            names=input_names(model),
            input_units=input_units(model),
            output_units=output_units(model),
            output_names=output_names(model),
        )
    if not args.quiet:
        print(f"wrote {args.output}", file=sys.stderr)
    return 0


@contextmanager
def _extras() -> Iterator[None]:
    """Report a missing optional extra (matplotlib, Pillow) as one line, not a traceback."""
    try:
        yield
    except ImportError as error:  # a usage matter, as for the onnx and torch extras: exit 2
        raise ConfigurationError(str(error)) from None
