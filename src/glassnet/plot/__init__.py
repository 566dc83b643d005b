"""Pictures of a network and its learning: diagram, decision boundary, loss, weights, animation.

Each function draws on the matplotlib Axes it is given (or a new Figure) and returns it; nothing
is shown on screen, so the pictures work on servers and in tests. matplotlib and Pillow are an
optional extra (``pip install 'glassnet[plot]'``), imported only when a picture is drawn. It
imports ``glassnet.nn``, ``glassnet.explain`` (what recorders kept, unit names) and
``glassnet.io`` (atomic writes); only the command line and the playground build on it.
"""

from __future__ import annotations

from glassnet.explain.recorders import WeightRecorder
from glassnet.plot.animation import animate, write_animation
from glassnet.plot.boundaries import plot_boundary
from glassnet.plot.curves import plot_loss, plot_weights
from glassnet.plot.diagrams import plot_network
from glassnet.plot.figures import new_axes, picture_format, render_figure, save_figure
from glassnet.plot.overview import plot_overview

__all__ = [
    "WeightRecorder",
    "animate",
    "new_axes",
    "picture_format",
    "plot_boundary",
    "plot_loss",
    "plot_network",
    "plot_overview",
    "plot_weights",
    "render_figure",
    "save_figure",
    "write_animation",
]
