"""The ``glassnet explain`` command: a training run told in sentences, with every number.

It reads a table and trains the same ``TableModel`` as ``solve`` (same options, same recipes),
watched by a ``TrainingRecorder`` (``watching``), then narrates what the recorder kept, or prints
it as JSON. Narration itself is ``glassnet.explain``'s work.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from glassnet.cli.options import (
    _common_options,
    _output_options,
    _table_options,
    _training_options,
    add_subcommand,
)
from glassnet.cli.watching import add_story_options, explanation_of, tell, train_watched
from glassnet.explain.recorders import TrainingRecorder

__all__ = ["register"]

EXAMPLES = """\
examples:
  glassnet explain                         # the tutorial's table, first iteration in full
  glassnet explain --epochs 1 --json       # the same numbers as data
  glassnet explain iris.csv                # a bigger network's story, in about 150 lines
  glassnet explain iris.csv --lines 400    # more of it
  glassnet explain iris.csv --full         # every number of the first iteration

A story that does not fit its lines is told at less detail: the first examples, units and
weights in full, the rest summed up in a line that keeps the largest number ("... and 14 more
units; the largest delta, h3: -0.00254791"). --json always holds every number, whatever the
length of the text."""


def register(commands: Any) -> None:
    """Add ``explain`` to the ``glassnet`` subcommands."""
    parents = [_common_options(), _table_options(), _output_options(), _training_options()]
    _add_explain(commands, parents)


def _add_explain(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    explain = add_subcommand(
        commands,
        "explain",
        "narrate training with every number",
        "Train on a table as solve does and explain, in plain sentences, the numbers of the "
        "first iterations: weighted sums, outputs, errors, slopes, adjustments and new weights, "
        "in at most --lines lines. The numbers are the network's own: inputs after the "
        "model's scaling and one-hot encoding, which the story describes.",
        parents,
        EXAMPLES,
        trains=True,
    )
    explain.add_argument(
        "table", nargs="?", help="table file, '-' for stdin (default: the tutorial's)"
    )
    add_story_options(explain)
    explain.add_argument(
        "--json",
        action="store_true",
        help="print the whole trace as JSON data: every number (so no --lines or --full)",
    )
    explain.set_defaults(run=_explain)


def _explain(args: argparse.Namespace) -> int:
    recorder = TrainingRecorder(steps=args.steps, every=args.every)
    table, model, _ = train_watched(args, args.table, recorder)
    story = explanation_of(recorder, model, table)
    if args.json:
        document = {"command": "explain", **story.to_dict()}
        print(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        print(tell(story, args), end="")
    return 0
