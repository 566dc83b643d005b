"""The command line through main(): solve, train, predict, evaluate, info, and their options."""

from __future__ import annotations

import argparse
import io
import json
import sys

import pytest

import glassnet.cli.program as cli
import glassnet.cli.tables as cli_tables
import glassnet.cli.training as cli_training
from glassnet import __version__
from glassnet.cli import main

POST = "Input Output\n0 0 1 1\n1 1 1 1\n1 0 1 1\n0 1 1 0\n1 0 0 ?\n"
CORRECTED = "Input Output\n0 0 1 0\n1 1 1 1\n1 0 1 1\n0 1 1 0\n1 0 0 ?\n"
FRUIT = (
    "color,size,weight,kind\n"
    "red,small,1.0,apple\ngreen,small,1.2,apple\nyellow,big,5,melon\ngreen,big,6,melon\n"
    "red,small,1.1,?\nyellow,big,4.0,?\n"
)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def stdin_bytes(monkeypatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


@pytest.mark.parametrize(
    ("text", "answer"),
    [pytest.param(POST, "0.99984739", id="as-printed"), pytest.param(CORRECTED, "0.99993704")],
)
@pytest.mark.parametrize("via", ["file", "stdin"])
def test_solve_tutorial_tables(text, answer, via, tmp_path, monkeypatch, capsys):
    if via == "file":
        path = tmp_path / "table.txt"
        path.write_text(text)
        argv = ["solve", str(path)]
    else:
        stdin_bytes(monkeypatch, text.encode())
        argv = ["solve", "-"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines()[-1] == f"1 0 0 {answer}"
    assert captured.out.splitlines()[0] == "Input Output"  # the group header is kept
    assert captured.out.splitlines()[1] == text.splitlines()[1]
    assert captured.err == (  # one line: how well the model fits, beside the baseline
        "glassnet: trained 10000 epochs: accuracy 1.0000 on the 4 rows learned from (always "
        f"answering 1: accuracy {0.75 if text == POST else 0.5:.4f})\n"
    )


def test_solve_without_argument_is_the_tutorial(capsys):
    assert main(["solve"]) == 0
    assert capsys.readouterr().out == "0 0 1 0\n1 1 1 1\n1 0 1 1\n0 1 1 0\n1 0 0 0.99993704\n"


def test_solve_json_is_one_document(capsys):
    assert main(["solve", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["command"] == "solve"
    assert document["settings"]["preset"] == "tutorial"
    (answer,) = document["answers"]
    assert answer["line"] == 6
    assert f"{answer['probabilities']['Output']:.8f}" == "0.99993704"
    assert document["table"][-1] == ["1", "0", "0", "0.99993704"]


def test_solve_labels_keeps_header_and_notes_probability(tmp_path, capsys):
    path = tmp_path / "fruit.csv"
    path.write_text(FRUIT)
    assert main(["solve", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:5] == FRUIT.splitlines()[:5]
    assert lines[5] == "red,small,1.1,apple"  # CSV cells stay clean: no "# p=" comment
    assert lines[6] == "yellow,big,4.0,melon"
    spaced = tmp_path / "fruit.txt"
    spaced.write_text(FRUIT.replace(",", " "))
    assert main(["solve", str(spaced)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[5].startswith("red small 1.1 apple  # p=")


def test_solve_options_reach_the_model(tmp_path, capsys):
    path = tmp_path / "t.tsv"
    path.write_text("a\tb\ty\n0\t1\t0\n1\t0\t1\n1\t1\t1\n0\t0\t?\n")
    argv = ["solve", str(path), "--json", "--hidden", "3,2", "--activation", "relu"]
    argv += ["--epochs", "7", "--lr", "0.1", "--optimizer", "momentum", "--batch-size", "2"]
    argv += ["--l2", "0.001", "--seed", "4", "--validation", "0", "--patience", "3"]
    assert main(argv) == 0
    settings = json.loads(capsys.readouterr().out)["settings"]
    expected = {"hidden": [3, 2], "activation": "relu", "epochs": 7, "lr": 0.1}
    expected |= {"optimizer": "momentum", "batch_size": 2, "l2": 0.001, "seed": 4}
    expected |= {"validation": 0.0, "patience": 3, "preset": "standard"}
    assert {key: settings[key] for key in expected} == expected


def test_solve_batch_size_full_and_preset(capsys):
    assert main(["solve", "--json", "--preset", "standard", "--batch-size", "full"]) == 0
    settings = json.loads(capsys.readouterr().out)["settings"]
    assert (settings["preset"], settings["batch_size"], settings["shuffle"]) == (
        "standard",
        0,  # the full batch, said explicitly: a large table's mini-batches do not replace it
        False,
    )


def test_solve_target_outputs_sep_and_header(tmp_path, capsys):
    path = tmp_path / "t.txt"
    path.write_text("1;0;0\n0;1;1\n1;1;1\n0;0;?\n")
    assert main(["solve", str(path), "--sep", "semicolon", "--no-header", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["columns"] == ["column1", "column2", "column3"]
    path.write_text("y a b\n0 1 0\n1 0 1\n1 1 1\n? 0 0\n")
    assert main(["solve", str(path), "--target", "y", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["answers"][0]["line"] == 5
    assert document["table"][-1][0].startswith("0.")
    argv = ["solve", str(path), "--outputs", "2", "--json", "--epochs", "3", "--no-impute"]
    assert main(argv) == 65  # y, an input now, has a '?


def test_solve_save_and_output_files(tmp_path, capsys):
    model, out = tmp_path / "m.safetensors", tmp_path / "filled.txt"
    assert main(["solve", "--save", str(model), "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"wrote {out}" in captured.err
    assert out.read_text().endswith("1 0 0 0.99993704\n")
    assert model.stat().st_size > 0


def test_train_info_predict_evaluate(tmp_path, capsys):
    table, model = tmp_path / "fruit.csv", tmp_path / "fruit.safetensors"
    table.write_text(FRUIT)
    assert main(["train", str(table), "-o", str(model)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"saved {model}\n")
    assert "classifier of labels (softmax)" in out

    assert main(["info", str(model)]) == 0
    info = capsys.readouterr().out
    for expected in ("layer 1: 6 -> 16 tanh", "layer 2: 16 -> 2 softmax", "classes: apple, melon"):
        assert expected in info
    assert "input color: label, one-hot over green, red, yellow" in info
    assert "settings: preset=standard" in info
    assert "metrics: rows=4" in info

    assert main(["info", str(model), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["format_version"] == 1
    assert document["metadata"]["columns"] == ["color", "size", "weight", "kind"]
    assert document["metadata"]["settings"]["hidden"] == [16]

    assert main(["predict", str(model), str(table)]) == 0
    predicted = capsys.readouterr().out.splitlines()
    assert predicted[5].startswith("red,small,1.1,")
    assert predicted[1] == "red,small,1.0,apple"

    assert main(["predict", str(model), str(table), "--all"]) == 0
    assert "# p=" not in capsys.readouterr().out

    inputs = tmp_path / "inputs.csv"
    inputs.write_text("color,size,weight\nred,small,1\n")
    assert main(["predict", str(model), str(inputs), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["columns"] == ["color", "size", "weight", "kind"]
    assert document["answers"][0]["answer"] in ("apple", "melon")

    assert main(["evaluate", str(model), str(table)]) == 0
    scores = capsys.readouterr().out
    assert "rows: 4\n" in scores
    assert "accuracy: " in scores
    assert "confusion matrix (rows: true, columns: predicted):" in scores
    assert main(["evaluate", str(model), str(table), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["classes"] == ["apple", "melon"]
    assert len(document["confusion"]) == 2


def test_evaluate_regression(tmp_path, capsys):
    table, model = tmp_path / "lin.txt", tmp_path / "lin.safetensors"
    table.write_text(
        "a b y\n" + "".join(f"{a} {b} {a + 2 * b}\n" for a in range(4) for b in range(4))
    )
    assert main(["train", str(table), "-o", str(model), "--epochs", "300", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["task"] == "regression"
    assert main(["evaluate", str(model), str(table)]) == 0
    out = capsys.readouterr().out
    assert "R²: " in out
    assert "MAE (table units): " in out
    assert "loss (mse of the standardized outputs, as in training): " in out


def test_progress_only_on_a_terminal(monkeypatch, capsys):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    clock = iter(range(0, 100_000))
    monkeypatch.setattr(cli_training.time, "monotonic", lambda: next(clock))
    assert main(["solve", "--epochs", "5"]) == 0
    assert "\repoch 5 of 5: loss " in terminal.getvalue()
    assert " rows/s, at most " in terminal.getvalue()
    assert terminal.getvalue().endswith("\n")
    quiet = Terminal()
    monkeypatch.setattr(sys, "stderr", quiet)
    assert main(["solve", "--epochs", "5", "--quiet"]) == 0
    assert quiet.getvalue() == ""
    monkeypatch.undo()
    assert main(["solve", "--epochs", "5"]) == 0
    assert "\repoch" not in capsys.readouterr().err  # stderr is no terminal here
    monkeypatch.setattr(cli_training.time, "monotonic", lambda: next(clock))
    assert main(["solve", "--epochs", "5", "--progress"]) == 0
    assert "\repoch 5 of 5: loss " in capsys.readouterr().err  # asked for: shown anyway
    assert main(["solve", "--epochs", "5", "--progress", "-q"]) == 0
    assert capsys.readouterr().err == ""


def test_version_and_help(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"glassnet {__version__}\n"
    assert main(["--help"]) == 0
    assert "exit codes: 0 ok" in capsys.readouterr().out
    for command in ("solve", "train", "predict", "evaluate", "info"):
        assert main([command, "--help"]) == 0
        assert "examples:\n  glassnet " in capsys.readouterr().out
    assert main(["solve", "--help"]) == 0
    assert "tutorial's recipe" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["fly"],
        ["solve", "--hidden", "x"],
        ["solve", "--lr", "-1"],
        ["solve", "--validation", "1"],
        ["solve", "--optimizer", "rmsprop"],
        ["train", "t.csv"],
        ["predict", "m.safetensors"],
        ["solve", "--epochs", "-5"],
        ["solve", "--epochs", "0"],
        ["train", "t.csv", "-o", "m.safetensors", "--epochs", "0"],
        ["solve", "--outputs", "0"],
        ["solve", "--bogus"],
        ["solve", "--sep", "x"],
        ["explain", "--hidden", "8,4,x"],
        ["explain", "--epochs", "0"],
        ["explain", "--bogus"],
        ["plot", "--bogus"],
        ["animate", "--bogus"],
        ["export", "m.safetensors", "--bogus"],
    ],
)
def test_usage_errors_exit_2(argv, capsys):
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("glassnet: error: ")
    assert captured.err.count("\n") == 1, captured.err
    assert "usage:" not in captured.err
    assert "--help')" in captured.err
    assert "_positive" not in captured.err


def test_usage_error_names_the_command_help(capsys):
    assert main(["solve", "--lr", "-1"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "glassnet: error: argument --lr: expected a finite number >= 0, got '-1' "
        "(see 'glassnet solve --help')\n"
    )
    assert main(["fly"]) == 2
    assert "invalid choice: 'fly'" in capsys.readouterr().err


@pytest.mark.parametrize(
    "command",
    ["solve", "train", "predict", "evaluate", "info", "explain", "plot", "animate", "export"],
)
def test_quiet_and_debug_after_every_command(command):
    parser = cli.build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    options = {o for action in commands.choices[command]._actions for o in action.option_strings}
    assert {"-q", "--quiet", "--debug"} <= options


def test_quiet_after_export_reaches_the_command(tmp_path, capsys):
    missing = str(tmp_path / "none.safetensors")
    assert main(["export", missing, "-o", str(tmp_path / "x.onnx"), "-q"]) == 66
    assert main(["export", missing, "-o", str(tmp_path / "x.onnx"), "--debug"]) == 66
    assert "does not exist" in capsys.readouterr().err


def test_diverging_training_exits_1(tmp_path, capsys):
    path = tmp_path / "big.txt"
    path.write_text("a b y\n1 2 1000\n2 3 2000\n3 1 1500\n4 4 ?\n")
    argv = ["solve", str(path), "--optimizer", "sgd", "--lr", "1e6", "--validation", "0"]
    assert main([*argv, "--l2", "0"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("glassnet: error: training diverged at epoch ")
    assert err.count("\n") == 1


def test_internal_error_is_one_line_unless_debug(monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise RuntimeError("something\nbroke")

    monkeypatch.setattr(cli_training.TableModel, "fit", broken)
    assert main(["solve"]) == 70
    err = capsys.readouterr().err
    assert err.startswith("glassnet: internal error: RuntimeError: something broke; please report")
    assert err.count("\n") == 1
    assert main(["solve", "--debug"]) == 70
    assert "Traceback" in capsys.readouterr().err
    assert main(["--debug", "solve"]) == 70
    assert "Traceback" in capsys.readouterr().err


def test_errors_with_debug_show_the_traceback(capsys):
    assert main(["solve", "nope.txt", "--debug"]) == 66
    err = capsys.readouterr().err
    assert "Traceback" in err
    assert err.endswith("glassnet: error: nope.txt: no such file\n")


def test_broken_pipe_exits_quietly(monkeypatch, capsys):
    class ClosedPipe(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError

    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    assert main(["solve"]) == 0
    assert capsys.readouterr().err == ""


def test_keyboard_interrupt_exits_130(monkeypatch, capsys):
    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_tables, "read_source", interrupt)
    assert main(["solve"]) == 130
    assert capsys.readouterr().err == "glassnet: interrupted\n"


def test_registered_commands_run_and_warnings_go_to_stderr(monkeypatch, capsys):
    def run(args):
        import warnings

        warnings.warn("mind the\ngap", UserWarning, stacklevel=1)
        print("hello", args.name)
        return 0

    def register(commands):
        parser = commands.add_parser("hello", help="say hello")
        parser.add_argument("name")
        parser.add_argument("--quiet", action="store_true")
        parser.set_defaults(run=run)

    monkeypatch.setattr(cli, "REGISTRATIONS", (*cli.REGISTRATIONS, register))
    assert main(["hello", "world"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "hello world\n"
    assert captured.err == "glassnet: warning: mind the gap\n"
    assert main(["hello", "world", "--quiet"]) == 0
    assert capsys.readouterr().err == ""


# -- columns by name, separators, headers, recipes ------------------------------------------------

NUMBERS = "a,b,c,y\n" + "".join(
    f"{a},{b},{(a * b) % 3},{a + 2 * b - (a * b) % 3}\n" for a in range(5) for b in range(4)
)


def test_predict_and_evaluate_match_columns_by_header_name(tmp_path, capsys):
    table, model = tmp_path / "n.csv", tmp_path / "m.safetensors"
    table.write_text(NUMBERS)
    assert main(["train", str(table), "-o", str(model), "--epochs", "50", "-q"]) == 0
    capsys.readouterr()
    assert main(["evaluate", str(model), str(table), "--json"]) == 0
    in_order = json.loads(capsys.readouterr().out)
    lines = NUMBERS.splitlines()
    swapped = tmp_path / "swapped.csv"  # columns c, y, a, b: the header says which is which
    rows = [line.split(",") for line in lines]
    swapped.write_text("".join(",".join([r[2], r[3], r[0], r[1]]) + "\n" for r in rows))
    assert main(["evaluate", str(model), str(swapped), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["r2"] == in_order["r2"]
    inputs = tmp_path / "inputs.csv"  # inputs only, reordered: b, a, c
    inputs.write_text("".join(",".join([r[1], r[0], r[2]]) + "\n" for r in rows))
    assert main(["predict", str(model), str(inputs), "--json"]) == 0
    by_name = json.loads(capsys.readouterr().out)["answers"][0]["answer"]["y"]
    assert main(["predict", str(model), str(table), "--all", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["answers"][0]["answer"]["y"] == by_name
    headerless = tmp_path / "plain.csv"  # no header: by position
    headerless.write_text("\n".join(lines[1:]) + "\n")
    assert main(["evaluate", str(model), str(headerless), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["r2"] == in_order["r2"]


@pytest.mark.parametrize(("sep", "name"), [(";", None), ("|", None), ("|", "pipe")])
def test_semicolon_and_pipe_tables_are_detected(tmp_path, capsys, sep, name):
    path = tmp_path / "s.csv"
    path.write_text(f"a{sep}b{sep}y\n1{sep}2{sep}0\n2{sep}3{sep}1\n3{sep}3{sep}?\n")
    assert main(["solve", str(path), "-q", *(["--sep", name] if name else [])]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"a{sep}b{sep}y"
    assert lines[-1].startswith(f"3{sep}3{sep}0.")


def test_solve_keeps_a_whitespace_group_header(tmp_path, capsys):
    path = tmp_path / "tut.txt"
    path.write_text("Input Output\n0 0 1 0\n1 1 1 1\n1 0 1 1\n0 1 1 0\n1 0 0 ?\n")
    filled = tmp_path / "filled.txt"  # not the table itself: an input is never overwritten
    assert main(["solve", str(path), "-o", str(filled), "-q"]) == 0
    assert filled.read_text().splitlines()[0] == "Input Output"
    assert filled.read_text().splitlines()[-1] == "1 0 0 0.99993704"


def test_tutorial_preset_refuses_outputs_it_cannot_learn(tmp_path, capsys):
    path = tmp_path / "fruit.csv"
    path.write_text(FRUIT)
    assert main(["solve", str(path), "--preset", "tutorial", "--save", str(tmp_path / "m")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "glassnet: error: the tutorial recipe learns outputs of 0 and 1 (sigmoid neurons), but "
        "output column 'kind' holds labels; use --preset standard (or leave --preset out)\n"
    )
    assert not (tmp_path / "m").exists()


def test_classify_makes_integer_codes_labels(tmp_path, capsys):
    path = tmp_path / "codes.csv"
    rows = "".join(f"{x},{x % 3}\n" for x in range(12))
    path.write_text("x,code\n" + rows + "4,?\n")
    assert main(["solve", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["task"] == "regression"
    assert main(["solve", str(path), "--json", "--classify"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["task"] == "multiclass"
    assert document["classes"] == ["0", "1", "2"]
    assert document["table"][-1][1] in ("0", "1", "2")


def test_final_loss_is_the_trained_models_and_settings_name_the_loss(tmp_path, capsys):
    table, model = tmp_path / "n.csv", tmp_path / "m.safetensors"
    table.write_text(NUMBERS)
    assert main(["train", str(table), "-o", str(model), "--epochs", "30", "--json"]) == 0
    trained = json.loads(capsys.readouterr().out)
    assert trained["settings"]["loss"] == "mse"
    fruit = tmp_path / "fruit.csv"
    fruit.write_text(FRUIT)
    assert main(["train", str(fruit), "-o", str(model), "--epochs", "30", "--json"]) == 0
    trained = json.loads(capsys.readouterr().out)
    assert trained["settings"]["loss"] == "categorical_crossentropy"
    assert main(["evaluate", str(model), str(fruit), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["loss"] == trained["metrics"]["loss"]
    assert main(["info", str(model)]) == 0
    assert "loss=categorical_crossentropy" in capsys.readouterr().out


def test_info_says_the_tutorial_recipe_does_not_scale(tmp_path, capsys):
    model = tmp_path / "t.safetensors"
    path = tmp_path / "t.txt"
    path.write_text(cli_training.TUTORIAL_TABLE)
    assert main(["train", str(path), "-o", str(model), "-q"]) == 0
    assert main(["info", str(model)]) == 0
    out = capsys.readouterr().out
    assert "input Input1: number, not scaled" in out
    assert "loss=sse" in out


def test_solve_without_a_question_says_so(tmp_path, capsys):
    path = tmp_path / "full.txt"
    path.write_text("a b y\n0 0 0\n0 1 1\n1 0 1\n")
    assert main(["solve", str(path), "--epochs", "5"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "a b y\n0 0 0\n0 1 1\n1 0 1\n"
    assert captured.err.startswith("glassnet: note: nothing to fill: no '?' in y\n")


def test_missing_optional_package_is_a_usage_error(monkeypatch, tmp_path, capsys):
    def onnx_missing(args):
        error = ModuleNotFoundError("No module named 'onnx'", name="onnx")
        raise error

    monkeypatch.setattr(cli_tables, "_info", onnx_missing)
    assert main(["info", str(tmp_path / "m.safetensors")]) == 2
    assert capsys.readouterr().err == (
        "glassnet: error: this needs onnx, which is not installed; install it with: "
        "pip install 'glassnet[onnx]'\n"
    )
