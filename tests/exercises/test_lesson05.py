"""Exercises of lesson 05: realistic wrong answers get a message that says what is wrong."""

from __future__ import annotations

import pytest

from .answers import assert_says_what_is_wrong


def two_layer_net(register=True, config=True):
    """Lesson 05's TwoLayerNet, with or without what makes it saveable."""
    import keras

    class TwoLayerNet(keras.Model):
        def __init__(self, hidden_units=16, n_classes=10, **kwargs):
            super().__init__(**kwargs)
            self.hidden_units, self.n_classes = hidden_units, n_classes
            self.hidden = keras.layers.Dense(hidden_units, activation="relu")
            self.out = keras.layers.Dense(n_classes, activation="softmax")

        def call(self, inputs):
            return self.out(self.hidden(inputs))

        if config:

            def get_config(self):
                return {"hidden_units": self.hidden_units, "n_classes": self.n_classes}

    if register:
        keras.saving.register_keras_serializable(package="tests05")(TwoLayerNet)
    return TwoLayerNet


# (exercise id, a wrong answer a learner might give, a fragment the feedback must contain)
WRONG_ANSWERS = [
    ("05.1", 18821, "64 inputs"),
    ("05.1", 12960, "weights only"),
    ("05.1", 13024, "left out the output layer"),
    ("05.1", 13189.0, "one whole number"),
    ("05.2", lambda: two_layer_net(register=False), "not registered"),
    ("05.2", lambda: two_layer_net(config=False), "hidden_units=16"),
    ("05.2", lambda: two_layer_net()(), "the class itself"),
    ("05.3", {"a": "functional", "b": "functional", "c": "subclassed", "d": "functional"},
     "nothing beyond the simplest style"),
    ("05.3", {"a": "sequential", "b": "functional", "c": "functional", "d": "sequential"},
     "(1 more to rethink"),
    ("05.3", {"a": "sequential", "b": "graph", "c": "subclassed", "d": "functional"},
     "the answer for b is not one of them"),
    ("05.3", ["sequential"], "keys"),
]  # fmt: skip


@pytest.mark.parametrize(("exercise_id", "answer", "fragment"), WRONG_ANSWERS)
def test_wrong_answers_say_what_is_wrong(exercise_id, answer, fragment):
    assert_says_what_is_wrong(exercise_id, answer, fragment)
