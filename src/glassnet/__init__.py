"""glassnet: neural networks you can see through, in plain Python and NumPy.

Start with the tutorial's single neuron and grow it: layers, activations, losses and optimizers are
small classes whose every number can be inspected. The core needs only NumPy and safetensors.
"""

from __future__ import annotations

from glassnet._version import __version__
from glassnet.data import parse_table, read_table, write_table
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
from glassnet.export import from_torch, to_onnx, to_torch
from glassnet.io import load, load_with_metadata, save
from glassnet.nn import SGD, Adam, Dense, Ensemble, History, Network, get_activation, get_loss
from glassnet.tables import TableModel

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
    "to_onnx",
    "to_torch",
    "write_table",
]
