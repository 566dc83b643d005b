"""Watch a network learn: every number of a training step, as the engine computed it.

``trace`` runs real training steps (the network's own forward, backward and optimizer step) and
records what each layer saw and produced: inputs, weighted sums, activations, the slope of the
activation, the error flowing back, gradients and the change the optimizer made. ``explain`` adds
the starting weights, periodic summaries, the final weights and worked predictions; its result
prints as plain sentences (``Explanation.narrate``) or converts to JSON-ready data
(``Explanation.to_dict``). Shapes: n = n_samples, i = a layer's inputs, o = its units.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet._types import Array
from glassnet.errors import ConfigurationError
from glassnet.initializers import default_init
from glassnet.layers import Dense

if TYPE_CHECKING:
    from glassnet.network import Network
    from glassnet.training import History

__all__ = [
    "Explanation",
    "LayerStep",
    "Prediction",
    "Step",
    "Summary",
    "describe_network",
    "describe_origin",
    "explain",
    "predict_steps",
    "trace",
]


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


@dataclass
class Summary:
    """The state after some iteration: the loss at the current weights, and the weights."""

    epoch: int
    loss: float
    weights: list[Array]


@dataclass
class Prediction:
    """A worked prediction: each layer's weighted sums and activations for one input row."""

    inputs: Array
    Z: list[Array]
    A: list[Array]
    note: str | None = None  # the row in the table's own terms, when its inputs were encoded

    @property
    def output(self) -> Array:
        """The network's answer, shape (n_outputs,)."""
        return self.A[-1]


@dataclass
class Explanation:
    """Everything ``explain`` saw, ready to print (``narrate``) or to save (``to_dict``).

    ``losses`` holds the loss of every iteration, traced or not, as ``History.loss`` would.
    ``notes`` are told after the network is described (how a table became these inputs, how
    training ran); ``outcome`` before the final weights (an early stop, say).
    """

    network: dict[str, Any]
    origin: str
    start: list[Array]
    X: Array
    Y: Array
    steps: list[Step]
    summaries: list[Summary] = field(default_factory=list)
    final: list[Array] = field(default_factory=list)
    epochs: int = 0
    predictions: list[Prediction] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    outcome: str | None = None

    def narrate(self, digits: int = 6, max_examples: int = 8) -> str:
        """Return the explanation as plain sentences (see ``glassnet.narrate``)."""
        from glassnet.narrate import narrate

        return narrate(self, digits=digits, max_examples=max_examples)

    def to_dict(self) -> dict[str, Any]:
        """Return the explanation as plain lists, numbers and strings (for ``json.dumps``)."""
        return {
            "network": self.network,
            "origin": self.origin,
            "notes": self.notes,
            "start": _tensors(self.network, self.start),
            "data": {"inputs": self.X.tolist(), "targets": self.Y.tolist()},
            "steps": [_step_dict(step) for step in self.steps],
            "summaries": [
                {
                    "epoch": s.epoch,
                    "loss": s.loss,
                    "weights": _tensors(self.network, s.weights),
                }
                for s in self.summaries
            ],
            "epochs": self.epochs,
            "losses": self.losses,
            "outcome": self.outcome,
            "final": _tensors(self.network, self.final),
            "predictions": [
                {
                    "inputs": p.inputs.tolist(),
                    "layers": [
                        {"Z": z.tolist(), "A": a.tolist()} for z, a in zip(p.Z, p.A, strict=True)
                    ],
                    "output": p.output.tolist(),
                    "note": p.note,
                }
                for p in self.predictions
            ],
        }


def _tensors(network: dict[str, Any], values: list[Array]) -> dict[str, Any]:
    return {name: v.tolist() for name, v in zip(network["parameters"], values, strict=True)}


def _optional(array: Array | None) -> Any:
    return None if array is None else array.tolist()


def _step_dict(step: Step) -> dict[str, Any]:
    return {
        "step": step.step,
        "loss": step.loss,
        "targets": step.targets.tolist(),
        "layers": [
            {
                "layer": ls.layer,
                "activation": ls.activation,
                "inputs": ls.inputs.tolist(),
                "weights": ls.weights.tolist(),
                "bias": _optional(ls.bias),
                "Z": ls.Z.tolist(),
                "A": ls.A.tolist(),
                "dA": _optional(ls.dA),
                "slope": _optional(ls.slope),
                "dZ": ls.dZ.tolist(),
                "dW": ls.dW.tolist(),
                "db": _optional(ls.db),
                "update": ls.update.tolist(),
                "bias_update": _optional(ls.bias_update),
                "new_weights": ls.new_weights.tolist(),
                "new_bias": _optional(ls.new_bias),
            }
            for ls in step.layers
        ],
    }


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
    if layer.activation.name == "softmax":
        return None
    # The engine's own derivative rule with ∂L/∂A = 1 gives f'(Z) itself.
    return layer.activation.backward(Z, A, np.ones_like(A))


def _one_step(net: Network, X: Array, Y: Array, number: int) -> Step:
    before = [(layer.weights.copy(), _copy(layer.bias)) for layer in net.layers]
    with _listening(net.layers) as heard:  # the engine's three steps, as in Network.train_step
        net.forward(X)
        loss = net.backward(Y)
        net.optimizer.step([(param, grad) for _, param, grad in net.parameters()])
    records = []
    inputs = X
    for index, (layer, (W, b), ears) in enumerate(zip(net.layers, before, heard, strict=True)):
        assert layer.Z is not None
        assert layer.A is not None
        records.append(
            LayerStep(
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
        )
        inputs = layer.A
    return Step(step=number, targets=Y.copy(), loss=float(loss), layers=records)


def _copy(array: Array | None) -> Array | None:
    return None if array is None else array.copy()


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
    return [_one_step(net, X, Y, number) for number in range(1, int(steps) + 1)]


def predict_steps(net: Network, row: Any) -> Prediction:
    """Return the prediction for one input row with every layer's weighted sums and outputs.

    Computed as ``Network.predict`` computes it, layer by layer, so the answer is the same number.

    Examples
    --------
    >>> net = Network([Dense(2, 1, activation="sigmoid", bias=False)], rng=0)
    >>> net.layers[0].weights[:] = [[1.0], [2.0]]
    >>> p = predict_steps(net, [1, 1])
    >>> p.Z[0], p.output
    (array([3.]), array([0.95257413]))
    """
    A = net.check_X(row)
    if A.shape[0] != 1:
        raise ConfigurationError(f"expected one input row, got {A.shape[0]}")
    inputs = A[0].copy()
    sums, outputs = [], []
    for layer in net.layers:
        Z = layer.pre_activation(A)  # (1, o)
        A = layer.activation.forward(Z)  # (1, o)
        sums.append(Z[0].copy())
        outputs.append(A[0].copy())
    return Prediction(inputs=inputs, Z=sums, A=outputs)


def describe_network(net: Network) -> dict[str, Any]:
    """Return the network's architecture, loss and optimizer as plain data."""
    return {
        "layers": [
            {
                "n_in": layer.n_in,
                "n_out": layer.n_out,
                "activation": layer.activation.name,
                "bias": layer.bias is not None,
                "init": default_init(layer.activation.name) if net.init == "auto" else net.init,
            }
            for layer in net.layers
        ],
        "parameters": [name for name, _, _ in net.parameters()],
        "loss": net.loss.name,
        "fused": net.fused,
        "optimizer": {"name": type(net.optimizer).__name__, **net.optimizer.get_config()},
    }


def describe_origin(net: Network, seed: int | None = None) -> str:
    """Say in words how ``net``'s starting weights were drawn (its init and random generator)."""
    inits = sorted({layer["init"] for layer in describe_network(net)["layers"]})
    draws = {
        "uniform": "2 × random((n_in, n_out)) - 1, uniform between -1 and 1",
        "glorot": "Glorot uniform, between ±√(6 / (n_in + n_out))",
        "he": "He normal, with standard deviation √(2 / n_in)",
    }
    how = "; ".join(draws.get(name, name) for name in inits)
    legacy = isinstance(net.rng, np.random.RandomState)
    source = "NumPy's legacy RandomState" if legacy else "NumPy's default_rng"
    if seed is not None:
        source += f" seeded with {seed}"
        if legacy:
            source += f" (the tutorial's random.seed({seed}))"
    return f"{how}, drawn layer by layer from {source}"


def explain(
    net: Network,
    X: Any,
    y: Any,
    epochs: int = 1,
    steps: int = 1,
    every: int | None = None,
    X_new: Any = None,
    origin: str | None = None,
) -> Explanation:
    """Train ``net`` for ``epochs`` full-batch iterations, tracing the first ``steps`` in detail.

    Parameters
    ----------
    net : Network
        Freshly built: its current weights are reported as the starting weights.
    X : array-like of shape (n_samples, n_inputs)
    y : array-like of shape (n_samples, n_outputs) or (n_samples,)
    epochs : int, default=1
        Iterations in all; those after the traced ones run through ``fit``.
    steps : int, default=1
        How many of the first iterations to record number by number.
    every : int, optional
        Record a one-line summary (loss and weights) every ``every`` iterations.
    X_new : array-like of shape (n_new, n_inputs), optional
        Rows to predict at the end, with their arithmetic.
    origin : str, optional
        Where the starting weights came from, in words; by default from the network's settings.

    Returns
    -------
    Explanation

    Examples
    --------
    >>> X = np.array([[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 1]])
    >>> y = np.array([[0, 1, 1, 0]]).T
    >>> net = Network([Dense(3, 1, activation="sigmoid", bias=False)], loss="sse",
    ...               optimizer=SGD(lr=1.0), init="uniform", rng=np.random.RandomState(1))
    >>> story = explain(net, X, y, epochs=10_000, X_new=[[1, 0, 0]])
    >>> print(f"{story.predictions[0].output[0]:.8f}")
    0.99993704
    """
    if isinstance(epochs, bool) or not isinstance(epochs, int | np.integer) or epochs < 0:
        raise ConfigurationError(f"epochs must be an int >= 0, got {epochs!r}")
    if every is not None and (
        isinstance(every, bool) or not isinstance(every, int | np.integer) or every < 1
    ):
        raise ConfigurationError(f"every must be an int >= 1, got {every!r}")
    X = net.check_X(X)
    Y = net.check_y(y, X.shape[0])
    rows = None if X_new is None else net.check_X(X_new, "X_new")
    story = Explanation(
        network=describe_network(net),
        origin=origin if origin is not None else describe_origin(net),
        start=net.get_weights(),
        X=X,
        Y=Y,
        steps=[],
        epochs=int(epochs),
    )
    for number in range(1, min(int(steps), int(epochs)) + 1):
        story.steps.append(_one_step(net, X, Y, number))
        story.losses.append(story.steps[-1].loss)
        _summarise(story, net, X, Y, number, every)
    done = len(story.steps)
    if epochs > done:

        def record(epoch: int, network: Network, history: History) -> None:
            _summarise(story, network, X, Y, done + epoch, every)

        history = net.fit(X, Y, epochs=int(epochs) - done, callback=record)
        story.losses.extend(history.loss)
    story.final = net.get_weights()
    if rows is not None:
        story.predictions = [predict_steps(net, row) for row in rows]
    return story


def _summarise(
    story: Explanation, net: Network, X: Array, Y: Array, epoch: int, every: int | None
) -> None:
    if every is not None and epoch % every == 0:
        story.summaries.append(Summary(epoch, net.evaluate(X, Y), net.get_weights()))
