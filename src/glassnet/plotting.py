"""Pictures of a network and its learning: loss curve, decision boundary, diagram, weights.

Each function draws on the Axes it is given (or on a new Figure) and returns the Axes; nothing is
ever shown on screen, so the functions work on servers and in tests. matplotlib is an optional
extra (``pip install 'glassnet[plot]'``), imported only when a picture is drawn; figures are
made without pyplot, so the Agg renderer is used and no GUI backend is touched. The diagram lives
in ``glassnet.diagrams`` and the decision boundary in ``glassnet.boundaries``; every picture is
importable from here, which also renders and saves them.
"""

from __future__ import annotations

import io
import os
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet._atomic import write_atomically
from glassnet._types import Array
from glassnet.boundaries import Units as Units
from glassnet.boundaries import plot_boundary
from glassnet.diagrams import GAP as GAP
from glassnet.diagrams import plot_network
from glassnet.errors import ConfigurationError
from glassnet.figures import INSTALL_HINT as INSTALL_HINT
from glassnet.figures import NEGATIVE as NEGATIVE
from glassnet.figures import POSITIVE, figure_class, new_axes
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
    figure = figure_class()(figsize=(15, 4.5), dpi=100, layout="constrained")
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
