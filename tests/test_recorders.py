"""TrainingRecorder watches fit without changing it; table notes say how a table became inputs."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet.data import parse_table
from glassnet.explain.columns import prediction_notes, table_notes
from glassnet.explain.recorders import TrainingRecorder


def test_recorder_replays_training_exactly_on_the_full_batch():
    X = np.array([[0.0, 0], [0, 1], [1, 0], [1, 1]])
    y = np.array([[0.0], [1], [1], [0]])
    net = gn.Network(
        [gn.Dense(2, 3, activation="tanh"), gn.Dense(3, 1, activation="sigmoid")],
        optimizer=gn.Adam(lr=0.1),
        rng=3,
    )
    twin = net.copy()
    recorder = TrainingRecorder(steps=3, every=2)
    recorder.start(net, X, y, X_new=[[0.5, 0.5]], epochs=6)
    history = net.fit(X, y, epochs=6, callback=recorder)
    story = recorder.explanation(net, history)
    assert recorder.exact
    assert [s.epoch for s in story.summaries] == [2, 4, 6]
    assert story.losses == history.loss
    plain = twin.fit(X, y, epochs=6)  # unwatched: the same numbers
    assert plain.loss == history.loss
    for a, b in zip(twin.get_weights(), story.final, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(story.predictions[0].output, net.predict([[0.5, 0.5]])[0])


def test_recorder_needs_a_start():
    with pytest.raises(gn.ConfigurationError, match="expected start"):
        TrainingRecorder().explanation(gn.Network([gn.Dense(1, 1)]), gn.History())


def test_recorder_notes_a_replay_when_training_used_mini_batches():
    X = np.linspace(-1, 1, 12).reshape(6, 2)
    y = X.sum(axis=1, keepdims=True)
    net = gn.Network([gn.Dense(2, 1, activation="identity")], optimizer=gn.SGD(lr=0.1), rng=0)
    recorder = TrainingRecorder(steps=2, snapshots=2, frames=2)
    recorder.start(net, X, y, epochs=4)
    history = net.fit(X, y, epochs=4, batch_size=2, callback=recorder)
    story = recorder.explanation(net, history)
    assert recorder.exact is False
    assert "replay full-batch steps" in story.notes[-1]
    assert recorder.weights is not None
    assert recorder.weights.epochs == [0, 2, 4]
    assert sorted(recorder.kept) == [0, 4]


def test_table_notes_say_nothing_for_the_tutorials_table():
    table = parse_table("0 0 1 0\n1 1 1 1\n1 0 1 1\n0 1 1 0\n1 0 0 ?\n")
    model = gn.TableModel().fit(table)
    assert table_notes(model) == []
    assert prediction_notes(model, table) == []


def test_table_notes_describe_scaling_one_hot_and_training():
    table = parse_table(
        "shape,size,score\nround,1,10\nsquare,2,14\nround,3,19\nsquare,4,21\n"
        "round,5,30\nsquare,6,33\nround,2,?\n"
    )
    model = gn.TableModel(hidden=(2,), epochs=3, batch_size=2).fit(table)
    inputs, targets, training = table_notes(model)
    assert "x1..x2 are column 'shape' one-hot encoded" in inputs
    assert "x3 is column 'size' scaled: (size - 3.5) / 1.70783" in inputs
    assert "out is column 'score' scaled the same way" in targets
    assert "mini-batches of 2 rows" in training
    assert "20% of the known rows held out" in training
    (note,) = prediction_notes(model, table)
    assert note.startswith("In the table this is the row on line 8 (shape = round, size = 2)")
