"""Where a playground run's rows come from: a 2-D set, the tutorial's table or the user's table.

``Source`` is a table the user gave (on the command line, uploaded, pasted or dropped) or the
tutorial's; ``RunData`` is what one run learns from: training rows, test rows and the table whose
``?`` rows it answers. ``run_data`` builds it from the controls, splitting a table's known rows
into training and test rows when asked. Nothing here trains.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

import numpy as np

from glassnet.data import Table, parse_table, read_table
from glassnet.data.tutorial import TUTORIAL_TABLE
from glassnet.errors import ConfigurationError
from glassnet.playground.controls import Controls
from glassnet.playground.datasets import TwoD, two_d_tables

__all__ = [
    "TUTORIAL",
    "RunData",
    "Source",
    "read_source",
    "run_data",
    "split_table",
    "tutorial_source",
]

#: The tutorial's table's name, as ``glassnet explain`` and ``solve`` call it.
TUTORIAL = "<tutorial>"


@dataclass(frozen=True)
class Source:
    """A table and where it came from.

    Attributes
    ----------
    table : Table
    text : str
        Its text as read.
    path : str or None
        The file it was read from, for a table given on the command line; None for one
        uploaded, pasted or dropped into the page, and for the tutorial's.
    sep : str or None
    header : bool or None
        How the table was read (None: detected), for ``read_table`` to read it again.
    """

    table: Table
    text: str
    path: str | None = None
    sep: str | None = None
    header: bool | None = None

    @property
    def name(self) -> str:
        """The table's name: its file name as given, or the upload's."""
        return self.table.path


def read_source(path: str, sep: str | None = None, header: bool | None = None) -> Source:
    """Read a table from a file (``-``: standard input) with glassnet's reader, keeping its text.

    Raises
    ------
    InputNotFoundError
        No such file, a directory, or one that cannot be read.
    TableFormatError
        The text is not a table; the message names the file, line and column.
    """
    if path == "-":
        data = sys.stdin.buffer.read()
        table = parse_table(data, "<stdin>", sep=sep, header=header)
        return Source(table, data.decode("utf-8-sig"), None, sep, header)
    table = read_table(path, sep=sep, header=header)
    with open(path, "rb") as handle:
        text = handle.read().decode("utf-8-sig")
    return Source(table, text, os.path.abspath(path), sep, header)


def tutorial_source() -> Source:
    """The tutorial's table, as ``glassnet solve`` reads it when given no table."""
    return Source(parse_table(TUTORIAL_TABLE, TUTORIAL), TUTORIAL_TABLE)


@dataclass
class RunData:
    """What one run learns from.

    Attributes
    ----------
    train : Table
        The training rows (and, for a table, its ``?`` rows, which are answered).
    test : Table or None
        Rows held out to measure the test loss on; None when every known row trains.
    target : str
        The output column's name.
    two_d : TwoD or None
        The 2-D set, when the data is one.
    source : Source or None
        The table, when the data is one.
    """

    train: Table
    test: Table | None
    target: str
    two_d: TwoD | None = None
    source: Source | None = None


def run_data(controls: Controls, source: Source | None) -> RunData:
    """Return the rows the controls ask for: a 2-D set's, or ``source``'s split as asked."""
    if not controls.is_table:
        two_d = two_d_tables(
            controls.data,
            noise=controls.noise / 100,
            train=controls.train / 100,
            features=controls.features,
            seed=controls.data_seed,
        )
        return RunData(two_d.train, two_d.test, two_d.train.names[-1], two_d=two_d)
    if source is None:
        raise ConfigurationError(f"expected a table named {controls.table!r}; upload it first")
    table = source.table
    target = controls.target or table.names[-1]
    if target not in table.names:
        raise ConfigurationError(
            f"expected an output column from {', '.join(table.names)}; got {target!r}"
        )
    if controls.train >= 100:
        return RunData(table, None, target, source=source)
    train, test = split_table(table, target, controls.train / 100, controls.data_seed)
    return RunData(train, test, target, source=source)


def split_table(table: Table, target: str, train: float, seed: int) -> tuple[Table, Table]:
    r"""Split the rows whose ``target`` is known into training and test rows, at random.

    The training table keeps the ``?`` rows (they are answered, not learned from) and the
    table's order; ``np.random.default_rng(seed)`` chooses the test rows.

    Returns
    -------
    train, test : Table

    Examples
    --------
    >>> table = parse_table("x y\n1 0\n2 1\n3 0\n4 1\n5 ?\n")
    >>> train, test = split_table(table, "y", 0.5, seed=0)
    >>> train.n_rows, test.n_rows, train.rows[-1]
    (3, 2, ['5', '?'])
    """
    known = np.flatnonzero(~table.missing(table.column_index(target)))
    n_test = len(known) - round(train * len(known))
    if n_test < 1 or n_test >= len(known):
        raise ConfigurationError(
            f"expected training and test rows from {len(known)} rows with a known "
            f"{target!r} and train {round(train * 100)}%, got {n_test} test rows"
        )
    test = set(np.random.default_rng(seed).permutation(known)[:n_test].tolist())
    kept = [row for row in range(table.n_rows) if row not in test]
    return table.take(kept), table.take(sorted(test))
