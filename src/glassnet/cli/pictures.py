"""The ``glassnet plot`` and ``glassnet animate`` commands: pictures and GIFs of a network.

A table is trained on as ``solve`` does, watched by a recorder (``watching``); a model file is
drawn as saved. Only arguments are handled here: ``glassnet.plot`` draws.
"""

from __future__ import annotations

import argparse
import codecs
import os
import stat
import struct
import sys
from typing import Any

from glassnet._types import Array
from glassnet.cli.options import (
    _common_options,
    _output_options,
    _positive_int,
    _table_options,
    _training_options,
    add_subcommand,
)
from glassnet.cli.outputs import _check_distinct
from glassnet.cli.watching import (
    check_path,
    check_picture_path,
    extras,
    load_problem,
    train_watched,
)
from glassnet.data import read_table
from glassnet.errors import ConfigurationError
from glassnet.explain.columns import input_names, input_units, output_names, output_units
from glassnet.explain.recorders import TrainingRecorder
from glassnet.io.safetensors_file import _MAX_HEADER_BYTES
from glassnet.tables.model import MODEL_KIND, TableModel

__all__ = ["register"]

KINDS = ("loss", "boundary", "network", "weights")

EXAMPLES = {
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


def register(commands: Any) -> None:
    """Add ``plot`` and ``animate`` to the ``glassnet`` subcommands."""
    parents = [_common_options(), _table_options(), _output_options(), _training_options()]
    _add_plot(commands, parents)
    _add_animate(commands, parents)


def _add_plot(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
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
    _add_inputs_option(plot, "of a boundary plot")
    plot.set_defaults(run=_plot)


def _add_inputs_option(parser: argparse.ArgumentParser, which: str) -> None:
    parser.add_argument(
        "--inputs",
        type=_positive_int,
        nargs=2,
        metavar=("I", "J"),
        help=f"the two network inputs {which}, counted from 1 (default: the two that matter "
        "most, by permutation importance on the rows drawn; the plot says so)",
    )


def _add_animate(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
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
    _add_inputs_option(animate, "of the boundary beside the network")
    animate.set_defaults(run=_animate)


WEIGHT_SNAPSHOTS = 500  # points per line of a weights-over-training plot


def _plot(args: argparse.Namespace) -> int:
    inputs = [("the input file", args.source), ("the --data table", args.data)]
    _check_distinct([("--output", args.output)], inputs)
    is_model = args.source is not None and _is_model(args.source)
    _check_data_option(args, is_model)
    check_picture_path(args.output)
    with extras():
        ax = _draw_model(args) if is_model else _draw_table(args)
        from glassnet.plot import save_figure

        save_figure(ax, args.output)
    if not args.quiet:
        print(f"wrote {args.output}", file=sys.stderr)
    return 0


def _check_data_option(args: argparse.Namespace, is_model: bool) -> None:
    """Refuse ``--data`` where it would be ignored: with a table, or for another kind of plot."""
    if args.data is None:
        return
    if not is_model:
        source = args.source or "the tutorial's table"
        raise ConfigurationError(
            f"--data is for a model file's boundary plot; {source} is a table, whose own rows "
            "are drawn: leave out --data"
        )
    if args.kind != "boundary":
        raise ConfigurationError(
            f"--data is for --kind boundary, not --kind {args.kind}: leave out --data"
        )


def _is_model(path: str) -> bool:
    """Whether ``path`` holds a model file rather than a text table, judged by its first bytes.

    A model file is a safetensors file: an 8-byte little-endian header length, then the JSON
    header's ``{``. Text cannot start so: its first 8 bytes read as a length of more than 1e17,
    beyond the largest header safetensors accepts. A damaged file named ``.safetensors`` that is
    not text goes to the model reader too, whose messages say what is wrong with it.
    """
    start = _first_bytes(path)
    if start is None:  # stdin, a pipe or no such file: not read ahead, the name decides
        return path.endswith(".safetensors")
    if len(start) == 9 and start[8:] == b"{":
        (length,) = struct.unpack("<Q", start[:8])
        if length <= _MAX_HEADER_BYTES:
            return True
    return path.endswith(".safetensors") and not _is_text(start)


def _first_bytes(path: str) -> bytes | None:
    """The first 9 bytes of a regular file; None for stdin, a pipe, a device or no file."""
    if path == "-":
        return None
    try:
        with open(path, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return None
            return handle.read(9)
    except OSError:
        return None


def _is_text(start: bytes) -> bool:
    """Whether a file's first bytes begin UTF-8 text (a character may be cut at the end)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(start)
    except UnicodeDecodeError:
        return False
    return bool(start) and b"\0" not in start


def _draw_table(args: argparse.Namespace) -> Any:
    from glassnet import plot

    recorder = TrainingRecorder(steps=0, snapshots=WEIGHT_SNAPSHOTS)
    _, model, history = train_watched(args, args.source, recorder)
    net, names = model.net_, input_names(model)
    if args.kind == "loss":
        return plot.plot_loss(history, loss_name=net.loss.name)
    if args.kind == "boundary":
        return _table_boundary(args, model, recorder.X, recorder.Y)
    if args.kind == "network":
        return plot.plot_network(net, names=names, output_names=output_names(model))
    assert recorder.weights is not None
    return plot.plot_weights(recorder.weights, net, names=names, output_names=output_names(model))


def _draw_model(args: argparse.Namespace) -> Any:
    from glassnet import plot
    from glassnet.io.model_files import load_with_metadata

    net, metadata = load_with_metadata(args.source)
    model = None
    if metadata.get("kind") == MODEL_KIND:
        model = TableModel.from_metadata(net, metadata, args.source)
    if args.kind in ("loss", "weights"):
        raise ConfigurationError(_no_history(args, model))
    if args.kind == "network":
        if model is None:
            return plot.plot_network(net)
        return plot.plot_network(net, names=input_names(model), output_names=output_names(model))
    if args.data is None:
        raise ConfigurationError("expected --data TABLE to draw a model's boundary")
    inputs = _inputs(args, net.n_inputs)
    if model is None:
        problem = load_problem(args.data, sep=args.sep, header=args.header)
        return plot.plot_boundary(net, problem.X, problem.y, inputs=inputs)
    X, Y = model.encode(read_table(args.data, sep=args.sep, header=args.header))
    return _table_boundary(args, model, X, Y)


def _table_boundary(args: argparse.Namespace, model: TableModel, X: Array, Y: Array) -> Any:
    """A table model's answers over two of its inputs, in the table's own units."""
    from glassnet import plot

    return plot.plot_boundary(
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


def _inputs(args: argparse.Namespace, n_inputs: int) -> tuple[int, int] | None:
    """The 0-based pair ``--inputs`` names, checked against the network; None when not given."""
    if args.inputs is None:
        return None
    i, j = args.inputs[0] - 1, args.inputs[1] - 1
    if max(i, j) >= n_inputs or i == j:
        raise ConfigurationError(
            f"expected --inputs as two different numbers between 1 and {n_inputs} (the "
            f"network's inputs), got {args.inputs[0]} {args.inputs[1]}"
        )
    return i, j


def _animate(args: argparse.Namespace) -> int:
    from glassnet.plot.animation import write_animation

    _check_distinct([("--output", args.output)], [("the input table", args.table)])
    _animation_path(args.output)
    recorder = TrainingRecorder(steps=0, frames=args.frames)
    _, model, history = train_watched(args, args.table, recorder)
    with extras():
        write_animation(
            model.net_,
            recorder.kept,
            recorder.X,
            recorder.Y,
            args.output,
            history.loss,
            fps=args.fps,
            inputs=_inputs(args, model.net_.n_inputs),
            names=input_names(model),
            input_units=input_units(model),
            output_units=output_units(model),
            output_names=output_names(model),
        )
    if not args.quiet:
        print(f"wrote {args.output}", file=sys.stderr)
    return 0


def _animation_path(path: str) -> None:
    """Check a GIF's folder and suffix before any training (no suffix is fine: it is a GIF)."""
    check_path(path)
    suffix = os.path.splitext(path)[1]
    if suffix and suffix.lower() != ".gif":
        raise ConfigurationError(f"expected a picture file ending in .gif; got {path!r}")
