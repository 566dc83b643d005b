"""Training a table model's network: built from its recipe, taught, watched and scored.

``build_network`` makes the network a recipe describes; ``train_network`` holds out the
validation rows (drawn as ``Network.fit`` would draw them, so that they are known here) and
trains; ``training_metrics`` scores the result on the rows learned from, the held-out rows and
against always giving the same answer; ``tutorial_misfit`` says why the tutorial's bias-free
neuron cannot fit a table. Everything works on encoded arrays: no tables here.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from glassnet._types import Array, Indices
from glassnet.nn.history import History
from glassnet.nn.layers import Dense
from glassnet.nn.network import Network
from glassnet.nn.optimizers import Optimizer, get_optimizer
from glassnet.tables.recipes import TUTORIAL, Settings, settings_for_task
from glassnet.tables.schema import BINARY, MULTICLASS
from glassnet.tables.scores import baseline_scores, score

__all__ = ["Run", "build_network", "train_network", "training_metrics", "tutorial_misfit"]

Callback = Callable[[int, Network, History], bool | None]
Trainer = Callable[[Network, Array, Array, Array], History]
StartHook = Callable[[Network, Array, Array, Array], None]


@dataclass
class Run:
    """A trained network with what its training saw: the rows, and which were held out."""

    net: Network
    history: History
    X: Array
    Y: Array
    held: Indices | None = None

    @property
    def interrupted(self) -> bool:
        """Whether Ctrl-C ended the training."""
        return self.history.interrupted


def build_network(settings: Settings, task: str, n_features: int, n_outputs: int) -> Network:
    """The network ``settings`` describe for ``task``: hidden layers, output, loss, optimizer."""
    sizes = [n_features, *settings.hidden, n_outputs]
    output_activation = {BINARY: "sigmoid", MULTICLASS: "softmax"}.get(task, "identity")
    layers = [
        Dense(n_in, n_out, activation=settings.activation, bias=settings.bias)
        for n_in, n_out in itertools.pairwise(sizes[:-1])
    ]
    layers.append(Dense(sizes[-2], sizes[-1], activation=output_activation, bias=settings.bias))
    loss = settings.loss
    if loss == "auto":  # models saved before settings_for_task named the loss
        loss = settings_for_task(replace(settings, loss="auto"), task).loss
    optimizer: Optimizer = get_optimizer(settings.optimizer, lr=settings.lr)
    if settings.l2:
        optimizer = _with_weight_decay(optimizer, settings.l2)
    rng = np.random.RandomState(settings.seed) if settings.legacy_rng else settings.seed
    return Network(layers, loss=loss, optimizer=optimizer, init=settings.init, rng=rng)


def train_network(
    net: Network,
    settings: Settings,
    X: Array,
    Y: Array,
    X_new: Array,
    callback: Callback | None = None,
    trainer: Trainer | None = None,
    on_start: StartHook | None = None,
) -> Run:
    """Call ``on_start``, then train ``net`` with ``trainer`` or ``Network.fit``.

    The validation rows are drawn from ``net.rng`` exactly as ``Network.fit`` would draw them
    for ``validation_fraction``, and handed to it as ``validation_data``: the same training,
    with the held-out rows known for scoring.
    """
    assert settings.epochs is not None
    assert settings.validation is not None
    if on_start is not None:
        on_start(net, X, Y, X_new)
    if trainer is not None:
        return Run(net, trainer(net, X, Y, X_new), X, Y)
    validation = settings.validation if X.shape[0] > 1 else 0.0
    held = kept = None
    if validation:
        n_val = max(1, round(validation * X.shape[0]))
        if n_val < X.shape[0]:
            order = net.rng.permutation(X.shape[0])
            held, kept = order[:n_val], order[n_val:]
    history = net.fit(
        X if kept is None else X[kept],
        Y if kept is None else Y[kept],
        epochs=settings.epochs,
        batch_size=settings.batch_size or None,  # 0 said "the full batch" explicitly
        shuffle=settings.shuffle,
        validation_data=None if held is None else (X[held], Y[held]),
        validation_fraction=0.0 if held is not None else validation,
        patience=settings.patience,
        callback=callback,
    )
    return Run(net, history, X, Y, held)


def tutorial_misfit(task: str, X: Array, Y: Array, X_new: Array) -> tuple[str | None, Run | None]:
    """Why the tutorial's neuron cannot fit these rows (None if it learns every known one).

    Without a bias a sigmoid neuron answers 0.5 for a row of zeros, whatever it learned; for
    other rows the tutorial's own recipe is tried, unwatched, and must answer each known row
    on the right side of 0.5. The trial is returned too (a Ctrl-C in it ends training).
    """
    if (X == 0).all(axis=1).any() or (X_new == 0).all(axis=1).any():
        return "without a bias it answers 0.5 for a row of zeros, whatever it learned", None
    settings = settings_for_task(TUTORIAL, task)
    net = build_network(settings, task, X.shape[1], Y.shape[1])
    trial = Run(net, net.fit(X, Y, epochs=settings.epochs or 0), X, Y)
    if trial.interrupted:
        return None, trial
    P = net.predict(X)
    if ((P > 0.5) != (Y > 0.5)).any() or (P == 0.5).any():
        return "without a bias it cannot learn every known row", trial
    return None, trial


def training_metrics(
    run: Run, task: str, outputs: list[dict[str, Any]], classes: list[str] | None
) -> dict[str, Any]:
    """Losses and scores of a trained network: all known rows, training and held-out ones."""
    history, net, X, Y = run.history, run.net, run.X, run.Y
    metrics: dict[str, Any] = {"rows": int(X.shape[0]), "epochs": history.epochs}
    if history.loss:  # the trained model's loss on its rows (history has the last epoch's)
        metrics["loss"] = net.evaluate(X, Y)
    if history.val_loss:
        metrics["best_validation_loss"] = min(history.val_loss)
    if history.best_epoch is not None:
        metrics["best_epoch"] = history.best_epoch
    metrics["stopped_early"] = history.stopped_early
    P = net.predict(X)  # (n, n_outputs)
    metrics.update(score(task, P, Y, outputs))
    train = np.ones(X.shape[0], dtype=bool)
    if run.held is not None:
        train[run.held] = False
        metrics["validation"] = {
            "rows": int(run.held.size),
            **score(task, P[run.held], Y[run.held], outputs),
        }
    metrics["train"] = {"rows": int(train.sum()), **score(task, P[train], Y[train], outputs)}
    Y_held = Y[~train] if run.held is not None else None
    metrics["baseline"] = baseline_scores(task, Y[train], Y_held, outputs, classes)
    return metrics


def _with_weight_decay(optimizer: Optimizer, l2: float) -> Optimizer:
    config = optimizer.get_config()
    config["weight_decay"] = l2
    return type(optimizer)(**config)
