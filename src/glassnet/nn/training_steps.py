"""The training step as ``fit`` runs it: ``Network.train_step`` with every array preallocated.

``TrainingStep`` does exactly the arithmetic of ``Network.forward``, ``backward`` and the
optimizer's update, in the same order, so the numbers are identical; it only writes each result
into a buffer kept from the previous step instead of a new array. For each batch size it strings
the step together once, as a list of NumPy calls bound to those buffers (a ``_Program``), and then
runs that list: the tutorial's step is a dozen calls on 4×1 arrays, where looking up layers and
methods again every step would cost more than the arithmetic. That is what makes a small
network's step cost no more than the ten-line tutorial loop. It is not a second model of the
maths: read ``layers.py`` and ``network.py`` for that. Letters: n rows, i inputs, o outputs of a
layer.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet._types import Array, Call
from glassnet.nn.activations import Softmax

if TYPE_CHECKING:
    from glassnet.nn.layers import Dense
    from glassnet.nn.optimizers import Optimizer
    from glassnet.nn.trainable import Trainable

__all__ = ["Rewind", "TrainingStep", "bound_step"]

_dot, _sum = np.dot, np.add.reduce


class _Buffers:
    """One layer's arrays for one batch size: its input, Z, A, ∂L/∂A, ∂L/∂Z, and its parameters."""

    __slots__ = ("A", "W", "X", "Z", "activation", "b", "dA", "dW", "dZ", "db")

    def __init__(self, layer: Dense, n_rows: int, dtype: np.dtype[np.floating]) -> None:
        n_out = layer.n_out
        self.W, self.b, self.dW, self.db = layer.weights, layer.bias, layer.dW, layer.db
        self.activation = layer.activation
        self.X: Array = np.empty((0, 0), dtype=dtype)  # the layer's input, set by the program
        self.Z: Array = np.empty((n_rows, n_out), dtype=dtype)  # (n, o)
        self.A: Array = np.empty((n_rows, n_out), dtype=dtype)  # (n, o)
        self.dA: Array = np.empty((n_rows, n_out), dtype=dtype)  # (n, o)
        self.dZ: Array = np.empty((n_rows, n_out), dtype=dtype)  # (n, o)


class _Program:
    """One training step on fixed arrays ``X`` and ``Y``: ``run()`` trains and returns the loss."""

    __slots__ = ("X", "Y", "buffers", "run")

    def __init__(
        self, X: Array, Y: Array, buffers: list[_Buffers], run: Callable[[], float]
    ) -> None:
        self.X, self.Y, self.buffers, self.run = X, Y, buffers, run


def bound_step(
    before: list[Call], value: Callable[[], Any], scale: float, after: list[Call]
) -> Callable[[], float]:
    """Return a training step made of bound calls: ``before``, the loss, then ``after``.

    ``before`` is the forward pass and the loss's gradient, ``value()`` times ``scale`` the loss
    (taken before ``after`` may overwrite what it reads), ``after`` the backward pass and update.
    """

    def run() -> float:
        for call in before:  # forward, and the loss's gradient
            call()
        loss = scale * float(value())
        for call in after:  # backward, then the update
            call()
        return loss

    return run


def _optimizer_step(net: Trainable, pairs: list[tuple[Array, Array]]) -> None:
    net.optimizer.step(pairs)  # whichever optimizer the network holds, with its settings now


class TrainingStep:
    """Forward, backward and update of ``net`` on one batch, into reused buffers.

    Parameters
    ----------
    net : Trainable
        Its layers' ``weights``, ``bias``, ``dW`` and ``db`` are used (and updated) in place, so
        they must not be replaced while this object is in use.
    fixed_settings : bool, default=True
        Whether the optimizer's settings (say its learning rate) stay as they are while this
        step is in use, so that its update can be bound into the step too. With False each step
        asks the network's optimizer anew, as a callback that changes it needs.

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

    def __init__(self, net: Trainable, fixed_settings: bool = True) -> None:
        self.net = net
        self.layers = net.layers
        self.pairs = [(param, grad) for _, param, grad in net.parameters()]
        self._fixed = fixed_settings
        # Softmax + cross-entropy share their row maxima and sums: the loss computes the softmax.
        self._loss_makes_softmax = (
            net.fused
            and type(self.layers[-1].activation) is Softmax
            and hasattr(net.loss, "inplace_softmax_value_and_gradient")
        )
        self._optimizer = net.optimizer
        self._programs: dict[int, _Program] = {}  # by batch size, on arrays of their own
        self._bound: _Program | None = None  # the one on the caller's arrays (``bind``)
        self._last: list[_Buffers] = []

    def __call__(self, X: Array, Y: Array) -> float:
        """Train on the checked batch ``X`` (n, n_inputs), ``Y`` (n, n_outputs); return its loss."""
        program = self._program_for(X, Y)
        self._last = program.buffers
        return program.run()

    def bind(self, X: Array, Y: Array) -> _Program:
        """Return a step on these very arrays, which must not change shape or be replaced.

        For full-batch training, where every step sees the same data: nothing is copied.
        """
        self._check_optimizer()
        self._bound = self._build(X, Y)
        self._last = self._bound.buffers
        return self._bound

    def _check_optimizer(self) -> None:
        # Replaying epochs (``Rewind``) swaps in a copy of the optimizer's saved state.
        if self.net.optimizer is not self._optimizer:
            self._optimizer = self.net.optimizer
            self._programs.clear()
            self._bound = None

    def _program_for(self, X: Array, Y: Array) -> _Program:
        """The step for this batch size, with ``X`` and ``Y`` copied into its arrays if needed."""
        self._check_optimizer()
        bound = self._bound
        if bound is not None and X is bound.X and Y is bound.Y:
            return bound
        program = self._programs.get(X.shape[0]) or self._own_program(X.shape[0], Y.shape[1])
        if X is not program.X:
            np.copyto(program.X, X)  # a float32 batch for a float64 network is widened here
        if Y is not program.Y:
            np.copyto(program.Y, Y)
        return program

    def _own_program(self, n_rows: int, n_outputs: int) -> _Program:
        dtype = self.net.dtype
        X = np.empty((n_rows, self.layers[0].n_in), dtype)  # (n, n_inputs)
        Y = np.empty((n_rows, n_outputs), dtype)  # (n, n_outputs)
        program = self._programs[n_rows] = self._build(X, Y)
        return program

    def _build(self, X: Array, Y: Array) -> _Program:
        """String the step on ``X`` and ``Y`` together as bound calls, in ``train_step``'s order."""
        dtype = self.net.dtype
        bufs = [_Buffers(layer, X.shape[0], dtype) for layer in self.layers]
        before: list[Call] = []
        A = X
        for buf in bufs:  # forward
            buf.X = A
            before.append(partial(_dot, A, buf.W, buf.Z))  # (n, o)
            if buf.b is not None:
                before.append(partial(np.add, buf.Z, buf.b, buf.Z))
            if buf is bufs[-1] and self._loss_makes_softmax:
                A = buf.A  # written by the loss
            else:
                calls, A = buf.activation.forward_calls(buf.Z, buf.A)  # Z itself for identity
                before += calls
            buf.A = A
        loss_calls, value, scale, after, dZ = self._loss(bufs[-1], A, Y)
        before += loss_calls
        index = len(bufs) - 1
        while True:  # backward, from the output layer to the first
            buf = bufs[index]
            after.append(partial(_dot, buf.X.T, dZ, buf.dW))  # (i, o)
            if buf.db is not None:
                after.append(partial(_sum, dZ, 0, None, buf.db))  # (o,): np.sum's own reduce
            if index == 0:
                break
            index -= 1
            below = bufs[index]
            after.append(partial(_dot, dZ, buf.W.T, below.dA))  # (n, i)
            calls, dZ = below.activation.backward_calls(below.Z, below.A, below.dA, below.dZ)
            after += calls
        if self._fixed:
            after += self.net.optimizer.step_calls(self.pairs)
        else:
            after.append(partial(_optimizer_step, self.net, self.pairs))
        return _Program(X, Y, bufs, bound_step(before, value, scale, after))

    def _loss(
        self, out: _Buffers, A: Array, Y: Array
    ) -> tuple[list[Call], Callable[[], Any], float, list[Call], Array]:
        """The loss's calls, its value and scale, the output layer's backward calls, and its dZ."""
        loss = self.net.loss
        if self._loss_makes_softmax:
            make = loss.inplace_softmax_value_and_gradient  # type: ignore[attr-defined]
            return [], partial(make, out.Z, out.A, Y, out.dZ), 1.0, [], out.dZ
        if self.net.fused:
            make = loss.inplace_value_and_gradient_from_logits
            return [], partial(make, out.Z, A, Y, out.dZ), 1.0, [], out.dZ
        calls, value, scale = loss.value_and_gradient_calls(A, Y, out.dA)
        backward, dZ = out.activation.backward_calls(out.Z, A, out.dA, out.dZ)
        return calls, value, scale, backward, dZ

    def is_current(self) -> bool:
        """Whether the network still holds the very arrays (and loss) this step was built on."""
        pairs = [(param, grad) for _, param, grad in self.net.parameters()]
        return len(pairs) == len(self.pairs) and all(
            param is kept and grad is kept_grad
            for (param, grad), (kept, kept_grad) in zip(pairs, self.pairs, strict=True)
        )

    def gather(self, X: Array, Y: Array, rows: np.ndarray) -> tuple[Array, Array]:
        """Return ``X[rows]`` and ``Y[rows]`` in the arrays of the step for ``len(rows)`` rows.

        The same values as ``X[rows]``, ``Y[rows]`` without a new array per batch; a float32 ``X``
        for a float64 network is widened here, one batch at a time.
        """
        n_rows = len(rows)
        program = self._programs.get(n_rows) or self._own_program(n_rows, Y.shape[1])
        X_batch, Y_batch = program.X, program.Y
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
