"""Real tables: scikit-learn's bundled data with a fifth of the outputs hidden behind '?'.

``glassnet solve data.csv --hidden 16`` (and plain ``glassnet solve data.csv``, whose standard
recipe has the same hidden layer) must fill them in at least as well as scikit-learn's
MLPClassifier / MLPRegressor with one hidden layer of 16 on the same split (inputs standardized
for scikit-learn too, which is its own documented advice for MLPs).
"""

from __future__ import annotations

import functools
import json
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes, load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import r2_score
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from glassnet.cli import main

LOADERS = {"breast_cancer": load_breast_cancer, "wine": load_wine, "diabetes": load_diabetes}


def hidden_rows(n_rows: int, seed: int = 0) -> np.ndarray:
    """A fifth of the rows, drawn without replacement: their outputs become '?'."""
    hidden = np.zeros(n_rows, dtype=bool)
    hidden[np.random.default_rng(seed).choice(n_rows, n_rows // 5, replace=False)] = True
    return hidden


def write_csv(path: Path, X: np.ndarray, y: np.ndarray, hidden: np.ndarray, labels: bool) -> None:
    names = [f"x{j}" for j in range(1, X.shape[1] + 1)]
    lines = [",".join([*names, "target"])]
    for row, value, question in zip(X, y, hidden, strict=True):
        answer = "?" if question else (f"class_{value}" if labels else repr(float(value)))
        lines.append(",".join([*(repr(float(x)) for x in row), answer]))
    path.write_text("\n".join(lines) + "\n")


@functools.cache
def sklearn_score(name: str, seed: int = 0) -> float:
    X, y = LOADERS[name](return_X_y=True)
    hidden = hidden_rows(len(y), seed)
    known = ~hidden
    if name == "diabetes":
        estimator = MLPRegressor(hidden_layer_sizes=(16,), max_iter=2000, random_state=0)
    else:
        estimator = MLPClassifier(hidden_layer_sizes=(16,), max_iter=2000, random_state=0)
    model = make_pipeline(StandardScaler(), estimator)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X[known], y[known])
    predicted = model.predict(X[hidden])
    if name == "diabetes":
        return float(r2_score(y[hidden], predicted))
    return float((predicted == y[hidden]).mean())


def glassnet_score(name: str, document: dict, y: np.ndarray, hidden: np.ndarray) -> float:
    answers = document["answers"]
    assert len(answers) == hidden.sum()
    if name == "diabetes":
        predicted = np.array([entry["answer"]["target"] for entry in answers])
        return float(r2_score(y[hidden], predicted))
    if name == "wine":
        predicted = np.array([int(entry["answer"].removeprefix("class_")) for entry in answers])
    else:
        predicted = np.array([entry["probabilities"]["target"] >= 0.5 for entry in answers])
    return float((predicted == y[hidden]).mean())


@pytest.mark.parametrize("name", list(LOADERS))
@pytest.mark.parametrize("options", [["--hidden", "16"], []], ids=["hidden-16", "defaults"])
def test_real_data_at_least_as_good_as_sklearn(name, options, tmp_path, capsys):
    X, y = LOADERS[name](return_X_y=True)
    hidden = hidden_rows(len(y))
    path = tmp_path / f"{name}.csv"
    write_csv(path, X, y, hidden, labels=name == "wine")
    assert main(["solve", str(path), "--json", *options]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["settings"]["hidden"] == [16]
    assert document["task"] == {"breast_cancer": "binary", "wine": "multiclass"}.get(
        name, "regression"
    )
    ours = glassnet_score(name, document, y, hidden)
    theirs = sklearn_score(name)
    assert ours >= theirs, f"{name}: glassnet {ours:.4f} < scikit-learn {theirs:.4f}"


def test_real_data_filled_table_keeps_known_rows(tmp_path, capsys):
    X, y = load_wine(return_X_y=True)
    hidden = hidden_rows(len(y))
    path = tmp_path / "wine.csv"
    write_csv(path, X, y, hidden, labels=True)
    assert main(["solve", str(path), "--quiet"]) == 0
    out = capsys.readouterr().out.splitlines()
    original = path.read_text().splitlines()
    assert out[0] == original[0]
    for line, before, question in zip(out[1:], original[1:], hidden, strict=True):
        if question:  # a CSV answer is the bare label: pandas and csv read it as it is
            assert line.split(",")[:-1] == before.split(",")[:-1]
            assert line.split(",")[-1] in {"class_0", "class_1", "class_2"}
        else:
            assert line == before
