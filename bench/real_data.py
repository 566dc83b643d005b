"""Compare glassnet's table model with scikit-learn's MLPs on bundled data, over many splits.

For each data set and split seed, a fifth of the rows get '?' outputs; glassnet (standard recipe,
one hidden layer of 16) and scikit-learn (StandardScaler + MLPClassifier/MLPRegressor with
hidden_layer_sizes=(16,), max_iter=2000, random_state=0) learn from the rest and answer them.
Prints a Markdown table: seed 0 (the split the tests use) and the mean over the seeds.

    python bench/real_data.py [N_SEEDS]
"""

from __future__ import annotations

import sys
import time

import numpy as np
from tests.test_real_data import LOADERS, hidden_rows, sklearn_score

from glassnet.data import parse_table


def glassnet_score(name: str, seed: int) -> float:
    from glassnet.tables.model import TableModel

    X, y = LOADERS[name](return_X_y=True)
    hidden = hidden_rows(len(y), seed)
    labels = name == "wine"
    lines = [",".join([*(f"x{j}" for j in range(1, X.shape[1] + 1)), "target"])]
    for row, value, question in zip(X, y, hidden, strict=True):
        answer = "?" if question else (f"class_{value}" if labels else repr(float(value)))
        lines.append(",".join([*(repr(float(x)) for x in row), answer]))
    table = parse_table("\n".join(lines) + "\n", name)
    model = TableModel(hidden=(16,)).fit(table)
    predicted = model.predict(table.take(np.flatnonzero(hidden).tolist()))
    truth = y[hidden]
    if name == "diabetes":
        error = predicted[:, 0] - truth
        return 1 - float(error @ error) / float(((truth - truth.mean()) ** 2).sum())
    if labels:
        assert model.classes_ is not None
        classes = [int(label.removeprefix("class_")) for label in model.classes_]
        guess = np.array([classes[k] for k in predicted.argmax(axis=1)])
    else:
        guess = predicted[:, 0] >= 0.5
    return float((guess == truth).mean())


def main() -> None:
    seeds = range(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
    print(
        "| data | metric | glassnet, seed 0 | scikit-learn, seed 0 "
        f"| glassnet, mean of {len(seeds)} | scikit-learn, mean of {len(seeds)} "
        "| glassnet >= scikit-learn |"
    )
    print("|---|---|---|---|---|---|---|")
    for name in LOADERS:
        start = time.perf_counter()
        ours = np.array([glassnet_score(name, seed) for seed in seeds])
        theirs = np.array([sklearn_score(name, seed) for seed in seeds])
        metric = "R²" if name == "diabetes" else "accuracy"
        wins = int((ours >= theirs).sum())
        print(
            f"| {name} | {metric} | {ours[0]:.4f} | {theirs[0]:.4f} | {ours.mean():.4f} "
            f"| {theirs.mean():.4f} | {wins} of {len(seeds)} |",
            flush=True,
        )
        print(f"  ({time.perf_counter() - start:.1f}s)", file=sys.stderr)


if __name__ == "__main__":
    main()
