"""Loss functions: a number that says how wrong the predictions are, and its gradient.

Each loss gives ``value(A, Y)`` and ``gradient(A, Y)`` = ∂L/∂A, with PyTorch's reductions so numbers
can be compared with ``torch.nn`` losses. Cross-entropy after a sigmoid or softmax output also has a
fused form computed from the weighted sums ``Z`` (log-sum-exp), which never returns inf for a
confident right answer. Shapes: ``A``, ``Z``, ``Y`` are (n_samples, n_outputs); ``n`` is n_samples
and ``m`` the count of all entries, n_samples · n_outputs. The ``inplace_*`` forms used by the
training loop return the value and write the gradient into a reused buffer: the same arithmetic.
``value_and_gradient_calls`` hands that arithmetic over as bound NumPy calls, for a training step
built once and run many times.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, ClassVar, Literal

import numpy as np

from glassnet._types import Array, Call
from glassnet.nn.registry import look_up

__all__ = [
    "LOSSES",
    "BinaryCrossEntropy",
    "CategoricalCrossEntropy",
    "Loss",
    "MeanSquaredError",
    "SumSquaredError",
    "get_loss",
]


class Loss:
    """Base class for losses.

    ``fused_activation`` names the output activation for which ``value_from_logits`` and
    ``gradient_from_logits`` exist; the network uses them instead of chaining the two derivatives.
    ``reduction`` says how batches combine into an epoch's loss: added ("sum") or averaged ("mean").
    """

    name: ClassVar[str] = ""
    reduction: ClassVar[Literal["sum", "mean"]] = "mean"
    fused_activation: ClassVar[str | None] = None

    def value(self, A: Array, Y: Array) -> float:
        """Return the loss of predictions ``A`` against targets ``Y``."""
        raise NotImplementedError

    def gradient(self, A: Array, Y: Array) -> Array:
        """Return ∂L/∂A, shape (n, k)."""
        raise NotImplementedError

    def value_from_logits(self, Z: Array, Y: Array) -> float:
        """Return the loss computed from the output layer's weighted sums ``Z``."""
        raise NotImplementedError

    def gradient_from_logits(self, Z: Array, A: Array, Y: Array) -> Array:
        """Return ∂L/∂Z directly, skipping the activation's own derivative."""
        raise NotImplementedError

    def inplace_value_and_gradient(self, A: Array, Y: Array, out: Array) -> float:
        """Return ``value(A, Y)`` and write ``gradient(A, Y)`` into ``out``."""
        np.copyto(out, self.gradient(A, Y))
        return self.value(A, Y)

    def inplace_value_and_gradient_from_logits(
        self, Z: Array, A: Array, Y: Array, out: Array
    ) -> float:
        """Return ``value_from_logits(Z, Y)`` and write ``gradient_from_logits`` into ``out``."""
        np.copyto(out, self.gradient_from_logits(Z, A, Y))
        return self.value_from_logits(Z, Y)

    def value_and_gradient_calls(
        self, A: Array, Y: Array, out: Array
    ) -> tuple[list[Call], Callable[[], Any], float]:
        """``inplace_value_and_gradient(A, Y, out)`` as bound calls: (calls, value, scale).

        Run the calls, then ``scale * float(value())`` is the loss and ``out`` holds ∂L/∂A.
        """
        return [], partial(self.inplace_value_and_gradient, A, Y, out), 1.0

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def sum_of_squares(E: Array) -> float:
    """Return ``Σ E²`` over every entry: BLAS's dot for small arrays, NumPy's own sum beyond.

    OpenBLAS splits a dot of more than ~10,000 entries over its threads, and on a busy machine
    waiting for them costs milliseconds; ``einsum`` sums in place without threads.
    """
    return float(sum_of_squares_call(E)())


def sum_of_squares_call(E: Array) -> Callable[[], Any]:
    """Return a call that computes ``Σ E²`` of the array ``E`` as it is when called."""
    if E.size <= 8192:
        return partial(np.vdot, E, E)  # vdot flattens: the tutorial's exact E·E
    if not E.flags.c_contiguous:  # ravel would copy, and the copy would not follow E
        return lambda: np.einsum("i,i->", E.ravel(), E.ravel())
    flat = E.reshape(-1)  # a view
    return partial(np.einsum, "i,i->", flat, flat)


class SumSquaredError(Loss):
    """``½ · Σ (a − y)²`` over every entry of the batch: the tutorial's implicit loss.

    Its gradient is ``a − y``; with a sigmoid output and a learning rate of 1, one full-batch step
    is exactly the tutorial's ``W += X.T @ ((y − a) · a · (1 − a))``.
    """

    name = "sse"
    reduction = "sum"

    def value(self, A: Array, Y: Array) -> float:
        """Return ``½ Σ (A − Y)²``."""
        return 0.5 * sum_of_squares(A - Y)

    def gradient(self, A: Array, Y: Array) -> Array:
        """∂/∂a ½(a − y)² = a − y."""
        return A - Y

    def inplace_value_and_gradient(self, A: Array, Y: Array, out: Array) -> float:
        """The gradient ``E = A − Y`` is the error itself, so the value is ``½ E·E``."""
        np.subtract(A, Y, out)
        return 0.5 * sum_of_squares(out)

    def value_and_gradient_calls(
        self, A: Array, Y: Array, out: Array
    ) -> tuple[list[Call], Callable[[], Any], float]:
        """The subtraction, and ``E·E`` with the scale ½."""
        return [partial(np.subtract, A, Y, out)], sum_of_squares_call(out), 0.5


class MeanSquaredError(Loss):
    """Mean of ``(a − y)²`` over every entry, as ``torch.nn.MSELoss()``."""

    name = "mse"

    def value(self, A: Array, Y: Array) -> float:
        """Return ``Σ (A − Y)² / m``."""
        E = A - Y
        return sum_of_squares(E) / E.size

    def gradient(self, A: Array, Y: Array) -> Array:
        """∂/∂a of the mean: ``2 (a − y) / m``."""
        return (2.0 / A.size) * (A - Y)

    def inplace_value_and_gradient(self, A: Array, Y: Array, out: Array) -> float:
        """One subtraction gives both: ``E = A − Y``, value ``E·E / m``, gradient ``2E / m``."""
        np.subtract(A, Y, out)
        value = sum_of_squares(out) / out.size
        np.multiply(2.0 / A.size, out, out)
        return value


class BinaryCrossEntropy(Loss):
    """Mean of ``−[y log a + (1 − y) log(1 − a)]`` over every entry, as ``torch.nn.BCELoss()``."""

    name = "binary_crossentropy"
    fused_activation = "sigmoid"

    def value(self, A: Array, Y: Array) -> float:
        """Return the mean binary cross-entropy; logs are clamped at −100 as in PyTorch."""
        with np.errstate(divide="ignore"):
            log_a = np.maximum(np.log(A), -100.0)
            log_1ma = np.maximum(np.log(1.0 - A), -100.0)
        return float(-(Y * log_a + (1.0 - Y) * log_1ma).mean())

    def gradient(self, A: Array, Y: Array) -> Array:
        """``(a − y) / (a (1 − a)) / m``, the denominator kept above 1e-12 as in PyTorch."""
        return (A - Y) / np.maximum(A * (1.0 - A), 1e-12) / A.size

    def value_from_logits(self, Z: Array, Y: Array) -> float:
        """``max(z, 0) − z·y + log(1 + e^−|z|)``: the same loss, finite for any ``z``."""
        return float((np.maximum(Z, 0.0) - Z * Y + np.log1p(np.exp(-np.abs(Z)))).mean())

    def gradient_from_logits(self, Z: Array, A: Array, Y: Array) -> Array:
        """With ``a = σ(z)`` the two derivatives cancel to ``dZ = (a − y) / m``."""
        # ∂L/∂a = (a − y)/(a(1 − a)) and σ' = a(1 − a): the canonical-link shortcut.
        return (A - Y) / A.size

    def inplace_value_and_gradient_from_logits(
        self, Z: Array, A: Array, Y: Array, out: Array
    ) -> float:
        """Value from the logits; gradient ``(a − y) / m`` into ``out``."""
        np.subtract(A, Y, out=out)
        np.divide(out, A.size, out=out)
        return self.value_from_logits(Z, Y)


class CategoricalCrossEntropy(Loss):
    """Mean over samples of ``−Σ_j y_j log a_j`` (``torch.nn.CrossEntropyLoss`` on the logits)."""

    name = "categorical_crossentropy"
    fused_activation = "softmax"

    def value(self, A: Array, Y: Array) -> float:
        """Return ``−Σ Y log A / n``, with A kept above the smallest normal float."""
        tiny = np.finfo(A.dtype).tiny
        return float(-(Y * np.log(np.maximum(A, tiny))).sum() / A.shape[0])

    def gradient(self, A: Array, Y: Array) -> Array:
        """``−y / a / n``."""
        tiny = np.finfo(A.dtype).tiny
        return -Y / np.maximum(A, tiny) / A.shape[0]

    def value_from_logits(self, Z: Array, Y: Array) -> float:
        """``Σ_j y_j (logsumexp(z) − z_j) / n``, shifted by the row maximum: never overflows."""
        shift = Z.max(axis=1, keepdims=True)  # (n, 1)
        lse = np.log(np.exp(Z - shift).sum(axis=1, keepdims=True)) + shift  # (n, 1)
        return float((Y * (lse - Z)).sum() / Z.shape[0])

    def gradient_from_logits(self, Z: Array, A: Array, Y: Array) -> Array:
        """With ``a = softmax(z)``: ``dZ = (a·Σ_j y_j − y) / n``, ``(a − y) / n`` for one-hot."""
        return (A * Y.sum(axis=1, keepdims=True) - Y) / A.shape[0]

    def inplace_value_and_gradient_from_logits(
        self, Z: Array, A: Array, Y: Array, out: Array
    ) -> float:
        """Value from the logits; gradient ``(a·Σ_j y_j − y) / n`` into ``out``."""
        np.multiply(A, Y.sum(axis=1, keepdims=True), out=out)  # (n, k)
        np.subtract(out, Y, out=out)
        np.divide(out, A.shape[0], out=out)
        return self.value_from_logits(Z, Y)

    def inplace_softmax_value_and_gradient(self, Z: Array, A: Array, Y: Array, out: Array) -> float:
        """Softmax of ``Z`` into ``A``, the gradient into ``out``; return the value.

        The very operations of ``Softmax.inplace_forward`` then
        ``inplace_value_and_gradient_from_logits``, except that the row maxima and the row sums
        of ``exp(Z − max)``, which both need, are computed once.
        """
        shift = np.maximum.reduce(Z, axis=1, keepdims=True)  # (n, 1): Z.max(axis=1)
        np.subtract(Z, shift, A)  # (n, k)
        np.exp(A, A)
        total = np.add.reduce(A, axis=1, keepdims=True)  # (n, 1)
        np.divide(A, total, A)  # the softmax
        lse = np.log(total) + shift  # (n, 1)
        np.multiply(A, np.add.reduce(Y, axis=1, keepdims=True), out)
        np.subtract(out, Y, out)
        np.divide(out, A.shape[0], out)
        return float((Y * (lse - Z)).sum() / Z.shape[0])


LOSSES: dict[str, type[Loss]] = {
    cls.name: cls
    for cls in (SumSquaredError, MeanSquaredError, BinaryCrossEntropy, CategoricalCrossEntropy)
}
_ALIASES = {
    "bce": "binary_crossentropy",
    "cce": "categorical_crossentropy",
    "cross_entropy": "categorical_crossentropy",
}


def get_loss(loss: str | Loss) -> Loss:
    """Return a loss instance from a name or an instance.

    Parameters
    ----------
    loss : str or Loss
        sse, mse, binary_crossentropy (bce) or categorical_crossentropy (cce).

    Returns
    -------
    Loss

    Raises
    ------
    ConfigurationError
        For an unknown name; the message lists the valid ones.

    Examples
    --------
    >>> get_loss("bce")
    BinaryCrossEntropy()
    """
    if isinstance(loss, Loss):
        return loss
    return look_up(LOSSES, loss, "loss", _ALIASES)()
