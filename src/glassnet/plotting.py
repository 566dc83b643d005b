"""Pictures of a network and its learning: loss curve, decision boundary, diagram, weights.

Each function draws on the Axes it is given (or on a new Figure) and returns the Axes; nothing is
ever shown on screen, so the functions work on servers and in tests. matplotlib is an optional
extra (``pip install 'glassnet[plot]'``), imported only when a picture is drawn; figures are
made without pyplot, so the Agg renderer is used and no GUI backend is touched.
"""

from __future__ import annotations

import io
import os
import textwrap
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet._atomic import write_atomically
from glassnet._types import Array
from glassnet.errors import ConfigurationError
from glassnet.narrate import unit_names

if TYPE_CHECKING:
    from glassnet.network import Network
    from glassnet.training import History

__all__ = [
    "WeightRecorder",
    "new_axes",
    "picture_format",
    "plot_boundary",
    "plot_loss",
    "plot_network",
    "plot_overview",
    "plot_weights",
    "render_figure",
    "save_figure",
]

INSTALL_HINT = "pictures need matplotlib: pip install 'glassnet[plot]'"
POSITIVE, NEGATIVE = "#1f77b4", "#d62728"  # blue for positive weights, red for negative


def _figure_class() -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError as error:
        raise ImportError(INSTALL_HINT) from error
    return Figure


def new_axes(ax: Any = None, size: tuple[float, float] = (6.4, 4.8)) -> Any:
    """Return ``ax``, or the Axes of a new Figure of ``size`` inches at 100 dpi."""
    if ax is not None:
        return ax
    figure = _figure_class()(figsize=size, dpi=100, layout="constrained")
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
    _figure_class()
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


def plot_loss(
    history: History, ax: Any = None, log: bool | None = None, loss_name: str | None = None
) -> Any:
    """Draw the training loss (and validation loss, if any) against the iteration.

    Parameters
    ----------
    history : History
        From ``Network.fit``.
    ax : matplotlib Axes, optional
    log : bool, optional
        Logarithmic loss axis; by default when the loss spans more than a factor of 10.
    loss_name : str, optional
        Shown on the vertical axis.

    Returns
    -------
    matplotlib Axes
    """
    if not history.loss:
        raise ConfigurationError("expected a history with at least one epoch, got none")
    ax = new_axes(ax)
    epochs = np.arange(1, len(history.loss) + 1)
    ax.plot(epochs, history.loss, color=POSITIVE, linewidth=2, label="training")
    if history.val_loss:
        val_epochs = np.arange(1, len(history.val_loss) + 1)
        ax.plot(val_epochs, history.val_loss, color="#ff7f0e", linewidth=2, label="validation")
    values = np.array(history.loss + history.val_loss)
    if log is None:
        positive = values[values > 0]
        log = bool(positive.size == values.size and positive.max() > 10 * positive.min())
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("iteration (epoch)")
    ax.set_ylabel("loss" + (f" ({loss_name})" if loss_name else ""))
    ax.set_title("How wrong the network is, as it learns")
    ax.grid(True, alpha=0.3)
    ax.legend()
    return ax


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


Units = Sequence[tuple[float, float]]  # (mean, scale) per column: shown = value * scale + mean


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


def plot_boundary(
    net: Network,
    X: Any,
    y: Any = None,
    ax: Any = None,
    inputs: tuple[int, int] = (0, 1),
    fixed: Sequence[float] | None = None,
    resolution: int = 200,
    names: Sequence[str] | None = None,
    input_units: Units | None = None,
    output_units: Units | None = None,
    output_names: Sequence[str] | None = None,
) -> Any:
    """Shade what the network answers over the input plane, with the training points on top.

    For one output the shade is the output itself and, for a sigmoid output, a black line marks
    where it crosses 0.5: the decision boundary. For softmax outputs each region takes the colour
    of the most probable class, named in a legend. With more than two inputs, ``inputs`` picks the
    two drawn and the others are held at ``fixed`` (default: their medians), which the plot states
    under the horizontal axis.

    Parameters
    ----------
    net : Network
    X : array-like of shape (n_samples, n_inputs)
        The training inputs (as the network sees them), drawn as points; they also set the range.
    y : array-like, optional
        Targets (as the network learns them), which colour the points.
    ax : matplotlib Axes, optional
    inputs : (int, int), default=(0, 1)
        0-based columns on the horizontal and vertical axes.
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

    Returns
    -------
    matplotlib Axes
    """
    X = net.check_X(X)
    if net.n_inputs < 2:
        raise ConfigurationError(f"expected a network with 2 or more inputs, got {net.n_inputs}")
    i, j = inputs
    if i == j or not (0 <= i < net.n_inputs and 0 <= j < net.n_inputs):
        shown = (inputs[0] + 1, inputs[1] + 1)
        raise ConfigurationError(
            f"expected two different inputs between 1 and {net.n_inputs} (counted from 1), "
            f"got {shown[0]} and {shown[1]}"
        )
    names = list(names) if names is not None else unit_names([net.n_inputs, 1])[0]
    if output_names is not None and len(output_names) != net.n_outputs:
        raise ConfigurationError(f"expected {net.n_outputs} output names, got {len(output_names)}")
    in_mean, in_scale = _affine(input_units, net.n_inputs, "input")
    out_mean, out_scale = _affine(output_units, net.n_outputs, "output")
    ax = new_axes(ax)
    xs, ys, rows, base = _grid_inputs(X, (i, j), fixed, resolution)
    shown_xs, shown_ys = xs * in_scale[i] + in_mean[i], ys * in_scale[j] + in_mean[j]
    out = net.predict(rows) * out_scale + out_mean  # (r², n_outputs)
    Y = None if y is None else net.check_y(y, X.shape[0]) * out_scale + out_mean
    points = X[:, [i, j]] * in_scale[[i, j]] + in_mean[[i, j]]  # (n, 2)
    shape = (ys.size, xs.size)
    activation = net.layers[-1].activation.name
    if activation == "softmax" and net.n_outputs > 1:
        classes = (
            list(output_names) if output_names else [f"out{k + 1}" for k in range(net.n_outputs)]
        )
        _draw_classes(ax, shown_xs, shown_ys, out.argmax(axis=1).reshape(shape), points, Y, classes)
    else:
        label = "network output"
        if output_names is not None:
            label = (
                f"{output_names[0]} (probability of 1)"
                if activation == "sigmoid"
                else output_names[0]
            )
        if net.n_outputs > 1:
            label += " (the first output)"
        _draw_shade(ax, shown_xs, shown_ys, out[:, 0].reshape(shape), points, Y, activation, label)
    ax.set_ylabel(names[j])
    ax.set_title("What the network answers")
    others = [
        f"{names[k]} = {base[k] * in_scale[k] + in_mean[k]:.4g}"
        for k in range(net.n_inputs)
        if k not in (i, j)
    ]
    xlabel = names[i]
    if others:
        how = "at their medians" if fixed is None else "at"
        note = f"(other inputs fixed {how}: {', '.join(others)})"
        xlabel += "\n" + _wrap_note(ax, note)
    ax.set_xlabel(xlabel)
    return ax


def _draw_shade(
    ax: Any,
    xs: Array,
    ys: Array,
    Z: Array,
    points: Array,
    Y: Array | None,
    activation: str,
    label: str,
) -> None:
    """One output: a colour scale shared by the shade and the points, 0.5 line for sigmoids."""
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
    ax.figure.colorbar(shade, ax=ax, label=label, ticks=ticks)
    # A line only where the answer really changes side, not across a flat 0.5 ± rounding.
    if sigmoid and Z.min() < 0.5 < Z.max() and np.ptp(Z) > 0.01:
        ax.contour(xs, ys, Z, levels=[0.5], colors="black")
    style = {"edgecolors": "black", "s": 90, "zorder": 3}
    if Y is None:
        ax.scatter(points[:, 0], points[:, 1], c="white", edgecolors="black", s=60, zorder=3)
    elif sigmoid and Y.min() >= 0 and Y.max() <= 1:  # two classes: shape and colour tell them
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
                    **style,
                )
        ax.legend(loc="upper right", fontsize=9)
    else:
        ax.scatter(
            points[:, 0],
            points[:, 1],
            c=Y[:, 0],
            cmap="coolwarm",
            vmin=levels[0],
            vmax=levels[-1],
            **style,
        )


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
        ax.scatter(points[:, 0], points[:, 1], c="white", edgecolors="black", s=60, zorder=3)
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


GAP = 2.5  # horizontal distance between columns of neurons; they are 1 apart vertically


def _layout(sizes: list[int]) -> list[Array]:
    """Return each column's neuron heights, centred on 0 and one unit apart."""
    return [np.arange(size)[::-1] - (size - 1) / 2 for size in sizes]


def plot_network(
    net: Network,
    ax: Any = None,
    labels: bool | None = None,
    scale: float | None = None,
    names: Sequence[str] | None = None,
    output_names: Sequence[str] | None = None,
) -> Any:
    """Draw the network: neurons in columns, weights as lines coloured by sign, wide if large.

    Blue lines are positive weights, red ones negative; the width grows with the size of the
    weight. Values are written on the lines for small networks (``labels=None``: at most 24
    weights), and each neuron's bias, if any, below it. ``scale`` is the weight size drawn
    widest (default: the largest weight), so that frames of an animation compare. ``names``
    and ``output_names`` (a table's columns or classes, say) are written beside the input and
    output neurons. Neurons keep their short names (x1, h1, out) inside while there is room;
    in a crowded column the names are left out rather than drawn over each other.

    Returns
    -------
    matplotlib Axes
    """
    sizes = [net.n_inputs] + [layer.n_out for layer in net.layers]
    units = unit_names(sizes)
    heights = _layout(sizes)
    ax = new_axes(ax, size=(6.4, 4.8))
    largest = scale or max(float(np.abs(layer.weights).max()) for layer in net.layers) or 1.0
    n_weights = sum(layer.weights.size for layer in net.layers)
    labels = n_weights <= 24 if labels is None else labels
    # Sizes in points, from the room the Axes has before layout: a neuron is at most 28 points
    # wide and takes at most 70% of the distance to its neighbours.
    box = ax.get_position()
    width_pt = box.width * ax.figure.get_figwidth() * 72
    height_pt = box.height * ax.figure.get_figheight() * 72 * 0.85  # room for the titles
    spacing = height_pt / (max(sizes) + 0.6)  # points between neighbours in a column
    diameter = min(28.0, 0.7 * spacing, 0.3 * width_pt / len(sizes))
    unit_font = min(10.0, 0.42 * diameter)
    inside = unit_font >= 6.5  # smaller names cannot be read; leave them out
    side_font = max(5.0, min(9.0, 0.75 * spacing))
    if not inside:  # the input and output neurons are named beside them instead
        names = units[0] if names is None else names
        output_names = units[-1] if output_names is None else output_names
    for k, layer in enumerate(net.layers):
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
                    # Lines fan out from the narrower column: label them near the wider one.
                    t = 0.3 if layer.n_in >= layer.n_out else 0.7
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
    for k, column in enumerate(heights):
        owner = net.layers[k - 1] if k > 0 else None
        ax.scatter(
            np.full(column.size, GAP * k),
            column,
            s=diameter**2,
            facecolors="white",
            edgecolors="black",
            zorder=2,
        )
        for m, height in enumerate(column):
            if inside:
                ax.text(
                    GAP * k,
                    height,
                    units[k][m],
                    ha="center",
                    va="center",
                    fontsize=unit_font,
                    zorder=3,
                )
            if owner is not None and owner.bias is not None and labels:
                ax.annotate(
                    f"bias {owner.bias[m]:.3g}",
                    (GAP * k, height),
                    xytext=(0, -diameter / 2 - 1),
                    textcoords="offset points",
                    ha="center",
                    va="top",
                    fontsize=8,
                    zorder=4,
                )
        title = "inputs" if owner is None else owner.activation.name
        ax.annotate(
            title,
            (GAP * k, (max(sizes) - 1) / 2),
            xytext=(0, diameter / 2 + 3),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=10,
        )
    gap = diameter / 2 + 3  # points between a neuron's edge and its name
    left = _side_names(ax, names, sizes[0], heights[0], 0.0, "right", side_font, gap)
    right = _side_names(
        ax, output_names, sizes[-1], heights[-1], GAP * (len(sizes) - 1), "left", side_font, gap
    )
    # Room for the names, in data units: ``base`` units span what is left of the width.
    base = GAP * (len(sizes) - 1) + 2 * 0.5
    per_point = base / max(width_pt - left - right, 0.3 * width_pt)
    ax.set_xlim(-0.5 - left * per_point, GAP * (len(sizes) - 1) + 0.5 + right * per_point)
    # One unit is ``spacing`` points high: room for a neuron's half, the column titles above
    # and the bias values below.
    top = (max(sizes) - 1) / 2 + (diameter / 2 + 18) / spacing
    below = (diameter / 2 + (12 if labels else 2)) / spacing
    ax.set_ylim(-(max(sizes) - 1) / 2 - below, top)
    ax.axis("off")
    ax.set_title("The network\nblue: positive weight, red: negative; wider: larger", fontsize=10)
    return ax


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


class WeightRecorder:
    """A ``fit`` callback that keeps a copy of every weight every ``every`` epochs.

    The weights at construction are kept as epoch 0.

    Examples
    --------
    >>> net = Network([Dense(2, 1, activation="sigmoid")], rng=0)
    >>> recorder = WeightRecorder(net, every=5)
    >>> _ = net.fit([[0, 1], [1, 0]], [0, 1], epochs=10, callback=recorder)
    >>> recorder.epochs
    [0, 5, 10]
    """

    def __init__(self, net: Network, every: int = 1) -> None:
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise ConfigurationError(f"every must be an int >= 1, got {every!r}")
        self.every = every
        self.names = [name for name, _, _ in net.parameters()]
        self.epochs: list[int] = [0]
        self.weights: list[list[Array]] = [net.get_weights()]
        self.seen = 0  # epochs seen, counted across several fits

    def __call__(self, epoch: int, net: Network, history: History) -> None:
        """Count one epoch; record the weights when the count is a multiple of ``every``."""
        self.seen += 1
        if self.seen % self.every == 0:
            self.epochs.append(self.seen)
            self.weights.append(net.get_weights())


def plot_weights(recorder: WeightRecorder, net: Network, ax: Any = None) -> Any:
    """Draw every weight against the epoch: one line per weight, biases dashed.

    Returns
    -------
    matplotlib Axes
    """
    ax = new_axes(ax)
    sizes = [net.n_inputs] + [layer.n_out for layer in net.layers]
    names = unit_names(sizes)
    epochs = np.array(recorder.epochs)
    count = 0
    for p, name in enumerate(recorder.names):
        k = int(name.split(".")[0]) // 2
        series = np.array([snapshot[p] for snapshot in recorder.weights])  # (t, ...)
        flat = series.reshape(len(epochs), -1)
        for c in range(flat.shape[1]):
            if name.endswith("weight"):
                a, b = divmod(c, net.layers[k].n_out)
                label, style = f"{names[k][a]}->{names[k + 1][b]}", "-"
            else:
                label, style = f"bias of {names[k + 1][c]}", "--"
            ax.plot(epochs, flat[:, c], style, linewidth=1.5, label=label)
            count += 1
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_xlabel("iteration (epoch)")
    ax.set_ylabel("weight")
    ax.set_title("Each weight as the network learns")
    ax.grid(True, alpha=0.3)
    if count <= 6:
        ax.legend(fontsize=8)
    elif count <= 20:  # beside the plot, where it hides no line
        ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
    return ax


def plot_overview(
    net: Network,
    history: History,
    X: Any,
    y: Any = None,
    names: Sequence[str] | None = None,
    output_names: Sequence[str] | None = None,
    input_units: Units | None = None,
    output_units: Units | None = None,
) -> Any:
    """Draw the network, its loss curve and (for 2 or more inputs) its answers side by side.

    ``names`` and ``output_names`` label the inputs and outputs, as in ``plot_network``;
    ``input_units`` and ``output_units`` show the answers in a table's units, as in
    ``plot_boundary``.

    Returns
    -------
    matplotlib Figure
        1500 × 450 pixels at 100 dpi.
    """
    figure = _figure_class()(figsize=(15, 4.5), dpi=100, layout="constrained")
    panels = figure.subplots(1, 3 if net.n_inputs >= 2 else 2)
    plot_network(net, ax=panels[0], names=names, output_names=output_names)
    plot_loss(history, ax=panels[1], loss_name=net.loss.name)
    if net.n_inputs >= 2:
        plot_boundary(
            net,
            X,
            y,
            ax=panels[2],
            names=names,
            input_units=input_units,
            output_units=output_units,
            output_names=output_names,
        )
    return figure
