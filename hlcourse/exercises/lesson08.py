"""Exercises of lesson 08: an activation model built by hand for a Functional model, and reading
an activation heatmap.

The models made here use fixed weights (constant or seeded initializers), so checking an answer
draws nothing from Keras' global random state and a lesson's later cells are unaffected.
"""

from __future__ import annotations

import re
import warnings

import numpy as np

from hlcourse.exercises import Wrong, exercise

# --------------------------------------------------------------------------------------------
# 08.1: the activation model, by hand
# --------------------------------------------------------------------------------------------

CHECK_FEATURES = 5


def _functional(name: str, hidden: tuple[tuple[str, int, str], ...]):
    """A small Functional model with named hidden Dense layers, seeded weights, 3 outputs."""
    import keras

    inputs = keras.Input(shape=(CHECK_FEATURES,), name=f"{name}_features")
    h = inputs
    for k, (layer_name, units, activation) in enumerate(hidden):
        h = keras.layers.Dense(
            units, activation=activation, name=layer_name,
            kernel_initializer=keras.initializers.GlorotUniform(seed=80 + k),
            bias_initializer=keras.initializers.Constant(0.1),
        )(h)  # fmt: skip
    outputs = keras.layers.Dense(
        3, activation="softmax", name=f"{name}_scores",
        kernel_initializer=keras.initializers.GlorotUniform(seed=89),
    )(h)  # fmt: skip
    return keras.Model(inputs, outputs, name=name)


def checking_models():
    """The two Functional models an answer to 08.1 is tried on: three hidden layers, then one."""
    return [
        _functional("checked", (("first", 6, "relu"), ("second", 4, "tanh"), ("third", 5, "relu"))),
        _functional("other", (("only", 7, "tanh"),)),
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
        found = f"your function raised {type(error).__name__}: {_first_line(error)}"
        if "not connected" in str(error):
            found += (
                ". The layers' outputs belong to the model's own graph: start from its input, "
                "`inputs=model.input`, not from a new keras.Input"
            )
        return found
    if isinstance(made, (list, tuple, dict)):
        return (
            "your function returns the layers' outputs themselves; hand them to "
            "`keras.Model(inputs=..., outputs=...)` and return that model"
        )
    if isinstance(made, np.ndarray):
        return "your function returns numbers; it should return a keras.Model that computes them"
    if not isinstance(made, keras.Model):
        return f"your function returns a {type(made).__name__}, not a keras.Model"
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
            "output layer: keep model.layers[1:-1]"
        )
    if with_input:
        return (
            "its first output is the input itself: in a Functional model, model.layers[0] is "
            "the InputLayer. Start from model.layers[1]"
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


@exercise(
    "08.1",
    "The activation model by hand",
    solution="""
    def answer(model):
        hidden = model.layers[1:-1]   # skip the InputLayer (first) and the output layer (last)
        return keras.Model(inputs=model.input, outputs=[layer.output for layer in hidden])
    """,
)
def activation_model_by_hand(answer) -> str:
    if not callable(answer) or isinstance(answer, type):
        raise Wrong(
            f"Your answer is {answer!r}; this exercise asks for a function "
            "`def answer(model): ... return keras.Model(...)` that works for any Functional "
            "model."
        )
    first, other = checking_models()
    problem = _judge_activation_model(answer, first)
    if problem:
        raise Wrong(
            f"On a model with hidden layers 'first', 'second', 'third': {problem.rstrip('.')}."
        )
    problem = _judge_activation_model(answer, other)
    if problem:
        raise Wrong(
            "It works for the model with three hidden layers, but not for another Functional "
            f"model with a single hidden layer 'only': {problem.rstrip('.')}. Do not name the "
            "layers; take them from model.layers."
        )
    return (
        "Your activation model gives every hidden layer's output, in order, for two different "
        "Functional models. It reuses the model's own graph, so it shares its weights: "
        "retrain the model and the activation model sees the new weights."
    )


# --------------------------------------------------------------------------------------------
# 08.2: read a heatmap
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
    """The 24 samples of exercise 08.2: inputs ``(24, 2)`` and classes ``(24,)``, 8 per class."""
    rng = np.random.default_rng(8)
    labels = np.repeat(np.arange(3), READING_PER_CLASS)
    points = READING_CENTRES[labels] + rng.normal(0.0, 0.35, size=(len(labels), 2))
    return points.astype("float32"), labels


def reading_network():
    """The network of exercise 08.2: 2 inputs -> ``hidden`` (6 ReLU units) -> 3 softmax outputs,
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
    """The heatmap of exercise 08.2 as numbers: ``hidden``'s outputs ``(24, 6)`` and classes."""
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
    "08.2",
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
