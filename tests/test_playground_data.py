"""The playground's 2-D data sets, its controls and the tables it splits."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ConfigurationError
from glassnet.playground.controls import Controls, changed_controls
from glassnet.playground.datasets import (
    CLASSIFICATION,
    DATASETS,
    FEATURES,
    REGRESSION,
    feature_columns,
    make_points,
    two_d_tables,
)
from glassnet.playground.sources import split_table


@pytest.mark.parametrize("name", CLASSIFICATION)
def test_classification_sets_have_two_balanced_classes_in_the_square(name):
    points, labels = make_points(name, noise=0.0, seed=4)
    assert points.shape == (500, 2)
    assert sorted(set(labels.tolist())) == [0, 1]
    assert 200 <= labels.sum() <= 300
    assert np.abs(points).max() < 6


def test_each_set_follows_its_rule_without_noise():
    points, labels = make_points("circle", seed=2)
    radius = np.hypot(points[:, 0], points[:, 1])
    assert (radius[labels == 1] <= 2.5).all()
    assert ((radius[labels == 0] >= 3.5) & (radius[labels == 0] <= 5)).all()
    points, labels = make_points("xor", seed=2)
    assert ((points[:, 0] * points[:, 1] > 0) == (labels == 1)).all()
    assert np.abs(points).min() >= 0.3
    points, labels = make_points("gauss", seed=2)
    assert points[labels == 1].mean(axis=0) == pytest.approx([2, 2], abs=0.2)
    assert points[labels == 0].mean(axis=0) == pytest.approx([-2, -2], abs=0.2)
    points, values = make_points("plane", seed=2)
    np.testing.assert_allclose(values, points.sum(axis=1) / 10)


@pytest.mark.parametrize("name", REGRESSION)
def test_regression_sets_give_values_between_minus_one_and_one(name):
    _, values = make_points(name, seed=1)
    assert values.dtype == float
    assert values.min() >= -1
    assert values.max() <= 1
    assert values.std() > 0.05


def test_noise_moves_points_and_the_seed_fixes_them():
    clean, labels = make_points("spiral", noise=0.0, seed=9)
    noisy, same_labels = make_points("spiral", noise=0.5, seed=9)
    np.testing.assert_array_equal(labels, same_labels)
    assert np.abs(noisy - clean).max() > 0.5
    np.testing.assert_array_equal(make_points("spiral", 0.5, 9)[0], noisy)
    assert not np.array_equal(make_points("spiral", 0.5, 10)[0], noisy)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: make_points("moons"), "unknown data set 'moons'; choose from circle, xor"),
        (lambda: make_points("xor", noise=0.6), "expected noise from 0 to 0.5, got 0.6"),
        (lambda: two_d_tables("xor", train=0.95), "expected a training fraction from 0.1 to 0.9"),
        (lambda: feature_columns(np.zeros((1, 2)), ["x3"]), "unknown feature 'x3'"),
        (lambda: feature_columns(np.zeros((1, 2)), []), "expected at least one feature"),
    ],
)
def test_bad_data_requests_are_refused_with_a_message(call, message):
    with pytest.raises(ConfigurationError, match=message):
        call()


def test_features_are_computed_from_each_point():
    points = np.array([[1.0, 2.0], [-0.5, 3.0]])
    columns = feature_columns(points, list(FEATURES))
    x1, x2 = points.T
    expected = [x1, x2, x1**2, x2**2, x1 * x2, np.sin(x1), np.sin(x2)]
    np.testing.assert_array_equal(columns, np.column_stack(expected))


@pytest.mark.parametrize("name", DATASETS)
def test_two_d_tables_read_back_exactly_from_their_csv(name, tmp_path):
    data = two_d_tables(name, noise=0.2, train=0.7, features=["x1", "sin(x2)"], seed=5)
    assert data.train.n_rows == 350
    assert data.test.n_rows == 150
    path = tmp_path / "train.csv"
    path.write_text(data.train_csv)
    again = gn.read_table(path)
    assert again.rows == data.train.rows
    np.testing.assert_array_equal(again.numbers(1), np.sin(data.points[:350, 1]))
    assert data.train.names[-1] == ("label" if name in CLASSIFICATION else "value")


def test_split_table_holds_out_known_rows_and_keeps_the_questions():
    table = gn.parse_table("x y\n" + "".join(f"{i} {i % 2}\n" for i in range(10)) + "10 ?\n")
    train, test = split_table(table, "y", 0.7, seed=3)
    assert (train.n_rows, test.n_rows) == (8, 3)
    assert train.rows[-1] == ["10", "?"]
    assert sorted([*train.lines[:-1], *test.lines]) == table.lines[:-1].tolist()
    assert split_table(table, "y", 0.7, seed=3)[1].rows == test.rows
    with pytest.raises(ConfigurationError, match="got 0 test rows"):
        split_table(table, "y", 0.99, seed=3)


# -- controls -------------------------------------------------------------------------------------


def test_controls_take_values_as_json_or_as_text_from_the_address():
    controls = changed_controls(Controls(), {"hidden": "3,2", "lr": "0.1", "seed": "7"})
    assert (controls.hidden, controls.lr, controls.seed) == ((3, 2), 0.1, 7)
    controls = changed_controls(controls, {"hidden": [], "features": ["x2", "x1^2", "x1"]})
    assert controls.hidden == ()
    assert controls.features == ("x1", "x2", "x1^2")  # the table's column order
    assert changed_controls(controls, {"plane": ","}).plane == ("", "")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"hidden": [1] * 7}, "expected at most 6 hidden layers, got 7"),
        ({"hidden": [9]}, "expected the neurons of a hidden layer from 1 to 8, got 9"),
        ({"hidden": ["many"]}, "expected the neurons of a hidden layer as a whole number"),
        ({"lr": -0.5}, "expected lr from 0 to 100, got -0.5"),
        ({"lr": "fast"}, "expected lr as a number, got 'fast'"),
        ({"lr": True}, "expected lr as a number, got True"),
        ({"l2": float("nan")}, "expected l2 from 0 to 100"),
        ({"seed": 2**32}, "expected seed from 0 to 4294967295"),
        ({"batch": 2.5}, "expected batch as a whole number, got 2.5"),
        ({"activation": "rleu"}, "unknown activation 'rleu'; choose from tanh, relu"),
        ({"optimizer": "lbfgs"}, "unknown optimizer 'lbfgs'"),
        ({"features": "x1,x9"}, "unknown feature 'x9'"),
        ({"features": []}, "expected at least one feature, got none"),
        ({"train": 100}, "expected train from 10 to 90 percent for a 2-D set, got 100"),
        ({"data": "table"}, "expected the name of a table for data 'table'"),
        ({"plane": ["a", "a"]}, "expected two different columns for the plane"),
        ({"target": "x\ny"}, "expected target as one line of text"),
        ({"colour": "red"}, "unknown setting 'colour'; choose from activation, batch"),
    ],
)
def test_bad_controls_are_refused_with_what_was_expected(values, message):
    with pytest.raises(ConfigurationError, match=message):
        changed_controls(Controls(), values)


def test_a_table_brings_its_recipe_and_a_2d_set_its_defaults_back():
    recipe = {"hidden": (), "activation": "sigmoid", "loss": "sse", "optimizer": "sgd",
              "lr": 1.0, "l2": 0.0, "seed": 1, "batch": 0, "epochs": 10_000}  # fmt: skip
    tutorial = changed_controls(Controls(data_seed=5), {"data": "tutorial"}, recipe)
    assert (tutorial.hidden, tutorial.lr, tutorial.epochs, tutorial.train) == ((), 1.0, 10_000, 100)
    assert tutorial.data_seed == 5
    explicit = changed_controls(Controls(), {"data": "tutorial", "hidden": [2]}, recipe)
    assert explicit.hidden == (2,)
    back = changed_controls(tutorial, {"data": "spiral"})
    assert back == Controls(data="spiral", data_seed=5)
