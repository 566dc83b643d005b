"""The steps every table command shares: read the table, train the table model, show progress.

``read_source`` reads a table file, standard input or the tutorial's built-in table;
``fit_model`` trains a ``TableModel`` as the options say, with a progress line on a terminal, and
turns Ctrl-C into ``TrainingInterrupted`` so that nothing is written. Every command that reads
or trains a table comes through here; none of them is defined here.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any, TextIO

from glassnet.cli.errors import _network_too_large, _stop_if_interrupted
from glassnet.cli.options import _settings
from glassnet.data.table import Table, parse_table, read_table
from glassnet.data.tutorial import TUTORIAL_TABLE
from glassnet.errors import ConvergenceWarning
from glassnet.nn.history import History
from glassnet.nn.network import Network
from glassnet.tables.model import TableModel
from glassnet.tables.targets import choose_outputs

__all__ = ["TUTORIAL_TABLE", "Progress", "fit_model", "read_source"]

_EpochCallback = Callable[[int, Network, History], bool | None]

_StartHook = Callable[[Network, Any, Any, Any], None]


def read_source(source: str | None, args: argparse.Namespace) -> Table:
    """Read the table ``source`` names: a file, ``-`` (stdin) or None (the tutorial's)."""
    sep, header = getattr(args, "sep", None), getattr(args, "header", None)
    if source is None:  # the built-in puzzle prints its rows alone, as the tutorial shows them
        table = parse_table(TUTORIAL_TABLE, "<tutorial>", sep=sep, header=header)
        return dataclasses.replace(table, header=None)
    return read_table(source, sep=sep, header=header)


def fit_model(table: Table, args: argparse.Namespace, recorder: Any = None) -> TableModel:
    """Train a table model as the options say; ``recorder`` (a TrainingRecorder) may watch.

    Every command that trains comes through here, so here Ctrl-C during training (which
    ``fit`` turns into a warning and ``history.interrupted``) becomes TrainingInterrupted:
    the command stops before writing anything and exits 130.
    """
    outputs = 1 if args.outputs is None else args.outputs
    classify = bool(getattr(args, "classify", False))
    choose_outputs(table, outputs, args.target, classify, prefix="--")  # usage errors first
    model = TableModel(preset=args.preset, **_settings(args))
    progress = Progress(args)
    callback, on_start = _watchers(model, progress, recorder)
    try:
        with warnings.catch_warnings():
            # TrainingInterrupted says it in its one line; the kept weights are not used
            warnings.filterwarnings("ignore", "training interrupted", ConvergenceWarning)
            model.fit(
                table,
                outputs=outputs,
                target=args.target,
                callback=callback,
                on_start=on_start,
                classify=classify,
            )
    except MemoryError as error:
        raise _network_too_large(model) or error from None
    finally:
        progress.close()
    _stop_if_interrupted(model)
    return model


def _watchers(
    model: TableModel, progress: Progress, recorder: Any
) -> tuple[_EpochCallback, _StartHook | None]:
    """The epoch callback and the start hook of ``fit``: the progress line, and the recorder."""
    if recorder is None:
        return progress, None

    def start(net: Network, X: Any, Y: Any, X_new: Any) -> None:
        recorder.start(net, X, Y, X_new, epochs=model.settings_.epochs)

    def watched(epoch: int, net: Network, history: History) -> None:
        recorder(epoch, net, history)
        progress(epoch, net, history)

    return watched, start


class Progress:
    """Epoch and loss on stderr, rewritten in place, only when stderr is a terminal."""

    def __init__(self, args: argparse.Namespace, stream: TextIO | None = None) -> None:
        self.stream = sys.stderr if stream is None else stream
        self.active = not args.quiet and _isatty(self.stream)
        self.last = 0.0
        self.shown = False

    def __call__(self, epoch: int, net: Network, history: History) -> None:
        """Show the epoch's loss, at most five times a second."""
        now = time.monotonic()
        if not self.active or now - self.last < 0.2:
            return
        self.last = now
        line = f"epoch {epoch}: loss {history.loss[-1]:.6g}"
        if history.val_loss:
            line += f", validation loss {history.val_loss[-1]:.6g}"
        self.stream.write("\r" + line.ljust(60))
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        """End the progress line, if one was shown."""
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
