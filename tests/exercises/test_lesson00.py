"""Exercises of lesson 00: realistic wrong answers get a message that says what is wrong."""

from __future__ import annotations

import numpy as np
import pytest

from .answers import B, W, X, assert_says_what_is_wrong

# (exercise id, a wrong answer a learner might give, a fragment the feedback must contain)
WRONG_ANSWERS = [
    ("00.1", 5, "counted every layer"),
    ("00.1", 4, "output layer, not a hidden one"),
    ("00.1", 2, "strictly between"),
    ("00.1", "3", "whole number"),
    ("00.2", X @ W + B, "before the activation"),
    ("00.2", np.maximum(X @ W, 0), "left out the bias"),
    ("00.2", np.maximum(X @ W, 0) + B, "inside the activation"),
    ("00.2", np.maximum(X @ W + B, 0).T, "turned around"),
    ("00.2", np.maximum(X[0] @ W + B, 0), "the output of one input"),
    ("00.2", np.max(X @ W + B, 0), "element-wise maximum"),
    ("00.2", np.maximum(X * 2, 0), "shape (4, 3)"),
    ("00.2", np.full((4, 2), 9.0), "not relu(x @ W + b)"),
    ("00.2", "relu", "NumPy array"),
    ("00.3", 0.15, "fewer than 10%"),
    ("00.3", 0.3, "a lower level already reaches 10%"),
    ("00.3", 0.123, "share of mixed points"),
    ("00.3", 0.33, "not one of the levels"),
    ("00.3", "0.2", "one noise level"),
]  # fmt: skip


@pytest.mark.parametrize(("exercise_id", "answer", "fragment"), WRONG_ANSWERS)
def test_wrong_answers_say_what_is_wrong(exercise_id, answer, fragment):
    assert_says_what_is_wrong(exercise_id, answer, fragment)
