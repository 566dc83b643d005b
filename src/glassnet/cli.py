"""The ``glassnet`` command: parses arguments and calls the library, nothing more.

``glassnet solve`` answers the tutorial's puzzle: it trains the tutorial's neuron on the rows whose
output is known and fills in the ``?``. Errors a user can cause print one line on stderr and return
a documented exit code (see ``glassnet.errors``); tracebacks appear only with ``--debug``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import numpy as np

from glassnet._version import __version__
from glassnet.cli_explain import add_solve_options, register, solve_training
from glassnet.errors import GlassnetError, InputNotFoundError, TableFormatError
from glassnet.layers import Dense
from glassnet.network import Network
from glassnet.optimizers import SGD

__all__ = ["main"]

TUTORIAL_TABLE = """\
Input Output
0 0 1 0
1 1 1 1
1 0 1 1
0 1 1 0
1 0 0 ?
"""


def _read_simple_table(text: str, path: str) -> tuple[list[list[str]], list[int]]:
    rows: list[list[str]] = []
    lines: list[int] = []
    for number, line in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        cells = line.split("#", 1)[0].split()
        if not cells:
            continue
        if rows == [] and not all(_is_cell(cell) for cell in cells):
            continue  # a header line such as "Input Output"
        for column, cell in enumerate(cells, start=1):
            if not _is_cell(cell):
                raise TableFormatError(
                    f"expected a number or '?', found {cell!r}", path, number, column
                )
        if rows and len(cells) != len(rows[0]):
            raise TableFormatError(
                f"expected {len(rows[0])} cells as on line {lines[0]}, found {len(cells)}",
                path,
                number,
            )
        rows.append(cells)
        lines.append(number)
    if not rows:
        raise TableFormatError("the table has no rows", path)
    return rows, lines


def _is_cell(cell: str) -> bool:
    if cell == "?":
        return True
    try:
        return np.isfinite(float(cell))
    except ValueError:
        return False


def _solve(args: argparse.Namespace) -> int:
    if args.table is None:
        text, path = TUTORIAL_TABLE, "<tutorial>"
    elif args.table == "-":
        text, path = sys.stdin.read(), "<stdin>"
    else:
        path = args.table
        try:
            with open(path, encoding="utf-8-sig") as handle:
                text = handle.read()
        except (FileNotFoundError, IsADirectoryError):
            raise InputNotFoundError(f"{path}: no such file") from None
    rows, _ = _read_simple_table(text, path)
    known = [row for row in rows if row[-1] != "?"]
    if not known:
        raise TableFormatError("no row has a known output to learn from", path)
    X = np.array([[float(cell) for cell in row[:-1]] for row in known])
    y = np.array([[float(row[-1])] for row in known])
    net = Network(
        [Dense(X.shape[1], 1, activation="sigmoid", bias=False)],
        loss="sse",
        optimizer=SGD(lr=args.lr),
        init="uniform",
        rng=np.random.RandomState(args.seed),
    )
    unknown = [[float(cell) for cell in row[:-1]] for row in rows if row[-1] == "?"]
    solve_training(net, X, y, np.array(unknown).reshape(-1, X.shape[1]), args)
    for row in rows:
        if row[-1] == "?":
            answer = net.predict([float(cell) for cell in row[:-1]])[0, 0]
            print(" ".join(row[:-1]), f"{answer:.8f}")
        else:
            print(" ".join(row))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="glassnet", description="Neural networks you can see through."
    )
    parser.add_argument("--version", action="version", version=f"glassnet {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    commands = parser.add_subparsers(dest="command", required=True)
    solve = commands.add_parser(
        "solve",
        help="fill in the '?' of a table",
        description="Train on the rows with a known output and fill in each '?'.",
    )
    solve.add_argument(
        "table", nargs="?", help="table file, '-' for stdin (default: the tutorial's)"
    )
    solve.add_argument("--epochs", type=int, default=10_000)
    solve.add_argument("--lr", type=float, default=1.0)
    solve.add_argument("--seed", type=int, default=1)
    solve.set_defaults(run=_solve)
    add_solve_options(solve)  # --explain, --plot
    register(commands)  # explain, plot, animate
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except GlassnetError as error:
        if args.debug:
            raise
        print(f"glassnet: error: {error}", file=sys.stderr)
        return error.exit_code
