"""The data-set explorer driven from code, as ipywidgets' own tests drive widgets: set `.value`,
read the Image bytes and the HTML caption."""

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


def _pixels(png: bytes):
    import io

    import numpy as np
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(bytes(png))))


def test_the_quick_redraw_is_the_whole_picture(explorer):
    """Drawing only the points over a cached background gives exactly what drawing the whole
    figure gives, after changes of every kind (new views, cached views, widened views)."""
    import numpy as np

    for name, noise, seed in [("spiral", 0.1, 0), ("xor", 0.45, 3), ("spiral", 0.12, 7),
                              ("circles", 0.0, 1), ("xor", 0.1, 9)]:  # fmt: skip
        explorer.dataset_name.value, explorer.noise.value, explorer.seed.value = name, noise, seed
        shown = _pixels(explorer.image.value)
        picture = explorer._picture
        for artist in picture.animated:
            artist.set_animated(False)
        picture.figure.canvas.draw()
        whole = np.asarray(picture.figure.canvas.buffer_rgba())
        for artist in picture.animated:
            artist.set_animated(True)
        assert shown.shape == whole.shape
        assert np.array_equal(shown, whole), f"{name}, noise {noise}, seed {seed}"


def test_the_view_stays_put_within_a_noise_step_and_every_point_is_in_it(explorer):
    picture = explorer._picture
    explorer.noise.value = 0.12
    view = picture.ax.get_xlim(), picture.ax.get_ylim()
    for seed in range(1, 40):  # seeds and noise within the step: the same axes
        explorer.seed.value = seed
        explorer.noise.value = 0.12 + (seed % 8) / 100
        assert (picture.ax.get_xlim(), picture.ax.get_ylim()) == view
        (x_lo, x_hi), (y_lo, y_hi) = view
        x = explorer.current.x
        assert x[:, 0].min() >= x_lo and x[:, 0].max() <= x_hi
        assert x[:, 1].min() >= y_lo and x[:, 1].max() <= y_hi
    explorer.noise.value = 0.5  # the next steps: a wider view
    assert picture.ax.get_ylim()[1] > view[1][1]


def test_points_beyond_the_view_widen_it(explorer):
    import importlib

    module = importlib.import_module("hlcourse.widgets.dataset_explorer")

    picture = explorer._picture
    key = ("xor", explorer.n_samples, 0.1)
    picture.views[key] = (-0.5, 0.5, -0.5, 0.5)  # as if seed 0's points had all been close in
    explorer.seed.value = 11
    (x_lo, x_hi), (y_lo, y_hi) = picture.ax.get_xlim(), picture.ax.get_ylim()
    x = explorer.current.x
    assert x_lo <= x[:, 0].min() and x[:, 0].max() <= x_hi
    assert y_lo <= x[:, 1].min() and x[:, 1].max() <= y_hi
    assert len(picture.backgrounds) <= module.MAX_BACKGROUNDS


def test_new_seeds_seldom_widen_the_view():
    """A view fits 8 seeds' points at its step's top noise, and grows well past points that
    reach beyond it: 40 more seeds at the top noise of every data set widen it at most 4 times
    (each a 0.05 s full draw; fitting seed 0 alone and growing just past the points: 11)."""
    explorer = hlc.widgets.dataset_explorer("xor", n_samples=20, noise=0.5)
    picture = explorer._picture
    drawn = []
    draw = picture._draw_background
    picture._draw_background = lambda *args: (drawn.append(args), draw(*args))
    for name in hlc.data.CLASSIFICATION_SETS:
        explorer.dataset_name.value = name
        for seed in range(1, 280, 7):
            explorer.seed.value = seed
            x = explorer.current.x
            (x_lo, x_hi), (y_lo, y_hi) = picture.ax.get_xlim(), picture.ax.get_ylim()
            assert x_lo <= x[:, 0].min() and x[:, 0].max() <= x_hi  # every point still shown
            assert y_lo <= x[:, 1].min() and x[:, 1].max() <= y_hi
    widened = len(drawn) - len(hlc.data.CLASSIFICATION_SETS)
    assert widened <= 4, widened


def test_cached_backgrounds_are_bounded(monkeypatch):
    import importlib

    module = importlib.import_module("hlcourse.widgets.dataset_explorer")
    monkeypatch.setattr(module, "MAX_BACKGROUNDS", 5)  # fewer than the views visited below

    explorer = hlc.widgets.dataset_explorer("xor", n_samples=20)
    for step in range(60):
        explorer.dataset_name.value = hlc.data.CLASSIFICATION_SETS[
            step % len(hlc.data.CLASSIFICATION_SETS)
        ]
        explorer.noise.value = (step * 7 % 51) / 100
    assert len(explorer._picture.backgrounds) == 5


def test_every_view_of_every_data_set_stays_cached():
    """5 data sets x 6 noise steps: back at a view, its axes are not drawn again."""
    explorer = hlc.widgets.dataset_explorer("xor", n_samples=20)
    picture = explorer._picture
    drawn = []
    draw = picture._draw_background
    picture._draw_background = lambda *args: (drawn.append(args), draw(*args))
    for _ in range(2):
        for name in hlc.data.CLASSIFICATION_SETS:
            explorer.dataset_name.value = name
            for tenth in range(6):
                explorer.noise.value = tenth / 10
    views = {(name, view) for name, view in drawn}
    assert len(drawn) == len(views) <= len(picture.backgrounds)  # each drawn once, all kept


def test_every_control_is_labelled(explorer):
    for control in (explorer.dataset_name, explorer.noise, explorer.seed):
        assert control.description


def test_widget_figures_ignore_the_lessons_layout_defaults():
    """setup() turns on constrained layout for lesson figures; widget figures must not get it
    (it made matplotlib warn in the lesson and doubled redraw time)."""
    import warnings

    hlc.setup(summary=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        explorer = hlc.widgets.dataset_explorer(n_samples=20)
        explorer.noise.value = 0.3
    assert hlc.render.new_figure().get_layout_engine() is None
