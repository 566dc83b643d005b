"""The options of the ``glassnet`` command: argparse types, shared groups and their rules.

Each type checks one value ("expected a number >= 1, got 0"); each group is a parent parser that
several subcommands share. Nothing here runs a command: ``program`` builds the parser from
these pieces, and ``_settings`` hands the parsed values to a ``TableModel``.
"""

from __future__ import annotations

import argparse
import math
from typing import Any

from glassnet.data import DEFAULT_MISSING, parse_table
from glassnet.errors import TableFormatError

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


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=30)


# -- one value each -------------------------------------------------------------------------------


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


SEED_LIMIT = 2**32  # NumPy's RandomState (the tutorial's recipe) takes seeds below this


def _seed(text: str) -> int:
    value = _count(text)
    if value >= SEED_LIMIT:
        raise argparse.ArgumentTypeError(
            f"expected a seed between 0 and {SEED_LIMIT - 1}, got {value}"
        )
    return value


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


def _words(text: str) -> tuple[str, ...]:
    """Comma-separated words; an empty text is no word."""
    return tuple(word.strip() for word in text.split(",") if word.strip())


def _column(text: str) -> str:
    name = text.strip()
    if not name:
        raise argparse.ArgumentTypeError("expected a column name or number, such as id or 1")
    return name


# -- option groups --------------------------------------------------------------------------------


def add_subcommand(
    commands: Any,
    name: str,
    help_text: str,
    description: str,
    parents: list[argparse.ArgumentParser],
    examples: str,
    trains: bool = False,
) -> Any:
    """Add the subcommand ``name`` with its examples, and the training rules when it ``trains``."""
    epilog = examples
    if trains:
        epilog += "\n\n" + TASK_RULE + "\n\n" + DEFAULTS_RULE
    return commands.add_parser(
        name,
        help=help_text,
        description=description,
        epilog=epilog,
        parents=parents,
        formatter_class=_Formatter,
    )


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
    if "--progress" not in options:
        command.add_argument(
            "--progress",
            action="store_true",
            help="show progress on stderr even when it is no terminal (never with --quiet)",
        )


def _common_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    _add_common(common)
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
    group.add_argument(
        "--missing",
        type=_words,
        metavar="WORDS",
        help="words that mark a missing cell besides '?' and an empty cell, any case "
        f"(default: {','.join(DEFAULT_MISSING)}; '' for none)",
    )
    group.add_argument(
        "--decimal",
        choices=(".", ","),
        help="the decimal mark (default: ',' when a cell can only be a decimal comma, such as "
        "1,5; a model's own when predicting)",
    )
    group.add_argument(
        "--ignore",
        type=_column,
        action="append",
        default=[],
        metavar="NAME|NUMBER",
        help="leave this column out of the network (repeatable); it passes through unchanged",
    )
    return table


def _output_options() -> argparse.ArgumentParser:
    outputs = argparse.ArgumentParser(add_help=False)
    group = outputs.add_argument_group("choosing the outputs")
    group.add_argument(
        "--outputs", type=_positive_int, metavar="K", help="the last K columns (default 1)"
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
        "--no-impute",
        dest="impute",
        action="store_false",
        help="refuse missing input cells instead of filling them from the other rows",
    )
    _add_network_options(group)
    _add_schedule_options(group)
    return training


def _add_network_options(group: Any) -> None:
    """The network's shape: ``--hidden`` and ``--activation``."""
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


def _add_schedule_options(group: Any) -> None:
    """How it learns: epochs, steps, penalty, seed and early stopping."""
    group.add_argument("--epochs", type=_positive_int, help="most passes over the rows (>= 1)")
    group.add_argument("--lr", type=_nonnegative, help="learning rate")
    group.add_argument(
        "--optimizer", choices=("sgd", "momentum", "nesterov", "adam"), help="update rule"
    )
    group.add_argument(
        "--batch-size", type=_batch, metavar="N", help="rows per step, or 'full' (one step)"
    )
    group.add_argument(
        "--shuffle",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="reorder the rows every epoch (default: with mini-batches)",
    )
    group.add_argument("--l2", type=_nonnegative, help="weight decay (L2 penalty)")
    group.add_argument("--seed", type=_seed, help=f"random seed, 0 to {SEED_LIMIT - 1} (default 1)")
    group.add_argument(
        "--validation",
        type=_fraction,
        metavar="FRACTION",
        help="share of the known rows held out for early stopping",
    )
    group.add_argument(
        "--patience",
        type=_positive_int,
        metavar="N",
        help="stop after N epochs without a lower loss (on the held-out rows, or on the "
        "training rows with --validation 0) and keep the best weights",
    )


#: Options that only ``--explain`` reads, where a command has it (``solve``).
EXPLAIN_ONLY = ("steps", "every", "digits", "max_examples", "lines", "full")


def conflicting_options(args: argparse.Namespace) -> str | None:
    """The usage error in a combination of options argparse accepted one by one, or None.

    An option that another one overrides or that does nothing without another is refused, so
    that nothing the user asked for is silently dropped.
    """
    if getattr(args, "target", None) and getattr(args, "outputs", None) is not None:
        return "--target and --outputs both choose the output columns; give only one"
    if getattr(args, "classify", False):
        count = len(args.target) if args.target else (args.outputs or 1)
        if count > 1:
            chosen = f"--target {','.join(args.target)}" if args.target else f"--outputs {count}"
            return (
                f"--classify makes one output column a classifier, but {chosen} chooses "
                f"{count} columns"
            )
    if (
        getattr(args, "inputs", None) is not None
        and getattr(args, "kind", "boundary") != "boundary"
    ):
        return (
            f"--inputs chooses the axes of a boundary plot; it does nothing for --kind "
            f"{args.kind}: add --kind boundary or leave out --inputs"
        )
    if hasattr(args, "explain") and not args.explain:
        for name in EXPLAIN_ONLY:
            if getattr(args, name, None) is not None:
                return f"--{name.replace('_', '-')} needs --explain"
    return _story_length_conflict(args)


def _story_length_conflict(args: argparse.Namespace) -> str | None:
    """``--lines`` with ``--full`` (one says how long, the other no limit), or with ``--json``."""
    if getattr(args, "lines", None) is None and not getattr(args, "full", None):
        return None
    option = "--lines" if args.lines is not None else "--full"
    if args.lines is not None and args.full:
        return "--lines shortens the story and --full tells every number; give only one"
    if getattr(args, "json", False):
        return f"--json holds every number whatever the story's length: leave out {option}"
    return None


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    settings = {
        "hidden": args.hidden,
        "activation": args.activation,
        "epochs": args.epochs,
        "lr": args.lr,
        "optimizer": args.optimizer,
        "batch_size": args.batch_size,  # 0: "full", one step on every row
        "shuffle": args.shuffle,
        "l2": args.l2,
        "seed": args.seed,
        "validation": args.validation,
        "patience": args.patience,
    }
    if args.batch_size == 0 and args.shuffle is None:  # one batch of every row: nothing to shuffle
        settings["shuffle"] = False
    return {key: value for key, value in settings.items() if value is not None}
