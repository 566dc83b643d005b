"""Pictures: every plot renders a real PNG, and the XOR boundary puts each corner on its side."""

from __future__ import annotations

import itertools
import sys

import numpy as np
import pytest
from PIL import Image

import glassnet as gn
from glassnet.explain.recorders import frame_epochs
from glassnet.plot import (
    WeightRecorder,
    animate,
    picture_format,
    plot_boundary,
    plot_loss,
    plot_network,
    plot_overview,
    plot_weights,
    render_figure,
    save_figure,
)
from tests.conftest import TUTORIAL_X, TUTORIAL_Y, tutorial_network

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_Y = np.array([[0], [1], [1], [0]], dtype=float)


@pytest.fixture(scope="module")
def xor_net() -> tuple[gn.Network, gn.History, WeightRecorder]:
    net = gn.Network(
        [gn.Dense(2, 3, activation="tanh"), gn.Dense(3, 1, activation="sigmoid")],
        loss="binary_crossentropy",
        optimizer=gn.Adam(lr=0.05),
        rng=0,
    )
    recorder = WeightRecorder(net, every=10)
    history = net.fit(XOR_X, XOR_Y, epochs=400, callback=recorder)
    assert ((net.predict(XOR_X) > 0.5) == XOR_Y).all()
    return net, history, recorder


def rendered(ax, path) -> np.ndarray:
    save_figure(ax, path)
    with Image.open(path) as image:
        assert image.format == "PNG"
        return np.asarray(image.convert("RGB")).astype(int)


def assert_picture(pixels: np.ndarray, size=(640, 480)) -> None:
    assert (pixels.shape[1], pixels.shape[0]) == size
    colours = np.unique(pixels.reshape(-1, 3), axis=0)
    assert len(colours) > 50, "the picture is nearly blank"
    assert (pixels < 250).any(axis=2).mean() > 0.05, "almost every pixel is white"


def test_plot_loss_renders_training_and_validation(tmp_path):
    net = tutorial_network()
    history = net.fit(TUTORIAL_X, TUTORIAL_Y, epochs=300, validation_data=(TUTORIAL_X, TUTORIAL_Y))
    ax = plot_loss(history, loss_name="sse")
    assert ax.get_yscale() == "log"
    assert [line.get_label() for line in ax.get_lines()] == ["training", "validation"]
    assert_picture(rendered(ax, tmp_path / "loss.png"))


def test_plot_loss_keeps_a_linear_axis_for_a_flat_curve():
    history = gn.History(loss=[1.0, 0.9, 0.8])
    assert plot_loss(history).get_yscale() == "linear"
    with pytest.raises(gn.ConfigurationError, match="at least one epoch"):
        plot_loss(gn.History())


def test_plot_network_renders_with_labels(tmp_path, xor_net):
    net, _, _ = xor_net
    ax = plot_network(net)
    texts = {text.get_text() for text in ax.texts}
    assert {"x1", "x2", "h1", "h2", "h3", "out", "tanh", "sigmoid"} <= texts
    assert f"{net.layers[1].weights[0, 0]:.3g}" in texts
    lines = ax.get_lines()
    assert len(lines) == 2 * 3 + 3 * 1
    colours = {line.get_color() for line in lines}
    assert colours == {"#1f77b4", "#d62728"}  # both signs occur
    assert_picture(rendered(ax, tmp_path / "network.png"))


def test_plot_network_edge_width_grows_with_the_weight():
    net = tutorial_network()
    net.layers[0].weights[:, 0] = [4.0, -1.0, 0.0]
    widths = [line.get_linewidth() for line in plot_network(net).get_lines()]
    assert widths[0] > widths[1] > widths[2]


def test_plot_weights_one_line_per_weight(tmp_path, xor_net):
    net, _, recorder = xor_net
    ax = plot_weights(recorder, net)
    assert recorder.epochs[:3] == [0, 10, 20]
    assert len(ax.get_lines()) == net.n_parameters + 1  # and the zero line
    assert_picture(rendered(ax, tmp_path / "weights.png"))


def test_weight_recorder_counts_across_fits():
    net = tutorial_network()
    recorder = WeightRecorder(net, every=2)
    net.fit(TUTORIAL_X, TUTORIAL_Y, epochs=3, callback=recorder)
    net.fit(TUTORIAL_X, TUTORIAL_Y, epochs=3, callback=recorder)
    assert recorder.epochs == [0, 2, 4, 6]
    np.testing.assert_array_equal(recorder.weights[-1][0], net.layers[0].weights)
    with pytest.raises(gn.ConfigurationError, match="every must be an int >= 1"):
        WeightRecorder(net, every=0)


def test_xor_boundary_puts_each_corner_on_its_side(tmp_path, xor_net):
    net, _, _ = xor_net
    ax = plot_boundary(net, XOR_X, XOR_Y)
    pixels = rendered(ax, tmp_path / "boundary.png")
    assert_picture(pixels)
    height = pixels.shape[0]
    for (x1, x2), target in zip(XOR_X, XOR_Y[:, 0], strict=True):
        # Just inside the corner, clear of the marker drawn on the point itself.
        probe = (x1 + (0.1 if x1 == 0 else -0.1), x2 + (0.1 if x2 == 0 else -0.1))
        column, row = ax.transData.transform(probe)
        red, _, blue = pixels[round(height - row), round(column)]
        if target == 1:
            assert red > blue + 80, f"corner {x1, x2} should be red (output near 1)"
        else:
            assert blue > red + 80, f"corner {x1, x2} should be blue (output near 0)"


def test_boundary_with_more_inputs_says_which_are_fixed(tmp_path):
    net = tutorial_network()
    net.fit(TUTORIAL_X, TUTORIAL_Y, epochs=500)
    ax = plot_boundary(net, TUTORIAL_X, TUTORIAL_Y, inputs=(0, 1))
    assert ax.get_xlabel() == "x1\n(other inputs fixed at their medians: x3 = 1)"
    assert_picture(rendered(ax, tmp_path / "boundary3.png"))
    chosen = plot_boundary(net, TUTORIAL_X, TUTORIAL_Y)  # x3 is always 1: it cannot matter
    assert " ".join(chosen.get_xlabel().split()).startswith(
        "x1 (x1 and x2 matter most: shuffling them raises the loss by"
    )
    assert "the next input (x3) by 0 (permutation importance on these 4 rows)" in " ".join(
        chosen.get_xlabel().split()
    )
    ax = plot_boundary(net, TUTORIAL_X, inputs=(1, 2), fixed=[0.5, 0, 0], names=["a", "b", "c"])
    assert ax.get_xlabel() == "b\n(other inputs fixed at: a = 0.5)"
    assert ax.get_ylabel() == "c"


def test_boundary_in_table_units():
    """Axes, points and answers shown as value * scale + mean; the colour bar names the output."""
    net = gn.Network([gn.Dense(2, 4, activation="tanh"), gn.Dense(4, 1)], loss="mse", rng=0)
    X = np.array([[-1, -1], [1, 1], [-1, 1], [1, -1]], dtype=float)
    net.fit(X, X.sum(axis=1), epochs=20)
    ax = plot_boundary(
        net,
        X,
        X.sum(axis=1),
        names=["age", "bmi"],
        input_units=[(50.0, 10.0), (25.0, 5.0)],
        output_units=[(150.0, 70.0)],
        output_names=["target"],
    )
    points = ax.collections[-1].get_offsets()
    np.testing.assert_allclose(points, X * [10, 5] + [50, 25])
    low, high = ax.get_xlim()
    assert low < 40
    assert high > 60
    colourbar = ax.figure.axes[-1]
    assert colourbar.get_ylabel() == "target"
    assert colourbar.get_ylim()[1] > 150 + 70  # answers in the target's units


def test_boundary_of_classes_has_a_legend_naming_them(tmp_path):
    net = gn.Network(
        [gn.Dense(2, 8, activation="tanh"), gn.Dense(8, 3, activation="softmax")], rng=0
    )
    X = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], dtype=float)
    net.fit(X, np.array([0, 1, 2, 2]), epochs=50)
    ax = plot_boundary(net, X, np.array([0, 1, 2, 2]), output_names=["red", "green", "blue"])
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["red", "green", "blue"]
    with pytest.raises(gn.ConfigurationError, match="expected 3 output names, got 1"):
        plot_boundary(net, X, output_names=["red"])


def _extents(figure):
    """Draw ``figure`` (its layout included); return the page and every title's and label's box."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.transforms import Bbox

    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    pixels = canvas.get_renderer()
    page = Bbox.from_bounds(0, 0, *figure.bbox.size)
    boxes = {}
    for ax in figure.axes:
        for text in (ax.title, ax.xaxis.label, ax.yaxis.label, *ax.texts):
            if text.get_text() and text.get_visible():
                boxes[text] = text.get_window_extent(pixels)
    return page, boxes


def test_overview_has_no_clipped_or_overlapping_text():
    """16 hidden units, ten long input names: every title and label lies on the page, apart."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 10))
    net = gn.Network([gn.Dense(10, 16, activation="tanh"), gn.Dense(16, 1)], loss="mse", rng=0)
    history = net.fit(X, X[:, :1], epochs=5, validation_data=(X[:10], X[:10, :1]))
    names = [f"a rather long column name {k}" for k in range(10)]
    figure = plot_overview(net, history, X, X[:, :1], names=names, output_names=["target"])
    render_figure(figure)  # no warning (warnings are errors here), the layout really ran
    assert figure.get_layout_engine().__class__.__name__ == "ConstrainedLayoutEngine"
    page, boxes = _extents(figure)
    for text, box in boxes.items():
        inside = page.x0 - 1 <= box.x0 and box.x1 <= page.x1 + 1
        inside = inside and page.y0 - 1 <= box.y0 and box.y1 <= page.y1 + 1
        assert inside, f"{text.get_text()!r} runs off the page"
    tops = [boxes[ax.title] for ax in figure.axes[:3]]
    for left, right in itertools.pairwise(tops):
        assert left.x1 <= right.x0, "panel titles overlap"
    grids = [child for child in figure.axes[0].child_axes if child.images]
    assert len(grids) == 2, "16 hidden units: the weights are drawn as two matrices"
    rows = [label.get_text() for label in grids[0].get_yticklabels()]
    assert names[0] in rows
    boundary = figure.axes[2]
    assert boundary.get_position().width > 0.15, "the boundary panel is not squashed"


def test_picture_format_follows_the_suffix(tmp_path):
    assert picture_format(tmp_path / "x.PDF") == "pdf"
    with pytest.raises(gn.ConfigurationError, match=r"ending in one of .*\.png.*\.svg"):
        picture_format("x.xyz")


def test_save_figure_is_atomic(tmp_path):
    target = tmp_path / "old.png"
    target.write_bytes(b"old")
    with pytest.raises(gn.ConfigurationError):
        save_figure(plot_network(tutorial_network()), tmp_path / "old.xyz")
    save_figure(plot_network(tutorial_network()), target)
    assert target.read_bytes().startswith(b"\x89PNG")
    assert [path.name for path in tmp_path.iterdir()] == ["old.png"]  # no temporary file left


def test_boundary_for_several_outputs_renders(tmp_path):
    net = gn.Network(
        [gn.Dense(2, 8, activation="tanh"), gn.Dense(8, 3, activation="softmax")], rng=0
    )
    X = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], dtype=float)
    net.fit(X, np.array([0, 1, 2, 2]), epochs=50)
    assert_picture(rendered(plot_boundary(net, X, np.array([0, 1, 2, 2])), tmp_path / "multi.png"))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"inputs": (0, 0)}, "expected two different inputs between 1 and 3 .*, got 1 and 1"),
        ({"inputs": (0, 3)}, "expected two different inputs between 1 and 3 .*, got 1 and 4"),
        ({"fixed": [1.0, 2.0]}, "expected 3 fixed values, got 2"),
    ],
    ids=["same-input", "out-of-range", "short-fixed"],
)
def test_boundary_rejects_bad_views(kwargs, message):
    with pytest.raises(gn.ConfigurationError, match=message):
        plot_boundary(tutorial_network(), TUTORIAL_X, **kwargs)


def test_boundary_needs_two_inputs():
    net = gn.Network([gn.Dense(1, 1, activation="sigmoid")], rng=0)
    with pytest.raises(gn.ConfigurationError, match="2 or more inputs, got 1"):
        plot_boundary(net, [[0.0], [1.0]])


def test_save_figure_reports_unwritable_paths(tmp_path):
    ax = plot_network(tutorial_network())
    with pytest.raises(gn.OutputError, match=r"directory .* does not exist; create it first"):
        save_figure(ax, tmp_path / "missing" / "network.png")


def test_missing_matplotlib_gives_an_install_hint(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(ImportError, match=r"pip install 'glassnet\[plot\]'"):
        plot_network(tutorial_network())


def test_animate_writes_a_gif_and_trains(tmp_path):
    net = gn.Network(
        [gn.Dense(2, 2, activation="tanh"), gn.Dense(2, 1, activation="sigmoid")],
        optimizer=gn.Adam(lr=0.1),
        rng=0,
    )
    plain = net.copy()
    history = animate(net, XOR_X, XOR_Y, tmp_path / "training.gif", epochs=9, frames=3)
    assert history.epochs == 9
    plain.fit(XOR_X, XOR_Y, epochs=9)
    for a, b in zip(net.get_weights(), plain.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    with Image.open(tmp_path / "training.gif") as gif:
        assert gif.format == "GIF"
        assert gif.n_frames == 3
        assert gif.size == (1100, 480)


def test_a_gif_that_fails_half_written_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "training.gif"
    target.write_bytes(b"the old animation")
    real_save = Image.Image.save

    def save_half_then_fail(self, fp, *args, **kwargs):
        real_save(self, fp, *args, **kwargs)
        with open(fp, "r+b") as written:
            written.truncate(10)
        raise OSError("No space left on device")

    monkeypatch.setattr(Image.Image, "save", save_half_then_fail)
    net = gn.Network([gn.Dense(2, 1, activation="sigmoid")], rng=0)
    with pytest.raises(gn.OutputError, match=r"cannot write .*training\.gif: No space left"):
        animate(net, XOR_X, XOR_Y, target, epochs=3, frames=2)
    assert target.read_bytes() == b"the old animation"
    assert list(tmp_path.iterdir()) == [target]


def test_a_gif_into_a_missing_folder_is_one_clear_error(tmp_path):
    net = gn.Network([gn.Dense(2, 1, activation="sigmoid")], rng=0)
    with pytest.raises(gn.OutputError, match="no-such-folder"):
        animate(net, XOR_X, XOR_Y, tmp_path / "no-such-folder" / "a.gif", epochs=3, frames=2)


def test_frame_epochs_are_dense_early():
    assert frame_epochs(10_000, 4) == [0, 1111, 4444, 10000]
    assert frame_epochs(3, 10) == [0, 1, 2, 3]
    with pytest.raises(gn.ConfigurationError, match="at least 2 frames"):
        frame_epochs(10, 1)
