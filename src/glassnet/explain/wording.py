"""The narrator's pen: how glassnet writes numbers, wraps lines and names units and layers.

``Narrator`` holds the text being written about an ``Explanation`` and the small vocabulary every
part of the story shares (a layer's description, its weights, the optimizer in words, an
activation worked out), with the ``Detail`` that caps how much is written out and the words for
what is left out. It decides nothing about what to tell: ``glassnet.explain.narration`` and
``glassnet.explain.iterations`` do.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet._types import Array
from glassnet.explain.details import Detail, first

if TYPE_CHECKING:
    from glassnet.explain.records import RunRecord

__all__ = ["WIDTH", "Narrator", "StoryLengthError", "more", "unit_names"]

WIDTH = 100  # columns: prose and long lists of numbers wrap here


def more(count: int, noun: str, nouns: str | None = None) -> str:
    """``count`` more of ``noun``, in the plural (``nouns``, or ``noun`` + s) unless one.

    Examples
    --------
    >>> more(1, "bias", "biases"), more(13, "unit")
    ('1 more bias', '13 more units')
    """
    return f"{count} more {noun if count == 1 else nouns or noun + 's'}"


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


class StoryLengthError(Exception):
    """Raised by a ``Narrator`` with a ``limit`` as soon as its story passes that many lines."""


class Narrator:
    """The text being written about one ``Explanation``, and how its numbers are written.

    Parameters
    ----------
    story : RunRecord
    digits : int
        Significant digits of every number shown.
    max_examples : int or None
        Show at most this many examples per table of numbers (None: no such cap).
    detail : Detail, optional
        What else to cap (default: nothing); see ``glassnet.explain.details``.
    limit : int, optional
        Raise ``StoryLengthError`` as soon as the story has more lines than this.

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

    def __init__(
        self,
        story: RunRecord,
        digits: int,
        max_examples: int | None,
        detail: Detail | None = None,
        limit: int | None = None,
    ) -> None:
        self.story = story
        self.digits = digits
        self.max_examples = max_examples
        self.detail = Detail() if detail is None else detail
        self.limit = limit
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

    def signed(self, value: float) -> str:
        """A number with its sign, as a change is written: +0.031, -0.01."""
        text = self.num(value)
        return text if text.startswith("-") else "+" + text

    def _add(self, lines: list[str]) -> None:
        self.lines.extend(lines)
        if self.limit is not None and len(self.lines) > self.limit:
            raise StoryLengthError

    def say(self, text: str = "", indent: int = 0) -> None:
        """Say one line as it is (an empty line without ``text``)."""
        self._add([" " * indent + text if text else ""])

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
        self._add(lines)

    def prose(self, text: str, indent: int = 0) -> None:
        """Say a sentence, wrapped to 100 columns (number lines are never wrapped)."""
        pad = " " * indent
        self._add(textwrap.wrap(text, WIDTH, initial_indent=pad, subsequent_indent=pad))

    def row(self, values: Array) -> str:
        """The numbers of one row, separated by spaces."""
        return " ".join(self.num(v) for v in values)

    # -- what is written out, and what is left out ----------------------------------------------

    def shown(self, n_rows: int) -> range:
        """The rows to show of ``n_rows``: at most ``max_examples`` and the detail's examples."""
        rows = n_rows if self.max_examples is None else min(n_rows, self.max_examples)
        return range(first(rows, self.detail.examples))

    def all_shown(self, n_rows: int) -> bool:
        """Whether every one of ``n_rows`` examples is shown."""
        return len(self.shown(n_rows)) == n_rows

    def more(self, n_rows: int, indent: int) -> None:
        """Say how many rows were left out, if any."""
        hidden = n_rows - len(self.shown(n_rows))
        if hidden > 0:
            self.say(f"... and {more(hidden, 'example')} (all of them in --json)", indent)

    def units(self, n_units: int) -> int:
        """How many of a layer's ``n_units`` units have their arithmetic shown."""
        return first(n_units, self.detail.units)

    def terms(self, n_terms: int) -> int:
        """How many of a sum's ``n_terms`` terms (a layer's first inputs) are written out."""
        return first(n_terms, self.detail.terms)

    def sum_terms(self, parts: list[str], values: Array) -> list[str]:
        """``parts`` (the terms of a sum) cut to ``terms``, the rest added up: ``[13 more: s]``.

        ``values`` are the terms' values; the bracket holds the sum of those left out, so the
        written sum still adds up to the total.
        """
        shown = self.terms(len(parts))
        if shown == len(parts):
            return parts
        rest = float(np.sum(values[shown:]))
        return [*parts[:shown], f"[{more(len(parts) - shown, 'term')}: {self.num(rest)}]"]

    def skipped(self, text: str, indent: int) -> None:
        """Say what was left out (``text``: what, and the largest of it); wrapped lines indented."""
        pad = " " * indent
        self._add(
            textwrap.wrap(
                "... and " + text, WIDTH, initial_indent=pad, subsequent_indent=pad + "    "
            )
        )

    def other_units(
        self, names: list[str], shown: int, values: Array, indent: int, A: Array | None = None
    ) -> None:
        """Sum up a layer's units after the first ``shown``: the one of largest ``values``.

        ``values`` are weighted sums when the outputs ``A`` are given, else deltas.
        """
        if shown == len(names):
            return
        j = shown + self.largest(values[shown:])
        if A is None:
            largest = f"delta, {names[j]}: {self.num(values[j])}"
        else:
            largest = f"weighted sum, {names[j]}: z = {self.num(values[j])}, {names[j]} = "
            largest += self.num(A[j])
        self.skipped(f"{more(len(names) - shown, 'unit')}; the largest {largest}", indent)

    def largest(self, values: Array) -> int:
        """The index of the value of largest size in ``values`` (the first of equals)."""
        return int(np.argmax(np.abs(values)))

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

    def window(self, k: int) -> tuple[list[tuple[int, int]], int]:
        """Layer ``k``'s weights written out one by one, as (input, unit) pairs, and its biases.

        The first inputs and units, in the order weights are listed (input by input), up to the
        detail's ``weights``; the biases of as many of the first units.
        """
        layer = self.layers[k]
        inputs, units = self.terms(layer["n_in"]), self.units(layer["n_out"])
        pairs = [(i, j) for i in range(inputs) for j in range(units)]
        return pairs[: first(len(pairs), self.detail.weights)], first(units, self.detail.weights)

    def weight_name(self, k: int, i: int, j: int) -> str:
        """The name of the weight from input ``i`` to unit ``j`` of layer ``k``: x1->h2."""
        return f"{self.names[k][i]}->{self.names[k + 1][j]}"

    def weights(self, values: list[Array], indent: int) -> None:
        """Say the weights and biases in ``values``, layer by layer, each by its name.

        Past the detail's caps, the rest of a layer's weights (and of its biases) are summed up
        in one line with their range and the largest of them.
        """
        index = 0
        for k, layer in enumerate(self.layers):
            W = values[index]
            index += 1
            self.say(f"{self.describe(k)}:", indent)
            pairs, n_biases = self.window(k)
            for i in sorted({i for i, _ in pairs}):
                cells = [
                    f"{self.weight_name(k, i, j)} = {self.num(W[i, j])}" for a, j in pairs if a == i
                ]
                self.listing("", cells, ";  ", indent + 2)
            self._rest_of_weights(k, W, pairs, indent + 2)
            if layer["bias"]:
                b = values[index]
                index += 1
                cells = [
                    f"bias of {self.names[k + 1][j]} = {self.num(b[j])}" for j in range(n_biases)
                ]
                if cells:
                    self.listing("", cells, ";  ", indent + 2)
                self._rest_of_biases(k, b, n_biases, indent + 2)

    def _rest_of_weights(self, k: int, W: Array, pairs: list[tuple[int, int]], indent: int) -> None:
        """Sum up the weights of layer ``k`` that ``pairs`` leaves out."""
        hidden = np.ones(W.shape, dtype=bool)
        for i, j in pairs:
            hidden[i, j] = False
        names = [self.weight_name(k, i, j) for i, j in zip(*np.nonzero(hidden), strict=True)]
        self._rest(more(len(names), "weight"), names, W[hidden], indent)

    def _rest_of_biases(self, k: int, b: Array, shown: int, indent: int) -> None:
        """Sum up the biases of layer ``k`` after the first ``shown``."""
        names = [f"bias of {name}" for name in self.names[k + 1][shown:]]
        self._rest(more(len(names), "bias", "biases"), names, b[shown:], indent)

    def _rest(self, what: str, names: list[str], values: Array, indent: int) -> None:
        """Say ``what`` was left out: the range of its ``values`` and the largest of them."""
        if not names:
            return
        low, high = self.num(values.min()), self.num(values.max())
        if low == high:
            self.skipped(f"{what}, all {low}", indent)
            return
        m = self.largest(values)
        self.skipped(
            f"{what}, from {low} to {high}; the largest, {names[m]} = {self.num(values[m])}",
            indent,
        )

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
            row = [self.num(value) for value in Z]
            shown = self.terms(len(row))
            if shown < len(row):
                row = [*row[:shown], f"[{len(row) - shown} more]"]
            return f"softmax({', '.join(row)})[{j + 1}] = {self.num(a)}"
        if activation == "sigmoid":
            return f"1 / (1 + e^{self.term(-z)}) = {self.num(a)}"
        if activation == "identity":
            return f"z = {self.num(a)}"
        return f"{activation}({self.num(z)}) = {self.num(a)}"
