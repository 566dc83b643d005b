"""Checks of what the engine is given: finite arrays, whole-number settings, batch sizes.

Validation happens at the engine's boundaries (``Network``'s checks, ``fit``, ``Ensemble.fit``),
never inside the training loop; these are the checks those boundaries share.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet._types import Array
from glassnet.errors import ConfigurationError, ShapeError

__all__ = ["check_finite", "check_int", "step_rows"]


def check_int(name: str, value: Any, minimum: int, allow_none: bool = False) -> None:
    """Raise ConfigurationError unless ``value`` is an int >= ``minimum`` (or None if allowed)."""
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ConfigurationError(f"{name} must be an int >= {minimum}, got {value!r}")


def step_rows(n_samples: int, batch_size: int | None) -> int:
    """Rows per step: the batch size, or every row."""
    return n_samples if batch_size is None else min(batch_size, n_samples)


def check_finite(array: Array, name: str) -> None:
    """Raise ShapeError naming the first inf or NaN in ``array`` (row and column, 1-based)."""
    # A sum is finite only if every term is (inf and NaN never cancel out), and it needs no
    # boolean copy of the data; only a non-finite sum (or an overflowing one) looks closer.
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(np.sum(array)):
            return
    if not np.isfinite(array).all():
        row, column = np.argwhere(~np.isfinite(array))[0]
        raise ShapeError(
            f"{name} must be finite, got {array[row, column]} at row {row + 1}, column {column + 1}"
        )
