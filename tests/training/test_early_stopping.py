"""Early stopping in `hlcourse.training.train_fast`, as the overfitting lab (lesson 06) uses
it: the same stopping epoch whatever the chunk, the best weights restored or the last kept,
agreement with Keras' own EarlyStopping, and the errors for bad arguments."""

from __future__ import annotations

import numpy as np
import pytest

from hlcourse import data, models
from hlcourse.training import train_fast


@pytest.fixture(scope="module")
def keras_once():
    """A cleared Keras session once for this file."""
    import keras

    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    return keras


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
