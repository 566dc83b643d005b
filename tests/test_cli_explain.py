"""The explain, plot and animate commands, and solve's --explain and --plot, through main()."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest
from PIL import Image

import glassnet as gn
from glassnet.cli import main
from glassnet.cli_explain import load_problem

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
    assert "Prediction for inputs 0.5 0.5" in out


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
    assert main(["solve", "--plot", str(tmp_path / "x.png"), "--epochs", "1"]) == 70
    assert "pip install 'glassnet[plot]'" in capsys.readouterr().err
