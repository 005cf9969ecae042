"""Exercises of lesson 02: counting parameters, and building and compiling a classifier."""

from __future__ import annotations

import numbers

from hlcourse.exercises import Wrong, exercise
from hlcourse.exercises.lesson01 import activation_name


@exercise(
    "02.1",
    "Counting parameters by hand",
    solution="""
    # each Dense layer: inputs x units weights + one bias per unit
    answer = (20 * 16 + 16) + (16 * 8 + 8) + (8 * 4 + 4)
    """,
)
def count_parameters(answer) -> str:
    if isinstance(answer, bool) or not isinstance(answer, numbers.Integral):
        raise Wrong(
            f"Your answer is a {type(answer).__name__}; this exercise asks for a whole number."
        )
    weights = 20 * 16 + 16 * 8 + 8 * 4
    biases = 16 + 8 + 4
    if answer == weights + biases:
        return f"{weights} weights + {biases} biases = {weights + biases} parameters."
    if answer == weights:
        raise Wrong(f"{answer} counts the weights only: every unit also has a bias.")
    if answer == weights + biases - (8 * 4 + 4):
        raise Wrong("You left out the output layer: it has weights and biases too.")
    if answer == 20 * 16 + 16:
        raise Wrong("That is the first layer alone; add the other two layers.")
    raise Wrong(
        f"{answer} is not it. For each Dense layer: (inputs × units) weights + units biases, "
        "where a layer's inputs are the previous layer's units."
    )


@exercise(
    "02.2",
    "Building and compiling a classifier",
    solution="""
    answer = keras.Sequential([
        keras.Input(shape=(20,)),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(8, activation="relu"),
        keras.layers.Dense(3, activation="softmax"),
    ])
    answer.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    """,
)
def build_and_compile(answer) -> str:
    import keras

    if not isinstance(answer, keras.Model):
        raise Wrong(
            f"Your answer is a {type(answer).__name__}; this exercise asks for a Keras model."
        )
    if not answer.built or not getattr(answer, "inputs", None):
        raise Wrong(
            "Your model does not know its input size. Start with `keras.Input(shape=(20,))`: "
            "without it Keras cannot create the first layer's weights or show a summary."
        )
    features = tuple(answer.inputs[0].shape[1:])
    if features != (20,):
        raise Wrong(f"Your model expects inputs of shape {features}; the data has 20 features.")
    dense = [layer for layer in answer.layers if isinstance(layer, keras.layers.Dense)]
    units = [layer.units for layer in dense]
    if units != [16, 8, 3]:
        raise Wrong(f"Your Dense layers have {units} units; this exercise asks for [16, 8, 3].")
    hidden = [activation_name(layer.activation) for layer in dense[:-1]]
    if hidden != ["relu", "relu"]:
        raise Wrong(f"Your hidden layers use {hidden}; this exercise asks for ReLU in both.")
    if activation_name(dense[-1].activation) != "softmax":
        raise Wrong(
            f"Your output layer uses {activation_name(dense[-1].activation)!r}. With 3 classes, "
            "`softmax` turns the 3 scores into probabilities that add up to 1."
        )
    if not answer.compiled:
        raise Wrong("Your model is not compiled yet: call `answer.compile(...)`.")
    loss = (
        answer.loss
        if isinstance(answer.loss, str)
        else getattr(answer.loss, "name", str(answer.loss))
    )
    if loss == "categorical_crossentropy":
        raise Wrong(
            "`categorical_crossentropy` expects one-hot labels like [0, 0, 1]. The labels here "
            "are integers (0, 1, 2): use `sparse_categorical_crossentropy`."
        )
    if loss != "sparse_categorical_crossentropy":
        raise Wrong(
            f"Your loss is {loss!r}; for integer class labels and a softmax output use "
            "`sparse_categorical_crossentropy`."
        )
    return f"Built and compiled: {answer.count_params()} parameters, ready to fit."
