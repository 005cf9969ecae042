"""Exercises of lesson 09: realistic wrong answers get a message that says what is wrong."""

from __future__ import annotations

import pytest

from .answers import assert_says_what_is_wrong, keras_module


def _recipe(inputs, first: int = 0, last: int | None = -1):
    """An answer to 09.1 that cuts `model.layers[first:last]` and starts from `inputs(model)`."""
    return lambda: (
        lambda m: keras_module().Model(inputs(m), [x.output for x in m.layers[first:last]])
    )


def _functional_only(m):
    return m.input


def _graph_input(m):
    return m.inputs[0]


# (exercise id, a wrong answer a learner might give, a fragment the feedback must contain)
WRONG_ANSWERS = [
    # the lesson's Functional recipe as it stands: the InputLayer is kept
    ("09.1", _recipe(_functional_only), "model.layers[0] is the InputLayer"),
    ("09.1", _recipe(_functional_only, 1, None), "leave out the output layer"),
    ("09.1", _recipe(_functional_only, 0, None), "neither is a hidden layer"),
    # right for the Functional model, but `model.input` on a Sequential one
    ("09.1", _recipe(_functional_only, 1), "has no `.input` of its own"),
    # the graph's input, but a Functional model's slice on a Sequential model
    ("09.1", _recipe(_graph_input, 1), "does not list its InputLayer"),
    ("09.1", lambda: (lambda m: [x.output for x in m.layers[1:-1]]), "hand them to `keras.Model"),
    ("09.1", lambda: (lambda m: keras_module().Model(
        m.inputs[0], [m.get_layer(n).output for n in ("first", "second", "third")])),
     "Do not name the layers"),
    ("09.1", lambda: (lambda m: keras_module().Model(
        keras_module().Input((5,)), [x.output for x in m.layers[1:-1]])),
     "not part of that graph"),
    ("09.1", lambda: (lambda m: __import__("hlcourse").probe.activation_model(m)),
     "the course's helper"),
    ("09.1", "keras.Model(model.input, outputs)", "asks for a function"),
    ("09.2", {"dead": 0, "class_2": 4}, "Not dead: unit 0"),
    ("09.2", {"dead": 3, "class_2": 5}, "for class 0 and class 1"),
    ("09.2", {"dead": 3, "class_2": 0}, "all three classes"),
    ("09.2", {"dead": 6, "class_2": 4}, "numbered 0 to 5"),
    ("09.2", (3, 4), "a dict with the keys"),
    # taking a picture for a reason, a group comparison nobody measured, an unchecked saliency map
    ("09.3", {"A", "B", "C", "E"}, "Look again at B"),
    ("09.3", {"A", "C", "D", "E"}, "Look again at D"),
    ("09.3", "ACEF", "Look again at F"),
    ("09.3", ["a", "e"], "you left out 1"),
    ("09.3", {"A", "C", "E", "G"}, "G is not one of the statements"),
    ("09.3", 3, "a set of strings"),
    # counting what a frozen network with batch normalization still trains
    ("09.4", 387, "moving mean and moving variance"),
    ("09.4", 348, "each of their units has a bias"),
    ("09.4", 324, "Two things are missing"),
    ("09.4", 339, "hidden_2_bn is fine-tuned too"),
    ("09.4", 454, "old output layer of 10 units"),
    ("09.4", 2043, "what count_params() returns"),
    ("09.4", 2019, "which are frozen"),
    ("09.4", 1656, "parameters in the frozen layers"),
    ("09.4", 411, "a frozen batch normalization layer's"),
    ("09.4", 400, "Go layer by layer"),
    ("09.4", 363.0, "a whole number"),
]  # fmt: skip


@pytest.mark.parametrize(("exercise_id", "answer", "fragment"), WRONG_ANSWERS)
def test_wrong_answers_say_what_is_wrong(exercise_id, answer, fragment):
    assert_says_what_is_wrong(exercise_id, answer, fragment)


def test_a_by_hand_replay_of_the_layers_passes():
    """The lesson's other way, a fresh keras.Input and the layers called on it, is right too."""
    import hlcourse as hlc

    keras = keras_module()

    def replay(model):
        inputs = keras.Input(shape=model.inputs[0].shape[1:])
        h, outputs = inputs, []
        for layer in model.layers[:-1]:
            if isinstance(layer, keras.layers.InputLayer):
                continue
            h = layer(h)
            outputs.append(h)
        return keras.Model(inputs, outputs)

    assert hlc.check("09.1", replay).passed


def test_the_counted_answer_matches_keras():
    """09.4's answer is what Keras itself counts for the model the exercise describes."""
    import numpy as np

    import hlcourse as hlc
    from hlcourse.exercises import lesson09

    keras = keras_module()
    pretrained = lesson09.pretrained_network()
    for name in ("hidden_1", "hidden_1_bn"):
        pretrained.get_layer(name).trainable = False
    new = keras.Sequential(
        [keras.Input(shape=(64,)), *pretrained.layers[:-1], keras.layers.Dense(3)]
    )
    trainable = sum(int(np.prod(w.shape)) for w in new.trainable_weights)
    assert hlc.check("09.4", trainable).passed
    assert not hlc.check("09.4", new.count_params()).passed
