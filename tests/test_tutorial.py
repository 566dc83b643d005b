"""The seed tutorial, reproduced exactly (engine issue, must-show 1 and 2)."""

from __future__ import annotations

import numpy as np

from glassnet.cli import main
from tests.conftest import TUTORIAL_X, TUTORIAL_Y, tutorial_network


def tutorial_program(iterations: int = 10_000) -> np.ndarray:
    """The ten-line program, restated: legacy stream seeded with 1, sigmoid neuron, error·slope."""
    legacy = np.random.RandomState(1)
    weights = 2 * legacy.random((3, 1)) - 1
    X = TUTORIAL_X.astype(int)
    y = TUTORIAL_Y.astype(int)
    for _ in range(iterations):
        output = 1 / (1 + np.exp(-(X @ weights)))
        weights += X.T @ ((y - output) * output * (1 - output))
    return weights


def test_tutorial_weights_match_program_to_1e12():
    net = tutorial_network()
    net.fit(TUTORIAL_X, TUTORIAL_Y, epochs=10_000)
    expected = tutorial_program()
    np.testing.assert_allclose(net.layers[0].weights, expected, rtol=1e-12, atol=0)


def test_tutorial_prediction_is_0_99993704():
    net = tutorial_network()
    net.fit(TUTORIAL_X, TUTORIAL_Y, epochs=10_000)
    answer = net.predict([[1, 0, 0]])
    assert answer.shape == (1, 1)
    assert f"{answer[0, 0]:.8f}" == "0.99993704"


def test_tutorial_starting_weights_are_the_legacy_draw():
    net = tutorial_network()
    legacy = np.random.RandomState(1)
    np.testing.assert_array_equal(net.layers[0].weights, 2 * legacy.random((3, 1)) - 1)


def test_cli_solve_prints_completed_tutorial_table(capsys):
    assert main(["solve"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == "1 0 0 0.99993704"
    assert lines[:4] == ["0 0 1 0", "1 1 1 1", "1 0 1 1", "0 1 1 0"]


def test_cli_solve_reads_a_whitespace_file(tmp_path, capsys):
    table = tmp_path / "table.txt"
    table.write_text("Input Output\n0 0 1 0\n1 1 1 1\n1 0 1 1\n0 1 1 0\n1 0 0 ?\n")
    assert main(["solve", str(table)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "1 0 0 0.99993704"
