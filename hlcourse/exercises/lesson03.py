"""Exercises of lesson 03: the derivative of tanh, and finding a layer's dead ReLU units."""

from __future__ import annotations

import types
from collections.abc import Callable

import numpy as np

from hlcourse.exercises import Wrong, exercise

GRID = np.linspace(-4.0, 4.0, 81)

# Names that, used inside a learner's 03.1 function, mean the slope came from a library's
# automatic derivative rather than from the learner's own formula.
_LIBRARY_SLOPES = frozenset({"activation_values", "keras", "tf", "tensorflow", "GradientTape"})


def _names_used(function: Callable) -> set[str]:
    """Global and attribute names a function's code (and code nested in it) refers to."""
    code = getattr(function, "__code__", None)
    if code is None:
        return set()
    names: set[str] = set()
    stack = [code]
    while stack:
        current = stack.pop()
        names.update(current.co_names)
        stack.extend(c for c in current.co_consts if isinstance(c, types.CodeType))
    return names


@exercise(
    "03.1",
    "The slope of tanh",
    solution="""
    def answer(z):
        return 1 - np.tanh(z) ** 2   # tanh'(z) = 1 - tanh(z)^2
    """,
)
def tanh_derivative(answer) -> str:
    if not callable(answer):
        raise Wrong(
            f"Your answer is a {type(answer).__name__}; this exercise asks for a function, "
            "e.g. `def answer(z): return ...`."
        )
    if _names_used(answer) & _LIBRARY_SLOPES:
        raise Wrong(
            "Your function asks TensorFlow for the slope (as the plotting cells do); this "
            "exercise asks you to work it out. Write tanh as sinh/cosh and differentiate: the "
            "result can be written with np.tanh alone."
        )
    got = np.asarray(answer(GRID.copy()), dtype=float)
    if got.shape != GRID.shape:
        raise Wrong(
            f"For 81 inputs your function returned shape {got.shape}; it should return one "
            "slope per input (use NumPy functions such as `np.tanh`, which work element-wise)."
        )
    t = np.tanh(GRID)
    if np.allclose(got, 1 - t**2, atol=1e-6):
        return "Right: the slope is 1 at z = 0 and fades towards 0 as |z| grows: saturation."
    if np.allclose(got, 1 - t, atol=1e-6):
        raise Wrong("Close: tanh'(z) = 1 - tanh(z)**2. You left out the square.")
    if np.allclose(got, t * (1 - t), atol=1e-6):
        raise Wrong(
            "That is the form of the sigmoid's derivative, s(1 - s). For tanh it is 1 - tanh(z)**2."
        )
    if np.allclose(got, t, atol=1e-6):
        raise Wrong("That is tanh itself; the exercise asks for its slope (derivative).")
    if np.allclose(got, 1 - t**2, atol=0.02):
        raise Wrong(
            "Close to the slope, but not exact: a difference between neighbouring points only "
            "approximates it. The exercise asks for the exact derivative, a formula in tanh."
        )
    raise Wrong(
        "Your function does not give tanh's slope. Check it at z = 0 (the slope is 1) and at "
        "z = 4 (almost 0)."
    )


# 03.2: a ReLU layer with 7 units on 8 samples of 2 features, built so that each likely wrong
# rule picks a different set of units. Pre-activations z = x @ kernel + bias, one column per
# unit: unit 0 is on for every sample but the last, 1 off for every sample (bias 0), 2 and 5
# on for some samples, 3 on despite a negative bias, 4 exactly 0 for two samples and negative
# for the others, 6 negative for every sample only because of its bias. The last sample turns
# every unit off, so rows taken for units point past the last unit.
DEAD_X = np.array(
    [[1.0, 2.0], [2.0, 1.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 2.0], [2.0, 0.0], [0.0, 0.0]]
)
DEAD_KERNEL = np.array(
    [
        [1.0, -1.0, 1.0, 2.0, 1.0, -1.0, 1.0],
        [1.0, -1.0, -1.0, 2.0, 1.0, 1.0, 1.0],
    ]
)
DEAD_BIAS = np.array([0.0, 0.0, 0.0, -1.0, -3.0, 0.0, -5.0])


def _dead(kernel: np.ndarray, bias: np.ndarray, x: np.ndarray) -> list[int]:
    """The reference rule: units whose pre-activation is at most 0 for every sample."""
    z = x @ kernel + bias
    return [int(i) for i in np.flatnonzero(np.all(z <= 0, axis=0))]


def _second_layer() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A random layer (3 inputs, 8 units, 6 samples) with three units pushed dead, so that an
    answer written for the first layer's numbers alone does not pass."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(6, 3))
    kernel = rng.normal(size=(3, 8))
    bias = np.zeros(8)
    bias[[0, 2, 5]] = -20.0
    return kernel, bias, x


def _as_indices(result, n_units: int) -> list[int]:
    """The learner's result as sorted unit indices, or `Wrong` saying what was expected."""
    if isinstance(result, (set, frozenset)):
        result = sorted(result)
    array = np.asarray(result)
    if array.dtype == np.bool_:
        raise Wrong(
            "Your function returned True/False values; the exercise asks for the indices of the "
            "dead units, e.g. [1, 4] (np.flatnonzero turns a True/False array into indices)."
        )
    if array.ndim > 1 or not (array.size == 0 or np.issubdtype(array.dtype, np.integer)):
        raise Wrong(
            f"Your function returned {result!r}; it should return the dead units' indices as "
            "whole numbers, e.g. [1, 4] (or [] when no unit is dead)."
        )
    indices = sorted({int(i) for i in array.ravel()})
    if any(i < 0 or i >= n_units for i in indices):
        raise Wrong(
            f"Your function returned {indices}, but the layer has units 0 to {n_units - 1}. "
            "Units are the columns of x @ kernel + bias (one per column of the kernel); rows "
            "are samples."
        )
    return indices


@exercise(
    "03.2",
    "Find the dead units",
    solution="""
    def answer(kernel, bias, x):
        z = x @ kernel + bias                     # one row per sample, one column per unit
        dead = np.all(z <= 0, axis=0)             # ReLU outputs 0 for every sample
        return [int(i) for i in np.flatnonzero(dead)]
    """,
)
def dead_unit_indices(answer) -> str:
    if not callable(answer):
        raise Wrong(
            f"Your answer is a {type(answer).__name__}; this exercise asks for a function, "
            "`def answer(kernel, bias, x): ...`, that returns the dead units' indices."
        )
    n_units = DEAD_KERNEL.shape[1]
    got = _as_indices(answer(DEAD_KERNEL.copy(), DEAD_BIAS.copy(), DEAD_X.copy()), n_units)
    z = DEAD_X @ DEAD_KERNEL + DEAD_BIAS
    right = _dead(DEAD_KERNEL, DEAD_BIAS, DEAD_X)
    if got == right:
        kernel, bias, x = _second_layer()
        if _as_indices(answer(kernel, bias, x), kernel.shape[1]) == _dead(kernel, bias, x):
            return (
                f"Right: on the first test layer units {right} output 0 for every input, so no "
                "sample sends a gradient back to their weights."
            )
        raise Wrong(
            "Your function is right on one test layer and wrong on another: compute it from "
            "`kernel`, `bias` and `x` alone, for any numbers of samples, inputs and units."
        )
    wrong_rules = [
        (
            np.flatnonzero(np.any(z <= 0, axis=0)),
            "Your function counts a unit as dead when it is off for some sample. A unit that "
            "is off for some samples still fires, and learns, on the others: dead means off "
            "for every input.",
        ),
        (
            np.flatnonzero(np.all(z < 0, axis=0)),
            "Almost: look at what ReLU does when z is exactly 0. It outputs 0 there too (and "
            "TensorFlow gives it slope 0), so such a unit passes nothing back either.",
        ),
        (
            np.flatnonzero(np.all(DEAD_X @ DEAD_KERNEL <= 0, axis=0)),
            "Your function leaves out the bias. ReLU acts on the whole pre-activation, "
            "x @ kernel + bias: a negative bias can keep a unit off for every input.",
        ),
        (
            np.flatnonzero(DEAD_BIAS < 0),
            "Your function looks at the sign of the bias only. The bias is one term of the "
            "sum: large weights can outweigh a negative bias, and a unit with bias 0 can still "
            "be off for every input.",
        ),
        (
            np.flatnonzero(~np.all(z <= 0, axis=0)),
            "Those are the units that fire for at least one input: the living ones. The "
            "exercise asks for the others.",
        ),
    ]
    for indices, message in wrong_rules:
        if got == [int(i) for i in indices]:
            raise Wrong(message)
    raise Wrong(
        f"On the first test layer your function says {got}. Compute each unit's "
        "pre-activation for every sample, then keep the units for which ReLU outputs 0 on "
        "all of them."
    )
