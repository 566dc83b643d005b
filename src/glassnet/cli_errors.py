"""How the ``glassnet`` command reports what went wrong: one line on stderr and an exit code.

A ``GlassnetError`` carries its own code; a floating-point overflow is bad data (65), a missing
optional package a usage matter (2), anything else a bug (70, with where to report it).
Tracebacks only with ``--debug``. Argument errors are not handled here: ``cli.main`` words them.
"""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
import warnings
from collections.abc import Callable, Iterator
from typing import Any

from glassnet.errors import GlassnetError

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
        print(f"glassnet: error: {_one_line(error)}", file=sys.stderr)
        return error.exit_code
    if isinstance(error, BrokenPipeError):
        _silence_stdout()
        return 0
    if isinstance(error, KeyboardInterrupt):
        print("glassnet: interrupted", file=sys.stderr)
        return 130
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
