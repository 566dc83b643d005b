"""What glassnet's two scikit-learn estimators share: parameters, the network and training.

``_GlassEstimator`` checks the parameters, builds ``network_`` and runs the epochs with
``MLPClassifier``'s stopping rules; ``classifiers`` and ``regressors`` say how targets become the
network's outputs. Nothing here is public: ``glassnet.sklearn`` exports the estimators. Shapes: X
(n_samples, n_features), Y (n_samples, n_outputs) as the network sees the targets.
"""

from __future__ import annotations

import itertools
import math
import numbers
import warnings
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning as _SklearnConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import validate_data

from glassnet._types import Array
from glassnet.errors import ConfigurationError, TrainingDivergedError
from glassnet.errors import ConvergenceWarning as _GlassnetConvergenceWarning
from glassnet.nn.initializers import as_rng
from glassnet.nn.layers import Dense
from glassnet.nn.network import Network
from glassnet.nn.optimizers import SGD, Adam, Optimizer


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
