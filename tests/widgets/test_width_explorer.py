"""The width explorer (universal approximation) driven from code: set `.value`, `.wait()`, then
read the Image bytes, the caption and the status."""

from __future__ import annotations

import threading

import matplotlib.pyplot as plt
import pytest

import hlcourse as hlc


@pytest.fixture
def width_explorer(keras_fresh):
    """A width explorer on "sine" with 1 hidden unit; waits for its thread when a test ends."""
    built = []

    def make(**kwargs):
        built.append(hlc.widgets.width_explorer(**{"width": 1, **kwargs}))
        return built[-1]

    yield make
    for explorer in built:
        assert explorer.wait(timeout=120)


def _worker_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "hlc-width-explorer" and t.is_alive()]


def test_width_explorer_shows_its_first_picture_at_once(width_explorer):
    explorer = width_explorer(width=8)
    assert bytes(explorer.image.value).startswith(b"\x89PNG")
    assert explorer.caption.value.startswith("width 8 (25 parameters): training error (MSE) ")
    assert explorer.status.value.startswith("done: 400 epochs")
    assert len(explorer.history["loss"]) == 400
    assert explorer.errors == []


def test_more_hidden_units_fit_the_curve_better(width_explorer):
    """Margins from a sweep over seeds 0-4 (tanh, sine, 400 epochs): 1 unit left an MSE of
    0.058-0.082, 16 units 0.0035-0.0053, at least 14 times less."""
    explorer = width_explorer(curve="sine", width=1)
    image, caption, narrow = explorer.image.value, explorer.caption.value, explorer.last_mse
    explorer.width.value = 16
    assert explorer.wait()
    assert explorer.image.value != image and explorer.caption.value != caption
    assert explorer.caption.value.startswith("width 16 (49 parameters)")
    assert f"(MSE) {explorer.last_mse:.3f}" in explorer.caption.value
    assert narrow > 0.04
    assert explorer.last_mse < 0.015
    assert explorer.last_mse < narrow / 4


def test_width_explorer_trains_new_widths_without_tracing_a_loop(width_explorer):
    """One loop shared by every width (train_fast's shared_loop=True): each trace would keep
    about 1 MB for the life of the kernel."""
    from hlcourse.training import _dense_loop

    def traced():
        return _dense_loop.tracing_count()

    explorer = width_explorer(width=2, epochs=30)
    before = traced()
    for width in (5, 13, 41):
        explorer.width.value = width
        assert explorer.wait()
        assert explorer.errors == [] and len(explorer.history["loss"]) == 30
        (loop,) = explorer.model._hlc_training_loops.values()
        assert isinstance(loop, _dense_loop.DenseRun)
    assert traced() == before


def test_width_explorer_models_all_have_one_name(width_explorer):
    """TensorFlow caches a kernel per variable name for the life of the process: every model
    the explorer builds has one name, so a width seen before adds nothing to that cache."""
    from hlcourse.widgets.width_explorer import MODEL_NAME

    explorer = width_explorer(width=2, epochs=20)
    first = [w.path for w in explorer.model.weights]
    explorer.width.value = 3
    assert explorer.wait()
    explorer.width.value = 2
    assert explorer.wait()
    assert explorer.model.name == MODEL_NAME
    assert [w.path for w in explorer.model.weights] == first


def test_curve_and_activation_menus_retrain(width_explorer):
    explorer = width_explorer(width=3, epochs=30)
    for control, value, words in [
        (explorer.curve, "bump", "true bump curve"),
        (explorer.activation, "relu", "hidden relu unit"),
    ]:
        before = explorer.image.value
        control.value = value
        assert explorer.wait()
        assert explorer.image.value != before
        assert words in explorer.caption.value


def test_status_reports_progress_while_training(width_explorer):
    explorer = width_explorer(epochs=100)
    seen = []
    explorer.status.observe(lambda change: seen.append(change["new"]), names="value")
    explorer.width.value = 5
    assert explorer.wait()
    assert seen[0] == "training…"
    assert "training… epoch 50/100" in seen
    assert seen[-1].startswith("done: 100 epochs")


def test_rapid_changes_leave_only_the_last_one_drawn(width_explorer):
    explorer = width_explorer(epochs=200)
    drawn = []
    explorer.caption.observe(lambda change: drawn.append(change["new"]), names="value")
    for width in range(2, 11):
        explorer.width.value = width  # no waiting in between
    assert explorer.wait()
    assert explorer.caption.value.startswith("width 10 (31 parameters)")
    assert drawn[-1] == explorer.caption.value
    assert len(drawn) < 9  # stale settings were cancelled, not all drawn
    assert explorer.errors == []
    assert explorer.model.get_layer("hidden_1").units == 10
    assert not _worker_threads()


def test_errors_in_the_background_are_recorded_not_lost(width_explorer, monkeypatch):
    explorer = width_explorer(epochs=10)

    def broken(*_args):
        raise RuntimeError("out of coffee")

    monkeypatch.setattr(explorer, "_train_and_draw", broken)
    before = explorer.image.value
    explorer.width.value = 2
    assert explorer.wait()
    assert [str(e) for e in explorer.errors] == ["out of coffee"]
    assert "training failed" in explorer.status.value
    assert explorer.image.value == before


def test_no_figure_or_thread_is_left_after_many_width_changes(width_explorer):
    explorer = width_explorer(epochs=20)  # smallest settings
    open_before = plt.get_fignums()
    for step in range(200):
        explorer.width.value = 1 + step % 64
    assert explorer.wait(timeout=120)
    assert plt.get_fignums() == open_before
    assert not _worker_threads()
    assert explorer.errors == []
    assert explorer.caption.value.startswith(f"width {1 + 199 % 64} ")


def test_width_explorer_controls_are_marked_labelled_and_bounded(width_explorer):
    explorer = width_explorer(epochs=10)
    assert "hlc-main-control" in explorer.width._dom_classes
    assert "hlc-main-picture" in explorer.image._dom_classes
    assert explorer.width.description == "Hidden units"
    assert not explorer.width.continuous_update
    for control in (explorer.width, explorer.curve, explorer.activation):
        assert control.description
    explorer.width.value = 500  # a slider clamps to its range
    assert explorer.width.value == 64
    with pytest.raises(Exception, match="Invalid selection"):
        explorer.activation.value = "softplus"
    with pytest.raises(ValueError, match="timeout=-1"):
        explorer.wait(timeout=-1)
