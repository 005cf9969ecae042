"""The initialization explorer, driven from code as ipywidgets' own tests drive widgets: set
`.value`, read the Image bytes and the HTML caption."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from hlcourse import initialization
from hlcourse.widgets.init_explorer import InitExplorer, init_explorer


@pytest.fixture
def explorer():
    widget = init_explorer(4, "he_normal", "relu", width=32)
    yield widget
    widget.wait()
    assert not widget.errors


def set_and_wait(explorer, control, value):
    getattr(explorer, control).value = value
    assert explorer.wait(timeout=60)


def test_explorer_shows_a_png_and_a_caption_at_once(explorer):
    assert isinstance(explorer, InitExplorer)
    assert bytes(explorer.image.value).startswith(b"\x89PNG")
    assert explorer.caption.value.startswith("he_normal, relu, 4 layers of 32 units")
    assert explorer.spreads.depth == 4


@pytest.mark.parametrize(
    ("control", "value", "caption_start"),
    [("depth", 7, "he_normal, relu, 7 layers"),
     ("initializer", "glorot_normal", "glorot_normal, relu, 4 layers"),
     ("activation", "tanh", "he_normal, tanh, 4 layers"),
     ("gain", 2.0, "he_normal × 2, relu, 4 layers")],
)  # fmt: skip
def test_every_control_redraws_the_picture_and_the_caption(explorer, control, value, caption_start):
    image, caption = explorer.image.value, explorer.caption.value
    set_and_wait(explorer, control, value)
    assert explorer.image.value != image
    assert explorer.caption.value != caption
    assert explorer.caption.value.startswith(caption_start)


def test_the_caption_reads_out_the_spreads_shown(explorer):
    set_and_wait(explorer, "depth", 10)
    spreads = explorer.spreads
    caption = explorer.caption.value
    assert f"is {spreads.pre_std[0]:.3g} in layer 1 and {spreads.pre_std[-1]:.3g} in layer 10" in (
        caption
    )
    assert "% of the outputs are exactly 0" in caption
    set_and_wait(explorer, "activation", "tanh")
    assert "% of the outputs are saturated (slope below 0.05)" in explorer.caption.value


def test_the_widget_shows_what_layer_activations_computes(explorer):
    explorer.initializer.value = "RandomNormal(1.0)"
    set_and_wait(explorer, "activation", "linear")
    expected = initialization.layer_activations(4, 32, "RandomNormal(1.0)", "linear",
                                                n_samples=128, seed=0)  # fmt: skip
    np.testing.assert_allclose(explorer.spreads.pre_std, expected.pre_std)
    factor = (expected.pre_std[-1] / expected.pre_std[0]) ** (1 / 3)
    assert f"each layer multiplies it by {factor:.3g} on average" in explorer.caption.value
    assert factor == pytest.approx(np.sqrt(32), rel=0.05)  # sqrt(fan_in * Var(w)), Var(w) = 1


def test_the_controls_cannot_reach_invalid_settings(explorer):
    assert (explorer.depth.min, explorer.depth.max) == (2, 20)
    assert tuple(explorer.initializer.options) == tuple(initialization.INITIALIZERS)
    assert tuple(explorer.activation.options) == initialization.ACTIVATIONS
    assert 10**explorer.gain.min == pytest.approx(0.1) and 10**explorer.gain.max == pytest.approx(
        10
    )
    steps = np.arange(explorer.gain.min, explorer.gain.max + 1e-9, explorer.gain.step)
    assert np.min(np.abs(10**steps - 2**-0.5)) < 0.002  # 1/sqrt(2) (He to LeCun) is on it
    for control in (explorer.depth, explorer.initializer, explorer.activation, explorer.gain):
        assert control.description  # every control is labelled
    assert "hlc-main-control" in explorer.depth._dom_classes


def test_every_setting_at_the_extremes_draws_without_error(explorer):
    explorer.depth.value = 20
    explorer.initializer.value = "RandomNormal(1.0)"
    explorer.gain.value = 10.0
    for activation in initialization.ACTIVATIONS:
        set_and_wait(explorer, "activation", activation)
        assert bytes(explorer.image.value).startswith(b"\x89PNG")
        assert f", {activation}, 20 layers" in explorer.caption.value
    explorer.initializer.value = "RandomNormal(0.05)"
    set_and_wait(explorer, "gain", 0.1)
    assert "layer 20" in explorer.caption.value
    assert explorer.status.value.startswith("done in")


def test_no_figure_is_left_open(explorer):
    before = plt.get_fignums()
    explorer.depth.value = 3
    set_and_wait(explorer, "gain", 0.5)
    assert plt.get_fignums() == before


def test_only_the_newest_of_quick_changes_is_shown(explorer):
    for depth in (5, 9, 13, 6):
        explorer.depth.value = depth
    assert explorer.wait(timeout=60)
    assert explorer.spreads.depth == 6
    assert "6 layers of 32 units" in explorer.caption.value
