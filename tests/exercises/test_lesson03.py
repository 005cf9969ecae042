"""Exercises of lesson 03: realistic wrong answers get a message that says what is wrong."""

from __future__ import annotations

import numpy as np
import pytest

import hlcourse as hlc

from .answers import assert_says_what_is_wrong


def _from_z(rule):
    """A 03.2 answer that applies `rule` to the pre-activations z = x @ kernel + bias."""
    return lambda: lambda kernel, bias, x: np.flatnonzero(rule(x @ kernel + bias))


# (exercise id, a wrong answer a learner might give, a fragment the feedback must contain)
WRONG_ANSWERS = [
    ("03.1", lambda: (lambda z: 1 - np.tanh(z)), "left out the square"),
    ("03.1", lambda: (lambda z: np.tanh(z) * (1 - np.tanh(z))), "sigmoid's derivative"),
    ("03.1", lambda: np.tanh, "tanh itself"),
    ("03.1", lambda: (lambda z: hlc.activations.activation_values("tanh", z)[1]),
     "work it out"),
    ("03.1", lambda: (lambda z: np.gradient(np.tanh(z), z)), "only approximates"),
    ("03.1", 0.5, "asks for a function"),
    ("03.2", _from_z(lambda z: np.any(z <= 0, axis=0)), "off for every input"),
    ("03.2", _from_z(lambda z: np.all(z < 0, axis=0)), "exactly 0"),
    ("03.2", lambda: (lambda kernel, bias, x: np.flatnonzero(np.all(x @ kernel <= 0, axis=0))),
     "leaves out the bias"),
    ("03.2", lambda: (lambda kernel, bias, x: np.flatnonzero(bias < 0)), "sign of the bias"),
    ("03.2", _from_z(lambda z: ~np.all(z <= 0, axis=0)), "the living ones"),
    ("03.2", _from_z(lambda z: np.all(z <= 0, axis=1)), "Units are the columns"),
    ("03.2", lambda: (lambda kernel, bias, x: np.all(x @ kernel + bias <= 0, axis=0)),
     "True/False"),
    ("03.2", lambda: (lambda kernel, bias, x: [1, 4, 6]), "wrong on another"),
    ("03.2", [1, 4, 6], "asks for a function"),
]  # fmt: skip


@pytest.mark.parametrize(("exercise_id", "answer", "fragment"), WRONG_ANSWERS)
def test_wrong_answers_say_what_is_wrong(exercise_id, answer, fragment):
    assert_says_what_is_wrong(exercise_id, answer, fragment)
