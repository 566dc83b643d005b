"""Real tables: scikit-learn's bundled data with a fifth of the outputs hidden behind '?'.

``glassnet solve data.csv --hidden 16`` (and plain ``glassnet solve data.csv``, whose standard
recipe has the same hidden layer) must fill them in at least as well as scikit-learn's
MLPClassifier / MLPRegressor with one hidden layer of 16 on the same split (inputs standardized
for scikit-learn too, which is its own documented advice for MLPs).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from bench import real_data
from bench.real_data import LOADERS, csv_text, hidden_rows, sklearn_score
from sklearn.datasets import load_wine
from sklearn.metrics import r2_score

from glassnet.cli import main


def write_csv(path: Path, X: np.ndarray, y: np.ndarray, hidden: np.ndarray, labels: bool) -> None:
    path.write_text(csv_text(X, y, hidden, labels))


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


def test_seed_zero_reproduces_the_committed_figures():
    """The README's table comes from bench/results/real_data.json; its first split is rerun."""
    path = Path(__file__).resolve().parents[1] / "bench" / "results" / "real_data.json"
    committed = json.loads(path.read_text(encoding="utf-8"))
    assert committed["settings"]["blank"] == 0
    for name, entry in committed["data"].items():
        assert real_data.glassnet_score(name, 0) == pytest.approx(entry["glassnet"][0], abs=1e-12)
        assert sklearn_score(name, 0) == pytest.approx(entry["sklearn"][0], abs=1e-12)


def test_blanked_inputs_are_filled_in_on_both_sides(tmp_path):
    X, _ = load_wine(return_X_y=True)
    blank = real_data.blanked(X, 0.1, seed=3)
    assert np.isnan(blank).sum() == round(0.1 * X.size)
    np.testing.assert_array_equal(blank[~np.isnan(blank)], X[~np.isnan(blank)])
    np.testing.assert_array_equal(real_data.blanked(X, 0.1, seed=3), blank, strict=True)
    text = real_data.csv_text(blank, np.zeros(len(X), dtype=int), np.zeros(len(X), bool), True)
    assert ",," in text  # empty cells, never "nan"
    assert "nan" not in text
    out = tmp_path / "blank.json"
    assert (
        real_data.main(["--seeds", "2", "--blank", "0.1", "--data", "wine", "--out", str(out)]) == 0
    )
    found = json.loads(out.read_text())
    entry = found["data"]["wine"]
    assert found["settings"]["blank"] == 0.1
    assert len(entry["sklearn"]) == 2
    assert min(entry["sklearn"]) > 0.8  # imputed and scaled, the MLP still learns
    assert len(entry["glassnet"]) == 2
    assert min(entry["glassnet"]) > 0.8  # glassnet fills the blank cells in itself
    assert "glassnet_refused" not in entry


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--blank", "1.5"], "--blank must be at least 0 and below 1"),
        (["--data", "iris"], "unknown data set 'iris'"),
        (["--seeds", "0"], "--seeds must be at least 1"),
    ],
)
def test_real_data_command_refuses_bad_options(argv, message, capsys):
    with pytest.raises(SystemExit) as raised:
        real_data.main(argv)
    assert raised.value.code == 2
    assert message in capsys.readouterr().err
