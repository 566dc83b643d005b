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
from glassnet.cli.watching import add_story_options, explanation_of, train_watched
from glassnet.explain.recorders import TrainingRecorder

__all__ = ["register"]

EXAMPLES = """\
examples:
  glassnet explain                         # the tutorial's table, first iteration in full
  glassnet explain --epochs 1 --json       # the same numbers as data
  glassnet explain iris.csv --hidden 4 --steps 1 --max-examples 3"""


def register(commands: Any) -> None:
    """Add ``explain`` to the ``glassnet`` subcommands."""
    parents = [_common_options(), _table_options(), _output_options(), _training_options()]
    _add_explain(commands, parents)


def _add_explain(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    explain = add_subcommand(
        commands,
        "explain",
        "narrate training with every number",
        "Train on a table as solve does and explain, in plain sentences, every number of the "
        "first iterations: weighted sums, outputs, errors, slopes, adjustments and new weights. "
        "The numbers are the network's own: inputs after the model's scaling and one-hot "
        "encoding, which the story describes.",
        parents,
        EXAMPLES,
        trains=True,
    )
    explain.add_argument(
        "table", nargs="?", help="table file, '-' for stdin (default: the tutorial's)"
    )
    add_story_options(explain)
    explain.add_argument("--json", action="store_true", help="print the trace as JSON data")
    explain.set_defaults(run=_explain)


def _explain(args: argparse.Namespace) -> int:
    recorder = TrainingRecorder(steps=args.steps, every=args.every)
    table, model, _ = train_watched(args, args.table, recorder)
    story = explanation_of(recorder, model, table)
    if args.json:
        document = {"command": "explain", **story.to_dict()}
        print(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        print(story.narrate(digits=args.digits, max_examples=args.max_examples), end="")
    return 0
