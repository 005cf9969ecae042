"""The gradient explorer, driven from code as ipywidgets' own tests drive widgets: set `.value`,
read the Image bytes and the HTML caption, and compare the numbers with `gradient_norms`."""

from __future__ import annotations

import keras
import matplotlib.pyplot as plt
import pytest

from hlcourse import data, diagnostics, initialization, models
from hlcourse.widgets.gradient_explorer import GradientExplorer, gradient_explorer


@pytest.fixture(scope="module")
def explorer():
    widget = gradient_explorer()  # 8 sigmoid layers of 16 units, glorot_uniform, as lesson 08
    yield widget
    widget.wait()
    assert not widget.errors


@pytest.fixture
def fresh(explorer):
    """The module's explorer, back at its starting setting."""
    explorer.depth.value, explorer.activation.value = 8, "sigmoid"
    explorer.initializer.value, explorer.batch_norm.value = "glorot_uniform", False
    assert explorer.wait(timeout=60)
    return explorer


def set_and_wait(explorer, control, value):
    getattr(explorer, control).value = value
    assert explorer.wait(timeout=60)


def kernel_norms(norms):
    return [row.kernel_norm for row in norms.rows if row.weight == "kernel"]


def expected_norms(depth, activation, initializer, batch_norm, width=16, seed=0):
    """gradient_norms on the network and batch the explorer describes, built here afresh."""
    class_name, config = initialization.INITIALIZERS[initializer]
    made = getattr(keras.initializers, class_name)(
        **config, seed=keras.random.SeedGenerator(seed, name="gradient_explorer_seed")
    )
    model = models.build_dense_network(
        2, (width,) * depth, activation=activation, initializer=made, batch_norm=batch_norm
    )
    spiral = data.make_classification("spiral", 512, seed=seed, test_fraction=0.5)
    return diagnostics.gradient_norms(model, spiral.x_train[:256], spiral.y_train[:256])


def test_explorer_shows_a_png_and_a_caption_at_once(fresh):
    assert isinstance(fresh, GradientExplorer)
    assert bytes(fresh.image.value).startswith(b"\x89PNG")
    assert fresh.caption.value.startswith("8 hidden layers, sigmoid, glorot_uniform:")
    assert len(kernel_norms(fresh.norms)) == 9  # 8 hidden layers and the output layer
    assert fresh.status.value.startswith("done in")


@pytest.mark.parametrize(
    ("control", "value", "caption_start"),
    [("depth", 3, "3 hidden layers, sigmoid, glorot_uniform"),
     ("activation", "tanh", "8 hidden layers, tanh, glorot_uniform"),
     ("initializer", "he_normal", "8 hidden layers, sigmoid, he_normal"),
     ("batch_norm", True, "8 hidden layers, sigmoid + batch norm, glorot_uniform")],
)  # fmt: skip
def test_every_control_redraws_the_picture_and_the_caption(fresh, control, value, caption_start):
    image, caption = fresh.image.value, fresh.caption.value
    set_and_wait(fresh, control, value)
    assert fresh.image.value != image
    assert fresh.caption.value != caption
    assert fresh.caption.value.startswith(caption_start)


def test_deep_sigmoid_fades_and_relu_he_does_not(fresh):
    assert fresh.ratio < 1e-3
    assert "-fold from the output to the first layer" in fresh.caption.value
    assert "The gradient fades" in fresh.caption.value
    fresh.activation.value = "relu"
    set_and_wait(fresh, "initializer", "he_normal")
    assert fresh.ratio > 1e-2
    set_and_wait(fresh, "activation", "sigmoid")
    set_and_wait(fresh, "batch_norm", True)
    assert fresh.ratio > 1e-2


@pytest.mark.parametrize(
    "setting",
    [(8, "sigmoid", "glorot_uniform", False), (8, "relu", "he_normal", False),
     (5, "tanh", "RandomNormal(1.0)", True)],
)  # fmt: skip
def test_the_widget_shows_what_gradient_norms_computes(fresh, setting):
    for control, value in zip(
        ("depth", "activation", "initializer", "batch_norm"), setting, strict=True
    ):
        getattr(fresh, control).value = value
    assert fresh.wait(timeout=60)
    expected = kernel_norms(expected_norms(*setting))
    assert kernel_norms(fresh.norms) == pytest.approx(expected, rel=1e-5)
    assert fresh.ratio == pytest.approx(expected[0] / expected[-1], rel=1e-5)
    assert f"a ratio of {expected[0] / expected[-1]:.2g}" in fresh.caption.value
    assert f"first hidden layer's gradient norm is {expected[0]:.2g}" in fresh.caption.value


def test_the_fold_in_words_is_the_ratio_shown(fresh):
    fold = 1 / fresh.ratio
    assert 1e3 < fold < 1e6  # written out with thousands separators
    assert f"fades {float(f'{fold:.2g}'):,.0f}-fold" in fresh.caption.value


def test_the_controls_cannot_reach_invalid_settings(explorer):
    assert (explorer.depth.min, explorer.depth.max) == (1, 16)
    assert tuple(explorer.activation.options) == ("sigmoid", "tanh", "relu")
    assert tuple(explorer.initializer.options) == tuple(initialization.INITIALIZERS)
    for control in (explorer.depth, explorer.activation, explorer.initializer, explorer.batch_norm):
        assert control.description  # every control is labelled
    assert "hlc-main-control" in explorer.depth._dom_classes
    assert "hlc-main-picture" in explorer.image._dom_classes


def test_every_setting_at_the_extremes_draws_without_error(fresh):
    fresh.depth.value = 16
    fresh.initializer.value = "RandomNormal(1.0)"
    for batch_norm in (False, True):
        fresh.batch_norm.value = batch_norm
        for activation in ("relu", "tanh", "sigmoid"):
            set_and_wait(fresh, "activation", activation)
            assert bytes(fresh.image.value).startswith(b"\x89PNG")
            assert fresh.caption.value.startswith("16 hidden layers")
    fresh.initializer.value = "RandomNormal(0.05)"
    set_and_wait(fresh, "depth", 1)
    assert fresh.caption.value.startswith("1 hidden layer, sigmoid")
    assert not fresh.errors


def test_no_figure_is_left_open(fresh):
    before = plt.get_fignums()
    set_and_wait(fresh, "depth", 4)
    assert plt.get_fignums() == before


def test_only_the_newest_of_quick_changes_is_shown(fresh):
    for depth in (5, 9, 13, 6):
        fresh.depth.value = depth
    assert fresh.wait(timeout=60)
    assert len(kernel_norms(fresh.norms)) == 7
    assert fresh.caption.value.startswith("6 hidden layers")
