"""Exercises of lesson 02: reading a model's size back from its summary, and building and
compiling a classifier for one-hot labels."""

from __future__ import annotations

import numbers

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
