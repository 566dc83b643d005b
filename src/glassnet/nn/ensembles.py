"""Many networks of one shape trained at once: seeds, ensembles, sweeps and their agreement.

``Ensemble`` holds K copies of a network, each drawn from its own seed, and trains them together
(the stacked arithmetic is ``stacked_networks``, the loop ``ensemble_training``). Member k ends
exactly as ``Network(layers, ..., rng=seeds[k]).fit(...)`` would, to rounding. Then ``predict``
gives every member's answer and ``votes`` / ``agreement`` say how many members agree.
"""

from __future__ import annotations

import copy
import warnings
from typing import Any

import numpy as np

from glassnet._types import Array
from glassnet.errors import ConfigurationError, ConvergenceWarning, ShapeError
from glassnet.nn.checks import check_int, step_rows
from glassnet.nn.ensemble_training import train_members
from glassnet.nn.history import History
from glassnet.nn.network import Network
from glassnet.nn.stacked_networks import StackedNetworks

__all__ = ["Ensemble"]


class Ensemble(StackedNetworks):
    """K networks of one architecture, each from its own seed, trained together.

    Parameters
    ----------
    layers : sequence of Dense
        The architecture, as for ``Network``; the layers themselves are copied, never trained.
    seeds : int or sequence
        Either a count K (members seeded 0 … K−1) or one ``rng`` per member: ints,
        ``np.random.Generator`` or ``np.random.RandomState`` objects.
    loss, optimizer, init, dtype
        As for ``Network``; every member gets its own copy of the optimizer's state. The loss
        must be a built-in one (sse, mse, or cross-entropy after a sigmoid / softmax output).

    Attributes
    ----------
    n_members : int
    template : Network
        The shared architecture, loss and optimizer settings (its own weights are unused).
    weights : list of ndarray of shape (K, n_in, n_out)
        Every member's weights, layer by layer (views: writable in place).
    biases : list of (ndarray of shape (K, n_out) or None)
    rngs : list
        Each member's random stream, continued from its weight draws (used by ``shuffle``).
    diverged : ndarray of int, shape (K,)
        For each member, the epoch where its loss became inf or NaN (it then keeps its last
        finite weights and stops learning), or 0.
    history : History or None
        The mean loss over members, per epoch, of the last ``fit``.

    Examples
    --------
    A thousand tutorial neurons, each from its own legacy seed, asked about the tutorial's "?":

    >>> import glassnet as gn
    >>> X = np.array([[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 1]])
    >>> y = np.array([[0, 1, 1, 0]]).T
    >>> ensemble = gn.Ensemble([gn.Dense(3, 1, activation="sigmoid", bias=False)],
    ...                        seeds=[np.random.RandomState(s) for s in range(1000)],
    ...                        loss="sse", optimizer=gn.SGD(lr=1.0), init="uniform")
    >>> _ = ensemble.fit(X, y, epochs=10_000)
    >>> ensemble.votes([[1, 0, 0]])  # members answering 0, members answering 1
    array([[   0, 1000]])
    >>> print(f"{ensemble.predict([[1, 0, 0]])[1, 0, 0]:.8f}")  # member 1 is the tutorial
    0.99993704
    """

    def member(self, k: int) -> Network:
        """Return member ``k`` as a standalone ``Network`` (a copy of its weights).

        Examples
        --------
        >>> import glassnet as gn
        >>> ensemble = gn.Ensemble([gn.Dense(2, 1)], seeds=[7, 8], loss="mse")
        >>> alone = gn.Network([gn.Dense(2, 1)], loss="mse", rng=8)
        >>> bool((ensemble.member(1).layers[0].weights == alone.layers[0].weights).all())
        True
        """
        if not -self.n_members <= k < self.n_members:
            raise ShapeError(f"expected a member index below {self.n_members}, got {k}")
        net = self.template.copy()
        net.rng = copy.deepcopy(self.rngs[k])
        net.optimizer = copy.deepcopy(self.template.optimizer)
        for layer, W, b in zip(net.layers, self.weights, self.biases, strict=True):
            layer.weights[...] = W[k]
            if b is not None and layer.bias is not None:
                layer.bias[...] = b[k]
        return net

    def __repr__(self) -> str:
        return f"Ensemble({self.n_members} members of {self.template!r})"

    def fit(
        self,
        X: Any,
        y: Any,
        epochs: int = 1,
        batch_size: int | None = None,
        shuffle: bool = False,
    ) -> History:
        """Train every member on ``X``, ``y``, as ``Network.fit`` trains one.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_inputs)
        y : array-like of shape (n_samples, n_outputs) or (n_samples,)
        epochs : int, default=1
        batch_size : int, optional
            Rows per step; None means all rows.
        shuffle : bool, default=False
            Reorder the rows every epoch, each member drawing from its own rng as its
            ``Network`` would.

        Returns
        -------
        History
            The members' mean loss per epoch. A member whose loss becomes inf or NaN keeps its
            last finite weights from then on (see ``diverged``), with a ConvergenceWarning.

        Raises
        ------
        TrainingDivergedError
            When every member has diverged.
        """
        check_int("epochs", epochs, 0)
        check_int("batch_size", batch_size, 1, allow_none=True)
        X = self.template.check_X(X)
        Y = self.template.check_y(y, X.shape[0])
        if X.shape[0] == 0:
            raise ConfigurationError("cannot train on zero rows")
        history = train_members(self, X, Y, epochs, step_rows(X.shape[0], batch_size), shuffle)
        if self.diverged.any():
            warnings.warn(
                f"{np.count_nonzero(self.diverged)} of {self.n_members} members diverged and kept "
                "their last finite weights; see Ensemble.diverged. Try a lower learning rate, "
                "or scale the inputs to unit size.",
                ConvergenceWarning,
                stacklevel=2,
            )
        return history

    def predict(self, X: Any) -> Array:
        """Return every member's outputs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_inputs)

        Returns
        -------
        ndarray of shape (n_members, n_samples, n_outputs)
        """
        X = self.template.check_X(X)
        return self._forward(X).transpose(1, 0, 2)

    def votes(self, X: Any, threshold: float = 0.5) -> Array:
        """Count the members choosing each class for every sample.

        A single output is a yes/no answer (above ``threshold`` means class 1); several outputs
        vote for their largest.

        Returns
        -------
        ndarray of int, shape (n_samples, n_classes)
            n_classes is 2 for a single output.

        Raises
        ------
        ConfigurationError
            When the output layer does not answer a class (not sigmoid, softmax or tanh): a
            regression's members give numbers to compare with ``predict``, not votes.
        """
        output = self.template.layers[-1].activation.name
        if output not in ("sigmoid", "softmax", "tanh"):
            raise ConfigurationError(
                f"votes count class choices, but this ensemble's output layer is {output!r} "
                "(a regression); compare the members' predict() values instead"
            )
        P = self.predict(X)  # (K, n, o)
        if P.shape[2] == 1:
            chosen = (P[:, :, 0] > threshold).astype(int)  # (K, n)
            n_classes = 2
        else:
            chosen = P.argmax(axis=2)
            n_classes = P.shape[2]
        counts = np.zeros((P.shape[1], n_classes), dtype=int)
        for label in range(n_classes):
            counts[:, label] = (chosen == label).sum(axis=0)
        return counts

    def agreement(self, X: Any, threshold: float = 0.5) -> Array:
        """Return, per sample, the fraction of members that give the most common answer.

        Examples
        --------
        >>> import glassnet as gn
        >>> ensemble = gn.Ensemble([gn.Dense(1, 1, activation="sigmoid")], seeds=5)
        >>> ensemble.agreement([[0.0]])  # untrained, every bias 0: all answer 0.5, i.e. "no"
        array([1.])
        """
        counts = self.votes(X, threshold)
        return counts.max(axis=1) / self.n_members
