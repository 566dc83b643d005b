"""scikit-learn's solvers for its MLPs, on glassnet's (param, grad) pairs: the estimators' updates.

``MLPClassifier`` and ``MLPRegressor`` write Adam with the bias corrections folded into the step
size (``eps`` added to ``√v`` rather than to ``√v̂``, unlike ``torch.optim.Adam``) and SGD as a
velocity ``v ← μv − ηg``, with a learning rate that may shrink by a schedule. These classes repeat
that arithmetic in the same order, so a ``GlassClassifier`` trains as an ``MLPClassifier`` with the
same settings does. They are not glassnet's own optimizers (``glassnet.nn.optimizers``): a network
saved from an estimator names the glassnet optimizer with the same settings instead.
``minimize_lbfgs`` runs the "lbfgs" solver as scikit-learn does: SciPy's L-BFGS-B on the whole
data set, with every weight and bias packed into one vector in scikit-learn's order.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from glassnet._types import Array
from glassnet.nn.optimizers import Optimizer


class SklearnAdam(Optimizer):
    """``m ← β₁m + (1−β₁)g``, ``v ← β₂v + (1−β₂)g²``, ``p ← p − η·√(1−β₂ᵗ)/(1−β₁ᵗ)·m/(√v + ε)``."""

    def __init__(self, lr: float, beta_1: float, beta_2: float, epsilon: float) -> None:
        self.lr, self.beta_1, self.beta_2, self.epsilon = lr, beta_1, beta_2, epsilon
        self.t = 0
        self._moments: list[tuple[Array, Array]] | None = None

    def step(self, pairs: list[tuple[Array, Array]]) -> None:
        """One update of every param, as scikit-learn's ``AdamOptimizer``."""
        if self._moments is None:
            self._moments = [(np.zeros_like(p), np.zeros_like(p)) for p, _ in pairs]
        self.t += 1
        beta_1, beta_2 = self.beta_1, self.beta_2
        moments = []
        for (_, grad), (m, v) in zip(pairs, self._moments, strict=True):
            m = beta_1 * m + (1 - beta_1) * grad
            v = beta_2 * v + (1 - beta_2) * (grad**2)
            moments.append((m, v))
        self._moments = moments
        rate = self.lr * np.sqrt(1 - beta_2**self.t) / (1 - beta_1**self.t)
        for (param, _), (m, v) in zip(pairs, moments, strict=True):
            param += -rate * m / (np.sqrt(v) + self.epsilon)

    def end_epoch(self, samples_seen: int) -> None:
        """Nothing changes between epochs."""

    def out_of_patience(self) -> bool:
        """Stop training: Adam has no smaller rate to fall back on."""
        return True

    def get_config(self) -> dict[str, Any]:
        """Return lr, beta_1, beta_2 and epsilon."""
        return {"lr": self.lr, "beta_1": self.beta_1, "beta_2": self.beta_2, "eps": self.epsilon}


class SklearnSGD(Optimizer):
    """``v ← μv − ηg`` and ``p ← p + v`` (Nesterov: ``p ← p + μv − ηg``), η by a schedule.

    Schedules, as scikit-learn's ``learning_rate``: "constant" keeps η; "invscaling" sets it to
    ``η₀ / (t + 1)^power_t`` after each epoch, t the samples seen; "adaptive" divides it by 5 each
    time training runs out of patience, and stops once it is at most 1e-6.
    """

    def __init__(
        self, lr: float, schedule: str, momentum: float, nesterov: bool, power_t: float
    ) -> None:
        self.lr_init, self.lr = lr, lr
        self.schedule, self.momentum, self.nesterov, self.power_t = (
            schedule,
            momentum,
            nesterov,
            power_t,
        )
        self._velocities: list[Array] | None = None

    def step(self, pairs: list[tuple[Array, Array]]) -> None:
        """One update of every param, as scikit-learn's ``SGDOptimizer``."""
        if self._velocities is None:
            self._velocities = [np.zeros_like(param) for param, _ in pairs]
        updates = [
            self.momentum * velocity - self.lr * grad
            for velocity, (_, grad) in zip(self._velocities, pairs, strict=True)
        ]
        self._velocities = updates
        if self.nesterov:
            updates = [
                self.momentum * velocity - self.lr * grad
                for velocity, (_, grad) in zip(self._velocities, pairs, strict=True)
            ]
        for (param, _), update in zip(pairs, updates, strict=True):
            param += update

    def end_epoch(self, samples_seen: int) -> None:
        """The "invscaling" schedule's new rate after ``samples_seen`` training rows."""
        if self.schedule == "invscaling":
            self.lr = float(self.lr_init) / (samples_seen + 1) ** self.power_t

    def out_of_patience(self) -> bool:
        """Whether to stop; the "adaptive" schedule divides the rate by 5 instead, down to 1e-6."""
        if self.schedule != "adaptive" or self.lr <= 1e-6:
            return True
        self.lr /= 5.0
        return False

    def get_config(self) -> dict[str, Any]:
        """Return the rate now, the schedule, momentum, nesterov and power_t."""
        return {
            "lr": self.lr,
            "schedule": self.schedule,
            "momentum": self.momentum,
            "nesterov": self.nesterov,
            "power_t": self.power_t,
        }


def glorot_draws(rng: Any, widths: list[int], logistic: bool, dtype: Any) -> list[Array]:
    """Starting weights and biases as scikit-learn's MLPs draw them, in ``parameters()`` order.

    For each layer in turn: W of shape (n_in, n_out), then b of shape (n_out,), both uniform on
    ``±√(f / (n_in + n_out))`` with f = 2 when the hidden activation is logistic, else 6
    (Glorot and Bengio's rule, scikit-learn's ``_init_coef``), from the one stream ``rng``.
    """
    factor = 2.0 if logistic else 6.0
    drawn: list[Array] = []
    for n_in, n_out in itertools.pairwise(widths):
        bound = math.sqrt(factor / (n_in + n_out))
        drawn.append(rng.uniform(-bound, bound, (n_in, n_out)).astype(dtype, copy=False))
        drawn.append(rng.uniform(-bound, bound, n_out).astype(dtype, copy=False))
    return drawn


def minimize_lbfgs(
    loss_and_gradients: Callable[[], float],
    pairs: list[tuple[Array, Array]],
    max_iter: int,
    max_fun: int,
    tol: float,
) -> tuple[int, float, int, str]:
    """Minimize a loss over the params of ``pairs`` with SciPy's L-BFGS-B; leave the best in them.

    Parameters
    ----------
    loss_and_gradients : callable
        Returns the loss at the params' values now, having filled in their grads.
    pairs : list of (param, grad)
        Packed in this order (scikit-learn's: every layer's weights, then every bias).
    max_iter, max_fun, tol : int, int, float
        L-BFGS-B's ``maxiter``, ``maxfun`` and ``gtol``.

    Returns
    -------
    tuple
        Iterations (at most ``max_iter``), the final loss, SciPy's status (0: converged) and its
        message.
    """
    import scipy.optimize  # scikit-learn's own dependency

    def unpack(packed: Array) -> None:
        start = 0
        for param, _ in pairs:
            param[...] = packed[start : start + param.size].reshape(param.shape)
            start += param.size

    def objective(packed: Array) -> tuple[float, Array]:
        unpack(packed)
        loss = loss_and_gradients()
        return loss, np.hstack([grad.ravel() for _, grad in pairs])

    start = np.hstack([param.ravel() for param, _ in pairs])
    result = scipy.optimize.minimize(
        objective,
        start,
        method="L-BFGS-B",
        jac=True,
        options={"maxfun": max_fun, "maxiter": max_iter, "gtol": tol},
    )
    unpack(result.x)
    return (
        min(int(result.nit), max_iter),
        float(result.fun),
        int(result.status),
        str(result.message),
    )
