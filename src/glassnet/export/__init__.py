"""Handing a network to other engines: ONNX graphs and PyTorch modules, and back from PyTorch.

``onnx`` writes a network (or a table model, encodings included) as an ONNX graph; ``torch``
builds the equivalent ``torch.nn.Sequential``, reads one back and writes ``torch.export``
programs. onnx and torch are optional and imported only when used. It imports ``glassnet.nn``,
``glassnet.tables`` and ``glassnet.io``; only the command line and the playground build on it.
"""

from __future__ import annotations

from glassnet.export.onnx import table_model_to_onnx, to_onnx
from glassnet.export.torch import from_torch, save_torch, to_torch

__all__ = ["from_torch", "save_torch", "table_model_to_onnx", "to_onnx", "to_torch"]
