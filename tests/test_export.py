"""ONNX export: random networks with every activation give glassnet's outputs in two runtimes."""

from __future__ import annotations

import itertools

import numpy as np
import onnx
import onnxruntime
import pytest
from onnx.reference import ReferenceEvaluator

import glassnet as gn
from glassnet.export import IR_VERSION, OPSET

ACTIVATIONS = ["sigmoid", "tanh", "relu", "leaky_relu", "identity", "softmax"]
RTOL = {"float64": 1e-12, "float32": 1e-6}


def assert_same_outputs(got: np.ndarray, net: gn.Network, X: np.ndarray) -> None:
    """Equal to ``net.predict(X)`` within RTOL relative to the scale of the computation.

    A rounding error in a weighted sum is relative to the largest numbers summed, not to the result:
    an output of 0.05 computed from sums of size 6 carries float32 errors near 1e-7 in any runtime
    (glassnet's own float32 pass included). So the absolute slack is RTOL times the largest weighted
    sum or output met in the forward pass, on top of RTOL relative to each element.
    """
    expected = net.predict(X)
    A, scale = X, float(np.abs(expected).max())
    for layer in net.layers:
        Z = layer.pre_activation(A)
        scale = max(scale, float(np.abs(Z).max()))
        A = layer.activation.forward(Z)
    rtol = RTOL[net.dtype.name]
    assert got.dtype == expected.dtype
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=rtol * scale)


def random_network(
    rng: np.random.Generator, hidden: str, output: str, dtype: str, bias: bool = True
) -> gn.Network:
    """Two hidden layers of random widths, random weights and biases (biases start at zero)."""
    widths = [int(rng.integers(1, 6)), int(rng.integers(2, 7)), int(rng.integers(2, 6)), 3]
    layers = [
        gn.Dense(n_in, n_out, activation=hidden, bias=bias)
        for n_in, n_out in itertools.pairwise(widths[:-1])
    ]
    layers.append(gn.Dense(widths[-2], widths[-1], activation=output, bias=bias))
    net = gn.Network(layers, rng=rng, dtype=dtype)
    for layer in net.layers:
        if layer.bias is not None:
            layer.bias[...] = rng.normal(size=layer.bias.shape)
    return net


def run_onnx(model: onnx.ModelProto, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    reference = ReferenceEvaluator(model).run(None, {"X": X})[0]
    session = onnxruntime.InferenceSession(
        model.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    runtime = session.run(None, {"X": X})[0]
    return reference, runtime


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("output", ACTIVATIONS)
@pytest.mark.parametrize("hidden", ACTIVATIONS)
def test_to_onnx_matches_predict_for_every_activation(rng, hidden, output, dtype):
    net = random_network(rng, hidden, output, dtype)
    X = rng.normal(scale=2.0, size=(17, net.n_inputs)).astype(dtype)
    reference, runtime = run_onnx(net.to_onnx(), X)
    assert_same_outputs(reference, net, X)
    assert_same_outputs(runtime, net, X)


@pytest.mark.parametrize("slope", [0.01, 0.2, 0.3])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_to_onnx_leaky_relu_slope_is_exact(rng, slope, dtype):
    layer = gn.Dense(3, 4, activation=gn.get_activation("leaky_relu"))
    layer.activation.negative_slope = slope  # type: ignore[attr-defined]
    net = gn.Network([layer, gn.Dense(4, 2)], rng=rng, dtype=dtype)
    X = rng.normal(size=(9, 3)).astype(dtype)
    reference, runtime = run_onnx(net.to_onnx(), X)
    assert_same_outputs(reference, net, X)
    assert_same_outputs(runtime, net, X)


def test_to_onnx_without_bias_has_no_add(rng):
    net = random_network(rng, "tanh", "sigmoid", "float64", bias=False)
    model = net.to_onnx()
    assert "Add" not in {node.op_type for node in model.graph.node}
    X = rng.normal(size=(5, net.n_inputs))
    assert_same_outputs(run_onnx(model, X)[1], net, X)


def test_to_onnx_writes_a_checked_file_at_the_fixed_opset(rng, tmp_path):
    net = random_network(rng, "relu", "softmax", "float64")
    path = tmp_path / "model.onnx"
    returned = net.to_onnx(path)
    model = onnx.load(str(path))
    onnx.checker.check_model(model, full_check=True)
    assert model == returned
    assert [(opset.domain, opset.version) for opset in model.opset_import] == [("", OPSET)]
    assert model.ir_version == IR_VERSION
    assert model.producer_name == "glassnet"
    assert [i.name for i in model.graph.input] == ["X"]
    assert [o.name for o in model.graph.output] == ["Y"]
    assert not list(tmp_path.glob(".*tmp"))  # the temporary file was renamed


def test_to_onnx_float32_graph_from_float64_network(rng):
    net = random_network(rng, "tanh", "identity", "float64")
    X = rng.normal(size=(6, net.n_inputs))
    model = net.to_onnx(dtype="float32")
    runtime = run_onnx(model, X.astype(np.float32))[1]
    assert runtime.dtype == np.float32
    np.testing.assert_allclose(runtime, net.predict(X), rtol=1e-5, atol=1e-6)


def test_to_onnx_rejects_other_dtypes(rng):
    net = random_network(rng, "tanh", "identity", "float64")
    with pytest.raises(gn.ConfigurationError, match="float32 or float64, got 'float16'"):
        net.to_onnx(dtype="float16")


def test_to_onnx_unwritable_path_raises_output_error(rng, tmp_path):
    net = random_network(rng, "tanh", "identity", "float64")
    with pytest.raises(gn.OutputError, match="cannot write"):
        net.to_onnx(tmp_path / "missing" / "model.onnx")
