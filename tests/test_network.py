"""Network construction, initialization and input checks."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet.nn.initializers import as_rng


def test_uniform_init_draws_layer_by_layer_from_the_legacy_stream():
    net = gn.Network(
        [
            gn.Dense(3, 4, activation="sigmoid", bias=False),
            gn.Dense(4, 1, activation="sigmoid", bias=False),
        ],
        init="uniform",
        rng=np.random.RandomState(1),
    )
    legacy = np.random.RandomState(1)
    np.testing.assert_array_equal(net.layers[0].weights, 2 * legacy.random((3, 4)) - 1)
    np.testing.assert_array_equal(net.layers[1].weights, 2 * legacy.random((4, 1)) - 1)


def test_biases_start_at_zero_and_draw_nothing():
    with_bias = gn.Network([gn.Dense(3, 2), gn.Dense(2, 1)], init="uniform", rng=5)
    without = gn.Network(
        [gn.Dense(3, 2, bias=False), gn.Dense(2, 1, bias=False)], init="uniform", rng=5
    )
    assert np.all(with_bias.layers[0].bias == 0)
    for a, b in zip(with_bias.layers, without.layers, strict=True):
        np.testing.assert_array_equal(a.weights, b.weights)


def test_auto_init_is_he_for_relu_and_glorot_otherwise():
    rng_relu, rng_tanh = np.random.default_rng(3), np.random.default_rng(3)
    relu = gn.Network([gn.Dense(50, 40, activation="relu")], rng=rng_relu).layers[0].weights
    tanh = gn.Network([gn.Dense(50, 40, activation="tanh")], rng=rng_tanh).layers[0].weights
    assert relu.std() == pytest.approx(np.sqrt(2 / 50), rel=0.05)
    limit = np.sqrt(6 / 90)
    assert np.abs(tanh).max() <= limit
    assert tanh.std() == pytest.approx(limit / np.sqrt(3), rel=0.05)


def test_int_seed_means_default_rng():
    a = gn.Network([gn.Dense(2, 2)], init="uniform", rng=7).layers[0].weights
    np.testing.assert_array_equal(a, 2 * np.random.default_rng(7).random((2, 2)) - 1)


def test_default_is_reproducible():
    a = gn.Network([gn.Dense(2, 3, activation="tanh"), gn.Dense(3, 1)])
    b = gn.Network([gn.Dense(2, 3, activation="tanh"), gn.Dense(3, 1)])
    for x, y in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_array_equal(x, y)


def test_weights_are_writable_in_place():
    net = gn.Network([gn.Dense(2, 1, bias=False)], loss="sse", optimizer=gn.SGD(lr=1.0))
    net.layers[0].weights[:] = [[1.0], [2.0]]
    np.testing.assert_array_equal(net.predict([[1.0, 1.0]]), [[3.0]])


def test_default_losses_follow_the_output_activation():
    assert gn.Network([gn.Dense(2, 1, activation="sigmoid")]).loss.name == "binary_crossentropy"
    assert (
        gn.Network([gn.Dense(2, 3, activation="softmax")]).loss.name == "categorical_crossentropy"
    )
    assert gn.Network([gn.Dense(2, 1)]).loss.name == "mse"


def test_integer_labels_become_one_hot_for_softmax():
    net = gn.Network([gn.Dense(2, 3, activation="softmax")])
    X = np.zeros((3, 2))
    np.testing.assert_array_equal(net.check_y([0, 2, 1], 3), np.eye(3)[[0, 2, 1]])
    assert net.evaluate(X, [0, 1, 2]) == pytest.approx(np.log(3))


@pytest.mark.parametrize(
    ("layers", "kwargs", "message"),
    [
        ([], {}, "at least one layer"),
        (
            [gn.Dense(2, 3), gn.Dense(4, 1)],
            {},
            "layer 2 expects 4 inputs, but layer 1 has 3 outputs",
        ),
        (
            [gn.Dense(2, 1)],
            {"loss": "hinge"},
            "unknown loss 'hinge'; choose from binary_crossentropy",
        ),
        ([gn.Dense(2, 1)], {"init": "zeros"}, "unknown init 'zeros'"),
        ([gn.Dense(2, 1)], {"rng": None}, "rng must be"),
        ([gn.Dense(2, 1)], {"dtype": "float16"}, "dtype must be float32 or float64"),
    ],
    ids=["empty", "size-mismatch", "loss", "init", "rng", "dtype"],
)
def test_bad_network_settings_are_refused(layers, kwargs, message):
    with pytest.raises(gn.ConfigurationError, match=message):
        gn.Network(layers, **kwargs)


def test_bad_dense_sizes_are_refused():
    with pytest.raises(gn.ConfigurationError, match="n_in must be a positive int, got 0"):
        gn.Dense(0, 2)


@pytest.mark.parametrize(
    ("X", "message"),
    [
        (np.zeros((2, 4)), "expected 3 features in X, got 4"),
        (np.zeros((2, 3, 1)), "X must be 2-D"),
        ([[0, 0, np.nan]], r"X must be finite, got nan at row 1, column 3"),
        ([[0, 0, np.inf], [0, 0, 1]], r"got inf at row 1, column 3"),
        ([["a", 1, 2]], "X must be numeric"),
    ],
    ids=["features", "3-d", "nan", "inf", "text"],
)
def test_predict_checks_its_input(X, message):
    net = gn.Network([gn.Dense(3, 1)])
    with pytest.raises(gn.ShapeError, match=message):
        net.predict(X)


def test_fit_checks_targets():
    net = gn.Network([gn.Dense(3, 2, activation="softmax")])
    with pytest.raises(gn.ShapeError, match="X has 2 samples but y has 3"):
        net.fit(np.zeros((2, 3)), np.zeros((3, 2)))
    with pytest.raises(gn.ShapeError, match="class labels from 0 to 5; expected 0 to 1"):
        net.fit(np.zeros((2, 3)), np.array([0, 5]))
    with pytest.raises(gn.ShapeError, match=r"expected y of shape \(2, 2\)"):
        net.fit(np.zeros((2, 3)), np.zeros((2, 3)))


def test_one_dimensional_input_is_one_sample():
    net = gn.Network([gn.Dense(3, 1)])
    assert net.predict([1.0, 0.0, 0.0]).shape == (1, 1)


def test_parameters_are_named_as_torch_sequential():
    net = gn.Network([gn.Dense(3, 4), gn.Dense(4, 1, bias=False)])
    assert [name for name, _, _ in net.parameters()] == ["0.weight", "0.bias", "2.weight"]
    assert net.n_parameters == 3 * 4 + 4 + 4


def test_copy_is_independent():
    net = gn.Network([gn.Dense(2, 1)])
    twin = net.copy()
    twin.layers[0].weights += 1
    assert not np.array_equal(twin.layers[0].weights, net.layers[0].weights)


def test_as_rng_accepts_the_three_kinds():
    generator = np.random.default_rng(0)
    legacy = np.random.RandomState(0)
    assert as_rng(generator) is generator
    assert as_rng(legacy) is legacy
    with pytest.raises(gn.ConfigurationError):
        as_rng(True)


@pytest.mark.parametrize(
    ("layer", "loss", "message"),
    [
        (gn.Dense(2, 1, activation="softmax"), None, "softmax over 1 output always answers 1"),
        (gn.Dense(2, 1, activation="relu"), "bce", "needs probabilities from a sigmoid output"),
        (gn.Dense(2, 3), "cce", "needs probabilities from a softmax output, not identity"),
    ],
    ids=["softmax-1", "relu-bce", "identity-cce"],
)
def test_outputs_that_cannot_learn_are_refused(layer, loss, message):
    with pytest.raises(gn.ConfigurationError, match=message):
        gn.Network([layer], loss=loss)


def test_history_repr_is_short():
    net = gn.Network([gn.Dense(2, 1)], loss="mse", optimizer=gn.SGD(lr=0.1))
    history = net.fit(np.eye(2), [1.0, 0.0], epochs=1000)
    text = repr(history)
    assert text.startswith("History(1000 epochs, last loss ")
    assert len(text) < 80
