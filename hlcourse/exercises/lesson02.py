"""Exercises of lesson 02: reading a model's size back from its summary, building and
compiling a classifier for one-hot labels, and a backward pass by hand through tanh units."""

from __future__ import annotations

import numbers
from functools import cache

import numpy as np

from hlcourse.exercises import Wrong, exercise
from hlcourse.exercises.lesson01 import activation_name

# Exercise 02.1: the summary shows three Dense layers of 16, 8 and 3 units, and the first
# layer's 336 parameters; the model reads 20 features.
SUMMARY_UNITS = (16, 8, 3)
SUMMARY_FEATURES = 20
SUMMARY_FIRST = SUMMARY_UNITS[0] * (SUMMARY_FEATURES + 1)  # 336, the number the summary shows

# Exercise 02.2: x has shape (500, 12); the labels are one-hot rows over 3 classes.
ONE_HOT_FEATURES, ONE_HOT_CLASSES = 12, 3
ACCURACY_NAMES = ("accuracy", "acc", "categorical_accuracy")

# Exercise 02.3: 3 inputs -> 4 tanh units -> 1 linear output, mean squared error, B = 5.
# B is neither 1 nor 2, so a missing 1/B and a missing factor 2 give different answers.
BACKWARD_X = np.array(
    [[0.5, -1.0, 0.25], [1.0, 0.5, -0.5], [-0.5, 0.75, 1.0], [0.25, -0.25, -1.0], [-1.0, 0.5, 0.5]]
)
BACKWARD_W1 = np.array([[0.8, -0.5, 0.3, 0.6], [-0.4, 0.9, 0.7, -0.2], [0.5, 0.2, -0.6, 0.9]])
BACKWARD_B1 = np.array([0.1, -0.1, 0.2, 0.0])
BACKWARD_W2 = np.array([[1.0], [-0.8], [0.6], [-1.2]])
BACKWARD_B2 = np.array([0.3])
BACKWARD_Y = np.array([[1.0], [-0.5], [0.5], [0.0], [-1.0]])


def _dense_parameters(sizes) -> int:
    """Weights and biases of a chain of Dense layers of these sizes (inputs first)."""
    return sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=False))


@exercise(
    "02.1",
    "Reading a summary backwards",
    solution="""
    # The first layer's 16 units each hold one weight per input and one bias:
    # 336 = 16 * (inputs + 1), so inputs = 336 / 16 - 1 = 20.
    features = 336 // 16 - 1
    total = 336 + (16 * 8 + 8) + (8 * 3 + 3)   # each layer reads the layer before it
    answer = (features, total)
    """,
)
def summary_backwards(answer) -> str:
    if (
        not isinstance(answer, (tuple, list))
        or len(answer) != 2
        or not all(isinstance(n, numbers.Integral) and not isinstance(n, bool) for n in answer)
    ):
        raise Wrong(
            f"Your answer is {answer!r}; this exercise asks for two whole numbers, "
            "`answer = (features, total)`."
        )
    features, total = (int(n) for n in answer)
    sizes = (SUMMARY_FEATURES, *SUMMARY_UNITS)
    right_total = _dense_parameters(sizes)
    if features == SUMMARY_FIRST // SUMMARY_UNITS[0]:  # 21: the bias counted as an input
        raise Wrong(
            f"{features} inputs would give each unit {features} weights and a bias: "
            f"{SUMMARY_UNITS[0] * (features + 1)} parameters, not {SUMMARY_FIRST}. What else "
            "does each unit hold besides one weight per input?"
        )
    if features == SUMMARY_UNITS[0]:
        raise Wrong(
            f"(None, {SUMMARY_UNITS[0]}) is the first layer's output: its {SUMMARY_UNITS[0]} "
            "units. The inputs are what each of those units reads; work back from its "
            f"{SUMMARY_FIRST} parameters."
        )
    if features != SUMMARY_FEATURES:
        raise Wrong(
            f"With {features} inputs the first layer would hold "
            f"{SUMMARY_UNITS[0] * (features + 1)} parameters, not {SUMMARY_FIRST}. Each of its "
            f"{SUMMARY_UNITS[0]} units holds one weight per input and one bias."
        )
    weights_only = sum(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=False))
    no_later_biases = SUMMARY_FIRST + weights_only - SUMMARY_FEATURES * SUMMARY_UNITS[0]
    if total == right_total:
        return (
            f"Right: {SUMMARY_FEATURES} features, and {SUMMARY_FIRST} + "
            f"{_dense_parameters(sizes[1:3])} + {_dense_parameters(sizes[2:])} = {right_total} "
            "parameters."
        )
    if total == no_later_biases:
        raise Wrong(
            f"{total} gives the first layer its biases but not the others: every Dense unit "
            "has a bias."
        )
    if total == weights_only or total == _dense_parameters(sizes[:3]):
        raise Wrong(
            f"{total} leaves something out: count each layer's weights and biases, the output "
            "layer's too."
        )
    if total == 2 * right_total + 2:
        raise Wrong(
            f"{total} counts Adam's two numbers per parameter and its two counters too (what "
            "summary() shows after training); the exercise asks for the model's own parameters."
        )
    raise Wrong(
        f"{total} is not the total. Each Dense layer holds (inputs x units) weights and one "
        "bias per unit, where a layer's inputs are the previous layer's units."
    )


def _loss_name(loss) -> str | None:
    if isinstance(loss, str):
        return loss
    return getattr(loss, "name", None) or getattr(loss, "__name__", None)


def _metric_names(model) -> list[str]:
    names = []
    for metric in model.get_compile_config().get("metrics") or []:
        if isinstance(metric, str):
            names.append(metric)
        elif isinstance(metric, dict):
            names.append(str(metric.get("config", {}).get("name", metric.get("class_name"))))
        else:
            names.append(str(getattr(metric, "name", metric)))
    return names


@exercise(
    "02.2",
    "A classifier for one-hot labels",
    solution="""
    answer = keras.Sequential([
        keras.Input(shape=(12,)),                      # x has 12 columns: 12 features
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(8, activation="relu"),
        keras.layers.Dense(3, activation="softmax"),   # one unit per class
    ])
    # one-hot label rows call for categorical (not sparse categorical) crossentropy
    answer.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    """,
)
def build_and_compile(answer) -> str:
    import keras

    if not isinstance(answer, keras.Model):
        raise Wrong(
            f"Your answer is a {type(answer).__name__}; this exercise asks for a Keras model."
        )
    if not answer.built or not getattr(answer, "inputs", None):
        raise Wrong(
            "Your model does not know its input size. Start it with `keras.Input(shape=...)`: "
            "without it Keras cannot create the first layer's weights or show a summary."
        )
    features = tuple(answer.inputs[0].shape[1:])
    if features == (500,):
        raise Wrong(
            "Your model expects 500 numbers per sample. In x.shape = (500, 12) the first "
            "number counts the samples (rows); what does each sample hold?"
        )
    if features != (ONE_HOT_FEATURES,):
        raise Wrong(
            f"Your model expects inputs of shape {features}; read the number of features "
            "from x's shape."
        )
    dense = [layer for layer in answer.layers if isinstance(layer, keras.layers.Dense)]
    units = [layer.units for layer in dense]
    if units[:-1] != [16, 8]:
        raise Wrong(
            f"Your Dense layers have {units} units; the exercise asks for two hidden layers of "
            "16 and 8 units, then the output layer."
        )
    if units[-1] != ONE_HOT_CLASSES:
        raise Wrong(
            f"Your output layer has {units[-1]} unit(s). A classifier has one output unit per "
            "class: how many classes do the label rows show?"
        )
    hidden = [activation_name(layer.activation) for layer in dense[:-1]]
    if hidden != ["relu", "relu"]:
        raise Wrong(f"Your hidden layers use {hidden}; this exercise asks for ReLU in both.")
    output = activation_name(dense[-1].activation)
    if output != "softmax":
        raise Wrong(
            f"Your output layer uses {output!r}. Each sample belongs to exactly one of the 3 "
            "classes: which activation turns 3 scores into probabilities that add up to 1?"
        )
    if not answer.compiled:
        raise Wrong("Your model is not compiled yet: call `answer.compile(...)`.")
    if not isinstance(answer.optimizer, keras.optimizers.Adam):
        raise Wrong(
            f"Your optimizer is {type(answer.optimizer).__name__}; this exercise asks for Adam."
        )
    loss = _loss_name(answer.loss)
    if loss == "sparse_categorical_crossentropy":
        raise Wrong(
            "Look at how the labels are written: rows like [0, 1, 0], one number per class. "
            "The sparse crossentropy expects each label as a single class number (0, 1 or 2); "
            "which crossentropy reads rows like these?"
        )
    if loss == "binary_crossentropy":
        raise Wrong(
            "Binary crossentropy treats each output as a separate yes/no question. Here every "
            "sample has exactly one of 3 classes, and the labels are one-hot rows: which "
            "crossentropy compares a row of class probabilities with such a row?"
        )
    if loss != "categorical_crossentropy":
        raise Wrong(
            f"Your loss is {loss!r}; for a softmax output and one-hot label rows, use the "
            "categorical crossentropy."
        )
    config = answer.loss.get_config() if hasattr(answer.loss, "get_config") else {}
    if config.get("from_logits"):
        raise Wrong(
            "Your loss expects raw scores (`from_logits=True`), but your output layer already "
            "applies softmax: drop `from_logits=True`."
        )
    metrics = _metric_names(answer)
    if not any(name in ACCURACY_NAMES for name in metrics):
        raise Wrong(
            "Add the accuracy metric, `metrics=['accuracy']`, so training reports the share "
            "of samples classified right."
        )
    return (
        f"Built and compiled: {answer.count_params()} parameters, ready to fit on one-hot labels."
    )


@cache
def tape_gradient() -> np.ndarray:
    """dL/dW1 of exercise 02.3's network and batch, computed by `tf.GradientTape` in float64
    with Keras' own mean squared error (the mean over the batch of the squared errors)."""
    import keras
    import tensorflow as tf

    x = tf.constant(BACKWARD_X)
    w1 = tf.Variable(BACKWARD_W1)
    with tf.GradientTape() as tape:
        predictions = tf.tanh(x @ w1 + BACKWARD_B1) @ BACKWARD_W2 + BACKWARD_B2
        loss = keras.losses.MeanSquaredError(dtype="float64")(BACKWARD_Y, predictions)
    return tape.gradient(loss, w1).numpy()


def backward_variants() -> dict[str, np.ndarray]:
    """dL/dW1 by the right NumPy backward pass ("right") and by the likely wrong ones, each
    with the right dL/d(y_hat); `dW2` and `input_is_h` have other shapes than W1."""
    x, y = BACKWARD_X, BACKWARD_Y
    z1 = x @ BACKWARD_W1 + BACKWARD_B1
    h1 = np.tanh(z1)
    y_hat = h1 @ BACKWARD_W2 + BACKWARD_B2
    d_y_hat = 2 * (y_hat - y) / len(x)
    d_h1 = d_y_hat @ BACKWARD_W2.T
    d_z1 = d_h1 * (1 - h1**2)
    return {
        "right": x.T @ d_z1,
        "no_slope": x.T @ d_h1,
        "slope_of_z": x.T @ (d_h1 * (1 - z1**2)),
        "slope_of_h": x.T @ (d_h1 * (1 - np.tanh(h1) ** 2)),
        "relu_slope": x.T @ (d_h1 * (z1 > 0)),
        "input_is_h": h1.T @ d_z1,
        "dW2": h1.T @ d_y_hat,
    }


# What multiplies the right dL/d(y_hat) in a likely wrong start of the backward pass.
_SCALE_HINTS = (
    (
        len(BACKWARD_X),
        f"Your gradient is {len(BACKWARD_X)} times the right one. Keras' mean squared error "
        "is the mean over the batch, L = (1/B) sum of (y_hat - y)^2, not the sum: where does "
        "that 1/B enter the backward pass?",
    ),
    (
        0.5,
        "Your gradient is half the right one. (P - Y)/B is the gradient of softmax with "
        "crossentropy; this loss is a squared error. What is the derivative of (y_hat - y)^2 "
        "with respect to y_hat?",
    ),
    (
        len(BACKWARD_X) / 2,
        f"Your gradient is {len(BACKWARD_X) / 2:g} times the right one: both the mean's 1/B "
        "and the square's derivative are missing. Differentiate L = (1/B) sum of "
        "(y_hat - y)^2 with respect to one y_hat.",
    ),
    (
        -1.0,
        "Every entry has the wrong sign. Differentiate (y_hat - y)^2 with respect to y_hat, "
        "not y: does the loss grow or shrink when y_hat grows past y?",
    ),
)
_STRUCTURE_HINTS = {
    "no_slope": (
        "You passed the gradient straight through the tanh units. Between dL/dH1 and dL/dZ1 "
        "stands the activation: by how much does h = tanh(z) change when z changes a little?"
    ),
    "slope_of_z": (
        "You took the slope as 1 - z^2, from the weighted sums z. tanh's slope at z is "
        "1 - tanh(z)^2: written with the forward pass's values, which of z and h is that?"
    ),
    "slope_of_h": (
        "You applied tanh to h, which is already tanh(z). The slope 1 - tanh(z)^2 needs the "
        "unit's output h once, not tanh of it."
    ),
    "relu_slope": (
        "That is ReLU's slope (1 where z > 0, else 0), as in the digits network above. These "
        "hidden units use tanh: what is its slope?"
    ),
}


def _matches(got: np.ndarray, wanted: np.ndarray) -> bool:
    return got.shape == wanted.shape and np.allclose(got, wanted, rtol=1e-5, atol=1e-10)


def _diagnose(got: np.ndarray, variants: dict[str, np.ndarray]) -> str | None:
    """The hint for an answer of W1's shape that is a likely wrong backward pass, or None."""
    for name, hint in _STRUCTURE_HINTS.items():
        if any(_matches(got, scale * variants[name]) for scale in (1.0, *dict(_SCALE_HINTS))):
            return hint
    for scale, hint in _SCALE_HINTS:
        if _matches(got, scale * variants["right"]):
            return hint
    return None


@exercise(
    "02.3",
    "dL/dW1 through tanh units",
    solution="""
    z1 = x @ W1 + b1                     # forward pass, keeping what the backward pass needs
    h1 = np.tanh(z1)
    y_hat = h1 @ W2 + b2                 # linear output: one number per sample, shape (5, 1)
    d_y_hat = 2 * (y_hat - y) / len(x)   # L is the mean over the batch of (y_hat - y)**2
    d_h1 = d_y_hat @ W2.T                # back through the output layer's kernel: (5, 4)
    d_z1 = d_h1 * (1 - h1**2)            # back through tanh: slope 1 - tanh(z)**2 = 1 - h**2
    answer = x.T @ d_z1                  # (3, 5) @ (5, 4): one row per input, like W1
    """,
)
def backward_by_hand(answer) -> str:
    if hasattr(answer, "numpy") and callable(answer.numpy):  # a tensor from GradientTape
        answer = answer.numpy()
    try:
        got = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        raise Wrong(
            f"Your answer is a {type(answer).__name__}; this exercise asks for a NumPy array, "
            "dL/dW1."
        ) from None
    variants = backward_variants()
    shape = BACKWARD_W1.shape
    if got.shape == shape[::-1] and (
        _matches(got.T, variants["right"]) or _diagnose(got.T, variants) is not None
    ):
        raise Wrong(
            f"Your array has shape {got.shape}, the transpose of W1's {shape}. A gradient has "
            "the shape of what it belongs to: one row per input, one column per unit. Which "
            "order of the product of x and dL/dZ1 gives that?"
        )
    if _matches(got, variants["input_is_h"]):
        raise Wrong(
            f"Your array has shape {got.shape}: you multiplied dL/dZ1 by the hidden layer's "
            "output h. W1 multiplies the layer's input, so dL/dW1 = (the layer's input)^T "
            "dL/dZ1."
        )
    if _matches(got, variants["dW2"]):
        raise Wrong(
            "This is dL/dW2, the output layer's kernel gradient. The exercise asks for W1's: "
            "go one layer further back, through W2 and the tanh."
        )
    if got.shape != shape:
        raise Wrong(
            f"Your answer has shape {got.shape}; dL/dW1 has the shape of W1, {shape}: one "
            "row per input, one column per hidden unit."
        )
    if not np.all(np.isfinite(got)):
        raise Wrong("Your answer holds NaN or infinity; every gradient here is a finite number.")
    expected = tape_gradient()
    if np.allclose(got, expected, rtol=1e-5, atol=1e-10):
        difference = float(np.abs(got - expected).max())
        return (
            "Right: equal to GradientTape's dL/dW1 (largest difference "
            f"{difference:.1e}). The same three steps as for the digits network, with the "
            "square's 2(y_hat - y)/B at the top and tanh's slope 1 - h^2 in place of ReLU's."
        )
    hint = _diagnose(got, variants)
    if hint is not None:
        raise Wrong(hint)
    raise Wrong(
        "These are not dL/dW1 yet. Work back one step at a time and check each shape: "
        "dL/dy_hat is (5, 1), dL/dH1 and dL/dZ1 are (5, 4), dL/dW1 is (3, 4)."
    )
