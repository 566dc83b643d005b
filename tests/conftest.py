from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn

TUTORIAL_X = np.array([[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 1]], dtype=float)
TUTORIAL_Y = np.array([[0, 1, 1, 0]], dtype=float).T


def tutorial_network(seed: int = 1) -> gn.Network:
    """The tutorial's network: 3 inputs, a sigmoid output, no bias, legacy RNG weights."""
    return gn.Network(
        [gn.Dense(3, 1, activation="sigmoid", bias=False)],
        loss="sse",
        optimizer=gn.SGD(lr=1.0),
        init="uniform",
        rng=np.random.RandomState(seed),
    )


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261128)
