"""Tests for hlcourse.plots.fields: receptive fields (their size and, for the top patches, their
place) are checked against hand counts and against the gradient's footprint."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

from hlcourse import shapes  # noqa: E402
from hlcourse.plots import receptive_field, top_patches  # noqa: E402

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
