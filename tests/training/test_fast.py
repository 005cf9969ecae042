"""Tests for hlcourse.training.train_fast: it trains what fit trains, reports per epoch, stops
when asked, repeats itself for a seed, and its losses agree with evaluate() and a hand
computation."""

from __future__ import annotations

import numpy as np
import pytest

from hlcourse import data
from hlcourse.models import build_dense_network, compile_for
from hlcourse.training import train_fast

TOL = {"rtol": 1e-5, "atol": 1e-6}


def hand_bce(model, x, y) -> float:
    """Binary cross-entropy computed with NumPy, clipping as Keras does (epsilon 1e-7)."""
    p = np.clip(np.asarray(model(x, training=False))[:, 0], 1e-7, 1 - 1e-7)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def test_loss_goes_down_on_a_tiny_problem(xor, net):
    history = train_fast(net(), xor.x_train, xor.y_train, epochs=300, learning_rate=0.05)
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert history["accuracy"][-1] > 0.9


def test_history_has_one_value_per_epoch_for_each_key(xor, net):
    history = train_fast(
        net(), xor.x_train, xor.y_train, epochs=37, validation_data=(xor.x_test, xor.y_test)
    )
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(values) == 37 for values in history.values())
    assert all(isinstance(value, float) for values in history.values() for value in values)


def test_regression_history_has_no_accuracy(net):
    curve = data.make_curve("sine", 60, seed=0)
    model = build_dense_network(1, (8,), activation="tanh", output="regression")
    history = train_fast(model, curve.x_train, curve.y_train, epochs=5,
                         validation_data=(curve.x_test, curve.y_test))  # fmt: skip
    assert set(history) == {"loss", "val_loss"}


def test_first_epoch_loss_is_the_loss_before_training(xor, net):
    """Full batch, the first epoch's loss is measured before the first step, as in fit."""
    model = compile_for(net(), learning_rate=0.05)
    before = model.evaluate(xor.x_train, xor.y_train, verbose=0, return_dict=True)
    assert before["loss"] == pytest.approx(hand_bce(model, xor.x_train, xor.y_train), rel=1e-5)
    history = train_fast(model, xor.x_train, xor.y_train, epochs=1)
    assert history["loss"][0] == pytest.approx(before["loss"], rel=1e-5)
    assert history["accuracy"][0] == pytest.approx(before["accuracy"], rel=1e-6)


def test_validation_scores_agree_with_evaluate_and_by_hand(xor, net):
    model = compile_for(net(), learning_rate=0.05)
    history = train_fast(model, xor.x_train, xor.y_train, epochs=60,
                         validation_data=(xor.x_test, xor.y_test))  # fmt: skip
    scores = model.evaluate(xor.x_test, xor.y_test, verbose=0, return_dict=True)
    assert history["val_loss"][-1] == pytest.approx(scores["loss"], rel=1e-5)
    assert history["val_loss"][-1] == pytest.approx(
        hand_bce(model, xor.x_test, xor.y_test), rel=1e-4
    )
    assert history["val_accuracy"][-1] == pytest.approx(scores["accuracy"], rel=1e-6)
    # The last training loss was measured one step earlier: close to, not equal to, evaluate's.
    after = model.evaluate(xor.x_train, xor.y_train, verbose=0, return_dict=True)
    assert history["loss"][-1] == pytest.approx(after["loss"], rel=0.05)


def test_weight_penalties_count_in_the_loss_as_in_fit(xor, net):
    model = compile_for(net(regularizer="l2", reg_strength=0.1))
    before = model.evaluate(xor.x_train, xor.y_train, verbose=0, return_dict=True)["loss"]
    assert before > hand_bce(model, xor.x_train, xor.y_train) + 1e-3  # the penalty is there
    history = train_fast(model, xor.x_train, xor.y_train, epochs=1)
    assert history["loss"][0] == pytest.approx(before, rel=1e-5)


def test_should_stop_ends_training_between_chunks(xor, net):
    asked = []

    def stop() -> bool:
        asked.append(True)
        return len(asked) > 3  # allow three chunks

    history = train_fast(net(), xor.x_train, xor.y_train, epochs=100, chunk=10, should_stop=stop)
    assert len(history["loss"]) == 30
    assert len(history["accuracy"]) == 30


def test_should_stop_before_the_first_chunk_trains_nothing(xor, net):
    model = net()
    weights = [w.copy() for w in model.get_weights()]
    history = train_fast(model, xor.x_train, xor.y_train, epochs=50, should_stop=lambda: True)
    assert history == {"loss": [], "accuracy": []}
    for before, after in zip(weights, model.get_weights(), strict=True):
        np.testing.assert_array_equal(before, after)


def test_on_progress_reports_after_every_chunk(xor, net):
    reports = []
    train_fast(net(), xor.x_train, xor.y_train, epochs=25, chunk=10,
               on_progress=lambda done, h: reports.append((done, len(h["loss"]))))  # fmt: skip
    assert reports == [(10, 10), (20, 20), (25, 25)]
    reports.clear()
    train_fast(net(), xor.x_train, xor.y_train, epochs=100,
               on_progress=lambda done, h: reports.append(done))  # fmt: skip
    assert reports == list(range(5, 101, 5))  # without `chunk`: 20 reports


def test_chunking_does_not_change_the_result(xor, net):
    kwargs = {"epochs": 30, "batch_size": 32, "seed": 1}
    one = train_fast(net(), xor.x_train, xor.y_train, **kwargs)
    many = train_fast(net(), xor.x_train, xor.y_train, chunk=7, **kwargs)
    np.testing.assert_allclose(one["loss"], many["loss"], **TOL)


@pytest.mark.parametrize("batch_size", [None, 16])
def test_same_seed_same_history(xor, net, batch_size):
    runs = [
        train_fast(net(seed=0), xor.x_train, xor.y_train, epochs=20, batch_size=batch_size, seed=3)
        for _ in range(2)
    ]
    assert runs[0] == runs[1]  # bit for bit


def test_another_shuffling_seed_gives_another_history(xor, net):
    a = train_fast(net(), xor.x_train, xor.y_train, epochs=5, batch_size=16, seed=0)
    b = train_fast(net(), xor.x_train, xor.y_train, epochs=5, batch_size=16, seed=1)
    assert a["loss"] != b["loss"]


def test_mini_batches_take_one_step_each(xor, net):
    model = compile_for(net(), optimizer="sgd", learning_rate=0.1)
    train_fast(model, xor.x_train, xor.y_train, epochs=4, batch_size=40)
    # 150 training points in batches of 40: 4 steps per epoch (the last batch has 30).
    assert int(model.optimizer.iterations.numpy()) == 16


def test_a_batch_larger_than_the_data_is_full_batch(xor, net):
    full = train_fast(net(), xor.x_train, xor.y_train, epochs=10)
    big = train_fast(net(), xor.x_train, xor.y_train, epochs=10, batch_size=10_000)
    assert full == big


def test_learning_rate_makes_a_fresh_copy_of_the_compiled_optimizer(xor, net):
    model = compile_for(net(), optimizer="sgd", learning_rate=0.1)
    train_fast(model, xor.x_train, xor.y_train, epochs=5, learning_rate=0.5)
    assert int(model.optimizer.iterations.numpy()) == 0  # the compiled one was not used
    assert float(model.optimizer.learning_rate.numpy()) == pytest.approx(0.1)


def test_a_second_call_continues_training(xor, net):
    model = net()
    first = train_fast(model, xor.x_train, xor.y_train, epochs=100, learning_rate=0.05)
    second = train_fast(model, xor.x_train, xor.y_train, epochs=10, learning_rate=0.05)
    assert second["loss"][0] == pytest.approx(first["loss"][-1], rel=0.05)
    assert len(model.__dict__["_hlc_training_loops"]) == 1  # the compiled loop was reused


def test_several_classes_and_dropout(net):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(90, 2)).astype("float32")
    y = (np.arctan2(x[:, 1], x[:, 0]) // (2 * np.pi / 3)).astype(int) % 3
    model = net((16,), output="classes", n_outputs=3, dropout=0.1)
    history = train_fast(model, x, y, epochs=150, learning_rate=0.05, batch_size=30)
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert history["accuracy"][-1] > 0.8


def test_an_unbuilt_model_is_built_on_the_data(xor, keras_fresh):
    model = keras_fresh.Sequential([keras_fresh.layers.Dense(4), keras_fresh.layers.Dense(1)])
    history = train_fast(model, xor.x_train, xor.y_train, epochs=3)
    assert model.built and set(history) == {"loss"}  # a linear output: mean squared error


def test_a_loss_by_name_or_object(xor, net):
    import keras

    by_name = train_fast(net(), xor.x_train, xor.y_train, epochs=3, loss="binary_crossentropy")
    by_object = train_fast(net(), xor.x_train, xor.y_train, epochs=3,
                           loss=keras.losses.BinaryCrossentropy())  # fmt: skip
    inferred = train_fast(net(), xor.x_train, xor.y_train, epochs=3)
    np.testing.assert_allclose(by_name["loss"], by_object["loss"], **TOL)
    np.testing.assert_allclose(by_name["loss"], inferred["loss"], **TOL)
    assert set(by_name) == {"loss", "accuracy"}


def test_training_notes_the_models_variable_shapes_for_the_kernel_cache(xor, net, monkeypatch):
    """train_fast bounds TensorFlow's kernel cache for the model it trains (hlcourse._tf.memory),
    so widgets that build a model of a new width on every change need not."""
    from hlcourse._tf import memory

    monkeypatch.setattr(memory, "_shapes_seen", set())
    monkeypatch.setattr(memory, "_freed_loops", [0])
    model = net((5,))
    train_fast(model, xor.x_train, xor.y_train, epochs=1)
    assert memory._shapes_seen == {tuple(w.shape) for w in model.weights}
