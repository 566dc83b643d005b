"""Activation functions, each with its derivative right beside it.

An activation maps a layer's weighted sums ``Z`` to its outputs ``A`` element by element (softmax
row by row). ``backward(Z, A, dA)`` turns ∂L/∂A into ∂L/∂Z; it receives both ``Z`` and ``A`` so each
rule can use whichever form is cheaper and more exact. All forms are stable for |z| up to 1000 and
beyond: no overflow warnings, no NaN. Shapes: ``Z``, ``A``, ``dA``, ``dZ`` are all (n_samples,
n_units). The ``inplace_*`` twins do the same arithmetic in the same order into buffers the training
loop reuses, so both give identical numbers; only they may overwrite their inputs. The ``*_calls``
forms return that arithmetic as NumPy calls bound to given arrays, for a training step that is built
once and run many times (``training_steps.py``).
"""

from __future__ import annotations

from functools import partial
from typing import ClassVar

import numpy as np

from glassnet._types import Array, Call
from glassnet.nn.registry import look_up

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "Identity",
    "LeakyReLU",
    "ReLU",
    "Sigmoid",
    "Softmax",
    "Tanh",
    "get_activation",
]


# The in-place twins pass ``out`` by position and constants as 0-d arrays of the data's dtype: on
# the tutorial's 4×1 arrays a ufunc call costs about 0.5 µs, and parsing a keyword or converting
# a Python float would add a fifth to that. The arithmetic, so every bit of the result, is the same.
_ONE = {np.dtype(name): np.array(1.0, dtype=name) for name in ("float16", "float32", "float64")}
_ZERO = {dtype: np.zeros((), dtype=dtype) for dtype in _ONE}
_negative, _exp, _add, _subtract = np.negative, np.exp, np.add, np.subtract
_multiply, _divide, _maximum = np.multiply, np.divide, np.maximum


def _one(dtype: np.dtype[np.floating]) -> Array | float:
    return _ONE.get(dtype, 1.0)


def _run(calls: list[Call], result: Array) -> Array:
    for call in calls:
        call()
    return result


class Activation:
    """Base class: subclasses define ``forward`` and ``backward`` and a registry ``name``."""

    name: ClassVar[str] = ""

    def forward(self, Z: Array) -> Array:
        """Return ``A = f(Z)``."""
        raise NotImplementedError

    def backward(self, Z: Array, A: Array, dA: Array) -> Array:
        """Return ``dZ = dA · f'(Z)``."""
        raise NotImplementedError

    def inplace_forward(self, Z: Array, out: Array) -> Array:
        """Write ``f(Z)`` into ``out`` and return it (or return ``Z`` itself for the identity).

        Inside ``fit`` exp may overflow to inf on the way to an exact 0 (the loop silences that
        warning); ``forward`` is the form that never warns.
        """
        np.copyto(out, self.forward(Z))
        return out

    def inplace_backward(self, Z: Array, A: Array, dA: Array, out: Array) -> Array:
        """Write ``dZ`` into ``out`` and return it; ``dA`` may be overwritten."""
        np.copyto(out, self.backward(Z, A, dA))
        return out

    def forward_calls(self, Z: Array, out: Array) -> tuple[list[Call], Array]:
        """Return the calls that do ``inplace_forward(Z, out)``, and the array they leave A in."""
        return [partial(self.inplace_forward, Z, out)], out

    def backward_calls(self, Z: Array, A: Array, dA: Array, out: Array) -> tuple[list[Call], Array]:
        """Return the calls that do ``inplace_backward(Z, A, dA, out)``, and where dZ lands."""
        return [partial(self.inplace_backward, Z, A, dA, out)], out

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and vars(self) == vars(other)

    def __hash__(self) -> int:
        return hash((type(self), tuple(sorted(vars(self).items()))))


def _sigmoid_floor(dtype: np.dtype[np.floating]) -> float:
    # exp(-z) overflows once -z > log(max); clamping z one unit above that keeps exp finite while
    # sigmoid(z) there is already e^-708 (float64) or e^-87 (float32), indistinguishable from 0.
    return float(-np.log(np.finfo(dtype).max) + 1.0)


class Sigmoid(Activation):
    """Logistic function ``1 / (1 + exp(-z))``, the tutorial's neuron.

    The forward pass is written exactly as in the tutorial, so its numbers are reproduced bit for
    bit; only ``z`` below about -708 is clamped, where the result is already 0 to machine precision.
    """

    name = "sigmoid"

    def forward(self, Z: Array) -> Array:
        """Return ``1 / (1 + exp(-Z))``."""
        floor = _sigmoid_floor(Z.dtype)
        if Z.size and Z.min() < floor:
            Z = np.maximum(Z, floor)
        return 1.0 / (1.0 + np.exp(-Z))

    def backward(self, Z: Array, A: Array, dA: Array) -> Array:
        """σ'(z) = σ(z)·(1 − σ(z)), so ``dZ = dA · A · (1 − A)``."""
        # Evaluated left to right as (dA·A)·(1−A), the tutorial's order, for bit-exact updates.
        return dA * A * (1.0 - A)

    def inplace_forward(self, Z: Array, out: Array) -> Array:
        """``1 / (1 + exp(-Z))`` into ``out``; below the clamp exp overflows and σ is exactly 0."""
        return _run(*self.forward_calls(Z, out))

    def inplace_backward(self, Z: Array, A: Array, dA: Array, out: Array) -> Array:
        """``(dA·A)·(1−A)`` into ``out``, using ``dA`` for ``1 − A`` once it has been read."""
        return _run(*self.backward_calls(Z, A, dA, out))

    # The tutorial's step is a dozen calls on 4×1 arrays: as separate calls (not one method
    # each) they cost no more than the ten-line program's own.
    def forward_calls(self, Z: Array, out: Array) -> tuple[list[Call], Array]:
        """``−Z``, ``exp``, ``+ 1``, ``1 / ·``: four calls writing into ``out``."""
        one = _one(Z.dtype)
        return [
            partial(_negative, Z, out),
            partial(_exp, out, out),
            partial(_add, out, one, out),
            partial(_divide, one, out, out),
        ], out

    def backward_calls(self, Z: Array, A: Array, dA: Array, out: Array) -> tuple[list[Call], Array]:
        """``dA·A`` into ``out``, ``1 − A`` into ``dA``, then their product into ``out``."""
        return [
            partial(_multiply, dA, A, out),
            partial(_subtract, _one(A.dtype), A, dA),
            partial(_multiply, out, dA, out),
        ], out


class Tanh(Activation):
    """Hyperbolic tangent, a sigmoid rescaled to (−1, 1) and centred on 0."""

    name = "tanh"

    def forward(self, Z: Array) -> Array:
        """Return ``tanh(Z)``."""
        return np.tanh(Z)

    def backward(self, Z: Array, A: Array, dA: Array) -> Array:
        """tanh'(z) = 1 − tanh(z)², so ``dZ = dA · (1 − A²)``."""
        return dA * (1.0 - A * A)

    def inplace_forward(self, Z: Array, out: Array) -> Array:
        """``tanh(Z)`` into ``out``."""
        return np.tanh(Z, out=out)

    def inplace_backward(self, Z: Array, A: Array, dA: Array, out: Array) -> Array:
        """``dA · (1 − A²)`` into ``out``."""
        _multiply(A, A, out)
        _subtract(_one(A.dtype), out, out)
        return _multiply(dA, out, out)


class ReLU(Activation):
    """Rectified linear unit ``max(z, 0)``."""

    name = "relu"

    def forward(self, Z: Array) -> Array:
        """Return ``max(Z, 0)``."""
        return np.maximum(Z, 0.0)

    def backward(self, Z: Array, A: Array, dA: Array) -> Array:
        """relu'(z) = 1 for z > 0, else 0 (0 at the kink, as PyTorch)."""
        return dA * (Z > 0)

    def inplace_forward(self, Z: Array, out: Array) -> Array:
        """``max(Z, 0)`` into ``out``."""
        return _maximum(Z, _ZERO.get(Z.dtype, 0.0), out=out)  # maximum takes out only by name

    def inplace_backward(self, Z: Array, A: Array, dA: Array, out: Array) -> Array:
        """``dA · (Z > 0)`` into ``out``."""
        return _multiply(dA, Z > 0, out)


class LeakyReLU(Activation):
    """``z`` for z > 0, ``negative_slope · z`` otherwise (PyTorch's default slope, 0.01)."""

    name = "leaky_relu"

    def __init__(self, negative_slope: float = 0.01) -> None:
        self.negative_slope = float(negative_slope)

    def forward(self, Z: Array) -> Array:
        """Return ``where(Z > 0, Z, slope · Z)``."""
        return np.where(Z > 0, Z, self.negative_slope * Z)

    def backward(self, Z: Array, A: Array, dA: Array) -> Array:
        """Derivative 1 for z > 0, ``negative_slope`` otherwise."""
        return np.where(Z > 0, dA, self.negative_slope * dA)

    def __repr__(self) -> str:
        return f"LeakyReLU(negative_slope={self.negative_slope})"


class Identity(Activation):
    """No activation: ``A = Z`` (regression outputs)."""

    name = "identity"

    def forward(self, Z: Array) -> Array:
        """Return ``Z`` unchanged."""
        return Z

    def backward(self, Z: Array, A: Array, dA: Array) -> Array:
        """Derivative 1: ``dZ = dA``."""
        return dA

    def inplace_forward(self, Z: Array, out: Array) -> Array:
        """Return ``Z`` itself: nothing to compute or copy."""
        return Z

    def inplace_backward(self, Z: Array, A: Array, dA: Array, out: Array) -> Array:
        """Return ``dA`` itself."""
        return dA

    def forward_calls(self, Z: Array, out: Array) -> tuple[list[Call], Array]:
        """No calls: A is ``Z`` itself."""
        return [], Z

    def backward_calls(self, Z: Array, A: Array, dA: Array, out: Array) -> tuple[list[Call], Array]:
        """No calls: dZ is ``dA`` itself."""
        return [], dA


class Softmax(Activation):
    """Row-wise ``exp(z_j) / Σ_k exp(z_k)``: each row becomes a probability distribution."""

    name = "softmax"

    def forward(self, Z: Array) -> Array:
        """Return softmax of each row, shifted by the row maximum so exp never overflows."""
        E = np.exp(Z - Z.max(axis=1, keepdims=True))  # (n, k), every entry in (0, 1]
        return E / E.sum(axis=1, keepdims=True)

    def inplace_forward(self, Z: Array, out: Array) -> Array:
        """Softmax of each row into ``out``, shifted by the row maximum."""
        np.subtract(Z, Z.max(axis=1, keepdims=True), out=out)  # (n, k)
        np.exp(out, out=out)
        return np.divide(out, out.sum(axis=1, keepdims=True), out=out)

    def backward(self, Z: Array, A: Array, dA: Array) -> Array:
        """∂A_j/∂Z_i = A_j(δ_ij − A_i), so ``dZ = A · (dA − Σ_j dA_j A_j)``."""
        return A * (dA - (dA * A).sum(axis=1, keepdims=True))


ACTIVATIONS: dict[str, type[Activation]] = {
    cls.name: cls for cls in (Identity, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh)
}


def get_activation(activation: str | Activation | None) -> Activation:
    """Return an activation instance from a name, an instance, or None (identity).

    Parameters
    ----------
    activation : str, Activation or None
        One of ``identity``, ``leaky_relu``, ``relu``, ``sigmoid``, ``softmax``, ``tanh``.

    Returns
    -------
    Activation

    Raises
    ------
    ConfigurationError
        For an unknown name; the message lists the valid ones.

    Examples
    --------
    >>> get_activation("tanh")
    Tanh()
    """
    if activation is None:
        return Identity()
    if isinstance(activation, Activation):
        return activation
    return look_up(ACTIVATIONS, activation, "activation")()
