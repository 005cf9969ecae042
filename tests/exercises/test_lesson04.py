"""Exercises of lesson 04: realistic wrong answers get a message that says what is wrong."""

from __future__ import annotations

import pytest

from .answers import assert_says_what_is_wrong

# (exercise id, a wrong answer a learner might give, a fragment the feedback must contain)
WRONG_ANSWERS = [
    ("04.1", (881, 257), "swapped"),
    ("04.1", (192, 881), "biases or the output layer"),
    ("04.1", (257, 337), "three 16 × 16 layers"),
    ("04.1", 257, "pair of whole numbers"),
    ("04.2", [], "no hidden layer"),
    ("04.2", [64, 64], "4,417 parameters"),
    ("04.2", [1], "goal is 0.9"),
    ("04.2", "8", "list of hidden-layer widths"),
]  # fmt: skip


@pytest.mark.parametrize(("exercise_id", "answer", "fragment"), WRONG_ANSWERS)
def test_wrong_answers_say_what_is_wrong(exercise_id, answer, fragment):
    assert_says_what_is_wrong(exercise_id, answer, fragment)
