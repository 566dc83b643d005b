"""How the command treats the files it writes: devices and pipes, its own inputs, suffixes.

Devices are nodes made in the test's own folder (``os.mknod``), never the real ``/dev/null``
or ``/dev/full`` when running as root, who could replace them; other users, who cannot make
nodes, write to the real ones, which they cannot harm. A pipe is an ``os.mkfifo`` read by a
thread.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import glassnet as gn
from glassnet.cli import main
from glassnet.cli.pictures import _is_model

TABLE = "a b y\n0 0 0\n0 1 1\n1 0 1\n1 1 ?\n"
QUICK = ["--epochs", "20"]
NULL, FULL = (1, 3), (1, 7)  # Linux's major and minor numbers of /dev/null and /dev/full


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every regular file's bytes (devices and pipes are left unread)."""
    return {str(path): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def device(path: Path, numbers: tuple[int, int]) -> Path:
    """A device node at ``path``; without root, the real device, which only root could replace."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(*numbers))
    except PermissionError:  # only root may make device nodes, and only root can harm /dev
        return Path("/dev/null" if numbers == NULL else "/dev/full")
    return path


def is_device(path: Path) -> bool:
    return stat.S_ISCHR(os.lstat(path).st_mode)


@contextlib.contextmanager
def fifo_read(path: Path) -> Iterator[dict[str, bytes]]:
    """Make a named pipe at ``path`` and read all that is written to it, in a thread."""
    os.mkfifo(path)
    got: dict[str, bytes] = {}

    def read() -> None:
        with open(path, "rb") as handle:
            got["data"] = handle.read()

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    try:
        yield got
    finally:
        if "data" not in got:  # nobody wrote: open the pipe once so the reader sees its end
            with contextlib.suppress(OSError):
                os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
        thread.join(timeout=30)
    assert not thread.is_alive()
    assert stat.S_ISFIFO(os.lstat(path).st_mode), "the pipe was replaced"


@pytest.fixture
def folder(tmp_path: Path, capsys) -> Path:
    """A table, a model trained on it and an earlier result, as a user's folder holds."""
    (tmp_path / "data.txt").write_text(TABLE)
    model = tmp_path / "m.safetensors"
    assert main(["train", str(tmp_path / "data.txt"), "-o", str(model), *QUICK, "-q"]) == 0
    (tmp_path / "out.txt").write_text("an earlier result\n")
    capsys.readouterr()
    return tmp_path


def one_line_error(capsys) -> str:
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert captured.err.count("\n") == 1, captured.err
    assert captured.err.startswith("glassnet: error: ")
    return captured.err


@pytest.fixture
def no_training(monkeypatch):
    """Fail the test if a command trains: refusals must come before training."""

    def refuse(*args, **kwargs):
        raise AssertionError("trained before refusing")

    monkeypatch.setattr(gn.TableModel, "fit", refuse)


# -- devices and pipes are written through, never replaced ------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        pytest.param(["-o", "{dev}"], id="output"),
        pytest.param(["--json", "-o", "{dev}"], id="json-output"),
        pytest.param(["--save", "{dev}"], id="save"),
        pytest.param(["--save", "{dev}", "-o", "{dir}/new.txt"], id="save-and-output"),
        pytest.param(["--save", "{dir}/new.safetensors", "-o", "{dev}"], id="output-and-save"),
    ],
)
def test_solve_writes_through_a_null_device(folder, capsys, options):
    null = device(folder / "null", NULL)
    argv = ["solve", str(folder / "data.txt"), *QUICK, "-q"]
    argv += [part.format(dev=null, dir=folder) for part in options]
    assert main(argv) == 0, capsys.readouterr().err
    assert is_device(null)
    assert not [path.name for path in folder.iterdir() if path.name.startswith(".")]
    if "{dir}/new.txt" in options:
        filled = (folder / "new.txt").read_text()
        assert filled.startswith("a b y\n")
        assert "?" not in filled
    if "{dir}/new.safetensors" in options:
        assert gn.TableModel.load(folder / "new.safetensors").task_


@pytest.mark.parametrize(
    "options",
    [
        pytest.param(["-o", "{dev}", "--save", "{dir}/m.safetensors"], id="output-full"),
        pytest.param(["--json", "-o", "{dev}"], id="json-output-full"),
        pytest.param(["--save", "{dev}", "-o", "{dir}/out.txt"], id="save-full"),
    ],
)
def test_solve_to_a_full_device_fails_and_changes_nothing(folder, capsys, options):
    full = device(folder / "full", FULL)
    before = snapshot(folder)
    argv = ["solve", str(folder / "data.txt"), *QUICK]
    argv += [part.format(dev=full, dir=folder) for part in options]
    assert main(argv) == 73
    err = one_line_error(capsys)
    assert f"cannot write {full}: No space left on device" in err
    assert is_device(full)
    assert snapshot(folder) == before, "another output changed"


@pytest.mark.parametrize("json_output", [False, True], ids=["text", "json"])
def test_solve_output_into_a_pipe(folder, capsys, json_output):
    pipe = folder / "pipe"
    argv = ["solve", str(folder / "data.txt"), *QUICK, "-o", str(pipe), "-q"]
    with fifo_read(pipe) as got:
        assert main([*argv, "--json"] if json_output else argv) == 0
    assert got["data"].decode().startswith("a b y\n")  # the table, never the JSON document
    out = capsys.readouterr().out
    if json_output:
        assert json.loads(out)["command"] == "solve"
    else:
        assert out == ""


def test_solve_save_into_a_pipe_gives_the_model_bytes(folder, capsys, monkeypatch):
    pipe = folder / "pipe"
    argv = ["solve", str(folder / "data.txt"), *QUICK, "--save", str(pipe), "-o", "out.txt"]
    monkeypatch.chdir(folder)
    with fifo_read(pipe) as got:
        assert main(argv) == 0, capsys.readouterr().err
    (folder / "copy.safetensors").write_bytes(got["data"])
    model = gn.TableModel.load(folder / "copy.safetensors")
    assert model.outputs_[0]["name"] == "y"
    assert (folder / "out.txt").read_text().startswith("a b y\n")


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["train", "{dir}/data.txt", "-o", "{dev}", *QUICK], id="train"),
        pytest.param(
            ["predict", "{dir}/m.safetensors", "{dir}/data.txt", "-o", "{dev}"], id="predict"
        ),
        pytest.param(
            ["export", "{dir}/m.safetensors", "--format", "onnx", "-o", "{dev}"], id="export"
        ),
        pytest.param(["plot", "{dir}/m.safetensors", "-o", "{dev}"], id="plot"),
        pytest.param(
            ["animate", "{dir}/data.txt", "-o", "{dev}", "--epochs", "2", "--frames", "2"],
            id="animate",
        ),
    ],
)
def test_every_command_writes_through_a_null_device(folder, capsys, argv):
    null = device(folder / "null", NULL)
    before = snapshot(folder)
    assert main([part.format(dev=null, dir=folder) for part in argv]) == 0, capsys.readouterr()
    assert is_device(null)
    assert snapshot(folder) == before


def test_a_device_is_checked_by_its_own_permission_not_its_folders(folder, capsys, monkeypatch):
    # As an ordinary user /dev is not writable but /dev/null is; root sees both writable, so
    # the folders are made to look read-only here.
    null = device(folder / "null", NULL)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: not os.path.isdir(p) and real_access(p, mode))
    assert main(["solve", str(folder / "data.txt"), *QUICK, "-o", str(null), "-q"]) == 0
    assert main(["solve", str(folder / "data.txt"), *QUICK, "-o", str(folder / "new.txt")]) == 73
    assert "is not writable" in one_line_error(capsys)


# -- an output may not be one of the command's inputs ------------------------------------------


def folder_with_links(folder: Path) -> Path:
    (folder / "link.txt").symlink_to(folder / "data.txt")
    os.link(folder / "data.txt", folder / "hard.txt")
    (folder / "t.png").write_text(TABLE)  # tables may have any name
    (folder / "t.gif").write_text(TABLE)
    (folder / "m.png").write_bytes((folder / "m.safetensors").read_bytes())
    return folder


SELF_OVERWRITES = [
    pytest.param(
        ["train", "data.txt", "-o", "data.txt"],
        "error: --output data.txt is the input table; choose another file\n",
        id="train",
    ),
    pytest.param(
        ["train", "data.txt", "-o", "./sub/../data.txt"], "is the input table", id="train-relative"
    ),
    pytest.param(
        ["train", "data.txt", "-o", "link.txt"],
        "--output link.txt is the input table",
        id="train-symlink",
    ),
    pytest.param(
        ["train", "link.txt", "-o", "{dir}/data.txt"], "is the input table", id="train-via-link"
    ),
    pytest.param(
        ["train", "data.txt", "-o", "hard.txt"], "is the input table", id="train-hard-link"
    ),
    pytest.param(
        ["solve", "data.txt", "--save", "data.txt"],
        "--save data.txt is the input table",
        id="solve-save",
    ),
    pytest.param(
        ["solve", "data.txt", "-o", "data.txt"],
        "--output data.txt is the input table",
        id="solve-output",
    ),
    pytest.param(
        ["solve", "t.png", "--plot", "t.png"], "--plot t.png is the input table", id="solve-plot"
    ),
    pytest.param(
        ["solve", "data.txt", "--save", "out.txt", "--plot", "out.txt"],
        "expected different files for --save and --plot",
        id="solve-save-plot",
    ),
    pytest.param(
        ["predict", "m.safetensors", "data.txt", "-o", "m.safetensors"],
        "is the model file",
        id="predict-model",
    ),
    pytest.param(
        ["predict", "m.safetensors", "data.txt", "-o", "data.txt"],
        "is the input table",
        id="predict-table",
    ),
    pytest.param(
        ["export", "m.safetensors", "-o", "m.safetensors"],
        "--output m.safetensors is the model file",
        id="export",
    ),
    pytest.param(
        ["plot", "t.png", "-o", "t.png"], "--output t.png is the input file", id="plot-table"
    ),
    pytest.param(
        ["plot", "m.png", "-o", "m.png"], "--output m.png is the input file", id="plot-model"
    ),
    pytest.param(
        ["plot", "m.safetensors", "--kind", "boundary", "--data", "t.png", "-o", "t.png"],
        "is the --data table",
        id="plot-data",
    ),
    pytest.param(
        ["animate", "t.gif", "-o", "t.gif"], "--output t.gif is the input table", id="animate"
    ),
]


@pytest.mark.parametrize(("argv", "message"), SELF_OVERWRITES)
def test_an_output_that_is_an_input_is_refused(
    folder, capsys, monkeypatch, no_training, argv, message
):
    folder_with_links(folder)
    (folder / "sub").mkdir()
    monkeypatch.chdir(folder)
    before = snapshot(folder)
    assert main([part.format(dir=folder) for part in argv]) == 2
    err = one_line_error(capsys)
    assert message in err
    assert snapshot(folder) == before


def test_a_missing_input_is_reported_as_missing_not_as_the_output(folder, capsys):
    missing = str(folder / "missing.txt")
    assert main(["train", missing, "-o", missing]) == 66
    assert "missing.txt" in one_line_error(capsys)
    assert not os.path.exists(missing)


def test_stdin_and_the_tutorial_table_are_no_files(folder, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    monkeypatch.setattr("sys.stdin", io.StringIO(TABLE))
    assert main(["solve", "-", *QUICK, "-o", "-", "-q"]) == 0  # a file named '-'
    assert (folder / "-").read_text().startswith("a b y\n")
    assert main(["solve", *QUICK, "-o", "tutorial.txt", "-q"]) == 0


# -- export: the suffix names the format ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "options", "written"),
    [
        pytest.param("m.onnx", [], "onnx", id="onnx"),
        pytest.param("M.ONNX", [], "onnx", id="onnx-upper-case"),
        pytest.param("m.pt2", [], "torch", id="pt2"),
        pytest.param("m.bin", ["--format", "onnx"], "onnx", id="other-with-format"),
        pytest.param("m.onnx", ["--format", "onnx"], "onnx", id="agreeing-format"),
    ],
)
def test_export_format_follows_the_suffix(folder, capsys, monkeypatch, name, options, written):
    def save_torch(net, path, dtype=None):  # torch.export takes seconds; test_cli_export runs it
        Path(path).write_bytes(b"PK\x03\x04 a torch.export archive")

    monkeypatch.setattr("glassnet.export.torch.save_torch", save_torch)
    out = folder / name
    assert main(["export", str(folder / "m.safetensors"), *options, "-o", str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["format"] == written
    data = out.read_bytes()
    if written == "torch":
        assert data.startswith(b"PK\x03\x04")
    else:
        import onnx

        assert onnx.load_from_string(data).graph.output


@pytest.mark.parametrize(
    ("name", "options", "message"),
    [
        pytest.param(
            "m.bin",
            [],
            "expected an output file ending in .onnx or .pt2 (or --format onnx|torch), got",
            id="other",
        ),
        pytest.param("model", [], "ending in .onnx or .pt2", id="no-suffix"),
        pytest.param(
            "x.onnx",
            ["--format", "torch"],
            "expected a .pt2 file for --format torch, got",
            id="torch-as-onnx",
        ),
        pytest.param(
            "x.pt2",
            ["--format", "onnx"],
            "expected a .onnx file for --format onnx, got",
            id="onnx-as-pt2",
        ),
    ],
)
def test_export_refuses_a_format_the_suffix_does_not_name(folder, capsys, name, options, message):
    before = snapshot(folder)
    assert main(["export", str(folder / "m.safetensors"), *options, "-o", str(folder / name)]) == 2
    assert message in one_line_error(capsys)
    assert snapshot(folder) == before


def test_export_help_explains_the_suffix_rule(capsys):
    assert main(["export", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "default: from the suffix, .onnx -> onnx, .pt2 -> torch" in out


# -- plot: model or table by content -----------------------------------------------------------


def test_plot_a_model_saved_under_any_name(folder, capsys):
    (folder / "m.bin").write_bytes((folder / "m.safetensors").read_bytes())
    assert main(["plot", str(folder / "m.bin"), "-o", str(folder / "net.png"), "-q"]) == 0
    assert (folder / "net.png").read_bytes().startswith(b"\x89PNG")
    assert main(["plot", str(folder / "m.bin"), "--kind", "loss", "-o", str(folder / "l.png")]) == 2
    assert "keeps only the final loss of its training" in one_line_error(capsys)


@pytest.mark.parametrize("name", ["data.bin", "table.safetensors", "t"])
def test_plot_a_text_table_under_any_name(folder, capsys, name):
    (folder / name).write_text(TABLE)
    out = folder / "loss.png"
    assert main(["plot", str(folder / name), "--kind", "loss", "-o", str(out), *QUICK, "-q"]) == 0
    assert out.read_bytes().startswith(b"\x89PNG")


def test_plot_a_damaged_model_file_gets_the_model_message(folder, capsys):
    bad = folder / "bad.safetensors"
    bad.write_bytes(b"\x80\x04\x95junk")  # a pickle
    assert main(["plot", str(bad), "-o", str(folder / "x.png")]) == 65
    assert "looks like a pickle" in one_line_error(capsys)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(b"", False, id="empty"),
        pytest.param(b"1 ?\n", False, id="short-text"),
        pytest.param(TABLE.encode(), False, id="table"),
        pytest.param("é,ü\n1,?\n".encode(), False, id="utf8-table"),
        pytest.param(b"abcdefgh{", False, id="text-with-brace"),
        pytest.param((2).to_bytes(8, "little") + b"{}", True, id="empty-header"),
        pytest.param((400).to_bytes(8, "little") + b'{"a"', True, id="truncated-model"),
    ],
)
def test_is_model_reads_the_first_bytes(tmp_path, data, expected):
    path = tmp_path / "file.bin"
    path.write_bytes(data)
    assert _is_model(str(path)) is expected


# -- animate writes GIFs only ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["a.png", "a.gif.png", "a.mp4"])
def test_animate_refuses_a_suffix_other_than_gif(folder, capsys, no_training, name):
    before = snapshot(folder)
    out = folder / name
    assert main(["animate", str(folder / "data.txt"), "-o", str(out)]) == 2
    err = one_line_error(capsys)
    assert f"expected a picture file ending in .gif; got {str(out)!r}" in err
    assert snapshot(folder) == before


def test_animate_accepts_gif_in_any_case(folder, capsys):
    out = folder / "a.GIF"
    argv = ["animate", str(folder / "data.txt"), "-o", str(out), "--epochs", "2", "--frames", "2"]
    assert main([*argv, "-q"]) == 0
    assert out.read_bytes().startswith(b"GIF8")
