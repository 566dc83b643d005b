"""Pictures of a network and its learning: loss curve, decision boundary, diagram, weights.

Each function draws on the Axes it is given (or on a new Figure) and returns the Axes; nothing is
ever shown on screen, so the functions work on servers and in tests. matplotlib is an optional
extra (``pip install 'glassnet[plot]'``), imported only when a picture is drawn; figures are
made without pyplot, so the Agg renderer is used and no GUI backend is touched.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet._types import Array
from glassnet.errors import ConfigurationError, OutputError
from glassnet.narrate import unit_names

if TYPE_CHECKING:
    from glassnet.network import Network
    from glassnet.training import History

__all__ = [
    "WeightRecorder",
    "new_axes",
    "plot_boundary",
    "plot_loss",
    "plot_network",
    "plot_overview",
    "plot_weights",
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


def save_figure(figure: Any, path: str | os.PathLike[str], dpi: int = 100) -> None:
    """Write ``figure`` (or the figure of an Axes) to ``path``; the format follows the suffix.

    Raises
    ------
    OutputError
        When the file cannot be written.
    """
    figure = getattr(figure, "figure", figure)
    try:
        figure.savefig(os.fspath(path), dpi=dpi)
    except (OSError, ValueError) as error:
        raise OutputError(f"cannot write {os.fspath(path)}: {error}") from None


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


def plot_boundary(
    net: Network,
    X: Any,
    y: Any = None,
    ax: Any = None,
    inputs: tuple[int, int] = (0, 1),
    fixed: Sequence[float] | None = None,
    resolution: int = 200,
    names: Sequence[str] | None = None,
) -> Any:
    """Shade what the network answers over the input plane, with the training points on top.

    For one output the shade is the output itself and a black line marks where it crosses 0.5
    (sigmoid outputs): the decision boundary. For several outputs each region takes the colour of
    the largest output. With more than two inputs, ``inputs`` picks the two drawn and the others
    are held at ``fixed`` (default: their medians), which the plot states.

    Parameters
    ----------
    net : Network
    X : array-like of shape (n_samples, n_inputs)
        The training inputs, drawn as points; they also set the plotted range.
    y : array-like, optional
        Targets, which colour the points.
    ax : matplotlib Axes, optional
    inputs : (int, int), default=(0, 1)
        0-based columns on the horizontal and vertical axes.
    fixed : sequence of float, optional
        A value for every input; the two drawn ones are ignored.
    resolution : int, default=200
        Grid points per side.
    names : sequence of str, optional
        Input names (default x1, x2, ...).

    Returns
    -------
    matplotlib Axes
    """
    X = net.check_X(X)
    if net.n_inputs < 2:
        raise ConfigurationError(f"expected a network with 2 or more inputs, got {net.n_inputs}")
    i, j = inputs
    if i == j or not (0 <= i < net.n_inputs and 0 <= j < net.n_inputs):
        raise ConfigurationError(
            f"expected two different inputs between 0 and {net.n_inputs - 1}, got {inputs!r}"
        )
    names = list(names) if names is not None else unit_names([net.n_inputs, 1])[0]
    ax = new_axes(ax)
    xs, ys, rows, base = _grid_inputs(X, (i, j), fixed, resolution)
    out = net.predict(rows)  # (r², n_outputs)
    shape = (ys.size, xs.size)
    sigmoid = net.layers[-1].activation.name == "sigmoid"
    if net.n_outputs == 1:
        levels = np.linspace(0, 1, 22) if sigmoid else 20  # 0.5 mid-band: flat 0.5 is one colour
        shade = ax.contourf(xs, ys, out[:, 0].reshape(shape), levels=levels, cmap="coolwarm")
        ticks = np.linspace(0, 1, 5) if sigmoid else None
        ax.figure.colorbar(shade, ax=ax, label="network output", ticks=ticks)
        # A line only where the answer really changes side, not across a flat 0.5 ± rounding.
        if sigmoid and out.min() < 0.5 < out.max() and np.ptp(out) > 0.01:
            ax.contour(xs, ys, out[:, 0].reshape(shape), levels=[0.5], colors="black")
    else:
        classes = out.argmax(axis=1).reshape(shape)
        ax.contourf(
            xs, ys, classes, levels=np.arange(net.n_outputs + 1) - 0.5, cmap="tab10", alpha=0.5
        )
    _draw_points(ax, net, X, y, (i, j))
    ax.set_xlabel(names[i])
    ax.set_ylabel(names[j])
    ax.set_title("What the network answers (decision boundary)")
    others = [f"{names[k]} = {base[k]:g}" for k in range(net.n_inputs) if k not in (i, j)]
    if others:
        ax.text(
            0.01,
            0.01,
            "other inputs fixed: " + ", ".join(others),
            transform=ax.transAxes,
            fontsize=9,
            bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none"},
        )
    return ax


def _draw_points(ax: Any, net: Network, X: Array, y: Any, inputs: tuple[int, int]) -> None:
    i, j = inputs
    if y is None:
        ax.scatter(X[:, i], X[:, j], c="white", edgecolors="black", s=60, zorder=3)
        return
    Y = net.check_y(y, X.shape[0])
    style = {"edgecolors": "black", "s": 90, "zorder": 3}
    if net.n_outputs > 1:
        ax.scatter(X[:, i], X[:, j], c=Y.argmax(axis=1), cmap="tab10", vmin=-0.5, vmax=9.5, **style)
    elif Y.min() >= 0 and Y.max() <= 1:  # two classes: shape and colour both tell them apart
        for high, marker in ((False, "o"), (True, "^")):
            mask = (Y[:, 0] >= 0.5) == high
            if mask.any():
                ax.scatter(
                    X[mask, i],
                    X[mask, j],
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
        ax.scatter(X[:, i], X[:, j], c=Y[:, 0], cmap="coolwarm", **style)


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
    output neurons, which keep their short names (x1, out) inside.

    Returns
    -------
    matplotlib Axes
    """
    sizes = [net.n_inputs] + [layer.n_out for layer in net.layers]
    units = unit_names(sizes)
    heights = _layout(sizes)
    ax = new_axes(ax, size=(6.4, 4.8))
    from matplotlib.patches import Circle

    largest = scale or max(float(np.abs(layer.weights).max()) for layer in net.layers) or 1.0
    n_weights = sum(layer.weights.size for layer in net.layers)
    labels = n_weights <= 24 if labels is None else labels
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
        for m, height in enumerate(column):
            ax.add_patch(
                Circle((GAP * k, height), 0.25, facecolor="white", edgecolor="black", zorder=2)
            )
            ax.text(GAP * k, height, units[k][m], ha="center", va="center", fontsize=10, zorder=3)
            if owner is not None and owner.bias is not None and labels:
                ax.text(
                    GAP * k,
                    height - 0.33,
                    f"bias {owner.bias[m]:.3g}",
                    ha="center",
                    va="top",
                    fontsize=8,
                    zorder=4,
                )
        title = "inputs" if owner is None else owner.activation.name
        ax.text(GAP * k, max(sizes) / 2 + 0.1, title, ha="center", va="bottom", fontsize=11)
    left = _side_names(ax, names, sizes[0], heights[0], 0.0, "right")
    right = _side_names(ax, output_names, sizes[-1], heights[-1], GAP * (len(sizes) - 1), "left")
    ax.set_xlim(-0.5 - left, GAP * (len(sizes) - 1) + 0.5 + right)
    ax.set_ylim(-max(sizes) / 2 - 0.3, max(sizes) / 2 + 0.5)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("The network (blue: positive weight, red: negative; wider: larger)", fontsize=10)
    return ax


def _side_names(
    ax: Any, names: Sequence[str] | None, size: int, heights: Array, x: float, side: str
) -> float:
    """Write ``names`` beside a column of neurons; return the room they take (in data units)."""
    if names is None:
        return 0.0
    if len(names) != size:
        raise ConfigurationError(f"expected {size} names, got {len(names)}")
    offset = -0.32 if side == "right" else 0.32
    for name, height in zip(names, heights, strict=True):
        ax.text(x + offset, height, name, ha=side, va="center", fontsize=9, zorder=4)
    # About 0.11 units a character at this font size on the default figure.
    return 0.1 + 0.11 * max(len(name) for name in names)


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
) -> Any:
    """Draw the network, its loss curve and (for 2 or more inputs) its answers side by side.

    ``names`` and ``output_names`` label the inputs and outputs, as in ``plot_network``.

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
        plot_boundary(net, X, y, ax=panels[2], names=names)
    return figure
