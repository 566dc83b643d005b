"""The ``glassnet`` command: the parser of every subcommand, and ``main``, which runs one.

``build_parser`` asks each command module to add its subcommands (``tables``: solve, train,
predict, evaluate, info; ``explain``; ``pictures``: plot, animate; ``export``; ``playground``);
``main`` parses, refuses options that conflict, runs the command and turns any error into one
line on stderr and an exit code (``errors``). Nothing here reads a table or trains.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from glassnet._version import __version__
from glassnet.cli import explain, export, pictures, playground, tables
from glassnet.cli.errors import _one_line, _report, _warnings_reported
from glassnet.cli.options import _add_common, _Formatter, conflicting_options

__all__ = ["REGISTRATIONS", "build_parser", "main"]

#: Each adds its subcommands to the argparse subparsers it is given, in ``--help``'s order; every
#: subcommand sets ``run=callable(args) -> int`` with ``set_defaults``.
REGISTRATIONS: tuple[Callable[[Any], None], ...] = (
    tables.register,
    explain.register,
    pictures.register,
    export.register,
    playground.register,
)


class _UsageError(Exception):
    """A command line argparse refused; ``main`` prints it on one line."""

    def __init__(self, message: str, prog: str) -> None:
        super().__init__(message)
        self.prog = prog


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors reach ``main`` instead of printing the usage block.

    ``add_subparsers`` makes every subcommand's parser of the same class, so the commands other
    modules add behave alike.
    """

    def error(self, message: str) -> NoReturn:
        raise _UsageError(message, self.prog)


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every subcommand, in the order ``--help`` lists them."""
    parser = _Parser(
        prog="glassnet",
        description="Neural networks you can see through: fill in the '?' of a table.",
        formatter_class=_Formatter,
        epilog=EXAMPLES + "\n\n" + EXIT_CODES,
    )
    parser.add_argument("--version", action="version", version=f"glassnet {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for register in REGISTRATIONS:
        register(commands)
    for command in commands.choices.values():
        _add_common(command)
    return parser


EXAMPLES = """\
examples:
  glassnet solve                           # the tutorial's puzzle: 1 0 0 -> 0.99993704
  glassnet solve data.csv --hidden 16      # fill in the '?' of your table
  glassnet train data.csv -o model.safetensors
  glassnet predict model.safetensors new.csv
  glassnet evaluate model.safetensors test.csv
  glassnet info model.safetensors

run 'glassnet COMMAND --help' for a command's options."""

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
            code = int(args.run(args))
        for line in getattr(args, "said_after", []):  # what training assumed, and how well
            print(line, file=sys.stderr)
        return code
    except (Exception, KeyboardInterrupt) as error:  # one line and an exit code: see cli_errors
        return _report(error, debug)


def _usage_message(error: _UsageError, words: Sequence[str]) -> str:
    """Return argparse's message on one line, without internal names, with where to read more."""
    message = re.sub(r"invalid \S+ value: ", "invalid value ", _one_line(error))
    command = error.prog.split()[1:2]
    if not command:  # unrecognized arguments are reported by the top parser: name the command
        command = [word for word in words if not word.startswith("-")][:1]
        command = [name for name in command if name in _command_names()]
    see = " ".join(["glassnet", *command])
    return f"{message} (see '{see} --help')"


def _command_names() -> set[str]:
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return set(commands.choices)
