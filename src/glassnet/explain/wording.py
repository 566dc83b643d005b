"""The narrator's pen: how glassnet writes numbers, wraps lines and names units and layers.

``Narrator`` holds the text being written about an ``Explanation`` and the small vocabulary every
part of the story shares (a layer's description, its weights, the optimizer in words, an
activation worked out). It decides nothing about what to tell: ``glassnet.explain.narration`` and
``glassnet.explain.iterations`` do.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

from glassnet._types import Array

if TYPE_CHECKING:
    from glassnet.explain.records import RunRecord

__all__ = ["WIDTH", "Narrator", "unit_names"]

WIDTH = 100  # columns: prose and long lists of numbers wrap here


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


class Narrator:
    """The text being written about one ``Explanation``, and how its numbers are written.

    Parameters
    ----------
    story : RunRecord
    digits : int
        Significant digits of every number shown.
    max_examples : int
        Show at most this many examples per table of numbers.

    Attributes
    ----------
    layers : list of dict
        The network's layers as ``describe_network`` gives them.
    names : list of list of str
        The unit names, inputs first (see ``unit_names``).
    lines : list of str
        What has been said so far, one line each.

    Examples
    --------
    >>> from glassnet.explain.explanations import explain
    >>> story = explain(Network([Dense(2, 1)], rng=0), [[1, 2]], [[1]], epochs=0)
    >>> narrator = Narrator(story, digits=3, max_examples=8)
    >>> narrator.num(2 / 3), narrator.term(-0.5), narrator.names
    ('0.667', '(-0.5)', [['x1', 'x2'], ['out']])
    >>> narrator.describe(0)
    'layer 1 (output: 2 inputs -> 1 identity neuron)'
    """

    def __init__(self, story: RunRecord, digits: int, max_examples: int) -> None:
        self.story = story
        self.digits = digits
        self.max_examples = max_examples
        layers = story.network["layers"]
        self.layers: list[dict[str, Any]] = layers
        self.names = unit_names([layers[0]["n_in"]] + [layer["n_out"] for layer in layers])
        self.lines: list[str] = []

    def num(self, value: float) -> str:
        """A number to ``digits`` significant digits (never -0)."""
        text = f"{float(value):.{self.digits}g}"
        return "0" if text == "-0" else text

    def term(self, value: float) -> str:
        """A number as a term of a sum: in parentheses when negative."""
        text = self.num(value)
        return f"({text})" if text.startswith("-") else text

    def say(self, text: str = "", indent: int = 0) -> None:
        """Say one line as it is (an empty line without ``text``)."""
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
        """The numbers of one row, separated by spaces."""
        return " ".join(self.num(v) for v in values)

    def shown(self, n_rows: int) -> range:
        """The rows to show of ``n_rows``: at most ``max_examples``."""
        return range(min(n_rows, self.max_examples))

    def more(self, n_rows: int, indent: int) -> None:
        """Say how many rows were left out, if any."""
        if n_rows > self.max_examples:
            hidden = n_rows - self.max_examples
            self.say(f"... and {hidden} more examples (all of them in --json)", indent)

    def describe(self, k: int) -> str:
        """Layer ``k`` (0-based) in words: its role, inputs, units, activation and bias."""
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
        """Say every weight and bias in ``values``, layer by layer, each by its name."""
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
        """The optimizer and its learning rate in words."""
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
        """Whether the optimizer is SGD without momentum or weight decay."""
        opt = self.story.network["optimizer"]
        return bool(
            opt["name"] == "SGD" and not opt.get("momentum") and not opt.get("weight_decay")
        )

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
