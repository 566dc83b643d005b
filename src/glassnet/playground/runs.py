"""One playground run: a table model's network, trained by ``Network.fit`` a few epochs at a time.

``Run`` builds the network exactly as ``TableModel.fit`` would for the same settings (it is a
``TableModel``, fitted with a trainer that hands back the encoded rows instead of training), then
trains it in pieces of ``Network.fit``, which end where one ``fit`` of all those epochs would.
Changes made by hand (a learning rate, a weight) are applied between epochs and kept in
``changes``, so that ``programs`` can write code that replays the run. Nothing here draws.
Shapes: X (n_rows, n_features), Y (n_rows, n_outputs).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from glassnet._types import Array
from glassnet.errors import ConfigurationError, TrainingDivergedError
from glassnet.nn.history import History
from glassnet.nn.network import Network
from glassnet.playground.controls import MAX_LAYERS, MAX_UNITS, Controls
from glassnet.playground.sources import RunData
from glassnet.tables.model import TableModel
from glassnet.tables.recipes import resolve_settings

__all__ = ["Change", "Run", "model_settings", "recipe_controls"]


@dataclass(frozen=True)
class Change:
    """A change made by hand after ``epoch`` epochs: a learning rate, an L2 or one weight.

    Attributes
    ----------
    epoch : int
        How many epochs had run.
    what : {"lr", "l2", "weight", "bias"}
    value : float
        The new value.
    layer, row, column : int
        Which weight (``weights[row, column]`` of layer ``layer``, 0-based) or bias
        (``bias[column]``); 0 for the learning rate and the L2.
    """

    epoch: int
    what: str
    value: float
    layer: int = 0
    row: int = 0
    column: int = 0

    def statement(self) -> str:
        """The Python statement that makes this change to a network called ``net``."""
        value = repr(float(self.value))
        if self.what == "lr":
            return f"net.optimizer.lr = {value}"
        if self.what == "l2":
            return f"net.optimizer.weight_decay = {value}"
        if self.what == "bias":
            return f"net.layers[{self.layer}].bias[{self.column}] = {value}"
        return f"net.layers[{self.layer}].weights[{self.row}, {self.column}] = {value}"


def model_settings(controls: Controls, preset: str) -> dict[str, Any]:
    """The ``TableModel`` arguments of a run: the controls, every known row trained on.

    ``validation=0.0``: the playground holds test rows out itself (``Controls.train``) and never
    stops early, so that the run is one ``Network.fit`` however it is cut into pieces.
    """
    settings: dict[str, Any] = {
        "preset": preset,
        "hidden": controls.hidden,
        "activation": controls.activation,
        "loss": controls.loss,
        "optimizer": controls.optimizer,
        "lr": controls.lr,
        "l2": controls.l2,
        "seed": controls.seed,
        "batch_size": controls.batch or None,
        "validation": 0.0,
    }
    if not controls.is_table:  # the 2-D sets' features go in as they are, as in the TF Playground
        settings["scale"] = False
    return settings


def recipe_controls(data: RunData) -> dict[str, Any]:
    """The controls of the recipe ``glassnet solve`` would choose for the table, by name.

    Its hidden layers are cut to what the page can show: at most 6 layers of at most 8 neurons
    (the standard recipe's 16 become 8; the page's command line says ``--hidden 8``).
    """
    model = TableModel().fit(data.train, target=[data.target], trainer=_untrained)
    settings = model.settings_
    return {
        "hidden": tuple(min(units, MAX_UNITS) for units in settings.hidden[:MAX_LAYERS]),
        "activation": settings.activation,
        "loss": settings.loss,
        "optimizer": settings.optimizer,
        "lr": settings.lr,
        "l2": settings.l2,
        "seed": settings.seed,
        "batch": settings.batch_size or 0,
        "epochs": settings.epochs or 0,
    }


def _untrained(net: Network, X: Array, Y: Array, X_new: Array) -> History:
    """A trainer that trains nothing: the table model keeps its starting network."""
    return History()


class Run:
    """A network being trained on a run's rows, epoch by epoch, with its losses.

    Parameters
    ----------
    data : RunData
    controls : Controls

    Attributes
    ----------
    controls : Controls
        The controls the run was built with (a learning rate changed since is in ``changes``).
    limit : int
        The epoch training stops at; 0 is never.
    model : TableModel
        Its network ``net`` is the one trained; its encodings turn the rows into ``X``, ``Y``.
    X, Y : ndarray
        The training rows as the network sees them.
    X_test, Y_test : ndarray or None
        The test rows, encoded with the training rows' encodings.
    epoch : int
        Epochs trained so far.
    train_loss, test_loss : list of float
        The loss on the training and test rows at the start and after every epoch.
    changes : list of Change
    before : Network or None
        A copy of the network as the last epoch found it (``replays`` retraces that epoch).
    after : list of ndarray or None
        The weights that epoch ended with.
    failure : str or None
        Why training cannot go on (it diverged).
    """

    def __init__(self, data: RunData, controls: Controls) -> None:
        self.data, self.controls = data, controls
        target = [data.target]
        preset = resolve_settings(data.train, [data.train.column_index(data.target)]).preset
        self.model = TableModel(**model_settings(controls, preset))
        kept: dict[str, Array] = {}

        def keep(net: Network, X: Array, Y: Array, X_new: Array) -> History:
            kept.update(X=X, Y=Y)
            return History()

        self.model.fit(data.train, target=target, trainer=keep)
        self.net: Network = self.model.net_
        self.X, self.Y = kept["X"], kept["Y"]
        self.X_test: Array | None = None
        self.Y_test: Array | None = None
        if data.test is not None:
            self.X_test, self.Y_test = self.model.encode(data.test)
        self.batch_size = controls.batch or None
        self.shuffle = self.model.settings_.shuffle
        self.limit = controls.epochs
        self.epoch = 0
        self.train_loss: list[float] = []
        self.test_loss: list[float] = []
        self.changes: list[Change] = []
        self.before: Network | None = None
        self.after: list[Array] | None = None
        self.failure: str | None = None
        self._measure()

    def input_columns(self) -> list[str]:
        """The column behind each network input (``name=label`` for a label's one-hot column)."""
        names = []
        for spec in self.model.inputs_:
            if spec["kind"] == "label":
                names += [f"{spec['name']}={category}" for category in spec["categories"]]
            else:
                names.append(str(spec["name"]))
        return names

    # -- training -------------------------------------------------------------------------------

    @property
    def done(self) -> bool:
        """Whether the run has reached its epoch limit or cannot go on."""
        return self.failure is not None or (self.limit > 0 and self.epoch >= self.limit)

    def advance(self, epochs: int, stop: Callable[[], bool] = lambda: False) -> int:
        """Train up to ``epochs`` epochs, fewer when ``stop()`` turns True; return how many ran.

        The last epoch always runs once the others have, from a copy kept in ``before``, so that
        the step it ends with can be told (``replays``).
        """
        if self.limit:
            epochs = min(epochs, self.limit - self.epoch)
        if self.failure is not None or epochs < 1:
            return 0
        start = self.epoch
        try:
            if epochs > 1:
                self._fit(epochs - 1, stop)
            self.before = self.net.copy()
            self._fit(1, lambda: False)
            self.after = self.net.get_weights()
        except TrainingDivergedError as error:
            self.failure = f"{error}; press reset to start again"
            self.before = self.after = None
        return self.epoch - start

    def _fit(self, epochs: int, stop: Callable[[], bool]) -> None:
        """``Network.fit`` for ``epochs`` epochs, measuring the losses after each."""

        def watch(epoch: int, net: Network, history: History) -> bool:
            self.epoch += 1
            self._measure()
            return stop()

        self.net.fit(
            self.X,
            self.Y,
            epochs=epochs,
            batch_size=self.batch_size,
            shuffle=self.shuffle,
            callback=watch,
        )

    def _measure(self) -> None:
        """Note the losses on the training and test rows at the current weights."""
        self.train_loss.append(_loss(self.net, self.X, self.Y))
        if self.X_test is not None and self.Y_test is not None:
            self.test_loss.append(_loss(self.net, self.X_test, self.Y_test))

    # -- changes by hand ------------------------------------------------------------------------

    def set_rate(self, what: str, value: float) -> None:
        """Set the learning rate (``what="lr"``) or the L2 (``"l2"``) from now on."""
        if what == "lr":
            self.net.optimizer.lr = value  # type: ignore[attr-defined]
        else:
            self.net.optimizer.weight_decay = value  # type: ignore[attr-defined]
        self.changes.append(Change(self.epoch, what, value))

    def set_weight(self, layer: int, row: int | None, column: int, value: float) -> None:
        """Set one weight (or, with ``row=None``, one bias) of layer ``layer`` (0-based).

        Raises
        ------
        ConfigurationError
            No such weight, or a value that is not a finite number.
        """
        if not 0 <= layer < len(self.net.layers):
            raise ConfigurationError(
                f"expected a layer from 0 to {len(self.net.layers) - 1}, got {layer}"
            )
        if not math.isfinite(value) or abs(value) > 1e6:
            raise ConfigurationError(f"expected a weight from -1e6 to 1e6, got {value}")
        dense = self.net.layers[layer]
        if row is None:
            if dense.bias is None or not 0 <= column < dense.n_out:
                raise ConfigurationError(f"layer {layer + 1} has no bias {column + 1}")
            dense.bias[column] = value
            self.changes.append(Change(self.epoch, "bias", value, layer, 0, column))
        else:
            if not (0 <= row < dense.n_in and 0 <= column < dense.n_out):
                raise ConfigurationError(
                    f"layer {layer + 1} has weights [0..{dense.n_in - 1}, "
                    f"0..{dense.n_out - 1}], not [{row}, {column}]"
                )
            dense.weights[row, column] = value
            self.changes.append(Change(self.epoch, "weight", value, layer, row, column))
        self.train_loss[-1] = _loss(self.net, self.X, self.Y)
        if self.X_test is not None and self.Y_test is not None:
            self.test_loss[-1] = _loss(self.net, self.X_test, self.Y_test)


def _loss(net: Network, X: Array, Y: Array) -> float:
    """The loss at the current weights (inf or NaN when it overflows, never a warning)."""
    with np.errstate(all="ignore"):
        return float(net.evaluate(X, Y))
