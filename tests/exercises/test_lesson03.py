"""Exercises of lesson 03: realistic wrong answers get a message that says what is wrong."""

from __future__ import annotations

import numpy as np
import pytest

import hlcourse as hlc

from .answers import assert_says_what_is_wrong

# (exercise id, a wrong answer a learner might give, a fragment the feedback must contain)
WRONG_ANSWERS = [
    ("03.1", lambda: (lambda z: 1 - np.tanh(z)), "left out the square"),
    ("03.1", lambda: (lambda z: np.tanh(z) * (1 - np.tanh(z))), "sigmoid's derivative"),
    ("03.1", lambda: np.tanh, "tanh itself"),
    ("03.1", 0.5, "asks for a function"),
    ("03.2", lambda: hlc.activations.output_statistics("relu", 1.0), "negative `bias=`"),
    ("03.2", lambda: hlc.activations.output_statistics("relu", 1.0, bias=2.0), "far below zero"),
    ("03.2", [0.0], "returns"),
]  # fmt: skip


@pytest.mark.parametrize(("exercise_id", "answer", "fragment"), WRONG_ANSWERS)
def test_wrong_answers_say_what_is_wrong(exercise_id, answer, fragment):
    assert_says_what_is_wrong(exercise_id, answer, fragment)
