"""Type aliases and protocols shared across glassnet.

``Array`` is any floating NumPy array, ``Indices`` an array of row or column numbers and ``Mask``
one of booleans. The protocols describe what the network expects of a layer, a
loss and an optimizer; they are structural, so user classes need not inherit anything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeAlias

import numpy as np
from numpy.typing import NDArray

Array: TypeAlias = NDArray[np.floating[Any]]
Indices: TypeAlias = NDArray[np.integer[Any]]
Mask: TypeAlias = NDArray[np.bool_]
RngLike: TypeAlias = "int | np.random.Generator | np.random.RandomState | None"
#: One NumPy call with its arguments bound (``functools.partial``); training runs lists of them.
Call: TypeAlias = Callable[[], object]


class Layer(Protocol):
    """A differentiable map from a batch of rows to a batch of rows."""

    def forward(self, X: Array) -> Array:
        """Compute the layer's output for ``X`` and remember what backward needs."""
        ...

    def backward(self, dA: Array) -> Array:
        """Given ∂L/∂output, store parameter gradients and return ∂L/∂input."""
        ...

    def parameters(self) -> list[tuple[str, Array, Array]]:
        """Return (name, value, gradient) triples; gradients are filled by ``backward``."""
        ...


class Optimizer(Protocol):
    """Updates parameters in place from their gradients."""

    def step(self, pairs: list[tuple[Array, Array]]) -> None:
        """Apply one update to every (param, grad) pair, in place."""
        ...
