"""Exercises of lesson 07: realistic wrong answers get a message that says what is wrong, and
the facts the checks rely on hold."""

from __future__ import annotations

import numpy as np
import pytest

from hlcourse.exercises import lesson07

from .answers import assert_says_what_is_wrong, dense, keras_module, sequential


def tape_norms(*, training=True, biases=False, squared=False, weights=False, summed=False):
    """A learner's 07.1 function with one of the likely slips."""

    def answer(model, x, y):
        import tensorflow as tf

        keras = keras_module()
        loss_fn = keras.losses.SparseCategoricalCrossentropy(
            reduction="sum" if summed else "sum_over_batch_size"
        )
        layers = [layer for layer in model.layers if hasattr(layer, "kernel")]
        with tf.GradientTape(persistent=True) as tape:  # one gradient request per layer
            loss = loss_fn(y, model(x, training=training))
        found = {}
        for layer in layers:
            wanted = list(layer.trainable_weights) if biases else [layer.kernel]
            grads = wanted if weights else tape.gradient(loss, wanted)
            total = sum(float(tf.reduce_sum(tf.square(g))) for g in grads)
            found[layer.name] = total if squared else total**0.5
        return found

    return answer


def with_bn_layer(model, x, y):
    """Every layer with trainable weights, batch normalization's too."""
    import tensorflow as tf

    keras = keras_module()
    layers = [layer for layer in model.layers if layer.trainable_weights]
    with tf.GradientTape() as tape:
        loss = keras.losses.SparseCategoricalCrossentropy()(y, model(x, training=True))
    grads = tape.gradient(loss, [layer.trainable_weights[0] for layer in layers])
    return {layer.name: float(tf.norm(g)) for layer, g in zip(layers, grads, strict=True)}


def helper_norms(model, x, y):
    """07.1 answered by wrapping the lesson's helper instead of using a tape."""
    import hlcourse as hlc

    rows = hlc.diagnostics.gradient_norms(model, x, y).rows
    return {row.layer: row.kernel_norm for row in rows if row.weight == "kernel"}


def sgd(**kwargs):
    return lambda: keras_module().optimizers.SGD(**kwargs)


def images_in(*layers, inputs=(8, 8)):
    """A Sequential model whose Input has the shape of one digits image unless told otherwise."""
    return sequential(*layers, inputs=inputs)


def flatten():
    return keras_module().layers.Flatten()


def losses(a, b, c):
    """A 07.7 answer built at test time from (class name, kwargs) pairs."""

    def build():
        keras = keras_module()
        return {
            key: getattr(keras.losses, name)(**kw)
            for key, (name, kw) in zip("abc", (a, b, c), strict=True)
        }

    return build


SPARSE_LOGITS = ("SparseCategoricalCrossentropy", {"from_logits": True})
CATEGORICAL = ("CategoricalCrossentropy", {})
BINARY_LOGITS = ("BinaryCrossentropy", {"from_logits": True})


def plain_standardize(a, b):
    mean, std = a.mean(0), a.std(0)
    return (a - mean) / std, (b - mean) / std


def epsilon_standardize(a, b):
    mean, std = a.mean(0), a.std(0)
    return (a - mean) / (std + 1e-7), (b - mean) / (std + 1e-7)


def own_statistics(a, b):
    safe = lambda s: np.where(s > 0, s, 1.0)  # noqa: E731
    return (a - a.mean(0)) / safe(a.std(0)), (b - b.mean(0)) / safe(b.std(0))


# (exercise id, a wrong answer a learner might give, a fragment the feedback must contain)
WRONG_ANSWERS = [
    ("07.1", lambda: tape_norms(training=False), "run the model as `fit` does"),
    ("07.1", lambda: tape_norms(biases=True), "include the biases"),
    ("07.1", lambda: tape_norms(squared=True), "squared norms"),
    ("07.1", lambda: tape_norms(weights=True), "norms of the weights themselves"),
    ("07.1", lambda: tape_norms(summed=True), "32 times too large"),
    ("07.1", lambda: with_bn_layer, "Only layers with a weight matrix"),
    ("07.1", lambda: helper_norms, "the helper this exercise asks you to do without"),
    ("07.1", lambda: (lambda model, x, y: [1.0, 2.0, 3.0]), "return a dict"),
    ("07.1", lambda: (lambda model, x, y: model.nonexistent), "Your function raised"),
    ("07.1", {"hidden_1": 0.1}, "asks for a function"),
    ("07.2", sgd(learning_rate=0.05), "Nothing bounds the step"),
    ("07.2", sgd(learning_rate=0.05, clipnorm=0.01), "well below"),
    ("07.2", sgd(learning_rate=0.05, clipvalue=0.2), "clipvalue cuts each number"),
    ("07.2", sgd(learning_rate=0.05, global_clipnorm=0.2), "one factor, computed from all"),
    ("07.2", sgd(learning_rate=0.01, clipnorm=1.0), "Keep the learning rate at 0.05"),
    ("07.2", lambda: keras_module().optimizers.Adam(0.05, clipnorm=0.2), "plain SGD"),
    ("07.2", sgd(learning_rate=0.05, clipnorm=0.2, momentum=0.9), "without momentum"),
    ("07.2", "sgd", "optimizer object"),
    ("07.3", {"different units": 8, "hidden weights changed": True}, "Not zero is not enough"),
    ("07.3", {"different units": 1, "hidden weights changed": False}, "Is either true here?"),
    ("07.3", {"different units": 0, "hidden weights changed": True}, "*kinds*"),
    ("07.3", {"different units": 1.0, "hidden weights changed": True}, "whole number"),
    ("07.3", 1, "keys"),
    ("07.4", (16 * 8**9) ** 0.5, "square of the weights' standard deviation"),
    ("07.4", (0.0064 * 0.0032**9) ** 0.5, "Where is fan_in"),
    ("07.4", 1.28**5, "What is E[h²]"),
    ("07.4", 0.64**5, "Layer 1 gets the standardized inputs themselves"),
    ("07.4", 1.28 * 0.64**9, "looks like a variance"),
    ("07.4", (1.28 * 0.32**9) ** 0.5, "not the standard deviation"),
    ("07.4", (1.28 * 0.64**8) ** 0.5, "Count again"),
    ("07.4", 0.155, "is this a measurement?"),
    ("07.4", 1.0, "Not yet"),
    ("07.4", -0.15, "positive number"),
    ("07.4", "0.15", "one number"),
    ("07.5", (2 / 64) ** 0.5, "He's scale"),
    ("07.5", (1 / 64) ** 0.5, "slope 1"),
    ("07.5", (2 / (1.5 * 64)) ** 0.5, "square scaled by 0.25"),
    ("07.5", 2 / (1.25 * 64), "variance"),
    ("07.5", 3**0.5 * (2 / (1.25 * 64)) ** 0.5, "uniform distribution"),
    ("07.5", 1.0, "times the first's"),
    ("07.5", -0.1, "positive number"),
    ("07.5", "0.16", "one number"),
    ("07.6", lambda: images_in(dense(32, "relu"), dense(10, "softmax"), inputs=(64,)),
     "8 × 8 array"),
    ("07.6", lambda: images_in(flatten(), dense(32, "relu"), dense(10, "softmax"),
                               inputs=(1, 8, 8)),
     "extra axis"),
    ("07.6", lambda: images_in(dense(32, "relu"), dense(10, "softmax")), "last axis only"),
    ("07.6", lambda: keras_module().Sequential([flatten(), dense(32, "relu"),
                                                dense(10, "softmax")]), "not built"),
    ("07.6", lambda: images_in(flatten(), dense(64, "relu"), dense(10, "softmax")),
     "parameters"),
    ("07.6", lambda: images_in(flatten(), dense(32, "relu"), dense(10)), "probabilities"),
    ("07.6", "model", "Keras model"),
    ("07.7", losses(("SparseCategoricalCrossentropy", {}), CATEGORICAL, BINARY_LOGITS),
     "reads its input as probabilities"),
    ("07.7", losses(SPARSE_LOGITS, ("SparseCategoricalCrossentropy", {}), BINARY_LOGITS),
     "one-hot rows, not class numbers"),
    ("07.7", losses(SPARSE_LOGITS, ("CategoricalCrossentropy", {"from_logits": True}),
                    BINARY_LOGITS), "told the truth"),
    ("07.7", losses(SPARSE_LOGITS, CATEGORICAL, ("BinaryCrossentropy", {})), "raw score"),
    ("07.7", losses(SPARSE_LOGITS, CATEGORICAL, SPARSE_LOGITS), "one output unit"),
    ("07.7", losses(("CategoricalCrossentropy", {"from_logits": True}), CATEGORICAL,
                    BINARY_LOGITS), "integers, one per sample"),
    ("07.7", {"a": "mse", "b": "categorical_crossentropy", "c": "binary_crossentropy"},
     "not a Keras loss"),
    ("07.7", "sparse_categorical_crossentropy", "keys"),
    ("07.8", lambda: plain_standardize, "NaN or infinity"),
    ("07.8", lambda: epsilon_standardize, "dividing by a tiny number"),
    ("07.8", lambda: own_statistics, "its own mean"),
    ("07.8", lambda: (lambda a, b: ((a - a.mean()) / a.std(), (b - a.mean()) / a.std())),
     "per column"),
    ("07.8", lambda: (lambda a, b: a / a.max()), "a pair"),
    ("07.8", np.zeros(3), "asks for a function"),
]  # fmt: skip


@pytest.mark.parametrize(("exercise_id", "answer", "fragment"), WRONG_ANSWERS)
def test_wrong_answers_say_what_is_wrong(exercise_id, answer, fragment):
    assert_says_what_is_wrong(exercise_id, answer, fragment)


def test_07_1_the_slips_give_numbers_unlike_the_right_ones():
    """Each wrong-answer pattern 07.1 recognizes differs from the right answer on its model."""
    refs = lesson07.tape_references()
    right = refs.pop("right")
    for kind, values in refs.items():
        assert not lesson07._same(values, right), kind


def test_07_2_clipnorm_is_per_weight_and_clipvalue_turns_the_step():
    """What 07.2's hints say about Keras' clipping options."""
    keras = keras_module()
    kernel, bias = lesson07.clipped_steps(keras.optimizers.SGD(1.0, clipnorm=1.0))
    np.testing.assert_allclose(kernel, lesson07.CLIP_KERNEL_GRADIENT / 10, rtol=1e-5)
    np.testing.assert_allclose(bias, lesson07.CLIP_BIAS_GRADIENT, rtol=1e-5)
    kernel, _ = lesson07.clipped_steps(keras.optimizers.SGD(1.0, clipvalue=1.0))
    np.testing.assert_allclose(kernel, np.clip(lesson07.CLIP_KERNEL_GRADIENT, -1, 1))


def test_07_3_equal_starting_weights_stay_equal_but_move():
    """07.3's answer, measured: 8 tanh units from Constant(0.5) stay copies, and move."""
    import hlcourse as hlc

    keras = keras_module()
    circles = hlc.data.make_classification("circles", n_samples=200, noise=0.05, seed=0)
    model = hlc.models.build_dense_network(
        2, (8,), activation="tanh", initializer=keras.initializers.Constant(0.5)
    )
    hlc.training.train_fast(model, circles.x_train, circles.y_train, epochs=300,
                            learning_rate=0.03)  # fmt: skip
    assert hlc.diagnostics.units_identical(model, circles.x_test, "hidden_1")
    kernel = model.get_layer("hidden_1").kernel.numpy()
    assert np.abs(kernel - 0.5).max() > 0.1


def test_07_5_the_variance_argument_predicts_a_simulated_stack():
    """A numpy stack of ten leaky-ReLU layers with the right scale keeps its spread (averaged
    over 4 draws of weights), and He's scale makes it grow as the check says."""
    slope, width = lesson07.LEAKY_SLOPE, lesson07.LEAKY_FAN_IN

    def spread_ratio(std, seed):
        rng = np.random.default_rng(seed)
        h = rng.standard_normal((2000, width))
        spreads = []
        for _ in range(lesson07.LEAKY_LAYERS):
            z = h @ rng.normal(0, std, (width, width))
            spreads.append(z.std())
            h = np.where(z > 0, z, slope * z)
        return spreads[-1] / spreads[0]

    right = np.mean([spread_ratio(lesson07.LEAKY_RIGHT, s) for s in range(4)])
    he = np.mean([spread_ratio((2 / width) ** 0.5, s) for s in range(4)])
    assert 0.7 < right < 1.4
    assert he == pytest.approx(lesson07.leaky_spread_ratio((2 / width) ** 0.5), rel=0.3)


def test_07_4_the_prediction_is_what_a_simulated_stack_gives():
    """Ten ReLU layers of 200 units with N(0, 0.08²) weights, as hlcourse.initialization
    computes them with Keras' RandomNormal: layer 10's measured spread, averaged (in log) over
    8 draws, is the check's number within 12% (one draw of 200-unit layers strays by up to
    about a third: 0.108 to 0.202 on seeds 0-7), and the chained formula gives it."""
    keras = keras_module()
    from hlcourse.initialization import layer_activations

    normal = keras.initializers.RandomNormal(stddev=lesson07.SPREAD_STD)
    runs = [layer_activations(lesson07.SPREAD_LAYERS, lesson07.SPREAD_WIDTH, normal, "relu",
                              seed=seed) for seed in range(8)]  # fmt: skip
    measured = np.exp(np.mean([np.log(run.pre_std[-1]) for run in runs]))
    assert measured == pytest.approx(lesson07.SPREAD_RIGHT, rel=0.12)
    # the chain starts from the sampled inputs' second moment, 1 up to sampling noise
    assert runs[0].chained_std[-1] == pytest.approx(lesson07.SPREAD_RIGHT, rel=0.01)


def test_07_4_the_likely_slips_are_far_from_the_right_answer():
    right = lesson07.SPREAD_RIGHT
    for slip in [dict(var_w=lesson07.SPREAD_STD), dict(fan_in=1), dict(keep=1.0),
                 dict(first_keep=0.5), dict(keep=0.25), dict(layers=9), dict(layers=11)]:  # fmt: skip
        assert abs(lesson07.spread_of_layer(**slip) / right - 1) > 0.15, slip
