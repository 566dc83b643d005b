"""Watch a training run without touching it: what explanations and pictures need, kept on the way.

``TrainingRecorder`` is a ``fit`` callback. Told the starting network (``start``), it keeps a
copy of it, a one-line summary every few iterations, weight snapshots and animation frames;
afterwards ``explanation`` replays the first iterations on that copy, number by number, and says
whether the replay is exactly what training did. Training itself runs as it would unwatched.
``WeightRecorder`` keeps only the weights (for ``glassnet.plot.curves.plot_weights``), and
``frame_epochs`` picks the iterations an animation shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet._types import Array
from glassnet.errors import ConfigurationError
from glassnet.explain.explanations import (
    Explanation,
    Summary,
    describe_network,
    describe_origin,
    predict_steps,
    trace,
)

if TYPE_CHECKING:
    from glassnet.nn.history import History
    from glassnet.nn.network import Network

__all__ = ["TrainingRecorder", "WeightRecorder", "frame_epochs"]


def frame_epochs(epochs: int, frames: int) -> list[int]:
    """Return up to ``frames`` iterations from 0 to ``epochs``, closer together early on.

    Learning changes most at the start, so the frames are spaced evenly in the square root of the
    iteration count.

    Examples
    --------
    >>> frame_epochs(100, 5)
    [0, 6, 25, 56, 100]
    """
    if frames < 2:
        raise ConfigurationError(f"expected at least 2 frames, got {frames}")
    spaced = np.round(np.linspace(0, np.sqrt(epochs), frames) ** 2).astype(int)
    return sorted({int(e) for e in spaced})


class WeightRecorder:
    """A ``fit`` callback that keeps a copy of every weight every ``every`` epochs.

    The weights at construction are kept as epoch 0.

    Examples
    --------
    >>> net = Network([Dense(2, 1, activation="sigmoid")], rng=0)
    >>> recorder = WeightRecorder(net, every=5)
    >>> _ = net.fit([[0, 1], [1, 0]], [0, 1], epochs=10, callback=recorder)
    >>> recorder.epochs
    [0, 5, 10]
    """

    def __init__(self, net: Network, every: int = 1) -> None:
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise ConfigurationError(f"every must be an int >= 1, got {every!r}")
        self.every = every
        self.names = [name for name, _, _ in net.parameters()]
        self.epochs: list[int] = [0]
        self.weights: list[list[Array]] = [net.get_weights()]
        self.seen = 0  # epochs seen, counted across several fits

    def __call__(self, epoch: int, net: Network, history: History) -> None:
        """Count one epoch; record the weights when the count is a multiple of ``every``."""
        self.seen += 1
        if self.seen % self.every == 0:
            self.epochs.append(self.seen)
            self.weights.append(net.get_weights())


class TrainingRecorder:
    """A ``fit`` callback that keeps what ``explain``, the plots and the animation need.

    Call ``start`` with the freshly built network before training (``TableModel.fit`` does it
    through its ``on_start`` hook), pass the recorder as ``fit``'s callback, then ask for the
    ``explanation``. Recording reads the network and never changes it, so the trained weights
    are the same as without the recorder.

    Parameters
    ----------
    steps : int, default=1
        Iterations to explain number by number.
    every : int, optional
        A summary (loss and weights) every ``every`` iterations; default: a tenth of the epochs.
    snapshots : int, optional
        Keep about this many weight snapshots in a ``WeightRecorder`` (for ``plot_weights``);
        None keeps none.
    frames : int, optional
        Keep the weights at this many iterations, for an animation; None keeps none.

    Examples
    --------
    >>> import glassnet as gn
    >>> net = gn.Network([gn.Dense(3, 1, activation="sigmoid", bias=False)], loss="sse",
    ...                  optimizer=gn.SGD(lr=1.0), init="uniform", rng=np.random.RandomState(1))
    >>> X, y = [[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 1]], [[0], [1], [1], [0]]
    >>> recorder = TrainingRecorder(steps=1)
    >>> recorder.start(net, X, y, epochs=100)
    >>> history = net.fit(X, y, epochs=100, callback=recorder)
    >>> story = recorder.explanation(net, history)
    >>> story.steps[0].layers[0].Z[:, 0].round(6)  # the first iteration, as training ran it
    array([-0.999771, -0.725078, -1.165727, -0.559122])
    >>> recorder.exact, len(story.summaries)
    (True, 10)
    """

    def __init__(
        self,
        steps: int = 1,
        every: int | None = None,
        snapshots: int | None = None,
        frames: int | None = None,
    ) -> None:
        for name, value in (("steps", steps), ("every", every), ("snapshots", snapshots)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise ConfigurationError(f"{name} must be an int, got {value!r}")
        if steps < 0:
            raise ConfigurationError(f"steps must be >= 0, got {steps}")
        self.steps = steps
        self.every = every
        self.snapshots = snapshots
        self.frames = frames
        self.exact: bool | None = None  # after ``explanation``: did the replay match training?
        self.summaries: list[Summary] = []
        self.kept: dict[int, list[Array]] = {}  # animation frames: iteration -> weights
        self.weights: WeightRecorder | None = None
        self._early: list[list[Array]] = []  # weights after each of the first ``steps`` epochs
        self._wanted: set[int] = set()

    def start(
        self, net: Network, X: Any, y: Any, X_new: Any = None, epochs: int | None = None
    ) -> None:
        """Keep the starting network and the rows it will learn from, before training starts.

        ``epochs`` (the most training may run) sets the default summary spacing and the frames.
        """
        self.origin_net = net.copy()  # weights, optimizer state and rng as training finds them
        self.X = net.check_X(X)
        self.Y = net.check_y(y, self.X.shape[0])
        self.X_new = None if X_new is None or len(X_new) == 0 else net.check_X(X_new, "X_new")
        epochs = 10 if epochs is None else epochs
        if self.every is None:
            self.every = max(1, epochs // 10)
        if self.snapshots is not None:
            self.weights = WeightRecorder(net, every=max(1, epochs // self.snapshots))
        if self.frames is not None:
            self._wanted = set(frame_epochs(epochs, self.frames))
            if 0 in self._wanted:
                self.kept[0] = net.get_weights()

    def __call__(self, epoch: int, net: Network, history: History) -> None:
        """Record after ``epoch``: early weights, summaries, snapshots and frames."""
        if epoch <= self.steps:
            self._early.append(net.get_weights())
        if self.every is not None and epoch % self.every == 0:
            self.summaries.append(Summary(epoch, net.evaluate(self.X, self.Y), net.get_weights()))
        if self.weights is not None:
            self.weights(epoch, net, history)
        if epoch in self._wanted:
            self.kept[epoch] = net.get_weights()

    def explanation(
        self,
        net: Network,
        history: History,
        origin: str | None = None,
        notes: Sequence[str] = (),
        prediction_notes: Sequence[str] | None = None,
    ) -> Explanation:
        """Return the story of the training just watched, ready to narrate.

        The detailed iterations are replayed from the starting network over all of its rows
        (full batch). When training ran that way too, the replay gives exactly training's numbers
        (``exact`` becomes True); otherwise (mini-batches, held-out rows) a note says so.

        Parameters
        ----------
        net : Network
            The trained network.
        history : History
            What ``fit`` returned.
        origin : str, optional
            Where the starting weights came from, in words.
        notes : sequence of str
            Told after the network is described.
        prediction_notes : sequence of str, optional
            One per row to predict, told after its arithmetic.
        """
        if not hasattr(self, "origin_net"):
            raise ConfigurationError("expected start(net, X, y) before training, got no start")
        start = self.origin_net.copy()
        shown = min(self.steps, history.epochs)
        steps = trace(start, self.X, self.Y, shown)
        replayed = [_after(step) for step in steps]
        self.exact = len(replayed) == len(self._early[:shown]) and all(
            all(np.array_equal(a, b) for a, b in zip(mine, real, strict=True))
            for mine, real in zip(replayed, self._early, strict=False)
        )
        all_notes = list(notes)
        if steps and not self.exact:
            all_notes.append(
                "The iterations shown step by step replay full-batch steps from the starting "
                f"weights over all {self.X.shape[0]} examples, to show the arithmetic; training "
                "itself ran as described above, so its own numbers differ from these."
            )
        story = Explanation(
            network=describe_network(net),
            origin=origin if origin is not None else describe_origin(self.origin_net),
            start=self.origin_net.get_weights(),
            X=self.X,
            Y=self.Y,
            steps=steps,
            summaries=list(self.summaries),
            final=net.get_weights(),
            epochs=history.epochs,
            losses=list(history.loss),
            notes=all_notes,
            outcome=_outcome(history),
        )
        if self.X_new is not None:
            story.predictions = [predict_steps(net, row) for row in self.X_new]
            for prediction, note in zip(story.predictions, prediction_notes or (), strict=False):
                prediction.note = note
        return story


def _after(step: Any) -> list[Array]:
    """The weights after a traced step, in ``get_weights`` order."""
    weights = []
    for layer in step.layers:
        weights.append(layer.new_weights)
        if layer.new_bias is not None:
            weights.append(layer.new_bias)
    return weights


def _outcome(history: History) -> str | None:
    if history.interrupted:
        return f"Training was interrupted after iteration {history.epochs}."
    if history.stopped_early and history.best_epoch is not None:
        return (
            f"Training stopped early after iteration {history.epochs}: the loss it watched (on "
            "the held-out rows, if any) had stopped improving. The final weights are those of "
            f"iteration {history.best_epoch}, where that loss was lowest."
        )
    return None
