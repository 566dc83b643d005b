"""Record every number of a training step, as the engine computed it.

``trace`` runs real training steps (the network's own forward, backward and optimizer step) and
reads what each layer saw and produced: inputs, weighted sums, activations, the slope of the
activation, the error flowing back, gradients and the change the optimizer made. It does not
describe or narrate anything: ``explanations`` builds the whole explanation on top of it.
Shapes: n = n_samples, i = a layer's inputs, o = its units.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet._types import Array
from glassnet.errors import ConfigurationError
from glassnet.nn.layers import Dense

if TYPE_CHECKING:
    from glassnet.nn.network import Network

__all__ = ["LayerStep", "Step", "trace", "trace_step"]


@dataclass
class LayerStep:
    """One layer during one training step, in the engine's own numbers.

    Attributes
    ----------
    layer : int
        1-based position of the layer in the network.
    activation : str
        Name of the layer's activation.
    inputs : ndarray of shape (n, i)
        What the layer received: the examples for layer 1, the previous layer's outputs otherwise.
    weights, bias : ndarray of shape (i, o) and (o,) or None
        Parameters before the update.
    Z : ndarray of shape (n, o)
        Weighted sums ``inputs @ weights + bias``.
    A : ndarray of shape (n, o)
        Activations ``f(Z)``.
    dA : ndarray of shape (n, o) or None
        ∂L/∂A: from the loss for the last layer, from the layer above otherwise. None when the
        loss is computed straight from the weighted sums (cross-entropy after sigmoid/softmax).
    slope : ndarray of shape (n, o) or None
        The activation's derivative f'(Z) at each output (None for softmax, whose outputs
        depend on each other).
    dZ : ndarray of shape (n, o)
        ∂L/∂Z, the delta: ``dA · slope``.
    dW, db : ndarray
        Gradients ``inputsᵀ dZ`` and the column sums of ``dZ``.
    new_weights, new_bias : ndarray
        Parameters after the optimizer's step.
    """

    layer: int
    activation: str
    inputs: Array
    weights: Array
    bias: Array | None
    Z: Array
    A: Array
    # Gradient names follow the maths, as in layers.py.
    dA: Array | None  # noqa: N815
    slope: Array | None
    dZ: Array  # noqa: N815
    dW: Array  # noqa: N815
    db: Array | None
    new_weights: Array
    new_bias: Array | None

    @property
    def update(self) -> Array:
        """The change the optimizer made to the weights, ``new_weights − weights``."""
        return self.new_weights - self.weights

    @property
    def bias_update(self) -> Array | None:
        """The change made to the bias, or None without a bias."""
        if self.bias is None or self.new_bias is None:
            return None
        return self.new_bias - self.bias


@dataclass
class Step:
    """One training step (one full-batch iteration).

    Attributes
    ----------
    step : int
        1-based step number.
    targets : ndarray of shape (n, n_outputs)
    loss : float
        The loss the engine computed during this step, before its update.
    layers : list of LayerStep
    """

    step: int
    targets: Array
    loss: float
    layers: list[LayerStep]

    @property
    def outputs(self) -> Array:
        """The network's outputs during this step, shape (n, n_outputs)."""
        return self.layers[-1].A

    @property
    def errors(self) -> Array:
        """``targets − outputs``, the tutorial's error."""
        return self.targets - self.outputs


def _keeping(
    backward: Callable[..., Array | None], ears: dict[str, Array], key: str
) -> Callable[..., Array | None]:
    """Wrap a backward method so that it keeps a copy of the gradient it gets as ``ears[key]``."""

    def heard(grad: Array, need_dX: bool = True) -> Array | None:
        ears[key] = grad.copy()
        return backward(grad, need_dX)

    return heard


@contextmanager
def _listening(layers: list[Dense]) -> Iterator[list[dict[str, Array]]]:
    """Wrap each layer's backward methods (on the instance only) to keep the dA and dZ they get."""
    heard: list[dict[str, Array]] = [{} for _ in layers]
    for layer, ears in zip(layers, heard, strict=True):
        on_backward = _keeping(layer.backward, ears, "dA")
        on_dZ = _keeping(layer.backward_from_dZ, ears, "dZ")
        # Instance attributes shadow the class's methods; deleting them restores the originals.
        setattr(layer, "backward", on_backward)  # noqa: B010  (mypy forbids assigning a method)
        setattr(layer, "backward_from_dZ", on_dZ)  # noqa: B010
    try:
        yield heard
    finally:
        for layer in layers:
            vars(layer).pop("backward", None)
            vars(layer).pop("backward_from_dZ", None)


def _slope(layer: Dense, Z: Array, A: Array) -> Array | None:
    """The activation's derivative f'(Z), or None for softmax."""
    if layer.activation.name == "softmax":
        return None
    # The engine's own derivative rule with ∂L/∂A = 1 gives f'(Z) itself.
    return layer.activation.backward(Z, A, np.ones_like(A))


def _copy(array: Array | None) -> Array | None:
    """A copy of ``array``, or None."""
    return None if array is None else array.copy()


def _layer_step(
    index: int,
    layer: Dense,
    inputs: Array,
    before: tuple[Array, Array | None],
    ears: dict[str, Array],
) -> LayerStep:
    """What ``layer`` (0-based ``index``) saw and produced, read from it after the step ran."""
    assert layer.Z is not None
    assert layer.A is not None
    W, b = before
    return LayerStep(
        layer=index + 1,
        activation=layer.activation.name,
        inputs=inputs.copy(),
        weights=W,
        bias=b,
        Z=layer.Z.copy(),
        A=layer.A.copy(),
        dA=ears.get("dA"),
        slope=_slope(layer, layer.Z, layer.A),
        dZ=ears["dZ"],
        dW=layer.dW.copy(),
        db=_copy(layer.db),
        new_weights=layer.weights.copy(),
        new_bias=_copy(layer.bias),
    )


def trace_step(net: Network, X: Array, Y: Array, number: int) -> Step:
    """Run one training step of ``net`` on checked ``X`` and ``Y`` and record it as ``number``.

    Parameters
    ----------
    net : Network
    X : ndarray of shape (n_samples, n_inputs)
        Already checked by ``net.check_X``.
    Y : ndarray of shape (n_samples, n_outputs)
        Already checked by ``net.check_y``.
    number : int
        The step's 1-based number, as recorded.

    Returns
    -------
    Step

    Examples
    --------
    >>> net = Network([Dense(2, 1, activation="sigmoid")], loss="sse", rng=0)
    >>> step = trace_step(net, np.array([[0.0, 1.0]]), np.array([[1.0]]), 1)
    >>> step.step, len(step.layers), step.layers[0].Z.shape
    (1, 1, (1, 1))
    """
    before = [(layer.weights.copy(), _copy(layer.bias)) for layer in net.layers]
    with _listening(net.layers) as heard:  # the engine's three steps, as in Network.train_step
        net.forward(X)
        loss = net.backward(Y)
        net.optimizer.step([(param, grad) for _, param, grad in net.parameters()])
    records = []
    inputs = X
    for index, (layer, old, ears) in enumerate(zip(net.layers, before, heard, strict=True)):
        records.append(_layer_step(index, layer, inputs, old, ears))
        inputs = records[-1].A  # what this layer passed on
    return Step(step=number, targets=Y.copy(), loss=float(loss), layers=records)


def trace(net: Network, X: Any, y: Any, steps: int = 1) -> list[Step]:
    """Train ``net`` for ``steps`` full-batch iterations and return every number of each.

    The steps are the network's own (``forward``, ``backward``, then the optimizer's ``step``,
    as in ``train_step``), so the weights change exactly as in ``fit``; the records are read
    from the layers as they ran.

    Parameters
    ----------
    net : Network
    X : array-like of shape (n_samples, n_inputs)
    y : array-like of shape (n_samples, n_outputs) or (n_samples,)
    steps : int, default=1

    Returns
    -------
    list of Step

    Examples
    --------
    >>> X = np.array([[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 1]])
    >>> y = np.array([[0, 1, 1, 0]]).T
    >>> net = Network([Dense(3, 1, activation="sigmoid", bias=False)], loss="sse",
    ...               optimizer=SGD(lr=1.0), init="uniform", rng=np.random.RandomState(1))
    >>> first = trace(net, X, y)[0].layers[0]
    >>> first.Z[:, 0].round(6)  # the weighted sums of the four examples
    array([-0.999771, -0.725078, -1.165727, -0.559122])
    >>> np.allclose(first.update, -first.dW)  # SGD(lr=1): the change is minus the gradient
    True
    """
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer) or steps < 0:
        raise ConfigurationError(f"steps must be an int >= 0, got {steps!r}")
    X = net.check_X(X)
    Y = net.check_y(y, X.shape[0])
    return [trace_step(net, X, Y, number) for number in range(1, int(steps) + 1)]
