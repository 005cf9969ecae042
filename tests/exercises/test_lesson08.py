"""Exercises of lesson 08: realistic wrong answers get a message that says what is wrong, and
the facts the checks rely on hold."""

from __future__ import annotations

import numpy as np
import pytest

from hlcourse.exercises import lesson08

from .answers import assert_says_what_is_wrong, dense, keras_module, sequential


def tape_norms(*, training=True, biases=False, squared=False, weights=False, summed=False):
    """A learner's 08.1 function with one of the likely slips."""

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
    """08.1 answered by wrapping the lesson's helper instead of using a tape."""
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
    """A 08.4 answer built at test time from (class name, kwargs) pairs."""

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
    ("08.1", lambda: tape_norms(training=False), "run the model as `fit` does"),
    ("08.1", lambda: tape_norms(biases=True), "include the biases"),
    ("08.1", lambda: tape_norms(squared=True), "squared norms"),
    ("08.1", lambda: tape_norms(weights=True), "norms of the weights themselves"),
    ("08.1", lambda: tape_norms(summed=True), "32 times too large"),
    ("08.1", lambda: with_bn_layer, "Only layers with a weight matrix"),
    ("08.1", lambda: helper_norms, "the helper this exercise asks you to do without"),
    ("08.1", lambda: (lambda model, x, y: [1.0, 2.0, 3.0]), "return a dict"),
    ("08.1", lambda: (lambda model, x, y: model.nonexistent), "Your function raised"),
    ("08.1", {"hidden_1": 0.1}, "asks for a function"),
    ("08.2", sgd(learning_rate=0.05), "Nothing bounds the step"),
    ("08.2", sgd(learning_rate=0.05, clipnorm=0.01), "well below"),
    ("08.2", sgd(learning_rate=0.05, clipvalue=0.2), "clipvalue cuts each number"),
    ("08.2", sgd(learning_rate=0.05, global_clipnorm=0.2), "one factor, computed from all"),
    ("08.2", sgd(learning_rate=0.01, clipnorm=1.0), "Keep the learning rate at 0.05"),
    ("08.2", lambda: keras_module().optimizers.Adam(0.05, clipnorm=0.2), "plain SGD"),
    ("08.2", sgd(learning_rate=0.05, clipnorm=0.2, momentum=0.9), "without momentum"),
    ("08.2", "sgd", "optimizer object"),
    ("08.3", lambda: images_in(dense(32, "relu"), dense(10, "softmax"), inputs=(64,)),
     "8 × 8 array"),
    ("08.3", lambda: images_in(flatten(), dense(32, "relu"), dense(10, "softmax"),
                               inputs=(1, 8, 8)),
     "extra axis"),
    ("08.3", lambda: images_in(dense(32, "relu"), dense(10, "softmax")), "last axis only"),
    ("08.3", lambda: keras_module().Sequential([flatten(), dense(32, "relu"),
                                                dense(10, "softmax")]), "not built"),
    ("08.3", lambda: images_in(flatten(), dense(64, "relu"), dense(10, "softmax")),
     "parameters"),
    ("08.3", lambda: images_in(flatten(), dense(32, "relu"), dense(10)), "probabilities"),
    ("08.3", "model", "Keras model"),
    ("08.4", losses(("SparseCategoricalCrossentropy", {}), CATEGORICAL, BINARY_LOGITS),
     "reads its input as probabilities"),
    ("08.4", losses(SPARSE_LOGITS, ("SparseCategoricalCrossentropy", {}), BINARY_LOGITS),
     "one-hot rows, not class numbers"),
    ("08.4", losses(SPARSE_LOGITS, ("CategoricalCrossentropy", {"from_logits": True}),
                    BINARY_LOGITS), "told the truth"),
    ("08.4", losses(SPARSE_LOGITS, CATEGORICAL, ("BinaryCrossentropy", {})), "raw score"),
    ("08.4", losses(SPARSE_LOGITS, CATEGORICAL, SPARSE_LOGITS), "one output unit"),
    ("08.4", losses(("CategoricalCrossentropy", {"from_logits": True}), CATEGORICAL,
                    BINARY_LOGITS), "integers, one per sample"),
    ("08.4", {"a": "mse", "b": "categorical_crossentropy", "c": "binary_crossentropy"},
     "not a Keras loss"),
    ("08.4", "sparse_categorical_crossentropy", "keys"),
    ("08.5", lambda: plain_standardize, "NaN or infinity"),
    ("08.5", lambda: epsilon_standardize, "dividing by a tiny number"),
    ("08.5", lambda: own_statistics, "its own mean"),
    ("08.5", lambda: (lambda a, b: ((a - a.mean()) / a.std(), (b - a.mean()) / a.std())),
     "per column"),
    ("08.5", lambda: (lambda a, b: a / a.max()), "a pair"),
    ("08.5", np.zeros(3), "asks for a function"),
]  # fmt: skip


@pytest.mark.parametrize(("exercise_id", "answer", "fragment"), WRONG_ANSWERS)
def test_wrong_answers_say_what_is_wrong(exercise_id, answer, fragment):
    assert_says_what_is_wrong(exercise_id, answer, fragment)


def test_08_1_the_slips_give_numbers_unlike_the_right_ones():
    """Each wrong-answer pattern 08.1 recognizes differs from the right answer on its model."""
    refs = lesson08.tape_references()
    right = refs.pop("right")
    for kind, values in refs.items():
        assert not lesson08._same(values, right), kind


def test_08_2_clipnorm_is_per_weight_and_clipvalue_turns_the_step():
    """What 08.2's hints say about Keras' clipping options."""
    keras = keras_module()
    kernel, bias = lesson08.clipped_steps(keras.optimizers.SGD(1.0, clipnorm=1.0))
    np.testing.assert_allclose(kernel, lesson08.CLIP_KERNEL_GRADIENT / 10, rtol=1e-5)
    np.testing.assert_allclose(bias, lesson08.CLIP_BIAS_GRADIENT, rtol=1e-5)
    kernel, _ = lesson08.clipped_steps(keras.optimizers.SGD(1.0, clipvalue=1.0))
    np.testing.assert_allclose(kernel, np.clip(lesson08.CLIP_KERNEL_GRADIENT, -1, 1))
