"""Tests for hlcourse.plots.conv: what each picture draws is read back from its artists."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from hlcourse import data, probe, render, shapes  # noqa: E402
from hlcourse.plots import (  # noqa: E402
    plot_feature_maps,
    plot_filters,
    plot_images,
    plot_top_patches,
    top_patches,
)


def _fig(width=8.0, height=6.0):
    return render.new_figure(width, height)


def _panels(fig):
    """Axes holding a picture, colour bars left out (a colour bar draws no image)."""
    return [ax for ax in fig.axes if ax.images]


# --- plot_images -----------------------------------------------------------------------------


def test_images_are_drawn_in_order_and_titled_by_class_name():
    pictures = np.random.default_rng(0).random((5, 6, 7)).astype(np.float32)
    fig = _fig()
    out = plot_images(pictures, [1, 0, 1, 2, 0], class_names=["a", "b", "c"], n=4, columns=3,
                      fig=fig)  # fmt: skip
    assert out is fig
    panels = _panels(fig)
    assert len(panels) == 4
    assert [ax.get_title() for ax in panels] == ["b", "a", "b", "c"]
    for k, ax in enumerate(panels):
        np.testing.assert_array_equal(ax.images[0].get_array(), pictures[k])
        assert ax.images[0].get_cmap().name == "gray"
    assert len(fig.axes) == 6  # a 2 x 3 grid, two panels left empty
    assert "4 of 5 pictures, 6x7 pixels" in fig._suptitle.get_text()


def test_images_with_a_channel_axis_draw_the_same_and_numbers_title_without_names():
    pictures = np.random.default_rng(1).random((3, 5, 5)).astype(np.float32)
    a = plot_images(pictures, [3, 1, 2], fig=_fig())
    b = plot_images(pictures[..., None], np.array([3, 1, 2]), fig=_fig())
    for pa, pb in zip(_panels(a), _panels(b), strict=True):
        np.testing.assert_array_equal(pa.images[0].get_array(), pb.images[0].get_array())
        assert pa.get_title() == pb.get_title()
    assert [ax.get_title() for ax in _panels(a)] == ["3", "1", "2"]
    assert [ax.get_title() for ax in _panels(plot_images(pictures, fig=_fig()))] == ["", "", ""]


def test_images_of_a_shapes_dataset_use_its_test_pictures_and_class_names():
    ds = shapes.make_shapes(40, size=16, seed=0)
    fig = plot_images(ds, n=6, fig=_fig())
    panels = _panels(fig)
    assert len(panels) == 6
    assert [ax.get_title() for ax in panels] == [ds.class_names[y] for y in ds.y_test[:6]]
    np.testing.assert_array_equal(panels[2].images[0].get_array(), ds.x_test[2, :, :, 0])


def test_images_of_the_flat_digits_dataset_use_its_8x8_pictures():
    ds = data.load_digits(seed=0)
    fig = plot_images(ds, n=3, fig=_fig())
    np.testing.assert_array_equal(_panels(fig)[0].images[0].get_array(), ds.images[1][0])
    assert [ax.get_title() for ax in _panels(fig)] == [str(y) for y in ds.y_test[:3]]


def test_images_without_a_figure_open_one_in_pyplot():
    import matplotlib.pyplot as plt

    fig = plot_images(np.zeros((2, 4, 4)))
    assert plt.fignum_exists(fig.number)


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "fragment"),
    [
        ((np.zeros((4, 16)),), {}, ValueError, "x.reshape(-1, 8, 8)"),
        ((np.zeros((2, 4, 4)), [0]), {}, ValueError, "labels.shape"),
        ((np.zeros((2, 4, 4)), [0, 3]), {"class_names": ["a", "b"]}, ValueError, "0 to 1"),
        ((np.zeros((2, 4, 4)),), {"class_names": "ab"}, TypeError, "class_names='ab'"),
        ((np.zeros((2, 4, 4)),), {"n": 0}, ValueError, "n=0"),
        ((np.zeros((2, 4, 4)),), {"columns": 2.0}, TypeError, "columns=2.0"),
        ((data.make_classification("xor", 40),), {}, TypeError, "holds no pictures"),
        (("pictures",), {}, TypeError, "images='pictures'"),
    ],
)
def test_images_bad_arguments(args, kwargs, error, fragment):
    with pytest.raises(error) as info:
        plot_images(*args, fig=_fig(), **kwargs)
    assert fragment in str(info.value)


# --- plot_filters ----------------------------------------------------------------------------


def test_filters_of_the_first_layer_are_its_kernels(conv_net):
    fig = plot_filters(conv_net, fig=_fig())
    kernel = conv_net.get_layer("conv_1").kernel.numpy()
    panels = _panels(fig)
    assert [ax.get_title() for ax in panels] == [f"filter {k}" for k in range(4)]
    limit = np.abs(kernel).max()
    for k, ax in enumerate(panels):
        np.testing.assert_allclose(ax.images[0].get_array(), kernel[:, :, 0, k])
        assert ax.images[0].get_clim() == pytest.approx((-limit, limit))
        assert ax.images[0].get_cmap().name == "hlc_signed"
    title = fig._suptitle.get_text()
    assert "conv_1: 4 filters of 3x3 weights" in title and "one input channel" in title
    assert len(fig.axes) == len(panels) + 1  # one colour bar


@pytest.mark.parametrize("layer", ["conv_2", 1, -1])
def test_filters_of_a_deeper_layer_are_averaged_over_input_channels(conv_net, layer):
    fig = plot_filters(conv_net, layer, fig=_fig())
    kernel = conv_net.get_layer("conv_2").kernel.numpy()
    panels = _panels(fig)
    assert len(panels) == 6
    np.testing.assert_allclose(panels[5].images[0].get_array(), kernel[:, :, :, 5].mean(axis=2),
                               rtol=1e-6)  # fmt: skip
    assert "mean of its 4 kernels, one per input channel" in fig._suptitle.get_text()


@pytest.mark.parametrize(
    ("layer", "error", "fragment"),
    [("pool", ValueError, "'conv_1', 'conv_2'"), (2, ValueError, "layer=2"),
     (1.0, TypeError, "layer=1.0")],
)  # fmt: skip
def test_filters_bad_layer(conv_net, layer, error, fragment):
    with pytest.raises(error) as info:
        plot_filters(conv_net, layer, fig=_fig())
    assert fragment in str(info.value)


def test_filters_need_a_conv_layer(fresh):
    dense = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="a Conv2D layer"):
        plot_filters(dense, fig=_fig())


# --- plot_feature_maps -----------------------------------------------------------------------


def _rows(fig):
    """Row labels (left titles of the first panel of each row), in order."""
    return [ax.get_title(loc="left") for ax in fig.axes if ax.get_title(loc="left")]


def test_feature_maps_draw_one_row_per_conv_and_pooling_layer(conv_net):
    image = np.random.default_rng(0).random((10, 10, 1)).astype(np.float32)
    fig = plot_feature_maps(conv_net, image, channels=3, fig=_fig())
    assert _rows(fig) == ["conv_1 · 8x8x4", "pool · 4x4x4", "conv_2 · 2x2x6"]
    acts = probe.hidden_activations(conv_net, image[None])
    maps = [ax for ax in _panels(fig) if ax.images[0].get_array().shape != (10, 10)]
    assert len(maps) == 9  # 3 rows x 3 channels
    np.testing.assert_allclose(maps[0].images[0].get_array(), acts["conv_1"][0, :, :, 0])
    np.testing.assert_allclose(maps[8].images[0].get_array(), acts["conv_2"][0, :, :, 2])
    assert maps[0].images[0].get_cmap().name == "viridis"  # relu: never negative
    np.testing.assert_array_equal(_panels(fig)[0].images[0].get_array(), image[:, :, 0])
    colour_bars = [ax for ax in fig.axes if not ax.images and ax.collections]
    assert len(colour_bars) == 3


def test_feature_maps_of_chosen_layers_and_a_2d_image(conv_net):
    image = np.random.default_rng(1).random((10, 10)).astype(np.float32)
    fig = plot_feature_maps(conv_net, image, layers=["conv_2", 0], fig=_fig())
    assert _rows(fig) == ["conv_2 · 2x2x6", "conv_1 · 8x8x4"]
    acts = probe.hidden_activations(conv_net, image[None, :, :, None])
    first = [ax for ax in _panels(fig) if ax.get_title(loc="left").startswith("conv_2")][0]
    np.testing.assert_allclose(first.images[0].get_array(), acts["conv_2"][0, :, :, 0])
    assert first.images[0].get_cmap().name in ("hlc_signed", "viridis")
    # conv_2 has 6 channels, conv_1 4: 6 columns, the last two of conv_1's row left empty.
    assert len([ax for ax in fig.axes if ax.images]) == 1 + 6 + 4


def test_feature_maps_bad_arguments(conv_net):
    image = np.zeros((10, 10, 1), np.float32)
    with pytest.raises(ValueError, match=r"image\.shape"):
        plot_feature_maps(conv_net, np.zeros((3, 10, 10, 1)), fig=_fig())
    with pytest.raises(ValueError, match=r"\(10, 10, 1\)"):
        plot_feature_maps(conv_net, np.zeros((12, 12)), fig=_fig())
    with pytest.raises(ValueError, match="outputs shape"):
        plot_feature_maps(conv_net, image, layers="out", fig=_fig())
    with pytest.raises(ValueError, match="layers=3"):
        plot_feature_maps(conv_net, image, layers=[3], fig=_fig())
    with pytest.raises(ValueError, match="channels=0"):
        plot_feature_maps(conv_net, image, channels=0, fig=_fig())


# --- plot_top_patches ----------------------------------------------------------------------


def _seq(*layers, shape=(32, 32, 1)):
    return keras.Sequential([keras.Input(shape), *layers])


def test_plot_top_patches_draws_one_row_per_channel_labelled_by_class(fresh):
    ds = shapes.make_shapes(40, size=16, seed=2)
    model = _seq(keras.layers.Conv2D(3, 3, activation="relu", name="a"),
                 keras.layers.MaxPooling2D(name="p"), shape=(16, 16, 1))  # fmt: skip
    model.get_layer("a").set_weights([np.zeros((3, 3, 1, 3), np.float32) + [[[[1, -1, 0.5]]]],
                                      np.zeros(3, np.float32)])  # fmt: skip
    fig = plot_top_patches(model, ds, "p", k=5, channels=3, fig=_fig())
    rows = _panels(fig)
    assert len(rows) == 3  # one picture per channel
    found = top_patches(model, ds, "p", k=5)
    names = [label.get_text() for label in rows[0].get_xticklabels()]
    assert names == [ds.class_names[c] for c in found["labels"][0]]
    strip = rows[0].images[0].get_array()
    assert strip.shape == (4, 5 * 4 + 4 * 1)  # five 4x4 patches, gaps of 1 column
    np.testing.assert_allclose(strip[:, :4], found["patches"][0, 0, :, :, 0])
    np.testing.assert_allclose(strip[:, 5:9], found["patches"][0, 1, :, :, 0])
    assert np.ma.is_masked(strip[0, 4]) or np.isnan(strip[0, 4])  # the gap, in GAP_COLOR
    assert "never" in rows[1].get_ylabel()  # channel 1 (all weights -1) never fires
    assert "never" not in rows[0].get_ylabel()
    assert "4x4 pixels" in fig._suptitle.get_text()
    fig = plot_top_patches(model, ds.x_test, 0, k=2, channels=1, fig=_fig())
    assert [label.get_text() for label in _panels(fig)[0].get_xticklabels()] == ["", ""]
    assert fig._suptitle.get_text().startswith("a: the 2 images")
