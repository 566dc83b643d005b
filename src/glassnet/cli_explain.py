"""The commands that let a learner see through a network: ``explain``, ``plot`` and ``animate``.

They parse arguments and call ``glassnet.explain``, ``glassnet.plotting`` and
``glassnet.animation``, nothing more. ``register`` adds them to the ``glassnet`` command, and
``add_solve_options`` gives ``solve`` its ``--explain`` and ``--plot`` flags. A table's last column
is the output to learn; rows with ``?`` there are the ones to predict.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from glassnet._types import Array
from glassnet.data import MISSING, NUMBER, parse_table, read_table
from glassnet.errors import ConfigurationError, GlassnetError, OutputError, TableFormatError
from glassnet.explain import describe_origin, explain
from glassnet.layers import Dense
from glassnet.network import Network
from glassnet.optimizers import SGD
from glassnet.training import History

__all__ = ["Problem", "add_solve_options", "load_problem", "register", "solve_training"]

KINDS = ("loss", "boundary", "network", "weights")


@dataclass
class Problem:
    """A table split for learning: known rows (``X``, ``y``) and rows to predict (``X_new``)."""

    X: Array
    y: Array
    X_new: Array
    names: list[str]
    path: str


def load_problem(source: str | None) -> Problem:
    """Read a table of numbers (the tutorial's when ``source`` is None); the last column is output.

    Raises
    ------
    TableFormatError
        For label columns, a ``?`` among the inputs, or no row with a known output.
    """
    if source is None:
        from glassnet.cli import TUTORIAL_TABLE

        table = parse_table(TUTORIAL_TABLE, "<tutorial>")
    else:
        table = read_table(source)
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


def build_network(args: argparse.Namespace, n_inputs: int) -> Network:
    """Build the tutorial's network (sigmoid, sse, SGD, uniform draws), grown by ``--hidden``."""
    sizes = [n_inputs, *args.hidden, 1]
    bias = bool(args.hidden) if args.bias is None else args.bias
    layers = [
        Dense(
            n_in,
            n_out,
            activation=args.activation if k < len(args.hidden) else "sigmoid",
            bias=bias,
        )
        for k, (n_in, n_out) in enumerate(itertools.pairwise(sizes))
    ]
    return Network(
        layers,
        loss="sse",
        optimizer=SGD(lr=args.lr),
        init="uniform",
        rng=np.random.RandomState(args.seed),
    )


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {value}")
    return value


def _add_training(parser: argparse.ArgumentParser, epochs: int = 10_000) -> None:
    parser.add_argument(
        "--epochs", type=int, default=epochs, help="iterations (default %(default)s)"
    )
    parser.add_argument("--lr", type=float, default=1.0, help="learning rate (default 1)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--hidden",
        type=_positive,
        nargs="*",
        default=[],
        metavar="N",
        help="sizes of hidden layers (default: none, the tutorial's single neuron)",
    )
    parser.add_argument(
        "--activation", default="sigmoid", help="activation of hidden layers (default sigmoid)"
    )
    parser.add_argument(
        "--bias",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="give neurons a bias (default: only with hidden layers)",
    )


def _add_explain_output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--steps", type=int, default=1, help="iterations to show number by number (default 1)"
    )
    parser.add_argument(
        "--every", type=_positive, help="a one-line summary every N iterations (default: 10 in all)"
    )
    parser.add_argument(
        "--digits", type=_positive, default=6, help="significant digits (default 6)"
    )
    parser.add_argument(
        "--max-examples", type=_positive, default=8, help="examples shown per step (default 8)"
    )


def register(commands: Any) -> None:
    """Add ``explain``, ``plot`` and ``animate`` to the ``glassnet`` subcommands."""
    parser = commands.add_parser(
        "explain",
        help="narrate training with every number",
        description="Train on a table and explain, in plain sentences, every number of the first "
        "iterations: weighted sums, outputs, errors, slopes, adjustments and new weights.",
    )
    parser.add_argument(
        "table", nargs="?", help="table file, '-' for stdin (default: the tutorial's)"
    )
    _add_training(parser)
    _add_explain_output(parser)
    parser.add_argument("--json", action="store_true", help="print the trace as JSON data")
    parser.set_defaults(run=_explain)

    parser = commands.add_parser(
        "plot",
        help="draw a network or its learning",
        description="Draw a picture of a model file, or of a network trained on a table.",
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
        type=_positive,
        nargs=2,
        default=[1, 2],
        metavar=("I", "J"),
        help="the two inputs of a boundary plot, counted from 1 (default 1 2)",
    )
    _add_training(parser)
    parser.set_defaults(run=_plot)

    parser = commands.add_parser(
        "animate",
        help="make a GIF of a network learning",
        description="Train on a table and write a GIF of the network and its answers changing.",
    )
    parser.add_argument(
        "table", nargs="?", help="table file, '-' for stdin (default: the tutorial's)"
    )
    parser.add_argument("-o", "--output", required=True, help="the GIF to write")
    parser.add_argument("--frames", type=_positive, default=40, help="pictures (default 40)")
    parser.add_argument("--fps", type=_positive, default=8, help="frames per second (default 8)")
    _add_training(parser, epochs=1000)
    parser.set_defaults(run=_animate)


def add_solve_options(solve: argparse.ArgumentParser) -> None:
    """Give ``solve`` the flags ``--explain`` and ``--plot PATH`` (see ``solve_training``)."""
    solve.add_argument("--explain", action="store_true", help="narrate training with every number")
    solve.add_argument("--plot", metavar="PATH", help="also draw the network and its learning")
    _add_explain_output(solve)


def solve_training(net: Network, X: Any, y: Any, X_new: Any, args: argparse.Namespace) -> History:
    """Train ``net`` for ``solve``: plainly, or narrated (``--explain``), and drawn (``--plot``)."""
    if getattr(args, "explain", False):
        story = explain(
            net,
            X,
            y,
            epochs=args.epochs,
            steps=args.steps,
            every=_every(args),
            X_new=X_new if len(X_new) else None,
            origin=describe_origin(net, seed=args.seed),
        )
        print(story.narrate(digits=args.digits, max_examples=args.max_examples))
        history = History(loss=story.losses)
    else:
        history = net.fit(X, y, epochs=args.epochs)
    if getattr(args, "plot", None):
        from glassnet.plotting import plot_overview, save_figure

        with _extras():
            save_figure(plot_overview(net, history, X, y), _writable(args.plot))
    return history


def _every(args: argparse.Namespace) -> int:
    return args.every or max(1, args.epochs // 10)


def _writable(path: str) -> str:
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise OutputError(f"cannot write {path}: no folder {folder}")
    return path


def _explain(args: argparse.Namespace) -> int:
    problem = load_problem(args.table)
    net = build_network(args, problem.X.shape[1])
    story = explain(
        net,
        problem.X,
        problem.y,
        epochs=args.epochs,
        steps=args.steps,
        every=_every(args),
        X_new=problem.X_new if len(problem.X_new) else None,
        origin=describe_origin(net, seed=args.seed),
    )
    if args.json:
        json.dump(story.to_dict(), sys.stdout)
        print()
    else:
        print(story.narrate(digits=args.digits, max_examples=args.max_examples), end="")
    return 0


def _is_model(path: str) -> bool:
    return path.endswith(".safetensors")


def _plot(args: argparse.Namespace) -> int:
    with _extras():
        return _draw_plot(args)


def _draw_plot(args: argparse.Namespace) -> int:
    from glassnet import plotting

    inputs = (args.inputs[0] - 1, args.inputs[1] - 1)
    if args.source is not None and _is_model(args.source):
        from glassnet.io import load

        net = load(args.source)
        if args.kind in ("loss", "weights"):
            raise ConfigurationError(
                f"a model file keeps no training history; give a table to draw --kind {args.kind}"
            )
        if args.kind == "network":
            ax = plotting.plot_network(net)
        else:
            if args.data is None:
                raise ConfigurationError("expected --data TABLE to draw a model's boundary")
            problem = load_problem(args.data)
            ax = plotting.plot_boundary(net, problem.X, problem.y, inputs=inputs)
    else:
        problem = load_problem(args.source)
        net = build_network(args, problem.X.shape[1])
        recorder = plotting.WeightRecorder(net, every=max(1, args.epochs // 500))
        history = net.fit(problem.X, problem.y, epochs=args.epochs, callback=recorder)
        ax = {
            "loss": lambda: plotting.plot_loss(history, loss_name=net.loss.name),
            "boundary": lambda: plotting.plot_boundary(net, problem.X, problem.y, inputs=inputs),
            "network": lambda: plotting.plot_network(net),
            "weights": lambda: plotting.plot_weights(recorder, net),
        }[args.kind]()
    plotting.save_figure(ax, _writable(args.output))
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


def _animate(args: argparse.Namespace) -> int:
    from glassnet.animation import animate

    problem = load_problem(args.table)
    net = build_network(args, problem.X.shape[1])
    with _extras():
        animate(
            net,
            problem.X,
            problem.y,
            _writable(args.output),
            epochs=args.epochs,
            frames=args.frames,
            fps=args.fps,
        )
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


@contextmanager
def _extras() -> Iterator[None]:
    """Report a missing optional extra (matplotlib, Pillow) as one line, not a traceback."""
    try:
        yield
    except ImportError as error:
        raise GlassnetError(str(error)) from None
