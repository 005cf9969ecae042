"""Exercises of lesson 11: realistic wrong answers get a message that says what is wrong."""

from __future__ import annotations

import pytest

from .answers import assert_says_what_is_wrong


def playground_engine(epochs=10, **settings):
    """A small trained playground engine."""
    from hlcourse.playground import PlaygroundEngine, PlaygroundState

    engine = PlaygroundEngine(PlaygroundState().with_changes(**settings))
    if epochs:
        engine.run_epochs(epochs)
    return engine


# (exercise id, a wrong answer a learner might give, a fragment the feedback must contain)
WRONG_ANSWERS = [
    ("11.1", lambda: playground_engine(dataset="circle", layers=()), "choose xor"),
    ("11.1", lambda: playground_engine(dataset="xor", layers=(4,)), "solve XOR with none"),
    ("11.1", lambda: playground_engine(dataset="xor", layers=(), epochs=0), "not trained yet"),
    ("11.1", lambda: playground_engine(dataset="xor", layers=(), epochs=20),
     "opposite quadrants"),
    ("11.1", "pg", "give the playground itself"),
    ("11.2", lambda: playground_engine(dataset="xor"), "choose the spiral"),
    ("11.2", lambda: playground_engine(dataset="spiral", noise=20), "noise to 0"),
    ("11.2", lambda: playground_engine(dataset="spiral", epochs=5), "get it below 0.25"),
    ("11.3", 4, "are any two"),
    ("11.3", 0, "at least one kind"),
    ("11.3", "one", "one whole number"),
]  # fmt: skip


@pytest.mark.parametrize(("exercise_id", "answer", "fragment"), WRONG_ANSWERS)
def test_wrong_answers_say_what_is_wrong(exercise_id, answer, fragment):
    assert_says_what_is_wrong(exercise_id, answer, fragment)
