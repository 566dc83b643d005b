"""The training loop: epochs, mini-batches, validation, early stopping, and what it records.

``fit`` repeats the network's train step over the data for a number of epochs and returns a
``History``. It stops early when asked (``patience``), when the loss becomes inf or NaN (raising
``TrainingDivergedError`` with the last finite weights kept), and on Ctrl-C (a warning; the best
weights are kept). With ``batch_size=None`` every epoch is one full-batch step, as in the tutorial.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import numpy as np

from glassnet._types import Array
from glassnet.errors import ConfigurationError, ConvergenceWarning, TrainingDivergedError
from glassnet.nn.checks import check_finite, check_int, step_rows
from glassnet.nn.history import History
from glassnet.nn.trainable import Trainable
from glassnet.nn.training_steps import Rewind, TrainingStep

__all__ = ["fit"]

#: The network being trained; callbacks receive the very object ``fit`` was given.
Net = TypeVar("Net", bound=Trainable)


def _check_features(net: Trainable, X: Any, widen_per_batch: bool) -> Array:
    """``net.check_X(X)``, except float32 data for a float64 network may stay float32.

    Mini-batches are then widened one at a time (exactly: every float32 is a float64), so
    training never holds a float64 copy of the whole data set.
    """
    if not (
        widen_per_batch
        and isinstance(X, np.ndarray)
        and X.dtype == np.float32
        and net.dtype == np.float64
        and X.ndim == 2
    ):
        return net.check_X(X)
    net.check_X(X[:1])  # shape and feature count, on one row
    check_finite(X, "X")
    return X


def _split_validation(
    net: Trainable, X: Array, Y: Array, fraction: float
) -> tuple[Array, Array, Array, Array]:
    if not 0 < fraction < 1:
        raise ConfigurationError(f"validation_fraction must be in [0, 1), got {fraction!r}")
    n_val = max(1, round(fraction * X.shape[0]))
    if n_val >= X.shape[0]:
        raise ConfigurationError(
            f"validation_fraction {fraction} leaves no training rows out of {X.shape[0]}"
        )
    order = net.rng.permutation(X.shape[0])
    val, train = order[:n_val], order[n_val:]
    return X[train], Y[train], X[val], Y[val]


def fit(
    net: Net,
    X: Any,
    y: Any,
    epochs: int = 1,
    batch_size: int | None = None,
    shuffle: bool = False,
    validation_data: tuple[Any, Any] | None = None,
    validation_fraction: float = 0.0,
    patience: int | None = None,
    restore_best: bool = True,
    callback: Callable[[int, Net, History], bool | None] | None = None,
) -> History:
    """Train ``net`` on ``X``, ``y`` and return the History.

    Parameters
    ----------
    net : Network
    X : array-like of shape (n_samples, n_inputs)
    y : array-like of shape (n_samples, n_outputs) or (n_samples,)
        1-D integer class labels are one-hot encoded for a multi-output network.
    epochs : int, default=1
        Passes over the training data.
    batch_size : int, optional
        Rows per step; None means all rows (one step per epoch).
    shuffle : bool, default=False
        Reorder the rows every epoch (drawing from ``net.rng``).
    validation_data : (X_val, y_val), optional
        Scored after every epoch.
    validation_fraction : float, default=0.0
        Hold out this random fraction of the rows instead (ignored if validation_data is given).
    patience : int, optional
        Stop after this many epochs without a lower validation loss (training loss if there is
        no validation data) and restore the best weights.
    restore_best : bool, default=True
        With ``patience``, end with the weights of the best epoch.
    callback : callable, optional
        ``callback(epoch, net, history)`` after every epoch; returning True stops training.

    Returns
    -------
    History
        After Ctrl-C, training ends with a ConvergenceWarning instead of KeyboardInterrupt: the
        network keeps the best weights (with ``patience``) or the last finite ones, and
        ``history.interrupted`` is True, so that callers can tell a finished run from it.

    Raises
    ------
    TrainingDivergedError
        When the loss becomes inf or NaN; the network keeps the last finite weights.
    ShapeError
        For inputs of the wrong shape or with non-finite values.
    """
    check_int("epochs", epochs, 0)
    check_int("batch_size", batch_size, 1, allow_none=True)
    check_int("patience", patience, 1, allow_none=True)
    X, Y, X_val, Y_val = _prepare_data(net, X, y, batch_size, validation_data, validation_fraction)
    history = History()
    net.history = history
    run = _Run(net, X, Y, X_val, Y_val, batch_size, shuffle, patience, callback, history)
    # Overflow on the way to divergence is expected and detected from the loss itself.
    with np.errstate(over="ignore", invalid="ignore"):
        try:
            run.epochs(epochs)
        except KeyboardInterrupt:
            run.interrupted(restore_best)
    run.finish(restore_best)
    return history


def _prepare_data(
    net: Trainable,
    X: Any,
    y: Any,
    batch_size: int | None,
    validation_data: tuple[Any, Any] | None,
    validation_fraction: float,
) -> tuple[Array, Array, Array | None, Array | None]:
    """Check the training data and set the validation rows apart: X, Y, X_val, Y_val."""
    X = _check_features(net, X, widen_per_batch=batch_size is not None and not validation_fraction)
    Y = net.check_y(y, X.shape[0])
    if step_rows(X.shape[0], batch_size) == X.shape[0] and X.dtype != net.dtype:
        X = net.check_X(X)  # one batch of everything: widen it once
    X_val: Array | None = None
    Y_val: Array | None = None
    if validation_data is not None:
        X_val = net.check_X(validation_data[0], "validation X")
        Y_val = net.check_y(validation_data[1], X_val.shape[0], "validation y")
    elif validation_fraction:
        X, Y, X_val, Y_val = _split_validation(net, X, Y, validation_fraction)
    if X.shape[0] == 0:
        raise ConfigurationError("cannot train on zero rows")
    return X, Y, X_val, Y_val


class _Run(Generic[Net]):
    """One ``fit`` in progress: its step, the weights to fall back on, and the best epoch so far.

    An exception can end training anywhere, so what the Ctrl-C and divergence handling needs
    (the epoch, the last finite one, the best weights) lives here rather than in locals.
    """

    __slots__ = (
        "X", "X_val", "Y", "Y_val", "best", "best_loss", "callback", "epoch", "finite",
        "full_batch", "history", "net", "next_mark", "pairs", "patience", "rewind", "rows",
        "shuffle", "since_best", "summed", "train", "watching",
    )  # fmt: skip

    def __init__(
        self,
        net: Net,
        X: Array,
        Y: Array,
        X_val: Array | None,
        Y_val: Array | None,
        batch_size: int | None,
        shuffle: bool,
        patience: int | None,
        callback: Callable[[int, Net, History], bool | None] | None,
        history: History,
    ) -> None:
        self.net, self.X, self.Y, self.X_val, self.Y_val = net, X, Y, X_val, Y_val
        self.shuffle, self.patience, self.callback, self.history = (
            shuffle,
            patience,
            callback,
            history,
        )
        self.rows = step_rows(X.shape[0], batch_size)
        self.full_batch = self.rows == X.shape[0] and not shuffle
        self.summed = net.loss.reduction == "sum"
        # net.train_step's arithmetic, into buffers reused every step; a callback may change the
        # optimizer's settings, so then every step asks it anew.
        self.train = TrainingStep(net, fixed_settings=callback is None)
        self.pairs = self.train.pairs
        # The weights each epoch started from, for the last finite ones (replayed when exact).
        self.rewind = Rewind(self.train, X, Y, replayable=self.full_batch and callback is None)
        self.finite = 1  # the last epoch whose starting weights are known to give a finite loss
        self.next_mark = 1
        self.epoch = 0
        self.best: list[Array] | None = None
        self.best_loss = math.inf
        self.since_best = 0
        self.watching = Y_val is not None or patience is not None or callback is not None

    def epochs(self, epochs: int) -> None:
        """Train for ``epochs`` epochs, or until ``patience`` or the callback ends training."""
        # Looked up once: the tutorial's epoch is ~5 µs.
        losses, isfinite, train = self.history.loss, math.isfinite, self.train
        step = self._epoch_step()
        for epoch in range(1, epochs + 1):
            self.epoch = epoch
            if epoch >= self.next_mark:
                self.next_mark = self.rewind.mark(epoch)
            epoch_loss = step()
            if not isfinite(epoch_loss):
                self.history.diverged_epoch = epoch
                _diverged(self.net, self.rewind, self.finite, epoch, epoch_loss)
            self.finite = epoch  # a finite loss vouches for the starting weights
            losses.append(epoch_loss)
            if self.watching:
                if self._watch(epoch, epoch_loss):
                    return
                if self.train is not train:  # the callback gave a layer new arrays
                    train, step = self.train, self._epoch_step()

    def _epoch_step(self) -> Callable[[], float]:
        """One epoch's training: a step bound to the whole data set, or a pass of mini-batches."""
        return self.train.bind(self.X, self.Y).run if self.full_batch else self._run_batches

    def _run_batches(self) -> float:
        """One epoch of mini-batches (in a new order with ``shuffle``); return its loss."""
        X, Y, rows, train = self.X, self.Y, self.rows, self.train
        n_samples = X.shape[0]
        order = self.net.rng.permutation(n_samples) if self.shuffle else None
        total = 0.0
        for start in range(0, n_samples, rows):
            if order is None:
                X_batch, Y_batch = X[start : start + rows], Y[start : start + rows]
                if X_batch.dtype != Y_batch.dtype:  # float32 data for a float64 network
                    X_batch = X_batch.astype(Y_batch.dtype)
            else:
                X_batch, Y_batch = train.gather(X, Y, order[start : start + rows])
            loss = train(X_batch, Y_batch)
            total += loss if self.summed else loss * X_batch.shape[0]
        return total if self.summed else total / n_samples

    def _watch(self, epoch: int, epoch_loss: float) -> bool:
        """Validate, note the best epoch and call the callback; return whether to stop."""
        monitored = epoch_loss
        if self.Y_val is not None:
            monitored = self.net.evaluate(self.X_val, self.Y_val)
            self.history.val_loss.append(monitored)
        if self.patience is not None and self._out_of_patience(epoch, monitored, self.patience):
            self.history.stopped_early = True
            return True
        return self.callback is not None and self._call_back(epoch, self.callback)

    def _out_of_patience(self, epoch: int, monitored: float, patience: int) -> bool:
        """Keep a new best epoch's weights; return whether ``patience`` epochs went by without."""
        if monitored < self.best_loss:
            self.best_loss, self.since_best, self.history.best_epoch = monitored, 0, epoch
            self.best = [param.copy() for param, _ in self.pairs]
            return False
        self.since_best += 1
        return self.since_best >= patience

    def _call_back(self, epoch: int, callback: Callable[[int, Net, History], bool | None]) -> bool:
        """Call the callback; return whether it asks to stop."""
        if callback(epoch, self.net, self.history):
            return True
        if not self.train.is_current():  # the callback gave a layer new arrays
            self.train = TrainingStep(self.net, fixed_settings=False)
            self.pairs = self.train.pairs
            self.rewind = Rewind(
                self.train, self.X, self.Y, replayable=False, first_epoch=epoch + 1
            )
            self.finite = self.next_mark = epoch + 1
        return False

    def interrupted(self, restore_best: bool) -> None:
        """After Ctrl-C: warn, and go back to the last finite weights unless the best will do."""
        self.history.interrupted = True
        keep_best = self.best is not None and restore_best
        warnings.warn(
            f"training interrupted at epoch {self.epoch}; keeping the "
            + ("best weights so far" if keep_best else "last finite weights"),
            ConvergenceWarning,
            stacklevel=3,  # the caller of fit
        )
        if not keep_best:
            self.rewind.restore(self.finite)

    def finish(self, restore_best: bool) -> None:
        """Hand the network its last batch, check its weights, and restore the best epoch's."""
        self.train.publish()
        if not all(np.isfinite(param).all() for param, _ in self.pairs):
            self.history.diverged_epoch = self.epoch
            _diverged(self.net, self.rewind, self.finite, self.epoch, math.nan)
        if self.patience is not None and restore_best and self.best is not None:
            _restore(self.pairs, self.best)
            self.history.kept_epoch = self.history.best_epoch


def _restore(pairs: list[tuple[Array, Array]], saved: list[Array]) -> None:
    for (param, _), value in zip(pairs, saved, strict=True):
        np.copyto(param, value)


def _diverged(net: Trainable, rewind: Rewind, finite: int, epoch: int, loss: float) -> None:
    rewind.restore(finite)
    net.optimizer.reset()
    raise TrainingDivergedError(
        f"training diverged at epoch {epoch}: the loss became {loss}; the last finite weights "
        "were kept. Try a lower learning rate, or scale the inputs to unit size.",
        epoch,
    )
