"""The ``glassnet`` command: parses arguments, calls the library, prints the results.

This module builds the parser (others add commands through ``COMMAND_HOOKS``), reads and trains
for every table command, and runs ``main``. The commands ``solve``, ``train``, ``predict``,
``evaluate`` and ``info`` live in ``cli_commands``, their options in ``cli_options``, result
writing in ``cli_outputs``, and the one-line errors with their exit codes in ``cli_errors``.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import re
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from typing import Any, NoReturn, TextIO

from glassnet._version import __version__
from glassnet.cli_commands import _evaluate, _info, _predict, _solve, _train
from glassnet.cli_errors import EXTRAS as EXTRAS
from glassnet.cli_errors import ISSUES_URL as ISSUES_URL
from glassnet.cli_errors import (
    _network_too_large,
    _one_line,
    _report,
    _stop_if_interrupted,
    _warnings_reported,
)
from glassnet.cli_options import DEFAULTS_RULE as DEFAULTS_RULE
from glassnet.cli_options import TASK_RULE as TASK_RULE
from glassnet.cli_options import _add_common, _settings, add_subcommand, conflicting_options
from glassnet.cli_options import _common_options as _common_options
from glassnet.cli_options import _count as _count
from glassnet.cli_options import _Formatter as _Formatter
from glassnet.cli_options import _output_options as _output_options
from glassnet.cli_options import _positive_int as _positive_int
from glassnet.cli_options import _table_options as _table_options
from glassnet.cli_options import _training_options as _training_options
from glassnet.cli_outputs import _check_writable as _check_writable
from glassnet.data.table import Table, parse_table, read_table
from glassnet.errors import ConvergenceWarning
from glassnet.network import Network
from glassnet.tables import TableModel
from glassnet.targets import choose_outputs
from glassnet.training import History

__all__ = ["COMMAND_HOOKS", "SOLVE_OPTION_HOOKS", "TUTORIAL_TABLE", "build_parser", "main"]

#: The tutorial's table with its question (the first row's output corrected to 0).
TUTORIAL_TABLE = """\
Input Output
0 0 1 0
1 1 1 1
1 0 1 1
0 1 1 0
1 0 0 ?
"""

#: ``(module, function)`` pairs: ``function(commands)`` adds subcommands to the argparse
#: subparsers ``commands``; each sets ``run=callable(args) -> int`` with ``set_defaults``.
COMMAND_HOOKS: tuple[tuple[str, str], ...] = (
    ("glassnet.cli_explain", "register"),
    ("glassnet.cli_export", "register"),
)
#: ``(module, function)`` pairs: ``function(solve_parser)`` adds options to ``solve``.
SOLVE_OPTION_HOOKS: tuple[tuple[str, str], ...] = (("glassnet.cli_explain", "add_solve_options"),)

_EpochCallback = Callable[[int, Network, History], bool | None]
_StartHook = Callable[[Network, Any, Any, Any], None]


class _UsageError(Exception):
    """A command line argparse refused; ``main`` prints it on one line."""

    def __init__(self, message: str, prog: str) -> None:
        super().__init__(message)
        self.prog = prog


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors reach ``main`` instead of printing the usage block.

    ``add_subparsers`` makes every subcommand's parser of the same class, so the commands other
    modules add through ``COMMAND_HOOKS`` behave alike.
    """

    def error(self, message: str) -> NoReturn:
        raise _UsageError(message, self.prog)


# -- the steps every table command shares (cli_commands and cli_explain import them) --------------


def _read(source: str | None, args: argparse.Namespace) -> Table:
    sep, header = getattr(args, "sep", None), getattr(args, "header", None)
    if source is None:  # the built-in puzzle prints its rows alone, as the tutorial shows them
        table = parse_table(TUTORIAL_TABLE, "<tutorial>", sep=sep, header=header)
        return dataclasses.replace(table, header=None)
    return read_table(source, sep=sep, header=header)


def _fit(table: Table, args: argparse.Namespace, recorder: Any = None) -> TableModel:
    """Train a table model as the options say; ``recorder`` (a TrainingRecorder) may watch.

    Every command that trains comes through here, so here Ctrl-C during training (which
    ``fit`` turns into a warning and ``history.interrupted``) becomes TrainingInterrupted:
    the command stops before writing anything and exits 130.
    """
    outputs = 1 if args.outputs is None else args.outputs
    classify = bool(getattr(args, "classify", False))
    choose_outputs(table, outputs, args.target, classify, prefix="--")  # usage errors first
    model = TableModel(preset=args.preset, **_settings(args))
    progress = _Progress(args)
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
    model: TableModel, progress: _Progress, recorder: Any
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


class _Progress:
    """Epoch and loss on stderr, rewritten in place, only when stderr is a terminal."""

    def __init__(self, args: argparse.Namespace, stream: TextIO | None = None) -> None:
        self.stream = sys.stderr if stream is None else stream
        self.active = not args.quiet and _isatty(self.stream)
        self.last = 0.0
        self.shown = False

    def __call__(self, epoch: int, net: Network, history: History) -> None:
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
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


# -- parser and main ------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every subcommand (hooks included)."""
    parser = _Parser(
        prog="glassnet",
        description="Neural networks you can see through: fill in the '?' of a table.",
        formatter_class=_Formatter,
        epilog=EXAMPLES["glassnet"] + "\n\n" + EXIT_CODES,
    )
    parser.add_argument("--version", action="version", version=f"glassnet {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_table_commands(commands)
    for module, function in COMMAND_HOOKS:
        getattr(importlib.import_module(module), function)(commands)
    for command in commands.choices.values():
        _add_common(command)
    return parser


def _add_table_commands(commands: Any) -> None:
    """Add solve, train, predict, evaluate and info, in the order ``--help`` lists them."""
    common, tables = _common_options(), _table_options()
    training = [common, tables, _output_options(), _training_options()]
    _add_solve(commands, training)
    _add_train(commands, training)
    _add_predict(commands, [common, tables])
    _add_evaluate(commands, [common, tables])
    _add_info(commands, [common])


def _add_solve(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    solve = add_subcommand(
        commands,
        "solve",
        "fill in the '?' of a table",
        "Train on the rows whose outputs are known and print the table with each '?' filled in.",
        parents,
        EXAMPLES["solve"],
        trains=True,
    )
    solve.add_argument(
        "table", nargs="?", help="table file, '-' for stdin (default: the tutorial's)"
    )
    solve.add_argument("--save", metavar="MODEL", help="also save the model (.safetensors)")
    solve.add_argument("-o", "--output", metavar="FILE", help="write the table here, not stdout")
    solve.add_argument("--json", action="store_true", help="print one JSON document")
    solve.set_defaults(run=_solve)
    for module, function in SOLVE_OPTION_HOOKS:
        getattr(importlib.import_module(module), function)(solve)


def _add_train(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    train = add_subcommand(
        commands,
        "train",
        "train a model on a table and save it",
        "Train on the rows whose outputs are known and save the model to one .safetensors file.",
        parents,
        EXAMPLES["train"],
        trains=True,
    )
    train.add_argument("table", help="table file, '-' for stdin")
    train.add_argument(
        "-o", "--output", dest="model_out", metavar="MODEL", required=True, help="model file"
    )
    train.add_argument("--json", action="store_true", help="print one JSON document")
    train.set_defaults(run=_train)


def _add_predict(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    predict = add_subcommand(
        commands,
        "predict",
        "fill in a table's '?' with a saved model",
        "Fill in the '?' output cells of a table (columns as in training, or the inputs only).",
        parents,
        EXAMPLES["predict"],
    )
    predict.add_argument("model", help="model file (.safetensors)")
    predict.add_argument("table", help="table file, '-' for stdin")
    predict.add_argument("--all", action="store_true", help="answer every row, not only '?'")
    predict.add_argument("-o", "--output", metavar="FILE", help="write the table here, not stdout")
    predict.add_argument("--json", action="store_true", help="print one JSON document")
    predict.set_defaults(run=_predict)


def _add_evaluate(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    evaluate = add_subcommand(
        commands,
        "evaluate",
        "score a saved model on a table",
        "Score a model on the rows whose outputs are known: loss, accuracy and confusion matrix "
        "for classifiers, R², MAE and MSE for regression.",
        parents,
        EXAMPLES["evaluate"],
    )
    evaluate.add_argument("model", help="model file (.safetensors)")
    evaluate.add_argument("table", help="table file, '-' for stdin")
    evaluate.add_argument("--json", action="store_true", help="print one JSON document")
    evaluate.set_defaults(run=_evaluate)


def _add_info(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    info = add_subcommand(
        commands,
        "info",
        "show what a model file holds",
        "Show a model's architecture, columns, encodings, training settings and metrics.",
        parents,
        EXAMPLES["info"],
    )
    info.add_argument("model", help="model file (.safetensors)")
    info.add_argument("--json", action="store_true", help="print the file's JSON document")
    info.set_defaults(run=_info)


EXAMPLES = {
    "glassnet": """\
examples:
  glassnet solve                           # the tutorial's puzzle: 1 0 0 -> 0.99993704
  glassnet solve data.csv --hidden 16      # fill in the '?' of your table
  glassnet train data.csv -o model.safetensors
  glassnet predict model.safetensors new.csv
  glassnet evaluate model.safetensors test.csv
  glassnet info model.safetensors

run 'glassnet COMMAND --help' for a command's options.""",
    "solve": """\
examples:
  glassnet solve                           # the tutorial's table, built in
  glassnet solve table.txt                 # a whitespace table like the tutorial's
  cat table.txt | glassnet solve -         # the same from stdin
  glassnet solve data.csv --hidden 16 --save model.safetensors
  glassnet solve data.tsv --target price --json""",
    "train": """\
examples:
  glassnet train data.csv -o model.safetensors
  glassnet train data.csv -o model.safetensors --hidden 8,4 --activation relu --epochs 500""",
    "predict": """\
examples:
  glassnet predict model.safetensors new.csv          # fill the '?' rows
  glassnet predict model.safetensors new.csv --all    # answer every row
  glassnet predict model.safetensors - < inputs.txt   # inputs only: outputs are appended""",
    "evaluate": """\
examples:
  glassnet evaluate model.safetensors test.csv
  glassnet evaluate model.safetensors test.csv --json""",
    "info": """\
examples:
  glassnet info model.safetensors
  glassnet info model.safetensors --json""",
}

EXIT_CODES = """\
exit codes: 0 ok, 1 training diverged, 2 usage (also not enough memory), 65 bad data
or model file, 66 missing input, 70 internal error, 73 cannot write output,
130 interrupted (Ctrl-C; nothing is written)."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after ``glassnet``; ``sys.argv[1:]`` when None.

    Returns
    -------
    int
        0 ok, 1 training diverged, 2 usage (also not enough memory), 65 bad data or model
        file, 66 missing input, 70 internal error, 73 cannot write output, 130 interrupted.
    """
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        conflict = conflicting_options(args)
        if conflict is not None:
            raise _UsageError(conflict, f"glassnet {args.command}")
    except SystemExit as exit_:  # --help and --version
        return exit_.code if isinstance(exit_.code, int) else 2
    except _UsageError as error:
        words = list(sys.argv[1:] if argv is None else argv)
        print(f"glassnet: error: {_usage_message(error, words)}", file=sys.stderr)
        return 2
    debug, quiet = bool(getattr(args, "debug", False)), bool(getattr(args, "quiet", False))
    try:
        with _warnings_reported(quiet):
            return int(args.run(args))
    except (Exception, KeyboardInterrupt) as error:  # one line and an exit code: see cli_errors
        return _report(error, debug)


def _usage_message(error: _UsageError, words: Sequence[str]) -> str:
    """Return argparse's message on one line, without internal names, with where to read more."""
    message = re.sub(r"invalid \S+ value: ", "invalid value ", _one_line(error))
    command = error.prog.split()[1:2]
    if not command:  # unrecognized arguments are reported by the top parser: name the command
        command = [word for word in words if not word.startswith("-")][:1]
        command = [name for name in command if name in EXAMPLES or name in _hooked_names()]
    see = " ".join(["glassnet", *command])
    return f"{message} (see '{see} --help')"


def _hooked_names() -> set[str]:
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return set(commands.choices)
