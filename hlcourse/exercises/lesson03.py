"""Exercises of lesson 03: the derivative of tanh, and a layer of dead ReLU units."""

from __future__ import annotations

import numpy as np

from hlcourse.exercises import Wrong, exercise

GRID = np.linspace(-4.0, 4.0, 81)


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
    raise Wrong(
        "Your function does not give tanh's slope. Check it at z = 0 (the slope is 1) and at "
        "z = 4 (almost 0)."
    )


@exercise(
    "03.2",
    "A layer of dead units",
    solution="""
    # A large negative bias keeps every pre-activation below zero, for every input.
    answer = hlc.activations.output_statistics("relu", 1.0, bias=-5.0)
    """,
)
def dead_layer(answer) -> str:
    if not isinstance(answer, dict) or "dead" not in answer:
        raise Wrong(
            f"Your answer is a {type(answer).__name__}; this exercise asks for the dict that "
            "`hlc.activations.output_statistics(...)` returns."
        )
    if answer["dead"] >= 0.9:
        return f"{answer['dead']:.0%} of the units are dead: they output 0 for every input."
    if answer["saturated"] >= 0.4:
        raise Wrong(
            f"Only {answer['dead']:.0%} of the units are dead, although "
            f"{answer['saturated']:.0%} of the pre-activations are negative. A unit is dead "
            "only when it is negative for every input: push all of them down with a large "
            "negative `bias=`."
        )
    raise Wrong(
        f"Only {answer['dead']:.0%} of the units are dead. Use ReLU and a bias far below zero "
        "(try `bias=-5.0`), so that no input can switch a unit on."
    )
