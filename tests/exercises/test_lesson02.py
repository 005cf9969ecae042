"""Exercises of lesson 02: realistic wrong answers get a message that says what is wrong."""

from __future__ import annotations

import pytest

from .answers import assert_says_what_is_wrong, dense, keras_module, sequential


def one_hot_model(
    *,
    inputs=(12,),
    hidden=("relu", "relu"),
    output=(3, "softmax"),
    loss="categorical_crossentropy",
    optimizer="adam",
    metrics=("accuracy",),
):
    """The exercise's model with one thing changed, compiled unless `loss` is None."""
    model = sequential(dense(16, hidden[0]), dense(8, hidden[1]), dense(*output), inputs=inputs)
    if loss is not None:
        model.compile(optimizer=optimizer, loss=loss, metrics=list(metrics))
    return model


# (exercise id, a wrong answer a learner might give, a fragment the feedback must contain)
WRONG_ANSWERS = [
    ("02.1", (21, 499), "What else"),
    ("02.1", (16, 499), "first layer's output"),
    ("02.1", (10, 499), "With 10 inputs"),
    ("02.1", (20, 488), "but not the others"),
    ("02.1", (20, 472), "leaves something out"),
    ("02.1", (20, 1000), "Adam's two numbers"),
    ("02.1", (20, 500), "is not the total"),
    ("02.1", 499, "two whole numbers"),
    ("02.2", lambda: one_hot_model(loss="sparse_categorical_crossentropy"), "how the labels are written"),
    ("02.2", lambda: one_hot_model(loss="binary_crossentropy"), "separate yes/no question"),
    ("02.2", lambda: one_hot_model(inputs=(500,)), "counts the samples"),
    ("02.2", lambda: one_hot_model(output=(1, "sigmoid")), "one output unit per class"),
    ("02.2", lambda: one_hot_model(output=(3, "sigmoid")), "add up to 1"),
    ("02.2", lambda: one_hot_model(loss=None), "not compiled"),
    ("02.2", lambda: one_hot_model(metrics=()), "accuracy metric"),
    ("02.2", lambda: one_hot_model(optimizer="sgd"), "asks for Adam"),
    ("02.2", lambda: one_hot_model(loss=keras_module().losses.CategoricalCrossentropy(from_logits=True)),
     "from_logits=True"),
    ("02.2", lambda: one_hot_model(hidden=("tanh", "relu")), "ReLU in both"),
]  # fmt: skip


@pytest.mark.parametrize(("exercise_id", "answer", "fragment"), WRONG_ANSWERS)
def test_wrong_answers_say_what_is_wrong(exercise_id, answer, fragment):
    assert_says_what_is_wrong(exercise_id, answer, fragment)


def test_other_spellings_of_the_right_compile_pass():
    import hlcourse as hlc

    keras = keras_module()
    model = one_hot_model(
        loss=keras.losses.CategoricalCrossentropy(),
        optimizer=keras.optimizers.Adam(0.01),
        metrics=(keras.metrics.CategoricalAccuracy(),),
    )
    assert hlc.check("02.2", model).passed
