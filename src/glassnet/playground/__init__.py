"""A live playground in the browser: train a network on 2-D data or a table, and see through it.

``serve`` starts a local web server (Python's own, no dependency) for one page that draws what
the engine computes: the network with its weights, every neuron's heat map, the loss curves, the
``?`` rows' answers, and any number's formula filled in. Training runs here, in glassnet; the page
only draws and sends the controls. ``Playground`` holds the state, ``runs`` trains, ``frames``
says what the page shows, ``seeing`` and ``replays`` explain, ``programs`` writes the code that
rebuilds a run, ``server`` and ``guards`` answer the page. It imports ``glassnet.export``,
``glassnet.explain``, ``glassnet.tables`` and below; only the command line builds on it.
"""

from __future__ import annotations

from glassnet.playground.launching import DEFAULT_PORT, serve, start
from glassnet.playground.server import MAX_UPLOAD, PlaygroundServer, make_server
from glassnet.playground.sessions import Playground
from glassnet.playground.sources import Source

__all__ = [
    "DEFAULT_PORT",
    "MAX_UPLOAD",
    "Playground",
    "PlaygroundServer",
    "Source",
    "make_server",
    "serve",
    "start",
]
