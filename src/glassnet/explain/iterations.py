"""Tell one traced iteration: the forward pass, the errors going back, the weights adjusted.

Each function adds the sentences of one part of an iteration to a ``Narrator``, in the
tutorial's terms: the error is target − output, delta = error × slope, and each weight moves by
input × delta summed over the examples. It only formats numbers ``traces`` recorded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from glassnet._types import Array
from glassnet.explain.wording import Narrator, more

if TYPE_CHECKING:
    from glassnet.explain.traces import LayerStep, Step

__all__ = ["tell_step"]

_FORMULA = {
    "sigmoid": "sigmoid(z) = 1 / (1 + e^(-z)), a number between 0 and 1",
    "tanh": "tanh(z), a number between -1 and 1",
    "relu": "relu(z) = max(z, 0)",
    "leaky_relu": "leaky_relu(z) = z if z > 0, else 0.01 × z",
    "identity": "the weighted sum itself (no activation)",
    "softmax": "softmax: e^z of each neuron over the sum of e^z across the layer, adding up to 1",
}
_SLOPE = {
    "sigmoid": (
        "The slope of the sigmoid at the output is output × (1 - output). Why: the sigmoid's "
        "derivative is e^(-z) / (1 + e^(-z))², which equals sigmoid(z) × (1 - sigmoid(z)), so "
        "the output alone gives it. A confident output (near 0 or 1) has a small slope and "
        "changes little; an unsure one (near 0.5) changes most."
    ),
    "tanh": (
        "The slope of tanh at the output is 1 - output², because tanh'(z) = 1 - tanh(z)²: "
        "largest at 0, small where the neuron is saturated near -1 or 1."
    ),
    "relu": "The slope of relu is 1 where z > 0 and 0 elsewhere: a silent neuron does not learn.",
    "leaky_relu": "The slope of leaky_relu is 1 where z > 0 and 0.01 elsewhere.",
    "identity": "Without an activation the slope is 1.",
}


def tell_step(narrator: Narrator, step: Step) -> None:
    """Add one traced iteration to ``narrator``: forward, backward, then the weights adjusted.

    Parameters
    ----------
    narrator : Narrator
    step : Step
        A step recorded by ``glassnet.explain.traces.trace``.

    Examples
    --------
    >>> from glassnet.explain.explanations import explain
    >>> net = Network([Dense(1, 1, activation="identity", bias=False)], loss="sse",
    ...               optimizer=SGD(lr=0.1), rng=0)
    >>> net.layers[0].weights[:] = 0.5
    >>> story = explain(net, [[2.0]], [[3.0]], epochs=1)
    >>> narrator = Narrator(story, digits=6, max_examples=8)
    >>> tell_step(narrator, story.steps[0])
    >>> for line in narrator.lines[8:18] + narrator.lines[19:]:  # all but one line of prose
    ...     print(line)
          out: z = 2 × 0.5 = 1
          out = z = 1
      Backward, layer 1 (output: 1 inputs -> 1 identity neuron, no bias):
        The error is target - output.
        Without an activation the slope is 1. Delta = error × slope.
        example 1:
          out: error = 3 - 1 = 2
               slope = 1
               delta = error × slope = 2 × 1 = 2
      Adjusting the weights of layer 1:
        x1->out: 2 × 2 = 4; × 0.1 = 0.4
                 new = 0.5 + 0.4 = 0.9
      The loss, measured before this iteration's change: 2.
    """
    narrator.say()
    narrator.say(f"Iteration {step.step}")
    narrator.prose(
        f"All {step.targets.shape[0]} examples go forward through the network, the errors "
        "go backward, and every weight is adjusted once.",
        2,
    )
    for k in range(len(narrator.layers)):
        _forward(narrator, step, k)
    _output_errors(narrator, step)
    for k in range(len(narrator.layers) - 2, -1, -1):
        _hidden_errors(narrator, step, k)
    for k in range(len(narrator.layers) - 1, -1, -1):
        _adjustments(narrator, step, k)
    narrator.say(
        f"The loss, measured before this iteration's change: {narrator.num(step.loss)}.", 2
    )


def _forward(narrator: Narrator, step: Step, k: int) -> None:
    """Say how layer ``k`` turned its inputs into weighted sums and outputs."""
    ls = step.layers[k]
    names = narrator.names[k + 1]
    narrator.say(f"Forward, {narrator.describe(k)}:", 2)
    narrator.say(
        "Each weighted sum z is input × weight, summed over the inputs"
        + (", plus the bias." if ls.bias is not None else "."),
        4,
    )
    narrator.say(f"The output is {_FORMULA.get(ls.activation, ls.activation)}.", 4)
    n_in, units = ls.inputs.shape[1], narrator.units(len(names))
    for r in narrator.shown(ls.inputs.shape[0]):
        values = [narrator.num(v) for v in ls.inputs[r, : narrator.terms(n_in)]]
        if len(values) < n_in:
            values.append(f"[{n_in - len(values)} more]")
        narrator.listing(f"example {r + 1}, inputs ", values, " ", 4, ":")
        for j in range(units):
            terms = narrator.sum_terms(
                [
                    f"{narrator.term(ls.inputs[r, i])} × {narrator.term(ls.weights[i, j])}"
                    for i in range(n_in)
                ],
                ls.inputs[r] * ls.weights[:, j],
            )
            if ls.bias is not None:
                terms.append(narrator.term(ls.bias[j]))
            name = names[j]
            narrator.listing(f"{name}: z = ", terms, " + ", 6, f" = {narrator.num(ls.Z[r, j])}")
            narrator.say(f"{name} = {narrator.activated(ls.activation, ls.Z[r], j, ls.A[r, j])}", 6)
        narrator.other_units(names, units, ls.Z[r], 6, ls.A[r])
    narrator.more(ls.inputs.shape[0], 4)


def _output_errors(narrator: Narrator, step: Step) -> None:
    """Say the output layer's errors, slopes and deltas, example by example."""
    ls = step.layers[-1]
    loss, fused = narrator.story.network["loss"], narrator.story.network["fused"]
    narrator.say(f"Backward, {narrator.describe(len(narrator.layers) - 1)}:", 2)
    n = ls.A.shape[0]
    if fused:
        narrator.prose(
            f"With {loss} after {ls.activation}, the activation's slope cancels against the "
            f"loss: each delta is (target - output) / {_count(narrator, ls)}, the error itself, "
            "scaled.",
            4,
        )
    elif loss == "sse":
        narrator.say("The error is target - output.", 4)
    elif loss == "mse":
        narrator.prose(
            f"The error is 2 × (target - output) / {ls.A.size}, the slope of the mean of "
            "squares (times -1).",
            4,
        )
    else:
        narrator.prose(f"The error is minus the slope of the loss ({loss}) at the output.", 4)
    if not fused and ls.slope is not None:
        narrator.prose(_SLOPE.get(ls.activation, "") + " Delta = error × slope.", 4)
    names = narrator.names[-1]
    units = narrator.units(len(names))
    for r in narrator.shown(n):
        narrator.say(f"example {r + 1}:", 4)
        for j in range(units):
            _output_unit(narrator, step, ls, r, j, names[j])
        narrator.other_units(names, units, -ls.dZ[r], 6)
    narrator.more(n, 4)


def _count(narrator: Narrator, ls: LayerStep) -> int:
    """What the loss averages over: rows for categorical cross-entropy, else every output."""
    loss = narrator.story.network["loss"]
    return int(ls.A.shape[0] if loss == "categorical_crossentropy" else ls.A.size)


def _output_unit(narrator: Narrator, step: Step, ls: LayerStep, r: int, j: int, name: str) -> None:
    """Say output unit ``j``'s error, slope and delta at example ``r``."""
    target, out, delta = step.targets[r, j], ls.A[r, j], -ls.dZ[r, j]
    pad = " " * (len(name) + 2)
    if ls.dA is None:  # fused: the delta comes straight from the loss
        narrator.say(
            f"{name}: delta = ({narrator.num(target)} - {narrator.num(out)}) / "
            f"{_count(narrator, ls)} = {narrator.num(delta)}",
            6,
        )
        return
    error = -ls.dA[r, j]
    narrator.say(
        f"{name}: error = {narrator.num(target)} - {narrator.num(out)} = {narrator.num(error)}", 6
    )
    if ls.slope is not None:
        narrator.say(f"{pad}slope = {_slope_text(narrator, ls, r, j)}", 6)
        narrator.say(
            f"{pad}delta = error × slope = {narrator.num(error)} × "
            f"{narrator.term(ls.slope[r, j])} = {narrator.num(delta)}",
            6,
        )


def _slope_text(narrator: Narrator, ls: LayerStep, r: int, j: int) -> str:
    """The slope of unit ``j`` at example ``r``, worked out where it has a short formula."""
    assert ls.slope is not None
    a, value = ls.A[r, j], narrator.num(ls.slope[r, j])
    if ls.activation == "sigmoid":
        return f"{narrator.num(a)} × (1 - {narrator.num(a)}) = {value}"
    if ls.activation == "tanh":
        return f"1 - {narrator.term(a)}² = {value}"
    return value


def _hidden_errors(narrator: Narrator, step: Step, k: int) -> None:
    """Say how the deltas of the layer above make hidden layer ``k``'s errors and deltas."""
    ls, above = step.layers[k], step.layers[k + 1]
    narrator.say(f"Backward, {narrator.describe(k)}:", 2)
    narrator.prose(
        "The error reaching a hidden neuron is each delta of the layer above times the "
        "weight that connects them (before this iteration's change), summed.",
        4,
    )
    if ls.slope is not None:
        narrator.prose(_SLOPE.get(ls.activation, "") + " Delta = error × slope.", 4)
    assert ls.dA is not None
    names = narrator.names[k + 1]
    units, n_above = narrator.units(len(names)), above.weights.shape[1]
    for r in narrator.shown(ls.A.shape[0]):
        narrator.say(f"example {r + 1}:", 4)
        for j in range(units):
            terms = narrator.sum_terms(
                [
                    f"{narrator.term(-above.dZ[r, m])} × {narrator.term(above.weights[j, m])}"
                    for m in range(n_above)
                ],
                -above.dZ[r] * above.weights[j],
            )
            name = names[j]
            pad = " " * (len(name) + 2)
            narrator.listing(
                f"{name}: error = ", terms, " + ", 6, f" = {narrator.num(-ls.dA[r, j])}"
            )
            if ls.slope is not None:
                narrator.say(f"{pad}slope = {_slope_text(narrator, ls, r, j)}", 6)
            narrator.say(f"{pad}delta = {narrator.num(-ls.dZ[r, j])}", 6)
        narrator.other_units(names, units, -ls.dZ[r], 6)
    narrator.more(ls.A.shape[0], 4)


def _adjustments(narrator: Narrator, step: Step, k: int) -> None:
    """Say how each weight and bias of layer ``k`` moved."""
    ls = step.layers[k]
    n = ls.inputs.shape[0]
    lr = narrator.story.network["optimizer"]["lr"]
    narrator.say(f"Adjusting the weights of layer {k + 1}:", 2)
    if narrator.plain_sgd():
        scale = "" if lr == 1 else f", times the learning rate {narrator.num(lr)}"
        narrator.prose(
            f"each weight moves by its input × delta, summed over the {n} examples{scale}.",
            4,
        )
    else:
        narrator.prose(
            f"input × delta, summed over the {n} examples, says which way each weight "
            f"should move (it is minus the gradient); {narrator.optimizer_words()} decides how "
            "far: the change shown.",
            4,
        )
    pairs, n_biases = narrator.window(k)
    for i, j in pairs:
        _adjust_line(
            narrator,
            narrator.weight_name(k, i, j),
            ls.inputs[:, i],
            -ls.dZ[:, j],
            -ls.dW[i, j],
            ls,
            (i, j),
        )
    if ls.bias is not None and ls.db is not None:
        for j in range(n_biases):
            _adjust_line(
                narrator,
                f"bias of {narrator.names[k + 1][j]}",
                np.ones(n),
                -ls.dZ[:, j],
                -ls.db[j],
                ls,
                (None, j),
            )
    _other_changes(narrator, k, ls)


def _other_changes(narrator: Narrator, k: int, ls: LayerStep) -> None:
    """Sum up the weights and biases of layer ``k`` whose change was not shown: the largest."""
    pairs, n_biases = narrator.window(k)
    hidden = np.ones(ls.update.shape, dtype=bool)
    for i, j in pairs:
        hidden[i, j] = False
    changes = list(ls.update[hidden])
    labels = [narrator.weight_name(k, i, j) for i, j in zip(*np.nonzero(hidden), strict=True)]
    counts = [more(len(changes), "weight")] if changes else []
    bias_update = ls.bias_update
    if bias_update is not None and n_biases < bias_update.size:
        counts.append(more(bias_update.size - n_biases, "bias", "biases"))
        changes += list(bias_update[n_biases:])
        labels += [f"bias of {name}" for name in narrator.names[k + 1][n_biases:]]
    if not changes:
        return
    m = narrator.largest(np.array(changes))
    narrator.skipped(
        f"{' and '.join(counts)} of layer {k + 1} changed by the same rule; the largest change, "
        f"{labels[m]}, {narrator.signed(changes[m])}",
        4,
    )


def _adjust_line(
    narrator: Narrator,
    label: str,
    inputs: Array,
    deltas: Array,
    total: float,
    ls: LayerStep,
    where: tuple[int | None, int],
) -> None:
    """Say one weight's (or bias's, ``where = (None, j)``) input × delta terms and its change."""
    i, j = where
    if i is None:
        assert ls.bias is not None
        assert ls.new_bias is not None
        old, new = ls.bias[j], ls.new_bias[j]
    else:
        old, new = ls.weights[i, j], ls.new_weights[i, j]
    change = new - old
    if narrator.all_shown(inputs.size):
        terms = [
            f"{narrator.term(x)} × {narrator.term(d)}" for x, d in zip(inputs, deltas, strict=True)
        ]
    else:
        terms = [f"sum over {inputs.size} examples"]
    text = f" = {narrator.num(total)}"
    lr = narrator.story.network["optimizer"]["lr"]
    if narrator.plain_sgd() and lr != 1:
        text += f"; × {narrator.num(lr)} = {narrator.num(change)}"
    elif not narrator.plain_sgd():
        text += f"; change {narrator.num(change)}"
    narrator.listing(f"{label}: ", terms, " + ", 4, text)
    pad = " " * (len(label) + 2)
    narrator.say(
        f"{pad}new = {narrator.num(old)} + {narrator.term(change)} = {narrator.num(new)}", 4
    )
