"""Ctrl-C during training, too little memory and out-of-range seeds, through ``main([...])``.

Ctrl-C is simulated deterministically: a training step (mid-epoch) or the epoch callback raises
KeyboardInterrupt at a chosen point, as the signal would. The command must exit 130 with one
line, write nothing and leave existing files byte for byte as they were.
"""

from __future__ import annotations

import re

import pytest

import glassnet as gn
from glassnet.cli import main
from glassnet.cli import tables as cli_tables
from glassnet.cli import training as cli
from glassnet.data import parse_table
from glassnet.nn.training_steps import TrainingStep
from glassnet.tables import TableModel

MESSAGE = re.compile(
    r"glassnet: training interrupted after (\d+) of (\d+) epochs; nothing was written\n"
)


@pytest.fixture
def interrupt_step(monkeypatch):
    """Make the 3rd training step raise KeyboardInterrupt (once: replays after it still run)."""
    build = TrainingStep._build
    calls = [0]

    def counted(self, X, Y):
        program = build(self, X, Y)
        run = program.run

        def interrupted():
            calls[0] += 1
            if calls[0] == 3:
                raise KeyboardInterrupt
            return run()

        program.run = interrupted
        return program

    monkeypatch.setattr(TrainingStep, "_build", counted)


def _files(folder):
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def _command(name, tmp_path):
    """The argv of a command that trains, writing into ``tmp_path`` where it writes files."""
    model, table = str(tmp_path / "keep.safetensors"), str(tmp_path / "keep.txt")
    picture, gif = str(tmp_path / "keep.png"), str(tmp_path / "keep.gif")
    return {
        "solve": ["solve", "--save", model, "-o", table],
        "solve-stdout": ["solve"],
        "solve-json": ["solve", "--json", "--hidden", "4", "--epochs", "50", "--save", model],
        "solve-explain": ["solve", "--explain"],
        "solve-plot": ["solve", "--plot", picture, "-o", table],
        "train": ["train", str(tmp_path / "table.txt"), "-o", model],
        "explain": ["explain", "--epochs", "20"],
        "plot-loss": ["plot", "--kind", "loss", "-o", picture],
        "plot-network": ["plot", "-o", picture, "--hidden", "3"],
        "animate": ["animate", "--epochs", "20", "-o", gif],
    }[name]


COMMANDS = [
    "solve",
    "solve-stdout",
    "solve-json",
    "solve-explain",
    "solve-plot",
    "train",
    "explain",
    "plot-loss",
    "plot-network",
    "animate",
]


@pytest.mark.parametrize("name", COMMANDS)
def test_ctrl_c_in_training_exits_130_and_writes_nothing(name, tmp_path, capsys, interrupt_step):
    (tmp_path / "table.txt").write_text(cli.TUTORIAL_TABLE)
    for existing in ("keep.safetensors", "keep.txt", "keep.png", "keep.gif"):
        (tmp_path / existing).write_bytes(b"the old " + existing.encode() + b"\n")
    before = _files(tmp_path)
    assert main(_command(name, tmp_path)) == 130
    out, err = capsys.readouterr()
    assert out == ""
    assert MESSAGE.fullmatch(err), err  # one line: no warning, no traceback
    assert _files(tmp_path) == before  # nothing replaced, nothing new (no temporary files)


def test_ctrl_c_into_new_files_creates_none(tmp_path, capsys, interrupt_step):
    model, picture = tmp_path / "new.safetensors", tmp_path / "new.png"
    assert main(["solve", "--save", str(model), "--plot", str(picture)]) == 130
    assert MESSAGE.fullmatch(capsys.readouterr().err)
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_message_counts_the_finished_epochs(monkeypatch, capsys):
    def progress(self, epoch, net, history):
        if epoch == 7:  # the callback runs after the epoch's loss is recorded
            raise KeyboardInterrupt

    monkeypatch.setattr(cli.Progress, "__call__", progress)
    assert main(["solve", "-q"]) == 130
    assert capsys.readouterr() == (
        "",
        "glassnet: training interrupted after 7 of 10000 epochs; nothing was written\n",
    )


def test_ctrl_c_in_a_step_names_the_epochs_before_it(capsys, interrupt_step):
    assert main(["solve", "--epochs", "100"]) == 130
    # the full-batch tutorial takes one step per epoch: the 3rd step is epoch 3, 2 finished
    assert MESSAGE.fullmatch(capsys.readouterr().err).groups() == ("2", "100")


def test_ctrl_c_outside_training_is_still_one_line(monkeypatch, tmp_path, capsys):
    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(TableModel, "save", interrupt)
    model = tmp_path / "m.safetensors"
    assert main(["solve", "--save", str(model)]) == 130
    assert capsys.readouterr() == ("", "glassnet: interrupted\n")
    assert not model.exists()


def test_finished_training_is_not_reported_as_interrupted(tmp_path, capsys):
    model = tmp_path / "model.safetensors"
    assert main(["solve", "--save", str(model), "-q"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "1 0 0 0.99993704"
    assert model.exists()


# -- the Python API keeps its behaviour: a warning, the weights, and history.interrupted ---------


def test_table_model_fit_warns_and_marks_the_history(interrupt_step):
    table = parse_table(cli.TUTORIAL_TABLE, "<tutorial>")
    with pytest.warns(gn.ConvergenceWarning, match="interrupted at epoch 3"):
        model = TableModel().fit(table)
    assert model.history_ is not None
    assert model.history_.interrupted
    assert model.history_.epochs == 2
    assert model.fill(table)[-1][-1] != "?"  # the kept weights still answer


def test_network_fit_warns_and_marks_the_history():
    net = gn.Network([gn.Dense(2, 1, activation="sigmoid")], loss="mse", rng=0)

    def interrupt(epoch, net, history):
        if epoch == 4:
            raise KeyboardInterrupt

    with pytest.warns(gn.ConvergenceWarning, match="interrupted at epoch 4"):
        history = net.fit([[0.0, 1.0], [1.0, 0.0]], [[1.0], [0.0]], epochs=50, callback=interrupt)
    assert history.interrupted
    assert "interrupted" in repr(history)
    assert not net.fit([[0.0, 1.0]], [[1.0]], epochs=2).interrupted


# -- too little memory: the user's limit, exit 2, one line -----------------------------------------


def test_out_of_memory_while_building_names_the_weights(monkeypatch, tmp_path, capsys):
    def build(settings, task, n_features, n_outputs):
        raise MemoryError("Unable to allocate 3.64 TiB for an array")

    monkeypatch.setattr("glassnet.tables.model.build_network", build)
    model = tmp_path / "model.safetensors"
    assert main(["solve", "--hidden", "99999999999", "--save", str(model)]) == 2
    out, err = capsys.readouterr()
    # 3 inputs + bias -> 99999999999 tanh units + bias -> 1 output
    assert err == (
        "glassnet: error: not enough memory to build and train this network "
        "(499,999,999,996 weights, biases included); try fewer --hidden units or rows\n"
    )
    assert out == ""
    assert not model.exists()


def test_out_of_memory_elsewhere_is_one_line(monkeypatch, capsys):
    def read(*args, **kwargs):
        raise MemoryError("Unable to allocate 1.00 TiB for an array")

    monkeypatch.setattr(cli_tables, "read_source", read)
    assert main(["solve"]) == 2
    assert capsys.readouterr().err == (
        "glassnet: error: not enough memory (Unable to allocate 1.00 TiB for an array); try a "
        "smaller table, fewer --hidden units or a smaller --batch-size\n"
    )


def test_help_lists_every_exit_code(capsys):
    assert main(["--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    for code in ("0 ok", "1 training", "2 usage (also not enough memory)", "65 bad", "66 miss"):
        assert code in out
    assert "70 internal error" in out
    assert "73 cannot write" in out
    assert "130 interrupted" in out


# -- --seed: 0 .. 2**32 - 1 for every recipe -------------------------------------------------------


@pytest.mark.parametrize("preset", ["tutorial", "standard"])
@pytest.mark.parametrize("seed", ["4294967296", "99999999999999999999", "-1"])
def test_seed_out_of_range_is_a_usage_error(preset, seed, capsys):
    assert main(["solve", "--preset", preset, "--epochs", "2", "--seed", seed]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("glassnet: error: argument --seed: expected ")
    assert err.endswith("(see 'glassnet solve --help')\n")
    assert err.count("\n") == 1


@pytest.mark.parametrize("preset", ["tutorial", "standard"])
@pytest.mark.parametrize("seed", ["0", "4294967295"])
def test_seed_in_range_trains_with_every_recipe(preset, seed, capsys):
    assert main(["solve", "--preset", preset, "--epochs", "20", "--seed", seed, "-q"]) == 0
    assert capsys.readouterr().err == ""


def test_seed_message_gives_the_range(capsys):
    assert main(["solve", "--seed", "4294967296"]) == 2
    assert "expected a seed between 0 and 4294967295, got 4294967296" in capsys.readouterr().err
