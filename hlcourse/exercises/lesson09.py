"""Exercises of lesson 09: counting a convolution's parameters, following a picture's shape
through the lesson's network, and a small convolutional network for the 8x8 digits.
"""

from __future__ import annotations

import numbers

import numpy as np

from hlcourse.exercises import Wrong, _as_shape, exercise

# --------------------------------------------------------------------------------------------
# 09.1: the parameters of one Conv2D layer
# --------------------------------------------------------------------------------------------

IN_CHANNELS, FILTERS, KERNEL = 8, 16, 3


def _whole_number(answer, what: str) -> int:
    if isinstance(answer, bool) or not isinstance(answer, numbers.Integral):
        raise Wrong(f"Your answer is {answer!r}; this exercise asks for {what}.")
    return int(answer)


@exercise(
    "09.1",
    "The parameters of a convolution",
    solution="""
    # one 3x3 window over each of the 8 input channels, for each of 16 filters, plus a bias each
    answer = 3 * 3 * 8 * 16 + 16
    """,
)
def conv_parameters(answer) -> str:
    answer = _whole_number(answer, "one whole number")
    per_filter = KERNEL * KERNEL * IN_CHANNELS
    right = per_filter * FILTERS + FILTERS
    if answer == right:
        return (
            f"{right:,}: each of the 16 filters has a 3x3 window on each of the 8 input channels "
            f"({per_filter} weights) and one bias. The picture's size does not appear: the same "
            "filters slide over every position."
        )
    if answer == KERNEL * KERNEL * FILTERS + FILTERS:
        raise Wrong(
            "That counts one 3x3 window per filter. The layer's input has 8 channels, and each "
            "filter has its own 3x3 window on every one of them."
        )
    if answer == per_filter * FILTERS:
        raise Wrong("Almost: the weights are right, but each filter also has a bias.")
    if answer == KERNEL * KERNEL * IN_CHANNELS + 1:
        raise Wrong("That is one filter's parameters; the layer has 16 filters.")
    raise Wrong(
        "Count per filter: a 3x3 window on each input channel, plus one bias; then multiply by "
        "the number of filters."
    )


# --------------------------------------------------------------------------------------------
# 09.2: a picture's shape through the lesson's network
# --------------------------------------------------------------------------------------------

SIZE = 28


@exercise(
    "09.2",
    "A picture's shape, layer by layer",
    solution="""
    # 28 -> conv 3x3 (no padding) 26 -> pool 13 -> conv 3x3 11 -> pool 5 (floor of 11 / 2)
    answer = (5, 5, 16)
    """,
)
def pooled_shape(answer) -> str:
    answer = _as_shape(answer, what="a tuple like `(height, width, channels)`", allow_none=True)
    if len(answer) == 4 and answer[0] is None:
        answer = answer[1:]
    if len(answer) != 3:
        raise Wrong("Give three numbers, `(height, width, channels)`, without the batch size.")
    if answer == (5, 5, 16):
        return (
            "(5, 5, 16): each 3x3 convolution without padding trims one pixel from every "
            "border (28 -> 26, 13 -> 11) and each pooling halves the size, rounding down "
            "(26 -> 13, 11 -> 5). The channels are conv_2's 16 filters."
        )
    if answer[:2] == (7, 7):
        raise Wrong(
            '7 would be right with `padding="same"`, which keeps the size. These layers use '
            'Keras\' default, `padding="valid"`: a 3x3 window fits 26 times across 28 pixels.'
        )
    if answer[:2] == (6, 6) or answer[:2] == (5.5, 5.5):
        raise Wrong("Pooling rounds down: 11 pixels make 5 pairs, and the last pixel is dropped.")
    if answer[2] in (1, 8):
        raise Wrong(
            "Check the channels: after conv_2 there are as many channels as conv_2 has filters."
        )
    raise Wrong(
        "Follow it layer by layer: a 3x3 convolution without padding gives size - 2, a 2x2 "
        "pooling gives size // 2, and the channels are the last convolution's filters."
    )


# --------------------------------------------------------------------------------------------
# 09.3: a small convolutional network for the digits
# --------------------------------------------------------------------------------------------

MAX_PARAMETERS = 6000
MIN_ACCURACY = 0.95
EPOCHS = 20


def _conv_types() -> tuple[type, ...]:
    import keras

    return (keras.layers.Conv2D, keras.layers.SeparableConv2D, keras.layers.DepthwiseConv2D)


@exercise(
    "09.3",
    "A small convolutional network for the digits",
    solution="""
    answer = keras.Sequential([
        keras.Input((8, 8, 1)),
        keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
        keras.layers.GlobalMaxPooling2D(),
        keras.layers.Dense(10, activation="softmax"),
    ])
    """,
)
def digits_cnn(answer) -> str:
    import keras

    from hlcourse import data, training

    if not isinstance(answer, keras.Model):
        raise Wrong(
            f"Your answer is a {type(answer).__name__}; this exercise asks for a Keras model, "
            "e.g. `keras.Sequential([keras.Input((8, 8, 1)), ...])`."
        )
    if not answer.built:
        raise Wrong("Start the model with `keras.Input((8, 8, 1))`, so it is built with its shape.")
    if not any(isinstance(layer, _conv_types()) for layer in answer._flatten_layers()):
        raise Wrong("This exercise is about convolution: use at least one `Conv2D` layer.")
    shape = tuple(answer.inputs[0].shape[1:]) if getattr(answer, "inputs", None) else None
    if shape != (8, 8, 1):
        raise Wrong(f"The model takes inputs of shape {shape}; the digits are (8, 8, 1).")
    n_params = answer.count_params()
    if n_params >= MAX_PARAMETERS:
        raise Wrong(
            f"Your model has {n_params:,} parameters; stay below {MAX_PARAMETERS:,}: fewer "
            "filters, or global pooling before the Dense layer instead of Flatten."
        )
    out_shape = tuple(answer.outputs[0].shape[1:])
    if out_shape != (10,):
        raise Wrong(
            f"The model's output has shape {out_shape}; give one softmax score per digit (10)."
        )
    digits = data.load_digits(seed=0)
    x_train = digits.x_train.reshape(-1, 8, 8, 1)
    x_test = digits.x_test.reshape(-1, 8, 8, 1)
    training.train_fast(
        answer, x_train, digits.y_train, epochs=EPOCHS, batch_size=32, learning_rate=0.01, seed=0,
        loss="sparse_categorical_crossentropy",
    )  # fmt: skip
    accuracy = float(np.mean(np.asarray(answer(x_test)).argmax(axis=1) == digits.y_test))
    if accuracy < MIN_ACCURACY:
        raise Wrong(
            f"After {EPOCHS} epochs your model scores {accuracy:.3f} on the test digits; reach "
            f'{MIN_ACCURACY}. More filters (within the budget), ReLU, and `padding="same"` '
            "(an 8x8 picture has few pixels to lose) help."
        )
    return (
        f"{accuracy:.3f} test accuracy with {n_params:,} parameters. A Dense network of about "
        "3,000 parameters scores about 0.95 on these digits: on 8x8 pictures, centred by "
        "whoever scanned them, convolution buys less than on the 28x28 shapes, where a shape "
        "can be anywhere."
    )
