"""Options that conflict, do nothing, or ask what the table lacks: usage errors before training."""

from __future__ import annotations

import pytest

import glassnet.nn.network
from glassnet.cli import main
from glassnet.data import parse_table
from glassnet.errors import ConfigurationError, TableFormatError
from glassnet.tables import TableModel

BITS = "a,b,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n1,1,?\n"
FRUIT = "size,kind,weight\n1,apple,2\n5,melon,9\n1.1,apple,2.1\n4.5,?,?\n"
CONTINUOUS = "x,y\n1,1.745\n2,2.301\n3,?\n4,3.5\n"


@pytest.fixture
def no_training(monkeypatch):
    """Make any training of a network fail loudly: the refusals below must come before it."""

    def fit(*args, **kwargs):
        raise AssertionError("training started")

    monkeypatch.setattr(glassnet.nn.network.Network, "fit", fit)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def refused(capsys, argv, code=2):
    """Run ``argv``; check the exit code, one line on stderr, nothing on stdout; return the line."""
    assert main(argv) == code
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("glassnet: error: ")
    assert captured.err.count("\n") == 1
    return captured.err


@pytest.mark.parametrize("command", ["solve", "train", "explain"])
def test_target_with_outputs_is_a_usage_error(tmp_path, capsys, no_training, command):
    table = write(tmp_path, "t.csv", BITS)
    model = tmp_path / "m.safetensors"
    argv = [command, table, "--target", "y", "--outputs", "1"]
    if command == "train":
        argv += ["-o", str(model)]
    err = refused(capsys, argv)
    assert "--target and --outputs both choose the output columns; give only one" in err
    assert f"(see 'glassnet {command} --help')" in err
    assert not model.exists()


@pytest.mark.parametrize(
    ("option", "value"),
    [
        pytest.param("--steps", "2", id="steps"),
        pytest.param("--steps", "1", id="steps-at-its-default"),
        pytest.param("--every", "3", id="every"),
        pytest.param("--digits", "4", id="digits"),
        pytest.param("--max-examples", "2", id="max-examples"),
    ],
)
def test_solve_explain_options_need_explain(tmp_path, capsys, no_training, option, value):
    table = write(tmp_path, "t.csv", BITS)
    err = refused(capsys, ["solve", table, option, value])
    assert err == f"glassnet: error: {option} needs --explain (see 'glassnet solve --help')\n"
    picture = tmp_path / "p.png"
    err = refused(capsys, ["solve", table, option, value, "--plot", str(picture)])
    assert f"{option} needs --explain" in err
    assert not picture.exists()


def test_solve_explain_options_work_with_explain_and_keep_their_defaults(tmp_path, capsys):
    table = write(tmp_path, "t.csv", BITS)
    argv = ["solve", table, "--explain", "--epochs", "3", "--hidden", "2"]
    assert main([*argv, "--steps", "2", "--digits", "3", "--max-examples", "1"]) == 0
    shown = capsys.readouterr().out
    assert main(argv) == 0  # --steps 1, --digits 6, --max-examples 8
    default = capsys.readouterr().out
    assert shown != default
    assert main(["explain", table, "--epochs", "2", "--hidden", "2", "--steps", "2"]) == 0


def test_plot_data_with_a_table_is_a_usage_error(tmp_path, capsys, no_training):
    table = write(tmp_path, "t.csv", BITS)
    picture = tmp_path / "p.png"
    argv = ["plot", table, "--kind", "boundary", "--data", table, "-o", str(picture)]
    err = refused(capsys, argv)
    assert f"--data is for a model file's boundary plot; {table} is a table" in err
    err = refused(capsys, ["plot", "--data", table, "-o", str(picture)])
    assert "the tutorial's table is a table" in err
    assert not picture.exists()


def test_plot_data_with_a_model_needs_kind_boundary(tmp_path, capsys):
    table = write(tmp_path, "t.csv", BITS)
    model = str(tmp_path / "m.safetensors")
    assert main(["train", table, "-o", model, "--epochs", "2", "-q"]) == 0
    capsys.readouterr()
    picture = tmp_path / "p.png"
    err = refused(capsys, ["plot", model, "--data", table, "-o", str(picture)])
    assert "--data is for --kind boundary, not --kind network" in err
    assert not picture.exists()


@pytest.mark.parametrize(
    ("text", "options", "message"),
    [
        pytest.param(
            BITS,
            ["--outputs", "9"],
            "--outputs 9 leaves no input column: {path} has 3 columns (expected --outputs 1 to 2)",
            id="outputs-beyond-table",
        ),
        pytest.param(
            BITS,
            ["--outputs", "3"],
            "--outputs 3 leaves no input column: {path} has 3 columns",
            id="outputs-every-column",
        ),
        pytest.param(
            BITS,
            ["--target", "nope"],
            "--target nope: {path} has no column 'nope'; choose from a, b, y",
            id="target-unknown",
        ),
        pytest.param(
            BITS,
            ["--target", "y,y"],
            "--target y,y names 'y' twice; expected each column of {path} once",
            id="target-twice",
        ),
        pytest.param(
            BITS,
            ["--target", "a,b,y"],
            "--target a,b,y leaves no input column: {path} has only the columns a, b, y",
            id="target-every-column",
        ),
        pytest.param(
            FRUIT,
            ["--outputs", "2"],
            "--outputs 2 chooses 2 columns of {path}, but 'kind' holds labels, and a label "
            "output must be the only output column",
            id="label-beside-another-output",
        ),
        pytest.param(
            BITS,
            ["--classify", "--outputs", "2"],
            "--classify makes one output column a classifier, but --outputs 2 chooses 2 columns",
            id="classify-outputs",
        ),
        pytest.param(
            BITS,
            ["--classify", "--target", "b,y"],
            "--classify makes one output column a classifier, but --target b,y chooses 2 columns",
            id="classify-target",
        ),
        pytest.param(
            FRUIT.replace(",?\n", ",2\n"),
            ["--target", "kind", "--preset", "tutorial"],
            "the tutorial recipe learns outputs of 0 and 1",
            id="tutorial-on-labels",
        ),
    ],
)
def test_outputs_the_table_lacks_are_usage_errors(tmp_path, capsys, text, options, message):
    path = write(tmp_path, "t.csv", text)
    saved = tmp_path / "m.safetensors"
    err = refused(capsys, ["solve", path, *options, "--save", str(saved), "--epochs", "2"])
    assert message.format(path=path) in err
    assert not saved.exists()


def test_option_errors_come_before_training(tmp_path, capsys, no_training):
    path = write(tmp_path, "t.csv", BITS)
    for options in (["--outputs", "9"], ["--target", "nope"], ["--target", "a,b,y"]):
        refused(capsys, ["solve", path, *options])


def test_a_problem_in_the_cells_stays_a_data_error(tmp_path, capsys):
    path = write(tmp_path, "t.csv", BITS)
    err = refused(capsys, ["solve", path, "--target", "a", "--no-impute"], code=65)
    assert f"{path}:6:3: expected a value in input column 'y', found '?'" in err


def test_classify_refuses_values_that_are_not_integer_codes(tmp_path, capsys, no_training):
    path = write(tmp_path, "c.csv", CONTINUOUS)
    err = refused(capsys, ["solve", path, "--classify"], code=65)
    assert err == (
        f"glassnet: error: {path}:2:2: expected integer class codes in output column 'y' for "
        "--classify, found 1.745; leave out --classify for regression\n"
    )


def test_classify_takes_integer_codes_and_label_columns(tmp_path, capsys):
    codes = write(tmp_path, "codes.csv", "x,y\n0,0\n1,1.0\n2,2\n3,0\n4,?\n")
    assert main(["solve", codes, "--classify", "--epochs", "3", "-q"]) == 0
    fruit = write(tmp_path, "fruit.csv", FRUIT.replace(",?\n", ",2\n"))
    assert main(["solve", fruit, "--target", "kind", "--classify", "--epochs", "3", "-q"]) == 0


def test_patience_without_held_out_rows_watches_the_training_loss(tmp_path, capsys):
    """--patience with --validation 0 is kept: fit then watches the training loss."""
    path = write(tmp_path, "t.csv", BITS)
    argv = ["train", path, "-o", str(tmp_path / "m.safetensors"), "--hidden", "2"]
    assert main([*argv, "--validation", "0", "--patience", "3", "--epochs", "5", "-q"]) == 0
    assert main(["train", "--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert "on the training rows with --validation 0" in help_text


# -- the same rule in Python: a choice the table cannot satisfy is a ConfigurationError ----------


@pytest.mark.parametrize(
    ("keywords", "message"),
    [
        pytest.param({"target": ["nope"]}, "target nope: t.txt has no column 'nope'", id="target"),
        pytest.param({"outputs": 3}, "outputs 3 leaves no input column", id="outputs"),
        pytest.param({"outputs": 2, "classify": True}, "classify makes one output", id="classify"),
    ],
)
def test_tablemodel_refuses_outputs_the_table_lacks(keywords, message):
    table = parse_table(BITS.replace(",", " "), "t.txt")
    with pytest.raises(ConfigurationError, match=message) as caught:
        TableModel(epochs=1).fit(table, **keywords)
    assert isinstance(caught.value, ValueError)
    assert caught.value.exit_code == 2


def test_tablemodel_data_problems_stay_table_format_errors():
    with pytest.raises(TableFormatError, match="expected more than 1 columns"):
        TableModel(epochs=1).fit(parse_table("y\n0\n1\n", "one.txt"))
    table = parse_table("x,y\n1,1\n2,2.301\n3,?\n", "c.csv")
    with pytest.raises(TableFormatError, match=r"^c.csv:3:2: .* found 2.301; leave out classify"):
        TableModel(epochs=1).fit(table, classify=True)
