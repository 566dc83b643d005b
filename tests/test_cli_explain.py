"""The explain, plot and animate commands, and solve's --explain and --plot, through main()."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest
from PIL import Image

import glassnet as gn
from glassnet.cli import main
from glassnet.cli.watching import load_problem

XOR_TABLE = "a b out\n0 0 0\n0 1 1\n1 0 1\n1 1 0\n0.5 0.5 ?\n"


def test_explain_narrates_the_tutorial(capsys):
    assert main(["explain"]) == 0
    out = capsys.readouterr().out
    assert "Iteration 1\n" in out
    assert "Iteration 2\n" not in out
    assert "out = 1 / (1 + e^0.999771) = 0.268986" in out
    assert "after iteration 1000: loss " in out
    assert "after iteration 10000: loss " in out
    assert "The answer for 1 0 0 is 0.99993704." in out
    assert "seeded with 1 (the tutorial's random.seed(1))" in " ".join(out.split())


def test_explain_json_is_the_same_trace(capsys):
    assert main(["explain", "--json", "--epochs", "20", "--steps", "2", "--every", "10"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [step["step"] for step in data["steps"]] == [1, 2]
    assert [s["epoch"] for s in data["summaries"]] == [10, 20]
    assert len(data["losses"]) == 20
    first = data["steps"][0]["layers"][0]
    np.testing.assert_allclose(first["A"][0][0], 1 / (1 + np.exp(0.9997712503653102)))
    assert data["predictions"][0]["inputs"] == [1.0, 0.0, 0.0]


def test_explain_a_table_with_a_hidden_layer(tmp_path, capsys):
    table = tmp_path / "xor.txt"
    table.write_text(XOR_TABLE)
    code = main(
        [
            "explain",
            str(table),
            "--hidden",
            "3",
            "--activation",
            "tanh",
            "--epochs",
            "5",
            "--lr",
            "0.5",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "layer 1 (hidden: 2 inputs -> 3 tanh neurons)" in out
    assert "Backward, layer 1 (hidden" in out
    assert "bias of h1" in out
    flat = " ".join(out.split())
    assert "x1 is column 'a' scaled: (a - 0.5) / 0.5" in flat
    assert "Prediction for inputs 0 0\n" in out  # 0.5 0.5, scaled
    assert "the row on line 6 (a = 0.5, b = 0.5)" in flat


def test_solve_explain_prints_story_then_table(capsys):
    assert main(["solve", "--explain", "--epochs", "100"]) == 0
    out = capsys.readouterr().out
    assert out.index("Iteration 1") < out.index("Final weights") < out.index("1 0 0 0.99025576")


def test_solve_plot_writes_an_overview(tmp_path, capsys):
    path = tmp_path / "overview.png"
    assert main(["solve", "--plot", str(path), "--epochs", "200"]) == 0
    assert "1 0 0 " in capsys.readouterr().out
    with Image.open(path) as image:
        assert image.size == (1500, 450)


@pytest.mark.parametrize("kind", ["loss", "boundary", "network", "weights"])
def test_plot_each_kind_from_a_table(tmp_path, kind):
    table = tmp_path / "xor.txt"
    table.write_text(XOR_TABLE)
    path = tmp_path / f"{kind}.png"
    args = ["plot", str(table), "--kind", kind, "-o", str(path), "--hidden", "3", "--epochs", "50"]
    assert main(args) == 0
    with Image.open(path) as image:
        assert image.size == (640, 480)


def test_plot_a_model_file(tmp_path, capsys):
    from glassnet.io import save

    net = gn.Network(
        [gn.Dense(2, 2, activation="tanh"), gn.Dense(2, 1, activation="sigmoid")], rng=0
    )
    model = tmp_path / "xor.safetensors"
    save(model, net)
    table = tmp_path / "xor.txt"
    table.write_text(XOR_TABLE)
    assert main(["plot", str(model), "-o", str(tmp_path / "n.png")]) == 0
    args = ["plot", str(model), "--kind", "boundary", "--data", str(table)]
    assert main([*args, "-o", str(tmp_path / "b.png")]) == 0
    assert (tmp_path / "b.png").stat().st_size > 1000
    assert main(["plot", str(model), "--kind", "boundary", "-o", str(tmp_path / "c.png")]) == 2
    assert main(["plot", str(model), "--kind", "loss", "-o", str(tmp_path / "d.png")]) == 2
    err = capsys.readouterr().err
    assert "expected --data TABLE" in err
    assert "a model file keeps no training history" in err
    assert "glassnet plot TABLE --kind loss" in err


def test_explain_missing_table_exits_66(tmp_path, capsys):
    assert main(["explain", str(tmp_path / "absent.txt")]) == 66
    assert "no such file" in capsys.readouterr().err


def test_plot_unwritable_output_exits_73(tmp_path, capsys):
    table = tmp_path / "t.txt"
    table.write_text(XOR_TABLE)
    assert main(["plot", str(table), "--epochs", "1", "-o", str(tmp_path / "no" / "x.png")]) == 73
    assert "cannot write" in capsys.readouterr().err


def test_animate_writes_a_gif(tmp_path):
    table = tmp_path / "xor.txt"
    table.write_text(XOR_TABLE)
    path = tmp_path / "training.gif"
    args = [
        "animate",
        str(table),
        "-o",
        str(path),
        "--hidden",
        "2",
        "--epochs",
        "4",
        "--frames",
        "2",
    ]
    assert main(args) == 0
    with Image.open(path) as gif:
        assert gif.n_frames == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x y\n1 a\n2 b\n", "expected numbers in column 'y', found labels"),
        ("1 ? 1\n0 0 0\n", "expected a number among the inputs, found '?'"),
        ("1 0 ?\n", "no row has a known output to learn from"),
    ],
    ids=["labels", "missing-input", "nothing-known"],
)
def test_load_problem_rejects_tables_it_cannot_learn(tmp_path, text, message):
    table = tmp_path / "t.txt"
    table.write_text(text)
    with pytest.raises(gn.TableFormatError, match=message):
        load_problem(str(table))


def test_load_problem_splits_known_and_unknown_rows():
    problem = load_problem(None)
    assert problem.X.shape == (4, 3)
    np.testing.assert_array_equal(problem.y[:, 0], [0, 1, 1, 0])
    np.testing.assert_array_equal(problem.X_new, [[1, 0, 0]])


def test_missing_matplotlib_is_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    assert main(["solve", "--plot", str(tmp_path / "x.png"), "--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "pip install 'glassnet[plot]'" in err
    assert main(["plot", "--epochs", "1", "-o", str(tmp_path / "y.png")]) == 2
    assert "pip install 'glassnet[plot]'" in capsys.readouterr().err


# -- tables through the table model ---------------------------------------------------------------

FRUIT_CSV = (
    "colour,weight,kind\n"
    "red,150,apple\n"
    "green,120,apple\n"
    "yellow,110,banana\n"
    "yellow,130,banana\n"
    "orange,160,citrus\n"
    "green,140,citrus\n"
    "red,170,apple\n"
    "yellow,125,?\n"
)
PRICES_CSV = "".join(
    ["size,rooms,price\n"]
    + [f"{40 + 7 * i},{1 + i % 4},{100 + 9 * i + 5 * (i % 4)}\n" for i in range(24)]
    + ["75,2,?\n", "120,3,?\n"]
)


@pytest.fixture
def fruit(tmp_path):
    path = tmp_path / "fruit.csv"
    path.write_text(FRUIT_CSV)
    return path


@pytest.fixture
def prices(tmp_path):
    path = tmp_path / "prices.csv"
    path.write_text(PRICES_CSV)
    return path


def test_explain_a_csv_with_label_columns(fruit, capsys):
    argv = ["explain", str(fruit), "--hidden", "3", "--epochs", "20", "--steps", "1"]
    assert main([*argv, "--full"]) == 0  # every number: the prediction's five inputs too
    out = capsys.readouterr().out
    flat = " ".join(out.split())
    assert "layer 1 (hidden: 5 inputs -> 3 tanh neurons)" in out  # 4 colours one-hot + weight
    assert "x1..x4 are column 'colour' one-hot encoded" in flat
    assert "labels green, orange, red, yellow" in flat
    assert "x5 is column 'weight' scaled: (weight - 140) / 20" in flat
    assert "The outputs out1..out3 are the probabilities of the labels of column 'kind'" in flat
    assert "Prediction for inputs 0 0 0 1 -0.75\n" in out
    assert "the row on line 9 (colour = yellow, weight = 125); the answer written" in flat
    assert "replay" not in flat  # full batch on every row: the iteration shown is training's


def test_explain_json_holds_the_numbers_the_table_model_trains(fruit, tmp_path, capsys):
    options = ["--hidden", "3", "--epochs", "20", "--sep", "comma", "--header"]
    assert main(["explain", str(fruit), "--json", *options]) == 0
    trace = json.loads(capsys.readouterr().out)
    model_path = tmp_path / "fruit.safetensors"
    assert main(["train", str(fruit), "-o", str(model_path), "--quiet", *options]) == 0
    capsys.readouterr()
    model = gn.TableModel.load(model_path)
    X, Y = model.encode(gn.read_table(fruit))
    np.testing.assert_array_equal(trace["data"]["inputs"], X)
    np.testing.assert_array_equal(trace["data"]["targets"], Y)
    weights = dict(zip(trace["network"]["parameters"], model.net_.get_weights(), strict=True))
    for name, value in trace["final"].items():
        np.testing.assert_array_equal(value, weights[name])
    assert trace["steps"][0]["layers"][0]["inputs"] == X.tolist()
    assert any("one-hot" in note for note in trace["notes"])


def test_explain_reads_tables_as_solve_does(tmp_path, capsys):
    path = tmp_path / "t.txt"
    path.write_text("0;0;1;0\n1;1;1;1\n1;0;1;1\n0;1;1;0\n1;0;0;?\n")
    assert main(["explain", str(path), "--sep", "semicolon", "--epochs", "10000"]) == 0
    assert "The answer for 1 0 0 is 0.99993704." in capsys.readouterr().out
    path.write_text("x,y,z,out\n0,0,1,0\n1,1,1,1\n1,0,1,1\n0,1,1,0\n1,0,0,?\n")
    assert main(["explain", str(path), "--target", "out", "--epochs", "2", "--every", "1"]) == 0
    out = capsys.readouterr().out
    assert "after iteration 2: loss " in out
    assert "The inputs are" not in out  # the tutorial's raw numbers need no note


def test_explain_says_when_training_ran_otherwise(prices, capsys):
    assert main(["explain", str(prices), "--epochs", "30", "--batch-size", "8"]) == 0
    flat = " ".join(capsys.readouterr().out.split())
    assert "steps on mini-batches of 8 rows" in flat
    assert "20% of the known rows held out" in flat
    assert "replay full-batch steps from the starting weights over all 24 examples" in flat
    assert "The targets: out is column 'price' scaled the same way" in flat


def test_solve_explain_json_is_one_document(fruit, tmp_path, capsys):
    picture = tmp_path / "overview.png"
    args = ["solve", str(fruit), "--explain", "--json", "--plot", str(picture), "--epochs", "5"]
    assert main(args) == 0
    captured = capsys.readouterr()
    document = json.loads(captured.out)  # the whole of stdout parses as one document
    assert document["command"] == "solve"
    assert document["table"][-1][:2] == ["yellow", "125"]
    trace = document["trace"]
    assert [step["step"] for step in trace["steps"]] == [1]
    assert len(trace["losses"]) == 5
    assert "Iteration 1" not in captured.out
    with Image.open(picture) as image:
        assert image.size == (1500, 450)


@pytest.mark.parametrize(
    "options",
    [
        ["--hidden", "4", "--epochs", "60"],
        ["--hidden", "4", "--epochs", "60", "--batch-size", "5", "--validation", "0.25"],
        ["--hidden", "2", "--epochs", "400", "--patience", "3", "--lr", "0.05"],
    ],
    ids=["full-batch", "mini-batches-validation", "early-stop"],
)
def test_solve_gives_the_same_numbers_with_explain_and_plot(prices, tmp_path, capsys, options):
    runs = {}
    for name, extra in {
        "plain": [],
        "plot": ["--plot", str(tmp_path / "p.png")],
        "explain": ["--explain"],
        "both": ["--explain", "--plot", str(tmp_path / "q.png")],
    }.items():
        model = tmp_path / f"{name}.safetensors"
        args = ["solve", str(prices), "--json", "--save", str(model), *options, *extra]
        assert main(args) == 0, capsys.readouterr().err
        document = json.loads(capsys.readouterr().out)
        runs[name] = (document, gn.TableModel.load(model).net_.get_weights())
    plain, weights = runs.pop("plain")
    for document, other in runs.values():
        assert document["table"] == plain["table"]
        assert document["answers"] == plain["answers"]
        assert document["metrics"] == plain["metrics"]
        for a, b in zip(weights, other, strict=True):
            np.testing.assert_array_equal(a, b)
    if "--patience" in options:
        assert plain["metrics"]["stopped_early"]
        assert "stopped early" in " ".join(runs["explain"][0]["trace"]["outcome"].split())


def test_solve_explain_text_keeps_the_story_before_the_table(fruit, capsys):
    assert main(["solve", str(fruit), "--explain", "--epochs", "3", "--max-examples", "1"]) == 0
    out = capsys.readouterr().out
    assert out.index("Iteration 1") < out.index("Final weights") < out.index("colour,weight,kind")
    assert out.rstrip().split("\n")[-1].startswith("yellow,125,")


def test_plot_a_saved_table_model(fruit, tmp_path, capsys):
    model = tmp_path / "fruit.safetensors"
    assert main(["train", str(fruit), "-o", str(model), "--hidden", "3", "--quiet"]) == 0
    picture = tmp_path / "network.png"
    assert main(["plot", str(model), "-o", str(picture)]) == 0
    with Image.open(picture) as image:
        assert image.size == (640, 480)
        assert np.unique(np.asarray(image.convert("L"))).size > 10  # drawn, not blank
    boundary = tmp_path / "boundary.png"
    args = ["plot", str(model), "--kind", "boundary", "--data", str(fruit), "--inputs", "4", "5"]
    assert main([*args, "-o", str(boundary)]) == 0
    assert boundary.stat().st_size > 1000
    capsys.readouterr()
    assert main(["plot", str(model), "--kind", "loss", "-o", str(tmp_path / "l.png")]) == 2
    err = capsys.readouterr().err
    assert "keeps only the final loss of its training" in err
    assert "glassnet plot TABLE --kind loss" in err
    assert not (tmp_path / "l.png").exists()


def test_plot_network_names_the_columns(fruit, tmp_path):
    from glassnet.explain.columns import input_names, output_names
    from glassnet.plot import plot_network

    model = gn.TableModel(hidden=(2,), epochs=1).fit(gn.read_table(fruit))
    assert input_names(model) == [
        "colour=green",
        "colour=orange",
        "colour=red",
        "colour=yellow",
        "weight",
    ]
    assert output_names(model) == ["apple", "banana", "citrus"]
    ax = plot_network(model.net_, names=input_names(model), output_names=output_names(model))
    texts = {text.get_text() for text in ax.texts}
    assert {"colour=red", "weight", "banana", "x1", "out3"} <= texts
    with pytest.raises(gn.ConfigurationError, match="expected 5 names, got 1"):
        plot_network(model.net_, names=["weight"])


@pytest.mark.parametrize("kind", ["loss", "boundary", "network", "weights"])
def test_plot_each_kind_from_a_label_csv(fruit, tmp_path, kind):
    path = tmp_path / f"{kind}.png"
    args = ["plot", str(fruit), "--kind", kind, "-o", str(path), "--hidden", "3", "--epochs", "30"]
    assert main([*args, *(["--inputs", "1", "5"] if kind == "boundary" else [])]) == 0
    with Image.open(path) as image:
        assert image.size == (640, 480)


def test_plot_boundary_inputs_out_of_range_exit_2(fruit, tmp_path, capsys):
    args = ["plot", str(fruit), "--kind", "boundary", "--inputs", "1", "9", "--epochs", "1"]
    assert main([*args, "-o", str(tmp_path / "b.png")]) == 2
    assert "between 1 and 5 (the network's inputs), got 1 9" in capsys.readouterr().err
    args = ["plot", str(fruit), "--kind", "boundary", "--inputs", "2", "2", "--epochs", "1"]
    assert main([*args, "-o", str(tmp_path / "b.png")]) == 2
    assert "two different numbers between 1 and 5" in capsys.readouterr().err


def test_animate_a_label_csv(fruit, tmp_path):
    path = tmp_path / "fruit.gif"
    args = ["animate", str(fruit), "-o", str(path), "--epochs", "6", "--frames", "3", "--quiet"]
    assert main(args) == 0
    with Image.open(path) as gif:
        assert gif.n_frames == 3


@pytest.fixture
def drawn(monkeypatch):
    """Keep what ``plot`` would save, so a test can look at the Axes themselves."""
    import glassnet.plot

    kept = []
    monkeypatch.setattr(glassnet.plot, "save_figure", lambda ax, path: kept.append(ax))
    return kept


def test_plot_a_saved_regression_model_in_table_units(prices, tmp_path, drawn):
    model = tmp_path / "prices.safetensors"
    assert main(["train", str(prices), "-o", str(model), "--quiet", "--epochs", "50"]) == 0
    args = ["plot", str(model), "--kind", "boundary", "--data", str(prices), "-q"]
    assert main([*args, "-o", str(tmp_path / "b.png")]) == 0
    (ax,) = drawn
    assert ax.get_xlabel() == "size"
    assert ax.get_ylabel() == "rooms"
    low, high = ax.get_xlim()
    assert low < 40
    assert high > 200
    colourbar = ax.figure.axes[-1]
    assert colourbar.get_ylabel() == "price"
    assert colourbar.get_ylim()[0] > 50
    assert colourbar.get_ylim()[1] > 250


def test_plot_a_saved_label_model_names_the_classes(fruit, tmp_path, drawn):
    model = tmp_path / "fruit.safetensors"
    assert main(["train", str(fruit), "-o", str(model), "--hidden", "3", "--quiet"]) == 0
    args = ["plot", str(model), "--kind", "boundary", "--data", str(fruit), "--inputs", "4", "5"]
    assert main([*args, "-o", str(tmp_path / "b.png"), "-q"]) == 0
    (ax,) = drawn
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == ["apple", "banana", "citrus"]
    assert ax.get_xlabel().startswith("colour=yellow\n(other inputs fixed")
    assert ax.get_ylabel() == "weight"
    assert ax.get_ylim()[1] > 150  # grams


def test_plot_and_explain_a_label_table(fruit, tmp_path, capsys):
    assert (
        main(["plot", str(fruit), "--hidden", "3", "--epochs", "5", "-o", str(tmp_path / "f.png")])
        == 0
    )
    assert main(["explain", str(fruit), "--hidden", "3", "--epochs", "5"]) == 0
    assert "softmax(" in capsys.readouterr().out


def test_plot_output_errors_match_the_other_commands(tmp_path, capsys):
    table = tmp_path / "t.txt"
    table.write_text(XOR_TABLE)
    base = ["plot", str(table), "--epochs", "1", "-q"]
    assert main([*base, "-o", str(tmp_path / "no" / "x.png")]) == 73
    assert "does not exist; create it first" in capsys.readouterr().err
    assert main([*base, "-o", str(tmp_path / "x.xyz")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert ".png" in err
    assert ".svg" in err
    assert "x.xyz" in err
    assert main(["solve", str(table), "--epochs", "1", "--plot", str(tmp_path / "x.xyz")]) == 2
    assert ".png" in capsys.readouterr().err
    assert not list(tmp_path.glob("x.*"))


def test_plot_write_failure_leaves_the_old_file(tmp_path, capsys, monkeypatch):
    table = tmp_path / "t.txt"
    table.write_text(XOR_TABLE)
    picture = tmp_path / "x.png"
    picture.write_bytes(b"old")

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("glassnet.io.atomic._create_temporary", refuse)
    assert main(["plot", str(table), "--epochs", "1", "-q", "-o", str(picture)]) == 73
    err = capsys.readouterr().err
    assert "Permission denied; any existing file there is unchanged" in err
    assert "[Errno" not in err
    assert picture.read_bytes() == b"old"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--steps", "-1"], "argument --steps: expected a number >= 0, got -1"),
        (["--steps", "x"], "argument --steps: expected a whole number, got 'x'"),
        (["--epochs", "0"], ">= 1"),
        (["--every", "8,4"], "expected a whole number, got '8,4'"),
    ],
)
def test_explain_refuses_bad_counts(options, message, capsys):
    assert main(["explain", *options]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1
    assert "_positive" not in err
    assert "_count" not in err


def test_explain_json_is_a_command_document(capsys):
    assert main(["explain", "--epochs", "2", "--json"]) == 0
    out = capsys.readouterr().out
    document = json.loads(out)
    assert document["command"] == "explain"
    assert out.startswith('{\n  "command": "explain",')
