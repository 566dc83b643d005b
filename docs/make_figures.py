"""Draw the tutorial's pictures into docs/figures: run `python docs/make_figures.py` after changes.

Every picture comes from the same networks, settings and seeds as the code in docs/tutorial.md.
The iris picture and story (README) come from the command line itself, run on scikit-learn's
bundled iris table written as CSV: `glassnet solve iris.csv --plot` and `glassnet explain
iris.csv`, whose text goes to docs/iris-explain.txt (scikit-learn is needed for the data only).
"""

from __future__ import annotations

import contextlib
import io
import sys
import tempfile
from pathlib import Path

import numpy as np

import glassnet as gn
from glassnet.cli import main
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
    written += draw_iris(folder)
    return written


def iris_csv(folder: Path) -> Path:
    """scikit-learn's iris as a CSV table: four measurements in cm, then the species."""
    from sklearn.datasets import load_iris

    frame = load_iris(as_frame=True).frame
    frame.columns = ["sepal_length", "sepal_width", "petal_length", "petal_width", "species"]
    frame["species"] = load_iris().target_names[frame["species"]]
    path = folder / "iris.csv"
    frame.to_csv(path, index=False, float_format="%g")
    return path


def draw_iris(folder: Path) -> list[Path]:
    """The iris overview picture (solve --plot) and the iris story (explain), as users run them."""
    with tempfile.TemporaryDirectory() as work:
        table = str(iris_csv(Path(work)))
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(["solve", table, "--plot", str(folder / "iris-overview.png"), "-q"]) == 0
        story = io.StringIO()
        with contextlib.redirect_stdout(story):
            assert main(["explain", table]) == 0
    text = folder.parent / "iris-explain.txt"
    text.write_text(story.getvalue(), encoding="utf-8")
    return [folder / "iris-overview.png", text]


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "figures"
    target.mkdir(parents=True, exist_ok=True)
    for path in draw(target):
        print(path)
