"""Every training option of the command line reaches the network it trains.

``glassnet train`` writes a model file; its weights must equal those of a network built and
trained by hand through the Python API with the settings the options ask for (the recipe's own
values for the rest), on the inputs and targets the table model encodes. An option the command
dropped, or passed on wrongly, would train another network and fail here.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest

import glassnet as gn
from glassnet.cli import main
from glassnet.data import parse_table
from glassnet.tables import TableModel


def _regression_table(rows: int = 40) -> str:
    rng = np.random.default_rng(7)
    X = rng.normal(size=(rows, 2))
    colour = rng.choice(["red", "green", "blue"], size=rows)
    y = 3 * X[:, 0] - X[:, 1] ** 2 + (colour == "red") + rng.normal(scale=0.3, size=rows)
    lines = ["a,b,colour,y"]
    lines += [
        f"{float(a)!r},{float(b)!r},{c},{float(t)!r}"
        for (a, b), c, t in zip(X, colour, y, strict=True)
    ]
    return "\n".join(lines) + "\n"


def _classification_table(rows: int = 36) -> str:
    rng = np.random.default_rng(8)
    X = rng.normal(size=(rows, 3))
    kind = np.array(["low", "mid", "high"])[np.digitize(X[:, 0] - X[:, 2], [-0.6, 0.6])]
    lines = ["a,b,c,kind"]
    lines += [",".join([*(repr(float(v)) for v in row), k]) for row, k in zip(X, kind, strict=True)]
    return "\n".join(lines) + "\n"


#: What the standard recipe uses when no option says otherwise (``tables.recipes``).
STANDARD = {
    "hidden": (16,),
    "activation": "tanh",
    "optimizer": "adam",
    "lr": 0.01,
    "l2": 0.01,
    "seed": 1,
    "batch_size": None,
}
#: Per task: loss, output activation, epochs and held-out fraction; the patience is 50 epochs
#: when rows are held out, else none.
TASKS = {
    "regression": ("mse", "identity", 2000, 0.2),
    "multiclass": ("categorical_crossentropy", "softmax", 300, 0.0),
}
EVERYTHING = [
    "--hidden", "6", "--activation", "sigmoid", "--epochs", "60", "--lr", "0.05",
    "--optimizer", "nesterov", "--batch-size", "5", "--l2", "0.02", "--seed", "9",
    "--validation", "0.25", "--patience", "4",
]  # fmt: skip
#: Options, and the settings they stand for. Every value differs from the recipe's own.
CASES: dict[str, tuple[list[str], dict[str, Any]]] = {
    "defaults": ([], {}),
    "hidden": (["--hidden", "5,3"], {"hidden": (5, 3)}),
    "no-hidden": (["--hidden", "0"], {"hidden": ()}),
    "activation": (["--activation", "relu"], {"activation": "relu"}),
    "epochs": (["--epochs", "7"], {"epochs": 7}),
    "lr": (["--lr", "0.2"], {"lr": 0.2}),
    "sgd": (["--optimizer", "sgd"], {"optimizer": "sgd"}),
    "momentum": (
        ["--optimizer", "momentum", "--lr", "0.05"],
        {"optimizer": "momentum", "lr": 0.05},
    ),
    "nesterov": (["--optimizer", "nesterov"], {"optimizer": "nesterov"}),
    "batch-size": (["--batch-size", "8"], {"batch_size": 8}),
    "batch-full": (["--batch-size", "full"], {}),
    "l2": (["--l2", "0.3"], {"l2": 0.3}),
    "no-l2": (["--l2", "0"], {"l2": 0.0}),
    "seed": (["--seed", "42"], {"seed": 42}),
    "validation": (["--validation", "0.4"], {"validation": 0.4}),
    "no-validation": (["--validation", "0"], {"validation": 0.0}),
    "patience": (["--patience", "3"], {"patience": 3}),
    "everything": (
        EVERYTHING,
        {
            "hidden": (6,),
            "activation": "sigmoid",
            "epochs": 60,
            "lr": 0.05,
            "optimizer": "nesterov",
            "batch_size": 5,
            "l2": 0.02,
            "seed": 9,
            "validation": 0.25,
            "patience": 4,
        },
    ),
}


def _optimizer(name: str, lr: float, l2: float) -> gn.Optimizer:
    if name == "adam":
        return gn.Adam(lr=lr, weight_decay=l2)
    momentum = 0.0 if name == "sgd" else 0.9
    return gn.SGD(lr=lr, momentum=momentum, nesterov=name == "nesterov", weight_decay=l2)


def _by_hand(task: str, settings: dict[str, Any], X: np.ndarray, Y: np.ndarray) -> gn.Network:
    """The network the settings describe, built and trained through the Python API."""
    loss, output, epochs, validation = TASKS[task]
    values = {**STANDARD, "epochs": epochs, "validation": validation, **settings}
    patience = settings.get("patience", 50 if values["validation"] > 0 else None)
    sizes = [X.shape[1], *values["hidden"], Y.shape[1]]
    layers = [
        gn.Dense(n_in, n_out, activation=values["activation"])
        for n_in, n_out in itertools.pairwise(sizes[:-1])
    ]
    layers.append(gn.Dense(sizes[-2], sizes[-1], activation=output))
    net = gn.Network(
        layers,
        loss=loss,
        optimizer=_optimizer(values["optimizer"], values["lr"], values["l2"]),
        rng=values["seed"],
    )
    net.fit(
        X,
        Y,
        epochs=values["epochs"],
        batch_size=values["batch_size"],
        validation_fraction=values["validation"],
        patience=patience,
    )
    return net


@pytest.mark.parametrize("task", list(TASKS))
@pytest.mark.parametrize("case", list(CASES))
def test_training_options_reach_the_saved_network(case, task, tmp_path, capsys):
    options, settings = CASES[case]
    text = _regression_table() if task == "regression" else _classification_table()
    if task == "regression" and "epochs" not in settings:  # keep the run short
        options, settings = [*options, "--epochs", "150"], {**settings, "epochs": 150}
    source, model_path = tmp_path / "table.csv", tmp_path / "model.safetensors"
    source.write_text(text)
    assert main(["train", str(source), "-o", str(model_path), "--quiet", *options]) == 0
    capsys.readouterr()
    model = TableModel.load(model_path)
    assert model.task_ == task
    X, Y = model.encode(parse_table(text, "table.csv"))  # the data path, not the options
    expected = _by_hand(task, settings, X, Y)
    saved = gn.load(model_path)
    assert [layer.n_out for layer in saved.layers] == [layer.n_out for layer in expected.layers]
    assert [layer.activation.name for layer in saved.layers] == [
        layer.activation.name for layer in expected.layers
    ]
    for ours, theirs in zip(saved.get_weights(), expected.get_weights(), strict=True):
        np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize(
    ("options", "lr", "epochs", "seed"),
    [([], 1.0, 10_000, 1), (["--lr", "0.5", "--epochs", "300", "--seed", "7"], 0.5, 300, 7)],
    ids=["defaults", "lr-epochs-seed"],
)
def test_tutorial_recipe_options_reach_the_saved_network(options, lr, epochs, seed, tmp_path):
    text = "0 0 1 0\n1 1 1 1\n1 0 1 1\n0 1 1 0\n"
    source, model_path = tmp_path / "table.txt", tmp_path / "model.safetensors"
    source.write_text(text)
    assert main(["train", str(source), "-o", str(model_path), "--quiet", *options]) == 0
    X, Y = TableModel.load(model_path).encode(parse_table(text, "table.txt"))
    expected = gn.Network(
        [gn.Dense(3, 1, activation="sigmoid", bias=False)],
        loss="sse",
        optimizer=gn.SGD(lr=lr),
        init="uniform",
        rng=np.random.RandomState(seed),
    )
    expected.fit(X, Y, epochs=epochs)
    np.testing.assert_array_equal(gn.load(model_path).layers[0].weights, expected.layers[0].weights)
