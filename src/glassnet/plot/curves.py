"""Learning curves: the loss and every weight against the iteration, as training went.

``plot_loss`` draws a ``History``'s training (and validation) loss; ``plot_weights`` draws what a
``WeightRecorder`` (``glassnet.explain.recorders``) kept. Each draws on the Axes it is given (or
on a new Figure) and returns it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet.errors import ConfigurationError
from glassnet.explain.wording import unit_names
from glassnet.plot.figures import POSITIVE, new_axes

if TYPE_CHECKING:
    from glassnet.explain.recorders import WeightRecorder
    from glassnet.nn.history import History
    from glassnet.nn.network import Network

__all__ = ["plot_loss", "plot_weights"]


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
