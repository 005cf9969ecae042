"""Exercises of lesson 11: realistic wrong answers get a message that says what is wrong."""

from __future__ import annotations

import pytest

from .answers import assert_says_what_is_wrong, dense, keras_module, sequential


def lstm(units, **kwargs):
    return keras_module().layers.LSTM(units, **kwargs)


def builder(*layers):
    """A learner's `build` function: the layers are made when it is called."""
    return lambda: lambda: sequential(*(make() for make in layers), inputs=(20, 3))


# (exercise id, a wrong answer a learner might give, a fragment the feedback must contain)
WRONG_ANSWERS = [
    # 11.1: the GRU after Embedding(50, 8); right: 3 * (32 * (8 + 32) + 2 * 32) = 4,032
    ("11.1", 3 * (32 * (50 + 32) + 2 * 32), "never sees the 50 character ids"),
    ("11.1", 3 * 32 * (50 + 32 + 1), "never sees the 50 character ids"),
    ("11.1", 3 * 32 * (8 + 32 + 1), "one bias per set"),
    ("11.1", 4 * 32 * (8 + 32 + 1), "an LSTM's count"),
    ("11.1", 3 * (32 * (8 + 32) + 2 * 32) + 50 * 8, "the Embedding's table"),
    ("11.1", 32 * (8 + 32 + 1), "a SimpleRNN's count"),
    ("11.1", 3 * 32 * (8 + 32), "biases"),
    ("11.1", "4032", "one whole number"),
    # 11.2: LSTM(16, return_sequences=True, return_state=True) on (5, 30, 3)
    ("11.2", [(5, 30, 16), (5, 16)], "besides its output h"),
    ("11.2", [(5, 16), (5, 16), (5, 16)], "every step's"),
    ("11.2", [(5, 30, 16), (5, 30, 16), (5, 30, 16)], "after the last step"),
    ("11.2", (5, 30, 16), "returns a list of tensors"),
    ("11.2", [(5, 30, 3), (5, 3), (5, 3)], "input features"),
    ("11.2", "three", "a list of shapes"),
    # 11.3: (batch, 20, 3) -> two recurrent layers -> one number per step
    ("11.3", builder(lambda: lstm(16), lambda: lstm(8), lambda: dense(1)),
     "what does the layer below it hand on"),
    ("11.3", builder(lambda: lstm(16, return_sequences=True), lambda: lstm(8),
                     lambda: dense(1)), "Which layer drops the other 19 steps"),
    ("11.3", builder(lambda: lstm(16, return_sequences=True), lambda: dense(1)), "stack two"),
    ("11.3", builder(lambda: lstm(16, return_sequences=True),
                     lambda: lstm(8, return_sequences=True), lambda: dense(2)), "give one"),
    ("11.3", lambda: sequential(lstm(16, return_sequences=True), lstm(8, return_sequences=True),
                                dense(1), inputs=(20, 3)), "the function that builds it"),
    # 11.4: the smallest whole forget bias b with sigmoid(b) ** 40 >= 0.5; right: 5
    ("11.4", 4, "Close. Check it"),  # sigmoid(4) ** 40 = 0.48; also the 1/e answer
    ("11.4", 3, "far less than half"),  # the lesson's open forget gates
    ("11.4", 1, "far less than half"),  # Keras' default
    ("11.4", 0.9828, "the value of the gate f"),  # 0.5 ** (1 / 40): f, not b
    ("11.4", 4.05, "not a whole number"),  # the exact bias, not rounded up
    ("11.4", 8, "not the smallest"),
    ("11.4", "5", "one whole number"),
]  # fmt: skip


@pytest.mark.parametrize(("exercise_id", "answer", "fragment"), WRONG_ANSWERS)
def test_wrong_answers_say_what_is_wrong(exercise_id, answer, fragment):
    assert_says_what_is_wrong(exercise_id, answer, fragment)


def test_reference_answers_match_keras():
    """The numbers the checks hold are Keras' own: count and call the layers."""
    import numpy as np

    keras = keras_module()
    model = keras.Sequential([keras.Input((None,), dtype="int64"),
                              keras.layers.Embedding(50, 8), keras.layers.GRU(32)])  # fmt: skip
    assert model.layers[-1].count_params() == 3 * (32 * (8 + 32) + 2 * 32)
    outputs = lstm(16, return_sequences=True, return_state=True)(np.zeros((5, 30, 3)))
    assert [tuple(o.shape) for o in outputs] == [(5, 30, 16), (5, 16), (5, 16)]


def test_forget_bias_reference_is_the_smallest_keeping_half():
    """11.4's numbers: sigmoid(5) ** 40 keeps at least half, sigmoid(4) ** 40 does not."""
    import math

    def kept(b):
        return (1 / (1 + math.exp(-b))) ** 40

    assert kept(5) >= 0.5 > kept(4)
    f = 0.5 ** (1 / 40)  # the gate that keeps exactly half after 40 steps
    assert math.log(f / (1 - f)) == pytest.approx(4.05, abs=0.01)  # its bias, between 4 and 5
