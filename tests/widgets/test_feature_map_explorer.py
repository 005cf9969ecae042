"""The feature-map explorer, driven from code: set `.value` on its controls, read the Image
bytes, the HTML caption and `.shown`."""

from __future__ import annotations

import os
import re
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from hlcourse.probe import hidden_activations  # noqa: E402
from hlcourse.shapes import make_shapes  # noqa: E402
from hlcourse.widgets.feature_map_explorer import (  # noqa: E402
    FeatureMapExplorer,
    feature_map_explorer,
)

ONE = re.compile(
    r"^(?P<layer>\w+) \((?P<kind>\w+), (?P<h>\d+) x (?P<w>\d+) x (?P<c>\d+)\), channel "
    r"(?P<channel>\d+), image (?P<image>\d+)(?: \((?P<label>[^)]*)\))?: values "
    r"(?P<low>-?\d+\.\d\d) to (?P<high>-?\d+\.\d\d); (?P<above>\d+)% of positions above 0; "
    r"largest at row (?P<row>\d+), column (?P<col>\d+)\.$"
)
ALL = re.compile(
    r"^(?P<layer>\w+) \((?P<kind>\w+), (?P<h>\d+) x (?P<w>\d+) x (?P<c>\d+)\), all "
    r"(?P<n>\d+) channels, image (?P<image>\d+)(?: \((?P<label>[^)]*)\))?: strongest channel "
    r"(?P<strongest>\d+) \(mean (?P<mean>-?\d+\.\d\d)\); "
)


@pytest.fixture(scope="module")
def shapes():
    return make_shapes(120, seed=0)


@pytest.fixture(scope="module")
def net():
    """Input(28, 28, 1) -> Conv2D(4, 3) -> MaxPooling2D -> Conv2D(8, 3), untrained."""
    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            keras.layers.Conv2D(4, 3, name="conv_a"),
            keras.layers.MaxPooling2D(name="pool"),
            keras.layers.Conv2D(8, 3, activation="relu", name="conv_b"),
        ],
        name="tiny_conv",
    )


@pytest.fixture
def explorer(net, shapes):
    return feature_map_explorer(net, shapes, channel=0)


def _by_hand(model, layer_name, images):
    """A layer's outputs from a Functional sub-model, independent of the probe."""
    inputs = keras.Input((28, 28, 1))
    h = inputs
    for layer in model.layers:
        h = layer(h)
        if layer.name == layer_name:
            break
    return keras.Model(inputs, h)(images).numpy()


def test_probe_returns_conv_outputs_as_maps(net, shapes):
    acts = hidden_activations(net, shapes.x_test[:3], include_output=True)
    assert {k: v.shape for k, v in acts.items()} == {
        "conv_a": (3, 26, 26, 4),
        "pool": (3, 13, 13, 4),
        "conv_b": (3, 11, 11, 8),
    }
    np.testing.assert_allclose(
        acts["pool"], _by_hand(net, "pool", shapes.x_test[:3]), rtol=1e-5, atol=1e-6
    )


def test_explorer_starts_with_a_png_and_a_caption(explorer):
    assert isinstance(explorer, FeatureMapExplorer)
    assert bytes(explorer.image.value).startswith(b"\x89PNG")
    assert tuple(explorer.layer.options) == ("conv_a", "pool", "conv_b")
    assert (explorer.channel.min, explorer.channel.max) == (0, 3)
    assert "hlc-main-control" in explorer.sample._dom_classes
    assert "hlc-main-picture" in explorer.image._dom_classes
    for control in (explorer.sample, explorer.layer, explorer.channel, explorer.all_channels):
        assert control.description, "every control is labelled"
    fields = ONE.match(explorer.caption.value)
    assert fields, explorer.caption.value
    assert fields["layer"] == "conv_a" and fields["kind"] == "Conv2D"
    assert (fields["h"], fields["w"], fields["c"], fields["channel"]) == ("26", "26", "4", "0")


@pytest.mark.parametrize(("layer", "channel", "sample"), [("conv_a", 2, 0), ("pool", 3, 7),
                                                          ("conv_b", 5, 29)])  # fmt: skip
def test_caption_reads_the_map_shown(explorer, net, shapes, layer, channel, sample):
    explorer.sample.value = sample
    explorer.layer.value = layer
    explorer.channel.value = channel
    expected = _by_hand(net, layer, shapes.x_test[sample : sample + 1])[0, :, :, channel]
    np.testing.assert_allclose(explorer.shown["values"], expected, rtol=1e-5, atol=1e-6)
    fields = ONE.match(explorer.caption.value)
    assert fields, explorer.caption.value
    assert (fields["layer"], int(fields["channel"]), int(fields["image"])) == (
        layer, channel, sample,
    )  # fmt: skip
    assert fields["label"] == shapes.class_names[shapes.y_test[sample]]
    assert float(fields["high"]) == pytest.approx(expected.max(), abs=0.006)
    assert float(fields["low"]) == pytest.approx(expected.min(), abs=0.006)
    assert int(fields["above"]) == round(100 * np.mean(expected > 0))
    row, col = np.unravel_index(np.argmax(expected), expected.shape)
    assert (int(fields["row"]), int(fields["col"])) == (row, col)


def test_changing_the_layer_fits_the_channel_slider(explorer):
    explorer.layer.value = "conv_b"
    assert explorer.channel.max == 7
    explorer.channel.value = 6
    explorer.layer.value = "pool"
    assert explorer.channel.max == 3 and explorer.channel.value == 3
    assert explorer.shown["channel"] == 3 and explorer.shown["layer"] == "pool"
    assert ONE.match(explorer.caption.value)["channel"] == "3"


def test_all_channels_shows_every_channel(explorer, net, shapes):
    explorer.layer.value = "conv_b"
    before = bytes(explorer.image.value)
    explorer.all_channels.value = True
    assert explorer.channel.disabled
    assert bytes(explorer.image.value) != before
    fields = ALL.match(explorer.caption.value)
    assert fields, explorer.caption.value
    assert fields["n"] == "8"
    maps = _by_hand(net, "conv_b", shapes.x_test[:1])[0]
    assert explorer.shown["values"].shape == (11, 11, 8) and explorer.shown["channel"] is None
    assert int(fields["strongest"]) == int(np.argmax(maps.mean(axis=(0, 1))))
    explorer.all_channels.value = False
    assert not explorer.channel.disabled
    assert ONE.match(explorer.caption.value)


def test_every_change_redraws_and_going_back_gives_the_same_picture(explorer):
    first = bytes(explorer.image.value)
    explorer.sample.value = 1
    second = bytes(explorer.image.value)
    assert second != first
    explorer.channel.value = 1
    assert bytes(explorer.image.value) != second
    explorer.channel.value = 0
    explorer.sample.value = 0
    assert bytes(explorer.image.value) == first


def test_functional_model_and_images_without_channel_axis(shapes):
    keras.utils.set_random_seed(1)
    inputs = keras.Input((28, 28, 1))
    h = keras.layers.Conv2D(3, 5, activation="relu", name="edges")(inputs)
    h = keras.layers.AveragePooling2D(2, name="avg")(h)
    outputs = keras.layers.Dense(2)(keras.layers.GlobalAveragePooling2D()(h))
    model = keras.Model(inputs, outputs)
    explorer = feature_map_explorer(model, shapes.x_test[:10, :, :, 0], layer=-1, image=4)
    assert tuple(explorer.layer.options) == ("edges", "avg")
    assert explorer.layer.value == "avg"
    fields = ALL.match(explorer.caption.value)
    assert fields and fields["image"] == "4" and fields["label"] is None
    assert explorer.shown["maps"].shape == (12, 12, 3)


def test_no_pyplot_figure_is_left_open(explorer):
    for value in (3, 4, 5):
        explorer.sample.value = value
    if "matplotlib.pyplot" in sys.modules:
        assert sys.modules["matplotlib.pyplot"].get_fignums() == []


def _dense():
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(3), keras.layers.Dense(1)])


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "fragment"),
    [
        ((None, "x"), {}, TypeError, "model=None"),
        (("dense", None), {}, ValueError, "at least one Conv2D or pooling layer"),
        (("net", "abc"), {}, TypeError, "images="),
        (("net", np.zeros((3, 20, 20, 1))), {}, ValueError, "(n_samples, 28, 28, 1)"),
        (("net", "x"), {"image": 1.0}, TypeError, "image=1.0"),
        (("net", "x"), {"image": 5}, ValueError, "image=5"),
        (("net", "x"), {"layer": 0.5}, TypeError, "layer=0.5"),
        (("net", "x"), {"layer": "dense"}, ValueError, "'conv_a', 'pool', 'conv_b'"),
        (("net", "x"), {"layer": 3}, ValueError, "layer=3"),
        (("net", "x"), {"channel": "2"}, TypeError, "channel='2'"),
        (("net", "x"), {"layer": "pool", "channel": 4}, ValueError, "has 4 channels"),
    ],
)
def test_bad_input(net, shapes, args, kwargs, error, fragment):
    stand_ins = {"net": net, "dense": _dense(), "x": shapes.x_test[:5]}
    args = tuple(stand_ins.get(a, a) if isinstance(a, str) else a for a in args)
    with pytest.raises(error) as caught:
        feature_map_explorer(*args, **kwargs)
    assert fragment in str(caught.value)
    assert "Received" in str(caught.value)
