"""The table commands of ``glassnet``: ``solve``, ``train``, ``predict``, ``evaluate`` and ``info``.

``register`` adds them to the parser. Each command takes the parsed arguments, reads a table or a
model file (``training``), calls ``TableModel``, and hands the text and JSON document ``report``
makes to ``outputs``; each returns the exit code 0 (errors are raised and reported by ``main``).
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from glassnet.cli.options import (
    _common_options,
    _output_options,
    _table_options,
    _training_options,
    add_subcommand,
)
from glassnet.cli.outputs import (
    Document,
    Text,
    _bytes_writer,
    _check_distinct,
    _check_writable,
    _emit,
    _emit_pieces,
    _print,
    _rendered,
    _write_all,
    _wrote,
)
from glassnet.cli.report import (
    filled_json,
    filled_text,
    info_text,
    scores_text,
    summary,
    summary_lines,
)
from glassnet.cli.training import Progress, fit_model, read_pieces, read_source
from glassnet.cli.watching import add_solve_options, finish_solve, solve_recorder
from glassnet.data.table import Table
from glassnet.errors import ConfigurationError
from glassnet.io.model_files import read_metadata
from glassnet.tables.model import TableModel

__all__ = ["EXAMPLES", "register"]


def register(commands: Any) -> None:
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
    add_solve_options(solve)


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


def _solve(args: argparse.Namespace) -> int:
    plot = getattr(args, "plot", None)  # solve --plot comes from glassnet.cli.explain
    outputs = [("--save", args.save), ("--output", args.output), ("--plot", plot)]
    _check_distinct(outputs, [("the input table", args.table)])
    _check_writable(args.save)
    _check_writable(args.output)
    table = read_source(args.table, args)
    recorder = _recorder(args)
    model = fit_model(table, args, recorder)
    if not args.quiet:
        _note_nothing_to_fill(model, table)
    extra = {} if recorder is None else finish_solve(recorder, model, table, args)

    def document() -> dict[str, Any]:
        return {**filled_json(model, table, "solve", False), **extra}

    _deliver(args, model, partial(filled_text, model, table, False), document)
    return 0


def _recorder(args: argparse.Namespace) -> Any:
    """A TrainingRecorder when solve is asked to explain or draw its training, else None."""
    if not (getattr(args, "explain", False) or getattr(args, "plot", None)):
        return None
    return solve_recorder(args)


def _note_nothing_to_fill(model: TableModel, table: Table) -> None:
    """Say on stderr when no output cell is missing (the table is printed all the same)."""
    if not model.to_fill(table).size:
        names = ", ".join(spec["name"] for spec in model.outputs_)
        print(f"glassnet: note: nothing to fill: no '?' in {names}", file=sys.stderr)


def _deliver(args: argparse.Namespace, model: TableModel, text: Text, document: Document) -> None:
    """Save the model and the table together (or neither); print the table or the JSON."""
    writes: list[tuple[str, Callable[[str], None]]] = []
    if args.save:
        writes.append((args.save, model.save))
    if args.output:
        writes.append((args.output, _bytes_writer(text().encode("utf-8"))))
    _write_all(writes)
    if args.output:
        _wrote(args, args.output)
    if args.json or not args.output:
        _print(_rendered(args, text, document))


def _train(args: argparse.Namespace) -> int:
    _check_distinct([("--output", args.model_out)], [("the input table", args.table)])
    _check_writable(args.model_out)
    table = read_source(args.table, args)
    model = fit_model(table, args)
    model.save(args.model_out)
    lines = [f"saved {args.model_out}", *summary_lines(model)]
    _emit(
        args,
        lambda: "".join(line + "\n" for line in lines),
        lambda: {"command": "train", "model": args.model_out, **summary(model)},
    )
    return 0


def _predict(args: argparse.Namespace) -> int:
    inputs = [("the model file", args.model), ("the input table", args.table)]
    _check_distinct([("--output", args.output)], inputs)
    _check_writable(args.output)
    model = TableModel.load(args.model)
    if args.json:  # one document of every row: the table is read whole
        table = read_source(args.table, args, model.reading_)
        _check_columns(model, table, args)
        _emit(
            args,
            lambda: filled_text(model, table, args.all),
            lambda: filled_json(model, table, "predict", args.all),
        )
        return 0
    pieces = read_pieces(args.table, args, model.reading_)
    first = next(pieces)
    _check_columns(model, first, args)
    progress = Progress(args)

    def texts() -> Iterator[str]:
        done = 0
        for piece in itertools.chain([first], pieces):
            yield filled_text(model, piece, args.all)
            done += piece.n_rows
            progress.writing(done)
        progress.close()

    _emit_pieces(args, texts())
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    model = TableModel.load(args.model)
    pieces = read_pieces(args.table, args, model.reading_)
    first = next(pieces)
    _check_columns(model, first, args)
    scores = model.evaluate(itertools.chain([first], pieces))
    _emit(
        args,
        lambda: scores_text(model, scores),
        lambda: {"command": "evaluate", "task": model.task_, **scores},
    )
    return 0


def _check_columns(model: TableModel, table: Table, args: argparse.Namespace) -> None:
    """Find the model's columns in ``table``; say which of its columns the model passes over."""
    layout = model.locate(table)
    needed = {spec["name"] for spec in model.inputs_}
    for name in args.ignore:
        if name in needed:
            raise ConfigurationError(
                f"--ignore {name}: the model needs its input column {name!r}; leave it in"
            )
    unknown = [name for name in layout.unknown if name not in args.ignore]
    if unknown and not args.quiet:
        said = ", ".join(repr(name) for name in unknown)
        print(
            f"glassnet: note: the model does not know the column(s) {said}: passed through",
            file=sys.stderr,
        )


def _info(args: argparse.Namespace) -> int:
    document = read_metadata(args.model)
    _emit(
        args,
        lambda: info_text(args.model, document),
        lambda: {"command": "info", **document},
    )
    return 0
