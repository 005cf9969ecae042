"""Exercises of lesson 10: realistic wrong answers get a message that says what is wrong."""

from __future__ import annotations

import pytest

from .answers import assert_says_what_is_wrong, dense, keras_module, sequential

# (exercise id, a wrong answer a learner might give, a fragment the feedback must contain)
WRONG_ANSWERS = [
    ("10.1", 32 * (4 + 32 + 1), "SimpleRNN's count"),
    ("10.1", 4 * 32 * (4 + 1), "recurrent weights"),
    ("10.1", 4 * 32 * (4 + 32), "bias"),
    ("10.1", "4736", "one whole number"),
    ("10.2", (5, 16), "the last step only"),
    ("10.2", (5, 30, 3), "input features"),
    ("10.2", (5, 20, 16), "one state per time step"),
    ("10.3", lambda: (lambda: sequential(keras_module().layers.LSTM(16),
                                         keras_module().layers.LSTM(8), dense(1),
                                         inputs=(20, 3))), "return_sequences=True"),
    ("10.3", lambda: (lambda: sequential(keras_module().layers.LSTM(16), dense(1),
                                         inputs=(20, 3))), "stack two"),
    ("10.3", lambda: sequential(keras_module().layers.LSTM(16, return_sequences=True),
                                keras_module().layers.LSTM(8), dense(1), inputs=(20, 3)),
     "the function that builds it"),
    ("10.3", lambda: (lambda: sequential(keras_module().layers.GRU(16, return_sequences=True),
                                         keras_module().layers.GRU(8), dense(2),
                                         inputs=(20, 3))), "give one number each"),
]  # fmt: skip


@pytest.mark.parametrize(("exercise_id", "answer", "fragment"), WRONG_ANSWERS)
def test_wrong_answers_say_what_is_wrong(exercise_id, answer, fragment):
    assert_says_what_is_wrong(exercise_id, answer, fragment)
