"""The trace and the narrator: the engine's numbers, checked by hand with the tutorial's formula."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import glassnet as gn
from glassnet.explain import explain, narrate, trace
from glassnet.explain.explanations import predict_steps
from glassnet.explain.wording import unit_names
from tests.conftest import TUTORIAL_X, TUTORIAL_Y, tutorial_network

# The tutorial's starting weights: random.seed(1); 2 * random.random((3, 1)) - 1.
START = [-0.165955990594852, 0.4406489868843162, -0.9997712503653102]


def by_hand() -> dict[str, list[float]]:
    """The tutorial's first iteration, one number at a time in plain Python (no NumPy)."""
    rows = TUTORIAL_X.tolist()
    targets = TUTORIAL_Y[:, 0].tolist()
    sums = [sum(x * w for x, w in zip(row, START, strict=True)) for row in rows]
    outputs = [1 / (1 + math.exp(-z)) for z in sums]
    errors = [t - o for t, o in zip(targets, outputs, strict=True)]
    slopes = [o * (1 - o) for o in outputs]
    deltas = [e * s for e, s in zip(errors, slopes, strict=True)]
    adjustments = [sum(row[i] * d for row, d in zip(rows, deltas, strict=True)) for i in range(3)]
    new = [w + a for w, a in zip(START, adjustments, strict=True)]
    return {
        "sums": sums,
        "outputs": outputs,
        "errors": errors,
        "slopes": slopes,
        "deltas": deltas,
        "adjustments": adjustments,
        "new": new,
    }


def test_trace_first_iteration_matches_hand_computation():
    hand = by_hand()
    step = trace(tutorial_network(), TUTORIAL_X, TUTORIAL_Y)[0]
    layer = step.layers[0]
    close = {"rtol": 1e-13, "atol": 1e-15}
    np.testing.assert_array_equal(layer.weights[:, 0], START)
    np.testing.assert_allclose(layer.Z[:, 0], hand["sums"], **close)
    np.testing.assert_allclose(layer.A[:, 0], hand["outputs"], **close)
    np.testing.assert_allclose(step.errors[:, 0], hand["errors"], **close)
    assert layer.slope is not None
    np.testing.assert_allclose(layer.slope[:, 0], hand["slopes"], **close)
    np.testing.assert_allclose(-layer.dZ[:, 0], hand["deltas"], **close)
    np.testing.assert_allclose(layer.update[:, 0], hand["adjustments"], **close)
    np.testing.assert_allclose(layer.new_weights[:, 0], hand["new"], **close)
    sse = 0.5 * sum(e * e for e in hand["errors"])
    assert step.loss == pytest.approx(sse, rel=1e-13)


def test_narration_first_iteration_prints_hand_values():
    hand = by_hand()
    story = explain(tutorial_network(), TUTORIAL_X, TUTORIAL_Y, epochs=1)
    text = story.narrate(digits=6)

    def g(value: float) -> str:
        return f"{value:.6g}"

    for w in START:
        assert f"= {g(w)}\n" in text
    for r, z in enumerate(hand["sums"]):
        row = " ".join(g(x) for x in TUTORIAL_X[r])
        assert f"example {r + 1}, inputs {row}:" in text
        assert f"= {g(z)}\n" in text
        assert f"out = 1 / (1 + e^{g(-z)}) = {g(hand['outputs'][r])}" in text
    for o, t, e, s, d in zip(
        hand["outputs"],
        TUTORIAL_Y[:, 0],
        hand["errors"],
        hand["slopes"],
        hand["deltas"],
        strict=True,
    ):
        assert f"error = {g(t)} - {g(o)} = {g(e)}" in text
        assert f"slope = {g(o)} × (1 - {g(o)}) = {g(s)}" in text
        assert f"delta = error × slope = {g(e)} × {g(s)} = {g(d)}" in text
    for i, (old, adjust, new) in enumerate(
        zip(START, hand["adjustments"], hand["new"], strict=True)
    ):
        products = " + ".join(
            f"{g(x)} × {'(' + g(d) + ')' if d < 0 else g(d)}"
            for x, d in zip(TUTORIAL_X[:, i], hand["deltas"], strict=True)
        )
        assert f"x{i + 1}->out: {products} = {g(adjust)}\n" in text
        assert f"new = {g(old)} + {g(adjust)} = {g(new)}" in text
    assert "output × (1 - output)" in text
    assert "sigmoid(z) × (1 - sigmoid(z))" in text


def test_explain_matches_plain_fit_and_the_tutorial_answer():
    story = explain(
        tutorial_network(), TUTORIAL_X, TUTORIAL_Y, epochs=10_000, every=2_500, X_new=[[1, 0, 0]]
    )
    plain = tutorial_network()
    plain.fit(TUTORIAL_X, TUTORIAL_Y, epochs=10_000)
    np.testing.assert_array_equal(story.final[0], plain.layers[0].weights)
    assert plain.history is not None
    assert story.losses == plain.history.loss
    assert [s.epoch for s in story.summaries] == [2_500, 5_000, 7_500, 10_000]
    assert f"{story.predictions[0].output[0]:.8f}" == "0.99993704"
    text = story.narrate()
    assert "The answer for 1 0 0 is 0.99993704." in text
    assert "after iteration 10000: loss " in text
    assert "drawn layer by layer from NumPy's legacy RandomState" in " ".join(text.split())


def xor_network(optimizer: gn.optimizers.Optimizer | None = None) -> gn.Network:
    return gn.Network(
        [gn.Dense(2, 3, activation="tanh"), gn.Dense(3, 1, activation="sigmoid")],
        loss="sse",
        optimizer=optimizer or gn.SGD(lr=0.5),
        rng=3,
    )


XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_Y = np.array([[0], [1], [1], [0]], dtype=float)


def test_trace_hidden_layer_deltas_flow_back_through_old_weights():
    net = xor_network()
    W1, W2 = net.layers[0].weights.copy(), net.layers[1].weights.copy()
    step = trace(net, XOR_X, XOR_Y)[0]
    hidden, out = step.layers
    A1 = np.tanh(XOR_X @ W1)
    A2 = 1 / (1 + np.exp(-(A1 @ W2)))
    delta2 = (XOR_Y - A2) * A2 * (1 - A2)
    delta1 = (delta2 @ W2.T) * (1 - A1**2)
    np.testing.assert_allclose(-out.dZ, delta2, rtol=1e-12)
    np.testing.assert_allclose(-hidden.dZ, delta1, rtol=1e-12)
    np.testing.assert_allclose(hidden.update, 0.5 * XOR_X.T @ delta1, rtol=1e-12)
    np.testing.assert_allclose(out.update, 0.5 * A1.T @ delta2, rtol=1e-12)
    assert hidden.bias_update is not None
    np.testing.assert_allclose(hidden.bias_update, 0.5 * delta1.sum(axis=0), rtol=1e-12)
    text = explain(xor_network(), XOR_X, XOR_Y, epochs=1).narrate()
    assert "Backward, layer 1 (hidden: 2 inputs -> 3 tanh neurons)" in text
    assert "1 - output²" in text
    assert "times the learning rate 0.5" in text


def test_trace_leaves_the_layers_as_they_were():
    net = xor_network()
    trace(net, XOR_X, XOR_Y, steps=2)
    for layer in net.layers:
        assert "backward" not in vars(layer)
        assert "backward_from_dZ" not in vars(layer)


def test_trace_then_fit_equals_fit_with_adam():
    traced = xor_network(gn.Adam(lr=0.05))
    trace(traced, XOR_X, XOR_Y, steps=3)
    traced.fit(XOR_X, XOR_Y, epochs=7)
    plain = xor_network(gn.Adam(lr=0.05))
    plain.fit(XOR_X, XOR_Y, epochs=10)
    for a, b in zip(traced.get_weights(), plain.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_explain_fused_cross_entropy_narrates_cancelled_slope():
    net = gn.Network(
        [gn.Dense(2, 2, activation="tanh"), gn.Dense(2, 1, activation="sigmoid")],
        loss="binary_crossentropy",
        optimizer=gn.Adam(lr=0.05),
        rng=0,
    )
    story = explain(net, XOR_X, XOR_Y, epochs=2, steps=1)
    layer = story.steps[0].layers[-1]
    assert layer.dA is None
    np.testing.assert_allclose(layer.dZ, (layer.A - XOR_Y) / 4)
    text = story.narrate()
    assert "slope cancels" in text
    assert "Adam with learning rate 0.05 decides how far" in text


def test_explain_to_dict_is_json_and_holds_every_number():
    story = explain(
        tutorial_network(), TUTORIAL_X, TUTORIAL_Y, epochs=3, every=1, X_new=[[1, 0, 0]]
    )
    data = json.loads(json.dumps(story.to_dict()))
    first = data["steps"][0]["layers"][0]
    assert data["start"]["0.weight"] == [[w] for w in START]
    np.testing.assert_allclose(np.array(first["Z"])[:, 0], by_hand()["sums"], rtol=1e-13)
    assert first["dA"] is not None
    assert [s["epoch"] for s in data["summaries"]] == [1, 2, 3]
    assert data["predictions"][0]["inputs"] == [1.0, 0.0, 0.0]
    assert data["network"]["optimizer"] == {
        "name": "SGD",
        "lr": 1.0,
        "momentum": 0.0,
        "nesterov": False,
        "weight_decay": 0.0,
    }


def test_narrate_shortens_long_tables():
    rng = np.random.default_rng(0)
    X = rng.random((20, 2))
    y = (X.sum(axis=1) > 1).astype(float)
    net = gn.Network([gn.Dense(2, 1, activation="sigmoid")], loss="sse", optimizer=gn.SGD(0.1))
    text = narrate(explain(net, X, y, epochs=1), max_examples=3)
    assert "... and 17 more examples (all of them in --json)" in text
    assert "sum over 20 examples = " in text


def test_predict_steps_equals_predict():
    net = xor_network()
    net.fit(XOR_X, XOR_Y, epochs=50)
    for row in XOR_X:
        np.testing.assert_array_equal(predict_steps(net, row).output, net.predict(row)[0])
    with pytest.raises(gn.ConfigurationError, match="expected one input row, got 2"):
        predict_steps(net, XOR_X[:2])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"epochs": -1}, "epochs must be an int >= 0"),
        ({"every": 0}, "every must be an int >= 1"),
    ],
    ids=["negative-epochs", "zero-every"],
)
def test_explain_rejects_bad_settings(kwargs, message):
    with pytest.raises(gn.ConfigurationError, match=message):
        explain(tutorial_network(), TUTORIAL_X, TUTORIAL_Y, **kwargs)


def test_trace_rejects_bad_steps():
    with pytest.raises(gn.ConfigurationError, match=r"steps must be an int >= 0, got 1\.5"):
        trace(tutorial_network(), TUTORIAL_X, TUTORIAL_Y, steps=1.5)  # type: ignore[arg-type]


def test_unit_names_for_deep_networks():
    assert unit_names([2, 3, 3, 2]) == [
        ["x1", "x2"],
        ["h1_1", "h1_2", "h1_3"],
        ["h2_1", "h2_2", "h2_3"],
        ["out1", "out2"],
    ]


@pytest.mark.parametrize(
    ("layers", "loss", "optimizer", "y", "phrase"),
    [
        (
            [gn.Dense(2, 3, activation="relu"), gn.Dense(3, 1, activation="identity")],
            "mse",
            gn.SGD(lr=0.1, momentum=0.9),
            XOR_Y,
            "The error is 2 × (target - output) / 4",
        ),
        (
            [
                gn.Dense(2, 3, activation="leaky_relu"),
                gn.Dense(3, 2, activation="softmax"),
            ],  # fused
            "categorical_crossentropy",
            gn.SGD(lr=0.5),
            np.array([0, 1, 1, 0]),
            "out1: delta = (1 - 0.5) / 4 = 0.125",
        ),
        (
            [gn.Dense(2, 2, activation="tanh"), gn.Dense(2, 2, activation="sigmoid")],
            "categorical_crossentropy",
            gn.Adam(),
            np.array([0, 1, 1, 0]),
            "minus the slope of the loss (categorical_crossentropy)",
        ),
    ],
    ids=["relu-identity-mse-momentum", "softmax-cce", "sigmoid-outputs-cce"],
)
def test_narrate_other_activations_and_losses(layers, loss, optimizer, y, phrase):
    net = gn.Network(layers, loss=loss, optimizer=optimizer, rng=0)
    story = explain(net, XOR_X, y, epochs=3, every=1, X_new=[[1, 0]])
    text = " ".join(story.narrate().split())
    assert phrase in text
    assert "Final weights, after 3 iterations" in text
    np.testing.assert_array_equal(story.predictions[0].output, net.predict([[1, 0]])[0])
    json.dumps(story.to_dict())


def test_softmax_lines_show_the_whole_row_and_long_lines_wrap():
    """softmax takes every weighted sum of its layer; 16 hidden units' numbers wrap at 100."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(6, 4))
    net = gn.Network(
        [gn.Dense(4, 16, activation="tanh"), gn.Dense(16, 3, activation="softmax")], rng=0
    )
    story = explain(net, X, np.array([0, 1, 2, 0, 1, 2]), epochs=1, X_new=X[:1])
    text = story.narrate(lines=None)  # every number, however long
    Z = story.steps[0].layers[-1].Z[0]  # (3,)
    A = story.steps[0].layers[-1].A[0]
    row = ", ".join(f"{z:.6g}" for z in Z)
    assert f"out3 = softmax({row})[3] = {A[2]:.6g}" in text
    assert max(len(line) for line in text.splitlines()) <= 100
    weights = next(line for line in text.splitlines() if "x1->h1 = " in line)
    assert weights.endswith(";")  # the 16 weights of x1 go on over more lines
    assert "softmax(" in text.split("Prediction for inputs")[1]
