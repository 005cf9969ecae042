"""Exercises of lesson 08: per-layer gradient norms computed by hand, gradient clipping, the input
shape of images, losses for logits and probabilities, and standardization with a constant
feature."""

from __future__ import annotations

import math
import numbers

import numpy as np

from hlcourse.exercises import Wrong, exercise

# 08.1: the small model and batch the learner's gradient function is run on.
TAPE_FEATURES, TAPE_CLASSES, TAPE_SAMPLES = 6, 3, 32
TAPE_KERNEL_LAYERS = ("hidden_1", "hidden_2", "output")


def tape_model():
    """08.1's model, the same fresh weights on every call: Dense 8 (no bias) -> batch norm ->
    ReLU -> Dense 8 ReLU -> Dense 3 softmax. Batch normalization makes training mode matter."""
    import keras

    def kernel(seed):
        return keras.initializers.GlorotUniform(seed=seed)

    def bias(seed):
        return keras.initializers.RandomNormal(stddev=0.1, seed=seed)

    return keras.Sequential(
        [
            keras.Input(shape=(TAPE_FEATURES,)),
            # No bias before batch normalization: it would subtract it again.
            keras.layers.Dense(8, use_bias=False, kernel_initializer=kernel(1), name="hidden_1"),
            keras.layers.BatchNormalization(name="hidden_1_bn"),
            keras.layers.Activation("relu", name="hidden_1_act"),
            keras.layers.Dense(8, activation="relu", kernel_initializer=kernel(3),
                               bias_initializer=bias(4), name="hidden_2"),
            keras.layers.Dense(TAPE_CLASSES, activation="softmax", kernel_initializer=kernel(5),
                               bias_initializer=bias(6), name="output"),
        ],
        name="tape_check",
    )  # fmt: skip


def tape_batch() -> tuple[np.ndarray, np.ndarray]:
    """08.1's batch: 32 samples of 6 features on different scales, labels 0-2."""
    rng = np.random.default_rng(7)
    x = rng.normal(0.5, 1.0, (TAPE_SAMPLES, TAPE_FEATURES)) * np.arange(1, TAPE_FEATURES + 1)
    return x.astype("float32"), rng.integers(0, TAPE_CLASSES, TAPE_SAMPLES)


def tape_references() -> dict[str, dict[str, float]]:
    """08.1's right answer and the likeliest wrong ones, by what went wrong, each
    ``{layer name: number}``; every one measured on a fresh copy of the model."""
    import keras

    from hlcourse import diagnostics

    x, y = tape_batch()

    def rows(training: bool):
        norms = diagnostics.gradient_norms(
            tape_model(), x, y, loss=keras.losses.SparseCategoricalCrossentropy(),
            training=training,
        )  # fmt: skip
        return {row.layer: row for row in norms if row.layer in TAPE_KERNEL_LAYERS}

    right, inference = rows(True), rows(False)
    return {
        "right": {name: r.kernel_norm for name, r in right.items()},
        "inference mode": {name: r.kernel_norm for name, r in inference.items()},
        "with biases": {name: r.norm for name, r in right.items()},
        "squared": {name: r.kernel_norm**2 for name, r in right.items()},
        "weights": {name: r.weight_norm for name, r in right.items()},
        "summed loss": {name: r.kernel_norm * TAPE_SAMPLES for name, r in right.items()},
    }


HELPERS = ("gradient_norms", "diagnose")  # what 08.1 asks the learner to do without


def _names_used(function) -> set[str]:
    """Every global and attribute name the code of `function` (and of functions defined in
    it) refers to; none for a callable without code of its own."""
    code = getattr(function, "__code__", None)
    names: set[str] = set()
    stack = [code] if code is not None else []
    while stack:
        current = stack.pop()
        names.update(current.co_names)
        stack.extend(c for c in current.co_consts if hasattr(c, "co_names"))
    return names


def _same(got: dict[str, float], want: dict[str, float]) -> bool:
    return all(math.isclose(got[k], want[k], rel_tol=1e-4, abs_tol=1e-9) for k in want)


@exercise(
    "08.1",
    "Gradient norms by hand",
    solution="""
    import tensorflow as tf

    def answer(model, x, y):
        loss_fn = keras.losses.SparseCategoricalCrossentropy()
        layers = [layer for layer in model.layers if hasattr(layer, "kernel")]
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))   # run the layers as fit does
        grads = tape.gradient(loss, [layer.kernel for layer in layers])
        return {layer.name: float(tf.norm(g)) for layer, g in zip(layers, grads)}
    """,
)
def gradients_by_hand(answer) -> str:
    if not callable(answer):
        raise Wrong(
            f"Your answer is a {type(answer).__name__}; this exercise asks for a function "
            "`def answer(model, x, y): ... return {layer name: norm}`."
        )
    used = sorted(_names_used(answer) & set(HELPERS))
    if used:
        raise Wrong(
            f"Your function calls `{used[0]}`, the helper this exercise asks you to do "
            "without. Record the forward pass and the loss on a `tf.GradientTape` yourself."
        )
    x, y = tape_batch()
    try:
        result = answer(tape_model(), x.copy(), y.copy())
    except Exception as error:  # the learner's code, run on the check's model
        raise Wrong(
            f"Your function raised {type(error).__name__}: {error}. It is called as "
            "answer(model, x, y) with a small Sequential model, x of shape "
            f"({TAPE_SAMPLES}, {TAPE_FEATURES}) and integer labels y."
        ) from error
    if not isinstance(result, dict):
        raise Wrong(
            f"Your function returned a {type(result).__name__}; return a dict "
            '{layer name: norm}, e.g. {"hidden_1": 0.12, ...}.'
        )
    names = set(TAPE_KERNEL_LAYERS)
    keys = {str(k) for k in result}
    if keys != names:
        extra = sorted(keys - names)
        why = (
            " Only layers with a weight matrix (a `kernel`) count: batch normalization's gamma "
            "and beta are not asked for."
            if any("bn" in k or "act" in k for k in extra)
            else " Key the dict by layer name (`layer.name`), not by weight name."
            if any("/" in k or "kernel" in k for k in extra)
            else ""
        )
        raise Wrong(
            f"Your dict has the keys {sorted(keys)}; the model's layers with a kernel are "
            f"{sorted(names)}.{why}"
        )
    try:
        got = {str(k): float(np.asarray(v)) for k, v in result.items()}
    except (TypeError, ValueError) as error:
        raise Wrong(
            "Each value should be one number, the norm of one kernel's gradient."
        ) from error
    refs = tape_references()
    if _same(got, refs["right"]):
        first, last = got["hidden_1"], got["output"]
        return (
            f"Right: {', '.join(f'{k} {v:.3g}' for k, v in got.items())}, the numbers "
            "hlc.diagnostics.gradient_norms reports. The first layer's gradient is "
            f"{first / last:.2g} times the output layer's here; in the deep sigmoid stack it "
            "was a few millionths."
        )
    hints = {
        "inference mode": (
            "These are the gradients with the layers run as in prediction. The model has a "
            "BatchNormalization layer, which normalizes with the batch's own statistics "
            "while training but with its moving averages when predicting: run the model as "
            "`fit` does."
        ),
        "with biases": (
            "Your norms include the biases' gradients. The question asks for each kernel's "
            "alone (how hard training pushes on the weight matrix)."
        ),
        "squared": "These are squared norms: the L2 norm is the square root of the sum of squares.",
        "weights": (
            "These are the norms of the weights themselves. The question asks how large the "
            "loss's gradient with respect to each kernel is: what the tape returns."
        ),
        "summed loss": (
            f"Your norms are {TAPE_SAMPLES} times too large: your loss is the sum of the "
            "per-sample losses. Training uses one number, their mean over the batch (what a "
            "Keras loss object returns)."
        ),
    }
    for kind, hint in hints.items():
        if _same(got, refs[kind]):
            raise Wrong(hint)
    want = refs["right"]
    yours = ", ".join(f"{k} {v:.3g}" for k, v in got.items())
    raise Wrong(
        f"Not the gradient norms yet (you have {yours}). "
        "Record the forward pass and the loss on a tape, ask it for the gradient of the loss "
        f"with respect to each kernel, and take each one's L2 norm. (The first layer's should "
        f"come out near {want['hidden_1']:.2g}.)"
    )


# 08.2: one step of the learner's optimizer on gradients known in advance.
CLIP_LEARNING_RATE, CLIP_MAX_STEP = 0.05, 0.01
CLIP_KERNEL_GRADIENT = np.array([[6.0, -8.0, 0.0], [0.0, 0.0, 0.0]], "float32")  # norm 10
CLIP_BIAS_GRADIENT = np.array([0.06, -0.08, 0.0], "float32")  # norm 0.1


def clipped_steps(optimizer) -> tuple[np.ndarray, np.ndarray]:
    """The step a fresh copy of `optimizer` takes on a kernel and a bias from these gradients
    (kernel gradient of norm 10, bias gradient of norm 0.1), as positive numbers."""
    import keras

    fresh = type(optimizer).from_config(optimizer.get_config())
    weights = [
        keras.Variable(np.zeros_like(CLIP_KERNEL_GRADIENT)),
        keras.Variable(np.zeros_like(CLIP_BIAS_GRADIENT)),
    ]
    fresh.apply([CLIP_KERNEL_GRADIENT, CLIP_BIAS_GRADIENT], weights)
    return -np.asarray(weights[0].numpy(), np.float64), -np.asarray(weights[1].numpy(), np.float64)


@exercise(
    "08.2",
    "A bound on every step",
    solution="""
    # the step is learning rate x clipped gradient: 0.05 x 0.2 = 0.01
    answer = keras.optimizers.SGD(learning_rate=0.05, clipnorm=0.2)
    """,
)
def step_bound(answer) -> str:
    import keras

    if not isinstance(answer, keras.optimizers.Optimizer):
        raise Wrong(
            f"Your answer is {answer!r}; this exercise asks for an optimizer object, e.g. "
            "`keras.optimizers.SGD(...)`."
        )
    if not isinstance(answer, keras.optimizers.SGD):
        raise Wrong(
            f"{type(answer).__name__} scales each step by its own running statistics, so its "
            "step is not the learning rate times the gradient. This exercise is about plain "
            "SGD: `keras.optimizers.SGD(...)`."
        )
    config = answer.get_config()
    rate = config.get("learning_rate")
    if not isinstance(rate, numbers.Real) or not math.isclose(
        rate, CLIP_LEARNING_RATE, rel_tol=1e-6
    ):
        raise Wrong(
            f"Keep the learning rate at {CLIP_LEARNING_RATE} and bound the step by clipping: a "
            "smaller learning rate shrinks every step, also those that needed no bound."
        )
    if config.get("momentum") or config.get("nesterov"):
        raise Wrong("Use plain SGD, without momentum: then one step is learning rate × gradient.")
    kernel, bias = clipped_steps(answer)
    size = float(np.linalg.norm(kernel))
    cosine = float(kernel.ravel() @ CLIP_KERNEL_GRADIENT.ravel()) / max(
        size * float(np.linalg.norm(CLIP_KERNEL_GRADIENT)), 1e-30
    )
    if size > 0 and cosine < 0.9999:
        raise Wrong(
            "The kernel's step no longer points along its gradient. clipvalue cuts each number "
            "of the gradient on its own, so large entries lose more than small ones and the "
            "direction turns; the exercise asks to keep the direction."
        )
    if size > CLIP_MAX_STEP * (1 + 1e-3):
        clipped = any(config.get(k) for k in ("clipnorm", "global_clipnorm", "clipvalue"))
        raise Wrong(
            f"A kernel gradient of norm 10 moves the kernel by {size:.3g}, more than "
            f"{CLIP_MAX_STEP}. "
            + (
                "Clip harder: the clipped gradient is then multiplied by the learning rate."
                if clipped
                else "Nothing bounds the step yet: clip the gradient before the step."
            )
        )
    if size < CLIP_MAX_STEP * (1 - 1e-3):
        raise Wrong(
            f"Now the kernel's step is {size:.3g}, well below the {CLIP_MAX_STEP} allowed: the "
            "clip bounds the gradient, and the step is the learning rate times the clipped "
            "gradient. What gradient norm gives a step of exactly the bound?"
        )
    if not np.allclose(bias, CLIP_LEARNING_RATE * CLIP_BIAS_GRADIENT, rtol=1e-4, atol=1e-9):
        raise Wrong(
            f"The bias's gradient has norm 0.1, so its step ({CLIP_LEARNING_RATE * 0.1:g}) was "
            f"within the bound, yet it came out as {np.linalg.norm(bias):.3g}: your clipping "
            "shrinks all gradients by one factor, computed from all of them together. The "
            "exercise asks to leave a weight alone when its own step is small."
        )
    return (
        f"The kernel moves by {size:.3g} along its gradient and the bias by "
        f"{np.linalg.norm(bias):.3g}, untouched: clipnorm cuts each weight's gradient to "
        "norm 0.2 when it is longer, and 0.05 × 0.2 = 0.01."
    )


IMAGE_SHAPE = (8, 8)
IMAGE_PARAMETERS = (64 * 32 + 32) + (32 * 10 + 10)


@exercise(
    "08.3",
    "Images, not vectors",
    solution="""
    answer = keras.Sequential([
        keras.Input(shape=(8, 8)),        # one sample: an 8 x 8 image (no batch axis)
        keras.layers.Flatten(),           # Dense works on the last axis only
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    """,
)
def image_input(answer) -> str:
    import keras

    if not isinstance(answer, keras.Model):
        raise Wrong(
            f"Your answer is a {type(answer).__name__}; this exercise asks for a Keras model, "
            "e.g. `keras.Sequential([...])`."
        )
    if not answer.built or not getattr(answer, "inputs", None):
        raise Wrong(
            "The model is not built: it does not know what one sample looks like, so it has no "
            "weights yet. Tell it the shape of its input before any data arrives."
        )
    shape = tuple(answer.inputs[0].shape)
    if shape == (None, 64):
        raise Wrong(
            "This model expects flat vectors of 64 numbers, but here each image arrives as an "
            "8 × 8 array. What is the shape of one sample?"
        )
    if len(shape) > 1 + len(IMAGE_SHAPE):
        raise Wrong(
            f"Your input shape {shape[1:]} has an extra axis. `shape=` describes one sample; "
            "Keras puts the batch axis in front by itself, and these images have no channel "
            "axis."
        )
    if shape[1:] != IMAGE_SHAPE:
        raise Wrong(f"The model expects samples of shape {shape[1:]}; one image is {IMAGE_SHAPE}.")
    out = tuple(answer.outputs[0].shape)
    if out == (None, 8, 10):
        raise Wrong(
            "The output has shape (8, 10) per image: Dense works on the last axis only, so "
            "each of the 8 rows got its own 10 outputs. Turn each image into one vector first."
        )
    if out != (None, 10):
        raise Wrong(f"The output has shape {out[1:]} per image; one image needs 10 outputs.")
    if answer.count_params() != IMAGE_PARAMETERS:
        raise Wrong(
            f"It has {answer.count_params():,} parameters; the model asked for (Dense 32 ReLU, "
            f"then Dense 10 softmax, on the image's 64 pixels) has {IMAGE_PARAMETERS:,}."
        )
    probabilities = answer.predict(np.zeros((2, *IMAGE_SHAPE), "float32"), verbose=0)
    if not np.allclose(probabilities.sum(axis=1), 1, atol=1e-4):
        raise Wrong("The outputs do not sum to 1: the last layer should give probabilities.")
    return (
        f"Built before any data: input (None, 8, 8), output (None, 10), {IMAGE_PARAMETERS:,} "
        "parameters. A single image still needs its batch axis: `image[None]` has shape "
        "(1, 8, 8)."
    )


LOSS_CASES = {
    "a": "Dense(10) with no activation, integer labels 0-9",
    "b": "Dense(10, activation='softmax'), one-hot labels",
    "c": "Dense(1) with no activation, labels 0 or 1",
}
_LOSS_NAMES = {
    "sparse_categorical_crossentropy": "sparse",
    "categorical_crossentropy": "categorical",
    "binary_crossentropy": "binary",
}


def _loss_kind(loss) -> tuple[str, bool] | None:
    """(kind, from_logits) of a loss object or name; None for anything else."""
    import keras

    if isinstance(loss, str):
        kind = _LOSS_NAMES.get(loss)
        return None if kind is None else (kind, False)
    if not isinstance(loss, keras.losses.Loss):
        return None
    from_logits = bool(loss.get_config().get("from_logits", False))
    for cls, kind in [
        (keras.losses.SparseCategoricalCrossentropy, "sparse"),
        (keras.losses.CategoricalCrossentropy, "categorical"),
        (keras.losses.BinaryCrossentropy, "binary"),
    ]:
        if isinstance(loss, cls):
            return kind, from_logits
    return "other", from_logits


@exercise(
    "08.4",
    "Which loss for which output?",
    solution="""
    answer = {
        "a": keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        "b": keras.losses.CategoricalCrossentropy(),
        "c": keras.losses.BinaryCrossentropy(from_logits=True),
    }
    """,
)
def losses_for_outputs(answer) -> str:
    if not isinstance(answer, dict) or set(answer) != set(LOSS_CASES):
        raise Wrong(
            f"Your answer is {answer!r}; this exercise asks for a dict with the keys "
            '"a", "b" and "c", each a loss object from keras.losses.'
        )
    kinds = {key: _loss_kind(loss) for key, loss in answer.items()}
    for key, kind in kinds.items():
        if kind is None:
            raise Wrong(
                f"({key}): {answer[key]!r} is not a Keras loss; give an object such as "
                "`keras.losses.SomeLoss(...)`."
            )
    hints = []
    kind, logits = kinds["a"]
    if kind == "categorical":
        hints.append("(a): its labels are integers, one per sample; this loss wants one-hot rows.")
    elif kind != "sparse":
        hints.append("(a): ten classes, integer labels: which cross-entropy takes class numbers?")
    elif not logits:
        hints.append(
            "(a): the last layer has no activation, so it outputs raw scores, but this loss "
            "reads its input as probabilities unless told otherwise."
        )
    kind, logits = kinds["b"]
    if kind == "sparse":
        hints.append("(b): its labels are one-hot rows, not class numbers.")
    elif kind != "categorical":
        hints.append("(b): ten classes with one-hot labels: which cross-entropy takes those?")
    elif logits:
        hints.append(
            "(b): a softmax layer outputs probabilities, not scores. Keras on TensorFlow "
            "notices, warns and uses the scores behind the softmax, but the loss should be "
            "told the truth."
        )
    kind, logits = kinds["c"]
    if kind in ("sparse", "categorical"):
        hints.append(
            "(c): one output unit gives one number per sample, the score of class 1; a "
            "cross-entropy over several outputs does not fit it."
        )
    elif kind != "binary":
        hints.append("(c): two classes from one output number: which cross-entropy is that?")
    elif not logits:
        hints.append(
            "(c): with no sigmoid at the end, the output is a raw score that can be any number, "
            "not a probability."
        )
    if hints:
        raise Wrong(" ".join(hints))
    return (
        "All three match: integer labels go with the sparse loss, one-hot labels with the "
        "plain categorical one, a single output with the binary one; and from_logits=True "
        "exactly when the last layer has no activation."
    )


TRAIN_SHAPE, TEST_SHAPE = (6, 3), (4, 3)
CONSTANT_COLUMN = 2  # the same value in every training row, not in the test rows


def _standardize_data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    scale = np.array([1.0, 1000.0, 1.0])
    x_train = rng.normal(3, 2, TRAIN_SHAPE) * scale
    x_test = rng.normal(3, 2, TEST_SHAPE) * scale
    x_train[:, CONSTANT_COLUMN] = 0.0  # e.g. a pixel blank in every training image
    x_test[:, CONSTANT_COLUMN] = [0.0, 0.5, 0.0, 1.0]
    return x_train, x_test


@exercise(
    "08.5",
    "Standardize, with a blank pixel",
    solution="""
    def answer(x_train, x_test):
        mean, std = x_train.mean(axis=0), x_train.std(axis=0)   # training data only
        std = np.where(std > 0, std, 1.0)   # a constant feature is only centred
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
    with np.errstate(all="ignore"):  # a learner's 0/0 is reported below, not warned about
        result = answer(x_train.copy(), x_test.copy())
    if not isinstance(result, tuple) or len(result) != 2:
        raise Wrong("Your function should return a pair: (scaled training data, scaled test data).")
    got_train, got_test = (np.asarray(r, dtype=float) for r in result)
    if got_train.shape != TRAIN_SHAPE or got_test.shape != TEST_SHAPE:
        raise Wrong(
            f"Shapes {got_train.shape} and {got_test.shape}; expected {TRAIN_SHAPE} and "
            f"{TEST_SHAPE}: scale each column (feature), keep every row."
        )
    if not (np.isfinite(got_train).all() and np.isfinite(got_test).all()):
        raise Wrong(
            "Your result holds NaN or infinity. Look at the third feature: it is 0 in every "
            "training row. What is its standard deviation, and what happens when you divide by "
            "it?"
        )
    varying = [c for c in range(TRAIN_SHAPE[1]) if c != CONSTANT_COLUMN]
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    want_train = (x_train[:, varying] - mean[varying]) / std[varying]
    want_test = (x_test[:, varying] - mean[varying]) / std[varying]
    if np.allclose(got_train[:, varying], want_train) and not np.allclose(
        got_test[:, varying], want_test
    ):
        own = (x_test - x_test.mean(axis=0))[:, varying] / x_test.std(axis=0)[varying]
        if np.allclose(got_test[:, varying], own):
            raise Wrong(
                "The test data was scaled with its own mean and spread. Use the training "
                "data's, so the model sees test points exactly as it would have seen them in "
                "training."
            )
    if np.allclose(got_train, (x_train - x_train.mean()) / x_train.std()):
        raise Wrong(
            "One mean and spread for all the numbers leaves the features on different scales: "
            "compute them per column (`axis=0`)."
        )
    if not (
        np.allclose(got_train[:, varying], want_train)
        and np.allclose(got_test[:, varying], want_test)
    ):
        raise Wrong(
            "Not standardized yet: subtract the training data's mean of each column and divide "
            "by its standard deviation, for both arrays."
        )
    constant_test = got_test[:, CONSTANT_COLUMN]
    centred = x_test[:, CONSTANT_COLUMN] - mean[CONSTANT_COLUMN]
    if np.abs(constant_test).max() > 100:
        raise Wrong(
            "The features that vary are right, but the blank feature's test values come out "
            f"as large as {np.abs(constant_test).max():.3g}: dividing by a tiny number instead "
            "of 0 still blows up a value the training data never showed. A feature with no "
            "spread has nothing to rescale."
        )
    kept_at_zero = np.allclose(got_train[:, CONSTANT_COLUMN], 0)
    if not (
        kept_at_zero and (np.allclose(constant_test, centred) or np.allclose(constant_test, 0))
    ):
        raise Wrong(
            "The features that vary are right; the third one, constant in training, should "
            "come out centred (0 for every training row), with no rescaling."
        )
    return (
        "Every varying feature has mean 0 and spread 1 on the training data, the test data went "
        "through the same shift and scale, and the constant feature is centred, not divided "
        "by 0 (scikit-learn's StandardScaler does the same)."
    )
