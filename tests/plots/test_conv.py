"""Tests for hlcourse.plots.conv: what each picture draws is read back from its artists, and
receptive fields (their size and, for the top patches, their place) are checked against hand
counts and against the gradient's footprint."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

from hlcourse import data, probe, render, shapes  # noqa: E402
from hlcourse.plots import (  # noqa: E402
    plot_feature_maps,
    plot_filters,
    plot_images,
    plot_top_patches,
    receptive_field,
    top_patches,
)


@pytest.fixture
def fresh():
    keras.backend.clear_session(free_memory=False)
    keras.utils.set_random_seed(0)


@pytest.fixture(scope="module")
def conv_net():
    """10x10x1 -> conv_1 (4 filters 3x3, relu) -> pool -> conv_2 (6 filters 3x3) -> dense."""
    keras.utils.set_random_seed(0)
    return keras.Sequential(
        [
            keras.Input((10, 10, 1)),
            keras.layers.Conv2D(4, 3, activation="relu", name="conv_1"),
            keras.layers.MaxPooling2D(name="pool"),
            keras.layers.Conv2D(6, 3, name="conv_2"),
            keras.layers.Flatten(name="flat"),
            keras.layers.Dense(2, activation="softmax", name="out"),
        ],
        name="conv_net",
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


# --- receptive_field -------------------------------------------------------------------------


def _seq(*layers, shape=(32, 32, 1)):
    return keras.Sequential([keras.Input(shape), *layers])


def test_receptive_field_by_hand(fresh):
    conv, pool = keras.layers.Conv2D, keras.layers.MaxPooling2D
    model = _seq(conv(2, 3, name="a"), keras.layers.ReLU(), pool(name="p"), conv(2, 3, name="b"),
                 keras.layers.BatchNormalization(name="bn"), pool(name="q"),
                 conv(2, 3, name="c"))  # fmt: skip
    # a: 3; pool: 3 + 1 = 4 (steps of 2 from here); b: 4 + 2 * 2 = 8; q: 8 + 2 = 10 (steps of
    # 4); c: 10 + 2 * 4 = 18.
    assert [receptive_field(model, name) for name in "apbqc"] == [3, 4, 8, 10, 18]
    assert receptive_field(model, "bn") == 8
    assert [receptive_field(model, k) for k in range(5)] == [3, 4, 8, 10, 18]
    assert receptive_field(model, -1) == 18


def test_receptive_field_with_strides_dilation_and_overlapping_pooling(fresh):
    model = _seq(keras.layers.Conv2D(2, 5, strides=2, name="s"),
                 keras.layers.Conv2D(2, 3, dilation_rate=2, name="d"),
                 keras.layers.AveragePooling2D(3, strides=1, name="p"),
                 shape=(40, 40, 1))  # fmt: skip
    # s: 5 (steps of 2); d spans 5: 5 + 4 * 2 = 13; p: 13 + 2 * 2 = 17.
    assert [receptive_field(model, n) for n in "sdp"] == [5, 13, 17]


def test_receptive_field_is_the_footprint_of_the_gradient(fresh):
    """Where the input can change one central unit: all-positive kernels, no ReLU, average
    pooling, so every pixel of the patch counts."""
    model = _seq(keras.layers.Conv2D(1, 3, kernel_initializer="ones", name="a"),
                 keras.layers.AveragePooling2D(2, name="p"),
                 keras.layers.Conv2D(1, 3, kernel_initializer="ones", name="b"),
                 shape=(20, 20, 1))  # fmt: skip
    x = tf.constant(np.ones((1, 20, 20, 1), np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        out = model(x)
        unit = out[0, out.shape[1] // 2, out.shape[2] // 2, 0]
    grad = tape.gradient(unit, x).numpy()[0, :, :, 0]
    rows, cols = np.nonzero(grad)
    side = rows.max() - rows.min() + 1
    assert side == cols.max() - cols.min() + 1 == receptive_field(model, "b") == 8


def test_receptive_field_of_functional_chains_and_nested_models(fresh):
    inputs = keras.Input((16, 16, 1))
    h = keras.layers.Conv2D(2, 3, name="a")(inputs)
    h = keras.layers.MaxPooling2D(name="p")(h)
    h = keras.layers.Conv2D(2, 3, name="b")(h)
    functional = keras.Model(inputs, h)
    assert receptive_field(functional, "b") == 8
    inner = keras.Sequential([keras.layers.MaxPooling2D(name="p"),
                              keras.layers.Conv2D(2, 3, name="b")], name="inner")  # fmt: skip
    nested = _seq(keras.layers.Conv2D(2, 3, name="a"), inner, shape=(16, 16, 1))
    assert receptive_field(nested, "inner/b") == receptive_field(nested, "b") == 8


def test_receptive_field_refusals(fresh):
    model = _seq(keras.layers.Conv2D(2, 3, name="a"), keras.layers.Flatten(name="f"),
                 keras.layers.Dense(2, name="d"))  # fmt: skip
    with pytest.raises(ValueError, match="'f' \\(Flatten\\)"):
        receptive_field(model, "d")
    with pytest.raises(ValueError, match="layer='z'"):
        receptive_field(model, "z")
    with pytest.raises(ValueError, match="layer=1"):
        receptive_field(model, 1)
    with pytest.raises(TypeError, match="layer=None"):
        receptive_field(model, None)
    odd = _seq(keras.layers.Conv2D(2, (3, 5), name="a"))
    with pytest.raises(ValueError, match="3 rows x 5 columns"):
        receptive_field(odd, "a")
    inputs = keras.Input((8, 8, 1))
    a = keras.layers.Conv2D(2, 3, padding="same")(inputs)
    b = keras.layers.Conv2D(2, 5, padding="same")(inputs)
    merged = keras.Model(inputs, keras.layers.Add(name="add")([a, b]))
    with pytest.raises(ValueError, match="merges several inputs"):
        receptive_field(merged, 0)


# --- top_patches and plot_top_patches --------------------------------------------------------


def _ones_net(*layers, shape=(12, 12, 1)):
    """A Sequential model whose Conv2D kernels are all ones and biases 0: a unit's value is the
    sum of the pixels in its receptive field (average pooling keeps every pixel counting)."""
    model = _seq(*layers, shape=shape)
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            layer.set_weights([np.ones_like(layer.kernel), np.zeros_like(layer.bias)])
    return model


def _dots(places, shape=(12, 12), values=None):
    """Pictures that are black but for one bright pixel each, at `places` [(row, col), ...]."""
    pictures = np.zeros((len(places), *shape, 1), np.float32)
    for k, (r, c) in enumerate(places):
        pictures[k, r, c, 0] = 1.0 if values is None else values[k]
    return pictures


def test_top_patches_cut_the_winning_units_field_by_hand(fresh):
    model = _ones_net(keras.layers.Conv2D(1, 3, name="a"), keras.layers.AveragePooling2D(2, name="p"),
                      keras.layers.Conv2D(1, 3, name="b"))  # fmt: skip
    # One dot each, brightest first in the order 2, 0, 1. In "a" (3x3, no padding) the first
    # unit (row by row) whose window holds the dot at (5, 7) is unit (3, 5): box rows 3-5,
    # columns 5-7.
    pictures = _dots([(5, 7), (0, 0), (9, 2)], values=[0.5, 0.25, 1.0])
    found = top_patches(model, pictures, "a", labels=[10, 11, 12], k=3)
    assert found["patches"].shape == (1, 3, 3, 3, 1)
    assert found["images"].tolist() == [[2, 0, 1]]
    assert found["labels"].tolist() == [[12, 10, 11]]
    np.testing.assert_allclose(found["values"], [[1.0, 0.5, 0.25]])
    assert found["boxes"][0, 1].tolist() == [3, 5, 6, 8]
    assert found["boxes"][0, 2].tolist() == [0, 0, 3, 3]
    for (top, left, bottom, right), image, patch in zip(
        found["boxes"][0], found["images"][0], found["patches"][0], strict=True
    ):
        np.testing.assert_array_equal(patch, pictures[image, top:bottom, left:right])
    # "b" sees 8x8 pixels, its units 2 pixels apart: b's unit (i, j) sees rows 2i to 2i + 7.
    found = top_patches(model, pictures, "b", k=1)
    top, left, bottom, right = found["boxes"][0, 0]
    assert (bottom - top, right - left) == (8, 8) == (receptive_field(model, "b"),) * 2
    assert top % 2 == 0 and left % 2 == 0 and top <= 9 < bottom and left <= 2 < right
    assert "labels" not in found


def test_same_padding_fields_reach_past_the_border_and_are_filled_with_zeros(fresh):
    model = _ones_net(keras.layers.Conv2D(1, 3, padding="same", name="a"), shape=(6, 6, 1))
    found = top_patches(model, _dots([(0, 0)], shape=(6, 6)), "a", k=1)
    assert found["boxes"][0, 0].tolist() == [-1, -1, 2, 2]  # unit (0, 0) sees rows -1 to 1
    expected = np.zeros((3, 3, 1), np.float32)
    expected[1, 1, 0] = 1.0
    np.testing.assert_array_equal(found["patches"][0, 0], expected)


@pytest.mark.parametrize("size", [15, 16])
def test_every_units_box_is_the_footprint_of_its_gradient(fresh, size):
    """Strides, "same" padding with an odd total (more after than before), average pooling:
    the box of the unit that wins on a random picture, clipped to the picture, is exactly
    where the input can change that unit."""
    model = _ones_net(keras.layers.Conv2D(1, 3, name="c"),
                      keras.layers.AveragePooling2D(3, strides=2, padding="same", name="p"),
                      keras.layers.Conv2D(2, 5, strides=3, padding="same", name="a"),
                      shape=(size, size, 1))  # fmt: skip
    rng = np.random.default_rng(size)
    pictures = rng.uniform(0.1, 1.0, (4, size, size, 1)).astype(np.float32)
    found = top_patches(model, pictures, "a", k=4)
    sub = keras.Model(model.inputs[0], model.get_layer("a").output)
    out_width = sub.output.shape[2]
    for channel in range(2):
        for j in range(4):
            top, left, bottom, right = found["boxes"][channel, j]
            x = tf.constant(pictures[found["images"][channel, j]][None])
            with tf.GradientTape() as tape:
                tape.watch(x)
                values = sub(x)[0, :, :, channel]
                place = int(tf.argmax(tf.reshape(values, [-1])))
                unit = values[place // out_width, place % out_width]
            rows, cols = np.nonzero(tape.gradient(unit, x).numpy()[0, :, :, 0])
            assert (rows.min(), cols.min()) == (max(top, 0), max(left, 0))
            assert (rows.max() + 1, cols.max() + 1) == (min(bottom, size), min(right, size))


def test_top_patches_on_a_dataset_use_its_test_pictures_and_labels(fresh):
    ds = shapes.make_shapes(24, size=16, seed=1)
    model = _seq(keras.layers.Conv2D(3, 3, activation="relu", name="a"), shape=(16, 16, 1))
    found = top_patches(model, ds, 0, k=4)
    assert found["patches"].shape == (3, 4, 3, 3, 1)
    np.testing.assert_array_equal(found["labels"], ds.y_test[found["images"]])
    # at most one patch per picture, and never more patches than pictures
    assert all(len(set(row)) == 4 for row in found["images"].tolist())
    assert top_patches(model, ds.x_test[:2], "a", k=5)["patches"].shape[1] == 2


def test_top_patches_refusals(fresh, conv_net):
    images = np.zeros((2, 10, 10, 1), np.float32)
    with pytest.raises(ValueError, match="pictures the model takes"):
        top_patches(conv_net, np.zeros((2, 12, 12, 1)), 0)
    with pytest.raises(ValueError, match="'flat' \\(Flatten\\)"):
        top_patches(conv_net, images, "out")
    with pytest.raises(TypeError, match="layer=None"):
        top_patches(conv_net, images, None)
    with pytest.raises(ValueError, match="k=65"):
        top_patches(conv_net, images, 0, k=65)
    # A channels-first layer reads (channels, height, width): its grid is not the picture's.
    first = _seq(keras.layers.MaxPooling2D(1, data_format="channels_first", name="p"),
                 shape=(4, 4, 1))  # fmt: skip
    with pytest.raises(ValueError, match="channels_first"):
        top_patches(first, np.zeros((2, 4, 4, 1), np.float32), "p")


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
