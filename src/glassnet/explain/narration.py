"""Tell the story of an ``Explanation`` in plain sentences, within a budget of lines.

The narrator only formats: every value it prints was computed by the engine and recorded in a
``RunRecord`` (``records``). It speaks in the tutorial's terms: the error is target − output, and
each weight moves by input × error × slope, summed over the examples. In glassnet's gradient terms
(``dA``, ``dZ``, ``dW``) these are the same numbers with the opposite sign. A big network's story
is told at the widest level of detail (``details``) that fits its lines; what is left out is
summed up in a line that keeps the largest number, and the story ends by saying it was shortened.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import numpy as np

from glassnet.explain.details import DEFAULT_LINES, LADDER, Detail, first
from glassnet.explain.iterations import tell_step
from glassnet.explain.wording import WIDTH, Narrator, StoryLengthError, more, unit_names

if TYPE_CHECKING:
    from glassnet.explain.records import Prediction, RunRecord

__all__ = ["narrate", "unit_names"]

_LOSS = {
    "sse": "½ × Σ (target - output)²",
    "mse": "the mean of (target - output)²",
    "binary_crossentropy": "binary cross-entropy, the mean of -[t·log(out) + (1 - t)·log(1 - out)]",
    "categorical_crossentropy": "categorical cross-entropy, the mean of -Σ t·log(out) per example",
}


def narrate(
    story: RunRecord,
    digits: int = 6,
    max_examples: int | None = 8,
    lines: int | None = DEFAULT_LINES,
) -> str:
    """Return ``story`` as plain sentences, numbers shown to ``digits`` significant digits.

    Parameters
    ----------
    story : RunRecord
        From ``glassnet.explain.explanations.explain``.
    digits : int, default=6
    max_examples : int or None, default=8
        Show at most this many examples per table of numbers (None: all of them; ``to_dict``
        keeps them all).
    lines : int or None, default=150
        The story's budget: it is told at the widest level of ``details.LADDER`` that fits in
        this many lines (every number, when it fits), or at the least detail when none does.
        What a level leaves out (examples, units, terms of a sum, weights, predictions,
        progress lines) is summed up in a line that keeps its largest number. None: every
        number, however long.

    Returns
    -------
    str
    """
    if lines is None:
        return _tell(story, digits, max_examples, Detail())
    for level, detail in enumerate(LADDER):
        room = lines if level == 0 else lines - 3  # a shortened story ends with three more
        try:
            text = _tell(story, digits, max_examples, detail, room)
        except StoryLengthError:
            continue
        return text if level == 0 else text + _shortened(text, lines)
    text = _tell(story, digits, max_examples, LADDER[-1])  # the least detail, however long
    return text + _shortened(text, lines)


def _tell(
    story: RunRecord,
    digits: int,
    max_examples: int | None,
    detail: Detail,
    limit: int | None = None,
) -> str:
    """The story at one level of detail; StoryLengthError as soon as it passes ``limit`` lines."""
    narrator = Narrator(story, digits, max_examples, detail, limit)
    _intro(narrator)
    for step in story.steps:
        tell_step(narrator, step)
    _summaries(narrator)
    _ending(narrator)
    return "\n".join(narrator.lines) + "\n"


def _shortened(text: str, lines: int) -> str:
    """The closing words of a story told at less than every number (a blank line and two)."""
    length = text.count("\n") + 3
    how = f"to fit {lines} lines" if length <= lines else f"as far as it goes ({length} lines)"
    words = (
        f"Shortened {how}: --lines N tells more, --full every number, --json gives them all "
        "as data."
    )
    return "\n" + "\n".join(textwrap.wrap(words, WIDTH)) + "\n"


def _intro(narrator: Narrator) -> None:
    """Say what the network is, what it learns from and its starting weights."""
    story = narrator.story
    n, n_in = story.X.shape
    layers = " then ".join(narrator.describe(k) for k in range(len(narrator.layers)))
    narrator.prose(f"The network: {layers}.")
    loss = story.network["loss"]
    narrator.prose(
        f"It learns from {n} examples of {n_in} inputs, by {narrator.optimizer_words()}, to make "
        f"the loss smaller: {_LOSS.get(loss, loss)}."
    )
    for note in story.notes:
        narrator.prose(note)
    narrator.say()
    narrator.say("Starting weights")
    narrator.prose(
        "A name like x1->out is the weight on the connection from x1 (the first input) to "
        "the neuron called out.",
        2,
    )
    narrator.prose(f"They are random: {story.origin}.", 2)
    narrator.weights(story.start, 2)


def _summaries(narrator: Narrator) -> None:
    """Say the periodic summaries (loss and weights), if any, as many as the detail allows."""
    story = narrator.story
    if not story.summaries:
        return
    narrator.say()
    narrator.say("Progress")
    count = len(story.summaries)
    told = _spaced(count, first(count, narrator.detail.summaries))
    for index in told:
        summary = story.summaries[index]
        flat = np.concatenate([w.ravel() for w in summary.weights])
        shown = (
            ", ".join(narrator.num(w) for w in flat)
            if flat.size <= 12
            else (
                f"{flat.size} weights from {narrator.num(flat.min())} to {narrator.num(flat.max())}"
            )
        )
        narrator.say(
            f"after iteration {summary.epoch}: loss {narrator.num(summary.loss)}; weights {shown}",
            2,
        )
    if len(told) < count:
        narrator.skipped(
            f"{more(count - len(told), 'progress line')} between these (all of them in --json)",
            2,
        )


def _spaced(count: int, wanted: int) -> list[int]:
    """``wanted`` indices of ``count`` things, evenly spaced, the first and the last included.

    Examples
    --------
    >>> _spaced(10, 4), _spaced(3, 5), _spaced(10, 1)
    ([0, 3, 6, 9], [0, 1, 2], [9])
    """
    if wanted >= count:
        return list(range(count))
    if wanted == 1:
        return [count - 1]
    return sorted({round(float(x)) for x in np.linspace(0, count - 1, wanted)})


def _ending(narrator: Narrator) -> None:
    """Say the outcome, the final weights and the worked predictions."""
    story = narrator.story
    narrator.say()
    if story.outcome:
        narrator.prose(story.outcome)
        narrator.say()
    plural = "iteration" if story.epochs == 1 else "iterations"
    narrator.say(f"Final weights, after {story.epochs} {plural}")
    narrator.weights(story.final, 2)
    count = len(story.predictions)
    worked = first(count, narrator.detail.predictions)
    for prediction in story.predictions[:worked]:
        _predict(narrator, prediction)
    if worked < count:
        narrator.say()
        narrator.skipped(
            f"{more(count - worked, 'row')} predicted the same way (every number in --json)", 0
        )


def _predict(narrator: Narrator, prediction: Prediction) -> None:
    """Say one prediction, layer by layer, with its arithmetic."""
    narrator.say()
    inputs = prediction.inputs
    shown = narrator.terms(inputs.size)
    head = narrator.row(inputs[:shown]) + (
        f" [{inputs.size - shown} more]" if shown < inputs.size else ""
    )
    narrator.say(f"Prediction for inputs {head}")
    values = prediction.inputs
    index = 0
    for k, layer in enumerate(narrator.layers):
        W = narrator.story.final[index]
        b = narrator.story.final[index + 1] if layer["bias"] else None
        index += 2 if layer["bias"] else 1
        names = narrator.names[k + 1]
        units = narrator.units(len(names))
        for j in range(units):
            terms = narrator.sum_terms(
                [f"{narrator.term(x)} × {narrator.term(W[i, j])}" for i, x in enumerate(values)],
                values * W[:, j],
            )
            if b is not None:
                terms.append(narrator.term(b[j]))
            z, a = prediction.Z[k][j], prediction.A[k][j]
            narrator.listing(f"{names[j]}: z = ", terms, " + ", 2, f" = {narrator.num(z)}")
            activated = narrator.activated(layer["activation"], np.asarray(prediction.Z[k]), j, a)
            narrator.say(f"{names[j]} = {activated}", 2)
        narrator.other_units(names, units, prediction.Z[k], 2, prediction.A[k])
        values = prediction.A[k]
    answer = ", ".join(f"{v:.8f}" for v in prediction.output)
    narrator.say(f"The answer for {head} is {answer}.", 2)
    if prediction.note:
        narrator.prose(prediction.note, 2)
