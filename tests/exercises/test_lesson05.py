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


def prototypes(kind="right"):
    """Lesson 05's prototype layer, right or written in one of the ways a learner errs."""
    import keras
    import numpy as np

    class Prototypes(keras.layers.Layer):
        def __init__(self, n_prototypes, **kwargs):
            super().__init__(**kwargs)
            self.n_prototypes = n_prototypes
            if kind == "weights in init":
                self.prototypes = self.add_weight(shape=(n_prototypes, 4))

        def build(self, input_shape):
            if kind == "weights in init":
                return
            shape = (self.n_prototypes, input_shape[-1])
            self.prototypes = self.add_weight(shape=shape[::-1] if kind == "transposed" else shape)

        def call(self, inputs):
            if kind in ("transposed", "dot product"):
                points = (
                    self.prototypes
                    if kind == "transposed"
                    else keras.ops.transpose(self.prototypes)
                )
                return keras.ops.matmul(inputs, points)
            if kind == "numpy":
                x, p = np.asarray(inputs), np.asarray(self.prototypes)
                return ((x[:, None, :] - p[None]) ** 2).sum(-1)
            squared = keras.ops.sum((keras.ops.expand_dims(inputs, 1) - self.prototypes) ** 2, -1)
            return keras.ops.sqrt(squared) if kind == "distance" else squared

    if kind == "other argument name":

        class Prototypes(Prototypes):  # noqa: F811  (the learner's own name for the argument)
            def __init__(self, units, **kwargs):
                super().__init__(units, **kwargs)

    return Prototypes


# (exercise id, a wrong answer a learner might give, a fragment the feedback must contain)
WRONG_ANSWERS = [
    ("05.1", 18821, "64 inputs"),
    ("05.1", 18986, "the digits model above"),
    ("05.1", 12960, "weights only"),
    ("05.1", 13024, "left out the output layer"),
    ("05.1", 13189.0, "one whole number"),
    ("05.2", lambda: two_layer_net(register=False), "not registered"),
    ("05.2", lambda: two_layer_net(config=False), "hidden_units=16"),
    ("05.2", lambda: two_layer_net()(), "the class itself"),
    ("05.3", lambda: prototypes("weights in init"), "before its first call"),
    ("05.3", lambda: prototypes("transposed"), "the shape of a Dense kernel"),
    ("05.3", lambda: prototypes("distance"), "*squared* distances"),
    ("05.3", lambda: prototypes("dot product"), "dot product"),
    ("05.3", lambda: prototypes("numpy"), "no gradient reaches the prototypes"),
    ("05.3", lambda: prototypes("other argument name"), "an argument `n_prototypes`"),
    ("05.3", lambda: prototypes()(3), "the class itself"),
    ("05.4", {"a": "functional", "b": "functional", "c": "subclassed", "d": "functional"},
     "nothing beyond the simplest style"),
    ("05.4", {"a": "sequential", "b": "functional", "c": "functional", "d": "sequential"},
     "(1 more to rethink"),
    ("05.4", {"a": "sequential", "b": "graph", "c": "subclassed", "d": "functional"},
     "the answer for b is not one of them"),
    ("05.4", ["sequential"], "keys"),
]  # fmt: skip


@pytest.mark.parametrize(("exercise_id", "answer", "fragment"), WRONG_ANSWERS)
def test_wrong_answers_say_what_is_wrong(exercise_id, answer, fragment):
    assert_says_what_is_wrong(exercise_id, answer, fragment)
