"""Exercises of lesson 10: an LSTM layer's parameters, the shape `return_sequences` gives, and
two recurrent layers stacked.
"""

from __future__ import annotations

import numbers
import re
import warnings

from hlcourse.exercises import Wrong, _as_shape, exercise

# --------------------------------------------------------------------------------------------
# 10.1: the parameters of an LSTM layer
# --------------------------------------------------------------------------------------------

UNITS, FEATURES = 32, 4


@exercise(
    "10.1",
    "The parameters of an LSTM layer",
    solution="""
    # four gates, each a Dense-like map of [input (4) + previous state (32)] plus a bias
    answer = 4 * 32 * (4 + 32 + 1)
    """,
)
def lstm_parameters(answer) -> str:
    if isinstance(answer, bool) or not isinstance(answer, numbers.Integral):
        raise Wrong(f"Your answer is {answer!r}; this exercise asks for one whole number.")
    one_gate = UNITS * (FEATURES + UNITS + 1)
    if answer == 4 * one_gate:
        return (
            f"{4 * one_gate:,}: an LSTM has four gates (input, forget, cell candidate, output), "
            f"each with weights from the 4 inputs and from the 32 units' previous state, and a "
            f"bias: 4 x 32 x (4 + 32 + 1). A SimpleRNN of the same size has a quarter of that, "
            f"{one_gate:,}; a GRU (three gates) about three quarters."
        )
    if answer == one_gate:
        raise Wrong(f"{one_gate:,} is a SimpleRNN's count; an LSTM has four such sets of weights.")
    if answer == 4 * UNITS * (FEATURES + 1):
        raise Wrong(
            "That leaves out the recurrent weights: each gate also looks at the layer's own "
            "previous state, 32 values."
        )
    if answer == 4 * UNITS * (FEATURES + UNITS):
        raise Wrong("Almost: each gate of each unit also has a bias.")
    if answer == 3 * one_gate:
        raise Wrong("Three sets of weights is a GRU (roughly); an LSTM has four gates.")
    raise Wrong(
        "Count one gate first: each of the 32 units gets weights from the 4 inputs, from the 32 "
        "previous states, and a bias. An LSTM has four gates."
    )


# --------------------------------------------------------------------------------------------
# 10.2: the output of return_sequences=True
# --------------------------------------------------------------------------------------------


@exercise(
    "10.2",
    "What return_sequences returns",
    solution="""
    # one 16-unit hidden state per sequence and per time step
    answer = (5, 30, 16)
    """,
)
def sequences_shape(answer) -> str:
    answer = _as_shape(answer, what="a tuple of numbers")
    if answer == (5, 30, 16):
        return (
            "(5, 30, 16): the hidden state after every one of the 30 steps, for each of the 5 "
            "sequences. Without `return_sequences` it would be (5, 16), the last step only."
        )
    if answer == (5, 16):
        raise Wrong("(5, 16) is the output without `return_sequences`: the last step only.")
    if answer == (5, 30, 3):
        raise Wrong("3 is the number of input features; the layer outputs its 16 units' states.")
    if len(answer) == 3 and answer[0] == 5 and answer[2] == 16:
        raise Wrong("Check the middle number: one state per time step of the input.")
    raise Wrong("Think (sequences, steps, units): one state per sequence and per time step.")


# --------------------------------------------------------------------------------------------
# 10.3: two recurrent layers, stacked
# --------------------------------------------------------------------------------------------

STEPS, INPUTS = 20, 3
_RECURRENT = ("SimpleRNN", "LSTM", "GRU")


def _first_line(error: BaseException) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(error)).strip()
    return text.splitlines()[0] if text else type(error).__name__


@exercise(
    "10.3",
    "Two recurrent layers, stacked",
    solution="""
    def build():
        return keras.Sequential([
            keras.Input((20, 3)),
            keras.layers.LSTM(16, return_sequences=True),  # hands on a state per step
            keras.layers.LSTM(8),
            keras.layers.Dense(1),
        ])

    answer = build
    """,
)
def stacked(answer) -> str:
    import keras
    import numpy as np

    if isinstance(answer, keras.Model):
        raise Wrong(
            "Your answer is a model; this exercise asks for the function that builds it "
            "(`answer = build`, without brackets), so the check can see how it fails."
        )
    if not callable(answer):
        raise Wrong(f"Your answer is {answer!r}; store the function itself: `answer = build`.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = answer()
    except Exception as error:
        found = _first_line(error)
        if "ndim=3" in found or "expected ndim" in found:
            raise Wrong(
                f"Keras refused the second recurrent layer: {found}. The first layer gives only "
                "its last state, (batch, units), but a recurrent layer needs a sequence: give "
                "the first one `return_sequences=True`."
            ) from None
        raise Wrong(f"Your function raised {type(error).__name__}: {found}") from None
    if not isinstance(model, keras.Model):
        raise Wrong(f"Your function returns a {type(model).__name__}, not a Keras model.")
    recurrent = [layer for layer in model.layers if type(layer).__name__ in _RECURRENT]
    if len(recurrent) < 2:
        raise Wrong(
            f"Your model has {len(recurrent)} recurrent layer(s); stack two (SimpleRNN, LSTM "
            "or GRU)."
        )
    try:
        out = np.asarray(model(np.zeros((2, STEPS, INPUTS), dtype="float32")))
    except Exception as error:
        raise Wrong(
            f"Your model fails on sequences of shape (2, {STEPS}, {INPUTS}): {_first_line(error)}"
        ) from None
    if out.shape != (2, 1):
        raise Wrong(f"For 2 sequences your model returns shape {out.shape}; give one number each.")
    return (
        "Two recurrent layers: the first hands the second a state for every step "
        "(`return_sequences=True`), the second reads that sequence and keeps its last state. "
        "Only the last recurrent layer of a stack may drop the sequence."
    )
