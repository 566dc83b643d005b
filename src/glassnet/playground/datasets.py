"""The playground's two-dimensional data sets, and the features computed from a point.

Four classification sets (circle, XOR, two gaussians, spiral: labels 0 and 1) and two regression
sets (a plane and a sum of gaussian bumps: values between -1 and 1) of points in the square
[-6, 6]², with noise, split into training and test rows. ``two_d_tables`` writes them as CSV
tables of the chosen feature columns (x1, x2, x1^2, ..., sin(x2)) and an output column, read back
with glassnet's reader, so a playground run trains on a table like any other and its data can be
downloaded and used with ``glassnet predict``. Nothing here trains.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from glassnet._types import Array
from glassnet.data import Table, parse_table
from glassnet.errors import ConfigurationError

__all__ = [
    "CLASSIFICATION",
    "DATASETS",
    "FEATURES",
    "HALF_WIDTH",
    "REGRESSION",
    "TwoD",
    "feature_columns",
    "make_points",
    "two_d_tables",
]

#: Points lie in [-HALF_WIDTH, HALF_WIDTH]² (noise may push a few beyond); heat maps cover it.
HALF_WIDTH = 6.0
#: Points per data set, before the split into training and test rows.
N_POINTS = 500

#: A classification set's labels, 0 and 1 (integers, so that the table's cells read 0 and 1).
Labels = np.ndarray[Any, np.dtype[np.integer[Any]]]

CLASSIFICATION = ("circle", "xor", "gauss", "spiral")
REGRESSION = ("plane", "multigauss")
DATASETS = CLASSIFICATION + REGRESSION

#: The features a 2-D set offers, in the order of the table's columns, from the point (x1, x2).
FEATURES: dict[str, Callable[[Array, Array], Array]] = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1^2": lambda x1, x2: x1 * x1,
    "x2^2": lambda x1, x2: x2 * x2,
    "x1*x2": lambda x1, x2: x1 * x2,
    "sin(x1)": lambda x1, x2: np.sin(x1),
    "sin(x2)": lambda x1, x2: np.sin(x2),
}


def _circle(rng: np.random.Generator, n: int, noise: float) -> tuple[Array, Labels]:
    """Class 1 inside radius 2.5, class 0 on the ring from 3.5 to 5."""
    labels = np.arange(n) % 2  # (n,)
    inner = rng.uniform(0.0, 2.5, n)
    outer = rng.uniform(3.5, 5.0, n)
    radius = np.where(labels == 1, inner, outer)
    angle = rng.uniform(0.0, 2 * np.pi, n)
    points = np.column_stack([radius * np.sin(angle), radius * np.cos(angle)])  # (n, 2)
    return points + rng.uniform(-5.0, 5.0, (n, 2)) * noise, labels


def _xor(rng: np.random.Generator, n: int, noise: float) -> tuple[Array, Labels]:
    """Class 1 where x1 and x2 have the same sign; the points keep 0.3 away from the axes."""
    points = rng.uniform(-5.0, 5.0, (n, 2))
    points += np.where(points > 0, 0.3, -0.3)  # a margin around the axes
    labels = (points[:, 0] * points[:, 1] > 0).astype(int)
    return points + rng.uniform(-5.0, 5.0, (n, 2)) * noise, labels


def _gauss(rng: np.random.Generator, n: int, noise: float) -> tuple[Array, Labels]:
    """Class 1 around (2, 2), class 0 around (-2, -2); noise widens both clouds."""
    labels = np.arange(n) % 2
    spread = np.sqrt(0.5 + 3.5 * noise)  # variance from 0.5 (no noise) to 4 (noise 1)
    centres = np.where(labels[:, None] == 1, 2.0, -2.0)  # (n, 1)
    return centres + rng.normal(0.0, spread, (n, 2)), labels


def _spiral(rng: np.random.Generator, n: int, noise: float) -> tuple[Array, Labels]:
    """Two spirals, one per class, each turning 1.75 times from the centre out to radius 5."""
    labels = np.arange(n) % 2
    along = (np.arange(n) // 2) / (n / 2)  # 0 to 1 along each spiral
    radius = 5.0 * along
    angle = 1.75 * 2 * np.pi * along + np.pi * labels
    points = np.column_stack([radius * np.sin(angle), radius * np.cos(angle)])
    return points + rng.uniform(-1.0, 1.0, (n, 2)) * noise * 5.0, labels


def _plane(rng: np.random.Generator, n: int, noise: float) -> tuple[Array, Array]:
    """The value (x1 + x2) / 10, from -1 to 1 across the square, plus noise."""
    points = rng.uniform(-5.0, 5.0, (n, 2))
    values = (points[:, 0] + points[:, 1]) / 10.0
    return points, values + rng.uniform(-1.0, 1.0, n) * noise


#: Centres and signs of the bumps of ``multigauss``.
_BUMPS = ((-4.0, 2.5, 1.0), (0.0, 2.5, -1.0), (4.0, 2.5, 1.0), (-4.0, -2.5, -1.0),
          (0.0, -2.5, 1.0), (4.0, -2.5, -1.0))  # fmt: skip


def _multigauss(rng: np.random.Generator, n: int, noise: float) -> tuple[Array, Array]:
    """A sum of six gaussian bumps of height ±1 and width 1 on a 3 × 2 grid, plus noise."""
    points = rng.uniform(-5.0, 5.0, (n, 2))
    values = np.zeros(n)
    for cx, cy, sign in _BUMPS:
        values += sign * np.exp(-((points[:, 0] - cx) ** 2 + (points[:, 1] - cy) ** 2) / 2.0)
    return points, np.clip(values, -1.0, 1.0) + rng.uniform(-1.0, 1.0, n) * noise


_MAKERS = {
    "circle": _circle,
    "xor": _xor,
    "gauss": _gauss,
    "spiral": _spiral,
    "plane": _plane,
    "multigauss": _multigauss,
}


def make_points(name: str, noise: float = 0.0, seed: int = 1) -> tuple[Array, Array | Labels]:
    """Return a data set's points (500, 2) and outputs (500,), in a random order.

    Parameters
    ----------
    name : str
        One of ``DATASETS``.
    noise : float, default=0.0
        From 0 to 0.5: how far points stray (classification) or values wander (regression).
    seed : int, default=1
        Seeds ``np.random.default_rng``: the same seed gives the same points.

    Returns
    -------
    points : ndarray of shape (500, 2)
    outputs : ndarray of shape (500,)
        Labels 0 and 1 for classification sets, values for regression sets.

    Examples
    --------
    >>> points, labels = make_points("xor", seed=3)
    >>> points.shape, sorted(set(labels.tolist()))
    ((500, 2), [0, 1])
    >>> bool(((points[:, 0] * points[:, 1] > 0) == (labels == 1)).all())
    True
    """
    if name not in _MAKERS:
        raise ConfigurationError(f"unknown data set {name!r}; choose from {', '.join(DATASETS)}")
    if not 0 <= noise <= 0.5:
        raise ConfigurationError(f"expected noise from 0 to 0.5, got {noise}")
    rng = np.random.default_rng(seed)
    points, outputs = _MAKERS[name](rng, N_POINTS, noise)
    order = rng.permutation(N_POINTS)
    return points[order], outputs[order]  # type: ignore[return-value]  # (labels: integers)


def feature_columns(points: Array, features: Sequence[str]) -> Array:
    """Return the chosen features of each point, (n, len(features)), in ``features``' order."""
    unknown = [name for name in features if name not in FEATURES]
    if unknown:
        raise ConfigurationError(
            f"unknown feature {unknown[0]!r}; choose from {', '.join(FEATURES)}"
        )
    if not features:
        raise ConfigurationError("expected at least one feature, got none")
    x1, x2 = points[:, 0], points[:, 1]
    return np.column_stack([FEATURES[name](x1, x2) for name in features])


@dataclass
class TwoD:
    """A 2-D data set as the playground uses it: its tables, CSV texts and raw points.

    Attributes
    ----------
    train, test : Table
        The training and test rows as tables of feature columns and the output column.
    train_csv, test_csv : str
        Their text, exactly what was parsed: ``read_table`` of a saved copy gives them back.
    points, outputs : ndarray of shape (n, 2) and (n,)
        Every point (training rows first) and its label or value.
    n_train : int
        How many of the rows are training rows.
    """

    train: Table
    test: Table
    train_csv: str
    test_csv: str
    points: Array
    outputs: Array
    n_train: int


def two_d_tables(
    name: str,
    noise: float = 0.0,
    train: float = 0.5,
    features: Sequence[str] = ("x1", "x2"),
    seed: int = 1,
) -> TwoD:
    r"""Return a 2-D data set as training and test tables of the chosen feature columns.

    Parameters
    ----------
    name : str
        One of ``DATASETS``.
    noise : float, default=0.0
        From 0 to 0.5 (see ``make_points``).
    train : float, default=0.5
        The fraction of the points that are training rows, from 0.1 to 0.9; the rest are test rows.
    features : sequence of str, default=("x1", "x2")
        Columns computed from each point (names from ``FEATURES``), in the order given.
    seed : int, default=1
        Seeds the points (see ``make_points``).

    Returns
    -------
    TwoD

    Examples
    --------
    >>> data = two_d_tables("circle", features=["x1", "x1^2"], seed=2)
    >>> data.train.names, data.train.n_rows, data.test.n_rows
    (['x1', 'x1^2', 'label'], 250, 250)
    >>> data.train_csv.splitlines()[0]
    'x1,x1^2,label'
    """
    if not 0.1 <= train <= 0.9:
        raise ConfigurationError(f"expected a training fraction from 0.1 to 0.9, got {train}")
    points, outputs = make_points(name, noise, seed)
    n_train = round(train * len(points))
    columns = feature_columns(points, features)  # (n, n_features)
    output = "label" if name in CLASSIFICATION else "value"
    texts = []
    for rows in (slice(0, n_train), slice(n_train, None)):
        lines = [",".join([*features, output])]
        lines += [
            ",".join([*(repr(float(v)) for v in cells), _cell(out)])
            for cells, out in zip(columns[rows], outputs[rows], strict=True)
        ]
        texts.append("\n".join(lines) + "\n")
    return TwoD(
        train=parse_table(texts[0], f"{name}-train.csv", sep="comma", header=True),
        test=parse_table(texts[1], f"{name}-test.csv", sep="comma", header=True),
        train_csv=texts[0],
        test_csv=texts[1],
        points=points,
        outputs=outputs.astype(float),
        n_train=n_train,
    )


def _cell(value: float | np.integer) -> str:
    """An output cell: a label as 0 or 1, a value as the shortest text that reads back exactly."""
    return str(int(value)) if isinstance(value, np.integer) else repr(float(value))
