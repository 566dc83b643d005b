"""The ``glassnet`` command: parses arguments, calls the library, prints the results.

``solve`` fills in the ``?`` of a table, ``train`` keeps a model file, ``predict``, ``evaluate``
and ``info`` use one. Results go to stdout (``--json`` for one JSON document), progress and
warnings to stderr. Every error prints one line and returns a documented exit code (0 ok,
1 diverged, 2 usage, 65 bad data or model file, 66 missing input, 70 internal, 73 cannot write);
tracebacks only with ``--debug``. Other modules add commands through ``COMMAND_HOOKS``.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import importlib
import json
import math
import os
import re
import secrets
import sys
import time
import traceback
import warnings
from collections.abc import Callable, Sequence
from typing import Any, NoReturn, TextIO

from glassnet._version import __version__
from glassnet.cli_report import (
    filled_json,
    filled_text,
    info_text,
    scores_text,
    summary,
    summary_lines,
)
from glassnet.data.table import Table, parse_table, read_table
from glassnet.errors import ConfigurationError, GlassnetError, OutputError, TableFormatError
from glassnet.network import Network
from glassnet.tables import TableModel
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

ISSUES_URL = "https://github.com/glassnet/glassnet/issues"

#: Optional dependencies and the command that installs each.
EXTRAS = {
    "matplotlib": "pip install 'glassnet[plot]'",
    "PIL": "pip install 'glassnet[plot]'",
    "onnx": "pip install 'glassnet[onnx]'",
    "onnxruntime": "pip install 'glassnet[onnx]'",
    "sklearn": "pip install 'glassnet[sklearn]'",
    "torch": "pip install torch",
}

# NumPy's floating-point warnings ("overflow encountered in square", ...): the command line
# turns them into errors, so a number out of range never slips into an answer as inf or NaN.
_FLOAT_WARNING = r"(overflow|invalid value|divide by zero|underflow) encountered"

DEFAULTS_RULE = """\
defaults: with no --hidden, a table that looks like the tutorial's (one output column,
every cell 0, 1 or ?, at most 100 rows) gets the tutorial's recipe: one sigmoid neuron per
output, no bias, loss ½·Σ(y-ŷ)², plain gradient steps of size 1 on the full batch, 10,000 epochs,
weights 2·random-1 from RandomState(--seed 1), raw inputs (not scaled); it learns only 0/1
outputs. Any other table (or --hidden) gets the standard recipe: one hidden layer of 16 tanh
units, inputs and numeric outputs standardized, full-batch Adam with --lr 0.01 and --l2 0.01.
Classifiers: cross-entropy, 300 epochs on all known rows. Regression: mse, at most 2,000
epochs, stopping 50 epochs after the best loss on a held-out fifth of the known rows
(--validation 0.2, --patience 50) and keeping those weights. --preset chooses one; every
option given overrides the recipe's value."""

TASK_RULE = """\
outputs: the last column, or --outputs K (the last K), or --target NAME[,NAME]. A '?' in an
output cell marks a row to fill; labels there make a softmax classifier (answer: the label; a
whitespace table gets its probability in a trailing # comment, CSV/TSV cells stay clean: use
--json for probabilities), only 0 and 1 a sigmoid classifier (answer: the probability of 1),
other numbers regression, integer class codes (0, 1, 2, ...) included: --classify makes them
labels. A label output must be the only output. Label inputs are one-hot encoded."""


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


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=30)


# -- options --------------------------------------------------------------------------------------


def _hidden(text: str) -> tuple[int, ...]:
    if text.strip().lower() in ("", "0", "none"):
        return ()
    try:
        sizes = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected sizes such as 16 or 8,4; got {text!r}"
        ) from None
    if any(size < 1 for size in sizes):
        raise argparse.ArgumentTypeError(f"expected sizes >= 1, got {text!r}")
    return sizes


def _whole_number(text: str, least: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"expected a number >= {least}, got {value}")
    return value


def _positive_int(text: str) -> int:
    return _whole_number(text, 1)


def _count(text: str) -> int:
    return _whole_number(text, 0)


def _nonnegative(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not (math.isfinite(value) and value >= 0):
        raise argparse.ArgumentTypeError(f"expected a finite number >= 0, got {text!r}")
    return value


def _fraction(text: str) -> float:
    value = _nonnegative(text)
    if value >= 1:
        raise argparse.ArgumentTypeError(f"expected a fraction in [0, 1), got {text!r}")
    return value


def _batch(text: str) -> int:
    return 0 if text.strip().lower() == "full" else _positive_int(text)


def _sep(text: str) -> str:
    try:
        parse_table("x\n", sep=text, header=False)
    except TableFormatError as error:
        raise argparse.ArgumentTypeError(error.message) from None
    return text


def _names(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError("expected column names such as price or x,y")
    return names


def _common_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks"
    )
    common.add_argument(
        "-q", "--quiet", action="store_true", help="no progress or warnings on stderr"
    )
    return common


def _table_options() -> argparse.ArgumentParser:
    table = argparse.ArgumentParser(add_help=False)
    group = table.add_argument_group("reading the table")
    group.add_argument(
        "--sep", type=_sep, help="whitespace, comma, tab, semicolon or pipe (default: detected)"
    )
    group.add_argument(
        "--header",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="the first line names the columns (default: detected)",
    )
    return table


def _output_options() -> argparse.ArgumentParser:
    outputs = argparse.ArgumentParser(add_help=False)
    group = outputs.add_argument_group("choosing the outputs")
    group.add_argument(
        "--outputs", type=_positive_int, default=1, metavar="K", help="the last K columns"
    )
    group.add_argument(
        "--target", type=_names, metavar="NAME[,NAME]", help="output columns by name"
    )
    group.add_argument(
        "--classify",
        action="store_true",
        help="treat a numeric output (class codes 0, 1, 2, ...) as labels: a classifier",
    )
    return outputs


def _training_options() -> argparse.ArgumentParser:
    training = argparse.ArgumentParser(add_help=False)
    group = training.add_argument_group("training (defaults: see the rule below)")
    group.add_argument(
        "--preset", choices=("auto", "tutorial", "standard"), default="auto", help="recipe"
    )
    group.add_argument(
        "--hidden",
        type=_hidden,
        metavar="SIZES",
        help="hidden layer sizes, e.g. 16 or 8,4; 0: none",
    )
    group.add_argument(
        "--activation",
        choices=("sigmoid", "tanh", "relu", "leaky_relu", "identity"),
        help="activation of the hidden layers",
    )
    group.add_argument("--epochs", type=_positive_int, help="most passes over the rows (>= 1)")
    group.add_argument("--lr", type=_nonnegative, help="learning rate")
    group.add_argument(
        "--optimizer", choices=("sgd", "momentum", "nesterov", "adam"), help="update rule"
    )
    group.add_argument(
        "--batch-size", type=_batch, metavar="N", help="rows per step, or 'full' (one step)"
    )
    group.add_argument("--l2", type=_nonnegative, help="weight decay (L2 penalty)")
    group.add_argument("--seed", type=_count, help="random seed (default 1)")
    group.add_argument(
        "--validation",
        type=_fraction,
        metavar="FRACTION",
        help="share of the known rows held out for early stopping",
    )
    group.add_argument(
        "--patience", type=_positive_int, metavar="N", help="stop after N epochs without progress"
    )
    return training


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    batch = args.batch_size
    settings = {
        "hidden": args.hidden,
        "activation": args.activation,
        "epochs": args.epochs,
        "lr": args.lr,
        "optimizer": args.optimizer,
        "batch_size": None if batch == 0 else batch,
        "l2": args.l2,
        "seed": args.seed,
        "validation": args.validation,
        "patience": args.patience,
    }
    if batch == 0:  # "full" must override a preset's mini-batches, so None cannot say it
        settings["shuffle"] = False
    settings = {key: value for key, value in settings.items() if value is not None}
    if batch == 0:
        settings["batch_size"] = None
    return settings


# -- commands -------------------------------------------------------------------------------------


def _read(source: str | None, args: argparse.Namespace) -> Table:
    sep, header = getattr(args, "sep", None), getattr(args, "header", None)
    if source is None:  # the built-in puzzle prints its rows alone, as the tutorial shows them
        table = parse_table(TUTORIAL_TABLE, "<tutorial>", sep=sep, header=header)
        return dataclasses.replace(table, header=None)
    return read_table(source, sep=sep, header=header)


def _fit(table: Table, args: argparse.Namespace, recorder: Any = None) -> TableModel:
    """Train a table model as the options say; ``recorder`` (a TrainingRecorder) may watch."""
    model = TableModel(preset=args.preset, **_settings(args))
    progress = _Progress(args)
    callback: Callable[[int, Network, History], bool | None] = progress
    on_start: Callable[[Network, Any, Any, Any], None] | None = None
    if recorder is not None:

        def start(net: Network, X: Any, Y: Any, X_new: Any) -> None:
            recorder.start(net, X, Y, X_new, epochs=model.settings_.epochs)

        def watched(epoch: int, net: Network, history: History) -> None:
            recorder(epoch, net, history)
            progress(epoch, net, history)

        on_start, callback = start, watched

    try:
        model.fit(
            table,
            outputs=args.outputs,
            target=args.target,
            callback=callback,
            on_start=on_start,
            classify=bool(getattr(args, "classify", False)),
        )
    finally:
        progress.close()
    return model


def _recorder(args: argparse.Namespace) -> Any:
    """A TrainingRecorder when solve is asked to explain or draw its training, else None."""
    if not (getattr(args, "explain", False) or getattr(args, "plot", None)):
        return None
    from glassnet.cli_explain import solve_recorder

    return solve_recorder(args)


def _solve(args: argparse.Namespace) -> int:
    _check_distinct(args.save, args.output)
    _check_writable(args.save)
    _check_writable(args.output)
    table = _read(args.table, args)
    recorder = _recorder(args)
    model = _fit(table, args, recorder)
    positions = [spec["position"] for spec in model.outputs_]
    if not args.quiet and not any(row[j] == "?" for row in table.rows for j in positions):
        names = ", ".join(table.names[j] for j in positions)
        print(f"glassnet: note: nothing to fill: no '?' in {names}", file=sys.stderr)
    document = filled_json(model, table, "solve", False)
    if recorder is not None:
        from glassnet.cli_explain import finish_solve

        document.update(finish_solve(recorder, model, table, args))
    text = _rendered(args, filled_text(model, table, False), document)
    writes: list[tuple[str, Callable[[str], None]]] = []
    if args.save:
        writes.append((args.save, model.save))
    if args.output:
        writes.append((args.output, _bytes_writer(text.encode("utf-8"))))
    _write_all(writes)
    if args.output:
        _wrote(args, args.output)
    else:
        _print(text)
    return 0


def _train(args: argparse.Namespace) -> int:
    _check_writable(args.model_out)
    table = _read(args.table, args)
    model = _fit(table, args)
    model.save(args.model_out)
    document = {"command": "train", "model": args.model_out, **summary(model)}
    lines = [f"saved {args.model_out}", *summary_lines(model)]
    _emit(args, "".join(line + "\n" for line in lines), document)
    return 0


def _predict(args: argparse.Namespace) -> int:
    _check_writable(args.output)
    model = TableModel.load(args.model)
    table = model.align(read_table(args.table, sep=args.sep, header=args.header))
    _emit(
        args,
        filled_text(model, table, args.all),
        filled_json(model, table, "predict", args.all),
    )
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    model = TableModel.load(args.model)
    table = model.align(read_table(args.table, sep=args.sep, header=args.header))
    scores = model.evaluate(table)
    document = {"command": "evaluate", "task": model.task_, **scores}
    _emit(args, scores_text(model, scores), document)
    return 0


def _info(args: argparse.Namespace) -> int:
    from glassnet.io import read_metadata

    document = read_metadata(args.model)
    _emit(args, info_text(args.model, document), {"command": "info", **document})
    return 0


# -- output ---------------------------------------------------------------------------------------


def _emit(args: argparse.Namespace, text: str, document: dict[str, Any]) -> None:
    """Write the result: JSON or text, to ``--output`` (atomically) or stdout."""
    text = _rendered(args, text, document)
    path = getattr(args, "output", None)
    if path:
        from glassnet.io import write_atomically

        write_atomically(path, text.encode("utf-8"))
        _wrote(args, path)
        return
    _print(text)


def _rendered(args: argparse.Namespace, text: str, document: dict[str, Any]) -> str:
    if args.json:
        return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    return text


def _print(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _wrote(args: argparse.Namespace, path: str) -> None:
    if not args.quiet:
        print(f"wrote {path}", file=sys.stderr)


def _bytes_writer(data: bytes) -> Callable[[str], None]:
    def write(path: str) -> None:
        from glassnet.io import write_atomically

        write_atomically(path, data)

    return write


def _write_all(writes: Sequence[tuple[str, Callable[[str], None]]]) -> None:
    """Write several files so that a failure changes none of them.

    Each ``write(temporary)`` fills a temporary file beside its target; only when all of them
    succeeded are they renamed over their targets (``os.replace``, atomic per file).
    """
    staged: list[tuple[str, str]] = []  # (temporary, target)
    try:
        for path, write in writes:
            target = os.path.realpath(path)
            folder, name = os.path.split(target)
            temporary = os.path.join(folder, f".{name}.{secrets.token_hex(6)}.tmp")
            staged.append((temporary, target))
            write(temporary)
            _copy_mode(target, temporary)
        for temporary, target in staged:
            os.replace(temporary, target)
    except OSError as error:
        for temporary, _ in staged:
            _remove(temporary)
        if isinstance(error, OutputError):
            raise
        raise OutputError(f"cannot write: {error}; existing files are unchanged") from None
    except BaseException:
        for temporary, _ in staged:
            _remove(temporary)
        raise


def _copy_mode(target: str, temporary: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.chmod(temporary, os.stat(target).st_mode & 0o7777)


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


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


def _check_writable(path: str | None) -> None:
    """Fail before training when an output cannot be written (nothing is touched).

    Besides the folder's existence and permissions, a new empty file is created and removed
    beside the target, as the final write will do (this catches /proc, read-only mounts, ...).
    """
    if not path:
        return
    target = os.path.realpath(path)
    folder, name = os.path.split(target)
    if os.path.isdir(target):
        raise OutputError(f"cannot write {path}: it is a directory; give a file name")
    if not os.path.isdir(folder):
        raise OutputError(
            f"cannot write {path}: directory {folder} does not exist; create it first"
        )
    if not os.access(folder, os.W_OK):
        raise OutputError(f"cannot write {path}: directory {folder} is not writable")
    probe = os.path.join(folder, f".{name}.{secrets.token_hex(6)}.tmp")
    try:
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError as error:
        raise OutputError(
            f"cannot write {path}: {error.strerror or error}; nothing was changed"
        ) from None
    _remove(probe)


def _check_distinct(*paths: str | None) -> None:
    """Two outputs of one command must not be the same file."""
    given = [path for path in paths if path]
    real = [os.path.realpath(path) for path in given]
    if len(set(real)) != len(real):
        raise ConfigurationError(
            f"expected different files for --save and --output, got {' and '.join(given)}"
        )


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
    common, tables, outputs, training = (
        _common_options(),
        _table_options(),
        _output_options(),
        _training_options(),
    )

    def add(name: str, help_text: str, description: str, parents: list[Any]) -> Any:
        epilog = EXAMPLES[name]
        if training in parents:
            epilog += "\n\n" + TASK_RULE + "\n\n" + DEFAULTS_RULE
        return commands.add_parser(
            name,
            help=help_text,
            description=description,
            epilog=epilog,
            parents=parents,
            formatter_class=_Formatter,
        )

    solve = add(
        "solve",
        "fill in the '?' of a table",
        "Train on the rows whose outputs are known and print the table with each '?' filled in.",
        [common, tables, outputs, training],
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

    train = add(
        "train",
        "train a model on a table and save it",
        "Train on the rows whose outputs are known and save the model to one .safetensors file.",
        [common, tables, outputs, training],
    )
    train.add_argument("table", help="table file, '-' for stdin")
    train.add_argument(
        "-o", "--output", dest="model_out", metavar="MODEL", required=True, help="model file"
    )
    train.add_argument("--json", action="store_true", help="print one JSON document")
    train.set_defaults(run=_train)

    predict = add(
        "predict",
        "fill in a table's '?' with a saved model",
        "Fill in the '?' output cells of a table (columns as in training, or the inputs only).",
        [common, tables],
    )
    predict.add_argument("model", help="model file (.safetensors)")
    predict.add_argument("table", help="table file, '-' for stdin")
    predict.add_argument("--all", action="store_true", help="answer every row, not only '?'")
    predict.add_argument("-o", "--output", metavar="FILE", help="write the table here, not stdout")
    predict.add_argument("--json", action="store_true", help="print one JSON document")
    predict.set_defaults(run=_predict)

    evaluate = add(
        "evaluate",
        "score a saved model on a table",
        "Score a model on the rows whose outputs are known: loss, accuracy and confusion matrix "
        "for classifiers, R², MAE and MSE for regression.",
        [common, tables],
    )
    evaluate.add_argument("model", help="model file (.safetensors)")
    evaluate.add_argument("table", help="table file, '-' for stdin")
    evaluate.add_argument("--json", action="store_true", help="print one JSON document")
    evaluate.set_defaults(run=_evaluate)

    info = add(
        "info",
        "show what a model file holds",
        "Show a model's architecture, columns, encodings, training settings and metrics.",
        [common],
    )
    info.add_argument("model", help="model file (.safetensors)")
    info.add_argument("--json", action="store_true", help="print the file's JSON document")
    info.set_defaults(run=_info)

    for module, function in COMMAND_HOOKS:
        getattr(importlib.import_module(module), function)(commands)
    for command in commands.choices.values():
        _add_common(command)
    return parser


def _add_common(command: argparse.ArgumentParser) -> None:
    """Give a subcommand ``-q/--quiet`` and ``--debug`` unless it already has them."""
    options = {option for action in command._actions for option in action.option_strings}
    if "--debug" not in options:
        command.add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks"
        )
    if "--quiet" not in options and "-q" not in options:
        command.add_argument(
            "-q", "--quiet", action="store_true", help="no progress or warnings on stderr"
        )


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
exit codes: 0 ok, 1 training diverged, 2 usage, 65 bad data or model file,
66 missing input, 70 internal error, 73 cannot write output."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after ``glassnet``; ``sys.argv[1:]`` when None.

    Returns
    -------
    int
        0 ok, 1 training diverged, 2 usage, 65 bad data or model file, 66 missing input,
        70 internal error, 73 cannot write output.
    """
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help and --version
        return exit_.code if isinstance(exit_.code, int) else 2
    except _UsageError as error:
        words = list(sys.argv[1:] if argv is None else argv)
        print(f"glassnet: error: {_usage_message(error, words)}", file=sys.stderr)
        return 2
    debug, quiet = bool(getattr(args, "debug", False)), bool(getattr(args, "quiet", False))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default")
            warnings.filterwarnings("error", _FLOAT_WARNING, RuntimeWarning)
            warnings.showwarning = _warning_printer(quiet)
            return int(args.run(args))
    except GlassnetError as error:
        if debug:
            traceback.print_exc()
        print(f"glassnet: error: {_one_line(error)}", file=sys.stderr)
        return error.exit_code
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except KeyboardInterrupt:
        print("glassnet: interrupted", file=sys.stderr)
        return 130
    except RuntimeWarning as warning:  # NumPy's floating-point warnings, made errors above
        if debug:
            traceback.print_exc()
        print(
            f"glassnet: error: a number went out of range ({_one_line(warning)}); the table's "
            "numbers are too large or too spread out: rescale the columns (divide them by a "
            "power of ten, or take logarithms)",
            file=sys.stderr,
        )
        return 65
    except ImportError as error:  # an optional dependency is missing: a usage matter
        install = EXTRAS.get((error.name or "").split(".")[0])
        if install is None and "pip install" not in str(error):
            return _internal(error, debug)
        if debug:
            traceback.print_exc()
        message = (
            f"this needs {error.name}, which is not installed; install it with: {install}"
            if install is not None
            else _one_line(error)
        )
        print(f"glassnet: error: {message}", file=sys.stderr)
        return 2
    except Exception as error:  # a bug: one line, a request to report it
        return _internal(error, debug)


def _internal(error: BaseException, debug: bool) -> int:
    if debug:
        traceback.print_exc()
    print(
        f"glassnet: internal error: {type(error).__name__}: {_one_line(error)}; please "
        f"report this at {ISSUES_URL} (run with --debug to see the traceback)",
        file=sys.stderr,
    )
    return 70


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


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())


def _warning_printer(quiet: bool) -> Callable[..., None]:
    def show(message: Any, category: Any, *args: Any, **kwargs: Any) -> None:
        if not quiet:
            print(f"glassnet: warning: {_one_line(message)}", file=sys.stderr)

    return show


def _silence_stdout() -> None:
    """After a closed pipe, point stdout at /dev/null so the final flush raises nothing."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
