"""ONNX export: random networks with every activation give glassnet's outputs in two runtimes."""

from __future__ import annotations

import itertools

import numpy as np
import onnx
import onnxruntime
import pytest
from onnx.reference import ReferenceEvaluator

import glassnet as gn
from glassnet import export
from glassnet.export.onnx import IR_VERSION, OPSET

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
    reference, runtime = run_onnx(gn.to_onnx(net), X)
    assert_same_outputs(reference, net, X)
    assert_same_outputs(runtime, net, X)


@pytest.mark.parametrize("slope", [0.01, 0.2, 0.3])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_to_onnx_leaky_relu_slope_is_exact(rng, slope, dtype):
    layer = gn.Dense(3, 4, activation=gn.get_activation("leaky_relu"))
    layer.activation.negative_slope = slope  # type: ignore[attr-defined]
    net = gn.Network([layer, gn.Dense(4, 2)], rng=rng, dtype=dtype)
    X = rng.normal(size=(9, 3)).astype(dtype)
    reference, runtime = run_onnx(gn.to_onnx(net), X)
    assert_same_outputs(reference, net, X)
    assert_same_outputs(runtime, net, X)


def test_to_onnx_without_bias_has_no_add(rng):
    net = random_network(rng, "tanh", "sigmoid", "float64", bias=False)
    model = gn.to_onnx(net)
    assert "Add" not in {node.op_type for node in model.graph.node}
    X = rng.normal(size=(5, net.n_inputs))
    assert_same_outputs(run_onnx(model, X)[1], net, X)


def test_to_onnx_writes_a_checked_file_at_the_fixed_opset(rng, tmp_path):
    net = random_network(rng, "relu", "softmax", "float64")
    path = tmp_path / "model.onnx"
    returned = gn.to_onnx(net, path)
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
    model = gn.to_onnx(net, dtype="float32")
    runtime = run_onnx(model, X.astype(np.float32))[1]
    assert runtime.dtype == np.float32
    np.testing.assert_allclose(runtime, net.predict(X), rtol=1e-5, atol=1e-6)


def test_to_onnx_rejects_other_dtypes(rng):
    net = random_network(rng, "tanh", "identity", "float64")
    with pytest.raises(gn.ConfigurationError, match="float32 or float64, got 'float16'"):
        gn.to_onnx(net, dtype="float16")


def test_to_onnx_unwritable_path_raises_output_error(rng, tmp_path):
    net = random_network(rng, "tanh", "identity", "float64")
    with pytest.raises(gn.OutputError, match="cannot write"):
        gn.to_onnx(net, tmp_path / "missing" / "model.onnx")


# -- table models: the encodings inside the graph ------------------------------------------------


def table_text(rng: np.random.Generator, task: str, n_rows: int = 40) -> str:
    """A table with a number column, a label column and the outputs the task needs."""
    colours = ["red", "green", "blue"]
    lines = ["size colour weight " + {"regression": "price cost"}.get(task, "answer")]
    for _ in range(n_rows):
        size, colour, weight = rng.uniform(0, 10), rng.choice(colours), rng.normal(70, 15)
        if task == "binary":
            outputs = str(int(size > 5))
        elif task == "multiclass":
            outputs = ["small", "medium", "large"][int(size // 3.4)]
        else:
            outputs = f"{3 * size + weight:.3f} {size * 100 + 7:.3f}"
        lines.append(f"{size:.3f} {colour} {weight:.3f} {outputs}")
    return "\n".join(lines) + "\n"


def raw_feeds(table: gn.data.Table, dtype: str = "float64") -> dict[str, np.ndarray]:
    feeds = {}
    for j, name in enumerate(table.names[:3]):
        cells = np.array([row[j] for row in table.rows], dtype=object).reshape(-1, 1)
        feeds[name] = cells if name == "colour" else cells.astype(dtype)
    return feeds


@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
def test_table_model_to_onnx_reads_raw_columns(rng, task):
    table = gn.parse_table(table_text(rng, task))
    outputs = 2 if task == "regression" else 1
    model = gn.TableModel(epochs=30, validation=0.0).fit(table, outputs=outputs)
    assert model.task_ == task
    onnx_model = export.table_model_to_onnx(model)
    assert [i.name for i in onnx_model.graph.input] == ["size", "colour", "weight"]
    ops = {node.op_type for node in onnx_model.graph.node}
    assert {"OneHotEncoder", "Sub", "Div", "Concat"} <= ops  # scaling and one-hot in the graph
    expected = model.predict(table)
    for outputs in run_raw(onnx_model, raw_feeds(table)):  # reference evaluator, onnxruntime
        np.testing.assert_allclose(outputs[0], expected, rtol=1e-12, atol=1e-12)
        if task == "multiclass":
            assert outputs[1].tolist() == [answer[0] for answer in model.answers(table)]
        else:
            assert len(outputs) == 1


def run_raw(model, feeds) -> tuple[list[np.ndarray], list[np.ndarray]]:
    reference = ReferenceEvaluator(model).run(None, feeds)
    session = onnxruntime.InferenceSession(
        model.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    return reference, session.run(None, feeds)


def test_table_model_to_onnx_float32_and_saved_models(rng, tmp_path):
    table = gn.parse_table(table_text(rng, "regression"))
    model = gn.TableModel(epochs=30, validation=0.0).fit(table, outputs=2)
    model.save(tmp_path / "model.safetensors")
    loaded = gn.TableModel.load(tmp_path / "model.safetensors")
    onnx_model = export.table_model_to_onnx(loaded, tmp_path / "model.onnx", dtype="float32")
    assert onnx.load(str(tmp_path / "model.onnx")) == onnx_model
    _, (runtime,) = run_raw(onnx_model, raw_feeds(table, "float32"))
    assert runtime.dtype == np.float32
    expected = model.predict(table)
    np.testing.assert_allclose(runtime, expected, rtol=1e-5, atol=1e-5 * np.abs(expected).max())


def test_table_model_to_onnx_unknown_label_is_an_error(rng):
    table = gn.parse_table(table_text(rng, "binary"))
    onnx_model = export.table_model_to_onnx(gn.TableModel(epochs=5).fit(table))
    feeds = raw_feeds(table)
    feeds["colour"][0, 0] = "purple"
    session = onnxruntime.InferenceSession(
        onnx_model.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    with pytest.raises(Exception, match="Unknown Category"):
        session.run(None, feeds)


def test_table_model_to_onnx_renames_outputs_that_clash_with_columns():
    table = gn.parse_table("Y label class\n1 a x\n2 b y\n3 a z\n4 b x\n")
    model = gn.TableModel(epochs=5).fit(table)
    onnx_model = export.table_model_to_onnx(model)
    assert [i.name for i in onnx_model.graph.input] == ["Y", "label"]
    assert [o.name for o in onnx_model.graph.output] == ["Y_", "label_"]
