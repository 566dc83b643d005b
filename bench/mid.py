"""mid: MNIST-shaped synthetic data, a 784-128-10 ReLU network, one epoch of mini-batch SGD.

The data: 60,000 rows of 784 float32 "pixels" in [0, 1) and 10 classes from a fixed linear rule
(learnable, not noise). Every contender: softmax + cross-entropy, batch 128, shuffled, SGD with
lr 0.1 and no momentum, one epoch, in float32 and in float64. Figures: seconds per epoch;
GFLOP/s; and glassnet's rate as a share of "GEMM only": the matrix products of every batch and
nothing else. Every contender computes five products per batch: each layer's forward product and
weight gradient, and the hidden layer's input gradient (nobody needs the gradient of the data
itself), so an epoch is 2 × samples × (2·784·128 + 3·128·10) flops. "GEMM + gathers" adds the one
other thing a shuffled epoch cannot skip: copying each batch's rows out of the data (random rows
of a 188 MB array, so bound by memory).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from bench.common import Result, alternate, seconds

N_FEATURES, N_HIDDEN, N_CLASSES, BATCH, LR = 784, 128, 10, 128, 0.1
# Multiply-adds per sample: both layers forward and for their weight gradients, the output layer
# once more for the hidden layer's input gradient. Two flops each.
FLOP_PER_SAMPLE = 2 * (2 * N_FEATURES * N_HIDDEN + 3 * N_HIDDEN * N_CLASSES)


def make_data(n_samples: int = 60_000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Return X (n, 784) float32 and integer labels y (n,), built in chunks (no float64 copy)."""
    rng = np.random.default_rng(seed)
    rule = rng.standard_normal((N_FEATURES, N_CLASSES)).astype(np.float32)
    X = np.empty((n_samples, N_FEATURES), dtype=np.float32)
    y = np.empty(n_samples, dtype=np.int64)
    for start in range(0, n_samples, 8192):
        chunk = X[start : start + 8192]
        rng.random(chunk.shape, dtype=np.float32, out=chunk)
        y[start : start + 8192] = np.argmax((chunk - 0.5) @ rule, axis=1)
    return X, y


def glassnet_network(dtype: str) -> Any:
    """The mid network in glassnet: 784-128-10, ReLU, softmax + cross-entropy, SGD."""
    import glassnet as gn

    return gn.Network(
        [
            gn.Dense(N_FEATURES, N_HIDDEN, activation="relu"),
            gn.Dense(N_HIDDEN, N_CLASSES, activation="softmax"),
        ],
        loss="categorical_crossentropy",
        optimizer=gn.SGD(lr=LR),
        rng=0,
        dtype=dtype,
    )


def glassnet_epoch(X: np.ndarray, y: np.ndarray, dtype: str) -> Callable[[], float]:
    def run() -> float:
        net = glassnet_network(dtype)
        return seconds(lambda: net.fit(X, y, epochs=1, batch_size=BATCH, shuffle=True))

    return run


def torch_epoch(X: np.ndarray, y: np.ndarray, dtype: str) -> Callable[[], float]:
    import torch

    torch_dtype = torch.float32 if dtype == "float32" else torch.float64
    X_t = torch.from_numpy(X).to(torch_dtype)  # the float64 copy is made once, outside the timing
    y_t = torch.from_numpy(y)

    def run() -> float:
        torch.manual_seed(0)
        model = torch.nn.Sequential(
            torch.nn.Linear(N_FEATURES, N_HIDDEN),
            torch.nn.ReLU(),
            torch.nn.Linear(N_HIDDEN, N_CLASSES),
        ).to(torch_dtype)
        optimizer = torch.optim.SGD(model.parameters(), lr=LR)
        loss_function = torch.nn.CrossEntropyLoss()

        def epoch() -> None:
            order = torch.randperm(len(X_t))
            for start in range(0, len(X_t), BATCH):
                rows = order[start : start + BATCH]
                optimizer.zero_grad()
                loss_function(model(X_t[rows]), y_t[rows]).backward()
                optimizer.step()

        return seconds(epoch)

    return run


def sklearn_epoch(X: np.ndarray, y: np.ndarray, dtype: str) -> Callable[[], float]:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    data = X if dtype == "float32" else X.astype(np.float64)

    def run() -> float:
        model = MLPClassifier(
            hidden_layer_sizes=(N_HIDDEN,),
            activation="relu",
            solver="sgd",
            batch_size=BATCH,
            learning_rate_init=LR,
            momentum=0.0,
            nesterovs_momentum=False,
            alpha=0.0,
            max_iter=1,
            shuffle=True,
            random_state=0,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return seconds(lambda: model.fit(data, y))

    return run


def gemm_only(X: np.ndarray, dtype: str, gather: bool = False) -> Callable[[], float]:
    """The five matrix products of every batch; with ``gather``, also each batch's rows."""
    rng = np.random.default_rng(1)
    W1 = rng.standard_normal((N_FEATURES, N_HIDDEN)).astype(dtype)
    W2 = rng.standard_normal((N_HIDDEN, N_CLASSES)).astype(dtype)
    X_batch = np.ascontiguousarray(X[:BATCH], dtype=dtype)
    Z1 = np.empty((BATCH, N_HIDDEN), dtype)
    Z2 = np.empty((BATCH, N_CLASSES), dtype)
    dW1, dW2 = np.empty_like(W1), np.empty_like(W2)
    dA1 = np.empty_like(Z1)
    n_batches = -(-len(X) // BATCH)
    rng = np.random.default_rng(2)

    def run() -> float:
        order = rng.permutation(len(X))

        def products_of_every_batch() -> None:
            for batch in range(n_batches):
                if gather:
                    rows = order[min(batch * BATCH, len(X) - BATCH) :][:BATCH]
                    if X.dtype == X_batch.dtype:
                        np.take(X, rows, axis=0, out=X_batch, mode="wrap")
                    else:  # float64 widens the float32 data a batch at a time, as glassnet does
                        np.copyto(X_batch, X[rows])
                np.dot(X_batch, W1, Z1)
                np.dot(Z1, W2, Z2)
                np.dot(Z1.T, Z2, dW2)
                np.dot(Z2, W2.T, dA1)
                np.dot(X_batch.T, dA1, dW1)

        return seconds(products_of_every_batch)

    return run


def run(
    repeats: int,
    n_samples: int = 60_000,
    dtypes: tuple[str, ...] = ("float32", "float64"),
    **_: Any,
) -> list[Result]:
    """One Result per dtype; seconds per epoch, plus GFLOP/s and the share of GEMM-only."""
    X, y = make_data(n_samples)
    results = []
    for dtype in dtypes:
        contenders = {
            "glassnet fit": glassnet_epoch(X, y, dtype),
            "torch autograd+SGD": torch_epoch(X, y, dtype),
            "sklearn MLPClassifier": sklearn_epoch(X, y, dtype),
            "GEMM only (5 products)": gemm_only(X, dtype),
            "GEMM + gathers (5 products)": gemm_only(X, dtype, gather=True),
        }
        result = Result(f"mid {dtype}", "s per epoch")
        result.samples = alternate(contenders, repeats)
        flop = FLOP_PER_SAMPLE * n_samples
        gflops = {name: flop / result.median(name) / 1e9 for name in result.samples}
        result.extra.update(
            dtype=dtype,
            n_samples=n_samples,
            flop_per_epoch=flop,
            gflops=gflops,
            share_of_gemm_rate=result.median("GEMM only (5 products)")
            / result.median("glassnet fit"),
        )
        results.append(result)
    return results
