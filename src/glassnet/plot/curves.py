"""Learning curves: the loss and every weight against the iteration, as training went.

``plot_loss`` draws a ``History``'s training (and validation) loss; ``plot_weights`` draws what a
``WeightRecorder`` (``glassnet.explain.recorders``) kept. Each draws on the Axes it is given (or
on a new Figure) and returns it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet._types import Array
from glassnet.errors import ConfigurationError
from glassnet.explain.wording import unit_names
from glassnet.plot.figures import NEGATIVE, POSITIVE, new_axes

if TYPE_CHECKING:
    from glassnet.explain.recorders import WeightRecorder
    from glassnet.nn.history import History
    from glassnet.nn.network import Network

__all__ = ["plot_loss", "plot_weights"]


def plot_loss(
    history: History, ax: Any = None, log: bool | None = None, loss_name: str | None = None
) -> Any:
    """Draw the training loss (and validation loss, if any) against the iteration.

    When ``fit`` went back to an earlier epoch's weights (early stopping), a dashed line marks
    that epoch; when training diverged, a dotted red line marks the epoch whose loss became inf
    or NaN. The legend says what each line is.

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
    if not history.loss and history.diverged_epoch is None:
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
        log = bool(positive.size and positive.size == values.size)
        log = log and bool(positive.max() > 10 * positive.min())
    if log:
        ax.set_yscale("log")
    _mark_ends(ax, history)
    ax.set_xlabel("iteration (epoch)")
    ax.set_ylabel("loss" + (f" ({loss_name})" if loss_name else ""))
    ax.set_title("How wrong the network is, as it learns")
    ax.grid(True, alpha=0.3)
    ax.legend()
    return ax


KEPT, DIVERGED = "#2ca02c", NEGATIVE  # the colours of the kept epoch's and the divergence's lines


def _mark_ends(ax: Any, history: History) -> None:
    """Mark the epoch whose weights were kept and the epoch where training diverged, if any."""
    if history.kept_epoch is not None:
        epoch = history.kept_epoch
        watched = history.val_loss or history.loss
        which = "validation" if history.val_loss else "training"
        ax.axvline(
            epoch,
            color=KEPT,
            linestyle="--",
            linewidth=1.2,
            label=f"weights kept: epoch {epoch}, the lowest {which} loss",
        )
        ax.plot([epoch], [watched[epoch - 1]], "o", color=KEPT, zorder=3)
    if history.diverged_epoch is not None:
        epoch = history.diverged_epoch
        ax.axvline(
            epoch,
            color=DIVERGED,
            linestyle=":",
            linewidth=1.8,
            label=f"diverged: the loss of epoch {epoch} was inf or NaN",
        )


#: Past this many weights and biases, only those that moved most are drawn one by one.
MAX_LINES = 16
#: tab10 without its grey, for the weights drawn over the grey band.
LINE_COLOURS = ("C0", "C1", "C2", "C3", "C4", "C5", "C6", "C8", "C9")


def plot_weights(
    recorder: WeightRecorder,
    net: Network,
    ax: Any = None,
    most: int = 8,
    names: Sequence[str] | None = None,
    output_names: Sequence[str] | None = None,
) -> Any:
    """Draw the weights against the epoch: each one, or, past 16, those that moved most.

    Up to ``MAX_LINES`` weights and biases, every one is a line (biases dashed), named in a
    legend. With more, the ``most`` that moved furthest from their starting value are drawn and
    named, over a grey band where 90% of all the weights lie (5th to 95th percentile) and their
    median; the legend's title says how many are drawn of how many. ``names`` and
    ``output_names`` (a table's columns or classes, say) name the inputs and outputs in the
    legend instead of x1 and out1.

    Returns
    -------
    matplotlib Axes
    """
    ax = new_axes(ax)
    epochs = np.array(recorder.epochs)
    labels, styles, series = _weight_series(recorder, net, names, output_names)  # (n_weights, t)
    colours: list[Any] = [None] * len(labels)  # matplotlib's own cycle
    if len(labels) <= MAX_LINES:
        chosen, title = list(range(len(labels))), None
    else:
        moved = np.abs(series - series[:, :1]).max(axis=1)
        chosen = sorted(np.argsort(-moved, kind="stable")[:most].tolist())
        title = f"the {len(chosen)} of {len(labels)} that moved most"
        _draw_band(ax, epochs, series)
        for n, k in enumerate(chosen):  # grey is the band's: never a chosen weight's colour
            colours[k] = LINE_COLOURS[n % len(LINE_COLOURS)]
    for k in chosen:
        ax.plot(epochs, series[k], styles[k], color=colours[k], linewidth=1.5, label=labels[k])
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_xlabel("iteration (epoch)")
    ax.set_ylabel("weight")
    ax.set_title(
        "Each weight as the network learns"
        if title is None
        else "The weights as the network learns"
    )
    ax.grid(True, alpha=0.3)
    if title is None and len(chosen) <= 6:
        ax.legend(fontsize=8)
    else:  # beside the plot, where it hides no line
        ax.legend(
            fontsize=8, title=title, title_fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5)
        )
    return ax


def _weight_series(
    recorder: WeightRecorder,
    net: Network,
    inputs: Sequence[str] | None,
    outputs: Sequence[str] | None,
) -> tuple[list[str], list[str], Array]:
    """Every weight's and bias's name, line style and values over the recorded epochs."""
    sizes = [net.n_inputs] + [layer.n_out for layer in net.layers]
    names = unit_names(sizes)
    for k, given in ((0, inputs), (-1, outputs)):
        if given is not None:
            if len(given) != sizes[k]:
                raise ConfigurationError(f"expected {sizes[k]} names, got {len(given)}")
            names[k] = list(given)
    labels, styles, series = [], [], []
    for p, name in enumerate(recorder.names):
        k = int(name.split(".")[0]) // 2
        values = np.array([snapshot[p] for snapshot in recorder.weights])  # (t, ...)
        flat = values.reshape(len(recorder.epochs), -1)
        for c in range(flat.shape[1]):
            if name.endswith("weight"):
                a, b = divmod(c, net.layers[k].n_out)
                labels.append(f"{names[k][a]}->{names[k + 1][b]}")
                styles.append("-")
            else:
                labels.append(f"bias of {names[k + 1][c]}")
                styles.append("--")
            series.append(flat[:, c])
    return labels, styles, np.array(series)


def _draw_band(ax: Any, epochs: Array, series: Array) -> None:
    """Shade where 90% of the weights lie at each epoch, and draw their median."""
    low, median, high = np.percentile(series, [5, 50, 95], axis=0)
    ax.fill_between(
        epochs, low, high, color="0.6", alpha=0.3, linewidth=0, label="90% of all weights"
    )
    ax.plot(epochs, median, color="0.4", linewidth=1, label="their median")
