"""`hlcourse.regularization` beyond what the lab needs (those tests live in
tests/test_regularization_lab.py): its data for models of your own, batch normalization's
position and momentum, and the activation record of `track_every`."""

from __future__ import annotations

import numpy as np
import pytest

from hlcourse import probe, regularization
from hlcourse.regularization import overfitting_data, run_regularization


@pytest.fixture(scope="module", autouse=True)
def keras_once():
    import keras

    keras.backend.clear_session()
    keras.utils.set_random_seed(0)


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
