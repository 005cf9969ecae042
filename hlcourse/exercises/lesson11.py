"""Exercises of lesson 11: a GRU layer's parameters, what an LSTM returns with
`return_sequences` and `return_state`, two recurrent layers stacked to answer at every step, and
the forget-gate bias that keeps half a number for 40 steps.
"""

from __future__ import annotations

import numbers
import re
import warnings

from hlcourse.exercises import Wrong, as_shape, exercise

# --------------------------------------------------------------------------------------------
# 11.1: the parameters of a GRU layer
# --------------------------------------------------------------------------------------------

VOCABULARY, EMBEDDING, UNITS = 50, 8, 32


def _gru(n_in: int, units: int = UNITS) -> int:
    """Keras' GRU with reset_after=True: three sets of weights, each with two biases."""
    return 3 * (units * (n_in + units) + 2 * units)


@exercise(
    "11.1",
    "The parameters of a GRU layer",
    solution="""
    # The GRU reads the Embedding's 8 numbers per step, not the 50 ids. Two gates and a
    # candidate: three sets of weights from the 8 inputs and the 32 previous states, and
    # (Keras' default reset_after=True) two biases per set.
    answer = 3 * (32 * (8 + 32) + 2 * 32)
    """,
)
def gru_parameters(answer) -> str:
    if isinstance(answer, bool) or not isinstance(answer, numbers.Integral):
        raise Wrong(f"Your answer is {answer!r}; this exercise asks for one whole number.")
    right = _gru(EMBEDDING)
    one_set = UNITS * (EMBEDDING + UNITS + 1)
    if answer == right:
        return (
            f"{right:,}: the GRU reads 8 numbers per step (what the Embedding hands on), and "
            "has two gates and a candidate, each with weights from those 8 inputs and from "
            "the 32 previous states, and two biases (Keras' default reset_after=True): "
            "3 x (32 x (8 + 32) + 2 x 32). With reset_after=False it would have 32 x 3 fewer."
        )
    if answer in (_gru(VOCABULARY), 3 * UNITS * (VOCABULARY + UNITS + 1)):
        raise Wrong(
            "The GRU never sees the 50 character ids: at each step it reads what the layer "
            "below hands on. How many numbers per step does the Embedding give?"
        )
    if answer in (right + VOCABULARY * EMBEDDING, 3 * one_set + VOCABULARY * EMBEDDING):
        raise Wrong("That counts the Embedding's table too; the question is the GRU layer alone.")
    if answer == 3 * one_set:
        raise Wrong(
            "Close: that is a GRU with one bias per set. Look at the GRU equations again: "
            "which biases does Keras' default GRU add, and on which side of the reset gate?"
        )
    if answer == 4 * one_set:
        raise Wrong(
            "That is an LSTM's count (three gates and a candidate: four sets). How many gates "
            "does a GRU have?"
        )
    if answer == one_set:
        raise Wrong("That is one set of weights, a SimpleRNN's count. How many sets has a GRU?")
    if answer == 3 * UNITS * (EMBEDDING + UNITS):
        raise Wrong("Every set of weights also has biases: count them too.")
    raise Wrong(
        "Count one set first: each of the 32 units gets a weight from every number the layer "
        "reads per step and from every one of the 32 previous states, plus its biases. Then "
        "ask how many sets a GRU has."
    )


# --------------------------------------------------------------------------------------------
# 11.2: what an LSTM returns with return_sequences and return_state
# --------------------------------------------------------------------------------------------

BATCH, STEPS_11_2, LSTM_UNITS = 5, 30, 16


@exercise(
    "11.2",
    "What an LSTM returns",
    solution="""
    # the output at every step, then the LSTM's two states after the last step: h and c
    answer = [(5, 30, 16), (5, 16), (5, 16)]
    """,
)
def lstm_returns(answer) -> str:
    sequence = (BATCH, STEPS_11_2, LSTM_UNITS)
    last = (BATCH, LSTM_UNITS)
    if (
        isinstance(answer, (list, tuple))
        and answer
        and all(isinstance(n, numbers.Integral) and not isinstance(n, bool) for n in answer)
    ):
        raise Wrong(
            f"Your answer {tuple(answer)} is one shape. With return_state=True the layer "
            "returns a list of tensors: store the shape of each, e.g. [(..), (..), ...]."
        )
    if not isinstance(answer, (list, tuple)) or not answer:
        raise Wrong(
            f"Your answer is {answer!r}; this exercise asks for a list of shapes, one per "
            "tensor the layer returns, e.g. [(1, 2), (3, 4)]."
        )
    shapes = [as_shape(item, what="a tuple of numbers") for item in answer]
    if shapes == [sequence, last, last]:
        return (
            "[(5, 30, 16), (5, 16), (5, 16)]: the output at every step (return_sequences), then "
            "the state after the last step, which for an LSTM is two tensors, h and c. The "
            "second equals the output's last step; the third, the cell, is never an output."
        )
    if any(s[-1:] == (3,) for s in shapes):
        raise Wrong("3 is the number of input features; the layer's tensors have its 16 units.")
    if len(shapes) == 2:
        raise Wrong(
            "Two tensors would be right for a SimpleRNN or a GRU. What does an LSTM carry "
            "from step to step besides its output h?"
        )
    if len(shapes) == 3 and shapes[0] == last:
        raise Wrong(
            "return_sequences=True changes the first tensor: which output does the layer give "
            "then, the last step's or every step's?"
        )
    if len(shapes) == 3 and shapes[0] == sequence and sequence in shapes[1:]:
        raise Wrong(
            "The states returned are the ones after the last step, one per sequence: "
            "return_sequences changes only the first tensor."
        )
    raise Wrong(
        "List what the layer returns, in order: its output (every step, or the last one?), "
        "then each state it carries, after the last step."
    )


# --------------------------------------------------------------------------------------------
# 11.3: two recurrent layers, an answer at every step
# --------------------------------------------------------------------------------------------

STEPS, INPUTS = 20, 3
_RECURRENT = ("SimpleRNN", "LSTM", "GRU")


def _first_line(error: BaseException) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(error)).strip()
    return text.splitlines()[0] if text else type(error).__name__


@exercise(
    "11.3",
    "An answer at every step",
    solution="""
    def build():
        return keras.Sequential([
            keras.Input((20, 3)),
            keras.layers.LSTM(16, return_sequences=True),  # hands the next layer every step
            keras.layers.LSTM(8, return_sequences=True),  # keeps every step for the Dense
            keras.layers.Dense(1),  # applied at every step: (batch, 20, 8) -> (batch, 20, 1)
        ])

    answer = build
    """,
)
def every_step(answer) -> str:
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
                f"Keras refused a recurrent layer: {found}. A recurrent layer reads a "
                "sequence, (batch, steps, features); what does the layer below it hand on?"
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
    if out.shape == (2, 1):
        raise Wrong(
            "For 2 sequences your model gives shape (2, 1): one answer per sequence, from the "
            "last step only. Which layer drops the other 19 steps before the Dense layer?"
        )
    if out.ndim == 3 and out.shape[:2] == (2, STEPS) and out.shape[2] != 1:
        raise Wrong(
            f"For 2 sequences your model gives shape {out.shape}: an answer at every step, "
            f"but {out.shape[2]} numbers each; give one."
        )
    if out.shape != (2, STEPS, 1):
        raise Wrong(
            f"For 2 sequences your model gives shape {out.shape}; one forecast per step is "
            f"(2, {STEPS}, 1)."
        )
    return (
        "An answer at every step: both recurrent layers hand on every step "
        "(`return_sequences=True`): the first because the second reads sequences, the second "
        "because the Dense layer must see every step. A Dense layer on (batch, steps, units) "
        "acts on the last axis, the same weights at every step."
    )


# --------------------------------------------------------------------------------------------
# 11.4: a forget gate that keeps half a number for 40 steps
# --------------------------------------------------------------------------------------------

KEEP_STEPS, KEEP_SHARE = 40, 0.5


def _kept(bias: float, steps: int = KEEP_STEPS) -> float:
    """Share of the cell left after `steps` steps with the input gate shut: sigma(bias)**steps."""
    import math

    return (1.0 / (1.0 + math.exp(-bias))) ** steps


def _smallest_bias() -> int:
    bias = 0
    while _kept(bias) < KEEP_SHARE:
        bias += 1
    return bias


@exercise(
    "11.4",
    "A forget gate for 40 steps",
    solution="""
    # With the input gate shut, each step multiplies the cell by f = sigmoid(b); after 40
    # steps what is left is f**40. Try whole biases until f**40 is at least one half.
    import math

    def kept(b):
        return (1 / (1 + math.exp(-b))) ** 40

    answer = next(b for b in range(20) if kept(b) >= 0.5)
    """,
)
def forget_bias(answer) -> str:
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        raise Wrong(f"Your answer is {answer!r}; this exercise asks for one whole number.")
    right = _smallest_bias()
    if 0.0 < answer < 1.0:
        raise Wrong(
            f"{answer} looks like the value of the gate f, a number between 0 and 1. The "
            "question asks for the bias b that goes into the sigmoid: f = sigmoid(b)."
        )
    if answer != int(answer):
        raise Wrong(
            f"{answer} is not a whole number. The exact bias where f**40 is one half lies "
            "between two whole numbers: which of them keeps at least half?"
        )
    answer = int(answer)
    if answer == right:
        return (
            f"{right}: sigmoid({right}) = {_kept(right, 1):.4f}, and that to "
            f"the 40th power is {_kept(right):.2f}, at least half; sigmoid({right - 1}) to the "
            f"40th is {_kept(right - 1):.2f}, just under. Keras' default of 1 keeps "
            f"{_kept(1):.0e} of the number after 40 steps: the gate must be trained open first."
        )
    if answer == right - 1:
        raise Wrong(
            f"Close. Check it: what is sigmoid({answer}) to the 40th power? (Forgetting to a "
            "third, 1/e, is a different target from keeping a half.)"
        )
    if answer > right:
        raise Wrong(
            f"sigmoid({answer})**40 = {_kept(answer):.2f}: that keeps at least half, but it "
            "is not the smallest such whole bias. Try smaller ones."
        )
    raise Wrong(
        f"sigmoid({answer})**40 = {_kept(answer):.2g}: far less than half is left after 40 "
        "steps. Each step multiplies the cell by the same f; find the f whose 40th power is "
        "one half, then the bias that gives it."
    )
