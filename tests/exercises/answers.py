"""What the exercise tests share: answers built the way a learner builds them, and the check
that a wrong answer gets a message saying what is wrong.

Keras is imported lazily, so collecting the exercise tests stays fast.
"""

from __future__ import annotations

import numpy as np

import hlcourse as hlc
from hlcourse import exercises
from hlcourse.exercises import lesson00, lesson01, lesson02

X, W, B = lesson00.LAYER_X, lesson00.LAYER_W, lesson00.LAYER_B
FX, W1, B1, W2, B2 = (lesson01.FORWARD_X, lesson01.FORWARD_W1, lesson01.FORWARD_B1,
                      lesson01.FORWARD_W2, lesson01.FORWARD_B2)  # fmt: skip


def keras_module():
    import keras

    return keras


def sequential(*layers, inputs=(2,)):
    """A Keras Sequential model starting with `keras.Input(shape=inputs)`."""
    keras = keras_module()
    return keras.Sequential([keras.Input(shape=inputs), *layers])


def dense(units, activation=None):
    return keras_module().layers.Dense(units, activation=activation)


def compiled(model, loss):
    model.compile(optimizer="adam", loss=loss)
    return model


def run_solution(exercise_id: str):
    """Execute a reference solution the way a lesson cell would and return its `answer`."""
    namespace = {"np": np, "hlc": hlc, "keras": keras_module(), "x": X, "W": W, "b": B}
    if exercise_id.startswith("01."):
        namespace.update(x=FX, W1=W1, b1=B1, W2=W2, b2=B2)
    if exercise_id == "02.3":  # the small tanh network and batch the lesson's cell defines
        namespace.update(
            x=lesson02.BACKWARD_X, W1=lesson02.BACKWARD_W1, b1=lesson02.BACKWARD_B1,
            W2=lesson02.BACKWARD_W2, b2=lesson02.BACKWARD_B2, y=lesson02.BACKWARD_Y,
        )  # fmt: skip
    exec(exercises.get_exercise(exercise_id).solution, namespace)
    return namespace["answer"]


def assert_says_what_is_wrong(exercise_id: str, answer, fragment: str) -> None:
    """`answer` (built now if it is a function) gets "try again" with `fragment` in it."""
    if callable(answer):  # built at test time: Keras models, arrays from the lesson's numbers
        answer = answer()
    feedback = hlc.check(exercise_id, answer)
    assert feedback.status == "try again", feedback
    assert fragment in feedback.message, feedback.message
