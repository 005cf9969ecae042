"""The activation explorer, driven from code as ipywidgets' own tests drive widgets: set
`.value`, read the Image bytes and the HTML caption."""

from __future__ import annotations

import importlib
import io

import matplotlib.pyplot as plt
import numpy as np
import pytest

from hlcourse import activations
from hlcourse.widgets.activation_explorer import ActivationExplorer, activation_explorer


@pytest.fixture
def explorer():
    return activation_explorer("tanh", input_scale=1.0)


def test_explorer_shows_a_png_and_a_caption_at_once(explorer):
    assert isinstance(explorer, ActivationExplorer)
    assert bytes(explorer.image.value).startswith(b"\x89PNG")
    assert explorer.caption.value.startswith("tanh at input scale 1.0:")


def test_the_caption_reads_out_the_example_of_the_lesson(explorer):
    explorer.input_scale.value = 5.0
    caption = explorer.caption.value
    assert caption.startswith("tanh at input scale 5.0: ")
    assert "% of pre-activations saturate (|f′| < 0.05)" in caption
    assert "(zero-centred)" in caption
    assert f"{explorer.stats['saturated']:.0%}" in caption


@pytest.mark.parametrize(
    ("control", "value", "caption_start"),
    [("activation", "sigmoid", "sigmoid at input scale 1.0"),
     ("input_scale", 5.0, "tanh at input scale 5.0"),
     ("input_scale", 0.3, "tanh at input scale 0.30")],
)  # fmt: skip
def test_every_control_redraws_the_picture_and_the_caption(explorer, control, value, caption_start):
    image, caption = explorer.image.value, explorer.caption.value
    getattr(explorer, control).value = value
    assert explorer.image.value != image
    assert explorer.caption.value != caption
    assert explorer.caption.value.startswith(caption_start)


def test_all_activations_can_be_chosen(explorer):
    assert tuple(explorer.activation.options) == activations.ACTIVATIONS
    pictures = set()
    for name in activations.ACTIVATIONS:
        explorer.activation.value = name
        assert explorer.caption.value.startswith(f"{name} at input scale 1.0")
        pictures.add(bytes(explorer.image.value))
    assert len(pictures) == len(activations.ACTIVATIONS)


def test_captions_tell_saturation_dead_units_and_centring_apart(explorer):
    explorer.activation.value = "relu"
    assert "zero gradient" in explorer.caption.value
    assert "0 of 64 units are dead" in explorer.caption.value
    assert "not zero-centred: every output is ≥ 0" in explorer.caption.value
    explorer.activation.value = "sigmoid"
    assert "not zero-centred" in explorer.caption.value
    explorer.activation.value = "linear"
    assert "no pre-activation saturates" in explorer.caption.value


@pytest.mark.parametrize(("name", "scale"), [("tanh", 5.0), ("relu", 0.5), ("gelu", 2.0)])
def test_the_explorer_shows_what_output_statistics_measures(name, scale):
    explorer = activation_explorer(name, input_scale=scale)
    expected = activations.output_statistics(name, scale)
    assert explorer.stats["saturated"] == expected["saturated"]
    assert explorer.stats["dead"] == expected["dead"]
    assert explorer.stats["mean"] == pytest.approx(expected["mean"], abs=1e-6)
    assert explorer.stats["std"] == pytest.approx(expected["std"], abs=1e-6)
    np.testing.assert_allclose(explorer.stats["pre_activations"], expected["pre_activations"])


def test_saturation_shown_grows_with_the_input_scale(explorer):
    explorer.input_scale.value = 0.5
    small = explorer.stats["saturated"]
    explorer.input_scale.value = 5.0
    assert explorer.stats["saturated"] > small + 0.5


def test_controls_cannot_reach_invalid_values(explorer):
    explorer.input_scale.value = 100.0  # a slider clamps to its range
    assert explorer.input_scale.value == pytest.approx(10.0)
    explorer.input_scale.value = 0.001
    assert explorer.input_scale.value == pytest.approx(0.1)
    assert explorer.caption.value.startswith("tanh at input scale 0.10")
    with pytest.raises(Exception, match="Invalid selection"):
        explorer.activation.value = "softmax"


def test_no_figure_is_left_open_after_many_changes(explorer):
    open_before = plt.get_fignums()
    for step in range(200):  # 16 settings drawn, then returned to (from the cache)
        if step % 2:
            explorer.activation.value = activations.ACTIVATIONS[(step // 2) % 8]
        else:
            explorer.input_scale.value = (0.5, 2.0)[(step // 16) % 2]
    assert plt.get_fignums() == open_before
    assert bytes(explorer.image.value).startswith(b"\x89PNG")


def test_going_back_to_a_setting_shows_the_same_picture(explorer):
    first = explorer.image.value, explorer.caption.value, dict(explorer.stats)
    explorer.activation.value = "relu"
    explorer.activation.value = "tanh"
    assert (explorer.image.value, explorer.caption.value) == first[:2]
    assert explorer.stats.keys() == first[2].keys()
    for name, value in first[2].items():
        np.testing.assert_array_equal(explorer.stats[name], value)
    with pytest.raises(ValueError, match="read-only"):
        explorer.stats["outputs"][0, 0] = 1.0  # what the cache holds cannot be changed


def test_the_picture_cache_is_bounded(explorer, monkeypatch):
    # the module, not the function of the same name that hlcourse.widgets exports
    module = importlib.import_module("hlcourse.widgets.activation_explorer")

    monkeypatch.setattr(module, "CACHE_SIZE", 3)
    for scale in (0.2, 0.4, 0.8, 1.6, 3.2):
        explorer.input_scale.value = scale
    assert list(explorer._shown) == [("tanh", 0.8), ("tanh", 1.6), ("tanh", 3.2)]
    explorer.input_scale.value = 0.2  # forgotten: drawn again, and right
    assert explorer.caption.value.startswith("tanh at input scale 0.20")
    assert explorer.stats["saturated"] == 0.0


def test_the_picture_cache_keeps_no_arrays(explorer):
    """Only what a redraw needs (PNG bytes, caption, four numbers): a (512, 64) array per
    setting made the cache of 64 settings grow by about 50 MB."""
    for step in range(24):
        explorer.input_scale.value = 0.1 * 1.2**step
    assert len(explorer._shown) == 25

    def array_bytes(item) -> int:
        if isinstance(item, np.ndarray):
            return item.nbytes
        if isinstance(item, dict):
            return sum(array_bytes(value) for value in item.values())
        if isinstance(item, (tuple, list)):
            return sum(array_bytes(value) for value in item)
        return 0

    assert array_bytes(list(explorer._shown.values())) == 0
    png, caption, numbers = explorer._shown[("tanh", float(explorer.input_scale.value))]
    assert set(numbers) == {"mean", "std", "saturated", "dead"}
    assert explorer.stats["outputs"].shape == (512, 64)  # still there for the learner


def _shown(explorer) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(bytes(explorer.image.value))))


def _whole(picture) -> np.ndarray:
    """The whole figure drawn at once, as the quick redraws must give it."""
    picture.figure.canvas.draw()
    return np.asarray(picture.figure.canvas.buffer_rgba()).copy()


def _bars_under_legend(picture) -> bool:
    """Whether some bar of the right panel reaches up under its legend."""
    box = picture.right.get_legend().get_window_extent()
    counts, edges = picture.out_bars.get_data().values, picture.out_bars.get_data().edges
    tops = picture.right.transData.transform(
        np.column_stack([(edges[:-1] + edges[1:]) / 2, counts])
    )
    return bool(np.any((tops[:, 0] > box.x0) & (tops[:, 0] < box.x1) & (tops[:, 1] > box.y0)))


def test_the_kept_pixels_give_the_whole_picture(explorer, monkeypatch):
    """A redraw puts back the pixels kept for what did not change (the left panel per
    activation, the right legend's inside, above and below the other panels' axes per title and
    per x-limits) and draws the rest: exactly what drawing the whole figure gives, for settings
    drawn for the first time and for settings gone back to (each one drawn again: the picture
    cache holds one)."""
    module = importlib.import_module("hlcourse.widgets.activation_explorer")
    monkeypatch.setattr(module, "CACHE_SIZE", 1)
    picture = explorer._picture
    settings = [
        ("tanh", 0.1), ("tanh", 3.0), ("relu", 0.5), ("tanh", 0.3), ("sigmoid", 10.0),
        ("relu", 2.0),  # none seen before
        ("tanh", 0.1), ("sigmoid", 0.1), ("tanh", 10.0), ("tanh", 3.0), ("relu", 3.0),
        ("relu", 2.0), ("sigmoid", 10.0), ("linear", 0.1), ("tanh", 0.1),  # and back
    ]  # fmt: skip
    under_legend = 0
    for name, scale in settings:
        explorer.activation.value, explorer.input_scale.value = name, scale
        assert explorer.caption.value.startswith(f"{name} at input scale")
        assert np.array_equal(_shown(explorer), _whole(picture)), f"{name} at input scale {scale}"
        under_legend += _bars_under_legend(picture)
    assert set(picture._left_pixels) == {"tanh", "relu", "sigmoid", "linear"}
    assert under_legend >= 2  # saturated tanh and sigmoid pile up under it: drawn over, right
    kept_titles, kept_axes, _ = picture._margins[picture.middle]
    assert len(kept_axes) < len(settings) / 2  # most input scales share the limits ±6
    assert len(kept_titles) < len(settings)  # settings gone back to show the same titles


def test_a_redraw_draws_only_the_words_that_changed(explorer, monkeypatch):
    """Text is what costs (about 0.15 ms a letter): the words that did not change are put back
    as pixels. Here the middle panel's axis (the limits ±6 at input scales 1 and 0.5), the
    right panel's axis label (its tick labels are new) and, for an activation with the same
    share in hatched zones, the middle panel's title; the legend's entries and the left panel
    (the same activation) always."""
    picture = explorer._picture
    renderer = picture.figure.canvas.get_renderer()
    draw_text, drawn = renderer.draw_text, []

    def spy(gc, x, y, s, *args, **kwargs):
        drawn.append(s)
        return draw_text(gc, x, y, s, *args, **kwargs)

    monkeypatch.setattr(renderer, "draw_text", spy)
    explorer.input_scale.value = 0.5
    right_ticks = {label.get_text() for label in picture.right.get_xticklabels()}
    assert picture.middle.get_xlim() == (-6.0, 6.0)
    assert picture.middle.get_title() in drawn
    assert picture.right.get_title() in drawn
    assert set(drawn) <= {picture.middle.get_title(), picture.right.get_title(), *right_ticks}
    assert right_ticks & set(drawn)

    drawn.clear()
    title = picture.middle.get_title()
    explorer.activation.value = "sigmoid"  # 0% in hatched zones at input scale 0.5, as tanh
    assert picture.middle.get_title() == title
    assert title not in drawn
    assert {picture.right.get_title(), "sigmoid(z)"} <= set(drawn)  # new words
    assert not {"outputs f(z)", "mean", "zero", "pre-activation z = x·W + b"} & set(drawn)

    drawn.clear()
    explorer.input_scale.value = 0.6
    assert "sigmoid(z)" not in drawn


def test_a_change_of_input_scale_leaves_the_left_panel_as_it_is(explorer):
    """The left panel depends on the activation alone: its artists are not made again."""
    picture = explorer._picture
    legend, words = picture.left.get_legend(), list(picture._left_words)
    explorer.input_scale.value = 3.0
    assert picture.left.get_legend() is legend
    assert picture._left_words == words
    explorer.activation.value = "relu"
    assert picture.left.get_legend() is not legend
    assert picture.left.get_title() == "relu: function and slope"


def test_the_hatched_zones_follow_the_activation(explorer):
    """The hatched spans are moved, not made again; those left over are hidden."""
    module = importlib.import_module("hlcourse.widgets.activation_explorer")
    picture = explorer._picture

    def hatched(ax) -> list[tuple[float, float]]:
        return sorted(
            (round(p.get_x(), 1), round(p.get_x() + p.get_width(), 1))
            for p in ax.patches
            if p.get_visible() and p.get_hatch()
        )

    spans = list(picture._middle_spans)
    assert hatched(picture.middle) == [(-6.0, -2.2), (2.2, 6.0)]  # tanh's saturation
    assert len(hatched(picture.left)) == 2
    explorer.activation.value = "relu"
    assert hatched(picture.middle) == hatched(picture.left) == [(-6.0, 0.0)]
    explorer.activation.value = "linear"
    assert hatched(picture.middle) == hatched(picture.left) == []
    explorer.activation.value = "tanh"  # back to a picture kept whole: nothing drawn
    module._zones_within.cache_clear()
    explorer.input_scale.value = 0.5
    explorer.input_scale.value = 0.6  # the same limits ±6: the zones are not worked out again
    assert module._zones_within.cache_info()[:2] == (1, 1)  # hits, misses
    assert hatched(picture.middle) == [(-6.0, -2.2), (2.2, 6.0)]
    assert picture._middle_spans == spans


def test_the_titles_stand_where_matplotlib_would_place_them(explorer):
    """The histograms' titles are placed at the top of their axes outright (matplotlib then
    skips looking for tick labels above the axes, a few milliseconds a redraw): where its
    automatic placement puts them too."""
    from hlcourse import render

    picture = explorer._picture
    figure = render.new_figure(12.0, 3.7, dpi=80)
    figure.subplots_adjust(left=0.04, right=0.99, bottom=0.15, top=0.88, wspace=0.15)
    axes = figure.subplots(1, 3)
    figure.canvas.draw()
    for ax, shown in zip(axes[1:], (picture.middle, picture.right), strict=True):
        ax.set_title(shown.get_title(), fontsize=10)
        ax.set_xlabel(shown.get_xlabel())
    figure.canvas.draw()
    renderer = picture.figure.canvas.get_renderer()
    for ax, shown in zip(axes[1:], (picture.middle, picture.right), strict=True):
        placed = ax.title.get_window_extent(figure.canvas.get_renderer())
        assert np.allclose(shown.title.get_window_extent(renderer).bounds, placed.bounds)


def test_main_control_and_picture_are_marked_for_the_browser_test(explorer):
    assert "hlc-main-control" in explorer.activation._dom_classes
    assert "hlc-main-picture" in explorer.image._dom_classes


def test_every_control_is_labelled(explorer):
    assert explorer.activation.description == "Activation"
    assert explorer.input_scale.description == "Input scale"


BAD = [
    (("softmax",), {}, ValueError, "expected one of 'relu'"),
    (("Tanh",), {}, ValueError, "Did you mean 'tanh'"),
    ((3,), {}, TypeError, "name=3"),
    ((), {"input_scale": 20.0}, ValueError, "0.1 to 10"),
    ((), {"input_scale": 0.0}, ValueError, "input_scale=0.0"),
    ((), {"input_scale": "1"}, TypeError, "input_scale='1'"),
]


@pytest.mark.parametrize(("args", "kwargs", "error", "fragment"), BAD)
def test_bad_input_gets_a_clear_error(args, kwargs, error, fragment):
    with pytest.raises(error) as caught:
        activation_explorer(*args, **kwargs)
    assert fragment in str(caught.value)
    assert "Received" in str(caught.value)
