"""Making matplotlib Figures for glassnet's pictures, rendering and saving them, and shared colours.

matplotlib is imported only when a figure is made (with an install hint when it is missing) and
never through pyplot, so the Agg renderer is used and no GUI backend is touched. Pictures are
drawn in memory and written atomically. What a picture shows is the work of the other modules of
``glassnet.plot``.
"""

from __future__ import annotations

import io
import os
import warnings
from typing import Any

from glassnet.errors import ConfigurationError
from glassnet.io.atomic import write_atomically

__all__ = [
    "INSTALL_HINT",
    "NEGATIVE",
    "POSITIVE",
    "figure_class",
    "new_axes",
    "picture_format",
    "render_figure",
    "save_figure",
]

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


def picture_format(path: str | os.PathLike[str]) -> str:
    """Return the picture format that ``path``'s suffix names (png without a suffix).

    Raises
    ------
    ConfigurationError
        For a suffix matplotlib cannot write; the message lists the ones it can.

    Examples
    --------
    >>> picture_format("loss.SVG"), picture_format("loss")
    ('svg', 'png')
    """
    suffix = os.path.splitext(os.fspath(path))[1].lower().lstrip(".")
    if not suffix:
        return "png"
    figure_class()
    from matplotlib.backend_bases import FigureCanvasBase

    supported = sorted(FigureCanvasBase.get_supported_filetypes())
    if suffix not in supported:
        raise ConfigurationError(
            f"expected a picture file ending in one of {', '.join('.' + s for s in supported)}; "
            f"got {os.fspath(path)!r}"
        )
    return suffix


def render_figure(figure: Any, format: str = "png", dpi: int = 100) -> bytes:
    """Return ``figure`` (or the figure of an Axes) drawn as the bytes of a ``format`` file.

    A constrained layout that finds no room (very long labels) falls back to the figure's plain
    layout instead of warning.
    """
    figure = getattr(figure, "figure", figure)
    buffer = io.BytesIO()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figure.savefig(buffer, format=format, dpi=dpi)
    collapsed = [w for w in caught if "constrained_layout not applied" in str(w.message)]
    if collapsed:
        figure.set_layout_engine("none")
        buffer = io.BytesIO()
        figure.savefig(buffer, format=format, dpi=dpi)
    for warning in caught:
        if warning not in collapsed:
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )
    return buffer.getvalue()


def save_figure(figure: Any, path: str | os.PathLike[str], dpi: int = 100) -> None:
    """Write ``figure`` (or the figure of an Axes) to ``path``; the format follows the suffix.

    The picture is drawn in memory first and written atomically, so a failed write leaves any
    file already at ``path`` unchanged.

    Raises
    ------
    ConfigurationError
        When the suffix names no picture format matplotlib writes.
    OutputError
        When the file cannot be written.
    """
    data = render_figure(figure, picture_format(path), dpi)
    write_atomically(path, data)
