"""What an explanation holds: a training run's numbers, as plain data ready to tell or to save.

``RunRecord`` keeps the network's description, its starting weights, the traced steps
(``traces``), periodic summaries, the final weights and worked predictions; ``to_dict`` turns it
into JSON-ready lists. It computes nothing: ``explanations`` fills it, ``narration`` tells it.
Shapes: n = n_samples, i = a layer's inputs, o = its units.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from glassnet._types import Array
from glassnet.explain.traces import LayerStep, Step

__all__ = ["Prediction", "RunRecord", "Summary"]


@dataclass
class Summary:
    """The state after some iteration: the loss at the current weights, and the weights."""

    epoch: int
    loss: float
    weights: list[Array]


@dataclass
class Prediction:
    """A worked prediction: each layer's weighted sums and activations for one input row."""

    inputs: Array
    Z: list[Array]
    A: list[Array]
    note: str | None = None  # the row in the table's own terms, when its inputs were encoded

    @property
    def output(self) -> Array:
        """The network's answer, shape (n_outputs,)."""
        return self.A[-1]


@dataclass
class RunRecord:
    """Everything ``explain`` saw, as data: ready to tell (``narration``) or to save (``to_dict``).

    ``losses`` holds the loss of every iteration, traced or not, as ``History.loss`` would.
    ``notes`` are told after the network is described (how a table became these inputs, how
    training ran); ``outcome`` before the final weights (an early stop, say).
    """

    network: dict[str, Any]
    origin: str
    start: list[Array]
    X: Array
    Y: Array
    steps: list[Step]
    summaries: list[Summary] = field(default_factory=list)
    final: list[Array] = field(default_factory=list)
    epochs: int = 0
    predictions: list[Prediction] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    outcome: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the explanation as plain lists, numbers and strings (for ``json.dumps``)."""
        return {
            "network": self.network,
            "origin": self.origin,
            "notes": self.notes,
            "start": _tensors(self.network, self.start),
            "data": {"inputs": self.X.tolist(), "targets": self.Y.tolist()},
            "steps": [_step_dict(step) for step in self.steps],
            "summaries": [_summary_dict(self.network, s) for s in self.summaries],
            "epochs": self.epochs,
            "losses": self.losses,
            "outcome": self.outcome,
            "final": _tensors(self.network, self.final),
            "predictions": [_prediction_dict(p) for p in self.predictions],
        }


# -- JSON-ready forms ----------------------------------------------------------------------------


def _tensors(network: dict[str, Any], values: list[Array]) -> dict[str, Any]:
    """Each tensor as nested lists, under its parameter name."""
    return {name: v.tolist() for name, v in zip(network["parameters"], values, strict=True)}


def _optional(array: Array | None) -> Any:
    """``array`` as nested lists, or None."""
    return None if array is None else array.tolist()


def _layer_step_dict(ls: LayerStep) -> dict[str, Any]:
    """One layer of a traced step as plain data."""
    return {
        "layer": ls.layer,
        "activation": ls.activation,
        "inputs": ls.inputs.tolist(),
        "weights": ls.weights.tolist(),
        "bias": _optional(ls.bias),
        "Z": ls.Z.tolist(),
        "A": ls.A.tolist(),
        "dA": _optional(ls.dA),
        "slope": _optional(ls.slope),
        "dZ": ls.dZ.tolist(),
        "dW": ls.dW.tolist(),
        "db": _optional(ls.db),
        "update": ls.update.tolist(),
        "bias_update": _optional(ls.bias_update),
        "new_weights": ls.new_weights.tolist(),
        "new_bias": _optional(ls.new_bias),
    }


def _step_dict(step: Step) -> dict[str, Any]:
    """A traced step as plain data."""
    return {
        "step": step.step,
        "loss": step.loss,
        "targets": step.targets.tolist(),
        "layers": [_layer_step_dict(ls) for ls in step.layers],
    }


def _summary_dict(network: dict[str, Any], summary: Summary) -> dict[str, Any]:
    """A periodic summary as plain data."""
    return {
        "epoch": summary.epoch,
        "loss": summary.loss,
        "weights": _tensors(network, summary.weights),
    }


def _prediction_dict(prediction: Prediction) -> dict[str, Any]:
    """A worked prediction as plain data."""
    return {
        "inputs": prediction.inputs.tolist(),
        "layers": [
            {"Z": z.tolist(), "A": a.tolist()}
            for z, a in zip(prediction.Z, prediction.A, strict=True)
        ],
        "output": prediction.output.tolist(),
        "note": prediction.note,
    }
