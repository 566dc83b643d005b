"""A network's weights as matrices: one heat map per layer, for layers too wide to draw as lines.

Past about 8 units in a layer, neurons joined by lines become a mass of crossing lines. Each
layer's weights are shown instead as a grid: a row per input of the layer and one for its bias,
a column per unit, blue for positive weights and red for negative, darker for larger, on one
colour scale centred at 0 for the whole network. The grids sit inside the Axes they are given
and are placed when the figure is drawn, measured so that every name fits; names that would
overlap are thinned out, and the grid's title says so. ``diagrams.plot_network`` chooses the form.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet._types import Array

if TYPE_CHECKING:
    from glassnet.nn.network import Network

__all__ = ["MAX_DRAWN", "draw_matrices"]

MAX_DRAWN = 8  # units in a layer up to which the network is drawn as neurons and lines
FONT, TITLE_FONT = 7.0, 8.0  # points: the names beside the grids, the grids' titles
GAP = 10.0  # points between two grids' areas, names included
CMAP = "RdBu"  # red for negative, blue for positive: the diagram's colours


@dataclass
class _Grid:
    """One layer's matrix (rows: its inputs and bias; columns: its units) and its names."""

    values: Array  # (n_in + 1 or n_in, n_out)
    rows: list[str]
    columns: list[str]
    title: str


def draw_matrices(ax: Any, net: Network, names: list[list[str]], scale: float | None = None) -> Any:
    """Draw each layer of ``net`` as a heat map inside ``ax``; return ``ax``.

    Parameters
    ----------
    ax : matplotlib Axes
        The room to draw in; its own axis is hidden and its title explains the grids.
    net : Network
    names : list of list of str
        The unit names, inputs first and outputs last (a table's columns and classes, say).
    scale : float, optional
        The weight size drawn darkest, both signs (default: the largest weight or bias), so that
        the frames of an animation compare.

    Returns
    -------
    matplotlib Axes
    """
    grids = [_grid(net, k, names) for k in range(len(net.layers))]
    largest = scale or max(float(np.abs(g.values).max()) for g in grids) or 1.0
    ax.axis("off")
    # A title wider than its Axes is not made room for by the layout: wrap it to the Axes.
    width = ax.get_position().width * ax.get_figure().get_figwidth() * 72  # points
    explained = textwrap.fill(
        "rows: a layer's inputs and bias; columns: its units; blue positive, red negative",
        max(20, int(width / (0.55 * 10))),
    )
    ax.set_title(f"The network's weights, layer by layer\n{explained}", fontsize=10)
    place = _Placement(ax, grids)
    image = None
    for slot, grid in enumerate(grids):
        inner = ax.inset_axes((0, 0, 1, 1))
        inner.set_axes_locator(place.locator(slot, inner))
        image = inner.imshow(
            grid.values,
            cmap=CMAP,
            vmin=-largest,
            vmax=largest,
            aspect="auto",
            interpolation="nearest",
        )
        if grid.rows[-1] == "bias":
            inner.axhline(grid.values.shape[0] - 1.5, color="white", linewidth=1.5)
        _name_cells(inner, grid, (1, 1))  # until drawn, when the room is known
    bar = ax.inset_axes((0, 0, 1, 1))
    bar.set_axes_locator(place.locator(len(grids)))
    colorbar = ax.get_figure().colorbar(image, cax=bar)
    colorbar.set_label("weight", fontsize=TITLE_FONT)
    bar.tick_params(labelsize=FONT)
    return ax


def _grid(net: Network, k: int, names: list[list[str]]) -> _Grid:
    """Layer ``k``'s weights with its bias as the last row, and the names of rows and columns."""
    layer = net.layers[k]
    values, rows = layer.weights, list(names[k])
    if layer.bias is not None:
        values = np.vstack([values, layer.bias[None, :]])  # (n_in + 1, n_out)
        rows.append("bias")
    title = f"layer {k + 1}: {layer.n_in} -> {layer.n_out} {layer.activation.name}"
    return _Grid(values, rows, list(names[k + 1]), title)


def _name_cells(ax: Any, grid: _Grid, steps: tuple[int, int]) -> None:
    """Name the rows and columns (every ``steps``-th when they would overlap); title the grid."""
    row_step, column_step = steps
    n_rows, n_columns = grid.values.shape
    rows = list(range(0, n_rows, row_step))
    if n_rows - 1 not in rows:  # the last row (the bias) is always named, with room around it
        rows = [r for r in rows if n_rows - 1 - r >= row_step] + [n_rows - 1]
    columns = list(range(0, n_columns, column_step))
    ax.set_yticks(rows, labels=[grid.rows[r] for r in rows])
    ax.set_xticks(columns, labels=[grid.columns[c] for c in columns], rotation=90)
    ax.tick_params(labelsize=FONT, length=2, pad=2)
    thinned = row_step > 1 or column_step > 1
    ax.set_title(grid.title + ("\n(some names left out)" if thinned else ""), fontsize=TITLE_FONT)


class _Placement:
    """Where each grid and the colour bar go inside the container Axes, and which names fit.

    Worked out whenever the figure is drawn or laid out (each inner Axes' locator asks), from
    the container's box at that moment and the measured size of every name: the grids' names
    never run into the next grid or out of the container, and a grid too small for all of its
    names gets every k-th one.
    """

    def __init__(self, container: Any, grids: list[_Grid]) -> None:
        self.container = container
        self.grids = grids

    def locator(self, slot: int, inner: Any = None) -> Callable[[Any, Any], Any]:
        """The axes locator of grid ``slot``, drawn on ``inner`` (``len(grids)``: the colour bar).

        matplotlib may pass a locator another Axes than its own (the container, when placing
        its title), so the grid's Axes is the one given here.
        """

        def locate(_: Any, renderer: Any) -> Any:
            from matplotlib.transforms import Bbox

            boxes, steps = self._layout(renderer)
            if inner is not None:
                _name_cells(inner, self.grids[slot], steps[slot])
            x, y, width, height = boxes[slot]
            figure = self.container.get_figure()
            box = Bbox.from_bounds(x, y, max(width, 1.0), max(height, 1.0))
            return box.transformed(figure.transSubfigure.inverted())

        return locate

    def _layout(
        self, renderer: Any
    ) -> tuple[list[tuple[float, float, float, float]], list[tuple[int, int]]]:
        """The boxes, and every how many rows and columns a name is written (1: all of them).

        The boxes leave room for every name, so thinning them out can only leave more room;
        a second pass makes room for the "(some names left out)" line when a grid needs it.
        """
        pixels = self.container.get_figure().dpi / 72
        pitch = FONT * 1.1 * pixels  # the height of a name, with a little air
        thinned = False
        while True:
            boxes = self._boxes(renderer, 2 if thinned else 1)
            steps = [
                (
                    max(1, math.ceil(grid.values.shape[0] * pitch / max(box[3], 1.0))),
                    max(1, math.ceil(grid.values.shape[1] * pitch / max(box[2], 1.0))),
                )
                for grid, box in zip(self.grids, boxes, strict=False)
            ]
            if thinned or all(step == (1, 1) for step in steps):
                return boxes, steps
            thinned = True

    def _boxes(self, renderer: Any, lines: int) -> list[tuple[float, float, float, float]]:
        """Each grid's box and the colour bar's, as (x, y, width, height) in display pixels.

        Every name is given room; the grids' titles take ``lines`` lines.
        """
        x0, y0, width, height = self.container.bbox.bounds
        pixels = self.container.get_figure().dpi / 72  # per point
        measure = _measurer(renderer, pixels)
        lefts = [max(measure(name, FONT)[0] for name in grid.rows) for grid in self.grids]
        bottoms = [max(measure(name, FONT)[0] for name in grid.columns) for grid in self.grids]
        titles = [measure(grid.title, TITLE_FONT) for grid in self.grids]
        ticks = 4 * pixels  # a tick and its pad
        bar_width = 10 * pixels
        bar_room = GAP * pixels + bar_width + ticks + measure("-0.00", FONT)[0] + 4 * pixels
        bar_room += measure("weight", TITLE_FONT)[1]
        title_height = max(h for _, h in titles) * lines + 4 * pixels
        bottom = max(bottoms) + ticks
        free = width - sum(lefts) - ticks * len(lefts) - GAP * pixels * (len(lefts) - 1)
        free -= bar_room
        widths = self._widths(max(free, 1.0), [w for w, _ in titles])
        inner_height = max(height - title_height - bottom, 1.0)
        boxes, x = [], x0
        for left, grid_width in zip(lefts, widths, strict=True):
            x += left + ticks
            boxes.append((x, y0 + bottom, grid_width, inner_height))
            x += grid_width + GAP * pixels
        boxes.append((x0 + width - bar_room + GAP * pixels, y0 + bottom, bar_width, inner_height))
        return boxes

    def _widths(self, free: float, titles: Sequence[float]) -> list[float]:
        """Share ``free`` pixels by the grids' columns, each at least as wide as its title."""
        columns = np.array([g.values.shape[1] for g in self.grids], dtype=float)
        least = np.minimum(np.array(titles), free / len(self.grids))
        widths = np.maximum(free * columns / columns.sum(), least)
        return list(widths * min(1.0, free / widths.sum()))


def _measurer(renderer: Any, pixels: float) -> Callable[[str, float], tuple[float, float]]:
    """Width and height in pixels of a text at a font size: measured, or estimated unrendered."""
    if renderer is None:
        return lambda text, size: (0.62 * size * len(text) * pixels, 1.2 * size * pixels)
    from matplotlib.font_manager import FontProperties

    def measure(text: str, size: float) -> tuple[float, float]:
        width, height, _ = renderer.get_text_width_height_descent(
            text, FontProperties(size=size), ismath=False
        )
        return float(width), float(height)

    return measure
