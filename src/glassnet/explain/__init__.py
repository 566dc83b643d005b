"""Seeing through a network: every number of its training recorded, then told in sentences.

``traces`` records what each layer computed in a real training step; ``explanations`` gathers a
whole run (starting weights, traced steps, summaries, worked predictions); ``narration`` (with
``wording`` and ``iterations``) tells it; ``recorders`` watch a training run for the stories and
the pictures; ``columns`` names a table model's inputs in the table's terms. It imports
``glassnet.nn`` and ``glassnet.tables`` (below it); ``glassnet.plot`` draws what it records.
"""

from __future__ import annotations

from glassnet.explain.explanations import (
    Explanation,
    LayerStep,
    Prediction,
    Step,
    Summary,
    explain,
    trace,
)
from glassnet.explain.narration import narrate
from glassnet.explain.recorders import TrainingRecorder, WeightRecorder

__all__ = [
    "Explanation",
    "LayerStep",
    "Prediction",
    "Step",
    "Summary",
    "TrainingRecorder",
    "WeightRecorder",
    "explain",
    "narrate",
    "trace",
]
