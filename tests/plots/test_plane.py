"""Tests for hlcourse.plots.plane: each plot draws on the axes it is given and returns them, and what
it draws can be read back (image values, contour levels, legend entries, line styles)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import LineCollection
from matplotlib.contour import ContourSet
from matplotlib.image import AxesImage

from hlcourse import data, palette, plots, render


@pytest.fixture(scope="module")
def xor():
    return data.make_classification("xor", 120, noise=0.05, seed=0)


def xor_rule(grid):
    """A hand-made classifier for xor: P(class 1) is high where x1 and x2 differ in sign."""
    return 1.0 / (1.0 + np.exp(np.clip(8.0 * grid[:, 0] * grid[:, 1], -30, 30)))


def legend_texts(ax) -> list[str]:
    return [text.get_text() for text in ax.get_legend().get_texts()]


# --- decision maps ------------------------------------------------------------------------------


def test_decision_grid_covers_the_data_with_probabilities(xor):
    xx, yy, p = plots.decision_grid(xor_rule, xor, 40)
    assert xx.shape == yy.shape == p.shape == (40, 40)
    assert 0.0 <= p.min() and p.max() <= 1.0
    assert xx.min() < xor.x[:, 0].min() and xx.max() > xor.x[:, 0].max()
    assert yy.min() < xor.x[:, 1].min() and yy.max() > xor.x[:, 1].max()
    # x1 grows along columns, x2 along rows, and p is the rule at those points.
    i, j = 5, 31
    point = np.array([[xx[i, j], yy[i, j]]])
    assert p[i, j] == pytest.approx(xor_rule(point)[0])


def test_decision_map_draws_on_the_given_axes(xor):
    _, ax = plt.subplots()
    assert plots.plot_decision_map(xor_rule, xor, ax, resolution=30) is ax
    images = [artist for artist in ax.get_children() if isinstance(artist, AxesImage)]
    assert len(images) == 1
    values = np.asarray(images[0].get_array())
    assert values.shape == (30, 30)
    assert 0.0 <= values.min() < 0.5 < values.max() <= 1.0
    assert images[0].get_clim() == (0.0, 1.0)


def test_decision_map_makes_its_own_figure_without_ax(xor):
    before = len(plt.get_fignums())
    ax = plots.plot_decision_map(xor_rule, xor, resolution=20, colorbar=False)
    assert len(plt.get_fignums()) == before + 1
    assert ax.get_title() == "xor: P(class 1)"


def test_decision_map_draws_the_half_probability_contour(xor):
    ax = plots.plot_decision_map(xor_rule, xor, resolution=40)
    contours = [c for c in ax.collections if isinstance(c, ContourSet)]
    assert len(contours) == 1
    assert list(contours[0].levels) == [0.5]
    assert "boundary (p = 0.5)" in legend_texts(ax)
    assert {"class 0", "class 1"} <= set(legend_texts(ax))


def test_decision_map_without_a_boundary_draws_no_contour(xor):
    ax = plots.plot_decision_map(lambda g: np.full(len(g), 0.8), xor, resolution=20)
    assert not [c for c in ax.collections if isinstance(c, ContourSet)]
    assert "boundary (p = 0.5)" not in legend_texts(ax)


def test_discretized_map_has_two_flat_colours(xor):
    ax = plots.plot_decision_map(xor_rule, xor, resolution=30, discretize=True)
    image = next(a for a in ax.get_children() if isinstance(a, AxesImage))
    assert len(np.unique(np.asarray(image.get_array()))) == 2
    assert ax.get_title() == "xor: predicted class"


def test_decision_map_colours_match_the_class_styles(xor):
    cmap = palette.signed_cmap()
    to_hex = __import__("matplotlib.colors", fromlist=["to_hex"]).to_hex
    assert to_hex(cmap(0.0)) == palette.CLASS_STYLES[0]["color"].lower()
    assert to_hex(cmap(1.0)) == palette.CLASS_STYLES[1]["color"].lower()


def test_decision_map_takes_column_and_softmax_outputs(xor):
    _, (a, b, c) = plt.subplots(1, 3)
    plots.plot_decision_map(lambda g: xor_rule(g)[:, None], xor, a, resolution=20)
    two = lambda g: np.column_stack([1 - xor_rule(g), xor_rule(g)])  # noqa: E731
    plots.plot_decision_map(two, xor, b, resolution=20)
    plots.plot_decision_map(xor_rule, xor, c, resolution=20)
    arrays = [np.asarray(ax.get_images()[0].get_array()) for ax in (a, b, c)]
    np.testing.assert_allclose(arrays[0], arrays[2])
    np.testing.assert_allclose(arrays[1], arrays[2])


def test_decision_map_refuses_logits_with_a_hint(xor):
    with pytest.raises(ValueError, match="probabilities from 0 to 1") as caught:
        plots.plot_decision_map(lambda g: 5.0 * g[:, 0], xor)
    assert "keras.ops.sigmoid" in str(caught.value)


def test_decision_map_runs_a_keras_model_in_one_call_without_predict(xor, keras_fresh):
    from hlcourse.models import build_dense_network

    model = build_dense_network(2, (4,), activation="tanh", output="binary")
    calls = []
    original = model.call

    def counted(*args, **kwargs):
        calls.append(args[0].shape[0])
        return original(*args, **kwargs)

    object.__setattr__(model, "call", counted)

    def no_predict(*_args, **_kwargs):
        raise AssertionError("model.predict is ~100x slower than model(x); do not use it")

    object.__setattr__(model, "predict", no_predict)
    ax = plots.plot_decision_map(model, xor, resolution=25)
    assert calls == [25 * 25]
    assert ax.get_images()


# --- the hidden layer's view ----------------------------------------------------------------------


@pytest.fixture
def net(keras_fresh):
    from hlcourse.models import build_dense_network

    def make(*hidden: int, activation: str = "tanh"):
        return build_dense_network(2, hidden, activation=activation, output="binary")

    return make


def test_hidden_space_with_two_units_uses_them_as_axes(xor, net):
    model = net(2)
    _, ax = plt.subplots()
    assert plots.plot_hidden_space(model, xor, ax, grid_lines=5) is ax
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("unit 1", "unit 2")
    grids = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert len(grids) == 1 and len(grids[0].get_segments()) == 10  # 5 across + 5 down
    # Points sit where the hidden layer puts them: tanh keeps them inside (-1, 1).
    from hlcourse.probe import hidden_activations

    hidden = hidden_activations(model, xor.x_train)["hidden_1"]
    # After the grid: class 0 training, class 0 test, class 1 training, class 1 test.
    drawn = np.concatenate([np.asarray(ax.collections[i].get_offsets()) for i in (1, 3)])
    expected = np.concatenate([hidden[xor.y_train == k] for k in (0, 1)])
    np.testing.assert_allclose(drawn, expected, rtol=1e-5, atol=1e-6)
    assert "output's boundary (p = 0.5)" in legend_texts(ax)


def test_hidden_space_with_more_units_uses_pca(xor, net):
    ax = plots.plot_hidden_space(net(3), xor)
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("hidden PC 1", "hidden PC 2")
    assert "PCA" in ax.get_title() and "3 units" in ax.get_title()


def test_hidden_space_with_one_unit_draws_a_line(xor, net):
    ax = plots.plot_hidden_space(net(1), xor)
    assert ax.get_xlabel() == "unit 1"
    assert "1 unit" in ax.get_title()


def test_hidden_space_picks_the_last_hidden_layer_by_default(xor, net):
    model = net(5, 2)
    assert plots.plot_hidden_space(model, xor).get_title().startswith("hidden_2: 2 units")
    assert plots.plot_hidden_space(model, xor, layer=0).get_title().startswith("hidden_1: 5")
    assert plots.plot_hidden_space(model, xor, layer="hidden_1").get_xlabel() == "hidden PC 1"
    with pytest.raises(ValueError, match="'hidden_1', 'hidden_2'"):
        plots.plot_hidden_space(model, xor, layer="output")


def test_hidden_plane_draws_the_points_where_the_layer_puts_them(xor, net):
    model = net(2)
    _, ax = plt.subplots()
    assert plots.plot_hidden_plane(model, xor, ax, grid_lines=5) is ax
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("h1 (unit 1)", "h2 (unit 2)")
    grids = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert len(grids) == 1 and len(grids[0].get_segments()) == 10  # 5 across + 5 down
    from hlcourse.probe import hidden_activations

    hidden = hidden_activations(model, xor.x_train)["hidden_1"]
    # After the grid: class 0 training, class 0 test, class 1 training, class 1 test.
    drawn = np.concatenate([np.asarray(ax.collections[i].get_offsets()) for i in (1, 3)])
    expected = np.concatenate([hidden[xor.y_train == k] for k in (0, 1)])
    np.testing.assert_allclose(drawn, expected, rtol=1e-5, atol=1e-6)
    assert "output's line (p = 0.5)" in legend_texts(ax)


def test_hidden_plane_draws_the_outputs_line_and_its_probability(xor, net):
    model = net(2)
    model.get_layer("output").set_weights([np.array([[2.0], [-1.0]], np.float32),
                                           np.array([0.5], np.float32)])  # fmt: skip
    ax = plots.plot_hidden_plane(model, xor)
    (line,) = [ln for ln in ax.get_lines() if ln.get_label() == "output's line (p = 0.5)"]
    # axline's two points: (0, -b / w2) and one step along the slope -w1 / w2.
    (x0, y0), slope = line.get_xy1(), line.get_slope()
    x1, y1 = x0 + 1.0, y0 + slope
    for h1, h2 in ((x0, y0), (x1, y1)):
        assert 2.0 * h1 - 1.0 * h2 + 0.5 == pytest.approx(0.0, abs=1e-9)
    (image,) = ax.get_images()
    values = np.asarray(image.get_array())
    (x_lo, x_hi, y_lo, y_hi) = image.get_extent()
    # The shading is sigmoid(w . h + b): at the lower-right corner of the view, h1 is large
    # and h2 small, so the output leans to class 1 there.
    corner = 1 / (1 + np.exp(-(2.0 * x_hi - 1.0 * y_lo + 0.5)))
    assert values[0, -1] == pytest.approx(corner, abs=0.02)
    assert 0.0 <= values.min() and values.max() <= 1.0
    assert ax.get_title() == "hidden_1: line 2·h1 - 1·h2 + 0.5 = 0"


def test_hidden_plane_hides_test_points_and_legend_on_request(xor, net):
    ax = plots.plot_hidden_plane(net(2), xor, show_test=False, title="t", legend=False)
    offsets = [c for c in ax.collections if not isinstance(c, LineCollection)]
    assert len(offsets) == 2 and ax.get_title() == "t"  # training points of the two classes
    assert ax.get_legend() is None


def test_hidden_plane_of_tanh_units_keeps_one_view(xor, net):
    """tanh values lie in (-1, 1): every picture of such a layer shares the same square."""
    ax = plots.plot_hidden_plane(net(2), xor)
    assert ax.get_xlim() == pytest.approx((-1.08, 1.08)) == ax.get_ylim()
    relu = plots.plot_hidden_plane(net(2, activation="relu"), xor)
    assert relu.get_xlim()[0] > -1.0  # ReLU values are >= 0: the view fits them instead


def test_hidden_plane_uses_the_last_hidden_layer_of_a_deeper_model(xor, net):
    ax = plots.plot_hidden_plane(net(5, 2), xor)
    assert ax.get_title().startswith("hidden_2: line")


def test_hidden_plane_refuses_what_it_cannot_draw_exactly(xor, net, keras_fresh):
    with pytest.raises(ValueError, match="has 3 units; plot_hidden_space"):
        plots.plot_hidden_plane(net(3), xor)
    regression = keras_fresh.Sequential(
        [keras_fresh.Input((2,)), keras_fresh.layers.Dense(2, activation="tanh"),
         keras_fresh.layers.Dense(1)]
    )  # fmt: skip
    with pytest.raises(ValueError, match="sigmoid"):
        plots.plot_hidden_plane(regression, xor)


def test_plot_dataset_still_draws_classes_with_markers(xor):
    ax = plots.plot_dataset(xor)
    assert legend_texts(ax) == ["class 0", "class 1"]
    assert ax.get_title() == "xor"


def test_plots_draw_on_figures_outside_pyplot_without_opening_any(xor, net):
    from hlcourse import render

    open_before = plt.get_fignums()
    figure = render.new_figure(9, 3)
    axes = figure.subplots(1, 3)
    plots.plot_decision_map(xor_rule, xor, axes[0], resolution=20)
    plots.plot_history({"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]}, axes[1])
    plots.plot_hidden_space(net(3), xor, axes[2])
    plots.plot_hidden_plane(net(2), xor, figure.add_subplot(2, 3, 4))
    assert render.figure_to_png(figure).startswith(b"\x89PNG")
    assert plt.get_fignums() == open_before


def _zlib_level_hint(png: bytes) -> int:
    """FLEVEL of the PNG's zlib stream (0: fastest ... 3: best compression), from its header."""
    start = png.index(b"IDAT") + 4
    return png[start + 1] >> 6


def test_widget_pictures_are_encoded_with_the_fastest_zlib_level():
    """Widgets redraw on every change: PNGs use zlib level 1 (half the encoding time of the
    default level 6, for files about 15% larger)."""
    figure = render.new_figure(4, 3)
    figure.add_subplot().plot([0, 1, 2], [1, 0, 1])
    figure.canvas.draw()
    assert _zlib_level_hint(render.canvas_png(figure)) == 0
    assert _zlib_level_hint(render.figure_to_png(figure)) == 0
