r"""Table models: a network plus everything that turns a table's cells into numbers and back.

``TableModel.fit`` runs the table path in one direction: the schema is decided once
(``schema.decide``: columns, task, encodings, every refusal), the rows to learn from are encoded
(``encodings``), a network is built from the recipe (``recipes``) and trained; ``predict`` and
``fill`` run it back: encode any table with the same schema, answer, and write the answers as
cells. The schema is part of the model and saved with it. It does not read files: give it a
``Table`` from ``glassnet.data.read_table``.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from typing import Any

import numpy as np

from glassnet._types import Array, Indices, Mask
from glassnet.data.columns import DEFAULT_MISSING, LABEL
from glassnet.data.table import Table
from glassnet.errors import ConfigurationError, ModelFileError, NotFittedError, TableFormatError
from glassnet.io import load_with_metadata, save
from glassnet.nn.history import History
from glassnet.nn.network import Network
from glassnet.tables.encodings import (
    Layout,
    answers_text,
    encode_inputs,
    encode_outputs,
    feature_count,
    locate,
)
from glassnet.tables.recipes import (
    STANDARD,
    TUTORIAL,
    Settings,
    resolve_settings,
    settings_for_task,
)
from glassnet.tables.schema import BINARY, MULTICLASS, REGRESSION, Request, Schema, decide
from glassnet.tables.scores import ScoreSums
from glassnet.tables.training import (
    Callback,
    StartHook,
    Trainer,
    build_network,
    train_network,
    training_metrics,
    tutorial_misfit,
)

__all__ = [
    "BINARY",
    "MODEL_KIND",
    "MULTICLASS",
    "REGRESSION",
    "STANDARD",
    "TUTORIAL",
    "Settings",
    "TableModel",
    "resolve_settings",
]

MODEL_KIND = "glassnet.table_model"


class TableModel:
    r"""A network that learns a table's output columns from its other columns.

    Parameters
    ----------
    preset : {"auto", "tutorial", "standard"}, default="auto"
        Where the defaults come from; see ``resolve_settings``.
    **settings
        Any ``Settings`` field (hidden, activation, epochs, lr, optimizer, batch_size, l2, seed,
        validation, patience, ...); None keeps the preset's value.

    Attributes
    ----------
    net_ : Network
        The trained network.
    task_ : str
        "binary" (sigmoid outputs for 0/1 columns), "multiclass" (softmax over the labels of one
        column) or "regression".
    classes_ : list of str or None
        The labels of a multiclass output, in the order of the network's outputs.
    columns_ : list of str
        Every column's name, in the training table's order.
    inputs_ : list of dict
        One entry per input column: name, position, kind and its encoding (``mean``, ``scale``
        and ``fill`` for numbers; ``categories`` and ``fill`` for labels; ``indicator``).
    outputs_ : list of dict
        One entry per output column: name, position, and ``mean``/``scale`` for regression.
    passthrough_ : list of str
        Columns left out of the network.
    reading_ : dict
        How tables are read for this model: the ``missing`` words and the ``decimal`` mark.
    settings_ : Settings
    metrics_ : dict
        What training reached: epochs run, losses, accuracy or R² and MAE on the rows it learned
        from (``train``), on the held-out rows (``validation``) and for always giving the most
        frequent class or the mean (``baseline``).
    notes_ : list of str
        What was assumed about the table and the recipe (not saved).
    history_ : History or None
        Per-epoch losses (not saved).

    Examples
    --------
    >>> from glassnet.data import parse_table
    >>> table = parse_table("Input Output\n0 0 1 0\n1 1 1 1\n1 0 1 1\n0 1 1 0\n1 0 0 ?\n")
    >>> model = TableModel().fit(table)
    >>> model.task_, model.settings_.preset
    ('binary', 'tutorial')
    >>> model.fill(table)[-1]
    ['1', '0', '0', '0.99993704']
    """

    def __init__(self, preset: str = "auto", **settings: Any) -> None:
        self.preset = preset
        self.settings = settings
        self.history_: History | None = None

    # -- training ------------------------------------------------------------------------------

    def fit(
        self,
        table: Table,
        outputs: int = 1,
        target: Sequence[str] | None = None,
        callback: Callback | None = None,
        trainer: Trainer | None = None,
        on_start: StartHook | None = None,
        classify: bool = False,
        ignore: Sequence[str] = (),
        impute: bool = True,
        prefix: str = "",
    ) -> TableModel:
        """Train on the rows of ``table`` whose output cells are all known.

        Parameters
        ----------
        table : Table
        outputs : int, default=1
            The last ``outputs`` columns (not counting left-out ones) are the outputs (ignored
            when ``target`` is given).
        target : sequence of str, optional
            Names of the output columns.
        callback : callable, optional
            Passed to ``Network.fit``: ``callback(epoch, net, history)`` after every epoch.
        trainer : callable, optional
            Trains in place of ``Network.fit``: ``trainer(net, X, Y, X_new)`` gets the encoded
            training rows and the rows to fill, and returns a History.
        on_start : callable, optional
            ``on_start(net, X, Y, X_new)`` just before training: the freshly built network, the
            encoded training rows and the rows to fill. For watching training (explain, plots);
            it must change none of them, so training runs exactly as without it.
        classify : bool, default=False
            Treat the output column's cells as class labels even when they are numbers (integer
            class codes such as 0, 1, 2): a softmax classifier whose answers are those codes.
            Without it a numeric output other than 0/1 is regression.
        ignore : sequence of str, default=()
            Columns to leave out of the network (names, or 1-based numbers as text); they pass
            through unchanged into filled tables.
        impute : bool, default=True
            Fill missing input cells (``?``, empty, ``NA``...) from the rows with known outputs
            (the median of a number column, the most frequent label), each filled column with a
            0/1 input saying which cells were missing; when False a missing input is refused.
        prefix : str, default=""
            Written before option names in messages ("--" for the command line's options).

        Returns
        -------
        TableModel
            ``self``, trained.

        Raises
        ------
        TableFormatError
            A missing input with ``impute=False``, no row to learn from, an output of one class,
            an identifier column among the inputs, a number of magnitude above 1e100 (or
            nonzero below 1e-100), ...
        ConfigurationError
            The tutorial's recipe asked for on an output that is not 0/1; ``target`` or
            ``ignore`` naming no column; ``outputs`` leaving no input; a label output beside
            others; ``classify`` with several outputs.
        TrainingDivergedError
            The loss became inf or NaN.
        """
        request = Request(outputs, target, tuple(ignore), classify, impute, prefix)
        preset = "standard" if classify and self.preset == "auto" else self.preset
        settings, schema, known = self._decide(table, request, preset)
        self._adopt(schema, table)
        rows = np.flatnonzero(known)
        layout = Layout(
            [spec["position"] for spec in schema.inputs],
            [spec["position"] for spec in schema.outputs],
            [],
        )
        X = encode_inputs(table, rows, schema.inputs, layout.inputs)  # (n, n_features)
        Y = self._targets(table, rows, layout)  # (n, n_outputs)
        X_new: Array = np.empty((0, X.shape[1]))  # the rows to fill: for hooks and the tutorial
        if trainer is not None or on_start is not None or settings.preset == "tutorial":
            X_new = encode_inputs(table, np.flatnonzero(~known), schema.inputs, layout.inputs)
        self.settings_ = settings
        if preset == "auto" and settings.preset == "tutorial":
            reason, trial = tutorial_misfit(self.task_, X, Y, X_new)
            if trial is not None and trial.interrupted:  # Ctrl-C in the trial: stop there
                self.net_, self.history_ = trial.net, trial.history
                self.metrics_ = training_metrics(trial, self.task_, self.outputs_, self.classes_)
                return self
            if reason is not None:  # the standard recipe, from the same schema
                self.notes_.append(
                    f"the tutorial recipe does not fit this table ({reason}): used the standard "
                    "recipe"
                )
                standard = resolve_settings(None, (), "standard", **self.settings)
                self.settings_ = settings_for_task(standard, self.task_, len(rows))
        net = build_network(self.settings_, self.task_, X.shape[1], Y.shape[1])
        run = train_network(net, self.settings_, X, Y, X_new, callback, trainer, on_start)
        self.net_, self.history_ = run.net, run.history
        self.metrics_ = training_metrics(run, self.task_, self.outputs_, self.classes_)
        return self

    def _decide(self, table: Table, request: Request, preset: str) -> tuple[Settings, Schema, Mask]:
        """The settings, from the preset and the table, and the schema they scale by."""
        first = resolve_settings(
            None, (), "standard" if preset == "auto" else preset, **self.settings
        )
        schema, known = decide(table, request, scale=first.scale)
        inputs = [spec["position"] for spec in schema.inputs]
        outputs = [spec["position"] for spec in schema.outputs]
        settings = resolve_settings(table, outputs, preset, inputs, **self.settings)
        if settings.scale != first.scale:  # the tutorial's raw inputs: decide once more, unscaled
            schema, known = decide(table, request, scale=settings.scale)
        _check_recipe(settings, schema)
        return settings_for_task(settings, schema.task, int(known.sum())), schema, known

    def _adopt(self, schema: Schema, table: Table) -> None:
        """Keep the schema's decisions as the model's attributes."""
        self.columns_ = schema.columns
        self.inputs_ = schema.inputs
        self.outputs_ = schema.outputs
        self.task_ = schema.task
        self.classes_ = schema.classes
        self.passthrough_ = schema.passthrough
        self.notes_ = list(table.notes) + schema.notes
        self.reading_ = {"missing": list(table.missing_words), "decimal": table.decimal}

    def _targets(self, table: Table, rows: Any, layout: Layout) -> Array:
        assert layout.outputs is not None
        return encode_outputs(table, rows, self.outputs_, layout.outputs, self.task_, self.classes_)

    # -- answers ------------------------------------------------------------------------------

    def locate(self, table: Table) -> Layout:
        """Where this model's input and output columns sit in ``table`` (``encodings.locate``)."""
        self._check_fitted()
        return locate(
            table,
            self.columns_,
            [spec["name"] for spec in self.inputs_],
            [spec["name"] for spec in self.outputs_],
        )

    def predict(self, table: Table, layout: Layout | None = None) -> Array:
        """Return the model's answers for every row of ``table``.

        ``table`` has the training table's columns (output cells may hold anything, ``?``
        included), or only its input columns; with a header, columns are found by name and
        other columns are passed over.

        Returns
        -------
        ndarray
            Binary: the probability of 1 for each output column, (n_rows, n_outputs).
            Multiclass: the probability of each class, (n_rows, n_classes).
            Regression: the values in the table's units, (n_rows, n_outputs).
        """
        layout = self.locate(table) if layout is None else layout
        X = encode_inputs(table, np.arange(table.n_rows), self.inputs_, layout.inputs)
        A = self.net_.predict(X)  # (n, n_outputs)
        if self.task_ == REGRESSION:
            mean = np.array([spec["mean"] for spec in self.outputs_])
            scale = np.array([spec["scale"] for spec in self.outputs_])
            return A * scale + mean
        return A

    def answers(self, table: Table, P: Array | None = None) -> list[list[str]]:
        """Return each row's answers as the text to write in its output cells.

        Binary outputs give the probability of 1 to 8 decimals (the tutorial's 0.99993704),
        multiclass the most probable label, regression the value to 8 significant digits, in
        the column's own number format.
        """
        P = self.predict(table) if P is None else P
        return answers_text(P, self.task_, self.outputs_, self.classes_)

    def confidence(self, table: Table, P: Array | None = None) -> Array:
        """Return, for a classifier, the probability of each row's answer, (n_rows,)."""
        P = self.predict(table) if P is None else P
        return P.max(axis=1) if self.task_ == MULTICLASS else np.max(np.maximum(P, 1 - P), axis=1)

    def to_fill(self, table: Table, layout: Layout | None = None) -> Indices:
        """Return the rows of ``table`` with an output to fill (a missing output cell), (n,)."""
        layout = self.locate(table) if layout is None else layout
        if layout.outputs is None:
            return np.arange(table.n_rows)
        gaps = np.any([table.columns[j].missing for j in layout.outputs], axis=0)
        return np.flatnonzero(gaps)

    def changed_cells(
        self, table: Table, answers: list[list[str]], layout: Layout, all_rows: bool
    ) -> dict[int, list[str | None]]:
        """For each row with a cell to fill, the answers to write (None: keep the cell).

        Only missing output cells are filled, unless ``all_rows``; a table of inputs only gets
        every answer.
        """
        if layout.outputs is None or all_rows:
            return {i: list(answer) for i, answer in enumerate(answers)}
        gaps = np.array([table.columns[j].missing for j in layout.outputs]).T  # (n, n_outputs)
        return {
            int(i): [value if gap else None for value, gap in zip(answers[i], gaps[i], strict=True)]
            for i in np.flatnonzero(gaps.any(axis=1))
        }

    def fill(self, table: Table, all_rows: bool = False) -> list[list[str]]:
        """Return the table's rows with each missing output cell replaced by the model's answer.

        Parameters
        ----------
        table : Table
            The training table's columns, or the input columns only (then the answers are
            added after the last column); with a header, in any order and with other columns.
        all_rows : bool, default=False
            Replace every output cell, not only the missing ones.

        Returns
        -------
        list of list of str
            The rows, in the table's own column order.
        """
        layout = self.locate(table)
        changes = self.changed_cells(
            table, self.answers(table, self.predict(table, layout)), layout, all_rows
        )
        filled = []
        for i, row in enumerate(table.rows):
            values = changes.get(i)
            if values is None:
                filled.append(list(row))
            elif layout.outputs is None:
                filled.append([*row, *(value or "" for value in values)])
            else:
                cells = list(row)
                for j, value in zip(layout.outputs, values, strict=True):
                    if value is not None:
                        cells[j] = value
                filled.append(cells)
        return filled

    def evaluate(self, table: Table | Iterable[Table]) -> dict[str, Any]:
        """Score the model on the rows of ``table`` whose outputs are known.

        Parameters
        ----------
        table : Table or iterable of Table
            A table, or the pieces of one (``glassnet.data.iter_table``): scored piece by
            piece, with the memory of one piece, to the same figures.

        Returns
        -------
        dict
            "rows" and "loss"; for classifiers "accuracy" and "confusion" (rows: true class,
            columns: predicted, in the order of "classes"); for regression "r2", "mae" and "mse"
            (averaged over output columns) and "per_output".
        """
        pieces = [table] if isinstance(table, Table) else table
        sums = ScoreSums(self.task_, self.outputs_)
        loss, path = 0.0, None
        for piece in pieces:
            path = piece.path
            try:
                X, Y = self.encode(piece, "to score against")
            except _NothingKnownError:
                continue
            P = self.net_.predict(X)  # (n, n_outputs)
            weight = 1 if self.net_.loss.reduction == "sum" else X.shape[0]
            loss += self.net_.evaluate(X, Y) * weight
            sums.add(P, Y)
        if sums.rows == 0:
            raise TableFormatError(
                "expected rows with known outputs to score against, found only '?'", path
            )
        result: dict[str, Any] = {"rows": sums.rows}
        result["loss"] = loss if self.net_.loss.reduction == "sum" else loss / sums.rows
        result.update(sums.result())
        if self.task_ != REGRESSION:
            result["classes"] = self._class_names()
        return result

    def encode(self, table: Table, purpose: str = "as in training") -> tuple[Array, Array]:
        """Return what the network sees for the rows of ``table`` whose outputs are known.

        Returns
        -------
        X : ndarray of shape (n_known, n_features)
            The inputs, filled, scaled and one-hot encoded as in training.
        Y : ndarray of shape (n_known, n_outputs)
            The targets: 0/1 columns, one-hot classes or scaled regression values.
        """
        layout = self.locate(table)
        if layout.outputs is None:
            raise TableFormatError(
                f"expected the output column(s) {', '.join(s['name'] for s in self.outputs_)} "
                f"{purpose}, found only the input columns",
                table.path,
            )
        gaps = np.any([table.columns[j].missing for j in layout.outputs], axis=0)
        known = np.flatnonzero(~gaps)
        if known.size == 0:
            raise _NothingKnownError(
                f"expected rows with known outputs {purpose}, found only '?'", table.path
            )
        X = encode_inputs(table, known, self.inputs_, layout.inputs)
        return X, self._targets(table, known, layout)

    def _class_names(self) -> list[str]:
        return list(self.classes_) if self.classes_ is not None else ["0", "1"]

    def _check_fitted(self) -> None:
        if not hasattr(self, "net_"):
            raise NotFittedError("this TableModel is not trained yet; call fit first")

    # -- saving -------------------------------------------------------------------------------

    def metadata(self) -> dict[str, Any]:
        """Return what a model file keeps besides the weights (plain JSON values)."""
        self._check_fitted()
        settings = asdict(self.settings_)
        settings["hidden"], settings["given"] = list(settings["hidden"]), list(settings["given"])
        return {
            "kind": MODEL_KIND,
            "task": self.task_,
            "columns": self.columns_,
            "inputs": self.inputs_,
            "outputs": self.outputs_,
            "classes": self.classes_,
            "passthrough": self.passthrough_,
            "reading": self.reading_,
            "settings": settings,
            "metrics": self.metrics_,
        }

    def save(self, path: str | os.PathLike[str]) -> None:
        """Save the network and its table settings to one ``.safetensors`` file, atomically."""
        self._check_fitted()
        save(path, self.net_, metadata=self.metadata())

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> TableModel:
        """Load a table model saved by ``save``; it predicts exactly as the saved one did.

        Raises
        ------
        InputNotFoundError, ModelFileError
            As ``glassnet.load``; also ModelFileError for a network saved without table settings.
        """
        net, metadata = load_with_metadata(path)
        return cls.from_metadata(net, metadata, os.fspath(path))

    @classmethod
    def from_metadata(cls, net: Network, metadata: Mapping[str, Any], name: str) -> TableModel:
        """Rebuild a trained model from a network and the dictionary ``metadata`` returned."""
        if metadata.get("kind") != MODEL_KIND:
            raise ModelFileError(
                f"{name} holds a network without table settings (column names, encodings); "
                "use glassnet.load for it, or train a table model with glassnet train"
            )
        model = cls()
        try:
            settings = dict(metadata["settings"])
            settings["hidden"] = tuple(settings["hidden"])
            settings["given"] = tuple(settings.get("given", ()))
            model.settings_ = Settings(**settings)
            model.preset = model.settings_.preset
            model.task_ = str(metadata["task"])
            model.columns_ = [str(name) for name in metadata["columns"]]
            model.inputs_ = [dict(spec) for spec in metadata["inputs"]]
            model.outputs_ = [dict(spec) for spec in metadata["outputs"]]
            classes = metadata["classes"]
            model.classes_ = None if classes is None else [str(label) for label in classes]
            model.passthrough_ = [str(name) for name in metadata.get("passthrough", [])]
            reading = dict(metadata.get("reading", {}))
            model.reading_ = {
                "missing": [str(word) for word in reading.get("missing", DEFAULT_MISSING)],
                "decimal": str(reading.get("decimal", ".")),
            }
            model.metrics_ = dict(metadata["metrics"])
            _check_specs(model, net)
        except (KeyError, TypeError, ValueError) as error:
            raise ModelFileError(
                f"{name} is corrupt: its table settings cannot be read ({error}); train and "
                "save the model again"
            ) from None
        model.net_ = net
        model.history_ = None
        model.notes_ = []
        return model


# -- helpers ---------------------------------------------------------------------------------------


class _NothingKnownError(TableFormatError):
    """A table (or a piece of one) with no row whose outputs are known."""


def _check_recipe(settings: Settings, schema: Schema) -> None:
    """Refuse the tutorial's recipe for outputs other than 0 and 1 (sigmoid neurons, raw inputs)."""
    if settings.preset != "tutorial" or schema.task == BINARY:
        return
    names = ", ".join(repr(spec["name"]) for spec in schema.outputs)
    found = "labels" if schema.task == MULTICLASS else "numbers other than 0 and 1"
    raise ConfigurationError(
        f"the tutorial recipe learns outputs of 0 and 1 (sigmoid neurons), but output column "
        f"{names} holds {found}; use --preset standard (or leave --preset out)"
    )


def encoded_widths(model: TableModel) -> tuple[int, int]:
    """The network's numbers of inputs and outputs that the model's encodings call for."""
    n_outputs = len(model.classes_) if model.classes_ is not None else len(model.outputs_)
    return feature_count(model.inputs_), n_outputs


def _check_specs(model: TableModel, net: Network) -> None:
    n_features, n_outputs = encoded_widths(model)
    if n_features != net.n_inputs:
        raise ValueError(
            f"the encodings give {n_features} inputs, the network takes {net.n_inputs}"
        )
    if n_outputs != net.n_outputs or model.task_ not in (BINARY, MULTICLASS, REGRESSION):
        raise ValueError(f"task {model.task_!r} does not fit {net.n_outputs} network outputs")
    for spec in model.inputs_ + model.outputs_:
        if not 0 <= int(spec["position"]) < len(model.columns_):
            raise ValueError(f"column position {spec['position']} is out of range")
        for key in ("mean", "scale"):
            if key in spec:
                spec[key] = value = float(spec[key])
                if not math.isfinite(value) or (key == "scale" and value <= 0):
                    must = "a finite number > 0" if key == "scale" else "a finite number"
                    raise ValueError(f"column {spec['name']!r} has {key} {value}, not {must}")
        if spec.get("kind") == LABEL and not isinstance(spec.get("categories"), list):
            raise ValueError(f"column {spec['name']!r} has no list of categories")
