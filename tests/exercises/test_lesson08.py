"""Exercises of lesson 08: realistic wrong answers get a message that says what is wrong."""

from __future__ import annotations

import pytest

from .answers import assert_says_what_is_wrong, keras_module

# (exercise id, a wrong answer a learner might give, a fragment the feedback must contain)
WRONG_ANSWERS = [
    ("08.1", lambda: (lambda m: keras_module().Model(m.input, [x.output for x in m.layers[:-1]])),
     "model.layers[0] is the InputLayer"),
    ("08.1", lambda: (lambda m: keras_module().Model(m.input, [x.output for x in m.layers[1:]])),
     "leave out the output layer"),
    ("08.1", lambda: (lambda m: keras_module().Model(m.input, [x.output for x in m.layers])),
     "keep model.layers[1:-1]"),
    ("08.1", lambda: (lambda m: [x.output for x in m.layers[1:-1]]), "hand them to `keras.Model"),
    ("08.1", lambda: (lambda m: keras_module().Model(
        m.input, [m.get_layer(n).output for n in ("first", "second", "third")])),
     "Do not name the layers"),
    ("08.1", lambda: (lambda m: keras_module().Model(
        keras_module().Input((5,)), [x.output for x in m.layers[1:-1]])),
     "inputs=model.input"),
    ("08.1", "keras.Model(model.input, outputs)", "asks for a function"),
    ("08.2", {"dead": 0, "class_2": 4}, "Not dead: unit 0"),
    ("08.2", {"dead": 3, "class_2": 5}, "for class 0 and class 1"),
    ("08.2", {"dead": 3, "class_2": 0}, "all three classes"),
    ("08.2", {"dead": 6, "class_2": 4}, "numbered 0 to 5"),
    ("08.2", (3, 4), "a dict with the keys"),
]  # fmt: skip


@pytest.mark.parametrize(("exercise_id", "answer", "fragment"), WRONG_ANSWERS)
def test_wrong_answers_say_what_is_wrong(exercise_id, answer, fragment):
    assert_says_what_is_wrong(exercise_id, answer, fragment)
