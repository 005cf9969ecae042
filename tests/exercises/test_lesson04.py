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
    ("04.2", [8], "33 parameters; the budget is 20"),
    ("04.2", [2], "strip or a wedge"),
    ("04.2", [2, 2], "stacking such layers"),
    ("04.2", [1, 3], "layer of 1 unit"),
    ("04.2", "8", "list of hidden-layer widths"),
    ("04.1", (257, 609), "four hidden layers"),
    ("04.1", (257, 816), "biases left out"),
    ("04.1", (257, 864), "output layer left out"),
    ("04.3", 64, "shares out the 256 units"),
    ("04.3", 16, "counts only the layers between hidden layers"),
    ("04.3", 17, "biases are additions"),
    ("04.3", 12, "a wider layer fits too"),
    ("04.3", 2, "a wider layer fits too"),
    ("04.3", 32, "width × width"),
    ("04.3", [15, 15, 15, 15], "one width"),
    ("04.3", 15.0, "one width"),
]  # fmt: skip


@pytest.mark.parametrize(("exercise_id", "answer", "fragment"), WRONG_ANSWERS)
def test_wrong_answers_say_what_is_wrong(exercise_id, answer, fragment):
    assert_says_what_is_wrong(exercise_id, answer, fragment)
