"""The network diagram: neurons in columns, weights as lines coloured by sign and sized by value.

``plot_network`` draws on an Axes and returns it, fitting the neurons, names and values to the
room the Axes has; past ``MAX_DRAWN`` units in a layer it draws each layer's weights as a heat map
instead (``matrices``). It shows one state of the weights; how they change over training is
``curves.plot_weights``, and rendering and saving the picture is ``figures``'s work. matplotlib
is imported only when a picture is drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from glassnet._types import Array
from glassnet.errors import ConfigurationError
from glassnet.explain.narration import unit_names
from glassnet.plot.figures import NEGATIVE, POSITIVE, new_axes
from glassnet.plot.matrices import MAX_DRAWN, draw_matrices

if TYPE_CHECKING:
    from glassnet.nn.layers import Dense
    from glassnet.nn.network import Network

__all__ = ["GAP", "plot_network"]

GAP = 2.5  # horizontal distance between columns of neurons; they are 1 apart vertically


def _layout(sizes: list[int]) -> list[Array]:
    """Return each column's neuron heights, centred on 0 and one unit apart."""
    return [np.arange(size)[::-1] - (size - 1) / 2 for size in sizes]


class _Room(NamedTuple):
    """Sizes in points, from the room the Axes has before layout."""

    width_pt: float  # the Axes' width
    spacing: float  # between neighbours in a column
    diameter: float  # of a neuron
    unit_font: float  # for a neuron's name inside it
    inside: bool  # whether the neurons' names fit inside them
    side_font: float  # for the names beside the input and output neurons


def _measure(ax: Any, sizes: list[int]) -> _Room:
    """Measure the room for columns of ``sizes`` neurons in ``ax``."""
    # A neuron is at most 28 points wide and takes at most 70% of the distance to its neighbours.
    box = ax.get_position()
    width_pt = box.width * ax.figure.get_figwidth() * 72
    height_pt = box.height * ax.figure.get_figheight() * 72 * 0.85  # room for the titles
    spacing = height_pt / (max(sizes) + 0.6)  # points between neighbours in a column
    diameter = min(28.0, 0.7 * spacing, 0.3 * width_pt / len(sizes))
    unit_font = min(10.0, 0.42 * diameter)
    inside = unit_font >= 6.5  # smaller names cannot be read; leave them out
    side_font = max(5.0, min(9.0, 0.75 * spacing))
    return _Room(width_pt, spacing, diameter, unit_font, inside, side_font)


def plot_network(
    net: Network,
    ax: Any = None,
    labels: bool | None = None,
    scale: float | None = None,
    names: Sequence[str] | None = None,
    output_names: Sequence[str] | None = None,
    form: str | None = None,
) -> Any:
    """Draw the network: neurons in columns, weights as lines coloured by sign, wide if large.

    Blue lines are positive weights, red ones negative; the width grows with the size of the
    weight. Values are written on the lines for small networks (``labels=None``: at most 24
    weights), and each neuron's bias, if any, below it. ``scale`` is the weight size drawn
    widest (default: the largest weight), so that frames of an animation compare. ``names``
    and ``output_names`` (a table's columns or classes, say) are written beside the input and
    output neurons. Neurons keep their short names (x1, h1, out) inside while there is room;
    in a crowded column the names are left out rather than drawn over each other.

    ``form`` is ``"lines"`` (that picture) or ``"matrix"``: each layer's weights as a heat map,
    a row per input and one for the bias, a column per unit, on one colour scale centred at 0
    (see ``glassnet.plot.matrices``). By default a network with more than ``MAX_DRAWN`` (8)
    units in a layer, inputs and outputs included, is drawn as matrices.

    Returns
    -------
    matplotlib Axes
        The Axes drawn on, with its axis lines hidden.

    Examples
    --------
    >>> ax = plot_network(Network([Dense(3, 2), Dense(2, 1)], rng=0))
    >>> len(ax.get_lines())  # one line per weight
    8
    """
    sizes = [net.n_inputs] + [layer.n_out for layer in net.layers]
    units = unit_names(sizes)
    for given, k in ((names, 0), (output_names, -1)):
        if given is not None and len(given) != sizes[k]:
            raise ConfigurationError(f"expected {sizes[k]} names, got {len(given)}")
    if form is None:
        form = "matrix" if max(sizes) > MAX_DRAWN else "lines"
    if form not in ("lines", "matrix"):
        raise ConfigurationError(f"unknown form {form!r}; choose from lines, matrix")
    ax = new_axes(ax, size=(6.4, 4.8))
    if form == "matrix":
        named = [list(names or units[0]), *units[1:-1], list(output_names or units[-1])]
        return draw_matrices(ax, net, named, scale)
    heights = _layout(sizes)
    largest = scale or max(float(np.abs(layer.weights).max()) for layer in net.layers) or 1.0
    n_weights = sum(layer.weights.size for layer in net.layers)
    labels = n_weights <= 24 if labels is None else labels
    room = _measure(ax, sizes)
    if not room.inside:  # the input and output neurons are named beside them instead
        names = units[0] if names is None else names
        output_names = units[-1] if output_names is None else output_names
    _draw_weights(ax, net, heights, largest, labels)
    for k, column in enumerate(heights):
        owner = net.layers[k - 1] if k > 0 else None
        _draw_column(ax, GAP * k, column, units[k], owner, room, labels)
        ax.annotate(
            "inputs" if owner is None else owner.activation.name,
            (GAP * k, (max(sizes) - 1) / 2),
            xytext=(0, room.diameter / 2 + 3),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=10,
        )
    gap = room.diameter / 2 + 3  # points between a neuron's edge and its name
    last = GAP * (len(sizes) - 1)
    left = _side_names(ax, names, sizes[0], heights[0], 0.0, "right", room.side_font, gap)
    right = _side_names(ax, output_names, sizes[-1], heights[-1], last, "left", room.side_font, gap)
    _set_limits(ax, sizes, room, labels, (left, right))
    ax.axis("off")
    ax.set_title("The network\nblue: positive weight, red: negative; wider: larger", fontsize=10)
    return ax


def _draw_weights(
    ax: Any, net: Network, heights: list[Array], largest: float, labels: bool
) -> None:
    """Draw every weight as a line, ``largest`` the widest, with its value when ``labels``."""
    for k, layer in enumerate(net.layers):
        # Lines fan out from the narrower column: label them near the wider one.
        t = 0.3 if layer.n_in >= layer.n_out else 0.7
        for a in range(layer.n_in):
            for b in range(layer.n_out):
                w = float(layer.weights[a, b])
                start, end = (GAP * k, heights[k][a]), (GAP * (k + 1), heights[k + 1][b])
                ax.plot(
                    [start[0], end[0]],
                    [start[1], end[1]],
                    color=POSITIVE if w >= 0 else NEGATIVE,
                    linewidth=0.5 + 5.0 * abs(w) / largest,
                    alpha=0.8,
                    zorder=1,
                )
                if labels:
                    ax.text(
                        start[0] + t * (end[0] - start[0]),
                        start[1] + t * (end[1] - start[1]),
                        f"{w:.3g}",
                        fontsize=8,
                        ha="center",
                        va="center",
                        zorder=4,
                        bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none", "pad": 1},
                    )


def _draw_column(
    ax: Any,
    x: float,
    column: Array,
    units: list[str],
    owner: Dense | None,
    room: _Room,
    labels: bool,
) -> None:
    """Draw one column of neurons at ``x``: named inside if they fit, biases below if ``labels``."""
    ax.scatter(
        np.full(column.size, x),
        column,
        s=room.diameter**2,
        facecolors="white",
        edgecolors="black",
        zorder=2,
    )
    for m, height in enumerate(column):
        if room.inside:
            ax.text(
                x, height, units[m], ha="center", va="center", fontsize=room.unit_font, zorder=3
            )
        if owner is not None and owner.bias is not None and labels:
            ax.annotate(
                f"bias {owner.bias[m]:.3g}",
                (x, height),
                xytext=(0, -room.diameter / 2 - 1),
                textcoords="offset points",
                ha="center",
                va="top",
                fontsize=8,
                zorder=4,
            )


def _side_names(
    ax: Any,
    names: Sequence[str] | None,
    size: int,
    heights: Array,
    x: float,
    side: str,
    fontsize: float,
    gap: float,
) -> float:
    """Write ``names`` beside a column of neurons; return the room they take, in points."""
    if names is None:
        return 0.0
    if len(names) != size:
        raise ConfigurationError(f"expected {size} names, got {len(names)}")
    offset = -gap if side == "right" else gap
    for name, height in zip(names, heights, strict=True):
        ax.annotate(
            name,
            (x, height),
            xytext=(offset, 0),
            textcoords="offset points",
            ha=side,
            va="center",
            fontsize=fontsize,
            zorder=4,
        )
    # About 0.6 of the font size per character.
    return gap + 0.6 * fontsize * max(len(name) for name in names)


def _set_limits(
    ax: Any, sizes: list[int], room: _Room, labels: bool, sides: tuple[float, float]
) -> None:
    """Fit the view to the columns, the names beside them (``sides``, in points) and the text."""
    left, right = sides
    # Room for the names, in data units: ``base`` units span what is left of the width.
    base = GAP * (len(sizes) - 1) + 2 * 0.5
    per_point = base / max(room.width_pt - left - right, 0.3 * room.width_pt)
    ax.set_xlim(-0.5 - left * per_point, GAP * (len(sizes) - 1) + 0.5 + right * per_point)
    # One unit is ``spacing`` points high: room for a neuron's half, the column titles above
    # and the bias values below.
    top = (max(sizes) - 1) / 2 + (room.diameter / 2 + 18) / room.spacing
    below = (room.diameter / 2 + (12 if labels else 2)) / room.spacing
    ax.set_ylim(-(max(sizes) - 1) / 2 - below, top)
