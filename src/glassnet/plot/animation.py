"""An animated picture of learning: the network diagram and its answers changing as it trains.

``animate`` trains a network while keeping its weights at chosen iterations, then draws one frame
per kept state (the diagram beside the decision boundary) and writes them as a GIF with
matplotlib's Pillow writer; ``write_animation`` does the drawing for states kept by any run.
The GIF is made in a temporary folder and then written atomically, as every glassnet file is.
matplotlib and Pillow are optional extras (``pip install 'glassnet[plot]'``), imported only here.
"""

from __future__ import annotations

import functools
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from glassnet.errors import OutputError
from glassnet.explain.recorders import frame_epochs
from glassnet.io.atomic import write_atomically
from glassnet.plot.boundaries import Units, choose_inputs, plot_boundary
from glassnet.plot.diagrams import plot_network
from glassnet.plot.figures import INSTALL_HINT

if TYPE_CHECKING:
    from glassnet.nn.history import History
    from glassnet.nn.network import Network

__all__ = ["animate", "write_animation"]


def animate(
    net: Network,
    X: Any,
    y: Any,
    path: str | os.PathLike[str],
    epochs: int = 1000,
    frames: int = 40,
    fps: int = 8,
) -> History:
    """Train ``net`` on ``X``, ``y`` for ``epochs`` and write a GIF of it learning to ``path``.

    Parameters
    ----------
    net : Network
        Trained in place, as by ``fit``.
    X : array-like of shape (n_samples, n_inputs)
    y : array-like
    path : str or path-like
        The GIF to write.
    epochs : int, default=1000
    frames : int, default=40
        Pictures in the animation (fewer when epochs is small).
    fps : int, default=8
        Frames per second.

    Returns
    -------
    History
        What training recorded.

    Raises
    ------
    OutputError
        When the file cannot be written.
    """
    _matplotlib()
    X = net.check_X(X)
    Y = net.check_y(y, X.shape[0])
    wanted = frame_epochs(epochs, frames)
    kept: dict[int, list[Any]] = {0: net.get_weights()} if 0 in wanted else {}

    def keep(epoch: int, network: Network, history: History) -> None:
        if epoch in wanted:
            kept[epoch] = network.get_weights()

    history = net.fit(X, Y, epochs=epochs, callback=keep)
    write_animation(net, kept, X, Y, path, history.loss, fps=fps)
    return history


def write_animation(
    net: Network,
    kept: Mapping[int, list[Any]],
    X: Any,
    y: Any,
    path: str | os.PathLike[str],
    losses: Sequence[float] = (),
    fps: int = 8,
    names: Sequence[str] | None = None,
    input_units: Units | None = None,
    output_units: Units | None = None,
    output_names: Sequence[str] | None = None,
    inputs: tuple[int, int] | None = None,
) -> None:
    """Write a GIF with one frame per kept state of ``net``: its diagram beside its answers.

    Parameters
    ----------
    net : Network
        Its weights are set to each kept state in turn, and put back afterwards.
    kept : mapping of int to list of ndarray
        Iteration -> weights (as from ``get_weights``), e.g. kept by a ``fit`` callback.
    X : array-like of shape (n_samples, n_inputs)
    y : array-like
    path : str or path-like
    losses : sequence of float, optional
        The loss of each iteration (``History.loss``), shown in the frame titles.
    fps : int, default=8
    names : sequence of str, optional
        Input names, for the diagram and the boundary's axes.
    input_units, output_units, output_names : optional
        Show the boundary in a table's units and name the outputs, as ``plot_boundary`` does.
    inputs : (int, int), optional
        The two inputs of the boundary; by default the two that matter most to the trained
        network (``choose_inputs``), the same in every frame.

    Raises
    ------
    OutputError
        When the file cannot be written; a file already at ``path`` is then left as it was.
    """
    PillowWriter, Figure = _matplotlib()
    X = net.check_X(X)
    Y = net.check_y(y, X.shape[0])
    final = net.get_weights()
    view: dict[str, Any] = {
        "input_units": input_units,
        "output_units": output_units,
        "output_names": output_names,
    }
    if net.n_inputs >= 2:  # one pair for every frame: the one that matters to the trained network
        reason = None
        if inputs is None:
            inputs, reason = choose_inputs(net, X, Y, names, whose="the trained network")
        view.update(inputs=inputs, reason=reason)
    figure = Figure(figsize=(11, 4.8), dpi=100)
    frames = sorted(kept.items())
    scale = max(float(np.abs(w).max()) for weights in kept.values() for w in weights)
    draw = functools.partial(_draw, figure, net, (X, Y), names, view)
    # Laid out once, on the last frame (its weights the furthest from the start), so that no
    # legend, label or caption runs off any frame; every frame is then drawn in that layout.
    layout = _layout_of(figure, lambda: draw(frames[-1][1], (frames[-1][0], None, scale)))
    writer = PillowWriter(fps=fps)
    try:
        with tempfile.TemporaryDirectory(prefix="glassnet-") as folder:
            drawn = os.path.join(folder, "animation.gif")
            with writer.saving(figure, drawn, dpi=100):
                for epoch, weights in frames:
                    loss = losses[epoch - 1] if 0 < epoch <= len(losses) else None
                    draw(weights, (epoch, loss, scale), layout)
                    writer.grab_frame()
            with open(drawn, "rb") as gif:
                data = gif.read()
    except OSError as error:
        raise OutputError(f"cannot write {os.fspath(path)}: {error}") from None
    finally:
        net.set_weights(final)
    write_atomically(path, data)


def _matplotlib() -> tuple[Any, Any]:
    try:
        from matplotlib.animation import PillowWriter
        from matplotlib.figure import Figure
    except ImportError as error:
        raise ImportError(INSTALL_HINT) from error
    return PillowWriter, Figure


class _Layout(NamedTuple):
    """Where a frame's parts go: the Axes' boxes (figure fractions) and the caption's height."""

    boxes: list[Any]  # the network's, the boundary's and, if any, its colour bar's
    caption: float


def _layout_of(figure: Any, draw: Callable[[], Any]) -> _Layout:
    """Lay out the frame ``draw`` makes with matplotlib's constrained layout; keep its places.

    ``draw`` returns the frame's caption (its ``suptitle``), which the layout places too.
    """
    figure.set_layout_engine("constrained")
    caption = draw()
    figure.draw_without_rendering()
    boxes = [ax.get_position() for ax in figure.axes]
    figure.set_layout_engine("none")
    return _Layout(boxes, caption.get_position()[1])


def _draw(
    figure: Any,
    net: Network,
    data: tuple[Any, Any],
    names: Sequence[str] | None,
    units: dict[str, Any],
    weights: list[Any],
    frame: tuple[int, float | None, float],
    layout: _Layout | None = None,
) -> Any:
    """Draw one frame: ``net`` with ``weights`` beside its answers, in ``layout`` if given.

    Returns the caption, a ``suptitle``.
    """
    (X, Y), (epoch, loss, scale) = data, frame
    figure.clear()
    if layout is None:
        left, right = figure.subplots(1, 2)
        bar = None
    else:
        left, right = (figure.add_axes(box) for box in layout.boxes[:2])
        bar = figure.add_axes(layout.boxes[2]) if len(layout.boxes) > 2 else None
    net.set_weights(weights)
    plot_network(net, ax=left, scale=scale, names=names, output_names=units["output_names"])
    if net.n_inputs >= 2:
        plot_boundary(net, X, Y, ax=right, resolution=80, names=names, cax=bar, **units)
    else:
        right.axis("off")
    shown = "" if loss is None else f", loss {loss:.4g}"
    if layout is None:
        return figure.suptitle(f"iteration {epoch}{shown}")
    return figure.suptitle(f"iteration {epoch}{shown}", y=layout.caption)
