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
from collections.abc import Callable, Iterator
from typing import Any, TextIO

from glassnet.cli.errors import _network_too_large, _stop_if_interrupted
from glassnet.cli.options import _settings
from glassnet.cli.report import quality_lines
from glassnet.data import DEFAULT_MISSING, Table, Typing, parse_table, read_table
from glassnet.data.reading import iter_table
from glassnet.data.tutorial import TUTORIAL_TABLE
from glassnet.errors import ConvergenceWarning
from glassnet.nn.history import History
from glassnet.nn.network import Network
from glassnet.tables.model import TableModel

__all__ = ["TUTORIAL_TABLE", "Progress", "fit_model", "read_pieces", "read_source"]

_EpochCallback = Callable[[int, Network, History], bool | None]

_StartHook = Callable[[Network, Any, Any, Any], None]


def read_source(
    source: str | None, args: argparse.Namespace, reading: dict[str, Any] | None = None
) -> Table:
    """Read the table ``source`` names: a file, ``-`` (stdin) or None (the tutorial's).

    ``--sep``, ``--header``, ``--missing`` and ``--decimal`` say how; a model's ``reading``
    (its missing words and decimal mark) stands in for those the user did not give.
    """
    sep, header = getattr(args, "sep", None), getattr(args, "header", None)
    reading = reading or {}
    missing = getattr(args, "missing", None)
    missing = tuple(reading.get("missing", DEFAULT_MISSING)) if missing is None else missing
    decimal = getattr(args, "decimal", None) or reading.get("decimal")
    if source is None:  # the built-in puzzle prints its rows alone, as the tutorial shows them
        table = parse_table(TUTORIAL_TABLE, "<tutorial>", sep, header, missing, decimal)
        return dataclasses.replace(table, header=None)
    progress = Progress(args)
    try:
        return read_table(source, sep, header, missing, decimal, progress=progress.reading)
    finally:
        progress.close()


def read_pieces(source: str, args: argparse.Namespace, reading: dict[str, Any]) -> Iterator[Table]:
    """Read the table ``source`` names in pieces, as ``read_source`` would read it whole.

    A file is read a piece at a time (``glassnet.data.iter_table``), so predicting over it
    takes the memory of one piece whatever its size; standard input is read whole first.
    """
    missing = getattr(args, "missing", None)
    typing = Typing(
        missing=tuple(reading.get("missing", DEFAULT_MISSING)) if missing is None else missing,
        decimal=getattr(args, "decimal", None) or reading.get("decimal"),
    )
    return iter_table(source, getattr(args, "sep", None), getattr(args, "header", None), typing)


def fit_model(table: Table, args: argparse.Namespace, recorder: Any = None) -> TableModel:
    """Train a table model as the options say; ``recorder`` (a TrainingRecorder) may watch.

    Every command that trains comes through here, so here Ctrl-C during training (which
    ``fit`` turns into a warning and ``history.interrupted``) becomes TrainingInterrupted:
    the command stops before writing anything and exits 130.
    """
    outputs = 1 if args.outputs is None else args.outputs
    classify = bool(getattr(args, "classify", False))
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
                ignore=getattr(args, "ignore", ()),
                impute=getattr(args, "impute", True),
                prefix="--",
            )
    except MemoryError as error:
        raise _network_too_large(model) or error from None
    finally:
        progress.close()
    _stop_if_interrupted(model)
    if not args.quiet:
        args.said_after = [*getattr(args, "said_after", []), *_what_was_assumed(model)]
    return model


def _what_was_assumed(model: TableModel) -> list[str]:
    """What to tell on stderr once the command succeeded: the table's assumptions, the fit.

    ``program.main`` prints them after the command's results, so that a failure stays one line.
    """
    lines = [f"glassnet: note: {note}" for note in model.notes_]
    line, warning = quality_lines(model)
    lines.append(f"glassnet: {line}")
    if warning is not None:
        lines.append(f"glassnet: warning: {warning}")
    return lines


def _watchers(
    model: TableModel, progress: Progress, recorder: Any
) -> tuple[_EpochCallback, _StartHook | None]:
    """The epoch callback and the start hook of ``fit``: the progress line, and the recorder."""

    def start(net: Network, X: Any, Y: Any, X_new: Any) -> None:
        progress.training(model.settings_.epochs, len(X))
        if recorder is not None:
            recorder.start(net, X, Y, X_new, epochs=model.settings_.epochs)

    if recorder is None:
        return progress, start

    def watched(epoch: int, net: Network, history: History) -> None:
        recorder(epoch, net, history)
        progress(epoch, net, history)

    return watched, start


class Progress:
    """Where a long command is, on stderr, rewritten in place: reading, training, writing.

    Shown only when stderr is a terminal (or ``--progress`` asks for it anyway), never with
    ``--quiet``, and at most five times a second. Training says the epoch out of the most it
    may run, the losses, the rows learned per second and, at that pace, the time left.
    """

    def __init__(self, args: argparse.Namespace, stream: TextIO | None = None) -> None:
        self.stream = sys.stderr if stream is None else stream
        forced = bool(getattr(args, "progress", False))
        self.active = not args.quiet and (forced or _isatty(self.stream))
        self.last = 0.0
        self.shown = False
        self.started = time.monotonic()
        self.epochs: int | None = None  # the most training may run, once known
        self.rows = 0  # rows learned from in an epoch

    def training(self, epochs: int | None, rows: int) -> None:
        """Training starts: at most ``epochs`` epochs over ``rows`` rows."""
        self.epochs, self.rows, self.started = epochs, rows, time.monotonic()

    def __call__(self, epoch: int, net: Network, history: History) -> None:
        """Show the epoch, its losses, the pace and the time left, at most five times a second."""
        now = time.monotonic()
        if not self.active or now - self.last < 0.2:
            return
        line = f"epoch {epoch}" + (f" of {self.epochs}" if self.epochs else "")
        line += f": loss {history.loss[-1]:.6g}"
        if history.val_loss:
            line += f", validation loss {history.val_loss[-1]:.6g}"
        elapsed = max(now - self.started, 1e-9)
        if self.rows:
            line += f", {self.rows * epoch / elapsed:,.0f} rows/s"
        if self.epochs:
            line += f", at most {_duration(elapsed / epoch * (self.epochs - epoch))} left"
        self.show(line, now)

    def reading(self, done: int, total: int) -> None:
        """Show how much of a table is read: ``done`` of ``total`` bytes."""
        if self.active and total:
            self.show(f"reading: {100 * done / total:.0f}% of {total / 1e6:,.1f} MB")

    def writing(self, rows: int) -> None:
        """Show how many rows are written so far."""
        if self.active:
            self.show(f"writing: {rows:,} rows")

    def show(self, line: str, now: float | None = None) -> None:
        """Rewrite the progress line, at most five times a second."""
        now = time.monotonic() if now is None else now
        if not self.active or now - self.last < 0.2:
            return
        self.last = now
        self.stream.write("\r" + line.ljust(78))
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        """End the progress line, if one was shown."""
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()
            self.shown = False


def _duration(seconds: float) -> str:
    """A time in words: ``45 s``, ``3 min``, ``2.5 h``."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
