"""The engine: layers, activations, losses, optimizers, networks and the loop that trains them.

Everything a network computes lives here, in NumPy, and nothing else does: no files, no tables,
no pictures. It imports only ``glassnet.errors`` and ``glassnet._types``; every other layer of
glassnet builds on it, and it knows none of them (saving is ``glassnet.io``'s work, exporting
``glassnet.export``'s).
"""

from __future__ import annotations

from glassnet.nn.activations import get_activation
from glassnet.nn.ensembles import Ensemble
from glassnet.nn.history import History
from glassnet.nn.layers import Dense
from glassnet.nn.losses import get_loss
from glassnet.nn.network import Network
from glassnet.nn.optimizers import SGD, Adam, get_optimizer
from glassnet.nn.training import fit

__all__ = [
    "SGD",
    "Adam",
    "Dense",
    "Ensemble",
    "History",
    "Network",
    "fit",
    "get_activation",
    "get_loss",
    "get_optimizer",
]
