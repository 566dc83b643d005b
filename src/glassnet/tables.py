"""Table models: a network plus everything that turns a table's cells into numbers and back.

``TableModel`` picks the task from the output columns (labels: a softmax classifier; only 0 and 1:
a sigmoid classifier; other numbers: regression), one-hot encodes label inputs, scales numbers when
its settings say so, trains on the rows whose outputs are known and fills in the ``?`` cells. The
encodings and scaling are part of the model and are saved with it. It does not read files: give it
a ``Table`` from ``glassnet.data.read_table``. ``glassnet.recipes`` holds the rule for defaults.
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
from glassnet.data.table import LABEL, MISSING, NUMBER, Table
from glassnet.errors import ConfigurationError, ModelFileError, NotFittedError, TableFormatError
from glassnet.layers import Dense
from glassnet.network import Network
from glassnet.optimizers import Optimizer, get_optimizer
from glassnet.recipes import (
    BINARY,
    MULTICLASS,
    REGRESSION,
    STANDARD,
    TUTORIAL,
    Settings,
    resolve_settings,
    settings_for_task,
)
from glassnet.training import History

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
#: Numbers beyond this magnitude are refused: their squares (losses, variances, MSE) must stay
#: far inside float64's range (about 1.8e308) even when summed over millions of rows.
LARGEST = 1e100
Index = np.ndarray[Any, np.dtype[np.intp]]


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
            of magnitude above 1e100, ...
        ConfigurationError
            The tutorial's recipe asked for on an output that is not 0/1.
        TrainingDivergedError
            The loss became inf or NaN.
        """
        output_columns = _output_columns(table, outputs, target)
        if classify:
            kinds = [LABEL if j in output_columns else kind for j, kind in enumerate(table.kinds)]
            table = replace(table, kinds=kinds)
        input_columns = [j for j in range(table.n_columns) if j not in output_columns]
        if not input_columns:
            raise TableFormatError(
                f"expected at least one input column besides the {len(output_columns)} output "
                "column(s), found none",
                table.path,
            )
        _check_no_missing_inputs(table, input_columns, output_columns)
        known = ~np.any([table.missing(j) for j in output_columns], axis=0)
        for j in input_columns:
            _check_magnitude(table, j, np.arange(table.n_rows))
        for j in output_columns:
            _check_magnitude(table, j, np.flatnonzero(known))
        if not known.any():
            raise TableFormatError(
                "expected at least one row with a known output to learn from, found only '?'",
                table.path,
                table.lines[0],
            )
        preset = "standard" if classify and self.preset == "auto" else self.preset
        settings = resolve_settings(table, output_columns, preset, **self.settings)
        self.columns_ = list(table.names)
        self.task_ = _task(table, output_columns, known)
        self.settings_ = settings_for_task(settings, self.task_)
        _check_recipe(self.settings_, self.task_, table, output_columns)
        self.inputs_ = [_input_spec(table, j, known, self.settings_.scale) for j in input_columns]
        self.outputs_, self.classes_ = _output_specs(table, output_columns, known, self)
        X = self._encode_inputs(table, np.flatnonzero(known))  # (n, n_features)
        Y = self._encode_outputs(table, np.flatnonzero(known))  # (n, n_outputs)
        self.net_ = self._build(X.shape[1], Y.shape[1])
        settings = self.settings_
        assert settings.epochs is not None
        assert settings.validation is not None
        if trainer is not None or on_start is not None:
            X_new = self._encode_inputs(table, np.flatnonzero(~known))  # (n_new, n_features)
            if on_start is not None:
                on_start(self.net_, X, Y, X_new)
        if trainer is not None:
            self.history_: History | None = trainer(self.net_, X, Y, X_new)
        else:
            self.history_ = self.net_.fit(
                X,
                Y,
                epochs=settings.epochs,
                batch_size=settings.batch_size,
                shuffle=settings.shuffle,
                validation_fraction=settings.validation if X.shape[0] > 1 else 0.0,
                patience=settings.patience,
                callback=callback,
            )
        self.metrics_ = self._training_metrics(X, Y, int(known.sum()))
        return self

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
        metrics.update(_scores(self.task_, P, Y, self.outputs_))
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
        result.update(_scores(self.task_, P, Y, self.outputs_, confusion=True))
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
        trained_without_header = self.columns_ == [
            f"column{j}" for j in range(1, len(self.columns_) + 1)
        ]
        if table.header is None or table.file_columns is not None or trained_without_header:
            return table
        names = table.names
        inputs = [spec["name"] for spec in self.inputs_]
        for wanted in (self.columns_, inputs):
            if len(names) == len(wanted) and set(names) == set(wanted):
                order = [names.index(name) for name in wanted]
                return table if order == list(range(len(order))) else table.select(order)
        line = table.header_line
        for column, name in enumerate(names, start=1):
            if name not in self.columns_:
                raise TableFormatError(
                    f"expected the columns {_listing(self.columns_)} (or the inputs "
                    f"{_listing(inputs)}) as in training, found an unknown column {name!r}",
                    table.path,
                    line,
                    column,
                )
        missing = [name for name in inputs if name not in names]
        absent = missing or [name for name in self.columns_ if name not in names]
        raise TableFormatError(
            f"expected the columns {_listing(self.columns_)} (or the inputs {_listing(inputs)}) "
            f"as in training, found no column {absent[0]!r}",
            table.path,
            line,
        )

    # -- encoding -----------------------------------------------------------------------------

    def _layout(self, table: Table) -> str:
        n_all, n_inputs = len(self.columns_), len(self.inputs_)
        if table.n_columns == n_all:
            return "full"
        if table.n_columns == n_inputs:
            return "inputs"
        raise TableFormatError(
            f"expected {n_all} columns ({n_inputs} input and {n_all - n_inputs} output, as in "
            f"training) or {n_inputs} (inputs only), found {table.n_columns}",
            table.path,
            table.lines[0],
        )

    def _encode_inputs(self, table: Table, rows: Index, layout: str = "full") -> Array:
        blocks = []
        for index, spec in enumerate(self.inputs_):
            j = spec["position"] if layout == "full" else index
            cells = [table.rows[i][j] for i in rows]
            for i, cell in zip(rows, cells, strict=True):
                if cell == MISSING:
                    raise table.error(
                        f"expected a value in input column {spec['name']!r}, found '?' (only "
                        "output columns may hold '?')",
                        int(i),
                        j,
                    )
            if spec["kind"] == LABEL:
                block = _one_hot(  # (n, n_categories)
                    table,
                    rows,
                    j,
                    spec["categories"],
                    f"a label of input column {spec['name']!r} seen in training",
                )
            else:
                if table.kinds[j] != NUMBER:
                    bad = next(
                        i for i, cell in zip(rows, cells, strict=True) if not _is_number(cell)
                    )
                    raise table.error(
                        f"expected a number in input column {spec['name']!r} as in training, "
                        f"found {table.rows[bad][j]!r}",
                        int(bad),
                        j,
                    )
                _check_magnitude(table, j, rows)
                values = table.numbers(j)[rows]
                block = ((values - spec["mean"]) / spec["scale"]).reshape(-1, 1)  # (n, 1)
            blocks.append(block)
        return np.hstack(blocks)  # (n, n_features)

    def _encode_outputs(self, table: Table, rows: Index) -> Array:
        if self.task_ == MULTICLASS:
            spec = self.outputs_[0]
            j = spec["position"]
            assert self.classes_ is not None
            return _one_hot(  # (n, n_classes)
                table, rows, j, self.classes_, f"a class of output column {spec['name']!r}"
            )
        columns = []
        for spec in self.outputs_:
            j = spec["position"]
            if table.kinds[j] != NUMBER:
                bad = next(i for i in rows if not _is_number(table.rows[i][j]))
                raise table.error(
                    f"expected a number in output column {spec['name']!r}, found "
                    f"{table.rows[bad][j]!r}",
                    int(bad),
                    j,
                )
            values = table.numbers(j)[rows]
            if self.task_ == BINARY:
                bad_rows = np.flatnonzero((values != 0) & (values != 1))
                if bad_rows.size:
                    i = int(rows[bad_rows[0]])
                    raise table.error(
                        f"expected 0 or 1 in output column {spec['name']!r} as in training, "
                        f"found {table.rows[i][j]!r}",
                        i,
                        j,
                    )
            else:
                values = (values - spec["mean"]) / spec["scale"]
            columns.append(values)
        return np.column_stack(columns)  # (n, n_outputs)

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
        from glassnet.io import save

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
        from glassnet.io import load_with_metadata

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


def _output_columns(table: Table, outputs: int, target: Sequence[str] | None) -> list[int]:
    if target:
        columns = [table.column_index(name) for name in target]
        if len(set(columns)) != len(columns):
            raise ConfigurationError(f"expected distinct target columns, got {', '.join(target)}")
        return columns
    if isinstance(outputs, bool) or not isinstance(outputs, int) or outputs < 1:
        raise ConfigurationError(f"outputs must be an int >= 1, got {outputs!r}")
    if outputs >= table.n_columns:
        raise TableFormatError(
            f"expected more than {outputs} columns for {outputs} output column(s) and at least "
            f"one input, found {table.n_columns}",
            table.path,
            table.lines[0],
        )
    return list(range(table.n_columns - outputs, table.n_columns))


def _check_magnitude(table: Table, j: int, rows: Index) -> None:
    """Refuse a number too large to train on or answer from, naming its file, line and column."""
    if table.kinds[j] != NUMBER:
        return
    values = table.numbers(j)[rows]
    large = np.flatnonzero(np.abs(values) > LARGEST)
    if large.size:
        i = int(rows[large[0]])
        raise table.error(
            f"expected numbers of magnitude at most {LARGEST:.0e} to train on (their squares "
            f"must fit a 64-bit float), found {table.rows[i][j]!r}; rescale column "
            f"{table.names[j]!r} (divide it by a power of ten, or take logarithms)",
            i,
            j,
        )


def _check_recipe(settings: Settings, task: str, table: Table, outputs: list[int]) -> None:
    """The tutorial's recipe (sigmoid neurons, raw inputs) can only learn outputs of 0 and 1."""
    if settings.preset != "tutorial" or task == BINARY:
        return
    names = ", ".join(repr(table.names[j]) for j in outputs)
    found = "labels" if task == MULTICLASS else "numbers other than 0 and 1"
    raise ConfigurationError(
        f"the tutorial recipe learns outputs of 0 and 1 (sigmoid neurons), but output column "
        f"{names} holds {found}; use --preset standard (or leave --preset out)"
    )


def _check_no_missing_inputs(table: Table, inputs: list[int], outputs: list[int]) -> None:
    names = ", ".join(repr(table.names[j]) for j in outputs)
    for i, row in enumerate(table.rows):
        for j in inputs:
            if row[j] == MISSING:
                raise table.error(
                    f"expected a value in input column {table.names[j]!r}, found '?' (only the "
                    f"output column(s) {names} may hold '?')",
                    i,
                    j,
                )


def _task(table: Table, outputs: list[int], known: Array) -> str:
    kinds = [table.kinds[j] for j in outputs]
    if LABEL in kinds:
        if len(outputs) > 1:
            raise TableFormatError(
                f"expected a label output to be the only output column, found {len(outputs)} "
                f"output columns ({', '.join(table.names[j] for j in outputs)})",
                table.path,
            )
        return MULTICLASS
    values = np.concatenate([table.numbers(j)[known] for j in outputs])
    return BINARY if np.isin(values, (0.0, 1.0)).all() else REGRESSION


def _input_spec(table: Table, j: int, known: Array, scale: bool) -> dict[str, Any]:
    spec: dict[str, Any] = {"name": table.names[j], "position": j, "kind": table.kinds[j]}
    if table.kinds[j] == LABEL:
        spec["categories"] = sorted(set(table.cells(j)))
    else:
        spec["mean"], spec["scale"] = _mean_scale(table.numbers(j)[known], scale)
    return spec


def _output_specs(
    table: Table, outputs: list[int], known: Array, model: TableModel
) -> tuple[list[dict[str, Any]], list[str] | None]:
    specs: list[dict[str, Any]] = [{"name": table.names[j], "position": j} for j in outputs]
    if model.task_ == MULTICLASS:
        j = outputs[0]
        classes = sorted({cell for cell, ok in zip(table.cells(j), known, strict=True) if ok})
        if len(classes) < 2:
            raise TableFormatError(
                f"expected at least two classes in output column {table.names[j]!r} to tell "
                f"apart, found only {classes[0]!r}",
                table.path,
            )
        return specs, classes
    if model.task_ == REGRESSION:
        for spec, j in zip(specs, outputs, strict=True):
            spec["mean"], spec["scale"] = _mean_scale(
                table.numbers(j)[known], model.settings_.scale
            )
    return specs, None


def _mean_scale(values: Array, scale: bool) -> tuple[float, float]:
    if not scale:
        return 0.0, 1.0
    std = float(values.std())
    return float(values.mean()), std if std > 0 else 1.0


def _with_weight_decay(optimizer: Optimizer, l2: float) -> Optimizer:
    config = optimizer.get_config()
    config["weight_decay"] = l2
    return type(optimizer)(**config)


def _scores(
    task: str, P: Array, Y: Array, outputs: list[dict[str, Any]], confusion: bool = False
) -> dict[str, Any]:
    """Accuracy (and confusion) for classifiers; R², MAE and MSE in table units for regression."""
    if task == MULTICLASS:
        truth, guess = Y.argmax(axis=1), P.argmax(axis=1)
        result: dict[str, Any] = {"accuracy": float((truth == guess).mean())}
        if confusion:
            matrix = np.zeros((Y.shape[1], Y.shape[1]), dtype=int)
            np.add.at(matrix, (truth, guess), 1)
            result["confusion"] = matrix.tolist()
        return result
    if task == BINARY:
        guess = (P >= 0.5).astype(float)
        result = {"accuracy": float((guess == Y).all(axis=1).mean())}
        if confusion:
            matrices = []
            for k in range(Y.shape[1]):
                matrix = np.zeros((2, 2), dtype=int)
                np.add.at(matrix, (Y[:, k].astype(int), guess[:, k].astype(int)), 1)
                matrices.append(matrix.tolist())
            result["confusion"] = matrices[0] if len(matrices) == 1 else matrices
        return result
    scale = np.array([spec["scale"] for spec in outputs])
    truth, guess = Y * scale, P * scale  # (n, k), in table units less the shift
    per_output = []
    for k, spec in enumerate(outputs):
        error = guess[:, k] - truth[:, k]
        spread = float(((truth[:, k] - truth[:, k].mean()) ** 2).sum())
        r2 = 1.0 - float(error @ error) / spread if spread > 0 else 0.0
        per_output.append(
            {
                "name": spec["name"],
                "r2": r2,
                "mae": float(np.abs(error).mean()),
                "mse": float((error**2).mean()),
            }
        )
    result = {
        key: float(np.mean([entry[key] for entry in per_output])) for key in ("r2", "mae", "mse")
    }
    if confusion or len(per_output) > 1:
        result["per_output"] = per_output
    return result


def _check_specs(model: TableModel, net: Network) -> None:
    n_features = sum(
        len(spec["categories"]) if spec["kind"] == LABEL else 1 for spec in model.inputs_
    )
    if n_features != net.n_inputs:
        raise ValueError(
            f"the encodings give {n_features} inputs, the network takes {net.n_inputs}"
        )
    n_outputs = len(model.classes_) if model.classes_ is not None else len(model.outputs_)
    if n_outputs != net.n_outputs or model.task_ not in (BINARY, MULTICLASS, REGRESSION):
        raise ValueError(f"task {model.task_!r} does not fit {net.n_outputs} network outputs")
    for spec in model.inputs_ + model.outputs_:
        if not 0 <= int(spec["position"]) < len(model.columns_):
            raise ValueError(f"column position {spec['position']} is out of range")
        for key in ("mean", "scale"):
            if key in spec:
                spec[key] = float(spec[key])


def _insert(row: list[str], positions: list[int], values: list[str]) -> list[str]:
    cells, inputs = [], iter(row)
    answers = dict(zip(positions, values, strict=True))
    for position in range(len(row) + len(positions)):
        cells.append(answers[position] if position in answers else next(inputs))
    return cells


def _one_hot(table: Table, rows: Index, j: int, categories: Sequence[str], expected: str) -> Array:
    """Column ``j`` of ``rows`` as one-hot rows over ``categories``; an unknown cell is an error."""
    lookup = {label: k for k, label in enumerate(categories)}
    Y = np.zeros((len(rows), len(categories)))  # (n, n_categories)
    for r, i in enumerate(rows):
        cell = table.rows[i][j]
        if cell not in lookup:
            raise table.error(
                f"expected {expected} ({_listing(categories)}), found {cell!r}", int(i), j
            )
        Y[r, lookup[cell]] = 1.0
    return Y


def _is_number(cell: str) -> bool:
    try:
        return math.isfinite(float(cell))
    except ValueError:
        return False


def _format_number(value: float) -> str:
    return f"{value:.8g}"


def _listing(labels: Sequence[str], limit: int = 8) -> str:
    shown = ", ".join(labels[:limit])
    return shown + (f", ... ({len(labels)} in all)" if len(labels) > limit else "")
