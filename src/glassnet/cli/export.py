"""The ``glassnet export`` command: a model file rewritten as ONNX or as a PyTorch program.

A table model's ONNX graph reads the raw columns (its scaling and one-hot encoding are inside
the graph); a plain network's reads the encoded inputs ``X``. This module only parses arguments
and calls ``glassnet.export``; ``main`` adds it to the parser through ``register``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from glassnet.cli.outputs import _check_distinct
from glassnet.errors import ConfigurationError

__all__ = ["register"]

DESCRIPTION = """\
Write a saved model (.safetensors) for another engine: an ONNX graph (opset 17, checked
with onnx.checker) or a torch.export program (.pt2, load it with torch.export.load).
The output's suffix chooses which (.onnx or .pt2); --format names it for any other name.
A table model's ONNX graph includes its preprocessing, so it reads the raw columns."""

EXAMPLES = """\
examples:
  glassnet export model.safetensors -o model.onnx
  glassnet export model.safetensors -o model.pt2
  glassnet export model.safetensors --dtype float32 -o model32.onnx --json"""

#: Output suffixes and the format each one names.
SUFFIXES = {".onnx": "onnx", ".pt2": "torch"}

TORCH_NOTE = (
    "glassnet: note: the PyTorch program is the network alone: it takes the encoded inputs "
    "(labels one-hot, numbers scaled as saved in the model file) and gives scaled numeric "
    "outputs; --format onnx gives a model that reads the raw columns"
)


def register(commands: Any) -> None:
    """Add ``export`` to the ``glassnet`` subcommands."""
    parser = commands.add_parser(
        "export",
        help="write a model file as ONNX or PyTorch",
        description=DESCRIPTION,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("model", help="model file (.safetensors)")
    parser.add_argument(
        "--format",
        choices=("onnx", "torch"),
        help="what to write (default: from the suffix, .onnx -> onnx, .pt2 -> torch)",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        required=True,
        help="file to write (.onnx or .pt2; any name with --format)",
    )
    parser.add_argument(
        "--dtype", choices=("float32", "float64"), help="precision (default: the model's)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(run=_export)


def _export(args: argparse.Namespace) -> int:
    from glassnet.io.model_files import load_with_metadata
    from glassnet.tables.model import MODEL_KIND, TableModel

    _check_distinct([("--output", args.output)], [("the model file", args.model)])
    written = _format(args.format, args.output)
    net, metadata = load_with_metadata(args.model)
    is_table = metadata.get("kind") == MODEL_KIND
    if written == "onnx":
        from glassnet.export.onnx import table_model_to_onnx, to_onnx

        if is_table:
            model = TableModel.from_metadata(net, metadata, args.model)
            graph = table_model_to_onnx(model, args.output, dtype=args.dtype).graph
        else:
            graph = to_onnx(net, args.output, dtype=args.dtype).graph
        inputs = [value.name for value in graph.input]
        outputs = [value.name for value in graph.output]
    else:
        from glassnet.export.torch import save_torch

        save_torch(net, args.output, dtype=args.dtype)
        inputs, outputs = ["X"], ["Y"]
        if is_table and _encodes(metadata):
            print(TORCH_NOTE, file=sys.stderr)
    document = {
        "command": "export",
        "model": args.model,
        "format": written,
        "output": args.output,
        "dtype": args.dtype or net.dtype.name,
        "table_model": is_table,
        "inputs": inputs,
        "outputs": outputs,
    }
    if args.json:
        print(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        print(
            f"wrote {args.output} ({written}, {document['dtype']}): "
            f"inputs {', '.join(inputs)}; outputs {', '.join(outputs)}"
        )
    return 0


def _format(given: str | None, output: str) -> str:
    """The format to write: ``--format``, else the one the output's suffix names."""
    suffix = os.path.splitext(output)[1].lower()
    named = SUFFIXES.get(suffix)
    if given is None:
        if named is None:
            raise ConfigurationError(
                "expected an output file ending in .onnx or .pt2 (or --format onnx|torch), "
                f"got {output!r}"
            )
        return named
    if named is not None and named != given:
        wanted = next(key for key, value in SUFFIXES.items() if value == given)
        raise ConfigurationError(
            f"expected a {wanted} file for --format {given}, got {output!r}; "
            "change the suffix or the --format"
        )
    return given


def _encodes(metadata: dict[str, Any]) -> bool:
    """Whether a table model changes its cells before or after the network (one-hot, scaling)."""
    specs = [*metadata.get("inputs", []), *metadata.get("outputs", [])]
    return any(
        spec.get("kind") == "label" or spec.get("mean", 0) != 0 or spec.get("scale", 1) != 1
        for spec in specs
    )
