"""Exercises of lesson 05: the article model's parameter count, a subclassed model that saves
and loads, a custom layer Dense cannot replace, and choosing among Sequential, Functional and
subclassed models."""

from __future__ import annotations

import numbers
import tempfile
from pathlib import Path

from hlcourse.exercises import Wrong, exercise

FEATURES, CLASSES = 20, 5
UNITS = (128, 64, 32)


def _dense_parameters(sizes: list[int]) -> int:
    return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:], strict=True))


@exercise(
    "05.1",
    "The article's model on another problem",
    solution="""
    sizes = [20, 128, 64, 32, 5]   # inputs, three hidden layers, outputs
    answer = sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))
    """,
)
def article_parameters(answer) -> str:
    right = _dense_parameters([FEATURES, *UNITS, CLASSES])
    if isinstance(answer, bool) or not isinstance(answer, numbers.Integral):
        raise Wrong(f"Your answer is {answer!r}; this exercise asks for one whole number.")
    if answer == right:
        return (
            f"{right:,} parameters. Most of them sit between the two widest hidden layers "
            "(128 × 64 + 64 = 8,256), whatever the problem."
        )
    known = {
        _dense_parameters([64, *UNITS, 10]): "that is the digits model above (64 inputs, 10 "
        "classes); here there are 20 inputs and 5 classes",
        _dense_parameters(
            [64, *UNITS, CLASSES]
        ): "that is for 64 inputs (digits); here there are 20",
        _dense_parameters([FEATURES, *UNITS, 10]): "that is for 10 classes; here there are 5",
        right - (sum(UNITS) + CLASSES): "weights only: each unit also has a bias",
        _dense_parameters([FEATURES, *UNITS]): "you left out the output layer (32 × 5 + 5)",
    }
    if answer in known:
        raise Wrong(f"Not {answer:,}: {known[answer]}.")
    raise Wrong(
        f"Not {answer:,}. Per Dense layer: inputs × units + units, for 20 → 128 → 64 → 32 → 5."
    )


TWO_LAYER_SOLUTION = """
@keras.saving.register_keras_serializable(package="lesson05")
class TwoLayerNet(keras.Model):
    def __init__(self, hidden_units=16, n_classes=10, **kwargs):
        super().__init__(**kwargs)
        self.hidden_units, self.n_classes = hidden_units, n_classes
        self.hidden = keras.layers.Dense(hidden_units, activation="relu")
        self.out = keras.layers.Dense(n_classes, activation="softmax")

    def call(self, inputs):
        return self.out(self.hidden(inputs))

    def get_config(self):
        return {"name": self.name, "hidden_units": self.hidden_units, "n_classes": self.n_classes}


answer = TwoLayerNet
"""

CHECK_ARGS = {"hidden_units": 7, "n_classes": 3}


@exercise("05.2", "A subclassed model that saves and loads", solution=TWO_LAYER_SOLUTION)
def saveable_model(answer) -> str:
    import keras
    import numpy as np

    if not (isinstance(answer, type) and issubclass(answer, keras.Model)):
        raise Wrong(
            f"Your answer is {answer!r}; this exercise asks for the class itself (not an "
            "instance): `answer = TwoLayerNet`."
        )
    if ">" not in keras.saving.get_registered_name(answer):
        raise Wrong(
            f"{answer.__name__} is not registered, so a saved file cannot name it: put "
            '`@keras.saving.register_keras_serializable(package="lesson05")` above the class.'
        )
    try:
        model = answer(**CHECK_ARGS)
    except TypeError as error:
        raise Wrong(
            f"`{answer.__name__}(hidden_units=7, n_classes=3)` failed ({error}); keep the "
            "constructor's arguments `hidden_units` and `n_classes`."
        ) from error
    x = np.linspace(-1, 1, 20, dtype="float32").reshape(5, 4)
    expected = np.asarray(model(x))
    config = model.get_config()
    for key, value in CHECK_ARGS.items():
        if config.get(key) != value:
            raise Wrong(
                f"get_config() records {key}={config.get(key)!r}, but this model was made with "
                f"{key}={value}: loading would rebuild the wrong model. Return the model's own "
                f"values, e.g. `{{..., {key!r}: self.{key}}}`."
            )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "two_layer.keras"
        model.save(path)
        try:
            loaded = keras.models.load_model(path, safe_mode=True)
        except Exception as error:
            raise Wrong(
                f"Saving worked but loading failed with {type(error).__name__}: {str(error)[:300]}"
            ) from error
    if type(loaded) is not answer:
        raise Wrong(f"Loading gave a {type(loaded).__name__}, not a {answer.__name__}.")
    if not np.allclose(np.asarray(loaded(x)), expected, atol=1e-6):
        raise Wrong("The loaded model predicts differently from the saved one.")
    return (
        "Saved and loaded: same class, same sizes, same predictions. Registration lets the "
        "file name the class; get_config lets Keras rebuild it with the right sizes before "
        "it pours the weights back in."
    )


PROTOTYPES, FEATURES_IN, BATCH = 3, 4, 5

PROTOTYPES_SOLUTION = """
class Prototypes(keras.layers.Layer):
    def __init__(self, n_prototypes, **kwargs):
        super().__init__(**kwargs)
        self.n_prototypes = n_prototypes

    def build(self, input_shape):
        # one learned point in input space per output unit
        self.prototypes = self.add_weight(
            shape=(self.n_prototypes, input_shape[-1]), initializer="random_normal"
        )

    def call(self, inputs):
        # (batch, 1, features) - (n_prototypes, features) -> (batch, n_prototypes, features)
        differences = keras.ops.expand_dims(inputs, 1) - self.prototypes
        return keras.ops.sum(differences**2, axis=-1)


answer = Prototypes
"""


def _prototype_weight(layer, n_features: int):
    """The layer's weight of shape (n_prototypes, n_features), else `Wrong` saying why."""
    shapes = [tuple(int(d) for d in w.shape) for w in layer.weights]
    for weight, shape in zip(layer.weights, shapes, strict=True):
        if shape == (PROTOTYPES, n_features):
            return weight
    if (n_features, PROTOTYPES) in shapes:
        raise Wrong(
            f"Your layer's weight has shape {(n_features, PROTOTYPES)}, the shape of a Dense "
            "kernel. Each prototype is a point in input space: one row per prototype, one "
            "column per input feature."
        )
    raise Wrong(
        f"After a call on inputs with {n_features} features, the layer holds weights of shapes "
        f"{shapes}; `build` should make one of shape (n_prototypes, n_features) = "
        f"{(PROTOTYPES, n_features)}."
    )


@exercise("05.3", "A layer of learned prototypes", solution=PROTOTYPES_SOLUTION)
def prototype_layer(answer) -> str:
    import keras
    import numpy as np
    import tensorflow as tf

    if not (isinstance(answer, type) and issubclass(answer, keras.layers.Layer)):
        raise Wrong(
            f"Your answer is {answer!r}; this exercise asks for the class itself, a subclass "
            "of `keras.layers.Layer`: `answer = Prototypes`."
        )
    try:
        layer = answer(n_prototypes=PROTOTYPES)
    except TypeError as error:
        raise Wrong(
            f"`{answer.__name__}(n_prototypes={PROTOTYPES})` failed ({error}); give the "
            "constructor an argument `n_prototypes`."
        ) from error
    if layer.weights:
        raise Wrong(
            "The layer has weights before its first call. It cannot know the input width in "
            "`__init__`: make the prototypes in `build(self, input_shape)`, which Keras calls "
            "on the first call with the input's shape."
        )
    x = np.random.default_rng(5).normal(size=(BATCH, FEATURES_IN)).astype("float32")
    try:
        layer(x)
    except Exception as error:
        raise Wrong(
            f"Calling the layer on a batch of shape {x.shape} failed: {type(error).__name__}: "
            f"{str(error)[:200]}"
        ) from error
    weight = _prototype_weight(layer, FEATURES_IN)
    if not any(weight is w for w in layer.trainable_weights):
        raise Wrong("The prototypes should be learned: make them a trainable weight.")
    points = np.random.default_rng(7).normal(size=(PROTOTYPES, FEATURES_IN)).astype("float32")
    weight.assign(points)
    out = np.asarray(layer(x), dtype=np.float64)
    expected = ((x[:, None, :] - points[None, :, :]).astype(np.float64) ** 2).sum(axis=-1)
    if out.shape != expected.shape:
        raise Wrong(
            f"For {BATCH} inputs and {PROTOTYPES} prototypes the output should have shape "
            f"{expected.shape} (one distance per input and prototype); yours has {out.shape}."
        )
    if np.allclose(out, np.sqrt(expected), rtol=1e-4, atol=1e-5):
        raise Wrong(
            "These are the distances themselves; the exercise asks for *squared* distances "
            "(which need no square root, and have simpler gradients)."
        )
    if np.allclose(out, x @ points.T, rtol=1e-4, atol=1e-5):
        raise Wrong(
            "That is a dot product of each input with each prototype, which is what a Dense "
            "unit computes. A distance compares the input with the prototype coordinate by "
            "coordinate: their difference, squared and summed."
        )
    if not np.allclose(out, expected, rtol=1e-4, atol=1e-4):
        raise Wrong(
            "The output is not the squared distance from each input to each prototype; for "
            "an input x and a prototype p it is Σ (x_i − p_i)² over the input features."
        )
    with tf.GradientTape() as tape:
        total = keras.ops.sum(layer(x))
    gradient = tape.gradient(total, weight.value)
    if gradient is None or not np.any(np.asarray(gradient)):
        raise Wrong(
            "The output is right, but no gradient reaches the prototypes, so training could "
            "not move them: compute with `keras.ops` (not NumPy) inside `call`."
        )
    try:
        model = keras.Sequential([keras.Input(shape=(FEATURES_IN,)), answer(n_prototypes=2)])
    except Exception as error:
        raise Wrong(
            "The layer works on arrays but not inside a model built from `keras.Input` "
            f"({type(error).__name__}: {str(error)[:200]}); use `keras.ops` in `call`, which "
            "also works on the symbolic inputs Keras builds models with."
        ) from error
    return (
        f"Your layer made its {PROTOTYPES} × {FEATURES_IN} prototypes in `build`, returns "
        f"squared distances of shape {expected.shape}, and trains (a model built with it has "
        f"{model.count_params()} parameters). No Dense unit computes this: a squared distance "
        "contains the square of every input, and Dense only adds weighted inputs."
    )


STYLES = ("sequential", "functional", "subclassed")
# scenario -> (best style, why; what to say to each other choice)
SCENARIOS = {
    "a": ("sequential", "a plain stack with one input and one output is what Sequential is for", {
        "functional": "It would work, but a plain stack needs nothing beyond the simplest style.",
        "subclassed": "It would work, but a plain stack needs nothing beyond the simplest style.",
    }),
    "b": ("functional", "two inputs merged into one network is a graph of layers", {
        "sequential": "A Sequential model has exactly one input.",
        "subclassed": "A subclass could do it, but merging inputs is a graph of layers, which "
        "another style writes directly and can summarize before training.",
    }),
    "c": ("subclassed", "a loop whose length is chosen when the model is called needs Python "
          "in `call`", {
        "sequential": "Sequential and Functional models are fixed graphs of layers; this loop's "
        "length is only known when the model is called.",
        "functional": "Sequential and Functional models are fixed graphs of layers; this loop's "
        "length is only known when the model is called.",
    }),
    "d": ("functional", "a skip connection is a graph, and only a Functional model knows its "
          "shapes before it sees data", {
        "sequential": "Sequential cannot use a layer's output twice, which a skip connection needs.",
        "subclassed": "A subclass can add the skip, but it cannot show shapes or a summary "
        "before it has seen data.",
    }),
}  # fmt: skip


@exercise(
    "05.4",
    "Which style?",
    solution="""
    answer = {"a": "sequential", "b": "functional", "c": "subclassed", "d": "functional"}
    """,
)
def which_style(answer) -> str:
    if not isinstance(answer, dict) or set(answer) != set(SCENARIOS):
        raise Wrong(
            f"Your answer is {answer!r}; this exercise asks for a dict with the keys "
            '"a", "b", "c" and "d", e.g. `{"a": "sequential", ...}`.'
        )
    unknown = sorted(k for k, style in answer.items() if style not in STYLES)
    if unknown:
        raise Wrong(
            f"Use one of {', '.join(repr(s) for s in STYLES)} for each scenario; the answer "
            f"for {', '.join(unknown)} is not one of them."
        )
    wrong = [k for k in sorted(SCENARIOS) if answer[k] != SCENARIOS[k][0]]
    if wrong:
        k = wrong[0]
        more = f" ({len(wrong) - 1} more to rethink after this one)" if len(wrong) > 1 else ""
        raise Wrong(f"Scenario {k}, {answer[k]!r}: {SCENARIOS[k][2][answer[k]]}{more}")
    return (
        "All four right: "
        + "; ".join(f"({k}) {reason}" for k, (_, reason, _) in sorted(SCENARIOS.items()))
        + "."
    )
