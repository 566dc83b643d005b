"""Watch a network learn: every number of a training run, ready to tell or to save.

``explain`` trains a network and keeps what a learner needs to follow it: the starting weights,
every number of the first steps (recorded by ``traces``), periodic summaries, the final weights
and worked predictions, in an ``Explanation``: a ``RunRecord`` (``records``) that prints as
plain sentences (``narrate``, worded by ``narration``) or converts to JSON-ready data
(``to_dict``). Shapes: n = n_samples, i = a layer's inputs, o = its units.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet.errors import ConfigurationError
from glassnet.explain.details import DEFAULT_LINES
from glassnet.explain.narration import narrate
from glassnet.explain.records import Prediction, RunRecord, Summary
from glassnet.explain.traces import LayerStep, Step, trace, trace_step
from glassnet.nn.initializers import default_init

if TYPE_CHECKING:
    from glassnet.nn.history import History
    from glassnet.nn.network import Network

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
class Explanation(RunRecord):
    """Everything ``explain`` saw, ready to print (``narrate``) or to save (``to_dict``).

    ``losses`` holds the loss of every iteration, traced or not, as ``History.loss`` would.
    ``notes`` are told after the network is described (how a table became these inputs, how
    training ran); ``outcome`` before the final weights (an early stop, say).
    """

    def narrate(
        self, digits: int = 6, max_examples: int | None = 8, lines: int | None = DEFAULT_LINES
    ) -> str:
        """Return the explanation as plain sentences, within ``lines`` (see ``narrate``)."""
        return narrate(self, digits=digits, max_examples=max_examples, lines=lines)


# -- the network and its run -----------------------------------------------------------------------


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
    _check_counts(epochs, every)
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
    _run_traced(story, net, min(int(steps), int(epochs)), every)
    _run_untraced(story, net, every)
    story.final = net.get_weights()
    if rows is not None:
        story.predictions = [predict_steps(net, row) for row in rows]
    return story


def _check_counts(epochs: int, every: int | None) -> None:
    """Refuse an ``epochs`` that is not an int >= 0 or an ``every`` that is not an int >= 1."""
    if isinstance(epochs, bool) or not isinstance(epochs, int | np.integer) or epochs < 0:
        raise ConfigurationError(f"epochs must be an int >= 0, got {epochs!r}")
    if every is not None and (
        isinstance(every, bool) or not isinstance(every, int | np.integer) or every < 1
    ):
        raise ConfigurationError(f"every must be an int >= 1, got {every!r}")


def _run_traced(story: Explanation, net: Network, steps: int, every: int | None) -> None:
    """Run the first ``steps`` iterations one by one, recording every number of each."""
    for number in range(1, steps + 1):
        story.steps.append(trace_step(net, story.X, story.Y, number))
        story.losses.append(story.steps[-1].loss)
        _summarise(story, net, number, every)


def _run_untraced(story: Explanation, net: Network, every: int | None) -> None:
    """Run the iterations left after the traced ones through ``fit``, keeping their losses."""
    done = len(story.steps)
    if story.epochs > done:

        def record(epoch: int, network: Network, history: History) -> None:
            _summarise(story, network, done + epoch, every)

        history = net.fit(story.X, story.Y, epochs=story.epochs - done, callback=record)
        story.losses.extend(history.loss)


def _summarise(story: Explanation, net: Network, epoch: int, every: int | None) -> None:
    """Add a summary to ``story`` when ``epoch`` is a multiple of ``every``."""
    if every is not None and epoch % every == 0:
        story.summaries.append(Summary(epoch, net.evaluate(story.X, story.Y), net.get_weights()))
