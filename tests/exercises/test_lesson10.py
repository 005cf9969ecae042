"""Exercises of lesson 10: realistic wrong answers get a message that says what is wrong."""

from __future__ import annotations

import pytest

from hlcourse.exercises import lesson10

from .answers import assert_says_what_is_wrong, dense, keras_module, sequential

# (exercise id, a wrong answer a learner might give, a fragment the feedback must contain)
WRONG_ANSWERS = [
    ("10.1", 5 * 5 * 12 + 12, "each filter has its own window on every one"),
    ("10.1", 5 * 5 * 6 * 12, "also has a bias"),
    ("10.1", 5 * 5 * 6 + 1, "one filter's parameters"),
    ("10.1", (5 * 5 * 6 * 12 + 12) * 16 * 16, "grows with the size of the maps"),  # per position
    ("10.1", 3 * 3 * 6 * 12 + 12, "this layer's filters are 5x5"),
    ("10.1", (5 * 5 + 1) * 6 * 12, "a bias per input channel"),
    ("10.1", 1.5, "one whole number"),
    ("10.2", 12, "neighbouring pool_2 units do not sit 1 pixel apart"),
    ("10.2", 14, "pool_2 halves the grid once more"),
    ("10.2", 20, "does not double"),
    ("10.2", 8 + 2 * 4, "starts from conv_2's 8x8 patch"),
    ("10.2", 10, "a layer the lesson printed"),
    ("10.2", "18 pixels", "one whole number"),
    ("10.3", (5, 5, 16), "the lesson's 28x28 pictures"),
    ("10.3", (8, 8, 16), "treats conv_1 as unpadded"),
    ("10.3", (10, 10, 16), "Only conv_1 has padding=\"same\""),
    ("10.3", (18, 18, 16), "Check the poolings"),
    ("10.3", (9, 9, 8), "Check the channels"),
    ("10.3", "9x9x16", "a tuple like"),
    ("10.4", lambda: sequential(dense(10, "softmax"), inputs=(8, 8, 1)), "at least one `Conv2D`"),
    ("10.4", lambda: sequential(keras_module().layers.Conv2D(32, 3), keras_module().layers.Flatten(),
                                dense(10, "softmax"), inputs=(8, 8, 1)), "stay below 6,000"),
    ("10.4", lambda: sequential(keras_module().layers.Conv2D(4, 3),
                                keras_module().layers.GlobalMaxPooling2D(), dense(10, "softmax"),
                                inputs=(28, 28, 1)), "the digits are (8, 8, 1)"),
    ("10.4", lambda: sequential(keras_module().layers.Conv2D(1, 8), keras_module().layers.Flatten(),
                                dense(10, "softmax"), inputs=(8, 8, 1)), "reach 0.95"),
    ("10.4", "a CNN", "asks for a Keras model"),
]  # fmt: skip


@pytest.mark.parametrize(("exercise_id", "answer", "fragment"), WRONG_ANSWERS)
def test_wrong_answers_say_what_is_wrong(exercise_id, answer, fragment):
    assert_says_what_is_wrong(exercise_id, answer, fragment)


def test_the_shape_and_field_answers_are_what_keras_and_receptive_field_compute():
    """10.3's shape from Keras itself, and 10.2's field from hlcourse.plots."""
    keras = keras_module()
    from hlcourse.plots import receptive_field

    layers = keras.layers
    variant = keras.Sequential([
        keras.Input((lesson10.VARIANT_SIZE, lesson10.VARIANT_SIZE, 1)),
        layers.Conv2D(8, 3, padding="same", name="conv_1"), layers.MaxPooling2D(name="pool_1"),
        layers.Conv2D(16, 3, name="conv_2"), layers.MaxPooling2D(name="pool_2"),
        layers.Conv2D(4, 3, name="conv_3"),
    ])  # fmt: skip
    assert tuple(variant.get_layer("pool_2").output.shape[1:]) == lesson10.VARIANT_SHAPE
    assert receptive_field(variant, "pool_2") == lesson10.FIELD_BEFORE
    assert receptive_field(variant, "conv_3") == 18
    assert lesson10.conv_parameters(5 * 5 * 6 * 12 + 12)
    conv = layers.Conv2D(12, 5)
    conv.build((None, 20, 20, 6))
    assert conv.count_params() == 5 * 5 * 6 * 12 + 12
