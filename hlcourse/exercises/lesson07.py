"""Exercises of lesson 07: one per pitfall (vanishing and exploding gradients, all-zero
initialization, the input shape, logits and their loss, unscaled inputs)."""

from __future__ import annotations

import numbers

import numpy as np

from hlcourse.exercises import Wrong, exercise

DEEP_HIDDEN = (16,) * 8
HEALTHY_RATIO = 1e-2  # first-layer gradient norm over the last layer's
EXPLODING_EPOCHS = 50
EXPLODING_LOSS = 2.0


def _spiral():
    from hlcourse import data

    return data.make_classification("spiral", n_samples=400, noise=0.05, seed=0)


def first_to_last_gradient_ratio(activation: str, initializer, batch_norm: bool) -> float:
    """First hidden layer's kernel gradient norm over the output layer's, for the lesson's
    8 x 16 network on the spiral (seed 0)."""
    import keras

    from hlcourse import diagnostics, models

    spiral = _spiral()
    keras.utils.set_random_seed(0)
    model = models.build_dense_network(
        2, DEEP_HIDDEN, activation=activation, initializer=initializer, batch_norm=batch_norm
    )
    norms = diagnostics.gradient_norms(model, spiral.x_train[:256], spiral.y_train[:256])
    rows = [row for row in norms.rows if row.weight == "kernel"]
    return rows[0].kernel_norm / rows[-1].kernel_norm


@exercise(
    "07.1",
    "Wake up the first layer",
    solution="""
    answer = {"activation": "relu", "initializer": "he_normal", "batch_norm": False}
    """,
)
def vanishing(answer) -> str:
    keys = {"activation", "initializer", "batch_norm"}
    if not isinstance(answer, dict) or set(answer) != keys:
        raise Wrong(
            f"Your answer is {answer!r}; this exercise asks for a dict with the keys "
            '"activation", "initializer" and "batch_norm", e.g. '
            '`{"activation": "tanh", "initializer": None, "batch_norm": False}`.'
        )
    if not isinstance(answer["batch_norm"], bool):
        raise Wrong('"batch_norm" should be True or False.')
    try:
        ratio = first_to_last_gradient_ratio(**answer)
    except (TypeError, ValueError) as error:
        raise Wrong(f"That network cannot be built: {error}") from error
    if ratio >= HEALTHY_RATIO:
        return (
            f"The first layer now gets {ratio:.2g} of the last layer's gradient (the sigmoid "
            "stack got about 3e-6): its weights can learn."
        )
    hint = (
        " Sigmoid's slope is at most 0.25, so eight layers shrink the gradient by 0.25^8 "
        "whatever the initializer: change the activation."
        if answer["activation"] == "sigmoid" and not answer["batch_norm"]
        else " Try ReLU with He initialization, or batch normalization."
    )
    raise Wrong(f"The first layer gets only {ratio:.1e} of the last layer's gradient.{hint}")


def exploding_final_loss(optimizer) -> float:
    """Train the lesson's exploding network (6 x 32 ReLU, weights ~ N(0, 0.5)) with `optimizer`
    on the plane regression for 50 epochs; return the last epoch's loss (NaN if it blew up)."""
    import keras

    from hlcourse import data, models, training

    plane = data.make_regression("plane", n_samples=400, seed=0)
    keras.utils.set_random_seed(0)
    model = models.build_dense_network(
        2, (32,) * 6, output="regression",
        initializer=keras.initializers.RandomNormal(stddev=0.5, seed=0),
    )  # fmt: skip
    model.compile(optimizer=optimizer, loss="mse")
    with np.errstate(all="ignore"):
        history = training.train_fast(
            model, plane.x_train, plane.y_train, epochs=EXPLODING_EPOCHS, batch_size=32, seed=0
        )
    return float(history["loss"][-1])


@exercise(
    "07.2",
    "Tame exploding gradients",
    solution="""
    answer = keras.optimizers.SGD(learning_rate=0.01, clipnorm=1.0)
    """,
)
def exploding(answer) -> str:
    import keras

    if not isinstance(answer, keras.optimizers.Optimizer):
        raise Wrong(
            f"Your answer is {answer!r}; this exercise asks for an optimizer object, e.g. "
            "`keras.optimizers.SGD(learning_rate=0.01, clipnorm=1.0)`."
        )
    clipped = any(getattr(answer, k, None) for k in ("clipnorm", "global_clipnorm", "clipvalue"))
    loss = exploding_final_loss(answer)
    if not np.isfinite(loss):
        raise Wrong(
            "The loss still became NaN: the first steps are huge. Give the optimizer "
            "`clipnorm=1.0` so no step is longer than that."
            if not clipped
            else "The loss still became NaN. Clip harder (a smaller clipnorm) or lower the "
            "learning rate."
        )
    if loss > EXPLODING_LOSS:
        raise Wrong(
            f"No NaN now, but after {EXPLODING_EPOCHS} epochs the loss is {loss:.3g}; aim for "
            f"at most {EXPLODING_LOSS}. A larger learning rate with clipping gets further."
        )
    how = "clipping keeps every step bounded" if clipped else "small steps survive the start"
    return f"The loss ends at {loss:.3g} after {EXPLODING_EPOCHS} epochs: {how}."


@exercise(
    "07.3",
    "How many different units?",
    solution="""
    answer = 1   # equal starts get equal gradients, so the 8 units stay copies of one
    """,
)
def symmetric_units(answer) -> str:
    if isinstance(answer, bool) or not isinstance(answer, numbers.Integral):
        raise Wrong(f"Your answer is {answer!r}; this exercise asks for a whole number.")
    if answer == 1:
        return (
            "One: every unit starts equal, so every unit gets the same gradient, so they stay "
            "equal. Eight copies of one unit can only draw what one unit draws."
        )
    if answer == 8:
        raise Wrong(
            "There are 8 units, but are they different? They all start at zero: what does "
            "that make their gradients?"
        )
    if answer == 0:
        raise Wrong(
            "The units do change during training, so they are not nothing; but do they ever "
            "differ from each other?"
        )
    raise Wrong(f"Not {answer}. All eight start equal; what does that make their gradients?")


@exercise(
    "07.4",
    "Give the model its input shape",
    solution="""
    answer = keras.Sequential([
        keras.Input(shape=(64,)),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    """,
)
def input_shape(answer) -> str:
    import keras

    if not isinstance(answer, keras.Model):
        raise Wrong(
            f"Your answer is a {type(answer).__name__}; this exercise asks for a Keras model, "
            "e.g. `keras.Sequential([...])`."
        )
    if not answer.built:
        raise Wrong(
            "The model is not built: it does not know its input width, so summary() and "
            "count_params() cannot work yet. Start it with `keras.Input(shape=(64,))`."
        )
    width = answer.inputs[0].shape[-1] if getattr(answer, "inputs", None) else None
    if width != 64:
        raise Wrong(f"The model expects {width} input features; digits images have 64 pixels.")
    expected = (64 * 32 + 32) + (32 * 10 + 10)
    if answer.count_params() != expected:
        raise Wrong(
            f"It is built, but has {answer.count_params():,} parameters; the model of the "
            f"lesson (Dense 32 relu, Dense 10 softmax) has {expected:,}."
        )
    return f"Built before it has seen data: {expected:,} parameters, shapes known at once."


@exercise(
    "07.5",
    "A loss for raw scores",
    solution="""
    answer = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    """,
)
def logits_loss(answer) -> str:
    import keras

    if isinstance(answer, str):
        raise Wrong(
            f"The string {answer!r} means the loss with its default settings, which expects "
            "probabilities. Make a loss object and say the outputs are logits: "
            "`keras.losses.SomeLoss(from_logits=True)`."
        )
    if not isinstance(answer, keras.losses.Loss):
        raise Wrong(
            f"Your answer is a {type(answer).__name__}; this exercise asks for a loss object "
            "from keras.losses."
        )
    config = answer.get_config()
    if isinstance(answer, keras.losses.CategoricalCrossentropy):
        raise Wrong(
            "CategoricalCrossentropy expects one-hot labels; digits' labels are integers "
            "(0 to 9). Use the sparse version."
        )
    if not isinstance(answer, keras.losses.SparseCategoricalCrossentropy):
        raise Wrong(
            f"{type(answer).__name__} is not a classification loss for integer labels; use "
            "SparseCategoricalCrossentropy."
        )
    if not config.get("from_logits"):
        raise Wrong(
            "Right loss, but by default it expects probabilities (outputs of a softmax). The "
            "last layer has no activation: pass `from_logits=True`."
        )
    return "Right: integer labels, raw scores in, and the loss applies the softmax itself."


TRAIN_SHAPE, TEST_SHAPE = (6, 2), (4, 2)


def _standardize_data():
    rng = np.random.default_rng(7)
    scale = np.array([1.0, 1000.0])
    return rng.normal(3, 2, TRAIN_SHAPE) * scale, rng.normal(3, 2, TEST_SHAPE) * scale


@exercise(
    "07.6",
    "Standardize the inputs",
    solution="""
    def answer(x_train, x_test):
        mean, std = x_train.mean(axis=0), x_train.std(axis=0)   # training data only
        return (x_train - mean) / std, (x_test - mean) / std
    """,
)
def standardize(answer) -> str:
    if not callable(answer):
        raise Wrong(
            f"Your answer is a {type(answer).__name__}; this exercise asks for a function "
            "`def answer(x_train, x_test): ... return train_scaled, test_scaled`."
        )
    x_train, x_test = _standardize_data()
    result = answer(x_train.copy(), x_test.copy())
    if not isinstance(result, tuple) or len(result) != 2:
        raise Wrong("Your function should return a pair: (scaled training data, scaled test data).")
    got_train, got_test = (np.asarray(r, dtype=float) for r in result)
    if got_train.shape != TRAIN_SHAPE or got_test.shape != TEST_SHAPE:
        raise Wrong(
            f"Shapes {got_train.shape} and {got_test.shape}; expected {TRAIN_SHAPE} and "
            f"{TEST_SHAPE}: scale each column (feature), keep every row."
        )
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    want_train, want_test = (x_train - mean) / std, (x_test - mean) / std
    if np.allclose(got_train, want_train) and np.allclose(got_test, want_test):
        return (
            "Both features now have mean 0 and spread 1 on the training data, and the test "
            "data went through the very same shift and scale."
        )
    if np.allclose(got_train, want_train) and np.allclose(
        got_test, (x_test - x_test.mean(axis=0)) / x_test.std(axis=0)
    ):
        raise Wrong(
            "The test data was scaled with its own mean and spread. Use the training data's, "
            "so the model sees test points exactly as it would have seen them in training."
        )
    if np.allclose(got_train, (x_train - x_train.mean()) / x_train.std()):
        raise Wrong(
            "One mean and spread for all the numbers leaves the features on different scales: "
            "compute them per column (`axis=0`)."
        )
    raise Wrong(
        "Not standardized yet: subtract the training data's mean of each column and divide by "
        "its standard deviation, for both arrays."
    )
