"""Optimizers: how a gradient becomes a change of the weights.

An optimizer sees only (param, grad) pairs and updates each param in place; it knows nothing of
layers. The update rules are PyTorch's (``torch.optim.SGD`` and ``torch.optim.Adam``), so a run can
be checked step by step against it. State (momentum buffers, Adam moments) is kept per pair
position.
"""

from __future__ import annotations

import math
from functools import partial
from typing import Any

import numpy as np

from glassnet._types import Array, Call
from glassnet.errors import ConfigurationError

__all__ = ["SGD", "Adam", "Optimizer", "get_optimizer"]


def _check_nonnegative(**values: float) -> None:
    for name, value in values.items():
        if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
            raise ConfigurationError(f"{name} must be a finite number >= 0, got {value!r}")


class Optimizer:
    """Base class: ``step(pairs)`` updates every param from its grad, in place."""

    def step(self, pairs: list[tuple[Array, Array]]) -> None:
        """Apply one update to each (param, grad) pair."""
        raise NotImplementedError

    def reset(self) -> None:
        """Forget all state (momentum buffers, moments, step count)."""

    def step_calls(self, pairs: list[tuple[Array, Array]]) -> list[Call]:
        """Return calls that do ``step(pairs)``, with the settings the optimizer has now."""
        return [partial(self.step, pairs)]

    def get_config(self) -> dict[str, Any]:
        """Return the constructor arguments, for saving and display."""
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum, Nesterov momentum and weight decay.

    With ``g = grad + weight_decay · p``: without momentum ``p ← p − lr·g``; with momentum
    ``buf ← momentum·buf + g`` (``buf = g`` at the first step) and ``p ← p − lr·buf``, or
    ``p ← p − lr·(g + momentum·buf)`` with Nesterov. This is ``torch.optim.SGD`` with dampening 0.

    Parameters
    ----------
    lr : float, default=0.01
        Learning rate. ``SGD(lr=1.0)`` with the "sse" loss is the tutorial's update.
    momentum : float, default=0.0
    nesterov : bool, default=False
    weight_decay : float, default=0.0
        L2 penalty coefficient added to the gradient.

    Examples
    --------
    >>> p, g = np.array([1.0]), np.array([0.5])
    >>> SGD(lr=0.1).step([(p, g)])
    >>> p
    array([0.95])
    """

    def __init__(
        self,
        lr: float = 0.01,
        momentum: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
    ) -> None:
        _check_nonnegative(lr=lr, momentum=momentum, weight_decay=weight_decay)
        if nesterov and momentum <= 0:
            raise ConfigurationError("nesterov momentum needs momentum > 0")
        self.lr = lr
        self.momentum = momentum
        self.nesterov = bool(nesterov)
        self.weight_decay = weight_decay
        self._buffers: list[Array] | None = None
        self._scratch: list[Array] = []

    def reset(self) -> None:
        """Drop the momentum buffers."""
        self._buffers = None

    def _scratch_for(self, pairs: list[tuple[Array, Array]]) -> list[Array]:
        """Return one spare array per grad, of its shape and dtype, kept between steps."""
        scratch = self._scratch
        if len(scratch) != len(pairs) or any(
            kept.shape != grad.shape or kept.dtype != grad.dtype
            for kept, (_, grad) in zip(scratch, pairs, strict=True)
        ):
            scratch = self._scratch = [np.empty_like(grad) for _, grad in pairs]
        return scratch

    def get_config(self) -> dict[str, Any]:
        """Return lr, momentum, nesterov and weight_decay."""
        return {
            "lr": self.lr,
            "momentum": self.momentum,
            "nesterov": self.nesterov,
            "weight_decay": self.weight_decay,
        }

    def step_calls(self, pairs: list[tuple[Array, Array]]) -> list[Call]:
        """Plain SGD as NumPy calls: ``lr·grad`` into a kept array, then ``param −= it``."""
        if self.momentum != 0 or self.weight_decay != 0:
            return super().step_calls(pairs)
        if self.lr == 1.0:  # the tutorial's step: 1.0·grad is grad exactly, so skip the multiply
            return [partial(np.subtract, param, grad, param) for param, grad in pairs]
        calls: list[Call] = []
        for (param, grad), scaled in zip(pairs, self._scratch_for(pairs), strict=True):
            calls += [
                partial(np.multiply, grad, self.lr, scaled),
                partial(np.subtract, param, scaled, param),
            ]
        return calls

    def step(self, pairs: list[tuple[Array, Array]]) -> None:
        """Update each param in place (see the class docstring for the rule)."""
        lr, momentum, decay = self.lr, self.momentum, self.weight_decay
        if momentum == 0 and decay == 0:
            for call in self.step_calls(pairs):
                call()
            return
        first = self._buffers is None
        if first:
            self._buffers = [np.empty_like(param) for param, _ in pairs]
        assert self._buffers is not None
        for (param, grad), buf in zip(pairs, self._buffers, strict=True):
            g = grad + decay * param if decay else grad
            if momentum == 0:
                param -= lr * g
                continue
            if first:
                buf[...] = g
            else:
                buf *= momentum
                buf += g
            param -= lr * (g + momentum * buf if self.nesterov else buf)


class Adam(Optimizer):
    """Adam: per-weight step sizes from running averages of the gradient and its square.

    With ``g = grad + weight_decay · p`` and step ``t``: ``m ← β₁m + (1−β₁)g``,
    ``v ← β₂v + (1−β₂)g²``, ``p ← p − (lr / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + eps)``,
    exactly as ``torch.optim.Adam`` (L2 weight decay, not AdamW's decoupled form).

    Parameters
    ----------
    lr : float, default=0.001
    betas : tuple of float, default=(0.9, 0.999)
    eps : float, default=1e-8
    weight_decay : float, default=0.0

    References
    ----------
    D. P. Kingma and J. Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015.
    """

    def __init__(
        self,
        lr: float = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        _check_nonnegative(lr=lr, eps=eps, weight_decay=weight_decay)
        beta1, beta2 = betas
        if not (0 <= beta1 < 1 and 0 <= beta2 < 1):
            raise ConfigurationError(f"betas must each be in [0, 1), got {betas!r}")
        self.lr = lr
        self.betas = (float(beta1), float(beta2))
        self.eps = eps
        self.weight_decay = weight_decay
        self.t = 0
        self._moments: list[tuple[Array, Array]] | None = None

    def reset(self) -> None:
        """Drop the moment estimates and restart the step count."""
        self.t = 0
        self._moments = None

    def get_config(self) -> dict[str, Any]:
        """Return lr, betas, eps and weight_decay."""
        return {
            "lr": self.lr,
            "betas": self.betas,
            "eps": self.eps,
            "weight_decay": self.weight_decay,
        }

    def step(self, pairs: list[tuple[Array, Array]]) -> None:
        """Update each param in place (see the class docstring for the rule)."""
        if self._moments is None:
            self._moments = [(np.zeros_like(p), np.zeros_like(p)) for p, _ in pairs]
        self.t += 1
        beta1, beta2 = self.betas
        step_size = self.lr / (1 - beta1**self.t)
        sqrt_correction2 = math.sqrt(1 - beta2**self.t)
        for (param, grad), (m, v) in zip(pairs, self._moments, strict=True):
            g = grad + self.weight_decay * param if self.weight_decay else grad
            m *= beta1
            m += (1 - beta1) * g
            v *= beta2
            v += (1 - beta2) * (g * g)
            denom = np.sqrt(v) / sqrt_correction2 + self.eps
            param -= step_size * (m / denom)


_OPTIMIZERS: dict[str, type[Optimizer]] = {"sgd": SGD, "adam": Adam}


def get_optimizer(optimizer: str | Optimizer | None, lr: float | None = None) -> Optimizer:
    """Return an optimizer from an instance or a name: sgd, momentum, nesterov or adam.

    Parameters
    ----------
    optimizer : str, Optimizer or None
        None means Adam with its defaults.
    lr : float, optional
        Learning rate for an optimizer given by name.

    Returns
    -------
    Optimizer
    """
    if isinstance(optimizer, Optimizer):
        return optimizer
    name = "adam" if optimizer is None else str(optimizer).lower()
    kwargs: dict[str, Any] = {} if lr is None else {"lr": lr}
    if name == "momentum":
        return SGD(momentum=0.9, **kwargs)
    if name == "nesterov":
        return SGD(momentum=0.9, nesterov=True, **kwargs)
    if name in _OPTIMIZERS:
        return _OPTIMIZERS[name](**kwargs)
    raise ConfigurationError(
        f"unknown optimizer {optimizer!r}; choose from adam, momentum, nesterov, sgd"
    )
