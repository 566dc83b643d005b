"""The loop behind ``Ensemble.fit``: epochs, mini-batches, and members whose loss blows up.

``train_members`` runs the ensemble's step (every member at once) over the data, epoch by epoch,
as ``training.fit`` does for one network. A member whose loss becomes inf or NaN is put back to its
last finite weights and held there while the others go on. The step's arithmetic is not here: it
stays with the stacked weights in ``ensemble.py``.
"""

from __future__ import annotations

import math
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet._types import Array
from glassnet.errors import TrainingDivergedError
from glassnet.nn.history import History
from glassnet.nn.training_steps import Rewind

if TYPE_CHECKING:
    from glassnet.nn.stacked_networks import StackedNetworks

__all__ = ["train_members"]

# What holds diverged members still: (param, index of those members in it, their kept values).
_Frozen = list[tuple[Array, tuple[Any, ...], Array]]


def train_members(
    ensemble: StackedNetworks, X: Array, Y: Array, epochs: int, rows: int, shuffle: bool
) -> History:
    """Train every member for ``epochs`` epochs on checked data, as ``Ensemble.fit`` does.

    Parameters
    ----------
    ensemble : StackedNetworks
    X : ndarray of shape (n_samples, n_inputs)
    Y : ndarray of shape (n_samples, n_outputs)
        As ``ensemble.template.check_X`` and ``check_y`` return them, with at least one row.
    epochs : int
    rows : int
        Rows per step, at most n_samples.
    shuffle : bool
        Reorder the rows every epoch, each member drawing from its own rng.

    Returns
    -------
    History
        The members' mean loss per epoch, also kept as ``ensemble.history``.

    Raises
    ------
    TrainingDivergedError
        When every member has diverged.

    Examples
    --------
    >>> import glassnet as gn
    >>> ensemble = gn.Ensemble([gn.Dense(2, 1)], seeds=3, loss="mse")
    >>> X, Y = np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([[1.0], [0.0]])
    >>> train_members(ensemble, X, Y, epochs=4, rows=2, shuffle=False).epochs
    4
    """
    full_batch = rows == X.shape[0] and not shuffle
    # One copy of the targets per member, (n, K, o): subtracting a broadcast (n, 1, o) runs
    # NumPy's inner loop o entries at a time, ten times slower for the tutorial's one output.
    Y3 = _per_member(Y, ensemble.n_members)
    history = ensemble.history = History()
    params = [param for param, _ in ensemble._pairs]
    rewind = Rewind(ensemble._step, X, Y3, full_batch, params=params, owner=ensemble)
    frozen: _Frozen = []  # holds the members that diverged at their last finite weights
    finite, next_mark, epoch = 1, 1, 0
    # One epoch: the step bound once to the whole data, or a pass of mini-batches.
    step = (
        ensemble.bind(X, Y3) if full_batch else partial(_run_batches, ensemble, X, Y, rows, shuffle)
    )
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(1, epochs + 1):
            if epoch >= next_mark:
                next_mark = rewind.mark(epoch)
            loss = step()
            for param, index, kept in frozen:
                param[index] = kept
            if not math.isfinite(loss):
                frozen += _freeze(ensemble, X, Y, rewind, epoch, finite, epoch)
                loss = float(ensemble.evaluate_members(X, Y).mean())
            finite = epoch
            history.loss.append(loss)
        if not _finite_members(ensemble).all():
            _freeze(ensemble, X, Y, rewind, None, finite, epoch)
    return history


def _per_member(Y: Array, n_members: int) -> Array:
    """Return a contiguous copy of ``Y`` (n, o) for every member, shape (n, K, o)."""
    return np.ascontiguousarray(np.broadcast_to(Y[:, None, :], (Y.shape[0], n_members, Y.shape[1])))


def _run_batches(ensemble: StackedNetworks, X: Array, Y: Array, rows: int, shuffle: bool) -> float:
    """One epoch of mini-batches; with ``shuffle`` each member draws its own order."""
    n_samples = X.shape[0]
    summed = ensemble.template.loss.reduction == "sum"
    orders = np.stack([rng.permutation(n_samples) for rng in ensemble.rngs]) if shuffle else None
    total = 0.0
    for start in range(0, n_samples, rows):
        if orders is None:
            X_batch = X[start : start + rows]
            Y_batch = _per_member(Y[start : start + rows], ensemble.n_members)
        else:
            chosen = orders[:, start : start + rows]  # (K, b)
            X_batch = X[chosen]  # (K, b, i)
            Y_batch = Y[chosen].transpose(1, 0, 2)  # (b, K, o)
        loss = ensemble._step(X_batch, Y_batch)
        total += loss if summed else loss * X_batch.shape[-2]
    return total if summed else total / n_samples


def _finite_members(ensemble: StackedNetworks) -> np.ndarray:
    """Whether each member's weights are all finite, shape (K,)."""
    K = ensemble.n_members
    ok: np.ndarray = np.ones(K, dtype=bool)
    for param, axis in ensemble.parameters():
        ok &= np.isfinite(np.moveaxis(param, axis, 0).reshape(K, -1)).all(axis=1)
    return ok


def _freeze(
    ensemble: StackedNetworks,
    X: Array,
    Y: Array,
    rewind: Rewind,
    epoch: int | None,
    finite: int,
    now: int,
) -> _Frozen:
    """Give members that diverged their last finite weights; return what keeps them there.

    ``epoch`` is the epoch whose loss was not finite (None: only the weights are not).
    """
    current = [param.copy() for param, _ in ensemble._pairs]  # the healthy members go on from here
    bad = ~_finite_members(ensemble)
    if epoch is not None:
        rewind.restore(epoch)  # which members' losses were not finite at this epoch's start?
        bad |= ~np.isfinite(ensemble.evaluate_members(X, Y))
    bad &= ensemble.diverged == 0
    rewind.restore(finite)
    members = np.flatnonzero(bad)
    kept = []
    for (param, axis), saved in zip(ensemble.parameters(), current, strict=True):
        index = (slice(None),) * axis + (members,)
        values = param[index].copy()
        np.copyto(param, saved)
        param[index] = values
        kept.append((param, index, values))
    ensemble.diverged[members] = now
    if (ensemble.diverged > 0).all():
        raise TrainingDivergedError(
            f"training diverged by epoch {now}: every member's loss became inf or NaN; "
            "each kept its last finite weights. Try a lower learning rate, or scale the "
            "inputs to unit size.",
            now,
        )
    return kept
