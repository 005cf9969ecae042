"""Widgets driven from code, as ipywidgets' own tests drive them: set `.value`, read the
Image bytes and the HTML caption."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

import hlcourse as hlc


@pytest.fixture
def explorer():
    return hlc.widgets.dataset_explorer("xor", noise=0.1, n_samples=200)


def test_explorer_shows_a_png_and_a_caption_at_once(explorer):
    assert bytes(explorer.image.value).startswith(b"\x89PNG")
    assert explorer.caption.value.startswith("xor: 200 points, noise 0.10")


@pytest.mark.parametrize(
    ("control", "value", "caption_start"),
    [("noise", 0.4, "xor: 200 points, noise 0.40"), ("dataset_name", "spiral", "spiral:"),
     ("seed", 5, "xor: 200 points, noise 0.10")],
)  # fmt: skip
def test_every_control_redraws_the_picture(explorer, control, value, caption_start):
    before = explorer.image.value
    getattr(explorer, control).value = value
    assert explorer.image.value != before
    assert explorer.caption.value.startswith(caption_start)


def test_more_noise_reads_as_more_mixing(explorer):
    explorer.noise.value = 0.0
    clean = hlc.data.class_overlap(explorer.current)
    explorer.noise.value = 0.5
    assert hlc.data.class_overlap(explorer.current) > clean + 0.1


def test_main_control_and_picture_are_marked_for_the_browser_test(explorer):
    assert "hlc-main-control" in explorer.noise._dom_classes
    assert "hlc-main-picture" in explorer.image._dom_classes


def test_controls_cannot_reach_invalid_values(explorer):
    explorer.noise.value = 7.0  # a slider clamps to its range
    assert explorer.noise.value == 0.5
    explorer.seed.value = -4
    assert explorer.seed.value == 0
    with pytest.raises(Exception, match="Invalid selection"):
        explorer.dataset_name.value = "blobs"


def test_no_figure_is_left_open_after_many_changes():
    explorer = hlc.widgets.dataset_explorer("gauss", n_samples=20)  # smallest settings
    open_before = plt.get_fignums()
    for step in range(200):
        explorer.noise.value = (step % 50) / 100
    assert plt.get_fignums() == open_before


def test_every_control_is_labelled(explorer):
    for control in (explorer.dataset_name, explorer.noise, explorer.seed):
        assert control.description
