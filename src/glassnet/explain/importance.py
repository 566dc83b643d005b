"""Which inputs a trained network leans on: permutation importance on the rows it learned from.

Shuffling one input column breaks its link with the targets while keeping its values; how much
the network's loss rises then says how much the network needs that input (Breiman's measure, as
scikit-learn's ``permutation_importance`` computes it). Without targets, the change of the
network's own answers is measured instead. It is seeded and deterministic, and it only reads the
network: the boundary plot uses it to pick the two inputs worth drawing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet._types import Array
from glassnet.errors import ConfigurationError

if TYPE_CHECKING:
    from glassnet.nn.network import Network

__all__ = ["Importance", "permutation_importance"]


@dataclass(frozen=True)
class Importance:
    """How much each input matters, and how that was measured.

    Attributes
    ----------
    scores : ndarray of shape (n_inputs,)
        The mean rise of the measure when the input is shuffled (larger: more needed).
    measure : str
        What rises, in words: "the loss" or "the change of the answers".
    n_rows : int
        The rows it was measured on.
    """

    scores: Array
    measure: str
    n_rows: int

    def ranking(self) -> list[int]:
        """The inputs from the most to the least important (ties: the earlier input first)."""
        return sorted(range(self.scores.size), key=lambda k: (-self.scores[k], k))


def permutation_importance(
    net: Network, X: Any, y: Any = None, repeats: int = 5, seed: int = 0
) -> Importance:
    """Measure each input's importance by shuffling its column, ``repeats`` times each.

    Parameters
    ----------
    net : Network
        A trained network; it is not changed.
    X : array-like of shape (n_samples, n_inputs)
        The rows, as the network sees them (after a table's scaling).
    y : array-like, optional
        Their targets: the measure is the rise of the network's loss. Without targets it is the
        mean squared change of the network's answers.
    repeats : int, default=5
        Shufflings per input, averaged.
    seed : int, default=0
        Seeds the shuffling, so that the same network and rows give the same scores.

    Returns
    -------
    Importance

    References
    ----------
    L. Breiman, "Random Forests", Machine Learning 45 (2001), section 10.

    Examples
    --------
    >>> net = Network([Dense(3, 1)], loss="mse", rng=0)
    >>> net.layers[0].weights[:] = [[2.0], [0.5], [0.0]]
    >>> X = np.random.default_rng(1).normal(size=(50, 3))
    >>> importance = permutation_importance(net, X, X @ [2.0, 0.5, 0.0])
    >>> importance.ranking(), float(importance.scores[2])
    ([0, 1, 2], 0.0)
    """
    if isinstance(repeats, bool) or not isinstance(repeats, int) or repeats < 1:
        raise ConfigurationError(f"repeats must be an int >= 1, got {repeats!r}")
    X = net.check_X(X)
    Y = None if y is None else net.check_y(y, X.shape[0])
    rng = np.random.default_rng(seed)
    answers = net.predict(X)  # (n, n_outputs)
    base = 0.0 if Y is None else net.evaluate(X, Y)
    scores = np.zeros(X.shape[1])
    for k in range(X.shape[1]):
        shuffled = X.copy()
        for _ in range(repeats):
            shuffled[:, k] = X[rng.permutation(X.shape[0]), k]
            if Y is None:
                scores[k] += float(np.mean((net.predict(shuffled) - answers) ** 2))
            else:
                scores[k] += net.evaluate(shuffled, Y) - base
    measure = "the change of the answers" if Y is None else "the loss"
    return Importance(scores=scores / repeats, measure=measure, n_rows=X.shape[0])
