"""Central finite differences in float64, and the comparison rule every gradient test uses.

``numerical_gradient(f, x)`` perturbs each entry of ``x`` in place by ±h and returns
(f(x + h) − f(x − h)) / 2h. ``assert_gradient_close`` passes when the norm-wise relative error is
below 1e-7 (CS231n's rule of thumb for float64) and every entry is within rtol=1e-5, atol=1e-8.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

H = 1e-6


def numerical_gradient(f: Callable[[], float], x: np.ndarray, h: float = H) -> np.ndarray:
    """Return ∂f/∂x by central differences; ``f`` reads ``x``, which is perturbed in place."""
    grad = np.zeros_like(x)
    flat, grad_flat = x.reshape(-1), grad.reshape(-1)
    assert np.shares_memory(flat, x)
    for index in range(flat.size):
        saved = flat[index]
        flat[index] = saved + h
        plus = f()
        flat[index] = saved - h
        minus = f()
        flat[index] = saved
        grad_flat[index] = (plus - minus) / (2 * h)
    return grad


def relative_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    """Return ‖a − n‖ / max(‖a‖, ‖n‖, 1e-12)."""
    scale = max(np.linalg.norm(analytic), np.linalg.norm(numeric), 1e-12)
    return float(np.linalg.norm(analytic - numeric) / scale)


def assert_gradient_close(analytic: np.ndarray, numeric: np.ndarray, what: str = "") -> None:
    """Fail unless the analytic gradient matches the numerical one (see module docstring)."""
    error = relative_error(analytic, numeric)
    assert error < 1e-7, f"{what}: relative error {error:.3g} >= 1e-7"
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-8, err_msg=what)
