"""``GlassClassifier``: a glassnet network as a scikit-learn classifier.

How class labels become network outputs (one sigmoid for two classes, softmax for more, one
sigmoid per label for multi-label) and back into probabilities and predictions. Parameters,
network building and the training loop are shared with the regressor, in ``estimators``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import xlogy
from sklearn.base import ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from glassnet._types import Array
from glassnet.sklearn.estimators import _GlassEstimator


class GlassClassifier(ClassifierMixin, _GlassEstimator):
    """A glassnet network as a scikit-learn classifier (binary, multi-class and multi-label).

    Two classes give one sigmoid output and binary cross-entropy, more classes a softmax output
    and categorical cross-entropy, and a 0/1 indicator matrix ``y`` (multi-label) one sigmoid
    output per label. It trains as ``MLPClassifier`` with the same parameters does, step for step:
    the same starting weights drawn from the same ``random_state`` stream (Glorot's uniform rule,
    biases included), the same shuffles and validation split, the same gradients with the L2
    penalty, scikit-learn's own Adam and SGD (with its learning-rate schedules) or SciPy's L-BFGS-B
    as scikit-learn runs it, and its stopping rules; on float64 data both end with the same weights.

    Parameters
    ----------
    hidden_layer_sizes : int or tuple of int, default=(100,)
        Units of each hidden layer; ``()`` for none.
    activation : {"relu", "tanh", "logistic", "identity", "leaky_relu"}, default="relu"
        Activation of the hidden layers (``"sigmoid"`` is accepted for ``"logistic"``).
    solver : {"adam", "sgd", "lbfgs"}, default="adam"
        "lbfgs" minimizes the loss over all rows at once (no batches, epochs or ``partial_fit``).
    alpha : float, default=1e-4
        L2 penalty: ``½·alpha·Σ‖W‖²`` divided by the batch size is added to the loss.
    batch_size : int or "auto", default="auto"
        Rows per step; "auto" is ``min(200, n_samples)``.
    learning_rate : {"constant", "invscaling", "adaptive"}, default="constant"
        For ``solver="sgd"``: keep the step size, shrink it as ``learning_rate_init / (t + 1) **
        power_t`` (t the rows seen), or divide it by 5 whenever training runs out of patience.
    learning_rate_init : float, default=1e-3
        Step size of the solver.
    power_t : float, default=0.5
        Exponent of the "invscaling" schedule.
    max_iter : int, default=200
        Most epochs ``fit`` runs.
    shuffle : bool, default=True
        Reorder the rows every epoch.
    random_state : int, numpy.random.RandomState, numpy.random.Generator or None, default=None
        Weights, shuffling and the validation split, as one stream: an int seeds a
        ``RandomState``, as in scikit-learn; None draws fresh randomness each fit.
    tol : float, default=1e-4
        Smallest improvement that counts.
    verbose : bool, default=False
        Print the loss of every epoch.
    warm_start : bool, default=False
        Let ``fit`` go on from the weights of the previous fit.
    momentum : float, default=0.9
        For ``solver="sgd"``.
    nesterovs_momentum : bool, default=True
        For ``solver="sgd"``.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the rows (stratified for two classes) and stop on
        their accuracy, keeping the best weights.
    validation_fraction : float, default=0.1
    beta_1, beta_2, epsilon : float, default=0.9, 0.999, 1e-8
        For ``solver="adam"``.
    n_iter_no_change : int, default=10
        Epochs without improvement before stopping.
    max_fun : int, default=15000
        For ``solver="lbfgs"``: most evaluations of the loss.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels (for multi-label: 0 .. n_labels − 1).
    coefs_ : list of ndarray of shape (n_in, n_out)
        The network's weights, layer by layer; these are the network's own arrays.
    intercepts_ : list of ndarray of shape (n_out,)
    loss_ : float
        The last epoch's mean training loss (penalty included).
    loss_curve_ : list of float
        Mean training loss of each epoch.
    best_loss_ : float or None
        Lowest of ``loss_curve_`` (None with ``early_stopping``).
    validation_scores_ : list of float or None
        Accuracy on the held-out rows after each epoch, with ``early_stopping``.
    best_validation_score_ : float or None
    n_iter_ : int
        Epochs run by the last call of ``fit`` or ``partial_fit``.
    t_ : int
        Training rows seen.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Only when ``X`` had string column names.
    n_layers_, n_outputs_ : int
    out_activation_ : str
        "logistic" or "softmax".
    network_ : Network
        The glassnet network itself.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from glassnet.sklearn import GlassClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = GlassClassifier(hidden_layer_sizes=(10,), learning_rate_init=0.01, max_iter=300,
    ...                       random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:1]).shape
    (1, 3)
    >>> bool(clf.score(X, y) > 0.95)
    True
    """

    def _validate_targets(self, X: Any, y: Any, reset: bool) -> tuple[Array, Any]:
        X, y = validate_data(self, X, y, reset=reset, multi_output=True, dtype=np.float64)
        if hasattr(y, "toarray"):  # a sparse indicator matrix
            y = y.toarray()
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        target = type_of_target(y)
        if target not in ("binary", "multiclass", "multilabel-indicator"):
            raise ValueError(f"expected binary, multi-class or multi-label targets, got {target}")
        return X, y

    def _set_targets(self, y: Any, classes: Any, partial: bool) -> None:
        self._multilabel = y.ndim == 2
        if self._multilabel:
            self.classes_ = np.arange(y.shape[1])
            self._label_dtype = y.dtype
            self.n_outputs_ = y.shape[1]
        else:
            if classes is None and partial:
                raise ValueError("classes must be passed on the first call to partial_fit")
            self.classes_ = np.unique(y if classes is None else classes)
            if self.classes_.size < 2:
                raise ValueError(
                    f"expected at least 2 classes in y, got 1 class: {self.classes_[0]!r}"
                )
            self.n_outputs_ = 1 if self.classes_.size == 2 else int(self.classes_.size)
        self._out_activation = "sigmoid" if self.n_outputs_ == 1 or self._multilabel else "softmax"
        self._loss = (
            "categorical_crossentropy"
            if self._out_activation == "softmax"
            else "binary_crossentropy"
        )

    def _check_same_targets(self, y: Any) -> None:
        if self._multilabel:
            if y.ndim != 2 or y.shape[1] != self.n_outputs_:
                raise ValueError(f"expected {self.n_outputs_} label columns, got shape {y.shape}")
            return
        if self.warm_start and not set(np.unique(y)) == set(self.classes_.tolist()):
            raise ValueError(
                "warm_start can only be used where `y` has the same classes as in the previous "
                f"call to fit. Previously got {self.classes_}, `y` has {np.unique(y)}"
            )

    def _loss_value(self, A: Array, Y: Array) -> float:
        """Log-loss on probabilities clipped to [eps, 1 − eps], as scikit-learn computes it."""
        eps = np.finfo(A.dtype).eps
        P = np.clip(A, eps, 1 - eps)
        if self._out_activation == "softmax":
            return float(-np.average(xlogy(Y, P), axis=0).sum())
        return float(-np.average(xlogy(Y, P) + xlogy(1 - Y, 1 - P), axis=0).sum())

    def _stratify(self, Y: Array) -> Array | None:
        """One output (two classes): keep the class proportions, as scikit-learn does."""
        return Y if self.n_outputs_ == 1 else None

    def _decode(self, Y: Array) -> Any:
        if self._multilabel:
            return Y.astype(self._label_dtype)
        if self.n_outputs_ == 1:
            return self.classes_[Y[:, 0].astype(int)]
        return self.classes_[Y.argmax(axis=1)]

    def _encode(self, y: Any) -> Array:
        """Targets as the network's outputs: 0/1 columns, or one-hot rows for softmax."""
        if self._multilabel:
            if y.ndim != 2 or y.shape[1] != self.n_outputs_:
                raise ValueError(f"expected {self.n_outputs_} label columns, got shape {y.shape}")
            return np.asarray(y, dtype=np.float64)
        if y.ndim != 1:
            raise ValueError(f"expected 1-D class labels, got shape {y.shape}")
        index = np.searchsorted(self.classes_, y)
        index = np.minimum(index, self.classes_.size - 1)
        unknown = self.classes_[index] != y
        if unknown.any():
            raise ValueError(
                f"y holds labels not in classes_ {self.classes_.tolist()}: "
                f"{np.unique(y[unknown]).tolist()}"
            )
        if self.n_outputs_ == 1:
            return index.reshape(-1, 1).astype(np.float64)  # (n, 1)
        return np.eye(self.n_outputs_)[index]  # (n, k)

    def partial_fit(self, X: Any, y: Any, classes: Any = None) -> GlassClassifier:
        """Train for one epoch: a new network on the first call, the same one after.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
        classes : array-like of shape (n_classes,), optional
            Every class label, required on the first call (unless ``y`` is a multi-label
            indicator matrix), since a later batch may hold classes this one lacks; ignored after.

        Returns
        -------
        self
        """
        self._partial_fit(X, y, classes)
        return self

    def predict_proba(self, X: Any) -> Array:
        """Return class probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            For multi-label, the probability of each label, shape (n_samples, n_labels).
        """
        check_is_fitted(self)
        P = self._outputs(X)
        if self.n_outputs_ == 1 and not self._multilabel:
            return np.hstack([1.0 - P, P])  # (n, 2)
        return P

    def decision_function(self, X: Any) -> Array:
        """Return the output layer's weighted sums (logits), before the sigmoid or softmax.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) for two classes, else (n_samples, n_outputs)
            For two classes, positive means the second class (``classes_[1]``).
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        Z = self.network_._output_sums(self.network_.check_X(X))  # (n, n_outputs)
        return Z[:, 0] if Z.shape[1] == 1 and not self._multilabel else Z

    def predict_log_proba(self, X: Any) -> Array:
        """Return the logarithm of ``predict_proba`` (−inf where a probability is 0)."""
        check_is_fitted(self)
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X: Any) -> Any:
        """Return the most probable class of each row (each label above ½ for multi-label).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_labels)
        """
        check_is_fitted(self)
        P = self._outputs(X)
        if self._multilabel:
            return (P > 0.5).astype(self._label_dtype)
        if self.n_outputs_ == 1:
            return self.classes_[(P[:, 0] > 0.5).astype(int)]
        return self.classes_[P.argmax(axis=1)]

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags
