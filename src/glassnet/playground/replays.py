"""The last training step of a run, every number of it, as ``glassnet explain`` records them.

A run keeps a copy of its network from before its last epoch (``Run.before``). ``last_step``
replays that epoch on a copy of the copy, the network's own steps on the same batches in the
same order as ``Network.fit``, and traces its last step with ``glassnet.explain.traces``; it
checks that the replay ends with the very weights training reached. ``tell_step`` tells the step
in explain's sentences. Nothing here changes the run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from glassnet._types import Array
from glassnet.explain.explanations import Explanation, describe_network
from glassnet.explain.iterations import tell_step
from glassnet.explain.traces import Step, trace_step
from glassnet.explain.wording import Narrator
from glassnet.nn.network import Network

__all__ = ["DIGITS", "MAX_EXAMPLES", "LastStep", "last_step", "tell_last_step"]

#: As ``glassnet explain`` writes numbers by default: significant digits, examples per list.
DIGITS, MAX_EXAMPLES = 6, 8


@dataclass
class LastStep:
    """The last step of an epoch, traced.

    Attributes
    ----------
    step : Step
        Every number of the step (``glassnet.explain.traces``); its ``step`` is the epoch.
    rows : ndarray of int
        The training rows of its batch, in the order the step took them (0-based).
    n_steps : int
        Steps in the epoch (1 for the full batch).
    size : int
        Rows per step (the last step may take fewer).
    shuffled : bool
        Whether the epoch took the rows in a new random order.
    network : dict
        The network as ``describe_network`` says it, optimizer settings of the step included.
    exact : bool
        Whether the replay ended with exactly the weights training reached.
    """

    step: Step
    rows: np.ndarray[Any, np.dtype[np.intp]]
    n_steps: int
    size: int
    shuffled: bool
    network: dict[str, object]
    exact: bool


def last_step(
    before: Network,
    X: Array,
    Y: Array,
    batch_size: int | None,
    shuffle: bool,
    epoch: int,
    after: list[Array],
) -> LastStep:
    """Replay epoch ``epoch`` from ``before`` and trace its last step.

    Parameters
    ----------
    before : Network
        The network as the epoch found it (weights, optimizer state and random generator); it
        is copied, not changed.
    X, Y : ndarray
        The training rows, as ``Network.fit`` got them.
    batch_size : int or None
    shuffle : bool
        As given to ``Network.fit``.
    epoch : int
        The epoch's number.
    after : list of ndarray
        The weights the epoch ended with, to check the replay against.
    """
    net = before.copy()
    network = describe_network(net)
    n_rows = X.shape[0]
    size = n_rows if batch_size is None else min(batch_size, n_rows)
    if size == n_rows and not shuffle:
        batches = [np.arange(n_rows)]
    else:  # Network.fit's order: one permutation per epoch from the network's generator
        order = net.rng.permutation(n_rows) if shuffle else np.arange(n_rows)
        batches = [order[start : start + size] for start in range(0, n_rows, size)]
    with np.errstate(all="ignore"):
        for rows in batches[:-1]:
            net.train_step(X[rows], Y[rows])
        step = trace_step(net, X[batches[-1]], Y[batches[-1]], epoch)
    exact = all(np.array_equal(a, b) for a, b in zip(net.get_weights(), after, strict=True))
    return LastStep(step, batches[-1], len(batches), size, shuffle, network, exact)


def tell_last_step(last: LastStep) -> str:
    """The step in ``glassnet explain``'s sentences (its "Iteration" part), one string.

    A full-batch step reads exactly as explain tells the same iteration; a mini-batch step
    first says which rows it took.
    """
    step = last.step
    story = Explanation(
        network=dict(last.network),
        origin="",
        start=[],
        X=step.layers[0].inputs,
        Y=step.targets,
        steps=[step],
    )
    narrator = Narrator(story, DIGITS, MAX_EXAMPLES)
    if last.n_steps > 1:
        rows = ", ".join(str(int(row) + 1) for row in last.rows[:MAX_EXAMPLES])
        more = " ..." if len(last.rows) > MAX_EXAMPLES else ""
        narrator.prose(
            f"Epoch {step.step} took {last.n_steps} steps of {last.size} training rows each "
            f"(the rows in {'a new random' if last.shuffled else 'their'} order); this is its "
            f"last step, on rows {rows}{more}, its examples below."
        )
    tell_step(narrator, step)
    if not last.exact:
        narrator.prose(
            "(This replay of the epoch did not end with exactly the weights training reached, "
            "so its numbers may differ from training's in the last digits.)"
        )
    lines = narrator.lines
    while lines and not lines[0]:
        lines = lines[1:]
    return "\n".join(lines) + "\n"
