"""The ``glassnet`` command: argparse subcommands that parse, call the library and print.

``main`` builds the parser from the command modules (tables, explain and pictures, export),
runs one command and turns every error into one line and an exit code (``errors``). Nothing
here computes: each command calls the layers below it. It is the top layer; nothing imports it.
"""

from __future__ import annotations

from glassnet.cli.program import build_parser, main

__all__ = ["build_parser", "main"]
