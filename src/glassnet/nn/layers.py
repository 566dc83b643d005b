"""Layers: the building blocks a network stacks.

``Dense`` is a fully connected layer followed by its activation: ``Z = X @ W + b``, ``A = f(Z)``.
Samples are rows. Letters used in shape comments: n = n_samples, i = n_in, o = n_out.
Gradient names follow one rule: ``dX`` always means ∂L/∂X, so ``backward(dA)`` receives ∂L/∂A and
returns ∂L/∂X, after storing ``dW`` = ∂L/∂W and ``db`` = ∂L/∂b for the optimizer.
A layer knows nothing of optimizers or losses.
"""

from __future__ import annotations

import numpy as np

from glassnet._types import Array
from glassnet.errors import ConfigurationError
from glassnet.nn.activations import Activation, get_activation
from glassnet.nn.initializers import Generator, default_init, get_initializer

__all__ = ["Dense"]


class Dense:
    """Fully connected layer with an activation: ``A = f(X @ W + b)``.

    Parameters
    ----------
    n_in : int
        Number of inputs (features, or units of the previous layer).
    n_out : int
        Number of units.
    activation : str or Activation, default="identity"
        ``identity``, ``sigmoid``, ``tanh``, ``relu``, ``leaky_relu`` or ``softmax``.
    bias : bool, default=True
        Whether the layer adds a bias ``b``. The classic tutorials have none.

    Attributes
    ----------
    weights : ndarray of shape (n_in, n_out)
        ``W``; writable in place. Drawn by the network's ``init`` when the network is built.
    bias : ndarray of shape (n_out,) or None
        ``b``; starts at zero.
    dW, db : ndarray
        Gradients from the last ``backward``, same shapes as ``weights`` and ``bias``.

    Examples
    --------
    >>> layer = Dense(3, 1, activation="sigmoid", bias=False)
    >>> layer.weights[:] = 1.0
    >>> layer.forward(np.array([[0.0, 0.0, 0.0]]))
    array([[0.5]])
    """

    def __init__(
        self, n_in: int, n_out: int, activation: str | Activation = "identity", bias: bool = True
    ) -> None:
        for name, value in (("n_in", n_in), ("n_out", n_out)):
            if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
                raise ConfigurationError(f"Dense {name} must be a positive int, got {value!r}")
        self.n_in = int(n_in)
        self.n_out = int(n_out)
        self.activation = get_activation(activation)
        self.weights: Array = np.zeros((self.n_in, self.n_out))
        self.bias: Array | None = np.zeros(self.n_out) if bias else None
        self.dW: Array = np.zeros_like(self.weights)
        self.db: Array | None = None if self.bias is None else np.zeros_like(self.bias)
        self._X: Array | None = None
        self.Z: Array | None = None
        self.A: Array | None = None

    def initialize(self, rng: Generator, init: str = "auto", dtype: str = "float64") -> None:
        """Draw ``weights`` from ``rng`` by ``init`` ("auto" picks by activation); zero the bias."""
        name = default_init(self.activation.name) if init == "auto" else init
        drawn = get_initializer(name)(rng, self.n_in, self.n_out)  # (i, o)
        self.weights = np.ascontiguousarray(drawn, dtype=dtype)
        self.dW = np.zeros_like(self.weights)
        if self.bias is not None:
            self.bias = np.zeros(self.n_out, dtype=dtype)
            self.db = np.zeros_like(self.bias)

    def astype(self, dtype: str | np.dtype[np.floating]) -> None:
        """Convert parameters and gradients to ``dtype`` in place of the old arrays."""
        self.weights = self.weights.astype(dtype)
        self.dW = np.zeros_like(self.weights)
        if self.bias is not None:
            self.bias = self.bias.astype(dtype)
            self.db = np.zeros_like(self.bias)

    def pre_activation(self, X: Array) -> Array:
        """Return the weighted sums ``Z = X @ W + b`` without remembering anything."""
        Z = X @ self.weights  # (n, o)
        if self.bias is not None:
            Z += self.bias
        return Z

    def forward(self, X: Array) -> Array:
        """Return ``A = f(X @ W + b)`` for ``X`` of shape (n, i), keeping ``X``, ``Z``, ``A``."""
        self._X = X
        self.Z = self.pre_activation(X)  # (n, o)
        self.A = self.activation.forward(self.Z)  # (n, o)
        return self.A

    def backward(self, dA: Array, need_dX: bool = True) -> Array | None:
        """From ∂L/∂A (n, o): store ``dW``, ``db`` and return ∂L/∂X (n, i).

        ``dZ = f'(Z)·dA``; ``dW = Xᵀ dZ``; ``db = Σ_rows dZ``; ``dX = dZ Wᵀ``.
        """
        assert self.Z is not None, "forward must run before backward"
        assert self.A is not None
        return self.backward_from_dZ(self.activation.backward(self.Z, self.A, dA), need_dX)

    def backward_from_dZ(self, dZ: Array, need_dX: bool = True) -> Array | None:
        """Like ``backward`` but from ∂L/∂Z, for losses fused with this layer's activation."""
        assert self._X is not None, "forward must run before backward"
        np.matmul(self._X.T, dZ, out=self.dW)  # (i, o)
        if self.db is not None:
            np.sum(dZ, axis=0, out=self.db)  # (o,)
        return dZ @ self.weights.T if need_dX else None  # (n, i)

    def parameters(self) -> list[tuple[str, Array, Array]]:
        """Return ``[("weight", W, dW), ("bias", b, db)]`` (no bias entry when there is none)."""
        pairs = [("weight", self.weights, self.dW)]
        if self.bias is not None and self.db is not None:
            pairs.append(("bias", self.bias, self.db))
        return pairs

    def __repr__(self) -> str:
        bias = "" if self.bias is not None else ", bias=False"
        return f"Dense({self.n_in}, {self.n_out}, activation={self.activation.name!r}{bias})"
