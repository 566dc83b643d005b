"""Shared pytest set-up: names available to every doctest."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace: dict[str, object]) -> None:
    doctest_namespace.update(np=np, gn=gn, SGD=gn.SGD, Dense=gn.Dense, Network=gn.Network)
