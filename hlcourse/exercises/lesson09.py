"""Exercises of lesson 09: an activation model built by hand for Sequential and Functional models,
reading an activation heatmap, what pictures of hidden layers can support, and what trains when
part of a network is frozen.

The models made here use fixed weights (constant or seeded initializers), so checking an answer
draws nothing from Keras' global random state and a lesson's later cells are unaffected.

One module because every lesson's exercises live in one file named after the lesson, where
the lesson's author looks for them; each check is short, but lesson 09 has four.
"""

from __future__ import annotations

import re
import warnings

import numpy as np

from hlcourse.exercises import Wrong, exercise

# --------------------------------------------------------------------------------------------
# 09.1: the activation model, by hand, for Sequential and Functional models
# --------------------------------------------------------------------------------------------

CHECK_FEATURES = 5


def _dense(name: str, units: int, activation: str | None, seed: int):
    import keras

    return keras.layers.Dense(
        units, activation=activation, name=name,
        kernel_initializer=keras.initializers.GlorotUniform(seed=seed),
        bias_initializer=keras.initializers.Constant(0.1),
    )  # fmt: skip


def _functional(name: str, hidden: tuple[tuple[str, int, str], ...]):
    """A small Functional model with named hidden Dense layers, seeded weights, 3 outputs."""
    import keras

    inputs = keras.Input(shape=(CHECK_FEATURES,), name=f"{name}_features")
    h = inputs
    for k, (layer_name, units, activation) in enumerate(hidden):
        h = _dense(layer_name, units, activation, 80 + k)(h)
    outputs = _dense(f"{name}_scores", 3, "softmax", 89)(h)
    return keras.Model(inputs, outputs, name=name)


def _sequential(name: str, hidden: tuple[tuple[str, int, str], ...], *, declared: bool):
    """A small Sequential model: declared with keras.Input, or built by a call on data."""
    import keras

    layers = [_dense(n, units, act, 70 + k) for k, (n, units, act) in enumerate(hidden)]
    layers.append(_dense(f"{name}_scores", 3, "softmax", 79))
    if declared:
        return keras.Sequential([keras.Input(shape=(CHECK_FEATURES,)), *layers], name=name)
    model = keras.Sequential(layers, name=name)
    model(_check_inputs()[:1])  # built by its first call, as fit or predict would build it
    return model


def checking_models():
    """The three models an answer to 09.1 is tried on, in this order: a Functional model with
    three hidden layers, a Sequential model declared with keras.Input (two hidden layers) and a
    Sequential model built by a call (two hidden layers)."""
    return [
        _functional("checked", (("first", 6, "relu"), ("second", 4, "tanh"), ("third", 5, "relu"))),
        _sequential("stacked", (("alpha", 7, "tanh"), ("beta", 4, "relu")), declared=True),
        _sequential("called", (("gamma", 6, "relu"), ("delta", 5, "tanh")), declared=False),
    ]


def _check_inputs() -> np.ndarray:
    return np.linspace(-1.5, 1.5, 8 * CHECK_FEATURES, dtype="float32").reshape(8, CHECK_FEATURES)


def _first_line(error: BaseException) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(error)).strip()
    return text.splitlines()[0] if text else ""


def _outputs_as_list(values) -> list[np.ndarray]:
    if isinstance(values, dict):
        values = list(values.values())
    elif not isinstance(values, (list, tuple)):
        values = [values]
    return [np.asarray(v) for v in values]


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and np.allclose(a, b, atol=1e-5)


def _raised(error: Exception) -> str:
    """What to say when the learner's function raised `error`."""
    found = f"your function raised {type(error).__name__}: {_first_line(error).rstrip('.')}"
    text = str(error)
    if isinstance(error, AttributeError) and "no defined input" in text:
        return (
            f"{found}. A Sequential model has no `.input` of its own: `.input` returns what the "
            "model itself was first called on symbolically, and building or training a "
            "Sequential model never does that. The graph Keras built from its layers has an "
            "input all the same; the lesson showed where the model lists it"
        )
    if "not connected" in text:
        return (
            f"{found}. The layers' outputs belong to the graph Keras built when the model was "
            "built; a new keras.Input is not part of that graph. Start from that graph's own "
            "input"
        )
    return found


def _judge_activation_model(build, model) -> str | None:
    """None when `build(model)` gives the right activation model, else what is wrong."""
    import keras

    from hlcourse import probe

    x = _check_inputs()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            made = build(model)
    except Wrong:
        raise
    except Exception as error:
        return _raised(error)
    if isinstance(made, (list, tuple, dict)):
        return (
            "your function returns the layers' outputs themselves; hand them to "
            "`keras.Model(inputs=..., outputs=...)` and return that model"
        )
    if isinstance(made, np.ndarray):
        return "your function returns numbers; it should return a keras.Model that computes them"
    if not isinstance(made, keras.Model):
        return f"your function returns a {type(made).__name__}, not a keras.Model"
    if made.name == f"{model.name}_activations":
        return (
            "that is the course's helper, hlc.probe.activation_model; this exercise asks you "
            "to build the model yourself with keras.Model(inputs=..., outputs=...)"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got = _outputs_as_list(made(x))
    except Exception as error:
        return (
            f"the model it returns fails on a batch of inputs ({type(error).__name__}: "
            f"{_first_line(error)})"
        )
    expected = probe.hidden_activations(model, x)
    names = list(expected)
    want = list(expected.values())
    prediction = np.asarray(model(x))
    with_input = bool(got) and _same(got[0], x)
    with_output = bool(got) and _same(got[-1], prediction)
    if with_input and with_output:
        return (
            "its outputs start with the input itself and end with the model's prediction. In a "
            "Functional model, model.layers[0] is the InputLayer and model.layers[-1] the "
            "output layer: neither is a hidden layer"
        )
    if with_input:
        return (
            "its first output is the input itself: in a Functional model, model.layers[0] is "
            "the InputLayer, which is not a hidden layer"
        )
    if len(got) == len(want) - 1 and got and _same(got[0], want[1]):
        return (
            f"its first output is what {names[1]!r} computes, so {names[0]!r} is missing. A "
            "Sequential model's `model.layers` does not list its InputLayer (a Functional "
            "model's does), so the first entry there is already a hidden layer"
        )
    if with_output:
        return (
            "its last output is the model's prediction (the softmax scores): leave out the "
            "output layer, model.layers[-1]"
        )
    if len(got) != len(want):
        return (
            f"it has {len(got)} output(s); this model has {len(want)} hidden layer(s) "
            f"({', '.join(names)}), so it needs one output each, in that order"
        )
    for name, a, b in zip(names, got, want, strict=True):
        if not _same(a, b):
            return (
                f"the output in the place of {name!r} has shape {a.shape} and does not hold "
                f"what {name!r} computes (shape {b.shape}). Use the model's own layers' "
                "outputs (`layer.output`), in the order the data flows, and no new layers"
            )
    return None


_DESCRIBED = {  # model name: (what it is, in full; in short)
    "checked": (
        "a Functional model with hidden layers 'first', 'second', 'third'",
        "a Functional model",
    ),
    "stacked": (
        "a Sequential model declared with keras.Input, hidden layers 'alpha', 'beta'",
        "a Sequential model declared with keras.Input",
    ),
    "called": (
        "a Sequential model built by a call (no keras.Input), hidden layers 'gamma', 'delta'",
        "a Sequential model built by a call",
    ),
}


@exercise(
    "09.1",
    "The activation model by hand",
    solution="""
    def answer(model):
        # A Functional model lists its InputLayer in model.layers, a Sequential model does not.
        hidden = [layer for layer in model.layers[:-1]
                  if not isinstance(layer, keras.layers.InputLayer)]
        # model.inputs[0]: the input of the graph Keras built from the layers (in both styles);
        # a Sequential model has no model.input.
        return keras.Model(inputs=model.inputs[0], outputs=[layer.output for layer in hidden])
    """,
)
def activation_model_by_hand(answer) -> str:
    if not callable(answer) or isinstance(answer, type):
        raise Wrong(
            f"Your answer is {answer!r}; this exercise asks for a function "
            "`def answer(model): ... return keras.Model(...)` that works for any built "
            "Sequential or Functional model."
        )
    passed: list[str] = []
    for model in checking_models():
        problem = _judge_activation_model(answer, model)
        if problem:
            before = f"It works for {' and '.join(passed)}, but not for " if passed else "On "
            named = "does not hold" in problem or "No such layer" in problem
            hint = (
                " Do not name the layers; take them from model.layers." if passed and named else ""
            )
            raise Wrong(f"{before}{_DESCRIBED[model.name][0]}: {problem.rstrip('.')}.{hint}")
        passed.append(_DESCRIBED[model.name][1])
    return (
        "Your activation model gives every hidden layer's output, in order, for a Functional "
        "model and for two Sequential ones. It reuses the graph Keras built from the model's "
        "layers, so it shares their weights: retrain the model and the activation model sees "
        "the new weights."
    )


# --------------------------------------------------------------------------------------------
# 09.2: read a heatmap
# --------------------------------------------------------------------------------------------

# A hand-made layer of 6 ReLU units on 2-D points from three classes (centres below).
READING_CENTRES = np.array([[-2.0, 0.0], [2.0, 0.0], [0.0, 2.5]])
READING_PER_CLASS = 8
READING_W = np.array(
    [
        # unit: 0     1     2     3     4     5
        [0.0, 1.0, -1.0, 0.3, 0.0, 0.0],  # weight of x1
        [-0.3, 0.0, 0.0, 0.3, 1.0, -1.0],  # weight of x2
    ]
)
READING_B = np.array([1.5, -1.2, -1.2, -3.0, -1.3, 1.2])
READING_OUT_W = np.array(
    [[0.0, 0.0, 0.0], [0.0, 2.0, 0.0], [2.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 2.0],
     [0.5, 0.5, -1.0]]
)  # fmt: skip
UNITS = READING_W.shape[1]
READING_KEYS = ("dead", "class_2")


def reading_batch() -> tuple[np.ndarray, np.ndarray]:
    """The 24 samples of exercise 09.2: inputs ``(24, 2)`` and classes ``(24,)``, 8 per class."""
    rng = np.random.default_rng(8)
    labels = np.repeat(np.arange(3), READING_PER_CLASS)
    points = READING_CENTRES[labels] + rng.normal(0.0, 0.35, size=(len(labels), 2))
    return points.astype("float32"), labels


def reading_network():
    """The network of exercise 09.2: 2 inputs -> ``hidden`` (6 ReLU units) -> 3 softmax outputs,
    with fixed weights (no training, no randomness)."""
    import keras

    constant = keras.initializers.Constant
    return keras.Sequential(
        [
            keras.Input(shape=(2,)),
            keras.layers.Dense(
                UNITS, activation="relu", name="hidden",
                kernel_initializer=constant(READING_W), bias_initializer=constant(READING_B),
            ),
            keras.layers.Dense(
                3, activation="softmax", name="output",
                kernel_initializer=constant(READING_OUT_W), bias_initializer="zeros",
            ),
        ],
        name="reader",
    )  # fmt: skip


def reading_values() -> tuple[np.ndarray, np.ndarray]:
    """The heatmap of exercise 09.2 as numbers: ``hidden``'s outputs ``(24, 6)`` and classes."""
    x, labels = reading_batch()
    w, b = READING_W.astype("float32"), READING_B.astype("float32")
    return np.maximum(x @ w + b, 0.0), labels


def _classes_fired(values: np.ndarray, labels: np.ndarray, unit: int) -> list[int]:
    return [int(c) for c in np.unique(labels) if np.any(values[labels == c, unit] > 0)]


def _describe(values: np.ndarray, labels: np.ndarray, unit: int) -> str:
    fired = _classes_fired(values, labels, unit)
    if not fired:
        return f"unit {unit} is 0 for every sample"
    rows = int(np.sum(values[:, unit] > 0))
    classes = " and ".join(f"class {c}" for c in fired) if len(fired) < 3 else "all three classes"
    return f"unit {unit} is above 0 in {rows} of {len(labels)} rows, for {classes}"


@exercise(
    "09.2",
    "Read a heatmap",
    solution="""
    # column 3 is 0 in every row; column 4 lights up in class 2's band and nowhere else
    answer = {"dead": 3, "class_2": 4}
    """,
)
def read_heatmap(answer) -> str:
    if not isinstance(answer, dict) or set(answer) != set(READING_KEYS):
        raise Wrong(
            f"Your answer is {answer!r}; this exercise asks for a dict with the keys "
            '"dead" and "class_2", each a unit number as on the heatmap\'s x-axis, e.g. '
            '`{"dead": 0, "class_2": 5}`.'
        )
    for key in READING_KEYS:
        unit = answer[key]
        if isinstance(unit, bool) or not isinstance(unit, (int, np.integer)):
            raise Wrong(f'"{key}" should be a unit number (a whole number), not {unit!r}.')
        if not 0 <= unit < UNITS:
            raise Wrong(
                f'"{key}" is {unit}, but the units are numbered 0 to {UNITS - 1}, as on the '
                "heatmap's x-axis."
            )
    values, labels = reading_values()
    dead, class_2 = int(answer["dead"]), int(answer["class_2"])
    if _classes_fired(values, labels, dead):
        raise Wrong(
            f"Not dead: {_describe(values, labels, dead)}. A dead unit is the darkest colour "
            "(0) in every row, whatever the class."
        )
    if _classes_fired(values, labels, class_2) != [2]:
        raise Wrong(
            f'For "class_2": {_describe(values, labels, class_2)}. Look for the column that '
            "lights up inside class 2's band and stays dark in the other two bands."
        )
    return (
        f"Unit {dead} never fires, so it passes nothing on and gets no gradient: a dead unit. "
        f"Unit {class_2} fires for class 2 only: on its own it tells class 2 from the rest. "
        "Heatmaps make both jump out; real layers are rarely this tidy."
    )


# --------------------------------------------------------------------------------------------
# 09.3: what the pictures support
# --------------------------------------------------------------------------------------------

# The statements of exercise 09.3, as the lesson lists them; True: this lesson's cells measured
# or asserted it.
STATEMENTS = {
    "A": (
        True,
        "On the test digits, hidden_2 separates the classes more than the pixels do, by the Fisher separability score.",
    ),
    "B": (
        False,
        "The network called one test image a 7 because the hidden_2 unit that fires most for 7s "
        "fired for it.",
    ),
    "C": (
        True,
        "Switching off the hidden_2 unit most specific to one digit left at least half of that "
        "digit's test images recognised.",
    ),
    "D": (
        False,
        "The network is as accurate on digits written by children as on digits written by adults.",
    ),
    "E": (
        True,
        "Renumbering hidden_1's units (and the next layer's weights to match) changes no "
        "prediction.",
    ),
    "F": (
        False,
        "A saliency map that lights up a digit's strokes shows that the network relies on those "
        "strokes.",
    ),
}
_LOOK_AGAIN = {
    "B": (
        "Look again at B: it gives a reason for one decision. Which cell of this lesson tested "
        "why a decision was made, rather than which units fire together, and what did it find?"
    ),
    "D": (
        "Look again at D: it compares two groups of people. What would you have to record and "
        "measure to compare them, and does this data set record who wrote each digit?"
    ),
    "F": (
        "Look again at F: would the highlighted strokes look any different if the network had "
        "learned nothing at all? Ask what result would have shown the opposite."
    ),
}


def _letters(answer) -> set[str]:
    if isinstance(answer, str):
        items = [c for c in answer if not c.isspace() and c not in ",;"]
    elif isinstance(answer, (set, frozenset, list, tuple)):
        items = list(answer)
    else:
        items = None
    if items is None or not all(isinstance(item, str) for item in items):
        raise Wrong(
            f"Your answer is {answer!r}; this exercise asks for the letters of the statements "
            'the lesson supports, as a set of strings like `{"A", "B"}` (or a string "AB").'
        )
    letters = {item.strip().upper() for item in items}
    unknown = sorted(letters - set(STATEMENTS))
    if unknown:
        raise Wrong(
            f"{', '.join(unknown)} is not one of the statements; they are lettered "
            f"{', '.join(STATEMENTS)}."
        )
    return letters


@exercise(
    "09.3",
    "What the pictures support",
    solution="""
    # A: the separability scores; C: the ablation; E: the renumbering, all computed above.
    # B needs a test of cause for one decision, D data about groups of writers, F a check
    # that the map depends on what the network learned: none of them is in this lesson.
    answer = {"A", "C", "E"}
    """,
)
def what_pictures_support(answer) -> str:
    letters = _letters(answer)
    for letter in sorted(letters):
        if not STATEMENTS[letter][0]:
            raise Wrong(_LOOK_AGAIN[letter])
    supported = {letter for letter, (ok, _) in STATEMENTS.items() if ok}
    if letters != supported:
        missing = len(supported - letters)
        raise Wrong(
            f"Every statement you chose is supported, but you left out {missing} that a cell of "
            "this lesson measured or asserted. For each statement you left out, look for a "
            "cell that computed it."
        )
    return (
        "A, C and E were measured here. B asks why one decision was made (a cause, for one "
        "case), D asks about groups of people the data does not record, and F trusts a picture "
        "nobody checked against a network that learned nothing (Adebayo et al., 2018, found "
        "saliency maps that barely changed when they did). A person affected by a decision "
        "asks questions like B and D, and pictures of hidden layers cannot answer them."
    )


# --------------------------------------------------------------------------------------------
# 09.4: what will train? Freezing part of a network with batch normalization
# --------------------------------------------------------------------------------------------

PRETRAINED_INPUTS = 64
PRETRAINED_UNITS = (24, 12)
PRETRAINED_CLASSES = 10
NEW_CLASSES = 3


def pretrained_network():
    """The network of exercise 09.4, with fixed (seeded) weights: 64 inputs -> ``hidden_1``
    (24 ReLU units) -> ``hidden_1_bn`` -> ``hidden_2`` (12 ReLU units) -> ``hidden_2_bn`` ->
    ``output`` (10 softmax units)."""
    import keras

    first, second = PRETRAINED_UNITS
    return keras.Sequential(
        [
            keras.Input(shape=(PRETRAINED_INPUTS,)),
            _dense("hidden_1", first, "relu", 60),
            keras.layers.BatchNormalization(name="hidden_1_bn"),
            _dense("hidden_2", second, "relu", 61),
            keras.layers.BatchNormalization(name="hidden_2_bn"),
            _dense("output", PRETRAINED_CLASSES, "softmax", 62),
        ],
        name="pretrained",
    )


def _dense_size(inputs: int, units: int, bias: bool = True) -> int:
    return inputs * units + (units if bias else 0)


def _trainable_counts() -> dict[str, int]:
    """The reference answer of 09.4 and the likely wrong answers, by what each one did."""
    first, second = PRETRAINED_UNITS
    tuned = _dense_size(first, second)  # hidden_2
    scale_shift = 2 * second  # hidden_2_bn's gamma and beta
    moving = 2 * second  # hidden_2_bn's moving mean and variance: updated, not trained
    new_output = _dense_size(second, NEW_CLASSES)
    frozen = _dense_size(PRETRAINED_INPUTS, first) + 4 * first  # hidden_1 and all of hidden_1_bn
    right = tuned + scale_shift + new_output
    return {
        "right": right,
        "moving statistics": right + moving,
        "no biases": _dense_size(first, second, False)
        + scale_shift
        + _dense_size(second, NEW_CLASSES, False),
        "no biases or batch norm": _dense_size(first, second, False)
        + _dense_size(second, NEW_CLASSES, False),
        "no batch norm": tuned + new_output,
        "old output": tuned + scale_shift + _dense_size(second, PRETRAINED_CLASSES),
        "everything": right + moving + frozen,
        "everything trainable-looking": right + frozen,
        "frozen": frozen,
        "frozen batch norm trains": right + 2 * first,
    }


_TRAINABLE_HINTS = {
    "moving statistics": (
        "You counted the moving mean and moving variance of hidden_2_bn. fit updates them, "
        "but from each batch's statistics, not by gradient descent: Keras lists them as "
        "non-trainable. Only gamma and beta of a batch normalization layer are trainable."
    ),
    "no biases": (
        "Check the Dense layers again: each of their units has a bias besides its weights, "
        "and a bias trains like a weight."
    ),
    "no biases or batch norm": (
        "Two things are missing: each Dense unit's bias, and what a fine-tuned batch "
        "normalization layer learns (its scale gamma and shift beta, one of each per unit)."
    ),
    "no batch norm": (
        "hidden_2_bn is fine-tuned too: a batch normalization layer has a learned scale "
        "(gamma) and shift (beta) for each unit, and those are trainable."
    ),
    "old output": (
        "That counts the old output layer of 10 units. The new task has 3 classes, and its "
        "new output layer takes the old one's place."
    ),
    "everything": (
        "That is every parameter of the new model, what count_params() returns: frozen "
        "layers and batch normalization's moving statistics are in it too. The question asks "
        "only for what the optimizer updates."
    ),
    "everything trainable-looking": (
        "That includes hidden_1 and hidden_1_bn, which are frozen: their parameters stay in "
        "the model but are non-trainable."
    ),
    "frozen": (
        "That is the number of parameters in the frozen layers, hidden_1 and hidden_1_bn. "
        "The question asks for the other side: what still trains."
    ),
    "frozen batch norm trains": (
        "hidden_1_bn is frozen along with hidden_1: a frozen batch normalization layer's "
        "gamma and beta do not train either."
    ),
}


@exercise(
    "09.4",
    "What will train?",
    solution="""
    # hidden_2: 24 * 12 weights + 12 biases = 300
    # hidden_2_bn: gamma and beta, 12 each = 24 (its moving mean and variance are
    #   non-trainable: fit updates them from batch statistics, not by gradient)
    # new output: 12 * 3 weights + 3 biases = 39
    # hidden_1 and hidden_1_bn are frozen: 0
    answer = 300 + 24 + 39

    # Checked by building it:
    # pretrained = lesson09.pretrained_network()
    # for name in ("hidden_1", "hidden_1_bn"):
    #     pretrained.get_layer(name).trainable = False
    # new = keras.Sequential([keras.Input(shape=(64,)), *pretrained.layers[:-1],
    #                         keras.layers.Dense(3, activation="softmax")])
    # sum(int(np.prod(w.shape)) for w in new.trainable_weights)  # 363
    """,
)
def what_will_train(answer) -> str:
    if isinstance(answer, bool) or not isinstance(answer, (int, np.integer)):
        raise Wrong(
            f"Your answer is {answer!r}; this exercise asks for a whole number: how many "
            "parameters of the new model are trainable."
        )
    counts = _trainable_counts()
    if int(answer) == counts["right"]:
        return (
            f"{counts['right']} parameters train: hidden_2's weights and biases, "
            "hidden_2_bn's gamma and beta, and the new output layer. summary() would list the "
            "rest as non-trainable: the frozen layers, and every moving mean and variance, "
            "which fit updates without gradients (in hidden_2_bn) or not at all (in the frozen "
            "hidden_1_bn, which runs in inference mode)."
        )
    for what, hint in _TRAINABLE_HINTS.items():
        if int(answer) == counts[what]:
            raise Wrong(hint)
    raise Wrong(
        f"{int(answer)} is not it. Go layer by layer: which layers are frozen, and for each "
        "layer that trains, which of its variables are trainable (a Dense layer: weights and "
        "biases; batch normalization: gamma and beta, not the moving statistics)?"
    )
