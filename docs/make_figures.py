"""Draw the tutorial's pictures into docs/figures: run `python docs/make_figures.py` after changes.

Every picture comes from the same networks, settings and seeds as the code in docs/tutorial.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import glassnet as gn
from glassnet.plot import (
    WeightRecorder,
    animate,
    plot_boundary,
    plot_loss,
    plot_network,
    plot_weights,
    save_figure,
)

TUTORIAL_X = np.array([[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 1]])
TUTORIAL_Y = np.array([[0, 1, 1, 0]]).T
XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
XOR_Y = np.array([[0, 1, 1, 0]]).T


def tutorial_network() -> gn.Network:
    """The ten-line program's neuron."""
    return gn.Network(
        [gn.Dense(3, 1, activation="sigmoid", bias=False)],
        loss="sse",
        optimizer=gn.SGD(lr=1.0),
        init="uniform",
        rng=np.random.RandomState(1),
    )


def xor_network(hidden: int | None = 3) -> gn.Network:
    """A sigmoid network for XOR: one neuron (``hidden=None``) or a hidden layer first."""
    layers = [gn.Dense(2, 1, activation="sigmoid")]
    if hidden:
        layers = [
            gn.Dense(2, hidden, activation="sigmoid"),
            gn.Dense(hidden, 1, activation="sigmoid"),
        ]
    return gn.Network(
        layers, loss="sse", optimizer=gn.SGD(lr=1.0), init="uniform", rng=np.random.RandomState(1)
    )


def draw(folder: Path) -> list[Path]:
    """Write every picture into ``folder`` and return their paths."""
    written: list[Path] = []

    def save(ax: object, name: str) -> None:
        save_figure(ax, folder / name)
        written.append(folder / name)

    net = tutorial_network()
    recorder = WeightRecorder(net, every=10)
    history = net.fit(TUTORIAL_X, TUTORIAL_Y, epochs=10_000, callback=recorder)
    save(plot_network(net), "tutorial-network.png")
    save(plot_loss(history, loss_name="sse"), "tutorial-loss.png")
    save(plot_weights(recorder, net), "tutorial-weights.png")
    save(plot_boundary(net, TUTORIAL_X, TUTORIAL_Y), "tutorial-boundary.png")

    one = xor_network(hidden=None)
    one.fit(XOR_X, XOR_Y, epochs=10_000)
    save(plot_boundary(one, XOR_X, XOR_Y), "xor-one-neuron.png")

    net = xor_network()
    recorder = WeightRecorder(net, every=10)
    history = net.fit(XOR_X, XOR_Y, epochs=10_000, callback=recorder)
    save(plot_network(net), "xor-network.png")
    save(plot_boundary(net, XOR_X, XOR_Y), "xor-boundary.png")
    save(plot_loss(history, loss_name="sse"), "xor-loss.png")
    save(plot_weights(recorder, net), "xor-weights.png")

    animate(xor_network(), XOR_X, XOR_Y, folder / "xor-training.gif", epochs=10_000, frames=16)
    written.append(folder / "xor-training.gif")
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "figures"
    target.mkdir(parents=True, exist_ok=True)
    for path in draw(target):
        print(path)
