"""Our own plain-NumPy restatement of every run recorded in classics.json.

Each run_<name>() recomputes one entry from the algorithm alone (bias-free dense layers,
gradient descent on half the summed squared error, legacy-seeded uniform weights) and
returns a dict shaped like that entry's "results", so tests can compare them directly.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

JSON_PATH = Path(__file__).with_name("classics.json")

# The four-row toy sets. Row order matters: it fixes the order of every sum over examples.
SEED_X = [[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 1]]
SEED_Y = [[0], [1], [1], [0]]
TRASK_X = [[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]]
TRASK_Y_COPY_FIRST = [[0], [0], [1], [1]]
TRASK_Y_XOR = [[0], [1], [1], [0]]
HARPER_X = [[0, 0, 1], [0, 1, 1], [1, 0, 1], [0, 1, 0], [1, 0, 0], [1, 1, 1], [0, 0, 0]]
HARPER_Y = [[0], [1], [1], [1], [1], [0], [0]]
STREETLIGHTS_X = [[1, 0, 1], [0, 1, 1], [0, 0, 1], [1, 1, 1]]
STREETLIGHTS_Y = [[1], [1], [0], [0]]
STREETLIGHTS6_X = [[1, 0, 1], [0, 1, 1], [0, 0, 1], [1, 1, 1], [0, 1, 1], [1, 0, 1]]
STREETLIGHTS6_Y = [[0], [1], [0], [1], [1], [0]]
TRASK_ALPHAS = [0.001, 0.01, 0.1, 1, 10, 100, 1000]


def load_classics(path: Path = JSON_PATH) -> dict[str, dict[str, Any]]:
    """Read ``classics.json`` and index its entries by name.

    Parameters
    ----------
    path : pathlib.Path, optional
        The JSON file; defaults to the one next to this module.

    Returns
    -------
    dict of str to dict
        Each entry of the file's ``entries`` list, keyed by its ``name``.
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    return {entry["name"]: entry for entry in data["entries"]}


def legacy_uniform(seed: int, shapes: Sequence[tuple[int, int]]) -> list[Array]:
    """Draw ``2·U[0, 1) − 1`` weight matrices, one per shape, in order, from one legacy stream.

    ``np.random.RandomState(seed).random(shape)`` yields the same numbers as
    ``np.random.seed(seed); np.random.random(shape)``, without touching the global state.

    Parameters
    ----------
    seed : int
        The seed the tutorial passes to ``np.random.seed``.
    shapes : sequence of (int, int)
        ``(n_in, n_out)`` of each layer, input side first.

    Returns
    -------
    list of numpy.ndarray
        Fresh float64 matrices, uniform on [−1, 1).
    """
    stream = np.random.RandomState(seed)
    return [2 * stream.random(shape) - 1 for shape in shapes]


def sigmoid(z: Array) -> Array:
    """Return the logistic function ``1 / (1 + e^(−z))`` elementwise."""
    return 1 / (1 + np.exp(-z))


def train_sigmoid_full_batch(
    X: Array,
    y: Array,
    weights: list[Array],
    alpha: float,
    epochs: int,
    checkpoint_every: int | None = None,
) -> tuple[list[Array], list[list[float]], Array]:
    """Full-batch gradient descent on ½·Σ(y − ŷ)² for a bias-free stack of sigmoid layers.

    Each step runs the forward pass on all rows, forms the output delta
    ``(ŷ − y) · (ŷ · (1 − ŷ))``, carries it back through the *current* weights, and only
    then applies ``W ← W − alpha · A_prev.T @ delta`` to every layer.

    Parameters
    ----------
    X, y : numpy.ndarray
        Inputs (n, n_in) and targets (n, n_out), float64.
    weights : list of numpy.ndarray
        Starting matrices, input side first; updated in place and returned.
    alpha : float
        The learning rate.
    epochs : int
        Number of steps (one step per epoch: the whole set is one batch).
    checkpoint_every : int, optional
        If given, record ``mean |ŷ − y|`` before the update of every step ``k`` with
        ``k % checkpoint_every == 0``, i.e. the error after ``k`` updates.

    Returns
    -------
    weights : list of numpy.ndarray
        The trained matrices.
    checkpoints : list of [int, float]
        ``[k, mean |ŷ − y|]`` pairs, empty without ``checkpoint_every``.
    last_output : numpy.ndarray
        ŷ from the final forward pass, i.e. computed *before* the last update.
    """
    checkpoints: list[list[float]] = []
    output = np.empty_like(y)
    for step in range(epochs):
        activations = [X]
        for W in weights:
            activations.append(sigmoid(activations[-1] @ W))
        output = activations[-1]
        error = output - y
        if checkpoint_every is not None and step % checkpoint_every == 0:
            checkpoints.append([step, float(np.mean(np.abs(error)))])
        delta = error * (output * (1 - output))
        gradients: list[Array] = [np.empty(0)] * len(weights)
        for layer in reversed(range(len(weights))):
            below = activations[layer]
            gradients[layer] = below.T @ delta
            if layer > 0:
                delta = (delta @ weights[layer].T) * (below * (1 - below))
        for W, gradient in zip(weights, gradients, strict=True):
            W -= alpha * gradient
    return weights, checkpoints, output


def _as_float(rows: Sequence[Sequence[float]]) -> Array:
    return np.array(rows, dtype=np.float64)


def _lists(matrices: Sequence[Array]) -> list[Any]:
    return [m.tolist() for m in matrices]


def run_seed_single_neuron() -> dict[str, Any]:
    """Seed tutorial / Harper's single neuron: 3→1 sigmoid, alpha 1, 10 000 full-batch steps.

    Returns
    -------
    dict
        ``initial_weights``, ``final_weights`` and ``prediction_1_0_0`` (ŷ for [1, 0, 0]).
    """
    start = legacy_uniform(1, [(3, 1)])
    weights, _, _ = train_sigmoid_full_batch(
        _as_float(SEED_X), _as_float(SEED_Y), [w.copy() for w in start], 1.0, 10_000
    )
    prediction = sigmoid(_as_float([[1, 0, 0]]) @ weights[0])
    return {
        "initial_weights": _lists(start),
        "final_weights": _lists(weights),
        "prediction_1_0_0": float(prediction[0, 0]),
    }


def run_trask_2layer() -> dict[str, Any]:
    """Trask part 1, "2 layer" net: 3→1 sigmoid, target = first input, 10 000 steps.

    Returns
    -------
    dict
        ``initial_weights``, ``final_weights`` and ``output_after_training``: ŷ of the last
        forward pass, which the tutorial prints and which precedes the last update.
    """
    start = legacy_uniform(1, [(3, 1)])
    weights, _, last = train_sigmoid_full_batch(
        _as_float(TRASK_X), _as_float(TRASK_Y_COPY_FIRST), [w.copy() for w in start], 1.0, 10_000
    )
    return {
        "initial_weights": _lists(start),
        "final_weights": _lists(weights),
        "output_after_training": last[:, 0].tolist(),
    }


def run_trask_3layer() -> dict[str, Any]:
    """Trask part 1, "3 layer" net: 3→4→1 sigmoid on XOR, alpha 1, 60 000 steps.

    Returns
    -------
    dict
        ``initial_weights``, ``final_weights`` and ``checkpoint_errors`` (mean |y − ŷ| after
        0, 10 000, …, 50 000 updates).
    """
    start = legacy_uniform(1, [(3, 4), (4, 1)])
    weights, checkpoints, _ = train_sigmoid_full_batch(
        _as_float(TRASK_X), _as_float(TRASK_Y_XOR), [w.copy() for w in start], 1.0, 60_000, 10_000
    )
    return {
        "initial_weights": _lists(start),
        "final_weights": _lists(weights),
        "checkpoint_errors": checkpoints,
    }


def _trask_alphas(hidden: int) -> dict[str, Any]:
    start = legacy_uniform(1, [(3, hidden), (hidden, 1)])
    runs = []
    for alpha in TRASK_ALPHAS:
        weights, checkpoints, _ = train_sigmoid_full_batch(
            _as_float(TRASK_X),
            _as_float(TRASK_Y_XOR),
            [w.copy() for w in start],
            float(alpha),
            60_000,
            10_000,
        )
        runs.append(
            {"alpha": alpha, "final_weights": _lists(weights), "checkpoint_errors": checkpoints}
        )
    return {"initial_weights": _lists(start), "runs": runs}


def run_trask_alphas_h4() -> dict[str, Any]:
    """Trask part 2: the 3→4→1 XOR net retrained (same seed) for each alpha in TRASK_ALPHAS.

    Returns
    -------
    dict
        ``initial_weights`` (shared) and ``runs``: per alpha, ``final_weights`` and
        ``checkpoint_errors`` as in :func:`run_trask_3layer`.
    """
    return _trask_alphas(4)


def run_trask_alphas_h32() -> dict[str, Any]:
    """Trask part 2, "hiddenSize = 32": as :func:`run_trask_alphas_h4` with 32 hidden units.

    Returns
    -------
    dict
        ``initial_weights`` (shared) and per-alpha ``runs``.
    """
    return _trask_alphas(32)


def run_harper_multilayer() -> dict[str, Any]:
    """Harper's multi-layer net: 3→4→1 sigmoid on 7 rows, alpha 1, 60 000 steps.

    Returns
    -------
    dict
        ``initial_weights``, ``final_weights``, and for the new input [1, 1, 0] the
        hidden activations ``hidden_1_1_0`` and the output ``prediction_1_1_0``.
    """
    start = legacy_uniform(1, [(3, 4), (4, 1)])
    weights, _, _ = train_sigmoid_full_batch(
        _as_float(HARPER_X), _as_float(HARPER_Y), [w.copy() for w in start], 1.0, 60_000
    )
    hidden = sigmoid(_as_float([[1, 1, 0]]) @ weights[0])
    output = sigmoid(hidden @ weights[1])
    return {
        "initial_weights": _lists(start),
        "final_weights": _lists(weights),
        "hidden_1_1_0": hidden[0].tolist(),
        "prediction_1_1_0": float(output[0, 0]),
    }


def run_grokking_ch6_deep() -> dict[str, Any]:
    """Grokking ch. 6: 3→4 ReLU→1 identity, one example per update, alpha 0.2, 60 epochs.

    Examples are visited in row order, never shuffled. The epoch error is Σ(ŷ − y)² (no ½)
    summed as the epoch goes, each term taken just before that example's own update.

    Returns
    -------
    dict
        ``initial_weights``, ``final_weights`` and ``epoch_errors`` (``[epoch, error]`` for
        epochs 9, 19, …, 59, counted from 0).
    """
    start = legacy_uniform(1, [(3, 4), (4, 1)])
    W1, W2 = (w.copy() for w in start)
    X, Y = _as_float(STREETLIGHTS_X), _as_float(STREETLIGHTS_Y)
    errors = []
    for epoch in range(60):
        total = 0.0
        for i in range(len(X)):
            x, target = X[i : i + 1], Y[i : i + 1]
            hidden = np.maximum(x @ W1, 0.0)
            output = hidden @ W2
            total += float(np.sum((output - target) ** 2))
            delta_out = output - target
            delta_hidden = (delta_out @ W2.T) * (hidden > 0)
            W2 -= 0.2 * (hidden.T @ delta_out)
            W1 -= 0.2 * (x.T @ delta_hidden)
        if epoch % 10 == 9:
            errors.append([epoch, total])
    return {
        "initial_weights": _lists(start),
        "final_weights": _lists([W1, W2]),
        "epoch_errors": errors,
    }


def run_grokking_ch6_linear() -> dict[str, Any]:
    """Grokking ch. 6: one linear 3→1 unit, fixed start, one example per update, 40 epochs.

    Returns
    -------
    dict
        ``initial_weights``, ``final_weights`` (as (3, 1) matrices), ``predictions`` (ŷ of
        every example just before its update, 240 in all) and ``epoch_errors`` (Σ(y − ŷ)²
        per epoch, taken the same way).
    """
    start = _as_float([[0.5], [0.48], [-0.7]])
    W = start.copy()
    X, Y = _as_float(STREETLIGHTS6_X), _as_float(STREETLIGHTS6_Y)
    predictions, errors = [], []
    for _ in range(40):
        total = 0.0
        for i in range(len(X)):
            x, target = X[i : i + 1], Y[i : i + 1]
            output = x @ W
            total += float(np.sum((output - target) ** 2))
            predictions.append(float(output[0, 0]))
            W -= 0.1 * (x.T @ (output - target))
        errors.append(total)
    return {
        "initial_weights": _lists([start]),
        "final_weights": _lists([W]),
        "predictions": predictions,
        "epoch_errors": errors,
    }


def checkpoint_error_spread(hidden: int, alpha: float, trials: int = 8, seed: int = 0) -> float:
    """How far 1-ulp nudges of the starting weights move a Trask part 2 run's checkpoint errors.

    Each trial nudges one starting weight (a random one, up or down) to the next float and
    reruns :func:`train_sigmoid_full_batch`; the result is the largest relative difference of
    any checkpoint error from the un-nudged run's. ``checkpoint_error_spread(32, 10)`` is the
    measurement behind the tolerance of the chaotic run ``trask_alphas_h32`` at alpha 10.

    Parameters
    ----------
    hidden : int
        Hidden units (4 or 32).
    alpha : float
        The learning rate.
    trials : int, optional
        Nudged runs.
    seed : int, optional
        Chooses the nudged weights.

    Returns
    -------
    float
    """
    start = legacy_uniform(1, [(3, hidden), (hidden, 1)])
    X, Y = _as_float(TRASK_X), _as_float(TRASK_Y_XOR)

    def errors(weights: list[Array]) -> Array:
        with np.errstate(over="ignore"):
            _, checkpoints, _ = train_sigmoid_full_batch(X, Y, weights, alpha, 60_000, 10_000)
        return np.array(checkpoints)[:, 1]

    base = errors([w.copy() for w in start])
    rng = np.random.default_rng(seed)
    spread = 0.0
    for _ in range(trials):
        weights = [w.copy() for w in start]
        layer = weights[int(rng.integers(2))]
        index = tuple(int(rng.integers(size)) for size in layer.shape)
        layer[index] = np.nextafter(layer[index], np.inf if rng.random() < 0.5 else -np.inf)
        spread = max(spread, float(np.max(np.abs(errors(weights) - base) / base)))
    return spread


RUNS = {
    "seed_single_neuron": run_seed_single_neuron,
    "trask_2layer": run_trask_2layer,
    "trask_3layer": run_trask_3layer,
    "trask_alphas_h4": run_trask_alphas_h4,
    "trask_alphas_h32": run_trask_alphas_h32,
    "harper_multilayer": run_harper_multilayer,
    "grokking_ch6_deep": run_grokking_ch6_deep,
    "grokking_ch6_linear": run_grokking_ch6_linear,
}


def _paired(a: Any, b: Any) -> list[tuple[float, float]]:
    if isinstance(a, dict) and isinstance(b, dict):
        if not set(a) <= set(b):
            raise ValueError(f"missing keys: {sorted(set(a) - set(b))}")
        return [pair for key in a for pair in _paired(a[key], b[key])]
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        if len(a) != len(b):
            raise ValueError(f"lengths differ: {len(a)} vs {len(b)}")
        return [pair for x, y in zip(a, b, strict=True) for pair in _paired(x, y)]
    if isinstance(a, dict | list | tuple) or isinstance(b, dict | list | tuple):
        raise ValueError("the two values are nested differently")
    return [(float(a), float(b))]


def max_relative_difference(a: Any, b: Any) -> float:
    """Largest ``|a − b| / max(|b|, 1e-300)`` over two equally nested values.

    Parameters
    ----------
    a, b : float, or nested lists and dicts of floats
        Typically ``run_<name>()`` and the entry's ``results``. Lists must match in length
        (ragged is fine); dicts are compared on the keys of ``a``, which ``b`` must have.

    Returns
    -------
    float
        0.0 when every pair is identical.

    Raises
    ------
    ValueError
        If the nestings differ or ``b`` lacks a key of ``a``.
    """
    pairs = _paired(a, b)
    if not pairs:
        return 0.0
    x, y = np.array(pairs).T
    return float(np.max(np.abs(x - y) / np.maximum(np.abs(y), 1e-300)))
