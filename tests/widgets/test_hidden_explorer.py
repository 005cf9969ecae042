"""The hidden-layer explorer, driven from code: set `.value` on its controls, read the Image
bytes, the HTML caption and `.shown`."""

from __future__ import annotations

import os
import re

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from hlcourse import data, representations  # noqa: E402
from hlcourse.models import build_dense_network  # noqa: E402
from hlcourse.probe import hidden_activations  # noqa: E402
from hlcourse.widgets.hidden_explorer import HiddenExplorer, hidden_explorer  # noqa: E402

CAPTION = re.compile(
    r"^(?P<layer>[\w/]+), sample (?P<sample>\d+)(?: \(class (?P<label>\d+)\))?: "
    r"(?P<active>\d+) of (?P<units>\d+) units active; strongest unit (?P<unit>\d+) "
    r"\((?P<value>-?\d+\.\d\d)\)\."
)


@pytest.fixture(scope="module")
def digits():
    return data.load_digits(seed=0)


@pytest.fixture(scope="module")
def net():
    """A small digits classifier (untrained: the explorer never trains, it only reads)."""
    keras.utils.set_random_seed(0)
    return build_dense_network(64, (12, 6), output="classes", n_outputs=10, name="explorer_net")


@pytest.fixture
def explorer(net, digits):
    return hidden_explorer(net, digits.x_test[:80], digits.y_test[:80])


def _read(caption: str) -> dict[str, str]:
    match = CAPTION.match(caption)
    assert match, caption
    return match.groupdict()


def test_explorer_shows_a_png_and_a_caption_at_once(explorer):
    assert isinstance(explorer, HiddenExplorer)
    assert bytes(explorer.image.value).startswith(b"\x89PNG")
    assert explorer.caption.value.startswith("hidden_1, sample 0 (class ")
    assert tuple(explorer.layer.options) == ("hidden_1", "hidden_2")
    assert (explorer.sample.min, explorer.sample.max) == (0, 79)


@pytest.mark.parametrize(("layer", "sample"), [("hidden_1", 0), ("hidden_2", 17), ("hidden_1", 79)])
def test_the_caption_reads_out_the_samples_activations(explorer, net, digits, layer, sample):
    explorer.layer.value = layer
    explorer.sample.value = sample
    values = hidden_activations(net, digits.x_test[:80])[layer][sample]
    read = _read(explorer.caption.value)
    assert read["layer"] == layer and int(read["sample"]) == sample
    assert int(read["label"]) == digits.y_test[sample]
    assert int(read["units"]) == len(values)
    assert int(read["active"]) == int(np.sum(values != 0))
    assert int(read["unit"]) == int(np.argmax(np.abs(values)))
    assert float(read["value"]) == pytest.approx(values[int(read["unit"])], abs=0.005)
    np.testing.assert_allclose(explorer.shown["values"], values, rtol=1e-6)
    predicted = int(np.argmax(net(digits.x_test[sample : sample + 1])))
    verdict = "right" if predicted == digits.y_test[sample] else "wrong"
    assert explorer.caption.value.endswith(f"The model predicts class {predicted} ({verdict}).")


@pytest.mark.parametrize(("control", "value"), [("layer", "hidden_2"), ("sample", 5)])
def test_every_control_redraws_the_picture_and_the_caption(explorer, control, value):
    image, caption = explorer.image.value, explorer.caption.value
    getattr(explorer, control).value = value
    assert explorer.image.value != image
    assert explorer.caption.value != caption


def test_the_chosen_sample_is_ringed_where_the_layers_projection_puts_it(explorer, net, digits):
    explorer.layer.value = "hidden_2"
    explorer.sample.value = 12
    projected = representations.layer_projections(net, digits.x_test[:80], include_input=False)
    np.testing.assert_allclose(explorer.shown["point"], projected["hidden_2"][12], atol=1e-5)


def test_a_dataset_shows_its_test_samples(net, digits):
    explorer = hidden_explorer(net, digits, layer="hidden_2", sample=3)
    assert explorer.sample.max == len(digits.x_test) - 1
    assert explorer.caption.value.startswith(f"hidden_2, sample 3 (class {digits.y_test[3]}):")


def test_without_labels_no_class_is_claimed(net, digits):
    explorer = hidden_explorer(net, digits.x_test[:30])
    assert "(class" not in explorer.caption.value
    assert explorer.shown["label"] is None
    assert "The model predicts class" in explorer.caption.value
    assert "(right)" not in explorer.caption.value and "(wrong)" not in explorer.caption.value


def test_the_output_layer_can_be_offered_and_positions_count_hidden_layers(net, digits):
    explorer = hidden_explorer(net, digits.x_test[:20], layer=-1, include_output=True)
    assert tuple(explorer.layer.options) == ("hidden_1", "hidden_2", "output")
    assert explorer.layer.value == "hidden_2"
    explorer.layer.value = "output"
    assert _read(explorer.caption.value)["units"] == "10"


def test_a_layer_whose_outputs_are_all_zero_says_so(keras_fresh):
    model = build_dense_network(2, (3,), initializer="zeros")  # ReLU of 0: every unit silent
    explorer = hidden_explorer(model, np.ones((5, 2)), [0, 1, 0, 1, 0])
    assert "0 of 3 units active (every output is 0)" in explorer.caption.value


def test_a_regression_model_is_explored_without_predicted_classes(keras_fresh):
    model = build_dense_network(2, (4,), output="regression")
    explorer = hidden_explorer(model, np.random.default_rng(0).normal(size=(10, 2)))
    assert "predicts" not in explorer.caption.value


def test_main_control_and_picture_are_marked_and_controls_labelled(explorer):
    assert "hlc-main-control" in explorer.sample._dom_classes
    assert "hlc-main-picture" in explorer.image._dom_classes
    assert explorer.layer.description == "Layer" and explorer.sample.description == "Sample"


def test_controls_cannot_reach_invalid_values(explorer):
    explorer.sample.value = 1000  # a slider clamps to its range
    assert explorer.sample.value == 79
    assert _read(explorer.caption.value)["sample"] == "79"
    with pytest.raises(Exception, match="Invalid selection"):
        explorer.layer.value = "output"


def test_going_back_shows_the_same_picture_and_what_it_holds_is_read_only(explorer):
    first = explorer.image.value, explorer.caption.value
    explorer.sample.value = 4
    explorer.layer.value = "hidden_2"
    explorer.layer.value = "hidden_1"
    explorer.sample.value = 0
    assert (explorer.image.value, explorer.caption.value) == first
    with pytest.raises(ValueError, match="read-only"):
        explorer.activations["hidden_1"][0, 0] = 1.0


def test_no_figure_is_left_open_after_many_changes(explorer):
    open_before = plt.get_fignums()
    for step in range(60):
        explorer.sample.value = (7 * step) % 80
        if step % 10 == 0:
            explorer.layer.value = ("hidden_1", "hidden_2")[(step // 10) % 2]
    assert plt.get_fignums() == open_before
    assert bytes(explorer.image.value).startswith(b"\x89PNG")


def test_a_nested_subclassed_model_can_be_explored(keras_fresh):
    class Block(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = keras.layers.Dense(3, activation="relu", name="dense")

        def call(self, x):
            return self.dense(x)

    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.block = Block(name="block1")
            self.out = keras.layers.Dense(2, activation="softmax", name="out")

        def call(self, x):
            return self.out(self.block(x))

    model = Net()
    x = np.random.default_rng(0).normal(size=(12, 4)).astype(np.float32)
    model(x[:1])
    explorer = hidden_explorer(model, x, np.arange(12) % 2)
    assert tuple(explorer.layer.options) == ("block1/dense",)
    assert explorer.caption.value.startswith("block1/dense, sample 0 (class 0):")


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "fragment"),
    [
        (("net", "data"), {}, TypeError, "dataset_or_x='data'"),
        ((None, "x80"), {}, TypeError, "model=None"),
        (("net", np.zeros((3, 5))), {}, ValueError, "dataset_or_x.shape=(3, 5)"),
        (("net", np.zeros(64)), {}, ValueError, "x.reshape(1, -1)"),
        (("net", np.zeros((5001, 64))), {}, ValueError, "at most 5000 samples"),
        (("net", "x80", [0, 1]), {}, ValueError, "one label per row of dataset_or_x"),
        (("net", "x80", "labels"), {}, TypeError, "class labels"),
        (("net", "digits", np.zeros(450)), {}, ValueError, "None when a Dataset is given"),
        (("net", "x80"), {"layer": "nope"}, ValueError, "layer='nope'"),
        (("net", "x80"), {"layer": 2}, ValueError, "from -2 to 1"),
        (("net", "x80"), {"layer": 0.5}, TypeError, "layer=0.5"),
        (("net", "x80"), {"layer": "output"}, ValueError, "include_output=True"),
        (("net", "x80"), {"sample": 80}, ValueError, "from 0 to 79"),
        (("net", "x80"), {"sample": -1}, ValueError, "sample=-1"),
        (("net", "x80"), {"sample": 1.0}, TypeError, "sample=1.0"),
        (("net", "x80"), {"include_output": "yes"}, TypeError, "True or False"),
    ],
)
def test_hidden_explorer_rejects_bad_arguments(net, digits, args, kwargs, error, fragment):
    stand_ins = {"net": net, "x80": digits.x_test[:80], "digits": digits}
    args = tuple(stand_ins.get(a, a) if isinstance(a, str) else a for a in args)
    with pytest.raises(error, match="Received an invalid value") as info:
        hidden_explorer(*args, **kwargs)
    assert fragment in str(info.value)


def test_a_model_without_hidden_layers_is_refused_unless_the_output_is_offered(keras_fresh):
    model = build_dense_network(2, ())
    with pytest.raises(ValueError, match="include_output=True"):
        hidden_explorer(model, np.zeros((4, 2)))
    explorer = hidden_explorer(model, np.zeros((4, 2)), include_output=True)
    assert tuple(explorer.layer.options) == ("output",)
