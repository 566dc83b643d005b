"""The decision boundary: what a network answers over a plane of two of its inputs.

``plot_boundary`` shades the network's answer on a grid (one output as a colour scale, softmax
outputs as regions of the winning class) and draws the training points on top, optionally in a
table's own units. With more than two inputs it draws, unless told which, the two that matter
most by permutation importance (``choose_inputs``), and writes on the plot how they were chosen
and where the others are held. It draws on an Axes and returns it; rendering and saving is
``glassnet.plot.figures``'s work, and matplotlib is imported only when a picture is drawn.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet._types import Array
from glassnet.errors import ConfigurationError
from glassnet.explain.importance import permutation_importance
from glassnet.explain.narration import unit_names
from glassnet.plot.figures import new_axes

if TYPE_CHECKING:
    from glassnet.nn.network import Network

__all__ = ["Units", "choose_inputs", "plot_boundary"]

Units = Sequence[tuple[float, float]]  # (mean, scale) per column: shown = value * scale + mean


def _grid_inputs(
    X: Array, inputs: tuple[int, int], fixed: Sequence[float] | None, resolution: int
) -> tuple[Array, Array, Array, Array]:
    """Return the grid's two axes, the full input rows (r², n_inputs) and the fixed values."""
    i, j = inputs
    lows, highs = X.min(axis=0), X.max(axis=0)
    pads = np.maximum(0.25 * (highs - lows), 0.25)
    xs = np.linspace(lows[i] - pads[i], highs[i] + pads[i], resolution)
    ys = np.linspace(lows[j] - pads[j], highs[j] + pads[j], resolution)
    base = np.median(X, axis=0) if fixed is None else np.asarray(fixed, dtype=float)
    if base.shape != (X.shape[1],):
        raise ConfigurationError(f"expected {X.shape[1]} fixed values, got {base.shape[0]}")
    GX, GY = np.meshgrid(xs, ys)  # (r, r)
    rows = np.tile(base, (GX.size, 1))  # (r², n_inputs)
    rows[:, i], rows[:, j] = GX.ravel(), GY.ravel()
    return xs, ys, rows, base


def _affine(units: Units | None, size: int, what: str) -> tuple[Array, Array]:
    """Return the ``mean`` and ``scale`` vectors of ``units`` (0 and 1 when None)."""
    if units is None:
        return np.zeros(size), np.ones(size)
    pairs = np.asarray(units, dtype=float).reshape(-1, 2)
    if pairs.shape[0] != size:
        raise ConfigurationError(f"expected {size} {what} units, got {pairs.shape[0]}")
    return pairs[:, 0], pairs[:, 1]


def _wrap_note(ax: Any, text: str, fontsize: float = 10) -> str:
    """Wrap ``text`` to about the width of ``ax`` (its position before any layout)."""
    width = ax.get_position().width * ax.figure.get_figwidth() * 72  # points
    return "\n".join(textwrap.wrap(text, max(20, int(width / (0.5 * fontsize)))))


def choose_inputs(
    net: Network,
    X: Any,
    y: Any = None,
    names: Sequence[str] | None = None,
    whose: str = "",
) -> tuple[tuple[int, int], str | None]:
    """The two inputs a boundary plot draws by default, and how they were chosen, in words.

    Two inputs are drawn as they are (no words). With more, the two whose shuffling raises the
    network's loss on these rows most (``glassnet.explain.importance``; without targets, the
    change of its answers), the more important one on the horizontal axis. ``whose`` names the
    network in the words ("the trained network", for an animation's frames).

    Returns
    -------
    (int, int), str or None
        0-based inputs, and the sentence the plot writes under its horizontal axis.

    Examples
    --------
    >>> net = Network([Dense(3, 1, activation="sigmoid")], rng=0)
    >>> net.layers[0].weights[:] = [[0.1], [3.0], [-2.0]]
    >>> X = np.random.default_rng(0).normal(size=(40, 3))
    >>> inputs, why = choose_inputs(net, X, X @ [0.1, 3.0, -2.0] > 0, names=["a", "b", "c"])
    >>> inputs, why.split(":")[0]
    ((1, 2), 'b and c matter most')
    """
    X = net.check_X(X)
    if net.n_inputs == 2:
        return (0, 1), None
    names = list(names) if names is not None else unit_names([net.n_inputs, 1])[0]
    importance = permutation_importance(net, X, y)
    order = importance.ranking()
    i, j, after = order[0], order[1], order[2]
    scores = importance.scores
    of = f" of {whose}" if whose else ""
    why = (
        f"{names[i]} and {names[j]} matter most: shuffling them raises {importance.measure} by "
        f"{scores[i]:.3g} and {scores[j]:.3g}, the next input ({names[after]}) by "
        f"{scores[after]:.3g} (permutation importance{of} on these {importance.n_rows} rows)"
    )
    return (i, j), why


def plot_boundary(
    net: Network,
    X: Any,
    y: Any = None,
    ax: Any = None,
    inputs: tuple[int, int] | None = None,
    fixed: Sequence[float] | None = None,
    resolution: int = 200,
    names: Sequence[str] | None = None,
    input_units: Units | None = None,
    output_units: Units | None = None,
    output_names: Sequence[str] | None = None,
    reason: str | None = None,
    cax: Any = None,
) -> Any:
    """Shade what the network answers over the input plane, with the training points on top.

    For one output the shade is the output itself and, for a sigmoid output, a black line marks
    where it crosses 0.5: the decision boundary. For softmax outputs each region takes the colour
    of the most probable class, named in a legend. With more than two inputs, ``inputs`` picks the
    two drawn (by default the two that matter most: ``choose_inputs``) and the others are held at
    ``fixed`` (default: their medians); the plot says both under its horizontal axis.

    Parameters
    ----------
    net : Network
    X : array-like of shape (n_samples, n_inputs)
        The training inputs (as the network sees them), drawn as points; they also set the range.
    y : array-like, optional
        Targets (as the network learns them), which colour the points.
    ax : matplotlib Axes, optional
    inputs : (int, int), optional
        0-based columns on the horizontal and vertical axes; by default ``choose_inputs``'s.
    fixed : sequence of float, optional
        A value for every input, as the network sees it; the two drawn ones are ignored.
    resolution : int, default=200
        Grid points per side.
    names : sequence of str, optional
        Input names (default x1, x2, ...).
    input_units : sequence of (mean, scale), optional
        One pair per input: axes, points and fixed values are shown as ``x * scale + mean``, in
        a table's own units when the network sees standardized columns.
    output_units : sequence of (mean, scale), optional
        One pair per output: answers and targets are shown as ``out * scale + mean``.
    output_names : sequence of str, optional
        The classes of softmax outputs (for the legend), else the outputs' names.
    reason : str, optional
        How ``inputs`` were chosen, written on the plot (``choose_inputs`` gives it).
    cax : matplotlib Axes, optional
        Where the colour bar of one output goes (default: room taken from ``ax``).

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> net = Network([Dense(2, 1, activation="sigmoid")], rng=0)
    >>> ax = plot_boundary(net, [[0, 0], [1, 1]], [0, 1], resolution=20)
    >>> ax.get_title()
    'What the network answers'
    """
    X = net.check_X(X)
    names = list(names) if names is not None else unit_names([net.n_inputs, 1])[0]
    if inputs is None:
        if net.n_inputs < 2:
            _check_view(net, (0, 1), output_names)
        inputs, reason = choose_inputs(net, X, y, names)
    i, j = _check_view(net, inputs, output_names)
    in_mean, in_scale = _affine(input_units, net.n_inputs, "input")
    out_mean, out_scale = _affine(output_units, net.n_outputs, "output")
    ax = new_axes(ax)
    xs, ys, rows, base = _grid_inputs(X, (i, j), fixed, resolution)
    shown_xs, shown_ys = xs * in_scale[i] + in_mean[i], ys * in_scale[j] + in_mean[j]
    out = net.predict(rows) * out_scale + out_mean  # (r², n_outputs)
    Y = None if y is None else net.check_y(y, X.shape[0]) * out_scale + out_mean
    points = X[:, [i, j]] * in_scale[[i, j]] + in_mean[[i, j]]  # (n, 2)
    _draw_answers(ax, net, (shown_xs, shown_ys), out, (points, Y), output_names, cax)
    ax.set_ylabel(names[j])
    ax.set_title("What the network answers")
    shown_base = [base[k] * in_scale[k] + in_mean[k] for k in range(net.n_inputs)]
    ax.set_xlabel(_horizontal_label(ax, names, (i, j), shown_base, fixed is None, reason))
    return ax


def _check_view(
    net: Network, inputs: tuple[int, int], output_names: Sequence[str] | None
) -> tuple[int, int]:
    """Return the two drawn inputs after checking them and the number of output names."""
    if net.n_inputs < 2:
        raise ConfigurationError(f"expected a network with 2 or more inputs, got {net.n_inputs}")
    i, j = inputs
    if i == j or not (0 <= i < net.n_inputs and 0 <= j < net.n_inputs):
        shown = (inputs[0] + 1, inputs[1] + 1)
        raise ConfigurationError(
            f"expected two different inputs between 1 and {net.n_inputs} (counted from 1), "
            f"got {shown[0]} and {shown[1]}"
        )
    if output_names is not None and len(output_names) != net.n_outputs:
        raise ConfigurationError(f"expected {net.n_outputs} output names, got {len(output_names)}")
    return i, j


def _draw_answers(
    ax: Any,
    net: Network,
    grid: tuple[Array, Array],
    out: Array,
    data: tuple[Array, Array | None],
    output_names: Sequence[str] | None,
    cax: Any = None,
) -> None:
    """Shade the answers ``out`` (r², n_outputs) over ``grid``: classes or one output's scale."""
    (xs, ys), (points, Y) = grid, data
    shape = (ys.size, xs.size)
    activation = net.layers[-1].activation.name
    if activation == "softmax" and net.n_outputs > 1:
        classes = (
            list(output_names) if output_names else [f"out{k + 1}" for k in range(net.n_outputs)]
        )
        _draw_classes(ax, xs, ys, out.argmax(axis=1).reshape(shape), points, Y, classes)
        return
    label = "network output"
    if output_names is not None:
        label = (
            f"{output_names[0]} (probability of 1)" if activation == "sigmoid" else output_names[0]
        )
    if net.n_outputs > 1:
        label += " (the first output)"
    _draw_shade(ax, (xs, ys), out[:, 0].reshape(shape), (points, Y), (activation, label), cax)


#: The held inputs named under a boundary plot; the rest are counted.
HELD_NAMED = 6


def _horizontal_label(
    ax: Any,
    names: list[str],
    inputs: tuple[int, int],
    shown_base: list[float],
    medians: bool,
    reason: str | None = None,
) -> str:
    """Name the horizontal input and, wrapped below it, why these two and where the others are."""
    i, j = inputs
    others = [f"{names[k]} = {value:.4g}" for k, value in enumerate(shown_base) if k not in (i, j)]
    xlabel = names[i]
    if not others:
        return xlabel
    if len(others) > HELD_NAMED + 1:
        others = [*others[:HELD_NAMED], f"and {len(others) - HELD_NAMED} more"]
    how = "at their medians" if medians else "at"
    note = f"other inputs fixed {how}: {', '.join(others)}"
    if reason:
        note = f"{reason}; {note}"
    return xlabel + "\n" + _wrap_note(ax, f"({note})")


_TARGET_STYLE = {"edgecolors": "black", "s": 90, "zorder": 3}  # points coloured by their target


def _draw_shade(
    ax: Any,
    grid: tuple[Array, Array],
    Z: Array,
    data: tuple[Array, Array | None],
    output: tuple[str, str],
    cax: Any = None,
) -> None:
    """One output: a colour scale shared by the shade and the points, 0.5 line for sigmoids.

    ``output`` is the output's activation and its name on the colour bar, drawn in ``cax``
    (default: room taken from ``ax``).
    """
    (xs, ys), (points, Y), (activation, label) = grid, data, output
    sigmoid = activation == "sigmoid"
    if sigmoid:
        levels = np.linspace(0, 1, 22)  # 0.5 mid-band: flat 0.5 is one colour
    else:
        low, high = float(Z.min()), float(Z.max())
        if Y is not None:
            low, high = min(low, float(Y[:, 0].min())), max(high, float(Y[:, 0].max()))
        levels = np.linspace(low, high if high > low else low + 1, 21)
    shade = ax.contourf(xs, ys, Z, levels=levels, cmap="coolwarm")
    from matplotlib.ticker import MaxNLocator

    ticks = np.linspace(0, 1, 5) if sigmoid else MaxNLocator(6)
    ax.figure.colorbar(shade, ax=None if cax is not None else ax, cax=cax, label=label, ticks=ticks)
    # A line only where the answer really changes side, not across a flat 0.5 ± rounding.
    if sigmoid and Z.min() < 0.5 < Z.max() and np.ptp(Z) > 0.01:
        ax.contour(xs, ys, Z, levels=[0.5], colors="black")
    if Y is None:
        _draw_plain_points(ax, points)
    elif sigmoid and Y.min() >= 0 and Y.max() <= 1:  # two classes: shape and colour tell them
        _draw_two_classes(ax, points, Y)
    else:
        ax.scatter(
            points[:, 0],
            points[:, 1],
            c=Y[:, 0],
            cmap="coolwarm",
            vmin=levels[0],
            vmax=levels[-1],
            **_TARGET_STYLE,
        )


def _draw_plain_points(ax: Any, points: Array) -> None:
    """Draw the points (n, 2) as white dots, for when there are no targets to colour them."""
    ax.scatter(points[:, 0], points[:, 1], c="white", edgecolors="black", s=60, zorder=3)


def _draw_two_classes(ax: Any, points: Array, Y: Array) -> None:
    """Draw targets 0 and 1 as circles and triangles in their colours, with a legend."""
    for high, marker in ((False, "o"), (True, "^")):
        mask = (Y[:, 0] >= 0.5) == high
        if mask.any():
            ax.scatter(
                points[mask, 0],
                points[mask, 1],
                c=Y[mask, 0],
                cmap="coolwarm",
                vmin=0,
                vmax=1,
                marker=marker,
                label=f"target {int(high)}",
                **_TARGET_STYLE,
            )
    ax.legend(loc="upper right", fontsize=9)


def _draw_classes(
    ax: Any,
    xs: Array,
    ys: Array,
    winners: Array,
    points: Array,
    Y: Array | None,
    classes: list[str],
) -> None:
    """Softmax outputs: each region in its most probable class's colour, a legend naming them."""
    from matplotlib import colormaps
    from matplotlib.patches import Patch

    palette = colormaps["tab10"]
    colours = [palette(k % 10) for k in range(len(classes))]
    ax.contourf(
        xs, ys, winners, levels=np.arange(len(classes) + 1) - 0.5, colors=colours, alpha=0.45
    )
    if Y is None:
        _draw_plain_points(ax, points)
    else:
        ax.scatter(
            points[:, 0],
            points[:, 1],
            c=[colours[k] for k in Y.argmax(axis=1)],
            edgecolors="black",
            s=70,
            zorder=3,
        )
    handles = [
        Patch(facecolor=colour, edgecolor="black", label=name)
        for colour, name in zip(colours, classes, strict=True)
    ]
    ax.legend(
        handles=handles,
        title="answer (shade) and\ntarget (points)",
        fontsize=9,
        title_fontsize=9,
        loc="upper left",
        bbox_to_anchor=(1.02, 1.0),
        borderaxespad=0,
    )
