"""Errors and warnings raised by glassnet.

Every error a user can cause is a ``GlassnetError``, so a caller (and the command-line tool) can
catch them all in one place. Each subclass also inherits the matching built-in exception, so code
that expects a ``ValueError`` keeps working. Each class carries the process exit code the CLI
returns for it.

    Exception
     └── GlassnetError
          ├── ConfigurationError  (ValueError)          unknown name, bad setting       -> 2
          ├── TableFormatError    (ValueError)          bad table: file, line, column   -> 65
          ├── ModelFileError      (ValueError)          bad or unknown model file       -> 65
          ├── InputNotFoundError  (FileNotFoundError)   missing input file              -> 66
          ├── OutputError         (OSError)             cannot write an output          -> 73
          ├── ShapeError          (ValueError)          arrays of the wrong shape/value -> 65
          ├── NotFittedError      (AttributeError)      used before training            -> 70
          └── TrainingDivergedError (ArithmeticError)   loss became inf or NaN          -> 1
    UserWarning
     └── ConvergenceWarning                              stopped before converging
"""

from __future__ import annotations

__all__ = [
    "ConfigurationError",
    "ConvergenceWarning",
    "GlassnetError",
    "InputNotFoundError",
    "ModelFileError",
    "NotFittedError",
    "OutputError",
    "ShapeError",
    "TableFormatError",
    "TrainingDivergedError",
]


class GlassnetError(Exception):
    """Base class of every error glassnet raises on purpose."""

    exit_code = 70


class ConfigurationError(GlassnetError, ValueError):
    """An unknown name or an invalid setting (activation, loss, optimizer, sizes, ...)."""

    exit_code = 2


class TableFormatError(GlassnetError, ValueError):
    """A table that cannot be read; names the file, line and column.

    Parameters
    ----------
    message : str
        What was expected and what was found.
    path : str or None
        The file (``"<stdin>"`` for standard input).
    line, column : int or None
        1-based position of the problem, where it has one.
    """

    exit_code = 65

    def __init__(
        self,
        message: str,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ":".join(
            str(part) for part in (self.path, self.line, self.column) if part is not None
        )
        return f"{where}: {self.message}" if where else self.message


class ModelFileError(GlassnetError, ValueError):
    """A model file that is corrupt, not a glassnet model, or from a newer glassnet."""

    exit_code = 65


class InputNotFoundError(GlassnetError, FileNotFoundError):
    """An input file that does not exist (or is a directory)."""

    exit_code = 66


class OutputError(GlassnetError, OSError):
    """An output file that cannot be written; the existing file, if any, is untouched."""

    exit_code = 73


class ShapeError(GlassnetError, ValueError):
    """Arrays with the wrong shape, dtype or values for the network they are given to."""

    exit_code = 65


class NotFittedError(GlassnetError, AttributeError):
    """A model used before it was trained."""

    exit_code = 70


class TrainingDivergedError(GlassnetError, ArithmeticError):
    """The loss became infinite or NaN; the last finite weights were kept.

    Parameters
    ----------
    message : str
        What happened and a hint on how to avoid it.
    epoch : int
        The 1-based epoch at which it happened.
    """

    exit_code = 1

    def __init__(self, message: str, epoch: int) -> None:
        self.epoch = epoch
        super().__init__(message)


class ConvergenceWarning(UserWarning):
    """Training ended (interrupted, or out of epochs) before the loss settled."""
