"""Exercises of lesson 04: deep versus wide parameter counts, the fewest units that solve
circles, and the widest four-layer network that costs no more than one wide layer."""

from __future__ import annotations

import numbers

from hlcourse.exercises import Wrong, exercise

MAX_PARAMETERS = 20
TARGET_ACCURACY = 0.95


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
        deep_hints = {
            _dense_parameters([2, 16, 16, 1]): " (there are three 16 × 16 layers)",
            _dense_parameters([2, 16, 16, 16, 1]): " (four hidden layers: three 16 × 16 "
            "layers between them)",
            2 * 16 + 3 * 16 * 16 + 16: " (biases left out?)",
            deep - (16 + 1): " (the output layer left out?)",
        }
        wrong.append(f"the deep count {answer[1]} is off{deep_hints.get(answer[1], '')}")
    raise Wrong("; ".join(wrong).capitalize() + ". Per Dense layer: inputs × units + units.")


@exercise(
    "04.2",
    "The fewest units that close a ring",
    solution="""
    # Each tanh unit contributes one straight line; three lines are the fewest that can
    # fence in the centre (a triangle, rounded off by tanh): 13 parameters.
    answer = [3]
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
            f"{answer} has {parameters:,} parameters; the budget is {MAX_PARAMETERS}. Think "
            "about what each unit draws: how few straight lines can fence in the centre?"
        )
    if not answer:
        raise Wrong(
            "With no hidden layer the model draws a straight line, and no line separates a "
            "ring from its centre. Add a hidden layer."
        )
    first_wide = next((i for i, width in enumerate(answer) if width > 2), len(answer))
    if 1 in answer[:first_wide]:
        raise Wrong(
            f"{answer} squeezes every point through a layer of 1 unit before any layer can draw "
            "a closed boundary: one number per point, which cannot say where a point lies on a "
            "ring. Spend the budget on one layer."
        )
    if max(answer) <= 2:
        raise Wrong(
            f"{answer} has no layer wider than its 2 inputs. Two units draw two lines, which "
            "make a strip or a wedge, open on some side; stacking such layers does not close "
            "it either (no network this narrow can enclose a region, Johnson 2019). How many "
            "lines does it take to close a shape around the centre?"
        )
    accuracy = circles_accuracy(answer)
    if accuracy < TARGET_ACCURACY:
        raise Wrong(
            f"{answer} ({parameters} parameters) reached {accuracy:.2f} test accuracy; the goal "
            f"is {TARGET_ACCURACY}. Put the units in one layer, where each draws a line around "
            "the centre."
        )
    return (
        f"{answer}: {parameters} parameters, {accuracy:.2f} test accuracy on circles. Each unit "
        "draws a line; three are the fewest that close around the centre."
    )


WIDE_WIDTH = 256  # 04.3's reference: one hidden layer of this many units
DEEP_LAYERS = 4


def multiply_adds(sizes: list[int]) -> int:
    """Multiply-adds of one forward pass of one example through Dense layers of these sizes
    (inputs first, outputs last): a layer with n inputs and u units does n * u of them."""
    return sum(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))


@exercise(
    "04.3",
    "Four layers for the price of one",
    solution="""
    # One layer of 256: 2 * 256 + 256 * 1 = 768 multiply-adds per example.
    # Four layers of w:  2 * w + 3 * (w * w) + w * 1 = 3w² + 3w.
    # w = 15 costs 720, w = 16 costs 816: 15 is the largest that fits.
    answer = max(w for w in range(1, 257) if 2 * w + 3 * w * w + w <= 2 * 256 + 256)
    """,
)
def four_for_one(answer) -> str:
    if isinstance(answer, bool) or not isinstance(answer, numbers.Integral) or answer < 1:
        raise Wrong(
            f"Your answer is {answer!r}; this exercise asks for one width, a positive whole "
            "number: `answer = w`."
        )
    budget = multiply_adds([2, WIDE_WIDTH, 1])

    def cost(width: int) -> int:
        return multiply_adds([2, *[width] * DEEP_LAYERS, 1])

    largest = max(w for w in range(1, WIDE_WIDTH + 1) if cost(w) <= budget)
    if answer == largest:
        return (
            f"{largest}: {cost(largest):,} multiply-adds per example ({largest + 1} would cost "
            f"{cost(largest + 1):,}), against {budget:,} for one layer of {WIDE_WIDTH}. Between "
            "two hidden layers the cost is width × width, so four layers afford far fewer "
            "units, and they run one after another."
        )
    if answer * DEEP_LAYERS == WIDE_WIDTH:
        raise Wrong(
            f"{answer} shares out the {WIDE_WIDTH} units, but not the cost: a layer does "
            "(its inputs) × (its units) multiply-adds, so a layer after a wide layer pays for "
            "both widths at once. The single wide layer's inputs and outputs are tiny (2 and 1)."
        )
    if answer < largest:
        raise Wrong(
            f"Four layers of {answer} fit within the cost of one layer of {WIDE_WIDTH}, but a "
            "wider layer fits too. Count every layer of both networks, the first (2 inputs) and "
            "the output layer (1 unit) too."
        )
    if (DEEP_LAYERS - 1) * answer * answer <= budget:
        raise Wrong(
            f"{DEEP_LAYERS - 1} × {answer} × {answer} counts only the layers between hidden "
            f"layers. The first hidden layer (2 × {answer}) and the output layer ({answer} × 1) "
            "cost multiply-adds too."
        )
    if cost(answer) <= 1.25 * budget:
        raise Wrong(
            f"Four layers of {answer} cost a little more per example than one layer of "
            f"{WIDE_WIDTH}. Count each layer's inputs × units in both networks (biases are "
            "additions, not multiply-adds)."
        )
    raise Wrong(
        f"Four layers of {answer} cost more multiply-adds per example than one layer of "
        f"{WIDE_WIDTH}. Each layer costs its inputs × its units: between two hidden layers "
        "that is width × width, which grows fast."
    )


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
