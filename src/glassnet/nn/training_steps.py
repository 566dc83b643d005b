"""The training step as ``fit`` runs it: ``Network.train_step`` with every array preallocated.

``TrainingStep`` does exactly the arithmetic of ``Network.forward``, ``backward`` and the
optimizer's update, in the same order, so the numbers are identical; it only writes each result
into a buffer kept from the previous step (one set per batch size) instead of a new array. That is
what makes a small network's step cost no more than the ten-line tutorial loop. It is not a second
model of the maths: read ``layers.py`` and ``network.py`` for that. Letters: n rows, i inputs, o
outputs of a layer.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet._types import Array
from glassnet.nn.activations import Softmax

if TYPE_CHECKING:
    from glassnet.nn.layers import Dense
    from glassnet.nn.optimizers import Optimizer
    from glassnet.nn.trainable import Trainable

__all__ = ["Rewind", "TrainingStep"]

# Module-level names and a positional ``out`` save ~0.1 µs a call, where calls cost ~0.5 µs.
_dot, _add, _sum = np.dot, np.add, np.add.reduce


def _leave_for_the_loss(Z: Array, out: Array) -> Array:
    """The output layer's forward when the loss computes its softmax: nothing yet."""
    return out


class _Buffers:
    """One layer's arrays for one batch size: its input, Z, A, ∂L/∂A, ∂L/∂Z, and its parameters."""

    __slots__ = ("A", "W", "X", "Z", "b", "backward", "dA", "dW", "dZ", "db", "forward")

    def __init__(self, layer: Dense, n_rows: int, dtype: np.dtype[np.floating]) -> None:
        n_out = layer.n_out
        # Everything a step looks up, looked up once.
        self.W, self.b, self.dW, self.db = layer.weights, layer.bias, layer.dW, layer.db
        self.forward = layer.activation.inplace_forward
        self.backward = layer.activation.inplace_backward
        self.X: Array = np.empty((0, 0), dtype=dtype)  # the layer's input, set by each forward
        self.Z: Array = np.empty((n_rows, n_out), dtype=dtype)  # (n, o)
        self.A: Array = np.empty((n_rows, n_out), dtype=dtype)  # (n, o)
        self.dA: Array = np.empty((n_rows, n_out), dtype=dtype)  # (n, o)
        self.dZ: Array = np.empty((n_rows, n_out), dtype=dtype)  # (n, o)


class TrainingStep:
    """Forward, backward and update of ``net`` on one batch, into reused buffers.

    Parameters
    ----------
    net : Trainable
        Its layers' ``weights``, ``bias``, ``dW`` and ``db`` are used (and updated) in place, so
        they must not be replaced while this object is in use.

    Examples
    --------
    >>> import glassnet as gn
    >>> net = gn.Network([gn.Dense(3, 1, activation="sigmoid", bias=False)], loss="sse",
    ...                  optimizer=gn.SGD(lr=1.0), init="uniform", rng=np.random.RandomState(1))
    >>> twin = net.copy()
    >>> X, Y = np.array([[0.0, 0, 1], [1, 1, 1]]), np.array([[0.0], [1.0]])
    >>> step = TrainingStep(net)
    >>> step(X, Y) == twin.train_step(X, Y)
    True
    >>> bool((net.layers[0].weights == twin.layers[0].weights).all())
    True
    """

    def __init__(self, net: Trainable) -> None:
        self.net = net
        self.layers = net.layers
        self.pairs = [(param, grad) for _, param, grad in net.parameters()]
        self._fused = net.fused
        loss = net.loss
        self._loss: Callable[..., float] = (
            loss.inplace_value_and_gradient_from_logits
            if self._fused
            else loss.inplace_value_and_gradient
        )
        # Softmax + cross-entropy share their row maxima and sums: the loss computes the softmax.
        self._loss_makes_softmax = (
            self._fused
            and type(self.layers[-1].activation) is Softmax
            and hasattr(loss, "inplace_softmax_value_and_gradient")
        )
        if self._loss_makes_softmax:
            self._loss = loss.inplace_softmax_value_and_gradient  # type: ignore[attr-defined]
        self._buffers: dict[int, list[_Buffers]] = {}
        self._batches: dict[int, tuple[Array, Array]] = {}
        self._last: list[_Buffers] = []

    def buffers(self, n_rows: int) -> list[_Buffers]:
        """Return (making them on first use) the per-layer buffers for batches of ``n_rows``."""
        found = self._buffers.get(n_rows)
        if found is None:
            dtype = self.net.dtype
            found = [_Buffers(layer, n_rows, dtype) for layer in self.layers]
            if self._loss_makes_softmax:
                found[-1].forward = _leave_for_the_loss
            self._buffers[n_rows] = found
        return found

    def __call__(self, X: Array, Y: Array) -> float:
        """Train on the checked batch ``X`` (n, n_inputs), ``Y`` (n, n_outputs); return its loss."""
        bufs = self._buffers.get(X.shape[0]) or self.buffers(X.shape[0])
        self._last = bufs
        A = X
        for buf in bufs:  # forward
            buf.X = A
            Z = _dot(A, buf.W, buf.Z)  # (n, o)
            if buf.b is not None:
                _add(Z, buf.b, Z)
            A = buf.A = buf.forward(Z, buf.A)  # (n, o); Z itself for the identity
        if self._fused:
            value = self._loss(buf.Z, A, Y, buf.dZ)
            dZ = buf.dZ
        else:
            value = self._loss(A, Y, buf.dA)
            dZ = buf.backward(buf.Z, A, buf.dA, buf.dZ)
        index = len(bufs) - 1
        while True:  # backward, from the output layer to the first
            _dot(buf.X.T, dZ, buf.dW)  # (i, o)
            if buf.db is not None:
                _sum(dZ, 0, out=buf.db)  # (o,); add.reduce is np.sum without its wrapper
            if index == 0:
                break
            W = buf.W
            index -= 1
            buf = bufs[index]
            _dot(dZ, W.T, buf.dA)  # (n, i)
            dZ = buf.backward(buf.Z, buf.A, buf.dA, buf.dZ)  # (n, i)
        self.net.optimizer.step(self.pairs)
        return value

    def is_current(self) -> bool:
        """Whether the network still holds the very arrays (and loss) this step was built on."""
        pairs = [(param, grad) for _, param, grad in self.net.parameters()]
        return len(pairs) == len(self.pairs) and all(
            param is kept and grad is kept_grad
            for (param, grad), (kept, kept_grad) in zip(pairs, self.pairs, strict=True)
        )

    def gather(self, X: Array, Y: Array, rows: np.ndarray) -> tuple[Array, Array]:
        """Return ``X[rows]`` and ``Y[rows]`` in reused arrays of the network's dtype.

        The same values as ``X[rows]``, ``Y[rows]`` without a new array per batch; a float32 ``X``
        for a float64 network is widened here, one batch at a time.
        """
        n_rows = len(rows)
        found = self._batches.get(n_rows)
        if found is None:
            dtype = self.net.dtype
            found = (np.empty((n_rows, X.shape[1]), dtype), np.empty((n_rows, Y.shape[1]), dtype))
            self._batches[n_rows] = found
        X_batch, Y_batch = found
        # mode="wrap" writes straight into the buffer ("raise" goes through a temporary); the
        # rows come from a permutation, so every index is in range anyway.
        if X.dtype == X_batch.dtype:
            np.take(X, rows, axis=0, out=X_batch, mode="wrap")  # (n, n_inputs)
        else:
            np.copyto(X_batch, X[rows])
        np.take(Y, rows, axis=0, out=Y_batch, mode="wrap")  # (n, n_outputs)
        return X_batch, Y_batch

    def publish(self) -> None:
        """Point each layer's input, ``Z`` and ``A`` at the last batch's, as ``forward`` would."""
        for layer, buf in zip(self.layers, self._last, strict=False):
            layer._X, layer.Z, layer.A = buf.X, buf.Z, buf.A


class Rewind:
    """Keeps enough to give back the weights any recent epoch started from.

    ``fit`` promises the last weights known to give a finite loss after a divergence or Ctrl-C.
    Copying every weight at the start of each epoch would cost a small network as much as a
    quarter of its step, so when epochs are exactly repeatable (full batch, no shuffle, no
    callback that may touch the weights) the weights and optimizer state are saved only every
    ``every`` epochs and the epochs since are replayed on demand, giving the same numbers.
    Otherwise they are saved at the start of every epoch. Two saves are kept: the latest and the
    one before, which covers the epoch before the current one.

    Parameters
    ----------
    step : TrainingStep
    X, Y : ndarray
        The full batch, replayed when ``replayable``.
    replayable : bool
        Whether an epoch is one ``step(X, Y)`` and nothing else changes the weights.
    """

    def __init__(
        self,
        step: Callable[[Array, Array], float],
        X: Array,
        Y: Array,
        replayable: bool,
        params: list[Array] | None = None,
        owner: Any = None,
        first_epoch: int = 1,
    ) -> None:
        self.step, self.X, self.Y = step, X, Y
        # What the step updates, and what holds its ``optimizer``: a TrainingStep's by default.
        self.params = params if params is not None else [p for p, _ in step.pairs]  # type: ignore[attr-defined]
        self.owner = owner if owner is not None else step.net  # type: ignore[attr-defined]
        # A save costs O(weights) and a step O(rows · weights): saving every ~256 rows' worth of
        # steps keeps both the saving and the worst replay small.
        self.every = max(1, min(256, 4096 // X.shape[0])) if replayable else 1
        self._slots: list[tuple[int, list[Array], Optimizer | None]] = []
        self.mark(first_epoch)

    def mark(self, epoch: int) -> int:
        """Note that ``epoch`` (1-based) starts; save the weights if due; return the next due."""
        if self._slots and epoch - self._slots[-1][0] < self.every:
            return self._slots[-1][0] + self.every
        if len(self._slots) < 2:
            saved = [param.copy() for param in self.params]
        else:
            saved = self._slots.pop(0)[1]
            for keep, param in zip(saved, self.params, strict=True):
                np.copyto(keep, param)
        optimizer = copy.deepcopy(self.owner.optimizer) if self.every > 1 else None
        self._slots.append((epoch, saved, optimizer))
        return epoch + self.every

    def restore(self, epoch: int) -> None:
        """Put back the weights at the start of ``epoch`` (at most one before the latest mark)."""
        start, saved, optimizer = next(slot for slot in reversed(self._slots) if slot[0] <= epoch)
        for param, value in zip(self.params, saved, strict=True):
            np.copyto(param, value)
        if start == epoch:
            return
        assert optimizer is not None, "a replay needs the saved optimizer state"
        owner = self.owner  # replay with a copy of the saved state, which may be needed again
        current, owner.optimizer = owner.optimizer, copy.deepcopy(optimizer)
        try:
            with np.errstate(over="ignore", invalid="ignore"):
                for _ in range(epoch - start):
                    self.step(self.X, self.Y)
        finally:
            owner.optimizer = current
