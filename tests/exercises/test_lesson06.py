"""Exercises of lesson 06: realistic wrong answers get a message that says what is wrong."""

from __future__ import annotations

import pytest

from .answers import assert_says_what_is_wrong

# (exercise id, a wrong answer a learner might give, a fragment the feedback must contain)
WRONG_ANSWERS = [
    ("06.1", 0.75, "share of units kept"),
    ("06.1", 4.0, "share dropped"),
    ("06.1", 1, "scales the kept units up"),
    ("06.1", "4/3", "one number"),
    ("06.2", {}, "bring it to at most 0.3"),
    ("06.2", {"samples": 1000}, "data is fixed at 60 samples"),
    ("06.2", {"dropout": 0.9}, "refused"),
    ("06.2", {"regularizer": "l2", "reg_strength": 1.0}, "underfits"),
    ("06.2", {"learning_rate": 0.1}, "Unknown setting"),
    ("06.3", (512, 0), "not all are trained"),
    ("06.3", (128, 128), "count again"),
    ("06.3", 512, "a pair"),
]  # fmt: skip


@pytest.mark.parametrize(("exercise_id", "answer", "fragment"), WRONG_ANSWERS)
def test_wrong_answers_say_what_is_wrong(exercise_id, answer, fragment):
    assert_says_what_is_wrong(exercise_id, answer, fragment)
