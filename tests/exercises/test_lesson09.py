"""Exercises of lesson 09: realistic wrong answers get a message that says what is wrong."""

from __future__ import annotations

import pytest

from .answers import assert_says_what_is_wrong, dense, keras_module, sequential

# (exercise id, a wrong answer a learner might give, a fragment the feedback must contain)
WRONG_ANSWERS = [
    ("09.1", 3 * 3 * 16 + 16, "each filter has its own 3x3 window"),
    ("09.1", 3 * 3 * 8 * 16, "also has a bias"),
    ("09.1", 3 * 3 * 8 + 1, "one filter's parameters"),
    ("09.1", 1.5, "one whole number"),
    ("09.2", (7, 7, 16), "padding=\"same\""),
    ("09.2", (6, 6, 16), "rounds down"),
    ("09.2", (5, 5, 8), "Check the channels"),
    ("09.2", "5x5x16", "a tuple like"),
    ("09.3", lambda: sequential(dense(10, "softmax"), inputs=(8, 8, 1)), "at least one `Conv2D`"),
    ("09.3", lambda: sequential(keras_module().layers.Conv2D(32, 3), keras_module().layers.Flatten(),
                                dense(10, "softmax"), inputs=(8, 8, 1)), "stay below 6,000"),
    ("09.3", lambda: sequential(keras_module().layers.Conv2D(4, 3),
                                keras_module().layers.GlobalMaxPooling2D(), dense(10, "softmax"),
                                inputs=(28, 28, 1)), "the digits are (8, 8, 1)"),
    ("09.3", lambda: sequential(keras_module().layers.Conv2D(1, 8), keras_module().layers.Flatten(),
                                dense(10, "softmax"), inputs=(8, 8, 1)), "reach 0.95"),
    ("09.3", "a CNN", "asks for a Keras model"),
]  # fmt: skip


@pytest.mark.parametrize(("exercise_id", "answer", "fragment"), WRONG_ANSWERS)
def test_wrong_answers_say_what_is_wrong(exercise_id, answer, fragment):
    assert_says_what_is_wrong(exercise_id, answer, fragment)
