"""Tell the story of an ``Explanation`` in plain sentences, with every number shown.

The narrator only formats: every value it prints was computed by the engine and recorded in a
``RunRecord`` (``records``). It speaks in the tutorial's terms: the error is target − output, and
each weight moves by input × error × slope, summed over the examples. In glassnet's gradient terms
(``dA``, ``dZ``, ``dW``) these are the same numbers with the opposite sign.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from glassnet.explain.iterations import tell_step
from glassnet.explain.wording import Narrator, unit_names

if TYPE_CHECKING:
    from glassnet.explain.records import Prediction, RunRecord

__all__ = ["narrate", "unit_names"]

_LOSS = {
    "sse": "½ × Σ (target - output)²",
    "mse": "the mean of (target - output)²",
    "binary_crossentropy": "binary cross-entropy, the mean of -[t·log(out) + (1 - t)·log(1 - out)]",
    "categorical_crossentropy": "categorical cross-entropy, the mean of -Σ t·log(out) per example",
}


def narrate(story: RunRecord, digits: int = 6, max_examples: int = 8) -> str:
    """Return ``story`` as plain sentences, numbers shown to ``digits`` significant digits.

    Parameters
    ----------
    story : RunRecord
        From ``glassnet.explain.explanations.explain``.
    digits : int, default=6
    max_examples : int, default=8
        Show at most this many examples per table of numbers (``to_dict`` keeps them all).

    Returns
    -------
    str
    """
    narrator = Narrator(story, digits, max_examples)
    _intro(narrator)
    for step in story.steps:
        tell_step(narrator, step)
    _summaries(narrator)
    _ending(narrator)
    return "\n".join(narrator.lines) + "\n"


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
    """Say the periodic summaries (loss and weights), if any."""
    story = narrator.story
    if not story.summaries:
        return
    narrator.say()
    narrator.say("Progress")
    for summary in story.summaries:
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
    for prediction in story.predictions:
        _predict(narrator, prediction)


def _predict(narrator: Narrator, prediction: Prediction) -> None:
    """Say one prediction, layer by layer, with its arithmetic."""
    narrator.say()
    narrator.say(f"Prediction for inputs {narrator.row(prediction.inputs)}")
    values = prediction.inputs
    index = 0
    for k, layer in enumerate(narrator.layers):
        W = narrator.story.final[index]
        b = narrator.story.final[index + 1] if layer["bias"] else None
        index += 2 if layer["bias"] else 1
        for j, name in enumerate(narrator.names[k + 1]):
            terms = [f"{narrator.term(x)} × {narrator.term(W[i, j])}" for i, x in enumerate(values)]
            if b is not None:
                terms.append(narrator.term(b[j]))
            z, a = prediction.Z[k][j], prediction.A[k][j]
            narrator.listing(f"{name}: z = ", terms, " + ", 2, f" = {narrator.num(z)}")
            activated = narrator.activated(layer["activation"], np.asarray(prediction.Z[k]), j, a)
            narrator.say(f"{name} = {activated}", 2)
        values = prediction.A[k]
    answer = ", ".join(f"{v:.8f}" for v in prediction.output)
    narrator.say(f"The answer for {narrator.row(prediction.inputs)} is {answer}.", 2)
    if prediction.note:
        narrator.prose(prediction.note, 2)
