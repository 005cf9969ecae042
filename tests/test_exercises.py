"""Every exercise: its reference solution passes, `...` is "not attempted", and realistic
wrong answers get a message that says what is wrong."""

from __future__ import annotations

import numpy as np
import pytest

import hlcourse as hlc
from hlcourse import exercises
from hlcourse.exercises import lesson00, lesson01

X, W, B = lesson00.LAYER_X, lesson00.LAYER_W, lesson00.LAYER_B
FX, W1, B1, W2, B2 = (lesson01.FORWARD_X, lesson01.FORWARD_W1, lesson01.FORWARD_B1,
                      lesson01.FORWARD_W2, lesson01.FORWARD_B2)  # fmt: skip


def sequential(*layers, inputs=(2,)):
    """A Keras Sequential model (imported lazily, so collecting this file stays fast)."""
    import keras

    return keras.Sequential([keras.Input(shape=inputs), *layers])


def dense(units, activation=None):
    import keras

    return keras.layers.Dense(units, activation=activation)


def compiled(model, loss):
    model.compile(optimizer="adam", loss=loss)
    return model


# (exercise id, a wrong answer a learner might give, a fragment the feedback must contain)
WRONG_ANSWERS = [
    ("00.1", 5, "counted every layer"),
    ("00.1", 4, "output layer, not a hidden one"),
    ("00.1", 2, "strictly between"),
    ("00.1", "3", "whole number"),
    ("00.2", X @ W + B, "Apply the activation"),
    ("00.2", np.maximum(X @ W, 0), "left out the bias"),
    ("00.2", np.maximum(X * 2, 0), "shape (3,)"),
    ("00.2", np.array([9.0, 9.0]), "not relu(x @ W + b)"),
    ("00.2", "relu", "NumPy array of two numbers"),
    ("00.2", [[1.25, 0.0]], "shape (1, 2)"),
    ("00.3", "circles", "Dataset"),
    ("00.3", hlc.data.make_classification("xor", 300, noise=0.05, seed=7), "'xor'"),
    ("00.3", hlc.data.make_classification("circles", 400, noise=0.05, seed=7), "400 points"),
    ("00.3", hlc.data.make_classification("circles", 300, noise=0.1, seed=7), "seed=7"),
    ("01.1", lambda: sequential(dense(1, "sigmoid")), "no hidden layer"),
    ("01.1", lambda: sequential(dense(8), dense(1, "sigmoid")), "no activation (it is linear)"),
    ("01.1", lambda: sequential(dense(8, "relu"), dense(2, "softmax")), "one unit with"),
    ("01.1", lambda: sequential(dense(8, "relu"), dense(1, "sigmoid"), inputs=(3,)), "2 features"),
    ("01.1", lambda: sequential(dense(4, "relu"), dense(1, "sigmoid")), "has 4 units"),
    ("01.2", lambda: np.tanh(FX @ W1 + B1) @ W2 + B2, "raw scores (logits)"),
    ("01.2", lambda: 1 / (1 + np.exp(-((FX @ W1 + B1) @ W2 + B2))), "skipped the hidden layer's tanh"),
    ("01.2", lambda: np.tanh(FX @ W1 + B1), "shape (2, 3)"),
    ("02.1", 480, "weights only"),
    ("02.1", 472, "left out the output layer"),
    ("02.1", 336, "first layer alone"),
    ("02.2", lambda: sequential(dense(16, "relu"), dense(8, "relu"), dense(3, "softmax"), inputs=(20,)),
     "not compiled"),
    ("02.2", lambda: compiled(sequential(dense(16, "relu"), dense(8, "relu"), dense(3, "softmax"),
                                         inputs=(20,)), "categorical_crossentropy"), "one-hot"),
    ("02.2", lambda: compiled(sequential(dense(16, "relu"), dense(8, "relu"), dense(3, "sigmoid"),
                                         inputs=(20,)), "sparse_categorical_crossentropy"), "softmax"),
    ("03.1", lambda: (lambda z: 1 - np.tanh(z)), "left out the square"),
    ("03.1", lambda: (lambda z: np.tanh(z) * (1 - np.tanh(z))), "sigmoid's derivative"),
    ("03.1", lambda: np.tanh, "tanh itself"),
    ("03.1", 0.5, "asks for a function"),
    ("03.2", lambda: hlc.activations.output_statistics("relu", 1.0), "negative `bias=`"),
    ("03.2", lambda: hlc.activations.output_statistics("relu", 1.0, bias=2.0), "far below zero"),
    ("03.2", [0.0], "returns"),
    ("04.1", (881, 257), "swapped"),
    ("04.1", (192, 881), "biases or the output layer"),
    ("04.1", (257, 337), "three 16 × 16 layers"),
    ("04.1", 257, "pair of whole numbers"),
    ("04.2", [], "no hidden layer"),
    ("04.2", [64, 64], "4,417 parameters"),
    ("04.2", [1], "goal is 0.9"),
    ("04.2", "8", "list of hidden-layer widths"),
    ("05.1", 18821, "64 inputs"),
    ("05.1", 12960, "weights only"),
    ("05.1", 13024, "left out the output layer"),
    ("05.1", 13189.0, "one whole number"),
    ("05.2", lambda: two_layer_net(register=False), "not registered"),
    ("05.2", lambda: two_layer_net(config=False), "hidden_units=16"),
    ("05.2", lambda: two_layer_net()(), "the class itself"),
    ("05.3", {"a": "functional", "b": "functional", "c": "subclassed", "d": "functional"},
     "nothing beyond the simplest style"),
    ("05.3", {"a": "sequential", "b": "functional", "c": "functional", "d": "sequential"},
     "(1 more to rethink"),
    ("05.3", {"a": "sequential", "b": "graph", "c": "subclassed", "d": "functional"},
     "the answer for b is not one of them"),
    ("05.3", ["sequential"], "keys"),
    ("06.1", 0.75, "share of units kept"),
    ("06.1", 4.0, "share dropped"),
    ("06.1", 1, "scales the kept units up"),
    ("06.1", "4/3", "one number"),
    ("06.2", {}, "bring it to at most 0.3"),
    ("06.2", {"samples": 1000}, "data is fixed at 60 samples"),
    ("06.2", {"dropout": 0.9}, "refused"),
    ("06.2", {"regularizer": "l2", "reg_strength": 1.0}, "underfits"),
    ("06.2", {"learning_rate": 0.1}, "Unknown setting"),
    ("06.3", (512, 0), "not all are trained"),
    ("06.3", (128, 128), "count again"),
    ("06.3", 512, "a pair"),
    ("07.1", {"activation": "sigmoid", "initializer": "he_normal", "batch_norm": False},
     "change the activation"),
    ("07.1", {"activation": "sigmoid"}, "keys"),
    ("07.1", {"activation": "relu", "initializer": None, "batch_norm": "no"}, "True or False"),
    ("07.1", {"activation": "relux", "initializer": None, "batch_norm": False}, "cannot be built"),
    ("07.2", lambda: keras_module().optimizers.SGD(0.01), "became NaN"),
    ("07.2", lambda: keras_module().optimizers.SGD(1e-6, clipnorm=1.0), "aim for at most"),
    ("07.2", "sgd", "optimizer object"),
    ("07.3", 8, "There are 8 units"),
    ("07.3", 0, "not nothing"),
    ("07.3", 1.0, "whole number"),
    ("07.4", lambda: keras_module().Sequential([dense(32, "relu"), dense(10, "softmax")]),
     "not built"),
    ("07.4", lambda: sequential(dense(32, "relu"), dense(10, "softmax"), inputs=(8,)),
     "expects 8 input features"),
    ("07.4", lambda: sequential(dense(64, "relu"), dense(10, "softmax"), inputs=(64,)),
     "4,810 parameters"),
    ("07.4", "model", "Keras model"),
    ("07.5", "sparse_categorical_crossentropy", "expects probabilities"),
    ("07.5", lambda: keras_module().losses.SparseCategoricalCrossentropy(), "from_logits=True"),
    ("07.5", lambda: keras_module().losses.CategoricalCrossentropy(from_logits=True), "one-hot"),
    ("07.5", lambda: keras_module().losses.MeanSquaredError(), "not a classification loss"),
    ("07.5", 3, "loss object"),
    ("07.6", lambda: (lambda a, b: ((a - a.mean(0)) / a.std(0), (b - b.mean(0)) / b.std(0))),
     "its own mean"),
    ("07.6", lambda: (lambda a, b: ((a - a.mean()) / a.std(), (b - a.mean()) / a.std())),
     "per column"),
    ("07.6", lambda: (lambda a, b: a / a.max()), "a pair"),
    ("07.6", np.zeros(3), "asks for a function"),
    ("08.1", lambda: (lambda m: keras_module().Model(m.input, [x.output for x in m.layers[:-1]])),
     "model.layers[0] is the InputLayer"),
    ("08.1", lambda: (lambda m: keras_module().Model(m.input, [x.output for x in m.layers[1:]])),
     "leave out the output layer"),
    ("08.1", lambda: (lambda m: keras_module().Model(m.input, [x.output for x in m.layers])),
     "keep model.layers[1:-1]"),
    ("08.1", lambda: (lambda m: [x.output for x in m.layers[1:-1]]), "hand them to `keras.Model"),
    ("08.1", lambda: (lambda m: keras_module().Model(
        m.input, [m.get_layer(n).output for n in ("first", "second", "third")])),
     "Do not name the layers"),
    ("08.1", lambda: (lambda m: keras_module().Model(
        keras_module().Input((5,)), [x.output for x in m.layers[1:-1]])),
     "inputs=model.input"),
    ("08.1", "keras.Model(model.input, outputs)", "asks for a function"),
    ("08.2", {"dead": 0, "class_2": 4}, "Not dead: unit 0"),
    ("08.2", {"dead": 3, "class_2": 5}, "for class 0 and class 1"),
    ("08.2", {"dead": 3, "class_2": 0}, "all three classes"),
    ("08.2", {"dead": 6, "class_2": 4}, "numbered 0 to 5"),
    ("08.2", (3, 4), "a dict with the keys"),
    ("09.1", 3 * 3 * 16 + 16, "each filter has its own 3x3 window"),
    ("09.1", 3 * 3 * 8 * 16, "also has a bias"),
    ("09.1", 3 * 3 * 8 + 1, "one filter's parameters"),
    ("09.1", 1.5, "one whole number"),
    ("09.2", (7, 7, 16), "padding=\"same\""),
    ("09.2", (6, 6, 16), "rounds down"),
    ("09.2", (5, 5, 8), "Check the channels"),
    ("09.2", "5x5x16", "a tuple like"),
    ("09.3", lambda: sequential(dense(10, "softmax"), inputs=(8, 8, 1)), "at least one `Conv2D`"),
    ("09.3", lambda: sequential(keras_module().layers.Conv2D(32, 3), keras_module().layers.Flatten(),
                                dense(10, "softmax"), inputs=(8, 8, 1)), "stay below 6,000"),
    ("09.3", lambda: sequential(keras_module().layers.Conv2D(4, 3),
                                keras_module().layers.GlobalMaxPooling2D(), dense(10, "softmax"),
                                inputs=(28, 28, 1)), "the digits are (8, 8, 1)"),
    ("09.3", lambda: sequential(keras_module().layers.Conv2D(1, 8), keras_module().layers.Flatten(),
                                dense(10, "softmax"), inputs=(8, 8, 1)), "reach 0.95"),
    ("09.3", "a CNN", "asks for a Keras model"),
    ("11.1", lambda: playground_engine(dataset="circle", layers=()), "choose xor"),
    ("11.1", lambda: playground_engine(dataset="xor", layers=(4,)), "solve XOR with none"),
    ("11.1", lambda: playground_engine(dataset="xor", layers=(), epochs=0), "not trained yet"),
    ("11.1", lambda: playground_engine(dataset="xor", layers=(), epochs=20),
     "opposite quadrants"),
    ("11.1", "pg", "give the playground itself"),
    ("11.2", lambda: playground_engine(dataset="xor"), "choose the spiral"),
    ("11.2", lambda: playground_engine(dataset="spiral", noise=20), "noise to 0"),
    ("11.2", lambda: playground_engine(dataset="spiral", epochs=5), "get it below 0.25"),
    ("11.3", 4, "are any two"),
    ("11.3", 0, "at least one kind"),
    ("11.3", "one", "one whole number"),
    ("10.1", 32 * (4 + 32 + 1), "SimpleRNN's count"),
    ("10.1", 4 * 32 * (4 + 1), "recurrent weights"),
    ("10.1", 4 * 32 * (4 + 32), "bias"),
    ("10.1", "4736", "one whole number"),
    ("10.2", (5, 16), "the last step only"),
    ("10.2", (5, 30, 3), "input features"),
    ("10.2", (5, 20, 16), "one state per time step"),
    ("10.3", lambda: (lambda: sequential(keras_module().layers.LSTM(16),
                                         keras_module().layers.LSTM(8), dense(1),
                                         inputs=(20, 3))), "return_sequences=True"),
    ("10.3", lambda: (lambda: sequential(keras_module().layers.LSTM(16), dense(1),
                                         inputs=(20, 3))), "stack two"),
    ("10.3", lambda: sequential(keras_module().layers.LSTM(16, return_sequences=True),
                                keras_module().layers.LSTM(8), dense(1), inputs=(20, 3)),
     "the function that builds it"),
    ("10.3", lambda: (lambda: sequential(keras_module().layers.GRU(16, return_sequences=True),
                                         keras_module().layers.GRU(8), dense(2),
                                         inputs=(20, 3))), "give one number each"),
]  # fmt: skip


def playground_engine(epochs=10, **settings):
    """A small trained playground engine (for lesson 11's checks)."""
    from hlcourse.playground import PlaygroundEngine, PlaygroundState

    engine = PlaygroundEngine(PlaygroundState().with_changes(**settings))
    if epochs:
        engine.run_epochs(epochs)
    return engine


def keras_module():
    import keras

    return keras


def two_layer_net(register=True, config=True):
    """Lesson 05's TwoLayerNet, with or without what makes it saveable."""
    import keras

    class TwoLayerNet(keras.Model):
        def __init__(self, hidden_units=16, n_classes=10, **kwargs):
            super().__init__(**kwargs)
            self.hidden_units, self.n_classes = hidden_units, n_classes
            self.hidden = keras.layers.Dense(hidden_units, activation="relu")
            self.out = keras.layers.Dense(n_classes, activation="softmax")

        def call(self, inputs):
            return self.out(self.hidden(inputs))

        if config:

            def get_config(self):
                return {"hidden_units": self.hidden_units, "n_classes": self.n_classes}

    if register:
        keras.saving.register_keras_serializable(package="tests05")(TwoLayerNet)
    return TwoLayerNet


def run_solution(exercise_id: str):
    """Execute a reference solution the way a lesson cell would and return its `answer`."""
    import keras

    namespace = {"np": np, "hlc": hlc, "keras": keras, "x": X, "W": W, "b": B}
    if exercise_id.startswith("01."):
        namespace.update(x=FX, W1=W1, b1=B1, W2=W2, b2=B2)
    exec(exercises.get_exercise(exercise_id).solution, namespace)
    return namespace["answer"]


@pytest.mark.parametrize("exercise_id", list(exercises.all_exercises()))
def test_reference_solution_passes(exercise_id):
    feedback = hlc.check(exercise_id, run_solution(exercise_id))
    assert feedback.passed, feedback


@pytest.mark.parametrize("exercise_id", list(exercises.all_exercises()))
def test_placeholder_is_not_attempted_and_raises_nothing(exercise_id):
    feedback = hlc.check(exercise_id, ...)
    assert feedback.status == "not attempted"
    assert "Replace the `...`" in feedback.message


@pytest.mark.parametrize(("exercise_id", "answer", "fragment"), WRONG_ANSWERS)
def test_wrong_answers_say_what_is_wrong(exercise_id, answer, fragment):
    if callable(answer):  # built at test time: Keras models, arrays from the lesson's numbers
        answer = answer()
    feedback = hlc.check(exercise_id, answer)
    assert feedback.status == "try again"
    assert fragment in feedback.message


def test_every_exercise_has_at_least_two_wrong_answers_tested():
    counts = {eid: 0 for eid in exercises.all_exercises()}
    for eid, _, _ in WRONG_ANSWERS:
        counts[eid] += 1
    assert all(n >= 2 for n in counts.values()), counts


def test_feedback_reads_without_colour():
    passed = hlc.check("00.1", 3)
    assert repr(passed).startswith("✔ Exercise 00.1: passed.")
    html = passed._repr_html_()
    assert 'role="status"' in html and "passed" in html


def test_solution_is_collapsed_until_opened():
    shown = hlc.solution("00.1")
    assert "answer = 3" in shown.code
    assert shown._repr_html_().startswith("<details><summary>Show solution")
    assert "answer" not in repr(shown)


def test_unknown_exercise_lists_the_known_ones():
    with pytest.raises(ValueError, match="00.1, 00.2"):
        hlc.check("99.9", 1)


def test_registering_an_id_twice_is_refused():
    with pytest.raises(ValueError, match="registered twice"):
        exercises.exercise("00.1", "again", "answer = 1")(lambda answer: "")
