"""Tests for hlcourse.plots.hidden: what each picture draws is read back from its artists."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from hlcourse import data, render  # noqa: E402
from hlcourse.models import build_dense_network  # noqa: E402
from hlcourse.plots import hidden as hidden_plots  # noqa: E402
from hlcourse.plots import (  # noqa: E402
    plot_activation_heatmap,
    plot_first_layer_weights,
    plot_layer_projections,
    plot_neuron_maps,
)
from hlcourse.probe import hidden_activations  # noqa: E402
from hlcourse.representations import layer_separability  # noqa: E402


@pytest.fixture
def fresh():
    keras.backend.clear_session(free_memory=False)
    keras.utils.set_random_seed(0)


@pytest.fixture(scope="module")
def plane():
    return data.make_classification("circles", 80, seed=0)


@pytest.fixture(scope="module")
def plane_net():
    keras.utils.set_random_seed(0)
    return build_dense_network(2, (5, 3), activation="tanh", name="plane_net")


@pytest.fixture(scope="module")
def digits():
    return data.load_digits(seed=0)


@pytest.fixture(scope="module")
def digits_net():
    keras.utils.set_random_seed(0)
    return build_dense_network(64, (12, 6), output="classes", n_outputs=10, name="digits_net")


def _images(fig: Figure) -> list:
    """The image of every panel that holds one (colour bars left out)."""
    return [ax.images[0] for ax in fig.axes if ax.images and ax.get_title()]


# --- activation heatmap --------------------------------------------------------------------------


def test_heatmap_draws_one_row_per_sample_sorted_by_class(digits_net, digits):
    x, y = digits.x_test[:60], digits.y_test[:60]
    ax = plot_activation_heatmap(digits_net, x, "hidden_1", y=y)
    shown = np.asarray(ax.images[0].get_array())
    expected = hidden_activations(digits_net, x)["hidden_1"][np.argsort(y, kind="stable")]
    np.testing.assert_allclose(shown, expected, rtol=1e-6)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [f"class {c}" for c in np.unique(y)]
    assert ax.get_title() == "hidden_1: 60 samples x 12 units"
    assert ax.images[0].get_cmap().name == "viridis" and ax.images[0].get_clim()[0] == 0.0


def test_heatmap_of_signed_values_is_blue_orange_around_zero(plane_net, plane):
    ax = plot_activation_heatmap(plane_net, plane.x_test, 1)
    image = ax.images[0]
    low, high = image.get_clim()
    assert low == -high and high > 0
    assert image.get_cmap().name == "hlc_signed"
    assert np.asarray(image.get_array()).shape == (len(plane.x_test), 3)
    assert ax.get_ylabel() == "sample"  # no labels: rows in input order


def test_heatmap_defaults_to_the_first_hidden_layer_and_draws_on_a_given_axes(plane_net, plane):
    before = plt.get_fignums()
    figure = render.new_figure()
    ax = figure.add_subplot()
    assert plot_activation_heatmap(plane_net, plane.x_test, ax=ax) is ax
    assert ax.get_title().startswith("hidden_1:")
    assert plt.get_fignums() == before  # drawn outside pyplot: nothing left open


# --- neuron maps -----------------------------------------------------------------------------------


def test_neuron_maps_draw_one_map_per_unit_on_one_shared_scale(plane_net, plane):
    fig = plot_neuron_maps(plane_net, "hidden_1", plane, resolution=20)
    assert isinstance(fig, Figure)
    images = _images(fig)
    assert [im.axes.get_title() for im in images] == [f"unit {k}" for k in range(5)]
    assert len({im.get_clim() for im in images}) == 1
    low, high = images[0].get_clim()
    assert low == -high  # tanh: signed, centred at 0
    from hlcourse.representations import neuron_response_maps

    maps = neuron_response_maps(plane_net, "hidden_1", bounds=images[0].get_extent(),
                                resolution=20)  # fmt: skip
    np.testing.assert_allclose(np.asarray(images[2].get_array()), maps[2], rtol=1e-5, atol=1e-6)
    # the training points are drawn on every map, classes told apart by marker
    assert all(len(im.axes.collections) == 2 for im in images)
    assert "hidden_1" in fig._suptitle.get_text()


def test_neuron_maps_take_bounds_and_draw_no_points(plane_net):
    fig = plot_neuron_maps(plane_net, -1, (-2.0, 2.0, -1.0, 1.0), resolution=10)
    images = _images(fig)
    assert len(images) == 3
    assert images[0].get_extent() == [-2.0, 2.0, -1.0, 1.0]
    assert all(not im.axes.collections for im in images)


def test_neuron_maps_of_a_relu_layer_use_viridis_and_skip_points_when_asked(fresh, plane):
    model = build_dense_network(2, (4,), activation="relu")
    fig = plot_neuron_maps(model, 0, plane, resolution=10, show_points=False)
    images = _images(fig)
    assert images[0].get_cmap().name == "viridis"
    assert all(not im.axes.collections for im in images)


def test_neuron_maps_show_at_most_64_units_and_say_so(fresh):
    model = build_dense_network(2, (70,))
    fig = plot_neuron_maps(model, 0, (-1, 1, -1, 1), resolution=5, fig=render.new_figure())
    assert len(_images(fig)) == 64
    assert "first 64 of 70 units" in fig._suptitle.get_text()


def test_neuron_maps_on_a_render_figure_leave_no_pyplot_figure(plane_net, plane):
    before = plt.get_fignums()
    figure = render.new_figure()
    assert plot_neuron_maps(plane_net, 0, plane, resolution=10, fig=figure) is figure
    assert plt.get_fignums() == before
    assert render.figure_to_png(figure).startswith(b"\x89PNG")


# --- layer projections -------------------------------------------------------------------------------


def test_projection_panels_carry_each_layers_separability(plane_net, plane):
    fig = plot_layer_projections(plane_net, plane.x_test, plane.y_test, include_output=True)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    scores = layer_separability(plane_net, plane.x_test, plane.y_test, include_output=True)
    assert len(titles) == len(scores) == 4
    for title, (name, score) in zip(titles, scores.items(), strict=True):
        assert title.startswith(f"{name} (") and title.endswith(f"separability {score:.2f}")


def test_projection_classes_differ_by_marker_not_only_colour(plane_net, plane):
    fig = plot_layer_projections(plane_net, plane.x_test, plane.y_test)
    first = fig.axes[0]
    paths = [c.get_paths()[0].vertices.tobytes() for c in first.collections]
    assert len(first.collections) == 2 and paths[0] != paths[1]
    legend_names = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend_names == ["class 0", "class 1"]


def test_ten_classes_are_drawn_as_their_own_labels(digits_net, digits):
    fig = plot_layer_projections(digits_net, digits.x_test[:100], digits.y_test[:100])
    assert len(fig.axes[0].collections) == 10
    assert "drawn as its class label" in fig._suptitle.get_text()
    assert not fig.legends


def test_projection_scores_can_be_the_linear_probe(plane_net, plane):
    fig = plot_layer_projections(plane_net, plane.x_test, plane.y_test, score="linear",
                                 include_input=False, fig=render.new_figure())  # fmt: skip
    scores = layer_separability(plane_net, plane.x_test, plane.y_test, method="linear",
                                include_input=False)  # fmt: skip
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert [t.split("separability ")[1] for t in titles] == [f"{s:.2f}" for s in scores.values()]


# --- first-layer weights ---------------------------------------------------------------------------


def test_first_layer_weights_are_drawn_as_8x8_images(digits_net):
    fig = plot_first_layer_weights(digits_net)
    images = _images(fig)
    kernel = digits_net.get_layer("hidden_1").kernel.numpy()
    assert len(images) == 12
    np.testing.assert_array_equal(np.asarray(images[3].get_array()), kernel[:, 3].reshape(8, 8))
    low, high = images[0].get_clim()
    assert low == -high == -np.abs(kernel).max()
    assert fig._suptitle.get_text().startswith("hidden_1: each unit's 64 incoming weights")


def test_first_layer_weights_follow_the_data_in_a_subclassed_model(fresh):
    from hlcourse.subclassed import HiddenLayerModel

    model = HiddenLayerModel(units=(5, 4, 3))
    model(np.zeros((1, 64), np.float32))
    fig = plot_first_layer_weights(model, fig=render.new_figure())
    assert "hidden1:" in fig._suptitle.get_text()
    np.testing.assert_array_equal(
        np.asarray(_images(fig)[0].get_array()), model.hidden1.kernel.numpy()[:, 0].reshape(8, 8)
    )


def test_first_layer_weights_of_a_named_layer_and_another_image_shape(fresh):
    model = build_dense_network(12, (4, 12))  # kernels: 12 x 4, 4 x 12, 12 x 1
    fig = plot_first_layer_weights(model, (3, 4), layer="hidden_1")
    assert np.asarray(_images(fig)[0].get_array()).shape == (3, 4)
    # None: the first layer, in the order the data flows, whose weights take 2 x 2 inputs
    fig = plot_first_layer_weights(model, (2, 2))
    assert fig._suptitle.get_text().startswith("hidden_2:") and len(_images(fig)) == 12
    with pytest.raises(ValueError, match=r"the layer's number of inputs \(4\)"):
        plot_first_layer_weights(model, (3, 4), layer="hidden_2")


def test_a_model_without_a_fitting_layer_is_told_what_is_needed(plane_net):
    with pytest.raises(ValueError, match="weight matrix of 64 inputs"):
        plot_first_layer_weights(plane_net)


# --- bad input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"model": "net"}, TypeError, "model='net'"),
        ({"x": np.zeros((3, 5))}, ValueError, "x.shape=(3, 5)"),
        ({"layer": "nope"}, ValueError, "layer='nope'"),
        ({"layer": 4}, ValueError, "from -2 to 1"),
        ({"layer": [0]}, TypeError, "layer=[0]"),
        ({"ax": "left"}, TypeError, "matplotlib Axes"),
        ({"y": [0, 1]}, ValueError, "one label per row of x"),
        ({"y": "abc"}, TypeError, "class labels"),
        ({"title": 3}, TypeError, "title=3"),
    ],
)
def test_heatmap_rejects_bad_arguments(plane_net, kwargs, error, fragment):
    arguments = {"model": plane_net, "x": np.zeros((4, 2)), **kwargs}
    with pytest.raises(error, match="Received an invalid value") as info:
        plot_activation_heatmap(arguments.pop("model"), arguments.pop("x"), **arguments)
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "fragment"),
    [
        ((None, 0, (-1, 1, -1, 1)), {}, TypeError, "model=None"),
        (("plane", "nope", (-1, 1, -1, 1)), {}, ValueError, "layer='nope'"),
        (("plane", 2.5, (-1, 1, -1, 1)), {}, TypeError, "layer=2.5"),
        (("plane", 0, "circles"), {}, TypeError, "dataset_or_bounds='circles'"),
        (("plane", 0, (1, -1, -1, 1)), {}, ValueError, "each low below its high"),
        (("plane", 0, "digits"), {}, ValueError, "2-D classification"),
        (("plane", 0, (-1, 1, -1, 1)), {"resolution": 1000}, ValueError, "from 5 to 400"),
        (("plane", 0, (-1, 1, -1, 1)), {"resolution": "10"}, TypeError, "resolution='10'"),
        (("plane", 0, (-1, 1, -1, 1)), {"show_points": 1}, TypeError, "True or False"),
        (("plane", 0, (-1, 1, -1, 1)), {"fig": "fig"}, TypeError, "matplotlib Figure"),
    ],
)
def test_neuron_maps_reject_bad_arguments(plane_net, digits, args, kwargs, error, fragment):
    args = tuple(plane_net if a == "plane" else a for a in args)
    if args[2] == "digits":
        args = (*args[:2], digits)
    with pytest.raises(error, match="Received an invalid value") as info:
        plot_neuron_maps(*args, **kwargs)
    assert fragment in str(info.value)


def test_neuron_maps_refuse_a_model_that_is_not_of_the_plane(digits_net):
    with pytest.raises(ValueError, match="a model taking 2 inputs"):
        plot_neuron_maps(digits_net, 0, (-1, 1, -1, 1))


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"model": 1}, TypeError, "model=1"),
        ({"x": None}, TypeError, "x=None"),
        ({"y": None}, TypeError, "class labels"),
        ({"y": [0, 0, 0, 0]}, ValueError, "at least two classes"),
        ({"method": "umap"}, ValueError, "'pca', 'lda'"),
        ({"method": "lda"}, ValueError, "fewer than 3 classes"),
        ({"score": "accuracy"}, ValueError, "'fisher', 'linear'"),
        ({"score": 2}, TypeError, "score=2"),
        ({"include_input": "yes"}, TypeError, "True or False"),
        ({"include_output": None}, TypeError, "True or False"),
        ({"fig": plt}, TypeError, "matplotlib Figure"),
    ],
)
def test_projections_plot_rejects_bad_arguments(plane_net, kwargs, error, fragment):
    arguments = {"model": plane_net, "x": np.eye(4, 2), "y": [0, 1, 0, 1], **kwargs}
    with pytest.raises(error, match="Received an invalid value") as info:
        plot_layer_projections(
            arguments.pop("model"), arguments.pop("x"), arguments.pop("y"), **arguments
        )
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"model": None}, TypeError, "model=None"),
        ({"image_shape": 64}, TypeError, "image_shape=64"),
        ({"image_shape": (8, 8, 1)}, ValueError, "two positive integers"),
        ({"image_shape": (0, 8)}, ValueError, "from 1 to 1,024"),
        ({"image_shape": (8.0, 8)}, TypeError, "two positive integers"),
        ({"image_shape": (4, 4)}, ValueError, "weight matrix of 16 inputs"),
        ({"layer": 0}, TypeError, "layer=0"),
        ({"layer": "nope"}, ValueError, "layer='nope'"),
        ({"fig": 3}, TypeError, "fig=3"),
    ],
)
def test_first_layer_weights_reject_bad_arguments(digits_net, kwargs, error, fragment):
    arguments = {"model": digits_net, **kwargs}
    with pytest.raises(error, match="Received an invalid value") as info:
        plot_first_layer_weights(arguments.pop("model"), **arguments)
    assert fragment in str(info.value)


def test_module_lists_its_public_names():
    for name in hidden_plots.__all__:
        assert hasattr(hidden_plots, name)


def test_grids_ignore_the_lessons_constrained_layout(plane_net, plane, digits_net, digits):
    """setup() turns constrained layout on; the grids place their panels themselves and must
    neither warn nor be moved."""
    import warnings

    import matplotlib as mpl

    with mpl.rc_context({"figure.constrained_layout.use": True}), warnings.catch_warnings():
        warnings.simplefilter("error")
        for fig in (
            plot_neuron_maps(plane_net, 0, plane, resolution=10),
            plot_layer_projections(plane_net, plane.x_test, plane.y_test),
            plot_first_layer_weights(digits_net),
            plot_first_layer_weights(digits_net, fig=plt.figure(layout="constrained")),
        ):
            before = [ax.get_position().bounds for ax in fig.axes]
            fig.canvas.draw()
            assert [ax.get_position().bounds for ax in fig.axes] == before  # nothing moved


def test_neuron_maps_draw_what_neuron_response_maps_computes(plane_net, plane):
    """One computation of the maps: the picture shows `neuron_response_maps` itself."""
    from hlcourse.plots._base import plane_bounds
    from hlcourse.representations import neuron_response_maps

    fig = plot_neuron_maps(plane_net, "hidden_1", plane, resolution=12)
    maps = neuron_response_maps(plane_net, "hidden_1", bounds=plane_bounds(plane.x), resolution=12)
    drawn = [ax.get_images()[0].get_array() for ax in fig.axes if ax.get_images()]
    assert len(drawn) == len(maps)
    for picture, values in zip(drawn, maps, strict=True):
        np.testing.assert_array_equal(np.asarray(picture), values)
