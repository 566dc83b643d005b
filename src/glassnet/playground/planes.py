"""The plane the heat maps show: a grid over two inputs, what every neuron says there, the points.

For a 2-D set the plane is the square of its points, and each grid point's features (x1², sin x1,
...) are computed as for the data. For a table it is two number columns over their range, the
other inputs held at their median (labels at their most frequent value): the decision view of a
bigger network. ``Plane`` keeps the grid as the network's inputs, encoded by the table model;
``neuron_maps`` runs the network over it. Colours are numbers from -1 to 1 (``colour_values``);
the page turns them into pixels. Shapes: R = RESOLUTION, n = R² grid points.
"""

from __future__ import annotations

import base64
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from glassnet._types import Array
from glassnet.data import LABEL, NUMBER, Column, Table
from glassnet.data.formats import PLAIN
from glassnet.nn.network import Network
from glassnet.playground.datasets import FEATURES, HALF_WIDTH, TwoD, feature_columns
from glassnet.playground.sources import RunData
from glassnet.tables.encodings import encode_inputs
from glassnet.tables.model import MULTICLASS, REGRESSION, TableModel

__all__ = [
    "RESOLUTION",
    "Plane",
    "colour_values",
    "neuron_maps",
    "output_span",
    "plane_of",
    "quantized",
]

RESOLUTION = 50  # grid points along each side of a heat map


@dataclass
class Plane:
    """A grid over two inputs, as the network's encoded inputs, and the points drawn on it.

    Attributes
    ----------
    x_name, y_name : str
        The inputs along the horizontal and vertical axes.
    x_range, y_range : tuple of float
        Each axis's low and high end, in the table's units.
    X : ndarray of shape (R², n_features)
        The grid's network inputs, row by row from the top (highest y) and left to right.
    fixed : list of (str, str)
        The other input columns and the value each is held at.
    points : dict
        ``x``, ``y`` (table units), ``colour`` (-1 to 1: the output as ``colour_values`` shows
        it) and ``test`` (whether the row is a test row) of every row with a known output.
    feature_maps : ndarray of shape (n_features, R, R)
        Each network input over the grid, divided by its largest magnitude there.
    previews : ndarray of shape (7, R, R) or None
        For a 2-D set, every feature it offers (``datasets.FEATURES``), chosen or not.
    """

    x_name: str
    y_name: str
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    X: Array
    fixed: list[tuple[str, str]] = field(default_factory=list)
    points: dict[str, list[Any]] = field(default_factory=dict)
    feature_maps: Array = field(default_factory=lambda: np.zeros((0, 0, 0)))
    previews: Array | None = None

    def describe(self) -> dict[str, Any]:
        """The plane as the page needs it once per run (the maps that change come in frames)."""
        return {
            "x": self.x_name,
            "y": self.y_name,
            "x_range": list(self.x_range),
            "y_range": list(self.y_range),
            "fixed": [list(pair) for pair in self.fixed],
            "points": self.points,
            "resolution": RESOLUTION,
            "features": quantized(self.feature_maps),
            "previews": None if self.previews is None else quantized(self.previews),
        }


def plane_of(
    model: TableModel, data: RunData, span: float, chosen: tuple[str, str] = ("", "")
) -> Plane | None:
    """Return the plane of a run: the 2-D set's square, or two number columns of a table.

    ``span`` divides regression outputs for their colours (see ``colour_values``); ``chosen``
    names the table's two columns ("" picks the first two number inputs). A table with fewer
    than two number inputs has no plane (None).
    """
    if data.two_d is not None:
        return _two_d_plane(model, data.two_d, span)
    train, test, target = data.train, data.test, data.target
    numbers = [str(spec["name"]) for spec in model.inputs_ if spec["kind"] == NUMBER]
    if len(numbers) < 2:
        return None
    x_name, y_name = chosen if all(name in numbers for name in chosen) else numbers[:2]
    known = ~train.missing(train.column_index(target))
    x_range, y_range = (_range(train.numbers(train.column_index(name))[known])
                        for name in (x_name, y_name))  # fmt: skip
    xs, ys = _axes(x_range, y_range)
    cells, fixed = _grid_cells(model, train, known, (x_name, y_name), (xs, ys))
    plane = Plane(x_name, y_name, x_range, y_range, _encoded(model, cells), fixed)
    plane.points = _table_points(model, train, test, target, (x_name, y_name), span)
    plane.feature_maps = _feature_maps(plane.X)
    return plane


def _two_d_plane(model: TableModel, two_d: TwoD, span: float) -> Plane:
    """The square of a 2-D set, each grid point's features computed as for the data."""
    bounds = (-HALF_WIDTH, HALF_WIDTH)
    xs, ys = _axes(bounds, bounds)
    grid = np.column_stack([np.tile(xs, RESOLUTION), np.repeat(ys, RESOLUTION)])  # (n, 2)
    features = [str(spec["name"]) for spec in model.inputs_]
    columns = feature_columns(grid, features)  # (n, n_features)
    cells = [[repr(float(value)) for value in row] for row in columns]
    plane = Plane("x1", "x2", bounds, bounds, _encoded(model, cells))
    test = np.arange(len(two_d.points)) >= two_d.n_train
    plane.points = {
        "x": two_d.points[:, 0].tolist(),
        "y": two_d.points[:, 1].tolist(),
        "colour": _point_colours(model, two_d.outputs.reshape(-1, 1), span),
        "test": test.tolist(),
    }
    plane.feature_maps = _feature_maps(plane.X)
    plane.previews = _feature_maps(feature_columns(grid, list(FEATURES)))
    return plane


def _axes(x_range: tuple[float, float], y_range: tuple[float, float]) -> tuple[Array, Array]:
    """The grid's x values, left to right, and y values, top to bottom."""
    xs = np.linspace(x_range[0], x_range[1], RESOLUTION)
    ys = np.linspace(y_range[1], y_range[0], RESOLUTION)
    return xs, ys


def _range(values: Array) -> tuple[float, float]:
    """A column's range with a quarter of it (at least 0.25) added on each side."""
    low, high = float(np.min(values)), float(np.max(values))
    pad = max(0.25 * (high - low), 0.25)
    return low - pad, high + pad


def _grid_cells(
    model: TableModel,
    train: Table,
    known: np.ndarray[Any, np.dtype[np.bool_]],
    names: tuple[str, str],
    axes: tuple[Array, Array],
) -> tuple[list[list[str]], list[tuple[str, str]]]:
    """The grid's cells in the model's input order, and the values the other inputs keep."""
    columns: list[list[str]] = []
    fixed = []
    n = RESOLUTION * RESOLUTION
    for spec in model.inputs_:
        name, j = str(spec["name"]), train.column_index(str(spec["name"]))
        if name == names[0]:
            columns.append([repr(float(v)) for v in np.tile(axes[0], RESOLUTION)])
            continue
        if name == names[1]:
            columns.append([repr(float(v)) for v in np.repeat(axes[1], RESOLUTION)])
            continue
        if spec["kind"] == LABEL:
            cells = [train.rows[i][j] for i in np.flatnonzero(known & ~train.missing(j))]
            value = Counter(cells).most_common(1)[0][0]
        else:
            value = repr(float(np.nanmedian(train.numbers(j)[known])))
        fixed.append((name, value))
        columns.append([value] * n)
    return [list(row) for row in zip(*columns, strict=True)], fixed


def _encoded(model: TableModel, cells: list[list[str]]) -> Array:
    """The network's inputs for rows of input cells, encoded as the model encodes its table."""
    specs = model.inputs_
    n = len(cells)
    columns = []
    for k, spec in enumerate(specs):
        texts = [row[k] for row in cells]
        gaps = np.zeros(n, dtype=bool)
        if spec["kind"] == LABEL:
            labels = tuple(dict.fromkeys(texts))
            codes = np.array([labels.index(text) for text in texts], dtype=np.int32)
            columns.append(Column(LABEL, None, codes, labels, gaps, None))
        else:
            values = np.array([float(text) for text in texts])
            columns.append(Column(NUMBER, values, None, (), gaps, PLAIN))
    names = [str(spec["name"]) for spec in specs]
    table = Table(columns, np.arange(1, n + 1, dtype=np.int64), names, path="<plane>")
    return encode_inputs(table, np.arange(n), specs, list(range(len(specs))))


def _table_points(
    model: TableModel,
    train: Table,
    test: Table | None,
    target: str,
    names: tuple[str, str],
    span: float,
) -> dict[str, list[Any]]:
    """The rows with known outputs, at their place on the plane, coloured by their output."""
    points: dict[str, list[Any]] = {"x": [], "y": [], "colour": [], "test": []}
    for table, is_test in ((train, False), (test, True)):
        if table is None:
            continue
        known = ~table.missing(table.column_index(target))
        for axis, name in zip(("x", "y"), names, strict=True):
            points[axis] += table.numbers(table.column_index(name))[known].tolist()
        points["colour"] += _point_colours(model, model.encode(table)[1], span)
        points["test"] += [is_test] * int(known.sum())
    return points


def output_span(model: TableModel, Y: Array) -> float:
    """What a regression output is divided by to colour it: its largest training magnitude."""
    if model.task_ != REGRESSION or Y.size == 0:
        return 1.0
    return max(float(np.max(np.abs(Y))), 1e-12)


def _point_colours(model: TableModel, Y: Array, span: float) -> list[float]:
    """Each point's colour: -1 or 1 for two classes, the class for several, a value for numbers."""
    if model.task_ == MULTICLASS:
        return [float(k) for k in np.argmax(Y, axis=1)]
    if model.task_ == REGRESSION:
        return np.clip(Y[:, 0] / span, -1.0, 1.0).tolist()
    return (2.0 * Y[:, 0] - 1.0).tolist()


def _feature_maps(X: Array) -> Array:
    """Each input over the grid, divided by its largest magnitude there, (n_features, R, R)."""
    largest = np.max(np.abs(X), axis=0)  # (n_features,)
    scaled = X / np.where(largest > 0, largest, 1.0)
    return scaled.T.reshape(-1, RESOLUTION, RESOLUTION)


def colour_values(model: TableModel, A: Array, last: bool, span: float) -> Array:
    """A layer's outputs over the grid as colours from -1 to 1, (n, units).

    Hidden neurons show their output, cut off at ±1; a classifier's outputs show 2p - 1 (0.5 is
    white, the colour of neither class); a regression output its value over ``span``.
    """
    if last and model.task_ != REGRESSION:
        return 2.0 * A - 1.0
    if last:
        return np.clip(A / span, -1.0, 1.0)
    return np.clip(A, -1.0, 1.0)


def neuron_maps(model: TableModel, net: Network, plane: Plane, span: float) -> Array:
    """Every neuron's output over the plane as colours, hidden layers first, (units, R, R)."""
    maps = []
    A = plane.X  # (n, n_features)
    with np.errstate(all="ignore"):
        for index, layer in enumerate(net.layers):
            A = layer.activation.forward(layer.pre_activation(A))  # (n, units)
            colours = colour_values(model, A, index == len(net.layers) - 1, span)
            maps.append(np.nan_to_num(colours).T.reshape(-1, RESOLUTION, RESOLUTION))
    return np.concatenate(maps)


def quantized(maps: Array) -> str:
    """Colours from -1 to 1 as one byte each (0 is -1, 255 is 1), in base64."""
    levels = np.round((np.clip(maps, -1.0, 1.0) + 1.0) * 127.5).astype(np.uint8)
    return base64.b64encode(levels.tobytes()).decode("ascii")
