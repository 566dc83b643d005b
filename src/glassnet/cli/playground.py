"""The ``glassnet playground`` command: a live playground in the browser, on a table or 2-D data.

It hands the table given (if any) to ``glassnet.playground``, which reads it with glassnet's
reader and serves the page on this machine until Ctrl-C. This module only parses arguments;
``main`` adds it to the parser through ``register``.
"""

from __future__ import annotations

import argparse
from typing import Any

from glassnet.cli.options import _common_options, _positive_int, _table_options, add_subcommand

__all__ = ["register"]

DESCRIPTION = """\
Start a playground in the browser: train a network step by step on a 2-D data set or on a
table (this one, or one uploaded, pasted or dropped into the page), watch every neuron's heat
map, and see every number with its formula filled in. The server listens on this machine only
(unless --host says otherwise) and answers only requests that carry the token in the URL it
prints. Ctrl-C stops it."""

EXAMPLES = """\
examples:
  glassnet playground                      # the 2-D data sets
  glassnet playground data.csv             # your table, its '?' answered live
  glassnet playground --port 0 --no-browser"""


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 0 to 65535, got {value}")
    return value


def register(commands: Any) -> None:
    """Add ``playground`` to the ``glassnet`` subcommands."""
    parser = add_subcommand(
        commands,
        "playground",
        "play with a network in the browser",
        DESCRIPTION,
        [_common_options(), _table_options()],
        EXAMPLES,
    )
    parser.add_argument("table", nargs="?", help="a table to start with, '-' for stdin")
    parser.add_argument(
        "--port",
        type=_port,
        help="port to listen on (default 8765, or a free one if taken; 0: free)",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1, this machine)"
    )
    parser.add_argument(
        "--no-browser", action="store_true", help="print the URL without opening a browser"
    )
    parser.add_argument(
        "--max-upload",
        type=_positive_int,
        default=10,
        metavar="MB",
        help="largest table the page may upload, in MB (default 10)",
    )
    parser.set_defaults(run=_playground)


def _playground(args: argparse.Namespace) -> int:
    from glassnet.playground.launching import serve
    from glassnet.playground.sources import read_source

    source = None if args.table is None else read_source(args.table, args.sep, args.header)
    serve(
        source,
        host=args.host,
        port=args.port,
        browser=not args.no_browser,
        max_upload=args.max_upload * 2**20,
    )
    return 0
