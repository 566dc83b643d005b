"""How the ``glassnet`` command reports what went wrong: one line on stderr and an exit code.

A ``GlassnetError`` carries its own code; a floating-point overflow is bad data (65), a missing
optional package or too little memory a usage matter (2), Ctrl-C 130, anything else a bug (70,
with where to report it). Tracebacks only with ``--debug``; ``program`` words argument errors.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import sys
import traceback
import warnings
from collections.abc import Callable, Iterator
from typing import Any

from glassnet.errors import ConfigurationError, GlassnetError, TrainingDivergedError
from glassnet.tables.model import TableModel, encoded_widths

ISSUES_URL = "https://github.com/glassnet/glassnet/issues"

#: Optional dependencies and the command that installs each.
EXTRAS = {
    "matplotlib": "pip install 'glassnet[plot]'",
    "PIL": "pip install 'glassnet[plot]'",
    "onnx": "pip install 'glassnet[onnx]'",
    "onnxruntime": "pip install 'glassnet[onnx]'",
    "sklearn": "pip install 'glassnet[sklearn]'",
    "torch": "pip install torch",
}

# NumPy's floating-point warnings ("overflow encountered in square", ...): the command line
# turns them into errors, so a number out of range never slips into an answer as inf or NaN.
_FLOAT_WARNING = r"(overflow|invalid value|divide by zero|underflow) encountered"


@contextlib.contextmanager
def _warnings_reported(quiet: bool) -> Iterator[None]:
    """Warnings print one line each (none when quiet); NumPy's floating-point ones raise."""
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        warnings.filterwarnings("error", _FLOAT_WARNING, RuntimeWarning)
        warnings.showwarning = _warning_printer(quiet)
        yield


def _report(error: BaseException, debug: bool) -> int:
    """Report ``error`` (the one being handled) on stderr and return the command's exit code."""
    if isinstance(error, GlassnetError):
        _traceback(debug)
        written = "; nothing was written" if isinstance(error, TrainingDivergedError) else ""
        print(f"glassnet: error: {_one_line(error)}{written}", file=sys.stderr)
        return error.exit_code
    if isinstance(error, BrokenPipeError):
        _silence_stdout()
        return 0
    if isinstance(error, KeyboardInterrupt):  # Ctrl-C, or TrainingInterrupted with its epoch
        print(f"glassnet: {_one_line(error) or 'interrupted'}", file=sys.stderr)
        return 130
    if isinstance(error, MemoryError):  # the machine's limit, not a bug: a usage matter
        _traceback(debug)
        print(f"glassnet: error: {_out_of_memory(error)}", file=sys.stderr)
        return 2
    if isinstance(error, RuntimeWarning):  # NumPy's floating-point warnings, made errors above
        _traceback(debug)
        print(
            f"glassnet: error: a number went out of range ({_one_line(error)}); the table's "
            "numbers are too large or too spread out: rescale the columns (divide them by a "
            "power of ten, or take logarithms)",
            file=sys.stderr,
        )
        return 65
    if isinstance(error, ImportError):
        return _missing_package(error, debug)
    return _internal(error, debug)


class TrainingInterrupted(KeyboardInterrupt):
    """Ctrl-C ended training (``fit`` kept the weights); the command stops and writes nothing."""


def _stop_if_interrupted(model: TableModel) -> None:
    """Raise TrainingInterrupted when Ctrl-C ended the model's training."""
    history = model.history_
    if history is not None and history.interrupted:
        raise TrainingInterrupted(
            f"training interrupted after {history.epochs} of {model.settings_.epochs} epochs; "
            "nothing was written"
        )


def _network_too_large(model: TableModel) -> ConfigurationError | None:
    """The error for a MemoryError in training, with the network's size once it is known."""
    if not hasattr(model, "classes_"):  # the encodings, hence the size, are not chosen yet
        return None
    n_features, n_outputs = encoded_widths(model)
    sizes = [n_features, *model.settings_.hidden, n_outputs]
    bias = int(bool(model.settings_.bias))
    n_weights = sum((n_in + bias) * n_out for n_in, n_out in itertools.pairwise(sizes))
    return ConfigurationError(
        f"not enough memory to build and train this network ({n_weights:,} weights, biases "
        "included); try fewer --hidden units or rows"
    )


def _out_of_memory(error: MemoryError) -> str:
    """The one line for a MemoryError: NumPy's message (the size asked for) and what to try."""
    detail = _one_line(error)
    return (
        f"not enough memory{f' ({detail})' if detail else ''}; try a smaller table, fewer "
        "--hidden units or a smaller --batch-size"
    )


def _missing_package(error: ImportError, debug: bool) -> int:
    """An optional dependency is missing: a usage matter (2), with the command that installs it."""
    install = EXTRAS.get((error.name or "").split(".")[0])
    if install is None and "pip install" not in str(error):
        return _internal(error, debug)
    _traceback(debug)
    message = (
        f"this needs {error.name}, which is not installed; install it with: {install}"
        if install is not None
        else _one_line(error)
    )
    print(f"glassnet: error: {message}", file=sys.stderr)
    return 2


def _internal(error: BaseException, debug: bool) -> int:
    _traceback(debug)
    print(
        f"glassnet: internal error: {type(error).__name__}: {_one_line(error)}; please "
        f"report this at {ISSUES_URL} (run with --debug to see the traceback)",
        file=sys.stderr,
    )
    return 70


def _traceback(debug: bool) -> None:
    if debug:
        traceback.print_exc()


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())


def _warning_printer(quiet: bool) -> Callable[..., None]:
    def show(message: Any, category: Any, *args: Any, **kwargs: Any) -> None:
        if not quiet:
            print(f"glassnet: warning: {_one_line(message)}", file=sys.stderr)

    return show


def _silence_stdout() -> None:
    """After a closed pipe, point stdout at /dev/null so the final flush raises nothing."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
