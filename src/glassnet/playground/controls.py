"""What the playground's controls say: the data, the network, the training, each value checked.

``Controls`` holds every setting of the page, which the page keeps in its URL so that a link
reproduces a run. ``changed_controls`` applies the values a request sends (JSON), refusing a bad
one with a message that names it and says what is expected; a new kind of data (a 2-D set or a
table) brings that kind's defaults for what the request leaves out. Nothing here trains.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from glassnet.errors import ConfigurationError
from glassnet.playground.datasets import DATASETS, FEATURES

__all__ = [
    "ACTIVATIONS",
    "LIVE",
    "LOSSES",
    "MAX_LAYERS",
    "MAX_UNITS",
    "OPTIMIZERS",
    "TABLE_DATA",
    "Controls",
    "changed_controls",
    "table_defaults",
]

MAX_LAYERS = 6  # hidden layers at most
MAX_UNITS = 8  # neurons per hidden layer at most
ACTIVATIONS = ("tanh", "relu", "sigmoid", "leaky_relu", "identity")
LOSSES = ("auto", "binary_crossentropy", "categorical_crossentropy", "mse", "sse")
OPTIMIZERS = ("sgd", "momentum", "nesterov", "adam")
TABLE_DATA = ("tutorial", "table")  # data that is a table rather than a 2-D set
#: Controls that act on the run in progress; any other change starts a new run.
LIVE = frozenset({"lr", "l2", "speed", "epochs", "plane"})
SEED_LIMIT = 2**32  # NumPy's RandomState (the tutorial's recipe) takes seeds below this


@dataclass(frozen=True)
class Controls:
    """Every setting of the page; the defaults are the 2-D playground's.

    Attributes
    ----------
    data : str
        A 2-D set (``circle``, ``xor``, ``gauss``, ``spiral``, ``plane``, ``multigauss``), the
        ``tutorial``'s table, or ``table``: the table named ``table``.
    table : str
        The name of the table (its file name) when ``data`` is "table".
    target : str
        The output column of a table; "" is the last column.
    noise : int
        Percent, 0 to 50: how noisy a 2-D set is.
    train : int
        Percent of the rows with known outputs that are trained on (10 to 90 for a 2-D set, 10
        to 100 for a table); the others are test rows.
    batch : int
        Rows per training step; 0 is all of them (the full batch).
    data_seed : int
        Seeds a 2-D set's points and a table's split into training and test rows.
    features : tuple of str
        The columns of a 2-D set, computed from each point (see ``datasets.FEATURES``).
    hidden : tuple of int
        Neurons of each hidden layer (at most 6 layers of at most 8).
    activation, loss, optimizer : str
        The hidden layers' activation; the loss ("auto": the task's; a 2-D set's default is the
        squared error, as in the TF Playground, whose losses stay small on stray points); sgd,
        momentum, nesterov or adam.
    lr, l2 : float
        Learning rate and weight decay (L2), which may change while training runs.
    seed : int
        Seeds the starting weights (and shuffling).
    epochs : int
        Training stops after this many epochs; 0 is never.
    speed : int
        Epochs a second while playing; 0 is as fast as the machine goes.
    plane : tuple of str
        The two input columns a table's heat maps are drawn over ("" chooses).
    """

    data: str = "circle"
    table: str = ""
    target: str = ""
    noise: int = 0
    train: int = 50
    batch: int = 10
    data_seed: int = 1
    features: tuple[str, ...] = ("x1", "x2")
    hidden: tuple[int, ...] = (4, 4)
    activation: str = "tanh"
    loss: str = "mse"
    optimizer: str = "adam"
    lr: float = 0.03
    l2: float = 0.0
    seed: int = 1
    epochs: int = 0
    speed: int = 60
    plane: tuple[str, str] = ("", "")

    @property
    def is_table(self) -> bool:
        """Whether the data is a table (the tutorial's or the user's) rather than a 2-D set."""
        return self.data in TABLE_DATA

    def to_json(self) -> dict[str, Any]:
        """Return the controls as plain JSON values (tuples become lists)."""
        return {key: list(value) if isinstance(value, tuple) else value
                for key, value in asdict(self).items()}  # fmt: skip


#: What a table brings when it is chosen, before its recipe fills in the network.
_TABLE_DATA_DEFAULTS: dict[str, Any] = {
    "train": 100,
    "batch": 0,
    "speed": 0,
    "target": "",
    "plane": ("", ""),
}


def table_defaults(recipe: Mapping[str, Any]) -> dict[str, Any]:
    """The controls a table starts with: its recipe's network and training, all rows trained on.

    ``recipe`` maps hidden, activation, loss, optimizer, lr, l2, seed, batch and epochs to the
    values the table model's recipe chose for the table.
    """
    return {**_TABLE_DATA_DEFAULTS, **recipe}


def changed_controls(
    current: Controls, given: Mapping[str, Any], recipe: Mapping[str, Any] | None = None
) -> Controls:
    """Return ``current`` with the values in ``given`` applied, each one checked.

    ``recipe`` (see ``table_defaults``) is given when a table, or a table's output column, is
    newly chosen: what ``given`` leaves out then comes from the table's recipe. Going back from
    a table to a 2-D set brings ``Controls()``'s defaults the same way.

    Raises
    ------
    ConfigurationError
        An unknown name, or a value of the wrong type or out of range; the message names it.
    """
    names = {item.name for item in fields(Controls)}
    unknown = sorted(set(given) - names)
    if unknown:
        raise ConfigurationError(
            f"unknown setting {unknown[0]!r}; choose from {', '.join(sorted(names))}"
        )
    checked = {name: _CHECKS[name](value) for name, value in given.items()}
    base = current
    if recipe is not None:
        kept: dict[str, Any] = {
            "data": current.data,
            "table": current.table,
            "data_seed": current.data_seed,
        }
        base = replace(Controls(), **{**kept, **table_defaults(recipe)})
    elif checked.get("data", current.data) not in TABLE_DATA and current.is_table:
        base = Controls(data_seed=current.data_seed)
    controls = replace(base, **checked)
    _check_together(controls)
    return controls


def _check_together(controls: Controls) -> None:
    """Refuse combinations: a 2-D set trains on 10 to 90 percent of its rows, a table names one."""
    if not controls.is_table and not 10 <= controls.train <= 90:
        raise ConfigurationError(
            f"expected train from 10 to 90 percent for a 2-D set, got {controls.train}"
        )
    if controls.data == "table" and not controls.table:
        raise ConfigurationError("expected the name of a table for data 'table', got none")


# -- one value each -------------------------------------------------------------------------------


def _whole(name: str, low: int, high: int) -> Any:
    def check(value: Any) -> int:
        number = value
        if isinstance(value, str):
            try:
                number = int(value.strip())
            except ValueError:
                number = None
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        if isinstance(number, bool) or not isinstance(number, int):
            raise ConfigurationError(f"expected {name} as a whole number, got {value!r}")
        if not low <= number <= high:
            raise ConfigurationError(f"expected {name} from {low} to {high}, got {number}")
        return number

    return check


def _number(name: str, low: float, high: float) -> Any:
    def check(value: Any) -> float:
        if isinstance(value, bool):
            raise ConfigurationError(f"expected {name} as a number, got {value!r}")
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ConfigurationError(f"expected {name} as a number, got {value!r}") from None
        if not (math.isfinite(number) and low <= number <= high):
            raise ConfigurationError(f"expected {name} from {low:g} to {high:g}, got {value!r}")
        return number

    return check


def _choice(name: str, choices: tuple[str, ...]) -> Any:
    def check(value: Any) -> str:
        if value not in choices:
            raise ConfigurationError(f"unknown {name} {value!r}; choose from {', '.join(choices)}")
        return str(value)

    return check


def _text(name: str) -> Any:
    def check(value: Any) -> str:
        if not isinstance(value, str) or len(value) > 200 or "\n" in value:
            raise ConfigurationError(f"expected {name} as one line of text, got {value!r}")
        return value

    return check


def _list(value: Any, name: str) -> list[Any]:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list | tuple):
        return list(value)
    raise ConfigurationError(f"expected {name} as a list, got {value!r}")


def _hidden(value: Any) -> tuple[int, ...]:
    sizes = _list(value, "hidden")
    if len(sizes) > MAX_LAYERS:
        raise ConfigurationError(f"expected at most {MAX_LAYERS} hidden layers, got {len(sizes)}")
    unit = _whole("the neurons of a hidden layer", 1, MAX_UNITS)
    return tuple(unit(size) for size in sizes)


def _features(value: Any) -> tuple[str, ...]:
    names = _list(value, "features")
    feature = _choice("feature", tuple(FEATURES))
    chosen = {feature(name) for name in names}
    if not chosen:
        raise ConfigurationError("expected at least one feature, got none")
    return tuple(name for name in FEATURES if name in chosen)  # the table's column order


def _plane(value: Any) -> tuple[str, str]:
    names = [_text("a column of the plane")(name) for name in _list(value, "plane")]
    if not any(names):
        return ("", "")
    if len(names) != 2 or names[0] == names[1]:
        raise ConfigurationError(f"expected two different columns for the plane, got {names}")
    return (names[0], names[1])


_CHECKS: dict[str, Any] = {
    "data": _choice("data", DATASETS + TABLE_DATA),
    "table": _text("table"),
    "target": _text("target"),
    "noise": _whole("noise", 0, 50),
    "train": _whole("train", 10, 100),
    "batch": _whole("batch", 0, 1_000_000),
    "data_seed": _whole("data_seed", 0, SEED_LIMIT - 1),
    "features": _features,
    "hidden": _hidden,
    "activation": _choice("activation", ACTIVATIONS),
    "loss": _choice("loss", LOSSES),
    "optimizer": _choice("optimizer", OPTIMIZERS),
    "lr": _number("lr", 0.0, 100.0),
    "l2": _number("l2", 0.0, 100.0),
    "seed": _whole("seed", 0, SEED_LIMIT - 1),
    "epochs": _whole("epochs", 0, 10_000_000),
    "speed": _whole("speed", 0, 1_000_000),
    "plane": _plane,
}
