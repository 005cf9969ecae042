"""The overfitting lab widget (lesson 06) driven from code: set `.value`, `.click()`,
`.wait()`, then read the PNG bytes, the caption, the status and `.runs` (`run_regularization`
itself is tested in tests/test_regularization.py).

Most widget tests replace the training with a fake that returns a record at once (or waits
at a gate the test opens), so they test the widget's logic deterministically; a few train
for real."""

from __future__ import annotations

import importlib
import threading

import matplotlib.pyplot as plt
import numpy as np
import pytest

from hlcourse.widgets.regularization_lab import (
    RegularizationRun,
    regularization_lab,
)

# The module itself: `hlcourse.widgets.regularization_lab` as an attribute is the function.
module = importlib.import_module("hlcourse.widgets.regularization_lab")
GATE = 60  # seconds a test waits for an event before failing (never reached when all is well)
SETTINGS = ("samples", "dropout", "regularizer", "reg_strength", "patience", "batch_norm",
            "epochs", "seed")  # fmt: skip


def _threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == module.THREAD_NAME and t.is_alive()]


@pytest.fixture(scope="module")
def keras_once():
    """A cleared Keras session once for this file: nothing here reads Keras' global seed
    (the lab seeds its initializers and dropout masks itself)."""
    import keras

    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    return keras


# --- the widget, with fake training --------------------------------------------------------


class FakeTraining:
    """Stands in for `run_regularization`: a record at once, shaped by the settings (the
    validation loss ends at 1 - dropout), or held at a gate until the test releases it."""

    def __init__(self):
        self.calls: list[dict] = []
        self.cancelled: list[dict] = []
        self.entered = threading.Event()
        self.release = threading.Event()
        self.release.set()
        self.error: BaseException | None = None

    def hold(self) -> None:
        self.entered.clear()
        self.release.clear()

    def __call__(self, *, should_stop=None, on_progress=None, **settings) -> RegularizationRun:
        self.calls.append(settings)
        self.entered.set()
        assert self.release.wait(GATE), "the test never released the training"
        if self.error is not None:
            raise self.error
        if should_stop is not None and should_stop():
            self.cancelled.append(settings)
        epochs = settings["epochs"]
        e = np.arange(1, epochs + 1)
        history = {
            "loss": list(0.7 * np.exp(-e / 20)),
            "accuracy": [1.0] * epochs,
            "val_loss": list(0.3 + (0.7 - settings["dropout"]) * e / epochs),
            "val_accuracy": [0.8] * epochs,
        }
        run_to = epochs
        best, stopped = 1, None
        if settings["patience"] is not None:
            best = epochs // 4
            stopped = run_to = best + settings["patience"]
            history = {key: values[:run_to] for key, values in history.items()}
        if on_progress is not None:
            half = run_to // 2
            on_progress(half, {key: values[:half] for key, values in history.items()})
            on_progress(run_to, history)
        return RegularizationRun(
            **settings, history=history, epochs_run=run_to, best_epoch=best,
            stopped_epoch=stopped, train_loss=history["loss"][-1],
            val_loss=history["val_loss"][-1], train_accuracy=1.0, val_accuracy=0.8,
            gap=history["val_loss"][-1] - history["loss"][-1], seconds=0.01,
            model=lambda x: 1 / (1 + np.exp(-4 * x[:, 0])),
        )  # fmt: skip


@pytest.fixture
def fake(monkeypatch):
    training = FakeTraining()
    monkeypatch.setattr(module, "run_regularization", training)
    yield training
    training.release.set()


@pytest.fixture
def make_lab():
    """Builds labs (100 epochs unless told); waits for their threads when a test ends."""
    built = []

    def make(**kwargs):
        built.append(regularization_lab(**{"epochs": 100, **kwargs}))
        return built[-1]

    yield make
    for lab in built:
        assert lab.wait(timeout=GATE)
    assert not _threads()


def test_the_first_run_is_drawn_before_the_lab_is_shown(fake, make_lab):
    lab = make_lab()
    assert bytes(lab.image.value).startswith(b"\x89PNG")
    assert len(lab.runs) == 1 and len(fake.calls) == 1
    run = lab.runs[0]
    assert lab.caption.value.startswith(
        f"Run #1 (60 samples · no regularization): training loss {run.train_loss:.3f}, "
        f"validation loss {run.val_loss:.3f}, a train-validation gap of {run.gap:.3f} "
    )
    assert "Gaps (validation − training loss, both measured with dropout off" in lab.caption.value
    assert lab.status.value == "done: run #1, 100 epochs, in 0.0 s"
    assert lab.progress.value == lab.progress.max == 100
    assert lab.errors == []


def test_without_a_first_run_the_picture_says_to_press_train(fake, make_lab):
    lab = make_lab(first_run=False)
    assert bytes(lab.image.value).startswith(b"\x89PNG")
    assert lab.caption.value.startswith("No runs yet. Choose the settings and press Train")
    assert lab.status.value == "press Train to train the first run"
    assert lab.runs == [] and fake.calls == []


def test_a_setting_change_trains_nothing_but_names_the_next_run(fake, make_lab):
    lab = make_lab()
    image, caption = lab.image.value, lab.caption.value
    lab.dropout.value = 0.3
    lab.regularizer.value = "l2"
    lab.early_stopping.value = True
    assert lab.wait()
    assert lab.image.value == image and lab.caption.value == caption
    assert len(fake.calls) == 1 and len(lab.runs) == 1
    words = "60 samples · dropout 0.3 · L2 0.001 · early stop (20)"
    assert lab.next_run.value == f"next run: {words}"


def test_train_adds_a_run_to_the_picture(fake, make_lab):
    lab = make_lab()
    image = lab.image.value
    lab.dropout.value = 0.5
    lab.train.click()
    assert lab.wait()
    assert lab.image.value != image
    assert [run.dropout for run in lab.runs] == [0.0, 0.5]
    first, second = lab.runs
    assert lab.caption.value.startswith("Run #2 (60 samples · dropout 0.5): training loss ")
    assert f"a train-validation gap of {second.gap:.3f}" in lab.caption.value
    assert f"#1 {first.gap:.3f}, #2 {second.gap:.3f}" in lab.caption.value
    assert second.gap < first.gap  # the fake's dropout narrows it
    assert lab.status.value.startswith("done: run #2, 100 epochs")


def test_the_controls_map_onto_run_regularization(fake, make_lab):
    lab = make_lab(seed=7)
    assert lab.reg_strength.disabled and lab.patience.disabled
    lab.samples.value = 200
    lab.dropout.value = 0.2
    lab.regularizer.value = "l1"
    lab.reg_strength.value = 0.01
    lab.early_stopping.value = True
    lab.patience.value = 12
    lab.batch_norm.value = True
    lab.epochs.value = 500
    assert not lab.reg_strength.disabled and not lab.patience.disabled
    lab.train.click()
    assert lab.wait()
    assert fake.calls[-1] == {"samples": 200, "dropout": 0.2, "regularizer": "l1",
                              "reg_strength": 0.01, "patience": 12, "batch_norm": True,
                              "epochs": 500, "seed": 7}  # fmt: skip
    assert fake.calls[-1] == lab.settings()
    lab.regularizer.value = "none"
    lab.early_stopping.value = False
    assert lab.settings()["reg_strength"] is None and lab.settings()["patience"] is None


def test_early_stopping_is_marked_and_read_out(fake, make_lab):
    lab = make_lab(patience=10)
    run = lab.runs[0]
    assert run.stopped_epoch == 35 and run.best_epoch == 25
    assert (
        "early stopping stopped it after epoch 35 and kept the weights of epoch 25 (the star)"
        in lab.caption.value
    )
    assert lab.status.value.startswith(
        "done: run #1, early stopping stopped it after epoch 35 and kept epoch 25"
    )


def test_the_picture_keeps_the_last_six_runs(fake, make_lab):
    lab = make_lab()
    for step in range(7):
        lab.dropout.value = round(0.1 * (step % 6), 1)
        lab.train.click()
        assert lab.wait()
    assert len(lab.runs) == module.MAX_RUNS == 6
    assert lab.caption.value.startswith("Run #8 ")
    assert "#3 " in lab.caption.value and "#2 " not in lab.caption.value


def test_clear_runs_empties_the_picture_and_restarts_the_numbers(fake, make_lab):
    lab = make_lab()
    lab.train.click()
    assert lab.wait()
    image = lab.image.value
    lab.clear.click()
    assert lab.wait()
    assert lab.runs == []
    assert lab.image.value != image
    assert lab.caption.value.startswith("No runs yet.")
    assert lab.status.value.startswith("cleared")
    lab.train.click()
    assert lab.wait()
    assert lab.caption.value.startswith("Run #1 ") and len(lab.runs) == 1


def test_the_empty_picture_is_drawn_once_per_seed(fake, make_lab, monkeypatch):
    # Clear runs (and a lab without a first run) show the same picture every time: it is
    # drawn once per seed and kept, so a clear answers at once (it took 0.35 s a click).
    module._empty_picture.cache_clear()
    empty_drawn = []
    picture = module._picture

    def counting(curves, newest, training, seed):
        if not curves and newest is None and training is None:
            empty_drawn.append(seed)
        return picture(curves, newest, training, seed)

    monkeypatch.setattr(module, "_picture", counting)
    lab = make_lab(first_run=False, seed=3)
    empty = lab.image.value, lab.caption.value
    for _ in range(3):
        lab.train.click()
        assert lab.wait()
        assert lab.image.value != empty[0]
        lab.clear.click()
        assert (lab.image.value, lab.caption.value) == empty
    make_lab(first_run=False, seed=4)
    assert empty_drawn == [3, 4]
    assert empty == picture([], None, None, 3)  # the same as drawn afresh


def test_a_new_train_cancels_the_run_in_progress(fake, make_lab):
    lab = make_lab()
    captions = []
    lab.caption.observe(lambda change: captions.append(change["new"]), names="value")
    fake.hold()
    lab.dropout.value = 0.1
    lab.train.click()
    assert fake.entered.wait(GATE)  # run "dropout 0.1" is training
    lab.dropout.value = 0.4
    lab.train.click()
    assert lab.status.value == "training run #2 (60 samples · dropout 0.4)…"
    fake.release.set()
    assert lab.wait()
    assert [call["dropout"] for call in fake.calls] == [0.0, 0.1, 0.4]
    assert [call["dropout"] for call in fake.cancelled] == [0.1]  # it was told to stop
    assert [run.dropout for run in lab.runs] == [0.0, 0.4]  # and never kept
    assert not any("dropout 0.1" in caption for caption in captions)  # nor drawn
    assert lab.caption.value.startswith("Run #2 (60 samples · dropout 0.4)")


def test_clear_cancels_the_run_in_progress(fake, make_lab):
    lab = make_lab()
    fake.hold()
    lab.train.click()
    assert fake.entered.wait(GATE)
    lab.clear.click()
    fake.release.set()
    assert lab.wait()
    assert lab.runs == [] and lab.caption.value.startswith("No runs yet.")
    assert len(fake.cancelled) == 1


def test_progress_is_shown_while_training(fake, make_lab, monkeypatch):
    monkeypatch.setattr(module, "FRAME_GAP", 0.0)  # draw every chunk's picture
    lab = make_lab()
    statuses, captions, bars = [], [], []
    lab.status.observe(lambda change: statuses.append(change["new"]), names="value")
    lab.caption.observe(lambda change: captions.append(change["new"]), names="value")
    lab.progress.observe(lambda change: bars.append(change["new"]), names="value")
    lab.batch_norm.value = True
    lab.train.click()
    assert lab.wait()
    assert statuses[0] == "training run #2 (60 samples · batch norm)…"
    assert "training run #2 (60 samples · batch norm): epoch 50/100" in statuses
    assert statuses[-1].startswith("done: run #2")
    assert bars[0] == 0 and 50 in bars and bars[-1] == 100
    during = [c for c in captions if "is training" in c]
    assert len(during) == 1
    assert during[0].startswith("Run #2 (60 samples · batch norm) is training: epoch 50 of 100")
    assert "Gaps of the finished runs (validation − training loss): #1 " in during[0]
    assert captions[-1].startswith("Run #2 (60 samples · batch norm): training loss")


def test_errors_in_the_background_are_recorded_not_lost(fake, make_lab):
    lab = make_lab()
    image, runs = lab.image.value, list(lab.runs)
    fake.error = RuntimeError("out of coffee")
    lab.train.click()
    assert lab.wait()
    assert [str(e) for e in lab.errors] == ["out of coffee"]
    assert lab.status.value == "training failed: RuntimeError: out of coffee"
    assert lab.image.value == image and lab.runs == runs
    fake.error = None
    lab.train.click()  # the lab still works
    assert lab.wait()
    assert len(lab.runs) == 2


def test_an_error_in_the_first_run_is_raised(fake):
    fake.error = ValueError("no data today")
    with pytest.raises(ValueError, match="no data today"):
        regularization_lab(epochs=100)
    assert not _threads()


def test_controls_are_marked_labelled_and_bounded(fake, make_lab):
    lab = make_lab()
    assert "hlc-main-control" in lab.train._dom_classes
    assert "hlc-main-picture" in lab.image._dom_classes
    labels = {
        "samples": "Training samples", "dropout": "Dropout rate", "regularizer": "Weight penalty",
        "reg_strength": "Penalty strength", "early_stopping": "Early stopping",
        "patience": "Patience (epochs)", "batch_norm": "Batch normalization", "epochs": "Epochs",
        "train": "Train", "clear": "Clear runs", "progress": "Epochs done",
    }  # fmt: skip
    for name, label in labels.items():
        assert getattr(lab, name).description == label
    for slider in (lab.samples, lab.dropout, lab.reg_strength, lab.patience, lab.epochs):
        assert not slider.continuous_update
    assert [value for _, value in lab.samples.options] == [30, 60, 100, 200, 400, 1000]
    assert [value for _, value in lab.epochs.options] == [100, 200, 300, 500]
    assert list(lab.regularizer.options) == [("none", "none"), ("L1", "l1"), ("L2", "l2")]
    lab.dropout.value = 0.9  # sliders clamp to their range
    assert lab.dropout.value == 0.6
    lab.patience.value = 0
    assert lab.patience.value == 1
    for control, value in [(lab.samples, 50), (lab.epochs, 250), (lab.regularizer, "l3"),
                           (lab.reg_strength, 0.002)]:  # fmt: skip
        with pytest.raises(Exception, match="Invalid selection"):
            control.value = value
    with pytest.raises(ValueError, match="timeout=-1"):
        lab.wait(timeout=-1)


def test_no_figure_or_thread_is_left_after_many_clicks(fake, make_lab):
    lab = make_lab()
    open_before = plt.get_fignums()
    for step in range(30):
        lab.dropout.value = round(0.1 * (step % 7), 1)
        lab.train.click()  # no waiting in between
        if step % 10 == 9:
            lab.clear.click()
    lab.train.click()
    assert lab.wait(timeout=GATE)
    assert plt.get_fignums() == open_before
    assert not _threads()
    assert lab.errors == []
    assert lab.caption.value.startswith("Run #1 ")


# --- the widget, training for real ------------------------------------------------------------


def test_a_real_run_reaches_the_picture(keras_once, make_lab):
    lab = make_lab(samples=30)
    first = lab.runs[0]
    assert first.model.count_params() == 2 * 128 + 128 + 128 * 128 + 128 + 128 + 1
    assert f"a train-validation gap of {first.gap:.3f}" in lab.caption.value
    image = lab.image.value
    lab.regularizer.value = "l2"
    lab.reg_strength.value = 0.03
    lab.train.click()
    assert lab.wait()
    assert lab.image.value != image
    assert lab.runs[-1].label == "30 samples · L2 0.03"
    assert lab.runs[-1].gap < first.gap
    assert lab.errors == []


def test_rapid_real_clicks_leave_only_the_last_one_kept(keras_once, make_lab):
    lab = make_lab(samples=30)
    lab.dropout.value = 0.2
    lab.train.click()
    lab.dropout.value = 0.4
    lab.train.click()  # no waiting in between
    assert lab.wait()
    assert [run.dropout for run in lab.runs] == [0.0, 0.4]
    assert lab.errors == []
    assert not _threads()


# --- bad input (the same rows belong in tests/test_bad_input.py) ---------------------------

LAB_BAD_INPUT = [
    ({"samples": 50}, ValueError, "one of 30, 60, 100, 200, 400, 1000"),
    ({"samples": "60"}, TypeError, "samples='60'"),
    ({"dropout": 0.7}, ValueError, "0 to 0.6"),
    ({"dropout": "0.5"}, TypeError, "dropout='0.5'"),
    ({"regularizer": "l3"}, ValueError, "one of 'l1', 'l2'"),
    ({"regularizer": "L2"}, ValueError, "Did you mean 'l2'"),
    ({"regularizer": 2}, TypeError, "regularizer=2"),
    ({"reg_strength": 0.002}, ValueError, "one of 0.0001, 0.0003, 0.001"),
    ({"reg_strength": "strong"}, TypeError, "reg_strength='strong'"),
    ({"patience": 0}, ValueError, "patience=0"),
    ({"patience": 20.0}, TypeError, "patience=20.0"),
    ({"batch_norm": 1}, TypeError, "batch_norm=1"),
    ({"batch_norm": "yes"}, TypeError, "batch_norm='yes'"),
    ({"epochs": 250}, ValueError, "one of 100, 200, 300, 500"),
    ({"epochs": 300.0}, TypeError, "epochs=300.0"),
    ({"seed": -1}, ValueError, "seed=-1"),
    ({"seed": "0"}, TypeError, "seed='0'"),
    ({"first_run": "no"}, TypeError, "first_run='no'"),
    ({"first_run": None}, TypeError, "first_run=None"),
]  # fmt: skip


@pytest.mark.parametrize(("kwargs", "error", "fragment"), LAB_BAD_INPUT)
def test_the_lab_refuses_bad_input_clearly(kwargs, error, fragment):
    with pytest.raises(error) as caught:
        regularization_lab(**kwargs)
    assert fragment in str(caught.value)
    assert "Received" in str(caught.value), "errors say what they received"
    assert not _threads()  # refused before any work started
