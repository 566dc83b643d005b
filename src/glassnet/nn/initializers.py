"""Starting weights, drawn from a random generator the caller owns.

There is no global random state: every function takes an ``rng``. ``as_rng`` accepts an int seed
(``np.random.default_rng``), a ``np.random.Generator`` or a legacy ``np.random.RandomState``; the
last is the stream the classic tutorials draw from after ``np.random.seed``. Weights have shape
(n_in, n_out).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from glassnet._types import Array
from glassnet.errors import ConfigurationError

__all__ = ["INITIALIZERS", "as_rng", "default_init", "glorot", "he", "uniform"]

Generator = np.random.Generator | np.random.RandomState


def as_rng(rng: Any) -> Generator:
    """Turn a seed, Generator or RandomState into a generator (the last two are used as they are).

    Parameters
    ----------
    rng : int, numpy.random.Generator or numpy.random.RandomState
        An int seeds ``np.random.default_rng``.

    Returns
    -------
    numpy.random.Generator or numpy.random.RandomState

    Raises
    ------
    ConfigurationError
        For anything else (None included: glassnet has no hidden global stream).

    Examples
    --------
    >>> as_rng(0).random() == np.random.default_rng(0).random()
    True
    """
    if isinstance(rng, np.random.Generator | np.random.RandomState):
        return rng
    if isinstance(rng, int | np.integer) and not isinstance(rng, bool) and rng >= 0:
        return np.random.default_rng(int(rng))
    raise ConfigurationError(
        "rng must be a non-negative int seed, a numpy.random.Generator or a "
        f"numpy.random.RandomState, got {rng!r}"
    )


def uniform(rng: Generator, n_in: int, n_out: int) -> Array:
    """Uniform on [−1, 1): ``2 · rng.random((n_in, n_out)) − 1``, the classic tutorials' draw."""
    return 2 * rng.random((n_in, n_out)) - 1


def glorot(rng: Generator, n_in: int, n_out: int) -> Array:
    """Glorot/Xavier uniform on ±√(6 / (n_in + n_out)), for sigmoid, tanh and linear units.

    References
    ----------
    X. Glorot and Y. Bengio, "Understanding the difficulty of training deep feedforward neural
    networks", AISTATS 2010.
    """
    limit = np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-limit, limit, size=(n_in, n_out))


def he(rng: Generator, n_in: int, n_out: int) -> Array:
    """He/Kaiming normal with standard deviation √(2 / n_in), for ReLU-family units.

    References
    ----------
    K. He, X. Zhang, S. Ren and J. Sun, "Delving deep into rectifiers", ICCV 2015.
    """
    return rng.standard_normal(size=(n_in, n_out)) * np.sqrt(2.0 / n_in)


INITIALIZERS: dict[str, Callable[[Generator, int, int], Array]] = {
    "uniform": uniform,
    "glorot": glorot,
    "he": he,
}


def default_init(activation_name: str) -> str:
    """Return the sensible initializer: ``he`` for the ReLU family, else ``glorot``."""
    return "he" if activation_name in ("relu", "leaky_relu") else "glorot"


def get_initializer(name: str) -> Callable[[Generator, int, int], Array]:
    """Return the initializer function for ``name`` (``uniform``, ``glorot`` or ``he``)."""
    if name in INITIALIZERS:
        return INITIALIZERS[name]
    raise ConfigurationError(
        f"unknown init {name!r}; choose from auto, {', '.join(sorted(INITIALIZERS))}"
    )
