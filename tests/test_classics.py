"""Classic NumPy tutorials, configured in glassnet the same way, match their own numbers to 1e-12.

The reference numbers in ``tests/reference/classics.json`` come from running each tutorial's
original program (sources in ``tests/reference/README.md``), and ``tests/reference/classics.py``
restates each run from the algorithm: the quick entries are recomputed from it here. glassnet is
configured as the tutorial is (layers, no bias, sse loss, SGD step, batch size, legacy
``RandomState`` draw order) and must arrive at the same weights, checkpoint errors and
predictions; the learning-rate runs that are not reproducible to 1e-12 are checked at the
tolerance their entry records.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import glassnet as gn
from tests.reference.classics import (
    RUNS,
    checkpoint_error_spread,
    load_classics,
    max_relative_difference,
)

CLASSICS = load_classics()
RTOL = 1e-12
#: The learning-rate entries run 7 × 60,000 steps each; every other entry takes a second or two.
SLOW_ENTRIES = ("trask_alphas_h4", "trask_alphas_h32")


def build(entry: dict[str, Any], lr: float | None = None) -> gn.Network:
    config = entry["glassnet_config"]
    layers = [
        gn.Dense(spec["n_in"], spec["n_out"], activation=spec["activation"], bias=spec["bias"])
        for spec in config["layers"]
    ]
    fixed = config["init"]["scheme"] == "fixed"
    net = gn.Network(
        layers,
        loss="sse",
        optimizer=gn.SGD(lr=config["optimizer"]["lr"] if lr is None else lr),
        init="uniform",
        rng=np.random.RandomState(1),
    )
    initial = entry["results"]["initial_weights"]
    if fixed:
        net.set_weights(initial)
    # glassnet's own draw is the tutorial's: same stream, same order, same shapes.
    for layer, expected in zip(net.layers, initial, strict=True):
        np.testing.assert_array_equal(layer.weights, np.array(expected))
    return net


def data(entry: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    return np.array(entry["data"]["X"], dtype=float), np.array(entry["data"]["y"], dtype=float)


def assert_weights(net: gn.Network, expected: list[Any]) -> None:
    for index, (layer, weights) in enumerate(zip(net.layers, expected, strict=True)):
        np.testing.assert_allclose(
            layer.weights, np.array(weights), rtol=RTOL, atol=0, err_msg=f"layer {index}"
        )


def train_with_checkpoints(net: gn.Network, X, Y, epochs: int, every: int = 10_000) -> list[list]:
    """Full-batch training; [j, mean |y − ŷ|] before the update at j = 0, every, 2·every, ..."""
    errors = [[0, float(np.mean(np.abs(Y - net.predict(X))))]]

    def checkpoint(epoch: int, net: gn.Network, history: gn.History) -> None:
        if epoch % every == 0 and epoch < epochs:
            errors.append([epoch, float(np.mean(np.abs(Y - net.predict(X))))])

    net.fit(X, Y, epochs=epochs, callback=checkpoint)
    return errors


def test_seed_tutorial():
    entry = CLASSICS["seed_single_neuron"]
    net = build(entry)
    X, Y = data(entry)
    net.fit(X, Y, epochs=entry["glassnet_config"]["epochs"])
    assert_weights(net, entry["results"]["final_weights"])
    prediction = net.predict(entry["data"]["query"])[0, 0]
    assert prediction == pytest.approx(entry["results"]["prediction_1_0_0"], rel=RTOL)
    assert f"{prediction:.8f}" == "0.99993704"


def test_trask_two_layer():
    entry = CLASSICS["trask_2layer"]
    net = build(entry)
    X, Y = data(entry)
    # The post prints the outputs of the last forward pass, taken before the final update.
    net.fit(X, Y, epochs=9_999)
    outputs = net.predict(X)
    net.fit(X, Y, epochs=1)
    np.testing.assert_allclose(outputs[:, 0], entry["results"]["output_after_training"], rtol=RTOL)
    assert_weights(net, entry["results"]["final_weights"])


def test_trask_three_layer_xor():
    entry = CLASSICS["trask_3layer"]
    net = build(entry)
    X, Y = data(entry)
    errors = train_with_checkpoints(net, X, Y, entry["glassnet_config"]["epochs"])
    np.testing.assert_allclose(errors, entry["results"]["checkpoint_errors"], rtol=RTOL)
    assert_weights(net, entry["results"]["final_weights"])


@pytest.mark.parametrize("name", sorted(set(CLASSICS) - set(SLOW_ENTRIES)))
def test_reference_programs_regenerate_the_recorded_numbers(name):
    """classics.py, run now, gives every number classics.json holds for the entry."""
    entry = CLASSICS[name]
    assert max_relative_difference(RUNS[name](), entry["results"]) <= entry["tolerance"]["rtol"]


def run_tolerances(run: dict[str, Any]) -> tuple[float, float | None]:
    """The run's (checkpoint errors rtol, final weights rtol or None: not compared)."""
    if run["reproducible_to_1e-12"]:
        return RTOL, RTOL
    tolerance = run["tolerance"]
    return tolerance["checkpoint_errors_rtol"], tolerance["final_weights_rtol"]


@pytest.mark.slow
@pytest.mark.parametrize("name", SLOW_ENTRIES)
def test_trask_learning_rates(name):
    entry = CLASSICS[name]
    X, Y = data(entry)
    runs = entry["results"]["runs"]
    assert len(runs) == 7
    assert sum(not run["reproducible_to_1e-12"] for run in runs) == {"trask_alphas_h4": 2}.get(
        name, 1
    )
    for run in runs:
        errors_rtol, weights_rtol = run_tolerances(run)
        net = build(entry, lr=run["alpha"])
        with np.errstate(over="ignore"):  # alpha 1000 saturates its sigmoids
            errors = train_with_checkpoints(net, X, Y, entry["glassnet_config"]["epochs"])
        np.testing.assert_allclose(
            errors,
            run["checkpoint_errors"],
            rtol=errors_rtol,
            atol=0,
            err_msg=f"alpha {run['alpha']}",
        )
        if weights_rtol is not None:
            for index, (layer, weights) in enumerate(
                zip(net.layers, run["final_weights"], strict=True)
            ):
                np.testing.assert_allclose(
                    layer.weights,
                    np.array(weights),
                    rtol=weights_rtol,
                    atol=0,
                    err_msg=f"alpha {run['alpha']}, layer {index}",
                )


@pytest.mark.slow
def test_the_chaotic_run_s_tolerance_is_twice_what_one_ulp_does():
    """The recorded rtol of trask_alphas_h32 at alpha 10 comes from this measurement."""
    run = next(r for r in CLASSICS["trask_alphas_h32"]["results"]["runs"] if r["alpha"] == 10)
    spread = checkpoint_error_spread(32, 10)
    assert 1e-3 < spread <= run["tolerance"]["checkpoint_errors_rtol"] / 2


def test_harper_multilayer():
    entry = CLASSICS["harper_multilayer"]
    net = build(entry)
    X, Y = data(entry)
    net.fit(X, Y, epochs=entry["glassnet_config"]["epochs"])
    assert_weights(net, entry["results"]["final_weights"])
    query = np.array([entry["data"]["query"]], dtype=float)
    hidden = net.layers[0].activation.forward(net.layers[0].pre_activation(query))
    np.testing.assert_allclose(hidden[0], entry["results"]["hidden_1_1_0"], rtol=RTOL)
    assert net.predict(query)[0, 0] == pytest.approx(entry["results"]["prediction_1_1_0"], rel=RTOL)


def test_grokking_deep_network_with_per_example_updates():
    entry = CLASSICS["grokking_ch6_deep"]
    net = build(entry)
    X, Y = data(entry)
    config = entry["glassnet_config"]
    assert config["batch_size"] == 1
    history = net.fit(X, Y, epochs=config["epochs"], batch_size=1)
    # glassnet's sse is ½Σ(ŷ − y)²; the book prints Σ(ŷ − y)², both summed as the epoch runs.
    for epoch, error in entry["results"]["epoch_errors"]:
        assert 2 * history.loss[epoch] == pytest.approx(error, rel=RTOL)
    assert_weights(net, entry["results"]["final_weights"])


def test_grokking_linear_unit_from_a_fixed_start():
    entry = CLASSICS["grokking_ch6_linear"]
    net = build(entry)
    X, Y = data(entry)
    predictions = []
    for _ in range(entry["glassnet_config"]["epochs"]):
        for row in range(X.shape[0]):
            predictions.append(net.predict(X[row])[0, 0])
            net.fit(X[row : row + 1], Y[row : row + 1], epochs=1)
    np.testing.assert_allclose(predictions, entry["results"]["predictions"], rtol=RTOL)
    assert_weights(net, entry["results"]["final_weights"])
    history_net = build(entry)
    history = history_net.fit(X, Y, epochs=entry["glassnet_config"]["epochs"], batch_size=1)
    expected = entry["results"]["epoch_errors"]
    np.testing.assert_allclose(2 * np.array(history.loss), expected, rtol=RTOL)
