"""ensemble: K copies of the tutorial's neuron, each from its own seed, trained at once.

Figure: ns per network-step (one network's one training step). Contenders: ``gn.Ensemble``; K
separate glassnet fits (timed on up to 20 of them: the figure is per network); the ten-line
program batched by hand in NumPy (weights (3, K)); the same batched in PyTorch; ``gn.Ensemble``,
the NumPy sketch and the PyTorch version again in float32, where NumPy's ``exp`` is vectorized;
and, as a floor, "exp alone": only the 4·K exponentials a step needs, one NumPy call per step,
which no NumPy implementation of the step can undercut. The report keeps the largest relative
difference between the weights ``gn.Ensemble`` and the NumPy sketch end with, in float64.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from bench.common import Result, alternate, seconds
from bench.tiny import INPUTS, OUTPUTS, largest_difference


def _epochs(K: int, budget: int) -> int:
    return max(20, budget // K)  # about ``budget`` network-steps per timed run


def glassnet_ensemble(
    K: int, epochs: int, dtype: str = "float64", finals: dict[str, np.ndarray] | None = None
) -> Callable[[], float]:
    import glassnet as gn

    X, y = np.array(INPUTS), np.array(OUTPUTS).T

    def run() -> float:
        ensemble = gn.Ensemble(
            [gn.Dense(3, 1, activation="sigmoid", bias=False)],
            seeds=[np.random.RandomState(s) for s in range(K)],  # fresh: every run starts alike
            loss="sse",
            optimizer=gn.SGD(lr=1.0),
            init="uniform",
            dtype=dtype,
        )
        elapsed = seconds(lambda: ensemble.fit(X, y, epochs=epochs))
        if finals is not None:
            finals["glassnet Ensemble"] = ensemble.weights[0][:, :, 0].T  # (3, K)
        return elapsed / (epochs * K) * 1e9

    return run


def separate_fits(K: int, epochs: int) -> Callable[[], float]:
    import glassnet as gn

    X, y = np.array(INPUTS), np.array(OUTPUTS).T
    sampled = min(K, 20)

    def run() -> float:
        nets = [
            gn.Network(
                [gn.Dense(3, 1, activation="sigmoid", bias=False)],
                loss="sse",
                optimizer=gn.SGD(lr=1.0),
                init="uniform",
                rng=np.random.RandomState(s),
            )
            for s in range(sampled)
        ]

        def fits() -> None:
            for net in nets:
                net.fit(X, y, epochs=epochs)

        return seconds(fits) / (epochs * sampled) * 1e9

    return run


def numpy_batched(
    K: int, epochs: int, dtype: str = "float64", finals: dict[str, np.ndarray] | None = None
) -> Callable[[], float]:
    X, y = np.array(INPUTS, dtype=dtype), np.array(OUTPUTS, dtype=dtype).T

    def run() -> float:
        W = np.hstack([2 * np.random.RandomState(s).random((3, 1)) - 1 for s in range(K)])
        W = W.astype(dtype)

        def loop() -> None:
            nonlocal W
            for _ in range(epochs):
                output = 1 / (1 + np.exp(-(X @ W)))  # (4, K)
                W += X.T @ ((y - output) * output * (1 - output))

        elapsed = seconds(loop)
        if finals is not None:
            finals["numpy batched sketch"] = W
        return elapsed / (epochs * K) * 1e9

    return run


def exp_alone(K: int, epochs: int, dtype: str = "float64") -> Callable[[], float]:
    """The floor: a step's 4·K exponentials (of the first step's weighted sums), nothing else."""
    X = np.array(INPUTS, dtype=dtype)

    def run() -> float:
        W = np.hstack([2 * np.random.RandomState(s).random((3, 1)) - 1 for s in range(K)])
        Z = -(X @ W.astype(dtype))  # (4, K)
        out = np.empty_like(Z)

        def loop() -> None:
            for _ in range(epochs):
                np.exp(Z, out=out)

        return seconds(loop) / (epochs * K) * 1e9

    return run


def torch_batched(K: int, epochs: int, dtype: str = "float64") -> Callable[[], float]:
    import torch

    tdtype = getattr(torch, dtype)

    def run() -> float:
        X = torch.tensor(INPUTS, dtype=tdtype)
        y = torch.tensor(OUTPUTS, dtype=tdtype).T
        W = torch.from_numpy(
            np.hstack([2 * np.random.RandomState(s).random((3, 1)) - 1 for s in range(K)])
        ).to(tdtype)

        def loop() -> None:
            with torch.no_grad():
                for _ in range(epochs):
                    output = torch.sigmoid(X @ W)
                    W.add_(X.T @ ((y - output) * output * (1 - output)))

        return seconds(loop) / (epochs * K) * 1e9

    return run


def run(
    repeats: int,
    sizes: tuple[int, ...] = (1, 10, 100, 1000, 10_000),
    budget: int = 200_000,
    **_: Any,
) -> list[Result]:
    """One Result per K; ns per network-step."""
    results = []
    for K in sizes:
        epochs = _epochs(K, budget)
        finals: dict[str, np.ndarray] = {}
        contenders = {
            "glassnet Ensemble": glassnet_ensemble(K, epochs, finals=finals),
            "separate glassnet fits": separate_fits(K, min(epochs, 2000)),
            "numpy batched sketch": numpy_batched(K, epochs, finals=finals),
            "torch batched": torch_batched(K, epochs),
            "exp alone (floor)": exp_alone(K, epochs),
            "glassnet Ensemble float32": glassnet_ensemble(K, epochs, "float32"),
            "numpy batched sketch float32": numpy_batched(K, epochs, "float32"),
            "torch batched float32": torch_batched(K, epochs, "float32"),
            "exp alone float32 (floor)": exp_alone(K, epochs, "float32"),
        }
        result = Result(f"ensemble K={K}", "ns per network-step")
        result.samples = alternate(contenders, repeats)
        result.extra.update(K=K, epochs=epochs)
        result.extra["largest_relative_difference"] = largest_difference(
            finals, "numpy batched sketch"
        )
        results.append(result)
    return results
