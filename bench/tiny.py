"""tiny: the tutorial's neuron, 4×3 data, 10,000 full-batch steps. Figure: µs per training step.

Contenders: glassnet's ``fit``; the ten-line program as written (its integer arrays make NumPy
convert them to floats in every product); the same loop on float64 arrays, the plainest fast form
of the step in NumPy; PyTorch with the same manual update and with autograd +
``torch.optim.SGD``; scikit-learn's ``MLPClassifier`` in its closest configuration (no hidden
layer, logistic output, plain SGD, whole batch; its loss is log-loss). Every run of the NumPy
loops and of glassnet ends with weights that are compared: the report keeps the largest relative
difference from the float-array loop's, which must stay below 1e-12.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from bench.common import Result, alternate, seconds

INPUTS = [[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 1]]
OUTPUTS = [[0, 1, 1, 0]]
FLOAT_LOOP = "ten-line program (float arrays)"


def ten_line_program(
    steps: int, dtype: type | None = None, finals: dict[str, np.ndarray] | None = None
) -> Callable[[], float]:
    """The tutorial's loop; ``dtype=float`` gives it float arrays instead of its integer ones."""
    from numpy import array, dot, exp

    def run() -> float:
        training_set_inputs = array(INPUTS, dtype=dtype)
        training_set_outputs = array(OUTPUTS, dtype=dtype).T
        synaptic_weights = 2 * np.random.RandomState(1).random((3, 1)) - 1  # random.seed(1)

        def loop() -> None:
            nonlocal synaptic_weights
            for _iteration in range(steps):
                output = 1 / (1 + exp(-(dot(training_set_inputs, synaptic_weights))))
                synaptic_weights += dot(
                    training_set_inputs.T, (training_set_outputs - output) * output * (1 - output)
                )

        elapsed = seconds(loop)
        if finals is not None:
            finals[FLOAT_LOOP if dtype is float else "ten-line program"] = synaptic_weights
        return elapsed / steps * 1e6

    return run


def glassnet_fit(steps: int, finals: dict[str, np.ndarray] | None = None) -> Callable[[], float]:
    import glassnet as gn

    X, y = np.array(INPUTS), np.array(OUTPUTS).T

    def run() -> float:
        net = gn.Network(
            [gn.Dense(3, 1, activation="sigmoid", bias=False)],
            loss="sse",
            optimizer=gn.SGD(lr=1.0),
            init="uniform",
            rng=np.random.RandomState(1),
        )
        elapsed = seconds(lambda: net.fit(X, y, epochs=steps))
        if finals is not None:
            finals["glassnet fit"] = net.layers[0].weights
        return elapsed / steps * 1e6

    return run


def largest_difference(finals: dict[str, np.ndarray], reference: str = FLOAT_LOOP) -> float:
    """The largest relative difference of any final weight from the reference's."""
    expected = finals[reference]
    return max(
        float(np.max(np.abs(weights - expected) / np.abs(expected))) for weights in finals.values()
    )


def torch_manual(steps: int) -> Callable[[], float]:
    import torch

    def run() -> float:
        X = torch.tensor(INPUTS, dtype=torch.float64)
        y = torch.tensor(OUTPUTS, dtype=torch.float64).T
        w = torch.from_numpy(2 * np.random.RandomState(1).random((3, 1)) - 1)

        def loop() -> None:
            with torch.no_grad():
                for _ in range(steps):
                    output = 1 / (1 + torch.exp(-(X @ w)))
                    w.add_(X.T @ ((y - output) * output * (1 - output)))

        return seconds(loop) / steps * 1e6

    return run


def torch_autograd(steps: int) -> Callable[[], float]:
    import torch

    def run() -> float:
        X = torch.tensor(INPUTS, dtype=torch.float64)
        y = torch.tensor(OUTPUTS, dtype=torch.float64).T
        model = torch.nn.Linear(3, 1, bias=False).double()
        with torch.no_grad():
            model.weight.copy_(torch.from_numpy(2 * np.random.RandomState(1).random((3, 1)) - 1).T)
        optimizer = torch.optim.SGD(model.parameters(), lr=1.0)

        def loop() -> None:
            for _ in range(steps):
                optimizer.zero_grad()
                loss = 0.5 * ((torch.sigmoid(model(X)) - y) ** 2).sum()
                loss.backward()
                optimizer.step()

        return seconds(loop) / steps * 1e6

    return run


def sklearn_mlp(steps: int) -> Callable[[], float]:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    X, y = np.array(INPUTS, dtype=float), np.array(OUTPUTS[0])

    def run() -> float:
        model = MLPClassifier(
            hidden_layer_sizes=(),
            solver="sgd",
            learning_rate_init=1.0,
            momentum=0.0,
            nesterovs_momentum=False,
            alpha=0.0,
            batch_size=len(X),
            max_iter=steps,
            shuffle=False,
            tol=0.0,
            n_iter_no_change=steps + 1,
            random_state=1,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return seconds(lambda: model.fit(X, y)) / steps * 1e6

    return run


def run(repeats: int, steps: int = 10_000, **_: Any) -> Result:
    """Time every contender; µs per step, medians over ``repeats`` alternating runs."""
    finals: dict[str, np.ndarray] = {}
    contenders = {
        "glassnet fit": glassnet_fit(steps, finals),
        "ten-line program": ten_line_program(steps, finals=finals),
        FLOAT_LOOP: ten_line_program(steps, float, finals),
        "torch manual": torch_manual(steps),
        "torch autograd+SGD": torch_autograd(steps),
        "sklearn MLPClassifier": sklearn_mlp(steps),
    }
    result = Result("tiny", "µs per step")
    result.samples = alternate(contenders, repeats)
    result.extra["steps"] = steps
    # glassnet, the ten-line program and the float loop compute the same weights.
    result.extra["largest_relative_difference"] = largest_difference(finals)
    return result
