"""A playground run is the library's own training: same numbers, same story, rebuilt by its code."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shlex

import numpy as np
import pytest

import glassnet as gn
from glassnet.cli import main
from glassnet.data.tutorial import TUTORIAL_TABLE
from glassnet.errors import ConfigurationError
from glassnet.playground import Playground
from glassnet.playground.sources import Source, read_source
from tests.playground_helpers import SMALL_CSV


@pytest.fixture
def playground():
    running = Playground(start=False)
    yield running
    running.close()


def _explain(*arguments: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["explain", "--full", *arguments]) == 0
    return out.getvalue()


def _iteration(story: str, number: int) -> str:
    """One "Iteration N" block of a story, up to its loss line."""
    match = re.search(
        rf"^Iteration {number}\n.*?^  The loss, measured before.*?\n", story, re.M | re.S
    )
    assert match, story[:500]
    return match.group(0)


def _weights_equal(a: list[np.ndarray], b: list[np.ndarray]) -> bool:
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def test_the_tutorial_reaches_its_answer_with_the_libraries_weights(playground):
    state = playground.change({"data": "tutorial"})
    assert state["run"]["controls"]["epochs"] == 10_000
    while not playground.run.done:
        playground.run.advance(1234)
    playground.act("pause")
    frame = playground.state()["frame"]
    assert frame["answers"]["rows"] == [["1", "0", "0", "0.99993704"]]
    model = gn.TableModel().fit(gn.parse_table(TUTORIAL_TABLE))
    assert _weights_equal(playground.run.net.get_weights(), model.net_.get_weights())
    assert frame["weights"][0]["W"] == model.net_.layers[0].weights.tolist()


@pytest.mark.parametrize(
    "values",
    [
        {"data": "spiral", "hidden": [5, 3], "batch": 7, "optimizer": "momentum", "l2": 0.01},
        {"data": "multigauss", "hidden": [4], "batch": 0, "activation": "relu", "loss": "sse"},
        {"data": "xor", "hidden": [], "optimizer": "sgd", "lr": 0.3, "batch": 1},
    ],
)
def test_a_run_in_pieces_ends_where_one_fit_of_all_its_epochs_does(playground, values):
    playground.change(values)
    for epochs in (1, 7, 2, 25):
        playground.run.advance(epochs)
    run = playground.run
    twin = gn.TableModel(**_settings(run), epochs=35).fit(run.data.train)
    assert _weights_equal(run.net.get_weights(), twin.net_.get_weights())
    assert run.train_loss[-1] == twin.net_.evaluate(run.X, run.Y)
    assert run.test_loss[-1] == twin.evaluate(run.data.test)["loss"]


def _settings(run) -> dict:
    from glassnet.playground.runs import model_settings

    return model_settings(run.controls, "standard")


def test_the_program_rebuilds_a_run_with_its_changes_by_hand_exactly(playground):
    playground.change({"data": "xor", "hidden": [4, 2], "batch": 9})
    playground.set_weight(0, 1, 3, 0.75)  # before any training
    playground.act("step")
    playground.run.advance(20)
    playground.change({"lr": 0.1, "speed": 10})
    playground.set_weight(1, None, 1, -0.25)
    playground.run.advance(11)
    playground.change({"l2": 0.001})
    playground.run.advance(3)
    code = playground.program()
    assert "net.layers[0].weights[1, 3] = 0.75  # by hand after epoch 0" in code
    assert "net.optimizer.lr = 0.1  # by hand after epoch 21" in code
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        exec(compile(code, "playground_run.py", "exec"), namespace)
    assert _weights_equal(namespace["model"].net_.get_weights(), playground.run.net.get_weights())
    assert f"test loss: {playground.run.test_loss[-1]!r}" in printed.getvalue()


def test_the_program_of_a_table_run_reads_the_table_and_its_split(tmp_path):
    path = tmp_path / "small.csv"
    path.write_text(SMALL_CSV)
    table_playground = Playground(read_source(str(path), sep="comma"), start=False)
    try:
        table_playground.change({"train": 70, "hidden": [3], "epochs": 40})
        table_playground.run.advance(40)
        table_playground.act("pause")  # shows the frame
        code = table_playground.program()
        assert f"table = gn.read_table({str(path)!r}, sep='comma')" in code
        assert "train, test = split_table(table, 'fits', 0.7, seed=1)" in code
        namespace: dict = {}
        with contextlib.redirect_stdout(io.StringIO()) as printed:
            exec(compile(code, "playground_run.py", "exec"), namespace)
        run = table_playground.run
        assert _weights_equal(namespace["model"].net_.get_weights(), run.net.get_weights())
        answers = table_playground.state()["frame"]["answers"]["rows"]
        assert [" ".join(row) for row in answers] == printed.getvalue().splitlines()[-2:]
    finally:
        table_playground.close()


def test_an_uploaded_table_is_written_into_the_program(playground):
    playground.load_table("small.csv", SMALL_CSV.encode())
    playground.run.advance(5)
    code = playground.program()
    assert "\n    'width,height,colour,fits\\n'\n" in code
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, "playground_run.py", "exec"), namespace)
    assert _weights_equal(namespace["model"].net_.get_weights(), playground.run.net.get_weights())


def test_step_tells_the_iteration_in_explains_own_sentences(playground):
    playground.change({"data": "tutorial"})
    state = playground.act("step")
    assert state["frame"]["epoch"] == 1
    assert state["story"] == _iteration(_explain(), 1)
    playground.act("step")
    assert playground.story() == _iteration(_explain("--steps", "2"), 2)


def test_step_on_a_table_with_a_hidden_layer_is_explains_iteration(playground, tmp_path):
    playground.load_table("small.csv", SMALL_CSV.encode())
    playground.change({"hidden": [3], "activation": "tanh"})
    story = playground.act("step")["story"]
    path = tmp_path / "small.csv"
    path.write_text(SMALL_CSV)
    told = _explain(str(path), "--hidden", "3", "--epochs", "1")
    assert story == _iteration(told, 1)


def test_a_mini_batch_steps_story_says_which_rows_and_replays_exactly(playground):
    playground.change({"data": "circle", "batch": 64})
    playground.run.advance(3)
    last = playground._last_step()
    assert last.exact
    assert last.n_steps == 4
    assert len(last.rows) == 250 - 3 * 64
    story = playground.story()
    assert story.startswith(
        "Epoch 3 took 4 steps of 64 training rows each (the rows in their order)"
    )
    assert "\nIteration 3\n  All 58 examples go forward" in story


def test_see_through_a_weight_shows_the_last_steps_numbers(playground):
    playground.change({"data": "tutorial"})
    playground.act("step")
    sight = playground.see("weight", {"layer": 0, "row": 0, "column": 0})
    step = playground._last_step().step.layers[0]
    assert sight["title"] == "weight x1 (Input1)->out (layer 1)"
    assert sight["value"] == playground.run.net.layers[0].weights[0, 0]
    text = "\n".join(sight["lines"])
    assert f"= {-step.dW[0, 0]:.6g}" in text
    assert "change = learning rate × that = 1 × " in text
    assert f"new = {step.weights[0, 0]:.6g} + " in text
    assert text.endswith(f"= {step.new_weights[0, 0]:.6g}")


def test_see_through_a_neuron_and_a_point(playground):
    playground.change({"data": "xor", "hidden": [2]})
    neuron = playground.see("neuron", {"layer": 1, "column": 1})
    assert neuron["lines"][-1] == "Press step or play to see the numbers of a training step."
    playground.act("step")
    neuron = playground.see("neuron", {"layer": 1, "column": 1, "example": 2})
    step = playground._last_step().step
    ls = step.layers[0]
    assert neuron["title"] == "neuron h2 (layer 1, hidden, tanh)"
    text = "\n".join(neuron["lines"])
    assert f"h2 = tanh({ls.Z[2, 1]:.6g}) = {ls.A[2, 1]:.6g}" in text
    assert "delta = error × slope = " in text
    assert text.endswith(f"= {-ls.dZ[2, 1]:.6g}")
    output = playground.see("neuron", {"layer": 2, "column": 0})
    assert any(line.startswith("  target ") for line in output["lines"])
    point = playground.see("point", {"row": 260})
    assert point["title"] == "test row 11"
    answer = playground.run.net.predict(playground.run.X_test[10:11])[0, 0]
    assert "error = target - output = " in point["lines"][-1]
    assert f"{answer:.6g}" in point["lines"][-1]
    with pytest.raises(ConfigurationError, match="expected a point from 0 to 499, got 500"):
        playground.see("point", {"row": 500})
    with pytest.raises(ConfigurationError, match="the network has no layer 3"):
        playground.see("weight", {"layer": 3})


def test_live_changes_keep_the_run_and_others_start_a_new_one(playground):
    playground.change({"data": "gauss"})
    playground.run.advance(5)
    number = playground.state()["run"]["run"]
    state = playground.change({"lr": 0.2, "l2": 0.003, "speed": 1000, "epochs": 50})
    assert (state["run"]["run"], state["frame"]["epoch"]) == (number, 5)
    assert playground.run.net.optimizer.lr == 0.2
    assert playground.run.net.optimizer.weight_decay == 0.003
    assert state["frame"]["controls"]["speed"] == 1000
    assert playground.change({"hidden": [2]})["run"]["run"] == number + 1
    assert playground.state()["frame"]["epoch"] == 0


def test_a_refused_change_leaves_the_run_as_it_was(playground):
    playground.change({"data": "xor"})
    playground.run.advance(2)
    with pytest.raises(ConfigurationError, match="binary_crossentropy needs probabilities"):
        playground.change({"data": "plane", "loss": "binary_crossentropy"})
    assert playground.controls.data == "xor"
    assert playground.run.epoch == 2


def test_a_diverging_run_stops_and_says_so(playground):
    playground.change({"data": "plane", "optimizer": "sgd", "lr": 90, "batch": 0, "hidden": [8]})
    playground.act("play")
    playground._train_frame()
    for _ in range(50):
        playground._train_frame()
    frame = playground.state()["frame"]
    assert frame["failure"].startswith("training diverged at epoch ")
    assert frame["failure"].endswith("press reset to start again")
    assert not frame["playing"]
    assert playground.run.advance(5) == 0


def test_weights_set_by_hand_are_checked(playground):
    with pytest.raises(
        ConfigurationError, match=r"layer 1 has weights \[0..1, 0..3\], not \[2, 0\]"
    ):
        playground.set_weight(0, 2, 0, 1.0)
    with pytest.raises(ConfigurationError, match="expected a weight from -1e6 to 1e6, got inf"):
        playground.set_weight(0, 0, 0, float("inf"))
    playground.change({"data": "tutorial"})
    with pytest.raises(ConfigurationError, match="layer 1 has no bias 1"):
        playground.set_weight(0, None, 0, 1.0)
    state = playground.set_weight(0, 2, 0, -3.5)
    assert state["frame"]["weights"][0]["W"][2][0] == -3.5
    assert playground.run.train_loss[-1] == playground.run.net.evaluate(
        playground.run.X, playground.run.Y
    )


def test_the_model_file_is_the_table_models_and_predicts_the_pages_answers(playground, tmp_path):
    playground.load_table("small.csv", SMALL_CSV.encode())
    playground.run.advance(60)
    playground.act("pause")
    path = tmp_path / "model.safetensors"
    path.write_bytes(playground.model_file())
    model = gn.TableModel.load(path)
    assert model.settings_.epochs == 60
    assert model.metrics_["epochs"] == 60
    table = gn.parse_table(SMALL_CSV)
    answers = playground.state()["frame"]["answers"]["rows"]
    assert model.fill(table)[-2:] == answers


def test_the_command_line_shown_gives_the_pages_answers(playground, tmp_path, capsys):
    (tmp_path / "small.csv").write_text(SMALL_CSV)
    playground.sources["small.csv"] = Source(gn.parse_table(SMALL_CSV, "small.csv"), SMALL_CSV)
    playground.change({"data": "table", "table": "small.csv", "hidden": [3], "epochs": 80})
    while not playground.run.done:
        playground.run.advance(30)
    playground.act("pause")
    frame = playground.state()["frame"]
    words = shlex.split(frame["command"])
    assert words[:3] == ["glassnet", "solve", "small.csv"]
    words[2] = str(tmp_path / "small.csv")
    assert main([*words[1:], "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["table"][-2:] == frame["answers"]["rows"]


def test_a_table_with_a_label_input_gets_a_decision_view_with_the_rest_held(playground):
    playground.load_table("small.csv", SMALL_CSV.encode())
    plane = playground.state()["run"]["plane"]
    assert (plane["x"], plane["y"]) == ("width", "height")
    assert plane["fixed"] == [["colour", "red"]]  # as often as blue, and first
    assert len(plane["points"]["x"]) == 8
    run = playground.change({"plane": ["height", "width"]})["run"]
    assert (run["plane"]["x"], run["plane"]["y"]) == ("height", "width")


def test_a_label_output_is_a_classifier_whose_plane_shows_classes(playground):
    rows = "".join(f"{x},{y},{'abc'[(x + y) % 3]}\n" for x in range(6) for y in range(5))
    state = playground.load_table("classes.csv", f"x,y,kind\n{rows}2,2,?\n".encode())
    assert state["run"]["task"] == "multiclass"
    assert state["run"]["classes"] == ["a", "b", "c"]
    assert set(state["run"]["plane"]["points"]["colour"]) == {0.0, 1.0, 2.0}
    assert state["frame"]["answers"]["rows"][0][-1] in ("a", "b", "c")


def test_see_through_the_losses_row_by_row(playground):
    playground.change({"data": "tutorial"})
    sight = playground.see("loss", {"row": 0})
    assert sight["title"] == "training loss (sse)"
    assert (
        sight["lines"][0]
        == "½ × the sum of (target - output)² over the rows, at the current weights:"
    )
    total = playground.run.train_loss[-1]
    assert sight["lines"][-1].endswith(f" = {total:.6g}")
    assert len(sight["lines"]) == 6  # four rows, the words and the sum
    with pytest.raises(ConfigurationError, match="this run has no test rows"):
        playground.see("loss", {"row": 1})
    playground.change({"data": "circle"})
    sight = playground.see("loss", {"row": 1})
    assert sight["lines"][-1].startswith("  the mean: (")
    assert sight["lines"][-1].endswith(f"...) / 250 = {playground.run.test_loss[-1]:.6g}")


def test_see_through_an_input_a_bias_and_a_fused_output(playground):
    playground.load_table("small.csv", SMALL_CSV.encode())  # binary cross-entropy after sigmoid
    playground.act("step")
    step = playground._last_step().step
    inputs = playground.see("neuron", {"layer": 0, "column": 2, "example": 1})
    assert inputs["title"] == "input x3 (colour=blue)"
    assert (
        inputs["lines"][-1]
        == f"Example 2 of the last step has x3 (colour=blue) = {step.layers[0].inputs[1, 2]:.6g}."
    )
    output = playground.see("neuron", {"layer": 2, "column": 0})
    assert (
        output["lines"][-2]
        == "  target 0; with binary_crossentropy after sigmoid the slopes cancel:"
    )
    assert output["lines"][-1].endswith(f" / 8 = {-step.layers[1].dZ[0, 0]:.6g}")
    bias = playground.see("bias", {"layer": 1, "column": 0})
    assert bias["title"] == "bias of out (layer 2)"
    assert bias["lines"][1] == "It is added to out's weighted sum z."
    assert "Adam (learning rate 0.01) decides how far" in "\n".join(bias["lines"])
    playground.set_weight(1, None, 0, 0.5)
    bias = playground.see("bias", {"layer": 1, "column": 0})
    assert "Set by hand to 0.5 after epoch 1." in bias["lines"]
