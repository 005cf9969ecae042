"""Exercises of lesson 07: symmetric starting weights, a deep layer's spread predicted by the
variance argument, and an initialization scale from it."""

from __future__ import annotations

import math
import numbers

import numpy as np

from hlcourse.exercises import Wrong, exercise


@exercise(
    "07.1",
    "Equal, but not zero",
    solution="""
    # equal starting weights give equal gradients (symmetry), but here gradients do flow:
    # the hidden units output tanh(0.5 x1 + 0.5 x2), and the output weights are 0.5, not 0
    answer = {"different units": 1, "hidden weights changed": True}
    """,
)
def equal_start(answer) -> str:
    keys = {"different units", "hidden weights changed"}
    if not isinstance(answer, dict) or set(answer) != keys:
        raise Wrong(
            f"Your answer is {answer!r}; this exercise asks for a dict with the keys "
            '"different units" (a whole number) and "hidden weights changed" (True or False).'
        )
    units, changed = answer["different units"], answer["hidden weights changed"]
    if isinstance(units, bool) or not isinstance(units, numbers.Integral):
        raise Wrong('"different units" should be a whole number.')
    if not isinstance(changed, (bool, np.bool_)):
        raise Wrong('"hidden weights changed" should be True or False.')
    problems = []
    if units == 8:
        problems.append(
            "Not zero is not enough to make units differ. Two units with the same weights "
            "compute the same output; what does that make their gradients, and their next step?"
        )
    elif units == 0:
        problems.append("A layer always has at least one kind of unit; how many *kinds* are there?")
    elif units != 1:
        problems.append(
            f"Not {units}: the eight units start exactly equal. What does that make their "
            "gradients?"
        )
    if not changed:
        problems.append(
            "In the all-zero network nothing reached the hidden weights, because the hidden "
            "units output tanh(0) = 0 and the output weights were 0. Is either true here?"
        )
    if problems:
        raise Wrong(" ".join(problems))
    return (
        "One kind of unit, eight copies: equal weights get equal gradients, so they move in "
        "step. And they do move: the hidden outputs and the output weights are not zero, so "
        "gradient reaches the hidden layer. Symmetry, not zero, is the problem."
    )


# 07.2: ten ReLU layers of this width, weights N(0, SPREAD_STD²), standardized inputs.
SPREAD_WIDTH, SPREAD_STD, SPREAD_LAYERS = 200, 0.08, 10


def spread_of_layer(
    *,
    var_w: float = SPREAD_STD**2,
    fan_in: float = SPREAD_WIDTH,
    keep: float = 0.5,
    first_keep: float = 1.0,
    layers: int = SPREAD_LAYERS,
) -> float:
    """The standard deviation of the last layer's z by the variance argument: Var(z_1) =
    fan_in · Var(w) · first_keep (E[x²] = 1 for standardized inputs), then each layer
    multiplies it by fan_in · Var(w) · keep (ReLU keeps half the second moment). The keyword
    arguments make the likely slips: the std for Var(w), no fan_in, no halving."""
    variance = fan_in * var_w * first_keep * (fan_in * var_w * keep) ** (layers - 1)
    return math.sqrt(variance)


SPREAD_RIGHT = spread_of_layer()
SPREAD_TOLERANCE = 0.01  # relative: the formula gives the number; a measurement is off by more


@exercise(
    "07.2",
    "Predict a deep layer's spread",
    solution="""
    # layer 1: Var(z) = 200 * 0.08**2 * E[x**2] = 1.28 (the inputs are standardized: E[x**2] = 1)
    # every later layer: ReLU keeps half the second moment, E[h**2] = Var(z) / 2, so
    # Var(z) is multiplied by 200 * 0.08**2 / 2 = 0.64, nine times
    answer = (1.28 * 0.64**9) ** 0.5
    """,
)
def deep_spread(answer) -> str:
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        raise Wrong(f"Your answer is {answer!r}; this exercise asks for one number.")
    if not answer > 0 or not math.isfinite(answer):
        raise Wrong("A standard deviation is a positive number.")
    got = float(answer)
    if math.isclose(got, SPREAD_RIGHT, rel_tol=SPREAD_TOLERANCE):
        return (
            f"σ(z₁₀) = √(1.28 · 0.64⁹) ≈ {SPREAD_RIGHT:.4f}. Layer 1 gets the inputs themselves "
            "(factor 200 · 0.08² = 1.28); every later layer gets ReLU outputs, which keep half "
            "the second moment (factor 0.64). He's standard deviation for 200 inputs, "
            f"√(2/200) = 0.1, would make that factor exactly 1."
        )
    wrong = [
        (spread_of_layer(var_w=SPREAD_STD),
         "Var(w) is the square of the weights' standard deviation: 0.08 is σ, not σ²."),
        (spread_of_layer(fan_in=1),
         "Each unit adds up 200 products w·x, one per input: the variances of the terms add up. "
         "Where is fan_in in your computation?"),
        (spread_of_layer(keep=1.0),
         "A layer gets the ReLU outputs of the layer below, not its z: ReLU sets the negative "
         "half to 0. What is E[h²] for h = max(0, z) with a symmetric z?"),
        (spread_of_layer(first_keep=0.5),
         "Layer 1 gets the standardized inputs themselves, not ReLU outputs: for it E[x²] = 1, "
         "not one half."),
        (SPREAD_RIGHT**2, "That looks like a variance; the exercise asks for the standard deviation."),
        (spread_of_layer(keep=0.25),
         "ReLU halves the second moment E[h²] (the variance's side), not the standard "
         "deviation."),
        (spread_of_layer(layers=SPREAD_LAYERS - 1),
         "Count again: one factor for layer 1 and one for each of the nine layers after it."),
        (spread_of_layer(layers=SPREAD_LAYERS + 1),
         "Count again: one factor for layer 1 and one for each of the nine layers after it."),
    ]  # fmt: skip
    for value, hint in wrong:
        if math.isclose(got, value, rel_tol=0.02):
            raise Wrong(hint)
    if math.isclose(got, SPREAD_RIGHT, rel_tol=0.35):
        raise Wrong(
            "Close, but not the variance argument's number: is this a measurement? One stack "
            "of 200-unit layers strays from the prediction by up to about a third. Work it out "
            "with Var(z) = fan_in · Var(w) · E[h²], layer by layer."
        )
    raise Wrong(
        "Not yet. Follow the variance layer by layer: Var(z) = fan_in · Var(w) · E[h²], where "
        "h is what the layer receives (the inputs for layer 1, ReLU outputs after that)."
    )


# 07.3: leaky ReLU with this negative slope, layers of this many inputs.
LEAKY_SLOPE, LEAKY_FAN_IN, LEAKY_LAYERS = 0.5, 64, 10
LEAKY_RIGHT = math.sqrt(2 / ((1 + LEAKY_SLOPE**2) * LEAKY_FAN_IN))
LEAKY_SPREAD_WINDOW = (0.8, 1.25)  # tenth layer's spread over the first's that counts as kept


def leaky_spread_ratio(std: float) -> float:
    """The tenth layer's spread over the first's predicted by the variance argument for
    weights of standard deviation `std` (each layer multiplies the variance by
    ``fan_in * std**2 * (1 + slope**2) / 2``)."""
    gain = LEAKY_FAN_IN * std**2 * (1 + LEAKY_SLOPE**2) / 2
    return gain ** ((LEAKY_LAYERS - 1) / 2)


@exercise(
    "07.3",
    "A starting spread for leaky units",
    solution="""
    # E[f(z)^2] = (1 + 0.5**2) / 2 * Var(z), so 64 * Var(w) * 1.25 / 2 = 1
    answer = (2 / (1.25 * 64)) ** 0.5
    """,
)
def leaky_scale(answer) -> str:
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        raise Wrong(f"Your answer is {answer!r}; this exercise asks for one number.")
    if not answer > 0 or not math.isfinite(answer):
        raise Wrong("A standard deviation is a positive number.")
    std = float(answer)
    ratio = leaky_spread_ratio(std)
    low, high = LEAKY_SPREAD_WINDOW
    if low <= ratio <= high:
        return (
            f"σ = {std:.4f}: each layer multiplies the variance by "
            f"{LEAKY_FAN_IN} × {std:.4f}² × 1.25 / 2 ≈ {ratio ** (2 / (LEAKY_LAYERS - 1)):.3f}, "
            "so the spread holds over ten layers. He et al. (2015) give this rule for any "
            "negative slope a: Var(w) = 2 / ((1 + a²) · fan_in)."
        )
    effect = (
        f" With σ = {std:.4g}, the variance argument says each layer multiplies the variance "
        f"by {ratio ** (2 / (LEAKY_LAYERS - 1)):.3g}, so the tenth layer's spread would be "
        f"{ratio:.3g} times the first's."
    )
    near = [
        (math.sqrt(2 / LEAKY_FAN_IN),
         "That is He's scale, made for ReLU, which zeroes the negative half of its inputs. "
         "This leaky ReLU lets the negative half through at half size: what is E[f(z)²] now?"),
        (math.sqrt(1 / LEAKY_FAN_IN),
         "That scale keeps the variance of a layer whose activation keeps all of it (slope 1 "
         "everywhere). This activation shrinks the negative half: how much of the variance "
         "does it keep?"),
        (math.sqrt(2 / ((1 + LEAKY_SLOPE) * LEAKY_FAN_IN)),
         "Close: you counted the negative half at half its size. But the variance argument "
         "needs E[f(z)²], and a value scaled by 0.5 has its square scaled by 0.25."),
        (LEAKY_RIGHT**2,
         "That looks like a variance (σ²); the exercise asks for the standard deviation σ."),
        (math.sqrt(3) * LEAKY_RIGHT,
         "That is the limit of a uniform distribution, ±√3·σ; the weights here are drawn from a "
         "normal distribution: give its standard deviation."),
    ]  # fmt: skip
    for value, hint in near:
        if math.isclose(std, value, rel_tol=0.02):
            raise Wrong(hint + effect)
    raise Wrong(
        "Not yet." + effect + " Find σ for which the factor is 1: Var(z) = fan_in · Var(w) · "
        "E[f(z_prev)²], and E[f(z)²] counts the positive and the negative halves."
    )


# 07.4: dead units counted from recorded pre-activations, shape (epochs, probe examples, units).
DEAD_SHAPE = (5, 40, 12)


def dead_watch_data() -> np.ndarray:
    """07.4's recorded pre-activations: more units die at each epoch (none at epoch 0), and
    others are negative for most, but not all, examples."""
    rng = np.random.default_rng(9)
    z = rng.normal(0.5, 1.0, DEAD_SHAPE)
    for epoch in range(DEAD_SHAPE[0]):
        z[epoch, :, : 2 * epoch] = -np.abs(z[epoch, :, : 2 * epoch]) - 0.1  # dead: all below 0
        z[epoch, 1:, 10:] = -np.abs(z[epoch, 1:, 10:]) - 0.1  # negative except for example 0
        z[epoch, 0, 10:] = np.abs(z[epoch, 0, 10:]) + 0.1
    return z


@exercise(
    "07.4",
    "Dead units, epoch by epoch",
    solution="""
    def answer(z):
        # A unit is dead at an epoch when z <= 0 for EVERY probe example (axis 1);
        # the share of such units, per epoch.
        return np.all(z <= 0, axis=1).mean(axis=1)
    """,
)
def dead_by_epoch(answer) -> str:
    if not callable(answer):
        raise Wrong(
            f"Your answer is a {type(answer).__name__}; this exercise asks for a function "
            "`def answer(z): ... return shares`, one share per epoch."
        )
    z = dead_watch_data()
    right = np.all(z <= 0, axis=1).mean(axis=1)
    got = np.asarray(answer(z.copy()), dtype=float)
    if got.shape != right.shape:
        if got.size == 1:
            raise Wrong(
                "One number for the whole record: the share changes from epoch to epoch. "
                "Keep the epoch axis (axis 0) and return one share per epoch."
            )
        raise Wrong(
            f"Your function returned shape {got.shape}; expected {right.shape}, one share per "
            "epoch. Which axis holds the examples, and which the units?"
        )
    if np.allclose(got, right):
        return (
            "Right: per epoch, the share of units whose pre-activation is at most 0 for every "
            "probe example. A unit negative on all but one example is still alive: that one "
            "example still sends it a gradient."
        )
    if np.allclose(got, np.mean(z <= 0, axis=(1, 2))):
        raise Wrong(
            "That is the share of outputs that are 0, counted over examples and units "
            "together. A unit is dead only when it is off for every example at once: decide "
            "per unit first, then count the units."
        )
    if np.allclose(got, np.all(z <= 0, axis=2).mean(axis=1)):
        raise Wrong(
            "That counts examples for which every unit is off. The question is about units: "
            "for each unit, look down its column of examples."
        )
    if np.allclose(got, np.all(z <= 0, axis=1).sum(axis=1)):
        raise Wrong("Those are numbers of dead units; divide by the units per layer for a share.")
    if np.allclose(got, np.all(z >= 0, axis=1).mean(axis=1)):
        raise Wrong(
            "Check the direction: ReLU outputs 0 where z is at most 0, and a dead unit is one "
            "that does so for every example."
        )
    raise Wrong(
        "Not the dead shares yet. For each epoch and unit, ask: is z <= 0 for all examples? "
        "Then take the share of units for which it is, per epoch."
    )
