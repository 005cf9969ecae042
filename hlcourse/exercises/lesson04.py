"""Exercises of lesson 04: deep versus wide parameter counts, and a small network that works."""

from __future__ import annotations

import numbers

from hlcourse.exercises import Wrong, exercise

MAX_PARAMETERS = 100
TARGET_ACCURACY = 0.9


def _dense_parameters(sizes: list[int]) -> int:
    return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:], strict=True))


@exercise(
    "04.1",
    "Deep or wide: which is bigger?",
    solution="""
    wide = (2 * 64 + 64) + (64 * 1 + 1)                        # one layer of 64
    deep = (2 * 16 + 16) + 3 * (16 * 16 + 16) + (16 * 1 + 1)   # four layers of 16
    answer = (wide, deep)
    """,
)
def deep_or_wide(answer) -> str:
    wide, deep = _dense_parameters([2, 64, 1]), _dense_parameters([2, 16, 16, 16, 16, 1])
    if not isinstance(answer, tuple) or len(answer) != 2:
        raise Wrong(
            f"Your answer is {answer!r}; this exercise asks for a pair of whole numbers, "
            "`answer = (wide, deep)`."
        )
    if not all(isinstance(n, numbers.Integral) and not isinstance(n, bool) for n in answer):
        raise Wrong("Both counts should be whole numbers.")
    if answer == (wide, deep):
        return (
            f"The deep network has {deep} parameters, the wide one {wide}: depth multiplies "
            "width by width, layer after layer."
        )
    if answer == (deep, wide):
        raise Wrong("Your numbers are right but swapped: the wide network comes first.")
    wrong = []
    if answer[0] != wide:
        # 192 is both "weights only" and "first layer only": name both possibilities
        hint = " (biases or the output layer left out?)" if answer[0] == 192 else ""
        wrong.append(f"the wide count {answer[0]} is off{hint}")
    if answer[1] != deep:
        one_middle_layer = _dense_parameters([2, 16, 16, 1])
        hint = " (there are three 16 × 16 layers)" if answer[1] == one_middle_layer else ""
        wrong.append(f"the deep count {answer[1]} is off{hint}")
    raise Wrong("; ".join(wrong).capitalize() + ". Per Dense layer: inputs × units + units.")


@exercise(
    "04.2",
    "A small network that solves circles",
    solution="""
    answer = [8]   # one hidden layer of 8 tanh units: 33 parameters
    """,
)
def small_network(answer) -> str:
    if not isinstance(answer, list) or not all(
        isinstance(n, numbers.Integral) and not isinstance(n, bool) and n >= 1 for n in answer
    ):
        raise Wrong(
            f"Your answer is {answer!r}; this exercise asks for a list of hidden-layer widths, "
            "like `[4, 4]` (positive whole numbers)."
        )
    parameters = _dense_parameters([2, *answer, 1])
    if parameters > MAX_PARAMETERS:
        raise Wrong(
            f"{answer} has {parameters:,} parameters; the budget is {MAX_PARAMETERS}. "
            "Fewer or narrower layers."
        )
    if not answer:
        raise Wrong(
            "With no hidden layer the model draws a straight line, and no line separates a "
            "ring from its centre. Add a hidden layer."
        )
    accuracy = circles_accuracy(answer)
    if accuracy < TARGET_ACCURACY:
        raise Wrong(
            f"{answer} ({parameters} parameters) reached {accuracy:.2f} test accuracy; the goal "
            f"is {TARGET_ACCURACY}. A ring needs a few units to bend a closed boundary: try "
            "more units in one layer."
        )
    return f"{answer}: {parameters} parameters, {accuracy:.2f} test accuracy on circles."


def circles_accuracy(hidden: list[int], seed: int = 0) -> float:
    """Train a tanh network with these hidden widths on circles (seeded) and return its test
    accuracy; the same recipe as the lesson's sweep."""
    import keras
    import numpy as np

    from hlcourse import data, models, training

    circles = data.make_classification("circles", n_samples=400, noise=0.05, seed=seed)
    keras.utils.set_random_seed(seed)
    model = models.build_dense_network(2, hidden, activation="tanh")
    training.train_fast(
        model, circles.x_train, circles.y_train, epochs=300, learning_rate=0.03, seed=seed
    )
    predicted = model(circles.x_test, training=False).numpy()[:, 0] > 0.5
    return float(np.mean(predicted == circles.y_test))
