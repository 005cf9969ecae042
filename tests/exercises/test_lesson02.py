"""Exercises of lesson 02: realistic wrong answers get a message that says what is wrong."""

from __future__ import annotations

import numpy as np
import pytest

from hlcourse.exercises import lesson02

from .answers import assert_says_what_is_wrong, dense, keras_module, sequential


def backward(name: str, scale: float = 1.0):
    """Exercise 02.3's dL/dW1 computed one likely way (`lesson02.backward_variants`), scaled."""
    return lambda: scale * lesson02.backward_variants()[name]


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
    ("02.3", backward("right", 5), "5 times the right one"),  # summed, not averaged
    ("02.3", backward("right", 0.5), "derivative of (y_hat - y)^2"),  # (P - Y)/B copied
    ("02.3", backward("right", 2.5), "both the mean's 1/B"),
    ("02.3", backward("right", -1), "wrong sign"),
    ("02.3", backward("no_slope"), "straight through the tanh"),
    ("02.3", backward("no_slope", 5), "straight through the tanh"),
    ("02.3", backward("slope_of_z"), "from the weighted sums z"),
    ("02.3", backward("slope_of_h"), "applied tanh to h"),
    ("02.3", backward("relu_slope", 0.5), "ReLU's slope"),  # the digits cell, copied whole
    ("02.3", lambda: lesson02.backward_variants()["right"].T, "the transpose of W1"),
    ("02.3", lambda: lesson02.backward_variants()["no_slope"].T, "the transpose of W1"),
    ("02.3", backward("input_is_h"), "hidden layer's output h"),
    ("02.3", backward("dW2"), "dL/dW2"),
    ("02.3", np.zeros((3, 5)), "the shape of W1"),
    ("02.3", lambda: lesson02.backward_variants()["right"] + 0.01, "one step at a time"),
    ("02.3", "dW1", "a NumPy array"),
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


def test_the_numpy_backward_pass_equals_gradient_tape():
    """The checker's NumPy formulas are the ones GradientTape computes with Keras' loss."""
    np.testing.assert_allclose(
        lesson02.backward_variants()["right"], lesson02.tape_gradient(), rtol=1e-12
    )


def test_every_wrong_backward_pass_differs_from_the_right_one_and_from_each_other():
    """No hint can shadow another: each likely wrong dL/dW1 of W1's shape, at each scale the
    checker tries, is a different array."""
    variants = lesson02.backward_variants()
    shaped = {k: a for k, a in variants.items() if a.shape == lesson02.BACKWARD_W1.shape}
    scales = (1.0, 5.0, 0.5, 2.5, -1.0)
    arrays = [(k, s, s * a) for k, a in shaped.items() for s in scales]
    for i, (name, scale, array) in enumerate(arrays):
        for other, other_scale, other_array in arrays[i + 1 :]:
            assert not np.allclose(array, other_array, rtol=1e-3), (name, scale, other, other_scale)


def test_a_float32_tensor_from_gradient_tape_passes():
    import tensorflow as tf

    import hlcourse as hlc

    answer = tf.constant(lesson02.tape_gradient(), dtype=tf.float32)
    assert hlc.check("02.3", answer).passed
