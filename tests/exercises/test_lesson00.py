"""Exercises of lesson 00: realistic wrong answers get a message that says what is wrong."""

from __future__ import annotations

import numpy as np
import pytest

import hlcourse as hlc

from .answers import B, W, X, assert_says_what_is_wrong

# (exercise id, a wrong answer a learner might give, a fragment the feedback must contain)
WRONG_ANSWERS = [
    ("00.1", 5, "counted every layer"),
    ("00.1", 4, "output layer, not a hidden one"),
    ("00.1", 2, "strictly between"),
    ("00.1", "3", "whole number"),
    ("00.2", X @ W + B, "Apply the activation"),
    ("00.2", np.maximum(X @ W, 0), "left out the bias"),
    ("00.2", np.maximum(X * 2, 0), "shape (3,)"),
    ("00.2", np.array([9.0, 9.0]), "not relu(x @ W + b)"),
    ("00.2", "relu", "NumPy array of two numbers"),
    ("00.2", [[1.25, 0.0]], "shape (1, 2)"),
    ("00.3", "circles", "Dataset"),
    ("00.3", hlc.data.make_classification("xor", 300, noise=0.05, seed=7), "'xor'"),
    ("00.3", hlc.data.make_classification("circles", 400, noise=0.05, seed=7), "400 points"),
    ("00.3", hlc.data.make_classification("circles", 300, noise=0.1, seed=7), "seed=7"),
]  # fmt: skip


@pytest.mark.parametrize(("exercise_id", "answer", "fragment"), WRONG_ANSWERS)
def test_wrong_answers_say_what_is_wrong(exercise_id, answer, fragment):
    assert_says_what_is_wrong(exercise_id, answer, fragment)
