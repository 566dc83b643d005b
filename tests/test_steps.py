"""The preallocated training step gives the numbers of Network.train_step; rewinding is exact."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet.nn.activations import ACTIVATIONS
from glassnet.nn.training_steps import Rewind, TrainingStep
from tests.conftest import TUTORIAL_X, TUTORIAL_Y, tutorial_network

LOSS_FOR_OUTPUT = {
    "sigmoid": "binary_crossentropy",
    "softmax": "categorical_crossentropy",
    "tanh": "mse",
    "identity": "sse",
    "relu": "mse",
    "leaky_relu": "mse",
}


def random_network(rng, hidden: str, output: str, dtype: str, bias: bool = True) -> gn.Network:
    layers = [
        gn.Dense(5, 7, activation=hidden, bias=bias),
        gn.Dense(7, 4, activation=hidden, bias=bias),
        gn.Dense(4, 3, activation=output, bias=bias),
    ]
    optimizer = gn.Adam(lr=0.01) if hidden == "tanh" else gn.SGD(lr=0.1, momentum=0.5)
    return gn.Network(
        layers,
        loss=LOSS_FOR_OUTPUT[output],
        optimizer=optimizer,
        rng=int(rng.integers(1000)),
        dtype=dtype,
    )


def targets(rng, output: str, shape: tuple[int, int]) -> np.ndarray:
    if output == "softmax":
        return np.eye(shape[1])[rng.integers(shape[1], size=shape[0])]
    if output == "sigmoid":
        return (rng.random(shape) > 0.5).astype(float)
    return rng.normal(size=shape)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("output", sorted(ACTIVATIONS))
@pytest.mark.parametrize("hidden", ["relu", "tanh", "sigmoid", "leaky_relu", "identity"])
def test_training_step_equals_train_step_bit_for_bit(hidden, output, dtype, rng):
    net = random_network(rng, hidden, output, dtype, bias=output != "identity")
    twin = net.copy()
    step = TrainingStep(net)
    for rows in (6, 6, 2, 6):  # two batch sizes, so two sets of buffers
        X = net.check_X(rng.normal(size=(rows, 5)))
        Y = net.check_y(targets(rng, output, (rows, 3)), rows)
        with np.errstate(over="ignore"):
            assert step(X, Y) == twin.train_step(X, Y)
        for (name, ours, grad), (_, theirs, their_grad) in zip(
            net.parameters(), twin.parameters(), strict=True
        ):
            np.testing.assert_array_equal(ours, theirs, err_msg=name)
            np.testing.assert_array_equal(grad, their_grad, err_msg=name)


def test_fit_reproduces_the_tutorial_bit_for_bit():
    net = tutorial_network()
    net.fit(TUTORIAL_X.astype(int), TUTORIAL_Y.astype(int), epochs=10_000)
    legacy = np.random.RandomState(1)
    weights = 2 * legacy.random((3, 1)) - 1
    X, y = TUTORIAL_X.astype(int), TUTORIAL_Y.astype(int)
    for _ in range(10_000):
        output = 1 / (1 + np.exp(-(np.dot(X, weights))))
        weights += np.dot(X.T, (y - output) * output * (1 - output))
    np.testing.assert_array_equal(net.layers[0].weights, weights)


def test_fit_leaves_the_last_batch_in_the_layers():
    net = gn.Network([gn.Dense(3, 2, activation="tanh"), gn.Dense(2, 1)], loss="mse", rng=0)
    net.fit(TUTORIAL_X, TUTORIAL_Y, epochs=2, batch_size=3)
    assert net.layers[0].A.shape == (1, 2)  # 4 rows in batches of 3: the last has one
    np.testing.assert_array_equal(net.layers[1]._X, net.layers[0].A)


def test_shuffled_batches_gather_the_same_rows_as_indexing(rng):
    net = gn.Network([gn.Dense(3, 1, activation="sigmoid")], loss="sse", rng=3)
    twin = net.copy()
    net.fit(TUTORIAL_X, TUTORIAL_Y, epochs=4, batch_size=3, shuffle=True)
    for _ in range(4):
        order = twin.rng.permutation(4)
        for start in (0, 3):
            rows = order[start : start + 3]
            twin.train_step(TUTORIAL_X[rows], TUTORIAL_Y[rows])
    np.testing.assert_array_equal(net.get_weights()[0], twin.get_weights()[0])


@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize("batch_size", [6, None])
def test_float32_data_trains_a_float64_network_as_if_widened(batch_size, shuffle, rng):
    X = rng.normal(size=(20, 3)).astype(np.float32)
    Y = rng.normal(size=(20, 1))
    nets = [gn.Network([gn.Dense(3, 1)], loss="mse", optimizer=gn.SGD(lr=0.1), rng=5) for _ in "ab"]
    nets[0].fit(X, Y, epochs=3, batch_size=batch_size, shuffle=shuffle)
    nets[1].fit(X.astype(np.float64), Y, epochs=3, batch_size=batch_size, shuffle=shuffle)
    np.testing.assert_array_equal(nets[0].get_weights()[0], nets[1].get_weights()[0])


@pytest.mark.parametrize(
    "make_optimizer",
    [lambda: gn.SGD(lr=0.5), lambda: gn.SGD(lr=0.5, momentum=0.9), gn.Adam],
    ids=["sgd", "momentum", "adam"],
)
@pytest.mark.parametrize("target", [1, 2, 57, 300, 301])
def test_rewind_replays_to_the_exact_weights_of_any_recent_epoch(make_optimizer, target):
    def network() -> gn.Network:
        return gn.Network(
            [gn.Dense(3, 2, activation="tanh"), gn.Dense(2, 1, activation="sigmoid")],
            loss="sse",
            optimizer=make_optimizer(),
            rng=11,
        )

    expected = network()
    for _ in range(target - 1):
        expected.train_step(TUTORIAL_X, TUTORIAL_Y)
    net = network()
    step = TrainingStep(net)
    rewind = Rewind(step, TUTORIAL_X, TUTORIAL_Y, replayable=True)
    assert rewind.every > 1
    next_mark = 1
    for epoch in range(1, target + 2):  # run one epoch past the target, as a divergence would
        if epoch >= next_mark:
            next_mark = rewind.mark(epoch)
        step(TUTORIAL_X, TUTORIAL_Y)
    rewind.restore(target)
    for ours, theirs in zip(net.get_weights(), expected.get_weights(), strict=True):
        np.testing.assert_array_equal(ours, theirs)


def test_divergence_keeps_the_weights_of_the_epoch_before():
    X = np.array([[1e3, -2e3], [3e3, 1e3]])
    Y = np.array([[1.0], [-1.0]])

    def network() -> gn.Network:
        return gn.Network([gn.Dense(2, 1)], loss="mse", optimizer=gn.SGD(lr=1.0), rng=0)

    net = network()
    with pytest.raises(gn.TrainingDivergedError) as caught:
        net.fit(X, Y, epochs=1000)
    diverged_at = caught.value.epoch
    expected = network()
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(diverged_at - 2):
            expected.train_step(X, Y)
    assert np.isfinite(expected.evaluate(X, Y))
    for ours, theirs in zip(net.get_weights(), expected.get_weights(), strict=True):
        np.testing.assert_array_equal(ours, theirs)


def test_float32_data_with_a_nan_is_still_refused():
    X = np.ones((5, 3), dtype=np.float32)
    X[2, 1] = np.nan
    net = gn.Network([gn.Dense(3, 1)], loss="mse", rng=0)
    with pytest.raises(gn.ShapeError, match="row 3, column 2"):
        net.fit(X, np.ones(5), batch_size=2)


def test_a_callback_may_give_a_layer_new_arrays():
    def network() -> gn.Network:
        return gn.Network([gn.Dense(3, 1, activation="sigmoid")], loss="sse", rng=4)

    def replace(epoch, net, history):
        if epoch == 2:
            net.layers[0].weights = np.full((3, 1), 0.5)
            net.layers[0].dW = np.zeros((3, 1))

    net = network()
    net.fit(TUTORIAL_X, TUTORIAL_Y, epochs=5, callback=replace)
    expected = network()
    expected.fit(TUTORIAL_X, TUTORIAL_Y, epochs=2)
    expected.layers[0].weights[...] = 0.5
    expected.fit(TUTORIAL_X, TUTORIAL_Y, epochs=3)
    np.testing.assert_array_equal(net.layers[0].weights, expected.layers[0].weights)


def test_a_callback_may_change_the_learning_rate():
    """Each step asks the optimizer anew when a callback could have changed its settings."""

    def halve(epoch, net, history):
        net.optimizer.lr /= 2

    net = tutorial_network()
    net.fit(TUTORIAL_X, TUTORIAL_Y, epochs=4, callback=halve)
    expected = tutorial_network()
    for lr in (1.0, 0.5, 0.25, 0.125):
        expected.optimizer.lr = lr
        expected.train_step(TUTORIAL_X, TUTORIAL_Y)
    np.testing.assert_array_equal(net.layers[0].weights, expected.layers[0].weights)


def test_a_step_on_copies_leaves_the_given_batch_alone(rng):
    net = gn.Network([gn.Dense(3, 2, activation="tanh"), gn.Dense(2, 1)], loss="mse", rng=0)
    step = TrainingStep(net)
    first = rng.normal(size=(5, 3)), rng.normal(size=(5, 1))
    kept = first[0].copy(), first[1].copy()
    step(*first)
    step(rng.normal(size=(5, 3)), rng.normal(size=(5, 1)))  # same size: the same arrays inside
    np.testing.assert_array_equal(first[0], kept[0])
    np.testing.assert_array_equal(first[1], kept[1])
