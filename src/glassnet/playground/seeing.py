"""See through one weight, neuron or point: its numbers, with the formula filled in.

What the page shows when a weight, a bias, a neuron or a point is hovered or clicked. The numbers
are the engine's: the last step's from its trace (``replays``: weighted sum, activation, error,
delta, gradient, update, as ``glassnet explain`` tells them) and the current weights'. It speaks
explain's language: the error is target - output, delta = error × slope, and a weight moves by
input × delta summed over the step's examples. Units are named as explain names them (x1, h1,
out). It only formats numbers; ``Sight`` is what the page shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet._types import Array
from glassnet.errors import ConfigurationError
from glassnet.explain.explanations import Explanation, predict_steps
from glassnet.explain.traces import LayerStep
from glassnet.explain.wording import Narrator, unit_names
from glassnet.playground.replays import DIGITS, MAX_EXAMPLES, LastStep

if TYPE_CHECKING:
    from glassnet.playground.runs import Run

__all__ = ["Sight", "see"]


@dataclass
class Sight:
    """What the page shows about one thing: a title, lines of numbers, its value if editable."""

    title: str
    lines: list[str] = field(default_factory=list)
    value: float | None = None

    def to_json(self) -> dict[str, Any]:
        """The sight as plain JSON values."""
        return {"title": self.title, "lines": self.lines, "value": self.value}


class _Pen:
    """Writes numbers as ``glassnet explain`` does (through its ``Narrator``), for one run."""

    def __init__(self, run: Run) -> None:
        story = Explanation(
            network={"layers": [_layer_info(layer) for layer in run.net.layers]},
            origin="",
            start=[],
            X=run.X,
            Y=run.Y,
            steps=[],
        )
        self.narrator = Narrator(story, DIGITS, MAX_EXAMPLES)
        self.names = unit_names([run.net.n_inputs] + [layer.n_out for layer in run.net.layers])
        self.columns = run.input_columns()

    def num(self, value: float) -> str:
        return self.narrator.num(value)

    def term(self, value: float) -> str:
        return self.narrator.term(value)

    def sum(self, terms: list[str], total: float) -> str:
        """Terms joined by +, at most MAX_EXAMPLES of them, and their total."""
        shown = terms[:MAX_EXAMPLES] + (["..."] if len(terms) > MAX_EXAMPLES else [])
        return f"{' + '.join(shown)} = {self.num(total)}"

    def unit(self, layer: int, j: int) -> str:
        """A unit's name; an input's gets its column's name too when they differ."""
        name = self.names[layer][j]
        if layer == 0 and self.columns[j] != name:
            return f"{name} ({self.columns[j]})"
        return name


def _layer_info(layer: Any) -> dict[str, Any]:
    return {
        "n_in": layer.n_in,
        "n_out": layer.n_out,
        "activation": layer.activation.name,
        "bias": layer.bias is not None,
    }


def see(run: Run, last: LastStep | None, what: str, place: dict[str, int]) -> Sight:
    """Return what the page shows about a weight, a bias, a neuron or a point.

    Parameters
    ----------
    run : Run
    last : LastStep or None
        The last step, traced; None before the first epoch.
    what : {"weight", "bias", "neuron", "point", "loss"}
    place : dict
        ``layer`` (0-based layer of a weight or bias; for a neuron 0 is the inputs and ``k`` is
        layer ``k``'s units), ``row`` and ``column`` (a weight's input and unit; a neuron's or
        bias's unit is ``column``; a point is ``row``: training points first, then test
        points; the loss on the training rows is ``row`` 0, on the test rows 1), and
        ``example`` (which example of the last step a neuron shows).

    Raises
    ------
    ConfigurationError
        An unknown ``what``, or a place the network or the data does not have.
    """
    pen = _Pen(run)
    layer, row, column = place.get("layer", 0), place.get("row", 0), place.get("column", 0)
    if what in ("weight", "bias"):
        _check_place(run, layer, None if what == "bias" else row, column)
        return _see_weight(run, last, pen, layer, None if what == "bias" else row, column)
    if what == "neuron":
        if not 0 <= layer <= len(run.net.layers) or not 0 <= column < len(pen.names[layer]):
            raise ConfigurationError(f"the network has no neuron {column} in layer {layer}")
        return _see_neuron(run, last, pen, layer, column, place.get("example", 0))
    if what == "point":
        return _see_point(run, last, pen, row)
    if what == "loss":
        return _see_loss(run, pen, test=bool(row))
    raise ConfigurationError(
        f"unknown thing to see {what!r}; choose from weight, bias, neuron, point, loss"
    )


def _check_place(run: Run, layer: int, row: int | None, column: int) -> None:
    layers = run.net.layers
    if not 0 <= layer < len(layers):
        raise ConfigurationError(f"the network has no layer {layer}; it has {len(layers)}")
    dense = layers[layer]
    if row is None and dense.bias is None:
        raise ConfigurationError(f"layer {layer + 1} has no bias")
    if not 0 <= column < dense.n_out or (row is not None and not 0 <= row < dense.n_in):
        raise ConfigurationError(f"layer {layer + 1} has no weight [{row}, {column}]")


# -- weights ---------------------------------------------------------------------------------------


def _see_weight(
    run: Run, last: LastStep | None, pen: _Pen, layer: int, row: int | None, column: int
) -> Sight:
    """A weight (or a bias, ``row=None``): now, where it acts, and how the last step moved it."""
    dense = run.net.layers[layer]
    target = pen.unit(layer + 1, column)
    if row is None:
        assert dense.bias is not None
        title, now = f"bias of {target}", float(dense.bias[column])
        role = f"It is added to {target}'s weighted sum z."
    else:
        source = pen.unit(layer, row)
        title, now = f"weight {source}->{target}", float(dense.weights[row, column])
        role = f"It multiplies {source} on its way into {target}'s weighted sum z."
    sight = Sight(f"{title} (layer {layer + 1})", [f"now {pen.num(now)}", role], now)
    edits = [c for c in run.changes if c.what in ("weight", "bias") and c.layer == layer
             and c.column == column and (c.what == "bias") == (row is None)
             and (row is None or c.row == row)]  # fmt: skip
    if edits:
        sight.lines.append(
            f"Set by hand to {pen.num(edits[-1].value)} after epoch {edits[-1].epoch}."
        )
    if last is not None:
        sight.lines += _weight_step(run, last, pen, layer, row, column)
    return sight


def _weight_step(
    run: Run, last: LastStep, pen: _Pen, layer: int, row: int | None, column: int
) -> list[str]:
    """How the last step moved a weight: input × delta summed, then the optimizer's change."""
    ls = last.step.layers[layer]
    deltas = -ls.dZ[:, column]  # (n,): target-side deltas of the step's examples
    inputs = np.ones_like(deltas) if row is None else ls.inputs[:, row]
    if row is None:
        assert ls.bias is not None
        assert ls.new_bias is not None
        assert ls.db is not None
        old, new, total = ls.bias[column], ls.new_bias[column], -ls.db[column]
        what = "delta"
    else:
        old, new, total = ls.weights[row, column], ls.new_weights[row, column], -ls.dW[row, column]
        what = "input × delta"
    terms = [f"{pen.term(x)} × {pen.term(d)}" for x, d in zip(inputs, deltas, strict=True)]
    if row is None:
        terms = [pen.term(d) for d in deltas]
    lines = [
        f"In the last step (epoch {last.step.step}, {len(deltas)} examples):",
        f"  {what}, summed over the examples: {pen.sum(terms, total)}",
        f"  (that is minus the gradient: ∂L/∂w = {pen.num(-total)})",
    ]
    lines += _update_lines(last, pen, float(total), float(old), float(new))
    return lines


def _update_lines(last: LastStep, pen: _Pen, total: float, old: float, new: float) -> list[str]:
    """The change the optimizer made, worked out for plain gradient steps."""
    optimizer: dict[str, Any] = dict(last.network["optimizer"])  # type: ignore[call-overload]
    change = new - old
    plain = optimizer["name"] == "SGD" and not optimizer.get("momentum")
    plain = plain and not optimizer.get("weight_decay")
    if plain:
        how = f"  change = learning rate × that = {pen.num(optimizer['lr'])} × {pen.term(total)}"
        lines = [f"{how} = {pen.num(change)}"]
    else:
        words = optimizer["name"] if optimizer["name"] != "SGD" else "SGD with momentum or L2"
        lines = [
            f"  {words} (learning rate {pen.num(optimizer['lr'])}) decides how far: "
            f"change = {pen.num(change)}"
        ]
    lines.append(f"  new = {pen.num(old)} + {pen.term(change)} = {pen.num(new)}")
    return lines


# -- neurons ---------------------------------------------------------------------------------------


def _see_neuron(
    run: Run, last: LastStep | None, pen: _Pen, layer: int, unit: int, example: int
) -> Sight:
    """A neuron: its activation, and its numbers for one example of the last step."""
    name = pen.unit(layer, unit)
    if layer == 0:
        sight = Sight(f"input {name}", ["Its heat map shows this input over the plane."])
        if last is not None:
            r = min(max(example, 0), last.step.layers[0].inputs.shape[0] - 1)
            value = last.step.layers[0].inputs[r, unit]
            sight.lines.append(f"Example {r + 1} of the last step has {name} = {pen.num(value)}.")
        return sight
    dense = run.net.layers[layer - 1]
    role = "output" if layer == len(run.net.layers) else "hidden"
    sight = Sight(f"neuron {name} (layer {layer}, {role}, {dense.activation.name})")
    sight.lines.append("Its heat map shows its output over the plane, at the current weights.")
    if last is None:
        sight.lines.append("Press step or play to see the numbers of a training step.")
        return sight
    ls = last.step.layers[layer - 1]
    r = min(max(example, 0), ls.A.shape[0] - 1)
    sight.lines.append(
        f"Example {r + 1} of {ls.A.shape[0]} in the last step (epoch {last.step.step}), "
        f"training row {int(last.rows[r]) + 1}:"
    )
    sight.lines += _forward_lines(pen, ls, layer, unit, r)
    if layer == len(run.net.layers):
        sight.lines += _output_lines(run, last, pen, ls, unit, r)
    else:
        sight.lines += _hidden_lines(last, pen, ls, layer, unit, r)
    return sight


def _forward_lines(pen: _Pen, ls: LayerStep, layer: int, unit: int, r: int) -> list[str]:
    """The weighted sum and the activation of one unit at example ``r``."""
    terms = [f"{pen.term(ls.inputs[r, i])} × {pen.term(ls.weights[i, unit])}"
             for i in range(ls.inputs.shape[1])]  # fmt: skip
    if ls.bias is not None:
        terms.append(pen.term(ls.bias[unit]))
    name = pen.names[layer][unit]
    activated = pen.narrator.activated(ls.activation, ls.Z[r], unit, ls.A[r, unit])
    return [f"  z = {pen.sum(terms, ls.Z[r, unit])}", f"  {name} = {activated}"]


def _output_lines(
    run: Run, last: LastStep, pen: _Pen, ls: LayerStep, unit: int, r: int
) -> list[str]:
    """An output unit's error, slope and delta at example ``r``, as explain tells them."""
    target, out, delta = last.step.targets[r, unit], ls.A[r, unit], -ls.dZ[r, unit]
    if ls.dA is None:  # the loss is computed from z: its slope and the activation's cancel
        count = ls.A.shape[0] if run.net.loss.name == "categorical_crossentropy" else ls.A.size
        return [
            f"  target {pen.num(target)}; with {run.net.loss.name} after {ls.activation} the "
            "slopes cancel:",
            f"  delta = (target - output) / {count} = ({pen.num(target)} - {pen.num(out)}) / "
            f"{count} = {pen.num(delta)}",
        ]
    error = -ls.dA[r, unit]
    lines = [f"  target {pen.num(target)}; error (minus the loss's slope) = {pen.num(error)}"]
    return lines + _slope_lines(pen, ls, unit, r, error, delta)


def _hidden_lines(
    last: LastStep, pen: _Pen, ls: LayerStep, layer: int, unit: int, r: int
) -> list[str]:
    """A hidden unit's error (deltas above × weights), slope and delta at example ``r``."""
    above = last.step.layers[layer]
    terms = [f"{pen.term(-above.dZ[r, m])} × {pen.term(above.weights[unit, m])}"
             for m in range(above.weights.shape[1])]  # fmt: skip
    assert ls.dA is not None
    error = -ls.dA[r, unit]
    lines = [f"  error = delta above × weight, summed: {pen.sum(terms, error)}"]
    return lines + _slope_lines(pen, ls, unit, r, error, -ls.dZ[r, unit])


def _slope_lines(
    pen: _Pen, ls: LayerStep, unit: int, r: int, error: float, delta: float
) -> list[str]:
    if ls.slope is None:
        return [f"  delta = {pen.num(delta)}"]
    a, slope = ls.A[r, unit], ls.slope[r, unit]
    worked = {
        "sigmoid": f"output × (1 - output) = {pen.num(a)} × (1 - {pen.num(a)}) = ",
        "tanh": f"1 - output² = 1 - {pen.term(a)}² = ",
    }.get(ls.activation, "")
    return [
        f"  slope = {worked}{pen.num(slope)}",
        f"  delta = error × slope = {pen.num(error)} × {pen.term(slope)} = {pen.num(delta)}",
    ]


# -- points ----------------------------------------------------------------------------------------


def _see_point(run: Run, last: LastStep | None, pen: _Pen, index: int) -> Sight:
    """A point: its inputs, the network's answer worked out layer by layer, its error."""
    n_train = run.X.shape[0]
    n_test = 0 if run.X_test is None else run.X_test.shape[0]
    if not 0 <= index < n_train + n_test:
        raise ConfigurationError(f"expected a point from 0 to {n_train + n_test - 1}, got {index}")
    test = index >= n_train
    X, Y = (run.X_test, run.Y_test) if test else (run.X, run.Y)
    assert X is not None
    assert Y is not None
    r = index - n_train if test else index
    kind = "test" if test else "training"
    sight = Sight(f"{kind} row {r + 1}")
    inputs = ", ".join(f"{pen.unit(0, i)} = {pen.num(v)}" for i, v in enumerate(X[r]))
    sight.lines.append(f"The network's inputs: {inputs}")
    sight.lines += _prediction_lines(run, pen, X[r], Y[r])
    if last is not None and not test:
        where = np.flatnonzero(last.rows == r)
        if where.size:
            sight.lines.append(
                f"In the last step it was example {int(where[0]) + 1}: hover a neuron for its "
                "numbers there."
            )
    return sight


def _prediction_lines(run: Run, pen: _Pen, x: Array, y: Array) -> list[str]:
    """The forward pass of one row at the current weights, and its error."""
    lines = ["At the current weights:"]
    prediction = predict_steps(run.net, x)
    for k, (Z, A) in enumerate(zip(prediction.Z, prediction.A, strict=True)):
        activation = run.net.layers[k].activation.name
        for j in range(Z.size):
            worked = pen.narrator.activated(activation, Z, j, A[j])
            lines.append(f"  {pen.names[k + 1][j]}: z = {pen.num(Z[j])}; output {worked}")
    for j, (out, target) in enumerate(zip(prediction.output, y, strict=True)):
        name = pen.names[-1][j]
        lines.append(
            f"  {name}: target {pen.num(target)}; error = target - output = "
            f"{pen.num(target)} - {pen.num(out)} = {pen.num(target - out)}"
        )
    return lines


# -- losses ----------------------------------------------------------------------------------------

_LOSS_WORDS = {
    "mse": "the mean of (target - output)² over the rows (and outputs)",
    "sse": "½ × the sum of (target - output)² over the rows",
    "binary_crossentropy": "the mean of -[t·log(out) + (1 - t)·log(1 - out)] over the rows",
    "categorical_crossentropy": "the mean over the rows of -Σ t·log(out)",
}


def _see_loss(run: Run, pen: _Pen, test: bool) -> Sight:
    """The loss on the training (or test) rows at the current weights, row by row."""
    X, Y = (run.X_test, run.Y_test) if test else (run.X, run.Y)
    if X is None or Y is None:
        raise ConfigurationError("this run has no test rows: every known row trains")
    net, kind = run.net, "test" if test else "training"
    with np.errstate(all="ignore"):
        total = float(net.evaluate(X, Y))
        each = [float(net.evaluate(X[r : r + 1], Y[r : r + 1])) for r in range(min(len(X), 8))]
        outputs = net.predict(X[: len(each)])
    name = net.loss.name
    words = _LOSS_WORDS.get(name, name)
    sight = Sight(f"{kind} loss ({name})", [f"{words}, at the current weights:"])
    for r, value in enumerate(each):
        pairs = ", ".join(f"target {pen.num(t)}, output {pen.num(o)}"
                          for t, o in zip(Y[r], outputs[r], strict=True))  # fmt: skip
        sight.lines.append(f"  {kind} row {r + 1}: {pairs}: its loss {pen.num(value)}")
    terms = [pen.term(value) for value in each] + (["..."] if len(X) > len(each) else [])
    if net.loss.reduction == "sum":
        sight.lines.append(
            f"  the sum over the {len(X)} rows: {' + '.join(terms)} = {pen.num(total)}"
        )
    else:
        sight.lines.append(f"  the mean: ({' + '.join(terms)}) / {len(X)} = {pen.num(total)}")
    return sight
