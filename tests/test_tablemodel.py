"""TableModel: tasks, encodings, presets, filling, scoring, and save/load round trips."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import glassnet as gn
from glassnet.data import parse_table
from glassnet.errors import ConfigurationError, ModelFileError, NotFittedError, TableFormatError
from glassnet.tables import TableModel
from glassnet.tables.recipes import STANDARD, TUTORIAL, resolve_settings, settings_for_task
from tests.conftest import TUTORIAL_X, TUTORIAL_Y, tutorial_network

POST = "Input Output\n0 0 1 1\n1 1 1 1\n1 0 1 1\n0 1 1 0\n1 0 0 ?\n"
CORRECTED = "Input Output\n0 0 1 0\n1 1 1 1\n1 0 1 1\n0 1 1 0\n1 0 0 ?\n"
FRUIT = (
    "color,size,weight,kind\n"
    "red,small,1.0,apple\ngreen,small,1.2,apple\nyellow,big,5,melon\ngreen,big,6,melon\n"
    "red,small,1.1,pear\nyellow,small,2.0,pear\nred,small,1.05,?\n"
)
LINEAR = "a b y\n" + "".join(f"{a} {b} {2 * a - b + 0.5}\n" for a in range(5) for b in range(4))


def fitted(text: str, **options: object) -> tuple[TableModel, gn.data.Table]:
    table = parse_table(text, "t.txt")
    return TableModel(**options).fit(table), table


@pytest.mark.parametrize(
    ("text", "answer"),
    [pytest.param(POST, "0.99984739", id="as-printed"), pytest.param(CORRECTED, "0.99993704")],
)
def test_tablemodel_reproduces_the_tutorial(text, answer):
    model, table = fitted(text)
    assert model.settings_ == TUTORIAL.__class__(**{**TUTORIAL.__dict__, "validation": 0.0})
    assert model.fill(table)[-1] == ["1", "0", "0", answer]


def test_tablemodel_tutorial_weights_equal_the_engine():
    model, _ = fitted(CORRECTED)
    net = tutorial_network()
    net.fit(TUTORIAL_X, TUTORIAL_Y, epochs=10_000)
    np.testing.assert_array_equal(model.net_.layers[0].weights, net.layers[0].weights)


def test_tablemodel_tasks_follow_the_output_column():
    assert fitted(CORRECTED)[0].task_ == "binary"
    model, _ = fitted(FRUIT, epochs=20)
    assert (model.task_, model.classes_) == ("multiclass", ["apple", "melon", "pear"])
    assert model.net_.layers[-1].activation.name == "softmax"
    assert model.net_.loss.name == "categorical_crossentropy"
    model, _ = fitted(LINEAR, epochs=20)
    assert model.task_ == "regression"
    assert model.net_.layers[-1].activation.name == "identity"
    assert model.net_.loss.name == "mse"


def test_tablemodel_one_hot_encodes_label_inputs_and_scales_numbers():
    model, _ = fitted(FRUIT, epochs=5)
    color, size, weight = model.inputs_
    assert color["categories"] == ["green", "red", "yellow"]
    assert size["categories"] == ["big", "small"]
    known = np.array([1.0, 1.2, 5, 6, 1.1, 2.0])
    assert weight["mean"] == pytest.approx(known.mean())
    assert weight["scale"] == pytest.approx(known.std())
    assert model.net_.n_inputs == 3 + 2 + 1


def test_tablemodel_regression_learns_and_unscales():
    model, table = fitted(LINEAR + "3 1 ?\n", hidden=(8,))
    assert model.outputs_[0]["scale"] > 1
    assert float(model.fill(table)[-1][-1]) == pytest.approx(5.5, abs=0.5)
    assert model.metrics_["r2"] > 0.9


def test_tablemodel_targets_and_several_outputs():
    text = "a b p q\n0 0 0 1\n0 1 1 0\n1 0 1 0\n1 1 1 0\n1 1 ? 0\n"
    table = parse_table(text)
    model = TableModel(hidden=(4,), epochs=50).fit(table, outputs=2)
    assert (model.task_, model.net_.n_outputs) == ("binary", 2)
    assert [spec["name"] for spec in model.outputs_] == ["p", "q"]
    assert model.fill(table)[-1][-1] == "0"  # only the '?' cell is filled
    model = TableModel(epochs=10).fit(table, target=["p"])
    assert [spec["position"] for spec in model.inputs_] == [0, 1, 3]
    with pytest.raises(ConfigurationError, match="has no column 'nope'; choose from a, b, p, q"):
        TableModel().fit(table, target=["nope"])


def test_tablemodel_predict_on_inputs_only_appends_outputs():
    model, table = fitted(CORRECTED)
    inputs = parse_table("1 0 0\n0 0 1\n")
    filled = model.fill(inputs)
    assert filled[0] == ["1", "0", "0", "0.99993704"]
    assert len(filled[1]) == 4
    np.testing.assert_array_equal(model.predict(inputs)[0], model.predict(table)[-1])


def test_tablemodel_fill_all_rows():
    model, table = fitted(CORRECTED)
    filled = model.fill(table, all_rows=True)
    assert all(len(row[-1]) == 10 and row[-1].startswith("0.") for row in filled)


def test_tablemodel_evaluate_scores():
    model, table = fitted(FRUIT, epochs=300)
    scores = model.evaluate(table)
    assert scores["rows"] == 6
    assert scores["classes"] == ["apple", "melon", "pear"]
    assert np.array(scores["confusion"]).sum() == 6
    assert scores["accuracy"] == pytest.approx(np.trace(scores["confusion"]) / 6)
    model, table = fitted(LINEAR, epochs=50)
    scores = model.evaluate(table)
    assert set(scores) >= {"rows", "loss", "r2", "mae", "mse", "per_output"}
    binary, table = fitted(CORRECTED)
    scores = binary.evaluate(table)
    assert scores["confusion"] == [[2, 0], [0, 2]]
    assert scores["classes"] == ["0", "1"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("a b\n1 ?\n2 ?\n", r"^t\.txt:2: expected at least one row", id="all"),
        pytest.param("a b\n1 x\n2 x\n", "expected at least two classes", id="one-class"),
        pytest.param("a\n1\n2\n", "expected more than 1 columns", id="no-inputs"),
    ],
)
def test_tablemodel_fit_errors(text, message):
    with pytest.raises(TableFormatError, match=message):
        TableModel().fit(parse_table(text, "t.txt"))


def test_tablemodel_label_output_must_be_alone():
    table = parse_table("a b c\n1 x 0\n2 y 1\n")
    with pytest.raises(ConfigurationError, match="a label output must be the only output"):
        TableModel().fit(table, outputs=2)


def test_tablemodel_predict_errors_name_line_and_column():
    model, _ = fitted(FRUIT, epochs=5)
    with pytest.raises(TableFormatError, match=r"^p:3:1: expected a label of input column 'color'"):
        model.predict(parse_table("color size weight kind\nred small 1 ?\nblue big 2 ?\n", "p"))
    with pytest.raises(TableFormatError, match=r"^p:1: expected 4 columns .* or 3 .*found 2"):
        model.predict(parse_table("red small\nred big\nred big\n", "p"))
    with pytest.raises(TableFormatError, match=r"^p:2:3: expected a number in input column"):
        model.predict(parse_table("red small 1 ?\nred small x ?\nred small y ?\n", "p"))
    filled = model.predict(parse_table("red ? 1 ?\n", "p"))  # a missing input reads as its fill
    fill = model.inputs_[1]["fill"]
    np.testing.assert_array_equal(filled, model.predict(parse_table(f"red {fill} 1 ?\n", "p")))
    with pytest.raises(TableFormatError, match=r"expected a class of output column 'kind'"):
        model.evaluate(parse_table("red small 1 plum\n", "p"))


def test_a_label_seen_only_beside_a_question_mark_is_refused_when_filling():
    text = "x c y\n1 a 0\n2 b 1\n3 a 0\n4 b 1\n5 new ?\n"
    table = parse_table(text, "t")
    model = TableModel(preset="standard", epochs=3).fit(table)
    assert model.inputs_[1]["categories"] == ["a", "b"]  # no weight that never learns
    with pytest.raises(
        TableFormatError,
        match=r"^t:6:2: expected a label of input column 'c' seen in training \(a, b\), "
        r"found 'new'",
    ):
        model.fill(table)


def test_tablemodel_not_fitted():
    with pytest.raises(NotFittedError):
        TableModel().predict(parse_table("1 2\n"))


def test_resolve_settings_rule():
    tutorial = parse_table(CORRECTED)
    assert resolve_settings(tutorial, [3]) == TUTORIAL
    assert resolve_settings(tutorial, [3], hidden=(4,)).preset == "standard"
    assert resolve_settings(tutorial, [2, 3]).preset == "standard"
    assert resolve_settings(tutorial, [3], preset="standard") == STANDARD
    assert resolve_settings(parse_table(LINEAR), [2]).preset == "standard"
    big = parse_table("".join("0 1 1\n" for _ in range(101)))
    assert resolve_settings(big, [2]).preset == "standard"
    assert resolve_settings(tutorial, [3], epochs=5, lr=None).epochs == 5
    with pytest.raises(ConfigurationError, match="unknown setting 'speed'"):
        resolve_settings(tutorial, [3], speed=1)
    with pytest.raises(ConfigurationError, match="unknown preset"):
        resolve_settings(tutorial, [3], preset="fast")
    with pytest.raises(ConfigurationError, match="validation must be in"):
        resolve_settings(tutorial, [3], validation=1.5)
    for seed in (-1, 2**32):
        with pytest.raises(ConfigurationError, match="seed must be between 0 and 4294967295"):
            resolve_settings(tutorial, [3], seed=seed)
    assert resolve_settings(tutorial, [3], seed=2**32 - 1).seed == 2**32 - 1


def test_settings_left_to_the_task():
    binary = settings_for_task(STANDARD, "binary")
    assert (binary.epochs, binary.validation, binary.patience) == (300, 0.0, None)
    regression = settings_for_task(STANDARD, "regression")
    assert (regression.epochs, regression.validation, regression.patience) == (2000, 0.2, 50)
    assert settings_for_task(TUTORIAL, "binary").patience is None


def test_tablemodel_l2_becomes_weight_decay():
    model, _ = fitted(LINEAR, epochs=1, l2=0.5)
    assert model.net_.optimizer.get_config()["weight_decay"] == 0.5


def test_tablemodel_trainer_hook_gets_rows_to_fill():
    seen = {}

    def trainer(net, X, Y, X_new):
        seen.update(X=X.shape, Y=Y.shape, X_new=X_new.shape)
        return net.fit(X, Y, epochs=1)

    TableModel().fit(parse_table(CORRECTED), trainer=trainer)
    assert seen == {"X": (4, 3), "Y": (4, 1), "X_new": (1, 3)}


@pytest.mark.parametrize(
    "text", [CORRECTED, FRUIT, LINEAR + "1 1 ?\n"], ids=["binary", "multiclass", "regression"]
)
def test_tablemodel_save_load_predicts_bit_identically(text, tmp_path):
    model, table = fitted(text) if text == CORRECTED else fitted(text, epochs=30)
    path = tmp_path / "model.safetensors"
    model.save(path)
    loaded = TableModel.load(path)
    np.testing.assert_array_equal(loaded.predict(table), model.predict(table))
    assert loaded.fill(table) == model.fill(table)
    assert loaded.settings_ == model.settings_
    assert loaded.metrics_ == model.metrics_
    assert loaded.inputs_ == model.inputs_
    assert loaded.classes_ == model.classes_


def test_tablemodel_load_refuses_a_plain_network(tmp_path):
    path = tmp_path / "net.safetensors"
    gn.save(path, gn.Network([gn.Dense(2, 1)]))
    with pytest.raises(ModelFileError, match="without table settings"):
        TableModel.load(path)


def test_tablemodel_load_refuses_unreadable_table_settings(tmp_path):
    model, _ = fitted(CORRECTED, epochs=1)
    metadata = model.metadata()
    metadata["inputs"] = metadata["inputs"][:1]
    path = tmp_path / "bad.safetensors"
    gn.save(path, model.net_, metadata=metadata)
    with pytest.raises(ModelFileError, match="table settings cannot be read"):
        TableModel.load(path)


@pytest.mark.parametrize(
    ("key", "value", "why"),
    [
        ("scale", 0.0, "scale 0.0, not a finite number > 0"),
        ("scale", -2.0, "scale -2.0, not a finite number > 0"),
    ],
)
def test_tablemodel_load_names_a_broken_scaling_in_the_file(tmp_path, key, value, why):
    model, _ = fitted("x y\n1 0.5\n2 1.5\n3 2.5\n4 ?\n", epochs=1, preset="standard")
    metadata = model.metadata()
    metadata["inputs"][0][key] = value
    path = tmp_path / "scaled.safetensors"
    gn.save(path, model.net_, metadata=metadata)
    with pytest.raises(ModelFileError, match=rf"scaled\.safetensors is corrupt: .*'x' has {why}"):
        TableModel.load(path)


cells = st.sampled_from(["0", "1", "0.5", "2", "-1"])


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.lists(cells, min_size=3, max_size=3), min_size=3, max_size=8),
    st.sampled_from([(), (3,)]),
)
def test_property_save_load_predictions_identical(tmp_path, rows, hidden):
    text = "".join(" ".join(row) + "\n" for row in rows)
    table = parse_table(text)
    if len(set(table.cells(2))) < 2 and table.kinds[2] == "label":
        return
    model = TableModel(hidden=hidden, epochs=3).fit(table)
    path = tmp_path / "p.safetensors"
    model.save(path)
    np.testing.assert_array_equal(TableModel.load(path).predict(table), model.predict(table))


def test_tablemodel_fill_and_locate_before_fit_raise_not_fitted():
    table = parse_table("1 2\n")
    with pytest.raises(NotFittedError):
        TableModel().fill(table)
    with pytest.raises(NotFittedError):
        TableModel().locate(table)


def test_tablemodel_missing_inputs_are_filled_or_refused():
    text = "a b y\n? 1 1\n2 NA 0\n3 0 1\n4 1 0\n5 0 ?\n"
    model = TableModel(preset="standard", epochs=5).fit(parse_table(text, "t.txt"))
    assert [(spec["fill"], spec["indicator"]) for spec in model.inputs_] == [
        (3.0, True),
        (1.0, True),
    ]
    assert model.net_.n_inputs == 4  # each column and its 0/1 "missing" input
    assert "column 'a': 1 missing cell filled with the median 3 " in model.notes_[0]
    with pytest.raises(
        TableFormatError, match=r"^t\.txt:2:1: expected a value in input column 'a'"
    ):
        TableModel(preset="standard", epochs=5).fit(parse_table(text, "t.txt"), impute=False)


def test_tablemodel_refuses_numbers_too_large_with_their_place():
    with pytest.raises(TableFormatError, match=r"^t:3:2: expected numbers of magnitude at most"):
        TableModel().fit(parse_table("x y\n1 1\n2 2e300\n3 ?\n", "t"))


def test_tablemodel_refuses_numbers_too_small_but_takes_zero():
    with pytest.raises(
        TableFormatError, match=r"^t:2:2: expected 0 or numbers of magnitude at least 1e-100"
    ):
        TableModel().fit(parse_table("x y\n1 1e-300\n2 -2e-300\n3 ?\n", "t"))
    with pytest.raises(TableFormatError, match=r"^t:2:1: .* found '1e-200'; rescale column 'x'"):
        TableModel().fit(parse_table("x y\n1e-200 1\n2 0\n3 ?\n", "t"))
    model = TableModel(epochs=3).fit(parse_table("x y\n0 1e-90\n2 0\n3 ?\n", "t"))
    assert model.task_ == "regression"


def test_tablemodel_classify_and_tutorial_recipe():
    table = parse_table("x y\n0 0\n1 1\n2 2\n3 0\n4 ?\n")
    assert TableModel(epochs=5).fit(table, classify=True).classes_ == ["0", "1", "2"]
    with pytest.raises(ConfigurationError, match="tutorial recipe learns outputs of 0 and 1"):
        TableModel(preset="tutorial").fit(table)


def test_sklearn_adapters_without_scikit_learn_say_how_to_install(monkeypatch):
    import importlib
    import sys

    monkeypatch.delitem(sys.modules, "glassnet.sklearn", raising=False)
    monkeypatch.setitem(sys.modules, "sklearn.base", None)
    with pytest.raises(ModuleNotFoundError, match=r"pip install 'glassnet\[sklearn\]'"):
        importlib.import_module("glassnet.sklearn")
