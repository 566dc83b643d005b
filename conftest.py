"""Shared pytest set-up: names available to every doctest, and scikit-learn's array API checks.

``SCIPY_ARRAY_API=1`` must be set before SciPy is first imported; without it scikit-learn's
``check_array_api_input`` skips itself instead of checking the estimators.
"""

from __future__ import annotations

import os

os.environ.setdefault("SCIPY_ARRAY_API", "1")

import numpy as np  # imported after setting the variable above
import pytest

import glassnet as gn


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace: dict[str, object]) -> None:
    doctest_namespace.update(np=np, gn=gn, SGD=gn.SGD, Dense=gn.Dense, Network=gn.Network)
