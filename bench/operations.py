"""operations: the mid problem's training step taken apart, each operation timed on its own.

One step of glassnet's ``fit`` on the mid network (784-128-10, ReLU, softmax + cross-entropy, SGD,
batch 128, shuffled), split into the operations it runs, each called on arrays of the step's own
shapes and dtype: the batch gather (random rows of the 60,000-row data, so mostly cold in the
cache), the two products of each layer and the hidden layer's input gradient, the bias additions
and sums, ReLU forward and backward, softmax with cross-entropy (one call in glassnet), and the
SGD update of each layer. "whole step" is ``TrainingStep`` on a gathered batch, for comparison
with the sum of the parts. Figure: µs per call, the median over repeats of the mean of many calls.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from bench.common import Result, alternate, seconds
from bench.mid import BATCH, LR, N_CLASSES, glassnet_network, make_data

WHOLE_STEP = "whole step (TrainingStep)"


def _timed(call: Callable[[], object], calls: int) -> Callable[[], float]:
    def run() -> float:
        def many() -> None:
            for _ in range(calls):
                call()

        return seconds(many) / calls * 1e6

    return run


def contenders(
    X: np.ndarray, y: np.ndarray, dtype: str, calls: int
) -> dict[str, Callable[[], float]]:
    """Every operation of one step, as a timed function; arrays as the step has them."""
    import glassnet as gn
    from glassnet.nn.training_steps import TrainingStep

    net = glassnet_network(dtype)
    Y = np.eye(N_CLASSES, dtype=dtype)[y]  # (n, 10) one-hot, as fit makes it
    step = TrainingStep(net)
    rng = np.random.default_rng(0)
    X_batch, Y_batch = step.gather(X, Y, rng.permutation(len(X))[:BATCH])
    # The operations work on copies of one real step's arrays, so that neither they nor the
    # whole step disturb the other's numbers.
    spare = glassnet_network(dtype)
    spare.forward(X_batch)
    spare.backward(Y_batch)
    hidden, output = spare.layers
    Z1, A1, Z2, A2 = (array.copy() for array in (hidden.Z, hidden.A, output.Z, output.A))
    dZ2 = (A2 - Y_batch) / BATCH  # (n, 10)
    dA1 = dZ2 @ output.weights.T  # (n, 128)
    dZ1 = dA1 * (Z1 > 0)  # (n, 128)
    pairs = [(param, grad) for _, param, grad in spare.parameters()]
    sgd = gn.SGD(lr=LR)
    first_update = sgd.step_calls(pairs[:2])
    second_update = sgd.step_calls(pairs[2:])
    relu, loss = hidden.activation, spare.loss

    def gather() -> None:
        step.gather(X, Y, rng.integers(len(X), size=BATCH))

    def run_all(calls_: list[Callable[[], object]]) -> Callable[[], None]:
        def run() -> None:
            for call in calls_:
                call()

        return run

    operations: dict[str, Callable[[], object]] = {
        WHOLE_STEP: lambda: step(X_batch, Y_batch),
        "batch gather": gather,
        "layer 1 forward product": lambda: np.dot(X_batch, hidden.weights, Z1),
        "layer 1 weight gradient": lambda: np.dot(X_batch.T, dZ1, hidden.dW),
        "layer 2 forward product": lambda: np.dot(A1, output.weights, Z2),
        "layer 2 weight gradient": lambda: np.dot(A1.T, dZ2, output.dW),
        "layer 2 input gradient": lambda: np.dot(dZ2, output.weights.T, dA1),
        "bias additions": lambda: (np.add(Z1, hidden.bias, Z1), np.add(Z2, output.bias, Z2)),
        "bias sums": lambda: (
            np.add.reduce(dZ1, 0, None, hidden.db),
            np.add.reduce(dZ2, 0, None, output.db),
        ),
        "ReLU forward": lambda: relu.inplace_forward(Z1, A1),
        "ReLU backward": lambda: relu.inplace_backward(Z1, A1, dA1, dZ1),
        "softmax + cross-entropy": lambda: loss.inplace_softmax_value_and_gradient(  # type: ignore[attr-defined]
            Z2, A2, Y_batch, dZ2
        ),
        "SGD update, layer 1": run_all(first_update),
        "SGD update, layer 2": run_all(second_update),
    }
    return {name: _timed(call, calls) for name, call in operations.items()}


def run(
    repeats: int,
    n_samples: int = 60_000,
    dtypes: tuple[str, ...] = ("float32",),
    calls: int = 200,
    **_: Any,
) -> list[Result]:
    """One Result per dtype: µs per call of every operation, and the parts' total."""
    X, y = make_data(n_samples)
    results = []
    for dtype in dtypes:
        result = Result(f"operations {dtype}", "µs per call")
        result.samples = alternate(contenders(X, y, dtype, calls), repeats)
        parts = [name for name in result.samples if name != WHOLE_STEP]
        result.extra.update(
            dtype=dtype,
            batch=BATCH,
            calls=calls,
            sum_of_parts=sum(result.median(name) for name in parts),
        )
        results.append(result)
    return results
