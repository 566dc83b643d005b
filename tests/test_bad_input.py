"""Bad input through the command line: one clear line, the documented exit code, no traceback,
and every file that existed before left byte for byte as it was.

Each case runs in a folder holding a good model, an earlier output table and the inputs; the
command that fails would overwrite the model (``--save``) or the output (``-o``) had it succeeded.
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import load_file
from safetensors.numpy import save as safetensors_bytes

from glassnet.cli import main
from glassnet.errors import OutputError
from glassnet.io import model_files as io

GOOD = "a b y\n0 0 0\n0 1 1\n1 0 1\n1 1 ?\n"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(path): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.fixture
def folder(tmp_path: Path, capsys) -> Path:
    (tmp_path / "good.txt").write_text(GOOD)
    model = tmp_path / "old.safetensors"
    assert main(["train", str(tmp_path / "good.txt"), "-o", str(model), "--epochs", "50"]) == 0
    (tmp_path / "out.txt").write_text("an earlier result\n")
    capsys.readouterr()
    return tmp_path


def run(folder: Path, capsys, argv: list[str]) -> tuple[int, str]:
    before, entries = snapshot(folder), sorted(folder.rglob("*"))
    code = main([part.replace("{dir}", str(folder)) for part in argv])
    captured = capsys.readouterr()
    assert snapshot(folder) == before, "an existing file changed"
    assert sorted(folder.rglob("*")) == entries, "a file appeared or vanished"
    assert captured.out == ""
    assert "Traceback" not in captured.err
    assert captured.err.count("\n") == 1, captured.err
    assert captured.err.startswith("glassnet: error: ")
    return code, captured.err


SOLVE_OVER = ["--save", "{dir}/old.safetensors", "-o", "{dir}/out.txt"]

TABLE_CASES = [
    pytest.param(b"a b y\n0 0 0\n0 1\n1 1 ?\n", 65, "3:3: expected 3 cells", id="ragged"),
    pytest.param(b"a b y\n0 0 0\n0 x 1\n1 1 1\n1 1 ?\n", 65, "3:2: expected a number", id="text"),
    pytest.param(b"", 65, ": expected a table, found no rows", id="empty"),
    pytest.param(b"a b y\n", 65, "1: expected data rows after the header", id="header-only"),
    pytest.param(b"a b y\n0 0 ?\n1 1 ?\n", 65, "2: expected at least one row", id="all-?"),
    pytest.param(b"a b y\n0 NA 0\n1 ? 1\n1 - ?\n", 65, ": expected values in input", id="no-input"),
    pytest.param(b"a;b;y\n1,5;0;0\n2;1.5;1\n1;1;?\n", 65, "3:", id="decimal-marks"),
    pytest.param(b"a b y\n0 0 0\n0 1 1\ninf 1 ?\n", 65, "4:1: expected a finite", id="inf"),
    pytest.param(b"a b y\n0 1e309 0\n0 1 1\n1 1 ?\n", 65, "2:2: expected a finite", id="1e309"),
    pytest.param(b"a b y\n0 0 0\n0 1 \xe9\n1 1 ?\n", 65, "3: expected UTF-8 text", id="latin-1"),
    pytest.param(b'a b y\n0 0 0\n0 "1 1\n', 65, "3:2: expected a closing quote", id="quote"),
]


@pytest.mark.parametrize(("data", "code", "message"), TABLE_CASES)
def test_bad_table_for_solve(folder, capsys, data, code, message):
    (folder / "bad.txt").write_bytes(data)
    got, err = run(folder, capsys, ["solve", "{dir}/bad.txt", *SOLVE_OVER])
    assert got == code
    assert err.startswith(f"glassnet: error: {folder / 'bad.txt'}:{message}".replace(":: ", ": "))


@pytest.mark.parametrize(("data", "code", "message"), TABLE_CASES[:4] + TABLE_CASES[6:])
def test_bad_table_for_predict(folder, capsys, data, code, message):
    (folder / "bad.txt").write_bytes(data)
    argv = ["predict", "{dir}/old.safetensors", "{dir}/bad.txt", "-o", "{dir}/out.txt"]
    got, err = run(folder, capsys, argv)
    assert got == code
    assert err.startswith(f"glassnet: error: {folder / 'bad.txt'}")


def test_missing_table(folder, capsys):
    code, err = run(folder, capsys, ["solve", "{dir}/nope.txt", *SOLVE_OVER])
    assert (code, err) == (66, f"glassnet: error: {folder}/nope.txt: no such file\n")


def test_table_is_a_directory(folder, capsys):
    (folder / "sub").mkdir()
    code, err = run(folder, capsys, ["train", "{dir}/sub", "-o", "{dir}/old.safetensors"])
    assert code == 66
    assert "is a directory" in err


def test_wrong_number_of_columns_at_predict(folder, capsys):
    (folder / "wide.txt").write_text("0 0 0 ?\n")
    argv = ["predict", "{dir}/old.safetensors", "{dir}/wide.txt", "-o", "{dir}/out.txt"]
    code, err = run(folder, capsys, argv)
    assert code == 65
    assert "wide.txt:1: expected 3 columns (2 input and 1 output, as in training) or 2" in err


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (
            "w x y",
            "wide.txt:1: expected the input columns a, b as in training, found no column 'a'",
        ),
        ("a y", "wide.txt:1: expected the input columns a, b as in training, found no column 'b'"),
    ],
)
def test_header_names_unknown_or_missing_columns(folder, capsys, header, message):
    cells = " ".join(["0"] * len(header.split()))
    (folder / "wide.txt").write_text(f"{header}\n{cells}\n")
    for command in ("predict", "evaluate"):
        argv = [command, "{dir}/old.safetensors", "{dir}/wide.txt"]
        code, err = run(folder, capsys, argv)
        assert code == 65
        assert message in err


def test_columns_the_model_does_not_know_pass_through_with_a_note(folder, capsys):
    (folder / "wide.txt").write_text("id b a note\n7 0 1 hello\n")
    assert main(["predict", str(folder / "old.safetensors"), str(folder / "wide.txt")]) == 0
    captured = capsys.readouterr()
    header, row = captured.out.splitlines()
    assert header == "id b a note y"
    assert row.startswith("7 0 1 hello ")
    assert captured.err == (
        "glassnet: note: the model does not know the column(s) 'id', 'note': passed through\n"
    )
    argv = ["predict", str(folder / "old.safetensors"), str(folder / "wide.txt"), "--ignore", "id"]
    assert main([*argv, "--ignore", "note"]) == 0
    assert capsys.readouterr().err == ""


def newer_model(path: Path, target: Path) -> None:
    document = io.read_metadata(path)
    document["format_version"] = io.FORMAT_VERSION + 1
    document["document_sha256"] = io.document_checksum(document)
    data = safetensors_bytes(load_file(path), metadata={io.METADATA_KEY: json.dumps(document)})
    target.write_bytes(data)


MODEL_CASES = {
    "truncated": (lambda good: good[: len(good) - 7], "truncated"),
    "random": (lambda good: np.random.default_rng(0).bytes(300), "not a glassnet model file"),
    "pickled": (lambda good: pickle.dumps({"weights": [1.0, 2.0]}), "looks like a pickle"),
    "empty": (lambda good: b"", "the file is empty"),
}


@pytest.mark.parametrize("case", [*MODEL_CASES, "newer"])
@pytest.mark.parametrize("command", ["predict", "evaluate", "info"])
def test_bad_model_files(folder, capsys, case, command):
    bad = folder / "bad.safetensors"
    if case == "newer":
        newer_model(folder / "old.safetensors", bad)
        expected = "was written by a newer glassnet"
    else:
        make, expected = MODEL_CASES[case]
        bad.write_bytes(make((folder / "old.safetensors").read_bytes()))
    argv = [command, "{dir}/bad.safetensors"]
    if command != "info":
        argv.append("{dir}/good.txt")
    if command == "predict":
        argv += ["-o", "{dir}/out.txt"]
    code, err = run(folder, capsys, argv)
    assert code == 65
    assert expected in err


def test_missing_model_file(folder, capsys):
    code, err = run(folder, capsys, ["info", "{dir}/nope.safetensors"])
    assert code == 66
    assert "does not exist" in err


def test_model_file_is_a_directory(folder, capsys):
    (folder / "sub").mkdir()
    code, err = run(folder, capsys, ["predict", "{dir}/sub", "{dir}/good.txt"])
    assert code == 66
    assert "is a directory" in err


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(
            ["solve", "{dir}/good.txt", "--save", "{dir}/no/such/m.safetensors"], id="save"
        ),
        pytest.param(["solve", "{dir}/good.txt", "-o", "{dir}/no/out.txt"], id="output"),
        pytest.param(["train", "{dir}/good.txt", "-o", "{dir}"], id="model-is-dir"),
        pytest.param(
            ["predict", "{dir}/old.safetensors", "{dir}/good.txt", "-o", "{dir}/"], id="dir"
        ),
    ],
)
def test_unwritable_output(folder, capsys, argv):
    code, err = run(folder, capsys, argv)
    assert code == 73
    assert "cannot write" in err


def test_diverging_run_leaves_model_and_output(folder, capsys):
    (folder / "big.txt").write_text("a b y\n1 2 1000\n2 3 2000\n3 1 1500\n4 4 ?\n")
    argv = ["solve", "{dir}/big.txt", "--optimizer", "sgd", "--lr", "1e6", "--l2", "0"]
    code, err = run(folder, capsys, [*argv, "--validation", "0", *SOLVE_OVER])
    assert code == 1
    assert "training diverged" in err
    assert err.rstrip().endswith("; nothing was written")


def test_failing_train_leaves_the_old_model(folder, capsys):
    (folder / "bad.txt").write_text("a b y\n0 0 0\n0 x 1\n1 1 1\n")
    code, _ = run(folder, capsys, ["train", "{dir}/bad.txt", "-o", "{dir}/old.safetensors"])
    assert code == 65


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_save_and_unwritable_output_change_neither_file(folder, capsys):
    argv = ["solve", "{dir}/good.txt", "--save", "{dir}/old.safetensors", "-o", "/proc/x"]
    code, err = run(folder, capsys, [*argv, "--epochs", "5"])
    assert code == 73
    assert "cannot write /proc/x" in err


def test_failing_second_write_leaves_the_first_file(folder, capsys, monkeypatch):
    written = []
    real = io.write_atomically

    def refuse(path, data):  # the model (written first) succeeds, the table fails
        if ".safetensors" in str(path):
            written.append(path)
            return real(path, data)
        raise OutputError(f"cannot write {path}: disk full; any existing file there is unchanged")

    monkeypatch.setattr(io, "write_atomically", refuse)
    code, err = run(folder, capsys, ["solve", "{dir}/good.txt", *SOLVE_OVER, "--epochs", "5"])
    assert code == 73
    assert "disk full" in err
    assert len(written) == 1  # the new model was written, beside the old one, then removed


def test_save_and_output_must_differ(folder, capsys):
    argv = ["solve", "{dir}/good.txt", "--save", "{dir}/out.txt", "-o", "{dir}/out.txt"]
    code, err = run(folder, capsys, argv)
    assert code == 2
    assert "expected different files for --save and --output" in err


@pytest.mark.parametrize(
    ("table", "where"),
    [
        pytest.param("x,y\n1,1e300\n2,2e300\n3,?\n", "big.csv:2:2", id="output-1e300"),
        pytest.param("x,y\n1e308,1\n2,2\n3,?\n", "big.csv:2:1", id="input-1e308"),
        pytest.param("x,y\n1,1\n1e160,2\n3,?\n", "big.csv:3:1", id="input-1e160"),
    ],
)
@pytest.mark.parametrize("extra", [[], ["--json"], ["--preset", "standard"]])
def test_numbers_too_large_to_train_on(folder, capsys, table, where, extra):
    (folder / "big.csv").write_text(table)
    for argv in (
        ["solve", "{dir}/big.csv", *SOLVE_OVER, *extra],
        ["train", "{dir}/big.csv", "-o", "{dir}/old.safetensors", *extra],
    ):
        code, err = run(folder, capsys, argv)
        assert code == 65
        assert f"{where}: expected numbers of magnitude at most 1e+100 to train on" in err
        assert "rescale column" in err


def test_numbers_too_large_at_predict(folder, capsys):
    (folder / "big.txt").write_text("a b y\n1e200 0 ?\n")
    code, err = run(folder, capsys, ["predict", "{dir}/old.safetensors", "{dir}/big.txt"])
    assert code == 65
    assert "big.txt:2:1: expected numbers of magnitude at most 1e+100" in err


def test_floating_point_warnings_become_one_line_errors(folder, capsys, monkeypatch):
    import numpy as np

    from glassnet.tables import TableModel

    def overflow(self, table, layout=None):
        return np.array([[1e300]]) ** 2

    monkeypatch.setattr(TableModel, "predict", overflow)
    code, err = run(folder, capsys, ["predict", "{dir}/old.safetensors", "{dir}/good.txt"])
    assert code == 65
    assert "a number went out of range (overflow encountered" in err
