"""Property tests: invariants that must hold for any input hypothesis can think of."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import glassnet as gn
from glassnet.nn.activations import ACTIVATIONS, get_activation
from glassnet.nn.losses import get_loss

finite = st.floats(-1000, 1000, allow_nan=False, allow_infinity=False)
shapes = st.tuples(st.integers(1, 8), st.integers(1, 6))


@given(arrays(np.float64, shapes, elements=finite))
def test_softmax_rows_are_distributions(Z):
    P = get_activation("softmax").forward(Z)
    assert np.isfinite(P).all()
    assert (P >= 0).all()
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-12)


@given(st.sampled_from(sorted(ACTIVATIONS)), arrays(np.float64, shapes, elements=finite))
def test_activations_are_finite_for_large_inputs(name, Z):
    activation = get_activation(name)
    A = activation.forward(Z)
    assert np.isfinite(A).all()
    assert np.isfinite(activation.backward(Z, A, np.ones_like(Z))).all()


@st.composite
def predictions_and_targets(draw):
    shape = draw(shapes)
    kind = draw(st.sampled_from(["sse", "mse", "binary_crossentropy", "categorical_crossentropy"]))
    if kind == "categorical_crossentropy":
        A = get_activation("softmax").forward(draw(arrays(np.float64, shape, elements=finite)))
        Y = np.eye(shape[1])[
            draw(st.lists(st.integers(0, shape[1] - 1), min_size=shape[0], max_size=shape[0]))
        ]
    elif kind == "binary_crossentropy":
        A = draw(arrays(np.float64, shape, elements=st.floats(0, 1)))
        Y = draw(arrays(np.float64, shape, elements=st.sampled_from([0.0, 1.0])))
    else:
        A = draw(arrays(np.float64, shape, elements=finite))
        Y = draw(arrays(np.float64, shape, elements=finite))
    return kind, A, Y


@given(predictions_and_targets())
def test_losses_are_non_negative_and_zero_at_a_perfect_prediction(case):
    kind, A, Y = case
    loss = get_loss(kind)
    assert loss.value(A, Y) >= 0
    assert loss.value(Y, Y) == 0


@given(
    st.sampled_from(["binary_crossentropy", "categorical_crossentropy"]),
    arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(2, 5)), elements=finite),
)
def test_fused_cross_entropy_is_finite_and_non_negative(kind, Z):
    loss = get_loss(kind)
    Y = np.zeros_like(Z)
    Y[np.arange(Z.shape[0]), Z.argmax(axis=1)] = 1.0  # the confident right answer
    value = loss.value_from_logits(Z, Y)
    assert np.isfinite(value)
    assert value >= 0


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.integers(1, 7), min_size=2, max_size=5),
    st.sampled_from(sorted(ACTIVATIONS)),
    st.integers(1, 9),
    st.integers(0, 2**31),
)
def test_output_shapes_hold_for_random_widths(widths, activation, n_samples, seed):
    if activation == "softmax":
        widths[-1] = max(widths[-1], 2)  # a softmax over one output is refused
    layers = [gn.Dense(a, b, activation=activation) for a, b in itertools.pairwise(widths)]
    net = gn.Network(layers, rng=seed)
    X = np.random.default_rng(seed).normal(size=(n_samples, widths[0]))
    assert net.predict(X).shape == (n_samples, widths[-1])
    _, grads = net.gradients(X, np.zeros((n_samples, widths[-1])))
    assert [g.shape for g in grads] == [p.shape for _, p, _ in net.parameters()]


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.integers(1, 6), min_size=2, max_size=4),
    st.sampled_from(["sigmoid", "tanh", "relu", "leaky_relu", "identity"]),
    st.integers(0, 2**31),
)
def test_float32_and_float64_agree_to_float32_precision(widths, activation, seed):
    layers64 = [gn.Dense(a, b, activation=activation) for a, b in itertools.pairwise(widths)]
    layers32 = [gn.Dense(a, b, activation=activation) for a, b in itertools.pairwise(widths)]
    net64 = gn.Network(layers64, loss="mse", optimizer=gn.SGD(lr=0.01), rng=seed)
    net32 = gn.Network(layers32, loss="mse", optimizer=gn.SGD(lr=0.01), rng=seed, dtype="float32")
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(8, widths[0]))
    Y = rng.normal(size=(8, widths[-1]))
    for a, b in zip(net32.get_weights(), net64.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    net64.fit(X, Y, epochs=5)
    net32.fit(X, Y, epochs=5)
    scale = max(1.0, float(np.abs(net64.predict(X)).max()))
    np.testing.assert_allclose(net32.predict(X), net64.predict(X), rtol=1e-4, atol=1e-5 * scale)
