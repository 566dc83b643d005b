"""``GlassRegressor``: a glassnet network as a scikit-learn regressor.

A linear output layer and the mean squared error, with one output per target column. Parameters,
network building and the training loop are shared with the classifier, in ``estimators``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from glassnet._types import Array
from glassnet.sklearn.estimators import _GlassEstimator


class GlassRegressor(RegressorMixin, _GlassEstimator):
    """A glassnet network as a scikit-learn regressor, with one or many outputs.

    The output layer is linear and the loss half the mean squared error; training and stopping
    are ``MLPRegressor``'s, step for step, as ``GlassClassifier``'s are ``MLPClassifier``'s (with
    ``early_stopping`` monitoring R² on held-out rows), and so are the parameters and attributes,
    except that there are no ``classes_`` and ``out_activation_`` is "identity". Only
    ``MLPRegressor``'s default loss is offered (no ``loss`` parameter, no Poisson loss).

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from glassnet.sklearn import GlassRegressor
    >>> X, y = make_regression(n_samples=200, n_features=4, noise=0.1, random_state=0)
    >>> y = y / y.std()
    >>> reg = GlassRegressor(hidden_layer_sizes=(), learning_rate_init=0.01, max_iter=1000,
    ...                      random_state=0).fit(X, y)
    >>> [W.shape for W in reg.coefs_], bool(reg.score(X, y) > 0.99)
    ([(4, 1)], True)
    """

    _loss = "mse"
    _out_activation = "identity"

    def _validate_targets(self, X: Any, y: Any, reset: bool) -> tuple[Array, Any]:
        X, y = validate_data(
            self, X, y, reset=reset, multi_output=True, y_numeric=True, dtype=np.float64
        )
        return X, np.asarray(y, dtype=np.float64)

    def _set_targets(self, y: Any, classes: Any, partial: bool) -> None:
        self.n_outputs_ = 1 if y.ndim == 1 else int(y.shape[1])

    def _check_same_targets(self, y: Any) -> None:
        n_outputs = 1 if y.ndim == 1 else int(y.shape[1])
        if n_outputs != self.n_outputs_:
            raise ValueError(f"expected {self.n_outputs_} target columns, got {n_outputs}")

    def _loss_value(self, A: Array, Y: Array) -> float:
        """Half the mean squared error, averaged over the rows and then the outputs."""
        return float(0.5 * np.average((Y - A) ** 2, axis=0).mean())

    def _decode(self, Y: Array) -> Any:
        return Y.ravel() if Y.shape[1] == 1 else Y

    def _encode(self, y: Any) -> Array:
        Y = y.reshape(-1, 1) if y.ndim == 1 else y  # (n, n_outputs)
        if Y.shape[1] != self.n_outputs_:
            raise ValueError(f"expected {self.n_outputs_} target columns, got {Y.shape[1]}")
        return Y

    def partial_fit(self, X: Any, y: Any) -> GlassRegressor:
        """Train for one epoch: a new network on the first call, the same one after.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)

        Returns
        -------
        self
        """
        self._partial_fit(X, y, None)
        return self

    def predict(self, X: Any) -> Array:
        """Return the network's outputs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_outputs)
            1-D when there is a single output.
        """
        check_is_fitted(self)
        Y = self._outputs(X)
        return Y.ravel() if Y.shape[1] == 1 else Y

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
