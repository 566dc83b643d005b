"""What the ``glassnet`` command prints: filled tables, JSON documents, scores and model files.

Each function turns a trained ``TableModel`` (or a model file's JSON document) into text or a
JSON-ready dict; nothing here reads files or parses arguments. ``outputs`` writes the result.
"""

from __future__ import annotations

import json
from typing import Any

from glassnet.data.formats import NumberFormat
from glassnet.data.rewriting import rewrite_table
from glassnet.data.table import Table
from glassnet.tables.model import BINARY, MODEL_KIND, MULTICLASS, REGRESSION, TableModel

__all__ = [
    "filled_json",
    "filled_text",
    "info_text",
    "quality_lines",
    "scores_text",
    "summary",
    "summary_lines",
]


def filled_text(model: TableModel, table: Table, all_rows: bool, header: bool = True) -> str:
    """Return the table with its answers, as the user wrote it: only answered cells change.

    In a whitespace table label answers get their probability in a trailing ``# p=`` comment;
    CSV, TSV and other separated tables keep every cell clean for other readers (pandas, csv),
    so their probabilities are only in the JSON document. A table of inputs only gets the
    answers after its last column (and their names after its header's).
    """
    layout = model.locate(table)
    P = model.predict(table, layout)
    answers = model.changed_cells(table, model.answers(table, P), layout, all_rows)
    trailing = None
    if model.task_ == MULTICLASS and table.sep == " ":
        confidence = model.confidence(table, P)
        trailing = {i: f"  # p={confidence[i]:.4f}" for i in answers}
    names = [str(spec["name"]) for spec in model.outputs_]
    return rewrite_table(table, answers, layout.outputs, names, header, trailing)


def filled_json(model: TableModel, table: Table, command: str, all_rows: bool) -> dict[str, Any]:
    """Return the JSON document of a filled table: settings, metrics, answers and all rows.

    Every answer has the same shape: ``answer`` (a label, or a dict of output column to value
    or probability of 1), and ``probabilities`` for classifiers.
    """
    layout = model.locate(table)
    P = model.predict(table, layout)
    texts = model.answers(table, P)
    names = [str(spec["name"]) for spec in model.outputs_]
    chosen = range(table.n_rows) if all_rows else model.to_fill(table, layout).tolist()
    rows = []
    for i in chosen:
        entry: dict[str, Any] = {"line": int(table.lines[i]), "cells": table.rows[i]}
        if model.task_ == MULTICLASS:
            assert model.classes_ is not None
            entry["answer"] = texts[i][0]
            entry["probabilities"] = dict(zip(model.classes_, P[i].tolist(), strict=True))
        elif model.task_ == BINARY:
            entry["answer"] = dict(zip(names, [int(p >= 0.5) for p in P[i]], strict=True))
            entry["probabilities"] = dict(zip(names, P[i].tolist(), strict=True))
        else:
            entry["answer"] = dict(zip(names, P[i].tolist(), strict=True))
        rows.append(entry)
    added = [] if layout.outputs is not None else names
    return {
        "command": command,
        **summary(model),
        "answers": rows,
        "table_columns": [*table.names, *added],
        "table": model.fill(table, all_rows=all_rows),
    }


def summary(model: TableModel) -> dict[str, Any]:
    """Return the task, columns, classes, settings and metrics of a trained model."""
    metadata = model.metadata()
    keys = ("task", "columns", "classes", "passthrough", "settings", "metrics")
    return {**{key: metadata[key] for key in keys}, "notes": list(model.notes_)}


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


def quality_lines(model: TableModel) -> tuple[str, str | None]:
    """One line on how well the model fits, beside always giving the same answer; a warning.

    The warning (or None) says when the model does no better than that baseline: on the
    held-out rows when there are some, else on the rows it learned from.
    """
    metrics = model.metrics_
    train, held, base = metrics["train"], metrics.get("validation"), metrics["baseline"]
    regression = model.task_ == REGRESSION
    figure = _figures if regression else _accuracy
    said = _baseline_answer(base["answer"], regression)
    checked, base_scores = (train, base["train"]) if held is None else (held, base["validation"])
    line = f"trained {metrics['epochs']} epochs: {figure(train)} on the {train['rows']} rows "
    line += "learned from"
    if held is not None:
        line += f", {figure(held)} on the {held['rows']} held out"
    line += f" (always answering {said}: {figure(base_scores)})"
    if regression:
        worse = checked["r2"] <= 0.0 or checked["mae"] >= base_scores["mae"]
    else:
        worse = checked["accuracy"] <= base_scores["accuracy"]
    warning = None
    if worse:
        where = "held-out rows" if held is not None else "rows it learned from"
        warning = (
            f"the model does no better on the {where} than always answering {said}; try "
            "another --lr, more --epochs or --hidden units, or look at the table's columns"
        )
    return line, warning


def _baseline_answer(answer: Any, regression: bool) -> str:
    """The answer that needs no network, in words: a class, 0 or 1, or the mean."""
    if regression:
        values = answer if isinstance(answer, list) else [answer]
        return "the mean " + ", ".join(f"{value:.6g}" for value in values)
    return repr(answer) if isinstance(answer, str) else str(answer)


def _accuracy(scores: dict[str, Any]) -> str:
    return f"accuracy {scores['accuracy']:.4f}"


def _figures(scores: dict[str, Any]) -> str:
    return f"R² {scores['r2']:.4f}, MAE {scores['mae']:.6g}"


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
    if metadata.get("passthrough"):
        lines.append(f"left out (passed through): {', '.join(metadata['passthrough'])}")
    reading = metadata.get("reading")
    if reading:
        words = ", ".join(reading["missing"]) or "none"
        lines.append(
            f"reading: decimal mark {reading['decimal']!r}; missing cells: '?', empty, {words}"
        )
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
        detail = f"label, one-hot over {', '.join(spec['categories'])}"
        fill = f"{spec['fill']!r}" if "fill" in spec else None
    else:
        detail = "number"
        if spec.get("format"):
            detail += f" written as {NumberFormat.from_dict(spec['format']).describe()}"
        if not scaled:
            detail += ", not scaled"
        else:
            detail += f", scaled as (x - {spec['mean']:.6g}) / {spec['scale']:.6g}"
        fill = f"{spec['fill']:.6g}" if "fill" in spec else None
    if fill is not None:
        detail += f"; a missing cell reads as {fill}"
    if spec.get("indicator"):
        detail += ", with a 0/1 input saying so"
    return detail


def _output_detail(spec: dict[str, Any], scaled: bool) -> str:
    """How a scaled numeric output is scaled, or nothing."""
    if "mean" in spec and scaled:
        return f" (scaled as (y - {spec['mean']:.6g}) / {spec['scale']:.6g})"
    return ""
