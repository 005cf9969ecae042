"""Exercises of lesson 00: counting hidden layers, a dense layer on a batch by hand, and the
noise level at which a data set's classes start to mix."""

from __future__ import annotations

import math
import numbers

import numpy as np

from hlcourse.exercises import Wrong, exercise

# The numbers exercise 00.2 gives the learner (the lesson shows the same ones): a batch of
# four inputs, one per row, for a dense layer of 2 units reading 3 inputs.
LAYER_X = np.array([[1.0, -2.0, 0.5], [0.0, 1.0, -1.0], [0.5, 1.0, 1.0], [-1.0, -1.0, 1.0]])
LAYER_W = np.array([[1.0, -1.0], [0.25, 0.5], [0.5, 2.0]])
LAYER_B = np.array([0.5, -0.25])

# Exercise 00.3: the data set, its size and seed, the noise levels to try and the share.
MIXING_SET, MIXING_SAMPLES, MIXING_SEED = "circles", 300, 0
NOISE_LEVELS = tuple(round(0.05 * k, 2) for k in range(11))  # 0.0, 0.05, ..., 0.5
MIXED_SHARE = 0.10


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
    "A dense layer on a batch, by hand",
    solution="""
    z = x @ W + b              # (4, 3) @ (3, 2) -> (4, 2); b is added to every row
    answer = np.maximum(z, 0)  # ReLU keeps positive values and turns negative ones into 0
    """,
)
def dense_layer_by_hand(answer) -> str:
    try:
        got = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        raise Wrong(
            f"Your answer is a {type(answer).__name__}; this exercise asks for a NumPy array "
            "with one row of two numbers per input."
        ) from None
    x, w, b = LAYER_X, LAYER_W, LAYER_B
    z = x @ w + b
    expected = np.maximum(z, 0.0)
    if got.shape == expected.T.shape and np.allclose(got, expected.T):
        raise Wrong(
            "Right numbers, turned around: your answer has one column per input. The batch "
            "has one input per row, and the layer's output keeps that layout: one row per "
            "input, one column per unit."
        )
    if got.shape == (2,) and np.allclose(got, z.max(axis=0)):
        raise Wrong(
            "Your answer holds the largest value of each column of x @ W + b: `np.max(z, 0)` "
            "reads the 0 as an axis and takes a maximum over the four inputs. ReLU compares "
            "every value with 0 on its own; look for NumPy's element-wise maximum of two arrays."
        )
    if got.shape == (2,):
        raise Wrong(
            "Your answer has shape (2,): the output of one input. `x` holds four inputs, one "
            "per row; a matrix product handles them all at once."
        )
    if got.shape != expected.shape:
        raise Wrong(
            f"Your answer has shape {got.shape}; four inputs through a layer of 2 units give "
            "shape (4, 2). Check the order of the matrix product: (4, 3) @ (3, 2)."
        )
    if np.allclose(got, expected):
        off = int(np.count_nonzero(expected == 0))
        return (
            f"Correct: relu(x @ W + b) = {np.round(expected, 3).tolist()}. ReLU switched a "
            f"unit off (0) in {off} of the 8 places."
        )
    if np.allclose(got, z):
        raise Wrong(
            "These are the weighted sums z = x @ W + b, before the activation. What does ReLU "
            "do to the negative ones?"
        )
    if np.allclose(got, np.maximum(x @ w, 0.0)):
        raise Wrong("Close: you left out the bias `b`. Each unit adds its bias to its sum.")
    if np.allclose(got, np.maximum(x @ w, 0.0) + b):
        raise Wrong(
            "The bias belongs inside the activation: each unit adds its bias to the weighted "
            "sum, then applies ReLU to the total."
        )
    raise Wrong(
        f"Your values {np.round(got, 3).tolist()} are not relu(x @ W + b). Work out the first "
        "input's two weighted sums by hand and compare them with your first row."
    )


def _mixing(noise: float) -> float:
    from hlcourse.data import class_overlap, make_classification

    dataset = make_classification(MIXING_SET, MIXING_SAMPLES, noise=noise, seed=MIXING_SEED)
    return class_overlap(dataset)


@exercise(
    "00.3",
    "When noise mixes the classes",
    solution="""
    for noise in [0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5]:
        data = hlc.data.make_classification("circles", 300, noise=noise, seed=0)
        if hlc.data.class_overlap(data) >= 0.10:
            answer = noise   # the first (lowest) level that mixes at least 10 % of the points
            break
    """,
)
def first_mixed_noise(answer) -> str:
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        raise Wrong(
            f"Your answer is a {type(answer).__name__}; this exercise asks for one noise "
            "level, a number like `answer = 0.35`."
        )
    shares = {level: _mixing(level) for level in NOISE_LEVELS}
    right = next(level for level, share in shares.items() if share >= MIXED_SHARE)
    if math.isclose(answer, right, abs_tol=1e-6):
        below = [level for level in NOISE_LEVELS if level < right]
        before = f"; at {below[-1]}, {shares[below[-1]]:.0%}" if below else ""
        return (
            f"Right: at noise {right} the circles mix {shares[right]:.0%} of their points{before}."
        )
    level = next((lv for lv in NOISE_LEVELS if math.isclose(answer, lv, abs_tol=1e-6)), None)
    if level is None:
        if any(math.isclose(answer, share, abs_tol=5e-3) for share in shares.values()):
            raise Wrong(
                f"{answer} is a share of mixed points (what `class_overlap` returns), not a "
                "noise level. Which noise level produced that share?"
            )
        raise Wrong(f"{answer} is not one of the levels to try: 0.0, 0.05, 0.1, ... up to 0.5.")
    if level < right:
        raise Wrong(
            f"At noise {level}, {shares[level]:.0%} of the points are mixed: fewer than 10%. "
            "Check the data set's name, size and seed, and your comparison."
        )
    raise Wrong(
        f"At noise {level} at least 10% are mixed, but a lower level already reaches 10%: "
        "the exercise asks for the first one that does."
    )
