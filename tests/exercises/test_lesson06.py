"""Exercises of lesson 06: realistic wrong answers get a message that says what is wrong."""

from __future__ import annotations

import numpy as np
import pytest

from .answers import assert_says_what_is_wrong, keras_module

# --- 06.1: dropout written the ways a learner gets it wrong -------------------------------------


def _mask(x, rate, seed=None):
    return np.random.default_rng(seed).random(np.shape(x)) >= rate  # True: kept


def unscaled(x, rate):
    return np.where(_mask(x, rate), x, 0.0)


def keep_and_drop_swapped(x, rate):
    return np.where(~_mask(x, rate), x / rate, 0.0)  # keeps a share `rate`


def scaled_down(x, rate):
    return np.where(_mask(x, rate), x * (1 - rate), 0.0)


def same_mask_every_call(x, rate):
    return np.where(_mask(x, rate, seed=0), x / (1 - rate), 0.0)


def in_place(x, rate):
    x *= _mask(x, rate) / (1 - rate)
    return x


# --- 06.2: build functions a learner might write --------------------------------------------------


def builder(*, dropout=0.0, l2=None, compile=True, loss="binary_crossentropy", inputs=2,
            outputs=1, activation="sigmoid", units=128, noise=None):  # fmt: skip
    """A `build()` for the moons network, with the given cure and compile settings."""
    keras = keras_module()

    def build():
        layers = [keras.Input(shape=(inputs,))]
        if noise:
            layers.append(keras.layers.GaussianNoise(noise))
        for _ in range(2):
            penalty = keras.regularizers.L2(l2) if l2 else None
            layers.append(keras.layers.Dense(units, activation="relu", kernel_regularizer=penalty))
            if dropout:
                layers.append(keras.layers.Dropout(dropout))
        layers.append(keras.layers.Dense(outputs, activation=activation))
        model = keras.Sequential(layers)
        if compile:
            model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss=loss)
        return model

    return build


# (exercise id, a wrong answer a learner might give, a fragment the feedback must contain);
# a callable is called at test time to build the answer.
WRONG_ANSWERS = [
    ("06.1", lambda: unscaled, "scales the survivors"),
    ("06.1", lambda: keep_and_drop_swapped, "share to keep"),
    ("06.1", lambda: scaled_down, "lowers the average twice over"),
    ("06.1", lambda: same_mask_every_call, "exactly the same entries"),
    ("06.1", lambda: in_place, "changed the array it was given"),
    ("06.1", 0.75, "the function itself"),
    ("06.2", lambda: builder(dropout=0.5, l2=0.01), "dropout alone"),  # the lesson's cell
    ("06.2", lambda: builder(l2=0.01), "Take the penalties out"),
    ("06.2", lambda: builder(), "Nothing in this model drops units"),
    ("06.2", lambda: builder(noise=0.3), "Nothing in this model drops units"),
    ("06.2", lambda: builder(dropout=0.5), "make the cure stronger"),
    ("06.2", lambda: builder(dropout=0.3), "which way makes the cure stronger"),
    ("06.2", lambda: builder(dropout=0.95), "underfits"),
    ("06.2", lambda: builder(dropout=0.1, units=16), "this exercise is about dropout"),
    ("06.2", lambda: builder(dropout=0.7, compile=False), "not compiled"),
    ("06.2", lambda: builder(dropout=0.7, loss="mse"), "binary cross-entropy"),
    ("06.2", lambda: builder(dropout=0.7, inputs=3), "input shape is (2,)"),
    ("06.2", lambda: builder(dropout=0.7, outputs=2, activation="softmax",
                             loss="sparse_categorical_crossentropy"), "one number per point"),
    ("06.2", lambda: builder(dropout=0.7)(), "the function that builds one"),
    ("06.3", 2.0, "where the average is heading"),
    ("06.3", 0.02, "after one step"),
    ("06.3", 2.0 * 0.99**100, "distance still left"),
    ("06.3", "1.27", "one number"),
]  # fmt: skip


@pytest.mark.parametrize(("exercise_id", "answer", "fragment"), WRONG_ANSWERS)
def test_wrong_answers_say_what_is_wrong(exercise_id, answer, fragment):
    assert_says_what_is_wrong(exercise_id, answer, fragment)
