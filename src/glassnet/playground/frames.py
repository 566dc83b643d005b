"""What the page is sent: a run's description once, then a frame after every change.

``describe_run`` says what stays fixed during a run (the network's shape and names, the task,
the plane and its points, the equivalent command line); ``frame`` says what moves (the epoch, the
losses and their curves, every weight, every neuron's heat map, the ``?`` rows' answers). Both
are plain JSON values; the page only draws them. Nothing here trains.
"""

from __future__ import annotations

import math
import shlex
from typing import Any

import numpy as np

from glassnet.explain.wording import unit_names
from glassnet.playground.planes import Plane, neuron_maps, quantized
from glassnet.playground.runs import Run
from glassnet.playground.sources import TUTORIAL
from glassnet.tables.recipes import resolve_settings, settings_for_task

__all__ = ["CURVE_POINTS", "MAX_ANSWERS", "describe_run", "frame"]

CURVE_POINTS = 400  # loss curves are sent as at most this many points each
MAX_ANSWERS = 50  # '?' rows answered in each frame


def describe_run(run: Run, plane: Plane | None, number: int, tables: list[str]) -> dict[str, Any]:
    """What stays fixed during a run, for the page to lay itself out; ``tables``: those loaded."""
    net, model = run.net, run.model
    sizes = [net.n_inputs] + [layer.n_out for layer in net.layers]
    return {
        "run": number,
        "controls": run.controls.to_json(),
        "task": model.task_,
        "classes": model.classes_,
        "columns": list(model.columns_),
        "target": run.data.target,
        "inputs": run.input_columns(),
        "sizes": sizes,
        "names": unit_names(sizes),
        "activations": [layer.activation.name for layer in net.layers],
        "bias": [layer.bias is not None for layer in net.layers],
        "loss": net.loss.name,
        "rows": {"train": int(run.X.shape[0]), "test": _rows(run.X_test)},
        "table": None if run.data.source is None else run.data.source.name,
        "plane": None if plane is None else plane.describe(),
        "tables": tables,
    }


def _rows(X: Any) -> int:
    return 0 if X is None else int(X.shape[0])


def command_line(run: Run) -> str | None:
    """The ``glassnet solve`` command that trains the same network on a table, or None."""
    source, controls = run.data.source, run.controls
    if source is None or run.data.test is not None or run.changes:
        return None
    words = ["glassnet", "solve"]
    if source.name != TUTORIAL:  # the table as named on the command line, or the upload's name
        words.append(source.name)
    settings = run.model.settings_
    table = run.data.train
    chosen = resolve_settings(table, [table.column_index(run.data.target)], settings.preset,
                              hidden=controls.hidden)  # fmt: skip
    if settings_for_task(chosen, run.model.task_).loss != settings.loss:
        return None  # glassnet solve has no option for the loss: it follows the recipe
    words += ["--preset", settings.preset, "--target", run.data.target]
    words += ["--hidden", ",".join(str(n) for n in controls.hidden) or "0"]
    words += ["--activation", controls.activation, "--optimizer", controls.optimizer]
    words += ["--lr", repr(controls.lr), "--l2", repr(controls.l2), "--seed", str(controls.seed)]
    words += ["--batch-size", str(controls.batch) if controls.batch else "full"]
    words += ["--epochs", str(run.epoch), "--validation", "0"]
    return shlex.join(words)


def frame(run: Run, plane: Plane | None, span: float, state: dict[str, Any]) -> dict[str, Any]:
    """What moves: epoch, losses, curves, weights, heat maps and answers; ``state`` is added."""
    net = run.net
    weights = []
    for layer in net.layers:
        weights.append({
            "W": _numbers(layer.weights),
            "b": None if layer.bias is None else _numbers(layer.bias),
        })  # fmt: skip
    return {
        **state,
        "epoch": run.epoch,
        "done": run.done,
        "failure": run.failure,
        "lr": net.optimizer.lr,  # type: ignore[attr-defined]
        "l2": getattr(net.optimizer, "weight_decay", 0.0),
        "loss": {
            "train": _number(run.train_loss[-1]),
            "test": _number(run.test_loss[-1]) if run.test_loss else None,
        },
        "curve": _curve(run),
        "weights": weights,
        "maps": None if plane is None else quantized(neuron_maps(run.model, net, plane, span)),
        "answers": _answers(run),
        "changes": len(run.changes),
        "command": command_line(run),
    }


def _number(value: float) -> float | None:
    """A number for JSON: None for inf and NaN, which JSON cannot say."""
    return float(value) if math.isfinite(value) else None


def _numbers(array: Any) -> Any:
    if np.isfinite(array).all():
        return array.tolist()
    return np.where(np.isfinite(array), array, 0.0).tolist()


def _curve(run: Run) -> dict[str, list[Any]]:
    """The loss curves at no more than ``CURVE_POINTS`` epochs, the last one always included."""
    n = len(run.train_loss)
    picked = np.unique(np.linspace(0, n - 1, min(n, CURVE_POINTS)).round().astype(int))
    curve: dict[str, list[Any]] = {
        "epochs": picked.tolist(),
        "train": [_number(run.train_loss[i]) for i in picked],
    }
    if run.test_loss:
        curve["test"] = [_number(run.test_loss[i]) for i in picked]
    return curve


def _answers(run: Run) -> dict[str, Any] | None:
    """The first ``MAX_ANSWERS`` rows with a ``?`` output, filled in by the network as it is."""
    table = run.data.train
    if run.data.source is None:
        return None
    missing = np.flatnonzero(table.missing(table.column_index(run.data.target)))
    if missing.size == 0:
        return None
    rows = table.take(missing[:MAX_ANSWERS].tolist())
    with np.errstate(all="ignore"):
        filled = run.model.fill(rows)
    return {
        "columns": list(run.model.columns_),
        "lines": rows.lines.tolist(),
        "rows": filled,
        "total": int(missing.size),
    }
