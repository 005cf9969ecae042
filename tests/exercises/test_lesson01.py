"""Exercises of lesson 01: realistic wrong answers get a message that says what is wrong."""

from __future__ import annotations

import numpy as np
import pytest

from .answers import B1, B2, FX, W1, W2, assert_says_what_is_wrong, dense, sequential

# (exercise id, a wrong answer a learner might give, a fragment the feedback must contain)
WRONG_ANSWERS = [
    ("01.1", lambda: sequential(dense(1, "sigmoid")), "no hidden layer"),
    ("01.1", lambda: sequential(dense(8), dense(1, "sigmoid")), "no activation (it is linear)"),
    ("01.1", lambda: sequential(dense(8, "relu"), dense(2, "softmax")), "one unit with"),
    ("01.1", lambda: sequential(dense(8, "relu"), dense(1, "sigmoid"), inputs=(3,)), "2 features"),
    ("01.1", lambda: sequential(dense(4, "relu"), dense(1, "sigmoid")), "has 4 units"),
    ("01.2", lambda: np.tanh(FX @ W1 + B1) @ W2 + B2, "raw scores (logits)"),
    ("01.2", lambda: 1 / (1 + np.exp(-((FX @ W1 + B1) @ W2 + B2))), "skipped the hidden layer's tanh"),
    ("01.2", lambda: np.tanh(FX @ W1 + B1), "shape (2, 3)"),
]  # fmt: skip


@pytest.mark.parametrize(("exercise_id", "answer", "fragment"), WRONG_ANSWERS)
def test_wrong_answers_say_what_is_wrong(exercise_id, answer, fragment):
    assert_says_what_is_wrong(exercise_id, answer, fragment)
