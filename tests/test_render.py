"""`hlcourse.render.describe_figure`: a figure's alternative text, from its own words."""

from __future__ import annotations

import pytest

from hlcourse import render


@pytest.fixture
def figure():
    fig = render.new_figure(6, 3)
    yield fig
    fig.clear()


def test_a_figure_is_described_by_its_title_panels_and_axis_labels(figure):
    left, right = figure.subplots(1, 2)
    figure.suptitle("Training a  two-layer\nnetwork")
    left.set_title("Loss")
    left.set_xlabel("epoch")
    left.set_ylabel("loss (MSE)")
    right.set_title(r"Weights $w_{ij}$")
    assert render.describe_figure(figure) == (
        "Figure: Training a two-layer network. 2 panels. "
        "Panel 1, Loss: x axis epoch, y axis loss (MSE). Panel 2, Weights w_ij."
    )


def test_one_panel_and_a_colour_scale(figure):
    axes = figure.subplots()
    image = axes.imshow([[0.0, 1.0], [2.0, 3.0]])
    figure.colorbar(image, label="activation")
    axes.set_xlabel("x1")
    axes.set_ylabel("x2")
    assert (
        render.describe_figure(figure) == "Figure. X axis x1, y axis x2. Colour scale: activation."
    )


def test_a_figure_without_words_says_so_rather_than_invent_them(figure):
    figure.subplots().plot([0, 1], [1, 0])
    assert render.describe_figure(figure) == "Figure. It has no title or axis labels."


def test_a_long_description_is_cut_to_what_a_reader_will_hear(figure):
    for axes in figure.subplots(4, 4).flat:
        axes.set_title("a fairly long panel title " * 2)
    said = render.describe_figure(figure)
    assert len(said) == render.MAX_DESCRIPTION and said.endswith("...")


def test_only_a_figure_can_be_described():
    with pytest.raises(TypeError, match="expected a matplotlib Figure. Received: figure='fig'"):
        render.describe_figure("fig")
