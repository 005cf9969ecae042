"""Exercises of lesson 12: realistic wrong answers get a message that says what is wrong."""

from __future__ import annotations

import pytest

from .answers import assert_says_what_is_wrong

ALL_FEATURES = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin_x1", "sin_x2")


def playground_engine(epochs=10, **settings):
    """A small trained playground engine."""
    from hlcourse.playground import PlaygroundEngine, PlaygroundState

    engine = PlaygroundEngine(PlaygroundState().with_changes(**settings))
    if epochs:
        engine.run_epochs(epochs)
    return engine


NOISY = {"dataset": "gauss", "noise": 50, "train_share": 10, "layers": (8, 8, 8)}

# (exercise id, a wrong answer a learner might give, a fragment the feedback must contain)
WRONG_ANSWERS = [
    ("12.1", lambda: playground_engine(dataset="circle", layers=()), "choose xor"),
    ("12.1", lambda: playground_engine(dataset="xor", layers=(4,)), "solve XOR with none"),
    ("12.1", lambda: playground_engine(dataset="xor", layers=(), epochs=0), "not trained yet"),
    ("12.1", lambda: playground_engine(dataset="xor", layers=(), epochs=20),
     "opposite quadrants"),
    # the right feature, but Keras's recipe: its losses are on another scale
    ("12.1", lambda: playground_engine(dataset="xor", layers=(), recipe="keras",
                                       features=("x1", "x2", "x1*x2")), "recipe back"),
    ("12.1", "pg", "give the playground itself"),
    # 12.2: the spiral below 0.1 with at most 12 hidden neurons
    ("12.2", lambda: playground_engine(dataset="xor"), "choose the spiral"),
    ("12.2", lambda: playground_engine(dataset="spiral", noise=20), "noise to 0"),
    # the lesson's own network, copied: 24 neurons
    ("12.2", lambda: playground_engine(dataset="spiral", layers=(8, 8, 8),
                                       features=ALL_FEATURES), "the budget is 12"),
    ("12.2", lambda: playground_engine(dataset="spiral", layers=(6, 6), epochs=0),
     "not trained yet"),
    ("12.2", lambda: playground_engine(dataset="spiral", layers=(6, 6)),
     "let a single neuron draw a curve"),
    ("12.2", lambda: playground_engine(dataset="spiral", layers=(6, 6),
                                       features=("x1", "x2", "x1^2", "x2^2")),
     "train longer"),
    # 12.3: at least half the weights exactly 0, test loss below 0.2
    ("12.3", lambda: playground_engine(dataset="circle", layers=(8, 8, 8)), "section's data"),
    ("12.3", lambda: playground_engine(**NOISY, epochs=0), "not trained yet"),
    ("12.3", lambda: playground_engine(**NOISY, epochs=100), "Without a penalty"),
    # the lesson's own L2 run, copied
    ("12.3", lambda: playground_engine(**NOISY, epochs=100, regularization="l2",
                                       regularization_rate=0.03), "pulls a small weight"),
    ("12.3", lambda: playground_engine(**NOISY, epochs=100, regularization="l1",
                                       regularization_rate=1.0), "the network guesses"),
    ("12.3", lambda: playground_engine(**NOISY, epochs=100, init="zeros"),
     "the network guesses"),
    ("12.3", lambda: playground_engine(**NOISY, epochs=50, regularization="l1",
                                       regularization_rate=0.001), "Train longer"),
    # L1 under Keras's recipe: plain gradient steps, no weight lands on exactly 0
    ("12.3", lambda: playground_engine(**NOISY, epochs=100, regularization="l1",
                                       regularization_rate=0.03, recipe="keras"),
     "jittering near 0"),
    ("12.3", 0.5, "give the playground itself"),
]  # fmt: skip


@pytest.mark.parametrize(("exercise_id", "answer", "fragment"), WRONG_ANSWERS)
def test_wrong_answers_say_what_is_wrong(exercise_id, answer, fragment):
    assert_says_what_is_wrong(exercise_id, answer, fragment)
