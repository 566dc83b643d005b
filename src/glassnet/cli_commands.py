"""The table commands of ``glassnet``: ``solve``, ``train``, ``predict``, ``evaluate`` and ``info``.

Each takes the parsed arguments, reads a table or a model file, calls ``TableModel`` and hands
the text and JSON document ``cli_report`` makes to ``cli_outputs``; each returns the exit code 0
(errors are raised and reported by ``glassnet.cli.main``). The parser itself lives in ``cli.py``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from glassnet.cli_outputs import (
    _bytes_writer,
    _check_distinct,
    _check_writable,
    _emit,
    _print,
    _rendered,
    _write_all,
    _wrote,
)
from glassnet.cli_report import (
    filled_json,
    filled_text,
    info_text,
    scores_text,
    summary,
    summary_lines,
)
from glassnet.data.table import Table, read_table
from glassnet.tables import TableModel


def _solve(args: argparse.Namespace) -> int:
    # glassnet.cli imports this module, so its shared table steps are fetched when a command runs
    from glassnet.cli import _fit, _read

    plot = getattr(args, "plot", None)  # solve --plot comes from glassnet.cli_explain
    outputs = [("--save", args.save), ("--output", args.output), ("--plot", plot)]
    _check_distinct(outputs, [("the input table", args.table)])
    _check_writable(args.save)
    _check_writable(args.output)
    table = _read(args.table, args)
    recorder = _recorder(args)
    model = _fit(table, args, recorder)
    if not args.quiet:
        _note_nothing_to_fill(model, table)
    document = filled_json(model, table, "solve", False)
    if recorder is not None:
        from glassnet.cli_explain import finish_solve

        document.update(finish_solve(recorder, model, table, args))
    text = _rendered(args, filled_text(model, table, False), document)
    _deliver(args, model, text)
    return 0


def _recorder(args: argparse.Namespace) -> Any:
    """A TrainingRecorder when solve is asked to explain or draw its training, else None."""
    if not (getattr(args, "explain", False) or getattr(args, "plot", None)):
        return None
    from glassnet.cli_explain import solve_recorder

    return solve_recorder(args)


def _note_nothing_to_fill(model: TableModel, table: Table) -> None:
    """Say on stderr when no output cell holds a '?' (the table is printed all the same)."""
    positions = [spec["position"] for spec in model.outputs_]
    if not any(row[j] == "?" for row in table.rows for j in positions):
        names = ", ".join(table.names[j] for j in positions)
        print(f"glassnet: note: nothing to fill: no '?' in {names}", file=sys.stderr)


def _deliver(args: argparse.Namespace, model: TableModel, text: str) -> None:
    """Save the model and the table together (or neither), or print the table."""
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


def _train(args: argparse.Namespace) -> int:
    from glassnet.cli import _fit, _read

    _check_distinct([("--output", args.model_out)], [("the input table", args.table)])
    _check_writable(args.model_out)
    table = _read(args.table, args)
    model = _fit(table, args)
    model.save(args.model_out)
    document = {"command": "train", "model": args.model_out, **summary(model)}
    lines = [f"saved {args.model_out}", *summary_lines(model)]
    _emit(args, "".join(line + "\n" for line in lines), document)
    return 0


def _predict(args: argparse.Namespace) -> int:
    inputs = [("the model file", args.model), ("the input table", args.table)]
    _check_distinct([("--output", args.output)], inputs)
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
