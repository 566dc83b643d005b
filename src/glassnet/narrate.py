"""Tell the story of an ``Explanation`` in plain sentences, with every number shown.

The narrator only formats: every value it prints was computed by the engine and recorded by
``glassnet.explain``. It speaks in the tutorial's terms: the error is target − output, and each
weight moves by input × error × slope, summed over the examples. In glassnet's gradient terms
(``dA``, ``dZ``, ``dW``) these are the same numbers with the opposite sign.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet._types import Array

if TYPE_CHECKING:
    from glassnet.explain import Explanation, LayerStep, Step

__all__ = ["narrate", "unit_names"]

WIDTH = 100  # columns: prose and long lists of numbers wrap here

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
_LOSS = {
    "sse": "½ × Σ (target - output)²",
    "mse": "the mean of (target - output)²",
    "binary_crossentropy": "binary cross-entropy, the mean of -[t·log(out) + (1 - t)·log(1 - out)]",
    "categorical_crossentropy": "categorical cross-entropy, the mean of -Σ t·log(out) per example",
}


def unit_names(sizes: list[int]) -> list[list[str]]:
    """Name the units of a network with layer widths ``sizes`` (inputs first).

    Examples
    --------
    >>> unit_names([2, 3, 1])
    [['x1', 'x2'], ['h1', 'h2', 'h3'], ['out']]
    """
    n_layers = len(sizes) - 1
    names = [[f"x{i + 1}" for i in range(sizes[0])]]
    for k, size in enumerate(sizes[1:], start=1):
        if k == n_layers:
            names.append(["out"] if size == 1 else [f"out{j + 1}" for j in range(size)])
        elif n_layers == 2:
            names.append([f"h{j + 1}" for j in range(size)])
        else:
            names.append([f"h{k}_{j + 1}" for j in range(size)])
    return names


class _Narrator:
    def __init__(self, story: Explanation, digits: int, max_examples: int) -> None:
        self.story = story
        self.digits = digits
        self.max_examples = max_examples
        layers = story.network["layers"]
        self.layers: list[dict[str, Any]] = layers
        self.names = unit_names([layers[0]["n_in"]] + [layer["n_out"] for layer in layers])
        self.lines: list[str] = []

    # -- formatting ----------------------------------------------------------------------------

    def num(self, value: float) -> str:
        text = f"{float(value):.{self.digits}g}"
        return "0" if text == "-0" else text

    def term(self, value: float) -> str:
        text = self.num(value)
        return f"({text})" if text.startswith("-") else text

    def say(self, text: str = "", indent: int = 0) -> None:
        self.lines.append(" " * indent + text if text else "")

    def listing(self, head: str, parts: list[str], sep: str, indent: int, tail: str = "") -> None:
        """Say ``head``, ``parts`` joined by ``sep``, then ``tail``, wrapped at 100 columns.

        Lines break only between parts; continuation lines line up under the first part.
        """
        pad = " " * indent
        line, lines = pad + head, []
        for k, part in enumerate(parts):
            piece = part if k == 0 else sep + part
            end = len(tail) if k == len(parts) - 1 else len(sep.rstrip())
            if k > 0 and len(line) + len(piece) + end > WIDTH:
                lines.append(line + sep.rstrip())
                line = " " * (indent + len(head)) + part
            else:
                line += piece
        lines.append(line + tail)
        self.lines.extend(lines)

    def prose(self, text: str, indent: int = 0) -> None:
        """Say a sentence, wrapped to 100 columns (number lines are never wrapped)."""
        pad = " " * indent
        self.lines.extend(textwrap.wrap(text, WIDTH, initial_indent=pad, subsequent_indent=pad))

    def row(self, values: Array) -> str:
        return " ".join(self.num(v) for v in values)

    def shown(self, n_rows: int) -> range:
        return range(min(n_rows, self.max_examples))

    def more(self, n_rows: int, indent: int) -> None:
        if n_rows > self.max_examples:
            hidden = n_rows - self.max_examples
            self.say(f"... and {hidden} more examples (all of them in --json)", indent)

    # -- parts ---------------------------------------------------------------------------------

    def describe(self, k: int) -> str:
        layer = self.layers[k]
        last = k == len(self.layers) - 1
        role = "output" if last else "hidden"
        plural = "neuron" if layer["n_out"] == 1 else "neurons"
        bias = "" if layer["bias"] else ", no bias"
        return (
            f"layer {k + 1} ({role}: {layer['n_in']} inputs -> {layer['n_out']} "
            f"{layer['activation']} {plural}{bias})"
        )

    def weights(self, values: list[Array], indent: int) -> None:
        index = 0
        for k, layer in enumerate(self.layers):
            W = values[index]
            index += 1
            self.say(f"{self.describe(k)}:", indent)
            for i in range(W.shape[0]):
                cells = [
                    f"{self.names[k][i]}->{self.names[k + 1][j]} = {self.num(W[i, j])}"
                    for j in range(W.shape[1])
                ]
                self.listing("", cells, ";  ", indent + 2)
            if layer["bias"]:
                b = values[index]
                index += 1
                cells = [
                    f"bias of {self.names[k + 1][j]} = {self.num(b[j])}" for j in range(b.size)
                ]
                self.listing("", cells, ";  ", indent + 2)

    def optimizer_words(self) -> str:
        opt = self.story.network["optimizer"]
        if opt["name"] == "SGD":
            extras = []
            if opt.get("momentum"):
                extras.append(f"momentum {self.num(opt['momentum'])}")
            if opt.get("weight_decay"):
                extras.append(f"weight decay {self.num(opt['weight_decay'])}")
            tail = f" ({', '.join(extras)})" if extras else ""
            return f"plain gradient steps (SGD) with learning rate {self.num(opt['lr'])}{tail}"
        return f"{opt['name']} with learning rate {self.num(opt['lr'])}"

    def plain_sgd(self) -> bool:
        opt = self.story.network["optimizer"]
        return bool(
            opt["name"] == "SGD" and not opt.get("momentum") and not opt.get("weight_decay")
        )

    def intro(self) -> None:
        story = self.story
        n, n_in = story.X.shape
        layers = " then ".join(self.describe(k) for k in range(len(self.layers)))
        self.prose(f"The network: {layers}.")
        loss = story.network["loss"]
        self.prose(
            f"It learns from {n} examples of {n_in} inputs, by {self.optimizer_words()}, to make "
            f"the loss smaller: {_LOSS.get(loss, loss)}."
        )
        for note in story.notes:
            self.prose(note)
        self.say()
        self.say("Starting weights")
        self.prose(
            "A name like x1->out is the weight on the connection from x1 (the first input) to "
            "the neuron called out.",
            2,
        )
        self.prose(f"They are random: {story.origin}.", 2)
        self.weights(story.start, 2)

    def forward(self, step: Step, k: int) -> None:
        ls = step.layers[k]
        names = self.names[k + 1]
        self.say(f"Forward, {self.describe(k)}:", 2)
        self.say(
            "Each weighted sum z is input × weight, summed over the inputs"
            + (", plus the bias." if ls.bias is not None else "."),
            4,
        )
        self.say(f"The output is {_FORMULA.get(ls.activation, ls.activation)}.", 4)
        for r in self.shown(ls.inputs.shape[0]):
            values = [self.num(v) for v in ls.inputs[r]]
            self.listing(f"example {r + 1}, inputs ", values, " ", 4, ":")
            for j, name in enumerate(names):
                terms = [
                    f"{self.term(ls.inputs[r, i])} × {self.term(ls.weights[i, j])}"
                    for i in range(ls.inputs.shape[1])
                ]
                if ls.bias is not None:
                    terms.append(self.term(ls.bias[j]))
                self.listing(f"{name}: z = ", terms, " + ", 6, f" = {self.num(ls.Z[r, j])}")
                self.say(f"{name} = {self.activated(ls.activation, ls.Z[r], j, ls.A[r, j])}", 6)
        self.more(ls.inputs.shape[0], 4)

    def activated(self, activation: str, Z: Array, j: int, a: float) -> str:
        """The activation of unit ``j`` given its layer's weighted sums ``Z``, with its value."""
        z = Z[j]
        if activation == "softmax":  # it takes the whole layer: e^z_j / Σ e^z
            row = ", ".join(self.num(value) for value in Z)
            return f"softmax({row})[{j + 1}] = {self.num(a)}"
        if activation == "sigmoid":
            return f"1 / (1 + e^{self.term(-z)}) = {self.num(a)}"
        if activation == "identity":
            return f"z = {self.num(a)}"
        return f"{activation}({self.num(z)}) = {self.num(a)}"

    def output_errors(self, step: Step) -> None:
        ls = step.layers[-1]
        loss, fused = self.story.network["loss"], self.story.network["fused"]
        self.say(f"Backward, {self.describe(len(self.layers) - 1)}:", 2)
        n = ls.A.shape[0]
        if fused:
            self.prose(
                f"With {loss} after {ls.activation}, the activation's slope cancels against the "
                f"loss: each delta is (target - output) / {self.count(ls)}, the error itself, "
                "scaled.",
                4,
            )
        elif loss == "sse":
            self.say("The error is target - output.", 4)
        elif loss == "mse":
            self.prose(
                f"The error is 2 × (target - output) / {ls.A.size}, the slope of the mean of "
                "squares (times -1).",
                4,
            )
        else:
            self.prose(f"The error is minus the slope of the loss ({loss}) at the output.", 4)
        if not fused and ls.slope is not None:
            self.prose(_SLOPE.get(ls.activation, "") + " Delta = error × slope.", 4)
        for r in self.shown(n):
            self.say(f"example {r + 1}:", 4)
            for j, name in enumerate(self.names[-1]):
                self.output_unit(step, ls, r, j, name)
        self.more(n, 4)

    def count(self, ls: LayerStep) -> int:
        """What the loss averages over: rows for categorical cross-entropy, else every output."""
        loss = self.story.network["loss"]
        return int(ls.A.shape[0] if loss == "categorical_crossentropy" else ls.A.size)

    def output_unit(self, step: Step, ls: LayerStep, r: int, j: int, name: str) -> None:
        target, out, delta = step.targets[r, j], ls.A[r, j], -ls.dZ[r, j]
        pad = " " * (len(name) + 2)
        if ls.dA is None:  # fused: the delta comes straight from the loss
            self.say(
                f"{name}: delta = ({self.num(target)} - {self.num(out)}) / {self.count(ls)} = "
                f"{self.num(delta)}",
                6,
            )
            return
        error = -ls.dA[r, j]
        self.say(f"{name}: error = {self.num(target)} - {self.num(out)} = {self.num(error)}", 6)
        if ls.slope is not None:
            self.say(f"{pad}slope = {self.slope_text(ls, r, j)}", 6)
            self.say(
                f"{pad}delta = error × slope = {self.num(error)} × "
                f"{self.term(ls.slope[r, j])} = {self.num(delta)}",
                6,
            )

    def slope_text(self, ls: LayerStep, r: int, j: int) -> str:
        assert ls.slope is not None
        a, value = ls.A[r, j], self.num(ls.slope[r, j])
        if ls.activation == "sigmoid":
            return f"{self.num(a)} × (1 - {self.num(a)}) = {value}"
        if ls.activation == "tanh":
            return f"1 - {self.term(a)}² = {value}"
        return value

    def hidden_errors(self, step: Step, k: int) -> None:
        ls, above = step.layers[k], step.layers[k + 1]
        self.say(f"Backward, {self.describe(k)}:", 2)
        self.prose(
            "The error reaching a hidden neuron is each delta of the layer above times the "
            "weight that connects them (before this iteration's change), summed.",
            4,
        )
        if ls.slope is not None:
            self.prose(_SLOPE.get(ls.activation, "") + " Delta = error × slope.", 4)
        assert ls.dA is not None
        for r in self.shown(ls.A.shape[0]):
            self.say(f"example {r + 1}:", 4)
            for j, name in enumerate(self.names[k + 1]):
                terms = [
                    f"{self.term(-above.dZ[r, m])} × {self.term(above.weights[j, m])}"
                    for m in range(above.weights.shape[1])
                ]
                pad = " " * (len(name) + 2)
                self.listing(f"{name}: error = ", terms, " + ", 6, f" = {self.num(-ls.dA[r, j])}")
                if ls.slope is not None:
                    self.say(f"{pad}slope = {self.slope_text(ls, r, j)}", 6)
                self.say(f"{pad}delta = {self.num(-ls.dZ[r, j])}", 6)
        self.more(ls.A.shape[0], 4)

    def adjustments(self, step: Step, k: int) -> None:
        ls = step.layers[k]
        n = ls.inputs.shape[0]
        lr = self.story.network["optimizer"]["lr"]
        self.say(f"Adjusting the weights of layer {k + 1}:", 2)
        if self.plain_sgd():
            scale = "" if lr == 1 else f", times the learning rate {self.num(lr)}"
            self.prose(
                f"each weight moves by its input × delta, summed over the {n} examples{scale}.",
                4,
            )
        else:
            self.prose(
                f"input × delta, summed over the {n} examples, says which way each weight "
                f"should move (it is minus the gradient); {self.optimizer_words()} decides how "
                "far: the change shown.",
                4,
            )
        for i, source in enumerate(self.names[k]):
            for j, target in enumerate(self.names[k + 1]):
                self.adjust_line(
                    f"{source}->{target}", ls.inputs[:, i], -ls.dZ[:, j], -ls.dW[i, j], ls, (i, j)
                )
        if ls.bias is not None and ls.db is not None:
            for j, target in enumerate(self.names[k + 1]):
                self.adjust_line(
                    f"bias of {target}", np.ones(n), -ls.dZ[:, j], -ls.db[j], ls, (None, j)
                )

    def adjust_line(
        self,
        label: str,
        inputs: Array,
        deltas: Array,
        total: float,
        ls: LayerStep,
        where: tuple[int | None, int],
    ) -> None:
        i, j = where
        if i is None:
            assert ls.bias is not None
            assert ls.new_bias is not None
            old, new = ls.bias[j], ls.new_bias[j]
        else:
            old, new = ls.weights[i, j], ls.new_weights[i, j]
        change = new - old
        if inputs.size <= self.max_examples:
            terms = [
                f"{self.term(x)} × {self.term(d)}" for x, d in zip(inputs, deltas, strict=True)
            ]
        else:
            terms = [f"sum over {inputs.size} examples"]
        text = f" = {self.num(total)}"
        lr = self.story.network["optimizer"]["lr"]
        if self.plain_sgd() and lr != 1:
            text += f"; × {self.num(lr)} = {self.num(change)}"
        elif not self.plain_sgd():
            text += f"; change {self.num(change)}"
        self.listing(f"{label}: ", terms, " + ", 4, text)
        pad = " " * (len(label) + 2)
        self.say(f"{pad}new = {self.num(old)} + {self.term(change)} = {self.num(new)}", 4)

    def step(self, step: Step) -> None:
        self.say()
        self.say(f"Iteration {step.step}")
        self.prose(
            f"All {step.targets.shape[0]} examples go forward through the network, the errors "
            "go backward, and every weight is adjusted once.",
            2,
        )
        for k in range(len(self.layers)):
            self.forward(step, k)
        self.output_errors(step)
        for k in range(len(self.layers) - 2, -1, -1):
            self.hidden_errors(step, k)
        for k in range(len(self.layers) - 1, -1, -1):
            self.adjustments(step, k)
        self.say(f"The loss, measured before this iteration's change: {self.num(step.loss)}.", 2)

    def summaries(self) -> None:
        story = self.story
        if not story.summaries:
            return
        self.say()
        self.say("Progress")
        for summary in story.summaries:
            flat = np.concatenate([w.ravel() for w in summary.weights])
            shown = (
                ", ".join(self.num(w) for w in flat)
                if flat.size <= 12
                else f"{flat.size} weights from {self.num(flat.min())} to {self.num(flat.max())}"
            )
            self.say(
                f"after iteration {summary.epoch}: loss {self.num(summary.loss)}; weights {shown}",
                2,
            )

    def ending(self) -> None:
        story = self.story
        self.say()
        if story.outcome:
            self.prose(story.outcome)
            self.say()
        plural = "iteration" if story.epochs == 1 else "iterations"
        self.say(f"Final weights, after {story.epochs} {plural}")
        self.weights(story.final, 2)
        for prediction in story.predictions:
            self.predict(prediction)

    def predict(self, prediction: Any) -> None:
        self.say()
        self.say(f"Prediction for inputs {self.row(prediction.inputs)}")
        values = prediction.inputs
        index = 0
        for k, layer in enumerate(self.layers):
            W = self.story.final[index]
            b = self.story.final[index + 1] if layer["bias"] else None
            index += 2 if layer["bias"] else 1
            for j, name in enumerate(self.names[k + 1]):
                terms = [f"{self.term(x)} × {self.term(W[i, j])}" for i, x in enumerate(values)]
                if b is not None:
                    terms.append(self.term(b[j]))
                z, a = prediction.Z[k][j], prediction.A[k][j]
                self.listing(f"{name}: z = ", terms, " + ", 2, f" = {self.num(z)}")
                activated = self.activated(layer["activation"], np.asarray(prediction.Z[k]), j, a)
                self.say(f"{name} = {activated}", 2)
            values = prediction.A[k]
        answer = ", ".join(f"{v:.8f}" for v in prediction.output)
        self.say(f"The answer for {self.row(prediction.inputs)} is {answer}.", 2)
        if prediction.note:
            self.prose(prediction.note, 2)


def narrate(story: Explanation, digits: int = 6, max_examples: int = 8) -> str:
    """Return ``story`` as plain sentences, numbers shown to ``digits`` significant digits.

    Parameters
    ----------
    story : Explanation
        From ``glassnet.explain.explain``.
    digits : int, default=6
    max_examples : int, default=8
        Show at most this many examples per table of numbers (``to_dict`` keeps them all).

    Returns
    -------
    str
    """
    narrator = _Narrator(story, digits, max_examples)
    narrator.intro()
    for step in story.steps:
        narrator.step(step)
    narrator.summaries()
    narrator.ending()
    return "\n".join(narrator.lines) + "\n"
