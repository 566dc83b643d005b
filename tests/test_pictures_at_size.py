"""Pictures of bigger networks stay true and readable: iris, diabetes, and nothing cropped.

The boundary picks the inputs that matter (and its shading agrees with the network), a wide
layer is drawn as a matrix, many weights are thinned to those that moved most, the loss curve
marks the kept epoch and a divergence, and no text or legend of any picture or GIF frame runs
off its canvas, on the tutorial, XOR, iris and diabetes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.legend import Legend
from matplotlib.text import Text

import glassnet as gn
from glassnet.cli import main
from glassnet.data import read_table
from glassnet.explain.columns import input_names, input_units, output_names
from glassnet.plot import (
    WeightRecorder,
    plot_boundary,
    plot_loss,
    plot_network,
    plot_weights,
)
from glassnet.plot.boundaries import choose_inputs
from glassnet.tables.model import TableModel
from tests.datasets import write_diabetes, write_iris

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.fixture(scope="module")
def tables(tmp_path_factory) -> dict[str, list[str]]:
    """The command-line arguments that name each table and its network."""
    folder = tmp_path_factory.mktemp("tables")
    return {
        "tutorial": [],
        "xor": [str(DOCS / "xor.txt"), "--hidden", "3"],
        "iris": [write_iris(folder)],
        "diabetes": [write_diabetes(folder)],
    }


@pytest.fixture(scope="module")
def iris_model(tables) -> tuple[TableModel, np.ndarray, np.ndarray]:
    table = read_table(tables["iris"][0])
    model = TableModel().fit(table)  # what 'glassnet plot iris.csv' trains
    X, Y = model.encode(table)
    return model, X, Y


# -- nothing runs off the canvas ------------------------------------------------------------------


def _drawn_tick_labels(figure) -> tuple[set[int], list[Text]]:
    """Every tick label's id, and those of ticks inside their axis's view (the ones drawn)."""
    every, drawn = set(), []
    for axes in figure.findobj(lambda artist: hasattr(artist, "get_major_ticks")):  # each Axis
        low, high = sorted(axes.get_view_interval())
        span = (high - low) or 1.0
        pairs = [
            *zip(axes.get_major_ticks(), axes.get_majorticklocs(), strict=False),
            *zip(axes.get_minor_ticks(), axes.get_minorticklocs(), strict=False),
        ]
        for tick in axes.get_major_ticks() + axes.get_minor_ticks():
            every |= {id(tick.label1), id(tick.label2)}
        if not (axes.axes.axison and axes.get_visible()):
            continue  # an axis turned off draws no tick labels
        for tick, loc in pairs:
            if low - 1e-9 * span <= loc <= high + 1e-9 * span:
                drawn += [tick.label1, tick.label2]
    return every, drawn


def cropped(figure) -> list[str]:
    """Each text or legend whose box (``get_window_extent``) is not inside the figure's."""
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    page = figure.bbox
    ticks, drawn = _drawn_tick_labels(figure)
    texts = [t for t in figure.findobj(Text) if id(t) not in ticks] + drawn
    artists = [t for t in texts if t.get_visible() and t.get_text().strip()]
    artists += [legend for legend in figure.findobj(Legend) if legend.get_visible()]
    outside = []
    for artist in artists:
        box = artist.get_window_extent(renderer)
        if not (
            page.x0 - 1 <= box.x0
            and box.x1 <= page.x1 + 1
            and page.y0 - 1 <= box.y0
            and box.y1 <= page.y1 + 1
        ):
            what = repr(artist.get_text()) if isinstance(artist, Text) else "'a legend'"
            outside.append(f"{what} at {box.bounds}")
    return outside


@pytest.fixture
def figures(monkeypatch):
    """Keep every figure the command line saves, instead of writing it."""
    import glassnet.plot

    kept = []
    monkeypatch.setattr(
        glassnet.plot,
        "save_figure",
        lambda ax, path: kept.append(ax.figure if hasattr(ax, "figure") else ax),
    )
    return kept


@pytest.mark.parametrize("data", ["tutorial", "xor", "iris", "diabetes"])
def test_no_text_runs_off_any_picture(tables, figures, tmp_path, data):
    argv = tables[data]
    for kind in ("loss", "boundary", "network", "weights"):
        assert main(["plot", *argv, "--kind", kind, "-o", str(tmp_path / "p.png"), "-q"]) == 0
    assert main(["solve", *argv, "--plot", str(tmp_path / "o.png"), "-q"]) == 0
    assert len(figures) == 5
    kinds = ("loss", "boundary", "network", "weights", "overview")
    for kind, figure in zip(kinds, figures, strict=True):
        assert cropped(figure) == [], f"{data}, {kind}"


@pytest.mark.parametrize("data", ["tutorial", "xor", "iris", "diabetes"])
def test_no_text_runs_off_a_gif_frame(tables, tmp_path, monkeypatch, data):
    from matplotlib.animation import PillowWriter

    frames = []
    real = PillowWriter.grab_frame

    def grab(self, **kwargs):
        real(self, **kwargs)
        frames.append(cropped(self.fig))

    monkeypatch.setattr(PillowWriter, "grab_frame", grab)
    argv = ["animate", *tables[data], "-o", str(tmp_path / "a.gif"), "--frames", "3", "-q"]
    assert main([*argv, "--epochs", "40"]) == 0
    assert len(frames) == 3
    assert frames == [[], [], []]


def test_the_clipping_check_sees_a_cropped_legend():
    """The check itself: a legend pushed past the right edge is reported, and only it."""
    ax = plot_loss(gn.History(loss=[1.0, 0.5, 0.2]))
    assert cropped(ax.figure) == []
    ax.legend(loc="center left", bbox_to_anchor=(1.2, 0.5))
    assert [what.split(" at ")[0] for what in cropped(ax.figure)] == ["'a legend'"]


# -- the boundary draws the inputs that matter --------------------------------------------------


def shaded_agreement(model, X, Y, inputs) -> tuple[float, object]:
    """The share of rows whose shaded class, under the row's point, is the network's answer."""
    names = input_names(model)
    ax = plot_boundary(
        model.net_,
        X,
        Y,
        inputs=inputs,
        names=names,
        input_units=input_units(model),
        output_names=output_names(model),
    )
    for collection in ax.collections:  # the points: hide them to see the shade beneath
        if isinstance(collection, PathCollection):
            collection.set_visible(False)
    canvas = FigureCanvasAgg(ax.figure)
    canvas.draw()
    pixels = np.asarray(canvas.buffer_rgba())[..., :3].astype(float)
    palette = colormaps["tab10"]
    shades = np.array([[0.45 * palette(k)[c] + 0.55 for c in range(3)] for k in range(3)]) * 255
    i, j = names.index(ax.get_xlabel().split("\n")[0]), names.index(ax.get_ylabel())
    units = np.array(input_units(model))
    points = X[:, [i, j]] * units[[i, j], 1] + units[[i, j], 0]
    shaded = []
    for x, y in ax.transData.transform(points):
        colour = pixels[round(pixels.shape[0] - y), round(x)]
        shaded.append(int(np.argmin(((shades - colour) ** 2).sum(axis=1))))
    answers = model.net_.predict(X).argmax(axis=1)
    return float(np.mean(np.array(shaded) == answers)), ax


def test_iris_boundary_draws_the_petals_and_its_shade_agrees_with_the_network(iris_model):
    model, X, Y = iris_model
    agreement, ax = shaded_agreement(model, X, Y, inputs=None)
    assert {ax.get_xlabel().split("\n")[0], ax.get_ylabel()} == {"petal_length", "petal_width"}
    note = " ".join(ax.get_xlabel().split())
    assert "permutation importance on these 150 rows" in note
    assert "other inputs fixed at their medians: sepal_length = 5.8, sepal_width = 3" in note
    assert agreement >= 0.95


def test_the_sepal_pair_would_have_misled(iris_model):
    """The old default (inputs 1 and 2): the shade disagrees with the network for most rows."""
    model, X, Y = iris_model
    agreement, _ = shaded_agreement(model, X, Y, inputs=(0, 1))
    assert agreement < 0.6


def test_choose_inputs_is_deterministic_and_leaves_two_inputs_alone(iris_model):
    model, X, Y = iris_model
    first, why = choose_inputs(model.net_, X, Y, input_names(model))
    assert choose_inputs(model.net_, X, Y, input_names(model)) == (first, why)
    assert set(first) == {2, 3}
    assert why.startswith(
        ("petal_length and petal_width matter most", "petal_width and petal_length matter most")
    )
    xor = gn.Network(
        [gn.Dense(2, 2, activation="tanh"), gn.Dense(2, 1, activation="sigmoid")], rng=0
    )
    assert choose_inputs(xor, [[0, 0], [1, 1]]) == ((0, 1), None)
    blind, words = choose_inputs(model.net_, X)  # no targets: the change of the answers
    assert set(blind) == {2, 3}
    assert "raises the change of the answers" in words


def test_plot_inputs_needs_kind_boundary(tables, tmp_path, capsys):
    out = str(tmp_path / "p.png")
    assert main(["plot", *tables["iris"], "--inputs", "1", "2", "-o", out]) == 2
    err = capsys.readouterr().err
    assert "--inputs chooses the axes of a boundary plot; it does nothing for --kind network" in err
    assert err.count("\n") == 1
    assert not Path(out).exists()


def test_animate_takes_inputs(tables, tmp_path, monkeypatch):
    from glassnet.plot import animation

    seen = []
    real = animation.plot_boundary

    def spy(*args, **kwargs):
        ax = real(*args, **kwargs)
        seen.append((ax.get_xlabel().split("\n")[0], ax.get_ylabel()))
        return ax

    monkeypatch.setattr(animation, "plot_boundary", spy)
    argv = ["animate", *tables["iris"], "-o", str(tmp_path / "a.gif"), "--frames", "2", "-q"]
    assert main([*argv, "--epochs", "5", "--inputs", "1", "2"]) == 0
    assert set(seen) == {("sepal_length", "sepal_width")}
    seen.clear()
    assert main([*argv, "--epochs", "200"]) == 0
    assert {frozenset(pair) for pair in seen} == {frozenset({"petal_length", "petal_width"})}
    assert main([*argv, "--epochs", "5", "--inputs", "1", "9"]) == 2


# -- a wide layer as a matrix, many weights thinned, the loss curve's marks ---------------------


def test_a_wide_network_is_drawn_as_weight_matrices(iris_model):
    model, _, _ = iris_model
    net = model.net_
    ax = plot_network(net, names=input_names(model), output_names=output_names(model))
    grids = [child for child in ax.child_axes if child.images]
    assert len(grids) == 2  # one grid per layer
    assert len(ax.child_axes) == 3  # and the colour bar
    for grid, layer in zip(grids, net.layers, strict=False):
        (image,) = grid.images
        np.testing.assert_array_equal(image.get_array(), np.vstack([layer.weights, layer.bias]))
        low, high = image.get_clim()
        assert low == -high  # centred at 0
        assert high == pytest.approx(max(np.abs(w).max() for w in net.get_weights()))
    rows = [t.get_text() for t in grids[0].get_yticklabels()]
    assert rows == ["sepal_length", "sepal_width", "petal_length", "petal_width", "bias"]
    assert [t.get_text() for t in grids[1].get_xticklabels()] == output_names(model)
    assert ax.get_lines() == []  # no crossing lines
    xor = gn.Network([gn.Dense(2, 3), gn.Dense(3, 1)], rng=0)
    assert len(plot_network(xor).get_lines()) == 9  # small networks keep their lines
    with pytest.raises(
        gn.ConfigurationError, match="unknown form 'grid'; choose from lines, matrix"
    ):
        plot_network(xor, form="grid")


def test_a_very_wide_layer_names_some_rows_and_says_so():
    layers = [gn.Dense(100, 100, activation="tanh"), gn.Dense(100, 2, activation="softmax")]
    ax = plot_network(gn.Network(layers, rng=0))
    assert cropped(ax.figure) == []  # drawn: the names are chosen for the room there is
    grid = next(child for child in ax.child_axes if child.images)
    names = [t.get_text() for t in grid.get_yticklabels()]
    assert 5 < len(names) < 101
    assert names[-1] == "bias"
    assert "some names left out" in grid.get_title()
    ticks = grid.get_yticks()
    pitch = np.diff(grid.transData.transform(np.c_[np.zeros(len(ticks)), ticks])[:, 1])
    assert np.abs(pitch).min() >= 7 * 100 / 72  # no two names closer than their font size


def test_many_weights_show_those_that_moved_most(iris_model):
    model, X, Y = iris_model
    net = gn.Network(
        [gn.Dense(4, 16, activation="tanh"), gn.Dense(16, 3, activation="softmax")], rng=0
    )
    recorder = WeightRecorder(net, every=5)
    net.fit(X, Y, epochs=100, callback=recorder)
    ax = plot_weights(recorder, net, names=input_names(model))
    legend = ax.get_legend()
    assert legend.get_title().get_text() == "the 8 of 131 that moved most"
    labels = [t.get_text() for t in legend.get_texts()]
    assert labels[:2] == ["90% of all weights", "their median"]
    start, end = recorder.weights[0], recorder.weights[-1]
    flat = np.concatenate([np.ravel(w) for w in start])
    moved = np.max(
        [
            np.abs(np.concatenate([np.ravel(w) for w in snapshot]) - flat)
            for snapshot in recorder.weights
        ],
        axis=0,
    )
    assert len(labels) == 10
    threshold = np.sort(moved)[-8]
    drawn = [line for line in ax.get_lines() if line.get_label() in labels[2:]]
    for line in drawn:
        series = line.get_ydata()
        assert np.abs(series - series[0]).max() >= threshold - 1e-12
    assert any(label.startswith("petal") for label in labels)
    del end


def test_the_loss_curve_marks_the_kept_epoch(tables, figures, tmp_path):
    assert (
        main(["plot", *tables["diabetes"], "--kind", "loss", "-o", str(tmp_path / "l.png"), "-q"])
        == 0
    )
    (figure,) = figures
    labels = [t.get_text() for t in figure.axes[0].get_legend().get_texts()]
    assert labels[:2] == ["training", "validation"]
    assert labels[2].startswith("weights kept: epoch ")
    assert labels[2].endswith(", the lowest validation loss")


def test_the_loss_curve_marks_a_divergence():
    net = gn.Network(
        [gn.Dense(2, 4, activation="relu"), gn.Dense(4, 1)],
        loss="mse",
        optimizer=gn.SGD(lr=1.5),
        rng=0,
    )
    X = np.random.default_rng(0).normal(size=(40, 2)) * 10
    with pytest.raises(gn.TrainingDivergedError) as error:
        net.fit(X, X.sum(axis=1), epochs=100)
    assert net.history.diverged_epoch == error.value.epoch == net.history.epochs + 1
    ax = plot_loss(net.history)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["training", f"diverged: the loss of epoch {error.value.epoch} was inf or NaN"]
    assert ax.get_xlim()[1] >= error.value.epoch
    assert cropped(ax.figure) == []
