"""glassnet: neural networks you can see through, in plain Python and NumPy.

Start with the tutorial's single neuron and grow it: layers, activations, losses and optimizers are
small classes whose every number can be inspected. The core needs only NumPy and safetensors.
"""

from __future__ import annotations

from glassnet._version import __version__
from glassnet.activations import get_activation
from glassnet.data import parse_table, read_table, write_table
from glassnet.ensemble import Ensemble
from glassnet.errors import (
    ConfigurationError,
    ConvergenceWarning,
    GlassnetError,
    InputNotFoundError,
    ModelFileError,
    NotFittedError,
    OutputError,
    ShapeError,
    TableFormatError,
    TrainingDivergedError,
)
from glassnet.io import load, load_with_metadata, save
from glassnet.layers import Dense
from glassnet.losses import get_loss
from glassnet.network import Network
from glassnet.optimizers import SGD, Adam
from glassnet.pytorch import from_torch
from glassnet.tables import TableModel
from glassnet.training import History

__all__ = [
    "SGD",
    "Adam",
    "ConfigurationError",
    "ConvergenceWarning",
    "Dense",
    "Ensemble",
    "GlassnetError",
    "History",
    "InputNotFoundError",
    "ModelFileError",
    "Network",
    "NotFittedError",
    "OutputError",
    "ShapeError",
    "TableFormatError",
    "TableModel",
    "TrainingDivergedError",
    "__version__",
    "from_torch",
    "get_activation",
    "get_loss",
    "load",
    "load_with_metadata",
    "parse_table",
    "read_table",
    "save",
    "write_table",
]
