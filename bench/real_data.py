"""Compare glassnet's table model with scikit-learn's MLPs on bundled data, over many splits.

For each data set and split seed, a fifth of the rows get '?' outputs; glassnet (the standard
recipe, one hidden layer of 16, as ``glassnet solve data.csv`` chooses it) and scikit-learn
(StandardScaler + MLPClassifier/MLPRegressor with hidden_layer_sizes=(16,), max_iter=2000,
random_state=0) learn from the rest and answer them. Seed 0 is the split tests/test_real_data.py
checks. With ``--blank F`` a fraction F of the input cells (of every row) is left empty, and
scikit-learn's side puts a SimpleImputer (column means) before its scaler, while glassnet's table
model fills them in itself; should glassnet refuse a table, its side records the refusal instead
of a score.
The results are written as JSON (bench/results/real_data.json by default) and turned into the
README's table by ``python -m bench.report --kind real-data FILE``.

    python -m bench.real_data [--seeds N] [--blank F] [--out FILE]
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from sklearn.datasets import load_breast_cancer, load_diabetes, load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.metrics import r2_score
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from bench import common
from glassnet.data import parse_table
from glassnet.errors import GlassnetError

LOADERS: dict[str, Callable[..., Any]] = {
    "breast_cancer": load_breast_cancer,
    "wine": load_wine,
    "diabetes": load_diabetes,
}
TITLES = {"breast_cancer": "breast cancer", "wine": "wine", "diabetes": "diabetes"}
OUTPUTS = {"breast_cancer": "0/1", "wine": "3 labels", "diabetes": "numbers"}
DEFAULT_OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")


def hidden_rows(n_rows: int, seed: int = 0) -> np.ndarray:
    """A fifth of the rows, drawn without replacement: their outputs become '?'."""
    hidden = np.zeros(n_rows, dtype=bool)
    hidden[np.random.default_rng(seed).choice(n_rows, n_rows // 5, replace=False)] = True
    return hidden


def blanked(X: np.ndarray, fraction: float, seed: int) -> np.ndarray:
    """``X`` with a random ``fraction`` of its cells set to NaN, drawn from the split's seed."""
    if not fraction:
        return X
    X = X.astype(float, copy=True)
    rng = np.random.default_rng([seed, 1])  # independent of the split's draw
    cells = rng.choice(X.size, round(fraction * X.size), replace=False)
    X.flat[cells] = np.nan
    return X


def csv_text(X: np.ndarray, y: np.ndarray, hidden: np.ndarray, labels: bool) -> str:
    """The table as CSV: a header, inputs (NaN as an empty cell), the output or '?'."""
    lines = [",".join([*(f"x{j}" for j in range(1, X.shape[1] + 1)), "target"])]
    for row, value, question in zip(X, y, hidden, strict=True):
        answer = "?" if question else (f"class_{value}" if labels else repr(float(value)))
        inputs = ("" if np.isnan(x) else repr(float(x)) for x in row)
        lines.append(",".join([*inputs, answer]))
    return "\n".join(lines) + "\n"


def score(name: str, truth: np.ndarray, predicted: np.ndarray) -> float:
    """R² for diabetes, accuracy for the others."""
    if name == "diabetes":
        return float(r2_score(truth, predicted))
    return float((predicted == truth).mean())


@functools.cache
def sklearn_score(name: str, seed: int = 0, blank: float = 0.0) -> float:
    """scikit-learn's score on the hidden rows of split ``seed``."""
    X, y = LOADERS[name](return_X_y=True)
    X = blanked(X, blank, seed)
    hidden = hidden_rows(len(y), seed)
    known = ~hidden
    if name == "diabetes":
        estimator: Any = MLPRegressor(hidden_layer_sizes=(16,), max_iter=2000, random_state=0)
    else:
        estimator = MLPClassifier(hidden_layer_sizes=(16,), max_iter=2000, random_state=0)
    steps = [SimpleImputer(strategy="mean")] if blank else []
    model = make_pipeline(*steps, StandardScaler(), estimator)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X[known], y[known])
    return score(name, y[hidden], model.predict(X[hidden]))


def glassnet_score(name: str, seed: int = 0, blank: float = 0.0) -> float:
    """glassnet's score on the hidden rows of split ``seed`` (the standard recipe, 16 hidden).

    Raises
    ------
    GlassnetError
        When glassnet refuses the table (as it refuses empty input cells for now).
    """
    from glassnet.tables.model import TableModel

    X, y = LOADERS[name](return_X_y=True)
    hidden = hidden_rows(len(y), seed)
    labels = name == "wine"
    table = parse_table(csv_text(blanked(X, blank, seed), y, hidden, labels), f"{name}.csv")
    model = TableModel(hidden=(16,)).fit(table)
    predicted = model.predict(table.take(np.flatnonzero(hidden).tolist()))
    if name == "diabetes":
        return score(name, y[hidden], predicted[:, 0])
    if labels:
        assert model.classes_ is not None
        classes = [int(label.removeprefix("class_")) for label in model.classes_]
        return score(name, y[hidden], np.array([classes[k] for k in predicted.argmax(axis=1)]))
    return score(name, y[hidden], predicted[:, 0] >= 0.5)


def compare(name: str, seeds: Sequence[int], blank: float) -> dict[str, Any]:
    """Both sides' scores over the seeds for one data set, as the JSON records them."""
    X, _ = LOADERS[name](return_X_y=True)
    entry: dict[str, Any] = {
        "title": TITLES[name],
        "rows": X.shape[0],
        "outputs": OUTPUTS[name],
        "metric": "R²" if name == "diabetes" else "accuracy",
        "sklearn": [sklearn_score(name, seed, blank) for seed in seeds],
    }
    try:
        entry["glassnet"] = [glassnet_score(name, seed, blank) for seed in seeds]
    except GlassnetError as error:
        entry["glassnet"] = None
        entry["glassnet_refused"] = str(error)
    return entry


def main(argv: Sequence[str] | None = None) -> int:
    """Run the comparison, print the table and write the JSON report."""
    parser = argparse.ArgumentParser(prog="python -m bench.real_data", description=__doc__)
    parser.add_argument("--seeds", type=int, default=10, help="splits per data set (from 0)")
    parser.add_argument("--blank", type=float, default=0.0, help="fraction of empty input cells")
    parser.add_argument("--out", help="JSON file (default: bench/results/real_data*.json)")
    parser.add_argument("--data", default=",".join(LOADERS), help="comma-separated data sets")
    args = parser.parse_args(argv)
    names = [name.strip() for name in args.data.split(",") if name.strip()]
    if unknown := sorted(set(names) - set(LOADERS)):
        parser.error(f"unknown data set {unknown[0]!r}; choose from {', '.join(LOADERS)}")
    if not 0 <= args.blank < 1:
        parser.error(f"--blank must be at least 0 and below 1, got {args.blank}")
    if args.seeds < 1:
        parser.error(f"--seeds must be at least 1, got {args.seeds}")
    suffix = f"_blank{round(100 * args.blank)}" if args.blank else ""
    out = args.out or os.path.join(DEFAULT_OUT, f"real_data{suffix}.json")
    report: dict[str, Any] = {
        "kind": "real_data",
        "command": " ".join(
            ["python -m bench.real_data", *(sys.argv[1:] if argv is None else argv)]
        ),
        "machine": common.machine_info(),
        "settings": {"seeds": args.seeds, "blank": args.blank, "hidden": [16], "max_iter": 2000},
        "data": {},
    }
    for name in names:
        start = time.perf_counter()
        report["data"][name] = compare(name, range(args.seeds), args.blank)
        print(f"{name}: {time.perf_counter() - start:.1f} s", file=sys.stderr)
    report["load_average_after"] = list(os.getloadavg())
    common.write_json(out, report)
    from bench.report import ROOT, real_data

    print(real_data({**report, "path": os.path.relpath(out, ROOT)}))
    print(f"\nwrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
