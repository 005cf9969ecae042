"""The epoch scrubber, driven from code as ipywidgets' own tests drive widgets: set `.value`,
read the Image bytes and the HTML caption."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from hlcourse.training_watch import TrainingWatch
from hlcourse.widgets import EpochScrubber, epoch_scrubber


def record(label, dead_last):
    """A TrainingWatch made from arrays: 2 layers of 4 units, epochs 0-4."""
    rng = np.random.default_rng(0)
    z = rng.normal(size=(5, 16, 4)).astype(np.float32)
    dead = np.zeros((5, 2))
    dead[-1] = dead_last
    return TrainingWatch(label, ("hidden_1", "hidden_2"), np.arange(5), (z, z - 1), dead,
                         np.linspace(2.3, 1.0, 5), np.linspace(0.1, 0.6, 5), "sgd", 0.5, 32)  # fmt: skip


@pytest.fixture
def scrubber():
    widget = epoch_scrubber([record("without", (0.25, 0.75)), record("with", (0.0, 0.0))])
    yield widget
    widget.wait()
    assert not widget.errors


def set_and_wait(widget, control, value):
    getattr(widget, control).value = value
    assert widget.wait(timeout=60)


def test_shows_a_png_and_a_caption_at_once(scrubber):
    assert isinstance(scrubber, EpochScrubber)
    assert bytes(scrubber.image.value).startswith(b"\x89PNG")
    assert scrubber.caption.value.startswith("without, epoch 0 of 4 (sgd, learning rate 0.5)")
    assert "training loss 2.300, accuracy 10%" in scrubber.caption.value


def test_the_epoch_slider_and_the_network_menu_redraw(scrubber):
    image = scrubber.image.value
    set_and_wait(scrubber, "epoch", 4)
    assert scrubber.image.value != image
    caption = scrubber.caption.value
    assert caption.startswith("without, epoch 4 of 4")
    assert "Dead units: 50% of all 8 units; most in layer 2 (75%)" in caption
    set_and_wait(scrubber, "network", "with")
    assert scrubber.caption.value.startswith("with, epoch 4 of 4")
    assert "Dead units: 0% of all 8 units" in scrubber.caption.value


def test_the_controls_cannot_reach_invalid_settings(scrubber):
    assert (scrubber.epoch.min, scrubber.epoch.max) == (0, 4)
    assert tuple(scrubber.network.options) == ("without", "with")


def test_one_watch_or_a_dict_is_accepted_and_the_first_epoch_can_be_chosen():
    one = epoch_scrubber(record("only", (0.0, 0.5)), epoch=2)
    assert one.caption.value.startswith("only, epoch 2 of 4")
    named = epoch_scrubber({"mine": record("ignored", (0.0, 0.5))})
    assert named.caption.value.startswith("mine, epoch 0")  # the key names the run
    assert tuple(named.network.options) == ("mine",)


def test_importing_the_widgets_loads_no_tensorflow():
    """The scrubber only reads records, so the widgets package stays light to import: a lesson
    whose first widget needs no model shows it without waiting for TensorFlow."""
    code = "import sys, hlcourse.widgets; print(sorted({'tensorflow', 'keras'} & set(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
