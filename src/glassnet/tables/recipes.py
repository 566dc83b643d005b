"""Recipes: the settings a table model is built and trained with, and the rule that picks them.

``TUTORIAL`` is the ten-line program's recipe, ``STANDARD`` the one for real data.
``resolve_settings`` chooses between them for a table and applies what the user gave;
``settings_for_task`` fills in what depends on the task (epochs, held-out rows, patience).
Nothing here trains: ``glassnet.tables.model.TableModel`` does.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np

from glassnet.data.columns import NUMBER
from glassnet.data.table import Table
from glassnet.errors import ConfigurationError
from glassnet.tables.schema import BINARY, MULTICLASS, REGRESSION

__all__ = [
    "BINARY",
    "MULTICLASS",
    "REGRESSION",
    "STANDARD",
    "TUTORIAL",
    "Settings",
    "resolve_settings",
    "settings_for_task",
]

TUTORIAL_MAX_ROWS = 100
#: From this many rows to learn from, the standard recipe steps on shuffled mini-batches and
#: stops early on a validation split (see ``settings_for_task``).
LARGE_ROWS = 1000
#: A large table's epochs are capped so that training sees about this many rows in all.
LARGE_ROWS_SEEN = 20_000_000


@dataclass(frozen=True)
class Settings:
    """How a table model is built and trained; ``TUTORIAL`` and ``STANDARD`` are the presets.

    Attributes
    ----------
    preset : str
        "tutorial" or "standard": where the defaults came from.
    hidden : tuple of int
        Units of each hidden layer; ``()`` is a single layer of output neurons.
    activation : str
        Activation of the hidden layers (the output layer's follows from the task).
    bias : bool
        Whether layers have a bias.
    loss : str
        "auto" picks by task (``settings_for_task`` names the one chosen): binary or categorical
        cross-entropy, mse for regression.
    optimizer : str
        sgd, momentum, nesterov or adam.
    lr : float
        Learning rate.
    epochs : int or None
        Most passes over the training rows; None: 300 for classifiers, 2,000 for regression.
    batch_size : int or None
        Rows per step; None (or 0, said explicitly) is the full batch.
    l2 : float
        Weight decay (L2 penalty coefficient added to the gradient).
    seed : int
        Seed of the random generator (weights, shuffling, validation split).
    legacy_rng : bool
        Draw from ``np.random.RandomState(seed)``, the tutorial's stream, instead of
        ``np.random.default_rng(seed)``.
    init : str
        Weight initialization: auto, uniform, glorot or he.
    scale : bool
        Standardize numeric inputs and regression outputs (mean 0, standard deviation 1).
    validation : float or None
        Fraction of the training rows held out to watch for overfitting; None: 0.2 for
        regression, 0 for classifiers.
    patience : int or None
        Stop after this many epochs without a better validation loss and keep the best weights;
        None: 50 when rows are held out, else never.
    shuffle : bool
        Reorder the rows every epoch.
    given : tuple of str
        The settings the user gave; the others may follow the table's size.
    """

    preset: str = "standard"
    hidden: tuple[int, ...] = (16,)
    activation: str = "tanh"
    bias: bool = True
    loss: str = "auto"
    optimizer: str = "adam"
    lr: float = 0.01
    epochs: int | None = None
    batch_size: int | None = None
    l2: float = 0.01
    seed: int = 1
    legacy_rng: bool = False
    init: str = "auto"
    scale: bool = True
    validation: float | None = None
    patience: int | None = None
    shuffle: bool = False
    given: tuple[str, ...] = ()


#: The tutorial's recipe: one sigmoid neuron per output, no bias, ½Σ(y − ŷ)², plain full-batch
#: gradient steps of size 1 for 10,000 epochs, weights 2·random − 1 from RandomState(1), raw inputs.
TUTORIAL = Settings(
    preset="tutorial",
    hidden=(),
    activation="sigmoid",
    bias=False,
    loss="sse",
    optimizer="sgd",
    lr=1.0,
    epochs=10_000,
    batch_size=None,
    l2=0.0,
    seed=1,
    legacy_rng=True,
    init="uniform",
    scale=False,
    validation=0.0,
    patience=None,
    shuffle=False,
)
#: The recipe for real data: one hidden layer of 16 tanh units, standardized numbers, full-batch
#: Adam with learning rate 0.01 and weight decay 0.01. Classifiers train for 300 epochs on all
#: known rows; regression holds out a fifth of them and stops 50 epochs after the best loss there
#: (at most 2,000), keeping that epoch's weights.
STANDARD = Settings()


def resolve_settings(
    table: Table | None = None,
    output_columns: Sequence[int] = (),
    preset: str = "auto",
    input_columns: Sequence[int] | None = None,
    **overrides: Any,
) -> Settings:
    r"""Return the settings for ``table``: a preset, with every override that is not None applied.

    The rule for ``preset="auto"``: the tutorial's recipe when no ``hidden`` is given and the table
    looks like the tutorial's (one output column, every cell 0, 1 or ``?``, at most 100 rows);
    the standard recipe otherwise.

    Parameters
    ----------
    table : Table, optional
        The training table, needed for "auto".
    output_columns : sequence of int
        Indices of the output columns.
    preset : {"auto", "tutorial", "standard"}
    **overrides
        Any ``Settings`` field; None means "the preset's value".

    Returns
    -------
    Settings

    Examples
    --------
    >>> from glassnet.data import parse_table
    >>> table = parse_table("0 0 1 0\n1 1 1 1\n1 0 0 ?\n")
    >>> resolve_settings(table, [3]).preset
    'tutorial'
    >>> resolve_settings(table, [3], hidden=(4,)).preset
    'standard'
    """
    known = {item.name for item in fields(Settings)} - {"preset"}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise ConfigurationError(f"unknown setting {unknown[0]!r}; choose from {sorted(known)}")
    if preset == "auto":
        tutorial = overrides.get("hidden") is None and _looks_like_tutorial(
            table, output_columns, input_columns
        )
        preset = "tutorial" if tutorial else "standard"
    if preset not in ("tutorial", "standard"):
        raise ConfigurationError(f"unknown preset {preset!r}; choose from auto, standard, tutorial")
    base = TUTORIAL if preset == "tutorial" else STANDARD
    chosen = {key: value for key, value in overrides.items() if value is not None}
    if "hidden" in chosen:
        chosen["hidden"] = tuple(int(units) for units in chosen["hidden"])
    settings = replace(base, **chosen, given=tuple(sorted(chosen)))
    _check_settings(settings)
    return settings


def settings_for_task(settings: Settings, task: str, n_rows: int = 0) -> Settings:
    """Fill the settings left to the task and the table's size.

    The loss ("auto"), epochs, validation and patience (None) follow the task:

    ===========  ===========================  ======  ==========  ========================
    task         loss                         epochs  validation  patience
    ===========  ===========================  ======  ==========  ========================
    binary       binary_crossentropy          300     0           none
    multiclass   categorical_crossentropy     300     0           none
    regression   mse                          2,000   0.2         50 (when validation > 0)
    ===========  ===========================  ======  ==========  ========================

    From ``LARGE_ROWS`` (1,000) rows to learn from, the standard recipe's settings the user did
    not give change: shuffled mini-batches of 200 rows, learning rate 0.003, weight decay
    0.0001, a tenth of the rows held out, stopping 5 epochs after the best loss there, and at
    most 200 epochs, fewer for very large tables (about 20 million rows seen in all, at least
    20 epochs).
    """
    if settings.preset == "standard" and n_rows >= LARGE_ROWS:
        most = min(200, max(20, LARGE_ROWS_SEEN // n_rows))
        large: dict[str, Any] = {
            "batch_size": 200,
            "shuffle": True,
            "lr": 0.003,
            "l2": 0.0001,
            "validation": 0.1,
            "patience": 5,
            "epochs": most,
        }
        settings = replace(
            settings, **{key: value for key, value in large.items() if key not in settings.given}
        )
    regression = task == REGRESSION
    loss = settings.loss
    if loss == "auto":
        loss = {BINARY: "binary_crossentropy", MULTICLASS: "categorical_crossentropy"}.get(
            task, "mse"
        )
    epochs = settings.epochs
    if epochs is None:
        epochs = 2000 if regression else 300
    validation = settings.validation
    if validation is None:
        validation = 0.2 if regression else 0.0
    patience = settings.patience
    if patience is None and validation > 0:
        patience = 50
    return replace(settings, loss=loss, epochs=epochs, validation=validation, patience=patience)


def _looks_like_tutorial(
    table: Table | None, output_columns: Sequence[int], input_columns: Sequence[int] | None
) -> bool:
    """One output column, at most 100 rows, every cell 0 or 1, and only outputs missing."""
    if table is None or len(output_columns) != 1 or table.n_rows > TUTORIAL_MAX_ROWS:
        return False
    if input_columns is None:
        input_columns = [j for j in range(table.n_columns) if j not in output_columns]
    for j in [*input_columns, *output_columns]:
        column = table.columns[j]
        if column.kind != NUMBER or column.values is None:
            return False
        if j in input_columns and column.missing.any():
            return False
        values = column.values[~column.missing]
        if not np.isin(values, (0.0, 1.0)).all():
            return False
    return True


def _check_settings(settings: Settings) -> None:
    if any(units < 1 for units in settings.hidden):
        raise ConfigurationError(f"hidden layer sizes must be >= 1, got {settings.hidden}")
    if settings.validation is not None and not 0 <= settings.validation < 1:
        raise ConfigurationError(f"validation must be in [0, 1), got {settings.validation}")
    if settings.epochs is not None and settings.epochs < 0:
        raise ConfigurationError(f"epochs must be >= 0, got {settings.epochs}")
    if settings.batch_size is not None and settings.batch_size < 0:
        raise ConfigurationError(
            f"batch size must be >= 1 (or 0 for the full batch), got {settings.batch_size}"
        )
    if settings.patience is not None and settings.patience < 1:
        raise ConfigurationError(f"patience must be >= 1, got {settings.patience}")
    if not 0 <= settings.seed < 2**32:  # the tutorial's RandomState takes no more
        raise ConfigurationError(f"seed must be between 0 and {2**32 - 1}, got {settings.seed}")
    for name in ("lr", "l2"):
        value = getattr(settings, name)
        if not (math.isfinite(value) and value >= 0):
            raise ConfigurationError(f"{name} must be a finite number >= 0, got {value}")
