"""Exercises of lesson 10: counting a convolution's parameters, how far a deeper unit sees,
following a picture's shape through a variant of the lesson's network, and a small
convolutional network for the 8x8 digits.
"""

from __future__ import annotations

import numbers

import numpy as np

from hlcourse.exercises import Wrong, as_shape, exercise

# --------------------------------------------------------------------------------------------
# 10.1: the parameters of one Conv2D layer
# --------------------------------------------------------------------------------------------

IN_CHANNELS, FILTERS, KERNEL, MAP_SIZE = 6, 12, 5, 20
OUT_SIZE = MAP_SIZE - KERNEL + 1  # positions of the 5x5 window along one side (no padding)
# A Dense layer from the same 20x20x6 values to the same 16x16x12 outputs: weights and biases.
DENSE_SAME_MAP = MAP_SIZE**2 * IN_CHANNELS * OUT_SIZE**2 * FILTERS + OUT_SIZE**2 * FILTERS


def _whole_number(answer, what: str) -> int:
    if isinstance(answer, bool) or not isinstance(answer, numbers.Integral):
        raise Wrong(f"Your answer is {answer!r}; this exercise asks for {what}.")
    return int(answer)


@exercise(
    "10.1",
    "The parameters of a convolution",
    solution="""
    # each of the 12 filters: a 5x5 window on each of the 6 input channels, plus one bias;
    # the 20x20 size of the maps does not appear: the same filters slide over every position
    answer = 5 * 5 * 6 * 12 + 12
    """,
)
def conv_parameters(answer) -> str:
    answer = _whole_number(answer, "one whole number")
    per_filter = KERNEL * KERNEL * IN_CHANNELS
    right = per_filter * FILTERS + FILTERS
    if answer == right:
        return (
            f"{right:,}: each of the 12 filters has a 5x5 window on each of the 6 input channels "
            f"({per_filter} weights) and one bias. The maps' size (20x20) does not appear: the "
            "same filters slide over every position. A Dense layer from those 20x20x6 values to "
            f"the same 16x16x12 outputs would need {DENSE_SAME_MAP:,}."
        )
    positions = {OUT_SIZE * OUT_SIZE, MAP_SIZE * MAP_SIZE}
    if answer > right and any(answer % n == 0 for n in positions):
        raise Wrong(
            "Your count grows with the size of the maps. A convolution uses the same filters "
            "at every position, so its parameter count does not depend on where, or how often, "
            "the window is laid down."
        )
    if answer in (KERNEL * KERNEL * FILTERS + FILTERS, KERNEL * KERNEL * FILTERS):
        raise Wrong(
            "That counts one 5x5 window per filter. The layer's input has 6 channels, and each "
            "filter has its own window on every one of them."
        )
    if answer == per_filter * FILTERS:
        raise Wrong("Almost: the weights are right, but each filter also has a bias.")
    if answer == (KERNEL * KERNEL + 1) * IN_CHANNELS * FILTERS:
        raise Wrong(
            "That gives each filter a bias per input channel. A filter adds up what its windows "
            "on all the channels give into one number per position, and adds one bias to that."
        )
    if answer in (per_filter + 1, per_filter):
        raise Wrong("That is one filter's parameters; the layer has 12 filters.")
    if answer in (3 * 3 * IN_CHANNELS * FILTERS + FILTERS, 3 * 3 * IN_CHANNELS * FILTERS):
        raise Wrong("That counts 3x3 windows; this layer's filters are 5x5.")
    raise Wrong(
        "Count per filter: a window on each input channel, plus one bias; then multiply by the "
        "number of filters."
    )


# --------------------------------------------------------------------------------------------
# 10.2: how far a third convolution sees
# --------------------------------------------------------------------------------------------

FIELD_BEFORE, STEP_BEFORE, CONV_3 = 10, 4, 3  # pool_2: a 10x10 field, units 4 pixels apart


@exercise(
    "10.2",
    "How far a third layer sees",
    solution="""
    # pool_2's units see 10x10 pixels and sit 4 input pixels apart (two poolings of stride 2);
    # a 3x3 window over them reaches (3 - 1) more units, each 4 pixels further
    answer = 10 + (3 - 1) * 4
    """,
)
def third_layer_field(answer) -> str:
    answer = _whole_number(answer, "one whole number: the side of the patch in pixels")
    right = FIELD_BEFORE + (CONV_3 - 1) * STEP_BEFORE
    if answer == right:
        return (
            f"{right}: a conv_3 unit combines 3x3 neighbouring pool_2 units, which sit 4 pixels "
            "apart and each see 10x10 pixels, so it sees 10 + 2 x 4 = 18 pixels across, most of "
            "a 28x28 picture. Each pooling makes every later window reach further."
        )
    if answer == FIELD_BEFORE + CONV_3 - 1:
        raise Wrong(
            "That adds 2 pixels, as conv_1 did on the picture itself. But conv_3's window slides "
            "over pool_2's units, and neighbouring pool_2 units do not sit 1 pixel apart in the "
            "picture: each pooling spread them further."
        )
    if answer == FIELD_BEFORE + (CONV_3 - 1) * 2:
        raise Wrong(
            "That spaces pool_2's units 2 pixels apart, as pool_1's are. pool_2 halves the grid "
            "once more: count how far apart its neighbouring units sit in the picture."
        )
    if answer == 8 + (CONV_3 - 1) * STEP_BEFORE:
        raise Wrong(
            "That starts from conv_2's 8x8 patch. conv_3 comes after pool_2, and pool_2's "
            "units already see more than conv_2's: start from the layer right below conv_3."
        )
    if answer in (2 * FIELD_BEFORE, CONV_3 * FIELD_BEFORE):
        raise Wrong(
            "A field does not double or triple with each layer: neighbouring units' patches "
            "overlap. Start from pool_2's field and add what the 3x3 window adds, in pixels."
        )
    if answer in (FIELD_BEFORE, 8):
        raise Wrong(
            "That is the field of a layer the lesson printed; conv_3 comes after pool_2, and its "
            "3x3 window widens the patch further."
        )
    raise Wrong(
        "Start from pool_2's patch and add what a 3x3 window adds: 2 more neighbours on each "
        "axis, each as far from the last as pool_2's units are apart in the picture."
    )


# --------------------------------------------------------------------------------------------
# 10.3: a picture's shape through a variant of the lesson's network
# --------------------------------------------------------------------------------------------

VARIANT_SIZE = 40  # conv_1 with padding="same"; everything else as in the lesson's `cnn`
VARIANT_SHAPE = (9, 9, 16)  # 40 -> same 40 -> pool 20 -> valid 18 -> pool 9


@exercise(
    "10.3",
    "A picture's shape, layer by layer",
    solution="""
    # 40 -> conv_1, padding="same": 40 -> pool 20 -> conv_2 3x3, no padding: 18 -> pool 9;
    # the channels are conv_2's 16 filters
    answer = (9, 9, 16)
    """,
)
def pooled_shape(answer) -> str:
    answer = as_shape(answer, what="a tuple like `(height, width, channels)`", allow_none=True)
    if len(answer) == 4 and answer[0] is None:
        answer = answer[1:]
    if len(answer) != 3:
        raise Wrong("Give three numbers, `(height, width, channels)`, without the batch size.")
    if answer == VARIANT_SHAPE:
        return (
            '(9, 9, 16): padding="same" keeps conv_1\'s maps at 40x40, pooling halves them '
            "to 20, conv_2 without padding trims a pixel from each border (18) and pool_2 "
            "halves again. The channels are conv_2's 16 filters, whatever the picture's size."
        )
    if answer[:2] == (5, 5):
        raise Wrong(
            "That is pool_2's size for the lesson's 28x28 pictures. Follow 40x40 pictures "
            'through the layers, with conv_1 now keeping its size (padding="same").'
        )
    if answer[:2] == (8, 8):
        raise Wrong(
            'That treats conv_1 as unpadded. With padding="same" a 3x3 convolution (stride 1) '
            "pads the border so that its maps keep the picture's size."
        )
    if answer[:2] == (10, 10):
        raise Wrong(
            'Only conv_1 has padding="same" here; conv_2 keeps Keras\' default, '
            '`padding="valid"`, so a 3x3 window fits two fewer times than the map is wide.'
        )
    if answer[:2] in ((18, 18), (20, 20), (40, 40)):
        raise Wrong("Check the poolings: each 2x2 max pooling halves the maps (rounding down).")
    if answer[2] != 16:
        raise Wrong(
            "Check the channels: after conv_2 there are as many channels as conv_2 has filters."
        )
    raise Wrong(
        'Follow it layer by layer: padding="same" keeps the size, a 3x3 convolution without '
        "padding gives size - 2, a 2x2 pooling gives size // 2, and the channels are the last "
        "convolution's filters."
    )


# --------------------------------------------------------------------------------------------
# 10.4: a small convolutional network for the digits
# --------------------------------------------------------------------------------------------

MAX_PARAMETERS = 6000
MIN_ACCURACY = 0.95
EPOCHS = 10


def _conv_types() -> tuple[type, ...]:
    import keras

    return (keras.layers.Conv2D, keras.layers.SeparableConv2D, keras.layers.DepthwiseConv2D)


@exercise(
    "10.4",
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
        f"{accuracy:.3f} test accuracy with {n_params:,} parameters. Lesson 09's Dense network, "
        "with 2,778 parameters, also scored above 0.93 on these digits: on 8x8 pictures that "
        "a digit fills, convolution has less room to help than on the 28x28 shapes, where a "
        "shape can be anywhere."
    )
