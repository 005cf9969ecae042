"""Exercises of lesson 01: a network with one hidden layer, and its forward pass by hand."""

from __future__ import annotations

import numpy as np

from hlcourse.exercises import Wrong, exercise

# The small trained-looking network of exercise 01.2: 2 inputs -> 3 tanh units -> 1 sigmoid.
FORWARD_X = np.array([[0.5, -1.0], [-0.25, 0.75]])
FORWARD_W1 = np.array([[1.5, -2.0, 0.5], [-1.0, 1.0, 2.0]])
FORWARD_B1 = np.array([0.1, -0.2, 0.0])
FORWARD_W2 = np.array([[2.0], [-1.5], [1.0]])
FORWARD_B2 = np.array([-0.3])

LINEAR_ACTIVATIONS = ("linear", None)


def activation_name(function) -> str | None:
    """The name of a Keras layer's activation function ("relu", "linear", ...)."""
    return getattr(function, "__name__", None)


@exercise(
    "01.1",
    "A network with one hidden layer",
    solution="""
    answer = keras.Sequential([
        keras.Input(shape=(2,)),
        keras.layers.Dense(8, activation="relu"),     # the hidden layer
        keras.layers.Dense(1, activation="sigmoid"),  # the output: probability of class 1
    ])
    """,
)
def one_hidden_layer(answer) -> str:
    import keras

    if not isinstance(answer, keras.Model):
        raise Wrong(
            f"Your answer is a {type(answer).__name__}; this exercise asks for a Keras model, "
            "e.g. `keras.Sequential([...])`."
        )
    if not answer.built or not getattr(answer, "inputs", None):
        raise Wrong(
            "Your model does not know its input size yet. Start the list with "
            "`keras.Input(shape=(2,))`."
        )
    if tuple(answer.inputs[0].shape[1:]) != (2,):
        raise Wrong(
            f"Your model takes inputs of shape {tuple(answer.inputs[0].shape[1:])}; the data "
            "has 2 features: `keras.Input(shape=(2,))`."
        )
    dense = [layer for layer in answer.layers if isinstance(layer, keras.layers.Dense)]
    if len(dense) < 2:
        raise Wrong(
            f"Your model has {len(dense)} Dense layer(s): that is a linear model with no hidden "
            "layer. Add `keras.layers.Dense(8, activation='relu')` before the output layer."
        )
    hidden, output = dense[:-1], dense[-1]
    if len(hidden) != 1:
        raise Wrong(
            f"Your model has {len(hidden)} hidden layers; this exercise asks for exactly one."
        )
    if hidden[0].units != 8:
        raise Wrong(f"Your hidden layer has {hidden[0].units} units; this exercise asks for 8.")
    activation = activation_name(hidden[0].activation)
    if activation in LINEAR_ACTIVATIONS:
        raise Wrong(
            "Your hidden layer has no activation (it is linear). A linear layer followed by "
            "another linear layer is still one linear function: the model could not bend its "
            "boundary. Give it `activation='relu'`."
        )
    out_activation = activation_name(output.activation)
    if output.units != 1 or out_activation != "sigmoid":
        raise Wrong(
            f"Your output layer has {output.units} unit(s) with activation {out_activation!r}. "
            "For two classes use one unit with `activation='sigmoid'`: it gives the probability "
            "of class 1."
        )
    return f"A hidden layer of 8 {activation} units between 2 inputs and 1 output: {answer.count_params()} parameters."


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


@exercise(
    "01.2",
    "The forward pass by hand",
    solution="""
    h = np.tanh(x @ W1 + b1)         # hidden layer: shape (2, 3)
    answer = 1 / (1 + np.exp(-(h @ W2 + b2)))   # output layer, sigmoid: shape (2, 1)
    """,
)
def forward_pass(answer) -> str:
    try:
        got = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        raise Wrong(
            f"Your answer is a {type(answer).__name__}; this exercise asks for a NumPy array."
        ) from None
    x, w1, b1, w2, b2 = FORWARD_X, FORWARD_W1, FORWARD_B1, FORWARD_W2, FORWARD_B2
    hidden = np.tanh(x @ w1 + b1)
    expected = _sigmoid(hidden @ w2 + b2)
    if got.shape != expected.shape:
        raise Wrong(
            f"Your answer has shape {got.shape}; two samples and one output unit give shape "
            "(2, 1). Keep the matrix products: `x @ W1` then `h @ W2`."
        )
    if np.allclose(got, expected, atol=1e-6):
        return f"Correct: the network says {np.round(expected[:, 0], 3).tolist()}."
    if np.allclose(got, hidden @ w2 + b2, atol=1e-6):
        raise Wrong(
            "These are the output layer's raw scores (logits). Apply the sigmoid, "
            "1 / (1 + exp(-z)), to turn them into probabilities."
        )
    if np.allclose(got, _sigmoid((x @ w1 + b1) @ w2 + b2), atol=1e-6):
        raise Wrong(
            "You skipped the hidden layer's tanh. Without it the two layers collapse into "
            "one linear map: apply `np.tanh` to `x @ W1 + b1` first."
        )
    raise Wrong(
        f"Your values {np.round(got.ravel(), 3).tolist()} are not the network's output. "
        "Compute h = tanh(x @ W1 + b1), then sigmoid(h @ W2 + b2)."
    )
