"""The overview picture: the network, its loss curve and its answers, side by side.

``plot_overview`` is what ``glassnet solve --plot`` draws; each panel is one of the pictures of
``glassnet.plot``, drawn on its own Axes of one Figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from glassnet.plot.boundaries import Units, plot_boundary
from glassnet.plot.curves import plot_loss
from glassnet.plot.diagrams import plot_network
from glassnet.plot.figures import figure_class

if TYPE_CHECKING:
    from glassnet.nn.history import History
    from glassnet.nn.network import Network

__all__ = ["plot_overview"]


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
