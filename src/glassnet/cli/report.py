"""What the ``glassnet`` command prints: filled tables, JSON documents, scores and model files.

Each function turns a trained ``TableModel`` (or a model file's JSON document) into text or a
JSON-ready dict; nothing here reads files or parses arguments. ``outputs`` writes the result.
"""

from __future__ import annotations

import json
from typing import Any

from glassnet.data.table import MISSING, Table, write_table
from glassnet.tables.model import MODEL_KIND, MULTICLASS, REGRESSION, TableModel

__all__ = ["filled_json", "filled_text", "info_text", "scores_text", "summary", "summary_lines"]


def filled_text(model: TableModel, table: Table, all_rows: bool) -> str:
    """Return the table with its answers, in its own format.

    In a whitespace table label answers get their probability in a trailing ``# p=`` comment;
    CSV, TSV and other separated tables keep every cell clean for other readers (pandas, csv),
    so their probabilities are only in the JSON document.
    """
    order = model.written_order(table)  # the columns as the user's file has them
    rows = [[row[k] for k in order] for row in model.fill(table, all_rows=all_rows)]
    header = _header_for(model, table)
    if header is not None and len(header) == len(order):
        header = [header[k] for k in order]
    notes = [""] * len(rows)
    if model.task_ == MULTICLASS and table.sep == " ":
        confidence = model.confidence(table)
        changed = _answered_rows(model, table, all_rows)
        notes = [f"  # p={confidence[i]:.4f}" if i in changed else "" for i in range(len(rows))]
    return write_table(rows, header, table.sep, skipped=table.skipped, trailing=notes)


def _header_for(model: TableModel, table: Table) -> list[str] | None:
    """The header to print: the table's own if it names each column, the model's for inputs.

    A two-name group header such as the tutorial's ``Input Output`` is kept as written over a
    full table, and left out over the input columns alone.
    """
    if table.header is None:
        return None
    if table.n_columns == len(model.columns_):
        return table.header
    if len(table.header) != table.n_columns:
        return None
    return list(model.columns_)


def _answered_rows(model: TableModel, table: Table, all_rows: bool) -> set[int]:
    if all_rows or table.n_columns != len(model.columns_):
        return set(range(table.n_rows))
    positions = [spec["position"] for spec in model.outputs_]
    return {i for i, row in enumerate(table.rows) if any(row[j] == MISSING for j in positions)}


def filled_json(model: TableModel, table: Table, command: str, all_rows: bool) -> dict[str, Any]:
    """Return the JSON document of a filled table: settings, metrics, answers and all rows."""
    P = model.predict(table)
    answers = model.answers(table)
    rows = []
    for i in sorted(_answered_rows(model, table, all_rows)):
        entry: dict[str, Any] = {"line": table.lines[i], "cells": table.rows[i]}
        if model.task_ == MULTICLASS:
            assert model.classes_ is not None
            entry["answer"] = answers[i][0]
            entry["probabilities"] = dict(zip(model.classes_, P[i].tolist(), strict=True))
        else:
            names = [spec["name"] for spec in model.outputs_]
            key = "values" if model.task_ == REGRESSION else "probabilities"
            entry[key] = dict(zip(names, P[i].tolist(), strict=True))
        rows.append(entry)
    return {
        "command": command,
        **summary(model),
        "answers": rows,
        "table": model.fill(table, all_rows=all_rows),
    }


def summary(model: TableModel) -> dict[str, Any]:
    """Return the task, columns, classes, settings and metrics of a trained model."""
    metadata = model.metadata()
    return {key: metadata[key] for key in ("task", "columns", "classes", "settings", "metrics")}


def summary_lines(model: TableModel) -> list[str]:
    """Return two lines saying what was trained and how well it fits its rows."""
    settings, metrics = model.settings_, model.metrics_
    layers = " -> ".join(
        str(n) for n in (model.net_.n_inputs, *settings.hidden, model.net_.n_outputs)
    )
    score = (
        f"R² {metrics['r2']:.4f}"
        if model.task_ == REGRESSION
        else f"accuracy {metrics['accuracy']:.4f}"
    )
    return [
        f"task: {_task_words(model.task_)}; network {layers}; {settings.preset} recipe",
        f"trained {metrics['epochs']} epochs on {metrics['rows']} rows; {score} on them",
    ]


def _task_words(task: str) -> str:
    return {
        "binary": "classifier of 0/1 outputs (sigmoid)",
        "multiclass": "classifier of labels (softmax)",
        "regression": "regression (identity output)",
    }.get(task, task)


def scores_text(model: TableModel, scores: dict[str, Any]) -> str:
    """Return ``TableModel.evaluate`` scores as text, with a confusion matrix for classifiers."""
    loss = model.settings_.loss
    if model.task_ == REGRESSION and model.settings_.scale:
        loss += " of the standardized outputs, as in training"
    lines = [f"rows: {scores['rows']}", f"loss ({loss}): {scores['loss']:.6g}"]
    if model.task_ == REGRESSION:
        lines += [
            f"R²: {scores['r2']:.4f}",
            f"MAE (table units): {scores['mae']:.6g}",
            f"MSE (table units): {scores['mse']:.6g}",
        ]
        if len(scores["per_output"]) > 1:
            lines += [
                f"  {entry['name']}: R² {entry['r2']:.4f}, MAE {entry['mae']:.6g}"
                for entry in scores["per_output"]
            ]
        return "".join(line + "\n" for line in lines)
    correct = round(scores["accuracy"] * scores["rows"])
    lines.append(f"accuracy: {scores['accuracy']:.4f} ({correct} of {scores['rows']})")
    matrices = scores["confusion"]
    if model.task_ != MULTICLASS and len(model.outputs_) > 1:
        for spec, matrix in zip(model.outputs_, matrices, strict=True):
            lines.append(f"confusion matrix of {spec['name']} (rows: true, columns: predicted):")
            lines += _matrix_lines(["0", "1"], matrix)
    else:
        lines.append("confusion matrix (rows: true, columns: predicted):")
        lines += _matrix_lines(scores["classes"], matrices)
    return "".join(line + "\n" for line in lines)


def _matrix_lines(labels: list[str], matrix: list[list[int]]) -> list[str]:
    width = max(5, *(len(label) for label in labels), *(len(str(n)) for row in matrix for n in row))
    lines = [" " * (width + 2) + " ".join(label.rjust(width) for label in labels)]
    for label, row in zip(labels, matrix, strict=True):
        lines.append(f"  {label.rjust(width)} " + " ".join(str(n).rjust(width) for n in row))
    return lines


def info_text(path: str, document: dict[str, Any]) -> str:
    """Return a model file's JSON document (``glassnet.io.read_metadata``) as readable lines."""
    lines = _network_lines(path, document)
    metadata = document.get("metadata") or {}
    if metadata.get("kind") == MODEL_KIND:
        lines += _table_model_lines(metadata)
    elif metadata:
        lines.append(f"metadata: {json.dumps(metadata, ensure_ascii=False)}")
    return "".join(line + "\n" for line in lines)


def _network_lines(path: str, document: dict[str, Any]) -> list[str]:
    """The file and its format, then the network: layers, parameters, loss and optimizer."""
    lines = [
        f"model: {path}",
        f"format: {document['format']} version {document['format_version']}, written by "
        f"glassnet {document['glassnet_version']}",
    ]
    layers = document["layers"]
    for index, layer in enumerate(layers, start=1):
        bias = "" if layer["bias"] else ", no bias"
        lines.append(
            f"layer {index}: {layer['n_in']} -> {layer['n_out']} {layer['activation']}{bias}"
        )
    optimizer = document["optimizer"]
    config = ", ".join(f"{key}={value}" for key, value in optimizer["config"].items())
    lines += [
        f"parameters: {document['n_parameters']} ({document['dtype']})",
        f"loss: {document['loss']}; optimizer: {optimizer['name']}({config})",
    ]
    return lines


def _table_model_lines(metadata: dict[str, Any]) -> list[str]:
    """What a table model adds: its task, columns and their encodings, settings and metrics."""
    lines = [f"task: {_task_words(metadata['task'])}"]
    scaled = metadata["settings"].get("scale", True)
    for spec in metadata["inputs"]:
        lines.append(f"input {spec['name']}: {_input_detail(spec, scaled)}")
    for spec in metadata["outputs"]:
        lines.append(f"output {spec['name']}{_output_detail(spec, scaled)}")
    if metadata.get("classes"):
        lines.append(f"classes: {', '.join(metadata['classes'])}")
    settings = metadata["settings"]
    lines.append("settings: " + ", ".join(f"{key}={value}" for key, value in settings.items()))
    metrics = metadata["metrics"]
    lines.append(
        "metrics: "
        + ", ".join(
            f"{key}={value:.6g}" if isinstance(value, float) else f"{key}={value}"
            for key, value in metrics.items()
        )
    )
    return lines


def _input_detail(spec: dict[str, Any], scaled: bool) -> str:
    """How an input column reaches the network: one-hot labels, or a number scaled or not."""
    if spec["kind"] == "label":
        return f"label, one-hot over {', '.join(spec['categories'])}"
    if not scaled:
        return "number, not scaled"
    return f"number, scaled as (x - {spec['mean']:.6g}) / {spec['scale']:.6g}"


def _output_detail(spec: dict[str, Any], scaled: bool) -> str:
    """How a scaled numeric output is scaled, or nothing."""
    if "mean" in spec and scaled:
        return f" (scaled as (y - {spec['mean']:.6g}) / {spec['scale']:.6g})"
    return ""
