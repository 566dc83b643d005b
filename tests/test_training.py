"""The fit loop: batches, shuffling, validation, early stopping, divergence, interruption, XOR."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import glassnet as gn
from tests.conftest import TUTORIAL_X, TUTORIAL_Y

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_Y = np.array([0, 1, 1, 0], dtype=float)


def xor_network(seed: int) -> gn.Network:
    return gn.Network(
        [gn.Dense(2, 4, activation="tanh"), gn.Dense(4, 1, activation="sigmoid")],
        loss="binary_crossentropy",
        optimizer=gn.Adam(lr=0.1),
        rng=seed,
    )


def test_xor_is_learned_by_at_least_90_of_100_seeds():
    learned = 0
    for seed in range(100):
        net = xor_network(seed)
        net.fit(XOR_X, XOR_Y, epochs=300)
        learned += bool(((net.predict(XOR_X)[:, 0] > 0.5) == (XOR_Y > 0.5)).all())
    print(f"XOR learned by {learned} of 100 seeds")
    assert learned >= 90


def test_fit_returns_history_with_one_loss_per_epoch():
    net = xor_network(0)
    history = net.fit(XOR_X, XOR_Y, epochs=25)
    assert history.epochs == 25
    assert len(history.loss) == 25
    assert history.val_loss == []
    assert net.history is history
    assert history.loss[-1] < history.loss[0]


def test_same_seed_gives_identical_training():
    first, second = xor_network(3), xor_network(3)
    first.fit(XOR_X, XOR_Y, epochs=20, batch_size=2, shuffle=True)
    second.fit(XOR_X, XOR_Y, epochs=20, batch_size=2, shuffle=True)
    for a, b in zip(first.get_weights(), second.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_batch_size_one_is_per_example_updates_in_order():
    net = gn.Network(
        [gn.Dense(3, 1, activation="sigmoid", bias=False)],
        loss="sse",
        optimizer=gn.SGD(lr=0.5),
        init="uniform",
        rng=np.random.RandomState(1),
    )
    weights = net.layers[0].weights.copy()
    net.fit(TUTORIAL_X, TUTORIAL_Y, epochs=3, batch_size=1)
    for _ in range(3):
        for x, y in zip(TUTORIAL_X, TUTORIAL_Y, strict=True):
            out = 1 / (1 + np.exp(-(x @ weights)))
            weights -= 0.5 * np.outer(x, (out - y) * out * (1 - out))
    np.testing.assert_allclose(net.layers[0].weights, weights, rtol=1e-13)


def test_epoch_loss_averages_mean_losses_and_sums_sse():
    X, Y = XOR_X, XOR_Y.reshape(-1, 1)
    for loss, combine in (("mse", np.mean), ("sse", np.sum)):
        net = gn.Network([gn.Dense(2, 1)], loss=loss, optimizer=gn.SGD(lr=0.0), rng=1)
        history = net.fit(X, Y, epochs=1, batch_size=1)
        per_row = [net.evaluate(X[i : i + 1], Y[i : i + 1]) for i in range(4)]
        assert history.loss[0] == pytest.approx(combine(per_row))


def test_validation_fraction_holds_out_rows_and_records_val_loss():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3))
    y = X @ np.array([1.0, -2.0, 0.5])
    net = gn.Network([gn.Dense(3, 1)], loss="mse", optimizer=gn.SGD(lr=0.05), rng=0)
    history = net.fit(X, y, epochs=10, validation_fraction=0.2)
    assert len(history.val_loss) == 10
    assert history.val_loss[-1] < history.val_loss[0]


def test_patience_stops_and_restores_best_weights():
    rng = np.random.default_rng(1)
    X_train, X_val = rng.normal(size=(20, 2)), rng.normal(size=(20, 2))
    y_train, y_val = rng.normal(size=20), rng.normal(size=20)  # noise: validation soon worsens
    net = gn.Network(
        [gn.Dense(2, 16, activation="tanh"), gn.Dense(16, 1)],
        loss="mse",
        optimizer=gn.Adam(lr=0.05),
        rng=0,
    )
    history = net.fit(X_train, y_train, epochs=500, validation_data=(X_val, y_val), patience=5)
    assert history.stopped_early
    assert history.epochs < 500
    best = history.best_epoch
    assert best is not None
    assert history.epochs == best + 5
    assert history.val_loss[best - 1] == min(history.val_loss)
    assert net.evaluate(X_val, y_val) == pytest.approx(history.val_loss[best - 1], rel=1e-12)


def test_divergence_raises_naming_the_epoch_and_keeps_finite_weights():
    X = np.array([[1e3, -2e3], [3e3, 1e3]])  # unscaled inputs and a large step: divergence
    y = np.array([1.0, -1.0])
    net = gn.Network(
        [gn.Dense(2, 4, activation="tanh"), gn.Dense(4, 1)],
        loss="mse",
        optimizer=gn.SGD(lr=10.0),
        rng=0,
    )
    with pytest.raises(gn.TrainingDivergedError, match=r"epoch \d+.*learning rate") as caught:
        net.fit(X, y, epochs=100)
    assert caught.value.epoch >= 1
    assert caught.value.exit_code == 1
    assert all(np.isfinite(w).all() for w in net.get_weights())
    assert np.isfinite(net.evaluate(X, y))


def test_ctrl_c_warns_and_keeps_weights():
    def interrupt(epoch, net, history):
        if epoch == 5:
            raise KeyboardInterrupt

    net = xor_network(0)
    with pytest.warns(gn.ConvergenceWarning, match="interrupted at epoch 5"):
        history = net.fit(XOR_X, XOR_Y, epochs=100, callback=interrupt)
    assert history.interrupted
    assert history.epochs == 5


def test_callback_returning_true_stops_training():
    history = xor_network(0).fit(XOR_X, XOR_Y, epochs=100, callback=lambda e, n, h: e == 7)
    assert history.epochs == 7


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"epochs": -1}, "epochs must be an int >= 0"),
        ({"epochs": 2.5}, "epochs must be an int"),
        ({"batch_size": 0}, "batch_size must be an int >= 1"),
        ({"patience": 0}, "patience must be an int >= 1"),
        ({"validation_fraction": 1.5}, "validation_fraction must be in"),
    ],
    ids=["negative-epochs", "float-epochs", "zero-batch", "zero-patience", "bad-fraction"],
)
def test_bad_fit_settings_are_refused(kwargs, message):
    with pytest.raises(gn.ConfigurationError, match=message):
        xor_network(0).fit(XOR_X, XOR_Y, **{"epochs": 1, **kwargs})


def test_float32_training_stays_close_to_float64():
    results = []
    for dtype in ("float32", "float64"):
        net = gn.Network(
            [gn.Dense(2, 4, activation="tanh"), gn.Dense(4, 1, activation="sigmoid")],
            loss="binary_crossentropy",
            optimizer=gn.SGD(lr=0.5),
            rng=0,
            dtype=dtype,
        )
        net.fit(XOR_X, XOR_Y, epochs=50)
        assert net.layers[0].weights.dtype == np.dtype(dtype)
        assert net.predict(XOR_X).dtype == np.dtype(dtype)
        results.append(net.predict(XOR_X))
    np.testing.assert_allclose(results[0], results[1], rtol=1e-4, atol=1e-5)


def test_no_warning_escapes_training_on_extreme_inputs():
    X = np.array([[1000.0, -1000.0], [-1000.0, 1000.0]])
    for output, loss in (
        ("sigmoid", "binary_crossentropy"),
        ("softmax", "categorical_crossentropy"),
    ):
        net = gn.Network([gn.Dense(2, 2, activation=output)], loss=loss, rng=0)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            net.fit(X, np.array([[1.0, 0.0], [0.0, 1.0]]), epochs=5)
            assert np.isfinite(net.evaluate(X, np.array([[1.0, 0.0], [0.0, 1.0]])))


def _noisy_regression(seed: int = 1, rows: int = 24):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, 2))
    return X, X[:, :1] * 0.5 + rng.normal(size=(rows, 1))  # mostly noise: overfits soon


def _overfitting_network() -> gn.Network:
    return gn.Network(
        [gn.Dense(2, 16, activation="tanh"), gn.Dense(16, 1)],
        loss="mse",
        optimizer=gn.Adam(lr=0.05),
        rng=0,
    )


EARLY_STOPPING = {
    "validation-data-full-batch": {"validation_data": "held-out"},
    "validation-data-mini-batches": {"validation_data": "held-out", "batch_size": 5},
    "validation-fraction-shuffled": {"validation_fraction": 0.25, "batch_size": 4, "shuffle": True},
    "training-loss": {"batch_size": 7, "shuffle": True},  # no validation: patience on the loss
}


@pytest.mark.parametrize("restore_best", [True, False])
@pytest.mark.parametrize("options", list(EARLY_STOPPING.values()), ids=list(EARLY_STOPPING))
def test_early_stopping_ends_with_the_weights_of_the_best_epoch(options, restore_best):
    """The weights after fit equal a copy taken (by a callback) at the end of the best epoch."""
    X, Y = _noisy_regression()
    options = dict(options)
    if options.get("validation_data") == "held-out":
        options["validation_data"] = _noisy_regression(seed=2)
    patience = 3 if "validation_data" in options or "validation_fraction" in options else 1
    copies: dict[int, list[np.ndarray]] = {}

    def keep(epoch, net, history):
        copies[epoch] = net.get_weights()

    net = _overfitting_network()
    history = net.fit(
        X, Y, epochs=400, patience=patience, restore_best=restore_best, callback=keep, **options
    )
    assert history.stopped_early
    best = history.best_epoch
    assert best is not None
    assert best < history.epochs  # the last epoch is not the best one: restoring matters
    if restore_best:
        expected = copies[best]
    else:  # the last epoch's weights: what as many epochs give without patience
        last = _overfitting_network()
        last.fit(X, Y, epochs=history.epochs, **options)
        expected = last.get_weights()
    for ours, theirs in zip(net.get_weights(), expected, strict=True):
        np.testing.assert_array_equal(ours, theirs)
    twin = _overfitting_network()  # no callback: the same numbers from the bound step
    twin.fit(X, Y, epochs=400, patience=patience, restore_best=restore_best, **options)
    for ours, theirs in zip(twin.get_weights(), expected, strict=True):
        np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize(
    "options",
    [{}, {"batch_size": 5}, {"batch_size": 4, "shuffle": True}],
    ids=["full-batch", "mini-batches", "shuffled"],
)
def test_validation_rows_are_never_trained_on(options):
    """Fit with a validation fraction equals fit on the training rows alone."""
    X, Y = _noisy_regression(rows=30)
    net = _overfitting_network()
    twin = net.copy()
    history = net.fit(X, Y, epochs=40, validation_fraction=0.3, **options)
    order = twin.rng.permutation(len(X))  # the split fit draws first, from the same stream
    validation, training = order[:9], order[9:]
    twin_history = twin.fit(X[training], Y[training], epochs=40, **options)
    for ours, theirs in zip(net.get_weights(), twin.get_weights(), strict=True):
        np.testing.assert_array_equal(ours, theirs)
    assert history.loss == twin_history.loss
    assert history.val_loss[-1] == twin.evaluate(X[validation], Y[validation])


def test_validation_data_do_not_change_training():
    X, Y = _noisy_regression()
    watched, plain = _overfitting_network(), _overfitting_network()
    watched.fit(X, Y, epochs=30, batch_size=6, shuffle=True, validation_data=_noisy_regression(2))
    plain.fit(X, Y, epochs=30, batch_size=6, shuffle=True)
    for ours, theirs in zip(watched.get_weights(), plain.get_weights(), strict=True):
        np.testing.assert_array_equal(ours, theirs)
