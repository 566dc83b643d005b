"""How much of a story to write out: the levels of detail a narration steps down through.

A ``Detail`` caps how many examples, units, terms of a sum, weights, worked predictions and
progress lines the narrator writes out in full; whatever it leaves out is summed up in one line
that keeps the largest number. ``LADDER`` lists the levels from everything down to the least,
and ``glassnet.explain.narration.narrate`` tells a story at the widest level that fits its line
budget. Nothing here formats a number or reads a story.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_LINES", "LADDER", "Detail", "first"]

#: The line budget of a story when none is given: ``explain``'s default.
DEFAULT_LINES = 150


def first(count: int, cap: int | None) -> int:
    """How many of ``count`` things a cap of ``cap`` (None: no cap) lets through.

    Leaving out a single thing saves nothing (the line that says so takes its place), so one
    past the cap is let through too.

    Examples
    --------
    >>> first(16, 3), first(4, 3), first(2, 3), first(16, None)
    (3, 4, 2, 16)
    """
    return count if cap is None or count <= cap + 1 else cap


@dataclass(frozen=True)
class Detail:
    """The most of each kind of thing a story writes out in full (None: all of them).

    Attributes
    ----------
    examples : int or None
        Examples shown in each table of an iteration (also capped by ``max_examples``).
    units : int or None
        The first units of each layer whose arithmetic is shown.
    terms : int or None
        Terms written out in a sum (the first inputs of a layer); the rest are added up into
        one bracketed number, so every sum still adds up.
    weights : int or None
        Weights (and, separately, biases) of a layer listed or adjusted one by one.
    predictions : int or None
        Rows whose prediction is worked out.
    summaries : int or None
        Progress lines (one-line summaries) told.
    """

    examples: int | None = None
    units: int | None = None
    terms: int | None = None
    weights: int | None = None
    predictions: int | None = None
    summaries: int | None = None

    @property
    def everything(self) -> bool:
        """Whether nothing is capped."""
        return all(value is None for value in vars(self).values())


#: From everything down to the least: a story is told at the first level that fits its budget.
#: Biases and weights go first (every one of them follows the same rule), examples and units last.
LADDER = (
    Detail(),
    Detail(examples=4, units=8, terms=8, weights=8, predictions=4, summaries=10),
    Detail(examples=3, units=4, terms=6, weights=4, predictions=3, summaries=10),
    Detail(examples=2, units=3, terms=4, weights=3, predictions=2, summaries=10),
    Detail(examples=2, units=2, terms=4, weights=1, predictions=1, summaries=5),
    Detail(examples=1, units=2, terms=3, weights=1, predictions=1, summaries=5),
    Detail(examples=1, units=1, terms=2, weights=1, predictions=1, summaries=3),
)
