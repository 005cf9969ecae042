"""Exercises of lesson 06: inverted dropout written in NumPy, a Keras model cured by dropout
alone that must meet a validation target, and what batch normalization's moving mean
remembers."""

from __future__ import annotations

import inspect
import math
import numbers
from typing import Any

import numpy as np

from hlcourse.exercises import Wrong, exercise

# --- 06.1: dropout by hand ---------------------------------------------------------------

DROPOUT_RATES = (0.25, 0.6)  # two rates, so "the share kept" and "the share dropped" differ
DROPOUT_SHAPE = (400, 50)  # 20,000 entries: the zeroed share is within ±0.02 of the rate
SHARE_TOLERANCE = 0.02


@exercise(
    "06.1",
    "Dropout by hand",
    solution="""
    def dropout(x, rate):
        keep = np.random.default_rng().random(np.shape(x)) >= rate   # True with probability 1 - rate
        return np.where(keep, x / (1 - rate), 0.0)   # survivors scaled up: the mean is unchanged

    answer = dropout
    """,
)
def dropout_by_hand(answer) -> str:
    if not callable(answer) or isinstance(answer, type):
        raise Wrong(
            f"Your answer is {answer!r}; this exercise asks for the function itself: "
            "`answer = dropout` (no parentheses)."
        )
    try:
        inspect.signature(answer).bind(np.zeros(2), 0.5)
    except (TypeError, ValueError) as error:
        raise Wrong(
            "The check calls `answer(x, rate)` with an array and a rate; your function does "
            f"not take those two arguments ({error})."
        ) from error
    x = np.random.default_rng(6).uniform(0.5, 2.0, size=DROPOUT_SHAPE)
    original = x.copy()
    for rate in DROPOUT_RATES:
        out = np.asarray(answer(x, rate), dtype=float)
        if not np.array_equal(x, original):
            raise Wrong(
                "Your function changed the array it was given. Dropout returns a new array "
                "and leaves its input alone (the same input is used again for predictions)."
            )
        if out.shape != x.shape:
            raise Wrong(f"For an input of shape {x.shape} your function returned {out.shape}.")
        zeroed = float(np.mean(out == 0))
        if abs(zeroed - (1 - rate)) <= SHARE_TOLERANCE and abs(zeroed - rate) > SHARE_TOLERANCE:
            raise Wrong(
                f"At rate {rate} your function zeroed {zeroed:.0%} of the entries: that is the "
                "share to keep. The rate is the probability of *dropping* an entry."
            )
        if abs(zeroed - rate) > SHARE_TOLERANCE:
            raise Wrong(
                f"At rate {rate} your function zeroed {zeroed:.0%} of the entries; each entry "
                f"should be dropped with probability {rate}, independently."
            )
        kept = out != 0
        factor = np.median(out[kept] / x[kept])
        if not np.allclose(out[kept], x[kept] * factor, rtol=1e-6):
            raise Wrong(
                "The entries you kept are not all scaled by the same factor; dropout scales "
                "every surviving entry alike."
            )
        if math.isclose(factor, 1.0, rel_tol=1e-6):
            raise Wrong(
                f"The entries you kept are unchanged, so at rate {rate} the average output "
                f"falls to {1 - rate:.0%} of its value while training and is back to 100% when "
                "predicting. Inverted dropout scales the survivors so that the average "
                "stays the same."
            )
        if math.isclose(factor, 1 - rate, rel_tol=1e-6):
            raise Wrong(
                "You multiplied the kept entries by the share kept, which lowers the average "
                "twice over. They must make up for the dropped ones: what factor brings the "
                "average back?"
            )
        if math.isclose(factor, 1 / rate, rel_tol=1e-6):
            raise Wrong(
                "You divided by the rate, the share dropped. Think about which share of the "
                "entries carries the whole average after dropping."
            )
        if not math.isclose(factor, 1 / (1 - rate), rel_tol=1e-6):
            raise Wrong(
                f"At rate {rate} you scaled the kept entries by {factor:.3g}; with that the "
                "average output changes. Which factor keeps it where it was?"
            )
    again = np.asarray(answer(x, DROPOUT_RATES[0]), dtype=float)
    first = np.asarray(answer(x, DROPOUT_RATES[0]), dtype=float)
    if np.array_equal(again == 0, first == 0):
        raise Wrong(
            "Two calls dropped exactly the same entries. Dropout draws a new random mask at "
            "every training step; create the generator without a fixed seed (or outside the "
            "function) so that each call differs."
        )
    return (
        "That is Keras' inverted dropout: each entry dropped with probability `rate`, the "
        "survivors divided by 1 − rate, so the expected output is unchanged and prediction "
        "needs no correction."
    )


# --- 06.2: dropout strong enough ---------------------------------------------------------

MODEL_SEED = 0  # data and starting weights of the check
MODEL_EPOCHS = 300
MODEL_HIDDEN = (128, 128)  # the experiments' hidden layers
VAL_LOSS_TARGET = 0.30
VAL_ACCURACY_TARGET = 0.85
UNDERFIT_TRAIN_LOSS = 0.35
SMALL_GAP = 0.1  # with a gap this small, a validation loss above target is underfitting
MEASURED_RATE = 0.5
"""The dropout rate the lesson measured. In this check (seed 0, Dropout after both hidden
layers) rate 0.5 leaves a validation loss of 0.33, rates 0.6-0.9 pass and 0.95 underfits
(training loss 0.38); with L2(0.01) instead the validation loss is 0.22."""


def _layers_of(container: Any) -> list:
    found = []
    for layer in getattr(container, "layers", []):  # nested models and blocks too
        found += [layer, *_layers_of(layer)]
    return found


def _penalties(model: Any) -> list[str]:
    """The weight or activity penalties in `model`, by what carries them."""
    import keras

    found = []
    for layer in _layers_of(model):
        if isinstance(layer, keras.layers.ActivityRegularization):
            found.append("an ActivityRegularization layer")
        for attribute in ("kernel_regularizer", "bias_regularizer", "activity_regularizer"):
            if getattr(layer, attribute, None) is not None:
                found.append(attribute)
    return found


def _dropout_rates(model: Any) -> list[float]:
    import keras

    return [
        float(layer.rate) for layer in _layers_of(model) if isinstance(layer, keras.layers.Dropout)
    ]


def _hidden_units(model: Any) -> tuple[int, ...]:
    """The units of every Dense layer but the last."""
    import keras

    dense = [layer for layer in _layers_of(model) if isinstance(layer, keras.layers.Dense)]
    return tuple(layer.units for layer in dense[:-1])


def _is_binary_crossentropy(loss: Any) -> bool:
    import keras

    if isinstance(loss, str):
        return loss.lower().replace("_", "") in ("binarycrossentropy", "bce")
    if isinstance(loss, keras.losses.BinaryCrossentropy):
        return True
    return getattr(loss, "__name__", "") == "binary_crossentropy"


def _score(model: Any, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Binary cross-entropy and accuracy in prediction mode, without any penalty."""
    import keras

    out = model(x, training=False)
    loss = float(keras.losses.BinaryCrossentropy()(y.reshape(-1, 1).astype("float32"), out))
    return loss, float(np.mean((np.asarray(out)[:, 0] > 0.5) == (y == 1)))


MODEL_SOLUTION = """
def build():
    model = keras.Sequential([
        keras.Input(shape=(2,)),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dropout(0.7),   # stronger than the 0.5 that fell short
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dropout(0.7),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss="binary_crossentropy", metrics=["accuracy"])
    return model


answer = build
"""


@exercise("06.2", "Dropout that is strong enough", solution=MODEL_SOLUTION)
def regularized_model(answer) -> str:
    import keras

    from hlcourse import regularization, training

    if isinstance(answer, keras.Model):
        raise Wrong(
            "Your answer is a model; this exercise asks for the function that builds one "
            "(`answer = build`, no parentheses), so the check can train a fresh copy."
        )
    if not callable(answer):
        raise Wrong(f"Your answer is {answer!r}; this exercise asks for a function `build()`.")
    keras.utils.set_random_seed(MODEL_SEED)
    try:
        model = answer()
    except TypeError as error:
        raise Wrong(f"`build()` could not be called without arguments ({error}).") from error
    if not isinstance(model, keras.Model):
        raise Wrong(
            f"`build()` returned {type(model).__name__}, not a Keras model; end it with "
            "`return model`."
        )
    if not getattr(model, "compiled", False) or getattr(model, "optimizer", None) is None:
        raise Wrong(
            "The model is not compiled: Keras needs to know the loss to minimize and the "
            "optimizer to do it before it can train. Call `model.compile(...)` in `build()`."
        )
    data = regularization.overfitting_data(samples=60, seed=MODEL_SEED)
    try:
        out = np.asarray(model(data.x_train[:4], training=False))
    except Exception as error:
        raise Wrong(
            "The model cannot take the moons points as input: each point has 2 features, so "
            f"its input shape is (2,). Keras said: {type(error).__name__}: {str(error)[:200]}"
        ) from error
    if out.shape != (4, 1):
        raise Wrong(
            f"For 4 points the model outputs shape {out.shape}; a binary classifier outputs "
            "one number per point: the probability of class 1, from a single sigmoid unit."
        )
    if np.any(out < 0) or np.any(out > 1):
        raise Wrong(
            "The model's outputs are not between 0 and 1, so they are not probabilities: end "
            "it with a sigmoid unit, as binary cross-entropy expects."
        )
    if not _is_binary_crossentropy(model.loss):
        raise Wrong(
            f"The model is compiled with loss={model.loss!r}. It predicts one probability for "
            "two classes; the loss that scores such a probability is binary cross-entropy."
        )
    penalties = _penalties(model)
    if penalties:
        raise Wrong(
            f"This model has a penalty ({', '.join(sorted(set(penalties)))}). L2 0.01 passes "
            "this check easily; the exercise asks whether dropout alone can do the job. Take "
            "the penalties out."
        )
    if _hidden_units(model) != MODEL_HIDDEN:
        raise Wrong(
            "Keep the experiments' network: two hidden Dense layers of 128 ReLU units, then "
            "the sigmoid output. A smaller network overfits less too, but this exercise is "
            "about dropout."
        )
    rates = _dropout_rates(model)
    if not rates:
        raise Wrong(
            "Nothing in this model drops units. Add `keras.layers.Dropout(rate)` layers where "
            "you want units switched off while training."
        )
    training.train_fast(
        model, data.x_train, data.y_train, epochs=MODEL_EPOCHS,
        validation_data=(data.x_test, data.y_test), seed=MODEL_SEED,
    )  # fmt: skip
    train_loss, _ = _score(model, data.x_train, data.y_train)
    val_loss, val_accuracy = _score(model, data.x_test, data.y_test)
    gap = val_loss - train_loss
    measured = (
        f"training loss {train_loss:.3f}, validation loss {val_loss:.3f} (gap {gap:.2f}), "
        f"validation accuracy {val_accuracy:.2f}"
    )
    if (
        val_accuracy < VAL_ACCURACY_TARGET
        or train_loss > UNDERFIT_TRAIN_LOSS
        or (val_loss > VAL_LOSS_TARGET and gap < SMALL_GAP)
    ):
        raise Wrong(
            f"This model underfits: {measured}. It no longer fits even its training points "
            "well: the cure is too strong for this network. Ease it off."
        )
    if val_loss > VAL_LOSS_TARGET and max(rates) < MEASURED_RATE:
        raise Wrong(
            f"Still overfitting: {measured}. Your rates ({', '.join(f'{r:g}' for r in rates)}) "
            f"are below the {MEASURED_RATE} that already fell short. `Dropout(rate)` drops the "
            "share `rate` of the units: which way makes the cure stronger?"
        )
    if val_loss > VAL_LOSS_TARGET:
        raise Wrong(
            f"Close, but it still overfits: {measured}; the target is a validation loss of "
            f"at most {VAL_LOSS_TARGET}. The network can still memorize its 60 points "
            "through the units dropout leaves it: make the cure stronger."
        )
    return (
        f"{measured}, with dropout {', '.join(f'{r:g}' for r in rates)}. The network still "
        "fits the moons without memorizing its 60 points. Stronger is not always better: "
        "at 0.95 after each hidden layer the same network underfits."
    )


# --- 06.3: the moving mean ---------------------------------------------------------------------

MOMENTUM, STEPS, BATCH_MEAN = 0.99, 100, 2.0


@exercise(
    "06.3",
    "What the moving mean remembers",
    solution="""
    # each step: moving = 0.99 * moving + 0.01 * 2.0, starting from 0
    moving = 0.0
    for step in range(100):
        moving = 0.99 * moving + (1 - 0.99) * 2.0
    answer = moving   # = 2.0 * (1 - 0.99 ** 100)
    """,
)
def moving_mean(answer) -> str:
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        raise Wrong(f"Your answer is {answer!r}; this exercise asks for one number.")
    right = BATCH_MEAN * (1 - MOMENTUM**STEPS)
    if math.isclose(answer, right, rel_tol=1e-3):
        return (
            f"{right:.3f}: after 100 steps the average has covered only {1 - MOMENTUM**STEPS:.0%} "
            "of the way from its start (0) to the batch mean. With momentum 0.99 it needs "
            "several hundred steps to forget where it started."
        )
    if math.isclose(answer, BATCH_MEAN, rel_tol=1e-3):
        raise Wrong(
            "2.0 is where the average is heading, not where it is after 100 steps: it started "
            "at 0, and each step moves it only a small part of the remaining way."
        )
    if math.isclose(answer, BATCH_MEAN * (1 - MOMENTUM), rel_tol=1e-3):
        raise Wrong("That is the moving mean after one step; the layer took 100.")
    if math.isclose(answer, BATCH_MEAN * MOMENTUM**STEPS, rel_tol=1e-3):
        raise Wrong(
            "That is the distance still left to go. Momentum is the weight kept by the *old* "
            "value at each step; the batch mean gets the rest."
        )
    if math.isclose(answer, BATCH_MEAN * MOMENTUM, rel_tol=1e-3):
        raise Wrong(
            "Each step mixes the old moving mean (weight 0.99) with the batch mean (weight "
            "0.01), starting from 0; repeat that 100 times."
        )
    raise Wrong(
        f"Not {answer}. Start at 0 and apply moving = 0.99 × moving + 0.01 × 2.0 a hundred "
        "times (a loop is fine)."
    )
