"""The activation explorer, driven from code as ipywidgets' own tests drive widgets: set
`.value`, read the Image bytes and the HTML caption."""

from __future__ import annotations

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
    import importlib

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


def test_the_kept_left_panel_gives_the_whole_picture(explorer):
    """A change of input scale puts back the left panel's pixels kept for the activation and
    draws the other two: exactly what drawing the whole figure gives."""
    import io

    import numpy as np
    from PIL import Image

    picture = explorer._picture
    for name, scale in [
        ("tanh", 0.1),
        ("tanh", 3.0),
        ("relu", 0.5),
        ("tanh", 0.3),
        ("sigmoid", 10.0),
        ("relu", 2.0),
    ]:  # fmt: skip  (none seen before: drawn)
        explorer.activation.value, explorer.input_scale.value = name, scale
        shown = np.asarray(Image.open(io.BytesIO(bytes(explorer.image.value))))
        picture.figure.canvas.draw()
        whole = np.asarray(picture.figure.canvas.buffer_rgba())
        assert np.array_equal(shown, whole), f"{name} at input scale {scale}"
    assert set(picture._left_pixels) == {"tanh", "relu", "sigmoid"}


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
