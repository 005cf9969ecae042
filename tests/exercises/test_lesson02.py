"""Exercises of lesson 02: realistic wrong answers get a message that says what is wrong."""

from __future__ import annotations

import pytest

from .answers import assert_says_what_is_wrong, compiled, dense, sequential

# (exercise id, a wrong answer a learner might give, a fragment the feedback must contain)
WRONG_ANSWERS = [
    ("02.1", 480, "weights only"),
    ("02.1", 472, "left out the output layer"),
    ("02.1", 336, "first layer alone"),
    ("02.2", lambda: sequential(dense(16, "relu"), dense(8, "relu"), dense(3, "softmax"), inputs=(20,)),
     "not compiled"),
    ("02.2", lambda: compiled(sequential(dense(16, "relu"), dense(8, "relu"), dense(3, "softmax"),
                                         inputs=(20,)), "categorical_crossentropy"), "one-hot"),
    ("02.2", lambda: compiled(sequential(dense(16, "relu"), dense(8, "relu"), dense(3, "sigmoid"),
                                         inputs=(20,)), "sparse_categorical_crossentropy"), "softmax"),
]  # fmt: skip


@pytest.mark.parametrize(("exercise_id", "answer", "fragment"), WRONG_ANSWERS)
def test_wrong_answers_say_what_is_wrong(exercise_id, answer, fragment):
    assert_says_what_is_wrong(exercise_id, answer, fragment)
