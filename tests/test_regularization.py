"""`hlcourse.regularization` on its own: `run_regularization`'s record, its early stopping,
the data for models of your own, batch normalization's position and momentum, the activation
record of `track_every`, and the errors for bad input. The lab widget that calls it is tested
in tests/widgets/test_regularization_lab.py."""

from __future__ import annotations

import random

import numpy as np
import pytest

from hlcourse import models, probe, regularization
from hlcourse.regularization import RegularizationRun, overfitting_data, run_regularization


@pytest.fixture(scope="module", autouse=True)
def keras_once():
    import keras

    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    return keras


# --- the data ------------------------------------------------------------------------------------


def test_overfitting_data_is_what_run_regularization_trains_and_scores_on():
    ds = overfitting_data(samples=60, seed=2)
    pool = regularization.data_pool(2)
    assert ds.x_train.shape == (60, 2) and ds.y_train.shape == (60,)
    assert ds.x_test.shape == (regularization.VALIDATION, 2)
    np.testing.assert_array_equal(ds.x_train, pool.x_train[:60])
    np.testing.assert_array_equal(ds.x_test, pool.x_test)
    assert set(np.unique(ds.y_train)) == {0, 1} and ds.name == "moons"


def test_more_samples_keep_the_first_ones_and_the_validation_points():
    few, many = overfitting_data(samples=30, seed=1), overfitting_data(samples=200, seed=1)
    np.testing.assert_array_equal(many.x_train[:30], few.x_train)
    np.testing.assert_array_equal(many.x_test, few.x_test)
    assert not np.array_equal(overfitting_data(seed=0).x_train, overfitting_data(seed=1).x_train)


# --- batch normalization: position and momentum ----------------------------------------------------


def test_batch_norm_after_the_activation_keeps_the_dense_bias_and_its_relu():
    run = run_regularization(samples=30, batch_norm=True, batch_norm_position="after", epochs=3)
    names = [layer.name for layer in run.model.layers]
    assert names == ["hidden_1", "hidden_1_bn", "hidden_2", "hidden_2_bn", "output"]
    dense = run.model.get_layer("hidden_1")
    assert dense.use_bias and dense.activation.__name__ == "relu"
    assert run.batch_norm_position == "after"
    assert run.label == "30 samples · batch norm after relu"


def test_momentum_changes_prediction_mode_only():
    """Training uses the batch's statistics: the momentum of the moving averages leaves the
    training curve alone and changes what the network computes for predictions."""
    settings = {"samples": 30, "batch_norm": True, "epochs": 30, "seed": 1}
    quick = run_regularization(**settings)
    slow = run_regularization(**settings, batch_norm_momentum=0.99)
    assert slow.model.get_layer("hidden_2_bn").momentum == 0.99
    assert slow.batch_norm_momentum == 0.99 and quick.batch_norm_momentum == 0.5
    np.testing.assert_allclose(slow.history["loss"], quick.history["loss"], rtol=1e-5)
    assert slow.history["val_loss"] != quick.history["val_loss"]
    assert slow.label == "30 samples · batch norm (momentum 0.99)"
    assert run_regularization(**slow.settings).history == slow.history


# --- the activation record -------------------------------------------------------------------------


@pytest.mark.parametrize("batch_norm", [False, True])
def test_tracking_records_without_changing_the_training(batch_norm):
    settings = {"samples": 30, "batch_norm": batch_norm, "epochs": 40, "seed": 3}
    plain = run_regularization(**settings)
    tracked = run_regularization(**settings, track_every=10)
    assert tracked.history == plain.history
    record = tracked.activation_history
    assert record["epoch"] == [10, 20, 30, 40]
    assert set(record) == {"epoch", "hidden_1_std", "hidden_1_dead", "hidden_2_std",
                           "hidden_2_dead"}  # fmt: skip
    assert all(len(values) == 4 for values in record.values())
    assert all(0 <= share <= 1 for share in record["hidden_2_dead"])


def test_the_last_record_is_what_keras_computes_for_the_trained_network():
    """The record's NumPy forward pass matches Keras' layers in inference mode."""
    data = overfitting_data(samples=30, seed=0)
    normalized = run_regularization(samples=30, batch_norm=True, epochs=20, track_every=20)
    pre = probe.hidden_activations(normalized.model, data.x_train, layers=["hidden_2_bn"])
    z = pre["hidden_2_bn"]
    record = normalized.activation_history
    assert record["hidden_2_std"][-1] == pytest.approx(float(np.std(z)), rel=1e-4)
    assert record["hidden_2_dead"][-1] == pytest.approx(float(np.mean(np.all(z <= 0, axis=0))))
    plain = run_regularization(samples=30, epochs=20, track_every=20)
    out = probe.hidden_activations(plain.model, data.x_train, layers=["hidden_2"])["hidden_2"]
    dead = float(np.mean(np.all(out == 0, axis=0)))  # relu outputs 0 where its input is <= 0
    assert plain.activation_history["hidden_2_dead"][-1] == pytest.approx(dead)


def test_tracking_reports_progress_too():
    reports = []
    run = run_regularization(
        samples=30, epochs=20, track_every=5, on_progress=lambda done, h: reports.append(done)
    )
    assert reports == [5, 10, 15, 20] == run.activation_history["epoch"]


# --- bad input -----------------------------------------------------------------------------------

BAD_DATA = [
    ({"samples": 9}, ValueError, "10 to 1000"),
    ({"samples": 60.0}, TypeError, "samples=60.0"),
    ({"seed": 10_000}, ValueError, "0 to 9999"),
    ({"seed": "1"}, TypeError, "seed='1'"),
]


@pytest.mark.parametrize(("kwargs", "error", "fragment"), BAD_DATA)
def test_overfitting_data_refuses_bad_input_clearly(kwargs, error, fragment):
    with pytest.raises(error, match="Received") as caught:
        overfitting_data(**kwargs)
    assert fragment in str(caught.value)


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
    pool = regularization.data_pool(0)
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
    assert [run.model.get_layer(f"hidden_{i}").units for i in (1, 2)] == list(regularization.HIDDEN)
    assert run.model.get_layer("hidden_1_bn").momentum == regularization.BN_MOMENTUM
    assert (run.batch_norm_position, run.batch_norm_momentum) == (
        "before",
        regularization.BN_MOMENTUM,
    )
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
    runs = [run_regularization(samples=30, epochs=2, seed=seed) for seed in (0, 1)]
    assert [run.model.name for run in runs] == [regularization.MODEL_NAME] * 2
    assert [w.path for w in runs[0].model.weights] == [w.path for w in runs[1].model.weights]


def test_the_penalty_is_in_the_history_not_in_the_gap(keras_once):
    run = run_regularization(samples=30, regularizer="l2", reg_strength=0.03, epochs=10)
    assert run.history["val_loss"][-1] > run.val_loss + 1e-3  # fit adds the penalty
    assert run.gap == pytest.approx(run.val_loss - run.train_loss)


def test_more_samples_are_a_longer_prefix_of_the_same_pool(keras_once):
    pool = regularization.data_pool(0)
    assert (
        len(pool.x_train) == regularization.POOL and len(pool.x_test) == regularization.VALIDATION
    )
    assert regularization.data_pool(0) is pool  # made once per seed
    assert not np.array_equal(regularization.data_pool(1).x_train[:5], pool.x_train[:5])


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


# --- bad input (the same rows belong in tests/test_bad_input.py) ---------------------------

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


@pytest.mark.parametrize(("kwargs", "error", "fragment"), RUN_BAD_INPUT)
def test_run_regularization_refuses_bad_input_clearly(kwargs, error, fragment):
    with pytest.raises(error) as caught:
        run_regularization(**kwargs)
    assert fragment in str(caught.value)
    assert "Received" in str(caught.value), "errors say what they received"
