"""New matplotlib Figures and Axes for glassnet's pictures, and the colours the pictures share.

matplotlib is imported only when a figure is made (with an install hint when it is missing) and
never through pyplot, so the Agg renderer is used and no GUI backend is touched. This module only
makes figures; drawing, rendering and saving them is ``glassnet.plotting``'s work.
"""

from __future__ import annotations

from typing import Any

__all__ = ["INSTALL_HINT", "NEGATIVE", "POSITIVE", "figure_class", "new_axes"]

INSTALL_HINT = "pictures need matplotlib: pip install 'glassnet[plot]'"
POSITIVE, NEGATIVE = "#1f77b4", "#d62728"  # blue for positive weights, red for negative


def figure_class() -> Any:
    """Return matplotlib's ``Figure`` class, or raise ImportError with the install hint."""
    try:
        from matplotlib.figure import Figure
    except ImportError as error:
        raise ImportError(INSTALL_HINT) from error
    return Figure


def new_axes(ax: Any = None, size: tuple[float, float] = (6.4, 4.8)) -> Any:
    """Return ``ax``, or the Axes of a new Figure of ``size`` inches at 100 dpi."""
    if ax is not None:
        return ax
    figure = figure_class()(figsize=size, dpi=100, layout="constrained")
    return figure.add_subplot()
