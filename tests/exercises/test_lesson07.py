"""Exercises of lesson 07: realistic wrong answers get a message that says what is wrong."""

from __future__ import annotations

import numpy as np
import pytest

from .answers import assert_says_what_is_wrong, dense, keras_module, sequential

# (exercise id, a wrong answer a learner might give, a fragment the feedback must contain)
WRONG_ANSWERS = [
    ("07.1", {"activation": "sigmoid", "initializer": "he_normal", "batch_norm": False},
     "change the activation"),
    ("07.1", {"activation": "sigmoid"}, "keys"),
    ("07.1", {"activation": "relu", "initializer": None, "batch_norm": "no"}, "True or False"),
    ("07.1", {"activation": "relux", "initializer": None, "batch_norm": False}, "cannot be built"),
    ("07.2", lambda: keras_module().optimizers.SGD(0.01), "became NaN"),
    ("07.2", lambda: keras_module().optimizers.SGD(1e-6, clipnorm=1.0), "aim for at most"),
    ("07.2", "sgd", "optimizer object"),
    ("07.3", 8, "There are 8 units"),
    ("07.3", 0, "not nothing"),
    ("07.3", 1.0, "whole number"),
    ("07.4", lambda: keras_module().Sequential([dense(32, "relu"), dense(10, "softmax")]),
     "not built"),
    ("07.4", lambda: sequential(dense(32, "relu"), dense(10, "softmax"), inputs=(8,)),
     "expects 8 input features"),
    ("07.4", lambda: sequential(dense(64, "relu"), dense(10, "softmax"), inputs=(64,)),
     "4,810 parameters"),
    ("07.4", "model", "Keras model"),
    ("07.5", "sparse_categorical_crossentropy", "expects probabilities"),
    ("07.5", lambda: keras_module().losses.SparseCategoricalCrossentropy(), "from_logits=True"),
    ("07.5", lambda: keras_module().losses.CategoricalCrossentropy(from_logits=True), "one-hot"),
    ("07.5", lambda: keras_module().losses.MeanSquaredError(), "not a classification loss"),
    ("07.5", 3, "loss object"),
    ("07.6", lambda: (lambda a, b: ((a - a.mean(0)) / a.std(0), (b - b.mean(0)) / b.std(0))),
     "its own mean"),
    ("07.6", lambda: (lambda a, b: ((a - a.mean()) / a.std(), (b - a.mean()) / a.std())),
     "per column"),
    ("07.6", lambda: (lambda a, b: a / a.max()), "a pair"),
    ("07.6", np.zeros(3), "asks for a function"),
]  # fmt: skip


@pytest.mark.parametrize(("exercise_id", "answer", "fragment"), WRONG_ANSWERS)
def test_wrong_answers_say_what_is_wrong(exercise_id, answer, fragment):
    assert_says_what_is_wrong(exercise_id, answer, fragment)
