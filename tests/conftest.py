from __future__ import annotations

import numpy as np
import pytest

TUTORIAL_X = np.array([[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 1]], dtype=float)
TUTORIAL_Y = np.array([[0, 1, 1, 0]], dtype=float).T


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261128)
