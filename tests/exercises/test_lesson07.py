"""Exercises of lesson 07: realistic wrong answers get a message that says what is wrong, and
the facts the checks rely on hold."""

from __future__ import annotations

import numpy as np
import pytest

from hlcourse.exercises import lesson07

from .answers import assert_says_what_is_wrong, keras_module

# (exercise id, a wrong answer a learner might give, a fragment the feedback must contain)
WRONG_ANSWERS = [
    ("07.1", {"different units": 8, "hidden weights changed": True}, "Not zero is not enough"),
    ("07.1", {"different units": 1, "hidden weights changed": False}, "Is either true here?"),
    ("07.1", {"different units": 0, "hidden weights changed": True}, "*kinds*"),
    ("07.1", {"different units": 1.0, "hidden weights changed": True}, "whole number"),
    ("07.1", 1, "keys"),
    ("07.2", (16 * 8**9) ** 0.5, "square of the weights' standard deviation"),
    ("07.2", (0.0064 * 0.0032**9) ** 0.5, "Where is fan_in"),
    ("07.2", 1.28**5, "What is E[h²]"),
    ("07.2", 0.64**5, "Layer 1 gets the standardized inputs themselves"),
    ("07.2", 1.28 * 0.64**9, "looks like a variance"),
    ("07.2", (1.28 * 0.32**9) ** 0.5, "not the standard deviation"),
    ("07.2", (1.28 * 0.64**8) ** 0.5, "Count again"),
    ("07.2", 0.155, "is this a measurement?"),
    ("07.2", 1.0, "Not yet"),
    ("07.2", -0.15, "positive number"),
    ("07.2", "0.15", "one number"),
    ("07.3", (2 / 64) ** 0.5, "He's scale"),
    ("07.3", (1 / 64) ** 0.5, "slope 1"),
    ("07.3", (2 / (1.5 * 64)) ** 0.5, "square scaled by 0.25"),
    ("07.3", 2 / (1.25 * 64), "variance"),
    ("07.3", 3**0.5 * (2 / (1.25 * 64)) ** 0.5, "uniform distribution"),
    ("07.3", 1.0, "times the first's"),
    ("07.3", -0.1, "positive number"),
    ("07.3", "0.16", "one number"),
    ("07.4", lambda: (lambda z: np.mean(z <= 0, axis=(1, 2))), "decide per unit first"),
    ("07.4", lambda: (lambda z: np.all(z <= 0, axis=2).mean(axis=1)), "look down its column"),
    ("07.4", lambda: (lambda z: np.all(z <= 0, axis=1).sum(axis=1)), "divide by the units"),
    ("07.4", lambda: (lambda z: np.all(z >= 0, axis=1).mean(axis=1)), "Check the direction"),
    ("07.4", lambda: (lambda z: np.all(z <= 0, axis=(0, 1)).mean()), "One number"),
    ("07.4", lambda: (lambda z: np.all(z <= 0, axis=0).mean(axis=0)), "Which axis"),
    ("07.4", 0.5, "asks for a function"),
]  # fmt: skip


@pytest.mark.parametrize(("exercise_id", "answer", "fragment"), WRONG_ANSWERS)
def test_wrong_answers_say_what_is_wrong(exercise_id, answer, fragment):
    assert_says_what_is_wrong(exercise_id, answer, fragment)


def test_07_1_equal_starting_weights_stay_equal_but_move():
    """07.1's answer, measured: 8 tanh units from Constant(0.5) stay copies, and move."""
    import hlcourse as hlc

    keras = keras_module()
    circles = hlc.data.make_classification("circles", n_samples=200, noise=0.05, seed=0)
    model = hlc.models.build_dense_network(
        2, (8,), activation="tanh", initializer=keras.initializers.Constant(0.5)
    )
    hlc.training.train_fast(model, circles.x_train, circles.y_train, epochs=300,
                            learning_rate=0.03)  # fmt: skip
    assert hlc.diagnostics.units_identical(model, circles.x_test, "hidden_1")
    kernel = model.get_layer("hidden_1").kernel.numpy()
    assert np.abs(kernel - 0.5).max() > 0.1


def test_07_3_the_variance_argument_predicts_a_simulated_stack():
    """A numpy stack of ten leaky-ReLU layers with the right scale keeps its spread (averaged
    over 4 draws of weights), and He's scale makes it grow as the check says."""
    slope, width = lesson07.LEAKY_SLOPE, lesson07.LEAKY_FAN_IN

    def spread_ratio(std, seed):
        rng = np.random.default_rng(seed)
        h = rng.standard_normal((2000, width))
        spreads = []
        for _ in range(lesson07.LEAKY_LAYERS):
            z = h @ rng.normal(0, std, (width, width))
            spreads.append(z.std())
            h = np.where(z > 0, z, slope * z)
        return spreads[-1] / spreads[0]

    right = np.mean([spread_ratio(lesson07.LEAKY_RIGHT, s) for s in range(4)])
    he = np.mean([spread_ratio((2 / width) ** 0.5, s) for s in range(4)])
    assert 0.7 < right < 1.4
    assert he == pytest.approx(lesson07.leaky_spread_ratio((2 / width) ** 0.5), rel=0.3)


def test_07_2_the_prediction_is_what_a_simulated_stack_gives():
    """Ten ReLU layers of 200 units with N(0, 0.08²) weights, as hlcourse.initialization
    computes them with Keras' RandomNormal: layer 10's measured spread, averaged (in log) over
    8 draws, is the check's number within 12% (one draw of 200-unit layers strays by up to
    about a third: 0.108 to 0.202 on seeds 0-7), and the chained formula gives it."""
    keras = keras_module()
    from hlcourse.initialization import layer_activations

    normal = keras.initializers.RandomNormal(stddev=lesson07.SPREAD_STD)
    runs = [layer_activations(lesson07.SPREAD_LAYERS, lesson07.SPREAD_WIDTH, normal, "relu",
                              seed=seed) for seed in range(8)]  # fmt: skip
    measured = np.exp(np.mean([np.log(run.pre_std[-1]) for run in runs]))
    assert measured == pytest.approx(lesson07.SPREAD_RIGHT, rel=0.12)
    # the chain starts from the sampled inputs' second moment, 1 up to sampling noise
    assert runs[0].chained_std[-1] == pytest.approx(lesson07.SPREAD_RIGHT, rel=0.01)


def test_07_2_the_likely_slips_are_far_from_the_right_answer():
    right = lesson07.SPREAD_RIGHT
    for slip in [dict(var_w=lesson07.SPREAD_STD), dict(fan_in=1), dict(keep=1.0),
                 dict(first_keep=0.5), dict(keep=0.25), dict(layers=9), dict(layers=11)]:  # fmt: skip
        assert abs(lesson07.spread_of_layer(**slip) / right - 1) > 0.15, slip
