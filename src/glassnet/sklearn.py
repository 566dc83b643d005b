"""scikit-learn estimators backed by glassnet networks: ``GlassClassifier`` and ``GlassRegressor``.

They take ``MLPClassifier``/``MLPRegressor``'s parameter names and fitted attributes, so they drop
into ``Pipeline``, ``GridSearchCV`` and ``cross_val_score``, while ``network_`` is an ordinary
glassnet ``Network`` to inspect, save or export. This module needs scikit-learn (an optional
extra) and is only imported on demand; ``import glassnet`` never imports it. Shapes: X
(n_samples, n_features), Y (n_samples, n_outputs) as the network sees the targets.
"""

from __future__ import annotations

import itertools
import math
import numbers
import warnings
from typing import Any

import numpy as np

try:
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
    from sklearn.exceptions import ConvergenceWarning as _SklearnConvergenceWarning
    from sklearn.model_selection import train_test_split
    from sklearn.utils.multiclass import check_classification_targets, type_of_target
    from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data
except ModuleNotFoundError as error:  # say how to get the optional dependency
    if not (error.name or "").startswith("sklearn"):
        raise
    raise ModuleNotFoundError(
        "glassnet.sklearn needs scikit-learn: pip install 'glassnet[sklearn]'", name="sklearn"
    ) from error

from glassnet._types import Array
from glassnet.errors import ConfigurationError, TrainingDivergedError
from glassnet.errors import ConvergenceWarning as _GlassnetConvergenceWarning
from glassnet.initializers import as_rng
from glassnet.layers import Dense
from glassnet.network import Network
from glassnet.optimizers import SGD, Adam, Optimizer

__all__ = ["ConvergenceWarning", "GlassClassifier", "GlassRegressor"]


class ConvergenceWarning(_GlassnetConvergenceWarning, _SklearnConvergenceWarning):
    """``max_iter`` epochs ended before the loss settled; both libraries' filters catch it."""


# scikit-learn's activation names, and glassnet's for the two it does not have.
_ACTIVATIONS = {
    "identity": "identity",
    "logistic": "sigmoid",
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "relu": "relu",
    "leaky_relu": "leaky_relu",
}
_SOLVERS = ("adam", "sgd")


class _GlassEstimator(BaseEstimator):
    """What both estimators share: parameters, the network, and the training loop."""

    _loss: str
    _out_activation: str
    _stratify = False  # whether the early-stopping split keeps the class proportions

    def __init__(
        self,
        hidden_layer_sizes: Any = (100,),
        activation: str = "relu",
        *,
        solver: str = "adam",
        alpha: float = 0.0001,
        batch_size: int | str = "auto",
        learning_rate_init: float = 0.001,
        max_iter: int = 200,
        shuffle: bool = True,
        random_state: Any = None,
        tol: float = 1e-4,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        n_iter_no_change: int = 10,
        momentum: float = 0.9,
        nesterovs_momentum: bool = True,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
    ) -> None:
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    # -- subclasses fill these in --------------------------------------------------------------

    def _validate_targets(self, X: Any, y: Any, reset: bool) -> tuple[Array, Any]:
        raise NotImplementedError

    def _set_targets(self, y: Any, classes: Any, partial: bool) -> None:
        """Learn how targets map to network outputs (classes, output count) on a first fit."""
        raise NotImplementedError

    def _encode(self, y: Any) -> Array:
        raise NotImplementedError

    # -- fitting -------------------------------------------------------------------------------

    def fit(self, X: Any, y: Any) -> Any:
        """Train a new network on ``X``, ``y`` for up to ``max_iter`` epochs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)

        Returns
        -------
        self
        """
        X, y = self._validate_targets(X, y, reset=True)
        self._check_parameters()
        self._set_targets(y, None, partial=False)
        self._initialize(X.shape[1])
        X_val = y_val = None
        if self.early_stopping:
            X, X_val, y, y_val = self._split_validation(X, y)
        self._train(X, self._encode(y), self.max_iter, X_val, y_val)
        return self

    def _partial_fit(self, X: Any, y: Any, classes: Any) -> None:
        first = not hasattr(self, "network_")
        X, y = self._validate_targets(X, y, reset=first)
        if first:
            self._check_parameters()
            self._set_targets(y, classes, partial=True)
            self._initialize(X.shape[1])
        self._train(X, self._encode(y), 1, None, None, incremental=True)

    def _check_parameters(self) -> None:
        sizes = self._hidden_sizes()
        if any(isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1 for n in sizes):
            raise ConfigurationError(
                f"hidden_layer_sizes must be positive ints, got {self.hidden_layer_sizes!r}"
            )
        if self.activation not in _ACTIVATIONS:
            raise ConfigurationError(
                f"unknown activation {self.activation!r}; choose from {', '.join(_ACTIVATIONS)}"
            )
        if self.solver not in _SOLVERS:
            raise ConfigurationError(
                f"unknown solver {self.solver!r}; choose from {', '.join(_SOLVERS)}"
            )
        if self.batch_size != "auto" and (
            isinstance(self.batch_size, bool)
            or not isinstance(self.batch_size, numbers.Integral)
            or self.batch_size < 1
        ):
            raise ConfigurationError(
                f"batch_size must be 'auto' or an int >= 1, got {self.batch_size!r}"
            )
        for name in ("max_iter", "n_iter_no_change"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
                raise ConfigurationError(f"{name} must be an int >= 1, got {value!r}")
        for name in ("alpha", "tol", "learning_rate_init"):
            value = getattr(self, name)
            if not (isinstance(value, numbers.Real) and math.isfinite(value) and float(value) >= 0):
                raise ConfigurationError(f"{name} must be a finite number >= 0, got {value!r}")
        if self.early_stopping and not 0 < self.validation_fraction < 1:
            raise ConfigurationError(
                f"validation_fraction must be in (0, 1), got {self.validation_fraction!r}"
            )

    def _hidden_sizes(self) -> list[Any]:
        sizes = self.hidden_layer_sizes
        return [sizes] if isinstance(sizes, numbers.Integral) else list(sizes)

    def _optimizer(self) -> Optimizer:
        if self.solver == "sgd":
            return SGD(
                lr=self.learning_rate_init,
                momentum=self.momentum,
                nesterov=bool(self.nesterovs_momentum and self.momentum > 0),
            )
        return Adam(lr=self.learning_rate_init, betas=(self.beta_1, self.beta_2), eps=self.epsilon)

    def _initialize(self, n_features: int) -> None:
        """Build ``network_`` and reset the fitted attributes."""
        widths = [n_features, *(int(n) for n in self._hidden_sizes()), self.n_outputs_]
        activations = [_ACTIVATIONS[self.activation]] * (len(widths) - 2) + [self._out_activation]
        layers = [
            Dense(n_in, n_out, activation=activation)
            for (n_in, n_out), activation in zip(
                itertools.pairwise(widths), activations, strict=True
            )
        ]
        # random_state=None asks for fresh randomness: a new generator, never a global stream.
        rng = np.random.default_rng() if self.random_state is None else as_rng(self.random_state)
        self.network_ = Network(layers, loss=self._loss, optimizer=self._optimizer(), rng=rng)
        self.coefs_ = [layer.weights for layer in self.network_.layers]  # shared, not copies
        self.intercepts_ = [layer.bias for layer in self.network_.layers]
        self.n_layers_ = len(widths)
        self.out_activation_ = (
            "logistic" if self._out_activation == "sigmoid" else self._out_activation
        )
        self.n_iter_ = 0
        self.t_ = 0
        self.loss_curve_: list[float] = []
        self.best_loss_: float | None = math.inf
        self.validation_scores_: list[float] | None = None
        self.best_validation_score_: float | None = None
        self._no_improvement_count = 0

    def _split_validation(self, X: Array, y: Any) -> tuple[Array, Array, Any, Any]:
        stratify = y if self._stratify else None
        rng = self.network_.rng
        draw = rng.integers if isinstance(rng, np.random.Generator) else rng.randint
        seed = int(draw(2**31 - 1))
        parts = train_test_split(
            X, y, test_size=self.validation_fraction, random_state=seed, stratify=stratify
        )
        self.validation_scores_ = []
        self.best_validation_score_ = -math.inf
        self.best_loss_ = None
        return parts[0], parts[1], parts[2], parts[3]

    def _train(
        self,
        X: Array,
        Y: Array,
        epochs: int,
        X_val: Array | None,
        y_val: Any,
        incremental: bool = False,
    ) -> None:
        """Run up to ``epochs`` epochs; stop early as scikit-learn does, unless incremental."""
        step = min(200 if self.batch_size == "auto" else self.batch_size, X.shape[0])
        best_weights = None
        for _ in range(epochs):
            self._epoch(X, Y, step)
            if incremental:
                continue
            if X_val is not None and self._validation_improved(X_val, y_val):
                best_weights = self.network_.get_weights()
            elif X_val is None:
                self._loss_improved()
            if self._no_improvement_count > self.n_iter_no_change:
                break
        else:
            if not incremental:
                warnings.warn(
                    f"stopped after max_iter={self.max_iter} epochs before the loss settled "
                    f"(tol={self.tol}); raise max_iter or tol",
                    ConvergenceWarning,
                    stacklevel=3,
                )
        if best_weights is not None:
            self.network_.set_weights(best_weights)  # in place: coefs_ and intercepts_ follow

    def _epoch(self, X: Array, Y: Array, step: int) -> None:
        """One pass over the rows in batches of ``step``; records the mean loss."""
        n_samples = X.shape[0]
        order = self.network_.rng.permutation(n_samples) if self.shuffle else np.arange(n_samples)
        total = 0.0
        for start in range(0, n_samples, step):
            rows = order[start : start + step]
            total += self._step(X[rows], Y[rows]) * rows.size
        self.n_iter_ += 1
        self.t_ += n_samples
        self.loss_curve_.append(total / n_samples)
        if not math.isfinite(self.loss_curve_[-1]):
            raise TrainingDivergedError(
                f"training diverged at epoch {self.n_iter_}: the loss became "
                f"{self.loss_curve_[-1]}. Try a lower learning_rate_init, or scale the inputs.",
                self.n_iter_,
            )

    def _step(self, X: Array, Y: Array) -> float:
        """One optimizer step on a batch, with the L2 penalty on weights (not biases)."""
        net = self.network_
        net.forward(X)
        loss = net.backward(Y)
        if self.alpha:
            scale = self.alpha / X.shape[0]  # scikit-learn's penalty: ½·α·Σ‖W‖² / batch size
            for layer in net.layers:
                layer.dW += scale * layer.weights  # (i, o)
                loss += 0.5 * scale * float(np.vdot(layer.weights, layer.weights))
        net.optimizer.step([(param, grad) for _, param, grad in net.parameters()])
        return loss

    def _loss_improved(self) -> None:
        # No improvement: the epoch's loss is not at least tol below the best so far.
        loss = self.loss_curve_[-1]
        assert self.best_loss_ is not None
        if loss > self.best_loss_ - self.tol:
            self._no_improvement_count += 1
        else:
            self._no_improvement_count = 0
        self.best_loss_ = min(self.best_loss_, loss)

    def _validation_improved(self, X_val: Array, y_val: Any) -> bool:
        """Score the held-out rows; return whether this is the best score so far."""
        score = float(self.score(X_val, y_val))
        assert self.validation_scores_ is not None
        assert self.best_validation_score_ is not None
        self.validation_scores_.append(score)
        if score < self.best_validation_score_ + self.tol:
            self._no_improvement_count += 1
        else:
            self._no_improvement_count = 0
        if score > self.best_validation_score_:
            self.best_validation_score_ = score
            return True
        return False

    # -- prediction ----------------------------------------------------------------------------

    def _outputs(self, X: Any) -> Array:
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return self.network_.predict(X)  # (n, n_outputs)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = False
        return tags


class GlassClassifier(ClassifierMixin, _GlassEstimator):
    """A glassnet network as a scikit-learn classifier (binary, multi-class and multi-label).

    Two classes give one sigmoid output and binary cross-entropy, more classes a softmax output
    and categorical cross-entropy, and a 0/1 indicator matrix ``y`` (multi-label) one sigmoid
    output per label. Training is mini-batch Adam or SGD with an L2 penalty on the weights, and
    stops as ``MLPClassifier`` does: when the loss (or, with ``early_stopping``, the accuracy on
    held-out rows) has not improved by ``tol`` for ``n_iter_no_change`` epochs.

    Parameters
    ----------
    hidden_layer_sizes : int or tuple of int, default=(100,)
        Units of each hidden layer; ``()`` for none.
    activation : {"relu", "tanh", "logistic", "identity", "leaky_relu"}, default="relu"
        Activation of the hidden layers (``"sigmoid"`` is accepted for ``"logistic"``).
    solver : {"adam", "sgd"}, default="adam"
    alpha : float, default=1e-4
        L2 penalty: ``½·alpha·Σ‖W‖²`` divided by the batch size is added to the loss.
    batch_size : int or "auto", default="auto"
        Rows per step; "auto" is ``min(200, n_samples)``.
    learning_rate_init : float, default=1e-3
        Step size of the solver (constant).
    max_iter : int, default=200
        Most epochs ``fit`` runs.
    shuffle : bool, default=True
        Reorder the rows every epoch.
    random_state : int, numpy.random.Generator, numpy.random.RandomState or None, default=None
        Weights, shuffling and the validation split; None draws fresh randomness each fit.
    tol : float, default=1e-4
        Smallest improvement that counts.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the rows (stratified) and stop on their accuracy,
        keeping the best weights.
    validation_fraction : float, default=0.1
    n_iter_no_change : int, default=10
        Epochs without improvement before stopping.
    momentum : float, default=0.9
        For ``solver="sgd"``.
    nesterovs_momentum : bool, default=True
        For ``solver="sgd"``.
    beta_1, beta_2, epsilon : float, default=0.9, 0.999, 1e-8
        For ``solver="adam"``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels (for multi-label: 0 .. n_labels − 1).
    coefs_ : list of ndarray of shape (n_in, n_out)
        The network's weights, layer by layer; these are the network's own arrays.
    intercepts_ : list of ndarray of shape (n_out,)
    loss_curve_ : list of float
        Mean training loss of each epoch (penalty included).
    best_loss_ : float or None
        Lowest of ``loss_curve_`` (None with ``early_stopping``).
    validation_scores_ : list of float or None
        Accuracy on the held-out rows after each epoch, with ``early_stopping``.
    best_validation_score_ : float or None
    n_iter_ : int
        Epochs run.
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
        self._stratify = not self._multilabel
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


class GlassRegressor(RegressorMixin, _GlassEstimator):
    """A glassnet network as a scikit-learn regressor, with one or many outputs.

    The output layer is linear and the loss the mean squared error; training and stopping are
    as in ``GlassClassifier`` (with ``early_stopping`` monitoring R² on held-out rows), and so
    are the parameters and attributes, except that there are no ``classes_`` and
    ``out_activation_`` is "identity".

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
