"""The overfitting lab (lesson 06): `run_regularization`'s record, early stopping in
`train_fast`, and the widget driven from code (set `.value`, `.click()`, `.wait()`, then read
the PNG bytes, the caption, the status and `.runs`).

Most widget tests replace the training with a fake that returns a record at once (or waits
at a gate the test opens), so they test the widget's logic deterministically; a few train
for real."""

from __future__ import annotations

import importlib
import random
import threading

import matplotlib.pyplot as plt
import numpy as np
import pytest

from hlcourse import data, models
from hlcourse.training import train_fast
from hlcourse.widgets.regularization_lab import (
    RegularizationRun,
    regularization_lab,
    run_regularization,
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


# --- run_regularization: the record ------------------------------------------------------------


@pytest.fixture(scope="module")
def short_run(keras_once) -> RegularizationRun:
    return run_regularization(samples=30, epochs=40, seed=0)


def test_the_record_holds_settings_history_and_scores(short_run):
    run = short_run
    assert run.settings == {"samples": 30, "dropout": 0.0, "regularizer": None,
                            "reg_strength": None, "patience": None, "batch_norm": False,
                            "batch_norm_position": None, "batch_norm_momentum": None,
                            "epochs": 40, "seed": 0}  # fmt: skip
    assert run.activation_history is None  # recorded only with track_every
    assert set(run.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(values) == 40 for values in run.history.values())
    assert run.epochs_run == 40 and run.stopped_epoch is None
    assert run.best_epoch == int(np.argmin(run.history["val_loss"])) + 1
    assert run.gap == pytest.approx(run.val_loss - run.train_loss)
    assert run.accuracy_gap == pytest.approx(run.train_accuracy - run.val_accuracy)
    assert 0 <= run.train_accuracy <= 1 and 0 <= run.val_accuracy <= 1
    assert run.seconds > 0
    assert run.label == "30 samples · no regularization"


def test_scores_are_what_evaluate_reports_for_the_kept_weights(short_run):
    model = models.compile_for(short_run.model)
    pool = module.data_pool(0)
    train = model.evaluate(pool.x_train[:30], pool.y_train[:30], verbose=0, return_dict=True)
    val = model.evaluate(pool.x_test, pool.y_test, verbose=0, return_dict=True)
    assert short_run.train_loss == pytest.approx(train["loss"], rel=1e-4)
    assert short_run.val_loss == pytest.approx(val["loss"], rel=1e-4)
    assert short_run.val_accuracy == pytest.approx(val["accuracy"], abs=1e-6)
    # Without dropout or a penalty the last validation loss of the history is the same number.
    assert short_run.val_loss == pytest.approx(short_run.history["val_loss"][-1], rel=1e-4)


def test_the_network_is_the_wide_one_built_by_the_models_module(keras_once):
    run = run_regularization(samples=30, dropout=0.3, batch_norm=True, regularizer="l2",
                             epochs=2)  # fmt: skip
    names = [layer.name for layer in run.model.layers]
    per_layer = [f"hidden_{i}{part}" for i in (1, 2) for part in ("", "_bn", "_act", "_dropout")]
    assert names == [*per_layer, "output"]
    assert [run.model.get_layer(f"hidden_{i}").units for i in (1, 2)] == list(module.HIDDEN)
    assert run.model.get_layer("hidden_1_bn").momentum == module.BN_MOMENTUM
    assert (run.batch_norm_position, run.batch_norm_momentum) == ("before", module.BN_MOMENTUM)
    assert not run.model.get_layer("hidden_1").use_bias  # beta shifts instead
    assert run.reg_strength == 0.001  # the default factor with a penalty
    assert run.label == "30 samples · dropout 0.3 · L2 0.001 · batch norm"


def test_the_same_seed_gives_the_same_run_whatever_the_global_seeds(keras_once):
    """Dropout masks come from the seed, not from Keras' or Python's global random state."""
    settings = {"samples": 30, "dropout": 0.3, "epochs": 15, "seed": 3}
    first = run_regularization(**settings)
    keras_once.utils.set_random_seed(1234)
    random.seed(99)
    again = run_regularization(**settings)
    assert first.history == again.history  # bit for bit
    assert run_regularization(**first.settings).history == first.history
    other = run_regularization(**{**settings, "seed": 4})
    assert other.history != first.history


def test_every_run_builds_a_model_of_one_name(keras_once):
    """TensorFlow caches a kernel per variable name for the life of the process: runs reuse
    the names, so a setting seen before adds nothing to the cache."""
    from hlcourse import regularization

    runs = [run_regularization(samples=30, epochs=2, seed=seed) for seed in (0, 1)]
    assert [run.model.name for run in runs] == [regularization.MODEL_NAME] * 2
    assert [w.path for w in runs[0].model.weights] == [w.path for w in runs[1].model.weights]


def test_the_penalty_is_in_the_history_not_in_the_gap(keras_once):
    run = run_regularization(samples=30, regularizer="l2", reg_strength=0.03, epochs=10)
    assert run.history["val_loss"][-1] > run.val_loss + 1e-3  # fit adds the penalty
    assert run.gap == pytest.approx(run.val_loss - run.train_loss)


def test_more_samples_are_a_longer_prefix_of_the_same_pool(keras_once):
    pool = module.data_pool(0)
    assert len(pool.x_train) == module.POOL and len(pool.x_test) == module.VALIDATION
    assert module.data_pool(0) is pool  # made once per seed
    assert not np.array_equal(module.data_pool(1).x_train[:5], pool.x_train[:5])


def test_epochs_to_finds_the_first_epoch_at_or_below_a_loss(short_run):
    losses = np.asarray(short_run.history["loss"])
    target = float(losses[9])
    first = short_run.epochs_to(target)
    assert first is not None and first <= 10
    assert losses[first - 1] <= target and np.all(losses[: first - 1] > target)
    assert short_run.epochs_to(1e-12) is None
    with pytest.raises(ValueError, match="loss=0"):
        short_run.epochs_to(0)
    with pytest.raises(TypeError, match="loss='low'"):
        short_run.epochs_to("low")


def test_the_default_run_overfits_visibly(keras_once):
    """What the lab's first picture must show (seed 0; a sweep over seeds 0-4 gave training
    losses of 0.001-0.023 and final validation losses 3.3-7.8 times their minimum)."""
    run = run_regularization()
    val = np.asarray(run.history["val_loss"])
    assert run.train_loss < 0.05
    assert val[-1] > 2 * val.min()
    assert run.gap > 0.5


def test_should_stop_cancels_and_on_progress_reports(keras_once):
    asked, reports = [], []

    def stop() -> bool:
        asked.append(True)
        return len(asked) > 2

    def report(done: int, history: dict) -> None:
        reports.append((done, len(history["loss"])))

    run = run_regularization(samples=30, epochs=100, should_stop=stop, on_progress=report)
    assert run.epochs_run == 10  # two chunks of 100 / 20 epochs
    assert reports == [(5, 5), (10, 10)]
    assert run.stopped_epoch is None  # cancelled is not stopped early


# --- early stopping ----------------------------------------------------------------------------


def test_early_stopping_stops_after_patience_and_keeps_the_best_epoch(keras_once):
    run = run_regularization(samples=30, epochs=300, patience=5, seed=0)
    val = np.asarray(run.history["val_loss"])
    assert run.epochs_run < 300
    assert run.epochs_run == run.best_epoch + 5 == run.stopped_epoch
    assert run.best_epoch == int(np.argmin(val)) + 1
    assert np.all(val[run.best_epoch :] >= val[run.best_epoch - 1])  # no improvement after
    assert run.val_loss == pytest.approx(val.min(), rel=1e-4)  # the best weights were restored
    plain = run_regularization(samples=30, epochs=run.best_epoch, seed=0)
    assert plain.history["val_loss"] == run.history["val_loss"][: run.best_epoch]
    for kept, best in zip(run.model.get_weights(), plain.model.get_weights(), strict=True):
        np.testing.assert_array_equal(kept, best)
    assert run.label == "30 samples · early stop (5)"


def test_patience_longer_than_the_run_trains_every_epoch(keras_once):
    run = run_regularization(samples=30, epochs=20, patience=100)
    assert run.epochs_run == 20 and run.stopped_epoch is None


# The tests below are about `hlcourse.training.train_fast` (they belong in tests/test_training.py).


@pytest.fixture(scope="module")
def noisy_xor():
    return data.make_classification("xor", 120, noise=0.35, seed=1)


def _small_net(keras, seed: int = 0):
    keras.utils.set_random_seed(seed)
    return models.build_dense_network(2, (32,), activation="tanh", output="binary")


def test_train_fast_stops_at_the_same_epoch_whatever_the_chunk(keras_once, noisy_xor):
    ds = noisy_xor
    runs = []
    for chunk in (None, 1, 7):
        model = _small_net(keras_once)
        history = train_fast(
            model, ds.x_train, ds.y_train, epochs=400, learning_rate=0.05,
            validation_data=(ds.x_test, ds.y_test), patience=10, chunk=chunk,
        )  # fmt: skip
        runs.append((history, model.get_weights()))
    (first, weights), *others = runs
    assert len(first["loss"]) < 400
    assert len(first["loss"]) == int(np.argmin(first["val_loss"])) + 1 + 10
    for history, other_weights in others:
        assert history == first
        for a, b in zip(weights, other_weights, strict=True):
            np.testing.assert_array_equal(a, b)


def test_train_fast_restores_the_best_weights_or_keeps_the_last(keras_once, noisy_xor):
    ds = noisy_xor
    for restore in (True, False):
        model = _small_net(keras_once)
        history = train_fast(model, ds.x_train, ds.y_train, epochs=400, learning_rate=0.05,
                             validation_data=(ds.x_test, ds.y_test), patience=10,
                             restore_best_weights=restore)  # fmt: skip
        loss = models.compile_for(model).evaluate(ds.x_test, ds.y_test, verbose=0)[0]
        expected = min(history["val_loss"]) if restore else history["val_loss"][-1]
        assert loss == pytest.approx(expected, rel=1e-4), restore
        assert min(history["val_loss"]) < history["val_loss"][-1]  # the two cases differ


def test_train_fast_early_stopping_matches_keras_early_stopping(keras_once, noisy_xor):
    """The same epochs and the same kept weights as fit with EarlyStopping (full batch)."""
    ds = noisy_xor
    keras = keras_once
    ours = _small_net(keras)
    theirs = _small_net(keras)
    theirs.set_weights(ours.get_weights())
    history = train_fast(ours, ds.x_train, ds.y_train, epochs=300, learning_rate=0.05,
                         validation_data=(ds.x_test, ds.y_test), patience=8)  # fmt: skip
    models.compile_for(theirs, learning_rate=0.05)
    fitted = theirs.fit(
        ds.x_train, ds.y_train, batch_size=len(ds.x_train), epochs=300, shuffle=False,
        validation_data=(ds.x_test, ds.y_test), verbose=0,
        callbacks=[keras.callbacks.EarlyStopping(monitor="val_loss", patience=8,
                                                 restore_best_weights=True)],
    )  # fmt: skip
    assert len(history["loss"]) == len(fitted.history["loss"])
    np.testing.assert_allclose(history["val_loss"], fitted.history["val_loss"], rtol=1e-4)
    for a, b in zip(ours.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_train_fast_resets_the_watch_on_every_call(keras_once, noisy_xor):
    ds = noisy_xor
    model = _small_net(keras_once)
    kwargs = {"learning_rate": 0.05, "validation_data": (ds.x_test, ds.y_test), "patience": 10}
    first = train_fast(model, ds.x_train, ds.y_train, epochs=400, **kwargs)
    assert len(first["loss"]) < 400
    again = train_fast(model, ds.x_train, ds.y_train, epochs=5, **kwargs)
    assert len(again["loss"]) == 5  # a fresh watch: the best so far is this call's first epoch


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"patience": 5}, ValueError, "when `patience` is given"),
        ({"patience": 0, "validation_data": "val"}, ValueError, "patience=0"),
        ({"patience": 2.5, "validation_data": "val"}, TypeError, "patience=2.5"),
        ({"restore_best_weights": "yes"}, TypeError, "restore_best_weights='yes'"),
    ],
)
def test_train_fast_refuses_bad_early_stopping_arguments(keras_once, noisy_xor, kwargs, error,
                                                         fragment):  # fmt: skip
    ds = noisy_xor
    if kwargs.get("validation_data") == "val":
        kwargs = {**kwargs, "validation_data": (ds.x_test, ds.y_test)}
    with pytest.raises(error, match=fragment.replace("(", r"\(")):
        train_fast(_small_net(keras_once), ds.x_train, ds.y_train, epochs=3, **kwargs)


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

RUN_BAD_INPUT = [
    ({"samples": 5}, ValueError, "10 to 1000"),
    ({"samples": 60.0}, TypeError, "samples=60.0"),
    ({"dropout": -0.1}, ValueError, "dropout=-0.1"),
    ({"dropout": None}, TypeError, "dropout=None"),
    ({"regularizer": "l3"}, ValueError, "Or None for no penalty"),
    ({"regularizer": True}, TypeError, "regularizer=True"),
    ({"reg_strength": 0.01}, ValueError, "'l1' or 'l2' when `reg_strength` is given"),
    ({"regularizer": "l2", "reg_strength": 0}, ValueError, "reg_strength=0"),
    ({"regularizer": "l2", "reg_strength": 2}, ValueError, "reg_strength=2"),
    ({"regularizer": "l2", "reg_strength": "0.01"}, TypeError, "reg_strength='0.01'"),
    ({"patience": 0}, ValueError, "1 to 100"),
    ({"patience": "5"}, TypeError, "patience='5'"),
    ({"batch_norm": 0}, TypeError, "batch_norm=0"),
    ({"batch_norm": "on"}, TypeError, "batch_norm='on'"),
    ({"batch_norm_position": "after"}, ValueError, "add batch_norm=True"),
    ({"batch_norm": True, "batch_norm_position": "inside"}, ValueError, "'before', 'after'"),
    ({"batch_norm_momentum": 0.9}, ValueError, "add batch_norm=True"),
    ({"batch_norm": True, "batch_norm_momentum": -0.1}, ValueError, "0 to 0.999"),
    ({"batch_norm": True, "batch_norm_momentum": "0.9"}, TypeError, "batch_norm_momentum='0.9'"),
    ({"track_every": 0}, ValueError, "track_every=0"),
    ({"track_every": 10.0}, TypeError, "track_every=10.0"),
    ({"epochs": 0}, ValueError, "epochs=0"),
    ({"epochs": 2001}, ValueError, "1 to 2000"),
    ({"epochs": "300"}, TypeError, "epochs='300'"),
    ({"seed": 10_000}, ValueError, "0 to 9999"),
    ({"seed": 1.5}, TypeError, "seed=1.5"),
    ({"should_stop": True}, TypeError, "should_stop=True"),
    ({"on_progress": "print"}, TypeError, "on_progress='print'"),
]  # fmt: skip


@pytest.mark.parametrize(("kwargs", "error", "fragment"), LAB_BAD_INPUT)
def test_the_lab_refuses_bad_input_clearly(kwargs, error, fragment):
    with pytest.raises(error) as caught:
        regularization_lab(**kwargs)
    assert fragment in str(caught.value)
    assert "Received" in str(caught.value), "errors say what they received"
    assert not _threads()  # refused before any work started


@pytest.mark.parametrize(("kwargs", "error", "fragment"), RUN_BAD_INPUT)
def test_run_regularization_refuses_bad_input_clearly(kwargs, error, fragment):
    with pytest.raises(error) as caught:
        run_regularization(**kwargs)
    assert fragment in str(caught.value)
    assert "Received" in str(caught.value), "errors say what they received"
