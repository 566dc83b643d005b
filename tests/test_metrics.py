"""The scores glassnet reports equal scikit-learn's metrics on the same numbers.

Accuracy, confusion matrices, R², MAE and MSE are checked on random predictions against
``sklearn.metrics``, first as ``tables.scores.score`` computes them from encoded outputs, then as
``TableModel.evaluate`` reports them for a table, in the table's own units.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    mean_absolute_error,
    mean_squared_error,
    r2_score,
)

from glassnet.data import parse_table
from glassnet.tables import TableModel
from glassnet.tables.scores import score


def _outputs(scales: np.ndarray) -> list[dict]:
    return [{"name": f"y{k}", "scale": float(scale)} for k, scale in enumerate(scales)]


@pytest.mark.parametrize("n_outputs", [1, 3])
def test_regression_scores_equal_sklearn_metrics(n_outputs, rng):
    Y = rng.normal(size=(40, n_outputs))
    P = Y + rng.normal(scale=0.5, size=Y.shape)
    scales = rng.uniform(0.1, 30.0, size=n_outputs)
    found = score("regression", P, Y, _outputs(scales), confusion=True)
    truth, guess = Y * scales, P * scales  # table units (the shift cancels in every metric)
    for k, entry in enumerate(found["per_output"]):
        assert entry["r2"] == pytest.approx(r2_score(truth[:, k], guess[:, k]), rel=1e-12)
        assert entry["mae"] == pytest.approx(
            mean_absolute_error(truth[:, k], guess[:, k]), rel=1e-12
        )
        assert entry["mse"] == pytest.approx(
            mean_squared_error(truth[:, k], guess[:, k]), rel=1e-12
        )
    assert found["r2"] == pytest.approx(r2_score(truth, guess), rel=1e-12)
    assert found["mae"] == pytest.approx(mean_absolute_error(truth, guess), rel=1e-12)
    assert found["mse"] == pytest.approx(mean_squared_error(truth, guess), rel=1e-12)


def test_multiclass_scores_equal_sklearn_metrics(rng):
    truth = rng.integers(4, size=60)
    Y = np.eye(4)[truth]
    P = rng.dirichlet(np.ones(4), size=60)
    found = score("multiclass", P, Y, [], confusion=True)
    guess = P.argmax(axis=1)
    assert found["accuracy"] == pytest.approx(accuracy_score(truth, guess), rel=1e-15)
    assert found["confusion"] == confusion_matrix(truth, guess, labels=range(4)).tolist()


@pytest.mark.parametrize("n_outputs", [1, 2])
def test_binary_scores_equal_sklearn_metrics(n_outputs, rng):
    Y = (rng.random((50, n_outputs)) > 0.5).astype(float)
    P = np.clip(Y + rng.normal(scale=0.4, size=Y.shape), 0, 1)
    found = score("binary", P, Y, [], confusion=True)
    guess = (P >= 0.5).astype(int)
    # Several outputs: a row counts as right when every output is (subset accuracy).
    assert found["accuracy"] == pytest.approx(accuracy_score(Y.astype(int), guess), rel=1e-15)
    matrices = found["confusion"] if n_outputs > 1 else [found["confusion"]]
    for k, matrix in enumerate(matrices):
        assert matrix == confusion_matrix(Y[:, k], guess[:, k], labels=[0, 1]).tolist()


def test_table_model_evaluate_reports_sklearn_metrics_in_table_units(rng):
    X = rng.normal(size=(60, 3))
    Y = np.column_stack([X @ [2.0, -1.0, 0.5] + 100.0, 0.01 * (X[:, 0] ** 2) - 3.0])
    Y += rng.normal(scale=[1.0, 0.01], size=Y.shape)
    lines = ["a,b,c,big,small"] + [
        ",".join(repr(float(v)) for v in row) for row in np.hstack([X, Y])
    ]
    table = parse_table("\n".join(lines) + "\n", "t.csv")
    model = TableModel(hidden=(4,), epochs=30).fit(table, outputs=2)
    found = model.evaluate(table)
    guess = model.predict(table)  # (60, 2) in table units
    assert found["rows"] == 60
    assert found["r2"] == pytest.approx(r2_score(Y, guess), rel=1e-9)
    assert found["mae"] == pytest.approx(mean_absolute_error(Y, guess), rel=1e-9)
    assert found["mse"] == pytest.approx(mean_squared_error(Y, guess), rel=1e-9)
    for k, entry in enumerate(found["per_output"]):
        assert entry["r2"] == pytest.approx(r2_score(Y[:, k], guess[:, k]), rel=1e-9)
        assert entry["mae"] == pytest.approx(mean_absolute_error(Y[:, k], guess[:, k]), rel=1e-9)


def test_table_model_evaluate_reports_sklearn_accuracy_for_labels(rng):
    X = rng.normal(size=(45, 2))
    labels = np.array(["low", "mid", "high"])[np.digitize(X[:, 0] + 0.3 * X[:, 1], [-0.5, 0.5])]
    lines = ["a,b,kind"]
    lines += [f"{float(a)!r},{float(b)!r},{k}" for (a, b), k in zip(X, labels, strict=True)]
    table = parse_table("\n".join(lines) + "\n", "t.csv")
    model = TableModel(hidden=(3,), epochs=15).fit(table)
    found = model.evaluate(table)
    classes = found["classes"]
    guess = np.array(classes)[model.predict(table).argmax(axis=1)]
    assert found["accuracy"] == pytest.approx(accuracy_score(labels, guess), rel=1e-15)
    assert found["confusion"] == confusion_matrix(labels, guess, labels=classes).tolist()
