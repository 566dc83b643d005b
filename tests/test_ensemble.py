"""Ensembles: K members trained at once end where K separate fits end."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import glassnet as gn
from tests.conftest import TUTORIAL_X, TUTORIAL_Y, tutorial_network

ARCHITECTURES = {
    "tutorial": (lambda: [gn.Dense(3, 1, activation="sigmoid", bias=False)], "sse", "uniform"),
    "tanh-bce": (
        lambda: [gn.Dense(3, 4, activation="tanh"), gn.Dense(4, 1, activation="sigmoid")],
        "binary_crossentropy",
        "auto",
    ),
    "relu-mse": (
        lambda: [gn.Dense(3, 5, activation="relu"), gn.Dense(5, 2), gn.Dense(2, 2)],
        "mse",
        "auto",
    ),
    "softmax-cce": (
        lambda: [gn.Dense(3, 4, activation="sigmoid"), gn.Dense(4, 3, activation="softmax")],
        "categorical_crossentropy",
        "auto",
    ),
}
OPTIMIZERS = {
    "sgd": lambda: gn.SGD(lr=0.1),
    "momentum": lambda: gn.SGD(lr=0.02, momentum=0.9, nesterov=True, weight_decay=0.01),
    "adam": lambda: gn.Adam(lr=0.05),
}


def data_for(name: str, rng) -> tuple[np.ndarray, np.ndarray]:
    X = rng.normal(size=(9, 3))
    if name == "softmax-cce":
        return X, rng.integers(3, size=9)
    if name == "relu-mse":
        return X, rng.normal(size=(9, 2))
    return X, (rng.random((9, 1)) > 0.5).astype(float)


def assert_members_match(
    ensemble: gn.Ensemble, nets: list[gn.Network], rtol: float = 1e-12, atol: float = 1e-14
) -> None:
    for k, net in enumerate(nets):
        for index, layer in enumerate(net.layers):
            np.testing.assert_allclose(
                ensemble.weights[index][k], layer.weights, rtol=rtol, atol=atol
            )
            if layer.bias is not None:
                np.testing.assert_allclose(
                    ensemble.biases[index][k], layer.bias, rtol=rtol, atol=atol
                )


def test_tutorial_members_match_separate_fits_and_the_tutorial():
    seeds = [1, 2, 3, 42]
    ensemble = gn.Ensemble(
        [gn.Dense(3, 1, activation="sigmoid", bias=False)],
        seeds=[np.random.RandomState(s) for s in seeds],
        loss="sse",
        optimizer=gn.SGD(lr=1.0),
        init="uniform",
    )
    history = ensemble.fit(TUTORIAL_X, TUTORIAL_Y, epochs=10_000)
    nets = []
    for seed in seeds:
        net = tutorial_network(seed)
        nets.append(net)
        net.fit(TUTORIAL_X, TUTORIAL_Y, epochs=10_000)
    assert_members_match(ensemble, nets)
    assert f"{ensemble.predict([[1, 0, 0]])[0, 0, 0]:.8f}" == "0.99993704"
    mean_loss = np.mean([net.history.loss[-1] for net in nets])
    assert history.loss[-1] == pytest.approx(mean_loss, rel=1e-12)
    np.testing.assert_array_equal(ensemble.votes([[1, 0, 0]]), [[0, 4]])


@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
@pytest.mark.parametrize("name", sorted(ARCHITECTURES))
@pytest.mark.parametrize(
    ("batch_size", "shuffle"), [(None, False), (4, False), (4, True)], ids=["full", "batch", "shuf"]
)
def test_members_match_separate_fits(name, optimizer, batch_size, shuffle, rng):
    make_layers, loss, init = ARCHITECTURES[name]
    X, y = data_for(name, rng)
    seeds = [3, 5, 8]
    ensemble = gn.Ensemble(
        make_layers(), seeds=seeds, loss=loss, optimizer=OPTIMIZERS[optimizer](), init=init
    )
    ensemble.fit(X, y, epochs=15, batch_size=batch_size, shuffle=shuffle)
    nets = []
    for seed in seeds:
        net = gn.Network(
            make_layers(), loss=loss, optimizer=OPTIMIZERS[optimizer](), init=init, rng=seed
        )
        net.fit(X, y, epochs=15, batch_size=batch_size, shuffle=shuffle)
        nets.append(net)
    assert_members_match(ensemble, nets)
    np.testing.assert_allclose(
        ensemble.evaluate_members(X, y), [net.evaluate(X, y) for net in nets], rtol=1e-10
    )
    np.testing.assert_allclose(
        ensemble.predict(X), np.stack([net.predict(X) for net in nets]), rtol=1e-10, atol=1e-14
    )


@pytest.mark.parametrize("name", sorted(ARCHITECTURES))
def test_float32_members_match_float64_separate_fits(name, rng):
    make_layers, loss, init = ARCHITECTURES[name]
    X, y = data_for(name, rng)
    seeds = [3, 5, 8]
    ensemble = gn.Ensemble(
        make_layers(), seeds=seeds, loss=loss, optimizer=gn.SGD(lr=0.1), init=init, dtype="float32"
    )
    ensemble.fit(X, y, epochs=15, batch_size=4)
    assert ensemble.weights[0].dtype == np.float32
    nets = []
    for seed in seeds:
        net = gn.Network(make_layers(), loss=loss, optimizer=gn.SGD(lr=0.1), init=init, rng=seed)
        net.fit(X, y, epochs=15, batch_size=4)
        nets.append(net)
    assert_members_match(ensemble, nets, rtol=1e-4, atol=1e-5)


def test_float32_tutorial_ensemble_matches_the_float64_tutorial():
    seeds = [1, 2, 42]
    ensemble = gn.Ensemble(
        [gn.Dense(3, 1, activation="sigmoid", bias=False)],
        seeds=[np.random.RandomState(s) for s in seeds],
        loss="sse",
        optimizer=gn.SGD(lr=1.0),
        init="uniform",
        dtype="float32",
    )
    ensemble.fit(TUTORIAL_X, TUTORIAL_Y, epochs=10_000)
    for k, seed in enumerate(seeds):
        net = tutorial_network(seed)
        net.fit(TUTORIAL_X, TUTORIAL_Y, epochs=10_000)
        np.testing.assert_allclose(ensemble.weights[0][k], net.layers[0].weights, rtol=1e-4)


def test_member_is_a_standalone_copy():
    ensemble = gn.Ensemble([gn.Dense(3, 2, activation="tanh"), gn.Dense(2, 1)], seeds=3, loss="mse")
    ensemble.fit(TUTORIAL_X, TUTORIAL_Y, epochs=5)
    net = ensemble.member(2)
    np.testing.assert_array_equal(net.predict(TUTORIAL_X), ensemble.predict(TUTORIAL_X)[2])
    net.layers[0].weights[:] = 0.0
    assert ensemble.weights[0][2].any()


def test_votes_and_agreement_count_members():
    ensemble = gn.Ensemble([gn.Dense(2, 3, activation="softmax")], seeds=4)
    for k in range(4):  # members 0-2 pick class 1, member 3 picks class 2
        ensemble.weights[0][k] = [[0, 5, 0], [0, 0, 0]] if k < 3 else [[0, 0, 5], [0, 0, 0]]
    np.testing.assert_array_equal(ensemble.votes([[1.0, 0.0]]), [[0, 3, 1]])
    np.testing.assert_allclose(ensemble.agreement([[1.0, 0.0]]), [0.75])
    assert ensemble.predict([[1.0, 0.0], [0.0, 1.0]]).shape == (4, 2, 3)


def test_a_diverging_member_keeps_its_last_finite_weights_and_the_rest_go_on():
    X = np.array([[1.0, -2.0], [3.0, 1.0]])
    Y = np.array([[1.0], [-1.0]])

    def layers() -> list[gn.Dense]:
        return [gn.Dense(2, 1)]

    ensemble = gn.Ensemble(layers(), seeds=[0, 1], loss="mse", optimizer=gn.SGD(lr=0.05))
    ensemble.weights[0][1] *= 1e155  # member 1 overflows at once
    alone = [gn.Network(layers(), loss="mse", optimizer=gn.SGD(lr=0.05), rng=s) for s in (0, 1)]
    alone[1].layers[0].weights *= 1e155
    with pytest.warns(gn.ConvergenceWarning, match="1 of 2 members diverged"):
        ensemble.fit(X, Y, epochs=40)
    alone[0].fit(X, Y, epochs=40)
    with pytest.raises(gn.TrainingDivergedError):
        alone[1].fit(X, Y, epochs=40)
    assert list(ensemble.diverged > 0) == [False, True]
    assert_members_match(ensemble, alone)


def test_every_member_diverging_raises():
    ensemble = gn.Ensemble([gn.Dense(2, 1)], seeds=2, loss="mse", optimizer=gn.SGD(lr=1.0))
    ensemble.weights[0][...] = 1e300
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(gn.TrainingDivergedError, match="every member"):
            ensemble.fit(np.ones((2, 2)) * 1e10, np.ones(2), epochs=3)


def test_configuration_errors():
    with pytest.raises(gn.ConfigurationError, match="at least one member"):
        gn.Ensemble([gn.Dense(2, 1)], seeds=[])
    with pytest.raises(gn.ConfigurationError, match="an ensemble needs"):
        gn.Ensemble([gn.Dense(2, 2, activation="softmax")], seeds=2, loss="binary_crossentropy")
    ensemble = gn.Ensemble([gn.Dense(2, 1)], seeds=2)
    with pytest.raises(gn.ConfigurationError, match="epochs must be"):
        ensemble.fit(np.ones((2, 2)), np.ones(2), epochs=-1)
    with pytest.raises(gn.ShapeError, match="member index"):
        ensemble.member(2)
    assert "2 members" in repr(ensemble)


def test_votes_are_refused_for_a_regression():
    ensemble = gn.Ensemble([gn.Dense(2, 1)], seeds=3, loss="mse")
    with pytest.raises(gn.ConfigurationError, match=r"output layer is 'identity' \(a regression\)"):
        ensemble.votes([[1.0, 0.0]])
    with pytest.raises(gn.ConfigurationError, match="compare the members' predict"):
        ensemble.agreement([[1.0, 0.0]])


@pytest.mark.parametrize("shuffle", [False, True])
def test_a_second_fit_on_other_data_leaves_the_first_data_alone(shuffle, rng):
    """A full-batch fit binds its step to the data; later batches of that shape get copies."""
    layers, loss, init = ARCHITECTURES["tanh-bce"]
    first_X, first_y = data_for("tanh-bce", rng)  # 9 rows
    second_X = np.vstack([data_for("tanh-bce", rng)[0] for _ in "ab"])  # 18 rows
    second_y = np.vstack([data_for("tanh-bce", rng)[1] for _ in "ab"])
    kept_X, kept_y = first_X.copy(), first_y.copy()
    ensemble = gn.Ensemble(layers(), seeds=3, loss=loss, optimizer=gn.SGD(lr=0.1), init=init)
    twin = gn.Ensemble(layers(), seeds=3, loss=loss, optimizer=gn.SGD(lr=0.1), init=init)
    ensemble.fit(first_X, first_y, epochs=3)
    ensemble.fit(second_X, second_y, epochs=3, batch_size=9, shuffle=shuffle)
    np.testing.assert_array_equal(first_X, kept_X)
    np.testing.assert_array_equal(first_y, kept_y)
    twin.fit(kept_X, kept_y, epochs=3)
    twin.fit(second_X, second_y, epochs=3, batch_size=9, shuffle=shuffle)
    for ours, theirs in zip(ensemble.weights, twin.weights, strict=True):
        np.testing.assert_array_equal(ours, theirs)
