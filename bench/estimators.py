"""GlassClassifier beside MLPClassifier on scikit-learn's bundled data, over stratified splits.

For each data set (breast cancer, wine, digits) and split k, a stratified quarter of the rows is
held out (``train_test_split(..., stratify=y, random_state=k)``); a StandardScaler then each
estimator, with the same hidden layers, ``max_iter`` and ``random_state=0`` and every other
parameter at its default, learns from the rest. The figure is the accuracy on the held-out
quarter. Results go to bench/results/estimators.json; ``python -m bench.report --kind estimators
FILE`` makes the table of bench/RESULTS.md and the README from them.

    python -m bench.estimators [--splits N] [--hidden 32] [--max-iter 500] [--out FILE]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits, load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from bench import common

LOADERS = {"breast_cancer": load_breast_cancer, "wine": load_wine, "digits": load_digits}
TITLES = {"breast_cancer": "breast cancer", "wine": "wine", "digits": "digits"}
DEFAULT_OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "estimators.json")


def accuracies(
    name: str, split: int, hidden: tuple[int, ...], max_iter: int
) -> tuple[float, float]:
    """GlassClassifier's and MLPClassifier's accuracy on the test quarter of ``split``."""
    from glassnet.sklearn import GlassClassifier

    X, y = LOADERS[name](return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=split
    )
    scores = []
    for estimator in (GlassClassifier, MLPClassifier):
        model = make_pipeline(
            StandardScaler(),
            estimator(hidden_layer_sizes=hidden, max_iter=max_iter, random_state=0),
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X_train, y_train)
        scores.append(float(model.score(X_test, y_test)))
    return scores[0], scores[1]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the comparison, print the table and write the JSON report."""
    parser = argparse.ArgumentParser(prog="python -m bench.estimators", description=__doc__)
    parser.add_argument("--splits", type=int, default=10, help="stratified splits (from 0)")
    parser.add_argument("--hidden", default="32", help="hidden layer sizes, comma-separated")
    parser.add_argument("--max-iter", type=int, default=500, help="most epochs")
    parser.add_argument("--out", default=DEFAULT_OUT, help="JSON file to write")
    args = parser.parse_args(argv)
    try:
        hidden = tuple(int(size) for size in args.hidden.split(","))
    except ValueError:
        parser.error(f"--hidden takes whole numbers separated by commas, got {args.hidden!r}")
    if args.splits < 1 or args.max_iter < 1 or min(hidden) < 1:
        parser.error("--splits, --max-iter and every hidden layer size must be at least 1")
    report: dict[str, Any] = {
        "kind": "estimators",
        "command": " ".join(
            ["python -m bench.estimators", *(sys.argv[1:] if argv is None else argv)]
        ),
        "machine": common.machine_info(),
        "settings": {"splits": args.splits, "hidden": list(hidden), "max_iter": args.max_iter},
        "data": {},
    }
    for name, load in LOADERS.items():
        start = time.perf_counter()
        X, y = load(return_X_y=True)
        pairs = [accuracies(name, split, hidden, args.max_iter) for split in range(args.splits)]
        report["data"][name] = {
            "title": TITLES[name],
            "rows": X.shape[0],
            "classes": len(np.unique(y)),
            "glassnet": [ours for ours, _ in pairs],
            "sklearn": [theirs for _, theirs in pairs],
        }
        print(f"{name}: {time.perf_counter() - start:.1f} s", file=sys.stderr)
    report["load_average_after"] = list(os.getloadavg())
    common.write_json(args.out, report)
    from bench.report import ROOT, estimators

    print(estimators({**report, "path": os.path.relpath(args.out, ROOT)}))
    print(f"\nwrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
