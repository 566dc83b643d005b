"""What the training loop needs of a network, stated as a protocol.

``fit`` and ``TrainingStep`` work on any object with these members; ``Network`` is the one
glassnet builds. Stating them here keeps the loop below the network: ``Network.fit`` calls the
loop, and the loop needs nothing from the module that defines ``Network``.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from glassnet._types import Array
from glassnet.nn.history import History
from glassnet.nn.layers import Dense
from glassnet.nn.losses import Loss
from glassnet.nn.optimizers import Optimizer

__all__ = ["Trainable"]


class Trainable(Protocol):
    """A network as training sees it: layers, loss, optimizer, checks and one step of learning."""

    layers: list[Dense]
    loss: Loss
    optimizer: Optimizer
    dtype: np.dtype[Any]
    rng: Any
    history: History | None

    @property
    def fused(self) -> bool:
        """Whether the loss is computed from the output layer's weighted sums."""
        ...

    def parameters(self) -> list[tuple[str, Array, Array]]:
        """Return (name, param, grad) for every parameter."""
        ...

    def check_X(self, X: Any, name: str = "X") -> Array:
        """Return ``X`` as a checked 2-D array of the network's dtype."""
        ...

    def check_y(self, y: Any, n_samples: int, name: str = "y") -> Array:
        """Return the targets as a checked (n_samples, n_outputs) array."""
        ...

    def train_step(self, X: Array, Y: Array) -> float:
        """One forward, backward and update on checked arrays; return the loss."""
        ...

    def evaluate(self, X: Any, y: Any) -> float:
        """Return the loss on ``X``, ``y`` without learning."""
        ...
