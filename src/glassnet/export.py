"""ONNX export: a network written as a standard graph that any ONNX runtime can execute.

``to_onnx`` turns each ``Dense`` layer into ``MatMul`` (+ ``Add``) followed by its activation's
operator, at the fixed operator set ``OPSET``, and checks the result with ``onnx.checker``. It
only writes graphs; it never runs them and never reads ONNX back. onnx is imported lazily, so
glassnet works without it. Shapes: X (n_samples, n_inputs), Y (n_samples, n_outputs).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet._atomic import write_atomically
from glassnet._version import __version__
from glassnet.errors import ConfigurationError

if TYPE_CHECKING:
    from glassnet.network import Network

__all__ = ["IR_VERSION", "OPSET", "to_onnx"]

#: The ONNX operator set every exported graph declares (ONNX 1.12, 2022; onnxruntime >= 1.12).
OPSET = 17
#: The ONNX file format version written alongside ``OPSET`` (the one ONNX 1.12 introduced).
IR_VERSION = 8

_INSTALL_HINT = "ONNX export needs the onnx package: pip install 'glassnet[onnx]'"


def _onnx() -> Any:
    try:
        import onnx
    except ImportError:  # pragma: no cover - CI installs onnx
        raise ConfigurationError(_INSTALL_HINT) from None
    return onnx


class _GraphBuilder:
    """Collects nodes and constants for one graph, handing out fresh tensor names."""

    def __init__(self, onnx: Any, dtype: np.dtype[Any]) -> None:
        self.onnx = onnx
        self.dtype = dtype
        self.nodes: list[Any] = []
        self.constants: list[Any] = []
        self._count = 0

    def name(self, stem: str) -> str:
        self._count += 1
        return f"{stem}_{self._count}"

    def constant(self, stem: str, value: Any, dtype: Any = None) -> str:
        """Add ``value`` as an initializer (graph dtype unless told); return its name."""
        array = np.asarray(value, dtype=self.dtype if dtype is None else dtype)
        name = self.name(stem)
        self.constants.append(self.onnx.numpy_helper.from_array(array, name))
        return name

    def node(self, op: str, inputs: list[str], stem: str, **attributes: Any) -> str:
        """Add one operator node with a single output and return the output's name."""
        output = self.name(stem)
        self.nodes.append(
            self.onnx.helper.make_node(op, inputs, [output], name=output, **attributes)
        )
        return output


def _activation(graph: _GraphBuilder, Z: str, activation: Any, index: int) -> str:
    name = activation.name
    stem = f"layer{index}_{name}"
    if name == "identity":
        return Z
    if name in ("sigmoid", "tanh", "relu"):
        return graph.node({"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "Relu"}[name], [Z], stem)
    if name == "softmax":
        return graph.node("Softmax", [Z], stem, axis=-1)  # row-wise, as glassnet's softmax
    if name == "leaky_relu":
        slope = activation.negative_slope
        if graph.dtype == np.float32 or float(np.float32(slope)) == slope:
            # LeakyRelu's alpha is a 32-bit attribute: exact here.
            return graph.node("LeakyRelu", [Z], stem, alpha=slope)
        # In float64 a slope such as 0.01 would be rounded to float32 by the attribute, so the
        # rule is spelled out with a float64 constant: where(Z > 0, Z, slope * Z).
        positive = graph.node("Greater", [Z, graph.constant("zero", 0.0)], f"{stem}_positive")
        scaled = graph.node("Mul", [Z, graph.constant("slope", slope)], f"{stem}_scaled")
        return graph.node("Where", [positive, Z, scaled], stem)
    raise ConfigurationError(
        f"activation {name!r} has no ONNX form; choose from identity, leaky_relu, relu, "
        "sigmoid, softmax, tanh"
    )


def add_network(graph: _GraphBuilder, net: Network, X: str) -> str:
    """Append ``net``'s layers to ``graph``, reading ``X`` (n, n_inputs); return the output name."""
    A = X
    for index, layer in enumerate(net.layers):
        Z = graph.node(
            "MatMul", [A, graph.constant(f"layer{index}_W", layer.weights)], f"layer{index}_XW"
        )  # (n, o)
        if layer.bias is not None:
            Z = graph.node(
                "Add", [Z, graph.constant(f"layer{index}_b", layer.bias)], f"layer{index}_Z"
            )
        A = _activation(graph, Z, layer.activation, index)
    return A


def build_model(
    graph: _GraphBuilder,
    inputs: list[Any],
    output: str,
    n_outputs: int,
    doc: str,
    metadata: dict[str, str] | None = None,
) -> Any:
    """Wrap ``graph``'s nodes into a checked ModelProto whose single output is named ``Y``."""
    onnx = graph.onnx
    helper = onnx.helper
    elem_type = helper.np_dtype_to_tensor_dtype(graph.dtype)
    graph.nodes.append(helper.make_node("Identity", [output], ["Y"], name="Y"))
    outputs = [helper.make_tensor_value_info("Y", elem_type, ["n_samples", n_outputs])]
    onnx_graph = helper.make_graph(
        graph.nodes, "glassnet", inputs, outputs, initializer=graph.constants, doc_string=doc
    )
    model = helper.make_model(
        onnx_graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name="glassnet",
        producer_version=__version__,
        ir_version=IR_VERSION,
    )
    helper.set_model_props(model, metadata or {})
    onnx.checker.check_model(model, full_check=True)
    return model


def to_onnx(
    net: Network, path: str | os.PathLike[str] | None = None, dtype: str | None = None
) -> Any:
    """Return ``net`` as an ONNX model, and write it to ``path`` if given.

    The graph has one input ``X`` of shape (n_samples, n_inputs) and one output ``Y`` of shape
    (n_samples, n_outputs), both in ``dtype``; it computes exactly what ``net.predict`` does.

    Parameters
    ----------
    net : Network
    path : str or os.PathLike, optional
        Where to write the ``.onnx`` file (replaced atomically).
    dtype : {"float32", "float64"}, optional
        Precision of the graph; by default the network's own.

    Returns
    -------
    onnx.ModelProto
        Checked with ``onnx.checker.check_model(full_check=True)``.

    Raises
    ------
    ConfigurationError
        If onnx is not installed or ``dtype`` is not float32 or float64.
    OutputError
        If ``path`` cannot be written.

    Examples
    --------
    >>> import glassnet as gn
    >>> net = gn.Network([gn.Dense(3, 4, activation="tanh"), gn.Dense(4, 2, activation="softmax")])
    >>> model = net.to_onnx()
    >>> [node.op_type for node in model.graph.node]
    ['MatMul', 'Add', 'Tanh', 'MatMul', 'Add', 'Softmax', 'Identity']
    >>> from onnx.reference import ReferenceEvaluator
    >>> X = np.ones((1, 3))
    >>> bool(np.allclose(ReferenceEvaluator(model).run(None, {"X": X})[0], net.predict(X)))
    True
    """
    onnx = _onnx()
    graph = _GraphBuilder(onnx, _graph_dtype(net, dtype))
    elem_type = onnx.helper.np_dtype_to_tensor_dtype(graph.dtype)
    inputs = [onnx.helper.make_tensor_value_info("X", elem_type, ["n_samples", net.n_inputs])]
    output = add_network(graph, net, "X")
    doc = f"glassnet {__version__}: " + " -> ".join(repr(layer) for layer in net.layers)
    model = build_model(graph, inputs, output, net.n_outputs, doc)
    if path is not None:
        save_model(model, path)
    return model


def _graph_dtype(net: Network, dtype: str | None) -> np.dtype[Any]:
    if dtype is None:
        return net.dtype
    if str(dtype) not in ("float32", "float64"):
        raise ConfigurationError(f"dtype must be float32 or float64, got {dtype!r}")
    return np.dtype(str(dtype))


def save_model(model: Any, path: str | os.PathLike[str]) -> None:
    """Write ``model`` to ``path`` atomically (see ``glassnet._atomic``)."""
    write_atomically(path, model.SerializeToString())
