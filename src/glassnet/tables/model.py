"""Table models: a network plus everything that turns a table's cells into numbers and back.

``TableModel`` picks the task from the output columns (labels: a softmax classifier; only 0 and 1:
a sigmoid classifier; other numbers: regression), one-hot encodes label inputs, scales numbers when
its settings say so, trains on the rows whose outputs are known and fills in the ``?`` cells. The
encodings (``encodings``) are part of the model and are saved with it. It does not read files:
give it a ``Table`` from ``glassnet.data.read_table``. ``recipes`` picks the defaults.
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, replace
from typing import Any

import numpy as np

from glassnet._types import Array
from glassnet.data.table import LABEL, MISSING, Table
from glassnet.errors import ModelFileError, NotFittedError, TableFormatError
from glassnet.nn.history import History
from glassnet.nn.layers import Dense
from glassnet.nn.network import Network
from glassnet.nn.optimizers import Optimizer, get_optimizer
from glassnet.tables.encodings import (
    Index,
    Mask,
    align_columns,
    encode_inputs,
    encode_outputs,
    input_spec,
    match_layout,
    output_specs,
)
from glassnet.tables.recipes import (
    BINARY,
    MULTICLASS,
    REGRESSION,
    STANDARD,
    TUTORIAL,
    Settings,
    resolve_settings,
    settings_for_task,
)
from glassnet.tables.scores import score
from glassnet.tables.targets import check_recipe, infer_task, prepare_table

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
        One entry per input column: name, position, kind and its encoding (``mean`` and
        ``scale`` for numbers, ``categories`` for labels, one-hot encoded).
    outputs_ : list of dict
        One entry per output column: name, position, and ``mean``/``scale`` for regression.
    settings_ : Settings
    metrics_ : dict
        What training reached: epochs run, final and best losses, accuracy or R² on the rows it
        learned from.
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

    # -- training ------------------------------------------------------------------------------

    def fit(
        self,
        table: Table,
        outputs: int = 1,
        target: Sequence[str] | None = None,
        callback: Callable[[int, Network, History], bool | None] | None = None,
        trainer: Callable[[Network, Array, Array, Array], History] | None = None,
        on_start: Callable[[Network, Array, Array, Array], None] | None = None,
        classify: bool = False,
    ) -> TableModel:
        """Train on the rows of ``table`` whose output cells are all known.

        Parameters
        ----------
        table : Table
        outputs : int, default=1
            The last ``outputs`` columns are the outputs (ignored when ``target`` is given).
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

        Returns
        -------
        TableModel
            ``self``, trained.

        Raises
        ------
        TableFormatError
            A ``?`` in an input column, no row to learn from, an output of one class, a number
            of magnitude above 1e100 (or nonzero below 1e-100), ...
        ConfigurationError
            The tutorial's recipe asked for on an output that is not 0/1; ``target`` naming no
            column (or a column twice, or every column); ``outputs`` leaving no input; a label
            output beside others; ``classify`` with several outputs.
        TrainingDivergedError
            The loss became inf or NaN.
        """
        table, input_columns, output_columns, known = prepare_table(
            table, outputs, target, classify
        )
        preset = "standard" if classify and self.preset == "auto" else self.preset
        self._choose_encodings(table, input_columns, output_columns, known, preset)
        X = self._encode_inputs(table, np.flatnonzero(known))  # (n, n_features)
        Y = self._encode_outputs(table, np.flatnonzero(known))  # (n, n_outputs)
        self.net_ = self._build(X.shape[1], Y.shape[1])
        self.history_: History | None = self._train(table, known, X, Y, callback, trainer, on_start)
        self.metrics_ = self._training_metrics(X, Y, int(known.sum()))
        return self

    def _choose_encodings(
        self,
        table: Table,
        input_columns: list[int],
        output_columns: list[int],
        known: Mask,
        preset: str,
    ) -> None:
        """Settle the task, the settings and each column's encoding from the training rows."""
        settings = resolve_settings(table, output_columns, preset, **self.settings)
        self.columns_ = list(table.names)
        self.task_ = infer_task(table, output_columns, known)
        self.settings_ = settings_for_task(settings, self.task_)
        check_recipe(self.settings_, self.task_, table, output_columns)
        scale = self.settings_.scale
        self.inputs_ = [input_spec(table, j, known, scale) for j in input_columns]
        self.outputs_, self.classes_ = output_specs(table, output_columns, known, self.task_, scale)

    def _train(
        self,
        table: Table,
        known: Mask,
        X: Array,
        Y: Array,
        callback: Callable[[int, Network, History], bool | None] | None,
        trainer: Callable[[Network, Array, Array, Array], History] | None,
        on_start: Callable[[Network, Array, Array, Array], None] | None,
    ) -> History:
        """Call ``on_start``, then train with ``trainer`` or ``Network.fit``; return the History."""
        settings = self.settings_
        assert settings.epochs is not None
        assert settings.validation is not None
        if trainer is not None or on_start is not None:
            X_new = self._encode_inputs(table, np.flatnonzero(~known))  # (n_new, n_features)
            if on_start is not None:
                on_start(self.net_, X, Y, X_new)
        if trainer is not None:
            return trainer(self.net_, X, Y, X_new)
        return self.net_.fit(
            X,
            Y,
            epochs=settings.epochs,
            batch_size=settings.batch_size,
            shuffle=settings.shuffle,
            validation_fraction=settings.validation if X.shape[0] > 1 else 0.0,
            patience=settings.patience,
            callback=callback,
        )

    def _build(self, n_features: int, n_outputs: int) -> Network:
        settings = self.settings_
        sizes = [n_features, *settings.hidden, n_outputs]
        output_activation = {BINARY: "sigmoid", MULTICLASS: "softmax"}.get(self.task_, "identity")
        layers = [
            Dense(n_in, n_out, activation=settings.activation, bias=settings.bias)
            for n_in, n_out in itertools.pairwise(sizes[:-1])
        ]
        layers.append(Dense(sizes[-2], sizes[-1], activation=output_activation, bias=settings.bias))
        loss = settings.loss
        if loss == "auto":  # models saved before settings_for_task named the loss
            loss = settings_for_task(replace(settings, loss="auto"), self.task_).loss
        optimizer: Optimizer = get_optimizer(settings.optimizer, lr=settings.lr)
        if settings.l2:
            optimizer = _with_weight_decay(optimizer, settings.l2)
        rng = np.random.RandomState(settings.seed) if settings.legacy_rng else settings.seed
        return Network(layers, loss=loss, optimizer=optimizer, init=settings.init, rng=rng)

    def _training_metrics(self, X: Array, Y: Array, n_rows: int) -> dict[str, Any]:
        history = self.history_
        assert history is not None
        metrics: dict[str, Any] = {"rows": n_rows, "epochs": history.epochs}
        if history.loss:  # the trained model's loss on its rows (history has the last epoch's)
            metrics["loss"] = self.net_.evaluate(X, Y)
        if history.val_loss:
            metrics["best_validation_loss"] = min(history.val_loss)
        if history.best_epoch is not None:
            metrics["best_epoch"] = history.best_epoch
        metrics["stopped_early"] = history.stopped_early
        P = self.net_.predict(X)  # (n, n_outputs)
        metrics.update(score(self.task_, P, Y, self.outputs_))
        return metrics

    # -- answers ------------------------------------------------------------------------------

    def predict(self, table: Table) -> Array:
        """Return the model's answers for every row of ``table``.

        ``table`` has the training table's columns (output cells may hold anything, ``?``
        included) or only its input columns.

        Returns
        -------
        ndarray
            Binary: the probability of 1 for each output column, (n_rows, n_outputs).
            Multiclass: the probability of each class, (n_rows, n_classes).
            Regression: the values in the table's units, (n_rows, n_outputs).
        """
        self._check_fitted()
        table = self.align(table)
        layout = self._layout(table)
        X = self._encode_inputs(table, np.arange(table.n_rows), layout)
        A = self.net_.predict(X)  # (n, n_outputs)
        if self.task_ == REGRESSION:
            mean = np.array([spec["mean"] for spec in self.outputs_])
            scale = np.array([spec["scale"] for spec in self.outputs_])
            return A * scale + mean
        return A

    def answers(self, table: Table) -> list[list[str]]:
        """Return each row's answers as the text to write in its output cells.

        Binary outputs give the probability of 1 to 8 decimals (the tutorial's 0.99993704),
        multiclass the most probable label, regression the value to 8 significant digits.
        """
        P = self.predict(table)
        if self.task_ == MULTICLASS:
            assert self.classes_ is not None
            return [[self.classes_[int(k)]] for k in P.argmax(axis=1)]
        if self.task_ == BINARY:
            return [[f"{p:.8f}" for p in row] for row in P]
        return [[_format_number(value) for value in row] for row in P]

    def confidence(self, table: Table) -> Array:
        """Return, for a multiclass model, the probability of each row's answer, (n_rows,)."""
        P = self.predict(table)
        return P.max(axis=1) if self.task_ == MULTICLASS else np.max(np.maximum(P, 1 - P), axis=1)

    def fill(self, table: Table, all_rows: bool = False) -> list[list[str]]:
        """Return the table's rows with each ``?`` output cell replaced by the model's answer.

        Parameters
        ----------
        table : Table
            The training layout, or input columns only (then the outputs are appended).
        all_rows : bool, default=False
            Replace every output cell, not only the ``?``.

        Returns
        -------
        list of list of str
            The rows, in the training table's column order.
        """
        self._check_fitted()
        table = self.align(table)
        layout = self._layout(table)
        answers = self.answers(table)
        positions = [spec["position"] for spec in self.outputs_]
        filled = []
        for row, answer in zip(table.rows, answers, strict=True):
            if layout == "inputs":
                cells = _insert(row, positions, answer)
            else:
                cells = list(row)
                for position, value in zip(positions, answer, strict=True):
                    if all_rows or cells[position] == MISSING:
                        cells[position] = value
            filled.append(cells)
        return filled

    def written_order(self, table: Table) -> list[int]:
        r"""Return the order to write ``fill``'s cells in: the columns as the table's file has them.

        ``fill`` gives each row in the training table's column order. A table whose header names
        the columns in another order gets them back in its own: cell ``order[p]`` of a filled row
        goes to place ``p``. Where the table held only the inputs, the answers follow them.

        Examples
        --------
        >>> from glassnet.data import parse_table
        >>> model = TableModel(epochs=1).fit(parse_table("a b y\n0 1 0\n1 0 1\n"))
        >>> model.written_order(parse_table("y b a\n? 1 0\n"))
        [2, 1, 0]
        >>> model.written_order(parse_table("b a\n1 0\n"))
        [1, 0, 2]
        """
        table = self.align(table)
        n_columns, file_columns = len(self.columns_), table.file_columns
        if file_columns is None:
            return list(range(n_columns))
        outputs = [int(spec["position"]) for spec in self.outputs_]
        full = self._layout(table) == "full"
        # the aligned table's column k is training column sources[k], file column file_columns[k]
        sources = list(range(n_columns)) if full else [int(s["position"]) for s in self.inputs_]
        by_file = sorted(range(len(sources)), key=lambda k: file_columns[k])
        return [sources[k] for k in by_file] + ([] if full else outputs)

    def evaluate(self, table: Table) -> dict[str, Any]:
        """Score the model on the rows of ``table`` whose outputs are known.

        Returns
        -------
        dict
            "rows" and "loss"; for classifiers "accuracy" and "confusion" (rows: true class,
            columns: predicted, in the order of "classes"); for regression "r2", "mae" and "mse"
            (averaged over output columns) and "per_output".
        """
        self._check_fitted()
        table = self.align(table)
        if self._layout(table) == "inputs":
            raise TableFormatError(
                f"expected the output column(s) {', '.join(s['name'] for s in self.outputs_)} "
                "to score against, found only the input columns",
                table.path,
            )
        positions = [spec["position"] for spec in self.outputs_]
        known = np.flatnonzero(~np.any([table.missing(j) for j in positions], axis=0))
        if known.size == 0:
            raise TableFormatError(
                "expected rows with known outputs to score against, found only '?'", table.path
            )
        rows = table.take(known.tolist())
        Y = self._encode_outputs(rows, np.arange(rows.n_rows))
        X = self._encode_inputs(rows, np.arange(rows.n_rows), self._layout(rows))
        P = self.net_.predict(X)  # (n, n_outputs)
        result: dict[str, Any] = {"rows": int(known.size)}
        result["loss"] = self.net_.evaluate(X, Y)
        result.update(score(self.task_, P, Y, self.outputs_, confusion=True))
        if self.task_ != REGRESSION:
            result["classes"] = self._class_names()
        return result

    def encode(self, table: Table) -> tuple[Array, Array]:
        """Return what the network sees for the rows of ``table`` whose outputs are known.

        Returns
        -------
        X : ndarray of shape (n_known, n_features)
            The inputs, scaled and one-hot encoded as in training.
        Y : ndarray of shape (n_known, n_outputs)
            The targets: 0/1 columns, one-hot classes, or scaled regression values.
        """
        self._check_fitted()
        table = self.align(table)
        positions = [spec["position"] for spec in self.outputs_]
        if self._layout(table) == "inputs":
            raise TableFormatError(
                f"expected the output column(s) {', '.join(s['name'] for s in self.outputs_)} "
                "as in training, found only the input columns",
                table.path,
            )
        known = np.flatnonzero(~np.any([table.missing(j) for j in positions], axis=0))
        return self._encode_inputs(table, known), self._encode_outputs(table, known)

    def align(self, table: Table) -> Table:
        """Return ``table`` with its columns in the training table's order, matched by name.

        A table with a header is matched by column name: it must name every training column
        (inputs and outputs) or exactly the input columns, in any order. A table without a
        header, or a model trained on a table without one, is matched by position.

        Raises
        ------
        TableFormatError
            The header names a column the model does not know, or leaves one out; the message
            names the file, the header's line and the column.
        """
        self._check_fitted()
        return align_columns(table, self.columns_, [spec["name"] for spec in self.inputs_])

    # -- encoding -----------------------------------------------------------------------------

    def _layout(self, table: Table) -> str:
        return match_layout(table, self.columns_, [spec["name"] for spec in self.inputs_])

    def _encode_inputs(self, table: Table, rows: Index, layout: str = "full") -> Array:
        return encode_inputs(table, rows, self.inputs_, layout)

    def _encode_outputs(self, table: Table, rows: Index) -> Array:
        return encode_outputs(table, rows, self.outputs_, self.task_, self.classes_)

    def _class_names(self) -> list[str]:
        return list(self.classes_) if self.classes_ is not None else ["0", "1"]

    def _check_fitted(self) -> None:
        if not hasattr(self, "net_"):
            raise NotFittedError("this TableModel is not trained yet; call fit first")

    # -- saving -------------------------------------------------------------------------------

    def metadata(self) -> dict[str, Any]:
        """Return what a model file keeps besides the weights (plain JSON values)."""
        self._check_fitted()
        return {
            "kind": MODEL_KIND,
            "task": self.task_,
            "columns": self.columns_,
            "inputs": self.inputs_,
            "outputs": self.outputs_,
            "classes": self.classes_,
            "settings": {**asdict(self.settings_), "hidden": list(self.settings_.hidden)},
            "metrics": self.metrics_,
        }

    def save(self, path: str | os.PathLike[str]) -> None:
        """Save the network and its table settings to one ``.safetensors`` file, atomically."""
        from glassnet.io.model_files import save

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
        from glassnet.io.model_files import load_with_metadata

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
            model.settings_ = Settings(**settings)
            model.preset = model.settings_.preset
            model.task_ = str(metadata["task"])
            model.columns_ = [str(name) for name in metadata["columns"]]
            model.inputs_ = [dict(spec) for spec in metadata["inputs"]]
            model.outputs_ = [dict(spec) for spec in metadata["outputs"]]
            classes = metadata["classes"]
            model.classes_ = None if classes is None else [str(label) for label in classes]
            model.metrics_ = dict(metadata["metrics"])
            _check_specs(model, net)
        except (KeyError, TypeError, ValueError) as error:
            raise ModelFileError(
                f"{name} is corrupt: its table settings cannot be read ({error}); train and "
                "save the model again"
            ) from None
        model.net_ = net
        model.history_ = None
        return model


# -- helpers ---------------------------------------------------------------------------------------


def _with_weight_decay(optimizer: Optimizer, l2: float) -> Optimizer:
    config = optimizer.get_config()
    config["weight_decay"] = l2
    return type(optimizer)(**config)


def _encoded_widths(model: TableModel) -> tuple[int, int]:
    """The network's numbers of inputs and outputs that the model's encodings call for."""
    n_features = sum(
        len(spec["categories"]) if spec["kind"] == LABEL else 1 for spec in model.inputs_
    )
    n_outputs = len(model.classes_) if model.classes_ is not None else len(model.outputs_)
    return n_features, n_outputs


def _check_specs(model: TableModel, net: Network) -> None:
    n_features, n_outputs = _encoded_widths(model)
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


def _insert(row: list[str], positions: list[int], values: list[str]) -> list[str]:
    cells, inputs = [], iter(row)
    answers = dict(zip(positions, values, strict=True))
    for position in range(len(row) + len(positions)):
        cells.append(answers[position] if position in answers else next(inputs))
    return cells


def _format_number(value: float) -> str:
    return f"{value:.8g}"
