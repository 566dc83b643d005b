"""Scores of a table model's answers: how well its predictions match the known outputs.

Classifiers get accuracy (and confusion matrices), regression R², MAE and MSE in the table's
units; ``baseline_scores`` gives the same for the answer that needs no network (the most frequent
class, or the mean). It works on encoded targets and network outputs; it does not read tables or
run networks.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet._types import Array
from glassnet.tables.schema import BINARY, MULTICLASS
from glassnet.tables.schema import REGRESSION as REGRESSION_TASK

__all__ = ["ScoreSums", "baseline_scores", "score"]


def score(
    task: str, P: Array, Y: Array, outputs: list[dict[str, Any]], confusion: bool = False
) -> dict[str, Any]:
    """Return accuracy (and confusion) for classifiers; R², MAE and MSE for regression.

    Parameters
    ----------
    task : {"binary", "multiclass", "regression"}
    P : ndarray of shape (n_samples, n_outputs)
        The network's outputs.
    Y : ndarray of shape (n_samples, n_outputs)
        The encoded targets (0/1 columns, one-hot classes or scaled values).
    outputs : list of dict
        The output encodings; regression errors are multiplied back by each one's ``scale``.
    confusion : bool, default=False
        Add "confusion" matrices (rows: true class, columns: predicted), and for regression
        "per_output" even with a single output.

    Returns
    -------
    dict
        "accuracy" for classifiers; "r2", "mae" and "mse" (averaged over outputs) for regression,
        with "per_output" when there are several outputs.

    Examples
    --------
    >>> Y = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])
    >>> P = np.array([[0.9, 0.1], [0.6, 0.4], [0.2, 0.8]])
    >>> score("multiclass", P, Y, [{"name": "kind", "position": 2}], confusion=True)
    {'accuracy': 0.6666666666666666, 'confusion': [[1, 0], [1, 1]]}
    """
    if task == MULTICLASS:
        return _multiclass_scores(P, Y, confusion)
    if task == BINARY:
        return _binary_scores(P, Y, confusion)
    return _regression_scores(P, Y, outputs, confusion)


def _multiclass_scores(P: Array, Y: Array, confusion: bool) -> dict[str, Any]:
    """Accuracy of the most probable class, and one confusion matrix over the classes."""
    truth, guess = Y.argmax(axis=1), P.argmax(axis=1)
    result: dict[str, Any] = {"accuracy": float((truth == guess).mean())}
    if confusion:
        matrix = np.zeros((Y.shape[1], Y.shape[1]), dtype=int)
        np.add.at(matrix, (truth, guess), 1)
        result["confusion"] = matrix.tolist()
    return result


def _binary_scores(P: Array, Y: Array, confusion: bool) -> dict[str, Any]:
    """Accuracy of whole rows at the 0.5 threshold, and a 2x2 confusion matrix per output."""
    guess = (P >= 0.5).astype(float)
    result: dict[str, Any] = {"accuracy": float((guess == Y).all(axis=1).mean())}
    if confusion:
        matrices = []
        for k in range(Y.shape[1]):
            matrix = np.zeros((2, 2), dtype=int)
            np.add.at(matrix, (Y[:, k].astype(int), guess[:, k].astype(int)), 1)
            matrices.append(matrix.tolist())
        result["confusion"] = matrices[0] if len(matrices) == 1 else matrices
    return result


def _regression_scores(
    P: Array, Y: Array, outputs: list[dict[str, Any]], confusion: bool
) -> dict[str, Any]:
    """R², MAE and MSE of each output in table units, and their means."""
    scale = np.array([spec["scale"] for spec in outputs])
    truth, guess = Y * scale, P * scale  # (n, k), in table units less the shift
    per_output = []
    for k, spec in enumerate(outputs):
        error = guess[:, k] - truth[:, k]
        spread = float(((truth[:, k] - truth[:, k].mean()) ** 2).sum())
        r2 = 1.0 - float(error @ error) / spread if spread > 0 else 0.0
        per_output.append(
            {
                "name": spec["name"],
                "r2": r2,
                "mae": float(np.abs(error).mean()),
                "mse": float((error**2).mean()),
            }
        )
    result: dict[str, Any] = {
        key: float(np.mean([entry[key] for entry in per_output])) for key in ("r2", "mae", "mse")
    }
    if confusion or len(per_output) > 1:
        result["per_output"] = per_output
    return result


def baseline_scores(
    task: str,
    Y_train: Array,
    Y_held: Array | None,
    outputs: list[dict[str, Any]],
    classes: list[str] | None,
) -> dict[str, Any]:
    """Scores of always giving the training rows' most frequent class, or their mean.

    Parameters
    ----------
    task : {"binary", "multiclass", "regression"}
    Y_train : ndarray of shape (n_train, n_outputs)
        The encoded targets of the rows trained on; the answer is taken from them.
    Y_held : ndarray of shape (n_held, n_outputs) or None
        The held-out rows' targets, scored as ``"validation"`` when given.
    outputs : list of dict
        The output encodings (``scale`` and ``mean`` for regression).
    classes : list of str or None
        The classes of a multiclass output.

    Returns
    -------
    dict
        ``answer`` (the class or the mean, in the table's units), and the scores of that
        answer on the training rows (``train``) and on the held-out rows (``validation``).

    Examples
    --------
    >>> Y = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])
    >>> baseline_scores("multiclass", Y, None, [{"name": "kind"}], ["cat", "dog"])
    {'answer': 'dog', 'train': {'accuracy': 0.6666666666666666}}
    """
    if task == MULTICLASS:
        assert classes is not None
        k = int(Y_train.sum(axis=0).argmax())
        answer: Any = classes[k]
        guess = np.zeros(Y_train.shape[1])
        guess[k] = 1.0
    elif task == BINARY:
        guess = (Y_train.mean(axis=0) >= 0.5).astype(float)
        answer = [int(value) for value in guess]
        answer = answer[0] if len(answer) == 1 else answer
    else:
        guess = Y_train.mean(axis=0)
        scale = np.array([spec["scale"] for spec in outputs])
        mean = np.array([spec["mean"] for spec in outputs])
        values = (guess * scale + mean).tolist()
        answer = values[0] if len(values) == 1 else values
    result: dict[str, Any] = {"answer": answer}
    for name, Y in (("train", Y_train), ("validation", Y_held)):
        if Y is not None and Y.shape[0]:
            P = np.broadcast_to(guess, Y.shape)
            result[name] = score(task, P, Y, outputs)
    return result


class ScoreSums:
    """The scores of ``score(..., confusion=True)`` gathered piece by piece, for big tables.

    Counts and sums are kept, not rows, so any number of pieces costs the same memory; the
    spread of each regression output merges as Chan, Golub and LeVeque's pairwise update
    does. Over one piece the figures are ``score``'s.

    Examples
    --------
    >>> Y = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])
    >>> P = np.array([[0.9, 0.1], [0.6, 0.4], [0.2, 0.8]])
    >>> sums = ScoreSums("multiclass", [{"name": "kind"}])
    >>> sums.add(P[:2], Y[:2]); sums.add(P[2:], Y[2:])
    >>> sums.result()
    {'accuracy': 0.6666666666666666, 'confusion': [[1, 0], [1, 1]]}
    """

    def __init__(self, task: str, outputs: list[dict[str, Any]]) -> None:
        self.task = task
        self.outputs = outputs
        self.rows = 0
        self.correct = 0
        self.confusion: Any = None
        k = len(outputs)
        self.squared = np.zeros(k)  # Σ error², table units
        self.absolute = np.zeros(k)  # Σ |error|
        self.mean = np.zeros(k)  # of the truth, for its spread
        self.spread = np.zeros(k)  # Σ (truth - mean)²

    def add(self, P: Array, Y: Array) -> None:
        """Count one piece's outputs ``P`` against its encoded targets ``Y``, both (n, k)."""
        n = Y.shape[0]
        if n == 0:
            return
        if self.task == REGRESSION_TASK:
            self._add_regression(P, Y)
        else:
            piece = score(self.task, P, Y, self.outputs, confusion=True)
            self.correct += round(piece["accuracy"] * n)
            matrices = np.array(piece["confusion"])
            self.confusion = matrices if self.confusion is None else self.confusion + matrices
        self.rows += n

    def _add_regression(self, P: Array, Y: Array) -> None:
        scale = np.array([spec["scale"] for spec in self.outputs])
        truth, error = Y * scale, (P - Y) * scale  # (n, k), table units less the shift
        self.squared += (error**2).sum(axis=0)
        self.absolute += np.abs(error).sum(axis=0)
        n_before, n = self.rows, Y.shape[0]
        mean = truth.mean(axis=0)
        spread = ((truth - mean) ** 2).sum(axis=0)
        total = n_before + n
        delta = mean - self.mean
        self.spread = self.spread + spread + delta**2 * n_before * n / total
        self.mean = self.mean + delta * n / total

    def result(self) -> dict[str, Any]:
        """The scores so far: as ``score`` gives them over every piece at once."""
        if self.task != REGRESSION_TASK:
            result: dict[str, Any] = {"accuracy": self.correct / self.rows if self.rows else 0.0}
            if self.confusion is not None:
                result["confusion"] = self.confusion.tolist()
            return result
        per_output = []
        for k, spec in enumerate(self.outputs):
            spread = float(self.spread[k])
            r2 = 1.0 - float(self.squared[k]) / spread if spread > 0 else 0.0
            per_output.append(
                {
                    "name": spec["name"],
                    "r2": r2,
                    "mae": float(self.absolute[k]) / self.rows,
                    "mse": float(self.squared[k]) / self.rows,
                }
            )
        result = {
            key: float(np.mean([entry[key] for entry in per_output]))
            for key in ("r2", "mae", "mse")
        }
        result["per_output"] = per_output
        return result
