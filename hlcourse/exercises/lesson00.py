"""Exercises of lesson 00: counting hidden layers, one dense layer by hand, making a data set."""

from __future__ import annotations

import numbers

import numpy as np

from hlcourse.exercises import Wrong, exercise

# The numbers exercise 00.2 gives the learner (the lesson shows the same ones).
LAYER_X = np.array([1.0, -2.0, 0.5])
LAYER_W = np.array([[1.0, -1.0], [0.25, 0.5], [0.5, 2.0]])
LAYER_B = np.array([0.5, -0.25])


@exercise(
    "00.1",
    "Counting hidden layers",
    solution="""
    # Input(4) is the data, Dense(3, softmax) is the output: the three Dense layers between
    # them are hidden.
    answer = 3
    """,
)
def count_hidden_layers(answer) -> str:
    if isinstance(answer, bool) or not isinstance(answer, numbers.Integral):
        raise Wrong(
            f"Your answer is a {type(answer).__name__} ({answer!r}); this exercise asks for a "
            "whole number, like `answer = 2`."
        )
    if answer == 5:
        raise Wrong(
            "You counted every layer. The input only holds the data and the last Dense layer "
            "produces the result: neither is hidden."
        )
    if answer == 4:
        raise Wrong(
            "One too many: the last layer, Dense(3, softmax), is the output layer, not a hidden one."
        )
    if answer != 3:
        raise Wrong(
            f"{answer} is not it. Count the layers strictly between the input and the output layer."
        )
    return "Three hidden layers: Dense(16), Dense(16) and Dense(8)."


@exercise(
    "00.2",
    "One dense layer by hand",
    solution="""
    z = x @ W + b              # weighted sums: one per unit, shape (2,)
    answer = np.maximum(z, 0)  # ReLU keeps positive values and turns negative ones into 0
    """,
)
def dense_layer_by_hand(answer) -> str:
    try:
        got = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        raise Wrong(
            f"Your answer is a {type(answer).__name__}; this exercise asks for a NumPy array "
            "of two numbers, one per unit."
        ) from None
    z = LAYER_X @ LAYER_W + LAYER_B
    expected = np.maximum(z, 0.0)
    if got.shape != expected.shape:
        raise Wrong(
            f"Your answer has shape {got.shape}; a layer with 2 units gives 2 numbers, shape (2,). "
            "`x @ W` multiplies the 3 inputs by the (3, 2) weight matrix."
        )
    if np.allclose(got, expected):
        return f"Correct: relu(x @ W + b) = {np.round(expected, 3).tolist()}."
    if np.allclose(got, z):
        raise Wrong(
            "These are the weighted sums z = x @ W + b. Apply the activation: ReLU turns the "
            "negative value into 0 (`np.maximum(z, 0)`)."
        )
    if np.allclose(got, np.maximum(LAYER_X @ LAYER_W, 0.0)):
        raise Wrong("Close: you left out the bias `b`. Add it before the ReLU.")
    raise Wrong(
        f"Your values {np.round(got, 3).tolist()} are not relu(x @ W + b). Compute z = x @ W + b "
        "first (check it by hand for the first unit), then apply ReLU."
    )


@exercise(
    "00.3",
    "Making a data set",
    solution="""
    answer = hlc.data.make_classification("circles", n_samples=300, noise=0.05, seed=7)
    """,
)
def make_circles_dataset(answer) -> str:
    from hlcourse.data import Dataset, make_classification

    if not isinstance(answer, Dataset):
        raise Wrong(
            f"Your answer is a {type(answer).__name__}; this exercise asks for the Dataset that "
            "`hlc.data.make_classification(...)` returns."
        )
    if answer.name != "circles":
        raise Wrong(f"Your data set is {answer.name!r}; this exercise asks for 'circles'.")
    total = len(answer.x_train) + len(answer.x_test)
    if total != 300:
        raise Wrong(
            f"Your data set has {total} points in total (training + test); this exercise asks "
            "for 300: pass `n_samples=300`."
        )
    expected = make_classification("circles", n_samples=300, noise=0.05, seed=7)
    if not np.array_equal(answer.x_train, expected.x_train):
        raise Wrong(
            "Right data set and size, but different points: check `noise=0.05` and `seed=7` "
            "(and leave `test_fraction` at its default)."
        )
    return "That is the circles data set: 225 training points and 75 test points."
