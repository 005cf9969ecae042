"""Exercises of lesson 01: realistic wrong answers get a message that says what is wrong."""

from __future__ import annotations

import numpy as np
import pytest

from .answers import B1, B2, FX, W1, W2, assert_says_what_is_wrong


def softmax(z, axis):
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


IDENTITY = (np.eye(2), np.zeros(2), np.array([[1.0], [1.0]]), np.array([0.0]))
SOLVED = (np.full((2, 2), 2.0), np.array([2.0, -2.0]), np.array([[2.0], [-2.0]]), np.array([-2.0]))

# (exercise id, a wrong answer a learner might give, a fragment the feedback must contain)
WRONG_ANSWERS = [
    ("01.1", {"b", "c", "d"}, "no activation"),
    ("01.1", {"c", "d", "e"}, "one weighted sum"),
    ("01.1", {"c"}, "Model d is missing"),
    ("01.1", {"d"}, "Model c is missing"),
    ("01.1", {"a", "c", "d"}, "no hidden layer"),
    ("01.1", "cdf", "not among the models"),
    ("01.1", 3, "set of letters"),
    ("01.2", lambda: np.maximum(FX @ W1 + B1, 0) @ W2 + B2, "raw scores (logits)"),
    ("01.2", lambda: softmax(np.maximum(FX @ W1 + B1, 0) @ W2 + B2, axis=0), "columns add up to 1"),
    ("01.2", lambda: softmax(np.maximum(FX @ W1 + B1, 0) @ W2 + B2, axis=None), "ran over both points"),
    ("01.2", lambda: softmax(np.tanh(FX @ W1 + B1) @ W2 + B2, axis=1), "uses ReLU"),
    ("01.2", lambda: 1 / (1 + np.exp(-(np.maximum(FX @ W1 + B1, 0) @ W2 + B2))), "need not add up"),
    ("01.2", lambda: softmax((FX @ W1 + B1) @ W2 + B2, axis=1), "skipped the hidden layer's"),
    ("01.2", lambda: np.maximum(FX @ W1 + B1, 0), "not the network's output"),
    ("01.2", lambda: softmax(np.maximum(FX @ W1 + B1, 0) @ W2 + B2, axis=1)[0], "shape (3,)"),
    ("01.3", IDENTITY, "no straight line has both blue corners"),
    ("01.3", (np.full((2, 2), 2.0), np.array([1.0, 1.0]), np.array([[1.0], [1.0]]), np.array([0.0])),
     "compute the same number"),
    ("01.3", (SOLVED[0], SOLVED[1], -SOLVED[2], -SOLVED[3]), "calls each group the other class"),
    ("01.3", (SOLVED[0], SOLVED[1], np.array([[1.0], [-1.0]]), np.array([0.5])), "hidden layer does its part"),
    ("01.3", (np.eye(2), np.zeros(2), np.ones(2)), "four arrays"),
    ("01.3", (np.eye(3), np.zeros(2), np.ones((2, 1)), np.zeros(1)), "W1 has shape (3, 3)"),
]  # fmt: skip


@pytest.mark.parametrize(("exercise_id", "answer", "fragment"), WRONG_ANSWERS)
def test_wrong_answers_say_what_is_wrong(exercise_id, answer, fragment):
    assert_says_what_is_wrong(exercise_id, answer, fragment)


def test_other_weights_that_separate_the_corners_pass_too():
    """01.3 has many solutions: a rank-2 hidden layer (a bend, no squeeze) works as well."""
    import hlcourse as hlc

    w1 = np.array([[4.0, 4.0], [4.0, 3.0]])
    b1 = np.array([4.0, -4.0])
    w2 = np.array([[3.0], [-3.0]])
    b2 = np.array([-3.0])
    assert hlc.check("01.3", (w1, b1, w2, b2)).passed
    assert hlc.check("01.1", "c, d").passed
