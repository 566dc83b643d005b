"""Optimizers: one hand-computed step, exactly; option checks."""

from __future__ import annotations

import math

import numpy as np
import pytest

import glassnet as gn
from glassnet.nn.optimizers import get_optimizer


def test_sgd_step_by_hand():
    param, grad = np.array([1.0, -2.0]), np.array([0.5, 0.25])
    gn.SGD(lr=0.1).step([(param, grad)])
    np.testing.assert_array_equal(param, [1.0 - 0.1 * 0.5, -2.0 - 0.1 * 0.25])


def test_sgd_momentum_two_steps_by_hand():
    param, grad = np.array([1.0]), np.array([0.5])
    optimizer = gn.SGD(lr=0.1, momentum=0.9)
    optimizer.step([(param, grad)])  # buf = g
    optimizer.step([(param, grad)])  # buf = 0.9 g + g
    buf = 0.9 * 0.5 + 0.5
    np.testing.assert_array_equal(param, [(1.0 - 0.1 * 0.5) - 0.1 * buf])


def test_sgd_nesterov_with_weight_decay_by_hand():
    param, grad = np.array([2.0]), np.array([0.5])
    gn.SGD(lr=0.1, momentum=0.5, nesterov=True, weight_decay=0.1).step([(param, grad)])
    g = 0.5 + 0.1 * 2.0
    np.testing.assert_array_equal(param, [2.0 - 0.1 * (g + 0.5 * g)])


def test_adam_first_step_by_hand():
    param, grad = np.array([1.0, -1.0]), np.array([0.2, -0.4])
    gn.Adam(lr=0.01).step([(param, grad)])
    m = (1 - 0.9) * grad
    v = (1 - 0.999) * (grad * grad)
    expected = np.array([1.0, -1.0]) - (0.01 / (1 - 0.9)) * (
        m / (np.sqrt(v) / math.sqrt(1 - 0.999) + 1e-8)
    )
    np.testing.assert_array_equal(param, expected)


def test_reset_forgets_state():
    optimizer = gn.Adam()
    param, grad = np.zeros(2), np.ones(2)
    optimizer.step([(param, grad)])
    optimizer.reset()
    assert optimizer.t == 0


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: gn.SGD(lr=-1), "lr must be a finite number >= 0"),
        (lambda: gn.SGD(lr=float("nan")), "lr must be a finite number"),
        (lambda: gn.SGD(nesterov=True), "nesterov momentum needs momentum > 0"),
        (lambda: gn.Adam(betas=(1.0, 0.9)), "betas must each be in"),
        (lambda: get_optimizer("adagrad"), "unknown optimizer 'adagrad'; choose from adam"),
    ],
    ids=["negative-lr", "nan-lr", "nesterov-without-momentum", "beta-one", "unknown-name"],
)
def test_bad_optimizer_settings_are_refused(make, message):
    with pytest.raises(gn.ConfigurationError, match=message):
        make()


def test_optimizers_by_name():
    assert get_optimizer("momentum").get_config()["momentum"] == 0.9
    assert get_optimizer("nesterov").get_config()["nesterov"] is True
    assert get_optimizer("sgd", lr=0.5).get_config()["lr"] == 0.5
    assert isinstance(get_optimizer(None), gn.Adam)
