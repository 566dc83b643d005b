"""What glassnet's two scikit-learn estimators share: parameters, the network and training.

``_GlassEstimator`` checks the parameters, builds ``network_`` and trains it as ``MLPClassifier``
and ``MLPRegressor`` do, step for step: the same starting weights from the same random stream
(Glorot's uniform rule, biases drawn too), the same shuffles, the same gradients (the output
error ``A − Y``, the L2 penalty ``α·W``, both divided by the batch's rows), scikit-learn's Adam and
SGD (``solvers``), its loss values and its stopping rules. ``classifiers`` and ``regressors`` say
how targets become the network's outputs. Nothing here is public: ``glassnet.sklearn`` exports the
estimators. Shapes: X (n_samples, n_features), Y (n_samples, n_outputs) as the network sees them.
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
from glassnet.nn.layers import Dense
from glassnet.nn.network import Network
from glassnet.nn.optimizers import SGD, Adam, Optimizer
from glassnet.sklearn.solvers import SklearnAdam, SklearnSGD, glorot_draws, minimize_lbfgs


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
_SOLVERS = ("adam", "sgd", "lbfgs")
_SCHEDULES = ("constant", "invscaling", "adaptive")


class _GlassEstimator(BaseEstimator):
    """What both estimators share: parameters, the network, and the training loop."""

    _loss: str
    _out_activation: str

    def __init__(
        self,
        hidden_layer_sizes: Any = (100,),
        activation: str = "relu",
        *,
        solver: str = "adam",
        alpha: float = 0.0001,
        batch_size: int | str = "auto",
        learning_rate: str = "constant",
        learning_rate_init: float = 0.001,
        power_t: float = 0.5,
        max_iter: int = 200,
        shuffle: bool = True,
        random_state: Any = None,
        tol: float = 1e-4,
        verbose: bool = False,
        warm_start: bool = False,
        momentum: float = 0.9,
        nesterovs_momentum: bool = True,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        n_iter_no_change: int = 10,
        max_fun: int = 15000,
    ) -> None:
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun

    # -- subclasses fill these in --------------------------------------------------------------

    def _validate_targets(self, X: Any, y: Any, reset: bool) -> tuple[Array, Any]:
        raise NotImplementedError

    def _set_targets(self, y: Any, classes: Any, partial: bool) -> None:
        """Learn how targets map to network outputs (classes, output count) on a first fit."""
        raise NotImplementedError

    def _check_same_targets(self, y: Any) -> None:
        """Refuse targets a network fitted before cannot take (a warm start, partial_fit)."""
        raise NotImplementedError

    def _encode(self, y: Any) -> Array:
        raise NotImplementedError

    def _loss_value(self, A: Array, Y: Array) -> float:
        """scikit-learn's loss of outputs ``A`` against encoded targets ``Y``, penalty aside."""
        raise NotImplementedError

    def _stratify(self, Y: Array) -> Array | None:
        """What the early-stopping split keeps the proportions of (None: nothing)."""
        return None

    def _decode(self, Y: Array) -> Any:
        """The targets of encoded rows, as ``score`` takes them."""
        return Y

    # -- fitting -------------------------------------------------------------------------------

    def fit(self, X: Any, y: Any) -> Any:
        """Train on ``X``, ``y`` for up to ``max_iter`` epochs (a new network unless warm_start).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)

        Returns
        -------
        self
        """
        X, y = self._prepare(X, y, None, partial=False)
        if self.solver == "lbfgs":
            self._fit_lbfgs(X, self._encode(y))
            return self
        self._solver = self._make_solver()  # a new one for every fit, warm or not
        self._train(X, self._encode(y), incremental=False)
        return self

    def _partial_fit(self, X: Any, y: Any, classes: Any) -> None:
        if self.solver == "lbfgs":
            raise AttributeError(
                "partial_fit is only available for stochastic optimizers. lbfgs is not stochastic."
            )
        if self.early_stopping:
            raise ValueError("partial_fit does not support early_stopping=True")
        X, y = self._prepare(X, y, classes, partial=True)
        if not hasattr(self, "_solver"):  # kept from one call to the next
            self._solver = self._make_solver()
        self._train(X, self._encode(y), incremental=True)

    def _prepare(self, X: Any, y: Any, classes: Any, partial: bool) -> tuple[Array, Any]:
        """Check the data and parameters; start the fit's random stream; build a network if new.

        A network is kept from before by ``partial_fit`` and, with ``warm_start``, by ``fit``.
        """
        keep = hasattr(self, "network_") and (partial or self.warm_start)
        X, y = self._validate_targets(X, y, reset=not keep)
        self._check_parameters()
        self._random_state = self._rng()  # anew at every call, as scikit-learn does
        if keep:
            self._check_same_targets(y)
        else:
            self._set_targets(y, classes, partial=partial)
            self._initialize(X.shape[1])
        return X, y

    def _rng(self) -> Any:
        """The random stream of one fit, as scikit-learn's ``check_random_state`` gives it.

        An int seeds a ``RandomState``; a ``RandomState`` (or a ``Generator``) is used as it is;
        None asks for fresh randomness: a new, unseeded ``RandomState``, never a global stream.
        """
        state = self.random_state
        if state is None:
            return np.random.RandomState()
        if isinstance(state, np.random.RandomState | np.random.Generator):
            return state
        if isinstance(state, numbers.Integral) and not isinstance(state, bool) and int(state) >= 0:
            return np.random.RandomState(int(state))
        raise ConfigurationError(
            "random_state must be None, a non-negative int seed, a numpy.random.RandomState "
            f"or a numpy.random.Generator, got {state!r}"
        )

    def _check_parameters(self) -> None:
        sizes = self._hidden_sizes()
        if any(isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1 for n in sizes):
            raise ConfigurationError(
                f"hidden_layer_sizes must be positive ints, got {self.hidden_layer_sizes!r}"
            )
        for name, value, choices in (
            ("activation", self.activation, tuple(_ACTIVATIONS)),
            ("solver", self.solver, _SOLVERS),
            ("learning_rate", self.learning_rate, _SCHEDULES),
        ):
            if value not in choices:
                raise ConfigurationError(
                    f"unknown {name} {value!r}; choose from {', '.join(choices)}"
                )
        if self.batch_size != "auto" and (
            isinstance(self.batch_size, bool)
            or not isinstance(self.batch_size, numbers.Integral)
            or self.batch_size < 1
        ):
            raise ConfigurationError(
                f"batch_size must be 'auto' or an int >= 1, got {self.batch_size!r}"
            )
        for name in ("max_iter", "n_iter_no_change", "max_fun"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
                raise ConfigurationError(f"{name} must be an int >= 1, got {value!r}")
        for name in ("alpha", "tol", "learning_rate_init", "momentum", "power_t", "epsilon"):
            value = getattr(self, name)
            if not (isinstance(value, numbers.Real) and math.isfinite(value) and float(value) >= 0):
                raise ConfigurationError(f"{name} must be a finite number >= 0, got {value!r}")
        for name in ("beta_1", "beta_2"):
            value = getattr(self, name)
            if not (isinstance(value, numbers.Real) and 0 <= float(value) < 1):
                raise ConfigurationError(f"{name} must be in [0, 1), got {value!r}")
        if self.early_stopping and not 0 < self.validation_fraction < 1:
            raise ConfigurationError(
                f"validation_fraction must be in (0, 1), got {self.validation_fraction!r}"
            )

    def _hidden_sizes(self) -> list[Any]:
        sizes = self.hidden_layer_sizes
        return [sizes] if isinstance(sizes, numbers.Integral) else list(sizes)

    def _optimizer(self) -> Optimizer:
        """The glassnet optimizer with these settings, kept in ``network_`` and in model files."""
        if self.solver == "sgd":
            return SGD(
                lr=self.learning_rate_init,
                momentum=self.momentum,
                nesterov=bool(self.nesterovs_momentum and self.momentum > 0),
            )
        return Adam(lr=self.learning_rate_init, betas=(self.beta_1, self.beta_2), eps=self.epsilon)

    def _make_solver(self) -> SklearnAdam | SklearnSGD:
        """scikit-learn's optimizer with these settings, which the estimator trains with."""
        if self.solver == "sgd":
            return SklearnSGD(
                self.learning_rate_init,
                self.learning_rate,
                self.momentum,
                bool(self.nesterovs_momentum),
                self.power_t,
            )
        return SklearnAdam(self.learning_rate_init, self.beta_1, self.beta_2, self.epsilon)

    def _initialize(self, n_features: int) -> None:
        """Build ``network_`` with scikit-learn's starting weights and reset the fitted state."""
        widths = [n_features, *(int(n) for n in self._hidden_sizes()), self.n_outputs_]
        activations = [_ACTIVATIONS[self.activation]] * (len(widths) - 2) + [self._out_activation]
        layers = [
            Dense(n_in, n_out, activation=activation)
            for (n_in, n_out), activation in zip(
                itertools.pairwise(widths), activations, strict=True
            )
        ]
        # The draws glassnet makes here are replaced by scikit-learn's, from the fit's stream.
        network = Network(layers, loss=self._loss, optimizer=self._optimizer(), rng=0)
        logistic = _ACTIVATIONS[self.activation] == "sigmoid"
        network.set_weights(glorot_draws(self._random_state, widths, logistic, network.dtype))
        network.rng = self._random_state
        self.network_ = network
        self.coefs_ = [layer.weights for layer in network.layers]  # shared, not copies
        self.intercepts_ = [layer.bias for layer in network.layers]
        self.n_layers_ = len(widths)
        self.out_activation_ = (
            "logistic" if self._out_activation == "sigmoid" else self._out_activation
        )
        self.n_iter_ = 0
        self.t_ = 0
        if hasattr(self, "_solver"):
            del self._solver
        if self.solver != "lbfgs":  # what the stochastic solvers keep, as scikit-learn has it
            self._initialize_stochastic()

    def _initialize_stochastic(self) -> None:
        self.loss_curve_: list[float] = []
        self._no_improvement_count = 0
        if self.early_stopping:
            self.validation_scores_: list[float] | None = []
            self.best_validation_score_: float | None = -math.inf
            self.best_loss_: float | None = None
        else:
            self.best_loss_ = math.inf
            self.validation_scores_ = None
            self.best_validation_score_ = None
        self._best_weights = self.network_.get_weights()

    def _split_validation(self, X: Array, Y: Array) -> tuple[Array, Array, Array, Any]:
        """Hold out ``validation_fraction`` of the rows: X, Y to train on, X_val, y_val to score."""
        X, X_val, Y, Y_val = train_test_split(
            X,
            Y,
            random_state=self._random_state,
            test_size=self.validation_fraction,
            stratify=self._stratify(Y),
        )
        if X_val.shape[0] < 2:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' or the size of "
                "your dataset."
            )
        return X, Y, X_val, self._decode(Y_val)

    def _train(self, X: Array, Y: Array, incremental: bool) -> None:
        """Run the epochs of a ``fit`` (one for ``partial_fit``), stopping as scikit-learn does."""
        X_val = y_val = None
        if self.early_stopping:
            X, Y, X_val, y_val = self._split_validation(X, Y)
        n_samples = X.shape[0]
        rows = min(200, n_samples) if self.batch_size == "auto" else self.batch_size
        if rows > n_samples:
            warnings.warn(
                "Got `batch_size` less than 1 or larger than sample size. It is going to be "
                "clipped",
                stacklevel=3,
            )
        rows = min(rows, n_samples)
        order = np.arange(n_samples)
        self.n_iter_ = 0
        try:
            for _ in range(self.max_iter):
                if self.shuffle:  # scikit-learn shuffles the previous order, not the rows anew
                    order = order[self._random_state.permutation(n_samples)]
                self._epoch(X, Y, order, rows)
                if self._stop(X_val, y_val) or incremental:
                    break
                if self.n_iter_ == self.max_iter:
                    warnings.warn(
                        f"stopped after max_iter={self.max_iter} epochs before the loss settled "
                        f"(tol={self.tol}); raise max_iter or tol",
                        ConvergenceWarning,
                        stacklevel=3,
                    )
        except KeyboardInterrupt:
            warnings.warn("training interrupted by the user", ConvergenceWarning, stacklevel=3)
        if self.early_stopping:
            self.network_.set_weights(self._best_weights)  # in place: coefs_ and intercepts_ follow

    def _epoch(self, X: Array, Y: Array, order: np.ndarray, rows: int) -> None:
        """One pass over the rows in ``order``, in batches of ``rows``; records the mean loss."""
        n_samples = X.shape[0]
        total = 0.0
        for start in range(0, n_samples, rows):
            batch = order[start : start + rows]
            total += self._step(X[batch], Y[batch]) * batch.size
        self.n_iter_ += 1
        self.t_ += n_samples
        self.loss_ = total / n_samples
        self.loss_curve_.append(self.loss_)
        if self.verbose:
            print(f"Iteration {self.n_iter_}, loss = {self.loss_:.8f}")
        if not math.isfinite(self.loss_):
            raise TrainingDivergedError(
                f"training diverged at epoch {self.n_iter_}: the loss became {self.loss_}. "
                "Try a lower learning_rate_init, or scale the inputs.",
                self.n_iter_,
            )

    def _step(self, X: Array, Y: Array) -> float:
        """One update on a batch, with scikit-learn's arithmetic; returns the batch's loss."""
        loss = self._gradients(X, Y)
        self._solver.step(self._pairs())
        return loss

    def _pairs(self) -> list[tuple[Array, Array]]:
        """(param, grad) of every weight, then of every bias: scikit-learn's order of params."""
        layers = self.network_.layers
        return [(layer.weights, layer.dW) for layer in layers] + [
            (layer.bias, layer.db)  # type: ignore[misc]
            for layer in layers
        ]

    def _fit_lbfgs(self, X: Array, Y: Array) -> None:
        """The "lbfgs" solver: L-BFGS-B on every row at once, as scikit-learn runs it."""
        self.n_iter_, self.loss_, status, message = minimize_lbfgs(
            lambda: self._gradients(X, Y), self._pairs(), self.max_iter, self.max_fun, self.tol
        )
        if status != 0:
            text = f"lbfgs failed to converge after {self.n_iter_} iteration(s) (status={status}): "
            text += message
            if self.n_iter_ == self.max_iter:
                text += f"; raise max_iter (now {self.max_iter})"
            warnings.warn(text, ConvergenceWarning, stacklevel=3)

    def _gradients(self, X: Array, Y: Array) -> float:
        """Fill every layer's dW and db for a batch as scikit-learn does; return the batch's loss.

        The output layer's error ``A − Y`` is ∂L/∂Z of each loss here (cross-entropy after a
        sigmoid or softmax, half the squared error after the identity); each layer's gradient
        ``Aᵀ·δ + α·W`` is then divided by the batch's rows, as ``_backprop`` does.
        """
        net = self.network_
        n = X.shape[0]
        A = net.forward(X)  # (n, n_outputs)
        loss = self._loss_value(A, Y)
        squares = sum(float(np.dot(W.ravel(), W.ravel())) for W in self.coefs_)
        loss += (0.5 * self.alpha) * squares / n
        layers = net.layers
        dA = layers[-1].backward_from_dZ(A - Y, need_dX=len(layers) > 1)
        for index in range(len(layers) - 2, -1, -1):
            assert dA is not None
            dA = layers[index].backward(dA, need_dX=index > 0)
        for layer in layers:
            assert layer.db is not None
            layer.dW += self.alpha * layer.weights
            layer.dW /= n
            layer.db /= n
        return loss

    def _stop(self, X_val: Array | None, y_val: Any) -> bool:
        """Note this epoch's improvement (or not); return whether training stops."""
        if X_val is not None:
            score = float(self.score(X_val, y_val))
            assert self.validation_scores_ is not None
            assert self.best_validation_score_ is not None
            self.validation_scores_.append(score)
            improved = score >= self.best_validation_score_ + self.tol
            if score > self.best_validation_score_:
                self.best_validation_score_ = score
                self._best_weights = self.network_.get_weights()
        else:
            assert self.best_loss_ is not None
            improved = self.loss_curve_[-1] <= self.best_loss_ - self.tol
            self.best_loss_ = min(self.best_loss_, self.loss_curve_[-1])
        self._no_improvement_count = 0 if improved else self._no_improvement_count + 1
        self._solver.end_epoch(self.t_)
        if self._no_improvement_count > self.n_iter_no_change:
            if self._solver.out_of_patience():
                if self.verbose:
                    print(
                        f"{'Validation score' if X_val is not None else 'Training loss'} did not "
                        f"improve more than tol={self.tol:f} for {self.n_iter_no_change} "
                        "consecutive epochs. Stopping."
                    )
                return True
            self._no_improvement_count = 0
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
