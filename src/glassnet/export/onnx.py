"""ONNX export: a network written as a standard graph that any ONNX runtime can execute.

``to_onnx`` turns each ``Dense`` layer into ``MatMul`` (+ ``Add``) followed by its activation's
operator, at the fixed operator set ``OPSET``, and checks the result with ``onnx.checker``;
``table_model_to_onnx`` puts a table model's encodings (scaling, one-hot) in front, so the graph
reads raw columns. It only writes graphs, never runs or reads them. onnx is imported lazily.
Shapes: X (n_samples, n_inputs), Y (n_samples, n_outputs).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet._version import __version__
from glassnet.errors import ConfigurationError
from glassnet.io.atomic import write_atomically

if TYPE_CHECKING:
    from glassnet.nn.network import Network
    from glassnet.tables.model import TableModel

__all__ = ["IR_VERSION", "ML_OPSET", "OPSET", "table_model_to_onnx", "to_onnx"]

#: The ONNX operator set every exported graph declares (ONNX 1.12, 2022; onnxruntime >= 1.12).
OPSET = 17
#: The ONNX file format version written alongside ``OPSET`` (the one ONNX 1.12 introduced).
IR_VERSION = 8
#: The ``ai.onnx.ml`` operator set of table-model graphs, for ``OneHotEncoder`` on label columns.
ML_OPSET = 3

_INSTALL_HINT = "ONNX export needs the onnx package: pip install 'glassnet[onnx]'"


def _onnx() -> Any:
    try:
        import onnx
    except ImportError:  # pragma: no cover - CI installs onnx
        raise ConfigurationError(_INSTALL_HINT) from None
    return onnx


class _GraphBuilder:
    """Collects nodes and constants for one graph, handing out fresh tensor names."""

    def __init__(self, onnx: Any, dtype: np.dtype[Any], reserved: set[str] | None = None) -> None:
        self.onnx = onnx
        self.dtype = dtype
        self.elem_type = onnx.helper.np_dtype_to_tensor_dtype(dtype)
        self.nodes: list[Any] = []
        self.constants: list[Any] = []
        self._reserved = set(reserved or ())  # input names (a table's column names)
        self._count = 0

    def name(self, stem: str) -> str:
        """Return a tensor name no input or earlier tensor has."""
        while True:
            self._count += 1
            candidate = f"{stem}_{self._count}"
            if candidate not in self._reserved:
                self._reserved.add(candidate)
                return candidate

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
    outputs: list[tuple[str, str, int, list[Any]]],
    doc: str,
    ml_opset: bool = False,
) -> Any:
    """Wrap ``graph``'s nodes into a checked ModelProto.

    ``outputs`` holds (tensor, output name, element type, shape) for each graph output; an
    ``Identity`` node gives each tensor its public name. ``ml_opset`` also declares the
    ``ai.onnx.ml`` domain (``OneHotEncoder``) at ``ML_OPSET``.
    """
    onnx = graph.onnx
    helper = onnx.helper
    values = []
    for tensor, name, elem_type, shape in outputs:
        graph.nodes.append(helper.make_node("Identity", [tensor], [name], name=name))
        values.append(helper.make_tensor_value_info(name, elem_type, shape))
    onnx_graph = helper.make_graph(
        graph.nodes, "glassnet", inputs, values, initializer=graph.constants, doc_string=doc
    )
    opsets = [helper.make_opsetid("", OPSET)]
    if ml_opset:
        opsets.append(helper.make_opsetid("ai.onnx.ml", ML_OPSET))
    model = helper.make_model(
        onnx_graph,
        opset_imports=opsets,
        producer_name="glassnet",
        producer_version=__version__,
        ir_version=IR_VERSION,
    )
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
    >>> model = to_onnx(net)
    >>> [node.op_type for node in model.graph.node]
    ['MatMul', 'Add', 'Tanh', 'MatMul', 'Add', 'Softmax', 'Identity']
    >>> from onnx.reference import ReferenceEvaluator
    >>> X = np.ones((1, 3))
    >>> bool(np.allclose(ReferenceEvaluator(model).run(None, {"X": X})[0], net.predict(X)))
    True
    """
    onnx = _onnx()
    graph = _GraphBuilder(onnx, _graph_dtype(net, dtype), reserved={"X", "Y"})
    shape = ["n_samples", net.n_inputs]
    inputs = [onnx.helper.make_tensor_value_info("X", graph.elem_type, shape)]
    output = add_network(graph, net, "X")
    outputs = [(output, "Y", graph.elem_type, ["n_samples", net.n_outputs])]
    model = build_model(graph, inputs, outputs, _describe(net))
    if path is not None:
        save_model(model, path)
    return model


def table_model_to_onnx(
    model: TableModel, path: str | os.PathLike[str] | None = None, dtype: str | None = None
) -> Any:
    r"""Return a trained table model as an ONNX model that reads raw columns.

    The table's encodings are part of the graph, so it computes exactly what
    ``model.predict`` does from the cells themselves. There is one input per input column,
    named after the column and of shape (n_samples, 1): numbers in ``dtype``, scaled by the
    saved ``(x - mean) / scale`` when the model scales them; labels as strings, one-hot encoded
    with ``ai.onnx.ml.OneHotEncoder`` (a label not seen in training is an error, as in
    glassnet). A missing cell is NaN in a number column and an empty string, ``?`` or a missing
    word (``NA``...) in a label column: it is filled as the model fills it, and the 0/1 input
    saying so is made too. Output ``Y`` is ``model.predict``'s array: probabilities of 1
    (binary), of each class (multiclass), or values in the table's units (regression). A
    multiclass model also has output ``label``, the most probable class as a string, shape
    (n_samples,). Outputs are renamed ``Y_``, ``label_`` if a column already has the name.

    Parameters
    ----------
    model : TableModel
        Trained (``fit``, or ``TableModel.load`` of a saved one).
    path : str or os.PathLike, optional
        Where to write the ``.onnx`` file (replaced atomically).
    dtype : {"float32", "float64"}, optional
        Precision of numbers and weights; by default the network's own.

    Returns
    -------
    onnx.ModelProto

    Examples
    --------
    >>> from glassnet.data import parse_table
    >>> table = parse_table("size colour price\n1 red 10\n2 blue 19\n3 red 31\n4 blue 40\n")
    >>> model = gn.TableModel(epochs=50).fit(table)
    >>> onnx_model = table_model_to_onnx(model)
    >>> [(i.name, i.type.tensor_type.elem_type) for i in onnx_model.graph.input]
    [('size', 11), ('colour', 8)]
    >>> from onnx.reference import ReferenceEvaluator
    >>> feeds = {"size": np.array([[2.5]]), "colour": np.array([["red"]], dtype=object)}
    >>> Y = ReferenceEvaluator(onnx_model).run(["Y"], feeds)[0]
    >>> bool(np.allclose(Y, model.predict(parse_table("size colour\n2.5 red\n"))))
    True
    """
    onnx = _onnx()
    net = model.net_
    columns = [str(spec["name"]) for spec in model.inputs_]
    graph = _GraphBuilder(onnx, _graph_dtype(net, dtype), reserved=set(columns))
    helper = onnx.helper
    inputs, blocks = [], []
    missing = _missing_texts(model.reading_["missing"])
    for spec in model.inputs_:
        name = str(spec["name"])
        if spec["kind"] == "label":
            inputs.append(
                helper.make_tensor_value_info(name, onnx.TensorProto.STRING, ["n_samples", 1])
            )
            blocks += _labels(graph, name, spec, missing)
        else:
            inputs.append(helper.make_tensor_value_info(name, graph.elem_type, ["n_samples", 1]))
            blocks += _numbers(graph, name, spec)
    X = graph.node("Concat", blocks, "features", axis=1) if len(blocks) > 1 else blocks[0]
    A = add_network(graph, net, X)  # (n, n_outputs)
    if model.task_ == "regression":  # back to the table's units: A · scale + mean
        A = graph.node(
            "Mul", [A, graph.constant("scale", [o["scale"] for o in model.outputs_])], "unscaled"
        )
        A = graph.node(
            "Add", [A, graph.constant("mean", [o["mean"] for o in model.outputs_])], "values"
        )
    taken = set(columns)
    outputs = [(A, _free_name("Y", taken), graph.elem_type, ["n_samples", net.n_outputs])]
    if model.task_ == "multiclass":
        assert model.classes_ is not None
        index = graph.node("ArgMax", [A], "class_index", axis=1, keepdims=0)  # (n,)
        classes = graph.constant("classes", np.array(model.classes_, dtype=object), dtype=object)
        label = graph.node("Gather", [classes, index], "class_label", axis=0)  # (n,)
        outputs.append((label, _free_name("label", taken), onnx.TensorProto.STRING, ["n_samples"]))
    doc = f"{_describe(net)}; inputs are the raw columns {', '.join(columns)}"
    onnx_model = build_model(graph, inputs, outputs, doc, ml_opset=True)
    if path is not None:
        save_model(onnx_model, path)
    return onnx_model


def _missing_texts(words: Sequence[str]) -> list[str]:
    """The texts of a missing label cell: empty, ``?``, and each word as written, lower or upper."""
    texts = ["", "?"]
    for word in words:
        for text in (word, word.lower(), word.upper(), word.capitalize()):
            if text not in texts:
                texts.append(text)
    return texts


def _numbers(graph: _GraphBuilder, column: str, spec: dict[str, Any]) -> list[str]:
    """Number column (n, 1) -> its scaled value (NaN filled as in training) and 0/1 block."""
    value, blocks = column, []
    if "fill" in spec:  # NaN, a missing cell, reads as the training rows' median
        gap = graph.node("IsNaN", [column], f"{column}_missing")
        fill = graph.constant("fill", [spec["fill"]])
        value = graph.node("Where", [gap, fill, column], f"{column}_filled")
        if spec.get("indicator"):
            blocks.append(graph.node("Cast", [gap], f"{column}_was_missing", to=graph.elem_type))
    return [_standardize(graph, value, spec["mean"], spec["scale"], column), *blocks]


def _labels(
    graph: _GraphBuilder, column: str, spec: dict[str, Any], missing: list[str]
) -> list[str]:
    """Label column (n, 1) -> one-hot block, a missing cell read as the most frequent label.

    The texts of missing cells are extra categories of the encoder; one product with a
    constant matrix sends each of them to the fill label's column, and counts them in a last
    column: the 0/1 block, when the model has one.
    """
    categories = [str(label) for label in spec["categories"]]
    if "fill" not in spec:  # a model saved before missing cells were filled
        return [_one_hot(graph, column, categories)]
    extra = [text for text in missing if text not in categories]
    k, m = len(categories), len(extra)
    mapping = np.zeros((k + m, k + 1))  # (k + m, k + 1)
    mapping[np.arange(k), np.arange(k)] = 1.0
    mapping[k:, categories.index(str(spec["fill"]))] = 1.0
    mapping[k:, k] = 1.0
    if not spec.get("indicator"):
        mapping = mapping[:, :k]
    wide = _one_hot(graph, column, categories + extra)  # (n, k + m)
    matrix = graph.constant("labels", mapping.astype(graph.dtype))
    return [graph.node("MatMul", [wide, matrix], f"{column}_filled")]


def _one_hot(graph: _GraphBuilder, column: str, categories: list[str]) -> str:
    """Label column (n, 1) of strings -> one-hot block (n, n_categories) in the graph dtype."""
    encoded = graph.node(
        "OneHotEncoder", [column], f"{column}_onehot", domain="ai.onnx.ml",
        cats_strings=categories, zeros=0,
    )  # (n, 1, k) float32; zeros=0: an unknown label is an error  # fmt: skip
    shape = graph.constant("shape", [-1, len(categories)], dtype=np.int64)
    flat = graph.node("Reshape", [encoded, shape], f"{column}_flat")  # (n, k)
    return graph.node("Cast", [flat], f"{column}_encoded", to=graph.elem_type)


def _standardize(graph: _GraphBuilder, value: str, mean: float, scale: float, column: str) -> str:
    """Number column (n, 1) -> ``(x - mean) / scale``, in that order, as glassnet computes it."""
    if mean != 0:
        value = graph.node("Sub", [value, graph.constant("mean", [mean])], f"{column}_centred")
    if scale != 1:
        value = graph.node("Div", [value, graph.constant("scale", [scale])], f"{column}_scaled")
    return value


def _free_name(name: str, taken: set[str]) -> str:
    while name in taken:
        name += "_"
    taken.add(name)
    return name


def _describe(net: Network) -> str:
    return f"glassnet {__version__}: " + " -> ".join(repr(layer) for layer in net.layers)


def _graph_dtype(net: Network, dtype: str | None) -> np.dtype[Any]:
    if dtype is None:
        return net.dtype
    if str(dtype) not in ("float32", "float64"):
        raise ConfigurationError(f"dtype must be float32 or float64, got {dtype!r}")
    return np.dtype(str(dtype))


def save_model(model: Any, path: str | os.PathLike[str]) -> None:
    """Write ``model`` to ``path`` atomically (see ``glassnet.io.atomic``)."""
    write_atomically(path, model.SerializeToString())
