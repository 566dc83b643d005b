"""A network: layers in sequence, a loss, an optimizer, and the code that checks inputs.

``Network`` stacks layers (``Sequential`` in PyTorch terms), draws their starting weights in layer
order from one ``rng``, and runs the three steps of learning: forward (predict), backward
(gradients, layer by layer from the loss back to the inputs) and the optimizer's update. ``fit``
repeats them; its loop lives in ``training.py``. Shapes: X (n_samples, n_inputs), Y and predictions
(n_samples, n_outputs).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from glassnet._types import Array
from glassnet.errors import ConfigurationError, ShapeError
from glassnet.nn.checks import check_finite
from glassnet.nn.history import History
from glassnet.nn.initializers import as_rng
from glassnet.nn.layers import Dense
from glassnet.nn.losses import Loss, get_loss
from glassnet.nn.optimizers import Optimizer, get_optimizer
from glassnet.nn.training import fit

__all__ = ["Network"]

_DTYPES = ("float32", "float64")


def _default_loss(output_activation: str) -> str:
    return {"sigmoid": "binary_crossentropy", "softmax": "categorical_crossentropy"}.get(
        output_activation, "mse"
    )


class Network:
    """A feed-forward neural network.

    Parameters
    ----------
    layers : sequence of Dense
        In order from inputs to outputs; each layer's ``n_in`` must equal the previous ``n_out``.
    loss : str or Loss, optional
        ``sse``, ``mse``, ``binary_crossentropy`` or ``categorical_crossentropy``. By default
        binary cross-entropy after a sigmoid output, categorical after softmax, else mse.
    optimizer : Optimizer or str, optional
        ``SGD(...)``, ``Adam(...)`` or a name; default ``Adam()``.
    init : {"auto", "uniform", "glorot", "he"}, default="auto"
        How starting weights are drawn, layer by layer in order. "uniform" is the classic tutorials'
        ``2 * rng.random((n_in, n_out)) - 1``; "auto" is "he" for ReLU-family layers, else "glorot".
        Biases start at zero and draw nothing.
    rng : int, numpy.random.Generator or numpy.random.RandomState, default=0
        Source of all randomness (weights, shuffling, validation split). An int seeds
        ``np.random.default_rng``; ``np.random.RandomState(1)`` is the tutorials' legacy stream.
    dtype : {"float64", "float32"}, default="float64"
        Precision of weights and computation.

    Attributes
    ----------
    layers : list of Dense
    loss : Loss
    optimizer : Optimizer
    rng : numpy.random.Generator or numpy.random.RandomState
    history : History or None
        What the last ``fit`` recorded.

    Examples
    --------
    The tutorial's neuron:

    >>> X = np.array([[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 1]])
    >>> y = np.array([[0, 1, 1, 0]]).T
    >>> net = Network([Dense(3, 1, activation="sigmoid", bias=False)], loss="sse",
    ...               optimizer=SGD(lr=1.0), init="uniform", rng=np.random.RandomState(1))
    >>> _ = net.fit(X, y, epochs=10_000)
    >>> print(f"{net.predict([[1, 0, 0]])[0, 0]:.8f}")
    0.99993704
    """

    def __init__(
        self,
        layers: Sequence[Dense],
        loss: str | Loss | None = None,
        optimizer: Optimizer | str | None = None,
        init: str = "auto",
        rng: Any = 0,
        dtype: str = "float64",
    ) -> None:
        self.layers = list(layers)
        if not self.layers:
            raise ConfigurationError("a network needs at least one layer")
        for index, (before, after) in enumerate(
            zip(self.layers[:-1], self.layers[1:], strict=True), start=2
        ):
            if after.n_in != before.n_out:
                raise ConfigurationError(
                    f"layer {index} expects {after.n_in} inputs, but layer {index - 1} "
                    f"has {before.n_out} outputs"
                )
        if str(dtype) not in _DTYPES:
            raise ConfigurationError(f"dtype must be float32 or float64, got {dtype!r}")
        self.dtype = np.dtype(str(dtype))
        output_name = self.layers[-1].activation.name
        self.loss = get_loss(loss if loss is not None else _default_loss(output_name))
        _check_output(output_name, self.layers[-1].n_out, self.loss.name)
        self.optimizer = get_optimizer(optimizer)
        self.init = init
        self.rng = as_rng(rng)
        for layer in self.layers:
            layer.initialize(self.rng, init, str(self.dtype))
        self.history: History | None = None

    # -- structure -----------------------------------------------------------------------------

    @property
    def n_inputs(self) -> int:
        """Number of input features."""
        return self.layers[0].n_in

    @property
    def n_outputs(self) -> int:
        """Number of outputs."""
        return self.layers[-1].n_out

    @property
    def fused(self) -> bool:
        """Whether the loss is computed from the output layer's weighted sums (log-sum-exp)."""
        return self.loss.fused_activation == self.layers[-1].activation.name

    def parameters(self) -> list[tuple[str, Array, Array]]:
        """Return (name, param, grad) for every parameter, named as PyTorch's ``nn.Sequential``.

        Layer ``k`` (0-based) is named as module ``2k`` so the activations between Linear modules
        keep PyTorch's numbering: ``0.weight``, ``0.bias``, ``2.weight``, ...
        """
        return [
            (f"{2 * index}.{name}", param, grad)
            for index, layer in enumerate(self.layers)
            for name, param, grad in layer.parameters()
        ]

    @property
    def n_parameters(self) -> int:
        """Total number of trainable numbers."""
        return sum(param.size for _, param, _ in self.parameters())

    def get_weights(self) -> list[Array]:
        """Return copies of all parameters, in ``parameters()`` order."""
        return [param.copy() for _, param, _ in self.parameters()]

    def set_weights(self, weights: Sequence[Any]) -> None:
        """Copy ``weights`` (as from ``get_weights``) into the parameters, checking shapes."""
        params = self.parameters()
        if len(weights) != len(params):
            raise ShapeError(f"expected {len(params)} weight arrays, got {len(weights)}")
        for (name, param, _), value in zip(params, weights, strict=True):
            value = np.asarray(value)
            if value.shape != param.shape:
                raise ShapeError(f"{name}: expected shape {param.shape}, got {value.shape}")
            param[...] = value

    def copy(self) -> Network:
        """Return an independent deep copy (weights, optimizer state and rng included)."""
        return copy.deepcopy(self)

    def __repr__(self) -> str:
        layers = ",\n    ".join(repr(layer) for layer in self.layers)
        return (
            f"Network([\n    {layers}],\n  loss={self.loss.name!r}, optimizer={self.optimizer!r}, "
            f"dtype={self.dtype.name!r})"
        )

    # -- input checks --------------------------------------------------------------------------

    def check_X(self, X: Any, name: str = "X") -> Array:
        """Return ``X`` as a 2-D array of this network's dtype, or raise ShapeError saying why."""
        try:
            X = np.asarray(X, dtype=self.dtype)
        except (TypeError, ValueError) as error:
            raise ShapeError(f"{name} must be numeric: {error}") from None
        if X.ndim == 1 and X.shape[0] == self.n_inputs:
            X = X.reshape(1, -1)
        elif X.ndim == 1 and self.n_inputs == 1:
            X = X.reshape(-1, 1)
        if X.ndim != 2:
            raise ShapeError(f"{name} must be 2-D (n_samples, n_features), got shape {X.shape}")
        if X.shape[1] != self.n_inputs:
            raise ShapeError(f"expected {self.n_inputs} features in {name}, got {X.shape[1]}")
        check_finite(X, name)
        return X

    def check_y(self, y: Any, n_samples: int, name: str = "y") -> Array:
        """Return targets as (n_samples, n_outputs); 1-D integer labels become one-hot rows."""
        try:
            Y = np.asarray(y)
        except (TypeError, ValueError) as error:  # ragged lists
            raise ShapeError(f"{name} must be numeric: {error}") from None
        if Y.ndim == 1 and self.n_outputs > 1 and Y.size and np.issubdtype(Y.dtype, np.integer):
            if Y.min() < 0 or Y.max() >= self.n_outputs:
                raise ShapeError(
                    f"{name} holds class labels from {Y.min()} to {Y.max()}; "
                    f"expected 0 to {self.n_outputs - 1}"
                )
            Y = np.eye(self.n_outputs, dtype=self.dtype)[Y]
        try:
            Y = np.asarray(Y, dtype=self.dtype)
        except (TypeError, ValueError) as error:
            raise ShapeError(f"{name} must be numeric: {error}") from None
        if Y.ndim == 1 and self.n_outputs == 1:
            Y = Y.reshape(-1, 1)
        if Y.ndim != 2 or Y.shape[1] != self.n_outputs:
            raise ShapeError(
                f"expected {name} of shape ({n_samples}, {self.n_outputs}), got shape {Y.shape}"
            )
        if Y.shape[0] != n_samples:
            raise ShapeError(f"X has {n_samples} samples but {name} has {Y.shape[0]}")
        check_finite(Y, name)
        return Y

    # -- the three steps -----------------------------------------------------------------------

    def forward(self, X: Array) -> Array:
        """Run every layer on checked input ``X`` (n, n_inputs), keeping what backward needs."""
        A = X
        for layer in self.layers:
            A = layer.forward(A)
        return A

    def backward(self, Y: Array) -> float:
        """Fill every layer's gradients for the last ``forward`` and return the loss there."""
        last = self.layers[-1]
        assert last.Z is not None, "forward must run before backward"
        assert last.A is not None
        if self.fused:
            value = self.loss.value_from_logits(last.Z, Y)
            dA = last.backward_from_dZ(self.loss.gradient_from_logits(last.Z, last.A, Y))
        else:
            value = self.loss.value(last.A, Y)
            dA = last.backward(self.loss.gradient(last.A, Y))
        for index in range(len(self.layers) - 2, -1, -1):
            assert dA is not None
            dA = self.layers[index].backward(dA, need_dX=index > 0)
        return value

    def train_step(self, X: Array, Y: Array) -> float:
        """One step of learning on checked arrays: forward, backward, update; returns the loss."""
        self.forward(X)
        value = self.backward(Y)
        self.optimizer.step([(param, grad) for _, param, grad in self.parameters()])
        return value

    def gradients(self, X: Any, y: Any) -> tuple[float, list[Array]]:
        """Return the loss at ``X``, ``y`` and copies of every gradient, without updating."""
        X = self.check_X(X)
        Y = self.check_y(y, X.shape[0])
        self.forward(X)
        value = self.backward(Y)
        return value, [grad.copy() for _, _, grad in self.parameters()]

    def predict(self, X: Any) -> Array:
        """Return the network's outputs for ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_inputs)
            A 1-D array of length n_inputs is taken as one sample.

        Returns
        -------
        ndarray of shape (n_samples, n_outputs)
        """
        A = self.check_X(X)
        for layer in self.layers:
            A = layer.activation.forward(layer.pre_activation(A))
        return A

    def _output_sums(self, X: Array) -> Array:
        """Return the last layer's weighted sums Z for checked rows ``X``, before its activation."""
        A = X
        for layer in self.layers[:-1]:
            A = layer.activation.forward(layer.pre_activation(A))
        return self.layers[-1].pre_activation(A)  # (n_samples, n_outputs)

    def evaluate(self, X: Any, y: Any) -> float:
        """Return the loss on ``X``, ``y`` (computed from the weighted sums when fused)."""
        X = self.check_X(X)
        Y = self.check_y(y, X.shape[0])
        Z = self._output_sums(X)
        if self.fused:
            return self.loss.value_from_logits(Z, Y)
        return self.loss.value(self.layers[-1].activation.forward(Z), Y)

    def fit(
        self,
        X: Any,
        y: Any,
        epochs: int = 1,
        batch_size: int | None = None,
        shuffle: bool = False,
        validation_data: tuple[Any, Any] | None = None,
        validation_fraction: float = 0.0,
        patience: int | None = None,
        restore_best: bool = True,
        callback: Callable[[int, Network, History], bool | None] | None = None,
    ) -> History:
        """Train the network; see ``glassnet.nn.training.fit`` for every parameter.

        Returns
        -------
        History
            Per-epoch training (and validation) loss.
        """
        return fit(
            self,
            X,
            y,
            epochs=epochs,
            batch_size=batch_size,
            shuffle=shuffle,
            validation_data=validation_data,
            validation_fraction=validation_fraction,
            patience=patience,
            restore_best=restore_best,
            callback=callback,
        )


def _check_output(activation: str, n_out: int, loss: str) -> None:
    """Refuse output layers that cannot learn: they would train without error, and learn nothing."""
    if activation == "softmax" and n_out == 1:
        raise ConfigurationError(
            "a softmax over 1 output always answers 1; use sigmoid for a single 0/1 output"
        )
    # Cross-entropy takes logarithms of the outputs, so they must be probabilities.
    if loss == "binary_crossentropy" and activation not in ("sigmoid", "softmax"):
        raise ConfigurationError(
            f"binary_crossentropy needs probabilities from a sigmoid output, not {activation}"
        )
    if loss == "categorical_crossentropy" and activation not in ("softmax", "sigmoid"):
        raise ConfigurationError(
            f"categorical_crossentropy needs probabilities from a softmax output, not {activation}"
        )
