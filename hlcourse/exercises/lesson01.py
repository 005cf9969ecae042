"""Exercises of lesson 01: which networks can bend a boundary, a forward pass with a softmax
output, and weights that make XOR's four corners separable in a 2-unit hidden plane."""

from __future__ import annotations

import numpy as np

from hlcourse.exercises import Wrong, exercise

# Exercise 01.1: five models; the ones whose chain of layers holds a non-linear activation.
MODELS = {
    "a": "Dense(1, sigmoid)",
    "b": "Dense(16) → Dense(1, sigmoid)",
    "c": "Dense(8, relu) → Dense(1, sigmoid)",
    "d": "Dense(8, tanh) → Dense(8) → Dense(1, sigmoid)",
    "e": "Dense(8) → Dense(8) → Dense(1, sigmoid)",
}
NON_LINEAR = frozenset({"c", "d"})

# Exercise 01.2: 2 inputs -> 3 ReLU units -> 3 softmax outputs, and two input points.
FORWARD_X = np.array([[0.5, -1.0], [-0.25, 0.75]])
FORWARD_W1 = np.array([[1.5, -2.0, 0.5], [-1.0, 1.0, 2.0]])
FORWARD_B1 = np.array([0.1, -0.2, 0.0])
FORWARD_W2 = np.array([[2.0, -1.0, 0.5], [-1.5, 0.5, 1.0], [1.0, 0.0, -0.5]])
FORWARD_B2 = np.array([-0.3, 0.2, 0.1])

# Exercise 01.3: XOR's four corners and their classes (1 where the signs differ).
CORNERS = np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]])
CORNER_LABELS = np.array([0, 1, 1, 0])


def activation_name(function) -> str | None:
    """The name of a Keras layer's activation function ("relu", "linear", ...)."""
    return getattr(function, "__name__", None)


@exercise(
    "01.1",
    "Which networks can bend the boundary",
    solution="""
    # A chain of layers is linear only if every layer in it is: b and e have hidden layers
    # but no activation, so each collapses into one weighted sum (one straight line), like a.
    # c and d each hold one non-linear layer, and that is enough.
    answer = {"c", "d"}
    """,
)
def which_can_bend(answer) -> str:
    if isinstance(answer, str):  # "cd", "c, d" and "c d" all mean {"c", "d"}
        answer = {letter for letter in answer.lower() if letter.isalpha()}
    if not isinstance(answer, (set, frozenset, list, tuple)) or not all(
        isinstance(letter, str) for letter in answer
    ):
        raise Wrong(
            f"Your answer is {answer!r}; this exercise asks for a set of letters, like "
            '`answer = {"a", "b"}`.'
        )
    chosen = {letter.strip().lower() for letter in answer}
    unknown = sorted(chosen - set(MODELS))
    if unknown:
        raise Wrong(f"{unknown} are not among the models; pick from a, b, c, d and e.")
    if "a" in chosen:
        raise Wrong(
            "Model a has no hidden layer at all: one weighted sum of x1 and x2, squashed, which "
            "is the straight-line model you saw fail on XOR above."
        )
    linear_picks = sorted(chosen & {"b", "e"})
    if linear_picks:
        raise Wrong(
            f"Look again at {' and '.join(linear_picks)}: every hidden layer there has no "
            "activation. Write what two such layers compute, one after the other: is the result "
            "anything more than one weighted sum of the inputs?"
        )
    missing = sorted(NON_LINEAR - chosen)
    if missing == ["d"]:
        raise Wrong(
            "Model d is missing. Its second hidden layer is linear, but its first is not: can a "
            "linear layer placed after a tanh layer undo the bend the tanh made?"
        )
    if missing == ["c"]:
        raise Wrong(
            "Model c is missing. ReLU is a function too: is max(z, 0) a straight line over all z?"
        )
    if missing:
        raise Wrong(
            "None of your picks can bend the boundary. What must a network contain for its "
            "boundary to be anything other than one straight line?"
        )
    return (
        "Right: c and d. A hidden layer adds power only through a non-linear activation; "
        "b and e, for all their layers, are one straight line like a."
    )


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _softmax(z, axis=-1):
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


@exercise(
    "01.2",
    "A forward pass with a softmax output",
    solution="""
    h = np.maximum(x @ W1 + b1, 0)       # hidden layer, ReLU: shape (2, 3)
    z = h @ W2 + b2                      # output layer's scores (logits): shape (2, 3)
    e = np.exp(z)
    answer = e / e.sum(axis=1, keepdims=True)   # softmax of each row: one point per row
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
    hidden = np.maximum(x @ w1 + b1, 0.0)
    logits = hidden @ w2 + b2
    expected = _softmax(logits, axis=1)
    if got.shape != expected.shape:
        raise Wrong(
            f"Your answer has shape {got.shape}; two points and three classes give shape "
            "(2, 3): one row of class probabilities per point."
        )
    if np.allclose(got, expected, atol=1e-6):
        return (
            "Correct: each row holds one point's three class probabilities, adding up to 1: "
            f"{np.round(expected, 3).tolist()}."
        )
    if np.allclose(got, logits, atol=1e-6):
        raise Wrong(
            "These are the output layer's raw scores (logits). The softmax still has to turn "
            "each point's three scores into probabilities."
        )
    if np.allclose(got, _softmax(logits, axis=0), atol=1e-6):
        raise Wrong(
            "Your columns add up to 1, not your rows: the softmax shared each class's "
            "probability between the two points. Each point's three scores are normalised "
            "among themselves; which axis holds them?"
        )
    whole = np.exp(logits) / np.exp(logits).sum()
    if np.allclose(got, whole, atol=1e-6):
        raise Wrong(
            "All six of your values add up to 1 together: the sum in your softmax ran over "
            "both points. Each point's three probabilities should add up to 1 on their own; "
            "sum over one axis only."
        )
    if np.allclose(got, _softmax(np.tanh(x @ w1 + b1) @ w2 + b2, axis=1), atol=1e-6):
        raise Wrong(
            "Close, but this network's hidden layer uses ReLU, max(z, 0), not tanh as in the "
            "network above."
        )
    if np.allclose(got, _sigmoid(logits), atol=1e-6):
        raise Wrong(
            "A sigmoid squashes each score on its own, so the three values need not add up to "
            "1. The softmax divides each exponential by the sum over the point's classes."
        )
    if np.allclose(got, _softmax((x @ w1 + b1) @ w2 + b2, axis=1), atol=1e-6):
        raise Wrong("You skipped the hidden layer's activation: apply ReLU to x @ W1 + b1 first.")
    raise Wrong(
        f"Your values {np.round(got, 3).tolist()} are not the network's output. Work layer "
        "by layer: the hidden values first, then the output's scores, then the softmax."
    )


def _corner_weights(answer) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The learner's (W1, b1, W2, b2) as float arrays of the shapes exercise 01.3 asks for."""
    if hasattr(answer, "get_weights") and callable(answer.get_weights):
        raise Wrong(
            "Your answer is a Keras model; this exercise asks for the four arrays "
            "(W1, b1, W2, b2). A model's `get_weights()` returns them in that order."
        )
    if not isinstance(answer, (tuple, list)) or len(answer) != 4:
        raise Wrong(
            f"Your answer is a {type(answer).__name__}; this exercise asks for four arrays, "
            "`answer = (W1, b1, W2, b2)`."
        )
    try:
        w1, b1, w2, b2 = (np.asarray(a, dtype=float) for a in answer)
    except (TypeError, ValueError):
        raise Wrong("Each of W1, b1, W2 and b2 must be an array of numbers.") from None
    wanted = {"W1": ((2, 2),), "b1": ((2,),), "W2": ((2, 1), (2,)), "b2": ((1,), ())}
    for name, array in zip(wanted, (w1, b1, w2, b2), strict=True):
        if array.shape not in wanted[name]:
            raise Wrong(
                f"{name} has shape {array.shape}; it should be {wanted[name][0]}: "
                "2 inputs -> 2 hidden units -> 1 output."
            )
    if not all(np.isfinite(a).all() for a in (w1, b1, w2, b2)):
        raise Wrong("Your weights hold NaN or infinity: give every weight a finite value.")
    return w1, b1, w2.reshape(2, 1), b2.reshape(1)


def _separable(points: np.ndarray, labels: np.ndarray) -> bool:
    """Whether some straight line has every class-1 point strictly on one side and every
    class-0 point on the other (checked along 3,600 directions: enough for four points)."""
    angles = np.linspace(0.0, np.pi, 3600, endpoint=False)
    along = points @ np.stack([np.cos(angles), np.sin(angles)])
    ones, zeros = along[labels == 1], along[labels == 0]
    gap = 1e-9
    return bool(
        np.any(ones.min(axis=0) > zeros.max(axis=0) + gap)
        or np.any(zeros.min(axis=0) > ones.max(axis=0) + gap)
    )


@exercise(
    "01.3",
    "Weights that separate XOR's corners",
    solution="""
    # Both units read the same mix, x1 + x2 (0 at both blue corners, -2 and +2 at the orange
    # ones), with different thresholds: unit 1 switches on unless both inputs are -1, unit 2
    # only when both are +1. The blue corners land on the same hidden point, (+0.96, -0.96).
    W1 = np.array([[2.0, 2.0], [2.0, 2.0]])
    b1 = np.array([2.0, -2.0])
    # The output says class 1 where unit 1 is on and unit 2 is off: h1 - h2 > 1.
    W2 = np.array([[2.0], [-2.0]])
    b2 = np.array([-2.0])
    answer = (W1, b1, W2, b2)
    """,
)
def xor_corners(answer) -> str:
    w1, b1, w2, b2 = _corner_weights(answer)
    hidden = np.tanh(CORNERS @ w1 + b1)
    scores = (hidden @ w2 + b2)[:, 0]
    said = scores > 0  # p > 0.5 exactly where the output's weighted sum is positive
    right = said == (CORNER_LABELS == 1)
    if right.all():
        points = ", ".join(f"({h[0]:+.2f}, {h[1]:+.2f})" for h in hidden)
        return (
            f"All four corners right. Your hidden layer puts them at {points} (corners in the "
            "order (-1,-1), (-1,1), (1,-1), (1,1)), and the output's line separates the blue "
            "ones from the orange ones there."
        )
    if not right.any():
        raise Wrong(
            "Your output's line separates the right groups, but calls each group the other "
            "class. The output says class 1 where h @ W2 + b2 is positive: which side is that?"
        )
    if np.allclose(w1[:, 0], w1[:, 1]) and np.isclose(b1[0], b1[1]):
        raise Wrong(
            "Your two hidden units compute the same number, so every corner lands on the "
            "diagonal h1 = h2 and the hidden 'plane' is a single line. Give the units "
            "different jobs."
        )
    if not _separable(hidden, CORNER_LABELS):
        raise Wrong(
            "In your hidden plane no straight line has both blue corners on one side and both "
            "orange corners on the other (compute tanh(corners @ W1 + b1) and sketch the four "
            "points). The hidden layer has to move them first: what do the two blue corners, "
            "(-1, 1) and (1, -1), have in common that the orange ones lack?"
        )
    raise Wrong(
        "Your hidden layer does its part: a straight line could now separate the corners in "
        "the hidden plane. Your output's line does not yet. Compute the four hidden points and "
        "choose W2 and b2 so that h @ W2 + b2 is positive at the blue ones and negative at "
        "the orange ones."
    )
